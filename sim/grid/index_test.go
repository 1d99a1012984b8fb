package grid

import (
	"math/rand/v2"
	"slices"
	"testing"
)

type point struct{ x, y int }

// bruteWithin lists the live ids within distance r of (x, y), with their
// squared distances, by a pass over all points.
func bruteWithin(pts []point, alive []bool, inserted []bool, x, y int, r float64) map[int32]int {
	out := map[int32]int{}
	for id, p := range pts {
		if !inserted[id] || !alive[id] {
			continue
		}
		dx, dy := p.x-x, p.y-y
		if d2 := dx*dx + dy*dy; float64(d2) <= r*r {
			out[int32(id)] = d2
		}
	}
	return out
}

func TestIndexWithinAndNearest(t *testing.T) {
	for _, c := range []struct {
		w, h, size, n int
	}{
		{50, 37, 8, 400},  // buckets do not divide the grid
		{20, 20, 4, 1500}, // crowded: many ids share a cell, many ties
		{9, 64, 16, 200},  // one column of buckets
		{100, 100, 8, 60}, // sparse
	} {
		rng := rand.New(rand.NewPCG(uint64(c.w), uint64(c.n)))
		pts := make([]point, c.n)
		alive := make([]bool, c.n)
		inserted := make([]bool, c.n)
		ix := NewIndex(c.w, c.h, c.size,
			func(id int32) (int, int) { return pts[id].x, pts[id].y },
			func(id int32) bool { return alive[id] })
		for id := range pts {
			pts[id] = point{rng.IntN(c.w), rng.IntN(c.h)}
		}
		next := 0 // ids are inserted over time
		for round := 0; round < 30; round++ {
			// insert some new ids, kill some old ones (for good: an index
			// user re-inserts an id only after it was removed for good)
			for k := 0; k < c.n/40+1 && next < c.n; k++ {
				alive[next], inserted[next] = true, true
				ix.Insert(int32(next), pts[next].x, pts[next].y)
				next++
			}
			for k := 0; k < c.n/60+1; k++ {
				alive[rng.IntN(max(next, 1))] = false
			}
			for q := 0; q < 40; q++ {
				x, y := rng.IntN(c.w), rng.IntN(c.h)
				r := []float64{0, 1, 1.5, 2.9, 5, 7.3, 12, 200}[rng.IntN(8)]
				want := bruteWithin(pts, alive, inserted, x, y, r)
				// Nearest: smallest distance, then smallest id; with and without a filter.
				// Asked first, before Within drops the dead ids near (x, y).
				for _, filter := range []func(int32) bool{nil, func(id int32) bool { return id%3 != 0 }} {
					wantID, wantD := int32(-1), -1
					for id, d2 := range want {
						if filter != nil && !filter(id) {
							continue
						}
						if wantD < 0 || d2 < wantD || (d2 == wantD && id < wantID) {
							wantID, wantD = id, d2
						}
					}
					gotID, found := ix.Nearest(x, y, r, filter)
					if found != (wantD >= 0) || (found && gotID != wantID) {
						t.Fatalf("Nearest(%d, %d, %g) = %d, %v; brute force %d at d2 %d", x, y, r, gotID, found, wantID, wantD)
					}
				}
				got := map[int32]int{}
				dups := 0
				ix.Within(x, y, r, func(id int32, d2 int) {
					if _, ok := got[id]; ok {
						dups++
					}
					got[id] = d2
				})
				if dups > 0 || len(got) != len(want) {
					t.Fatalf("%dx%d/%d round %d: Within(%d, %d, %g) found %d ids (%d repeated), brute force %d",
						c.w, c.h, c.size, round, x, y, r, len(got), dups, len(want))
				}
				for id, d2 := range want {
					if g, ok := got[id]; !ok || g != d2 {
						t.Fatalf("Within(%d, %d, %g): id %d at d2 %d: got %d, %v", x, y, r, id, d2, g, ok)
					}
				}
			}
			// Killing ids from inside Within is allowed: they are gone afterwards.
			if round%5 == 4 {
				x, y := rng.IntN(c.w), rng.IntN(c.h)
				ix.Within(x, y, 4, func(id int32, _ int) {
					if id%2 == 0 {
						alive[id] = false
					}
				})
				ix.Within(x, y, 4, func(id int32, _ int) {
					if id%2 == 0 {
						t.Fatalf("id %d killed during a scan is still reported", id)
					}
				})
			}
		}
	}
}

// Ties: equally near ids go to the smaller id whatever the insertion order.
func TestIndexNearestTies(t *testing.T) {
	pts := map[int32]point{7: {5, 5}, 3: {5, 5}, 9: {4, 5}, 1: {6, 6}, 2: {9, 9}}
	ix := NewIndex(12, 12, 4, func(id int32) (int, int) { return pts[id].x, pts[id].y }, func(int32) bool { return true })
	for _, id := range []int32{7, 9, 3, 1, 2} {
		ix.Insert(id, pts[id].x, pts[id].y)
	}
	for _, c := range []struct {
		x, y  int
		r     float64
		want  int32
		found bool
	}{
		{5, 5, 3, 3, true},   // 3 and 7 on the cell itself
		{5, 6, 3, 1, true},   // 1, 3, 7 at distance 1: the smallest id
		{4, 6, 3, 9, true},   // 9 at distance 1; 3 and 7 at sqrt 2
		{8, 8, 1.5, 2, true}, // 2 at sqrt 2, just within 1.5
		{8, 8, 1.4, 0, false},
		{0, 11, 4, 0, false},
	} {
		got, ok := ix.Nearest(c.x, c.y, c.r, nil)
		if ok != c.found || (ok && got != c.want) {
			t.Errorf("Nearest(%d, %d, %g) = %d, %v; want %d, %v", c.x, c.y, c.r, got, ok, c.want, c.found)
		}
	}
}

func TestIndexReset(t *testing.T) {
	ix := NewIndex(30, 30, 8, func(id int32) (int, int) { return int(id) % 30, int(id) / 30 }, func(int32) bool { return true })
	for id := int32(0); id < 900; id += 7 {
		ix.Insert(id, int(id)%30, int(id)/30)
	}
	n := 0
	ix.Within(15, 15, 100, func(int32, int) { n++ })
	if n != 129 { // ids 0, 7, ..., 896
		t.Fatalf("%d ids before Reset, want 129", n)
	}
	ix.Reset()
	ix.Within(15, 15, 100, func(id int32, _ int) { t.Fatalf("id %d after Reset", id) })
	ix.Insert(31, 1, 1)
	var got []int32
	ix.Within(0, 0, 2, func(id int32, _ int) { got = append(got, id) })
	if !slices.Equal(got, []int32{31}) {
		t.Errorf("after Reset and one Insert: %v", got)
	}
}
