package sim

// Police detection and arrest (MODEL.md 6.4): a placement seen by a unit
// or caught by a camera, a buyer arrested at a staked-out drop, and what
// an arrest leads to up the chain: phones, links, investigations.

// caught: police near the placement may see it, cameras may catch it
// (MODEL.md 4.3). On arrest the drop is seized and the stasher taken.
func (m *Model) caught(sh *Shop, s *Stasher, drop int32, t int) bool {
	po := &m.P.Police
	c := m.street.drops[drop].cell
	x, y := m.G.XY(c)
	cause := ""
	p := DetectProb(po.DetectProb, float64(m.G.Traffic[c]), po.CCTVBoost, m.G.CCTV[c])
	m.police.unitsNear(x, y, po.DetectRadius, func(_ int32, u *Unit) {
		if cause == "" && m.unitRNG(u).Float64() < p {
			cause = CauseSeen
		}
	})
	// The camera's draw is the stasher's: cameras are no police unit, and
	// a draw on a shared stream would tie every placement under a camera
	// to everything else the police do.
	if cause == "" && m.G.CCTV[c] && m.stasherRNG(s).Float64() < po.CCTVProb {
		cause = CauseCCTV
	}
	if cause == "" {
		return false
	}
	m.unlist(drop)
	m.seize(drop, cause)
	m.arrestStasher(sh, s, cause, t)
	return true
}

// arrestStasher: the stasher is taken with its inventory; its phone shows
// its drops (each seized with phone_drop_prob) and may link to the
// dispatcher (MODEL.md 4.3). The shop withdraws the stasher's drops from
// sale, learns of the arrest, and recruits a replacement.
func (m *Model) arrestStasher(sh *Shop, s *Stasher, cause string, t int) {
	m.recordArrest(sh, RoleStasher, s.id)
	m.totals.Arrests[RoleStasher]++
	m.totals.DosesSeizedInventory += s.inventory
	s.inventory = 0
	m.emitArrest(RoleStasher, sh.id, s.id, s.x, s.y, cause, s.minor)
	m.leave(sh, s)
	for _, d := range s.drops {
		if m.street.drops[d].state == dropOnMap && m.police.rng.Float64() < m.P.Police.PhoneDropProb {
			m.seize(d, CausePhone)
		}
	}
	m.report(sh, m.G.ID(s.x, s.y), m.P.Stasher.RiskSeizure, t)
	m.replaceLater(sh, s, t)
	m.link(sh, RoleDispatcher, t)
}

func (m *Model) arrestBuyer(b, drop int32, t int) {
	bu := &m.market.buyers[b]
	x, y := m.G.XY(m.street.drops[drop].cell)
	m.totals.Arrests[RoleBuyer]++
	m.emitArrest(RoleBuyer, m.street.drops[drop].shop, b, x, y, CauseStakeout, false)
	m.recordStatement(m.orgs.shops[m.street.drops[drop].shop], b)
	bu.fails = 0
	m.leaveMarket(b, t)
}

// arrestMember: police arrest the dispatcher, cash keeper, organizer or a
// mule; the chain above may be followed (MODEL.md 4.3).
func (m *Model) arrestMember(sh *Shop, role Role, mb *member, cause string, t int) {
	if !mb.present {
		return
	}
	m.recordArrest(sh, role, mb.id)
	mb.present = false
	m.totals.Arrests[role]++
	m.emitArrest(role, sh.id, mb.id, -1, -1, cause, mb.minor)
	next := RoleOrganizer
	switch role {
	case RoleDispatcher:
		next = RoleCashKeeper
	case RoleCashKeeper:
		// the police take the cash on hand
		if sh.cash > 0 {
			m.pay(sh, -sh.cash, CauseConfisc)
		}
	case RoleOrganizer:
		m.closeShop(sh, t)
		return
	}
	m.recruitLater(sh, role, t)
	m.link(sh, next, t)
}

// link: evidence from an arrest points to the next member up the chain,
// with probability link_prob; an investigation follows after a delay.
func (m *Model) link(sh *Shop, role Role, t int) {
	if m.police.rng.Float64() >= m.P.Police.LinkProb {
		return
	}
	target := m.memberOf(sh, role)
	if target == nil || !target.present {
		return
	}
	m.orgs.sched.add(t+max(1, m.daysToTicks(m.P.Police.InvestigationDays)), schedInvestigate+uint8(role), sh.id, target.id)
}

// investigate: the investigation reaches its target, who is arrested with
// probability investigation_prob if still in the role.
func (m *Model) investigate(sh *Shop, role Role, agent int32) {
	mb := m.memberOf(sh, role)
	if mb == nil || !mb.present || mb.id != agent {
		return
	}
	if m.police.rng.Float64() < m.P.Police.InvestigationProb {
		m.arrestMember(sh, role, mb, CauseInvestigation, m.tick)
	}
}
