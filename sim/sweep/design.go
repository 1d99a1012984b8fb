package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r1"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/samplemv"
)

// The PCG streams of the designs' draws, seeded with Design.Seed. They are
// far from the small streams of Seed(base, r), so a design seed equal to a
// replicate base seed does not replay a replicate's numbers.
const (
	lhsStream    = 0x6c6873       // "lhs"
	morrisStream = 0x6d6f72726973 // "morris"
)

// Points makes the design points of d over ps, with IDs 0..n-1 in order.
// Outside Morris designs a point's Trajectory is -1, Moved -1, Step 0 and
// Unit nil.
//
//   - Factorial: the full grid, the first parameter varying slowest and the
//     last fastest, as nested loops in the parameters' order. A parameter's
//     levels are its Values or, without Values, Steps evenly spaced values
//     from Min to Max inclusive (Steps 1 needs Min = Max); an Integer
//     parameter's are rounded to nearest, and Steps that would round two
//     levels to the same whole number are refused. Without parameters there
//     is one point with no levels (a sweep over arms only); more than
//     math.MaxInt32 points are refused.
//   - LHS: d.Samples points of a Latin hypercube over [Min, Max] of every
//     parameter (Values are ignored), drawn from d.Seed; Integer parameters
//     are rounded to nearest.
//   - Morris: d.Trajectories one-at-a-time trajectories of len(ps)+1 points
//     each, on a grid of d.Levels levels per parameter (see morrisPoints);
//     the point of trajectory t at step s has ID t*(len(ps)+1)+s.
//
// The caller is expected to have validated the design already; the errors
// are backstops, one sentence each.
func Points(d Design, ps []Parameter) ([]Point, error) {
	switch d.Kind {
	case Factorial:
		return factorialPoints(ps)
	case LHS:
		return lhsPoints(d, ps)
	case Morris:
		return morrisPoints(d, ps)
	}
	return nil, fmt.Errorf("unknown design kind %q (want factorial, lhs or morris)", d.Kind)
}

// scale maps u in [0, 1] onto [lo, hi], giving lo and hi exactly at the
// ends (0.2 + 1*(0.9-0.2) is 0.8999999999999999, not 0.9).
func scale(lo, hi, u float64) float64 {
	if u == 1 {
		return hi
	}
	return lo + u*(hi-lo)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkRange is the backstop check of a sampled range [Min, Max]: finite,
// Min below Max, and whole-number ends for an Integer parameter (so that
// rounding stays in the range).
func checkRange(p Parameter) error {
	if !finite(p.Min) || !finite(p.Max) {
		return fmt.Errorf("parameter %q has a range [%v, %v] that is not finite", p.Key, p.Min, p.Max)
	}
	if p.Min >= p.Max {
		return fmt.Errorf("parameter %q needs min below max, not [%v, %v]", p.Key, p.Min, p.Max)
	}
	if p.Integer && (p.Min != math.Round(p.Min) || p.Max != math.Round(p.Max)) {
		return fmt.Errorf("integer parameter %q needs whole-number min and max, not [%v, %v]", p.Key, p.Min, p.Max)
	}
	return nil
}

// gridLevels is n evenly spaced levels from Min to Max inclusive, rounded
// for an Integer parameter, which must not round two levels to one value.
// what names the count in the error ("steps", "morris levels").
func gridLevels(p Parameter, n int, what string) ([]float64, error) {
	xs := make([]float64, n)
	for i := range xs {
		u := 0.0
		if n > 1 {
			u = float64(i) / float64(n-1)
		}
		xs[i] = scale(p.Min, p.Max, u)
		if p.Integer {
			xs[i] = math.Round(xs[i])
			if i > 0 && xs[i] == xs[i-1] {
				return nil, fmt.Errorf("integer parameter %q: %d %s are too many for the integer range [%v, %v]", p.Key, n, what, p.Min, p.Max)
			}
		}
	}
	return xs, nil
}

// factorialLevels is the levels of one parameter of a factorial design.
func factorialLevels(p Parameter) ([]Level, error) {
	if len(p.Values) > 0 {
		return p.Values, nil
	}
	switch {
	case p.Steps < 1:
		return nil, fmt.Errorf("parameter %q has neither values nor a positive number of steps", p.Key)
	case p.Steps == 1:
		if !finite(p.Min) || p.Min != p.Max {
			return nil, fmt.Errorf("parameter %q has 1 step, which needs min equal to max, not [%v, %v]", p.Key, p.Min, p.Max)
		}
		if p.Integer && p.Min != math.Round(p.Min) {
			return nil, fmt.Errorf("integer parameter %q needs a whole-number value, not %v", p.Key, p.Min)
		}
	default:
		if err := checkRange(p); err != nil {
			return nil, err
		}
	}
	xs, err := gridLevels(p, p.Steps, "steps")
	if err != nil {
		return nil, err
	}
	ls := make([]Level, len(xs))
	for i, x := range xs {
		ls[i] = NumLevel(x, p.Integer)
	}
	return ls, nil
}

func factorialPoints(ps []Parameter) ([]Point, error) {
	levels := make([][]Level, len(ps))
	n := 1
	for i, p := range ps {
		ls, err := factorialLevels(p)
		if err != nil {
			return nil, err
		}
		if n > math.MaxInt32/len(ls) {
			return nil, fmt.Errorf("a factorial design over %d parameters has more than %d points", len(ps), math.MaxInt32)
		}
		levels[i] = ls
		n *= len(ls)
	}
	points := make([]Point, n)
	for id := range points {
		pt := Point{ID: id, Levels: make([]Level, len(ps)), Trajectory: -1, Moved: -1}
		// id in mixed radix, the last parameter the fastest digit.
		rest := id
		for i := len(ps) - 1; i >= 0; i-- {
			pt.Levels[i] = levels[i][rest%len(levels[i])]
			rest /= len(levels[i])
		}
		points[id] = pt
	}
	return points, nil
}

func lhsPoints(d Design, ps []Parameter) ([]Point, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("a Latin hypercube design needs at least one parameter")
	}
	if d.Samples < 1 {
		return nil, fmt.Errorf("a Latin hypercube design needs at least 1 sample, not %d", d.Samples)
	}
	bounds := make([]r1.Interval, len(ps))
	for i, p := range ps {
		if err := checkRange(p); err != nil {
			return nil, err
		}
		bounds[i] = r1.Interval{Min: p.Min, Max: p.Max}
	}
	batch := mat.NewDense(d.Samples, len(ps), nil)
	samplemv.LatinHypercube{
		// Only the quantiles of the uniform are used: it needs no source.
		Q:   distmv.NewUniform(bounds, nil),
		Src: rand.NewPCG(d.Seed, lhsStream),
	}.Sample(batch)
	points := make([]Point, d.Samples)
	for id := range points {
		pt := Point{ID: id, Levels: make([]Level, len(ps)), Trajectory: -1, Moved: -1}
		for i, p := range ps {
			x := batch.At(id, i)
			if p.Integer {
				x = math.Round(x)
			}
			pt.Levels[i] = NumLevel(x, p.Integer)
		}
		points[id] = pt
	}
	return points, nil
}

// morrisPoints makes Morris (1991) one-at-a-time trajectories in the B*
// form of Campolongo, Cariboni and Saltelli (2007). With p = d.Levels
// (even, so that delta is on the grid) and k parameters, the grid is
// {0, 1/(p-1), ..., 1} per parameter and delta = p / (2 (p - 1)). For each
// trajectory it draws, in this order from one PCG stream seeded with
// d.Seed: a base x* with every coordinate uniform on {0, 1/(p-1), ...,
// 1 - delta}, a permutation P* of the parameters (rand.Perm) and directions
// D* in {-1, +1}; the trajectory's k+1 points are the rows of
//
//	B* = (J x* + (delta/2) ((2B - J) D* + J)) P*
//
// with B the (k+1) x k strictly lower-triangular matrix of ones and J the
// matrix of ones. Row s differs from row s-1 in exactly one parameter, by
// +delta or -delta, and every coordinate stays in [0, 1]. The arithmetic is
// done in whole grid steps (the formula times p-1), so the coordinates are
// exactly i/(p-1).
func morrisPoints(d Design, ps []Parameter) ([]Point, error) {
	k := len(ps)
	if k == 0 {
		return nil, fmt.Errorf("a Morris design needs at least one parameter")
	}
	if d.Trajectories < 1 {
		return nil, fmt.Errorf("a Morris design needs at least 1 trajectory, not %d", d.Trajectories)
	}
	if d.Levels < 2 || d.Levels%2 != 0 {
		return nil, fmt.Errorf("a Morris design needs an even number of levels, 2 or more, not %d", d.Levels)
	}
	for _, p := range ps {
		if err := checkRange(p); err != nil {
			return nil, err
		}
		if p.Integer {
			if _, err := gridLevels(p, d.Levels, "morris levels"); err != nil {
				return nil, err
			}
		}
	}
	p := d.Levels
	half := p / 2 // delta in grid steps: p / (2 (p - 1)) = half / (p - 1)
	r := rand.New(rand.NewPCG(d.Seed, morrisStream))
	base := make([]int, k) // x*, in grid steps: 0 .. half-1, i.e. up to 1 - delta
	dir := make([]int, k)  // the diagonal of D*
	points := make([]Point, 0, d.Trajectories*(k+1))
	for t := 0; t < d.Trajectories; t++ {
		for j := range base {
			base[j] = r.IntN(half)
		}
		// P* has a one at (j, perm[j]): column j of the unpermuted matrix
		// is parameter perm[j].
		perm := r.Perm(k)
		for j := range dir {
			dir[j] = 2*r.IntN(2) - 1
		}
		for s := 0; s <= k; s++ {
			pt := Point{
				ID:         t*(k+1) + s,
				Levels:     make([]Level, k),
				Trajectory: t,
				Step:       s,
				Moved:      -1,
				Unit:       make([]float64, k),
			}
			if s > 0 {
				pt.Moved = perm[s-1]
			}
			for j := 0; j < k; j++ {
				b := 0 // B[s][j]: ones strictly below the diagonal
				if j < s {
					b = 1
				}
				// ((2B - J) D* + J)[s][j] is 0 or 2, so half times it over 2
				// is delta/2 times it, in grid steps.
				g := base[j] + half*((2*b-1)*dir[j]+1)/2
				pt.Unit[perm[j]] = float64(g) / float64(p-1)
			}
			for i, q := range ps {
				x := scale(q.Min, q.Max, pt.Unit[i])
				if q.Integer {
					x = math.Round(x)
				}
				pt.Levels[i] = NumLevel(x, q.Integer)
			}
			points = append(points, pt)
		}
	}
	return points, nil
}
