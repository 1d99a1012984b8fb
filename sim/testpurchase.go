package sim

// Test purchases (MODEL.md 4.4 "test_purchase"), a tactic of any
// deployment: the group's officers order undercover, purchases_per_day a
// day (a chance of purchases_per_day / ticks per day each tick). The
// order goes to an online shop drawn at random, whose dispatcher gives the
// drop nearest the officer within a buyer's reach, as to any buyer; the
// police pay, collect it as evidence (seized, cause test_purchase) and,
// knowing from it whose working area it lies in, send the group's units
// there for target_days: each walks to the stasher's area centre and
// patrols within its radius, where a placement it sees leads to an arrest.

// target is where a group's test purchases point: the centre of the
// seller's working area, until a tick.
type target struct {
	x, y, until int
}

// testPurchase: a group's undercover order of this tick, if any.
func (m *Model) testPurchase(g *Group, t int) {
	rng := m.police.unitRand.of(&g.rng)
	if rng.Float64() >= g.P.PurchasesPerDay/float64(m.tpd) {
		return
	}
	var online []*Shop
	for _, sh := range m.orgs.shops {
		if sh.online() {
			online = append(online, sh)
		}
	}
	if len(online) == 0 {
		return
	}
	sh := online[rng.IntN(len(online))]
	u := &m.police.units[g.units[rng.IntN(len(g.units))]]
	d, ok := sh.avail.Nearest(u.X, u.Y, m.P.Buyers.MaxTravel, nil)
	if !ok {
		return
	}
	m.pay(sh, m.P.Market.Price, CauseRevenue)
	m.unlist(d)
	m.seize(d, CauseTestPurchase)
	s := m.street.stashers[m.street.drops[d].stasher]
	m.recordPurchase(sh, s)
	g.target = target{x: s.ax, y: s.ay, until: t + int(g.P.TargetDays*float64(m.tpd))}
}

// patrolTarget: a unit walks to its group's target and patrols the
// working area around it.
func (m *Model) patrolTarget(g *Group, u *Unit) {
	r := m.P.Stasher.AreaRadius
	tx, ty := g.target.x, g.target.y
	inside := func(x, y int) bool {
		dx, dy := float64(x-tx), float64(y-ty)
		return dx*dx+dy*dy <= r*r
	}
	if !inside(u.X, u.Y) {
		u.X, u.Y = walkToward(u.X, u.Y, tx, ty, m.P.Police.Speed)
		return
	}
	u.X, u.Y = m.randomStep(u.X, u.Y, m.P.Police.Speed, m.unitRNG(u), inside)
}
