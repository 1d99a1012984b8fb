package sim

import (
	"math"
	"math/rand/v2"

	"dropsim/sim/grid"
)

// organisations are the shops with their members' schedules:
// recruitment, deliveries, supply, reopening, quits and chain
// investigations.
type organisations struct {
	rng       *rand.Rand // stream 5
	shops     []*Shop
	sched     agenda
	bulkDoses int // doses in one bulk purchase
}

// Shop is an e-shop on the marketplace with its members: an organizer, a
// dispatcher, a cash keeper, mules and stashers (the roles of the seed
// paper). The organizer's, dispatcher's, cash keeper's and mules' steps
// live in their own files; this file holds the shared state.
type Shop struct {
	id         int32
	open       bool // false after the organizer's arrest, until a successor
	market     int  // the marketplace it lists on, from 0
	offline    bool // its marketplace is taken down
	organizer  member
	dispatcher member
	cashKeeper member
	mules      []member
	stashers   []int32 // employed stashers
	bulkQueue  []int32 // stashers waiting for a bulk delivery

	stock     int // doses held by the organizer
	incoming  int // doses bought, not yet arrived
	inTransit int // doses with mules on their way
	cash      float64
	listed    int // drops the shop offers (listed, not reserved)

	avail   *grid.Index // drops for sale, by place
	backlog *grid.Index // waiting buyers, by home
	risk    riskMap     // seizure and complaint reports the dispatcher relays

	// Reputation: share of successful pickups over the last days.
	pickedDay, failedDay []int
	reputation           float64
}

// member is one person in a role of a shop.
type member struct {
	id      int32
	present bool
	minor   bool
}

// online: buyers can order (the shop is open and has a dispatcher).
func (sh *Shop) online() bool { return sh.open && sh.dispatcher.present && !sh.offline }

func (m *Model) buildShops() {
	p := &m.P
	for i := 0; i < p.Market.Shops; i++ {
		sh := &Shop{id: int32(i), market: i % p.Market.Marketplaces, open: true, stock: p.Market.StartStock, cash: p.Market.StartCash,
			risk: m.street.newRiskMap(), reputation: 1,
			pickedDay: make([]int, m.market.reputation), failedDay: make([]int, m.market.reputation)}
		sh.avail = grid.NewIndex(m.G.W, m.G.H, 8, m.dropPos, func(id int32) bool { return m.street.drops[id].availableForSale() })
		shopID := sh.id
		sh.backlog = grid.NewIndex(m.G.W, m.G.H, 8,
			func(id int32) (int, int) { return m.G.XY(m.market.buyers[id].home) },
			func(id int32) bool { b := &m.market.buyers[id]; return b.state == buyerWaiting && b.shop == shopID })
		sh.organizer = m.hire(false)
		sh.dispatcher = m.hire(false)
		sh.cashKeeper = m.hire(false)
		for k := 0; k < p.Organization.MulesPerShop; k++ {
			sh.mules = append(sh.mules, m.hire(false))
		}
		m.totals.CashStart += sh.cash
		m.totals.DosesAcquired += sh.stock
		m.orgs.shops = append(m.orgs.shops, sh)
	}
	// Stashers are shared out evenly, the first shops taking one more.
	for i := 0; i < p.Organization.Stashers; i++ {
		m.newStasher(m.orgs.shops[i%len(m.orgs.shops)], 0, false, int32(i))
	}
}

// hire makes a new member; recruits are minors with probability minor_share.
func (m *Model) hire(draw bool) member {
	mb := member{id: m.newAgent(), present: true}
	if draw {
		mb.minor = m.orgs.rng.Float64() < m.P.Organization.MinorShare
	}
	return mb
}

// closeDay rolls the reputation window.
func (sh *Shop) closeDay(day, window int) {
	picked, failed := 0, 0
	for i := 0; i < window; i++ {
		picked += sh.pickedDay[i]
		failed += sh.failedDay[i]
	}
	if picked+failed > 0 {
		sh.reputation = float64(picked) / float64(picked+failed)
	} else {
		sh.reputation = 1
	}
	k := (day + 1) % window
	sh.pickedDay[k], sh.failedDay[k] = 0, 0
}

func (sh *Shop) logPickup(day, window int, ok bool) {
	if ok {
		sh.pickedDay[day%window]++
	} else {
		sh.failedDay[day%window]++
	}
}

func (m *Model) daysToTicks(days float64) int { return int(math.Round(days * float64(m.tpd))) }

func (m *Model) memberOf(sh *Shop, role Role) *member {
	switch role {
	case RoleDispatcher:
		return &sh.dispatcher
	case RoleCashKeeper:
		return &sh.cashKeeper
	case RoleOrganizer:
		return &sh.organizer
	}
	return nil
}

// recruitLater schedules a replacement after an exponential delay.
func (m *Model) recruitLater(sh *Shop, role Role, t int) {
	m.orgs.sched.add(t+max(1, m.expDays(m.orgs.rng, m.P.Organization.RecruitDays)), schedRecruit, sh.id, int32(role))
}

// recruit fills a vacancy of role in sh.
func (m *Model) recruit(sh *Shop, role Role) {
	var mb member
	switch role {
	case RoleMule:
		for i := range sh.mules {
			if !sh.mules[i].present {
				sh.mules[i] = m.hire(true)
				mb = sh.mules[i]
				break
			}
		}
		m.serveBulkQueue(sh, m.tick)
	default:
		p := m.memberOf(sh, role)
		*p = m.hire(true)
		mb = *p
	}
	m.emitRecruit(sh, role, mb.id, mb.minor)
}

func (m *Model) emitRecruit(sh *Shop, role Role, id int32, minor bool) {
	m.ev = Event{Tick: int32(m.tick), Kind: EvRecruit, Role: role, Shop: sh.id, Agent: id, X: -1, Y: -1, Minor: minor}
	m.sink.Event(&m.ev)
}
