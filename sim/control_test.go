package sim

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dropsim/sim/grid"
)

// bruteMatch is MatchCells by a second method: every free cell farther
// than reach from every treatment cell (by brute force), sorted by its
// distance to the treatment's bounding box and then by its place on that
// square ring (top row by x, the sides by y then west before east, the
// bottom row by x); of each land use, the first as many as the treatment has.
func bruteMatch(z *Zones, land []grid.Class, reach int) []int {
	W, H := z.W, z.H
	var treat []int
	bx0, by0, bx1, by1 := W, H, -1, -1
	want := map[grid.Class]int{}
	for i := range W * H {
		if z.At(i%W, i/W) == ZoneTreatment {
			treat = append(treat, i)
			want[land[i]]++
			x, y := i%W, i/W
			bx0, by0, bx1, by1 = min(bx0, x), min(by0, y), max(bx1, x), max(by1, y)
		}
	}
	type cand struct{ d, section, y, x, id int }
	var cs []cand
	for i := range W * H {
		x, y := i%W, i/W
		if z.At(x, y) != ZoneElsewhere {
			continue
		}
		near := false
		for _, t := range treat {
			if max(abs(t%W-x), abs(t/W-y)) <= reach {
				near = true
				break
			}
		}
		if near {
			continue
		}
		d := max(bx0-x, x-bx1, by0-y, y-by1, 0)
		section := 1
		switch {
		case y == by0-d:
			section = 0
		case y == by1+d:
			section = 2
		}
		cs = append(cs, cand{d, section, y, x, i})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		for _, c := range [][2]int{{a.d, b.d}, {a.section, b.section}, {a.y, b.y}, {a.x, b.x}} {
			if c[0] != c[1] {
				return c[0] - c[1]
			}
		}
		return 0
	})
	var out []int
	for _, c := range cs {
		if want[land[c.id]] > 0 {
			want[land[c.id]]--
			out = append(out, c.id)
		}
	}
	slices.Sort(out)
	return out
}

// controlCells lists the control cells of z by cell id.
func controlCells(z *Zones) []int {
	var out []int
	for i := range z.W * z.H {
		if z.At(i%z.W, i/z.W) == ZoneControl {
			out = append(out, i)
		}
	}
	return out
}

// TestMatchedControlByHand: on a 12 x 12 grid all residential but for two
// park cells in the 3 x 3 treatment area [4, 4, 6, 6] and a column of park
// at x = 11, with the buffer 1 wide and reach 3, the control is 7
// residential cells of the ring 4 cells from the area (its top row, y =
// 0, x = 0 to 6) and the 2 park cells nearest it (x = 11, y = 0 and 1,
// 5 cells away: the ring at 4 holds no park).
func TestMatchedControlByHand(t *testing.T) {
	p := DefaultParams()
	p.Days, p.WarmupDays = 20, 0
	p.City.Width, p.City.Height = 12, 12
	p.Zones.Treatment, p.Zones.SplitDay = []int{4, 4, 6, 6}, 10
	p.Zones.BufferWidth, p.Zones.ControlGap, p.Zones.Rings = 1, 2, 0
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	land := make([]grid.Class, 144)
	for i := range land {
		land[i] = grid.Residential
	}
	land[4*12+4], land[6*12+6] = grid.Park, grid.Park
	for y := range 12 {
		land[y*12+11] = grid.Park
	}
	if z := p.BuildZones(nil); !z.ControlPending || z.Cells[ZoneControl] != 0 {
		t.Fatalf("without a map: pending %v, %d control cells; want pending and none", z.ControlPending, z.Cells[ZoneControl])
	}
	z := p.BuildZones(land)
	want := []int{0, 1, 2, 3, 4, 5, 6, 11, 23}
	if got := controlCells(z); !slices.Equal(got, want) {
		t.Errorf("control cells %v, want %v", got, want)
	}
	if z.Match == nil || z.Match.Reach != 3 || z.Match.Nearest != 4 || z.Match.Farthest != 5 || z.Match.Mismatch != 0 {
		t.Errorf("match %+v, want reach 3, cells 4 to 5 away, no mismatch", z.Match)
	}
	if z.Cells[ZoneControl] != 9 || !strings.Contains(z.Control, "9 cells matched") {
		t.Errorf("%d control cells, %q", z.Cells[ZoneControl], z.Control)
	}
	// Without park beyond the reach, the two park cells find no match.
	for y := range 12 {
		land[y*12+11] = grid.Residential
	}
	z = p.BuildZones(land)
	if z.Cells[ZoneControl] != 7 || z.Match.Mismatch != 2.0/9 || !strings.Contains(z.Control, "22% of the treatment's cells found no match") {
		t.Errorf("no park: %d control cells, mismatch %v, %q", z.Cells[ZoneControl], z.Match.Mismatch, z.Control)
	}
	// With nothing of the treatment's land uses beyond the reach, the
	// control is the rest of the city beyond buffer_width + control_gap.
	for i := range land {
		if z.At(i%12, i/12) != ZoneTreatment {
			land[i] = grid.Forest
		}
	}
	z = p.BuildZones(land)
	if z.Match != nil || z.Cells[ZoneControl] != 144-9*9 || !strings.Contains(z.Control, "no cell of the treatment's land uses") {
		t.Errorf("no match at all: %d control cells, %q", z.Cells[ZoneControl], z.Control)
	}
}

// TestMatchedControlAgreesWithBruteForce compares MatchCells with
// bruteMatch on random maps and treatment areas, rectangles and polygons,
// and checks the matched control's land-use mix equals the treatment's.
func TestMatchedControlAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 40 {
		p := DefaultParams()
		p.Days, p.WarmupDays = 20, 0
		W, H := 20+r.IntN(25), 20+r.IntN(25)
		p.City.Width, p.City.Height = W, H
		x0, y0 := r.IntN(W-4), r.IntN(H-4)
		x1, y1 := x0+r.IntN(min(6, W-x0)), y0+r.IntN(min(6, H-y0))
		if trial%2 == 0 {
			p.Zones.Treatment = []int{x0, y0, x1, y1}
		} else {
			p.Zones.Polygon = [][]int{{x0, y0}, {x1 + 2, y0}, {x0, y1 + 2}}
			if x1+2 >= W || y1+2 >= H {
				p.Zones.Polygon = [][]int{{x0, y0}, {x1, y0}, {x0, y1}}
			}
		}
		p.Zones.SplitDay = 10
		p.Zones.BufferWidth, p.Zones.ControlGap = r.IntN(3), r.IntN(3)
		p.Zones.RingWidth, p.Zones.Rings = 1+r.IntN(3), r.IntN(4)
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		land := make([]grid.Class, W*H)
		for i := range land {
			land[i] = grid.Class(1 + r.IntN(3)) // centre, residential or private
		}
		z := p.BuildZones(land)
		reach := max(p.Zones.BufferWidth+p.Zones.ControlGap, p.Zones.Rings*p.Zones.RingWidth)
		want := bruteMatch(p.BuildZones(nil), land, reach) // the zones before the control is labelled
		if len(want) == 0 {
			continue // the fallback, tested by hand above
		}
		got := controlCells(z)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (%d x %d, zones %+v): control %v, brute force %v", trial, W, H, p.Zones, got, want)
		}
		if z.Match.Mismatch == 0 {
			var mt, mc [grid.NumClasses]int
			for i := range land {
				switch z.At(i%W, i/W) {
				case ZoneTreatment:
					mt[land[i]]++
				case ZoneControl:
					mc[land[i]]++
				}
			}
			if mt != mc {
				t.Errorf("trial %d: land uses %v in the treatment, %v in the control", trial, mt, mc)
			}
		}
	}
}

// TestMatchedControlOfTheDefaultCity: the crackdown's matched control on
// the default city is reproducible (two models of one seed give the same
// cells), as large as the treatment area, of its land uses, and wholly
// beyond the rings.
func TestMatchedControlOfTheDefaultCity(t *testing.T) {
	p := zoneParams()
	p.Zones.ControlMethod = ControlMatched
	m1, err := New(p, 5)
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := New(p, 5)
	z1, z2 := p.BuildZones(m1.G.Class), p.BuildZones(m2.G.Class)
	c1 := controlCells(z1)
	if !slices.Equal(c1, controlCells(z2)) || len(c1) != 225 || z1.Match.Mismatch != 0 {
		t.Fatalf("control of %d cells (mismatch %v), a second build %d", len(c1), z1.Match.Mismatch, len(controlCells(z2)))
	}
	for _, i := range c1 {
		x, y := i%100, i/100
		if d := max(55-x, x-69, 30-y, y-44); d <= 20 {
			t.Errorf("control cell (%d, %d) is %d cells from the treatment area, within the rings", x, y, d)
		}
	}
}
