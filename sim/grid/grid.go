// Package grid holds the city: square cells with a land-use class and dense
// per-cell layers (cover, traffic, demand, cameras), distances, summed-area
// tables for fast window sums, and a bucketed spatial index for agents and
// drops. It imports only the standard library.
package grid

import (
	"fmt"
	"math"
)

// Class is a land-use class.
type Class uint8

// The land-use classes of MODEL.md section 2. Water is never usable.
const (
	Water Class = iota
	Centre
	Residential
	Private
	Park
	Forest
	Industrial
	NumClasses
)

var classNames = [NumClasses]string{"water", "centre", "residential", "private", "park", "forest", "industrial"}

func (c Class) String() string {
	if c < NumClasses {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// ClassNames lists the class names in class order.
func ClassNames() []string { return classNames[:] }

// ParseClass turns a class name into a Class.
func ParseClass(s string) (Class, bool) {
	for i, n := range classNames {
		if n == s {
			return Class(i), true
		}
	}
	return 0, false
}

// ClassProps are the per-class values of the land-use table.
type ClassProps struct {
	Cover   float64 `toml:"cover"`
	Traffic float64 `toml:"traffic"`
	Demand  float64 `toml:"demand"`
}

// Grid is a W x H city with no wrap-around. Cell ids run row by row from
// the top-left corner: id = y*W + x.
type Grid struct {
	W, H    int
	Class   []Class
	Cover   []float32
	Traffic []float32
	Demand  []float32
	CCTV    []bool

	usable []int32
}

// New makes a grid with every cell of class Residential and zero layers.
func New(w, h int) *Grid {
	n := w * h
	g := &Grid{W: w, H: h, Class: make([]Class, n), Cover: make([]float32, n),
		Traffic: make([]float32, n), Demand: make([]float32, n), CCTV: make([]bool, n)}
	for i := range g.Class {
		g.Class[i] = Residential
	}
	return g
}

// ID is the id of cell (x, y).
func (g *Grid) ID(x, y int) int32 { return int32(y*g.W + x) }

// XY is the position of cell id.
func (g *Grid) XY(id int32) (x, y int) { return int(id) % g.W, int(id) / g.W }

// In reports whether (x, y) lies on the grid.
func (g *Grid) In(x, y int) bool { return x >= 0 && y >= 0 && x < g.W && y < g.H }

// Usable reports whether a drop can be placed or a unit can stand on cell id.
func (g *Grid) Usable(id int32) bool { return g.Class[id] != Water }

// ApplyTable fills cover, traffic and demand from the per-class table and
// lists the usable cells.
func (g *Grid) ApplyTable(table [NumClasses]ClassProps) {
	g.usable = g.usable[:0]
	for i, c := range g.Class {
		p := table[c]
		g.Cover[i], g.Traffic[i], g.Demand[i] = float32(p.Cover), float32(p.Traffic), float32(p.Demand)
		if c == Water {
			g.Cover[i], g.Traffic[i], g.Demand[i] = 0, 0, 0
			continue
		}
		g.usable = append(g.usable, int32(i))
	}
}

// UsableCells lists the ids of usable cells in id order (valid after ApplyTable).
func (g *Grid) UsableCells() []int32 { return g.usable }

// Dist is the Euclidean distance in cells.
func Dist(x0, y0, x1, y1 int) float64 {
	dx, dy := float64(x1-x0), float64(y1-y0)
	return math.Sqrt(dx*dx + dy*dy)
}

// Counts returns the number of cells of each class.
func (g *Grid) Counts() [NumClasses]int {
	var n [NumClasses]int
	for _, c := range g.Class {
		n[c]++
	}
	return n
}

// Summed is a summed-area table: any axis-aligned box sum in O(1).
type Summed struct {
	w, h int
	s    []float64 // (w+1) x (h+1), s[y][x] = sum of cells above and left
}

// NewSummed builds the table of a W x H layer.
func NewSummed(w, h int, layer []float32) *Summed {
	s := make([]float64, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		row := 0.0
		for x := 0; x < w; x++ {
			row += float64(layer[y*w+x])
			s[(y+1)*(w+1)+x+1] = s[y*(w+1)+x+1] + row
		}
	}
	return &Summed{w: w, h: h, s: s}
}

// Box is the sum and the number of cells of the box [x0,x1] x [y0,y1]
// clipped to the grid.
func (t *Summed) Box(x0, y0, x1, y1 int) (sum float64, cells int) {
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, t.w-1), min(y1, t.h-1)
	if x0 > x1 || y0 > y1 {
		return 0, 0
	}
	W := t.w + 1
	sum = t.s[(y1+1)*W+x1+1] - t.s[y0*W+x1+1] - t.s[(y1+1)*W+x0] + t.s[y0*W+x0]
	return sum, (x1 - x0 + 1) * (y1 - y0 + 1)
}
