package grid

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSummedBox(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, wh := range [][2]int{{1, 1}, {7, 3}, {40, 25}, {1, 30}} {
		w, h := wh[0], wh[1]
		layer := make([]float32, w*h)
		for i := range layer {
			layer[i] = float32(rng.Float64()*10 - 2)
		}
		st := NewSummed(w, h, layer)
		for q := 0; q < 2000; q++ {
			x0, x1 := rng.IntN(w+10)-5, rng.IntN(w+10)-5
			y0, y1 := rng.IntN(h+10)-5, rng.IntN(h+10)-5
			want, cells := 0.0, 0
			for y := max(y0, 0); y <= min(y1, h-1); y++ {
				for x := max(x0, 0); x <= min(x1, w-1); x++ {
					want += float64(layer[y*w+x])
					cells++
				}
			}
			got, n := st.Box(x0, y0, x1, y1)
			if n != cells || math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Fatalf("%dx%d: Box(%d, %d, %d, %d) = %g over %d cells, brute force %g over %d", w, h, x0, y0, x1, y1, got, n, want, cells)
			}
		}
		// the whole grid, and boxes far outside it
		total := 0.0
		for _, v := range layer {
			total += float64(v)
		}
		if got, n := st.Box(-100, -100, w+100, h+100); n != w*h || math.Abs(got-total) > 1e-9*math.Max(1, math.Abs(total)) {
			t.Errorf("%dx%d: whole grid %g over %d cells, want %g over %d", w, h, got, n, total, w*h)
		}
		if got, n := st.Box(w, 0, w+5, h); n != 0 || got != 0 {
			t.Errorf("%dx%d: box right of the grid gave %g over %d cells", w, h, got, n)
		}
	}
}

func TestGridGeometry(t *testing.T) {
	g := New(7, 5)
	for id := int32(0); id < 35; id++ {
		x, y := g.XY(id)
		if g.ID(x, y) != id || x != int(id)%7 || y != int(id)/7 || !g.In(x, y) {
			t.Fatalf("id %d -> (%d, %d) -> %d", id, x, y, g.ID(x, y))
		}
	}
	for _, p := range [][2]int{{-1, 0}, {0, -1}, {7, 0}, {0, 5}} {
		if g.In(p[0], p[1]) {
			t.Errorf("(%d, %d) should be off the grid", p[0], p[1])
		}
	}
	if d := Dist(1, 2, 4, 6); d != 5 {
		t.Errorf("Dist = %g, want 5", d)
	}
	for i, name := range ClassNames() {
		if c, ok := ParseClass(name); !ok || c != Class(i) || c.String() != name {
			t.Errorf("class %d %q round trip: %v %v", i, name, c, ok)
		}
	}
	if _, ok := ParseClass("swamp"); ok {
		t.Errorf("ParseClass accepted an unknown class")
	}
}

func defaultOptions() RadialOptions {
	return RadialOptions{CentreRadius: 0.15, ResidentialRadius: 0.55, PrivateRadius: 0.8,
		Parks: 8, ParkRadius: 4, IndustrialShare: 0.35, River: true, RiverWidth: 2}
}

func TestRadial(t *testing.T) {
	o := defaultOptions()
	const w, h = 100, 100
	a := Radial(w, h, o, rand.New(rand.NewPCG(5, 1)))
	b := Radial(w, h, o, rand.New(rand.NewPCG(5, 1)))
	if !slices.Equal(a.Class, b.Class) {
		t.Fatalf("the same seed gave two cities")
	}
	c := Radial(w, h, o, rand.New(rand.NewPCG(6, 1)))
	if slices.Equal(a.Class, c.Class) {
		t.Errorf("two seeds gave the same city")
	}
	n := a.Counts()
	total := 0
	for cl, k := range n {
		total += k
		if k == 0 {
			t.Errorf("no %v cells", Class(cl))
		}
	}
	if total != w*h {
		t.Errorf("counts sum to %d", total)
	}
	// Rings: away from parks and the river, the class follows the distance
	// from the centre; the centre is never a park.
	cx, cy := float64(w-1)/2, float64(h-1)/2
	scale := math.Min(cx, cy) + 0.5
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			cl := a.Class[a.ID(x, y)]
			r := math.Hypot(float64(x)-cx, float64(y)-cy) / scale
			if cl == Water || cl == Park {
				if cl == Park && r < o.CentreRadius {
					t.Errorf("park at (%d, %d) in the centre", x, y)
				}
				continue
			}
			var ok bool
			switch {
			case r < o.CentreRadius:
				ok = cl == Centre
			case r < o.ResidentialRadius:
				ok = cl == Residential
			case r < o.PrivateRadius:
				ok = cl == Private
			default:
				ok = cl == Forest || cl == Industrial
			}
			if !ok {
				t.Errorf("(%d, %d) at radius %.3f is %v", x, y, r, cl)
			}
		}
	}
	// The river: each column holds one contiguous run of river_width water cells.
	for _, width := range []int{1, 2, 5} {
		o := o
		o.RiverWidth = width
		g := Radial(w, h, o, rand.New(rand.NewPCG(7, uint64(width))))
		for x := 0; x < w; x++ {
			first, count := -1, 0
			for y := 0; y < h; y++ {
				if g.Class[g.ID(x, y)] == Water {
					if first < 0 {
						first = y
					}
					count++
					if y != first+count-1 {
						t.Fatalf("width %d: column %d has water in more than one run", width, x)
					}
				}
			}
			if count != width {
				t.Fatalf("width %d: column %d has %d water cells", width, x, count)
			}
		}
	}
}

func TestRadialOptions(t *testing.T) {
	for _, c := range []struct {
		name   string
		edit   func(*RadialOptions)
		absent []Class
		some   []Class
	}{
		{"no river", func(o *RadialOptions) { o.River = false }, []Class{Water}, []Class{Centre, Park, Forest}},
		{"river of width 0", func(o *RadialOptions) { o.RiverWidth = 0 }, []Class{Water}, nil},
		{"no parks", func(o *RadialOptions) { o.Parks = 0 }, []Class{Park}, []Class{Water}},
		{"all industrial", func(o *RadialOptions) { o.IndustrialShare = 1 }, []Class{Forest}, []Class{Industrial}},
		{"all forest", func(o *RadialOptions) { o.IndustrialShare = 0 }, []Class{Industrial}, []Class{Forest}},
	} {
		o := defaultOptions()
		c.edit(&o)
		for seed := uint64(1); seed <= 5; seed++ {
			n := Radial(80, 60, o, rand.New(rand.NewPCG(seed, 3))).Counts()
			for _, cl := range c.absent {
				if n[cl] != 0 {
					t.Errorf("%s, seed %d: %d %v cells", c.name, seed, n[cl], cl)
				}
			}
			for _, cl := range c.some {
				if n[cl] == 0 {
					t.Errorf("%s, seed %d: no %v cells", c.name, seed, cl)
				}
			}
		}
	}
}

func TestApplyTable(t *testing.T) {
	g := Radial(60, 45, defaultOptions(), rand.New(rand.NewPCG(2, 2)))
	var table [NumClasses]ClassProps
	for c := range table {
		table[c] = ClassProps{Cover: 0.1 * float64(c), Traffic: 0.05 * float64(c), Demand: float64(c) + 0.5}
	}
	g.ApplyTable(table)
	var want []int32
	for id, c := range g.Class {
		if c != Water {
			want = append(want, int32(id))
		}
		if g.Usable(int32(id)) != (c != Water) {
			t.Errorf("cell %d (%v): usable = %v", id, c, g.Usable(int32(id)))
		}
		p := table[c]
		if c == Water {
			p = ClassProps{}
		}
		if g.Cover[id] != float32(p.Cover) || g.Traffic[id] != float32(p.Traffic) || g.Demand[id] != float32(p.Demand) {
			t.Errorf("cell %d (%v): layers %g %g %g, want %g %g %g", id, c, g.Cover[id], g.Traffic[id], g.Demand[id], p.Cover, p.Traffic, p.Demand)
		}
	}
	if len(want) == len(g.Class) || len(want) == 0 {
		t.Fatalf("degenerate map: %d usable of %d", len(want), len(g.Class))
	}
	if !slices.Equal(g.UsableCells(), want) {
		t.Errorf("usable cells: %d listed, %d non-water cells (or out of id order)", len(g.UsableCells()), len(want))
	}
	// Applying a table again lists the cells afresh, not twice.
	g.ApplyTable(table)
	if !slices.Equal(g.UsableCells(), want) {
		t.Errorf("after a second ApplyTable: %d usable cells listed, want %d", len(g.UsableCells()), len(want))
	}
}
