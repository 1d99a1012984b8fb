package metrics

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"dropsim/sim"
)

// smallZones: a 20 x 20 grid, treatment [5, 5, 9, 9], buffer width 2,
// control beyond 4 cells (the rest of the city); before days 0-9, after
// days 10-19 (24 ticks a day).
func smallZones(t *testing.T) (sim.Params, *sim.Zones) {
	p := sim.DefaultParams()
	p.Zones.ControlMethod = sim.ControlRest
	p.Days, p.WarmupDays = 20, 0
	p.City.Width, p.City.Height = 20, 20
	p.Zones.Treatment = []int{5, 5, 9, 9}
	p.Zones.BufferWidth, p.Zones.ControlGap = 2, 2
	p.Zones.SplitDay = 10
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p, p.BuildZones(nil)
}

func TestSummariseCountsByHand(t *testing.T) {
	p, z := smallZones(t)
	day := func(d int) int32 { return int32(d * 24) }
	drops := []sim.DropRecord{
		{X: 5, Y: 5, Placed: day(0), End: day(1), Outcome: sim.OutcomePicked},     // R before
		{X: 9, Y: 9, Placed: day(9), End: day(10), Outcome: sim.OutcomeSeized},    // R before; seized after
		{X: 7, Y: 7, Placed: day(12), End: day(12), Outcome: sim.OutcomeSeized},   // R after; seized after
		{X: 3, Y: 5, Placed: day(2), End: day(3), Outcome: sim.OutcomePicked},     // B before (2 west)
		{X: 11, Y: 11, Placed: day(15), End: day(16), Outcome: sim.OutcomeLost},   // B after
		{X: 12, Y: 12, Placed: day(15), End: day(16), Outcome: sim.OutcomePicked}, // elsewhere (3 out)
		{X: 0, Y: 0, Placed: day(1), End: day(2), Outcome: sim.OutcomePicked},     // C before
		{X: 19, Y: 19, Placed: day(1), End: day(2), Outcome: sim.OutcomeSeized},   // C before, seized before
		{X: 19, Y: 0, Placed: day(11), End: day(12), Outcome: sim.OutcomePicked},  // C after
		{X: 0, Y: 19, Placed: day(19), End: day(19), Outcome: sim.OutcomeActive},  // C after
		{X: 0, Y: 19, Placed: day(19), End: day(19), Outcome: sim.OutcomeActive},  // C after, same site
	}
	arrests := []ArrestRecord{
		{Tick: day(3), Role: sim.RoleStasher, X: 6, Y: 6},       // R before
		{Tick: day(13), Role: sim.RoleBuyer, X: 0, Y: 0},        // C after
		{Tick: day(13), Role: sim.RoleDispatcher, X: -1, Y: -1}, // no place: not counted
		{Tick: day(4), Role: sim.RoleStasher, X: 15, Y: 15},     // C before
	}
	s := Summarise(&p, z, 400, drops, arrests)
	want := map[string]Counts{
		SeriesDrops:    {Rb: 2, Ra: 1, Bb: 1, Ba: 1, Cb: 2, Ca: 3},
		SeriesSeizures: {Rb: 0, Ra: 2, Bb: 0, Ba: 0, Cb: 1, Ca: 0},
		SeriesArrests:  {Rb: 1, Ra: 0, Bb: 0, Ba: 0, Cb: 1, Ca: 1},
	}
	if len(s.Series) != 3 {
		t.Fatalf("%d series", len(s.Series))
	}
	for _, m := range s.Series {
		if m.Counts != want[m.Series] {
			t.Errorf("%s: %+v, want %+v", m.Series, m.Counts, want[m.Series])
		}
	}
	// Drops: success = 1/3 - 2/2 = -2/3, buffer = 1/3 - 1/2 = -1/6,
	// WDQ = (-1/6)/(-2/3) = 0.25; TNE = (2*3/2 - 1) + (1*3/2 - 1) = 2.5.
	d := s.Series[0]
	if !near(d.WDQ.WDQ.V, 0.25) || !near(d.WDQ.TNE.V, 2.5) {
		t.Errorf("WDQ %v TNE %v, want 0.25 and 2.5", d.WDQ.WDQ, d.WDQ.TNE)
	}
	// Seizures: Ca = 0, so the WDQ is undefined.
	if s.Series[1].WDQ.WDQ.Defined {
		t.Error("seizures: WDQ defined with Ca = 0")
	}
	// The before period: drops at cell centres (5.5,5.5), (9.5,9.5),
	// (3.5,5.5), (0.5,0.5), (19.5,19.5): centroid (7.7, 8.1).
	b := s.Periods[0]
	if b.Period != "before" || b.Drops != 5 || b.Sites != 5 || !near(b.CentroidX.V, 7.7) || !near(b.CentroidY.V, 8.1) {
		t.Errorf("before: %+v", b)
	}
	// After: (7.5,7.5), (11.5,11.5), (12.5,12.5), (19.5,0.5), (0.5,19.5) twice:
	// centroid (52/6, 71/6).
	a := s.Periods[1]
	if a.Drops != 6 || a.Sites != 5 || !near(a.CentroidX.V, 52.0/6) || !near(a.CentroidY.V, 71.0/6) {
		t.Errorf("after: %+v", a)
	}
	if !near(a.ZoneShare["treatment"].V, 1.0/6) || !near(a.ZoneShare["control"].V, 0.5) || !near(a.ZoneShare["elsewhere"].V, 1.0/6) {
		t.Errorf("after shares %+v", a.ZoneShare)
	}
	if _, ok := a.ZoneShare["buffer_control"]; ok {
		t.Error("a share for a buffer control that does not exist")
	}
	// Top 5% of 400 cells = 20 cells hold every drop.
	if a.TopShare.V != 1 {
		t.Errorf("top share %v", a.TopShare)
	}
	if !near(s.ShiftX.V, 52.0/6-7.7) || !near(s.CentroidShift.V, math.Hypot(52.0/6-7.7, 71.0/6-8.1)) {
		t.Errorf("shift %v %v", s.ShiftX, s.CentroidShift)
	}
	// Treatment centre (7.5, 7.5): mean distance of the after drops.
	md := (0 + math.Hypot(4, 4) + math.Hypot(5, 5) + math.Hypot(12, 7)*3) / 6
	if !near(a.MeanDistTreatment.V, md) {
		t.Errorf("mean distance %v, want %v", a.MeanDistTreatment.V, md)
	}
	// JSON has no NaN and undefined values carry their reason.
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "NaN") || !strings.Contains(string(js), `"value":null,"reason":"The control area has no events after`) {
		t.Errorf("summary JSON: %s", js)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestSummariseWithoutTreatmentOrPeriods(t *testing.T) {
	p := sim.DefaultParams()
	z := p.BuildZones(nil)
	s := Summarise(&p, z, 100, []sim.DropRecord{{X: 1, Y: 1}}, nil)
	if s.HasTreatment || len(s.Series) != 0 || s.Reason == "" {
		t.Errorf("no treatment: %+v", s)
	}
	p.Zones.Treatment = []int{1, 1, 3, 3}
	z = p.BuildZones(nil)
	s = Summarise(&p, z, 100, []sim.DropRecord{{X: 1, Y: 1}}, nil)
	if !s.HasTreatment || s.HasPeriods || len(s.Series) != 0 || !strings.Contains(s.PeriodReason, "split_day") {
		t.Errorf("no periods: %+v", s)
	}
}

func TestSummariseUnequalPeriods(t *testing.T) {
	p, _ := smallZones(t)
	p.Zones.BeforeDays, p.Zones.AfterDays = 5, 10
	z := p.BuildZones(nil)
	s := Summarise(&p, z, 400, nil, nil)
	// Before days 5-9 (5 days), after 10-19 (10 days): the WDD is defined
	// and time-weighted, the before counts doubled.
	if !s.Series[0].WDDDefined || !strings.Contains(s.Series[0].WDDNote, "5 and 10 days") || s.Series[0].WDD.Weights.Before != 0.5 {
		t.Errorf("unequal periods: %+v", s.Series[0])
	}
	day := func(d int) int32 { return int32(d * 24) }
	drops := []sim.DropRecord{{X: 6, Y: 6, Placed: day(6)}, {X: 6, Y: 6, Placed: day(12)}, {X: 0, Y: 0, Placed: day(7)}, {X: 0, Y: 0, Placed: day(11)}, {X: 0, Y: 0, Placed: day(15)}}
	s = Summarise(&p, z, 400, drops, nil)
	// Treatment 1 -> 1, control 1 -> 2; scaled: treatment 2 -> 1, control
	// 2 -> 2; WDD treatment part (1 - 2) - (2 - 2) = -1, variance
	// 1/0.25 + 1 + 1/0.25 + 2 = 11.
	if d := s.Series[0].WDD.Treatment; math.Abs(d.Estimate+1) > 1e-12 || math.Abs(d.SE-math.Sqrt(11)) > 1e-12 {
		t.Errorf("time-weighted treatment WDD %+v, want -1, SE sqrt(11)", d)
	}
}

// TestCrackdownMovesDrops runs a crackdown and checks the treatment area's
// share of drops falls after it starts, with the summary's counts equal to
// the daily zone counts summed over each period (a second method).
func TestCrackdownMovesDrops(t *testing.T) {
	p := sim.DefaultParams()
	p.Days = 90
	p.Police.Groups = []sim.GroupParams{
		{Name: "crackdown", Strategy: "area", Count: 25, StartDay: 45, EndDay: 90, Area: []int{55, 30, 69, 44}},
		{Name: "background", Strategy: "random", Count: 5, StartDay: 0, EndDay: 90},
	}
	var tables Tables
	m, err := sim.New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	z := p.BuildZones(m.G.Class)
	daily := NewDaily(p.TicksPerDay(), z)
	sink := sim.SinkFunc(func(e *sim.Event) { daily.Event(e); tables.Event(e) })
	for !m.Done() {
		m.Step(sink)
	}
	m.Finish(sink)
	s := Summarise(&p, z, len(m.G.UsableCells()), tables.Drops, tables.Arrests)
	before, after := s.Periods[0].ZoneShare["treatment"].V, s.Periods[1].ZoneShare["treatment"].V
	t.Logf("treatment share of drops: %.4f before, %.4f after", before, after)
	if !(after < before/2) {
		t.Errorf("the treatment area's share of drops went from %.4f to %.4f; a crackdown should at least halve it", before, after)
	}
	if d := s.Series[0]; !(d.WDQ.Success.V < 0) {
		t.Errorf("success measure %v, want < 0", d.WDQ.Success)
	}
	var sums [sim.NumZones][3]float64
	for _, r := range daily.Rows() {
		for k := range sim.NumZones {
			if r.Metric == "drops_"+k.String() {
				sums[k][z.PeriodOf(r.Day)] += r.Value
			}
		}
	}
	c := s.Series[0].Counts
	b, a := sim.PeriodBefore, sim.PeriodAfter
	if c.Rb != sums[sim.ZoneTreatment][b] || c.Ra != sums[sim.ZoneTreatment][a] || c.Bb != sums[sim.ZoneBuffer][b] ||
		c.Ba != sums[sim.ZoneBuffer][a] || c.Cb != sums[sim.ZoneControl][b] || c.Ca != sums[sim.ZoneControl][a] {
		t.Errorf("summary counts %+v, daily sums %v", c, sums)
	}
}

// TestSummariseDispersion: each count's dispersion factor comes from the
// daily counts of its zone and period, and the dispersed WDD scales each
// variance term by it. Control (0, 0): 10 drops on day 9 and none on days
// 0-8 before (mean 1, variance (81 + 9) / 9 = 10: factor 10), one drop a
// day after (variance 0: floored to 1); treatment (6, 6): 2 drops before,
// 3 after, on different days (factors (4*0.8 + ... ) by hand below).
func TestSummariseDispersion(t *testing.T) {
	p, z := smallZones(t)
	day := func(d int) int32 { return int32(d*24 + 5) }
	var drops []sim.DropRecord
	for range 10 {
		drops = append(drops, sim.DropRecord{X: 0, Y: 0, Placed: day(9)})
	}
	for d := 10; d < 20; d++ {
		drops = append(drops, sim.DropRecord{X: 0, Y: 0, Placed: day(d)})
	}
	drops = append(drops, sim.DropRecord{X: 6, Y: 6, Placed: day(1)}, sim.DropRecord{X: 6, Y: 6, Placed: day(2)})
	for range 3 {
		drops = append(drops, sim.DropRecord{X: 6, Y: 6, Placed: day(15)})
	}
	s := Summarise(&p, z, 400, drops, nil)
	m := s.Series[0]
	// Treatment after: 3 on one day of 10: mean 0.3, variance (2.7^2 +
	// 9 * 0.09) / 9 = 0.9, factor 3. Before: 1 on two days: mean 0.2,
	// variance (2 * 0.64 + 8 * 0.04) / 9 = 0.1778, factor 0.889, floored to 1.
	want := Dispersion{Rb: 1, Ra: 3, Bb: 1, Ba: 1, Cb: 10, Ca: 1, DCb: 1, DCa: 1}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"Rb", m.Dispersion.Rb, want.Rb}, {"Ra", m.Dispersion.Ra, want.Ra}, {"Cb", m.Dispersion.Cb, want.Cb}, {"Ca", m.Dispersion.Ca, want.Ca}, {"Bb", m.Dispersion.Bb, want.Bb}} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("dispersion of %s = %.6f, want %g", c.name, c.got, c.want)
		}
	}
	// Shared control: Var = Rb + 3 Ra + Bb + Ba + 4 (10 Cb + Ca).
	c := m.Counts
	if se := math.Sqrt(c.Rb + 3*c.Ra + c.Bb + c.Ba + 4*(10*c.Cb+c.Ca)); math.Abs(m.WDDDispersed.Total.SE-se) > 1e-12 || m.WDDDispersed.Total.Estimate != m.WDD.Total.Estimate {
		t.Errorf("dispersed WDD %+v, want SE %.6f and the WDD's estimate %g", m.WDDDispersed.Total, se, m.WDD.Total.Estimate)
	}
}

// TestSummariseMinors: minors among the stashers arrested, counted by hand.
func TestSummariseMinors(t *testing.T) {
	p, z := smallZones(t)
	arrests := []ArrestRecord{{Role: sim.RoleStasher, Minor: true, X: -1, Y: -1}, {Role: sim.RoleStasher, X: 1, Y: 1},
		{Role: sim.RoleStasher, X: 2, Y: 2}, {Role: sim.RoleMule, Minor: true, X: -1, Y: -1}}
	s := Summarise(&p, z, 400, nil, arrests)
	if s.StashersArrested != 3 || s.MinorStashers != 1 || !s.MinorShare.Defined || math.Abs(s.MinorShare.V-1.0/3) > 1e-15 {
		t.Errorf("minors: %d of %d stashers, share %+v; want 1 of 3", s.MinorStashers, s.StashersArrested, s.MinorShare)
	}
	if s = Summarise(&p, z, 400, nil, nil); s.MinorShare.Defined {
		t.Errorf("minor share defined without arrests: %+v", s.MinorShare)
	}
}
