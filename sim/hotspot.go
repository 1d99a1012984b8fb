package sim

import (
	"math"
	"math/rand/v2"
	"slices"
)

// Hot spots (MODEL.md 4.4 "hotspot"): police memory of where the market
// showed itself, in square zones of zone_size cells. Each seizure, buyer's
// not-found complaint and arrest with a place adds 1 to its zone; the
// count halves every memory_days. Once a day the zones are ranked (zones,
// not cells: a few hundred on the default city), and a hotspot group
// sends its units to the top ones; cameras = "hotspots" puts a cctv
// group's cameras there at roll-out.

// hotspotMap is one group's memory. Values decay lazily, when a zone is
// read or written, so nothing is visited per tick.
type hotspotMap struct {
	size, zw, zh int
	decay        float64   // per tick
	v            []float64 // by zone, as of t
	t            []int32
	prior        []float64 // by zone: the traffic of its usable cells, to rank zones without a count
}

func (m *Model) newHotspotMap(g GroupParams) *hotspotMap {
	size := g.ZoneSize
	zw, zh := (m.G.W+size-1)/size, (m.G.H+size-1)/size
	h := &hotspotMap{size: size, zw: zw, zh: zh, decay: math.Ln2 / (g.MemoryDays * float64(m.tpd)),
		v: make([]float64, zw*zh), t: make([]int32, zw*zh), prior: make([]float64, zw*zh)}
	for _, c := range m.G.UsableCells() {
		x, y := m.G.XY(c)
		h.prior[h.zoneOf(x, y)] += float64(m.G.Traffic[c])
	}
	m.police.hotMaps = append(m.police.hotMaps, h)
	return h
}

func (h *hotspotMap) zoneOf(x, y int) int { return (y/h.size)*h.zw + x/h.size }

// value is zone z's count at tick t.
func (h *hotspotMap) value(z, t int) float64 {
	return h.v[z] * math.Exp(-h.decay*float64(t-int(h.t[z])))
}

func (h *hotspotMap) add(x, y, t int) {
	z := h.zoneOf(x, y)
	h.v[z], h.t[z] = h.value(z, t)+1, int32(t)
}

// top returns the n zones with the largest counts at tick t, ties (zones
// never counted among them) broken by the traffic of their usable cells,
// then by zone number. Zones without a usable cell are never chosen.
func (h *hotspotMap) top(n, t int) []int {
	type ranked struct {
		z        int
		v, prior float64
	}
	var rs []ranked
	for z := range h.v {
		if h.prior[z] > 0 {
			rs = append(rs, ranked{z, h.value(z, t), h.prior[z]})
		}
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		switch {
		case a.v != b.v:
			return cmpDesc(a.v, b.v)
		case a.prior != b.prior:
			return cmpDesc(a.prior, b.prior)
		}
		return a.z - b.z
	})
	out := make([]int, 0, min(n, len(rs)))
	for _, r := range rs[:min(n, len(rs))] {
		out = append(out, r.z)
	}
	return out
}

func cmpDesc(a, b float64) int {
	if a > b {
		return -1
	}
	return 1
}

// bounds is zone z's rectangle of cells.
func (h *hotspotMap) bounds(z, W, H int) (x0, y0, x1, y1 int) {
	x0, y0 = (z%h.zw)*h.size, (z/h.zw)*h.size
	return x0, y0, min(x0+h.size, W) - 1, min(y0+h.size, H) - 1
}

// hotspotSeen tells every hot-spot memory of an event at (x, y).
func (p *policeForce) hotspotSeen(x, y, t int) {
	for _, h := range p.hotMaps {
		h.add(x, y, t)
	}
}

// hotspotPatrol: a group's units patrol the top zones of its memory,
// re-ranked at the first move of each day; unit k of the group works zone
// k mod zones (the units spread evenly), walking there and then at
// random inside it.
type hotspotPatrol struct {
	mem   *hotspotMap
	n     int
	zones []int
	day   int
}

func newHotspotPatrol(g GroupParams, m *Model) *hotspotPatrol {
	return &hotspotPatrol{mem: m.newHotspotMap(g), n: g.Zones, day: -1}
}

// zone is unit u's zone today.
func (h *hotspotPatrol) zone(u *Unit, m *Model) (x0, y0, x1, y1 int) {
	if day := m.tick / m.tpd; day != h.day {
		h.day, h.zones = day, h.mem.top(h.n, m.tick)
	}
	return h.mem.bounds(h.zones[u.slot%len(h.zones)], m.G.W, m.G.H)
}

func (h *hotspotPatrol) Start(u *Unit, m *Model, rng *rand.Rand) {
	x0, y0, x1, y1 := h.zone(u, m)
	u.X, u.Y = m.usableIn(x0, y0, x1, y1, rng)
}

func (h *hotspotPatrol) Move(u *Unit, m *Model, rng *rand.Rand) {
	x0, y0, x1, y1 := h.zone(u, m)
	if u.X < x0 || u.X > x1 || u.Y < y0 || u.Y > y1 {
		u.X, u.Y = walkToward(u.X, u.Y, (x0+x1)/2, (y0+y1)/2, m.P.Police.Speed)
		return
	}
	u.X, u.Y = m.randomStep(u.X, u.Y, m.P.Police.Speed, rng, func(x, y int) bool { return x >= x0 && x <= x1 && y >= y0 && y <= y1 })
}

// usableIn draws a usable cell of the rectangle (its corner if it has
// none; top never chooses such a zone).
func (m *Model) usableIn(x0, y0, x1, y1 int, rng *rand.Rand) (int, int) {
	for range 64 {
		x, y := x0+rng.IntN(x1-x0+1), y0+rng.IntN(y1-y0+1)
		if m.G.Usable(m.G.ID(x, y)) {
			return x, y
		}
	}
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			if m.G.Usable(m.G.ID(x, y)) {
				return x, y
			}
		}
	}
	return x0, y0
}
