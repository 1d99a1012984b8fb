package sim

import (
	"fmt"
	"testing"
)

// TestAreaStrategy steps a run tick by tick. Units of an "area" group stand
// inside the treatment rectangle on every tick of the group's window
// [start_day, end_day), on usable cells, and move within it; outside the
// window they are off duty, do not move, and (as no other police are on
// the map) nothing is seized and nobody arrested at a placement.
//
// One case searches a radius of 3 cells: a unit near the edge finds drops
// outside the rectangle but stakes out only on its own cell, so it stays in.
func TestAreaStrategy(t *testing.T) {
	for _, c := range []struct {
		area       []int
		start, end int
		tm         int
		stakeout   float64
		river      bool
		radius     float64
	}{
		{[]int{8, 10, 20, 18}, 3, 8, 60, 0.5, false, 0},
		{[]int{5, 5, 34, 34}, 3, 8, 60, 0.5, true, 0},     // with the river through it
		{[]int{0, 12, 19, 39}, 0, 5, 30, 0.2, false, 0},   // on two edges of the map, from the first tick
		{[]int{15, 15, 15, 15}, 2, 10, 60, 0.5, false, 0}, // a single cell
		{[]int{8, 10, 20, 18}, 3, 8, 60, 0.5, false, 3},   // searching beyond the edge
	} {
		t.Run(fmt.Sprint(c.area), func(t *testing.T) {
			p := smallParams()
			p.Days = 10
			p.TickMinutes = c.tm
			p.City.River = c.river
			p.Police.FindProb = 1
			p.Police.StakeoutProb = c.stakeout
			p.Police.SearchRadius = c.radius
			p.Police.Groups = []GroupParams{
				{Name: "crackdown", Strategy: "area", Count: 6, StartDay: c.start, EndDay: c.end, Area: c.area},
			}
			m := mustNew(t, p, 4)
			g := m.police.groups[0]
			x0, y0, x1, y1 := c.area[0], c.area[1], c.area[2], c.area[3]
			water := 0
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					if !m.G.Usable(m.G.ID(x, y)) {
						water++
					}
				}
			}
			if c.river != (water > 0) {
				t.Fatalf("%d water cells in the area, river %v", water, c.river)
			}
			prev := make([][2]int, len(g.units))
			moved, onTicks, seizedOff, seizedOn, stakeTicks := 0, 0, 0, 0, 0
			var dayOff int
			sink := SinkFunc(func(e *Event) {
				day := int(e.Tick) / m.tpd
				off := day < c.start || day >= c.end
				if !off {
					if e.Kind == EvDropEnded && e.Drop.Outcome == OutcomeSeized {
						seizedOn++
					}
					return
				}
				if (e.Kind == EvDropEnded && e.Drop.Outcome == OutcomeSeized) || (e.Kind == EvArrest && e.Cause != CauseInvestigation) {
					seizedOff++
					dayOff = day
				}
			})
			for !m.Done() {
				tk := m.Tick()
				m.Step(sink)
				day := tk / m.tpd
				active := day >= c.start && day < c.end
				if g.active != active {
					t.Fatalf("tick %d (day %d): group active = %v, want %v", tk, day, g.active, active)
				}
				wantDuty := 0
				if active {
					wantDuty = len(g.units)
					onTicks++
				}
				if m.police.onDuty != wantDuty {
					t.Fatalf("tick %d: %d units on duty, want %d", tk, m.police.onDuty, wantDuty)
				}
				for k, id := range g.units {
					u := &m.police.units[id]
					if u.onDuty != active {
						t.Fatalf("tick %d (day %d): unit %d on duty = %v, want %v", tk, day, id, u.onDuty, active)
					}
					if active {
						if u.X < x0 || u.X > x1 || u.Y < y0 || u.Y > y1 {
							t.Fatalf("tick %d (day %d): unit %d at (%d, %d), outside the area %v", tk, day, id, u.X, u.Y, c.area)
						}
						if u.stake >= 0 && m.street.drops[u.stake].cell != m.G.ID(u.X, u.Y) {
							t.Fatalf("tick %d: unit %d staking out drop %d is at (%d, %d), not on the drop", tk, id, u.stake, u.X, u.Y)
						}
						if u.stake >= 0 {
							stakeTicks++
						}
						if !m.G.Usable(m.G.ID(u.X, u.Y)) {
							t.Fatalf("tick %d: unit %d on water at (%d, %d)", tk, id, u.X, u.Y)
						}
						if prev[k] != [2]int{u.X, u.Y} && tk > 0 && (tk/m.tpd) > c.start {
							moved++
						}
					} else if prev[k] != [2]int{u.X, u.Y} {
						t.Fatalf("tick %d (day %d): off-duty unit %d moved from %v to (%d, %d)", tk, day, id, prev[k], u.X, u.Y)
					}
					prev[k] = [2]int{u.X, u.Y}
				}
			}
			if onTicks != (c.end-c.start)*m.tpd {
				t.Errorf("%d ticks on duty, want %d", onTicks, (c.end-c.start)*m.tpd)
			}
			if single := x0 == x1 && y0 == y1; !single && moved == 0 {
				t.Errorf("the units never moved inside the area")
			}
			if single := x0 == x1 && y0 == y1; !single && seizedOn == 0 {
				t.Errorf("no seizure while on duty: the window check below proves nothing")
			}
			// With a search radius of 3, most drops are seized from a
			// distance before a unit stands on one: over 20 seeds, 3 to 5
			// have no stakeout at all, so only the staking units seen are
			// checked (above).
			if single := x0 == x1 && y0 == y1; !single && c.radius == 0 && stakeTicks == 0 {
				t.Errorf("no unit ever staked out a drop")
			}
			if seizedOff > 0 {
				t.Errorf("%d seizures or placement arrests while the only police group was off duty (e.g. day %d)", seizedOff, dayOff)
			}
		})
	}
}
