package sim

import (
	"fmt"

	"dropsim/sim/grid"
)

// The comparable control (zones.control_method = "matched"). Wheeler and
// Ratcliffe's WDD assumes a control area like the treatment area; the rest
// of the city is not (8,607 cells against 225 in crackdown.toml, with its
// own trend). The matched control has as many cells of each land use as
// the treatment area, the nearest to it outside the buffer, the control
// gap and the distance rings (so that displacement the rings measure does
// not reach it). A block of the treatment's shape rarely fits: beyond 2 km
// of rings a 10 km city has no 15 x 15 block of blocks of flats left. It
// needs the land-use map, which a radial city draws from the run's seed:
// BuildZones labels it once the map is known.

// Control methods of zones.control_method.
const (
	ControlMatched = "matched" // a translate of the treatment area matched on land use
	ControlRest    = "rest"    // every cell beyond buffer_width + control_gap
)

// ControlMatch describes a matched control area.
type ControlMatch struct {
	// Reach is how far from the treatment area the control starts: its
	// cells are all farther than Reach (Chebyshev) from it.
	Reach int
	// Mismatch is the sum over the strata (land-use classes) of the
	// difference between the treatment's and the control's count of cells,
	// over the treatment's cells: 0 when every stratum is matched.
	Mismatch float64
	// Nearest and Farthest are the control cells' distances from the
	// treatment area's bounding box, in cells.
	Nearest, Farthest int
}

// MatchReach is how far from the treatment area a matched control must
// start, in cells: beyond the buffer and the control gap, and beyond the
// rings.
func (zp *ZoneParams) MatchReach() int {
	return max(zp.BufferWidth+zp.ControlGap, zp.Rings*zp.RingWidth)
}

// MatchCells picks a control area of matched cells: for each stratum of
// the treatment's cells (stratum(cell) in 0..k-1, or -1 for a cell no
// stratum holds), as many cells of the same stratum, those nearest the
// treatment area, among the cells farther than reach from it and in no
// zone. Nearness is the Chebyshev distance to the treatment's bounding
// box; cells equally near are taken in the order of the square ring
// around the box (its top row west to east, then its sides north to
// south, then its bottom row), so the choice is reproducible. It returns
// the control's cells by cell id, and nil when no cell matched.
func (z *Zones) MatchCells(reach, k int, stratum func(cell int) int) ([]int, ControlMatch) {
	m := ControlMatch{Reach: reach}
	if z == nil || z.label == nil {
		return nil, m
	}
	W, H := z.W, z.H
	want := make([]int, k)
	bx0, by0, bx1, by1 := W, H, -1, -1
	n := 0
	for i, l := range z.label {
		if l == ZoneTreatment {
			n++
			if s := stratum(i); s >= 0 {
				want[s]++
			}
			x, y := i%W, i/W
			bx0, by0, bx1, by1 = min(bx0, x), min(by0, y), max(bx1, x), max(by1, y)
		}
	}
	if n == 0 {
		return nil, m
	}
	missing := 0
	for _, w := range want {
		missing += w
	}
	dist := chebyshevFrom(z.label, W, H, reach)
	var cells []int
	take := func(x, y, d int) {
		if x < 0 || y < 0 || x >= W || y >= H {
			return
		}
		i := y*W + x
		if z.label[i] != ZoneElsewhere || dist(i) <= reach {
			return
		}
		if s := stratum(i); s >= 0 && want[s] > 0 {
			want[s]--
			missing--
			cells = append(cells, i)
			m.Farthest = d
			if len(cells) == 1 {
				m.Nearest = d
			}
		}
	}
	// The box itself (a polygon leaves cells of it free), row by row, then
	// the square rings around it, nearest first, until every stratum is
	// full or the rings have left the grid.
	for y := by0; y <= by1 && missing > 0; y++ {
		for x := bx0; x <= bx1; x++ {
			take(x, y, 0)
		}
	}
	for d := 1; missing > 0 && (bx0-d >= 0 || by0-d >= 0 || bx1+d < W || by1+d < H); d++ {
		x0, y0, x1, y1 := bx0-d, by0-d, bx1+d, by1+d
		for x := max(x0, 0); x <= min(x1, W-1); x++ {
			take(x, y0, d)
		}
		for y := max(y0+1, 0); y <= min(y1-1, H-1); y++ {
			take(x0, y, d)
			take(x1, y, d)
		}
		for x := max(x0, 0); x <= min(x1, W-1); x++ {
			take(x, y1, d)
		}
	}
	m.Mismatch = float64(n-len(cells)) / float64(n)
	return cells, m
}

// WithControl returns a copy of z whose control area is the given cells
// (any earlier control cells are elsewhere again), described by what; m
// says how they were matched, nil for cells not matched.
func (z *Zones) WithControl(cells []int, m *ControlMatch, what string) *Zones {
	c := *z
	c.label = make([]Zone, len(z.label))
	for i, l := range z.label {
		if l != ZoneControl {
			c.label[i] = l
		}
	}
	for _, i := range cells {
		c.label[i] = ZoneControl
	}
	c.Cells = [NumZones]int{}
	for _, l := range c.label {
		c.Cells[l]++
	}
	c.Match, c.Control, c.ControlPending = m, what, false
	return &c
}

// matchLandUse gives zones waiting for a matched control (ControlPending)
// cells matched on land use; with none, the rest of the city beyond
// buffer_width + control_gap.
func (z *Zones) matchLandUse(land []grid.Class, zp *ZoneParams) *Zones {
	if !z.ControlPending || len(land) != z.W*z.H {
		return z
	}
	reach := zp.MatchReach()
	cells, m := z.MatchCells(reach, int(grid.NumClasses), func(i int) int { return int(land[i]) })
	if len(cells) > 0 {
		what := fmt.Sprintf("%d cells matched to the treatment area's land uses, cell for cell, the nearest of each land use farther than %d cells from it (beyond the buffer, the gap and the rings; %d to %d cells from it; zones.control_method = %q)",
			len(cells), reach, m.Nearest, m.Farthest, ControlMatched)
		if m.Mismatch > 0 {
			what += fmt.Sprintf("; %.0f%% of the treatment's cells found no match", 100*m.Mismatch)
		}
		return z.WithControl(cells, &m, what)
	}
	gap := zp.BufferWidth + zp.ControlGap
	dist := chebyshevFrom(z.label, z.W, z.H, gap)
	var rest []int
	for i, l := range z.label {
		if l == ZoneElsewhere && dist(i) > gap {
			rest = append(rest, i)
		}
	}
	return z.WithControl(rest, nil, fmt.Sprintf("every cell more than %d cells from the treatment area (buffer_width + control_gap): no cell of the treatment's land uses lies farther than the rings (%d cells) for a matched control", gap, reach))
}
