package chart

import (
	"math/rand/v2"

	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// syntheticRun is a made-up run of days days on a w x h city (w, h >= 20),
// for the animation tests that need many days or exact contents: land use
// in diagonal stripes of every class, a crackdown group of 4 units on a
// 10 x 10 area from day days/3 to the end (which gives the treatment and
// buffer outlines and the periods), and each day perDay drops and 4 police
// positions at cells drawn from a fixed PCG stream. Tests add their own
// records to Tables.
func syntheticRun(days, w, h, perDay int) *Run {
	p := sim.DefaultParams()
	p.WarmupDays = 0 // the before period from day 0
	p.Name = "synthetic"
	p.Days, p.City.Width, p.City.Height = days, w, h
	x0, y0 := w/2, h/3
	p.Police.Groups = []sim.GroupParams{{Name: "crackdown", Strategy: "area", Count: 4,
		StartDay: days / 3, EndDay: days, Area: []int{x0, y0, x0 + 9, y0 + 9}}}
	r := &Run{Params: p, Zones: p.BuildZones(nil), Land: make([]grid.Class, w*h)}
	for i := range r.Land {
		r.Land[i] = grid.Class((i%w + i/w) / 5 % int(grid.NumClasses))
	}
	rng := rand.New(rand.NewPCG(7, 8))
	tpd := int32(p.TicksPerDay())
	for day := range int32(days) {
		for range perDay {
			r.Tables.Drops = append(r.Tables.Drops, sim.DropRecord{X: rng.Int32N(int32(w)), Y: rng.Int32N(int32(h)), Placed: day*tpd + rng.Int32N(tpd)})
		}
		for u := range int32(4) {
			r.Tables.Police = append(r.Tables.Police, metrics.PoliceRecord{Day: day, UnitPos: sim.UnitPos{Unit: u, X: rng.Int32N(int32(w)), Y: rng.Int32N(int32(h))}})
		}
	}
	return r
}
