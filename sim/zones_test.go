package sim

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// zoneParams is the default 100 x 100 city with a crackdown group on the
// rectangle [55, 30, 69, 44] from day 60 of 180, with the rest of the city
// as control: the geometry these tests check by hand (control_test.go
// tests the matched control).
func zoneParams() Params {
	p := DefaultParams()
	p.Zones.ControlMethod = ControlRest
	p.Police.Groups = []GroupParams{
		{Name: "background", Strategy: "random", Count: 5, StartDay: 0, EndDay: 180},
		{Name: "crackdown", Strategy: "area", Count: 25, StartDay: 60, EndDay: 180, Area: []int{55, 30, 69, 44}},
	}
	return p
}

func mustZones(t *testing.T, p Params) *Zones {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p.BuildZones(nil)
}

func TestZonesFromAreaGroup(t *testing.T) {
	z := mustZones(t, zoneParams())
	if !z.HasTreatment || !z.HasPeriods {
		t.Fatalf("no treatment or periods: %q %q", z.Reason, z.PeriodReason)
	}
	// By hand: a 15 x 15 treatment area; the buffer of width 5 is the
	// 25 x 25 square around it less the area; the control is everything
	// beyond 10 cells, i.e. outside the 35 x 35 square; the ring between
	// the 25 x 25 and the 35 x 35 squares is elsewhere.
	want := map[Zone]int{ZoneTreatment: 225, ZoneBuffer: 25*25 - 225, ZoneElsewhere: 35*35 - 25*25, ZoneControl: 10000 - 35*35}
	for k, n := range want {
		if z.Cells[k] != n {
			t.Errorf("%s: %d cells, want %d", k, z.Cells[k], n)
		}
	}
	for _, c := range []struct {
		x, y int
		want Zone
	}{{55, 30, ZoneTreatment}, {69, 44, ZoneTreatment}, {54, 30, ZoneBuffer}, {50, 25, ZoneBuffer}, {49, 25, ZoneElsewhere},
		{45, 20, ZoneElsewhere}, {44, 20, ZoneControl}, {0, 0, ZoneControl}, {-1, 5, ZoneElsewhere}, {100, 5, ZoneElsewhere}} {
		if got := z.At(c.x, c.y); got != c.want {
			t.Errorf("At(%d, %d) = %s, want %s", c.x, c.y, got, c.want)
		}
	}
	if z.CX != 62.5 || z.CY != 37.5 {
		t.Errorf("treatment centre (%v, %v), want (62.5, 37.5)", z.CX, z.CY)
	}
	// The split is the crackdown's start; the before period starts after
	// the 10-day warm-up, so both periods are 50 days.
	if z.BeforeStart != 10 || z.SplitDay != 60 || z.AfterStart != 60 || z.AfterEnd != 110 {
		t.Errorf("periods [%d, %d) and [%d, %d), want [10, 60) and [60, 110)", z.BeforeStart, z.SplitDay, z.AfterStart, z.AfterEnd)
	}
	if z.WindowStart != 60 || z.WindowEnd != 180 {
		t.Errorf("window [%d, %d), want [60, 180)", z.WindowStart, z.WindowEnd)
	}
	for day, want := range map[int]Period{0: PeriodOutside, 9: PeriodOutside, 10: PeriodBefore, 59: PeriodBefore, 60: PeriodAfter, 109: PeriodAfter, 110: PeriodOutside} {
		if got := z.PeriodOf(day); got != want {
			t.Errorf("PeriodOf(%d) = %s, want %s", day, got, want)
		}
	}
}

func TestZonesPeriods(t *testing.T) {
	for _, c := range []struct {
		warmup, split, gap, before, after int
		bStart, aStart, aEnd, bLength     int
	}{
		{10, 0, 0, 0, 0, 10, 60, 110, 50},      // the group's start, after the warm-up; equal lengths
		{0, 0, 0, 0, 0, 0, 60, 120, 60},        // no warm-up
		{10, 0, 5, 0, 0, 10, 65, 115, 50},      // a gap of 5 days
		{10, 0, 0, 30, 0, 30, 60, 90, 30},      // before 30 days; after as long
		{10, 0, 0, 50, 120, 10, 60, 180, 50},   // unequal, both given
		{10, 150, 0, 0, 0, 120, 150, 180, 30},  // a late split: 30 days left after it
		{100, 150, 0, 0, 0, 100, 150, 200, 50}, // a long warm-up
	} {
		p := zoneParams()
		p.WarmupDays = c.warmup
		if c.warmup == 100 {
			p.Days = 200
		}
		p.Zones.SplitDay, p.Zones.GapDays, p.Zones.BeforeDays, p.Zones.AfterDays = c.split, c.gap, c.before, c.after
		z := mustZones(t, p)
		b, _ := z.PeriodDays()
		if z.BeforeStart != c.bStart || z.AfterStart != c.aStart || z.AfterEnd != c.aEnd || b != c.bLength {
			t.Errorf("%+v: before [%d, %d), after [%d, %d)", c, z.BeforeStart, z.SplitDay, z.AfterStart, z.AfterEnd)
		}
	}
	// A before period may not reach into the warm-up, and an intervention
	// that starts within it has none.
	p := zoneParams()
	p.Zones.BeforeDays = 60
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "zones.before_days = 60 is not allowed: at most split_day - warmup_days = 50 days") {
		t.Errorf("before_days 60 after a 10-day warm-up, split on day 60: %v", err)
	}
	p = zoneParams()
	p.WarmupDays = 60
	if z := mustZones(t, p); z.HasPeriods || !strings.Contains(z.PeriodReason, "within the warm-up (warmup_days = 60)") {
		t.Errorf("a crackdown on day 60 after a 60-day warm-up: periods %v, reason %q", z.HasPeriods, z.PeriodReason)
	}
	// A crackdown from day 0 has no before period.
	p = zoneParams()
	p.Police.Groups[1].StartDay = 0
	z := mustZones(t, p)
	if z.HasPeriods || !strings.Contains(z.PeriodReason, "split_day") || z.PeriodOf(10) != PeriodOutside {
		t.Errorf("crackdown from day 0: periods %v, reason %q", z.HasPeriods, z.PeriodReason)
	}
	// No area group and no [zones]: no treatment.
	p = DefaultParams()
	z = mustZones(t, p)
	if z.HasTreatment || z.Reason == "" || z.At(5, 5) != ZoneElsewhere {
		t.Errorf("no police: treatment %v, reason %q", z.HasTreatment, z.Reason)
	}
}

func TestZonesPolygonMatchesRectangle(t *testing.T) {
	rect := zoneParams()
	rect.Zones.Treatment = []int{20, 10, 29, 24}
	poly := zoneParams()
	poly.Zones.Polygon = [][]int{{20, 10}, {29, 10}, {29, 24}, {20, 24}}
	a, b := mustZones(t, rect), mustZones(t, poly)
	for y := range 100 {
		for x := range 100 {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("cell (%d, %d): rectangle %s, polygon %s", x, y, a.At(x, y), b.At(x, y))
			}
		}
	}
	if a.SplitDay != 60 {
		t.Errorf("an explicit treatment takes the split from the first area group: %d", a.SplitDay)
	}
}

// TestZonesTriangle checks the polygon fill and the buffer against brute
// force: a half-plane test for the convex triangle and the Chebyshev
// distance to every treatment cell.
func TestZonesTriangle(t *testing.T) {
	p := zoneParams()
	p.City.Width, p.City.Height = 60, 50
	p.Police.Groups = nil
	p.Zones.Polygon = [][]int{{10, 5}, {40, 12}, {18, 30}}
	p.Zones.SplitDay = 30
	p.Zones.BufferWidth = 3
	p.Zones.ControlGap = 2
	z := mustZones(t, p)
	v := [][2]float64{{10.5, 5.5}, {40.5, 12.5}, {18.5, 30.5}}
	side := func(a, b [2]float64, x, y float64) float64 { return (b[0]-a[0])*(y-a[1]) - (b[1]-a[1])*(x-a[0]) }
	var treat [][2]int
	for y := range 50 {
		for x := range 60 {
			cx, cy := float64(x)+0.5, float64(y)+0.5
			s0, s1, s2 := side(v[0], v[1], cx, cy), side(v[1], v[2], cx, cy), side(v[2], v[0], cx, cy)
			in := (s0 >= 0 && s1 >= 0 && s2 >= 0) || (s0 <= 0 && s1 <= 0 && s2 <= 0)
			if in {
				treat = append(treat, [2]int{x, y})
			}
			if in != (z.At(x, y) == ZoneTreatment) {
				t.Errorf("cell (%d, %d): inside %v, zone %s", x, y, in, z.At(x, y))
			}
		}
	}
	for y := range 50 {
		for x := range 60 {
			d := 1 << 30
			for _, c := range treat {
				d = min(d, max(abs(c[0]-x), abs(c[1]-y)))
			}
			want := ZoneElsewhere
			switch {
			case d == 0:
				want = ZoneTreatment
			case d <= 3:
				want = ZoneBuffer
			case d > 5:
				want = ZoneControl
			}
			if got := z.At(x, y); got != want {
				t.Errorf("cell (%d, %d) at distance %d: %s, want %s", x, y, d, got, want)
			}
		}
	}
}

func abs(x int) int { return max(x, -x) }

// TestZonesChebyshevRandomShapes compares the chamfer transform with brute
// force on random scattered treatment sets.
func TestZonesChebyshevRandomShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const W, H = 37, 23
	for trial := range 20 {
		label := make([]Zone, W*H)
		var pts [][2]int
		for range 1 + rng.IntN(6) {
			x, y := rng.IntN(W), rng.IntN(H)
			label[y*W+x] = ZoneTreatment
			pts = append(pts, [2]int{x, y})
		}
		reach := rng.IntN(8)
		dist := chebyshevFrom(label, W, H, reach)
		for i := range label {
			d := 1 << 30
			for _, p := range pts {
				d = min(d, max(abs(p[0]-i%W), abs(p[1]-i/W)))
			}
			if min(d, reach+1) != dist(i) {
				t.Fatalf("trial %d cell %d: %d, want %d", trial, i, dist(i), min(d, reach+1))
			}
		}
	}
}

func TestZonesBufferControl(t *testing.T) {
	p := zoneParams()
	p.Zones.Control = []int{0, 60, 39, 99}
	p.Zones.BufferControl = []int{80, 70, 99, 99}
	z := mustZones(t, p)
	if !z.HasBufferControl || z.Cells[ZoneControl] != 40*40 || z.Cells[ZoneBufferControl] != 20*30 {
		t.Errorf("control %d cells, buffer control %d cells", z.Cells[ZoneControl], z.Cells[ZoneBufferControl])
	}
	// Cells beyond the buffer outside the explicit control are elsewhere.
	if z.At(0, 0) != ZoneElsewhere || z.At(0, 60) != ZoneControl || z.At(99, 99) != ZoneBufferControl {
		t.Errorf("zones %s %s %s", z.At(0, 0), z.At(0, 60), z.At(99, 99))
	}
}

func TestZonesValidation(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(p *Params)
		key  string
	}{
		{"treatment outside the grid", func(p *Params) { p.Zones.Treatment = []int{90, 90, 100, 95} }, "zones.treatment"},
		{"treatment of 3 numbers", func(p *Params) { p.Zones.Treatment = []int{1, 2, 3} }, "zones.treatment"},
		{"polygon of 2 vertices", func(p *Params) { p.Zones.Polygon = [][]int{{1, 2}, {3, 4}} }, "zones.polygon"},
		{"polygon vertex outside", func(p *Params) { p.Zones.Polygon = [][]int{{1, 2}, {3, 4}, {300, 4}} }, "zones.polygon"},
		{"two treatments", func(p *Params) { p.Zones.Treatment = []int{1, 1, 5, 5}; p.Zones.Group = "crackdown" }, "zones.treatment"},
		{"unknown group", func(p *Params) { p.Zones.Group = "crackdwn" }, "zones.group"},
		{"group without an area", func(p *Params) { p.Zones.Group = "background" }, "zones.group"},
		{"control overlapping the buffer", func(p *Params) { p.Zones.Control = []int{40, 20, 60, 40} }, "zones.control"},
		{"buffer control overlapping the control", func(p *Params) { p.Zones.BufferControl = []int{0, 0, 9, 9} }, "zones.buffer_control"},
		{"split after the horizon", func(p *Params) { p.Zones.SplitDay = 200 }, "zones.split_day"},
		{"no after period", func(p *Params) { p.Zones.SplitDay = 170; p.Zones.GapDays = 10 }, "zones.split_day"},
		{"before longer than the split", func(p *Params) { p.Zones.BeforeDays = 70 }, "zones.before_days"},
		{"after beyond the horizon", func(p *Params) { p.Zones.AfterDays = 130 }, "zones.after_days"},
		{"negative buffer", func(p *Params) { p.Zones.BufferWidth = -1 }, "zones.buffer_width"},
		{"unknown control method", func(p *Params) { p.Zones.ControlMethod = "nearest" }, "zones.control_method"},
	} {
		p := zoneParams()
		c.edit(&p)
		err := p.Validate()
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Key != c.key {
			t.Errorf("%s: got %v, want an error for %s", c.name, err, c.key)
		}
	}
}

// TestZonesRings: each cell's ring, from the Chebyshev distance d to the
// treatment rectangle computed directly (d = max of the gaps in x and y):
// ring ceil(d / ring_width), rings + 1 beyond the last, 0 inside.
func TestZonesRings(t *testing.T) {
	for _, c := range []struct{ width, rings int }{{5, 4}, {3, 7}, {10, 1}} {
		p := zoneParams()
		p.Zones.RingWidth, p.Zones.Rings = c.width, c.rings
		z := mustZones(t, p)
		x0, y0, x1, y1 := 55, 30, 69, 44
		counts := make([]int, c.rings+2)
		for y := range z.H {
			for x := range z.W {
				d := max(x0-x, 0, x-x1, y0-y, 0, y-y1)
				want := 0
				if d > 0 {
					want = min((d+c.width-1)/c.width, c.rings+1)
				}
				if got := z.RingOf(x, y); got != want {
					t.Fatalf("width %d, %d rings: cell (%d, %d) at distance %d in ring %d, want %d", c.width, c.rings, x, y, d, got, want)
				}
				counts[want]++
			}
		}
		// Ring 1 of width w around a 15 x 15 square: (15 + 2w)^2 - 15^2 cells.
		if w := c.width; counts[1] != (15+2*w)*(15+2*w)-225 {
			t.Errorf("width %d: ring 1 has %d cells, want %d", w, counts[1], (15+2*w)*(15+2*w)-225)
		}
	}
	p := zoneParams()
	p.Zones.Rings = 0
	if z := mustZones(t, p); z.RingOf(50, 50) != 0 {
		t.Errorf("without rings, RingOf is %d", z.RingOf(50, 50))
	}
}

// TestZonesFromCells: a treatment area given as its cells has the zones,
// rings, centre and periods the same area gets as a rectangle, and bad
// cells are refused.
func TestZonesFromCells(t *testing.T) {
	rect := zoneParams()
	rect.Police.Groups = nil
	rect.Zones.Treatment, rect.Zones.SplitDay = []int{20, 10, 29, 24}, 60
	want := mustZones(t, rect)
	p := rect
	p.Zones.Treatment = nil
	var cells []int
	for y := 24; y >= 10; y-- { // in any order
		for x := 20; x <= 29; x++ {
			cells = append(cells, y*p.City.Width+x)
		}
	}
	z, errs := p.ZonesFromCells(cells, "ten by fifteen")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for y := range p.City.Height {
		for x := range p.City.Width {
			if z.At(x, y) != want.At(x, y) || z.RingOf(x, y) != want.RingOf(x, y) {
				t.Fatalf("cell (%d, %d): %s ring %d from cells, %s ring %d from the rectangle", x, y, z.At(x, y), z.RingOf(x, y), want.At(x, y), want.RingOf(x, y))
			}
		}
	}
	if z.Cells != want.Cells || z.CX != want.CX || z.CY != want.CY || z.Treatment != "ten by fifteen" || z.Control != want.Control {
		t.Errorf("cells %v centre (%v, %v) %q %q, want %v (%v, %v) %q", z.Cells, z.CX, z.CY, z.Treatment, z.Control, want.Cells, want.CX, want.CY, want.Control)
	}
	if z.BeforeStart != want.BeforeStart || z.SplitDay != 60 || z.AfterStart != want.AfterStart || z.AfterEnd != want.AfterEnd || z.WindowStart != 60 {
		t.Errorf("periods [%d, %d) [%d, %d) window %d, want [%d, 60) [%d, %d) window 60", z.BeforeStart, z.SplitDay, z.AfterStart, z.AfterEnd, z.WindowStart, want.BeforeStart, want.AfterStart, want.AfterEnd)
	}
	for _, bad := range [][]int{nil, {-1}, {100 * 100}, {5, 5}} {
		if _, errs := p.ZonesFromCells(bad, "bad"); len(errs) != 1 || errs[0].Key != "treatment cells" {
			t.Errorf("cells %v: %v, want one error about the treatment cells", bad, errs)
		}
	}
}

func TestPeriodLengths(t *testing.T) {
	for _, c := range []struct{ before, after, open, room, wantB, wantA int }{
		{0, 0, 30, 50, 30, 30}, {0, 0, 50, 30, 30, 30}, {20, 0, 30, 50, 20, 20}, {0, 20, 30, 50, 20, 20},
		{0, 40, 30, 50, 30, 40}, {40, 0, 50, 30, 40, 30}, {10, 15, 30, 50, 10, 15},
	} {
		if b, a := PeriodLengths(c.before, c.after, c.open, c.room); b != c.wantB || a != c.wantA {
			t.Errorf("PeriodLengths(%d, %d, %d, %d) = %d, %d, want %d, %d", c.before, c.after, c.open, c.room, b, a, c.wantB, c.wantA)
		}
	}
}
