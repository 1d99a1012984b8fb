package sim

import (
	"math"

	"dropsim/sim/grid"
)

// The dispatcher (MODEL.md section 2): gives each paying buyer the drop
// nearest its home, keeps the backlog of orders waiting for one, and
// relays complaints and arrests to the shop's stashers as risk.

// dispatch is the dispatcher's job: reserve the nearest drop for sale
// within the buyer's reach, else put the order in the backlog.
func (m *Model) dispatch(sh *Shop, b int32, t int) {
	x, y := m.G.XY(m.market.buyers[b].home)
	if id, ok := sh.avail.Nearest(x, y, m.P.Buyers.MaxTravel, nil); ok {
		m.assign(sh, b, id, t)
		return
	}
	m.wait(sh, b, t)
}

// wait puts the order in the shop's backlog for up to the buyer's patience.
func (m *Model) wait(sh *Shop, b int32, t int) {
	bu := &m.market.buyers[b]
	if m.market.patience == 0 {
		m.unmet(b, t)
		return
	}
	x, y := m.G.XY(bu.home)
	bu.state = buyerWaiting
	m.market.waiting++
	sh.backlog.Insert(b, x, y)
	m.market.backlogQ = append(m.market.backlogQ, backlogEntry{buyer: b, seq: bu.seq, deadline: int32(t + m.market.patience)})
}

// serveBacklog: a new drop goes to the longest-waiting buyer within reach.
func (m *Model) serveBacklog(sh *Shop, drop int32, x, y, t int) {
	best := int32(-1)
	sh.backlog.Within(x, y, m.P.Buyers.MaxTravel, func(id int32, _ int) {
		if best < 0 || m.market.buyers[id].orderTick < m.market.buyers[best].orderTick ||
			(m.market.buyers[id].orderTick == m.market.buyers[best].orderTick && id < best) {
			best = id
		}
	})
	if best >= 0 {
		m.assign(sh, best, drop, t)
	}
}

// assign gives drop to buyer b, who pays (unless it is a re-drop) and sets off.
func (m *Model) assign(sh *Shop, b, drop int32, t int) {
	bu := &m.market.buyers[b]
	if bu.state == buyerWaiting {
		m.market.waiting--
	}
	m.reserveDrop(drop, b)
	bu.state, bu.drop = buyerTravel, drop
	if !bu.redrop {
		m.pay(sh, m.P.Market.Price, CauseRevenue)
	}
	hx, hy := m.G.XY(bu.home)
	dx, dy := m.G.XY(m.street.drops[drop].cell)
	travel := int(math.Ceil(grid.Dist(hx, hy, dx, dy)/m.P.Buyers.Speed)) + m.P.Buyers.PickupDelay
	m.market.arrivals.add(t+travel, 0, b, drop)
}

// expireBacklog: orders that waited longer than the buyer's patience are
// unmet demand.
func (m *Model) expireBacklog(t int) {
	for m.market.backlogQH < len(m.market.backlogQ) && int(m.market.backlogQ[m.market.backlogQH].deadline) <= t {
		e := m.market.backlogQ[m.market.backlogQH]
		m.market.backlogQH++
		if bu := &m.market.buyers[e.buyer]; bu.state == buyerWaiting && bu.seq == e.seq {
			m.market.waiting--
			m.unmet(e.buyer, t)
		}
	}
	if m.market.backlogQH > 1<<16 && m.market.backlogQH > len(m.market.backlogQ)/2 {
		m.market.backlogQ = append(m.market.backlogQ[:0], m.market.backlogQ[m.market.backlogQH:]...)
		m.market.backlogQH = 0
	}
}

// report: the dispatcher relays a buyer's "not found" complaint
// (risk_not_found) or a stasher's arrest (risk_seizure) at cell to the
// shop's stashers as risk spread over the kernel (MODEL.md 4.1). A
// complaint says little: the drop may have been seized, stolen by a
// "seagull", or the buyer may be lying; an arrest says police were there.
func (m *Model) report(sh *Shop, cell int32, risk float64, t int) {
	if !sh.dispatcher.present || risk == 0 {
		return
	}
	x, y := m.G.XY(cell)
	for _, k := range m.street.kernel {
		cx, cy := x+k.dx, y+k.dy
		if !m.G.In(cx, cy) {
			continue
		}
		dv := risk * k.w
		sh.risk.add(m.G.ID(cx, cy), dv, t)
		for _, sid := range sh.stashers {
			if s := m.street.stashers[sid]; s.inArea(cx, cy, m.P.Stasher.AreaRadius) {
				s.areaRisk.add(m.street.decay, dv, t)
			}
		}
	}
}
