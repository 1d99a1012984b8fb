package sweep

import (
	"cmp"
	"math"
	"slices"

	"dropsim/sim/metrics"
)

// Summaries builds a sweep's summaries in one pass over its runs, in run-id
// order: per arm, design point and measure the mean with its 95% interval;
// against the baseline arm the paired and unpaired differences; the
// placebo calibration of the single-run WDD z in the baseline's runs; and,
// for a Morris design, the elementary effects. Its memory grows with the
// design (arms x points x measures), not with the number of runs, but for
// Morris designs, which keep the previous design point's runs.
type Summaries struct {
	plan     *Plan
	measures []string // the measures summarised
	index    []int    // their positions in the run's values
	zIndex   []int    // positions of CalibrationMeasures, for the calibration
	baseline int      // arm index, or -1
	// FixedBaseline says that no parameter applies to the baseline arm,
	// so its runs are the same at every design point: the calibration is
	// given once (at point 0), not once a point over the same runs.
	FixedBaseline bool

	mom   [][][]metrics.Moments // [arm][point][measure]
	undef [][][]int
	diff  [][][]metrics.Moments // [arm][point][measure], arm - baseline by seed
	calib [][]calibCount        // [point][calibration measure]

	// The runs of the current (point, replicate), by arm, for the pairs.
	blockKey [2]int
	block    [][]metrics.Value
	// Morris: the current and previous point's runs, [replicate][arm].
	morris   bool
	cur      [][][]metrics.Value
	prev     [][][]metrics.Value
	curPoint int
	ee       [][][]eeMoments // [arm][parameter][measure]
}

type calibCount struct{ runs, exceed int }

type eeMoments struct{ abs, raw metrics.Moments }

// CalibrationMeasures are the single-run z values the placebo calibration
// checks: the WDD z of each series, overall and for the treatment area and
// the buffer alone.
var CalibrationMeasures = calibrationMeasures()

func calibrationMeasures() []string {
	var ms []string
	for _, series := range []string{metrics.SeriesDrops, metrics.SeriesSeizures, metrics.SeriesArrests} {
		ms = append(ms, series+"_wdd_z", series+"_wdd_z_dispersed", series+"_wdd_treatment_z", series+"_wdd_buffer_z")
	}
	return ms
}

// NewSummaries summarises the measures named (a subset of
// metrics.RunMeasureNames) of plan's runs; baseline is an arm index or -1.
// nParams is the number of varied parameters.
func NewSummaries(plan *Plan, measures []string, baseline, nParams int) *Summaries {
	pos := map[string]int{}
	for i, n := range metrics.RunMeasureNames {
		pos[n] = i
	}
	s := &Summaries{plan: plan, measures: measures, baseline: baseline, blockKey: [2]int{-1, -1}, curPoint: -1}
	for _, m := range measures {
		s.index = append(s.index, pos[m])
	}
	for _, m := range CalibrationMeasures {
		s.zIndex = append(s.zIndex, pos[m])
	}
	A, P, M := len(plan.Arms), len(plan.Points), len(measures)
	s.mom, s.undef, s.diff = make([][][]metrics.Moments, A), make([][][]int, A), make([][][]metrics.Moments, A)
	for a := range A {
		s.mom[a], s.undef[a], s.diff[a] = make([][]metrics.Moments, P), make([][]int, P), make([][]metrics.Moments, P)
		for p := range P {
			s.mom[a][p], s.undef[a][p], s.diff[a][p] = make([]metrics.Moments, M), make([]int, M), make([]metrics.Moments, M)
		}
	}
	s.calib = make([][]calibCount, P)
	for p := range P {
		s.calib[p] = make([]calibCount, len(CalibrationMeasures))
	}
	s.block = make([][]metrics.Value, A)
	s.morris = len(plan.Points) > 0 && plan.Points[0].Trajectory >= 0
	if s.morris {
		s.ee = make([][][]eeMoments, A)
		for a := range A {
			s.ee[a] = make([][]eeMoments, nParams)
			for k := range nParams {
				s.ee[a][k] = make([]eeMoments, M)
			}
		}
	}
	return s
}

// Add adds a run's values (in metrics.RunMeasureNames order). Runs come in
// increasing id order; failed runs are left out.
func (s *Summaries) Add(r Run, values []metrics.Value) {
	if key := [2]int{r.Point, r.Replicate}; key != s.blockKey {
		s.pairs()
		s.blockKey = key
	}
	s.block[r.Arm] = values
	for m, i := range s.index {
		if v := values[i]; usable(v) {
			s.mom[r.Arm][r.Point][m].Add(v.V)
		} else {
			s.undef[r.Arm][r.Point][m]++
		}
	}
	if r.Arm == s.baseline {
		for k, i := range s.zIndex {
			if v := values[i]; usable(v) {
				c := &s.calib[r.Point][k]
				c.runs++
				if math.Abs(v.V) > 1.96 {
					c.exceed++
				}
			}
		}
	}
	if s.morris {
		s.addMorris(r, values)
	}
}

func usable(v metrics.Value) bool { return v.Defined && !math.IsNaN(v.V) && !math.IsInf(v.V, 0) }

// pairs adds the differences from the baseline of the finished block.
func (s *Summaries) pairs() {
	defer clear(s.block)
	if s.baseline < 0 || s.blockKey[0] < 0 {
		return
	}
	base := s.block[s.baseline]
	if base == nil {
		return // the baseline's run failed
	}
	p := s.blockKey[0]
	for a, vals := range s.block {
		if a == s.baseline || vals == nil {
			continue
		}
		for m, i := range s.index {
			if usable(vals[i]) && usable(base[i]) {
				s.diff[a][p][m].Add(vals[i].V - base[i].V)
			}
		}
	}
}

func (s *Summaries) addMorris(r Run, values []metrics.Value) {
	if r.Point != s.curPoint {
		s.prev, s.cur = s.cur, make([][][]metrics.Value, s.plan.Replicates)
		if s.curPoint < 0 || r.Point != s.curPoint+1 {
			s.prev = nil // a point was skipped entirely (all its runs failed)
		}
		s.curPoint = r.Point
	}
	if s.cur[r.Replicate] == nil {
		s.cur[r.Replicate] = make([][]metrics.Value, len(s.plan.Arms))
	}
	s.cur[r.Replicate][r.Arm] = values
	pt := s.plan.Points[r.Point]
	if pt.Step == 0 || s.prev == nil || s.prev[r.Replicate] == nil {
		return
	}
	before := s.prev[r.Replicate][r.Arm]
	if before == nil {
		return
	}
	was := s.plan.Points[r.Point-1]
	du := pt.Unit[pt.Moved] - was.Unit[pt.Moved]
	for m, i := range s.index {
		if usable(values[i]) && usable(before[i]) {
			e := (values[i].V - before[i].V) / du
			em := &s.ee[r.Arm][pt.Moved][m]
			em.raw.Add(e)
			em.abs.Add(math.Abs(e))
		}
	}
}

// Rows returns the summaries: one SummaryRow per arm, point and measure,
// one ContrastRow per non-baseline arm, point and measure (none without a
// baseline), the calibration of the baseline's WDD z per point and series,
// and for a Morris design one SensitivityRow per arm, parameter and
// measure (params names the parameters).
func (s *Summaries) Rows(params []string) ([]metrics.SummaryRow, []metrics.ContrastRow, []metrics.CalibrationRow, []metrics.SensitivityRow) {
	s.pairs()
	var sum []metrics.SummaryRow
	var con []metrics.ContrastRow
	var cal []metrics.CalibrationRow
	var sen []metrics.SensitivityRow
	for p := range s.plan.Points {
		for a, arm := range s.plan.Arms {
			for m, name := range s.measures {
				sum = append(sum, metrics.SummaryRow{Arm: arm, Point: p, Measure: name, Interval: s.mom[a][p][m].Interval(s.undef[a][p][m])})
			}
		}
		if s.baseline < 0 {
			continue
		}
		for a, arm := range s.plan.Arms {
			if a == s.baseline {
				continue
			}
			for m, name := range s.measures {
				c := metrics.ContrastRow{Arm: arm, Point: p, Measure: name,
					Paired:   s.diff[a][p][m].Interval(0),
					Unpaired: metrics.Welch(s.mom[a][p][m], s.mom[s.baseline][p][m])}
				c.WidthRatio, c.HasRatio = metrics.WidthRatio(c.Paired, c.Unpaired)
				con = append(con, c)
			}
		}
		if s.FixedBaseline && p > 0 {
			continue
		}
		for k, series := range CalibrationMeasures {
			c := s.calib[p][k]
			row := metrics.CalibrationRow{Arm: s.plan.Arms[s.baseline], Point: p, Series: series, Runs: c.runs, Exceed: c.exceed}
			if lo, hi, ok := metrics.WilsonInterval(c.exceed, c.runs); ok {
				row.Rate, row.Lo, row.Hi, row.HasRate = float64(c.exceed)/float64(c.runs), lo, hi, true
			}
			cal = append(cal, row)
		}
	}
	if s.morris {
		for a, arm := range s.plan.Arms {
			for k, param := range params {
				for m, name := range s.measures {
					em := s.ee[a][k][m]
					row := metrics.SensitivityRow{Arm: arm, Parameter: param, Measure: name, N: em.raw.N,
						MuStar: em.abs.Mean, Mu: em.raw.Mean}
					if em.raw.N >= 2 {
						row.Sigma, row.HasSigma = math.Sqrt(em.raw.Variance()), true
					}
					sen = append(sen, row)
				}
			}
		}
	}
	return sum, con, cal, sen
}

// Bands are the daily series of some daily metrics over replicates: per
// arm, design point, metric and day the mean with its 95% interval.
type Bands struct {
	plan    *Plan
	metrics map[string]int
	names   []string
	mom     map[bandKey]*metrics.Moments
}

type bandKey struct{ arm, point, metric, day int }

// NewBands keeps the daily metrics named.
func NewBands(plan *Plan, names []string) *Bands {
	b := &Bands{plan: plan, metrics: map[string]int{}, names: names, mom: map[bandKey]*metrics.Moments{}}
	for i, n := range names {
		b.metrics[n] = i
	}
	return b
}

// Add adds a run's daily rows.
func (b *Bands) Add(r Run, rows []metrics.DailyRow) {
	for _, d := range rows {
		i, ok := b.metrics[d.Metric]
		if !ok {
			continue
		}
		k := bandKey{r.Arm, r.Point, i, d.Day}
		m := b.mom[k]
		if m == nil {
			m = &metrics.Moments{}
			b.mom[k] = m
		}
		m.Add(d.Value)
	}
}

// Rows are the bands by arm, point, metric (in the order named) and day.
func (b *Bands) Rows() []metrics.DailyBandRow {
	keys := make([]bandKey, 0, len(b.mom))
	for k := range b.mom {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y bandKey) int {
		return cmp.Or(cmp.Compare(x.arm, y.arm), cmp.Compare(x.point, y.point), cmp.Compare(x.metric, y.metric), cmp.Compare(x.day, y.day))
	})
	rows := make([]metrics.DailyBandRow, len(keys))
	for i, k := range keys {
		rows[i] = metrics.DailyBandRow{Arm: b.plan.Arms[k.arm], Point: k.point, Metric: b.names[k.metric], Day: k.day, Interval: b.mom[k].Interval(0)}
	}
	return rows
}
