package gis

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Polygon is an area in map coordinates: its rings, the outer boundary
// first and then any holes, each a list of at least 3 vertices (x, y)
// without the closing repeat of the first. A point is inside by the
// even-odd rule over every ring, so a hole is outside.
type Polygon [][][2]float64

// NewRing checks the vertices of a ring: at least 3 distinct ones, each
// finite. A last vertex equal to the first (GeoJSON closes its rings so)
// is dropped. The error is the end of a sentence naming the ring.
func NewRing(v [][2]float64) ([][2]float64, error) {
	if len(v) > 1 && v[len(v)-1] == v[0] {
		v = v[:len(v)-1]
	}
	for i, p := range v {
		if !finite(p[0]) || !finite(p[1]) {
			return nil, fmt.Errorf("vertex %d is (%v, %v); coordinates must be finite numbers", i+1, p[0], p[1])
		}
	}
	distinct := slices.Clone(v)
	slices.SortFunc(distinct, func(a, b [2]float64) int {
		if a[0] != b[0] {
			return cmpFloat(a[0], b[0])
		}
		return cmpFloat(a[1], b[1])
	})
	if n := len(slices.Compact(distinct)); n < 3 {
		return nil, fmt.Errorf("has %d distinct vertices; a polygon needs at least 3", n)
	}
	return v, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Contains reports whether (x, y) lies inside the polygon by the even-odd
// rule: a ray from the point towards +x crosses its edges an odd number
// of times. An edge counts where one end lies above the point's y and the
// other not, so a point on the boundary is inside on some edges and
// outside on others; areas are rasterised by cell centres, which seldom
// fall on an edge drawn in a GIS.
func (pg Polygon) Contains(x, y float64) bool {
	in := false
	for _, ring := range pg {
		for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
			a, b := ring[j], ring[i]
			if (a[1] > y) != (b[1] > y) && x < a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
				in = !in
			}
		}
	}
	return in
}

// Bounds is the bounding box of the polygon's vertices.
func (pg Polygon) Bounds() (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, ring := range pg {
		for _, p := range ring {
			x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[0]), max(y1, p[1])
		}
	}
	return x0, y0, x1, y1
}

// Vertices is the number of vertices of all the rings.
func (pg Polygon) Vertices() int {
	n := 0
	for _, ring := range pg {
		n += len(ring)
	}
	return n
}

// DecodePolygon reads the first polygon of a GeoJSON document: a Polygon,
// the first polygon of a MultiPolygon, a Feature whose geometry is one of
// these, or a FeatureCollection whose first feature is such a Feature (as
// QGIS exports a layer of polygons). It returns the polygon and the
// document's named coordinate reference system (see CRS). Its errors are
// the end of a sentence that starts with the file's name.
func DecodePolygon(data []byte) (Polygon, string, error) {
	top, err := object(data)
	if err != nil {
		return nil, "", err
	}
	crs := CRS(top)
	geom, where := top, ""
	t, err := typeMember(top)
	if err == nil && t == "FeatureCollection" {
		var feats []json.RawMessage
		if err := json.Unmarshal(top["features"], &feats); err != nil || len(feats) == 0 {
			return nil, "", errors.New("the FeatureCollection has no features; it must hold a polygon as its first feature")
		}
		if geom, err = object(feats[0]); err != nil {
			return nil, "", fmt.Errorf("feature 1: %v", err)
		}
		where = "feature 1: "
		t, err = typeMember(geom)
	}
	if err == nil && t == "Feature" {
		graw, ok := geom["geometry"]
		if !ok || isNull(graw) {
			return nil, "", fmt.Errorf("%sit has no geometry; it must be a Polygon or MultiPolygon", where)
		}
		if geom, err = object(graw); err != nil {
			return nil, "", fmt.Errorf("%sthe geometry is %s; it must be a Polygon or MultiPolygon", where, abbrev(graw))
		}
		t, err = typeMember(geom)
	}
	var rings [][][]*float64 // nil for null, which encoding/json would read as 0
	switch {
	case err == nil && t == "Polygon":
		err = json.Unmarshal(geom["coordinates"], &rings)
	case err == nil && t == "MultiPolygon":
		var polys [][][][]*float64
		if err = json.Unmarshal(geom["coordinates"], &polys); err == nil && len(polys) > 0 {
			rings = polys[0]
		}
	default:
		return nil, "", fmt.Errorf("%sthe geometry's type is %s; it must be \"Polygon\" or \"MultiPolygon\" (a Feature or FeatureCollection of one)", where, describeType(t, err))
	}
	if err != nil || len(rings) == 0 {
		return nil, "", fmt.Errorf("%sthe %s's coordinates are %s; a polygon is a list of rings, each a list of [x, y] positions", where, t, abbrev(geom["coordinates"]))
	}
	pg := make(Polygon, 0, len(rings))
	for i, r := range rings {
		v := make([][2]float64, len(r))
		for k, pos := range r {
			if len(pos) < 2 || len(pos) > 3 || slices.Contains(pos, nil) {
				return nil, "", fmt.Errorf("%sring %d, position %d is not [x, y] (or [x, y, z]) numbers", where, i+1, k+1)
			}
			v[k] = [2]float64{*pos[0], *pos[1]}
		}
		ring, err := NewRing(v)
		if err != nil {
			return nil, "", fmt.Errorf("%sring %d %v", where, i+1, err)
		}
		pg = append(pg, ring)
	}
	return pg, crs, nil
}
