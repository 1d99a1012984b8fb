package sim

import (
	"math"
	"math/bits"
)

// riskMap is a stasher's (or a shop's) perceived risk over cells: sparse,
// with exponential decay applied lazily when a cell is read or written, so
// that nothing is visited per tick. Entries that have decayed below
// riskFloor are pruned when the map has doubled since the last pruning.
// The cells are kept in a flat open-addressing table (linear probing),
// rebuilt when it grows or is pruned: a look-up is a multiply and a few
// probes of two arrays, which a stasher does twice for each candidate cell.
type riskMap struct {
	keys    []int32 // cell + 1 in use, 0 free; a power of two long
	vals    []riskCell
	n       int // cells held
	shift   uint8
	decay   float64 // per tick: value(t) = v * exp(-decay * (t - t0))
	pruneAt int
	// factor[a] is exp(-decay * a), the same expression computed once for
	// every age a of a run (decayTable), shared by the maps of a model;
	// nil, or an age past its end, computes it.
	factor []float64
}

type riskCell struct {
	v float32
	t int32
}

const riskFloor = 0.01

func newRiskMap(halfLifeTicks float64) riskMap { return riskMapOf(math.Ln2/halfLifeTicks, nil) }

// riskMapOf is an empty map with this decay per tick and table of factors.
func riskMapOf(decay float64, factor []float64) riskMap {
	return riskMap{decay: decay, pruneAt: 64, factor: factor}
}

func (r *riskMap) at(c riskCell, tick int) float64 {
	if a := tick - int(c.t); uint(a) < uint(len(r.factor)) {
		return float64(c.v) * r.factor[a]
	}
	return float64(c.v) * math.Exp(-r.decay*float64(tick-int(c.t)))
}

// decayTable is exp(-decay * a) for the ages a from 0 to ticks.
func decayTable(decay float64, ticks int) []float64 {
	f := make([]float64, ticks+1)
	for a := range f {
		f[a] = math.Exp(-decay * float64(a))
	}
	return f
}

// slot is where cell is, or the free slot where it would go.
func (r *riskMap) slot(cell int32) int {
	mask := len(r.keys) - 1
	i := int((uint32(cell) * 0x9e3779b1) >> r.shift)
	for {
		if k := r.keys[i]; k == cell+1 || k == 0 {
			return i
		}
		i = (i + 1) & mask
	}
}

// get is the risk of cell at tick.
func (r *riskMap) get(cell int32, tick int) float64 {
	if r.n == 0 {
		return 0
	}
	i := r.slot(cell)
	if r.keys[i] == 0 {
		return 0
	}
	return r.at(r.vals[i], tick)
}

// has says whether the map holds cell (it may have decayed to near 0).
func (r *riskMap) has(cell int32) bool { return r.n > 0 && r.keys[r.slot(cell)] != 0 }

// add raises the risk of cell by dv at tick.
func (r *riskMap) add(cell int32, dv float64, tick int) {
	v := riskCell{v: float32(r.get(cell, tick) + dv), t: int32(tick)}
	if 2*(r.n+1) > len(r.keys) {
		r.rebuild(max(16, 2*len(r.keys)), -1)
	}
	i := r.slot(cell)
	if r.keys[i] == 0 {
		r.keys[i] = cell + 1
		r.n++
	}
	r.vals[i] = v
	if r.n >= r.pruneAt {
		r.rebuild(len(r.keys), tick)
		r.pruneAt = max(64, 2*r.n)
	}
}

// rebuild moves the cells into a table of size slots (a power of two);
// with tick >= 0 it leaves out those that decayed below riskFloor.
func (r *riskMap) rebuild(size, tick int) {
	keys, vals := r.keys, r.vals
	r.keys, r.vals, r.n = make([]int32, size), make([]riskCell, size), 0
	r.shift = uint8(32 - bits.TrailingZeros(uint(size)))
	for j, k := range keys {
		if k == 0 || tick >= 0 && r.at(vals[j], tick) < riskFloor {
			continue
		}
		i := r.slot(k - 1)
		r.keys[i], r.vals[i] = k, vals[j]
		r.n++
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
// (riskUnit) so that they do not depend on the table's order.
func (r *riskMap) addWithin(tick int, w int, centres [][2]int, radius float64, sums []int64) {
	r2 := radius * radius
	for j, key := range r.keys {
		if key == 0 {
			continue
		}
		k, c := key-1, r.vals[j]
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

// newRiskMap is a risk map with the run's decay and its table of factors.
func (st *streetLevel) newRiskMap() riskMap { return riskMapOf(st.decay, st.riskFactor) }
