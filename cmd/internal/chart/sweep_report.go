package chart

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"

	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

//go:embed sweep_report.html.tmpl
var sweepReportText string

var sweepReportTemplate = template.Must(template.Must(template.New("sweep").Parse(sweepReportText)).Parse(reportStyleText))

// sweepPointsShown is the most design points the report's table of
// points lists.
const sweepPointsShown = 100

// SweepReport renders the self-contained report.html of a sweep: its
// design, the headline table of paired effects against the baseline, the
// placebo calibration of the single-run test, the Morris screening when
// there is one, every figure (each figure's PNG embedded as a data URI),
// links to the sweep's tables and the command that reproduces it. No
// network access is needed to view it. Undefined values read "n/a", with
// the number of replicates where they were undefined; no NaN is written.
func SweepReport(s *Sweep, figs []Figure) ([]byte, error) {
	pl, err := newSweepPlan(s)
	if err != nil {
		return nil, fmt.Errorf("sweep report: %w", err)
	}
	v := pl.reportView(figs)
	var buf bytes.Buffer
	if err := sweepReportTemplate.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("sweep report: %w", err)
	}
	return buf.Bytes(), nil
}

// sweepCell is one value of a table of the sweep report.
type sweepCell struct {
	Text string
	Key  string // data-m attribute, for tests and scripts
	NA   bool   // undefined: shown as n/a
	Sig  bool   // an interval that excludes 0
}

type sweepEffectRow struct {
	Measure, Point, Arm             string
	Paired, Unpaired, Ratio, Replic sweepCell
	First                           bool // the first row of its measure
}

type sweepCalibRow struct {
	Series, Point string
	Runs, Exceed  int
	Rate          sweepCell
	Reading       string
	High          bool
}

type sweepMorrisRow struct {
	Arm, Measure, Parameter, Short string
	N                              int
	MuStar, Mu, Sigma, Ratio       sweepCell
	First                          bool
}

type sweepParamRow struct {
	Key, Short, Levels, Arms string
}

type sweepPointRow struct {
	ID     int
	Levels []string
	Morris []string // trajectory, step, moved parameter
}

type sweepReportView struct {
	Name, Description, File, Version, Command string

	Brief      []reportKV
	FailedNote string
	Params     []sweepParamRow
	ParamHeads []string
	Points     []sweepPointRow
	PointsNote string
	IsMorris   bool

	Baseline    string
	Effects     []sweepEffectRow
	EffectsNote string

	Calib     []sweepCalibRow
	CalibNote string
	CalibBase string
	MultiCal  bool // several design points: a column for them

	Screening []sweepMorrisRow

	Tables  []string
	Figures []reportFigure
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// sweepInterval writes a mean and its 95% interval as "-12.5 [-15.25,
// -9.75]"; "-12.5 [n/a]" without an interval (one replicate), and "n/a
// (20 undefined)" without a mean.
func sweepInterval(iv metrics.Interval, key string) sweepCell {
	if !iv.HasMean || !finite(iv.Mean) {
		return sweepCell{Text: naText(iv), Key: key, NA: true}
	}
	if !iv.HasCI || !finite(iv.Lo, iv.Hi) {
		return sweepCell{Text: reportNum(iv.Mean) + " [n/a]", Key: key}
	}
	return sweepCell{Text: fmt.Sprintf("%s [%s, %s]", reportNum(iv.Mean), reportNum(iv.Lo), reportNum(iv.Hi)), Key: key,
		Sig: iv.Lo > 0 || iv.Hi < 0}
}

// sweepReplicates writes the replicates behind an interval: "20", or "18
// (2 undefined)".
func sweepReplicates(iv metrics.Interval, key string) sweepCell {
	t := strconv.Itoa(iv.N)
	if iv.Undefined > 0 {
		t += fmt.Sprintf(" (%d undefined)", iv.Undefined)
	}
	return sweepCell{Text: t, Key: key}
}

// sweepNum writes a number, or n/a.
func sweepNum(v float64, ok bool, na, key string) sweepCell {
	if !ok || !finite(v) {
		return sweepCell{Text: na, Key: key, NA: true}
	}
	return sweepCell{Text: reportNum(v), Key: key}
}

// designText says what the design points are.
func (pl *sweepPlan) designText() string {
	n := len(pl.s.Points)
	switch {
	case pl.morris:
		var traj []int
		for _, p := range pl.s.Points {
			if !slices.Contains(traj, p.Trajectory) {
				traj = append(traj, p.Trajectory)
			}
		}
		return fmt.Sprintf("Morris screening: %s of %s each, %s in all", reportPlural(len(traj), "trajectory", "trajectories"),
			reportPlural(len(pl.s.Parameters)+1, "point", "points"), reportPlural(n, "design point", "design points"))
	case len(pl.varied) == 0:
		return reportPlural(n, "design point", "design points") + " (no parameter varies)"
	case pl.grid:
		return reportPlural(n, "design point", "design points") + ": every combination of the parameters' levels (a full factorial design)"
	}
	return reportPlural(n, "design point", "design points") + " scattered over the parameters' ranges (a Latin hypercube, say): not a full grid of levels"
}

// paramLevels describes the levels parameter j takes.
func (pl *sweepPlan) paramLevels(j int) string {
	par := pl.s.Parameters[j]
	var ls []sweep.Level
	for _, p := range pl.s.Points {
		l := p.Levels[j]
		if !slices.ContainsFunc(ls, func(m sweep.Level) bool { return m.Text == l.Text }) {
			ls = append(ls, l)
		}
	}
	slices.SortStableFunc(ls, compareLevels)
	var txt []string
	for _, l := range ls {
		txt = append(txt, levelText(l))
	}
	var out string
	switch {
	case len(ls) == 0:
		out = "none"
	case len(ls) <= 8:
		out = strings.Join(txt, ", ")
	default:
		out = fmt.Sprintf("%d levels from %s to %s", len(ls), txt[0], txt[len(txt)-1])
	}
	if len(par.Values) == 0 && !pl.grid && par.Max > par.Min {
		out += fmt.Sprintf(" (drawn from [%s, %s]", reportNum(par.Min), reportNum(par.Max))
		if par.Integer {
			out += ", whole numbers"
		}
		out += ")"
	}
	return out
}

func (pl *sweepPlan) reportView(figs []Figure) *sweepReportView {
	s := pl.s
	v := &sweepReportView{Name: s.Name, Description: s.Description, File: s.File, Version: s.Version, Command: s.Command,
		Baseline: s.Baseline, IsMorris: pl.morris, Tables: s.Tables}
	if v.Name == "" {
		v.Name = "sweep"
	}
	if v.Version == "" {
		v.Version = "unknown"
	}

	// The design.
	var arms []string
	for _, a := range pl.arms {
		if a == s.Baseline {
			a += " (baseline)"
		}
		arms = append(arms, a)
	}
	if s.File != "" {
		v.Brief = append(v.Brief, reportKV{"Scenario", s.File})
	}
	armsText := strings.Join(arms, ", ")
	if len(arms) == 0 {
		armsText = "none"
	}
	if s.Baseline == "" {
		armsText += "; no baseline arm, so no contrasts"
	}
	v.Brief = append(v.Brief, reportKV{"Arms", armsText}, reportKV{"Design", pl.designText()})
	if s.Replicates > 0 {
		v.Brief = append(v.Brief, reportKV{"Replicates", fmt.Sprintf("%d per arm and design point, with the same seeds in every arm and point (common random numbers), so that arms are compared run by run", s.Replicates)})
	}
	runs := reportPlural(s.Runs, "run", "runs")
	if s.Missing > 0 {
		runs += fmt.Sprintf(", of which %d not merged", s.Missing)
		v.FailedNote = fmt.Sprintf("A partial merge (dropsim merge -partial): %d of the %d runs are in shards that are missing or did not finish, and are left out. ", s.Missing, s.Runs)
	}
	if s.Failed > 0 {
		if s.Missing > 0 {
			runs += fmt.Sprintf(", %d failed", s.Failed)
		} else {
			runs += fmt.Sprintf(", of which %d failed", s.Failed)
		}
		v.FailedNote += fmt.Sprintf("%d of the %d runs failed. ", s.Failed, s.Runs)
		if slices.Contains(s.Tables, "failures.csv") {
			v.FailedNote += "failures.csv says which and why. "
		}
	}
	if v.FailedNote != "" {
		v.FailedNote += "The statistics are over the runs that finished, so some arms and design points have fewer replicates than the others."
	} else if s.Runs > 0 {
		runs += ", all finished"
	}
	v.Brief = append(v.Brief, reportKV{"Runs", runs})

	for j, p := range s.Parameters {
		row := sweepParamRow{Key: p.Key, Short: pl.short[j], Levels: pl.paramLevels(j), Arms: "all"}
		if len(p.Arms) > 0 {
			row.Arms = strings.Join(p.Arms, ", ")
		}
		v.Params = append(v.Params, row)
		v.ParamHeads = append(v.ParamHeads, pl.short[j])
	}
	for i, p := range s.Points {
		if i == sweepPointsShown {
			v.PointsNote = fmt.Sprintf("The first %d of the %d design points.", sweepPointsShown, len(s.Points))
			break
		}
		row := sweepPointRow{ID: p.ID}
		for _, l := range p.Levels {
			row.Levels = append(row.Levels, levelText(l))
		}
		if pl.morris {
			moved := "(start)"
			if p.Moved >= 0 && p.Moved < len(pl.short) {
				moved = pl.short[p.Moved]
			}
			row.Morris = []string{strconv.Itoa(p.Trajectory), strconv.Itoa(p.Step), moved}
		}
		v.Points = append(v.Points, row)
	}

	// The paired effects: the measures and points of the effects figure.
	ms, allMs := pl.effectMeasures()
	points, allPoints := pl.effectPoints(ms)
	effArms := pl.effectArms(ms, points)
	for _, m := range ms {
		first := true
		for _, id := range points {
			for _, a := range effArms {
				c := pl.contrast[sweepKey{a, id, m}]
				if c == nil {
					continue
				}
				key := fmt.Sprintf("effect.%s.%d.%s.", a, id, m)
				row := sweepEffectRow{Measure: m, Point: pl.pointName(id), Arm: a, First: first,
					Paired:   sweepInterval(c.Paired, key+"paired"),
					Unpaired: sweepInterval(c.Unpaired, key+"unpaired"),
					Ratio:    sweepCell{Text: "n/a", Key: key + "ratio", NA: true},
					Replic:   sweepReplicates(c.Paired, key+"n")}
				if c.HasRatio && finite(c.WidthRatio) {
					row.Ratio = sweepCell{Text: strconv.FormatFloat(c.WidthRatio, 'f', 2, 64), Key: key + "ratio"}
				}
				v.Effects = append(v.Effects, row)
				first = false
			}
		}
	}
	var left []string
	if allMs > len(ms) {
		left = append(left, fmt.Sprintf("the first %d of the %d measures", len(ms), allMs))
	}
	if allPoints > len(points) {
		left = append(left, fmt.Sprintf("the first %d of the %d design points", len(points), allPoints))
	}
	if len(left) > 0 {
		v.EffectsNote = reportSentence("the table shows " + reportJoin(left) + ". " + pl.tableNote("contrasts.csv", "every contrast"))
	}

	// The placebo calibration.
	cal, calPoints, allCal := pl.calibrationRows()
	v.MultiCal = len(calPoints) > 1
	for _, r := range cal {
		row := sweepCalibRow{Series: r.Series, Point: pl.pointName(r.Point), Runs: r.Runs, Exceed: r.Exceed}
		key := fmt.Sprintf("calibration.%s.%d", r.Series, r.Point)
		switch {
		case !r.HasRate || !finite(r.Rate, r.Lo, r.Hi):
			row.Rate = sweepCell{Text: "n/a (no replicate with a defined z)", Key: key, NA: true}
		default:
			row.Rate = sweepCell{Text: fmt.Sprintf("%s [%s, %s]", reportShare(r.Rate), reportShare(r.Lo), reportShare(r.Hi)), Key: key}
			switch {
			case r.Lo > 0.05:
				row.Reading, row.High = "too many: a single run's z overstates significance", true
			case r.Hi < 0.05:
				row.Reading = "too few: the single-run test is conservative"
			default:
				row.Reading = "consistent with 5%"
			}
		}
		v.Calib = append(v.Calib, row)
	}
	v.CalibBase = s.Baseline
	if v.CalibBase == "" && len(cal) > 0 {
		v.CalibBase = cal[0].Arm
	}
	if allCal > len(calPoints) {
		v.CalibNote = fmt.Sprintf("The table shows the first %d of the %d design points. %s", len(calPoints), allCal, pl.tableNote("calibration.csv", "them all"))
	}

	// The Morris screening, by arm and measure, the most important first.
	var groups []sweepKey
	for _, r := range s.Sensitivity {
		if k := (sweepKey{arm: r.Arm, measure: r.Measure}); !slices.Contains(groups, k) {
			groups = append(groups, k)
		}
	}
	rank := func(m string) int {
		if i := slices.Index(pl.measures, m); i >= 0 {
			return i
		}
		return len(pl.measures)
	}
	slices.SortStableFunc(groups, func(a, b sweepKey) int { return rank(a.measure) - rank(b.measure) })
	for _, g := range groups {
		var rows []metrics.SensitivityRow
		for _, r := range s.Sensitivity {
			if r.Arm == g.arm && r.Measure == g.measure {
				rows = append(rows, r)
			}
		}
		slices.SortStableFunc(rows, func(a, b metrics.SensitivityRow) int {
			x, y := a.MuStar, b.MuStar
			if !finite(x) {
				x = math.Inf(-1)
			}
			if !finite(y) {
				y = math.Inf(-1)
			}
			switch {
			case x > y:
				return -1
			case x < y:
				return 1
			}
			return 0
		})
		for i, r := range rows {
			key := fmt.Sprintf("morris.%s.%s.%s.", r.Arm, r.Measure, r.Parameter)
			row := sweepMorrisRow{Arm: r.Arm, Measure: r.Measure, Parameter: r.Parameter, Short: pl.paramShort(r.Parameter), N: r.N, First: i == 0,
				MuStar: sweepNum(r.MuStar, true, "n/a", key+"mustar"),
				Mu:     sweepNum(r.Mu, true, "n/a", key+"mu"),
				Sigma:  sweepNum(r.Sigma, r.HasSigma, fmt.Sprintf("n/a (%s)", reportPlural(r.N, "effect", "effects")), key+"sigma"),
				Ratio:  sweepCell{Text: "n/a", Key: key + "ratio", NA: true}}
			if q := r.Sigma / r.MuStar; r.HasSigma && r.MuStar > 0 && finite(q) {
				row.Ratio = sweepCell{Text: strconv.FormatFloat(q, 'f', 2, 64), Key: key + "ratio"}
			}
			v.Screening = append(v.Screening, row)
		}
	}

	for _, f := range figs {
		png := f.Data["png"]
		if len(png) == 0 {
			continue
		}
		v.Figures = append(v.Figures, reportFigure{Name: f.Name, Title: f.Title, Caption: f.Caption, Alt: f.Title,
			Src: reportDataSrc("image/png", png)})
	}
	return v
}

// pointName names a design point in the report's tables: its number, and
// the levels of the varied parameters unless they would fill the column
// (the table of design points has them).
func (pl *sweepPlan) pointName(id int) string {
	lab := pl.pointLabel(id)
	if _, ok := pl.point(id); !ok || len(pl.varied) == 0 || len(lab) > 32 {
		return strconv.Itoa(id)
	}
	return fmt.Sprintf("%d: %s", id, lab)
}
