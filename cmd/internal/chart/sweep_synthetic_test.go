package chart

import (
	"fmt"
	"math"

	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// The synthetic sweeps of the tests are made by hand, with round numbers,
// so that the report's numbers can be checked against values worked out
// on paper.

// synthInterval is a mean over n replicates with the interval [lo, hi].
func synthInterval(n int, mean, lo, hi float64) metrics.Interval {
	return metrics.Interval{N: n, Mean: mean, Lo: lo, Hi: hi, SE: (hi - lo) / 4, SD: (hi - lo) / 4 * math.Sqrt(float64(n)), HasMean: true, HasCI: n > 1}
}

// synthUndefined is a measure undefined in all of its n replicates.
func synthUndefined(n int) metrics.Interval {
	return metrics.Interval{Undefined: n, Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), SD: math.NaN(), SE: math.NaN()}
}

var (
	synthCount  = sweep.Parameter{Key: "police.group[0].count", Values: []sweep.Level{sweep.NumLevel(10, true), sweep.NumLevel(20, true), sweep.NumLevel(40, true)}, Integer: true, Arms: []string{"crackdown"}}
	synthRadius = sweep.Parameter{Key: "stasher.area_radius", Values: []sweep.Level{sweep.NumLevel(2, true), sweep.NumLevel(6, true)}, Integer: true}
	synthArms   = []string{"none", "crackdown", "patrol"}
	synthMeas   = []string{"drops_placed.wdd", "drops_placed.wdq", "arrests.wdd"}
)

// synthPoints are the points of a factorial design over the levels.
func synthPoints(levels ...[]sweep.Level) []sweep.Point {
	pts := []sweep.Point{{Trajectory: -1, Moved: -1}}
	for _, ls := range levels {
		var next []sweep.Point
		for _, p := range pts {
			for _, l := range ls {
				q := p
				q.Levels = append(append([]sweep.Level(nil), p.Levels...), l)
				next = append(next, q)
			}
		}
		pts = next
	}
	for i := range pts {
		pts[i].ID = i
	}
	return pts
}

// synthRows fills a sweep's summary and contrast rows: measure m of arm a
// at point i has the mean base(m) + effect(a) * (i + 1), and the paired
// interval is a quarter as wide as the unpaired one.
func synthRows(s *Sweep) {
	for _, p := range s.Points {
		for mi, m := range s.Measures {
			base := 100 * float64(mi+1)
			for ai, a := range s.Arms {
				eff := []float64{0, -10, 2}[ai] * float64(p.ID+1)
				s.Summary = append(s.Summary, metrics.SummaryRow{Arm: a, Point: p.ID, Measure: m,
					Interval: synthInterval(20, base+eff, base+eff-8, base+eff+8)})
				if a == s.Baseline {
					continue
				}
				s.Contrasts = append(s.Contrasts, metrics.ContrastRow{Arm: a, Point: p.ID, Measure: m,
					Paired:     synthInterval(20, eff, eff-2, eff+2),
					Unpaired:   synthInterval(20, eff, eff-8, eff+8),
					WidthRatio: 0.25, HasRatio: true})
			}
		}
	}
}

// synthFactorial is a sweep of three arms (the baseline "none", a
// crackdown and a patrol) over three levels of the crackdown's size, 20
// replicates each, with calibration and daily rows, and a few undefined
// values.
func synthFactorial() *Sweep {
	s := &Sweep{Name: "crackdown-size", Description: "How big must a crackdown be?", File: "scenarios/crackdown_size.toml", Version: "test",
		Arms: synthArms, Baseline: "none", Parameters: []sweep.Parameter{synthCount}, Points: synthPoints(synthCount.Values),
		Replicates: 20, Runs: 180, Failed: 1, Measures: synthMeas,
		Tables:  []string{"runs.csv", "summary.csv", "contrasts.csv", "calibration.csv", "daily.csv"},
		Command: "dropsim sweep -workers 8 scenarios/crackdown_size.toml"}
	synthRows(s)
	// Hand-made contrasts of the first measure at point 0, checked in the report.
	for i, c := range s.Contrasts {
		switch {
		case c.Arm == "crackdown" && c.Point == 0 && c.Measure == "drops_placed.wdd":
			s.Contrasts[i].Paired = synthInterval(20, -12.5, -15.25, -9.75)
			s.Contrasts[i].Unpaired = synthInterval(20, -12.5, -20, -5)
			s.Contrasts[i].WidthRatio = 5.5 / 15
		case c.Arm == "patrol" && c.Point == 2 && c.Measure == "drops_placed.wdq":
			// Undefined in every replicate (no drops in the buffer, say).
			s.Contrasts[i].Paired, s.Contrasts[i].Unpaired = synthUndefined(20), synthUndefined(20)
			s.Contrasts[i].WidthRatio, s.Contrasts[i].HasRatio = math.NaN(), false
		case c.Arm == "patrol" && c.Point == 1 && c.Measure == "drops_placed.wdq":
			// Defined in one replicate only: a mean without an interval.
			iv := synthInterval(1, 0.75, math.NaN(), math.NaN())
			iv.Undefined = 19
			s.Contrasts[i].Paired, s.Contrasts[i].Unpaired = iv, iv
			s.Contrasts[i].WidthRatio, s.Contrasts[i].HasRatio = math.NaN(), false
		}
	}
	s.Calibration = []metrics.CalibrationRow{
		{Arm: "none", Point: 0, Series: "drops_placed", Runs: 20, Exceed: 6, Rate: 0.3, Lo: 0.14548, Hi: 0.51898, HasRate: true},
		{Arm: "none", Point: 0, Series: "seizures", Runs: 20, Exceed: 1, Rate: 0.05, Lo: 0.00888, Hi: 0.23611, HasRate: true},
		{Arm: "none", Point: 0, Series: "arrests", Runs: 0, Rate: math.NaN(), Lo: math.NaN(), Hi: math.NaN()},
	}
	for _, metric := range []string{"drops_placed", "active_stashers"} {
		for _, p := range s.Points {
			for ai, a := range s.Arms {
				for d := range 30 {
					m := 50 + 5*math.Sin(float64(d)/3)
					if metric == "active_stashers" {
						m = 9
					}
					if d >= 10 {
						m *= 1 - []float64{0, 0.1, 0.02}[ai]*float64(p.ID+1)
					}
					iv := synthInterval(20, m, m-2, m+2)
					if d == 0 && metric == "active_stashers" {
						iv = synthUndefined(20) // a gap in the line
					}
					s.Daily = append(s.Daily, metrics.DailyBandRow{Arm: a, Point: p.ID, Metric: metric, Day: d, Interval: iv})
				}
			}
		}
	}
	return s
}

// synthTwoWay is synthFactorial's design crossed with two levels of the
// stashers' radius: six points, a line per radius.
func synthTwoWay() *Sweep {
	s := &Sweep{Name: "size-by-radius", Version: "test", Arms: synthArms, Baseline: "none",
		Parameters: []sweep.Parameter{synthCount, synthRadius}, Points: synthPoints(synthCount.Values, synthRadius.Values),
		Replicates: 10, Runs: 180, Measures: synthMeas[:2]}
	synthRows(s)
	// The radius changes the measures, more for the crackdown.
	for i := range s.Summary {
		r := &s.Summary[i]
		if s.Points[r.Point].Levels[1].Num == 6 {
			d := 15.0
			if r.Arm == "crackdown" {
				d = 30
			}
			r.Mean, r.Lo, r.Hi = r.Mean+d, r.Lo+d, r.Hi+d
		}
	}
	return s
}

// synthLHS is a scattered design of 8 points over two parameters.
func synthLHS() *Sweep {
	pc := sweep.Parameter{Key: "police.group[0].count", Min: 5, Max: 40, Integer: true}
	pr := sweep.Parameter{Key: "stasher.area_radius", Min: 1, Max: 10}
	s := &Sweep{Name: "lhs", Version: "test", Arms: synthArms[:2], Baseline: "none", Parameters: []sweep.Parameter{pc, pr},
		Replicates: 5, Runs: 80, Measures: synthMeas[:1]}
	for i := range 8 {
		c := sweep.NumLevel(5+float64((i*5)%8)*5, true)
		r := sweep.NumLevel(1+1.125*float64(i), false)
		s.Points = append(s.Points, sweep.Point{ID: i, Levels: []sweep.Level{c, r}, Trajectory: -1, Moved: -1})
	}
	synthRows(s)
	return s
}

// synthMorris is a Morris design of 2 trajectories over 3 parameters (4
// points each), with the sensitivity rows of two measures.
func synthMorris() *Sweep {
	ps := []sweep.Parameter{
		{Key: "police.group[0].count", Min: 5, Max: 40, Integer: true},
		{Key: "stasher.area_radius", Min: 1, Max: 10},
		{Key: "buyers.count", Min: 500, Max: 2000, Integer: true},
	}
	s := &Sweep{Name: "screening", Version: "test", Arms: synthArms[:2], Baseline: "none", Parameters: ps,
		Replicates: 4, Runs: 64, Measures: synthMeas[:2], Tables: []string{"sensitivity.csv"}}
	id := 0
	for t := range 2 {
		unit := []float64{0, 1.0 / 3, 2.0 / 3}
		if t == 1 {
			unit = []float64{1, 0, 1.0 / 3}
		}
		for step := range 4 {
			moved := -1
			if step > 0 {
				moved = step - 1
				unit[moved] = 1 - unit[moved]
			}
			var ls []sweep.Level
			for j, p := range ps {
				ls = append(ls, sweep.NumLevel(p.Min+unit[j]*(p.Max-p.Min), p.Integer))
			}
			s.Points = append(s.Points, sweep.Point{ID: id, Levels: ls, Trajectory: t, Step: step, Moved: moved, Unit: append([]float64(nil), unit...)})
			id++
		}
	}
	synthRows(s)
	s.Sensitivity = []metrics.SensitivityRow{
		{Arm: "crackdown", Parameter: "police.group[0].count", Measure: "drops_placed.wdd", N: 8, MuStar: 42.5, Mu: -42.5, Sigma: 6.25, HasSigma: true},
		{Arm: "crackdown", Parameter: "stasher.area_radius", Measure: "drops_placed.wdd", N: 8, MuStar: 18, Mu: 3, Sigma: 24.5, HasSigma: true},
		{Arm: "crackdown", Parameter: "buyers.count", Measure: "drops_placed.wdd", N: 8, MuStar: 2.5, Mu: 0.5, Sigma: 1.75, HasSigma: true},
		{Arm: "crackdown", Parameter: "police.group[0].count", Measure: "drops_placed.wdq", N: 8, MuStar: 0.4, Mu: 0.1, Sigma: 0.5, HasSigma: true},
		{Arm: "crackdown", Parameter: "stasher.area_radius", Measure: "drops_placed.wdq", N: 1, MuStar: 0.2, Mu: 0.2, Sigma: math.NaN()},
		{Arm: "crackdown", Parameter: "buyers.count", Measure: "drops_placed.wdq", N: 8, MuStar: 0.05, Mu: -0.01, Sigma: 0.04, HasSigma: true},
	}
	return s
}

// synthRingRows are the summary rows of drops placed's distance rings for
// an arm at a point: rings 1 to len(ivs), then undefined to sim.MaxRings
// (beyond the zones' rings), and the seizures' and arrests' rings
// undefined in every replicate. The measure names are written out here,
// not made by the code under test.
func synthRingRows(arm string, point int, ivs ...metrics.Interval) []metrics.SummaryRow {
	var rows []metrics.SummaryRow
	for _, series := range []string{"drops_placed", "seizures", "arrests"} {
		for k := 1; k <= 10; k++ {
			iv := synthUndefined(20)
			if series == "drops_placed" && k <= len(ivs) {
				iv = ivs[k-1]
			}
			rows = append(rows, metrics.SummaryRow{Arm: arm, Point: point, Measure: fmt.Sprintf("%s_ring_%d_change", series, k), Interval: iv})
		}
	}
	return rows
}

// synthRings is a sweep of two arms at one point, with four distance
// rings of 5 cells of 100 m: the baseline's rings change by a few
// percent, the crackdown's drop by 36%, 18%, 6% and 1% from the nearest
// out (a diffusion of benefits that fades with distance).
func synthRings() *Sweep {
	s := &Sweep{Name: "rings", Version: "test", Arms: []string{"none", "crackdown"}, Baseline: "none",
		Points: []sweep.Point{{ID: 0, Trajectory: -1, Moved: -1}}, Replicates: 20, Runs: 40,
		Tables: []string{"summary.csv"}, RingWidth: 5, CellM: 100}
	s.Summary = append(synthRingRows("none", 0,
		synthInterval(20, 0.02, -0.02, 0.06), synthInterval(20, -0.01, -0.05, 0.03),
		synthInterval(20, -0.03, -0.06, 0), synthInterval(20, -0.025, -0.05, 0.0)),
		synthRingRows("crackdown", 0,
			synthInterval(20, -0.36, -0.45, -0.27), synthInterval(20, -0.18, -0.26, -0.1),
			synthInterval(20, -0.06, -0.12, -0.005), synthInterval(20, -0.01, -0.06, 0.04))...)
	return s
}
