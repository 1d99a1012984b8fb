package sim

import (
	"errors"
	"testing"

	"dropsim/sim/grid"
)

// TestModelFromLandMap: a loaded map replaces the generator; the demand
// layer replaces the table's demand except on water, which stays unusable.
func TestModelFromLandMap(t *testing.T) {
	p := smallParams()
	const W, H = 12, 9
	lm := &LandMap{W: W, H: H, Class: make([]grid.Class, W*H), Demand: make([]float32, W*H)}
	for i := range lm.Class {
		lm.Class[i] = grid.Residential
		lm.Demand[i] = float32(i % 5)
		if i%W == 0 {
			lm.Class[i] = grid.Water
		}
	}
	lm.Class[W*4+6] = grid.Park
	p.City.Generator, p.City.Map, p.City.Land = "map", "test.txt", lm
	p.City.Width, p.City.Height = W, H
	p.Stasher.AreaRadius, p.Stasher.RelocateRange, p.Buyers.MaxTravel = 3, 4, 4
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	m := mustNew(t, p, 1)
	if m.G.W != W || m.G.H != H {
		t.Fatalf("grid %d x %d", m.G.W, m.G.H)
	}
	for i, cl := range m.G.Class {
		want := lm.Demand[i]
		if cl != lm.Class[i] {
			t.Fatalf("cell %d: class %s, map %s", i, cl, lm.Class[i])
		}
		if cl == grid.Water {
			want = 0
		}
		if m.G.Demand[i] != want {
			t.Errorf("cell %d: demand %v, want %v", i, m.G.Demand[i], want)
		}
		if cl == grid.Park && m.G.Cover[i] != float32(p.City.LandUse.Park.Cover) {
			t.Errorf("park cover %v: without a cover layer it comes from the table", m.G.Cover[i])
		}
	}
	if n := len(m.G.UsableCells()); n != W*H-H {
		t.Errorf("%d usable cells, want %d", n, W*H-H)
	}
	var tot Totals
	for !m.Done() {
		m.Step(Discard)
	}
	tot = m.Totals()
	if tot.Placed == 0 {
		t.Error("no drops on the map city")
	}
	// A map that was not loaded is refused.
	p.City.Land = nil
	_, err := New(p, 1)
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Key != "city.map" {
		t.Errorf("no map loaded: %v", err)
	}
}
