package sim

import (
	"slices"

	"dropsim/sim/grid"
)

// The camera layer (MODEL.md 4.3, 4.4 "cctv"). A cctv group puts count
// cameras up on its start day and takes them down on its end day. A
// camera on a cell makes a placement there more likely to be seen by a
// unit nearby (cctv_boost in DetectProb) and catches one on its own with
// cctv_prob (caught, stasher.go). Cameras are in plain view: a stasher who
// comes within sight_radius of one marks its cell with risk_seen, as it
// does a police unit, and so learns to place elsewhere.

// cameraSet is one cctv group's cameras.
type cameraSet struct {
	g     GroupParams
	cells []int32     // where the cameras stand while up
	mem   *hotspotMap // for cameras = "hotspots": where they go at roll-out
	up    bool        // while its window lasts (setCameras)
}

func (m *Model) buildCameras() {
	m.police.camAt = make([]uint8, len(m.G.Class))
	m.police.cameraIx = grid.NewIndex(m.G.W, m.G.H, 8, func(id int32) (int, int) { return m.G.XY(m.police.camCells[id]) }, func(int32) bool { return true })
	for _, g := range m.P.Police.Groups {
		if g.Strategy != "cctv" {
			continue
		}
		cs := &cameraSet{g: g}
		switch g.Cameras {
		case "area":
			a := g.Area
			var cells []int32
			for y := a[1]; y <= a[3]; y++ {
				for x := a[0]; x <= a[2]; x++ {
					if id := m.G.ID(x, y); m.G.Usable(id) {
						cells = append(cells, id)
					}
				}
			}
			cs.cells = m.busiest(cells, g.Count)
		case "list":
			for _, c := range g.Cells {
				cs.cells = append(cs.cells, m.G.ID(c[0], c[1]))
			}
		case "hotspots":
			cs.mem = m.newHotspotMap(g)
		}
		m.scheduleWindow(g, polCamerasUp, polCamerasDown, len(m.police.cameras))
		m.police.cameras = append(m.police.cameras, cs)
	}
}

// busiest returns the n cells of cells with the most traffic, ties by cell
// id: where cameras are put up.
func (m *Model) busiest(cells []int32, n int) []int32 {
	cells = slices.Clone(cells)
	slices.SortFunc(cells, func(a, b int32) int {
		if ta, tb := m.G.Traffic[a], m.G.Traffic[b]; ta != tb {
			return cmpDesc(float64(ta), float64(tb))
		}
		return int(a - b)
	})
	return cells[:min(n, len(cells))]
}

// setCameras puts a cctv group's cameras up or takes them down (the
// police's agenda, at its window's edges). Cameras placed by hot spots go
// where the memory points at roll-out.
func (m *Model) setCameras(cs *cameraSet, up bool, t int) {
	cs.up = up
	if up && cs.mem != nil {
		cs.cells = cs.cells[:0]
		for _, z := range cs.mem.top(cs.g.Count, t) {
			x0, y0, x1, y1 := cs.mem.bounds(z, m.G.W, m.G.H)
			var cells []int32
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					if id := m.G.ID(x, y); m.G.Usable(id) {
						cells = append(cells, id)
					}
				}
			}
			cs.cells = append(cs.cells, m.busiest(cells, 1)...)
		}
	}
	for _, c := range cs.cells {
		if up {
			m.police.camAt[c]++
		} else {
			m.police.camAt[c]--
		}
		m.G.CCTV[c] = m.police.camAt[c] > 0
	}
	// The cells with a camera up, in cell order, from the sets that are
	// up: the cost grows with the cameras, not with the city.
	p := &m.police
	p.camCells = p.camCells[:0]
	for _, o := range p.cameras {
		if o.up {
			p.camCells = append(p.camCells, o.cells...)
		}
	}
	slices.Sort(p.camCells)
	p.camCells = slices.Compact(p.camCells)
	p.cameraIx.Reset()
	for i, c := range p.camCells {
		p.cameraIx.Insert(int32(i), int(c)%m.G.W, int(c)/m.G.W)
	}
}

// seeCameras: the stasher at (x, y) marks the cells of the cameras in
// sight with risk_seen, as it marks a unit's (see).
func (m *Model) seeCameras(s *Stasher, x, y, t int) {
	if len(m.police.camCells) == 0 {
		return
	}
	sp := &m.P.Stasher
	m.police.cameraIx.Within(x, y, sp.SightRadius, func(id int32, _ int) {
		c := m.police.camCells[id]
		cx, cy := m.G.XY(c)
		if dv := s.risk.raise(c, sp.RiskSeen, t); dv > 0 && s.inArea(cx, cy, sp.AreaRadius) {
			s.areaRisk.add(m.street.decay, dv, t)
		}
	})
}
