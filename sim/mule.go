package sim

import "math"

// Mules (expeditors) carry bulk, about a stasher's bulk_days of quota, from the
// city edge to a wholesale drop near the stasher's working area. A trip can
// be intercepted while police are on duty.

// serveBulkQueue sends mules to the stashers waiting for bulk, as far as
// stock and mules allow.
func (m *Model) serveBulkQueue(sh *Shop, t int) {
	k := 0
	for i, sid := range sh.bulkQueue {
		s := m.stashers[sid]
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
	doses := min(sh.stock, max(1, int(float64(m.bulkDoses)*(0.5+m.stasherRNG(s).Float64()))))
	sh.stock -= doses
	m.pay(sh, -m.P.Market.MulePay, CauseMulePay)
	if m.onDuty > 0 && m.rngPolice.Float64() < m.P.Police.MuleInterceptProb {
		m.totals.DosesIntercepted += doses
		m.emit(EvIntercept, RoleMule, sh.id, sh.mules[mule].id, -1, -1, CauseInterception, float64(doses))
		m.arrestMember(sh, RoleMule, &sh.mules[mule], CauseInterception, t)
		// the stasher still waits: try the next mule, if any
		return m.sendMule(sh, s, t)
	}
	sh.inTransit += doses
	edge := min(s.ax, s.ay, m.G.W-1-s.ax, m.G.H-1-s.ay)
	trip := int(math.Ceil(float64(edge)/m.P.Organization.MuleSpeed)) + 1
	s.awaitingBulk = true
	m.sched.add(t+trip, schedDelivery, s.id, int32(doses))
	return true
}

// deliver: the mule leaves the bulk in a wholesale drop near the stasher's
// area. If the stasher is gone, the organizer takes the bulk back.
func (m *Model) deliver(s *Stasher, doses int) {
	sh := m.shops[s.shop]
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
