package gis

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// qgisExport is a layer of one polygon as QGIS 3 exports it to GeoJSON in
// a projected CRS: a FeatureCollection with a name, the legacy crs member
// and MultiPolygon geometries with closed rings.
const qgisExport = `{
"type": "FeatureCollection",
"name": "treatment",
"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::32633" } },
"features": [
{ "type": "Feature", "properties": { "id": 1 }, "geometry": { "type": "MultiPolygon", "coordinates": [ [ [ [ 0.0, 0.0 ], [ 10.0, 0.0 ], [ 10.0, 10.0 ], [ 0.0, 10.0 ], [ 0.0, 0.0 ] ], [ [ 4.0, 4.0 ], [ 6.0, 4.0 ], [ 6.0, 6.0 ], [ 4.0, 6.0 ], [ 4.0, 4.0 ] ] ] ] } },
{ "type": "Feature", "properties": { "id": 2 }, "geometry": { "type": "Polygon", "coordinates": [ [ [ 50, 50 ], [ 60, 50 ], [ 60, 60 ], [ 50, 50 ] ] ] } }
]
}`

func TestDecodePolygon(t *testing.T) {
	square := [][2]float64{{0, 0}, {10, 0}, {10, 10}, {0, 10}}
	hole := [][2]float64{{4, 4}, {6, 4}, {6, 6}, {4, 6}}
	pg, crs, err := DecodePolygon([]byte(qgisExport))
	if err != nil || crs != "EPSG:32633" || !reflect.DeepEqual(pg, Polygon{square, hole}) {
		t.Fatalf("QGIS export: %v %q %v", pg, crs, err)
	}
	for _, c := range []struct {
		x, y float64
		in   bool
	}{{1, 1, true}, {9.9, 5, true}, {5, 5, false}, {3, 5, true}, {-1, 5, false}, {11, 5, false}, {5, 10.5, false}} {
		if got := pg.Contains(c.x, c.y); got != c.in {
			t.Errorf("Contains(%v, %v) = %v, want %v", c.x, c.y, got, c.in)
		}
	}
	if x0, y0, x1, y1 := pg.Bounds(); x0 != 0 || y0 != 0 || x1 != 10 || y1 != 10 || pg.Vertices() != 8 {
		t.Errorf("bounds %v %v %v %v, %d vertices", x0, y0, x1, y1, pg.Vertices())
	}
	// A bare geometry and a Feature, without a CRS.
	for _, doc := range []string{
		`{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10]]]}`,
		`{"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]]]}}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0,3],[10,0,3],[10,10,3],[0,10,3]]],[[[50,50],[60,50],[60,60]]]]}`,
	} {
		pg, crs, err := DecodePolygon([]byte(doc))
		if err != nil || crs != "" || !reflect.DeepEqual(pg, Polygon{square}) {
			t.Errorf("%s: %v %q %v", doc, pg, crs, err)
		}
	}
	for _, c := range []struct{ doc, phrase string }{
		{`[1]`, "not a JSON object"},
		{`{"type":"FeatureCollection","features":[]}`, "has no features"},
		{`{"type":"Point","coordinates":[1,2]}`, `the geometry's type is "Point"; it must be "Polygon" or "MultiPolygon"`},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`, "feature 1: it has no geometry"},
		{`{"type":"Polygon","coordinates":[[[0,0],[10,0],[0,0]]]}`, "ring 1 has 2 distinct vertices; a polygon needs at least 3"},
		{`{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,null]]]}`, "ring 1, position 3 is not [x, y]"},
		{`{"type":"Polygon","coordinates":[]}`, "the Polygon's coordinates are []"},
		{`{"type":"MultiPolygon","coordinates":[]}`, "the MultiPolygon's coordinates are []"},
	} {
		if _, _, err := DecodePolygon([]byte(c.doc)); err == nil || !strings.Contains(err.Error(), c.phrase) {
			t.Errorf("%s: %v, want %q", c.doc, err, c.phrase)
		}
	}
}

// TestDecodePointsCRS: the CRS NewPointWriter names is read back as given;
// a document without one has none.
func TestDecodePointsCRS(t *testing.T) {
	for _, crs := range []string{"EPSG:32633", "", "urn:ogc:def:crs:OGC:1.3:CRS84"} {
		var buf bytes.Buffer
		w := NewPointWriter(&buf, crs, []string{"date"})
		w.Point(412000.5, 6176000.5, "2024-01-01")
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		pts, got, err := DecodePoints(buf.Bytes())
		if err != nil || got != crs || len(pts) != 1 || pts[0].X != 412000.5 || pts[0].Props["date"] != "2024-01-01" {
			t.Errorf("%q: %v %q %v", crs, pts, got, err)
		}
	}
}
