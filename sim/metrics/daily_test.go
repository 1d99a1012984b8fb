package metrics

import (
	"math"
	"testing"

	"dropsim/sim"
)

func TestCentroidOfKnownPoints(t *testing.T) {
	// A 2 x 2 square of side 2 centred on (1, 1): every corner is sqrt(2)
	// from the centre, so the standard distance is sqrt(2).
	cx, cy, sd := Centroid([]float64{0, 2, 0, 2}, []float64{0, 0, 2, 2})
	if cx != 1 || cy != 1 || math.Abs(sd-math.Sqrt2) > 1e-12 {
		t.Errorf("square: centroid (%v, %v), sd %v; want (1, 1), sqrt 2", cx, cy, sd)
	}
	// Three points on a line: mean 2, squared deviations 4, 0, 4: sd = sqrt(8/3).
	cx, cy, sd = Centroid([]float64{0, 2, 4}, []float64{5, 5, 5})
	if cx != 2 || cy != 5 || math.Abs(sd-math.Sqrt(8.0/3)) > 1e-12 {
		t.Errorf("line: centroid (%v, %v), sd %v; want (2, 5), sqrt(8/3)", cx, cy, sd)
	}
	if cx, _, _ := Centroid(nil, nil); !math.IsNaN(cx) {
		t.Errorf("no points: centroid x %v, want NaN", cx)
	}
}

func TestMetricListMatchesIndexes(t *testing.T) {
	if len(DailyMetrics) != numMetrics {
		t.Fatalf("%d metric names for %d metrics", len(DailyMetrics), numMetrics)
	}
	checks := map[int]string{mOrders: "orders", mArrests + int(sim.RoleMule): "arrests_mule", mRecruits: "recruits",
		mRecruitsMinor: "recruits_minor", mRevenue: "revenue", mPolice: "police_on_duty", mStdDist: "drop_standard_distance"}
	for i, name := range checks {
		if DailyMetrics[i] != name {
			t.Errorf("metric %d is %q, want %q", i, DailyMetrics[i], name)
		}
	}
}

func TestDailyCountsEvents(t *testing.T) {
	d := NewDaily(24, nil)
	send := func(e sim.Event) { d.Event(&e) }
	send(sim.Event{Kind: sim.EvOrder})
	send(sim.Event{Kind: sim.EvOrder})
	send(sim.Event{Kind: sim.EvDropPlaced, X: 0, Y: 0})
	send(sim.Event{Kind: sim.EvDropPlaced, X: 2, Y: 0})
	send(sim.Event{Kind: sim.EvArrest, Role: sim.RoleBuyer})
	send(sim.Event{Kind: sim.EvMoney, Cause: sim.CauseRevenue, Amount: 2000})
	send(sim.Event{Kind: sim.EvMoney, Cause: sim.CauseWage, Amount: -400})
	send(sim.Event{Kind: sim.EvDropEnded, Drop: sim.DropRecord{Outcome: sim.OutcomeSeized}})
	send(sim.Event{Kind: sim.EvDayEnd, Day: &sim.DayState{Day: 0, ActiveStashers: 7, Cash: 1600}})
	send(sim.Event{Kind: sim.EvOrder})
	send(sim.Event{Kind: sim.EvDayEnd, Day: &sim.DayState{Day: 1}})
	got := map[[2]any]float64{}
	for _, r := range d.Rows() {
		got[[2]any{r.Day, r.Metric}] = r.Value
	}
	want := map[[2]any]float64{
		{0, "orders"}: 2, {0, "drops_placed"}: 2, {0, "arrests_buyer"}: 1, {0, "revenue"}: 2000,
		{0, "seized"}: 1, {0, "active_stashers"}: 7, {0, "cash"}: 1600,
		{0, "drop_centroid_x"}: 1.5, {0, "drop_centroid_y"}: 0.5, {0, "drop_standard_distance"}: 1,
		{1, "orders"}: 1, {1, "revenue"}: 0,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("day %v %v = %v (present %v), want %v", k[0], k[1], g, ok, v)
		}
	}
	if _, ok := got[[2]any{1, "drop_centroid_x"}]; ok {
		t.Error("a day without drops has a centroid row")
	}
	// Each day has the 28 counts and states; day 0 also has its centroid,
	// standard distance and ellipse (6 rows). Without zones there are no
	// zone rows and no distance from a treatment centre.
	if n := len(d.Rows()); n != 2*28+6 {
		t.Errorf("%d rows, want %d", n, 2*28+6)
	}
}
