package sim

import "math/rand/v2"

// Interdiction (MODEL.md 4.4 "interdiction"): checkpoints on the ways into
// the city. Each unit of the group stands on its checkpoint and searches
// there; a mule whose route, from the city's edge to the wholesale drop
// (mule.go), passes within police.detect_radius of a checkpoint is
// stopped with the group's intercept_prob and its bulk seized. The
// checkpoints are the cells listed, or count cells spread evenly along
// the ring one cell inside the map's edge, where every route enters.
type checkpoints struct {
	cells [][2]int
}

func newCheckpoints(g GroupParams, m *Model) *checkpoints {
	c := &checkpoints{}
	if len(g.Cells) > 0 {
		for _, cell := range g.Cells {
			c.cells = append(c.cells, [2]int{cell[0], cell[1]})
		}
		return c
	}
	ring := edgeRing(m.G.W, m.G.H, 1)
	for k := range g.Count {
		c.cells = append(c.cells, ring[(2*k+1)*len(ring)/(2*g.Count)])
	}
	return c
}

// edgeRing lists the cells at inset cells from the edge of a W x H map,
// clockwise from the north-west corner (the edge itself on a map too small
// for the inset).
func edgeRing(W, H, inset int) [][2]int {
	if 2*inset >= W || 2*inset >= H {
		inset = 0
	}
	x0, y0, x1, y1 := inset, inset, W-1-inset, H-1-inset
	var out [][2]int
	for x := x0; x <= x1; x++ {
		out = append(out, [2]int{x, y0})
	}
	for y := y0 + 1; y <= y1; y++ {
		out = append(out, [2]int{x1, y})
	}
	for x := x1 - 1; x >= x0 && y1 > y0; x-- {
		out = append(out, [2]int{x, y1})
	}
	for y := y1 - 1; y > y0 && x1 > x0; y-- {
		out = append(out, [2]int{x0, y})
	}
	return out
}

func (c *checkpoints) Start(u *Unit, m *Model, _ *rand.Rand) {
	cell := c.cells[u.slot%len(c.cells)]
	u.X, u.Y = cell[0], cell[1]
}

// Move: a checkpoint stays where it is.
func (c *checkpoints) Move(*Unit, *Model, *rand.Rand) {}
