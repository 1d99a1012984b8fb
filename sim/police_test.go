package sim

import (
	"math"
	"testing"

	"dropsim/sim/grid"
)

// putDrop lays a bare drop on cell, as if placed by stasher 0 of shop 0,
// without the ledger and the market around it.
func putDrop(m *Model, cell int32) int32 {
	id := int32(len(m.street.drops))
	m.street.drops = append(m.street.drops, Drop{cell: cell, placed: int32(m.tick), buyer: -1, watcher: -1})
	x, y := m.G.XY(cell)
	m.street.present.Insert(id, x, y)
	m.street.onMap++
	return id
}

// TestUniformSearchFindRate: a unit of the "uniform" strategy stands each
// tick on a uniformly random usable cell and searches the cells within its
// search radius, every one of which holds a drop. The share of searched
// drops found, per land-use class, must be find_prob * (1 - cover); the
// unit's visits must be spread over the classes in proportion to their
// usable cells; with stakeouts on, stakeout_prob of the found drops are
// watched instead of seized.
func TestUniformSearchFindRate(t *testing.T) {
	cases := []struct {
		name     string
		radius   float64
		stakeout float64
		ticks    int
	}{
		{"own cell, with stakeouts", 0, 0.3, 100_000},
		{"radius 1.5 (3x3 cells)", 1.5, 0, 30_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := smallParams()
			p.Buyers.Count = 0
			p.Police.FindProb = 0.6
			p.Police.SearchRadius = c.radius
			p.Police.StakeoutProb = c.stakeout
			p.Police.StakeoutTicks = 1
			p.Police.Groups = []GroupParams{{Strategy: "uniform", Count: 1, StartDay: 0, EndDay: p.Days}}
			m := mustNew(t, p, 2)
			m.sink = Discard
			m.policeSchedule(0)
			u := &m.police.units[0]
			if !u.onDuty || m.police.onDuty != 1 {
				t.Fatalf("unit not on duty")
			}
			table := p.City.LandUse.Array()
			dropAt := make([]int32, len(m.G.Class))
			for i := range dropAt {
				dropAt[i] = -1
			}
			refill := func(cell int32) {
				if d := dropAt[cell]; m.G.Usable(cell) && (d < 0 || m.street.drops[d].state != dropOnMap) {
					dropAt[cell] = putDrop(m, cell)
				}
			}
			for cell := range dropAt {
				refill(int32(cell))
			}

			var visits, trials, found [grid.NumClasses]int
			watched, foundAll := 0, 0
			ri := int(math.Ceil(c.radius))
			for tk := 0; tk < c.ticks; tk++ {
				m.tick = tk
				prev := u.stake // a stakeout ending this tick seizes its drop before the move
				m.policeWork(tk)
				if !m.G.In(u.X, u.Y) || !m.G.Usable(m.G.ID(u.X, u.Y)) {
					t.Fatalf("tick %d: unit on (%d, %d), not a usable cell", tk, u.X, u.Y)
				}
				visits[m.G.Class[m.G.ID(u.X, u.Y)]]++
				var touched []int32
				for dy := -ri; dy <= ri; dy++ {
					for dx := -ri; dx <= ri; dx++ {
						x, y := u.X+dx, u.Y+dy
						if float64(dx*dx+dy*dy) > c.radius*c.radius || !m.G.In(x, y) {
							continue
						}
						cell := m.G.ID(x, y)
						d := dropAt[cell]
						if d < 0 || d == prev {
							continue
						}
						cl := m.G.Class[cell]
						trials[cl]++
						if m.street.drops[d].state != dropOnMap || u.stake == d {
							found[cl]++
							foundAll++
						}
						if u.stake == d {
							watched++
						}
						touched = append(touched, cell)
					}
				}
				if prev >= 0 {
					touched = append(touched, m.street.drops[prev].cell)
				}
				for _, cell := range touched {
					refill(cell)
				}
			}

			usable := len(m.G.UsableCells())
			counts := m.G.Counts()
			totalTrials := 0
			for cl := grid.Class(1); cl < grid.NumClasses; cl++ {
				totalTrials += trials[cl]
				if counts[cl] == 0 {
					continue
				}
				// visits: binomial with p = share of usable cells of the class
				pv := float64(counts[cl]) / float64(usable)
				if sd := math.Sqrt(float64(c.ticks) * pv * (1 - pv)); math.Abs(float64(visits[cl])-float64(c.ticks)*pv) > 5*sd {
					t.Errorf("%v: %d visits in %d ticks, want %.0f +- %.0f", cl, visits[cl], c.ticks, float64(c.ticks)*pv, 5*sd)
				}
				if trials[cl] < 500 {
					t.Errorf("%v: only %d searched drops, too few to test", cl, trials[cl])
					continue
				}
				pf := p.Police.FindProb * (1 - table[cl].Cover)
				n := float64(trials[cl])
				if sd := math.Sqrt(n * pf * (1 - pf)); math.Abs(float64(found[cl])-n*pf) > 5*sd {
					t.Errorf("%v (cover %.2f): found %d of %d (%.4f), want find_prob*(1-cover) = %.4f +- %.4f",
						cl, table[cl].Cover, found[cl], trials[cl], float64(found[cl])/n, pf, 5*sd/n)
				}
			}
			if c.radius == 0 && totalTrials < c.ticks-c.ticks/100 {
				t.Errorf("%d searches of a drop in %d ticks: the unit should search a drop almost every tick", totalTrials, c.ticks)
			}
			if c.radius > 0 && totalTrials < 8*c.ticks {
				t.Errorf("%d drops searched in %d ticks: expected up to 9 a tick", totalTrials, c.ticks)
			}
			n, ps := float64(foundAll), c.stakeout
			if sd := math.Sqrt(n * ps * (1 - ps)); math.Abs(float64(watched)-n*ps) > 5*sd || (ps == 0 && watched != 0) {
				t.Errorf("%d of %d found drops staked out, want stakeout_prob %.2f: %.0f +- %.0f", watched, foundAll, ps, n*ps, 5*sd)
			}
		})
	}
}
