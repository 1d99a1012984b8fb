package sim

import (
	"cmp"
	"slices"
)

// polygonVertices returns the vertices [[x, y], ...] as cells, or false when
// there are fewer than 3 or one is not a cell of the W x H grid.
func polygonVertices(poly [][]int, W, H int) ([][2]int, bool) {
	if len(poly) < 3 {
		return nil, false
	}
	v := make([][2]int, len(poly))
	for i, p := range poly {
		if len(p) != 2 || p[0] < 0 || p[1] < 0 || p[0] >= W || p[1] >= H {
			return nil, false
		}
		v[i] = [2]int{p[0], p[1]}
	}
	return v, true
}

// scanEdge is a non-horizontal polygon edge on the scanlines it crosses,
// rows y with ylo <= y < yhi (the even-odd rule's half-open convention:
// an edge counts where one end is above the row and the other is not). On
// row ylo+t it crosses the row at x = num/dy, num = xlo*dy + t*dx.
type scanEdge struct {
	ylo, yhi int
	num      int64
	dx, dy   int64 // dy > 0
}

// rowSpan is a run of cells [lo, hi] of one row, hi < lo when empty.
type rowSpan struct{ row, lo, hi int }

// fillPolygon labels as treatment the cells whose centre lies inside the
// polygon v by the even-odd rule or on its boundary, and returns how many
// there are.
//
// In the coordinates of cell centres (the centre of cell (x, y) at (x, y))
// the vertices and the centres are integer points, so the fill is exact:
// a scanline per row of the polygon's bounding box with an active edge
// list; each active edge crosses the row at a rational x = num/dy. A
// centre x is inside when an odd number of crossings lie at or left of
// it, i.e. in [c1, c2), [c3, c4), ... of the sorted crossings; for an
// integer x, c <= x exactly when ceil(c) <= x, so the crossings are
// rounded up to integers without changing a cell. The boundary adds the
// crossings that fall on a centre, the horizontal edges, and the
// vertices (the ends of the edges, which the half-open rows leave out).
// The cost is O(cells filled + rows + E log E + crossings log crossings)
// for E edges, not cells x edges.
func fillPolygon(label []Zone, W int, v [][2]int) int {
	y0, y1 := v[0][1], v[0][1]
	for _, p := range v {
		y0, y1 = min(y0, p[1]), max(y1, p[1])
	}
	var edges []scanEdge
	var fixed []rowSpan // horizontal edges and vertices
	for i, j := 0, len(v)-1; i < len(v); j, i = i, i+1 {
		a, b := v[j], v[i]
		fixed = append(fixed, rowSpan{a[1], a[0], a[0]})
		switch {
		case a[1] == b[1]:
			fixed = append(fixed, rowSpan{a[1], min(a[0], b[0]), max(a[0], b[0])})
		default:
			if a[1] > b[1] {
				a, b = b, a
			}
			dy := int64(b[1] - a[1])
			edges = append(edges, scanEdge{ylo: a[1], yhi: b[1], num: int64(a[0]) * dy, dx: int64(b[0] - a[0]), dy: dy})
		}
	}
	slices.SortFunc(edges, func(a, b scanEdge) int { return cmp.Compare(a.ylo, b.ylo) })
	slices.SortFunc(fixed, func(a, b rowSpan) int { return cmp.Compare(a.row, b.row) })

	var active []scanEdge
	var cross []int
	var spans []rowSpan
	n, ei, fi := 0, 0, 0
	for y := y0; y <= y1; y++ {
		for ; ei < len(edges) && edges[ei].ylo == y; ei++ {
			active = append(active, edges[ei])
		}
		cross, spans = cross[:0], spans[:0]
		for ; fi < len(fixed) && fixed[fi].row == y; fi++ {
			spans = append(spans, fixed[fi])
		}
		// num >= 0: the crossing lies between the edge's ends, both at x >= 0.
		keep := active[:0]
		for _, e := range active {
			c := int((e.num + e.dy - 1) / e.dy)
			cross = append(cross, c)
			if e.num%e.dy == 0 {
				spans = append(spans, rowSpan{y, c, c}) // the edge passes through this centre
			}
			if e.num += e.dx; y+1 < e.yhi {
				keep = append(keep, e)
			}
		}
		active = keep
		slices.Sort(cross) // an even number: every closed polygon crosses a row an even number of times
		for k := 0; k+1 < len(cross); k += 2 {
			spans = append(spans, rowSpan{y, cross[k], cross[k+1] - 1})
		}
		// Fill the union of the spans, each cell once.
		slices.SortFunc(spans, func(a, b rowSpan) int { return cmp.Compare(a.lo, b.lo) })
		row := label[y*W : y*W+W]
		next := 0 // the first cell not yet filled in this row
		for _, s := range spans {
			lo := max(s.lo, next)
			for x := lo; x <= s.hi; x++ {
				row[x] = ZoneTreatment
			}
			if s.hi >= lo {
				n += s.hi - lo + 1
			}
			next = max(next, s.hi+1)
		}
	}
	return n
}
