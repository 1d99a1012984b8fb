package sim

import (
	"dropsim/sim/grid"

	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// market is the demand side: the buyers, their orders and waits, and the
// marketplaces the shops list on (marketplace.go).
type market struct {
	buyerRand agentStreams // one stream per buyer

	buyers     []Buyer
	orders     agenda         // buyers' next orders (a = buyer)
	arrivals   agenda         // buyers reaching their drop (a = buyer, b = drop)
	backlogQ   []backlogEntry // waiting orders in deadline order
	backlogQH  int
	waiting    int // orders in backlogs
	churned    int // buyers out of the market
	takedowns  []*takedown
	homeCum    []float64 // cumulative demand over cells, for drawing homes
	diurnalCum []float64 // buyers' activity accumulated over two days of ticks
	reputation int       // days in the reputation window
	patience   int       // ticks an order waits in a backlog
	// Every shop, the best reputation first and ties in shop order: the
	// order a buyer tries other shops in, sorted when reputations change
	// (rankShops, at the end of each day) rather than at every order.
	byReputation []*Shop

	// Every shop's drops for sale in one index, so that a buyer whose
	// preferred shop cannot serve looks once for the nearest drop of each
	// other shop rather than once per shop; nearest[k] is shop k's, valid
	// when its stamp is the look's.
	forSale *grid.Index
	nearest []nearestDrop
	look    int
}

// Buyer orders at exponential intervals shaped by a diurnal profile, is
// given the coordinates of a drop, travels there and picks it up, or finds
// nothing and complains; after churn_after failures in a row it leaves the
// market for churn_days (MODEL.md 4.2). Idle buyers wait in the orders
// agenda and cost nothing until their next order is due.
type Buyer struct {
	home      int32
	shop      int32 // preferred shop
	drop      int32 // reserved drop while travelling
	seq       int32 // numbers the buyer's orders, to recognise stale backlog entries
	orderTick int32
	state     uint8
	fails     uint8
	redrop    bool // the current order is a re-drop, already paid
	lost      bool // its marketplace was taken down: it leaves at its next order

	rng rand.PCG // the buyer's own stream (streams.go)
}

const (
	buyerIdle uint8 = iota
	buyerWaiting
	buyerTravel
	buyerOut
)

func (m *Model) buildBuyers() {
	m.market.buyers = make([]Buyer, m.P.Buyers.Count)
	for i := range m.market.buyers {
		b := &m.market.buyers[i]
		b.rng, b.drop = agentPCG(m.Seed, streamBuyer, uint64(i)), -1
		rng := m.buyerRNG(int32(i))
		b.home = m.drawHome(rng)
		b.shop = int32(rng.IntN(len(m.orgs.shops)))
		m.market.orders.add(m.nextOrder(-1, rng), 0, int32(i), 0)
	}
}

// diurnalTable accumulates the buyers' activity, in hours, tick by tick
// over two days: the hourly weights are scaled to average 1, so that a day
// holds 24 hours of activity whatever the profile.
func diurnalTable(w []float64, tickMinutes int) []float64 {
	tpd := 24 * 60 / tickMinutes
	mean := 0.0
	for _, x := range w {
		mean += x / 24
	}
	cum := make([]float64, 2*tpd+1)
	for k := 0; k < 2*tpd; k++ {
		h := (k % tpd) * tickMinutes / 60
		cum[k+1] = cum[k] + w[h]/mean*float64(tickMinutes)/60
	}
	return cum
}

// nextOrder draws the tick of a buyer's next order after tick t: an
// inhomogeneous Poisson process whose rate follows the diurnal profile and
// averages one order per interval_days. It draws the activity needed,
// exponential with mean interval_days x 24 hours, and finds the tick in
// which that much activity has passed.
func (m *Model) nextOrder(t int, rng *rand.Rand) int {
	need := rng.ExpFloat64() * m.P.Buyers.IntervalDays * 24
	start := t + 1
	d0 := start % m.tpd
	base := start - d0
	days := math.Floor(need / 24)
	need -= days * 24
	base += int(days) * m.tpd
	i := sort.SearchFloat64s(m.market.diurnalCum, m.market.diurnalCum[d0]+need)
	return base + max(i-1, d0)
}

// takeOrders: phase 2, buyers whose next order is due.
func (m *Model) takeOrders(t int) {
	for {
		it, ok := m.market.orders.due(t)
		if !ok {
			return
		}
		b := it.a
		bu := &m.market.buyers[b]
		if bu.lost {
			bu.lost = false
			if bu.state == buyerIdle {
				m.leaveMarket(b, t)
				continue
			}
		}
		if bu.state == buyerOut {
			m.market.churned--
			bu.state = buyerIdle
		}
		bu.seq++
		bu.orderTick, bu.redrop = int32(t), false
		m.totals.Orders++
		x, y := m.G.XY(bu.home)
		m.emit(EvOrder, RoleBuyer, bu.shop, b, x, y, "", 0)
		m.orderFrom(b, t)
	}
}

// orderFrom: the buyer shops for a drop within reach, at the preferred
// shop first (if online and its reputation is acceptable), then at the
// other acceptable shops in order of reputation, as a buyer browsing a
// marketplace's district listings would; the buyer stays with the shop
// that serves. With no drop anywhere the order waits in the preferred
// (or best) shop's backlog.
func (m *Model) orderFrom(b int32, t int) {
	bu := &m.market.buyers[b]
	x, y := m.G.XY(bu.home)
	r := m.P.Buyers.MaxTravel
	minRep := m.P.Market.MinReputation
	first := m.chooseShop(bu)
	if first == nil {
		m.unmet(b, t)
		return
	}
	if id, ok := first.avail.Nearest(x, y, r, nil); ok {
		bu.shop = first.id
		m.assign(first, b, id, t)
		return
	}
	m.nearestForSale(x, y, r)
	for _, sh := range m.market.byReputation {
		if sh == first || !sh.online() || sh.reputation < minRep {
			continue
		}
		if nd := m.market.nearest[sh.id]; nd.look == m.market.look {
			bu.shop = sh.id
			m.assign(sh, b, nd.drop, t)
			return
		}
	}
	bu.shop = first.id
	m.wait(first, b, t)
}

// nearestDrop is a shop's drop for sale nearest a buyer, at the look.
type nearestDrop struct {
	drop     int32
	look, d2 int
}

// nearestForSale finds, for every shop, its drop for sale nearest (x, y)
// within r, ties to the smaller drop id: what each shop's avail.Nearest
// gives, in one pass over the drops within reach.
func (m *Model) nearestForSale(x, y int, r float64) {
	m.market.look++
	look := m.market.look
	m.market.forSale.Within(x, y, r, func(id int32, d2 int) {
		nd := &m.market.nearest[m.street.drops[id].shop]
		if nd.look != look || d2 < nd.d2 || d2 == nd.d2 && id < nd.drop {
			*nd = nearestDrop{drop: id, look: look, d2: d2}
		}
	})
}

// rankShops sorts the shops by reputation, best first, ties in shop order.
func (m *Model) rankShops() {
	m.market.byReputation = append(m.market.byReputation[:0], m.orgs.shops...)
	slices.SortStableFunc(m.market.byReputation, func(a, b *Shop) int { return cmp.Compare(b.reputation, a.reputation) })
}

// chooseShop: the preferred shop if online and its reputation acceptable,
// else the online shop with the best reputation (the lowest id on ties).
func (m *Model) chooseShop(bu *Buyer) *Shop {
	if pref := m.orgs.shops[bu.shop]; pref.online() && pref.reputation >= m.P.Market.MinReputation {
		return pref
	}
	// With several marketplaces, the best shop of the largest.
	mk := -1
	if m.P.Market.Marketplaces > 1 {
		mk = m.largestMarket()
	}
	var best *Shop
	for _, sh := range m.orgs.shops {
		if sh.online() && (mk < 0 || sh.market == mk) && (best == nil || sh.reputation > best.reputation) {
			best = sh
		}
	}
	return best
}

// pickups: phase 4, buyers reach their drops.
func (m *Model) pickups(t int) {
	for {
		it, ok := m.market.arrivals.due(t)
		if !ok {
			return
		}
		b, id := it.a, it.b
		d := &m.street.drops[id]
		sh := m.orgs.shops[d.shop]
		d.listed = false
		if d.state == dropOnMap && d.watcher < 0 {
			m.end(id, OutcomePicked, "")
			sh.logPickup(t/m.tpd, m.market.reputation, true)
			m.succeed(b, t)
			continue
		}
		if d.state == dropOnMap { // police are watching it
			arrested := m.unitRNG(&m.police.units[d.watcher]).Float64() < m.P.Police.StakeoutArrestProb
			m.seize(id, CauseStakeout)
			if arrested {
				m.arrestBuyer(b, id, t)
				continue
			}
		}
		m.notFound(sh, b, id, t)
	}
}

// notFound: the buyer complains; the dispatcher relays the complaint as
// risk and may answer it with a re-drop.
func (m *Model) notFound(sh *Shop, b, drop int32, t int) {
	bu := &m.market.buyers[b]
	m.totals.NotFound++
	c := m.street.drops[drop].cell
	x, y := m.G.XY(c)
	m.emit(EvNotFound, RoleBuyer, sh.id, b, x, y, "", 0)
	m.police.hotspotSeen(x, y, t)
	sh.logPickup(t/m.tpd, m.market.reputation, false)
	m.report(sh, c, m.P.Stasher.RiskNotFound, t)
	if sh.online() && m.buyerRNG(b).Float64() < m.P.Market.RedropProb {
		m.totals.Redrops++
		m.emit(EvRedrop, RoleBuyer, sh.id, b, x, y, "", 0)
		bu.seq++
		bu.orderTick, bu.redrop = int32(t), true
		m.dispatch(sh, b, t)
		return
	}
	m.fail(b, t)
}

func (m *Model) unmet(b int32, t int) {
	m.totals.Unmet++
	x, y := m.G.XY(m.market.buyers[b].home)
	m.emit(EvUnmet, RoleBuyer, m.market.buyers[b].shop, b, x, y, "", 0)
	m.fail(b, t)
}

func (m *Model) succeed(b int32, t int) {
	bu := &m.market.buyers[b]
	bu.fails, bu.state = 0, buyerIdle
	m.market.orders.add(m.nextOrder(t, m.buyerRNG(b)), 0, b, 0)
}

// fail counts a failure; after churn_after in a row the buyer leaves.
func (m *Model) fail(b int32, t int) {
	bu := &m.market.buyers[b]
	bu.fails++
	if int(bu.fails) >= m.P.Buyers.ChurnAfter {
		bu.fails = 0
		m.leaveMarket(b, t)
		return
	}
	bu.state = buyerIdle
	m.market.orders.add(m.nextOrder(t, m.buyerRNG(b)), 0, b, 0)
}

// leaveMarket: the buyer is out for churn_days, then orders again.
func (m *Model) leaveMarket(b int32, t int) {
	m.market.buyers[b].state = buyerOut
	m.market.churned++
	m.market.orders.add(m.nextOrder(t+m.daysToTicks(m.P.Buyers.ChurnDays), m.buyerRNG(b)), 0, b, 0)
}
