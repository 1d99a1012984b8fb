package sim

import (
	"math"
	"testing"
)

// ledger recounts a run from its event stream alone.
type ledger struct {
	placed       int
	ended        [NumOutcomes]int
	seizedBy     map[string]int
	arrests      [NumRoles]int
	money        float64
	moneyBy      map[string]float64
	orders       int
	unmet        int
	notFound     int
	redrops      int
	intercepted  float64
	lastDayCash  float64
	days         int
	placedIDs    map[int32]bool
	endedIDs     map[int32]bool
	dupPlaced    int
	dupEnded     int
	endedUnknown int
	lastTick     int32
	outOfOrder   int
}

func newLedger() *ledger {
	return &ledger{seizedBy: map[string]int{}, moneyBy: map[string]float64{},
		placedIDs: map[int32]bool{}, endedIDs: map[int32]bool{}}
}

func (l *ledger) Event(e *Event) {
	if e.Tick < l.lastTick {
		l.outOfOrder++
	}
	l.lastTick = max(l.lastTick, e.Tick)
	switch e.Kind {
	case EvDropPlaced:
		l.placed++
		if l.placedIDs[e.Drop.ID] {
			l.dupPlaced++
		}
		l.placedIDs[e.Drop.ID] = true
	case EvDropEnded:
		l.ended[e.Drop.Outcome]++
		if e.Drop.Outcome == OutcomeSeized {
			l.seizedBy[e.Drop.Cause]++
		}
		if l.endedIDs[e.Drop.ID] {
			l.dupEnded++
		}
		if !l.placedIDs[e.Drop.ID] {
			l.endedUnknown++
		}
		l.endedIDs[e.Drop.ID] = true
	case EvArrest:
		l.arrests[e.Role]++
	case EvMoney:
		l.money += e.Amount
		l.moneyBy[e.Cause] += e.Amount
	case EvOrder:
		l.orders++
	case EvUnmet:
		l.unmet++
	case EvNotFound:
		l.notFound++
	case EvRedrop:
		l.redrops++
	case EvIntercept:
		l.intercepted += e.Amount
	case EvDayEnd:
		l.days++
		l.lastDayCash = e.Day.Cash
	}
}

// conservationCases: default worlds with police, kept short.
func conservationCases() []struct {
	name string
	p    Params
} {
	crack := DefaultParams()
	crack.Days = 75
	crack.Police.Groups = []GroupParams{
		{Name: "patrol", Strategy: "random", Count: 10, StartDay: 0, EndDay: crack.Days},
		{Name: "crackdown", Strategy: "area", Count: 15, StartDay: 30, EndDay: crack.Days, Area: []int{40, 40, 60, 60}},
	}
	// Heavier enforcement on half-hour ticks: more arrests up the chain,
	// confiscations and closed shops.
	heavy := DefaultParams()
	heavy.Days = 45
	heavy.TickMinutes = 30
	heavy.Buyers.Count = 2000
	heavy.Police.LinkProb = 0.8
	heavy.Police.InvestigationDays = 3
	heavy.Police.InvestigationProb = 0.9
	heavy.Police.MuleInterceptProb = 0.1
	heavy.Organization.RecruitDays = 2
	heavy.Organization.SuccessorDays = 5
	heavy.Organization.SuccessorProb = 0.8
	heavy.Organization.TenureDays = 20
	heavy.Police.Groups = []GroupParams{
		{Name: "search", Strategy: "uniform", Count: 20, StartDay: 0, EndDay: 30},
		{Name: "patrol", Strategy: "random", Count: 20, StartDay: 10, EndDay: heavy.Days},
		{Name: "idle", Strategy: "none", Count: 3, StartDay: 0, EndDay: heavy.Days},
	}
	return []struct {
		name string
		p    Params
	}{{"crackdown", crack}, {"heavy", heavy}}
}

func TestConservation(t *testing.T) {
	var agg Totals
	for _, c := range conservationCases() {
		for _, seed := range []uint64{1, 2} {
			l := newLedger()
			tot, err := Run(c.p, seed, l)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			name := c.name
			if seed == 2 {
				name += "/seed2"
			}
			checkTotals(t, name, c.p, tot, l)
			agg.Placed += tot.Placed
			for i := range tot.Outcomes {
				agg.Outcomes[i] += tot.Outcomes[i]
			}
			for i := range tot.Arrests {
				agg.Arrests[i] += tot.Arrests[i]
			}
			agg.DosesIntercepted += tot.DosesIntercepted
			agg.DosesSeizedInventory += tot.DosesSeizedInventory
			agg.Confiscated += tot.Confiscated
			agg.Redrops += tot.Redrops
		}
	}
	// The runs must exercise every flow the laws add up, or they prove little.
	for i, n := range agg.Outcomes {
		if n == 0 {
			t.Errorf("no drop ended %v in any run", Outcome(i))
		}
	}
	for r, n := range agg.Arrests {
		if n == 0 {
			t.Errorf("no %v arrested in any run", Role(r))
		}
	}
	if agg.DosesIntercepted == 0 || agg.DosesSeizedInventory == 0 || agg.Confiscated == 0 || agg.Redrops == 0 {
		t.Errorf("a flow never happened: intercepted %d, seized inventory %d, confiscated %.0f, redrops %d",
			agg.DosesIntercepted, agg.DosesSeizedInventory, agg.Confiscated, agg.Redrops)
	}
}

func checkTotals(t *testing.T, name string, p Params, tot Totals, l *ledger) {
	t.Helper()
	if tot.Ticks != p.Ticks() {
		t.Errorf("%s: %d ticks played, want %d", name, tot.Ticks, p.Ticks())
	}
	// Drops: every placed drop ended in exactly one way.
	sum := 0
	for _, n := range tot.Outcomes {
		sum += n
	}
	if tot.Placed == 0 || sum != tot.Placed {
		t.Errorf("%s: placed %d, outcomes %v sum to %d", name, tot.Placed, tot.Outcomes, sum)
	}
	// Doses.
	held := tot.Placed + tot.DosesInStock + tot.DosesInTransit + tot.DosesWholesale + tot.DosesInventory +
		tot.DosesIntercepted + tot.DosesSeizedInventory
	if tot.DosesAcquired != held {
		t.Errorf("%s: doses acquired %d != placed %d + stock %d + in transit %d + wholesale %d + inventory %d + intercepted %d + seized inventory %d = %d",
			name, tot.DosesAcquired, tot.Placed, tot.DosesInStock, tot.DosesInTransit, tot.DosesWholesale,
			tot.DosesInventory, tot.DosesIntercepted, tot.DosesSeizedInventory, held)
	}
	if tot.DosesInStock < 0 || tot.DosesInTransit < 0 || tot.DosesInventory < 0 || tot.DosesWholesale < 0 {
		t.Errorf("%s: negative doses: %+v", name, tot)
	}
	// Money.
	in := tot.CashStart + tot.Revenue
	out := tot.Wages + tot.MulePay + tot.Wholesale + tot.Confiscated + tot.CashOnHand
	if !near(in, out, 1e-9) {
		t.Errorf("%s: cash start %.2f + revenue %.2f = %.2f, but wages %.2f + mule pay %.2f + wholesale %.2f + confiscated %.2f + on hand %.2f = %.2f",
			name, tot.CashStart, tot.Revenue, in, tot.Wages, tot.MulePay, tot.Wholesale, tot.Confiscated, tot.CashOnHand, out)
	}
	if want := float64(p.Market.Shops) * p.Market.StartCash; tot.CashStart != want {
		t.Errorf("%s: cash start %.2f, want shops x start_cash = %.2f", name, tot.CashStart, want)
	}
	// Wages and revenue follow from the counts and the prices.
	if want := float64(tot.Placed) * p.Market.PayPerDrop; !near(tot.Wages, want, 1e-9) {
		t.Errorf("%s: wages %.2f, want placed x pay_per_drop = %.2f", name, tot.Wages, want)
	}

	// The event stream, counted independently.
	if l.placed != tot.Placed || l.dupPlaced != 0 {
		t.Errorf("%s: %d drop_placed events (%d repeated ids), totals say %d", name, l.placed, l.dupPlaced, tot.Placed)
	}
	if l.ended != tot.Outcomes || l.dupEnded != 0 || l.endedUnknown != 0 {
		t.Errorf("%s: drop_ended events by outcome %v (%d repeated, %d never placed), totals say %v",
			name, l.ended, l.dupEnded, l.endedUnknown, tot.Outcomes)
	}
	if len(l.endedIDs) != len(l.placedIDs) {
		t.Errorf("%s: %d drops placed, %d ended", name, len(l.placedIDs), len(l.endedIDs))
	}
	if !near(l.money, tot.CashOnHand-tot.CashStart, 1e-9) {
		t.Errorf("%s: money events sum to %.2f, cash on hand - cash start = %.2f", name, l.money, tot.CashOnHand-tot.CashStart)
	}
	for cause, want := range map[string]float64{
		CauseRevenue: tot.Revenue, CauseWage: -tot.Wages, CauseMulePay: -tot.MulePay,
		CauseWholesale: -tot.Wholesale, CauseConfisc: -tot.Confiscated,
	} {
		if !near(l.moneyBy[cause], want, 1e-9) {
			t.Errorf("%s: %s events sum to %.2f, totals say %.2f", name, cause, l.moneyBy[cause], want)
		}
	}
	if len(l.moneyBy) > 5 {
		t.Errorf("%s: money events with unknown causes: %v", name, l.moneyBy)
	}
	if l.arrests != tot.Arrests {
		t.Errorf("%s: arrest events by role %v, totals say %v", name, l.arrests, tot.Arrests)
	}
	if l.orders != tot.Orders || l.unmet != tot.Unmet || l.notFound != tot.NotFound || l.redrops != tot.Redrops {
		t.Errorf("%s: events order %d unmet %d not_found %d redrop %d; totals %d %d %d %d",
			name, l.orders, l.unmet, l.notFound, l.redrops, tot.Orders, tot.Unmet, tot.NotFound, tot.Redrops)
	}
	if int(l.intercepted) != tot.DosesIntercepted {
		t.Errorf("%s: intercept events carry %.0f doses, totals say %d", name, l.intercepted, tot.DosesIntercepted)
	}
	if l.days != p.Days || math.Abs(l.lastDayCash-tot.CashOnHand) > 1e-6*math.Max(1, tot.CashOnHand) {
		t.Errorf("%s: %d day_end events (want %d), last day's cash %.2f, cash on hand %.2f", name, l.days, p.Days, l.lastDayCash, tot.CashOnHand)
	}
	if l.outOfOrder != 0 {
		t.Errorf("%s: %d events out of tick order", name, l.outOfOrder)
	}
}

// TestInvariantsStepped steps runs with heavy enforcement and checks the
// model's running counters against a recount of its agents at the end of
// every day, and the flow of orders: every order or re-drop was picked up,
// not found, ended in the buyer's arrest, went unmet, or is still pending.
func TestInvariantsStepped(t *testing.T) {
	p := conservationCases()[1].p
	p.Days = 20
	p.Police.Groups[0].EndDay = 12
	p.Police.Groups[1].EndDay = 20
	p.Police.Groups[2].EndDay = 20
	// Three seeds, so that together they take every branch of the order
	// flow (a buyer's arrest at a stakeout is rare in any one of them).
	var buyers, notFound, unmet int
	for _, seed := range []uint64{3, 5, 7} {
		tot := runWithInvariants(t, "heavy", p, seed)
		buyers, notFound, unmet = buyers+tot.Arrests[RoleBuyer], notFound+tot.NotFound, unmet+tot.Unmet
	}
	if buyers == 0 || notFound == 0 || unmet == 0 {
		t.Errorf("the runs never exercised a branch of the order flow: %d buyers arrested, %d not found, %d unmet", buyers, notFound, unmet)
	}
	// Long stakeouts within a search radius, stashers working round the
	// clock, drops that expire fast, no patience.
	p.Police.StakeoutProb, p.Police.StakeoutTicks, p.Police.SearchRadius = 0.8, 20, 2
	p.Stasher.ShiftStart, p.Stasher.ShiftEnd = 0, 24
	p.Market.DropTTLDays = 0.5
	p.Buyers.PatienceHours = 0
	tot := runWithInvariants(t, "stakeouts", p, 4)
	if tot.Arrests[RoleBuyer] == 0 || tot.Outcomes[OutcomeExpired] == 0 {
		t.Errorf("the run never exercised stakeouts or expiry: %+v", tot)
	}
}

func runWithInvariants(t *testing.T, name string, p Params, seed uint64) Totals {
	t.Helper()
	m := mustNew(t, p, seed)
	l := newLedger()
	check := func() {
		day := m.Day() - 1
		onMap, waiting, travel, out, onDuty := 0, 0, 0, 0, 0
		listed := make([]int, len(m.orgs.shops))
		sListed := make([]int, len(m.street.stashers))
		for i := range m.street.drops {
			d := &m.street.drops[i]
			if d.state == dropOnMap {
				onMap++
			}
			if d.listed && d.buyer < 0 {
				listed[d.shop]++
				sListed[d.stasher]++
			}
		}
		for i := range m.market.buyers {
			switch m.market.buyers[i].state {
			case buyerWaiting:
				waiting++
			case buyerTravel:
				travel++
			case buyerOut:
				out++
			}
		}
		for i := range m.police.units {
			if m.police.units[i].onDuty {
				onDuty++
			}
		}
		if onMap != m.street.onMap || waiting != m.market.waiting || out != m.market.churned || onDuty != m.police.onDuty {
			t.Fatalf("%s, day %d: on map %d (counter %d), waiting %d (%d), out %d (%d), on duty %d (%d)",
				name, day, onMap, m.street.onMap, waiting, m.market.waiting, out, m.market.churned, onDuty, m.police.onDuty)
		}
		for i, sh := range m.orgs.shops {
			if sh.listed != listed[i] {
				t.Fatalf("%s, day %d: shop %d lists %d drops, recount %d", name, day, i, sh.listed, listed[i])
			}
		}
		for i, s := range m.street.stashers {
			if s.listed != sListed[i] {
				t.Fatalf("%s, day %d: stasher %d lists %d drops, recount %d", name, day, i, s.listed, sListed[i])
			}
		}
		tot := m.Totals()
		pending := waiting + travel
		if got := tot.Outcomes[OutcomePicked] + tot.NotFound + tot.Arrests[RoleBuyer] + tot.Unmet + pending; got != tot.Orders+tot.Redrops {
			t.Fatalf("%s, day %d: orders %d + redrops %d != picked %d + not found %d + buyers arrested %d + unmet %d + pending %d",
				name, day, tot.Orders, tot.Redrops, tot.Outcomes[OutcomePicked], tot.NotFound, tot.Arrests[RoleBuyer], tot.Unmet, pending)
		}
		if m.market.arrivals.len() != travel {
			t.Fatalf("%s, day %d: %d arrivals scheduled, %d buyers travelling", name, day, m.market.arrivals.len(), travel)
		}
	}
	for !m.Done() {
		m.Step(l)
		if m.Tick()%m.tpd == 0 {
			check()
		}
	}
	m.Finish(l)
	tot := m.Totals()
	checkTotals(t, name, p, tot, l)
	return tot
}
