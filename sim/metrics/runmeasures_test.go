package metrics

import (
	"math"
	"slices"
	"testing"

	"dropsim/sim"
	"dropsim/sim/grid"
)

func TestRunMeasuresByHand(t *testing.T) {
	p, z := smallZones(t)
	day := func(d int) int32 { return int32(d * 24) }
	// The drops of TestSummariseCountsByHand.
	drops := []sim.DropRecord{
		{X: 5, Y: 5, Placed: day(0), End: day(1), Outcome: sim.OutcomePicked},
		{X: 9, Y: 9, Placed: day(9), End: day(10), Outcome: sim.OutcomeSeized},
		{X: 7, Y: 7, Placed: day(12), End: day(12), Outcome: sim.OutcomeSeized},
		{X: 3, Y: 5, Placed: day(2), End: day(3), Outcome: sim.OutcomePicked},
		{X: 11, Y: 11, Placed: day(15), End: day(16), Outcome: sim.OutcomeLost},
		{X: 12, Y: 12, Placed: day(15), End: day(16), Outcome: sim.OutcomePicked},
		{X: 0, Y: 0, Placed: day(1), End: day(2), Outcome: sim.OutcomePicked},
		{X: 19, Y: 19, Placed: day(1), End: day(2), Outcome: sim.OutcomeSeized},
		{X: 19, Y: 0, Placed: day(11), End: day(12), Outcome: sim.OutcomePicked},
		{X: 0, Y: 19, Placed: day(19), End: day(19), Outcome: sim.OutcomeActive},
		{X: 0, Y: 19, Placed: day(19), End: day(19), Outcome: sim.OutcomeActive},
		{X: 6, Y: 6, Placed: day(8), End: day(11), Outcome: sim.OutcomePicked}, // placed before, picked after
	}
	s := Summarise(&p, z, 400, drops, nil)
	tot := sim.Totals{Orders: 30, Unmet: 4, NotFound: 2, Placed: 12, Revenue: 1234.5}
	tot.Outcomes[sim.OutcomePicked] = 5
	tot.Arrests[sim.RoleMule] = 3
	vals := RunMeasures(s, tot, z, p.TicksPerDay(), drops, make([]grid.Class, 400))
	if len(vals) != len(RunMeasureNames) {
		t.Fatalf("%d values for %d names", len(vals), len(RunMeasureNames))
	}
	got := func(name string) Value {
		i := slices.Index(RunMeasureNames, name)
		if i < 0 {
			t.Fatalf("no measure %q", name)
		}
		return vals[i]
	}
	for name, want := range map[string]float64{
		"orders": 30, "unmet": 4, "not_found": 2, "placed": 12, "picked": 5, "arrests_mule": 3, "revenue": 1234.5,
		// Placed: R 3 -> 1, B 1 -> 1, C 2 -> 3; seized R 0 -> 2, C 1 -> 0.
		"drops_placed_Rb": 3, "drops_placed_Ra": 1, "drops_placed_Bb": 1, "drops_placed_Ba": 1, "drops_placed_Cb": 2, "drops_placed_Ca": 3,
		"seizures_Ra": 2, "seizures_Cb": 1,
		// Picked, by where they lay and the day they were picked up: R (5,5)
		// day 1 and (6,6) day 11; B (3,5) day 3; C (0,0) day 2 and (19,0) day 12.
		"picked_treatment_before": 1, "picked_treatment_after": 1, "picked_buffer_before": 1, "picked_buffer_after": 0,
		"picked_control_before": 1, "picked_control_after": 1,
		// Placed in days 0-9: 6 drops, in 6 sites; days 10-19: 6 drops, 5 sites.
		"before_drops": 6, "before_sites": 6, "after_drops": 6, "after_sites": 5,
	} {
		if v := got(name); !v.Defined || v.V != want {
			t.Errorf("%s = %+v, want %g", name, v, want)
		}
	}
	for _, name := range []string{"drops_placed_DCb", "picked_buffer_control_before"} {
		if got(name).Defined {
			t.Errorf("%s is defined without a buffer control", name)
		}
	}
	// The WDQ and WDD are the summary's.
	if v := got("drops_placed_wdq"); v != s.Series[0].WDQ.WDQ {
		t.Errorf("wdq %+v, summary %+v", v, s.Series[0].WDQ.WDQ)
	}
	if v := got("seizures_wdd_se"); v.V != s.Series[1].WDD.Total.SE {
		t.Errorf("seizures wdd_se %+v, summary %g", v, s.Series[1].WDD.Total.SE)
	}
	if v := got("after_standard_distance"); v != s.Periods[1].StdDistance {
		t.Errorf("after standard distance %+v, summary %+v", v, s.Periods[1].StdDistance)
	}

	// Without a treatment area every displacement measure is undefined,
	// with the reason, and the counts stay.
	q := sim.DefaultParams()
	q.Days, q.City.Width, q.City.Height = 20, 20, 20
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	zq := q.BuildZones(nil)
	sq := Summarise(&q, zq, 400, drops, nil)
	vals = RunMeasures(sq, tot, zq, q.TicksPerDay(), drops, make([]grid.Class, 400))
	if len(vals) != len(RunMeasureNames) {
		t.Fatalf("%d values for %d names", len(vals), len(RunMeasureNames))
	}
	for _, name := range []string{"drops_placed_wdq", "drops_placed_Rb", "picked_control_after", "before_share_treatment", "centroid_shift"} {
		if v := got(name); v.Defined || v.Reason == "" {
			t.Errorf("%s = %+v without a treatment area, want undefined with a reason", name, v)
		}
	}
	if v := got("orders"); v.V != 30 {
		t.Errorf("orders %+v", v)
	}
}

func TestAutocorrelationByHand(t *testing.T) {
	// {1, 2, 3, 4}: mean 2.5, deviations -1.5, -0.5, 0.5, 1.5, sum of
	// squares 5; lag 1: 0.75 - 0.25 + 0.75 = 1.25, r = 0.25; lag 2:
	// -0.75 - 0.75 = -1.5, r = -0.3; lag 3 needs 5 values.
	r := Autocorrelation([]float64{1, 2, 3, 4}, 3)
	if math.Abs(r[0]-0.25) > 1e-15 || math.Abs(r[1]+0.3) > 1e-15 || !math.IsNaN(r[2]) {
		t.Errorf("acf of 1..4 = %v, want [0.25 -0.3 NaN]", r)
	}
	// A 4-day cycle: 0 0 0 4 repeated 10 times: mean 1, deviations -1 -1
	// -1 3 (sum of squares 12 a cycle, 120); at lag 4 every product of a
	// full cycle is 1+1+1+9 = 12, over 9 cycles: r = 108/120 = 0.9.
	var xs []float64
	for range 10 {
		xs = append(xs, 0, 0, 0, 4)
	}
	if r := Autocorrelation(xs, 4); math.Abs(r[3]-0.9) > 1e-12 || r[0] >= 0 {
		t.Errorf("acf of a 4-day cycle = %v, want 0.9 at lag 4 and negative at lag 1", r)
	}
	if r := Autocorrelation([]float64{5, 5, 5, 5}, 1); !math.IsNaN(r[0]) {
		t.Errorf("acf of a constant = %v, want NaN", r)
	}
}
