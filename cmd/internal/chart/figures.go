package chart

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// Figure sizes: a two-panel figure fits a journal's full text width at
// 16 cm; the PNGs are 240 dpi (1512 pixels wide), sharp when the HTML
// report or a slide shows them at full width.
var (
	figW      = 16 * vg.Centimeter
	figH1     = 10 * vg.Centimeter  // one panel
	figH2     = 13 * vg.Centimeter  // two panels
	legendMax = 4.5 * vg.Centimeter // widest legend column
	colGap    = vg.Points(8)
)

// Figures draws every figure of a run. Each Figure's Data holds the formats
// asked for (a subset of Formats: "png", "svg", "pdf"), and always "png"
// too, because the HTML report embeds the PNGs. The same Run gives the
// same bytes in every format. When ctx is done, no further figure or
// format is begun; Figures waits for those being drawn and returns ctx's
// error (wrapped).
func Figures(ctx context.Context, r *Run, formats []string) ([]Figure, error) {
	want, err := wantFormats(formats)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("chart: figures: %w", err)
	}
	specs, err := figureSpecs(r)
	if err != nil {
		return nil, err
	}
	return renderFigures(ctx, specs, want, runtime.GOMAXPROCS(0))
}

// wantFormats is the set of formats to draw: those asked for, and "png"
// for the report.
func wantFormats(formats []string) (map[string]bool, error) {
	want := map[string]bool{"png": true}
	for _, f := range formats {
		if !slices.Contains(Formats, f) {
			return nil, fmt.Errorf("chart: unknown figure format %q (known: %s)", f, strings.Join(Formats, ", "))
		}
		want[f] = true
	}
	return want, nil
}

// renderFigures renders each figure of specs in each format of want, with
// workers goroutines. Each figure in each format is drawn on its own
// canvas, so they are drawn in parallel; the results go into fixed slots,
// so the output does not depend on the order they finish in. A worker
// takes no new job once ctx is done.
func renderFigures(ctx context.Context, specs []*figSpec, want map[string]bool, workers int) ([]Figure, error) {
	type job struct {
		spec   int
		format string
	}
	var jobs []job
	for i := range specs {
		for _, format := range Formats {
			if want[format] {
				jobs = append(jobs, job{i, format})
			}
		}
	}
	data := make([][]byte, len(jobs))
	errs := make([]error, len(jobs))
	var next atomic.Int64 // the next job to take
	var wg sync.WaitGroup
	for range max(1, min(workers, len(jobs))) {
		wg.Go(func() {
			for ctx.Err() == nil {
				k := int(next.Add(1) - 1)
				if k >= len(jobs) {
					return
				}
				data[k], errs[k] = specs[jobs[k].spec].render(jobs[k].format)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("chart: figures: %w", err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make([]Figure, len(specs))
	for i, s := range specs {
		out[i] = Figure{Name: s.name, Title: s.title, Caption: s.caption, Data: map[string][]byte{}}
	}
	for k, j := range jobs {
		out[j.spec].Data[j.format] = data[k]
	}
	return out, nil
}

// figSpec is a figure before it is rendered: its text and how to draw it
// on a canvas of its size.
type figSpec struct {
	name, title, caption string
	w, h                 vg.Length
	draw                 func(c draw.Canvas)
	mapFig               *mapFigure  // for maps: their layout, for the tests
	rings                []ringCurve // for the sweep's rings figure: its curves as drawn, for the tests
}

// figs holds what the figures of a run are drawn from.
type figs struct {
	r      *Run
	z      *sim.Zones
	days   int
	km     float64 // km per cell
	daily  map[string][]float64
	usable [sim.NumZones]int // usable (non-water) cells by zone
	land   *image.RGBA       // land use, one pixel per cell
	words  *strings.Replacer // the words of incident data (see say); nil for a run
}

// say is a figure's text as its reader needs it: a run's as written; for
// incident data (Run.Points) drops are incidents, days are counted from
// the first day of the before period, and there is no land use, water or
// city to speak of.
func (f *figs) say(s string) string {
	if f.words == nil {
		return s
	}
	return f.words.Replace(s)
}

// incidentWords turn a run's words into those of incident data whose day
// 0 is the date day0. Longer phrases come first: at each position the
// first that matches is replaced.
func incidentWords(day0 string) *strings.Replacer {
	return strings.NewReplacer(
		"dropsim", "dropsim",
		"day of the run", "day (day 0 = "+day0+")",
		"usable (not water) cells", "cells",
		"usable cells", "cells",
		"cells without drops show the land use", "cells without incidents are left pale grey",
		"cells without drops in either period show the land use", "cells without incidents in either period are left pale grey",
		"the city's trend", "the trend beyond them",
		"drops placed", "incidents", "Drops placed", "Incidents",
		"Drop density", "Incident density", "drop density", "incident density",
		"Drops", "Incidents", "drops", "incidents",
		"a drop", "an incident", "Drop", "Incident", "drop", "incident",
	)
}

func figureSpecs(r *Run) ([]*figSpec, error) {
	switch {
	case r == nil:
		return nil, fmt.Errorf("chart: no run")
	case r.Zones == nil:
		return nil, fmt.Errorf("chart: the run has no zones (Run.Zones is nil)")
	case r.Params.Days <= 0:
		return nil, fmt.Errorf("chart: the run has no days")
	case r.Zones.W <= 0 || r.Zones.H <= 0 || r.Land != nil && len(r.Land) != r.Zones.W*r.Zones.H:
		return nil, fmt.Errorf("chart: the land use has %d cells, want %d x %d", len(r.Land), r.Zones.W, r.Zones.H)
	case r.Params.TickMinutes <= 0 || r.Params.TicksPerDay() <= 0:
		return nil, fmt.Errorf("chart: the run has no ticks per day")
	case !(r.Params.City.CellM > 0):
		return nil, fmt.Errorf("chart: the cell size city.cell_m is %g m, not positive", r.Params.City.CellM)
	}
	f := &figs{r: r, z: r.Zones, days: r.Params.Days, km: r.Params.City.CellM / 1000}
	f.daily = map[string][]float64{}
	for _, row := range r.Daily {
		s, ok := f.daily[row.Metric]
		if !ok {
			s = make([]float64, f.days)
			for i := range s {
				s[i] = math.NaN()
			}
			f.daily[row.Metric] = s
		}
		if row.Day >= 0 && row.Day < f.days {
			s[row.Day] = row.Value
		}
	}
	for i := range f.z.W * f.z.H {
		if r.Land == nil || r.Land[i] != grid.Water {
			f.usable[f.z.At(i%f.z.W, i/f.z.W)]++
		}
	}
	f.land = landImage(r)
	if r.Points() {
		f.words = incidentWords(r.Summary.Points.DayZero)
	}

	specs := []*figSpec{f.dropsByZone()}
	if f.z.HasPeriods {
		before, after := f.densityMaps()
		specs = append(specs, before, after, f.densityChange())
		if hasRingCurve(f.z) {
			specs = append(specs, f.ringCurve())
		}
	} else {
		specs = append(specs, f.densityAll())
	}
	specs = append(specs, f.centroidPath())
	if !r.Points() { // incident data have no arrests or market to show
		specs = append(specs, f.arrestsByRole(), f.market())
	}
	for _, s := range specs {
		s.title, s.caption = f.say(s.title), f.say(s.caption)
		if s.mapFig != nil {
			s.mapFig.title = s.title
		}
	}
	return specs, nil
}

// ---- time series ----

func (f *figs) series(metric string) []float64 {
	if s, ok := f.daily[metric]; ok {
		return s
	}
	s := make([]float64, f.days)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// dayXs are the x positions of the days: the middle of each day, so that
// day d lies in [d, d+1) like the shaded window.
func (f *figs) dayXs() []float64 {
	xs := make([]float64, f.days)
	for i := range xs {
		xs[i] = float64(i) + 0.5
	}
	return xs
}

// daySpan names the days [a, b) in text drawn on a figure: in ASCII, since
// gonum's PDF backend writes text as Windows-1252 bytes without converting
// it (an en dash would come out as three wrong characters).
func daySpan(a, b int) string {
	if b-a == 1 {
		return fmt.Sprintf("day %d", a)
	}
	return fmt.Sprintf("days %d-%d", a, b-1)
}

// capSpan names the days [a, b) in a caption, with an en dash.
func capSpan(a, b int) string {
	if b-a == 1 {
		return fmt.Sprintf("day %d", a)
	}
	return fmt.Sprintf("days %d–%d", a, b-1)
}

// shaded is whether the intervention window is drawn: it is when it does
// not cover the whole run.
func (f *figs) shaded() bool {
	z := f.z
	return z.WindowEnd > z.WindowStart && (z.WindowStart > 0 || z.WindowEnd < f.days)
}

// timeNote describes the window and the periods for a caption.
func (f *figs) timeNote() string {
	z := f.z
	var parts []string
	if f.shaded() {
		parts = append(parts, fmt.Sprintf("Grey shading marks the intervention (%s)", capSpan(z.WindowStart, z.WindowEnd)))
	}
	if z.HasPeriods {
		parts = append(parts, fmt.Sprintf("dashed lines bound the before (%s) and after (%s) periods of the displacement measures", capSpan(z.BeforeStart, z.SplitDay), capSpan(z.AfterStart, z.AfterEnd)))
	}
	var s string
	if len(parts) > 0 {
		s = strings.Join(parts, "; ")
		s = strings.ToUpper(s[:1]) + s[1:] + "."
	}
	if !z.HasPeriods && z.PeriodReason != "" {
		s = strings.TrimSpace(s + " There are no before and after periods: " + z.PeriodReason + ".")
	}
	return s
}

// timePanel is a panel over the days of the run, with the intervention
// shaded and the periods marked behind the data.
func (f *figs) timePanel(title, ylabel string, bottom, periodLabels bool) *plot.Plot {
	xlabel := ""
	if bottom {
		xlabel = "day of the run"
	}
	p := newPanel(f.say(title), f.say(xlabel), f.say(ylabel))
	p.X.Min, p.X.Max = 0, float64(f.days)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Marker = dayTicks{}
	if !bottom {
		p.X.Tick.Marker = hideLabels{dayTicks{}}
	}
	band, rules := f.timeMarks(periodLabels)
	if band != nil {
		p.Add(band)
	}
	if rules != nil {
		p.Add(rules)
	}
	return p
}

func (f *figs) timeMarks(labels bool) (*vband, *vrules) {
	z := f.z
	var band *vband
	var rules *vrules
	if f.shaded() {
		band = &vband{x0: float64(z.WindowStart), x1: float64(z.WindowEnd), color: windowGrey}
	}
	if z.HasPeriods {
		xs := []float64{float64(z.BeforeStart), float64(z.SplitDay), float64(z.AfterStart), float64(z.AfterEnd)}
		xs = slices.Compact(xs)
		rules = &vrules{xs: xs, style: draw.LineStyle{Color: darkGrey, Width: vg.Points(0.6), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}}
		if labels {
			rules.labels = []spanLabel{{float64(z.BeforeStart), float64(z.SplitDay), "before"}, {float64(z.AfterStart), float64(z.AfterEnd), "after"}}
		}
	}
	return band, rules
}

// addTimeLegend adds the window and the periods to a legend.
func (f *figs) addTimeLegend(l *legend) {
	band, rules := f.timeMarks(false)
	if band != nil {
		l.add(fmt.Sprintf("intervention, %s", daySpan(f.z.WindowStart, f.z.WindowEnd)), band)
	}
	if rules != nil {
		l.add("limits of the before and after periods", rules)
	}
}

// headroom sets the y range to [0, max] with room at the top for the
// period labels.
func headroom(p *plot.Plot) {
	p.Y.Min = 0
	if !(p.Y.Max > 0) || math.IsInf(p.Y.Max, 0) {
		p.Y.Max = 1
	}
	p.Y.Max *= 1.14
}

// drawPanels draws a figure of panels stacked over a shared x axis, with
// its title at the top and its legend in a column on the right.
func drawPanels(c draw.Canvas, title string, panels []*plot.Plot, leg *legend) {
	c = drawTitle(c, title)
	lw, _ := leg.size(legendMax)
	plots := draw.Crop(c, 0, -(lw + colGap + vg.Points(4)), 0, 0)
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadY: vg.Points(10), PadLeft: vg.Points(4), PadBottom: vg.Points(4), PadRight: vg.Points(6)}
	rows := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		rows[i] = []*plot.Plot{p}
	}
	cs := plot.Align(rows, tiles, plots)
	for i, p := range panels {
		p.Draw(cs[i][0])
	}
	top := panels[0].DataCanvas(cs[0][0]).Max.Y
	leg.draw(c, plots.Max.X+colGap, top, legendMax)
}

func lineStyle(c color.Color, w float64) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(w)}
}

// zoneOrder is the order of the zones in legends: the treatment area
// outwards.
var zoneOrder = []sim.Zone{sim.ZoneTreatment, sim.ZoneBuffer, sim.ZoneControl, sim.ZoneBufferControl, sim.ZoneElsewhere}

func (f *figs) dropsByZone() *figSpec {
	s := &figSpec{name: "drops_by_zone", w: figW}
	_, hasZones := f.daily["drops_treatment"]
	leg := newLegend()
	if !hasZones || !f.z.HasTreatment {
		s.title = "Drops placed per day"
		s.h = figH1
		p := f.timePanel("", "drops placed per day", true, true)
		ys := f.series("drops_placed")
		daily := &series{xs: f.dayXs(), ys: ys, style: lineStyle(color.NRGBA{0, 0, 0, 0x66}, 0.5)}
		avg := &series{xs: f.dayXs(), ys: movingAverage(ys, f.breaks()), style: lineStyle(okBlack, 1.4)}
		p.Add(daily, avg)
		headroom(p)
		leg.add("daily values", daily)
		leg.add("7-day moving average", avg)
		f.addTimeLegend(leg)
		s.caption = "Drops placed per day in the whole city (the run has no treatment area, so drops are not counted by zone): the pale line gives the daily values, the bold line their 7-day centred moving average. " + f.timeNote()
		s.draw = func(c draw.Canvas) { drawPanels(c, s.title, []*plot.Plot{p}, leg) }
		return s
	}
	s.title = "Drops placed per day, by zone"
	s.h = figH2
	top := f.timePanel("Drops placed per day", "drops per day", false, true)
	bot := f.timePanel("Drops per 100 usable cells of the zone", "drops per day per 100 cells", true, false)
	leg.heading(f.say("Zone (usable cells)"))
	breaks := f.breaks()
	var smooth []plot.Plotter
	for _, zn := range zoneOrder {
		if zn == sim.ZoneBufferControl && !f.z.HasBufferControl {
			continue
		}
		counts := f.series("drops_" + zn.String())
		n := f.usable[zn]
		if n == 0 {
			continue
		}
		per := make([]float64, len(counts))
		for i, v := range counts {
			per[i] = v / float64(n) * 100
		}
		c := zoneColors[zn]
		faint := lineStyle(color.NRGBA{c.R, c.G, c.B, 0x66}, 0.5)
		bold := lineStyle(c, 1.4)
		a := &series{xs: f.dayXs(), ys: movingAverage(counts, breaks), style: bold}
		top.Add(&series{xs: f.dayXs(), ys: counts, style: faint})
		bot.Add(&series{xs: f.dayXs(), ys: per, style: faint})
		smooth = append(smooth, a, &series{xs: f.dayXs(), ys: movingAverage(per, breaks), style: bold})
		leg.add(fmt.Sprintf("%s (%d)", strings.ReplaceAll(zn.String(), "_", " "), n), a)
	}
	// The averages over all the daily lines, in the same order.
	for i := 0; i < len(smooth); i += 2 {
		top.Add(smooth[i])
		bot.Add(smooth[i+1])
	}
	headroom(top)
	headroom(bot)
	leg.heading("Lines")
	leg.add("daily values", &series{style: lineStyle(color.NRGBA{0, 0, 0, 0x66}, 0.5)})
	leg.add("7-day moving average", &series{style: lineStyle(okBlack, 1.4)})
	f.addTimeLegend(leg)
	s.caption = fmt.Sprintf("Drops placed per day in each zone (top) and per 100 usable (not water) cells of the zone (bottom), which puts zones of different sizes on one scale: the treatment area has %d usable cells, its %d-cell buffer %d and the control area %d. Pale lines are daily values, bold lines their 7-day centred moving averages, which do not average across the start and end of the intervention or of the periods. ",
		f.usable[sim.ZoneTreatment], f.r.Params.Zones.BufferWidth, f.usable[sim.ZoneBuffer], f.usable[sim.ZoneControl]) + f.timeNote()
	s.draw = func(c draw.Canvas) { drawPanels(c, s.title, []*plot.Plot{top, bot}, leg) }
	return s
}

// breaks are the days where the intervention or a period starts or ends,
// which moving averages do not cross.
func (f *figs) breaks() []int {
	z := f.z
	var b []int
	if f.shaded() {
		b = append(b, z.WindowStart, z.WindowEnd)
	}
	if z.HasPeriods {
		b = append(b, z.BeforeStart, z.SplitDay, z.AfterStart, z.AfterEnd)
	}
	b = append(b, 0, f.days)
	slices.Sort(b)
	return slices.Compact(b)
}

// movingAverage is the 7-day centred moving average of ys, over the
// defined values of the days within the same stretch between breaks, and
// NaN where fewer than 4 days are defined.
func movingAverage(ys []float64, breaks []int) []float64 {
	out := make([]float64, len(ys))
	for d := range ys {
		i, _ := slices.BinarySearch(breaks, d+1) // breaks[i-1] <= d < breaks[i]
		lo, hi := 0, len(ys)
		if i > 0 {
			lo = breaks[i-1]
		}
		if i < len(breaks) {
			hi = min(hi, breaks[i])
		}
		sum, n := 0.0, 0
		for k := max(lo, d-3); k < min(hi, d+4); k++ {
			if !math.IsNaN(ys[k]) {
				sum += ys[k]
				n++
			}
		}
		out[d] = math.NaN()
		if n >= 4 {
			out[d] = sum / float64(n)
		}
	}
	return out
}

func (f *figs) market() *figSpec {
	s := &figSpec{name: "market", title: "Market outcomes per day", w: figW, h: figH2}
	top := f.timePanel("Orders per day", "orders per day", false, true)
	orders := &series{xs: f.dayXs(), ys: f.series("orders"), style: lineStyle(okBlue, 0.9)}
	unmet := &series{xs: f.dayXs(), ys: f.series("unmet"), style: lineStyle(okVermillion, 0.9)}
	top.Add(orders, unmet)
	headroom(top)

	rev := f.series("revenue")
	peak := 0.0
	for _, v := range rev {
		if !math.IsNaN(v) {
			peak = max(peak, v)
		}
	}
	money := f.r.Params.Market.Currency
	if money == "" {
		money = "currency units"
	}
	unit, div := money, 1.0
	switch {
	case peak >= 1e8:
		unit, div = "million "+money, 1e6
	case peak >= 1e5:
		unit, div = "thousand "+money, 1e3
	}
	scaled := make([]float64, len(rev))
	for i, v := range rev {
		scaled[i] = v / div
	}
	bot := f.timePanel("Revenue per day", unit, true, false)
	revenue := &series{xs: f.dayXs(), ys: scaled, style: lineStyle(okGreen, 0.9)}
	bot.Add(revenue)
	headroom(bot)

	leg := newLegend()
	leg.add("orders", orders)
	leg.add("unmet orders", unmet)
	leg.add("revenue", revenue)
	f.addTimeLegend(leg)
	s.caption = fmt.Sprintf("Orders placed and orders left unmet per day (top), and the shops' revenue per day in %s at a price of %g %s a dose (bottom). ", unit, f.r.Params.Market.Price, money) + f.timeNote()
	s.draw = func(c draw.Canvas) { drawPanels(c, s.title, []*plot.Plot{top, bot}, leg) }
	return s
}

// weeks returns the 7-day bins [a, b) that cover the days [0, days),
// aligned so that one starts on anchor. A bin of fewer than 4 days left at
// either end of the run joins its neighbour, so the first and the last
// bin have 4 to 10 days.
func weeks(days, anchor int) [][2]int {
	if anchor <= 0 || anchor >= days {
		anchor = 0
	}
	var out [][2]int
	a := anchor % 7
	if a > 0 {
		out = append(out, [2]int{0, a})
	}
	for ; a < days; a += 7 {
		out = append(out, [2]int{a, min(a+7, days)})
	}
	if len(out) > 1 && out[0][1]-out[0][0] < 4 {
		out = append([][2]int{{out[0][0], out[1][1]}}, out[2:]...)
	}
	if n := len(out); n > 1 && out[n-1][1]-out[n-1][0] < 4 {
		out = append(out[:n-2], [2]int{out[n-2][0], out[n-1][1]})
	}
	return out
}

// weekAnchor is the day the weeks are aligned on: the split of the
// periods, or else the start of the intervention.
func (f *figs) weekAnchor() int {
	if f.z.HasPeriods {
		return f.z.SplitDay
	}
	if f.shaded() {
		return f.z.WindowStart
	}
	return 0
}

// weeklyArrests counts the arrests in each week by role.
func weeklyArrests(r *Run, bins [][2]int) [][sim.NumRoles]int {
	tpd := r.Params.TicksPerDay()
	out := make([][sim.NumRoles]int, len(bins))
	for _, a := range r.Tables.Arrests {
		day := int(a.Tick) / tpd
		i, _ := slices.BinarySearchFunc(bins, day, func(b [2]int, d int) int {
			switch {
			case b[1] <= d:
				return -1
			case b[0] > d:
				return 1
			}
			return 0
		})
		if i < len(bins) && bins[i][0] <= day && day < bins[i][1] && a.Role < sim.NumRoles {
			out[i][a.Role]++
		}
	}
	return out
}

func (f *figs) arrestsByRole() *figSpec {
	s := &figSpec{name: "arrests_by_role", title: "Arrests per week, by role", w: figW, h: figH1}
	bins := weeks(f.days, f.weekAnchor())
	counts := weeklyArrests(f.r, bins)
	p := f.timePanel("", "arrests per week", true, true)
	cum := make([]float64, len(bins))
	var total [sim.NumRoles]int
	var odd []string // bins that are not 7 days long
	for i, b := range bins {
		if b[1]-b[0] != 7 {
			odd = append(odd, fmt.Sprintf("%s (%d days)", capSpan(b[0], b[1]), b[1]-b[0]))
		}
		for role := range sim.NumRoles {
			total[role] += counts[i][role]
		}
	}
	leg := newLegend()
	leg.heading("Role (arrests in the run)")
	border := draw.LineStyle{Color: darkGrey, Width: vg.Points(0.3)}
	for role := range sim.NumRoles {
		// Whole counts; a partial week's bar is drawn paler, as it holds
		// fewer days.
		rs := &rects{fill: roleColors[role], border: border}
		short := &rects{fill: tint(roleColors[role], 0.5), border: border}
		for i, b := range bins {
			v := float64(counts[i][role])
			if v == 0 {
				continue
			}
			gap := 0.12 * float64(b[1]-b[0])
			r := [4]float64{float64(b[0]) + gap, float64(b[1]) - gap, cum[i], cum[i] + v}
			if b[1]-b[0] != 7 {
				short.rs = append(short.rs, r)
			} else {
				rs.rs = append(rs.rs, r)
			}
			cum[i] += v
		}
		if len(rs.rs) > 0 {
			p.Add(rs)
		}
		if len(short.rs) > 0 {
			p.Add(short)
		}
		leg.add(fmt.Sprintf("%s (%d)", strings.ReplaceAll(role.String(), "_", " "), total[role]), rs)
	}
	headroom(p)
	if p.Y.Max < 1.14*2 {
		p.Y.Max = 1.14 * 2
	}
	f.addTimeLegend(leg)
	var cap strings.Builder
	fmt.Fprintf(&cap, "Arrests per week by the role of the person arrested, stacked; %d arrests in all. ", len(f.r.Tables.Arrests))
	if a := f.weekAnchor(); a > 0 && f.z.HasPeriods {
		fmt.Fprintf(&cap, "Weeks are aligned on day %d, which ends the before period, so no bar mixes days before and after it", a)
	} else if a > 0 {
		fmt.Fprintf(&cap, "Weeks are aligned on day %d, when the intervention starts, so no bar mixes days before and after it", a)
	} else {
		cap.WriteString("Weeks start on day 0")
	}
	if len(odd) > 0 {
		fmt.Fprintf(&cap, "; the paler bars of %s at the ends of the run are partial weeks, with their whole counts", strings.Join(odd, " and "))
	}
	cap.WriteString(". ")
	cap.WriteString(f.timeNote())
	s.caption = strings.TrimSpace(cap.String())
	s.draw = func(c draw.Canvas) { drawPanels(c, s.title, []*plot.Plot{p}, leg) }
	return s
}

// ---- maps ----

// landImage is the land use, one pixel per cell, row 0 the north edge.
func landImage(r *Run) *image.RGBA {
	w, h := r.Zones.W, r.Zones.H
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		col := noLand
		if r.Land != nil {
			col = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
			if c := r.Land[i]; int(c) < len(landColors) {
				col = landColors[c]
			}
		}
		img.SetRGBA(i%w, i/w, color.RGBA(col))
	}
	return img
}

// densityGrid returns the drops placed per cell per day on the days for
// which in is true, by cell id (y*W + x), and the number of such days.
func densityGrid(r *Run, in func(day int) bool) ([]float64, int) {
	z := r.Zones
	days := 0
	for d := range r.Params.Days {
		if in(d) {
			days++
		}
	}
	g := make([]float64, z.W*z.H)
	if days == 0 {
		return g, 0
	}
	tpd := r.Params.TicksPerDay()
	for _, d := range r.Tables.Drops {
		if d.X < 0 || d.Y < 0 || int(d.X) >= z.W || int(d.Y) >= z.H || !in(int(d.Placed)/tpd) {
			continue
		}
		g[int(d.Y)*z.W+int(d.X)]++
	}
	for i := range g {
		g[i] /= float64(days)
	}
	return g, days
}

// valueImage colours each cell whose value is defined and non-zero (when
// skipZero) and leaves the others transparent: one pixel per cell.
func valueImage(w, h int, vals []float64, skip func(i int) bool, colour func(v float64) color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i, v := range vals {
		if skip(i) || math.IsNaN(v) {
			continue
		}
		img.SetNRGBA(i%w, i/w, colour(v))
	}
	return img
}

// window is a rectangle of cells [X0, X1) x [Y0, Y1) shown on a map.
type window struct{ X0, Y0, X1, Y1 int }

func (f *figs) whole() window { return window{0, 0, f.z.W, f.z.H} }

// composite draws the overlay (one pixel per cell; nil for none) over the
// land use in the window and scales the result up by whole pixels per
// cell, so that the cells stay sharp in the PDF and SVG, whose viewers
// smooth small images.
func composite(land *image.RGBA, over *image.NRGBA, win window) *image.RGBA {
	w, h := win.X1-win.X0, win.Y1-win.Y0
	k := max(1, (400+w-1)/w)
	out := image.NewRGBA(image.Rect(0, 0, w*k, h*k))
	for y := range h {
		for x := range w {
			c := land.RGBAAt(win.X0+x, win.Y0+y)
			if over != nil {
				o := over.NRGBAAt(win.X0+x, win.Y0+y)
				a := float64(o.A) / 255
				mix := func(u, v uint8) uint8 { return uint8(math.Round(float64(u)*(1-a) + float64(v)*a)) }
				c = color.RGBA{mix(c.R, o.R), mix(c.G, o.G), mix(c.B, o.B), 0xFF}
			}
			px := []uint8{c.R, c.G, c.B, c.A}
			for dy := range k {
				row := out.Pix[out.PixOffset(x*k, y*k+dy):]
				for dx := range k {
					copy(row[4*dx:4*dx+4], px)
				}
			}
		}
	}
	return out
}

// mapPanel is a map of the window, north up: x in km east of the west edge
// of the city, y in km south of its north edge (so that a cell (x, y) of
// the scenario lies at (x, y) times the cell size), the overlay drawn over
// the land use.
func (f *figs) mapPanel(over *image.NRGBA, win window) *plot.Plot {
	p := newPanel("", "km east of the west edge", "km south of the north edge")
	if c := &f.r.Params.City; c.CRS != "" || c.OriginX != 0 || c.OriginY != 0 {
		// A city placed on a real map: the axes in the map's own
		// coordinates (easting and northing, in its units), over the same
		// km-from-the-corner data coordinates.
		unit := "map units"
		if c.CRS != "" {
			unit = c.CRS + " units"
		}
		p.X.Label.Text, p.Y.Label.Text = "easting ("+unit+")", "northing ("+unit+")"
		p.X.Tick.Marker = mapTicks{off: c.OriginX, scale: 1000}
		p.Y.Tick.Marker = mapTicks{off: c.OriginY + float64(c.Height)*c.CellM, scale: -1000}
	}
	x0, x1 := float64(win.X0)*f.km, float64(win.X1)*f.km
	y0, y1 := float64(win.Y0)*f.km, float64(win.Y1)*f.km
	p.X.Min, p.X.Max = x0, x1
	p.Y.Min, p.Y.Max = y0, y1
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.X.Padding, p.Y.Padding = 0, 0
	p.Add(&raster{img: composite(f.land, over, win), x0: x0, y0: y0, x1: x1, y1: y1})
	return p
}

// ringOutlines draws the outer edge of each distance ring, thin and
// dotted, so that a reader sees how far a change reaches (the rings
// figure gives the numbers).
func (f *figs) ringOutlines(p *plot.Plot, leg *legend) {
	z := f.z
	if !z.HasTreatment || z.Rings == 0 {
		return
	}
	var lines [][][2]float64
	for k := 1; k <= z.Rings; k++ {
		lines = append(lines, f.linesToKm(boundary(z.W, z.H, func(x, y int) bool {
			r := z.RingOf(x, y)
			return z.At(x, y) == sim.ZoneTreatment || (r >= 1 && r <= k)
		}))...)
	}
	rings := &polylines{lines: lines, style: draw.LineStyle{Color: darkGrey, Width: vg.Points(0.6), Dashes: []vg.Length{vg.Points(1), vg.Points(1.5)}}}
	p.Add(rings)
	leg.add(fmt.Sprintf("outer edges of the %d distance rings of %s", z.Rings, ringWidthText(f)), rings)
}

// linesToKm turns lines in cells into km, in place.
func (f *figs) linesToKm(ls [][][2]float64) [][][2]float64 {
	for _, l := range ls {
		for i := range l {
			l[i][0] *= f.km
			l[i][1] *= f.km
		}
	}
	return ls
}

// outlines adds the outlines of the treatment area, of its buffer's outer
// edge and of a control area that is not the rest of the city (matched
// or a rectangle) to a map and its legend.
func (f *figs) outlines(p *plot.Plot, leg *legend) {
	if !f.z.HasTreatment {
		return
	}
	z := f.z
	toKm := f.linesToKm
	if f.controlOutlined() {
		ctl := &polylines{lines: toKm(boundary(z.W, z.H, func(x, y int) bool { return z.At(x, y) == sim.ZoneControl })),
			style: lineStyle(zoneColors[sim.ZoneControl], 1.1), halo: white}
		p.Add(ctl)
		defer leg.add(fmt.Sprintf("control area (%d cells)", z.Cells[sim.ZoneControl]), ctl)
	}
	if f.z.Cells[sim.ZoneBuffer] > 0 {
		buf := &polylines{lines: toKm(boundary(z.W, z.H, func(x, y int) bool {
			zn := z.At(x, y)
			return zn == sim.ZoneTreatment || zn == sim.ZoneBuffer
		})), style: draw.LineStyle{Color: okBlack, Width: vg.Points(0.9), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}, halo: white}
		p.Add(buf)
		defer leg.add(fmt.Sprintf("outer edge of the %d-cell buffer", f.r.Params.Zones.BufferWidth), buf)
	}
	treat := &polylines{lines: toKm(boundary(z.W, z.H, func(x, y int) bool { return z.At(x, y) == sim.ZoneTreatment })),
		style: lineStyle(okBlack, 1.1), halo: white}
	p.Add(treat)
	leg.add("treatment area", treat)
}

// addLand adds the land-use classes in the window to a legend; nothing
// without a land-use map.
func (f *figs) addLand(leg *legend, win window) {
	if f.r.Land == nil {
		return
	}
	var n [grid.NumClasses]int
	for y := win.Y0; y < win.Y1; y++ {
		for x := win.X0; x < win.X1; x++ {
			if c := f.r.Land[y*f.z.W+x]; int(c) < len(n) {
				n[c]++
			}
		}
	}
	leg.heading("Land use")
	for c := range grid.NumClasses {
		if n[c] > 0 {
			leg.pair(c.String(), &rects{fill: landColors[c], border: draw.LineStyle{Color: midGrey, Width: vg.Points(0.4)}})
		}
	}
}

// mapFigure lays out a map with its colour bar and legend.
type mapFigure struct {
	title  string
	p      *plot.Plot
	bar    *colourBar // nil: none
	leg    *legend
	aspect float64 // height / width of the data area
}

type mapLayout struct {
	mapC       draw.Canvas  // the map plot's canvas
	data       vg.Rectangle // its data area
	barX, legX vg.Length    // left edges of the colour bar and the legend
	arrow      vg.Point     // base of the north arrow
}

func mapTitleHeight() vg.Length { return textStyle(sans, 12).FontExtents().Height + vg.Points(16) }

// rightWidth is the width of the colour bar and legend column.
func (m *mapFigure) rightWidth() (bar, leg vg.Length) {
	if m.bar != nil {
		bar = colGap + m.bar.width()
	}
	lw, _ := m.leg.size(legendMax)
	return bar, colGap + vg.Points(4) + lw + vg.Points(6) // and a margin on the right
}

// fit shrinks the map's canvas until its data area has the map's aspect
// ratio, so that cells are square; it returns how much height was cut.
func (m *mapFigure) fit(mapC *draw.Canvas) vg.Length {
	cut := vg.Length(0)
	// The axes' padding depends a little on the canvas: a few rounds.
	for range 4 {
		dc := m.p.DataCanvas(*mapC)
		dw, dh := dc.Max.X-dc.Min.X, dc.Max.Y-dc.Min.Y
		if want := dw * vg.Length(m.aspect); dh > want+vg.Points(0.01) {
			*mapC = draw.Crop(*mapC, 0, 0, dh-want, 0) // the map stays at the top, level with its legend
			cut += dh - want
		} else if want := dh / vg.Length(m.aspect); dw > want+vg.Points(0.01) {
			*mapC = draw.Crop(*mapC, 0, -(dw - want), 0, 0)
		}
	}
	return cut
}

func (m *mapFigure) layout(c draw.Canvas) mapLayout {
	body := draw.Crop(c, 0, 0, 0, -mapTitleHeight())
	barW, legW := m.rightWidth()
	mapC := draw.Crop(body, 0, -(barW + legW), 0, 0)
	m.fit(&mapC)
	// Centre the map with its bar and legend.
	dc := m.p.DataCanvas(mapC)
	if shift := (body.Max.X - (dc.Max.X + barW + legW)) / 2; shift > 0 {
		mapC = draw.Crop(mapC, shift, shift, 0, 0)
		dc = m.p.DataCanvas(mapC)
	}
	l := mapLayout{mapC: mapC, data: dc.Rectangle, barX: dc.Max.X + colGap}
	l.legX = dc.Max.X + barW + colGap + vg.Points(4)
	_, lh := m.leg.size(legendMax)
	ay := min(dc.Min.Y, dc.Max.Y-lh-vg.Points(34)) // below the legend
	l.arrow = vg.Point{X: l.legX + vg.Points(8), Y: max(ay, c.Min.Y+vg.Points(4))}
	return l
}

// fitHeight is the height of a figure of width w in which the map fills
// the width left by its bar and legend, and the legend fits.
func (m *mapFigure) fitHeight(w vg.Length) vg.Length {
	tall := 40 * vg.Centimeter
	barW, legW := m.rightWidth()
	mapC := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: w - barW - legW, Y: tall - mapTitleHeight()}}}
	h := tall - m.fit(&mapC)
	_, lh := m.leg.size(legendMax)
	need := mapTitleHeight() + lh + vg.Points(44) // the legend and the north arrow under it
	return min(max(h, need), 24*vg.Centimeter)
}

func (m *mapFigure) draw(c draw.Canvas) {
	l := m.layout(c)
	drawTitle(c, m.title)
	m.p.Draw(l.mapC)
	if m.bar != nil {
		m.bar.draw(c, l.barX, l.data.Min.Y, l.data.Max.Y)
	}
	m.leg.draw(c, l.legX, l.data.Max.Y, legendMax)
	northArrow(c, l.arrow)
}

// northArrow draws an arrow pointing up with an N above it, from base.
func northArrow(c draw.Canvas, base vg.Point) {
	h, w := vg.Points(16), vg.Points(5)
	tip := vg.Point{X: base.X, Y: base.Y + h}
	c.FillPolygon(okBlack, []vg.Point{tip, {X: base.X - w, Y: base.Y}, {X: base.X, Y: base.Y + h*0.3}})
	c.StrokeLines(lineStyle(okBlack, 0.6), []vg.Point{tip, {X: base.X + w, Y: base.Y}, {X: base.X, Y: base.Y + h*0.3}, {X: base.X - w, Y: base.Y}, tip})
	sty := textStyle(sans, 10)
	sty.XAlign = draw.XCenter
	c.FillText(sty, vg.Point{X: base.X, Y: tip.Y + vg.Points(2)}, "N")
}

// densityScale is the shared log scale of the density maps: from one drop
// in the longer period to the densest cell.
func densityScale(lo, hi float64) *colourBar {
	if !(hi > lo) {
		hi = lo * 10
	}
	b := &colourBar{label: "drops per cell per day (log scale)", lo: lo, hi: hi, scale: logScale}
	b.colour = func(v float64) color.Color { return seqRamp.at(b.pos(v)) }
	b.ticks = logTicks(lo, hi)
	return b
}

func (f *figs) cellNote() string {
	m := f.r.Params.City.CellM
	return fmt.Sprintf("%g m × %g m", m, m)
}

func (f *figs) densityMap(name, title string, vals []float64, bar *colourBar, caption string) *figSpec {
	over := valueImage(f.z.W, f.z.H, vals, func(i int) bool { return vals[i] == 0 }, func(v float64) color.NRGBA { return seqRamp.at(bar.pos(v)) })
	p := f.mapPanel(over, f.whole())
	leg := newLegend()
	f.outlines(p, leg)
	f.addLand(leg, f.whole())
	m := &mapFigure{title: title, p: p, bar: bar, leg: leg, aspect: float64(f.z.H) / float64(f.z.W)}
	return &figSpec{name: name, title: title, caption: caption, w: figW, h: m.fitHeight(figW), draw: m.draw, mapFig: m}
}

// densityPeriods returns the density grids of the before and after periods.
func (f *figs) densityPeriods() (before, after []float64, nb, na int) {
	before, nb = densityGrid(f.r, func(d int) bool { return f.z.PeriodOf(d) == sim.PeriodBefore })
	after, na = densityGrid(f.r, func(d int) bool { return f.z.PeriodOf(d) == sim.PeriodAfter })
	return
}

func (f *figs) densityMaps() (*figSpec, *figSpec) {
	before, after, nb, na := f.densityPeriods()
	lo := 1 / float64(max(nb, na, 1))
	hi := max(slices.Max(before), slices.Max(after))
	bar := densityScale(lo, hi)
	bar.label = f.say(bar.label)
	z := f.z
	note := fmt.Sprintf("on a log colour scale shared by the before and after maps; cells without drops show the land use. %s", f.outlineNote())
	b := f.densityMap("density_before", fmt.Sprintf("Drop density before the intervention (%s)", daySpan(z.BeforeStart, z.SplitDay)), before, bar,
		fmt.Sprintf("Drops placed per %s cell per day in the before period (%s, %d days), %s", f.cellNote(), capSpan(z.BeforeStart, z.SplitDay), nb, note))
	a := f.densityMap("density_after", fmt.Sprintf("Drop density after the intervention starts (%s)", daySpan(z.AfterStart, z.AfterEnd)), after, bar,
		fmt.Sprintf("Drops placed per %s cell per day in the after period (%s, %d days), %s", f.cellNote(), capSpan(z.AfterStart, z.AfterEnd), na, note))
	return b, a
}

func (f *figs) outlineNote() string {
	if !f.z.HasTreatment {
		return ""
	}
	note := "The solid black outline is the treatment area"
	if f.z.Cells[sim.ZoneBuffer] > 0 {
		note += fmt.Sprintf(", the dashed one the outer edge of its %d-cell buffer", f.r.Params.Zones.BufferWidth)
	}
	if f.controlOutlined() {
		note += fmt.Sprintf(", the blue one the control area (%d cells)", f.z.Cells[sim.ZoneControl])
	}
	return note + "; north is up."
}

// controlOutlined says whether the maps outline the control area: a
// matched or explicit one, not the rest of the city.
func (f *figs) controlOutlined() bool {
	return f.z.Match != nil || len(f.r.Params.Zones.Control) == 4
}

func (f *figs) densityAll() *figSpec {
	all, n := densityGrid(f.r, func(int) bool { return true })
	bar := densityScale(1/float64(max(n, 1)), slices.Max(all))
	reason := ""
	if f.z.PeriodReason != "" {
		reason = fmt.Sprintf(" (the run has no before and after periods: %s)", f.z.PeriodReason)
	}
	return f.densityMap("density_all", "Drop density over the whole run", all, bar,
		fmt.Sprintf("Drops placed per %s cell per day over the whole run (%d days)%s, on a log colour scale; cells without drops show the land use. %s", f.cellNote(), n, reason, f.outlineNote()))
}

// changeValues is after minus before where either period has a drop, NaN
// elsewhere (transparent on the map).
func changeValues(before, after []float64) []float64 {
	d := make([]float64, len(before))
	for i := range d {
		if before[i] == 0 && after[i] == 0 {
			d[i] = math.NaN()
			continue
		}
		d[i] = after[i] - before[i]
	}
	return d
}

func (f *figs) densityChange() *figSpec {
	before, after, _, _ := f.densityPeriods()
	diff := changeValues(before, after)
	lim := 0.0
	for _, v := range diff {
		if !math.IsNaN(v) {
			lim = max(lim, math.Abs(v))
		}
	}
	if lim == 0 {
		lim = 1
	}
	m := math.Pow(10, math.Floor(math.Log10(lim)))
	lim = m * math.Ceil(lim/m-1e-9) // symmetric, ending on a round value
	bar := &colourBar{label: f.say("change in drops per cell per day (square-root scale)"), lo: -lim, hi: lim, scale: signedSqrtScale}
	bar.colour = func(v float64) color.Color { return divRamp.at(bar.pos(v)) }
	bar.ticks = signedSqrtTicks(lim)
	over := valueImage(f.z.W, f.z.H, diff, func(int) bool { return false }, func(v float64) color.NRGBA { return divRamp.at(bar.pos(v)) })
	p := f.mapPanel(over, f.whole())
	leg := newLegend()
	f.ringOutlines(p, leg)
	f.outlines(p, leg)
	f.addLand(leg, f.whole())
	z := f.z
	title := "Change in drop density, after minus before"
	mf := &mapFigure{title: title, p: p, bar: bar, leg: leg, aspect: float64(z.H) / float64(z.W)}
	caption := fmt.Sprintf("Drops placed per cell per day in the after period (%s) minus the before period (%s): red cells gained drops, blue cells lost them; the colour scale is symmetric about 0 and follows the square root of the change, so that small changes show; cells without drops in either period show the land use. %s",
		capSpan(z.AfterStart, z.AfterEnd), capSpan(z.BeforeStart, z.SplitDay), f.outlineNote())
	if z.HasTreatment && z.Rings > 0 {
		caption += fmt.Sprintf(" The dotted lines are the outer edges of the %d distance rings of %s; the figure rings gives each ring's change.", z.Rings, ringWidthText(f))
	}
	return &figSpec{name: "density_change", title: title, caption: caption, w: figW, h: mf.fitHeight(figW), draw: mf.draw, mapFig: mf}
}

// ellipse returns the points of a standard deviational ellipse in cells:
// the major axis at angle deg from +x towards +y (south on the map).
func ellipse(cx, cy, major, minor, deg float64) [][2]float64 {
	th := deg * math.Pi / 180
	pts := make([][2]float64, 0, 97)
	for i := range 97 {
		t := 2 * math.Pi * float64(i) / 96
		ex, ey := major*math.Cos(t), minor*math.Sin(t)
		pts = append(pts, [2]float64{cx + ex*math.Cos(th) - ey*math.Sin(th), cy + ex*math.Sin(th) + ey*math.Cos(th)})
	}
	return pts
}

// weekCentroid is the centroid of the drops of days [a, b), in cells.
type weekCentroid struct {
	x, y float64
	a, b int
}

// weeklyCentroids are the centroids of all the drops of each week, from
// the daily centroids weighted by each day's drops; weeks without drops
// are left out.
func (f *figs) weeklyCentroids() []weekCentroid {
	cx, cy, n := f.series("drop_centroid_x"), f.series("drop_centroid_y"), f.series("drops_placed")
	var out []weekCentroid
	for _, b := range weeks(f.days, f.weekAnchor()) {
		sx, sy, sn := 0.0, 0.0, 0.0
		for d := b[0]; d < b[1]; d++ {
			if math.IsNaN(cx[d]) || math.IsNaN(cy[d]) || math.IsNaN(n[d]) || n[d] == 0 {
				continue
			}
			sx, sy, sn = sx+cx[d]*n[d], sy+cy[d]*n[d], sn+n[d]
		}
		if sn > 0 {
			out = append(out, weekCentroid{sx / sn, sy / sn, b[0], b[1]})
		}
	}
	return out
}

// zoom is the window around the points (in cells), square, with a margin,
// inside the city; the whole city if it would cover most of it.
func (f *figs) zoom(pts [][2]float64) window {
	if len(pts) == 0 {
		return f.whole()
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[0]), max(y1, p[1])
	}
	side := max(x1-x0, y1-y0)*1.12 + 2
	side = min(side, float64(min(f.z.W, f.z.H)))
	if side > 0.8*float64(min(f.z.W, f.z.H)) {
		return f.whole()
	}
	// Centre the square on the points, then move it inside the city.
	place := func(lo, hi float64, n int) (int, int) {
		a := int(math.Floor((lo + hi - side) / 2))
		a = max(0, min(a, n-int(math.Ceil(side))))
		return a, min(n, a+int(math.Ceil(side)))
	}
	w := window{}
	w.X0, w.X1 = place(x0, x1, f.z.W)
	w.Y0, w.Y1 = place(y0, y1, f.z.H)
	return w
}

func (f *figs) centroidPath() *figSpec {
	z := f.z
	title := "Centroid of the drops, week by week"
	km := func(x, y float64) [2]float64 { return [2]float64{x * f.km, y * f.km} }

	wks := f.weeklyCentroids()
	cx, cy := f.series("drop_centroid_x"), f.series("drop_centroid_y")
	extent := [][2]float64{} // what the map must show, in cells
	for _, w := range wks {
		extent = append(extent, [2]float64{w.x, w.y})
	}
	for d := range f.days {
		if !math.IsNaN(cx[d]) && !math.IsNaN(cy[d]) {
			extent = append(extent, [2]float64{cx[d], cy[d]})
		}
	}

	// The ellipses and mean centres of the periods.
	type ell struct {
		name  string
		line  *polylines
		cross *points
	}
	var ells []ell
	if s := f.r.Summary; s != nil && z.HasPeriods {
		for _, ps := range s.Periods {
			if !ps.CentroidX.Defined || !ps.CentroidY.Defined {
				continue
			}
			col := beforeColor
			if ps.Period == sim.PeriodAfter.String() {
				col = afterColor
			}
			e := ell{name: ps.Period, cross: &points{xy: [][2]float64{km(ps.CentroidX.V, ps.CentroidY.V)},
				glyph: draw.GlyphStyle{Color: col, Radius: vg.Points(7), Shape: draw.PlusGlyph{}}}}
			if ps.EllipseMajor.Defined && ps.EllipseMinor.Defined && ps.EllipseAngle.Defined {
				pts := ellipse(ps.CentroidX.V, ps.CentroidY.V, ps.EllipseMajor.V, ps.EllipseMinor.V, ps.EllipseAngle.V)
				extent = append(extent, pts...)
				for i := range pts {
					pts[i] = km(pts[i][0], pts[i][1])
				}
				var dash []vg.Length
				if ps.Period == sim.PeriodBefore.String() {
					dash = []vg.Length{vg.Points(5), vg.Points(2.5)}
				}
				e.line = &polylines{lines: [][][2]float64{pts}, style: draw.LineStyle{Color: col, Width: vg.Points(1.4), Dashes: dash}, halo: white}
			}
			ells = append(ells, e)
		}
	}
	if z.HasTreatment { // the treatment area and its buffer
		for y := range z.H {
			for x := range z.W {
				if zn := z.At(x, y); zn == sim.ZoneTreatment || zn == sim.ZoneBuffer {
					extent = append(extent, [2]float64{float64(x), float64(y)}, [2]float64{float64(x + 1), float64(y + 1)})
				}
			}
		}
	}
	win := f.zoom(extent)
	p := f.mapPanel(nil, win)
	leg := newLegend()
	f.outlines(p, leg)

	daily := &points{glyph: draw.GlyphStyle{Color: midGrey, Radius: vg.Points(1), Shape: draw.CircleGlyph{}}}
	for d := range f.days {
		if !math.IsNaN(cx[d]) && !math.IsNaN(cy[d]) {
			daily.xy = append(daily.xy, km(cx[d], cy[d]))
		}
	}
	p.Add(daily)
	for _, e := range ells {
		if e.line != nil {
			p.Add(e.line)
		}
	}

	// The weekly path, coloured by period.
	periods := []sim.Period{sim.PeriodOutside, sim.PeriodBefore, sim.PeriodAfter}
	colourOf := map[sim.Period]color.NRGBA{sim.PeriodOutside: darkGrey, sim.PeriodBefore: beforeColor, sim.PeriodAfter: afterColor}
	paths := map[sim.Period]*polylines{}
	dots := map[sim.Period]*points{}
	for _, per := range periods {
		paths[per] = &polylines{style: lineStyle(colourOf[per], 1.1), halo: white}
		dots[per] = &points{glyph: draw.GlyphStyle{Color: colourOf[per], Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}},
			edge: &draw.GlyphStyle{Color: white, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}}
	}
	periodOf := func(w weekCentroid) sim.Period { return z.PeriodOf((w.a + w.b - 1) / 2) }
	for i, w := range wks {
		per := periodOf(w)
		if i > 0 {
			prev := wks[i-1]
			paths[per].lines = append(paths[per].lines, [][2]float64{km(prev.x, prev.y), km(w.x, w.y)})
		}
		dots[per].xy = append(dots[per].xy, km(w.x, w.y))
	}
	for _, per := range periods {
		p.Add(paths[per])
	}
	for _, per := range periods {
		p.Add(dots[per])
	}
	for _, e := range ells {
		p.Add(e.cross)
	}

	// Markers of the first week, the first week of the intervention and
	// the last week.
	type mark struct {
		w     weekCentroid
		shape draw.GlyphDrawer
		label string
	}
	var marks []mark
	if len(wks) > 0 {
		first, last := wks[0], wks[len(wks)-1]
		marks = append(marks, mark{first, draw.SquareGlyph{}, fmt.Sprintf("first week (%s)", daySpan(first.a, first.b))})
		if a := f.weekAnchor(); a > 0 {
			for _, w := range wks {
				if w.a == a {
					marks = append(marks, mark{w, draw.TriangleGlyph{}, fmt.Sprintf("first week from day %d (%s)", a, daySpan(w.a, w.b))})
				}
			}
		}
		if len(wks) > 1 {
			marks = append(marks, mark{last, draw.CircleGlyph{}, fmt.Sprintf("last week (%s)", daySpan(last.a, last.b))})
		}
	}
	var markPlots []*points
	for _, m := range marks {
		mp := &points{xy: [][2]float64{km(m.w.x, m.w.y)}, glyph: draw.GlyphStyle{Color: okBlack, Radius: vg.Points(3.8), Shape: m.shape},
			edge: &draw.GlyphStyle{Color: white, Radius: vg.Points(5.2), Shape: m.shape}}
		p.Add(mp)
		markPlots = append(markPlots, mp)
	}

	leg.heading(f.say("Weekly centroid of drops"))
	if z.HasPeriods {
		leg.add(fmt.Sprintf("before period (%s)", daySpan(z.BeforeStart, z.SplitDay)), paths[sim.PeriodBefore], dots[sim.PeriodBefore])
		leg.add(fmt.Sprintf("after period (%s)", daySpan(z.AfterStart, z.AfterEnd)), paths[sim.PeriodAfter], dots[sim.PeriodAfter])
		if len(dots[sim.PeriodOutside].xy) > 0 {
			leg.add("other weeks", paths[sim.PeriodOutside], dots[sim.PeriodOutside])
		}
	} else {
		leg.add("weekly centroid", paths[sim.PeriodOutside], dots[sim.PeriodOutside])
	}
	leg.add("daily centroid", daily)
	for i, m := range marks {
		leg.add(m.label, markPlots[i])
	}
	if len(ells) > 0 {
		leg.heading("Period: 1-SD ellipse, mean centre")
		for _, e := range ells {
			th := []plot.Thumbnailer{e.cross}
			if e.line != nil {
				th = append([]plot.Thumbnailer{e.line}, th...)
			}
			leg.add(e.name, th...)
		}
	}
	f.addLand(leg, win)

	var cap strings.Builder
	cap.WriteString("The weekly centroid (mean centre) of the drops placed each week, joined in time order")
	if z.HasPeriods {
		cap.WriteString(", blue in the before period and vermillion in the after period")
	}
	cap.WriteString("; small grey dots are the daily centroids, which are noisier on days with few drops. ")
	if len(ells) > 0 {
		cap.WriteString("The ellipses are the standard deviational ellipses (one standard deviation along each axis) of all drops of the before (dashed) and after (solid) periods, and the crosses their mean centres")
		if s := f.r.Summary; s.CentroidShift.Defined {
			fmt.Fprintf(&cap, ", %.2f km apart", s.CentroidShift.V*f.km)
		}
		cap.WriteString(". ")
	}
	if win != f.whole() {
		fmt.Fprintf(&cap, "The map shows the %.1f km × %.1f km around them", float64(win.X1-win.X0)*f.km, float64(win.Y1-win.Y0)*f.km)
		if z.HasTreatment {
			cap.WriteString(" and the treatment area (solid outline) with its buffer (dashed)")
		}
		cap.WriteString("; north is up.")
	} else if z.HasTreatment {
		cap.WriteString(f.outlineNote())
	} else {
		cap.WriteString("North is up.")
	}
	m := &mapFigure{title: title, p: p, leg: leg, aspect: float64(win.Y1-win.Y0) / float64(win.X1-win.X0)}
	return &figSpec{name: "centroid_path", title: title, caption: strings.TrimSpace(cap.String()), w: figW, h: m.fitHeight(figW), draw: m.draw, mapFig: m}
}

// ---- distance rings ----

// ringCurve is the displacement-distance curve of a run: each distance
// ring's change relative to the area beyond the rings, for drops placed,
// seizures and arrests, against the ring's outer distance from the
// treatment area (Bowers et al. 2011; Weisburd et al. 2006).
func (f *figs) ringCurve() *figSpec {
	s := &figSpec{name: "rings", title: "Change by distance from the treatment area", w: figW, h: figH1}
	p := newPanel("", "distance from the treatment area, outer edge of the ring (m)", "change relative to beyond the rings (%)")
	p.Add(&hrules{ys: []float64{0}, style: lineStyle(midGrey, 0.7)})
	leg := newLegend()
	leg.heading("Events, in rings of " + ringWidthText(f))
	styles := []struct {
		series string
		label  string
		col    color.NRGBA
	}{{metrics.SeriesDrops, "drops placed", okBlue}, {metrics.SeriesSeizures, "seizures", okVermillion}, {metrics.SeriesArrests, "arrests", okGreen}}
	undefined := 0
	lo, hi := 0.0, 0.0 // the change axis holds 0 and every value
	for _, st := range styles {
		var m *metrics.SeriesMeasures
		for i := 0; f.r.Summary != nil && i < len(f.r.Summary.Series); i++ {
			if f.r.Summary.Series[i].Series == st.series {
				m = &f.r.Summary.Series[i]
			}
		}
		if m == nil {
			continue
		}
		var xy [][2]float64
		for _, r := range m.Rings {
			if !r.Change.Defined {
				undefined++
				continue
			}
			xy = append(xy, [2]float64{1000 * f.km * float64(r.To), 100 * r.Change.V})
			lo, hi = math.Min(lo, 100*r.Change.V), math.Max(hi, 100*r.Change.V)
		}
		if len(xy) == 0 {
			continue
		}
		line := &polylines{lines: [][][2]float64{xy}, style: lineStyle(st.col, 1.6)}
		pts := &points{xy: xy, glyph: draw.GlyphStyle{Color: st.col, Radius: vg.Points(2.6), Shape: draw.CircleGlyph{}}}
		p.Add(line, pts)
		leg.add(f.say(st.label), line, pts)
	}
	leg.add(f.say("no change beyond the city's trend"), &hrules{ys: []float64{0}, style: lineStyle(midGrey, 0.7)})
	p.X.Min, p.X.Max = 0, 1000*f.km*float64(f.z.Rings*f.z.RingWidth)*1.04
	pad := 0.08 * math.Max(hi-lo, 10)
	p.Y.Min, p.Y.Max = lo-pad, hi+pad
	s.caption = fmt.Sprintf("How far a change travels: for each ring of %s around the treatment area (ring k holds the cells %s), the count after over the count before, relative to the same ratio beyond the last ring, less 1, in percent; above 0 the ring gained (displacement), below 0 it lost (diffusion of benefits). Days %d-%d against %d-%d.",
		ringWidthText(f), ringCellsText(f), f.z.BeforeStart, f.z.SplitDay-1, f.z.AfterStart, f.z.AfterEnd-1)
	if !f.r.Points() {
		s.caption += " One run: over replicates, a sweep gives each ring's change with its 95% interval (measure drops_placed_ring_<k>_change, the sweep's figure rings)."
	}
	if undefined > 0 {
		s.caption += fmt.Sprintf(" %d ring values are left out: the ring or the area beyond had no events before.", undefined)
	}
	s.draw = func(c draw.Canvas) { drawPanels(c, s.title, []*plot.Plot{p}, leg) }
	return s
}

func ringWidthText(f *figs) string {
	return fmt.Sprintf("%d cells, %g m", f.z.RingWidth, 1000*f.km*float64(f.z.RingWidth))
}

func ringCellsText(f *figs) string {
	return fmt.Sprintf("%d(k-1)+1 to %dk cells from it", f.z.RingWidth, f.z.RingWidth)
}

// mapTicks label a map axis drawn in km from the grid's corner with the
// map's own coordinates, off + scale x km (scale 1000 map units a km going
// east, -1000 going south from the north edge): round values in map
// coordinates, placed at their km.
type mapTicks struct{ off, scale float64 }

func (m mapTicks) Ticks(lo, hi float64) []plot.Tick {
	a, b := m.off+m.scale*lo, m.off+m.scale*hi
	ticks := plot.DefaultTicks{}.Ticks(min(a, b), max(a, b))
	for i := range ticks {
		ticks[i].Value = (ticks[i].Value - m.off) / m.scale
	}
	return ticks
}
