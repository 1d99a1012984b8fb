package sim

// The organizer reorders bulk when stock runs low, closes the shop when
// arrested, and may be followed by a successor (MODEL.md section 2).

// reorder: once a day, buy reorder_qty doses when stock and what is on its
// way fall below reorder_point; they arrive after supply_days.
func (m *Model) reorder(sh *Shop, t int) {
	mk := &m.P.Market
	if !sh.open || !sh.organizer.present || sh.stock+sh.incoming >= mk.ReorderPoint {
		return
	}
	sh.incoming += mk.ReorderQty
	m.pay(sh, -float64(mk.ReorderQty)*mk.WholesalePrice, CauseWholesale)
	m.orgs.sched.add(t+max(1, m.daysToTicks(mk.SupplyDays)), schedSupply, sh.id, int32(mk.ReorderQty))
}

func (m *Model) supplyArrives(sh *Shop, doses int) {
	sh.incoming -= doses
	sh.stock += doses
	m.totals.DosesAcquired += doses
	m.serveBulkQueue(sh, m.tick)
}

// closeShop: the organizer is arrested and the shop goes offline. With
// probability successor_prob a successor reopens it after successor_days.
func (m *Model) closeShop(sh *Shop, t int) {
	sh.open = false
	m.emit(EvShopClosed, RoleOrganizer, sh.id, sh.organizer.id, -1, -1, "", 0)
	if m.orgs.rng.Float64() < m.P.Organization.SuccessorProb {
		m.orgs.sched.add(t+max(1, m.daysToTicks(m.P.Organization.SuccessorDays)), schedReopen, sh.id, 0)
	}
}

func (m *Model) reopen(sh *Shop) {
	sh.open = true
	sh.organizer = m.hire(true)
	m.emit(EvShopReopened, RoleOrganizer, sh.id, sh.organizer.id, -1, -1, "", 0)
	m.emitRecruit(sh, RoleOrganizer, sh.organizer.id, sh.organizer.minor)
	m.serveBulkQueue(sh, m.tick)
}
