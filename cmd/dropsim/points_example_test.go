package main

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dropsim/cmd/internal/gis"
)

// The example data of examples/points are made here, from a fixed PCG
// stream, so that they can be made again: go test ./cmd/dropsim -run
// TestPointsExampleData -update-example rewrites them, and without the
// flag the test checks that the committed files are what this code makes.
var updateExample = flag.Bool("update-example", false, "rewrite the example data of examples/points")

const exampleDir = "../../examples/points"

// exampleIncident is one synthetic seizure.
type exampleIncident struct {
	id   int
	x, y float64
	date string
}

// The example's geometry, in UTM zone 33N metres (EPSG:32633, the CRS of
// scenarios/town-gis.toml): a 6 km x 6 km study area, a 1 km x 1 km
// treatment area in its middle, a control rectangle, and the split.
const (
	exWest, exSouth, exSide = 409500.0, 6173500.0, 6000.0
	exTreatment             = "412000,6176000,413000,6177000"
	exControl               = "410500,6173500,414500,6174500" // 4 km x 1 km along the south edge, beyond 3 rings of 500 m
	exSplit                 = "2024-03-01"
)

// examplePolygon is a hand-drawn treatment area around the same hot spot,
// as a user draws one in QGIS; no cell centre of a 100 m grid on
// multiples of 100 m lies on its edges.
var examplePolygon = [][2]float64{{412040.7, 6175980.3}, {413060.2, 6176050.9}, {413120.4, 6176720.6}, {412480.1, 6177110.2}, {411930.8, 6176590.4}}

// exampleIncidents are 120 days of seizures from 2024-01-01: about four a
// day anywhere in the study area; a hot spot in the treatment area, about
// one a day before the split and 0.4 a day after it; about 0.3 a day in
// the 500 m around it before and 0.6 after (displacement); and five in
// December 2023, before the before period. Coordinates are whole metres
// plus half a metre, so no incident lies on the edge of a 100 m cell.
func exampleIncidents() []exampleIncident {
	rng := rand.New(rand.NewPCG(2024, 301))
	at := func(x0, y0, side float64) (float64, float64) {
		return math.Floor(x0+side*rng.Float64()) + 0.5, math.Floor(y0+side*rng.Float64()) + 0.5
	}
	var out []exampleIncident
	add := func(day time.Time, x, y float64) {
		out = append(out, exampleIncident{len(out) + 1, x, y, day.Format(time.DateOnly)})
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := range 5 {
		x, y := at(exWest, exSouth, exSide)
		add(start.AddDate(0, 0, -12+2*d), x, y)
	}
	for d := range 120 {
		day := start.AddDate(0, 0, d)
		for range rng.IntN(9) { // 0 to 8, 4 on average
			x, y := at(exWest, exSouth, exSide)
			add(day, x, y)
		}
		hot, near := 1.0, 0.3
		if d >= 60 {
			hot, near = 0.4, 0.6
		}
		for rng.Float64() < hot/(1+hot) { // geometric, mean hot
			x, y := at(412000, 6176000, 1000)
			add(day, x, y)
		}
		for rng.Float64() < near/(1+near) {
			for {
				x, y := at(411500, 6175500, 2000)
				if !(x > 412000 && x < 413000 && y > 6176000 && y < 6177000) {
					add(day, x, y)
					break
				}
			}
		}
	}
	return out
}

// exampleFiles are the example's files by name: the incidents as CSV and
// as GeoJSON points, and the polygon as QGIS exports a layer.
func exampleFiles() map[string][]byte {
	incs := exampleIncidents()
	var csv bytes.Buffer
	csv.WriteString("id,x,y,date\n")
	for _, inc := range incs {
		fmt.Fprintf(&csv, "%d,%s,%s,%s\n", inc.id, num(inc.x), num(inc.y), inc.date)
	}
	var geo bytes.Buffer
	w := gis.NewPointWriter(&geo, "EPSG:32633", []string{"id", "date"})
	for _, inc := range incs {
		w.Point(inc.x, inc.y, inc.id, inc.date)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	var poly bytes.Buffer
	poly.WriteString("{\n\"type\": \"FeatureCollection\",\n\"name\": \"treatment\",\n\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::32633\" } },\n\"features\": [\n")
	poly.WriteString("{ \"type\": \"Feature\", \"properties\": { \"id\": 1, \"name\": \"operation area\" }, \"geometry\": { \"type\": \"MultiPolygon\", \"coordinates\": [ [ [ ")
	for i, v := range append(examplePolygon, examplePolygon[0]) {
		if i > 0 {
			poly.WriteString(", ")
		}
		fmt.Fprintf(&poly, "[ %s, %s ]", num(v[0]), num(v[1]))
	}
	poly.WriteString(" ] ] ] } }\n]\n}\n")
	return map[string][]byte{"incidents.csv": csv.Bytes(), "incidents.geojson": geo.Bytes(), "treatment.geojson": poly.Bytes()}
}

// TestPointsExampleData: the committed example data are what
// exampleFiles makes (or, with -update-example, are rewritten).
func TestPointsExampleData(t *testing.T) {
	for name, want := range exampleFiles() {
		path := filepath.Join(exampleDir, name)
		if *updateExample {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what exampleFiles makes; run go test ./cmd/dropsim -run TestPointsExampleData -update-example", path)
		}
	}
}
