package chart

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"dropsim/sim"
	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// Sweep is what a sweep's figures and report show.
type Sweep struct {
	Name, Description string
	File              string // the scenario file
	Version           string // program version, for the report's footer
	Arms              []string
	Baseline          string // "" when none
	Parameters        []sweep.Parameter
	Points            []sweep.Point // Levels per parameter, in the parameters' order
	// Replicates per arm and design point; Runs in all, of which Failed
	// did not finish (the statistics are over the others).
	Replicates, Runs, Failed int
	Missing                  int // runs of shards a partial merge did not have
	// Measures to draw, by their names in SummaryRow.Measure, in the order
	// to draw them; empty for every measure of the rows, in their order.
	Measures    []string
	Summary     []metrics.SummaryRow
	Contrasts   []metrics.ContrastRow
	Calibration []metrics.CalibrationRow
	Sensitivity []metrics.SensitivityRow
	Daily       []metrics.DailyBandRow // may be empty
	Tables      []string               // files of the sweep the report links to, relative to it ("runs.csv", ...)
	// The width of the distance rings in cells and the city's cell size in
	// metres, for the rings figure's distances; each 0 when unknown or
	// when it differs between the runs (the figure then counts in cells,
	// or in rings).
	RingWidth int
	CellM     float64
	Command   string // how to reproduce the sweep (its command line)
}

// How much the sweep figures draw at most: a figure that tries to show
// everything shows nothing. What is left out is said in the caption and
// is in the sweep's tables.
const (
	sweepEffectMeasures = 12 // panels of the effects figure
	sweepEffectPoints   = 12 // design points of the effects and calibration figures
	sweepCurveMeasures  = 4  // panels of each measure_vs_<parameter> figure
	sweepMorrisMeasures = 4  // panels of the morris figure
	sweepDailyPanels    = 3  // design points drawn as panels of a daily figure
	sweepDailyMetrics   = 12 // daily figures
	sweepRingPoints     = 6  // design points drawn as panels of the rings figure
)

// SweepFigureNames are the stems of the figures SweepFigures draws for s,
// in its order, found without drawing them (for manifests): "effects", a
// "measure_vs_<parameter>" for each numeric varied parameter of a
// factorial or scattered design, "rings" (the change of drops placed by
// distance ring), a "daily_<metric>" for each daily metric, "morris" and
// "calibration", each only when s has its data. It is nil
// when s cannot be drawn (SweepFigures then says why).
func SweepFigureNames(s *Sweep) []string {
	pl, err := newSweepPlan(s)
	if err != nil {
		return nil
	}
	names := make([]string, len(pl.figs))
	for i, f := range pl.figs {
		names[i] = f.name
	}
	return names
}

// SweepFigures draws the figures of a sweep, named as SweepFigureNames
// says, in the formats asked for and always in "png" (for the report). The
// same Sweep gives the same bytes. When ctx is done, no further figure or
// format is begun and ctx's error is returned (wrapped).
func SweepFigures(ctx context.Context, s *Sweep, formats []string) ([]Figure, error) {
	want, err := wantFormats(formats)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("chart: sweep figures: %w", err)
	}
	pl, err := newSweepPlan(s)
	if err != nil {
		return nil, err
	}
	specs := make([]*figSpec, len(pl.figs))
	for i, f := range pl.figs {
		if specs[i] = f.build(f.name); specs[i] == nil {
			return nil, fmt.Errorf("chart: the sweep figure %s has nothing to draw", f.name)
		}
	}
	return renderFigures(ctx, specs, want, runtime.GOMAXPROCS(0))
}

// sweepKey finds a row of a sweep's tables.
type sweepKey struct {
	arm     string
	point   int
	measure string
}

// sweepPlan is what the figures of a sweep are drawn from, and which.
type sweepPlan struct {
	s        *Sweep
	measures []string    // the measures to draw, in order
	arms     []string    // every arm: s.Arms, then any that only the rows name
	others   []string    // the arms but the baseline
	order    map[int]int // design point id -> its index in s.Points
	short    []string    // short names of the parameters, for the figures
	varied   []int       // the parameters whose level differs between points
	morris   bool        // a Morris design: points on trajectories
	grid     bool        // the points are every combination of the varied levels
	summary  map[sweepKey]*metrics.Interval
	contrast map[sweepKey]*metrics.ContrastRow
	figs     []sweepFig
}

// sweepFig is a figure of the plan: its name, and how to build it.
type sweepFig struct {
	name  string
	build func(name string) *figSpec
}

func newSweepPlan(s *Sweep) (*sweepPlan, error) {
	if s == nil {
		return nil, errors.New("chart: no sweep")
	}
	for _, p := range s.Points {
		if len(p.Levels) != len(s.Parameters) {
			return nil, fmt.Errorf("chart: design point %d has %d levels for %d parameters", p.ID, len(p.Levels), len(s.Parameters))
		}
	}
	pl := &sweepPlan{s: s, order: map[int]int{}, summary: map[sweepKey]*metrics.Interval{}, contrast: map[sweepKey]*metrics.ContrastRow{}}
	for i, p := range s.Points {
		if _, dup := pl.order[p.ID]; !dup {
			pl.order[p.ID] = i
		}
	}
	addArm := func(a string) {
		if a != "" && !slices.Contains(pl.arms, a) {
			pl.arms = append(pl.arms, a)
		}
	}
	for _, a := range s.Arms {
		addArm(a)
	}
	addArm(s.Baseline)
	for _, r := range s.Summary {
		addArm(r.Arm)
	}
	for _, r := range s.Contrasts {
		addArm(r.Arm)
	}
	for _, r := range s.Daily {
		addArm(r.Arm)
	}
	for _, r := range s.Sensitivity {
		addArm(r.Arm)
	}
	for _, a := range pl.arms {
		if a != s.Baseline {
			pl.others = append(pl.others, a)
		}
	}
	addMeasure := func(m string) {
		if !slices.Contains(pl.measures, m) {
			pl.measures = append(pl.measures, m)
		}
	}
	for _, m := range s.Measures {
		addMeasure(m)
	}
	if len(pl.measures) == 0 {
		for _, r := range s.Summary {
			addMeasure(r.Measure)
		}
		for _, r := range s.Contrasts {
			addMeasure(r.Measure)
		}
		for _, r := range s.Sensitivity {
			addMeasure(r.Measure)
		}
	}
	for i := range s.Summary {
		r := &s.Summary[i]
		if k := (sweepKey{r.Arm, r.Point, r.Measure}); pl.summary[k] == nil {
			pl.summary[k] = &r.Interval
		}
	}
	for i := range s.Contrasts {
		r := &s.Contrasts[i]
		if k := (sweepKey{r.Arm, r.Point, r.Measure}); pl.contrast[k] == nil {
			pl.contrast[k] = r
		}
	}
	pl.short = shortKeys(s.Parameters)
	for j := range s.Parameters {
		var seen []string
		for _, p := range s.Points {
			if t := p.Levels[j].Text; !slices.Contains(seen, t) {
				seen = append(seen, t)
			}
		}
		if len(seen) > 1 {
			pl.varied = append(pl.varied, j)
		}
	}
	pl.morris = len(s.Sensitivity) > 0
	for _, p := range s.Points {
		if p.Trajectory >= 0 && len(p.Unit) > 0 {
			pl.morris = true
		}
	}
	pl.grid = !pl.morris && pl.isGrid()
	pl.plan()
	return pl, nil
}

// isGrid is whether the design points are each combination of the varied
// parameters' levels once: a factorial design (or any design of one
// varied parameter), whose curves can be drawn as lines.
func (pl *sweepPlan) isGrid() bool {
	if len(pl.varied) == 0 {
		return false
	}
	combos := map[string]bool{}
	want := 1
	for _, j := range pl.varied {
		levels := map[string]bool{}
		for _, p := range pl.s.Points {
			levels[p.Levels[j].Text] = true
		}
		want *= len(levels)
	}
	for _, p := range pl.s.Points {
		combos[pl.comboKey(p, pl.varied)] = true
	}
	return len(combos) == want && len(pl.s.Points) == want
}

func (pl *sweepPlan) comboKey(p sweep.Point, params []int) string {
	parts := make([]string, len(params))
	for i, j := range params {
		parts[i] = p.Levels[j].Text
	}
	return strings.Join(parts, "\x00")
}

// plan lists the figures that have data, in their order.
func (pl *sweepPlan) plan() {
	used := map[string]bool{"effects": true, "rings": true, "morris": true, "calibration": true}
	stem := func(prefix, key string) string {
		n := prefix + fileStem(key)
		for k := 2; used[n]; k++ {
			n = fmt.Sprintf("%s%s_%d", prefix, fileStem(key), k)
		}
		used[n] = true
		return n
	}
	if ms, _ := pl.effectMeasures(); len(ms) > 0 {
		pl.figs = append(pl.figs, sweepFig{"effects", func(n string) *figSpec { return pl.effects(n) }})
	}
	if !pl.morris {
		if ms := pl.pick(sweepCurveMeasures, pl.hasSummary); len(ms) > 0 {
			for _, j := range pl.varied {
				if pl.numeric(j) {
					pl.figs = append(pl.figs, sweepFig{stem("measure_vs_", pl.s.Parameters[j].Key), func(n string) *figSpec { return pl.curves(n, j) }})
				}
			}
		}
	}
	if d := pl.ringCurves(); len(d.curves) > 0 {
		pl.figs = append(pl.figs, sweepFig{"rings", func(n string) *figSpec { return pl.rings(n) }})
	}
	daily, _ := pl.dailyMetrics()
	for _, m := range daily {
		pl.figs = append(pl.figs, sweepFig{stem("daily_", m), func(n string) *figSpec { return pl.daily(n, m) }})
	}
	if ms := pl.pick(sweepMorrisMeasures, pl.hasSensitivity); len(ms) > 0 {
		pl.figs = append(pl.figs, sweepFig{"morris", func(n string) *figSpec { return pl.morrisFig(n) }})
	}
	if len(pl.s.Calibration) > 0 {
		pl.figs = append(pl.figs, sweepFig{"calibration", func(n string) *figSpec { return pl.calibration(n) }})
	}
}

// pick is the first n of the measures for which has is true.
func (pl *sweepPlan) pick(n int, has func(m string) bool) []string {
	var out []string
	for _, m := range pl.measures {
		if has(m) {
			out = append(out, m)
		}
	}
	return out[:min(n, len(out))]
}

// count is the number of measures for which has is true.
func (pl *sweepPlan) count(has func(m string) bool) int {
	n := 0
	for _, m := range pl.measures {
		if has(m) {
			n++
		}
	}
	return n
}

func (pl *sweepPlan) hasSummary(m string) bool {
	return slices.ContainsFunc(pl.s.Summary, func(r metrics.SummaryRow) bool { return r.Measure == m })
}

func (pl *sweepPlan) hasContrast(m string) bool {
	return slices.ContainsFunc(pl.s.Contrasts, func(r metrics.ContrastRow) bool { return r.Measure == m })
}

func (pl *sweepPlan) hasSensitivity(m string) bool {
	return slices.ContainsFunc(pl.s.Sensitivity, func(r metrics.SensitivityRow) bool { return r.Measure == m })
}

// numeric is whether parameter j has numeric levels only, at least two.
func (pl *sweepPlan) numeric(j int) bool {
	var nums []float64
	for _, p := range pl.s.Points {
		l := p.Levels[j]
		if !l.Numeric || math.IsNaN(l.Num) || math.IsInf(l.Num, 0) {
			return false
		}
		if !slices.Contains(nums, l.Num) {
			nums = append(nums, l.Num)
		}
	}
	return len(nums) > 1
}

// sortPoints sorts design point ids in the order of s.Points (ids the
// design does not list go last, by id).
func (pl *sweepPlan) sortPoints(ids []int) {
	rank := func(id int) int {
		if i, ok := pl.order[id]; ok {
			return i
		}
		return len(pl.s.Points) + id
	}
	slices.SortFunc(ids, func(a, b int) int { return cmp.Compare(rank(a), rank(b)) })
}

// point returns design point id.
func (pl *sweepPlan) point(id int) (sweep.Point, bool) {
	if i, ok := pl.order[id]; ok {
		return pl.s.Points[i], true
	}
	return sweep.Point{}, false
}

// pointLabel names a design point by the levels of the varied parameters
// ("count=10, radius=2"), or by its id when nothing varies.
func (pl *sweepPlan) pointLabel(id int) string {
	p, ok := pl.point(id)
	if !ok || len(pl.varied) == 0 {
		return fmt.Sprintf("point %d", id)
	}
	parts := make([]string, len(pl.varied))
	for i, j := range pl.varied {
		parts[i] = pl.short[j] + "=" + levelText(p.Levels[j])
	}
	return strings.Join(parts, ", ")
}

// levelText is a level as a reader writes it: numbers to 4 significant
// digits (a Latin hypercube's 7.000000000000001 is 7), strings without
// their TOML quotes.
func levelText(l sweep.Level) string {
	if l.Numeric && !math.IsNaN(l.Num) && !math.IsInf(l.Num, 0) {
		return reportNum(l.Num)
	}
	if strings.HasPrefix(l.Text, `"`) {
		if s, err := strconv.Unquote(l.Text); err == nil {
			return s
		}
	}
	return l.Text
}

// armColour is an arm's colour in every sweep figure: black for the
// baseline, the others in the Okabe-Ito order (without its yellow, too
// pale for lines on white).
func (pl *sweepPlan) armColour(arm string) color.NRGBA {
	if arm == pl.s.Baseline && arm != "" {
		return okBlack
	}
	cols := []color.NRGBA{okBlue, okVermillion, okGreen, okOrange, okSkyBlue, okPurple}
	return cols[max(0, slices.Index(pl.others, arm))%len(cols)]
}

// tint mixes c with white, keeping the share f of c.
func tint(c color.NRGBA, f float64) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(math.Round(float64(v)*f + 255*(1-f))) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 0xFF}
}

// translucent is c with alpha a.
func translucent(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}

// figText is text drawn on a figure in ASCII, since gonum's PDF backend
// writes text as Windows-1252 bytes without converting it: a few symbols
// are spelled out, other non-ASCII letters become "?".
func figText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r == '–' || r == '—' || r == '−':
			b.WriteByte('-')
		case r == 'μ':
			b.WriteString("mu")
		case r == 'σ':
			b.WriteString("sigma")
		case r == '×':
			b.WriteByte('x')
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// fileStem makes a name safe for a file stem: lower-case ASCII letters and
// digits, other runs of characters as one "_".
func fileStem(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
			continue
		}
		gap = true
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}

// shortKeys names the parameters by the last part of their dotted keys,
// or as many parts as tell them apart: "police.group[0].count" is "count"
// unless another key also ends in "count".
func shortKeys(ps []sweep.Parameter) []string {
	parts := make([][]string, len(ps))
	n := make([]int, len(ps))
	out := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = strings.Split(p.Key, ".")
		n[i] = 1
	}
	for {
		for i := range ps {
			k := max(0, len(parts[i])-n[i])
			out[i] = strings.Join(parts[i][k:], ".")
		}
		changed := false
		for i := range ps {
			for k := range ps {
				if k != i && out[k] == out[i] && n[i] < len(parts[i]) {
					n[i]++
					changed = true
					break
				}
			}
		}
		if !changed {
			return out
		}
	}
}

// naText is how an undefined mean reads on a figure and in the report.
func naText(iv metrics.Interval) string {
	if iv.Undefined > 0 {
		return fmt.Sprintf("n/a (%d undefined)", iv.Undefined)
	}
	return "n/a"
}

// ---- layout ----

var (
	sweepMaxH     = 25 * vg.Centimeter // the tallest sweep figure
	sweepLabelMax = 5 * vg.Centimeter  // the widest row label of a dot-and-whisker chart
	sweepTitleH   = vg.Points(26)      // a figure's title with its margins
	sweepPanelEx  = vg.Points(54)      // a panel's title and x axis
	sweepPadY     = vg.Points(10)
)

// drawGrid draws a figure of panels in rows of cols (nil panels leave
// their tile empty), with its title at the top and its legend below them,
// two entries to a row where they fit.
func drawGrid(c draw.Canvas, title string, panels []*plot.Plot, cols int, leg *legend) {
	c = drawTitle(c, title)
	legW := c.Max.X - c.Min.X - vg.Points(8)
	var lh vg.Length
	if leg != nil && len(leg.entries) > 0 {
		_, lh = leg.size(legW)
		lh += vg.Points(8)
	}
	plots := draw.Crop(c, 0, 0, lh, 0)
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
		for k := range cols {
			if i := r*cols + k; i < len(panels) {
				grid[r][k] = panels[i]
			}
		}
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(14), PadY: sweepPadY, PadLeft: vg.Points(4), PadBottom: vg.Points(4), PadRight: vg.Points(8)}
	cs := plot.Align(grid, tiles, plots)
	for r := range grid {
		// Align lines up the data areas, and the tiles reach higher where
		// a tick label overhangs the top: the titles of a row are drawn
		// at one height, that of the lowest tile, over their data areas.
		top := vg.Length(math.Inf(1))
		for k, p := range grid[r] {
			if p != nil {
				top = min(top, cs[r][k].Max.Y)
			}
		}
		for k, p := range grid[r] {
			if p == nil {
				continue
			}
			// A copy, since the formats of a figure are drawn at once from
			// the same plots.
			q := *p
			title := q.Title.Text
			if title != "" {
				q.Title.Text = " " // as high as the title, which keeps the layout
			}
			q.Draw(cs[r][k])
			if title != "" {
				sty := p.Title.TextStyle
				dc := p.DataCanvas(cs[r][k])
				cs[r][k].FillText(sty, vg.Point{X: dc.Center().X, Y: top + sty.FontExtents().Descent}, title)
			}
		}
	}
	if lh > 0 {
		leg.draw(c, c.Min.X+vg.Points(4), c.Min.Y+lh-vg.Points(2), legW)
	}
}

// gridHeight is the height of a figure drawn by drawGrid whose panels'
// data areas are dataH high.
func gridHeight(n, cols int, dataH vg.Length, leg *legend) vg.Length {
	rows := (n + cols - 1) / cols
	_, lh := leg.size(figW - vg.Points(8))
	return sweepTitleH + vg.Length(rows)*(dataH+sweepPanelEx) + vg.Length(rows-1)*sweepPadY + lh + vg.Points(12)
}

// panelCols is the number of columns of a grid of n panels.
func panelCols(n int) int {
	if n <= 1 {
		return 1
	}
	return 2
}

// shareY gives every panel the y range that holds all of them, padded
// (and holding 0 withZero), so that their points compare.
func shareY(panels []*plot.Plot, withZero bool) {
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, p := range panels {
		ylo, yhi = min(ylo, p.Y.Min), max(yhi, p.Y.Max)
	}
	for _, p := range panels {
		p.Y.Min, p.Y.Max = ylo, yhi
		padRange(&p.Y, withZero)
	}
}

// padRange widens a panel's range to include zero (when withZero) and a
// margin; an empty range becomes [-1, 1].
func padRange(a *plot.Axis, withZero bool) {
	lo, hi := a.Min, a.Max
	if withZero {
		lo, hi = min(lo, 0), max(hi, 0)
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) || math.IsNaN(lo) || math.IsNaN(hi) {
		lo, hi = -1, 1
	}
	if !(hi > lo) {
		d := max(1, math.Abs(lo)*0.1)
		lo, hi = lo-d, hi+d
	}
	pad := 0.06 * (hi - lo)
	a.Min, a.Max = lo-pad, hi+pad
}

// ---- effects ----

// effectMeasures are the measures of the effects figure, and how many
// measures have contrasts.
func (pl *sweepPlan) effectMeasures() ([]string, int) {
	return pl.pick(sweepEffectMeasures, pl.hasContrast), pl.count(pl.hasContrast)
}

// effectPoints are the design points of the contrasts of the measures ms,
// in order, the first sweepEffectPoints of all of them.
func (pl *sweepPlan) effectPoints(ms []string) (shown []int, all int) {
	var ids []int
	for _, r := range pl.s.Contrasts {
		if slices.Contains(ms, r.Measure) && !slices.Contains(ids, r.Point) {
			ids = append(ids, r.Point)
		}
	}
	pl.sortPoints(ids)
	return ids[:min(len(ids), sweepEffectPoints)], len(ids)
}

// effectArms are the arms with contrasts among ms at the points.
func (pl *sweepPlan) effectArms(ms []string, points []int) []string {
	var arms []string
	for _, a := range pl.others {
		if slices.ContainsFunc(pl.s.Contrasts, func(r metrics.ContrastRow) bool {
			return r.Arm == a && slices.Contains(ms, r.Measure) && slices.Contains(points, r.Point)
		}) {
			arms = append(arms, a)
		}
	}
	return arms
}

// effectLayout places the effects' dots: with one design point a row per
// arm; with several a row per design point, the arms one below the other
// in it. pos is the height of arm k's pair of intervals at point i.
type effectLayout struct {
	rows  []string
	byID  bool // rows labelled by the points' ids, their levels being too long
	slots int
	pos   func(point, arm int) float64
	off   float64 // the paired interval is off above pos, the unpaired off below
}

func (pl *sweepPlan) effectLayout(points []int, arms []string) effectLayout {
	l := effectLayout{}
	if len(points) == 1 {
		for _, a := range arms {
			l.rows = append(l.rows, figText(a))
		}
		l.slots = 1
	} else {
		sty := textStyle(sans, 9)
		for _, id := range points {
			lab := figText(pl.pointLabel(id))
			if sty.Width(lab) > sweepLabelMax {
				l.byID = true
			}
			l.rows = append(l.rows, lab)
		}
		if l.byID {
			for i, id := range points {
				l.rows[i] = fmt.Sprintf("point %d", id)
			}
		}
		l.slots = max(1, len(arms))
	}
	n := len(l.rows)
	h := 0.8 / float64(l.slots)
	l.off = 0.2 * h
	l.pos = func(point, arm int) float64 {
		row, slot := point, arm
		if len(points) == 1 {
			row, slot = arm, 0
		}
		return float64(n-1-row) + 0.4 - h*(float64(slot)+0.5)
	}
	return l
}

func (pl *sweepPlan) effects(name string) *figSpec {
	ms, allMs := pl.effectMeasures()
	points, allPoints := pl.effectPoints(ms)
	arms := pl.effectArms(ms, points)
	if len(ms) == 0 || len(points) == 0 || len(arms) == 0 {
		return nil
	}
	base := pl.s.Baseline
	if base == "" {
		base = "the baseline"
	}
	lay := pl.effectLayout(points, arms)
	cols := panelCols(len(ms))
	xlabel := figText("arm minus " + base)

	pairedStyle := func(col color.NRGBA) *whiskers {
		return &whiskers{line: lineStyle(col, 1.8), glyph: &draw.GlyphStyle{Color: col, Radius: vg.Points(2.4), Shape: draw.CircleGlyph{}}}
	}
	unpairedStyle := func(col color.NRGBA) *whiskers {
		return &whiskers{line: lineStyle(tint(col, 0.45), 0.8), capLen: vg.Points(1.8)}
	}
	zeroStyle := lineStyle(midGrey, 0.7)
	na, noCI := 0, 0
	var panels []*plot.Plot
	for mi, m := range ms {
		p := newPanel(figText(m), xlabel, "")
		p.Y.Min, p.Y.Max, p.Y.Padding = -0.5, float64(len(lay.rows))-0.5, 0
		p.Y.Tick.Length = 0
		p.Y.Tick.Marker = rowTicks(lay.rows)
		if mi%cols != 0 {
			p.Y.Tick.Marker = hideLabels{rowTicks(lay.rows)}
		}
		if len(lay.rows) > 1 && lay.slots > 1 {
			var ys []float64
			for r := 1; r < len(lay.rows); r++ {
				ys = append(ys, float64(r)-0.5)
			}
			p.Add(&hrules{ys: ys, style: lineStyle(windowGrey, 0.8)})
		}
		p.Add(&vrules{xs: []float64{0}, style: zeroStyle})
		for k, arm := range arms {
			col := pl.armColour(arm)
			paired, unpaired := pairedStyle(col), unpairedStyle(col)
			nas := &notes{style: textStyle(sans, 8)} // "n/a" in the arm's colour
			nas.style.Color = col
			for i, id := range points {
				c := pl.contrast[sweepKey{arm, id, m}]
				if c == nil {
					continue
				}
				y := lay.pos(i, k)
				paired.items = append(paired.items, whisker{y + lay.off, c.Paired.Mean, c.Paired.Lo, c.Paired.Hi, c.Paired.HasMean, c.Paired.HasCI})
				unpaired.items = append(unpaired.items, whisker{y - lay.off, c.Unpaired.Mean, c.Unpaired.Lo, c.Unpaired.Hi, c.Unpaired.HasMean, c.Unpaired.HasCI})
				switch {
				case !c.Paired.HasMean:
					nas.items = append(nas.items, textNote{x: math.NaN(), y: y, text: naText(c.Paired)})
					na++
				case !c.Paired.HasCI:
					nas.items = append(nas.items, textNote{x: c.Paired.Mean, y: y + lay.off, text: fmt.Sprintf("n=%d, no interval", c.Paired.N)})
					noCI++
				}
			}
			p.Add(unpaired, paired, nas)
		}
		padRange(&p.X, true)
		panels = append(panels, p)
	}

	leg := newLegend()
	leg.heading(figText("Arm, each against the baseline arm \"" + base + "\""))
	for _, a := range arms {
		leg.pair(figText(a), pairedStyle(pl.armColour(a)))
	}
	leg.heading("Intervals")
	leg.pair("paired 95% interval (same seeds)", pairedStyle(darkGrey))
	leg.pair("unpaired (Welch) 95% interval", unpairedStyle(darkGrey))
	leg.pair("zero: no difference from the baseline", &vrules{xs: []float64{0}, style: zeroStyle})

	// The height: 9 pt per arm and row, less when that would be too tall.
	nSlots := vg.Length(len(lay.rows) * lay.slots)
	slotH := vg.Points(9)
	if h := gridHeight(len(ms), cols, nSlots*slotH, leg); h > sweepMaxH {
		slotH = max(vg.Points(4), slotH-(h-sweepMaxH)/(nSlots*vg.Length((len(ms)+cols-1)/cols)))
	}
	dataH := max(nSlots*slotH, vg.Points(40))

	var cap strings.Builder
	fmt.Fprintf(&cap, "Each dot is an arm's mean paired difference from the baseline arm %s: the mean, over the replicates, of the difference between the arm's run and the baseline run with the same seed (common random numbers), with its 95%% t interval as a thick line. The thin pale line below it is the unpaired (Welch) 95%% interval of the difference of the two arms' means, as if the runs had independent seeds; where it is longer than the thick line, pairing by seed has made the comparison more precise. An interval that does not cross the vertical zero line means the arm differs from the baseline at the 5%% level. ", quoteName(pl.s.Baseline))
	fmt.Fprintf(&cap, "One panel per measure, each on its own scale (the arm's value minus the baseline's, in the measure's units)")
	if len(points) == 1 {
		cap.WriteString("; one row per arm")
		if len(pl.varied) > 0 || allPoints > 1 {
			fmt.Fprintf(&cap, ", at the design point %s", pl.pointLabel(points[0]))
		}
	} else if lay.byID {
		cap.WriteString("; one row per design point, by its number (the report's table of design points gives their levels), with the arms one below the other in their colours")
	} else {
		cap.WriteString("; one row per design point, labelled by the levels of the varied parameters, with the arms one below the other in their colours")
	}
	cap.WriteString(".")
	if na > 0 {
		cap.WriteString(" \"n/a\" marks a difference undefined in every replicate (the count of such replicates in brackets).")
	}
	if noCI > 0 {
		cap.WriteString(" A dot marked \"no interval\" is defined in a single replicate, too few for an interval.")
	}
	if allMs > len(ms) {
		fmt.Fprintf(&cap, " The first %d of the %d measures are drawn.", len(ms), allMs)
	}
	if allPoints > len(points) {
		fmt.Fprintf(&cap, " The first %d of the %d design points are drawn.", len(points), allPoints)
	}
	if allMs > len(ms) || allPoints > len(points) {
		cap.WriteString(" " + pl.tableNote("contrasts.csv", "every contrast"))
	}
	title := "Effects of the arms against the baseline, paired by seed"
	if pl.s.Baseline != "" {
		title = figText("Effects of the arms against " + pl.s.Baseline + ", paired by seed")
	}
	s := &figSpec{name: name, title: title, caption: cap.String(), w: figW, h: gridHeight(len(ms), cols, dataH, leg)}
	s.draw = func(c draw.Canvas) { drawGrid(c, s.title, panels, cols, leg) }
	return s
}

// quoteName is a name in a caption, in quotes.
func quoteName(s string) string {
	if s == "" {
		return "(none)"
	}
	return "“" + s + "”"
}

// tableNote says where the rest of a figure's data is: in the file if the
// sweep has it.
func (pl *sweepPlan) tableNote(file, what string) string {
	if slices.Contains(pl.s.Tables, file) {
		return fmt.Sprintf("The sweep's %s has %s.", file, what)
	}
	return fmt.Sprintf("The sweep's tables have %s.", what)
}

// ---- a measure against a parameter ----

// lineDashes and lineGlyphs tell apart the levels of a second parameter
// on the curves.
var (
	lineDashes = [][]vg.Length{nil, {vg.Points(5), vg.Points(2.5)}, {vg.Points(1.2), vg.Points(2)},
		{vg.Points(6), vg.Points(2), vg.Points(1.2), vg.Points(2)}, {vg.Points(9), vg.Points(3)}}
	lineGlyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}
)

func compareLevels(a, b sweep.Level) int {
	if a.Numeric && b.Numeric {
		return cmp.Compare(a.Num, b.Num)
	}
	return strings.Compare(a.Text, b.Text)
}

func (pl *sweepPlan) curves(name string, j int) *figSpec {
	ms := pl.pick(sweepCurveMeasures, pl.hasSummary)
	if len(ms) == 0 {
		return nil
	}
	par := pl.s.Parameters[j]
	var others []int // the other varied parameters: a line per combination of their levels
	if pl.grid {
		for _, k := range pl.varied {
			if k != j {
				others = append(others, k)
			}
		}
	}
	// The points by the others' levels, then by this parameter's level.
	pts := slices.Clone(pl.s.Points)
	slices.SortStableFunc(pts, func(a, b sweep.Point) int {
		for _, k := range others {
			if c := compareLevels(a.Levels[k], b.Levels[k]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Levels[j].Num, b.Levels[j].Num)
	})
	var combos []string
	comboLabel := map[string]string{}
	comboOf := func(p sweep.Point) string { return pl.comboKey(p, others) }
	for _, p := range pts {
		k := comboOf(p)
		if !slices.Contains(combos, k) {
			combos = append(combos, k)
			var parts []string
			for _, o := range others {
				parts = append(parts, pl.short[o]+"="+levelText(p.Levels[o]))
			}
			comboLabel[k] = figText(strings.Join(parts, ", "))
		}
	}
	arms := slices.DeleteFunc(slices.Clone(pl.arms), func(a string) bool {
		return !slices.ContainsFunc(pl.s.Summary, func(r metrics.SummaryRow) bool { return r.Arm == a && slices.Contains(ms, r.Measure) })
	})
	lineStyleOf := func(col color.NRGBA, ci int) (draw.LineStyle, draw.GlyphStyle) {
		ls := lineStyle(col, 1.2)
		ls.Dashes = lineDashes[ci%len(lineDashes)]
		return ls, draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: lineGlyphs[ci%len(lineGlyphs)]}
	}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		xmin, xmax = min(xmin, p.Levels[j].Num), max(xmax, p.Levels[j].Num)
	}
	// Overlapping bands darken: fainter when there are several lines an arm.
	bandAlpha := uint8(0x2C)
	if len(combos) > 1 {
		bandAlpha = 0x1C
	}
	cols := panelCols(len(ms))
	var panels []*plot.Plot
	for mi, m := range ms {
		ylabel := ""
		if mi%cols == 0 {
			ylabel = "mean over replicates"
		}
		p := newPanel(figText(m), figText(par.Key), ylabel)
		if pl.grid {
			var lines []plot.Plotter
			for ci, combo := range combos {
				for _, a := range arms {
					var xs, ys, lo, hi []float64
					var xy [][2]float64
					for _, pt := range pts {
						if comboOf(pt) != combo {
							continue
						}
						iv := pl.summary[sweepKey{a, pt.ID, m}]
						if iv == nil {
							continue
						}
						x := pt.Levels[j].Num
						xs = append(xs, x)
						y, l, h := math.NaN(), math.NaN(), math.NaN()
						if iv.HasMean {
							y = iv.Mean
							xy = append(xy, [2]float64{x, y})
						}
						if iv.HasCI {
							l, h = iv.Lo, iv.Hi
						}
						ys, lo, hi = append(ys, y), append(lo, l), append(hi, h)
					}
					if len(xs) == 0 {
						continue
					}
					col := pl.armColour(a)
					ls, gs := lineStyleOf(col, ci)
					p.Add(&band{xs: xs, lo: lo, hi: hi, fill: translucent(col, bandAlpha)})
					lines = append(lines, &series{xs: xs, ys: ys, style: ls}, &points{xy: xy, glyph: gs})
				}
			}
			p.Add(lines...)
		} else {
			dodge := 0.0
			if len(arms) > 1 {
				dodge = 0.012 * (xmax - xmin)
			}
			for k, a := range arms {
				col := pl.armColour(a)
				w := &whiskers{vertical: true, line: lineStyle(col, 0.8), capLen: vg.Points(1.5),
					glyph: &draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}}
				for _, pt := range pts {
					if iv := pl.summary[sweepKey{a, pt.ID, m}]; iv != nil {
						x := pt.Levels[j].Num + dodge*(float64(k)-float64(len(arms)-1)/2)
						w.items = append(w.items, whisker{x, iv.Mean, iv.Lo, iv.Hi, iv.HasMean, iv.HasCI})
					}
				}
				p.Add(w)
			}
		}
		padRange(&p.X, false)
		padRange(&p.Y, false)
		panels = append(panels, p)
	}

	leg := newLegend()
	leg.heading("Arm")
	for _, a := range arms {
		col := pl.armColour(a)
		if pl.grid {
			ls, _ := lineStyleOf(col, 0)
			leg.pair(figText(a), &band{fill: translucent(col, bandAlpha)}, &series{style: ls})
		} else {
			leg.pair(figText(a), &whiskers{vertical: true, line: lineStyle(col, 0.8), glyph: &draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}})
		}
	}
	if len(combos) > 1 {
		var names []string
		for _, o := range others {
			names = append(names, pl.short[o])
		}
		leg.heading(figText("Line: " + strings.Join(names, ", ")))
		for ci, combo := range combos {
			ls, gs := lineStyleOf(darkGrey, ci)
			leg.pair(comboLabel[combo], &series{style: ls}, &points{glyph: gs})
		}
	}
	if pl.grid {
		leg.heading("Shading")
		leg.pair("95% interval of the mean", &band{fill: translucent(darkGrey, bandAlpha)})
	}

	var cap strings.Builder
	nrep := "the replicates"
	if pl.s.Replicates > 0 {
		nrep = fmt.Sprintf("the %d replicates", pl.s.Replicates)
	}
	if pl.grid {
		fmt.Fprintf(&cap, "The mean of each measure over %s of each arm at each level of %s, with its 95%% t interval shaded, one colour per arm", nrep, par.Key)
		if len(combos) > 1 {
			var names []string
			for _, o := range others {
				names = append(names, pl.s.Parameters[o].Key)
			}
			fmt.Fprintf(&cap, "; the line style and marker tell the levels of %s apart", reportJoin(names))
		}
		cap.WriteString(". Where the shaded bands of two arms do not overlap the arms differ at that level; the paired contrasts in the report are more precise than this comparison by eye.")
	} else {
		fmt.Fprintf(&cap, "The mean of each measure over %s of each arm at each design point, against the point's level of %s, with its 95%% t interval as an error bar, one colour per arm (the arms are set slightly apart sideways so that their bars do not hide each other). ", nrep, par.Key)
		cap.WriteString("The design points are scattered (a Latin hypercube, say): the other parameters change from point to point too, so points need not line up, and a trend is the parameter's effect averaged over the others.")
	}
	if len(par.Arms) > 0 {
		fmt.Fprintf(&cap, " %s applies only to %s: the other arms do not use it, so their values change only with the other parameters.", par.Key, reportJoin(par.Arms))
	}
	if all := pl.count(pl.hasSummary); all > len(ms) {
		fmt.Fprintf(&cap, " The first %d of the %d measures are drawn. %s", len(ms), all, pl.tableNote("summary.csv", "them all"))
	}
	dataH := vg.Points(170)
	if len(ms) > 2 {
		dataH = vg.Points(120)
	}
	title := figText(fmt.Sprintf("The measures against %s", pl.short[j]))
	s := &figSpec{name: name, title: title, caption: cap.String(), w: figW, h: gridHeight(len(ms), cols, dataH, leg)}
	s.draw = func(c draw.Canvas) { drawGrid(c, s.title, panels, cols, leg) }
	return s
}

// ---- distance rings ----

// ringPoint is a distance ring's change of drops placed at a design point,
// in percent: the mean over the n replicates where it is defined, and its
// 95% t interval lo..hi when hasCI, drawn at x, the ring's outer edge.
type ringPoint struct {
	ring         int // from 1, the nearest to the treatment area
	x            float64
	mean, lo, hi float64
	n            int
	hasCI        bool
}

// ringCurve is an arm's displacement-distance curve at a design point:
// its rings with a defined mean, nearest first.
type ringCurve struct {
	arm   string
	point int
	rings []ringPoint
}

// ringData is what the rings figure draws: the curves of the design
// points shown (by point, then arm), how many points have a curve, how
// many ring values of the points shown are undefined in every replicate
// (left out), and whether some are defined in only part of them.
type ringData struct {
	curves  []ringCurve
	points  []int
	all     int
	skipped int
	partial bool
}

// ringMeasure is the measure the rings figure draws for ring k.
func ringMeasure(k int) string { return metrics.RingChangeMeasure(metrics.SeriesDrops, k) }

// ringDefined is whether a ring's mean can be drawn.
func ringDefined(iv *metrics.Interval) bool { return iv != nil && iv.HasMean && finite(iv.Mean) }

// ringCount is the number of distance rings: the farthest whose change is
// defined for some arm at some point (the measures of rings beyond the
// zones' last are undefined in every run).
func (pl *sweepPlan) ringCount() int {
	n := 0
	for _, r := range pl.s.Summary {
		for k := n + 1; k <= sim.MaxRings; k++ {
			if r.Measure == ringMeasure(k) && ringDefined(&r.Interval) {
				n = k
			}
		}
	}
	return n
}

// ringStep is the distance of ring k's outer edge divided by k, and its
// unit: the ring width in metres when the cell size is known, else in
// cells, else 1 (the rings are then drawn by their number, unit "").
func (pl *sweepPlan) ringStep() (float64, string) {
	switch w := pl.s.RingWidth; {
	case w > 0 && pl.s.CellM > 0 && !math.IsInf(pl.s.CellM, 0):
		return float64(w) * pl.s.CellM, "m"
	case w > 0:
		return float64(w), "cells"
	}
	return 1, ""
}

// ringCurves gathers the rings figure's data from the summary: for the
// first sweepRingPoints design points with a defined ring, each arm's
// rings 1 to ringCount with a defined mean, in percent.
func (pl *sweepPlan) ringCurves() ringData {
	var d ringData
	rings := pl.ringCount()
	if rings == 0 {
		return d
	}
	step, _ := pl.ringStep()
	var ids []int
	for _, r := range pl.s.Summary {
		if r.Measure == ringMeasure(1) && !slices.Contains(ids, r.Point) {
			ids = append(ids, r.Point)
		}
	}
	pl.sortPoints(ids)
	for _, id := range ids {
		var curves []ringCurve
		skipped, partial := 0, false
		for _, a := range pl.arms {
			c := ringCurve{arm: a, point: id}
			for k := 1; k <= rings; k++ {
				iv := pl.summary[sweepKey{a, id, ringMeasure(k)}]
				if iv == nil {
					continue
				}
				if !ringDefined(iv) {
					skipped++
					continue
				}
				partial = partial || iv.Undefined > 0
				c.rings = append(c.rings, ringPoint{ring: k, x: float64(k) * step, mean: 100 * iv.Mean, lo: 100 * iv.Lo, hi: 100 * iv.Hi,
					n: iv.N, hasCI: iv.HasCI && finite(iv.Lo, iv.Hi)})
			}
			if len(c.rings) > 0 {
				curves = append(curves, c)
			}
		}
		if len(curves) == 0 {
			continue
		}
		d.all++
		if len(d.points) < sweepRingPoints {
			d.points = append(d.points, id)
			d.curves = append(d.curves, curves...)
			d.skipped += skipped
			d.partial = d.partial || partial
		}
	}
	return d
}

// ringBandAlpha is the opacity of the rings figure's bands, faint enough
// for five arms' bands to overlap.
const ringBandAlpha = 0x2C

// ringTicks marks the outer edges of the rings on the distance axis,
// every ring or, with many, every few.
func ringTicks(rings int, step float64) plot.ConstantTicks {
	every := (rings + 5) / 6
	var ts []plot.Tick
	for k := 0; k <= rings; k += every {
		ts = append(ts, plot.Tick{Value: float64(k) * step, Label: formatNum(float64(k)*step, decimals(step))})
	}
	return ts
}

// rings is the sweep's displacement-distance curve: each ring's change of
// drops placed relative to the area beyond the rings, the mean over the
// replicates with its 95% band, one line per arm and a panel per design
// point. Seizures and arrests are not drawn: few fall in the rings, so
// their changes are undefined in most replicates and extreme in the rest.
func (pl *sweepPlan) rings(name string) *figSpec {
	d := pl.ringCurves()
	if len(d.curves) == 0 {
		return nil
	}
	rings := pl.ringCount()
	step, unit := pl.ringStep()
	cols := panelCols(len(d.points))
	xlabel := "distance ring (1 is the nearest to the treatment area)"
	if unit != "" {
		xlabel = "distance from the treatment area (" + unit + ")"
		if cols == 1 {
			xlabel = "distance from the treatment area, outer edge of the ring (" + unit + ")"
		}
	}
	zeroStyle := lineStyle(midGrey, 0.7)
	lineOf := func(a string) (draw.LineStyle, draw.GlyphStyle) {
		col := pl.armColour(a)
		return lineStyle(col, 1.3), draw.GlyphStyle{Color: col, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}
	}
	var arms []string // the arms drawn, for the legend
	lone := false     // a ring's interval drawn as an error bar
	var panels []*plot.Plot
	for pi, id := range d.points {
		title := ""
		if len(d.points) > 1 || len(pl.varied) > 0 {
			title = figText(pl.pointLabel(id))
		}
		ylabel := ""
		if pi%cols == 0 {
			ylabel = "change relative to beyond the rings (%)"
			if len(d.points) > 2 {
				ylabel = "change vs beyond the rings (%)" // short enough for a short panel
			}
		}
		p := newPanel(title, xlabel, ylabel)
		p.Add(&hrules{ys: []float64{0}, style: zeroStyle})
		var lines []plot.Plotter
		for _, c := range d.curves {
			if c.point != id {
				continue
			}
			if !slices.Contains(arms, c.arm) {
				arms = append(arms, c.arm)
			}
			// The rings in order, with a break (NaN) where a ring is left
			// out, so that neither the line nor the band bridges it.
			var xs, ys, lo, hi []float64
			var xy [][2]float64
			for i, r := range c.rings {
				if i > 0 && r.ring != c.rings[i-1].ring+1 {
					xs, ys, lo, hi = append(xs, math.NaN()), append(ys, math.NaN()), append(lo, math.NaN()), append(hi, math.NaN())
				}
				l, h := math.NaN(), math.NaN()
				if r.hasCI {
					l, h = r.lo, r.hi
				}
				xs, ys, lo, hi = append(xs, r.x), append(ys, r.mean), append(lo, l), append(hi, h)
				xy = append(xy, [2]float64{r.x, r.mean})
			}
			col := pl.armColour(c.arm)
			// A band needs two neighbouring rings: a lone interval is an
			// error bar.
			bars := &whiskers{vertical: true, line: lineStyle(col, 0.9), capLen: vg.Points(2)}
			for i := range xs {
				if finite(lo[i], hi[i]) && (i == 0 || !finite(lo[i-1], hi[i-1])) && (i == len(xs)-1 || !finite(lo[i+1], hi[i+1])) {
					bars.items = append(bars.items, whisker{xs[i], ys[i], lo[i], hi[i], true, true})
					lone = true
				}
			}
			ls, gs := lineOf(c.arm)
			p.Add(&band{xs: xs, lo: lo, hi: hi, fill: translucent(col, ringBandAlpha)}, bars)
			lines = append(lines, &series{xs: xs, ys: ys, style: ls}, &points{xy: xy, glyph: gs})
		}
		p.Add(lines...)
		p.X.Min, p.X.Max, p.X.Padding = 0, float64(rings)*step*1.04, 0
		p.X.Tick.Marker = ringTicks(rings, step)
		panels = append(panels, p)
	}
	shareY(panels, true) // one change scale, holding 0, so that the points compare

	leg := newLegend()
	leg.heading("Arm")
	for _, a := range arms {
		ls, gs := lineOf(a)
		leg.pair(figText(a), &band{fill: translucent(pl.armColour(a), ringBandAlpha)}, &series{style: ls}, &points{glyph: gs})
	}
	leg.heading("Marks")
	leg.pair("95% interval of the mean", &band{fill: translucent(darkGrey, ringBandAlpha)})
	leg.pair("0: the same change as beyond the rings", &hrules{ys: []float64{0}, style: zeroStyle})

	var cap strings.Builder
	nrep := "the replicates"
	if pl.s.Replicates > 0 {
		nrep = fmt.Sprintf("the %d replicates", pl.s.Replicates)
	}
	width := "each distance ring around the treatment area (their width differs between the runs, so they are drawn by number)"
	switch unit {
	case "m":
		width = fmt.Sprintf("each distance ring of %d cells (%s m) around the treatment area, at its outer edge", pl.s.RingWidth, reportNum(step))
	case "cells":
		width = fmt.Sprintf("each distance ring of %d cells around the treatment area, at its outer edge", pl.s.RingWidth)
	}
	fmt.Fprintf(&cap, "How far an arm's effect travels: for %s, the change in drops placed (the count after over the count before, relative to the same ratio beyond the last ring, less 1, in percent), the mean over %s with its 95%% t interval shaded, one colour per arm. ", width, nrep)
	cap.WriteString("Above 0 the ring gained drops relative to far away (displacement), below 0 it lost them (diffusion of benefits); where the band does not cross 0 the change differs from 0 at the 5% level.")
	if d.partial {
		cap.WriteString(" Where a ring's change is undefined in some replicates (no drops before in the ring or beyond it), the mean and interval are over the others.")
	}
	if d.skipped > 0 {
		if d.skipped == 1 {
			cap.WriteString(" 1 ring value undefined in every replicate is left out.")
		} else {
			fmt.Fprintf(&cap, " %d ring values undefined in every replicate are left out.", d.skipped)
		}
	}
	if lone {
		cap.WriteString(" A ring between undefined ones has its interval as an error bar.")
	}
	switch {
	case len(d.points) == 1 && len(pl.varied) > 0:
		fmt.Fprintf(&cap, " The design point is %s.", pl.pointLabel(d.points[0]))
	case len(d.points) > 1:
		cap.WriteString(" One panel per design point, titled by its levels, on one scale.")
	}
	if d.all > len(d.points) {
		fmt.Fprintf(&cap, " The first %d of the %d design points are drawn. %s", len(d.points), d.all, pl.tableNote("summary.csv", "them all"))
	}
	cap.WriteString(" Seizures and arrests are not drawn: few happen in the rings, so their change is undefined in most replicates (none before) and extreme in the rest; summary.csv has them (seizures_ring_<k>_change, arrests_ring_<k>_change).")
	dataH := vg.Points(190)
	if len(d.points) > 2 {
		dataH = vg.Points(130)
	} else if len(d.points) == 2 {
		dataH = vg.Points(170)
	}
	title := "Change in drops placed by distance from the treatment area"
	s := &figSpec{name: name, title: title, caption: cap.String(), w: figW, h: gridHeight(len(d.points), cols, dataH, leg), rings: d.curves}
	s.draw = func(c draw.Canvas) { drawGrid(c, s.title, panels, cols, leg) }
	return s
}

// ---- daily metrics ----

// dailyMetrics are the daily metrics to draw, in the order of the rows,
// and how many there are.
func (pl *sweepPlan) dailyMetrics() ([]string, int) {
	var ms []string
	for _, r := range pl.s.Daily {
		if !slices.Contains(ms, r.Metric) {
			ms = append(ms, r.Metric)
		}
	}
	return ms[:min(len(ms), sweepDailyMetrics)], len(ms)
}

func (pl *sweepPlan) daily(name, metric string) *figSpec {
	var rows []metrics.DailyBandRow
	var ids []int
	days := 0
	for _, r := range pl.s.Daily {
		if r.Metric != metric || r.Day < 0 {
			continue
		}
		rows = append(rows, r)
		if !slices.Contains(ids, r.Point) {
			ids = append(ids, r.Point)
		}
		days = max(days, r.Day+1)
	}
	if len(rows) == 0 {
		return nil
	}
	pl.sortPoints(ids)
	shown := ids
	if len(ids) > sweepDailyPanels {
		shown = ids[:1]
	}
	arms := slices.DeleteFunc(slices.Clone(pl.arms), func(a string) bool {
		return !slices.ContainsFunc(rows, func(r metrics.DailyBandRow) bool { return r.Arm == a })
	})
	nan := func() []float64 {
		s := make([]float64, days)
		for i := range s {
			s[i] = math.NaN()
		}
		return s
	}
	xs := make([]float64, days)
	for i := range xs {
		xs[i] = float64(i) + 0.5
	}
	var panels []*plot.Plot
	for pi, id := range shown {
		title := ""
		if len(shown) > 1 || len(pl.varied) > 0 {
			title = figText(pl.pointLabel(id))
		}
		bottom := pi == len(shown)-1
		xlabel := ""
		if bottom {
			xlabel = "day of the run"
		}
		p := newPanel(title, xlabel, figText(metric))
		p.X.Min, p.X.Max, p.X.Padding = 0, float64(days), 0
		p.X.Tick.Marker = dayTicks{}
		if !bottom {
			p.X.Tick.Marker = hideLabels{dayTicks{}}
		}
		var lines []plot.Plotter
		for _, a := range arms {
			mean, lo, hi := nan(), nan(), nan()
			drawn := false
			for _, r := range rows {
				if r.Arm != a || r.Point != id {
					continue
				}
				if r.HasMean {
					mean[r.Day] = r.Mean
					drawn = true
				}
				if r.HasCI {
					lo[r.Day], hi[r.Day] = r.Lo, r.Hi
				}
			}
			if !drawn {
				continue
			}
			col := pl.armColour(a)
			p.Add(&band{xs: xs, lo: lo, hi: hi, fill: translucent(col, 0x30)})
			lines = append(lines, &series{xs: xs, ys: mean, style: lineStyle(col, 1.1)})
		}
		p.Add(lines...)
		panels = append(panels, p)
	}
	shareY(panels, false) // one y scale, so that the points compare
	leg := newLegend()
	leg.heading("Arm")
	for _, a := range arms {
		col := pl.armColour(a)
		leg.add(figText(a), &band{fill: translucent(col, 0x30)}, &series{style: lineStyle(col, 1.1)})
	}
	leg.add("95% interval of the mean", &band{fill: translucent(darkGrey, 0x30)})

	var cap strings.Builder
	nrep := "the replicates"
	if pl.s.Replicates > 0 {
		nrep = fmt.Sprintf("the %d replicates", pl.s.Replicates)
	}
	fmt.Fprintf(&cap, "The daily metric %s: its mean each day over %s of each arm (the line), with the 95%% t interval of that mean shaded, one colour per arm. Replicates of different arms share their seeds, so the arms' lines differ by the policy and not by luck of the draw, and they part where a policy starts to act. ", metric, nrep)
	switch {
	case len(shown) == 1 && len(ids) == 1 && len(pl.varied) > 0:
		fmt.Fprintf(&cap, "The design point is %s.", pl.pointLabel(shown[0]))
	case len(shown) == 1 && len(ids) > 1:
		fmt.Fprintf(&cap, "Only the first of the %d design points is drawn (%s); %s", len(ids), pl.pointLabel(shown[0]), pl.tableNote("daily.csv", "the others"))
	case len(shown) > 1:
		fmt.Fprintf(&cap, "One panel per design point, titled by its levels, on one scale.")
	}
	h := figH1
	switch len(shown) {
	case 2:
		h = figH2
	case 3:
		h = 16 * vg.Centimeter
	}
	title := figText(metric + " per day, mean over replicates")
	s := &figSpec{name: name, title: title, caption: strings.TrimSpace(cap.String()), w: figW, h: h}
	s.draw = func(c draw.Canvas) { drawPanels(c, s.title, panels, leg) }
	return s
}

// ---- Morris screening ----

// paramShort is the short name of a parameter key, or its last part when
// the design does not list it.
func (pl *sweepPlan) paramShort(key string) string {
	for i, p := range pl.s.Parameters {
		if p.Key == key {
			return pl.short[i]
		}
	}
	return key[strings.LastIndex(key, ".")+1:]
}

func (pl *sweepPlan) morrisFig(name string) *figSpec {
	ms := pl.pick(sweepMorrisMeasures, pl.hasSensitivity)
	if len(ms) == 0 {
		return nil
	}
	arms := slices.DeleteFunc(slices.Clone(pl.arms), func(a string) bool {
		return !slices.ContainsFunc(pl.s.Sensitivity, func(r metrics.SensitivityRow) bool { return r.Arm == a })
	})
	glyph := func(a string) draw.GlyphStyle {
		return draw.GlyphStyle{Color: pl.armColour(a), Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}
	}
	diag := &refLine{slope: 1, style: draw.LineStyle{Color: midGrey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(4), vg.Points(2.5)}}}
	cols := panelCols(len(ms))
	hollow := false
	var panels []*plot.Plot
	for mi, m := range ms {
		ylabel := ""
		if mi%cols == 0 {
			ylabel = "sigma (SD of the effects)"
		}
		p := newPanel(figText(m), "mu* (mean |elementary effect|)", ylabel)
		lp := &labelledPoints{style: textStyle(sans, 8)}
		top := 0.0
		for _, a := range arms {
			for _, r := range pl.s.Sensitivity {
				if r.Arm != a || r.Measure != m || math.IsNaN(r.MuStar) || math.IsInf(r.MuStar, 0) {
					continue
				}
				sig := r.Sigma
				if !r.HasSigma || math.IsNaN(sig) || math.IsInf(sig, 0) {
					sig = 0
					hollow = true
				}
				lp.xy = append(lp.xy, [2]float64{r.MuStar, sig})
				lp.glyphs = append(lp.glyphs, glyph(a))
				lp.hollow = append(lp.hollow, !r.HasSigma)
				lp.labels = append(lp.labels, figText(pl.paramShort(r.Parameter)))
				top = max(top, r.MuStar, sig)
			}
		}
		if !(top > 0) {
			top = 1
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, top*1.18, 0, top*1.18
		p.Add(diag, lp)
		panels = append(panels, p)
	}
	leg := newLegend()
	if len(arms) > 1 || (len(arms) == 1 && arms[0] != "") {
		leg.heading("Arm")
		for _, a := range arms {
			leg.pair(figText(a), &points{glyph: glyph(a)})
		}
	}
	leg.heading("Marks")
	leg.pair("sigma = mu*", diag)
	if hollow {
		g := glyph("")
		g.Color, g.Shape = darkGrey, draw.RingGlyph{}
		leg.pair("sigma undefined (one effect), drawn at 0", &points{glyph: g})
	}
	var cap strings.Builder
	cap.WriteString("Morris screening of the varied parameters, one panel per measure: each dot is a parameter, labelled. mu* (across) is the mean absolute elementary effect, the change in the measure when the parameter alone moves by a step, per full range of the parameter; it ranks the parameters by importance, and those near 0 barely move the measure. sigma (up) is the standard deviation of those effects: a parameter whose effect depends on where the other parameters are (an interaction) or on its own level (a non-linear effect) has a large sigma. Dots above the dashed line sigma = mu* act mostly through interactions or non-linearly; dots well below it have a steady effect (Morris 1991; Campolongo, Cariboni and Saltelli 2007). Both axes share one scale, in the measure's units.")
	if len(arms) > 1 {
		cap.WriteString(" Colours are the arms, each screened on its own.")
	}
	if hollow {
		cap.WriteString(" Rings mark parameters with a single elementary effect, whose sigma is undefined; they are drawn at sigma = 0.")
	}
	if all := pl.count(pl.hasSensitivity); all > len(ms) {
		fmt.Fprintf(&cap, " The first %d of the %d measures are drawn. %s", len(ms), all, pl.tableNote("sensitivity.csv", "them all"))
	}
	dataH := vg.Points(170)
	if len(ms) > 2 {
		dataH = vg.Points(130)
	}
	title := "Morris screening: importance (mu*) and interaction (sigma) of each parameter"
	s := &figSpec{name: name, title: title, caption: cap.String(), w: figW, h: gridHeight(len(ms), cols, dataH, leg)}
	s.draw = func(c draw.Canvas) { drawGrid(c, s.title, panels, cols, leg) }
	return s
}

// ---- calibration ----

// calibrationRows are the calibration rows drawn, in order (by series,
// then design point), of the first sweepEffectPoints points, and how many
// points there are.
func (pl *sweepPlan) calibrationRows() ([]metrics.CalibrationRow, []int, int) {
	var series []string
	var ids []int
	for _, r := range pl.s.Calibration {
		if !slices.Contains(series, r.Series) {
			series = append(series, r.Series)
		}
		if !slices.Contains(ids, r.Point) {
			ids = append(ids, r.Point)
		}
	}
	pl.sortPoints(ids)
	all := len(ids)
	ids = ids[:min(all, sweepEffectPoints)]
	var rows []metrics.CalibrationRow
	for _, s := range series {
		for _, id := range ids {
			if k := slices.IndexFunc(pl.s.Calibration, func(r metrics.CalibrationRow) bool { return r.Series == s && r.Point == id }); k >= 0 {
				rows = append(rows, pl.s.Calibration[k])
			}
		}
	}
	return rows, ids, all
}

// calibrationHigh is whether a row's whole Wilson interval lies above 5%.
func calibrationHigh(r metrics.CalibrationRow) bool { return r.HasRate && r.Lo > 0.05 }

func (pl *sweepPlan) calibration(name string) *figSpec {
	rows, ids, all := pl.calibrationRows()
	if len(rows) == 0 {
		return nil
	}
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = figText(r.Series)
		if len(ids) > 1 {
			labels[i] = figText(r.Series + ": " + pl.pointLabel(r.Point))
		}
	}
	p := newPanel("", "share of baseline replicates with single-run |z| > 1.96 (%)", "")
	p.Y.Min, p.Y.Max, p.Y.Padding = -0.5, float64(len(rows))-0.5, 0
	p.Y.Tick.Length = 0
	p.Y.Tick.Marker = rowTicks(labels)
	ref := &vrules{xs: []float64{5}, style: draw.LineStyle{Color: darkGrey, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(4), vg.Points(2.5)}}}
	p.Add(ref)
	style := func(col color.NRGBA) *whiskers {
		return &whiskers{line: lineStyle(col, 1.4), capLen: vg.Points(2.5), glyph: &draw.GlyphStyle{Color: col, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}},
			edge: &draw.GlyphStyle{Color: white, Radius: vg.Points(3.4), Shape: draw.CircleGlyph{}}}
	}
	ok, high := style(okBlack), style(okVermillion)
	nt := &notes{style: textStyle(sans, 8)}
	nt.style.Color = darkGrey
	top := 10.0
	for i, r := range rows {
		y := float64(len(rows) - 1 - i)
		if !r.HasRate {
			nt.items = append(nt.items, textNote{x: math.NaN(), y: y, text: "n/a (no defined z)"})
			continue
		}
		w := whisker{y, 100 * r.Rate, 100 * r.Lo, 100 * r.Hi, true, true}
		if calibrationHigh(r) {
			high.items = append(high.items, w)
		} else {
			ok.items = append(ok.items, w)
		}
		nt.items = append(nt.items, textNote{x: 100 * r.Hi, y: y, text: fmt.Sprintf("%d of %d", r.Exceed, r.Runs)})
		top = max(top, 100*r.Hi)
	}
	p.Add(ok, high, nt)
	p.X.Min, p.X.Max = 0, top*1.18
	leg := newLegend()
	leg.pair("share, with its 95% Wilson interval", ok)
	if len(high.items) > 0 {
		leg.pair("interval above 5%: z overstates significance", high)
	}
	leg.pair("5%: what a calibrated test gives", ref)

	var cap strings.Builder
	base := quoteName(pl.s.Baseline)
	if pl.s.Baseline == "" && len(rows) > 0 {
		base = quoteName(rows[0].Arm)
	}
	fmt.Fprintf(&cap, "A placebo test of the single-run WDD significance test. The baseline arm %s has no intervention effect to find, so each of its replicates whose WDD z (Wheeler and Ratcliffe 2018) exceeds 1.96 in absolute value is a false positive; the dot is the share of such replicates for each series, with its 95%% Wilson interval and the count beside it. A calibrated test gives about 5%% (the dashed line). A share well above 5%% (vermillion where the whole interval lies above it) means a single run's z overstates significance, because the simulated counts vary more than the Poisson variance of the test assumes: then only the replicate intervals of the sweep are to be trusted, not the z of one run.", base)
	if all > len(ids) {
		fmt.Fprintf(&cap, " The first %d of the %d design points are drawn. %s", len(ids), all, pl.tableNote("calibration.csv", "them all"))
	}
	rowH := vg.Points(15)
	dataH := max(vg.Length(len(rows))*rowH, vg.Points(40))
	title := "Placebo calibration: false positives of the single-run WDD test"
	s := &figSpec{name: name, title: title, caption: cap.String(), w: figW, h: gridHeight(1, 1, dataH, leg)}
	s.draw = func(c draw.Canvas) { drawGrid(c, s.title, []*plot.Plot{p}, 1, leg) }
	return s
}
