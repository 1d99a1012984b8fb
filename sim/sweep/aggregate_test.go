package sweep

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"dropsim/sim/metrics"
)

// values is a run's measures with the named ones set and the rest undefined.
func values(set map[string]float64) []metrics.Value {
	v := make([]metrics.Value, len(metrics.RunMeasureNames))
	for i, n := range metrics.RunMeasureNames {
		if x, ok := set[n]; ok {
			v[i] = metrics.Value{V: x, Defined: true}
		}
	}
	return v
}

// ci is the 95% t interval of xs by the textbook formula, with gonum's
// slice functions: the second method the one-pass Moments are checked by.
func ci(xs []float64) (mean, lo, hi float64) {
	m, sd := stat.MeanStdDev(xs, nil)
	h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(xs) - 1)}.Quantile(0.975) * sd / math.Sqrt(float64(len(xs)))
	return m, m - h, m + h
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestSummariesMeansPairsAndCalibration(t *testing.T) {
	plan := &Plan{Arms: []string{"base", "treat"}, Points: []Point{{ID: 0, Trajectory: -1}}, Replicates: 4, BaseSeed: 1}
	base := []float64{10, 20, 30, 40}
	treat := []float64{12, 21, 35, 41} // differences 2, 1, 5, 1
	z := []float64{2.5, -0.3, -2.0, 1.0}
	s := NewSummaries(plan, []string{"orders", "drops_placed_wdq"}, 0, 0)
	for id := range plan.Len() {
		r := plan.Run(id)
		set := map[string]float64{"orders": base[r.Replicate], "drops_placed_wdd_z": z[r.Replicate]}
		if r.Arm == 1 {
			set = map[string]float64{"orders": treat[r.Replicate]}
		}
		if r.Replicate != 2 { // the WDQ is undefined in replicate 2
			set["drops_placed_wdq"] = float64(r.Replicate)
		}
		s.Add(r, values(set))
	}
	sum, con, cal, sen := s.Rows(nil)
	if len(sum) != 4 || len(con) != 2 || len(cal) != 12 || len(sen) != 0 {
		t.Fatalf("%d summary, %d contrast, %d calibration, %d sensitivity rows, want 4, 2, 12 (4 z of 3 series), 0", len(sum), len(con), len(cal), len(sen))
	}
	m, lo, hi := ci(treat)
	if r := sum[2]; r.Arm != "treat" || r.Measure != "orders" || r.N != 4 || !near(r.Mean, m) || !near(r.Lo, lo) || !near(r.Hi, hi) {
		t.Errorf("treat orders: %+v, want mean %g [%g, %g]", r, m, lo, hi)
	}
	if r := sum[1]; r.Measure != "drops_placed_wdq" || r.N != 3 || r.Undefined != 1 || !near(r.Mean, 4.0/3) { // (0+1+3)/3
		t.Errorf("base wdq: %+v, want 3 defined, 1 undefined, mean 4/3", r)
	}
	// Paired: differences 2, 1, 5, 1 (mean 2.25).
	m, lo, hi = ci([]float64{2, 1, 5, 1})
	c := con[0]
	if c.Measure != "orders" || !near(c.Paired.Mean, 2.25) || !near(c.Paired.Lo, lo) || !near(c.Paired.Hi, hi) {
		t.Errorf("paired orders: %+v, want 2.25 [%g, %g]", c.Paired, lo, hi)
	}
	// Unpaired, by the Welch formula: means 27.25 and 25, variances from gonum.
	va, vb := stat.Variance(treat, nil)/4, stat.Variance(base, nil)/4
	df := (va + vb) * (va + vb) / (va*va/3 + vb*vb/3)
	h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975) * math.Sqrt(va+vb)
	if !near(c.Unpaired.Mean, 2.25) || !near(c.Unpaired.Hi, 2.25+h) {
		t.Errorf("unpaired orders: %+v, want 2.25 +- %g", c.Unpaired, h)
	}
	if !c.HasRatio || !near(c.WidthRatio, (hi-lo)/(2*h)) || c.WidthRatio >= 1 {
		t.Errorf("width ratio %g, want %g (< 1: pairing helps)", c.WidthRatio, (hi-lo)/(2*h))
	}
	// The WDQ's pairs leave out replicate 2, where it is undefined; both
	// arms have the same WDQ, so every difference is 0.
	if p := con[1].Paired; p.N != 3 || p.Mean != 0 || p.Lo != 0 || p.Hi != 0 {
		t.Errorf("paired WDQ %+v, want 3 pairs, all 0", p)
	}
	// Calibration: |z| > 1.96 in 2 of 4 baseline runs.
	if r := cal[0]; r.Series != "drops_placed_wdd_z" || r.Runs != 4 || r.Exceed != 2 || !near(r.Rate, 0.5) || !r.HasRate {
		t.Errorf("calibration %+v, want 2 of 4", r)
	}
	if r := cal[4]; r.Series != "seizures_wdd_z" || r.Runs != 0 || r.HasRate {
		t.Errorf("seizures calibration %+v, want no runs", r)
	}
}

func TestSummariesMorrisEffects(t *testing.T) {
	// Two trajectories over two parameters; y = 3 u0 - 2 u1 + u0 u1 in
	// replicate 0 and 10 more in replicate 1 (the effects do not change).
	pts := []Point{
		{Trajectory: 0, Step: 0, Moved: -1, Unit: []float64{0, 0}},
		{Trajectory: 0, Step: 1, Moved: 1, Unit: []float64{0, 2.0 / 3}},
		{Trajectory: 0, Step: 2, Moved: 0, Unit: []float64{2.0 / 3, 2.0 / 3}},
		{Trajectory: 1, Step: 0, Moved: -1, Unit: []float64{1, 1.0 / 3}},
		{Trajectory: 1, Step: 1, Moved: 0, Unit: []float64{1.0 / 3, 1.0 / 3}},
		{Trajectory: 1, Step: 2, Moved: 1, Unit: []float64{1.0 / 3, 1}},
	}
	for i := range pts {
		pts[i].ID = i
	}
	plan := &Plan{Arms: []string{"a"}, Points: pts, Replicates: 2, BaseSeed: 1}
	y := func(u []float64) float64 { return 3*u[0] - 2*u[1] + u[0]*u[1] }
	s := NewSummaries(plan, []string{"orders"}, -1, 2)
	for id := range plan.Len() {
		r := plan.Run(id)
		s.Add(r, values(map[string]float64{"orders": y(pts[r.Point].Unit) + 10*float64(r.Replicate)}))
	}
	_, _, _, sen := s.Rows([]string{"p0", "p1"})
	// By hand, EE of u0: trajectory 0 step 2: 3 + u1 = 3 + 2/3; trajectory 1
	// step 1 (u0 from 1 to 1/3): 3 + 1/3. EE of u1: -2 + u0: -2 (u0 = 0) and
	// -2 + 1/3. Each twice (two replicates).
	want := map[string][]float64{"p0": {11.0 / 3, 10.0 / 3}, "p1": {-2, -5.0 / 3}}
	for _, r := range sen {
		ee := slices.Concat(want[r.Parameter], want[r.Parameter])
		abs := make([]float64, len(ee))
		for i, e := range ee {
			abs[i] = math.Abs(e)
		}
		if r.N != 4 || !near(r.Mu, stat.Mean(ee, nil)) || !near(r.MuStar, stat.Mean(abs, nil)) || !near(r.Sigma, stat.StdDev(ee, nil)) {
			t.Errorf("%s: %+v, want N 4, mu %g, mu* %g, sigma %g", r.Parameter, r, stat.Mean(ee, nil), stat.Mean(abs, nil), stat.StdDev(ee, nil))
		}
	}
}

func TestBands(t *testing.T) {
	plan := &Plan{Arms: []string{"a", "b"}, Points: []Point{{Trajectory: -1}}, Replicates: 3, BaseSeed: 1}
	b := NewBands(plan, []string{"seized"})
	for id := range plan.Len() {
		r := plan.Run(id)
		b.Add(r, []metrics.DailyRow{{Day: 0, Metric: "seized", Value: float64(r.Replicate + r.Arm)}, {Day: 0, Metric: "orders", Value: 1}, {Day: 1, Metric: "seized", Value: 5}})
	}
	rows := b.Rows()
	if len(rows) != 4 || rows[0].Arm != "a" || rows[0].Day != 0 || !near(rows[0].Mean, 1) || rows[2].Arm != "b" || !near(rows[2].Mean, 2) || rows[1].SD != 0 {
		t.Fatalf("bands %+v", rows)
	}
	_, lo, hi := ci([]float64{1, 2, 3})
	if !near(rows[2].Lo, lo) || !near(rows[2].Hi, hi) {
		t.Errorf("band b day 0 [%g, %g], want [%g, %g]", rows[2].Lo, rows[2].Hi, lo, hi)
	}
}
