package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The brute force: the per-cell test fillPolygon used before the scanline
// fill, kept as it was. Its boundary test is exact in float64 (half-integer
// coordinates below 1e5, products below 2^53); its crossing test divides,
// but a centre off the edge is at least 1/|dy| >= 1e-5 from the crossing,
// far beyond the rounding error (about 1e-11), so it too is exact.

// bruteVertices are the vertices as cell centres, as polygonVertices made them.
func bruteVertices(v [][2]int) [][2]float64 {
	f := make([][2]float64, len(v))
	for i, p := range v {
		f[i] = [2]float64{float64(p[0]) + 0.5, float64(p[1]) + 0.5}
	}
	return f
}

// fillPolygonBrute tests every cell of the bounding box against every edge.
func fillPolygonBrute(label []Zone, W int, v [][2]float64) int {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range v {
		x0, y0 = min(x0, p[0]), min(y0, p[1])
		x1, y1 = max(x1, p[0]), max(y1, p[1])
	}
	n := 0
	for y := int(y0); y <= int(y1); y++ {
		for x := int(x0); x <= int(x1); x++ {
			if insidePolygon(float64(x)+0.5, float64(y)+0.5, v) {
				label[y*W+x] = ZoneTreatment
				n++
			}
		}
	}
	return n
}

// insidePolygon: on an edge counts as inside; otherwise the even-odd rule.
func insidePolygon(px, py float64, v [][2]float64) bool {
	in := false
	for i, j := 0, len(v)-1; i < len(v); j, i = i, i+1 {
		ax, ay, bx, by := v[j][0], v[j][1], v[i][0], v[i][1]
		cross := (bx-ax)*(py-ay) - (by-ay)*(px-ax)
		if cross == 0 && px >= min(ax, bx) && px <= max(ax, bx) && py >= min(ay, by) && py <= max(ay, by) {
			return true
		}
		if (ay > py) != (by > py) && px < ax+(py-ay)*(bx-ax)/(by-ay) {
			in = !in
		}
	}
	return in
}

// checkFill compares fillPolygon with the brute force on a W x H grid.
func checkFill(t *testing.T, name string, W, H int, v [][2]int) {
	t.Helper()
	got, want := make([]Zone, W*H), make([]Zone, W*H)
	ng := fillPolygon(got, W, v)
	nw := fillPolygonBrute(want, W, bruteVertices(v))
	if ng != nw {
		t.Errorf("%s: %d x %d grid, polygon %v: %d cells, brute force %d", name, W, H, v, ng, nw)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s: %d x %d grid, polygon %v: cell (%d, %d) is %s, brute force %s", name, W, H, v, i%W, i/W, got[i], want[i])
			return
		}
	}
}

// polygonShape generates a random polygon of one of several kinds on a
// W x H grid; all vertices are cells of the grid.
func polygonShape(rng *rand.Rand, kind string, W, H int) [][2]int {
	pt := func() [2]int { return [2]int{rng.IntN(W), rng.IntN(H)} }
	clamp := func(x, y int) [2]int { return [2]int{min(max(x, 0), W-1), min(max(y, 0), H-1)} }
	var v [][2]int
	switch kind {
	case "random": // self-intersecting in general
		for range 3 + rng.IntN(10) {
			v = append(v, pt())
		}
	case "convex", "star": // vertices by angle around a centre: convex on a circle, concave with random radii
		cx, cy := rng.Float64()*float64(W), rng.Float64()*float64(H)
		r := (0.2 + rng.Float64()) * float64(max(W, H)) / 2
		n := 3 + rng.IntN(14)
		a0 := rng.Float64() * 2 * math.Pi
		for i := range n {
			a := a0 + 2*math.Pi*float64(i)/float64(n)
			ri := r
			if kind == "star" {
				ri = r * (0.1 + 0.9*rng.Float64())
			}
			v = append(v, clamp(int(math.Round(cx+ri*math.Cos(a))), int(math.Round(cy+ri*math.Sin(a)))))
		}
	case "orthogonal": // alternately horizontal and vertical edges, a staircase that may cross itself
		p := pt()
		n := 2 + rng.IntN(6)
		for i := range 2 * n {
			v = append(v, p)
			if i%2 == 0 {
				p[0] = rng.IntN(W)
			} else {
				p[1] = rng.IntN(H)
			}
		}
		v = append(v, [2]int{v[0][0], p[1]}) // back to the first column, then the closing edge is vertical
	case "edge": // vertices on the grid's border and corners
		for range 3 + rng.IntN(8) {
			switch rng.IntN(5) {
			case 0:
				v = append(v, [2]int{0, rng.IntN(H)})
			case 1:
				v = append(v, [2]int{W - 1, rng.IntN(H)})
			case 2:
				v = append(v, [2]int{rng.IntN(W), 0})
			case 3:
				v = append(v, [2]int{rng.IntN(W), H - 1})
			default:
				v = append(v, [2]int{rng.IntN(2) * (W - 1), rng.IntN(2) * (H - 1)})
			}
		}
	case "lattice": // vertices on a coarse lattice: many collinear vertices and edges through centres
		s := 1 + rng.IntN(3)
		for range 3 + rng.IntN(8) {
			v = append(v, [2]int{rng.IntN((W-1)/s+1) * s, rng.IntN((H-1)/s+1) * s})
		}
	}
	// Degenerate variations: repeated vertices, midpoints (collinear
	// vertices), and spikes out and back along one line.
	for range rng.IntN(4) {
		i := rng.IntN(len(v))
		a, b := v[i], v[(i+1)%len(v)]
		var ins [][2]int
		switch rng.IntN(3) {
		case 0:
			ins = [][2]int{a}
		case 1:
			ins = [][2]int{{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}}
		case 2:
			ins = [][2]int{pt(), a}
		}
		v = slices.Insert(v, i+1, ins...)
	}
	return v
}

// TestFillPolygonMatchesBruteForce compares the scanline fill with the
// per-cell test on many random polygons of every kind, on small grids and
// larger ones.
func TestFillPolygonMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	kinds := []string{"random", "convex", "star", "orthogonal", "edge", "lattice"}
	for trial := range 6000 {
		kind := kinds[trial%len(kinds)]
		W, H := 1+rng.IntN(6), 1+rng.IntN(6) // small grids, down to a single cell
		if trial%3 != 0 {
			W, H = 1+rng.IntN(60), 1+rng.IntN(60)
		}
		checkFill(t, fmt.Sprintf("trial %d (%s)", trial, kind), W, H, polygonShape(rng, kind, W, H))
		if t.Failed() {
			return
		}
	}
}

// TestFillPolygonCases: shapes by hand whose boundary decides cells, and
// long thin grids whose crossings need 64-bit numerators.
func TestFillPolygonCases(t *testing.T) {
	cases := []struct {
		name string
		W, H int
		v    [][2]int
		n    int // cells, by hand (-1: only against the brute force)
	}{
		{"one cell, all vertices equal", 1, 1, [][2]int{{0, 0}, {0, 0}, {0, 0}}, 1},
		{"a horizontal segment", 5, 3, [][2]int{{0, 1}, {4, 1}, {2, 1}}, 5},
		{"a vertical segment", 3, 5, [][2]int{{1, 0}, {1, 4}, {1, 2}}, 5},
		{"a diagonal segment", 5, 5, [][2]int{{0, 0}, {4, 4}, {2, 2}}, 5},
		{"a diagonal of slope 1/2: centres on it at even x only", 5, 3, [][2]int{{0, 0}, {4, 2}, {0, 0}}, 3},
		{"the whole grid", 4, 3, [][2]int{{0, 0}, {3, 0}, {3, 2}, {0, 2}}, 12},
		{"a right triangle", 4, 4, [][2]int{{0, 0}, {3, 0}, {0, 3}}, 10},                                              // 4 + 3 + 2 + 1
		{"a diamond", 5, 5, [][2]int{{2, 0}, {4, 2}, {2, 4}, {0, 2}}, 13},                                             // 1 + 3 + 5 + 3 + 1
		{"a bow tie", 5, 5, [][2]int{{0, 0}, {4, 4}, {4, 0}, {0, 4}}, 17},                                             // two triangles of 9 sharing the centre
		{"a square with a spike", 6, 6, [][2]int{{0, 0}, {2, 0}, {5, 5}, {2, 0}, {2, 2}, {0, 2}}, 9 + 1},              // the spike (2, 0)-(5, 5) meets no centre between its ends
		{"a square traced twice", 4, 4, [][2]int{{0, 0}, {3, 0}, {3, 3}, {0, 3}, {0, 0}, {3, 0}, {3, 3}, {0, 3}}, 12}, // even-odd: the inside is out, the boundary stays
		{"wide and thin", 100_000, 3, [][2]int{{0, 0}, {99_999, 1}, {3, 2}, {99_998, 2}}, -1},
		{"tall and thin", 3, 100_000, [][2]int{{0, 0}, {1, 99_999}, {2, 3}, {2, 99_998}}, -1},
		{"long diagonals", 100_000, 4, [][2]int{{0, 0}, {99_999, 3}, {99_999, 0}, {0, 3}}, -1},
	}
	for _, c := range cases {
		checkFill(t, c.name, c.W, c.H, c.v)
		if c.n >= 0 {
			if got := fillPolygon(make([]Zone, c.W*c.H), c.W, c.v); got != c.n {
				t.Errorf("%s: %d cells, by hand %d", c.name, got, c.n)
			}
		}
	}
}
