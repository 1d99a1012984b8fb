package sim

// The cash keeper (MODEL.md section 2) holds the shop's money: every
// payment in or out is a ledger entry.

// pay books a cash keeper's ledger entry: positive in, negative out.
func (m *Model) pay(sh *Shop, amount float64, cause string) {
	if amount == 0 {
		return
	}
	sh.cash += amount
	switch cause {
	case CauseRevenue:
		m.totals.Revenue += amount
	case CauseWage:
		m.totals.Wages -= amount
	case CauseMulePay:
		m.totals.MulePay -= amount
	case CauseWholesale:
		m.totals.Wholesale -= amount
	case CauseConfisc:
		m.totals.Confiscated -= amount
	}
	m.emit(EvMoney, RoleCashKeeper, sh.id, sh.cashKeeper.id, -1, -1, cause, amount)
}
