package sim

import (
	"math/rand/v2"
	"slices"
)

// Strategy decides where a group's units stand each tick (MODEL.md 4.4).
// What a unit does where it stands (search, seize, stake out) is common to
// all strategies and lives in police.go. A new strategy implements this
// interface and gets a case in newStrategy. rng is the unit's own stream
// (streams.go): a strategy draws from it and from nothing else.
type Strategy interface {
	// Start places a unit when its group goes on duty.
	Start(u *Unit, m *Model, rng *rand.Rand)
	// Move moves a patrolling unit for this tick.
	Move(u *Unit, m *Model, rng *rand.Rand)
}

// StrategyNames lists the strategies a scenario may name.
func StrategyNames() []string {
	return []string{"none", "random", "uniform", "area", "hotspot", "cctv", "interdiction", "takedown", "network"}
}

func isStrategy(s string) bool { return slices.Contains(StrategyNames(), s) }

// newStrategy builds a group's strategy by name (Validate has checked it).
func newStrategy(g GroupParams, m *Model) Strategy {
	switch g.Strategy {
	case "random":
		return randomWalk{}
	case "uniform":
		return uniformSearch{}
	case "area":
		return newAreaPatrol(g.Area, m)
	case "hotspot":
		return newHotspotPatrol(g, m)
	case "interdiction":
		return newCheckpoints(g, m)
	}
	return nil // "none", "cctv" (camera.go), "takedown" (marketplace.go), "network" (network.go): no units on the map
}

// randomWalk: each tick a unit steps to a random usable cell within its
// speed (MODEL.md 4.4 "random").
type randomWalk struct{}

func (randomWalk) Start(u *Unit, m *Model, rng *rand.Rand) {
	u.X, u.Y = m.randomUsable(rng)
}

func (randomWalk) Move(u *Unit, m *Model, rng *rand.Rand) {
	u.X, u.Y = m.randomStep(u.X, u.Y, m.P.Police.Speed, rng, nil)
}

// uniformSearch: each tick a unit stands on a uniformly random usable cell,
// an idealised random search used for analytic checks.
type uniformSearch struct{}

func (uniformSearch) Start(u *Unit, m *Model, rng *rand.Rand) { u.X, u.Y = m.randomUsable(rng) }
func (uniformSearch) Move(u *Unit, m *Model, rng *rand.Rand)  { u.X, u.Y = m.randomUsable(rng) }

// areaPatrol: saturation patrol, a random walk that never leaves the
// treatment rectangle (MODEL.md 4.4 "area").
type areaPatrol struct {
	x0, y0, x1, y1 int
	cells          []int32 // usable cells of the area
}

func newAreaPatrol(a []int, m *Model) *areaPatrol {
	ap := &areaPatrol{x0: a[0], y0: a[1], x1: a[2], y1: a[3]}
	for y := ap.y0; y <= ap.y1; y++ {
		for x := ap.x0; x <= ap.x1; x++ {
			if id := m.G.ID(x, y); m.G.Usable(id) {
				ap.cells = append(ap.cells, id)
			}
		}
	}
	return ap
}

func (a *areaPatrol) inside(x, y int) bool {
	return x >= a.x0 && x <= a.x1 && y >= a.y0 && y <= a.y1
}

func (a *areaPatrol) Start(u *Unit, m *Model, rng *rand.Rand) {
	if len(a.cells) == 0 { // an all-water area: stand at its corner
		u.X, u.Y = a.x0, a.y0
		return
	}
	u.X, u.Y = m.G.XY(a.cells[rng.IntN(len(a.cells))])
}

func (a *areaPatrol) Move(u *Unit, m *Model, rng *rand.Rand) {
	if len(a.cells) == 0 {
		return
	}
	u.X, u.Y = m.randomStep(u.X, u.Y, m.P.Police.Speed, rng, a.inside)
}
