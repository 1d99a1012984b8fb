package sim

import "math"

// riskMap is a stasher's (or a shop's) perceived risk over cells: sparse,
// with exponential decay applied lazily when a cell is read or written, so
// that nothing is visited per tick. Entries that have decayed below
// riskFloor are pruned when the map has doubled since the last pruning.
type riskMap struct {
	cells   map[int32]riskCell
	decay   float64 // per tick: value(t) = v * exp(-decay * (t - t0))
	pruneAt int
}

type riskCell struct {
	v float32
	t int32
}

const riskFloor = 0.01

func newRiskMap(halfLifeTicks float64) riskMap {
	return riskMap{cells: map[int32]riskCell{}, decay: math.Ln2 / halfLifeTicks, pruneAt: 64}
}

func (r *riskMap) at(c riskCell, tick int) float64 {
	return float64(c.v) * math.Exp(-r.decay*float64(tick-int(c.t)))
}

// get is the risk of cell at tick.
func (r *riskMap) get(cell int32, tick int) float64 {
	c, ok := r.cells[cell]
	if !ok {
		return 0
	}
	return r.at(c, tick)
}

// add raises the risk of cell by dv at tick.
func (r *riskMap) add(cell int32, dv float64, tick int) {
	r.cells[cell] = riskCell{v: float32(r.get(cell, tick) + dv), t: int32(tick)}
	if len(r.cells) >= r.pruneAt {
		for k, c := range r.cells {
			if r.at(c, tick) < riskFloor {
				delete(r.cells, k)
			}
		}
		r.pruneAt = max(64, 2*len(r.cells))
	}
}

// raise lifts the risk of cell to at least v at tick and returns by how
// much it rose (0 if it was already v or more).
func (r *riskMap) raise(cell int32, v float64, tick int) float64 {
	dv := v - r.get(cell, tick)
	if dv <= 0 {
		return 0
	}
	r.add(cell, dv, tick)
	return dv
}

// addWithin adds, for each disk k of radius r around centres[k], the risk
// at tick of the cells inside it to sums[k]. Sums are kept in fixed point
// (riskUnit) so that they do not depend on the map's random order.
func (r *riskMap) addWithin(tick int, w int, centres [][2]int, radius float64, sums []int64) {
	r2 := radius * radius
	for k, c := range r.cells {
		x, y := int(k)%w, int(k)/w
		v := int64(-1) // computed for the first disk that holds the cell
		for i, ctr := range centres {
			dx, dy := float64(x-ctr[0]), float64(y-ctr[1])
			if dx*dx+dy*dy <= r2 {
				if v < 0 {
					v = int64(math.Round(r.at(c, tick) / riskUnit))
				}
				sums[i] += v
			}
		}
	}
}

// riskUnit is the resolution of area risk sums.
const riskUnit = 1e-9

// decayed is a scalar that decays at the same rate as a riskMap: the sum of
// a map's values over a fixed set of cells decays exactly like each value,
// so a stasher's total risk over its working area is kept in O(1).
type decayed struct {
	v float64
	t int
}

func (d *decayed) get(decay float64, tick int) float64 {
	return d.v * math.Exp(-decay*float64(tick-d.t))
}

func (d *decayed) add(decay, dv float64, tick int) {
	d.v, d.t = d.get(decay, tick)+dv, tick
}
