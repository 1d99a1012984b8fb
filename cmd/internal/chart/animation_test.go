package chart

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// gifOf is the animation of r.
func gifOf(t testing.TB, r *Run) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Animation(context.Background(), r, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decodeAnimation(t *testing.T, b []byte) *gif.GIF {
	t.Helper()
	g, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding the GIF: %v", err)
	}
	return g
}

func TestAnimationFrames(t *testing.T) {
	r := testRun(t)
	b := gifOf(t, r)
	g := decodeAnimation(t, b)
	if len(g.Image) != r.Params.Days {
		t.Fatalf("%d frames, want one a day: %d", len(g.Image), r.Params.Days)
	}
	l := newAnimLayout(r.Params.City.Width, r.Params.City.Height)
	if g.Config.Width != l.Width || g.Config.Height != l.Height {
		t.Errorf("GIF is %d x %d, layout %d x %d", g.Config.Width, g.Config.Height, l.Width, l.Height)
	}
	if l.Width < 500 || l.Width > 700 {
		t.Errorf("frame is %d px wide, want 500-700", l.Width)
	}
	for i, f := range g.Image {
		if f.Bounds() != image.Rect(0, 0, l.Width, l.Height) {
			t.Fatalf("frame %d has bounds %v, want %v", i, f.Bounds(), image.Rect(0, 0, l.Width, l.Height))
		}
		if g.Delay[i] < 10 || g.Delay[i] > 200 {
			t.Errorf("frame %d delay %d", i, g.Delay[i])
		}
	}
	if len(animPalette) > 256 {
		t.Errorf("palette has %d colours", len(animPalette))
	}

	b2 := gifOf(t, r)
	if !bytes.Equal(b, b2) {
		t.Error("two animations of the same run differ")
	}
	if os.Getenv("DROPSIM_WRITE_ANIMATION") != "" {
		os.WriteFile("/tmp/dropsim_animation.gif", b, 0o644)
	}
}

// TestAnimationContent checks the pixels of a frame against the run's
// police positions and drops, through the layout's cell-to-pixel mapping.
func TestAnimationContent(t *testing.T) {
	r := testRun(t)
	b := gifOf(t, r)
	g := decodeAnimation(t, b)
	W, H := r.Params.City.Width, r.Params.City.Height
	l := newAnimLayout(W, H)
	tpd := r.Params.TicksPerDay()
	police := animPalette[ciPolice]
	isDrop := func(c uint8, f *image.Paletted) bool {
		for i := range animClasses {
			if f.Palette[c] == animPalette[ciDrop+uint8(i)] {
				return true
			}
		}
		return false
	}

	// Drops placed per day and cell.
	type cell struct{ day, x, y int }
	drops := map[cell]int{}
	for _, d := range r.Tables.Drops {
		drops[cell{int(d.Placed) / tpd, int(d.X), int(d.Y)}]++
	}
	// Is a pixel possibly covered by a police marker (rim included)?
	rad := l.markerRadius() + 1
	nearPolice := func(day int, px image.Point) bool {
		for _, u := range r.Tables.Police {
			if int(u.Day) != day {
				continue
			}
			c := l.cellCentre(int(u.X), int(u.Y))
			if animAbs(c.X-px.X) <= rad && animAbs(c.Y-px.Y) <= rad {
				return true
			}
		}
		return false
	}

	checkedPolice, checkedDrops := 0, 0
	for _, day := range []int{5, 19, 20, 40, r.Params.Days - 1} {
		f := g.Image[day]
		for _, u := range r.Tables.Police {
			if int(u.Day) != day {
				continue
			}
			c := l.cellCentre(int(u.X), int(u.Y))
			if got := f.Palette[f.ColorIndexAt(c.X, c.Y)]; got != police {
				t.Errorf("day %d: unit %d at cell (%d, %d), pixel %v has colour %v, want the police colour %v",
					day, u.Unit, u.X, u.Y, c, got, police)
			}
			checkedPolice++
		}
		for k, n := range drops {
			if k.day != day || n == 0 {
				continue
			}
			c := l.cellCentre(k.x, k.y)
			if nearPolice(day, c) {
				continue
			}
			idx := f.ColorIndexAt(c.X, c.Y)
			if !isDrop(idx, f) {
				t.Errorf("day %d: %d drops at cell (%d, %d), pixel %v has colour %v, not a density colour", day, n, k.x, k.y, c, f.Palette[idx])
				continue
			}
			if want := animPalette[animClass(n)]; f.Palette[idx] != want {
				t.Errorf("day %d: %d drops at cell (%d, %d) drawn as %v, want %v", day, n, k.x, k.y, f.Palette[idx], want)
			}
			checkedDrops++
		}
		// A cell with no drop and no police that day shows no density colour.
		for y := 0; y < H; y += 7 {
			for x := 0; x < W; x += 7 {
				c := l.cellCentre(x, y)
				if drops[cell{day, x, y}] == 0 && !nearPolice(day, c) && isDrop(f.ColorIndexAt(c.X, c.Y), f) {
					t.Errorf("day %d: cell (%d, %d) has no drop but a density colour", day, x, y)
				}
			}
		}
	}
	if checkedPolice == 0 || checkedDrops == 0 {
		t.Fatalf("checked %d police units and %d drop cells: the test run should have both", checkedPolice, checkedDrops)
	}
}

func TestAnimLayout(t *testing.T) {
	for _, c := range []struct{ w, h, scale int }{{60, 60, 10}, {100, 100, 6}, {500, 500, 1}, {300, 200, 2}, {10, 10, 65}} {
		l := newAnimLayout(c.w, c.h)
		if l.Scale != c.scale {
			t.Errorf("%d x %d: %d px a cell, want %d", c.w, c.h, l.Scale, c.scale)
		}
		if l.Width < c.w*l.Scale || l.Height < c.h*l.Scale {
			t.Errorf("%d x %d: frame %d x %d too small", c.w, c.h, l.Width, l.Height)
		}
		last := l.cellRect(c.w-1, c.h-1)
		if !last.In(image.Rect(0, 0, l.Width, l.LegendY)) {
			t.Errorf("%d x %d: last cell %v outside the map area", c.w, c.h, last)
		}
	}
}

func TestAnimationCaption(t *testing.T) {
	c := AnimationCaption(testRun(t))
	for _, want := range []string{"drops placed that day", "police", "treatment", "buffer"} {
		if !bytes.Contains([]byte(c), []byte(want)) {
			t.Errorf("caption lacks %q: %s", want, c)
		}
	}
}

func animAbs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// BenchmarkAnimationDefault draws the GIF of a default-size run (100 x 100
// cells, 180 days): `GOMAXPROCS=1 go test -run '^$' -bench Animation ./cmd/internal/chart/`.
func BenchmarkAnimationDefault(b *testing.B) {
	r := defaultSizeRun(b)
	b.ReportMetric(float64(len(r.Tables.Drops)), "drops")
	b.ResetTimer()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Animation(context.Background(), r, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// BenchmarkAnimationLarge draws the GIF of a synthetic 500 x 500 run of 365
// days (the size of the large benchmark scenario) with 1,000 drops and 30
// police units a day at random places: for time and memory, not looks.
func BenchmarkAnimationLarge(b *testing.B) {
	p := sim.DefaultParams()
	p.WarmupDays = 0 // the before period from day 0
	p.Days, p.City.Width, p.City.Height = 365, 500, 500
	p.Police.Groups = []sim.GroupParams{{Name: "crackdown", Strategy: "area", Count: 30, StartDay: 120, EndDay: 365, Area: []int{300, 200, 374, 274}}}
	r := &Run{Params: p, Zones: p.BuildZones(nil), Land: make([]grid.Class, 500*500)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range r.Land {
		r.Land[i] = grid.Class(1 + i/500%6)
	}
	tpd := int32(p.TicksPerDay())
	for day := range int32(p.Days) {
		for range 1000 {
			r.Tables.Drops = append(r.Tables.Drops, sim.DropRecord{X: rng.Int32N(500), Y: rng.Int32N(500), Placed: day*tpd + rng.Int32N(tpd)})
		}
		for u := range int32(30) {
			r.Tables.Police = append(r.Tables.Police, metrics.PoliceRecord{Day: day, UnitPos: sim.UnitPos{Unit: u, X: rng.Int32N(500), Y: rng.Int32N(500)}})
		}
	}
	b.ResetTimer()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Animation(context.Background(), r, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// TestAnimationGolden compares the animations of synthetic runs of up to
// MaxFrames days with SHA-256 sums in a golden file. The sums were made by
// Animation as it was before the GIF was streamed (commit cf57834, which
// built every frame and called gif.EncodeAll once), so they pin that runs
// of up to MaxFrames days keep their bytes; go test -run
// AnimationGolden -update rewrites them.
func TestAnimationGolden(t *testing.T) {
	var b strings.Builder
	b.WriteString("# SHA-256 and size of the animations of syntheticRun(days, w, h, perDay)\n")
	for _, c := range []struct{ days, w, h, perDay int }{{30, 40, 30, 15}, {1, 40, 30, 15}, {MaxFrames, 30, 20, 5}} {
		g := gifOf(t, syntheticRun(c.days, c.w, c.h, c.perDay))
		fmt.Fprintf(&b, "%d %d %d %d\t%x %d\n", c.days, c.w, c.h, c.perDay, sha256.Sum256(g), len(g))
	}
	golden := filepath.Join("testdata", "animation.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run AnimationGolden -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("animations:\n%s\nwant (%s):\n%s", b.String(), golden, want)
	}
}

// TestAnimationIsEncodeAll: the streamed GIF of a run is gif.EncodeAll of
// its frames, drawn here one by one and kept, with the delays of the
// animation (12/100 s, the last 150/100 s) and no disposal.
func TestAnimationIsEncodeAll(t *testing.T) {
	for _, r := range []*Run{testRun(t), syntheticRun(MaxFrames+1, 100, 20, 3)} {
		a, err := newAnimator(r)
		if err != nil {
			t.Fatal(err)
		}
		g := &gif.GIF{Config: image.Config{ColorModel: animPalette, Width: a.l.Width, Height: a.l.Height}}
		for f := range a.frames {
			img := a.draw(f)
			g.Image = append(g.Image, &image.Paletted{Pix: slices.Clone(img.Pix), Stride: img.Stride, Rect: img.Rect, Palette: img.Palette})
			g.Delay = append(g.Delay, 12)
			g.Disposal = append(g.Disposal, gif.DisposalNone)
		}
		g.Delay[len(g.Delay)-1] = 150
		var want bytes.Buffer
		if err := gif.EncodeAll(&want, g); err != nil {
			t.Fatal(err)
		}
		got := gifOf(t, r)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%d days: the streamed GIF (%d bytes) is not gif.EncodeAll of its %d frames (%d bytes)", r.Params.Days, len(got), len(g.Image), want.Len())
		}
		d := decodeAnimation(t, got)
		if len(d.Image) != len(g.Image) {
			t.Fatalf("%d days: %d frames decoded, %d drawn", r.Params.Days, len(d.Image), len(g.Image))
		}
		for i := range d.Image {
			if !bytes.Equal(d.Image[i].Pix, g.Image[i].Pix) {
				t.Errorf("%d days: frame %d decodes to other pixels than drawn", r.Params.Days, i)
			}
		}
	}
}

func TestAnimFrames(t *testing.T) {
	// step = ceil(days / 366), frames = ceil(days / step), by hand.
	for _, c := range []struct{ days, step, frames, lastFirst, lastLast int }{
		{1, 1, 1, 0, 0},
		{180, 1, 180, 179, 179},
		{366, 1, 366, 365, 365},
		{367, 2, 184, 366, 366},     // 367 = 183*2 + 1: the last frame has one day
		{732, 2, 366, 730, 731},     // 732 = 366*2
		{733, 3, 245, 732, 732},     // 733/366 = 2.003; 733 = 244*3 + 1
		{3650, 10, 365, 3640, 3649}, // 3650/366 = 9.97
		{3651, 10, 366, 3650, 3650},
		{36500, 100, 365, 36400, 36499}, // 36500/366 = 99.7
	} {
		step, frames := animFrames(c.days)
		if step != c.step || frames != c.frames {
			t.Errorf("%d days: %d frames of %d days, want %d of %d", c.days, frames, step, c.frames, c.step)
			continue
		}
		if first, last := animFrameDays(frames-1, step, c.days); first != c.lastFirst || last != c.lastLast {
			t.Errorf("%d days: the last frame covers days %d-%d, want %d-%d", c.days, first, last, c.lastFirst, c.lastLast)
		}
	}
}

// TestAnimationLongRun animates a 3,650-day run: ceil(3650/366) = 10 days a
// frame, ceil(3650/10) = 365 frames. The drops and police positions are
// placed by hand, and each frame's counts are worked out here from them.
func TestAnimationLongRun(t *testing.T) {
	const days, W, H = 3650, 30, 20
	r := syntheticRun(days, W, H, 0)
	r.Tables.Police = nil
	tpd := int32(r.Params.TicksPerDay())
	drop := func(day, n, x, y int) {
		for i := range n {
			r.Tables.Drops = append(r.Tables.Drops, sim.DropRecord{X: int32(x), Y: int32(y), Placed: int32(day)*tpd + int32(i)%tpd})
		}
	}
	unit := func(day, x, y int) {
		r.Tables.Police = append(r.Tables.Police, metrics.PoliceRecord{Day: int32(day), UnitPos: sim.UnitPos{X: int32(x), Y: int32(y)}})
	}
	drop(0, 1, 2, 2) // frame 0 (days 0-9): 3 drops in cell (2, 2)
	drop(9, 2, 2, 2)
	drop(10, 3, 5, 5)    // frame 1 (days 10-19): 3 in (5, 5)
	drop(349, 1, 8, 3)   // frame 34 (days 340-349): 1 in (8, 3)
	drop(355, 5, 8, 3)   // frame 35 (days 350-359): 6 in (8, 3)
	drop(359, 1, 8, 3)   //
	drop(3649, 4, 3, 15) // frame 364 (days 3640-3649): 4 in (3, 15)
	unit(355, 12, 12)    // not the last day of frame 35: not shown
	unit(359, 12, 2)     // shown in frame 35
	unit(3649, 1, 18)    // both shown in frame 364
	unit(3649, 25, 2)
	unit(3648, 6, 9) // not shown

	g := decodeAnimation(t, gifOf(t, r))
	if len(g.Image) != 365 {
		t.Fatalf("%d frames, want 365", len(g.Image))
	}
	for i, d := range g.Delay {
		if want := map[bool]int{true: 150, false: 12}[i == 364]; d != want {
			t.Fatalf("frame %d: delay %d, want %d", i, d, want)
		}
	}
	l := newAnimLayout(W, H)
	colour := func(f, x, y int) color.Color {
		c := l.cellCentre(x, y)
		return g.Image[f].At(c.X, c.Y)
	}
	type cell struct{ x, y int }
	// The cells with drops in each frame, with their class: 3 drops are the
	// third class (ciDrop+2), 6 the fifth (6+), 1 the first, 4 the fourth (4-5).
	drops := map[int]map[cell]uint8{
		0:   {{2, 2}: ciDrop + 2},
		1:   {{5, 5}: ciDrop + 2},
		34:  {{8, 3}: ciDrop},
		35:  {{8, 3}: ciDrop + 4},
		364: {{3, 15}: ciDrop + 3},
	}
	police := map[int][]cell{35: {{12, 2}}, 364: {{1, 18}, {25, 2}}}
	watched := []cell{{2, 2}, {5, 5}, {8, 3}, {3, 15}}
	for _, f := range []int{0, 1, 2, 34, 35, 36, 200, 363, 364} {
		for _, c := range watched {
			want := animPalette[ciLand+uint8(r.Land[c.y*W+c.x])]
			if idx, ok := drops[f][c]; ok {
				want = animPalette[idx]
			}
			if got := colour(f, c.x, c.y); got != want {
				t.Errorf("frame %d: cell (%d, %d) is %v, want %v", f, c.x, c.y, got, want)
			}
		}
		for _, c := range police[f] {
			if got := colour(f, c.x, c.y); got != animPalette[ciPolice] {
				t.Errorf("frame %d: no police unit at (%d, %d): %v", f, c.x, c.y, got)
			}
		}
		for _, c := range []cell{{12, 12}, {6, 9}} { // police of a day that is not the last of its frame
			if got := colour(f, c.x, c.y); got == animPalette[ciPolice] {
				t.Errorf("frame %d: a police unit at (%d, %d)", f, c.x, c.y)
			}
		}
	}

	// The header lines. The crackdown runs from day 3650/3 = 1216 to the end;
	// the periods are [0, 1216) and [1216, 2432).
	for f, want := range map[int]string{
		0:   "days 0-9  before crackdown  before period  0 units  3 drops",
		1:   "days 10-19  before crackdown  before period  0 units  3 drops",
		2:   "days 20-29  before crackdown  before period  0 units  0 drops",
		35:  "days 350-359  before crackdown  before period  1 unit  6 drops",
		121: "days 1210-1219  crackdown on  after period  0 units  0 drops",
		364: "days 3640-3649  crackdown on  outside the periods  2 units  4 drops",
	} {
		checkText(t, g.Image[f], image.Rect(0, 0, l.Width, animHeaderH-3), animMargin, 4+11, want)
	}
	checkText(t, g.Image[0], image.Rect(0, l.LegendY, l.Width, l.LegendY+animTextHeight+2), animMargin, l.LegendY+11,
		"drops placed in the cell in those days:")

	c := AnimationCaption(r)
	for _, want := range []string{"One frame every 10 days, days 0 to 3649 in 365 frames", "the last frame covers days 3640 to 3649",
		"drops placed in the days of the frame", "on duty on the last day of the frame"} {
		if !strings.Contains(c, want) {
			t.Errorf("caption lacks %q: %s", want, c)
		}
	}
	r.Params.Days = 3651
	if c := AnimationCaption(r); !strings.Contains(c, "in 366 frames") || !strings.Contains(c, "the last frame covers day 3650 alone") {
		t.Errorf("caption of 3,651 days: %s", c)
	}
}

// checkText compares the pixels of box in frame f with those of text s
// written at (x, y) on white, so that the frame shows s and nothing else
// there (the bounding box of the text of the line, cut at its right end).
func checkText(t *testing.T, f *image.Paletted, box image.Rectangle, x, y int, s string) {
	t.Helper()
	want := image.NewPaletted(f.Rect, animPalette)
	end := animText(want, x, y, s, ciText)
	box.Max.X = min(box.Max.X, end+animCharWidth)
	for py := box.Min.Y; py < box.Max.Y; py++ {
		for px := box.Min.X; px < box.Max.X; px++ {
			got := f.Palette[f.ColorIndexAt(px, py)] == animPalette[ciText]
			if w := want.ColorIndexAt(px, py) == ciText; got != w {
				t.Errorf("the text at (%d, %d) is not %q: pixel (%d, %d) differs", x, y, s, px, py)
				return
			}
		}
	}
}

// TestAnimationCancel cancels the context after frame k has been written:
// Animation returns context.Canceled, and what it wrote, closed with the
// GIF trailer, decodes to at most k+1 frames.
func TestAnimationCancel(t *testing.T) {
	r := testRun(t)
	const k = 3
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var buf bytes.Buffer
	err := animate(ctx, r, &buf, func(f int) {
		if f == k {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	g := decodeAnimation(t, append(buf.Bytes(), 0x3b))
	if len(g.Image) == 0 || len(g.Image) > k+1 {
		t.Errorf("%d frames written of %d, want 1 to %d", len(g.Image), r.Params.Days, k+1)
	}

	buf.Reset()
	if err := Animation(ctx, r, &buf); !errors.Is(err, context.Canceled) || buf.Len() != 0 {
		t.Errorf("a cancelled context: %v and %d bytes written, want context.Canceled and none", err, buf.Len())
	}
}

// heapWatch is a writer that throws away what it is given, but first
// collects the garbage and notes the largest live heap seen (HeapAlloc
// after a GC), so that what the writer's caller holds shows while it
// writes.
type heapWatch struct {
	peak   uint64
	writes int
}

func (h *heapWatch) Write(p []byte) (int, error) {
	h.writes++
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapAlloc)
	return len(p), nil
}

// TestAnimationMemory bounds what the animation of a 3,650-day run holds
// while it writes, and what it allocates in all: a 100 x 100 city, 6 px a
// cell, makes frames of 612 x 670 = 410,040 bytes, so that holding its 365
// frames would take 150 MB.
//
// Held: the frame, the shared background, the buffer of one encoded frame
// (at most a raw frame plus the LZW overhead), the outline pixels (16 bytes
// each, about one per cell of a 30 x 30 area's edges), 4 bytes a cell for
// the counts, and the index of the records (4 bytes each); so under 4
// frames plus 4 bytes a record.
//
// Allocated: the same once, plus what gif.EncodeAll takes for each frame
// (its LZW table, 64 kB, and an encoder of about 2 kB), about a sixth of a
// frame; an animation that allocated a new image for each frame would
// allocate over one frame per frame.
func TestAnimationMemory(t *testing.T) {
	const days, side, perDay = 3650, 100, 20
	r := syntheticRun(days, side, side, perDay)
	l := newAnimLayout(side, side)
	frame := uint64(l.Width * l.Height)
	if frame != 612*670 {
		t.Fatalf("frame of %d x %d, want 612 x 670", l.Width, l.Height)
	}
	_, frames := animFrames(days)
	records := uint64(len(r.Tables.Drops) + len(r.Tables.Police))

	var w heapWatch
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := Animation(context.Background(), r, &w); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if w.writes < frames {
		t.Fatalf("%d writes for %d frames", w.writes, frames)
	}
	held := w.peak - min(w.peak, before.HeapAlloc)
	if limit := 4*frame + 4*records; held > limit {
		t.Errorf("the animation held %d bytes while writing, over %d (4 frames of %d bytes and 4 bytes for each of %d records): frames are kept",
			held, limit, frame, records)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if limit := 4*frame + 8*records + uint64(frames)*frame/4; alloc > limit {
		t.Errorf("the animation allocated %d bytes for %d frames, over %d (a quarter of a frame of %d bytes a frame): frames are not reused",
			alloc, frames, limit, frame)
	}
	t.Logf("%d frames of %d bytes, %d records: held %d bytes at most, allocated %d", frames, frame, records, held, alloc)
}
