package metrics

// Spatial summaries of a point set (drop sites, seizures...): the standard
// deviational ellipse, the mean distance from a point, the share of events
// in the busiest cells and the nearest-neighbour index (MODEL.md section 5).

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/kdtree"
	"gonum.org/v1/gonum/stat"
)

// Ellipse is the standard deviational ellipse of a point set (population form, divide by n).
type Ellipse struct {
	CX, CY       float64 // mean centre
	Major, Minor float64 // standard deviations along the major and minor axes (Major >= Minor)
	AngleDeg     float64 // angle of the major axis from the +x axis towards +y, in [0, 180)
}

func checkLengths(xs, ys []float64) {
	if len(xs) != len(ys) {
		panic("metrics: xs and ys have different lengths")
	}
}

// SDE returns the standard deviational ellipse of the points: the axes are
// the eigenvectors of the population covariance matrix of (x, y), and Major
// and Minor the square roots of its eigenvalues, so Major^2 + Minor^2 is
// the squared standard distance of Centroid. When Major == Minor the axis
// direction is undefined and AngleDeg is that of whichever eigenvector the
// decomposition returns. It returns false for fewer than 2 points.
// xs and ys must have the same length.
func SDE(xs, ys []float64) (Ellipse, bool) {
	checkLengths(xs, ys)
	n := len(xs)
	if n < 2 {
		return Ellipse{}, false
	}
	data := mat.NewDense(n, 2, nil)
	data.SetCol(0, xs)
	data.SetCol(1, ys)
	var cov mat.SymDense
	stat.CovarianceMatrix(&cov, data, nil) // divides by n-1
	cov.ScaleSym(float64(n-1)/float64(n), &cov)

	var eig mat.EigenSym
	if !eig.Factorize(&cov, true) {
		return Ellipse{}, false
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)

	angle := math.Atan2(vecs.At(1, 1), vecs.At(0, 1)) * 180 / math.Pi
	if angle < 0 {
		angle += 180
	}
	if angle >= 180 { // -tiny + 180 rounds to 180
		angle -= 180
	}
	angle += 0 // no -0

	return Ellipse{
		CX:       stat.Mean(xs, nil),
		CY:       stat.Mean(ys, nil),
		Major:    math.Sqrt(math.Max(vals[1], 0)),
		Minor:    math.Sqrt(math.Max(vals[0], 0)),
		AngleDeg: angle,
	}, true
}

// MeanDistance is the mean Euclidean distance of the points from (px, py); NaN for no points.
// xs and ys must have the same length.
func MeanDistance(xs, ys []float64, px, py float64) float64 {
	checkLengths(xs, ys)
	if len(xs) == 0 {
		return math.NaN()
	}
	d := make([]float64, len(xs))
	for i := range xs {
		d[i] = math.Hypot(xs[i]-px, ys[i]-py)
	}
	return stat.Mean(d, nil)
}

// TopShare: counts holds the number of events in each cell that has any; cells is the number of
// cells that could hold events. It returns the share of all events in the ceil(frac*cells) cells
// with the most events (0 with no events). frac in (0,1].
//
// frac*cells is rounded up after allowing for floating-point error, so
// that frac = 0.1 of 30 cells is 3 cells, not 4. Ties do not matter: the
// cells taken all hold as many events as any cell left out. It panics
// when frac is outside (0, 1], cells is less than len(counts), or a count
// is negative.
func TopShare(counts []int, cells int, frac float64) float64 {
	if !(frac > 0 && frac <= 1) {
		panic("metrics: TopShare frac must be in (0, 1]")
	}
	if cells < len(counts) {
		panic("metrics: TopShare has more cells with events than cells")
	}
	total := 0
	for _, c := range counts {
		if c < 0 {
			panic("metrics: TopShare count is negative")
		}
		total += c
	}
	if total == 0 {
		return 0
	}
	x := frac * float64(cells)
	k := int(math.Ceil(x * (1 - 1e-12)))
	k = max(k, 1)
	sorted := slices.Clone(counts)
	slices.Sort(sorted)
	top := 0
	for i := len(sorted) - 1; i >= 0 && i >= len(sorted)-k; i-- {
		top += sorted[i]
	}
	return float64(top) / float64(total)
}

// NNI is the Clark & Evans (1954) nearest-neighbour index of n distinct points in a study area.
type NNI struct {
	N        int
	Observed float64 // mean distance to the nearest other point
	Expected float64 // 0.5 / sqrt(n / area)
	R        float64 // Observed / Expected: < 1 clustered, 1 random, > 1 dispersed
	Z        float64 // (Observed - Expected) / (0.26136 / sqrt(n*n/area))
}

// NearestNeighbourIndex computes the Clark & Evans (1954) nearest-neighbour
// index of the points in a study area of the given area (in the squared
// units of the coordinates). Nearest neighbours are found with a k-d tree,
// in O(n log n) on average; points that coincide are each other's nearest
// neighbour at distance 0. No edge correction is applied. It returns false
// for fewer than 2 points or area <= 0. xs and ys must have the same length.
func NearestNeighbourIndex(xs, ys []float64, area float64) (NNI, bool) {
	checkLengths(xs, ys)
	n := len(xs)
	if n < 2 || !(area > 0) {
		return NNI{}, false
	}
	pts := make(kdtree.Points, n)
	flat := make([]float64, 2*n)
	for i := range xs {
		p := kdtree.Point(flat[2*i : 2*i+2 : 2*i+2])
		p[0], p[1] = xs[i], ys[i]
		pts[i] = p
	}
	// New reorders its argument; queries go in input order (a copy) so
	// the sum, and so the result, does not depend on the tree's layout.
	queries := slices.Clone(pts)
	tree := kdtree.New(pts, false)

	keep := kdtree.NewNKeeper(2)
	sentinel := keep.Heap[0]
	sum := 0.0
	for _, q := range queries {
		keep.Heap = append(keep.Heap[:0], sentinel)
		tree.NearestSet(keep, q)
		// The two nearest points of the tree are q itself (distance 0)
		// and its nearest other point, or two points at distance 0 when
		// q has a duplicate: either way the larger distance is the one.
		d2 := math.Max(keep.Heap[0].Dist, keep.Heap[1].Dist) // squared
		sum += math.Sqrt(d2)
	}
	fn := float64(n)
	obs := sum / fn
	exp := 0.5 / math.Sqrt(fn/area)
	se := 0.26136 / math.Sqrt(fn*fn/area)
	return NNI{
		N:        n,
		Observed: obs,
		Expected: exp,
		R:        obs / exp,
		Z:        (obs - exp) / se,
	}, true
}
