package sim

import (
	"math"

	"dropsim/sim/grid"
)

// Mules (expeditors) carry bulk, about a stasher's bulk_days of quota, from the
// city edge to a wholesale drop near the stasher's working area, along the
// straight route from the nearest point of the edge. Only police units near
// that route can stop a mule.

// serveBulkQueue sends mules to the stashers waiting for bulk, as far as
// stock and mules allow.
func (m *Model) serveBulkQueue(sh *Shop, t int) {
	k := 0
	for i, sid := range sh.bulkQueue {
		s := m.street.stashers[sid]
		if !s.employed || s.shop != sh.id {
			s.queued = false
			continue
		}
		if !m.sendMule(sh, s, t) {
			sh.bulkQueue = append(sh.bulkQueue[:k], sh.bulkQueue[i:]...)
			return
		}
		s.queued = false
	}
	sh.bulkQueue = sh.bulkQueue[:k]
}

// requestBulk: a stasher with a day's doses or fewer left asks for a
// delivery.
func (m *Model) requestBulk(sh *Shop, s *Stasher, t int) {
	if s.awaitingBulk || s.queued || s.hasWholesale {
		return
	}
	if !m.sendMule(sh, s, t) {
		s.queued = true
		sh.bulkQueue = append(sh.bulkQueue, s.id)
	}
}

// sendMule tries to start a delivery to s; false if the shop cannot now.
func (m *Model) sendMule(sh *Shop, s *Stasher, t int) bool {
	mule := -1
	for i := range sh.mules {
		if sh.mules[i].present {
			mule = i
			break
		}
	}
	if !sh.open || mule < 0 || sh.stock == 0 {
		return false
	}
	// A delivery is half to one and a half times bulk_days of quota, as a
	// shop sends what it has packed: with every bulk the same, stashers
	// run dry on the same days and the market places drops in a cycle of
	// bulk_days + 1 days.
	// The draw is the receiving stasher's, as is the wholesale drop's spot.
	doses := min(sh.stock, max(1, int(float64(m.orgs.bulkDoses)*(0.5+m.stasherRNG(s).Float64()))))
	sh.stock -= doses
	m.pay(sh, -m.P.Market.MulePay, CauseMulePay)
	if m.police.onDuty > 0 && m.intercepted(s) {
		m.totals.DosesIntercepted += doses
		m.emit(EvIntercept, RoleMule, sh.id, sh.mules[mule].id, -1, -1, CauseInterception, float64(doses))
		m.arrestMember(sh, RoleMule, &sh.mules[mule], CauseInterception, t)
		// the stasher still waits: try the next mule, if any
		return m.sendMule(sh, s, t)
	}
	sh.inTransit += doses
	ex, ey := m.cityEdge(s.ax, s.ay)
	trip := int(math.Ceil(grid.Dist(ex, ey, s.ax, s.ay)/m.P.Organization.MuleSpeed)) + 1
	s.awaitingBulk = true
	m.orgs.sched.add(t+trip, schedDelivery, s.id, int32(doses))
	return true
}

// deliver: the mule leaves the bulk in a wholesale drop near the stasher's
// area. If the stasher is gone, the organizer takes the bulk back.
func (m *Model) deliver(s *Stasher, doses int) {
	sh := m.orgs.shops[s.shop]
	sh.inTransit -= doses
	s.awaitingBulk = false
	if !s.employed {
		sh.stock += doses
		return
	}
	s.hasWholesale = true
	s.wholesaleDoses = doses
	s.wx, s.wy = m.randomStep(s.ax, s.ay, 3, m.stasherRNG(s), nil)
}

// cityEdge is the point of the map's edge nearest (x, y), where a mule
// enters the city.
func (m *Model) cityEdge(x, y int) (int, int) {
	switch min(x, y, m.G.W-1-x, m.G.H-1-y) {
	case x:
		return 0, y
	case y:
		return x, 0
	case m.G.W - 1 - x:
		return m.G.W - 1, y
	default:
		return x, m.G.H - 1
	}
}

// intercepted: each police unit within detect_radius of the mule's route,
// from the city edge to the centre of s's working area, where the units
// are as it sets off, stops the mule with probability mule_intercept_prob,
// or its group's intercept_prob at a checkpoint (interdiction.go). Each
// unit counts once, however many cells of the route it is near.
func (m *Model) intercepted(s *Stasher) bool {
	po := &m.P.Police
	if po.MuleInterceptProb == 0 && !m.police.checkpoints {
		return false
	}
	ex, ey := m.cityEdge(s.ax, s.ay)
	m.police.routeMark++
	stopped := false
	n := int(math.Ceil(grid.Dist(ex, ey, s.ax, s.ay)))
	for i := 0; i <= n && !stopped; i++ {
		f := 0.0
		if n > 0 {
			f = float64(i) / float64(n)
		}
		x := ex + int(math.Round(f*float64(s.ax-ex)))
		y := ey + int(math.Round(f*float64(s.ay-ey)))
		m.police.unitsNear(x, y, po.DetectRadius, func(_ int32, u *Unit) {
			if stopped || u.route == m.police.routeMark {
				return
			}
			u.route = m.police.routeMark
			p := po.MuleInterceptProb
			if g := &m.police.groups[u.group].P; g.Strategy == "interdiction" {
				p = g.InterceptProb
			}
			stopped = m.unitRNG(u).Float64() < p
		})
	}
	return stopped
}
