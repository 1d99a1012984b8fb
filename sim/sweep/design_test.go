package sweep

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func texts(ls []Level) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Text
	}
	return out
}

func TestFactorialOrderAndLevels(t *testing.T) {
	ps := []Parameter{
		{Key: "a", Values: []Level{{Text: `"x"`}, {Text: `"y"`}}},
		{Key: "b", Min: 0, Max: 1, Steps: 3},                 // 0, 0.5, 1
		{Key: "c", Min: 0, Max: 10, Steps: 4, Integer: true}, // 0, 3.33 -> 3, 6.67 -> 7, 10
	}
	pts, err := Points(Design{Kind: Factorial}, ps)
	if err != nil {
		t.Fatal(err)
	}
	// 2 x 3 x 4 = 24 points; a slowest, c fastest, as nested loops.
	if len(pts) != 24 {
		t.Fatalf("%d points, want 2*3*4 = 24", len(pts))
	}
	var want [][]string
	for _, a := range []string{`"x"`, `"y"`} {
		for _, b := range []string{"0", "0.5", "1"} {
			for _, c := range []string{"0", "3", "7", "10"} {
				want = append(want, []string{a, b, c})
			}
		}
	}
	for id, pt := range pts {
		if pt.ID != id || pt.Trajectory != -1 || pt.Moved != -1 || pt.Step != 0 || pt.Unit != nil {
			t.Errorf("point %d: id %d trajectory %d moved %d step %d unit %v", id, pt.ID, pt.Trajectory, pt.Moved, pt.Step, pt.Unit)
		}
		if got := texts(pt.Levels); !slices.Equal(got, want[id]) {
			t.Errorf("point %d: levels %v, want %v", id, got, want[id])
		}
	}
	// Numbers: point 1 is (x, 0, 3), point 23 is (y, 1, 10).
	if l := pts[1].Levels[2]; !l.Numeric || l.Num != 3 {
		t.Errorf("point 1 c = %+v, want the number 3", l)
	}
	if l := pts[23].Levels[1]; !l.Numeric || l.Num != 1 {
		t.Errorf("point 23 b = %+v, want the number 1", l)
	}
}

func TestFactorialEvenSpacing(t *testing.T) {
	// 0.2 .. 0.9 in 8 steps: 0.2, 0.3, ..., 0.9 (to rounding), the ends
	// exact: 0.2 + 1*(0.9-0.2) would be 0.8999999999999999.
	pts, err := Points(Design{Kind: Factorial}, []Parameter{{Key: "p", Min: 0.2, Max: 0.9, Steps: 8}})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	if len(pts) != len(want) {
		t.Fatalf("%d points, want %d", len(pts), len(want))
	}
	for i, pt := range pts {
		if math.Abs(pt.Levels[0].Num-want[i]) > 1e-15 {
			t.Errorf("level %d = %v, want %v", i, pt.Levels[0].Num, want[i])
		}
	}
	if first, last := pts[0].Levels[0], pts[7].Levels[0]; first.Text != "0.2" || last.Text != "0.9" {
		t.Errorf("ends %q, %q: want exactly 0.2 and 0.9", first.Text, last.Text)
	}
	// Integer steps that fit exactly: 0..10 in 11 steps is 0, 1, ..., 10.
	pts, err = Points(Design{Kind: Factorial}, []Parameter{{Key: "n", Min: 0, Max: 10, Steps: 11, Integer: true}})
	if err != nil {
		t.Fatal(err)
	}
	for i, pt := range pts {
		if pt.Levels[0].Text != strconv.Itoa(i) {
			t.Errorf("level %d = %q, want %q", i, pt.Levels[0].Text, strconv.Itoa(i))
		}
	}
}

func TestFactorialNoParameters(t *testing.T) {
	pts, err := Points(Design{Kind: Factorial}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 || pts[0].ID != 0 || len(pts[0].Levels) != 0 || pts[0].Trajectory != -1 {
		t.Fatalf("got %+v, want one point with no levels", pts)
	}
}

func TestPointsErrors(t *testing.T) {
	good := Parameter{Key: "g", Min: 0, Max: 1, Steps: 2}
	cases := []struct {
		name string
		d    Design
		ps   []Parameter
		want string // a piece of the message
	}{
		{"unknown kind", Design{Kind: "sobol"}, []Parameter{good}, "unknown design kind"},
		{"integer steps too many", Design{Kind: Factorial}, []Parameter{{Key: "n", Min: 0, Max: 10, Steps: 12, Integer: true}}, "too many for the integer range"},
		{"no steps no values", Design{Kind: Factorial}, []Parameter{{Key: "s", Min: 0, Max: 1}}, "neither values nor"},
		{"min above max", Design{Kind: Factorial}, []Parameter{good, {Key: "r", Min: 2, Max: 1, Steps: 3}}, "min below max"},
		{"min equals max, 3 steps", Design{Kind: Factorial}, []Parameter{{Key: "r", Min: 1, Max: 1, Steps: 3}}, "min below max"},
		{"one step, two ends", Design{Kind: Factorial}, []Parameter{{Key: "r", Min: 0, Max: 1, Steps: 1}}, "min equal to max"},
		{"not finite", Design{Kind: Factorial}, []Parameter{{Key: "r", Min: 0, Max: math.Inf(1), Steps: 3}}, "not finite"},
		{"integer with fraction", Design{Kind: Factorial}, []Parameter{{Key: "n", Min: 0.5, Max: 4, Steps: 2, Integer: true}}, "whole-number"},
		{"lhs no parameters", Design{Kind: LHS, Samples: 4}, nil, "at least one parameter"},
		{"lhs no samples", Design{Kind: LHS}, []Parameter{good}, "at least 1 sample"},
		{"lhs bad range", Design{Kind: LHS, Samples: 4}, []Parameter{{Key: "r", Min: 1, Max: 1}}, "min below max"},
		{"morris no parameters", Design{Kind: Morris, Trajectories: 2, Levels: 4}, nil, "at least one parameter"},
		{"morris no trajectories", Design{Kind: Morris, Levels: 4}, []Parameter{good}, "at least 1 trajectory"},
		{"morris odd levels", Design{Kind: Morris, Trajectories: 2, Levels: 3}, []Parameter{good}, "even number of levels"},
		{"morris one level", Design{Kind: Morris, Trajectories: 2, Levels: 1}, []Parameter{good}, "even number of levels"},
		{"morris bad range", Design{Kind: Morris, Trajectories: 2, Levels: 4}, []Parameter{{Key: "r", Min: 3, Max: 1}}, "min below max"},
		// 0..2 on 4 levels: 0, 0.67 -> 1, 1.33 -> 1: two levels on one integer.
		{"morris integer levels too many", Design{Kind: Morris, Trajectories: 2, Levels: 4}, []Parameter{{Key: "n", Min: 0, Max: 2, Integer: true}}, "too many for the integer range"},
	}
	for _, c := range cases {
		pts, err := Points(c.d, c.ps)
		if err == nil {
			t.Errorf("%s: no error, %d points", c.name, len(pts))
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: %q does not say %q", c.name, msg, c.want)
		}
		if strings.ContainsAny(msg, "\n") || strings.HasSuffix(msg, ".") || strings.Count(msg, ": ") > 1 {
			t.Errorf("%s: %q is not one plain sentence", c.name, msg)
		}
	}
	// 0..3 on 4 levels is 0, 1, 2, 3: accepted.
	if _, err := Points(Design{Kind: Morris, Trajectories: 1, Levels: 4}, []Parameter{{Key: "n", Min: 0, Max: 3, Integer: true}}); err != nil {
		t.Errorf("integer 0..3 on 4 levels: %v", err)
	}
}

func TestLHSStrata(t *testing.T) {
	ps := []Parameter{
		{Key: "a", Min: 0, Max: 1},
		{Key: "b", Min: -5, Max: 15},
		{Key: "c", Min: 100, Max: 100.5},
	}
	for _, n := range []int{1, 7, 50} {
		pts, err := Points(Design{Kind: LHS, Samples: n, Seed: 42}, ps)
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != n {
			t.Fatalf("%d points, want %d", len(pts), n)
		}
		for i, p := range ps {
			// Cut [Min, Max] in n equal strata: one sample in each.
			seen := make([]int, n)
			for id, pt := range pts {
				if pt.ID != id || pt.Trajectory != -1 || pt.Moved != -1 {
					t.Fatalf("point %d: %+v", id, pt)
				}
				x := pt.Levels[i].Num
				if x < p.Min || x > p.Max {
					t.Fatalf("n=%d %s: %v outside [%v, %v]", n, p.Key, x, p.Min, p.Max)
				}
				s := int((x - p.Min) / (p.Max - p.Min) * float64(n))
				seen[min(s, n-1)]++
			}
			for s, c := range seen {
				if c != 1 {
					t.Errorf("n=%d %s: stratum %d has %d samples, want 1", n, p.Key, s, c)
				}
			}
		}
	}
}

func TestLHSSeed(t *testing.T) {
	ps := []Parameter{{Key: "a", Min: 0, Max: 1}, {Key: "b", Min: 0, Max: 1}}
	draw := func(seed uint64) [][]string {
		pts, err := Points(Design{Kind: LHS, Samples: 10, Seed: seed}, ps)
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]string, len(pts))
		for i, pt := range pts {
			out[i] = texts(pt.Levels)
		}
		return out
	}
	a, b, c := draw(1), draw(1), draw(2)
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Error("the same seed gave different points")
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Error("seeds 1 and 2 gave the same points")
	}
}

func TestLHSInteger(t *testing.T) {
	// The integer flag does not change the draws: the integer design is the
	// real one of the same seed rounded to nearest (not truncated), every
	// sample a whole number in [0, 9] written without a fraction.
	real, err := Points(Design{Kind: LHS, Samples: 10, Seed: 3}, []Parameter{{Key: "n", Min: 0, Max: 9}})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := Points(Design{Kind: LHS, Samples: 10, Seed: 3}, []Parameter{{Key: "n", Min: 0, Max: 9, Integer: true}})
	if err != nil {
		t.Fatal(err)
	}
	rounded := 0 // samples whose fraction is 0.5 or more: truncation would differ
	for i, pt := range pts {
		l, x := pt.Levels[0], real[i].Levels[0].Num
		if l.Num != math.Round(x) || l.Num < 0 || l.Num > 9 || l.Text != strconv.Itoa(int(l.Num)) {
			t.Errorf("sample %d: level %+v, want %v rounded = %v", i, l, x, math.Round(x))
		}
		if math.Round(x) != math.Floor(x) {
			rounded++
		}
	}
	if rounded == 0 {
		t.Error("no sample rounded up: the test does not tell rounding from truncation")
	}
}

// gridIndex is u*(p-1) when u is exactly on the grid i/(p-1), else -1.
func gridIndex(u float64, p int) int {
	g := int(math.Round(u * float64(p-1)))
	if float64(g)/float64(p-1) != u {
		return -1
	}
	return g
}

func TestMorrisTrajectories(t *testing.T) {
	ps := []Parameter{
		{Key: "a", Min: 0, Max: 1},
		{Key: "b", Min: 10, Max: 20},
		{Key: "c", Min: 0, Max: 30, Integer: true}, // 30/(p-1) is whole on p = 2, 4, 6: rounding is exact
		{Key: "d", Min: -1, Max: 1},
		{Key: "e", Min: 0, Max: 10, Integer: true}, // p = 4: 0, 3.33 -> 3, 6.67 -> 7, 10
		{Key: "f", Min: 0.2, Max: 0.9},             // at u = 1 exactly 0.9
	}
	k := len(ps)
	for _, p := range []int{2, 4, 6} {
		d := Design{Kind: Morris, Trajectories: 40, Levels: p, Seed: 7}
		pts, err := Points(d, ps)
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != d.Trajectories*(k+1) {
			t.Fatalf("p=%d: %d points, want %d", p, len(pts), d.Trajectories*(k+1))
		}
		delta := float64(p) / (2 * float64(p-1)) // 1, 2/3, 3/5
		half := p / 2                            // delta in grid steps
		visited := make([]bool, p)
		dirs := map[int]bool{}
		for tr := 0; tr < d.Trajectories; tr++ {
			moved := make([]int, k)
			for s := 0; s <= k; s++ {
				id := tr*(k+1) + s
				pt := pts[id]
				if pt.ID != id || pt.Trajectory != tr || pt.Step != s {
					t.Fatalf("p=%d point %d: id %d trajectory %d step %d", p, id, pt.ID, pt.Trajectory, pt.Step)
				}
				for i, u := range pt.Unit {
					g := gridIndex(u, p)
					if u < 0 || u > 1 || g < 0 {
						t.Fatalf("p=%d point %d: unit %v not on the grid in [0, 1]", p, id, pt.Unit)
					}
					visited[g] = true
					// Levels = Min + Unit (Max - Min), c rounded.
					want := ps[i].Min + u*(ps[i].Max-ps[i].Min)
					if ps[i].Integer {
						want = math.Round(want)
					}
					if got := pt.Levels[i].Num; math.Abs(got-want) > 1e-12 {
						t.Errorf("p=%d point %d %s: level %v, want %v", p, id, ps[i].Key, got, want)
					}
					if got := pt.Levels[i].Num; u == 1 && got != ps[i].Max {
						t.Errorf("p=%d point %d %s: level %v at u = 1, want exactly %v", p, id, ps[i].Key, got, ps[i].Max)
					}
				}
				if s == 0 {
					if pt.Moved != -1 {
						t.Errorf("p=%d point %d: step 0 moved %d", p, id, pt.Moved)
					}
					continue
				}
				prev := pts[id-1]
				changed := -1
				for i := range pt.Unit {
					if pt.Unit[i] != prev.Unit[i] {
						if changed >= 0 {
							t.Errorf("p=%d point %d: parameters %d and %d both changed", p, id, changed, i)
						}
						changed = i
					}
				}
				if changed < 0 || changed != pt.Moved {
					t.Fatalf("p=%d point %d: changed %d, Moved %d", p, id, changed, pt.Moved)
				}
				moved[changed]++
				dg := gridIndex(pt.Unit[changed], p) - gridIndex(prev.Unit[changed], p)
				du := pt.Unit[changed] - prev.Unit[changed]
				if (dg != half && dg != -half) || math.Abs(math.Abs(du)-delta) > 1e-15 {
					t.Errorf("p=%d point %d: moved %d grid steps (%v), want +-%d (%v)", p, id, dg, du, half, delta)
				}
				dirs[dg] = true
			}
			for i, m := range moved {
				if m != 1 {
					t.Errorf("p=%d trajectory %d: parameter %d moved %d times, want 1", p, tr, i, m)
				}
			}
		}
		// Over 40 trajectories both directions occur and every grid level is used
		// (bases 0 .. p/2-1 and those plus p/2).
		if !dirs[half] || !dirs[-half] {
			t.Errorf("p=%d: directions seen %v", p, dirs)
		}
		for g, v := range visited {
			if !v {
				t.Errorf("p=%d: grid level %d/%d never visited", p, g, p-1)
			}
		}
	}
}

func TestMorrisSeed(t *testing.T) {
	ps := []Parameter{{Key: "a", Min: 0, Max: 1}, {Key: "b", Min: 0, Max: 1}, {Key: "c", Min: 0, Max: 1}}
	units := func(seed uint64) [][]float64 {
		pts, err := Points(Design{Kind: Morris, Trajectories: 5, Levels: 4, Seed: seed}, ps)
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]float64, len(pts))
		for i, pt := range pts {
			out[i] = pt.Unit
		}
		return out
	}
	a, b, c := units(11), units(11), units(12)
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Error("the same seed gave different trajectories")
	}
	if slices.EqualFunc(a, c, slices.Equal) {
		t.Error("seeds 11 and 12 gave the same trajectories")
	}
}

// morrisPoint is a point of trajectory tr at step s with the given unit
// coordinates, moved being the parameter changed from the step before.
func morrisPoint(id, tr, s, moved int, unit ...float64) Point {
	return Point{ID: id, Trajectory: tr, Step: s, Moved: moved, Unit: unit}
}

func TestElementaryEffectsLinearByHand(t *testing.T) {
	// y = 3 u0 - 2 u1: every EE of u0 is 3 and of u1 is -2, whatever the
	// direction. Coordinates are binary fractions, so y is exact.
	pts := []Point{
		morrisPoint(0, 0, 0, -1, 0.25, 0.75),
		morrisPoint(1, 0, 1, 1, 0.25, 0.25), // u1 down by 0.5
		morrisPoint(2, 0, 2, 0, 0.75, 0.25), // u0 up by 0.5
		morrisPoint(3, 1, 0, -1, 0.75, 0.0),
		morrisPoint(4, 1, 1, 0, 0.25, 0.0), // u0 down
		morrisPoint(5, 1, 2, 1, 0.25, 0.5), // u1 up
	}
	y := make([]float64, len(pts))
	for i, pt := range pts {
		y[i] = 3*pt.Unit[0] - 2*pt.Unit[1]
	}
	ee := elementaryEffects(pts, y, nil)
	want := [][]float64{{3, 3}, {-2, -2}}
	if !slices.EqualFunc(ee, want, slices.Equal) {
		t.Errorf("effects %v, want %v", ee, want)
	}
}

func TestElementaryEffectsLinearOnMorrisDesign(t *testing.T) {
	a := []float64{2, -7, 0.5, 11}
	ps := make([]Parameter, len(a))
	for i := range ps {
		ps[i] = Parameter{Key: string(rune('a' + i)), Min: 0, Max: 1}
	}
	for _, p := range []int{2, 4} {
		pts, err := Points(Design{Kind: Morris, Trajectories: 6, Levels: p, Seed: 5}, ps)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float64, len(pts))
		for j, pt := range pts {
			for i := range a {
				y[j] += a[i] * pt.Unit[i]
			}
		}
		ee := elementaryEffects(pts, y, nil)
		for i := range a {
			if len(ee[i]) != 6 {
				t.Fatalf("p=%d parameter %d: %d effects, want one per trajectory", p, i, len(ee[i]))
			}
			for _, e := range ee[i] {
				// On p = 2 the grid is {0, 1} and y is a sum of whole numbers: exact.
				if (p == 2 && e != a[i]) || math.Abs(e-a[i]) > 1e-12 {
					t.Errorf("p=%d parameter %d: effect %v, want %v", p, i, e, a[i])
				}
			}
		}
	}
}

func TestElementaryEffectsNonlinearAndUndefined(t *testing.T) {
	// y = u0 * u1 + u1^2.
	pts := []Point{
		morrisPoint(0, 0, 0, -1, 0.0, 0.5), // y = 0 + 0.25 = 0.25
		morrisPoint(1, 0, 1, 0, 0.5, 0.5),  // y = 0.25 + 0.25 = 0.5: EE0 = 0.25/0.5 = 0.5
		morrisPoint(2, 0, 2, 1, 0.5, 1.0),  // y = 0.5 + 1 = 1.5: EE1 = 1/0.5 = 2
		morrisPoint(3, 1, 0, -1, 1.0, 1.0), // y = 1 + 1 = 2
		morrisPoint(4, 1, 1, 1, 1.0, 0.5),  // y = 0.5 + 0.25 = 0.75: EE1 = -1.25/-0.5 = 2.5
		morrisPoint(5, 1, 2, 0, 0.5, 0.5),  // y = 0.5, undefined: no EE0 here
		morrisPoint(6, 2, 0, -1, 0.5, 0.0), // y = 0, undefined: no EE1 at step 1
		morrisPoint(7, 2, 1, 1, 0.5, 0.5),  // y = 0.5
		morrisPoint(8, 2, 2, 0, 0.0, 0.5),  // y = 0.25: EE0 = -0.25/-0.5 = 0.5
	}
	y := make([]float64, len(pts))
	for i, pt := range pts {
		y[i] = pt.Unit[0]*pt.Unit[1] + pt.Unit[1]*pt.Unit[1]
	}
	defined := []bool{true, true, true, true, true, false, false, true, true}
	ee := elementaryEffects(pts, y, defined)
	want := [][]float64{{0.5, 0.5}, {2, 2.5}}
	if !slices.EqualFunc(ee, want, slices.Equal) {
		t.Errorf("effects %v, want %v", ee, want)
	}
	// Points of another design give no effects.
	f := []Point{{ID: 0, Trajectory: -1, Moved: -1, Unit: []float64{0}}, {ID: 1, Trajectory: -1, Moved: -1, Unit: []float64{1}}}
	if ee := elementaryEffects(f, []float64{0, 1}, nil); len(ee) != 1 || len(ee[0]) != 0 {
		t.Errorf("factorial points gave effects %v", ee)
	}
	if ee := elementaryEffects(nil, nil, nil); ee != nil {
		t.Errorf("no points gave %v", ee)
	}
}

func TestElementaryEffectsSkipsNonConsecutive(t *testing.T) {
	// A subset of a design (a shard): trajectory 0 lacks step 1, and
	// trajectory 1 starts after trajectory 0's step 2, so no pair is two
	// consecutive steps of one trajectory but (t1 s1, t1 s2).
	pts := []Point{
		morrisPoint(0, 0, 0, -1, 0, 0),
		morrisPoint(2, 0, 2, 1, 1, 1), // step 1 missing: no effect
		morrisPoint(4, 1, 1, 0, 1, 0), // another trajectory: no effect
		morrisPoint(5, 1, 2, 1, 1, 1), // y 4 -> 7 over +1: EE1 = 3
	}
	ee := elementaryEffects(pts, []float64{1, 2, 4, 7}, nil)
	want := [][]float64{nil, {3}}
	if !slices.EqualFunc(ee, want, slices.Equal) {
		t.Errorf("effects %v, want %v", ee, want)
	}
}

func TestElementaryEffectsLengthMismatchPanics(t *testing.T) {
	pts := []Point{morrisPoint(0, 0, 0, -1, 0), morrisPoint(1, 0, 1, 0, 1)}
	for _, c := range []struct {
		name    string
		y       []float64
		defined []bool
	}{
		{"3 values", []float64{1, 2, 3}, nil},
		{"3 defined", []float64{1, 2}, []bool{true, true, true}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s for 2 points: no panic", c.name)
				}
			}()
			elementaryEffects(pts, c.y, c.defined)
		}()
	}
}
