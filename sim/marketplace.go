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
	g     GroupParams
	index int  // in Model.takedowns
	down  bool // while the marketplace is down
	from  int  // the tick it went down
}

func (m *Model) buildTakedowns() {
	for _, g := range m.P.Police.Groups {
		if g.Strategy == "takedown" {
			m.scheduleWindow(g, polMarketDown, polMarketBack, len(m.market.takedowns))
			m.market.takedowns = append(m.market.takedowns, &takedown{g: g, index: len(m.market.takedowns)})
		}
	}
}

// marketDown: a takedown begins (the police's agenda): the marketplace's
// shops go offline, each of their buyers is lost with buyer_loss, and the
// shops' migration is due migrate_days later.
func (m *Model) marketDown(td *takedown, t int) {
	mk := td.g.Marketplace - 1
	td.down, td.from = true, t
	for _, sh := range m.orgs.shops {
		if sh.market == mk {
			sh.offline = true
		}
	}
	for b := range m.market.buyers {
		bu := &m.market.buyers[b]
		if m.orgs.shops[bu.shop].market == mk && bu.state != buyerOut && m.buyerRNG(int32(b)).Float64() < td.g.BuyerLoss {
			bu.lost = true
		}
	}
	m.police.agenda.add(t+int(td.g.MigrateDays*float64(m.tpd)), polMigrate, int32(td.index), 0)
}

// marketBack: the marketplace comes back; the shops that stayed reopen.
func (m *Model) marketBack(td *takedown) {
	td.down = false
	for _, sh := range m.orgs.shops {
		if sh.market == td.g.Marketplace-1 {
			sh.offline = false
		}
	}
}

// migrate: the shops still on the downed marketplace move to the largest
// one online, if the takedown lasts and there is one.
func (m *Model) migrate(td *takedown) {
	to := m.largestMarket()
	if !td.down || to < 0 {
		return
	}
	for _, sh := range m.orgs.shops {
		if sh.market == td.g.Marketplace-1 {
			sh.market, sh.offline = to, false
		}
	}
}

// largestMarket is the marketplace with the most shops online (the first
// of equals), or -1 when none is.
func (m *Model) largestMarket() int {
	n := make([]int, m.P.Market.Marketplaces)
	for _, sh := range m.orgs.shops {
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
