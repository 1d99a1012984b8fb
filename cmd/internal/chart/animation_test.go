package chart

import (
	"bytes"
	"image"
	"image/gif"
	"math/rand/v2"
	"os"
	"testing"

	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

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
	b, err := Animation(r)
	if err != nil {
		t.Fatal(err)
	}
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

	b2, err := Animation(r)
	if err != nil {
		t.Fatal(err)
	}
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
	b, err := Animation(r)
	if err != nil {
		t.Fatal(err)
	}
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
	var n int
	for b.Loop() {
		g, err := Animation(r)
		if err != nil {
			b.Fatal(err)
		}
		n = len(g)
	}
	b.ReportMetric(float64(n), "bytes")
}

// BenchmarkAnimationLarge draws the GIF of a synthetic 500 x 500 run of 365
// days (the size of the large benchmark scenario) with 1,000 drops and 30
// police units a day at random places: for time and memory, not looks.
func BenchmarkAnimationLarge(b *testing.B) {
	p := sim.DefaultParams()
	p.Days, p.City.Width, p.City.Height = 365, 500, 500
	p.Police.Groups = []sim.GroupParams{{Name: "crackdown", Strategy: "area", Count: 30, StartDay: 120, EndDay: 365, Area: []int{300, 200, 374, 274}}}
	r := &Run{Params: p, Zones: p.BuildZones(), Land: make([]grid.Class, 500*500)}
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
	for b.Loop() {
		g, err := Animation(r)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(g)), "bytes")
	}
}
