package chart

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// This file holds the pieces the figures are made of: text styles, tick
// marks, plotters gonum/plot lacks (lines with gaps, bands and rules that
// span a panel, rectangles, a raster in map coordinates, outlines along
// cell edges), a legend that wraps its text, and a colour bar.

// sans is the figures' only font: gonum's PDF backend cannot set the bold
// and italic Liberation faces (it registers them without their style), so
// titles and headings are set larger or darker instead.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle is black Liberation Sans (metrically Arial) of the given size.
func textStyle(f font.Font, size float64) text.Style {
	return text.Style{Color: color.Black, Font: font.From(f, font.Length(size)), Handler: plot.DefaultTextHandler,
		XAlign: draw.XLeft, YAlign: draw.YBottom}
}

// newPanel is a plot with the figures' fonts: a 10 pt panel title and axis
// labels, 9 pt tick labels.
func newPanel(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 10)
	p.Title.Padding = vg.Points(4)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 10)
		a.Tick.Label.Font = font.From(sans, 9)
		a.Tick.Length = vg.Points(4)
		a.Tick.Marker = niceTicks{}
	}
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	return p
}

// niceTicks labels 4 to 8 ticks at multiples of 1, 2 or 5 times a power of
// ten, in plain decimal notation.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: formatNum(lo, 0)}}
	}
	step := niceStep((hi - lo) / 6)
	return ticksEvery(lo, hi, step, decimals(step))
}

// niceStep is the smallest of 1, 2, 5 times a power of ten not below x.
func niceStep(x float64) float64 {
	m := math.Pow(10, math.Floor(math.Log10(x)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*m >= x*(1-1e-9) {
			return f * m
		}
	}
	return 10 * m
}

// decimals is the number of decimals a multiple of step needs.
func decimals(step float64) int { return max(0, int(-math.Floor(math.Log10(step)+1e-9))) }

func ticksEvery(lo, hi, step float64, dec int) []plot.Tick {
	// Millions are labelled in millions ("-80M"): eight-digit labels run
	// into each other on a narrow axis.
	scale, suffix := 1.0, ""
	if max(math.Abs(lo), math.Abs(hi)) >= 1e6 && step >= 1e4 {
		scale, suffix, dec = 1e6, "M", decimals(step/1e6)
	}
	var ts []plot.Tick
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		v := k * step
		label := formatNum(v/scale, dec)
		if suffix != "" {
			label += suffix
			if math.Abs(v) < step/2 {
				label = "0"
			}
		}
		ts = append(ts, plot.Tick{Value: v, Label: label})
	}
	return ts
}

func formatNum(v float64, dec int) string {
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if s == "-0" || strings.Trim(s, "-0.") == "" {
		return strings.TrimPrefix(s, "-")
	}
	return s
}

// dayTicks marks days at multiples of 1, 2, 5, 7, 10, 14, 20, 30, 60, ...
// days, so that a run of months gets ticks every 30 days.
type dayTicks struct{}

func (dayTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	for _, s := range []float64{1, 2, 5, 7, 10, 14, 20, 30, 60, 90, 120, 180, 365, 730, 1825, 3650} {
		if span/s <= 8 {
			return ticksEvery(lo, hi, s, 0)
		}
	}
	return niceTicks{}.Ticks(lo, hi)
}

// hideLabels keeps a ticker's marks but not their labels (the upper panel
// of a column shares the x axis labels of the lower one).
type hideLabels struct{ plot.Ticker }

func (h hideLabels) Ticks(lo, hi float64) []plot.Tick {
	ts := h.Ticker.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = " "
		}
	}
	return ts
}

// series is a line through (xs, ys) broken where y is NaN (a day without
// the metric).
type series struct {
	xs, ys []float64
	style  draw.LineStyle
}

func (s *series) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var lines [][]vg.Point
	var cur []vg.Point
	for i, y := range s.ys {
		if math.IsNaN(y) {
			if len(cur) > 0 {
				lines, cur = append(lines, cur), nil
			}
			continue
		}
		cur = append(cur, vg.Point{X: trX(s.xs[i]), Y: trY(y)})
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	c.StrokeLines(s.style, c.ClipLinesXY(lines...)...)
}

func (s *series) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i, y := range s.ys {
		if !math.IsNaN(y) {
			xmin, xmax = min(xmin, s.xs[i]), max(xmax, s.xs[i])
			ymin, ymax = min(ymin, y), max(ymax, y)
		}
	}
	return
}

func (s *series) Thumbnail(c *draw.Canvas) { lineThumb(c, s.style) }

func lineThumb(c *draw.Canvas, sty draw.LineStyle) {
	y := c.Center().Y
	c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
}

// vband shades the days [x0, x1) over the whole height of a panel.
type vband struct {
	x0, x1 float64
	color  color.Color
}

func (b *vband) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x0, x1 := max(trX(b.x0), c.Min.X), min(trX(b.x1), c.Max.X)
	if x1 <= x0 {
		return
	}
	c.FillPolygon(b.color, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
}

func (b *vband) Thumbnail(c *draw.Canvas) { swatchThumb(c, b.color, nil) }

// swatchThumb fills a square at the left of a legend thumbnail, outlined
// when border is not nil (for pale colours).
func swatchThumb(c *draw.Canvas, fill, border color.Color) {
	h := c.Max.Y - c.Min.Y
	s := min(h*0.8, c.Max.X-c.Min.X)
	x0 := c.Min.X + (c.Max.X-c.Min.X-s)/2
	y0 := c.Min.Y + (h-s)/2
	pts := []vg.Point{{X: x0, Y: y0}, {X: x0 + s, Y: y0}, {X: x0 + s, Y: y0 + s}, {X: x0, Y: y0 + s}}
	c.FillPolygon(fill, pts)
	if border != nil {
		c.StrokeLines(draw.LineStyle{Color: border, Width: vg.Points(0.4)}, append(pts, pts[0]))
	}
}

// vrules draws vertical lines at days over the whole height of a panel,
// with an optional label centred at the top between pairs of days.
type vrules struct {
	xs     []float64
	style  draw.LineStyle
	labels []spanLabel
}

type spanLabel struct {
	x0, x1 float64
	text   string
}

func (v *vrules) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, x := range v.xs {
		// Not on the axes, where a line would hide them.
		if X := trX(x); X > c.Min.X+vg.Points(0.5) && X < c.Max.X-vg.Points(0.5) {
			c.StrokeLine2(v.style, X, c.Min.Y, X, c.Max.Y)
		}
	}
	sty := textStyle(sans, 8)
	sty.Color = darkGrey
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	for _, l := range v.labels {
		x0, x1 := trX(l.x0), trX(l.x1)
		if x1-x0 > sty.Width(l.text)+vg.Points(4) {
			c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: c.Max.Y - vg.Points(2)}, l.text)
		}
	}
}

func (v *vrules) Thumbnail(c *draw.Canvas) {
	x := c.Center().X
	c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
}

// rects fills rectangles given in data coordinates, with a thin border.
type rects struct {
	rs     [][4]float64 // x0, x1, y0, y1
	fill   color.Color
	border draw.LineStyle
}

func (r *rects) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, q := range r.rs {
		if q[3] == q[2] {
			continue
		}
		pts := []vg.Point{{X: trX(q[0]), Y: trY(q[2])}, {X: trX(q[1]), Y: trY(q[2])}, {X: trX(q[1]), Y: trY(q[3])}, {X: trX(q[0]), Y: trY(q[3])}}
		c.FillPolygon(r.fill, c.ClipPolygonXY(pts))
		if r.border.Width > 0 {
			c.StrokeLines(r.border, c.ClipLinesXY(append(pts, pts[0]))...)
		}
	}
}

func (r *rects) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, q := range r.rs {
		xmin, xmax = min(xmin, q[0], q[1]), max(xmax, q[0], q[1])
		ymin, ymax = min(ymin, q[2], q[3]), max(ymax, q[2], q[3])
	}
	return
}

func (r *rects) Thumbnail(c *draw.Canvas) { swatchThumb(c, r.fill, r.border.Color) }

// raster draws an image over the data rectangle [x0, x1] x [y0, y1]; the
// image's top row goes where the y axis puts y0 at the top (the north edge
// on the maps, whose y axis is inverted).
type raster struct {
	img            image.Image
	x0, y0, x1, y1 float64
}

func (r *raster) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	xa, xb, ya, yb := trX(r.x0), trX(r.x1), trY(r.y0), trY(r.y1)
	// The image's first row and column belong at (x0, y0), wherever the
	// axes put them; DrawImage puts them at the top left.
	img := flip(r.img, xa > xb, ya < yb)
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: min(xa, xb), Y: min(ya, yb)}, Max: vg.Point{X: max(xa, xb), Y: max(ya, yb)}}, img)
}

// flip mirrors an image left to right and top to bottom as asked.
func flip(img image.Image, lr, tb bool) image.Image {
	if !lr && !tb {
		return img
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			sx, sy := x, y
			if lr {
				sx = b.Dx() - 1 - x
			}
			if tb {
				sy = b.Dy() - 1 - y
			}
			out.Set(x, y, img.At(b.Min.X+sx, b.Min.Y+sy))
		}
	}
	return out
}

func (r *raster) DataRange() (xmin, xmax, ymin, ymax float64) {
	return min(r.x0, r.x1), max(r.x0, r.x1), min(r.y0, r.y1), max(r.y0, r.y1)
}

// polylines strokes lines given in data coordinates.
type polylines struct {
	lines [][][2]float64
	style draw.LineStyle
	halo  color.Color // drawn under the line, wider, for contrast; nil for none
}

func (l *polylines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pts := make([][]vg.Point, len(l.lines))
	for i, line := range l.lines {
		for _, q := range line {
			pts[i] = append(pts[i], vg.Point{X: trX(q[0]), Y: trY(q[1])})
		}
	}
	pts = c.ClipLinesXY(pts...)
	if l.halo != nil {
		h := draw.LineStyle{Color: l.halo, Width: l.style.Width + vg.Points(1.6)}
		c.StrokeLines(h, pts...)
	}
	c.StrokeLines(l.style, pts...)
}

func (l *polylines) Thumbnail(c *draw.Canvas) {
	if l.halo != nil {
		lineThumb(c, draw.LineStyle{Color: l.halo, Width: l.style.Width + vg.Points(1.6)})
	}
	lineThumb(c, l.style)
}

// points draws glyphs at points given in data coordinates.
type points struct {
	xy    [][2]float64
	glyph draw.GlyphStyle
	edge  *draw.GlyphStyle // drawn first, slightly larger, as an outline
}

func (g *points) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, q := range g.xy {
		pt := vg.Point{X: trX(q[0]), Y: trY(q[1])}
		if !c.Contains(pt) {
			continue
		}
		if g.edge != nil {
			c.DrawGlyph(*g.edge, pt)
		}
		c.DrawGlyph(g.glyph, pt)
	}
}

func (g *points) Thumbnail(c *draw.Canvas) {
	if g.edge != nil {
		c.DrawGlyph(*g.edge, c.Center())
	}
	c.DrawGlyph(g.glyph, c.Center())
}

// legend is a list of entries drawn outside the panels, whose text wraps
// to the width it is given. Entries added with pair go two to a row.
type legend struct {
	entries []legendEntry
	style   text.Style
	thumbW  vg.Length
}

type legendEntry struct {
	text    string
	thumbs  []plot.Thumbnailer
	heading bool
	right   *legendEntry // the second entry of a row of two
	small   bool         // a narrow thumbnail (the entries of rows of two)
}

func newLegend() *legend {
	return &legend{style: textStyle(sans, 9), thumbW: vg.Points(18)}
}

func (l *legend) add(txt string, thumbs ...plot.Thumbnailer) {
	l.entries = append(l.entries, legendEntry{text: txt, thumbs: thumbs})
}

func (l *legend) heading(txt string) {
	l.entries = append(l.entries, legendEntry{text: txt, heading: true})
}

// pair adds an entry beside the last one if that is alone in its row (and
// not a heading), else as a new row.
func (l *legend) pair(txt string, thumbs ...plot.Thumbnailer) {
	e := legendEntry{text: txt, thumbs: thumbs, small: true}
	if n := len(l.entries); n > 0 && l.entries[n-1].paired() {
		l.entries[n-1].right = &e
		return
	}
	e.right = &legendEntry{} // an empty right half marks the row as paired
	l.entries = append(l.entries, e)
}

// paired is whether the entry is the first of a row of two with room for
// the second.
func (e *legendEntry) paired() bool { return e.right != nil && e.right.text == "" }

func (l *legend) lineHeight() vg.Length {
	e := l.style.FontExtents()
	return (e.Ascent + e.Descent) * 1.1
}

func (l *legend) entryStyle(e legendEntry) text.Style {
	if e.heading {
		s := l.style
		s.Font.Size = font.Length(9.5)
		return s
	}
	return l.style
}

// thumbWidth is the width of an entry's thumbnail.
func (l *legend) thumbWidth(e legendEntry) vg.Length {
	if e.small {
		return vg.Points(10)
	}
	return l.thumbW
}

// indent is where the text of an entry starts.
func (l *legend) indent(e legendEntry) vg.Length {
	if e.heading {
		return 0
	}
	return l.thumbWidth(e) + vg.Points(5)
}

// pairGap is the room between the columns of rows of two.
var pairGap = vg.Points(8)

// pairWidth is the width of a column of the rows of two: that of their
// widest entry, or 0 if two of them do not fit in maxW (the rows are then
// drawn one entry to a row).
func (l *legend) pairWidth(maxW vg.Length) vg.Length {
	var w vg.Length
	for _, e := range l.entries {
		if e.right == nil {
			continue
		}
		for _, p := range []legendEntry{e, *e.right} {
			if p.text != "" {
				w = max(w, l.indent(p)+l.entryStyle(p).Width(p.text))
			}
		}
	}
	if 2*w+pairGap > maxW {
		return 0
	}
	return w
}

// legendRow is a row of the legend as drawn: one entry, or two in
// columns of width colW.
type legendRow struct {
	parts []legendEntry
	lines [][]string // the wrapped text of each part
	colW  vg.Length
}

// rows lays the entries out in rows for a legend of width maxW.
func (l *legend) rows(maxW vg.Length) []legendRow {
	pw := l.pairWidth(maxW)
	var out []legendRow
	one := func(e legendEntry) {
		out = append(out, legendRow{parts: []legendEntry{e}, lines: [][]string{wrap(e.text, l.entryStyle(e), maxW-l.indent(e))}, colW: maxW})
	}
	for _, e := range l.entries {
		switch {
		case e.right == nil:
			one(e)
		case pw == 0 || e.right.text == "":
			one(legendEntry{text: e.text, thumbs: e.thumbs, small: e.small})
			if e.right.text != "" {
				one(*e.right)
			}
		default:
			r := legendRow{colW: pw}
			for _, p := range []legendEntry{{text: e.text, thumbs: e.thumbs, small: e.small}, *e.right} {
				if p.text != "" {
					r.parts = append(r.parts, p)
					r.lines = append(r.lines, []string{p.text})
				}
			}
			out = append(out, r)
		}
	}
	return out
}

func (r legendRow) height() int {
	n := 0
	for _, ls := range r.lines {
		n = max(n, len(ls))
	}
	return n
}

// size is the width and height of the legend wrapped to maxW.
func (l *legend) size(maxW vg.Length) (w, h vg.Length) {
	lh := l.lineHeight()
	for i, r := range l.rows(maxW) {
		for k, p := range r.parts {
			for _, s := range r.lines[k] {
				w = max(w, vg.Length(k)*(r.colW+pairGap)+l.indent(p)+l.entryStyle(p).Width(s))
			}
		}
		h += lh * vg.Length(r.height())
		if i > 0 {
			h += lh * 0.35
		}
	}
	return w, h
}

// draw draws the legend with its top left corner at (x, top).
func (l *legend) draw(c draw.Canvas, x, top, maxW vg.Length) {
	lh := l.lineHeight()
	ext := l.style.FontExtents()
	y := top
	for i, r := range l.rows(maxW) {
		if i > 0 {
			y -= lh * 0.35
		}
		for k, p := range r.parts {
			px := x + vg.Length(k)*(r.colW+pairGap)
			if len(p.thumbs) > 0 {
				tc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
					Min: vg.Point{X: px, Y: y - lh}, Max: vg.Point{X: px + l.thumbWidth(p), Y: y}}}
				for _, t := range p.thumbs {
					t.Thumbnail(&tc)
				}
			}
			sty := l.entryStyle(p)
			for j, s := range r.lines[k] {
				ty := y - lh*vg.Length(j+1)
				c.FillText(sty, vg.Point{X: px + l.indent(p), Y: ty + ext.Descent + (lh-ext.Height)/2}, s)
			}
		}
		y -= lh * vg.Length(r.height())
	}
}

// wrap breaks txt into lines at spaces so that each fits in maxW if it can.
func wrap(txt string, sty text.Style, maxW vg.Length) []string {
	words := strings.Fields(txt)
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	cur := words[0]
	for _, w := range words[1:] {
		if sty.Width(cur+" "+w) <= maxW {
			cur += " " + w
			continue
		}
		out = append(out, cur)
		cur = w
	}
	return append(out, cur)
}

// colourBar is the scale of a map: a vertical bar with numbered ticks and
// a label, drawn beside the map's data area.
type colourBar struct {
	label  string
	lo, hi float64
	scale  barScale
	colour func(v float64) color.Color
	ticks  []plot.Tick
}

// barScale is how values are spread along a colour bar.
type barScale uint8

const (
	linearScale barScale = iota
	logScale
	// signedSqrtScale spreads [-hi, hi] by the square root of the absolute
	// value, keeping its sign: small differences get visible colours
	// while 0 stays in the middle.
	signedSqrtScale
)

var (
	barWidth   = vg.Points(10)
	barTickLen = vg.Points(3)
)

// pos is where v lies on the bar, from 0 at lo to 1 at hi.
func (b *colourBar) pos(v float64) float64 {
	switch b.scale {
	case logScale:
		return (math.Log(v) - math.Log(b.lo)) / (math.Log(b.hi) - math.Log(b.lo))
	case signedSqrtScale:
		u := math.Sqrt(math.Min(math.Abs(v)/b.hi, 1)) / 2
		if v < 0 {
			return 0.5 - u
		}
		return 0.5 + u
	}
	return (v - b.lo) / (b.hi - b.lo)
}

// value is the inverse of pos.
func (b *colourBar) value(t float64) float64 {
	switch b.scale {
	case logScale:
		return math.Exp(math.Log(b.lo) + t*(math.Log(b.hi)-math.Log(b.lo)))
	case signedSqrtScale:
		u := 2 * (t - 0.5)
		return math.Copysign(u*u*b.hi, u)
	}
	return b.lo + t*(b.hi-b.lo)
}

// width is the room the bar takes with its tick labels and its label.
func (b *colourBar) width() vg.Length {
	tl := textStyle(sans, 9)
	var w vg.Length
	for _, t := range b.ticks {
		w = max(w, tl.Width(t.Label))
	}
	// Room for the label at 10 pt, or for two lines at the smallest size
	// barLabel shrinks it to on a short bar.
	lab := textStyle(sans, 10)
	return barWidth + barTickLen + vg.Points(2) + w + vg.Points(6) + max(lab.FontExtents().Height, 2*textStyle(sans, minBarLabel).FontExtents().Height)
}

// minBarLabel is the smallest size, in points, of a colour bar's label.
const minBarLabel = 7.0

// barLabel fits a colour bar's label along a bar of height h, as a wide
// map gives a short bar: at 10 pt if it fits, else at a smaller size down
// to minBarLabel, else on two lines at that size, split at the space
// nearest the middle.
func barLabel(label string, h vg.Length) (lines []string, size float64) {
	w := textStyle(sans, 10).Width(label)
	if w <= h {
		return []string{label}, 10
	}
	if size = 10 * float64(h/w); size >= minBarLabel {
		return []string{label}, size
	}
	best := -1
	for i, r := range label {
		if r == ' ' && (best < 0 || abs(i-len(label)/2) < abs(best-len(label)/2)) {
			best = i
		}
	}
	if best < 0 {
		return []string{label}, minBarLabel
	}
	lines = []string{label[:best], label[best+1:]}
	size = 10
	for _, l := range lines {
		size = min(size, 10*float64(h/textStyle(sans, 10).Width(l)))
	}
	return lines, max(size, minBarLabel)
}

func abs(x int) int { return max(x, -x) }

// draw draws the bar from x over the height [y0, y1].
func (b *colourBar) draw(c draw.Canvas, x, y0, y1 vg.Length) {
	const steps = 128
	h := y1 - y0
	for i := range steps {
		t0, t1 := float64(i)/steps, float64(i+1)/steps
		ya, yb := y0+h*vg.Length(t0), min(y1, y0+h*vg.Length(t1)+vg.Points(0.3)) // overlap: no seams
		c.FillPolygon(b.colour(b.value((t0+t1)/2)), []vg.Point{{X: x, Y: ya}, {X: x + barWidth, Y: ya}, {X: x + barWidth, Y: yb}, {X: x, Y: yb}})
	}
	frame := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	c.StrokeLines(frame, []vg.Point{{X: x, Y: y0}, {X: x + barWidth, Y: y0}, {X: x + barWidth, Y: y1}, {X: x, Y: y1}, {X: x, Y: y0}})
	tl := textStyle(sans, 9)
	tl.YAlign = draw.YCenter
	var w vg.Length
	for _, t := range b.ticks {
		p := b.pos(t.Value)
		if p < -1e-9 || p > 1+1e-9 {
			continue
		}
		y := y0 + h*vg.Length(p)
		c.StrokeLine2(frame, x+barWidth, y, x+barWidth+barTickLen, y)
		c.FillText(tl, vg.Point{X: x + barWidth + barTickLen + vg.Points(2), Y: y}, t.Label)
		w = max(w, tl.Width(t.Label))
	}
	lines, size := barLabel(b.label, h)
	lab := textStyle(sans, size)
	lab.Rotation = math.Pi / 2
	lab.XAlign, lab.YAlign = draw.XCenter, draw.YTop
	lx := x + barWidth + barTickLen + vg.Points(2) + w + vg.Points(6)
	for i, l := range lines {
		c.FillText(lab, vg.Point{X: lx + vg.Length(i)*lab.FontExtents().Height, Y: (y0 + y1) / 2}, l)
	}
}

// logTicks labels 1, 2 and 5 times powers of ten in [lo, hi], or only the
// powers of ten when that would be too many.
func logTicks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, mult := range [][]float64{{1, 2, 5}, {1, 3}, {1}} {
		out = out[:0]
		for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
			for _, m := range mult {
				v := m * math.Pow(10, e)
				if v >= lo*(1-1e-9) && v <= hi*(1+1e-9) {
					out = append(out, plot.Tick{Value: v, Label: formatNum(v, max(0, int(-e)))})
				}
			}
		}
		if len(out) <= 8 {
			break
		}
	}
	if len(out) < 2 { // a narrow range: label its ends
		out = []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 2, 64)}, {Value: hi, Label: strconv.FormatFloat(hi, 'g', 2, 64)}}
	}
	return out
}

// signedSqrtTicks labels 0 and, on each side, hi and round values near
// hi/4 and hi/16 (evenly spaced on the square-root scale).
func signedSqrtTicks(hi float64) []plot.Tick {
	vals := []float64{hi}
	for _, f := range []float64{4, 16} {
		v := roundNice(hi / f)
		if v < vals[len(vals)-1]*0.7 && v > 0 {
			vals = append(vals, v)
		}
	}
	out := []plot.Tick{{Value: 0, Label: "0"}}
	for _, v := range vals {
		dec := decimals(v)
		if r := roundNice(v); math.Abs(r-v) > 1e-9*v { // hi itself need not be round
			dec++
		}
		out = append(out, plot.Tick{Value: v, Label: formatNum(v, dec)}, plot.Tick{Value: -v, Label: formatNum(-v, dec)})
	}
	return out
}

// roundNice rounds x > 0 to the nearest (in ratio) of 1, 2 or 5 times a
// power of ten.
func roundNice(x float64) float64 {
	m := math.Pow(10, math.Floor(math.Log10(x)))
	best := m
	for _, f := range []float64{1, 2, 5, 10} {
		if math.Abs(math.Log(f*m/x)) < math.Abs(math.Log(best/x)) {
			best = f * m
		}
	}
	return best
}

// drawTitle draws a figure's title centred at the top of c and returns
// the canvas below it.
func drawTitle(c draw.Canvas, title string) draw.Canvas {
	sty := textStyle(sans, 12)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	// A title wider than the figure is set smaller rather than cut off.
	if w := sty.Width(title); w > c.Max.X-c.Min.X-vg.Points(8) {
		sty.Font.Size *= font.Length((c.Max.X - c.Min.X - vg.Points(8)) / w)
	}
	top := c.Max.Y - vg.Points(6)
	c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: top}, title)
	h := sty.FontExtents().Height
	return draw.Crop(c, 0, 0, 0, -(vg.Points(6) + h + vg.Points(4)))
}

// boundary returns the outline of the cells for which in is true, as
// closed lines along cell edges (in cells, y from the north edge), so that
// rectangles and polygons alike are outlined exactly as the zones are.
func boundary(w, h int, in func(x, y int) bool) [][][2]float64 {
	type pt struct{ x, y int }
	type edge struct{ a, b pt }
	inside := func(x, y int) bool { return x >= 0 && y >= 0 && x < w && y < h && in(x, y) }
	// Directed edges with the inside on the left when y grows downward:
	// the outline of each region is traversed consistently, so that edges
	// chain into closed loops.
	next := map[pt][]pt{}
	var starts []pt
	addEdge := func(a, b pt) {
		if len(next[a]) == 0 {
			starts = append(starts, a)
		}
		next[a] = append(next[a], b)
	}
	for y := range h {
		for x := range w {
			if !inside(x, y) {
				continue
			}
			if !inside(x, y-1) { // north edge, west to east
				addEdge(pt{x, y}, pt{x + 1, y})
			}
			if !inside(x+1, y) { // east edge, north to south
				addEdge(pt{x + 1, y}, pt{x + 1, y + 1})
			}
			if !inside(x, y+1) { // south edge, east to west
				addEdge(pt{x + 1, y + 1}, pt{x, y + 1})
			}
			if !inside(x-1, y) { // west edge, south to north
				addEdge(pt{x, y + 1}, pt{x, y})
			}
		}
	}
	var out [][][2]float64
	for _, s := range starts {
		for len(next[s]) > 0 {
			loop := []pt{s}
			cur := s
			for {
				ns := next[cur]
				if len(ns) == 0 {
					break
				}
				n := ns[0]
				next[cur] = ns[1:]
				loop = append(loop, n)
				cur = n
				if cur == s {
					break
				}
			}
			// Keep only the corners.
			var line [][2]float64
			for i, p := range loop {
				if i > 0 && i < len(loop)-1 {
					a, b := loop[i-1], loop[i+1]
					if (a.x == p.x && p.x == b.x) || (a.y == p.y && p.y == b.y) {
						continue
					}
				}
				line = append(line, [2]float64{float64(p.x), float64(p.y)})
			}
			out = append(out, line)
		}
	}
	slices.SortStableFunc(out, func(a, b [][2]float64) int { return len(b) - len(a) })
	return out
}

// whisker is an interval drawn by whiskers: at pos (a row's height, or an
// x position), from lo to hi with a mark at mean.
type whisker struct {
	pos, mean, lo, hi float64
	hasMean, hasCI    bool
}

// whiskers draws intervals as lines from lo to hi with a glyph at the
// mean: horizontal at the height pos (a dot-and-whisker chart), or, when
// vertical, at the x position pos (error bars).
type whiskers struct {
	items    []whisker
	vertical bool
	line     draw.LineStyle
	capLen   vg.Length        // half the length of the end caps; 0 for none
	glyph    *draw.GlyphStyle // at the mean; nil for none
	edge     *draw.GlyphStyle // drawn first under the glyph, as an outline
}

func (w *whiskers) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	at := func(pos, v float64) vg.Point {
		if w.vertical {
			return vg.Point{X: trX(pos), Y: trY(v)}
		}
		return vg.Point{X: trX(v), Y: trY(pos)}
	}
	ok := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, it := range w.items {
		if it.hasCI && ok(it.lo) && ok(it.hi) {
			a, b := at(it.pos, it.lo), at(it.pos, it.hi)
			c.StrokeLines(w.line, c.ClipLinesXY([]vg.Point{a, b})...)
			if w.capLen > 0 {
				for _, e := range []vg.Point{a, b} {
					if !c.Contains(e) {
						continue
					}
					if w.vertical {
						c.StrokeLine2(w.line, e.X-w.capLen, e.Y, e.X+w.capLen, e.Y)
					} else {
						c.StrokeLine2(w.line, e.X, e.Y-w.capLen, e.X, e.Y+w.capLen)
					}
				}
			}
		}
		if it.hasMean && ok(it.mean) && w.glyph != nil {
			if m := at(it.pos, it.mean); c.Contains(m) {
				if w.edge != nil {
					c.DrawGlyph(*w.edge, m)
				}
				c.DrawGlyph(*w.glyph, m)
			}
		}
	}
}

func (w *whiskers) DataRange() (xmin, xmax, ymin, ymax float64) {
	pmin, pmax, vmin, vmax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, it := range w.items {
		vals := []float64{}
		if it.hasMean {
			vals = append(vals, it.mean)
		}
		if it.hasCI {
			vals = append(vals, it.lo, it.hi)
		}
		for _, v := range vals {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				vmin, vmax = min(vmin, v), max(vmax, v)
				pmin, pmax = min(pmin, it.pos), max(pmax, it.pos)
			}
		}
	}
	if w.vertical {
		return pmin, pmax, vmin, vmax
	}
	return vmin, vmax, pmin, pmax
}

func (w *whiskers) Thumbnail(c *draw.Canvas) {
	mid := c.Center()
	if w.vertical {
		c.StrokeLine2(w.line, mid.X, c.Min.Y, mid.X, c.Max.Y)
	} else {
		c.StrokeLine2(w.line, c.Min.X+vg.Points(1), mid.Y, c.Max.X-vg.Points(1), mid.Y)
		if w.capLen > 0 {
			for _, x := range []vg.Length{c.Min.X + vg.Points(1), c.Max.X - vg.Points(1)} {
				c.StrokeLine2(w.line, x, mid.Y-w.capLen, x, mid.Y+w.capLen)
			}
		}
	}
	if w.glyph != nil {
		if w.edge != nil {
			c.DrawGlyph(*w.edge, mid)
		}
		c.DrawGlyph(*w.glyph, mid)
	}
}

// band fills the area between lo and hi along xs, broken where lo or hi
// is NaN (an undefined interval) or infinite.
type band struct {
	xs, lo, hi []float64
	fill       color.Color
}

func (b *band) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var run []int
	flush := func() {
		if len(run) >= 2 {
			pts := make([]vg.Point, 0, 2*len(run))
			for _, i := range run {
				pts = append(pts, vg.Point{X: trX(b.xs[i]), Y: trY(b.lo[i])})
			}
			for k := len(run) - 1; k >= 0; k-- {
				i := run[k]
				pts = append(pts, vg.Point{X: trX(b.xs[i]), Y: trY(b.hi[i])})
			}
			c.FillPolygon(b.fill, c.ClipPolygonXY(pts))
		}
		run = run[:0]
	}
	for i := range b.xs {
		if !finite(b.lo[i], b.hi[i]) {
			flush()
			continue
		}
		run = append(run, i)
	}
	flush()
}

func (b *band) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for i := range b.xs {
		if !finite(b.lo[i], b.hi[i]) {
			continue
		}
		xmin, xmax = min(xmin, b.xs[i]), max(xmax, b.xs[i])
		ymin, ymax = min(ymin, b.lo[i]), max(ymax, b.hi[i])
	}
	return
}

func (b *band) Thumbnail(c *draw.Canvas) { swatchThumb(c, b.fill, nil) }

// hrules draws horizontal lines at heights ys over the whole width of a
// panel (the separators between the rows of a dot-and-whisker chart, or a
// reference level).
type hrules struct {
	ys    []float64
	style draw.LineStyle
}

func (h *hrules) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for _, y := range h.ys {
		if Y := trY(y); Y > c.Min.Y+vg.Points(0.5) && Y < c.Max.Y-vg.Points(0.5) {
			c.StrokeLine2(h.style, c.Min.X, Y, c.Max.X, Y)
		}
	}
}

func (h *hrules) Thumbnail(c *draw.Canvas) { lineThumb(c, h.style) }

// rowTicks labels the rows of a dot-and-whisker chart: row i (from the
// top) lies at y = len-1-i.
type rowTicks []string

func (r rowTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := make([]plot.Tick, len(r))
	for i, l := range r {
		if l == "" {
			l = " " // an empty label would make a minor tick
		}
		ts[i] = plot.Tick{Value: float64(len(r) - 1 - i), Label: l}
	}
	return ts
}

// textNote is a short text in a panel: left-aligned just right of x, or
// centred in the panel when x is NaN, at the height y.
type textNote struct {
	x, y float64
	text string
}

// notes draws text notes in a panel ("n/a" where a value is undefined,
// counts beside intervals).
type notes struct {
	items []textNote
	style text.Style
}

func (n *notes) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, it := range n.items {
		sty := n.style
		sty.YAlign = draw.YCenter
		pt := vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: trY(it.y)}
		if math.IsNaN(it.x) {
			sty.XAlign = draw.XCenter
		} else {
			sty.XAlign = draw.XLeft
			pt.X = trX(it.x) + vg.Points(4)
			if w := sty.Width(it.text); pt.X+w > c.Max.X { // no room on the right: on the left
				pt.X = trX(it.x) - vg.Points(4)
				sty.XAlign = draw.XRight
			}
		}
		c.FillText(sty, pt, it.text)
	}
}

// labelledPoints draws glyphs with a text label each, placed beside the
// glyph where it overlaps no label placed before it (right, left, above,
// below, then the diagonals; right when none is free).
type labelledPoints struct {
	xy     [][2]float64
	glyphs []draw.GlyphStyle
	labels []string
	hollow []bool // drawn as a ring (a value undefined)
	style  text.Style
}

func (l *labelledPoints) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var placed []vg.Rectangle
	overlaps := func(r vg.Rectangle) bool {
		if r.Min.X < c.Min.X || r.Max.X > c.Max.X || r.Min.Y < c.Min.Y || r.Max.Y > c.Max.Y {
			return true
		}
		for _, q := range placed {
			if r.Min.X < q.Max.X && q.Min.X < r.Max.X && r.Min.Y < q.Max.Y && q.Min.Y < r.Max.Y {
				return true
			}
		}
		return false
	}
	ext := l.style.FontExtents()
	th := ext.Ascent + ext.Descent
	for i, q := range l.xy {
		pt := vg.Point{X: trX(q[0]), Y: trY(q[1])}
		if !c.Contains(pt) {
			continue
		}
		g := l.glyphs[i]
		if l.hollow[i] {
			g.Shape = draw.RingGlyph{}
		}
		c.DrawGlyph(g, pt)
		if l.labels[i] == "" {
			continue
		}
		w := l.style.Width(l.labels[i])
		gap := g.Radius + vg.Points(2)
		// The lower left corners of the candidate boxes.
		cands := []vg.Point{
			{X: pt.X + gap, Y: pt.Y - th/2}, {X: pt.X - gap - w, Y: pt.Y - th/2},
			{X: pt.X - w/2, Y: pt.Y + gap}, {X: pt.X - w/2, Y: pt.Y - gap - th},
			{X: pt.X + gap, Y: pt.Y + gap}, {X: pt.X + gap, Y: pt.Y - gap - th},
			{X: pt.X - gap - w, Y: pt.Y + gap}, {X: pt.X - gap - w, Y: pt.Y - gap - th},
		}
		rect := func(m vg.Point) vg.Rectangle { return vg.Rectangle{Min: m, Max: vg.Point{X: m.X + w, Y: m.Y + th}} }
		inside := func(r vg.Rectangle) bool {
			return r.Min.X >= c.Min.X && r.Max.X <= c.Max.X && r.Min.Y >= c.Min.Y && r.Max.Y <= c.Max.Y
		}
		// A free place; else one inside the panel, over another label
		// rather than cut off at the edge; else the right.
		box, found := rect(cands[0]), false
		for _, m := range cands {
			if r := rect(m); !overlaps(r) {
				box, found = r, true
				break
			}
		}
		for _, m := range cands {
			if r := rect(m); !found && inside(r) {
				box, found = r, true
			}
		}
		placed = append(placed, box)
		sty := l.style
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
		c.FillText(sty, vg.Point{X: box.Min.X, Y: (box.Min.Y + box.Max.Y) / 2}, l.labels[i])
	}
}

func (l *labelledPoints) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, q := range l.xy {
		xmin, xmax = min(xmin, q[0]), max(xmax, q[0])
		ymin, ymax = min(ymin, q[1]), max(ymax, q[1])
	}
	return
}

// refLine is the line y = slope x, drawn across a panel.
type refLine struct {
	slope float64
	style draw.LineStyle
}

func (r *refLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, x1 := p.X.Min, p.X.Max
	pts := []vg.Point{{X: trX(x0), Y: trY(r.slope * x0)}, {X: trX(x1), Y: trY(r.slope * x1)}}
	c.StrokeLines(r.style, c.ClipLinesXY(pts)...)
}

func (r *refLine) Thumbnail(c *draw.Canvas) { lineThumb(c, r.style) }
