package metrics

import (
	"math"
	"slices"
	"testing"

	"dropsim/sim"
	"dropsim/sim/grid"
)

// TestMarketMeasuresByHand: a 2 x 2 city of one park cell (0, 0), one
// forest cell (1, 0) and two residential cells (row 1), 13 days of which
// the first 4 are the warm-up: the thirds after it are days 4-6 and 10-12.
func TestMarketMeasuresByHand(t *testing.T) {
	land := []grid.Class{grid.Park, grid.Forest, grid.Residential, grid.Residential}
	s := &Summary{Days: 13, Warmup: 4}
	var drops []sim.DropRecord
	put := func(day, x, y, n int) {
		for range n {
			drops = append(drops, sim.DropRecord{X: int32(x), Y: int32(y), Placed: int32(day*24 + 3)})
		}
	}
	put(1, 0, 0, 50) // in the warm-up: counts nowhere
	put(4, 0, 0, 2)  // first third: park 2, residential 2 -> shares 1/2, 1/2
	put(5, 0, 1, 1)
	put(6, 1, 1, 1)
	put(8, 1, 0, 3)  // middle: forest 3
	put(10, 0, 0, 1) // last third: park 1, residential 5 -> shares 1/6, 5/6
	put(12, 1, 1, 5)
	tot := sim.Totals{Relocations: 7, Quits: 2, NotFound: 3, Unmet: 5, Orders: 50, Placed: 60}
	tot.Outcomes[sim.OutcomePicked] = 27
	tot.Outcomes[sim.OutcomeExpired] = 6
	// The park cell is the treatment area, the other three its buffer.
	p := sim.DefaultParams()
	p.Days, p.WarmupDays, p.City.Width, p.City.Height = 13, 4, 2, 2
	p.Zones.Treatment, p.Zones.BufferWidth, p.Zones.ControlGap, p.Zones.SplitDay = []int{0, 0, 0, 0}, 1, 0, 8
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	vals := marketMeasures(s, tot, 24, drops, land, p.BuildZones(nil))
	names := marketMeasureNames()
	if len(vals) != len(names) {
		t.Fatalf("%d values for %d names", len(vals), len(names))
	}
	got := func(name string) Value { return vals[slices.Index(names, name)] }
	for name, want := range map[string]float64{
		"relocations": 7, "quits": 2,
		"not_found_share": 3.0 / 30, "unmet_share": 5.0 / 50, "expired_share": 6.0 / 60,
		// 9 days after the warm-up: park 3 drops on 1 cell, forest 3 on 1,
		// residential 7 on 2 cells.
		"density_park": 3.0 / 9, "density_forest": 3.0 / 9, "density_residential": 7.0 / 2 / 9,
		// park 1/2 -> 1/6, residential 1/2 -> 5/6.
		"drift_park": 1.0/3 - 1, "drift_residential": 5.0/3 - 1,
		"drift_treatment": 1.0/3 - 1, "drift_buffer": 5.0/3 - 1,
	} {
		if v := got(name); !v.Defined || math.Abs(v.V-want) > 1e-12 {
			t.Errorf("%s = %+v, want %g", name, v, want)
		}
	}
	for _, name := range []string{"density_centre", "drift_forest", "drift_centre", "drift_control"} {
		if v := got(name); v.Defined || v.Reason == "" {
			t.Errorf("%s = %+v, want undefined with a reason", name, v)
		}
	}
	// The correlogram is of the 9 days after the warm-up.
	want := Autocorrelation([]float64{2, 1, 1, 0, 3, 0, 1, 0, 5}, ACFMaxLag)
	for k := 1; k <= 3; k++ {
		if v := got("placed_acf_" + string(rune('0'+k))); !v.Defined || v.V != want[k-1] {
			t.Errorf("placed_acf_%d = %+v, want %g", k, v, want[k-1])
		}
	}
}
