package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFindProb(t *testing.T) {
	for _, c := range []struct{ find, cover, want float64 }{
		{0.5, 0.4, 0.3},
		{0.5, 0.8, 0.1},
		{0.5, 0.1, 0.45},
		{1, 0, 1},
		{1, 0.7, 0.3},
		{0, 0.5, 0},
		{0.25, 0.6, 0.1},
	} {
		if got := FindProb(c.find, c.cover); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("FindProb(%g, %g) = %g, want %g", c.find, c.cover, got, c.want)
		}
	}
	// Over the whole valid range (find_prob in [0,1], cover in [0,1)) the
	// result is a probability, and more cover never makes a drop easier to find.
	for fi := 0; fi <= 20; fi++ {
		prev := math.Inf(1)
		for ci := 0; ci < 20; ci++ {
			f, cv := float64(fi)/20, float64(ci)/20
			p := FindProb(f, cv)
			if p < 0 || p > 1 {
				t.Errorf("FindProb(%g, %g) = %g outside [0,1]", f, cv, p)
			}
			if p > prev {
				t.Errorf("FindProb(%g, %g) = %g > %g at less cover", f, cv, p, prev)
			}
			prev = p
		}
	}
}

func TestDetectProb(t *testing.T) {
	for _, c := range []struct {
		name                   string
		detect, traffic, boost float64
		cctv                   bool
		want                   float64
	}{
		{"no camera: detect*traffic", 0.3, 0.4, 1, false, 0.12},
		{"no camera ignores boost", 0.3, 0.4, 50, false, 0.12},
		{"camera with boost 1 sees everything detect sees", 0.3, 0.4, 1, true, 0.3},
		{"camera with half boost", 0.3, 0.2, 0.5, true, 0.3 * (0.2 + 0.8*0.5)},
		{"empty street no camera", 0.9, 0, 1, false, 0},
		{"empty street with camera", 0.9, 0, 0.5, true, 0.45},
		{"busy street", 0.3, 1, 0, false, 0.3},
		{"clipped to 1", 0.8, 0.5, 3, true, 1},   // 0.8*(0.5+0.5*3) = 1.6
		{"exactly 1", 0.5, 0, 2, true, 1},        // 0.5*2 = 1
		{"clipped to 0", -0.5, 0.4, 1, false, 0}, // a negative detect_prob cannot give a negative chance
		{"zero detect", 0, 0.9, 100, true, 0},
	} {
		if got := DetectProb(c.detect, c.traffic, c.boost, c.cctv); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: DetectProb(%g, %g, %g, %v) = %g, want %g", c.name, c.detect, c.traffic, c.boost, c.cctv, got, c.want)
		}
	}
}

// softmaxWeights is the logit choice probability exp(u_i/T)/sum_j exp(u_j/T),
// computed in the plain textbook way (the test utilities are small enough
// not to overflow).
func softmaxWeights(u []float64, temp float64) []float64 {
	w := make([]float64, len(u))
	s := 0.0
	for i, x := range u {
		w[i] = math.Exp(x / temp)
		s += w[i]
	}
	for i := range w {
		w[i] /= s
	}
	return w
}

func TestSoftmaxPickFrequencies(t *testing.T) {
	cases := []struct {
		name  string
		u     []float64
		temp  float64
		shift float64 // added to every utility: must not change the choice
	}{
		{"default temperature", []float64{0.1, 0.5, -0.3, 0.2, 0.0}, 0.25, 0},
		{"hot", []float64{1, 2, 3}, 5, 0},
		{"cold", []float64{0.9, 1.0, 0.2, 0.95}, 0.1, 0},
		{"large utilities", []float64{0.1, 0.5, -0.3, 0.2, 0.0}, 0.25, 1000},
		{"ties", []float64{1, 1, 1, 0}, 1, 0},
	}
	const n = 200_000
	rng := rand.New(rand.NewPCG(7, 11))
	for _, c := range cases {
		u := make([]float64, len(c.u))
		for i, x := range c.u {
			u[i] = x + c.shift
		}
		want := softmaxWeights(c.u, c.temp)
		counts := make([]int, len(u))
		for k := 0; k < n; k++ {
			counts[softmaxPick(u, c.temp, rng.Float64())]++
		}
		chi2 := 0.0
		for i, p := range want {
			exp := n * p
			sd := math.Sqrt(n * p * (1 - p))
			if math.Abs(float64(counts[i])-exp) > 5*sd {
				t.Errorf("%s: index %d chosen %d times in %d, want %.1f +- %.1f (5 sigma)", c.name, i, counts[i], n, exp, 5*sd)
			}
			chi2 += (float64(counts[i]) - exp) * (float64(counts[i]) - exp) / exp
		}
		// chi-square with at most 4 degrees of freedom: P(chi2 > 30) < 1e-5.
		if chi2 > 30 {
			t.Errorf("%s: chi-square %.1f over %d categories", c.name, chi2, len(u))
		}
	}
}

func TestSoftmaxPickBoundaries(t *testing.T) {
	// Four equal utilities: each index owns a quarter of [0,1), and the
	// boundaries 0.25, 0.5, 0.75 are exact in binary.
	eq := []float64{3, 3, 3, 3}
	for _, c := range []struct {
		r    float64
		want int
	}{
		{0, 0}, {math.Nextafter(0.25, 0), 0}, {0.25, 1}, {0.4999, 1}, {0.5, 2},
		{math.Nextafter(0.75, 0), 2}, {0.75, 3}, {math.Nextafter(1, 0), 3},
	} {
		if got := softmaxPick(eq, 0.7, c.r); got != c.want {
			t.Errorf("equal utilities, r = %v: got %d, want %d", c.r, got, c.want)
		}
	}
	// Unequal utilities: just inside either side of each cumulative boundary.
	u := []float64{0.2, -0.1, 0.6, 0.3}
	const temp = 0.3
	w := softmaxWeights(u, temp)
	cum := 0.0
	for i := range u {
		lo, hi := cum, cum+w[i]
		for _, r := range []float64{lo + 1e-9, (lo + hi) / 2, hi - 1e-9} {
			if got := softmaxPick(u, temp, r); got != i {
				t.Errorf("r = %.12f in [%.12f, %.12f): got %d, want %d", r, lo, hi, got, i)
			}
		}
		cum = hi
	}
	if got := softmaxPick(u, temp, math.Nextafter(1, 0)); got != len(u)-1 {
		t.Errorf("r just below 1: got %d, want the last index", got)
	}
	// A single candidate is always chosen; a very cold choice is the argmax.
	if got := softmaxPick([]float64{-5}, 1, 0.99); got != 0 {
		t.Errorf("one candidate: got %d", got)
	}
	for _, r := range []float64{0, 0.3, 0.999999} {
		if got := softmaxPick([]float64{0.1, 0.9, 0.5}, 1e-3, r); got != 1 {
			t.Errorf("cold choice, r = %v: got %d, want the argmax 1", r, got)
		}
	}
}

func TestRiskMapHalfLife(t *testing.T) {
	const hl = 336 // 14 days of hourly ticks
	r := newRiskMap(hl)
	var d decayed
	decay := math.Ln2 / hl
	const t0 = 100
	r.add(7, 1.0, t0)
	d.add(decay, 1.0, t0)
	for _, c := range []struct {
		dt   int
		want float64
	}{{0, 1}, {hl, 0.5}, {2 * hl, 0.25}, {3 * hl, 0.125}, {hl / 2, math.Sqrt(0.5)}} {
		if got := r.get(7, t0+c.dt); math.Abs(got-c.want) > 1e-6 {
			t.Errorf("riskMap after %d ticks = %.9f, want %.9f", c.dt, got, c.want)
		}
		if got := d.get(decay, t0+c.dt); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("decayed after %d ticks = %.15f, want %.15f", c.dt, got, c.want)
		}
	}
	if got := r.get(8, t0+5); got != 0 {
		t.Errorf("untouched cell has risk %g", got)
	}

	// Composition: 1 at t0, +1 one half-life later (then 1.5), read one more
	// half-life later: 0.75. A third add of 2 at t0 + 2.5 half-lives, read at
	// t0 + 3 half-lives: 1*2^-3 + 1*2^-2 + 2*2^-0.5.
	r.add(7, 1.0, t0+hl)
	d.add(decay, 1.0, t0+hl)
	if got := r.get(7, t0+hl); math.Abs(got-1.5) > 1e-6 {
		t.Errorf("riskMap after the second add = %.9f, want 1.5", got)
	}
	if got, want := r.get(7, t0+2*hl), 0.75; math.Abs(got-want) > 1e-6 {
		t.Errorf("riskMap composed = %.9f, want %.9f", got, want)
	}
	if got, want := d.get(decay, t0+2*hl), 0.75; math.Abs(got-want) > 1e-12 {
		t.Errorf("decayed composed = %.15f, want %.15f", got, want)
	}
	r.add(7, 2.0, t0+5*hl/2)
	d.add(decay, 2.0, t0+5*hl/2)
	want := 0.125 + 0.25 + 2*math.Sqrt(0.5)
	if got := r.get(7, t0+3*hl); math.Abs(got-want) > 1e-6 {
		t.Errorf("riskMap after three adds = %.9f, want %.9f", got, want)
	}
	if got := d.get(decay, t0+3*hl); math.Abs(got-want) > 1e-12 {
		t.Errorf("decayed after three adds = %.15f, want %.15f", got, want)
	}
}

// The model derives the same decay rate for the per-cell maps and the
// scalar area sums from risk_half_life_days and the tick length.
func TestModelRiskHalfLife(t *testing.T) {
	for _, tm := range []int{60, 30} {
		p := smallParams()
		p.TickMinutes = tm
		p.Stasher.RiskHalfLifeDays = 3
		m := mustNew(t, p, 1)
		hl := 3 * 24 * 60 / tm // half-life in ticks
		if m.tpd != 24*60/tm {
			t.Fatalf("tick_minutes %d: %d ticks a day", tm, m.tpd)
		}
		s := m.street.stashers[0]
		s.risk.add(5, 0.8, 10)
		s.areaRisk = decayed{}
		s.areaRisk.add(m.street.decay, 0.8, 10)
		m.orgs.shops[0].risk.add(5, 0.4, 10)
		for k, want := range []float64{0.8, 0.4, 0.2} {
			tk := 10 + k*hl
			if got := s.risk.get(5, tk); math.Abs(got-want) > 1e-6 {
				t.Errorf("tick_minutes %d: stasher risk after %d half-lives = %.9f, want %.9f", tm, k, got, want)
			}
			if got := s.areaRisk.get(m.street.decay, tk); math.Abs(got-want) > 1e-12 {
				t.Errorf("tick_minutes %d: area risk after %d half-lives = %.12f, want %.12f", tm, k, got, want)
			}
			if got := m.orgs.shops[0].risk.get(5, tk); math.Abs(got-want/2) > 1e-6 {
				t.Errorf("tick_minutes %d: shop risk after %d half-lives = %.9f, want %.9f", tm, k, got, want/2)
			}
		}
	}
}

func TestRiskMapPrune(t *testing.T) {
	// Half-life 10 ticks; at tick 100 a value set at tick 0 has been halved
	// ten times: v/1024 < riskFloor exactly when v < 10.24.
	r := newRiskMap(10)
	vals := map[int32]float64{}
	for c := int32(0); c < 63; c++ {
		var v float64
		switch c % 4 {
		case 0:
			v = 5 // 0.0049 at tick 100: pruned
		case 1:
			v = 10 // 0.00977: pruned, just below the floor
		case 2:
			v = 10.5 // 0.01025: kept, just above the floor
		case 3:
			v = 40 // 0.039: kept
		}
		r.add(c, v, 0)
		vals[c] = v
	}
	if r.n != 63 {
		t.Fatalf("no pruning expected before 64 cells: %d cells", r.n)
	}
	r.add(1000, 0.5, 100) // the 64th cell triggers the pruning
	vals[1000] = 0.5 * 1024
	wantLeft := 0
	for c, v := range vals {
		at100 := v / 1024
		if at100 >= riskFloor {
			wantLeft++
		}
		kept := r.has(int32(c))
		if wantKept := at100 >= riskFloor; kept != wantKept {
			t.Errorf("cell %d with risk %.5f at tick 100: kept = %v, want %v", c, at100, kept, wantKept)
		}
		if kept {
			if got := r.get(c, 100); math.Abs(got-at100) > 1e-6*at100 {
				t.Errorf("cell %d after pruning: %.7f, want %.7f", c, got, at100)
			}
		} else if got := r.get(c, 100); got != 0 {
			t.Errorf("pruned cell %d still reads %g", c, got)
		}
	}
	if r.n != wantLeft || wantLeft != 16+15+1 { // c%4 == 2: 16 cells, c%4 == 3: 15, and cell 1000
		t.Errorf("%d cells left, want %d", r.n, wantLeft)
	}
}

// riskUnits converts addWithin's fixed-point sums to risk.
func riskUnits(v int64) float64 { return float64(v) * riskUnit }

func TestRiskMapAddWithin(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const w, h = 30, 20
	// Fewer than 64 cells: nothing is pruned, so the disk sums can be
	// checked against the decay formula applied to each recorded add.
	type add struct {
		cell int32
		dv   float64
		tick int
	}
	r := newRiskMap(50)
	var adds []add
	tick := 0
	cells := rng.Perm(w * h)[:60]
	for k := 0; k < 300; k++ {
		tick += rng.IntN(5)
		a := add{int32(cells[rng.IntN(len(cells))]), 0.1 + rng.Float64(), tick}
		r.add(a.cell, a.dv, a.tick)
		adds = append(adds, a)
	}
	if r.n != 60 {
		t.Fatalf("%d cells in the map, want 60", r.n)
	}
	now := tick + 17
	decay := math.Ln2 / 50
	centres := [][2]int{{0, 0}, {15, 10}, {29, 19}, {3, 17}, {100, 100}, {-5, 8}}
	for _, radius := range []float64{0, 1, 2.5, 6, 40} {
		sums := make([]int64, len(centres))
		r.addWithin(now, w, centres, radius, sums)
		for i, c := range centres {
			want, n := 0.0, 0
			for _, a := range adds {
				x, y := int(a.cell)%w, int(a.cell)/w
				if dx, dy := float64(x-c[0]), float64(y-c[1]); math.Sqrt(dx*dx+dy*dy) <= radius {
					want += a.dv * math.Exp(-decay*float64(now-a.tick))
					n++
				}
			}
			// values are stored in float32 (relative 1e-7) and summed in units of 1e-9
			if got := riskUnits(sums[i]); math.Abs(got-want) > 1e-6*math.Max(1, want) {
				t.Errorf("radius %g around %v: addWithin = %.9f, formula gives %.9f (%d adds)", radius, c, got, want, n)
			}
		}
		// addWithin adds to the sums it is given.
		again := append([]int64(nil), sums...)
		r.addWithin(now, w, centres, radius, again)
		for i := range sums {
			if again[i] != 2*sums[i] {
				t.Errorf("radius %g: a second addWithin gave %d, want 2 x %d", radius, again[i], sums[i])
			}
		}
	}

	// Many cells, with pruning: the disk sums equal brute-force sums of get
	// over every cell of the grid.
	const bw, bh = 60, 50
	r = newRiskMap(20)
	tick = 0
	for k := 0; k < 5000; k++ {
		tick += rng.IntN(3)
		r.add(int32(rng.IntN(bw*bh)), 0.05+rng.Float64(), tick)
	}
	if r.n >= 2000 {
		t.Fatalf("expected pruning: %d cells kept", r.n)
	}
	now = tick + 3
	centres = centres[:0]
	for k := 0; k < 20; k++ {
		centres = append(centres, [2]int{rng.IntN(bw), rng.IntN(bh)})
	}
	for _, radius := range []float64{0, 3, 7.5, 15} {
		sums := make([]int64, len(centres))
		r.addWithin(now, bw, centres, radius, sums)
		for i, c := range centres {
			want, n := 0.0, 0
			for y := 0; y < bh; y++ {
				for x := 0; x < bw; x++ {
					if dx, dy := float64(x-c[0]), float64(y-c[1]); dx*dx+dy*dy <= radius*radius {
						want += r.get(int32(y*bw+x), now)
						n++
					}
				}
			}
			// each cell is rounded to the nearest 1e-9
			if got := riskUnits(sums[i]); math.Abs(got-want) > float64(n)*0.5e-9+1e-12*want {
				t.Errorf("radius %g around %v: addWithin = %.10f, brute force %.10f", radius, c, got, want)
			}
		}
	}
}

// areaRiskSums adds the stasher's own and its shop's risk over the
// working-area disk; check it against a brute-force sum over the grid.
func TestAreaRiskSums(t *testing.T) {
	p := smallParams()
	m := mustNew(t, p, 5)
	s := m.street.stashers[1]
	sh := m.orgs.shops[s.shop]
	rng := rand.New(rand.NewPCG(9, 9))
	for k := 0; k < 200; k++ {
		s.risk.add(int32(rng.IntN(len(m.G.Class))), rng.Float64(), k)
		sh.risk.add(int32(rng.IntN(len(m.G.Class))), rng.Float64(), k)
	}
	now := 250
	centres := [][2]int{{s.ax, s.ay}, {0, 0}, {39, 39}, {20, 5}}
	got := m.areaRiskSums(s, centres, now)
	r := p.Stasher.AreaRadius
	for i, c := range centres {
		want := 0.0
		for id := range m.G.Class {
			x, y := m.G.XY(int32(id))
			if math.Hypot(float64(x-c[0]), float64(y-c[1])) <= r {
				want += s.risk.get(int32(id), now) + sh.risk.get(int32(id), now)
			}
		}
		if math.Abs(got[i]-want) > 1e-6 {
			t.Errorf("area risk around %v = %.9f, brute force %.9f", c, got[i], want)
		}
		if want <= 0 {
			t.Errorf("degenerate test: no risk near %v", c)
		}
	}
}

// TestRiskMapAgreesWithAMap: the flat table against the plain Go map it
// replaced (decay, add, raise and pruning re-done here on a map), over
// random adds and reads of 3,000 cells, many of them colliding in the
// table, through its growth and prunings.
func TestRiskMapAgreesWithAMap(t *testing.T) {
	r := newRiskMap(30)
	ref := map[int32]riskCell{}
	pruneAt := 64
	at := func(c riskCell, tick int) float64 { return float64(c.v) * math.Exp(-r.decay*float64(tick-int(c.t))) }
	refGet := func(cell int32, tick int) float64 {
		if c, ok := ref[cell]; ok {
			return at(c, tick)
		}
		return 0
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for tick := 0; tick < 3000; tick++ {
		for k := 0; k < 5; k++ {
			cell := int32(rng.IntN(3000)) * 64 // multiples of 64: many share low bits
			dv := rng.Float64()
			if rng.IntN(2) == 0 {
				r.add(cell, dv, tick)
			} else {
				r.raise(cell, dv, tick)
				if dv <= refGet(cell, tick) {
					continue
				}
				dv -= refGet(cell, tick)
			}
			ref[cell] = riskCell{v: float32(refGet(cell, tick) + dv), t: int32(tick)}
			if len(ref) >= pruneAt {
				for c, v := range ref {
					if at(v, tick) < riskFloor {
						delete(ref, c)
					}
				}
				pruneAt = max(64, 2*len(ref))
			}
		}
		if r.n != len(ref) {
			t.Fatalf("tick %d: %d cells held, the map holds %d", tick, r.n, len(ref))
		}
		for k := 0; k < 20; k++ {
			cell := int32(rng.IntN(3000)) * 64
			if got, want := r.get(cell, tick), refGet(cell, tick); got != want {
				t.Fatalf("tick %d: cell %d reads %g, the map %g", tick, cell, got, want)
			}
		}
	}
}

// TestRiskDecayTable: a map that reads decay factors from the table of a
// run's ages gives exactly what one computing exp gives, within the table
// (ages up to 100) and past it.
func TestRiskDecayTable(t *testing.T) {
	plain := newRiskMap(17)
	tabled := newRiskMap(17)
	tabled.factor = decayTable(tabled.decay, 100)
	rng := rand.New(rand.NewPCG(7, 8))
	for tick := 0; tick < 400; tick++ {
		cell := int32(rng.IntN(50))
		if rng.IntN(3) == 0 {
			dv := rng.Float64()
			plain.add(cell, dv, tick)
			tabled.add(cell, dv, tick)
		}
		for c := int32(0); c < 50; c++ {
			if a, b := plain.get(c, tick), tabled.get(c, tick); a != b {
				t.Fatalf("tick %d, cell %d: %g computed, %g from the table", tick, c, a, b)
			}
		}
	}
}
