package sim

import (
	"math/rand/v2"

	"dropsim/sim/grid"
)

// Model is one run in progress. Build it with New, advance it with Step
// until Done, then call Finish.
type Model struct {
	P    Params
	Seed uint64
	G    *grid.Grid
	tick int
}

// Unit is a police unit.
type Unit struct {
	X, Y int
}

// Totals are the run's conservation counts and money totals.
type Totals struct{}

// New validates p and builds the world for seed.
func New(p Params, seed uint64) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Model{P: p, Seed: seed}, nil
}

// Tick is the number of ticks played so far.
func (m *Model) Tick() int { return m.tick }

// Done reports whether the horizon is reached.
func (m *Model) Done() bool { return m.tick >= m.P.Ticks() }

// Step plays one tick, sending its events to sink.
func (m *Model) Step(sink Sink) { m.tick++ }

// Finish ends the run: drops still on the map are reported as active.
func (m *Model) Finish(sink Sink) {}

// Totals returns the conservation counts.
func (m *Model) Totals() Totals { return Totals{} }

func (m *Model) randomUsable(rng *rand.Rand) (int, int) { return 0, 0 }

func (m *Model) randomStep(x, y int, speed float64, rng *rand.Rand, inside func(x, y int) bool) (int, int) {
	return x, y
}

// Run plays a whole run of p with seed, sending every event to sink.
func Run(p Params, seed uint64, sink Sink) (Totals, error) {
	m, err := New(p, seed)
	if err != nil {
		return Totals{}, err
	}
	for !m.Done() {
		m.Step(sink)
	}
	m.Finish(sink)
	return m.Totals(), nil
}
