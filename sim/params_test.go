package sim

import (
	"math"
	"testing"
)

// TestGridXY: GridXY inverts MapXY, and a point lies in the cell whose
// edges hold it, a point on an edge in the cell east or south of it.
func TestGridXY(t *testing.T) {
	c := CityParams{Width: 60, Height: 40, CellM: 50, OriginX: 411000, OriginY: 6176000}
	for _, g := range [][2]float64{{0, 0}, {0.5, 0.5}, {59.5, 39.5}, {12.25, 30.75}, {60, 40}} {
		mx, my := c.MapXY(g[0], g[1])
		if x, y := c.GridXY(mx, my); math.Abs(x-g[0]) > 1e-9 || math.Abs(y-g[1]) > 1e-9 {
			t.Errorf("GridXY(MapXY(%v, %v)) = (%v, %v)", g[0], g[1], x, y)
		}
	}
	// The north-west corner is (411000, 6178000); cell (2, 3) spans
	// x 411100 to 411150 and y 6177850 to 6177800.
	for _, p := range []struct {
		mx, my float64
		x, y   int
	}{{411120, 6177830, 2, 3}, {411100, 6177830, 2, 3}, {411150, 6177830, 3, 3}, {411120, 6177850, 2, 3}, {411120, 6177800, 2, 4}, {411000, 6178000, 0, 0}} {
		x, y := c.GridXY(p.mx, p.my)
		if int(math.Floor(x)) != p.x || int(math.Floor(y)) != p.y {
			t.Errorf("(%v, %v) is in cell (%v, %v), want (%d, %d)", p.mx, p.my, x, y, p.x, p.y)
		}
	}
}
