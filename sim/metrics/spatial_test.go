package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// angleDiff is the difference of two axis angles in degrees, modulo 180.
func angleDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 180)
	return math.Min(d, 180-d)
}

func checkEllipse(t *testing.T, name string, e Ellipse, want Ellipse, tol float64) {
	t.Helper()
	if math.Abs(e.CX-want.CX) > tol || math.Abs(e.CY-want.CY) > tol ||
		math.Abs(e.Major-want.Major) > tol || math.Abs(e.Minor-want.Minor) > tol ||
		angleDiff(e.AngleDeg, want.AngleDeg) > 1e-7 || e.AngleDeg < 0 || e.AngleDeg >= 180 || e.Major < e.Minor {
		t.Errorf("%s: SDE %+v, want %+v", name, e, want)
	}
}

// anisotropic returns n points spread 3 times as much along 25 degrees as
// across it, centred near (10, -4).
func anisotropic(rng *rand.Rand, n int) (xs, ys []float64) {
	xs, ys = make([]float64, n), make([]float64, n)
	s, c := math.Sincos(25 * math.Pi / 180)
	for i := range xs {
		u, v := 3*rng.NormFloat64(), rng.NormFloat64()
		xs[i], ys[i] = 10+u*c-v*s, -4+u*s+v*c
	}
	return xs, ys
}

func TestSDEOnALine(t *testing.T) {
	// Points t*(cos 30, sin 30) + (3, -2) for t = -2..2: the mean of t is
	// 0 and its population variance (4+1+0+1+4)/5 = 2, so Major = sqrt 2,
	// Minor = 0, angle 30.
	s, c := math.Sincos(30 * math.Pi / 180)
	var xs, ys []float64
	for k := -2; k <= 2; k++ {
		xs = append(xs, 3+float64(k)*c)
		ys = append(ys, -2+float64(k)*s)
	}
	e, ok := SDE(xs, ys)
	if !ok {
		t.Fatal("SDE not computed")
	}
	checkEllipse(t, "line at 30 degrees", e, Ellipse{CX: 3, CY: -2, Major: math.Sqrt2, Minor: 0, AngleDeg: 30}, 1e-7)
}

func TestSDEAxisAligned(t *testing.T) {
	// Four corners x in {-2, 2}, y in {-1, 1} around (5, 7): population
	// variances 4 and 1, covariance 0: Major 2, Minor 1, along x.
	e, ok := SDE([]float64{3, 7, 3, 7}, []float64{6, 6, 8, 8})
	if !ok {
		t.Fatal("SDE not computed")
	}
	checkEllipse(t, "wide", e, Ellipse{CX: 5, CY: 7, Major: 2, Minor: 1, AngleDeg: 0}, 1e-12)
	// The same turned a quarter: x in {-1, 1}, y in {-3, 3}: Major 3, Minor 1, angle 90.
	e, ok = SDE([]float64{-1, 1, -1, 1}, []float64{-3, -3, 3, 3})
	if !ok {
		t.Fatal("SDE not computed")
	}
	checkEllipse(t, "tall", e, Ellipse{Major: 3, Minor: 1, AngleDeg: 90}, 1e-12)
	// Two coincident points: a degenerate ellipse of size 0.
	e, ok = SDE([]float64{1, 1}, []float64{2, 2})
	if !ok || e.Major != 0 || e.Minor != 0 || e.CX != 1 || e.CY != 2 {
		t.Errorf("coincident points: %+v, %v", e, ok)
	}
}

func TestSDETooFewPoints(t *testing.T) {
	if _, ok := SDE([]float64{1}, []float64{2}); ok {
		t.Error("SDE of one point computed")
	}
	if _, ok := SDE(nil, nil); ok {
		t.Error("SDE of no points computed")
	}
}

func TestSDERotation(t *testing.T) {
	// Turning the points by 40 degrees about the origin turns the centre
	// and the major axis by 40 degrees and leaves the axis lengths alone.
	rng := rand.New(rand.NewPCG(1, 2))
	xs, ys := anisotropic(rng, 500)
	e0, ok := SDE(xs, ys)
	if !ok {
		t.Fatal("SDE not computed")
	}
	s, c := math.Sincos(40 * math.Pi / 180)
	rx, ry := make([]float64, len(xs)), make([]float64, len(xs))
	for i := range xs {
		rx[i], ry[i] = xs[i]*c-ys[i]*s, xs[i]*s+ys[i]*c
	}
	e1, ok := SDE(rx, ry)
	if !ok {
		t.Fatal("SDE not computed")
	}
	want := Ellipse{
		CX: e0.CX*c - e0.CY*s, CY: e0.CX*s + e0.CY*c,
		Major: e0.Major, Minor: e0.Minor, AngleDeg: e0.AngleDeg + 40,
	}
	checkEllipse(t, "rotated", e1, want, 1e-9)
	// The sample was drawn along 25 degrees, 3 to 1.
	if angleDiff(e0.AngleDeg, 25) > 5 || math.Abs(e0.Major/e0.Minor-3) > 0.4 {
		t.Errorf("anisotropic sample: %+v, want an axis near 25 degrees and a 3:1 ratio", e0)
	}
}

func TestSDEAgainstStandardDistanceAndYuill(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs, ys := anisotropic(rng, 300)
	e, ok := SDE(xs, ys)
	if !ok {
		t.Fatal("SDE not computed")
	}
	// The axes split the total variance: Major^2 + Minor^2 = sd^2.
	cx, cy, sd := Centroid(xs, ys)
	if !closeTo(e.Major*e.Major+e.Minor*e.Minor, sd*sd, 1e-12) || !closeTo(e.CX, cx, 1e-12) || !closeTo(e.CY, cy, 1e-12) {
		t.Errorf("SDE %+v; Centroid (%v, %v) sd %v: Major^2 + Minor^2 = %v, sd^2 = %v",
			e, cx, cy, sd, e.Major*e.Major+e.Minor*e.Minor, sd*sd)
	}
	// Yuill (1971): tan theta = ((Sxx - Syy) + sqrt((Sxx - Syy)^2 + 4 Sxy^2)) / (2 Sxy),
	// with S the sums of squared and cross deviations. Yuill's theta is the
	// major axis measured from the +y axis towards +x (the tangent of the
	// angle from +x is (lambda - Sxx)/Sxy = Sxy/(lambda - Syy)), so the
	// SDE's angle from +x is 90 - theta.
	var sxx, syy, sxy float64
	for i := range xs {
		dx, dy := xs[i]-cx, ys[i]-cy
		sxx += dx * dx
		syy += dy * dy
		sxy += dx * dy
	}
	tan := ((sxx - syy) + math.Sqrt((sxx-syy)*(sxx-syy)+4*sxy*sxy)) / (2 * sxy)
	theta := math.Atan(tan) * 180 / math.Pi
	if d := angleDiff(e.AngleDeg, 90-theta); d > 1e-7 {
		t.Errorf("SDE angle %v, Yuill's theta %v: 90 - theta = %v (off by %v)", e.AngleDeg, theta, 90-theta, d)
	}
	// Yuill's axis lengths: the population variances along the axes.
	n := float64(len(xs))
	root := math.Sqrt((sxx-syy)*(sxx-syy) + 4*sxy*sxy)
	major, minor := math.Sqrt((sxx+syy+root)/(2*n)), math.Sqrt((sxx+syy-root)/(2*n))
	if !closeTo(e.Major, major, 1e-10) || !closeTo(e.Minor, minor, 1e-10) {
		t.Errorf("SDE axes %v, %v; closed form %v, %v", e.Major, e.Minor, major, minor)
	}
}

func TestMeanDistance(t *testing.T) {
	// From (1, 1): (4, 5) is 3-4-5 away, (-2, -3) too, and (7, 9) is 6-8-10:
	// (5 + 5 + 10) / 3.
	got := MeanDistance([]float64{4, -2, 7}, []float64{5, -3, 9}, 1, 1)
	if !closeTo(got, 20.0/3, 1e-15) {
		t.Errorf("MeanDistance %v, want 20/3", got)
	}
	if got := MeanDistance(nil, nil, 0, 0); !math.IsNaN(got) {
		t.Errorf("MeanDistance of no points %v, want NaN", got)
	}
}

func TestTopShare(t *testing.T) {
	cases := []struct {
		name   string
		counts []int
		cells  int
		frac   float64
		want   float64
	}{
		// 0.1 * 10 = 1 cell: 5 of 10 events.
		{"one cell", []int{3, 5, 2}, 10, 0.1, 0.5},
		// 0.15 * 10 = 1.5, rounded up to 2 cells: 5 + 3 of 10.
		{"fractional cells", []int{3, 5, 2}, 10, 0.15, 0.8},
		// 0.25 * 10 = 2.5 -> 3 cells: all 10.
		{"all cells with events", []int{3, 5, 2}, 10, 0.25, 1},
		// Ties: 0.25 * 8 = 2 of three cells with 4: 8 of 13, whichever two.
		{"ties", []int{4, 1, 4, 4}, 8, 0.25, 8.0 / 13},
		// 0.1 * 30 is 3.0000000000000004 in floating point, still 3 cells: 5 + 4 + 3 of 15.
		{"rounding", []int{1, 2, 3, 4, 5}, 30, 0.1, 12.0 / 15},
		// More cells than have events: 50 cells hold all 7.
		{"fewer busy cells than taken", []int{7}, 100, 0.5, 1},
		// frac = 1: everything.
		{"frac 1", []int{1, 2}, 5, 1, 1},
		{"no events", nil, 10, 0.1, 0},
		{"zero counts", []int{0, 0}, 10, 0.5, 0},
	}
	for _, tc := range cases {
		if got := TopShare(tc.counts, tc.cells, tc.frac); !closeTo(got, tc.want, 1e-15) {
			t.Errorf("%s: TopShare(%v, %d, %v) = %v, want %v", tc.name, tc.counts, tc.cells, tc.frac, got, tc.want)
		}
	}
	counts := []int{3, 5, 2}
	TopShare(counts, 10, 0.1)
	if counts[0] != 3 || counts[1] != 5 || counts[2] != 2 {
		t.Errorf("TopShare reordered its input: %v", counts)
	}
}

func TestTopShareInvalidPanics(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		cells  int
		frac   float64
	}{
		{[]int{1}, 10, 0}, {[]int{1}, 10, 1.5}, {[]int{1}, 10, math.NaN()}, {[]int{1}, 10, -0.1},
		{[]int{1, 2, 3}, 2, 0.5}, {[]int{1, -2}, 10, 0.5},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("TopShare(%v, %d, %v) did not panic", tc.counts, tc.cells, tc.frac)
				}
			}()
			TopShare(tc.counts, tc.cells, tc.frac)
		}()
	}
}

func TestNNILattice(t *testing.T) {
	// A 10 x 10 square lattice of spacing 1 over an area of n = 100: every
	// point's nearest neighbour is 1 away, Expected = 0.5 / sqrt(100/100)
	// = 0.5, R = 2, Z = 0.5 / (0.26136 / sqrt(100*100/100)) = 5 / 0.26136.
	var xs, ys []float64
	for i := range 10 {
		for j := range 10 {
			xs = append(xs, float64(i)+0.5)
			ys = append(ys, float64(j)+0.5)
		}
	}
	r, ok := NearestNeighbourIndex(xs, ys, 100)
	if !ok {
		t.Fatal("NNI not computed")
	}
	if r.N != 100 || !closeTo(r.Observed, 1, 1e-15) || !closeTo(r.Expected, 0.5, 1e-15) ||
		!closeTo(r.R, 2, 1e-15) || !closeTo(r.Z, 5/0.26136, 1e-12) {
		t.Errorf("lattice: %+v, want N 100, Observed 1, Expected 0.5, R 2, Z %v", r, 5/0.26136)
	}
}

func TestNNIAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 2000
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = 100*rng.Float64(), 100*rng.Float64()
	}
	// A few coincident points and a tight cluster, to exercise ties.
	for i := range 20 {
		xs[n-1-i], ys[n-1-i] = xs[i], ys[i]
		xs[n-100-i], ys[n-100-i] = 50+1e-9*float64(i), 50
	}
	sum := 0.0
	for i := range xs {
		best := math.Inf(1)
		for j := range xs {
			if j != i {
				best = math.Min(best, math.Hypot(xs[i]-xs[j], ys[i]-ys[j]))
			}
		}
		sum += best
	}
	obs := sum / n
	r, ok := NearestNeighbourIndex(xs, ys, 10000)
	if !ok {
		t.Fatal("NNI not computed")
	}
	// Expected = 0.5 / sqrt(2000 / 10000); Z's SE = 0.26136 / sqrt(2000^2 / 10000) = 0.26136 / 20.
	exp := 0.5 / math.Sqrt(0.2)
	if r.N != n || !closeTo(r.Observed, obs, 1e-12) || !closeTo(r.Expected, exp, 1e-15) ||
		!closeTo(r.R, obs/exp, 1e-12) || !closeTo(r.Z, (obs-exp)/(0.26136/20), 1e-9) {
		t.Errorf("kd-tree %+v; brute force Observed %v, Expected %v", r, obs, exp)
	}
}

func TestNNIRandomPointsNearOne(t *testing.T) {
	// Complete spatial randomness gives R near 1 (plus a small edge effect,
	// about 0.3% here, as no edge correction is applied).
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 20000
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = rng.Float64(), rng.Float64()
	}
	r, ok := NearestNeighbourIndex(xs, ys, 1)
	if !ok || math.Abs(r.R-1) > 0.02 {
		t.Errorf("random points: %+v, want R near 1", r)
	}
}

func TestNNIDuplicates(t *testing.T) {
	// Two pairs of coincident points: every nearest neighbour is 0 away.
	r, ok := NearestNeighbourIndex([]float64{0, 5, 0, 5}, []float64{0, 5, 0, 5}, 100)
	if !ok || r.Observed != 0 || r.R != 0 {
		t.Errorf("pairs: %+v, %v; want Observed 0", r, ok)
	}
	// Three coincident points and one 3-4-5 away: (0 + 0 + 0 + 5) / 4.
	r, ok = NearestNeighbourIndex([]float64{1, 1, 1, 4}, []float64{1, 1, 1, 5}, 100)
	if !ok || !closeTo(r.Observed, 1.25, 1e-15) {
		t.Errorf("triple: %+v, %v; want Observed 1.25", r, ok)
	}
}

func TestNNIUndefined(t *testing.T) {
	for _, tc := range []struct {
		xs, ys []float64
		area   float64
	}{
		{nil, nil, 1}, {[]float64{1}, []float64{1}, 1},
		{[]float64{1, 2}, []float64{1, 2}, 0}, {[]float64{1, 2}, []float64{1, 2}, -1},
		{[]float64{1, 2}, []float64{1, 2}, math.NaN()},
	} {
		if r, ok := NearestNeighbourIndex(tc.xs, tc.ys, tc.area); ok {
			t.Errorf("NNI of %d points in area %v computed: %+v", len(tc.xs), tc.area, r)
		}
	}
}

func BenchmarkNearestNeighbourIndex(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 50000
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = 500*rng.Float64(), 500*rng.Float64()
	}
	b.ResetTimer()
	for b.Loop() {
		if _, ok := NearestNeighbourIndex(xs, ys, 500*500); !ok {
			b.Fatal("NNI not computed")
		}
	}
}
