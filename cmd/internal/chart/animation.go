package chart

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"
	"slices"
	"strings"

	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"dropsim/sim"
	"dropsim/sim/grid"
)

// The animation is drawn straight into paletted frames, without gonum/plot:
// a 180-day run makes 180 frames, and plot would take seconds a frame.
// Every frame shares one palette (animPalette), so the GIF has a single
// global colour table and no frame needs a local one.

// Animation timing, in 1/100 s.
const (
	animDelay     = 12  // a frame: a day, or a few for runs longer than MaxFrames days
	animLastDelay = 150 // the last frame is held a little longer before the loop restarts
)

// Palette indices.
const (
	ciWhite uint8 = iota
	ciText
	ciPolice       // Okabe-Ito blue #0072B2
	ciTreatLine    // treatment outline
	ciBufferLine   // buffer outline
	ciRule         // thin rules of the header and legend
	ciLand         // first of grid.NumClasses land-use tints
	ciDrop         = ciLand + uint8(grid.NumClasses)
	ciNumColours   = ciDrop + uint8(len(animClasses))
	animTextHeight = 13 // basicfont.Face7x13
	animCharWidth  = 7
)

// animClasses are the lower bounds of the classes of the number of drops
// placed in a cell on one day; the last class is open.
var animClasses = [...]int{1, 2, 3, 4, 6}

// animPalette is the palette of every frame. The land-use tints are pale
// (those of the static maps), so that drops and police stand out; the drop
// classes are the upper part of ColorBrewer's YlOrRd (sequential, safe for
// colour-blind readers and in greyscale), which contrasts with the blue of
// the police markers.
var animPalette = func() color.Palette {
	p := make(color.Palette, ciNumColours)
	rgb := func(v uint32) color.Color {
		return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
	}
	p[ciWhite] = rgb(0xffffff)
	p[ciText] = rgb(0x1a1a1a)
	p[ciPolice] = rgb(0x0072b2)
	p[ciTreatLine] = rgb(0x000000)
	p[ciBufferLine] = rgb(0x555555)
	p[ciRule] = rgb(0xbbbbbb)
	land := [grid.NumClasses]uint32{ // as under the static maps
		grid.Water:       0xc9ddf0, // pale blue
		grid.Centre:      0xd2d2d2, // built-up classes in light greys
		grid.Residential: 0xe6e6e6,
		grid.Private:     0xf3f3f3,
		grid.Park:        0xddebd6, // green space in pale greens
		grid.Forest:      0xc8dec0,
		grid.Industrial:  0xddd8e6, // pale lavender
	}
	for c, v := range land {
		p[ciLand+uint8(c)] = rgb(v)
	}
	drops := [len(animClasses)]uint32{0xfecc5c, 0xfd8d3c, 0xf03b20, 0xbd0026, 0x67000d}
	for i, v := range drops {
		p[ciDrop+uint8(i)] = rgb(v)
	}
	return p
}()

// animClass is the palette index of a cell with n > 0 drops placed in a day.
func animClass(n int) uint8 {
	k := 0
	for k+1 < len(animClasses) && n >= animClasses[k+1] {
		k++
	}
	return ciDrop + uint8(k)
}

// animClassLabels are the legend labels of animClasses: "1", "2", "4-5", "6+".
func animClassLabels() []string {
	var out []string
	for i, lo := range animClasses {
		switch {
		case i == len(animClasses)-1:
			out = append(out, fmt.Sprintf("%d+", lo))
		case animClasses[i+1]-1 == lo:
			out = append(out, fmt.Sprint(lo))
		default:
			out = append(out, fmt.Sprintf("%d-%d", lo, animClasses[i+1]-1))
		}
	}
	return out
}

// animLayout places the grid's cells in a frame: a header line of text,
// the map at an integer number of pixels per cell, and a two-line legend.
type animLayout struct {
	W, H          int // grid size in cells
	Scale         int // pixels per cell side
	MapX, MapY    int // the map's top-left pixel
	Width, Height int // the frame
	LegendY       int // top of the legend
}

const (
	animTargetWidth = 650 // the map is at most this wide, unless a cell must be 1 px
	animMinWidth    = 500 // room for the header and the legend
	animHeaderH     = 22
	animLegendH     = 44
	animMargin      = 6
)

// newAnimLayout scales a W x H grid to the largest whole number of pixels
// per cell that keeps the map at most about 650 px wide (at least 1 px).
func newAnimLayout(w, h int) animLayout {
	s := max(1, animTargetWidth/max(w, 1))
	l := animLayout{W: w, H: h, Scale: s}
	l.Width = max(w*s+2*animMargin, animMinWidth)
	l.MapX = (l.Width - w*s) / 2
	l.MapY = animHeaderH
	l.LegendY = l.MapY + h*s + 4
	l.Height = l.LegendY + animLegendH
	return l
}

// cellRect is the block of pixels of cell (x, y).
func (l animLayout) cellRect(x, y int) image.Rectangle {
	x0, y0 := l.MapX+x*l.Scale, l.MapY+y*l.Scale
	return image.Rect(x0, y0, x0+l.Scale, y0+l.Scale)
}

// cellCentre is the pixel at the centre of cell (x, y).
func (l animLayout) cellCentre(x, y int) image.Point {
	return image.Pt(l.MapX+x*l.Scale+l.Scale/2, l.MapY+y*l.Scale+l.Scale/2)
}

// markerRadius is the half-width of a police marker's blue square; the
// white rim is one more pixel.
func (l animLayout) markerRadius() int {
	return max(2, min(4, l.Scale/2))
}

// MaxFrames is the most frames an animation has. A run of up to MaxFrames
// days gets one frame a day; a longer one gets one frame every
// ceil(days / MaxFrames) days, so that the GIF, which report.html embeds,
// stays the size of a year's whatever the length of the run: a frame of
// the default city is about 15 kB encoded, so MaxFrames of them are a
// few MB, and 36,500 one-day frames would be hundreds.
const MaxFrames = 366

// animFrames is the number of days a frame covers and the number of frames
// of a run of days days: step = ceil(days / MaxFrames) and frames =
// ceil(days / step). Frame f covers days f*step to min((f+1)*step, days)-1;
// only the last frame can be shorter.
func animFrames(days int) (step, frames int) {
	if days <= 0 {
		return 1, 0
	}
	step = (days + MaxFrames - 1) / MaxFrames
	return step, (days + step - 1) / step
}

// animFrameDays is the first and the last day of frame f.
func animFrameDays(f, step, days int) (first, last int) {
	first = f * step
	return first, min(first+step, days) - 1
}

// AnimationCaption says what the animation shows, for the report.
func AnimationCaption(r *Run) string {
	p := &r.Params
	step, frames := animFrames(p.Days)
	var b strings.Builder
	if step == 1 {
		fmt.Fprintf(&b, "One frame a day, days 0 to %d (%.2f s a day). ", p.Days-1, float64(animDelay)/100)
		fmt.Fprintf(&b, "Coloured cells are the drops placed that day, by their number in the cell (%s; yellow-orange to dark red), not the drops still waiting on the map. ",
			strings.Join(animClassLabels(), ", "))
		b.WriteString("Blue squares with a white rim are the police units on duty that day, where they stood at the end of the day. ")
	} else {
		first, last := animFrameDays(frames-1, step, p.Days)
		fmt.Fprintf(&b, "One frame every %d days, days 0 to %d in %d frames (%.2f s a frame; the run is longer than %d days, the most frames an animation has)",
			step, p.Days-1, frames, float64(animDelay)/100, MaxFrames)
		if last > first {
			fmt.Fprintf(&b, "; the last frame covers days %d to %d. ", first, last)
		} else {
			fmt.Fprintf(&b, "; the last frame covers day %d alone. ", first)
		}
		fmt.Fprintf(&b, "Coloured cells are the drops placed in the days of the frame, by their number in the cell (%s; yellow-orange to dark red), not the drops still waiting on the map. ",
			strings.Join(animClassLabels(), ", "))
		b.WriteString("Blue squares with a white rim are the police units on duty on the last day of the frame, where they stood at the end of that day. ")
	}
	if z := r.Zones; z != nil && z.HasTreatment {
		fmt.Fprintf(&b, "The solid black outline is the treatment area; the dashed grey one is the outer edge of the buffer, %d cells wide. ", p.Zones.BufferWidth)
	}
	b.WriteString("The pale background is land use: water blue, parks and forest green, industry lavender, the centre a darker grey than the residential and private areas. ")
	if step == 1 {
		b.WriteString("The top line gives the day, whether the crackdown (police on area patrol) is on, the analysis period of the day, the units on duty and the drops placed.")
	} else {
		b.WriteString("The top line gives the days of the frame, whether the crackdown (police on area patrol) is on and the analysis period on the last of them, the units on duty then, and the drops placed in the frame's days.")
	}
	return b.String()
}

// Animation writes to w the animated GIF of drop density with police
// positions: one frame a day (one frame every few days for runs longer
// than MaxFrames days), showing the drops placed by cell, the police units
// on duty at the end of the (last) day, the treatment and buffer outlines
// over the land use. The same Run gives the same bytes.
//
// Each frame is encoded as soon as it is drawn, into one reused frame:
// the memory it takes is a few frames (about W*H*s^2 bytes each, s the
// pixels a cell) and an index of the drops and police positions, whatever
// the number of days. It stops between frames when ctx is done and returns
// ctx's error (wrapped), w then holding an incomplete GIF.
func Animation(ctx context.Context, r *Run, w io.Writer) error {
	return animate(ctx, r, w, nil)
}

// animate is Animation, calling frameDone (if not nil) after each frame is
// written, for the tests.
func animate(ctx context.Context, r *Run, w io.Writer, frameDone func(frame int)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("animation: %w", err)
	}
	a, err := newAnimator(r)
	if err != nil {
		return err
	}
	s := newGIFStream(w, image.Config{ColorModel: animPalette, Width: a.l.Width, Height: a.l.Height}, 0, a.frames)
	for f := range a.frames {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("animation: %w", err)
		}
		delay := animDelay
		if f == a.frames-1 {
			delay = animLastDelay
		}
		if err := s.Frame(a.draw(f), delay, gif.DisposalNone); err != nil {
			return fmt.Errorf("animation: %w", err)
		}
		if frameDone != nil {
			frameDone(f)
		}
	}
	if err := s.Close(); err != nil {
		return fmt.Errorf("animation: %w", err)
	}
	return nil
}

// animator draws the frames of a run's animation, one at a time, into one
// image.
type animator struct {
	r            *Run
	l            animLayout
	step, frames int
	base         *image.Paletted // what every frame shares
	overlay      []animOverlayPixel
	img          *image.Paletted // the frame, redrawn for each

	// The cell ids (y*W + x) of the drops placed in frame f are
	// drops[dropAt[f]:dropAt[f+1]], those of the police units on duty at
	// the end of its last day units[unitAt[f]:unitAt[f+1]].
	dropAt, unitAt []int
	drops, units   []int32

	count   []int32 // drops by cell, within a frame; zero between frames
	touched []int32
}

func newAnimator(r *Run) (*animator, error) {
	p := &r.Params
	W, H, days := p.City.Width, p.City.Height, p.Days
	if W <= 0 || H <= 0 || days <= 0 {
		return nil, fmt.Errorf("animation: empty run (%d x %d cells, %d days)", W, H, days)
	}
	if len(r.Land) != W*H {
		return nil, fmt.Errorf("animation: land use has %d cells, the grid %d x %d = %d", len(r.Land), W, H, W*H)
	}
	tpd := p.TicksPerDay()
	a := &animator{r: r, l: newAnimLayout(W, H), count: make([]int32, W*H)}
	a.step, a.frames = animFrames(days)
	a.base, a.overlay = animBase(r, a.l, a.step)
	a.img = &image.Paletted{Pix: make([]uint8, len(a.base.Pix)), Stride: a.base.Stride, Rect: a.base.Rect, Palette: animPalette}

	drops := r.Tables.Drops
	a.dropAt, a.drops = animBuckets(a.frames, len(drops), func(i int) (int, int32, bool) {
		d := &drops[i]
		day := int(d.Placed) / tpd
		if day < 0 || day >= days || d.X < 0 || d.Y < 0 || int(d.X) >= W || int(d.Y) >= H {
			return 0, 0, false
		}
		return day / a.step, d.Y*int32(W) + d.X, true
	})
	police := r.Tables.Police
	a.unitAt, a.units = animBuckets(a.frames, len(police), func(i int) (int, int32, bool) {
		u := &police[i]
		if u.Day < 0 || int(u.Day) >= days || u.X < 0 || u.Y < 0 || int(u.X) >= W || int(u.Y) >= H {
			return 0, 0, false
		}
		f := int(u.Day) / a.step
		if _, last := animFrameDays(f, a.step, days); int(u.Day) != last {
			return 0, 0, false
		}
		return f, u.Y*int32(W) + u.X, true
	})
	return a, nil
}

// animBuckets groups n items by frame, in their order: item i goes to
// frame f with value v when at(i) returns (f, v, true). The values of
// frame f are vals[start[f]:start[f+1]]. Two passes (a counting sort), so
// that the index is two flat slices, not a slice per frame.
func animBuckets(frames, n int, at func(i int) (f int, v int32, ok bool)) (start []int, vals []int32) {
	start = make([]int, frames+1)
	for i := range n {
		if f, _, ok := at(i); ok {
			start[f+1]++
		}
	}
	for f := range frames {
		start[f+1] += start[f]
	}
	vals = make([]int32, start[frames])
	next := slices.Clone(start[:frames])
	for i := range n {
		if f, v, ok := at(i); ok {
			vals[next[f]] = v
			next[f]++
		}
	}
	return start, vals
}

// draw draws frame f and returns it; the image is the animator's, redrawn
// by the next call.
func (a *animator) draw(f int) *image.Paletted {
	img, l, W := a.img, a.l, a.l.W
	copy(img.Pix, a.base.Pix)

	// Drops placed in the frame's days, by count per cell.
	drops := a.drops[a.dropAt[f]:a.dropAt[f+1]]
	for _, c := range drops {
		if a.count[c] == 0 {
			a.touched = append(a.touched, c)
		}
		a.count[c]++
	}
	for _, c := range a.touched {
		animFill(img, l.cellRect(int(c)%W, int(c)/W), animClass(int(a.count[c])))
		a.count[c] = 0
	}
	a.touched = a.touched[:0]

	// Outlines on top of the drops, then police on top of everything.
	for _, o := range a.overlay {
		img.Pix[o.off] = o.idx
	}
	units := a.units[a.unitAt[f]:a.unitAt[f+1]]
	rad := l.markerRadius()
	for _, u := range units {
		c := l.cellCentre(int(u)%W, int(u)/W)
		animFill(img, image.Rect(c.X-rad-1, c.Y-rad-1, c.X+rad+2, c.Y+rad+2), ciWhite)
	}
	for _, u := range units {
		c := l.cellCentre(int(u)%W, int(u)/W)
		animFill(img, image.Rect(c.X-rad, c.Y-rad, c.X+rad+1, c.Y+rad+1), ciPolice)
	}

	first, last := animFrameDays(f, a.step, a.r.Params.Days)
	animText(img, animMargin, 4+11, animDayLabel(a.r, first, last, len(units), len(drops)), ciText)
	return img
}

// animDayLabel is the header line of a frame of days from to day (from ==
// day for a frame of one day): the day or days, the state of the crackdown
// (police groups with strategy "area") and the analysis period on the last
// day, the units on duty at its end and the drops placed in the frame.
func animDayLabel(r *Run, from, day, units, drops int) string {
	parts := []string{fmt.Sprintf("day %d", day)}
	if day > from {
		parts[0] = fmt.Sprintf("days %d-%d", from, day)
	}
	on, first, last, any := false, 0, 0, false
	for _, g := range r.Params.Police.Groups {
		if g.Strategy != "area" || g.EndDay <= g.StartDay {
			continue
		}
		if !any {
			first, last, any = g.StartDay, g.EndDay, true
		}
		first, last = min(first, g.StartDay), max(last, g.EndDay)
		on = on || (day >= g.StartDay && day < g.EndDay)
	}
	switch {
	case !any:
	case on:
		parts = append(parts, "crackdown on")
	case day < first:
		parts = append(parts, "before crackdown")
	case day >= last:
		parts = append(parts, "crackdown over")
	default:
		parts = append(parts, "crackdown off")
	}
	if z := r.Zones; z != nil && z.HasPeriods {
		switch z.PeriodOf(day) {
		case sim.PeriodBefore:
			parts = append(parts, "before period")
		case sim.PeriodAfter:
			parts = append(parts, "after period")
		default:
			parts = append(parts, "outside the periods")
		}
	}
	parts = append(parts, reportPlural(units, "unit", "units"), reportPlural(drops, "drop", "drops"))
	return strings.Join(parts, "  ")
}

// animOverlayPixel is a pixel of the outlines, redrawn over each frame's drops.
type animOverlayPixel struct {
	off int
	idx uint8
}

// animBase draws what every frame shares: the land use, the outlines, the
// header rule and the legend, for frames of step days; and lists the
// outline pixels.
func animBase(r *Run, l animLayout, step int) (*image.Paletted, []animOverlayPixel) {
	img := image.NewPaletted(image.Rect(0, 0, l.Width, l.Height), animPalette)
	W, H := l.W, l.H
	for y := range H {
		for x := range W {
			c := r.Land[y*W+x]
			if c >= grid.NumClasses {
				c = grid.Residential
			}
			animFill(img, l.cellRect(x, y), ciLand+uint8(c))
		}
	}
	animFill(img, image.Rect(0, animHeaderH-3, l.Width, animHeaderH-2), ciRule)

	// Outlines on cell edges: a treatment boundary 2 px wide (1 px for 1 px
	// cells), astride the edge; the buffer's outer edge 1 px, dashed.
	var overlay []animOverlayPixel
	put := func(x, y int, idx uint8, dashed bool) {
		if x < l.MapX || y < l.MapY || x >= l.MapX+W*l.Scale || y >= l.MapY+H*l.Scale {
			return
		}
		if dashed && ((x+y)/3)%2 == 1 {
			return
		}
		off := y*img.Stride + x
		img.Pix[off] = idx
		overlay = append(overlay, animOverlayPixel{off, idx})
	}
	z := r.Zones
	if z != nil && z.HasTreatment {
		isT := func(x, y int) bool { return z.At(x, y) == sim.ZoneTreatment }
		isB := func(x, y int) bool {
			k := z.At(x, y)
			return k == sim.ZoneBuffer || k == sim.ZoneTreatment
		}
		for _, e := range []struct {
			in     func(x, y int) bool
			idx    uint8
			width  int
			dashed bool
		}{{isB, ciBufferLine, 1, true}, {isT, ciTreatLine, 2, false}} {
			w := e.width
			if l.Scale < 2 {
				w = 1
			}
			for y := -1; y < H; y++ {
				for x := -1; x < W; x++ {
					a := x >= 0 && y >= 0 && e.in(x, y)
					if right := x+1 < W && y >= 0 && e.in(x+1, y); a != right && y >= 0 {
						// vertical edge between (x, y) and (x+1, y), at pixel column ex
						ex := l.MapX + (x+1)*l.Scale
						for py := l.MapY + y*l.Scale - 1; py <= l.MapY+(y+1)*l.Scale; py++ {
							for k := range w {
								put(ex-w/2+k, py, e.idx, e.dashed)
							}
						}
					}
					if below := y+1 < H && x >= 0 && e.in(x, y+1); a != below && x >= 0 {
						ey := l.MapY + (y+1)*l.Scale
						for px := l.MapX + x*l.Scale - 1; px <= l.MapX+(x+1)*l.Scale; px++ {
							for k := range w {
								put(px, ey-w/2+k, e.idx, e.dashed)
							}
						}
					}
				}
			}
		}
	}

	// Legend: the drop classes, then the police marker and the outlines and
	// a scale bar.
	y1 := l.LegendY + 11
	x := animMargin
	lab := "drops placed in the cell that day:"
	if step > 1 {
		lab = "drops placed in the cell in those days:"
	}
	x = animText(img, x, y1, lab, ciText) + 6
	for i, lab := range animClassLabels() {
		animFill(img, image.Rect(x, y1-9, x+10, y1+1), ciDrop+uint8(i))
		x = animText(img, x+13, y1, lab, ciText) + 10
	}
	y2 := y1 + animTextHeight + 6
	x = animMargin
	animFill(img, image.Rect(x, y2-10, x+11, y2+1), ciWhite)
	animFill(img, image.Rect(x+1, y2-9, x+10, y2), ciPolice)
	x = animText(img, x+15, y2, "police unit", ciText) + 14
	if z != nil && z.HasTreatment {
		animFill(img, image.Rect(x, y2-5, x+18, y2-3), ciTreatLine)
		x = animText(img, x+22, y2, "treatment", ciText) + 14
		for k := range 18 {
			if (k/3)%2 == 0 {
				img.Pix[(y2-4)*img.Stride+x+k] = ciBufferLine
			}
		}
		x = animText(img, x+22, y2, "buffer", ciText) + 14
	}
	if cm := r.Params.City.CellM; cm > 0 {
		// a scale bar of a round length near 60 px
		m := 60 * cm / float64(l.Scale)
		for _, step := range []float64{100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000} {
			if step >= m*0.7 || step == 50000 {
				m = step
				break
			}
		}
		px := int(m / cm * float64(l.Scale))
		if x+px+60 < l.Width {
			animFill(img, image.Rect(x, y2-4, x+px, y2-2), ciText)
			animFill(img, image.Rect(x, y2-8, x+1, y2+2), ciText)
			animFill(img, image.Rect(x+px-1, y2-8, x+px, y2+2), ciText)
			lab := fmt.Sprintf("%g m", m)
			if m >= 1000 {
				lab = fmt.Sprintf("%g km", m/1000)
			}
			animText(img, x+px+5, y2, lab, ciText)
		}
	}
	return img, overlay
}

// animFill sets the pixels of r (clipped to the image) to idx.
func animFill(img *image.Paletted, r image.Rectangle, idx uint8) {
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
		for i := range row {
			row[i] = idx
		}
	}
}

// animText writes s with basicfont's 7x13 face, its baseline at y, and
// returns the x after it. Glyph pixels are set, not blended: the palette
// keeps its few colours.
func animText(img *image.Paletted, x, y int, s string, idx uint8) int {
	face := basicfont.Face7x13
	for _, ch := range s {
		dr, mask, mp, adv, ok := face.Glyph(fixed.P(x, y), ch)
		if !ok {
			dr, mask, mp, adv, _ = face.Glyph(fixed.P(x, y), '?')
		}
		a, _ := mask.(*image.Alpha)
		for py := dr.Min.Y; py < dr.Max.Y; py++ {
			for px := dr.Min.X; px < dr.Max.X; px++ {
				if !(image.Point{px, py}).In(img.Rect) {
					continue
				}
				mx, my := mp.X+px-dr.Min.X, mp.Y+py-dr.Min.Y
				var on bool
				if a != nil {
					on = a.Pix[(my-a.Rect.Min.Y)*a.Stride+mx-a.Rect.Min.X] >= 0x80
				} else {
					_, _, _, al := mask.At(mx, my).RGBA()
					on = al >= 0x8000
				}
				if on {
					img.Pix[py*img.Stride+px] = idx
				}
			}
		}
		x += adv.Round()
	}
	return x
}
