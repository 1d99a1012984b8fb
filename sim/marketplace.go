package sim

// Marketplaces and takedowns (MODEL.md 4.4 "takedown"). Shops list on
// market.marketplaces marketplaces, shop i on marketplace i mod
// marketplaces. A takedown group takes one offline from its start day to
// its end day (RAMP 2017, Hydra 2022): its shops cannot sell, and each of
// their buyers leaves the market at its next order with buyer_loss (its
// own draw), for buyers.churn_days; the others order where a buyer whose
// shop is offline always does. After migrate_days the shops still on the
// downed marketplace move to the largest one online (most shops online,
// the first of equals), as buyers do: a buyer whose shop is offline turns
// to the best shop of the largest marketplace (ElBahrawy et al. 2020,
// Scientific Reports 10:18827). When the marketplace comes back, the
// shops that stayed reopen there.

// takedown is one takedown group's state.
type takedown struct {
	g    GroupParams
	down bool
	from int // the tick it went down
}

func (m *Model) buildTakedowns() {
	for _, g := range m.P.Police.Groups {
		if g.Strategy == "takedown" {
			m.takedowns = append(m.takedowns, &takedown{g: g})
		}
	}
}

// updateTakedowns: phase 1, marketplaces go down or come back at their
// takedowns' window's edges; shops migrate after migrate_days.
func (m *Model) updateTakedowns(t int) {
	day := t / m.tpd
	for _, td := range m.takedowns {
		mk := td.g.Marketplace - 1
		down := td.g.onDuty(day)
		switch {
		case down && !td.down:
			td.down, td.from = true, t
			for _, sh := range m.shops {
				if sh.market == mk {
					sh.offline = true
				}
			}
			for b := range m.buyers {
				bu := &m.buyers[b]
				if m.shops[bu.shop].market == mk && bu.state != buyerOut && m.buyerRNG(int32(b)).Float64() < td.g.BuyerLoss {
					bu.lost = true
				}
			}
		case !down && td.down:
			td.down = false
			for _, sh := range m.shops {
				if sh.market == mk {
					sh.offline = false
				}
			}
		case down && t == td.from+int(td.g.MigrateDays*float64(m.tpd)):
			if to := m.largestMarket(); to >= 0 {
				for _, sh := range m.shops {
					if sh.market == mk {
						sh.market, sh.offline = to, false
					}
				}
			}
		}
	}
}

// largestMarket is the marketplace with the most shops online (the first
// of equals), or -1 when none is.
func (m *Model) largestMarket() int {
	n := make([]int, m.P.Market.Marketplaces)
	for _, sh := range m.shops {
		if sh.online() {
			n[sh.market]++
		}
	}
	best := -1
	for k, c := range n {
		if c > 0 && (best < 0 || c > n[best]) {
			best = k
		}
	}
	return best
}
