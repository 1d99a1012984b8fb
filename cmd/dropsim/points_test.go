package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dropsim/sim"
	"dropsim/sim/metrics"
)

// The tests of dropsim displacement -points run it on the example data of
// examples/points (points_example_test.go makes them) and count the same
// incidents a second way, straight from the CSV rows: an incident is in
// the cell whose edges (on multiples of the cell size) hold it, in an
// area when that cell's centre is (point in rectangle, or winding number
// in the polygon), in the buffer or a ring by its Chebyshev distance in
// cells to the nearest treatment cell, found by brute force, and in a
// period by comparing its date as text.

// pointArgs are the flags of the example with an explicit control, so
// that every count can be made by hand; extra flags follow.
func pointArgs(out string, extra ...string) []string {
	args := []string{"displacement", "-points", filepath.Join(exampleDir, "incidents.csv"), "-crs", "EPSG:32633",
		"-buffer", "500", "-rings", "3", "-ring-width", "500", "-control", exControl, "-split", exSplit, "-out", out, "-formats", "png", "-q"}
	return append(args, extra...)
}

// exampleRow is an incident of incidents.csv as the test reads it.
type exampleRow struct {
	x, y float64
	date string
}

func readExampleCSV(t *testing.T) []exampleRow {
	t.Helper()
	recs := readCSV(t, filepath.Join(exampleDir, "incidents.csv"))
	var rows []exampleRow
	for _, r := range recs[1:] {
		x, err1 := strconv.ParseFloat(r[1], 64)
		y, err2 := strconv.ParseFloat(r[2], 64)
		if err1 != nil || err2 != nil {
			t.Fatal(r)
		}
		rows = append(rows, exampleRow{x, y, r[3]})
	}
	return rows
}

// readMeasures reads measures.csv as "series/period/measure" -> value.
func readMeasures(t *testing.T, dir string) map[string]string {
	t.Helper()
	recs := readCSV(t, filepath.Join(dir, "measures.csv"))
	m := map[string]string{}
	for _, r := range recs[1:] {
		m[r[0]+"/"+r[1]+"/"+r[2]] = r[3]
	}
	return m
}

// pointsSummary is what the tests read of summary.json.
type pointsSummary struct {
	ZoneCells map[string]int        `json:"zone_cells"`
	Control   string                `json:"control"`
	Points    *metrics.PointsSource `json:"points"`
}

func readSummary(t *testing.T, dir string) pointsSummary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s pointsSummary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// windingContains is the winding-number test of a point in a polygon, a
// second method beside the even-odd rule the command uses.
func windingContains(poly [][2]float64, x, y float64) bool {
	wn := 0
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		left := (b[0]-a[0])*(y-a[1]) - (x-a[0])*(b[1]-a[1])
		switch {
		case a[1] <= y && b[1] > y && left > 0:
			wn++
		case a[1] > y && b[1] <= y && left < 0:
			wn--
		}
	}
	return wn != 0
}

// handCounts are the counts of the example by the second method: R, B, C
// and the rings, before (0) and after (1).
type handCounts struct {
	R, B, C [2]float64
	ring    [3][2]float64
}

// countByHand counts the rows in the treatment cells (cell centres, by
// cell of 100 m on multiples of 100 m) and the control rectangle.
func countByHand(rows []exampleRow, treat map[[2]float64]bool, control [4]float64) handCounts {
	var c handCounts
	for _, r := range rows {
		var p int
		switch {
		case r.date >= "2024-01-01" && r.date <= "2024-02-29":
			p = 0
		case r.date >= "2024-03-01" && r.date <= "2024-04-29":
			p = 1
		default:
			continue
		}
		cx, cy := math.Floor(r.x/100)*100+50, math.Floor(r.y/100)*100+50
		d := math.Inf(1) // cells to the nearest treatment cell
		for t := range treat {
			d = min(d, max(math.Abs(cx-t[0]), math.Abs(cy-t[1]))/100)
		}
		switch {
		case d == 0:
			c.R[p]++
		case d <= 5:
			c.B[p]++
		case cx >= control[0] && cx <= control[2] && cy >= control[1] && cy <= control[3]:
			c.C[p]++
		}
		if d >= 1 && d <= 15 {
			c.ring[int(d-1)/5][p]++
		}
	}
	return c
}

// centres are the cell centres of the 100 m cells in [x0, x1] x [y0, y1]
// for which in is true.
func centres(x0, y0, x1, y1 float64, in func(x, y float64) bool) map[[2]float64]bool {
	out := map[[2]float64]bool{}
	for x := math.Floor(x0/100)*100 + 50; x <= x1; x += 100 {
		for y := math.Floor(y0/100)*100 + 50; y <= y1; y += 100 {
			if in(x, y) {
				out[[2]float64{x, y}] = true
			}
		}
	}
	return out
}

// TestPointsExampleByHand: the counts of measures.csv, for the treatment
// rectangle and for the polygon, are those counted by hand from the CSV
// rows, and the WDQ, TNE and WDD with its SE follow from them by their
// formulas.
func TestPointsExampleByHand(t *testing.T) {
	rows := readExampleCSV(t)
	control := [4]float64{410500, 6173500, 414500, 6174500}
	rect := centres(412000, 6176000, 413000, 6177000, func(x, y float64) bool {
		return x >= 412000 && x <= 413000 && y >= 6176000 && y <= 6177000
	})
	// No cell centre lies on an edge of the polygon, where the two
	// methods of point in polygon may differ.
	for i, a := range examplePolygon {
		b := examplePolygon[(i+1)%len(examplePolygon)]
		for x := 411850.0; x < 413200; x += 100 {
			for y := 6175950.0; y < 6177200; y += 100 {
				cross := (b[0]-a[0])*(y-a[1]) - (x-a[0])*(b[1]-a[1])
				if math.Abs(cross)/math.Hypot(b[0]-a[0], b[1]-a[1]) < 0.01 {
					t.Fatalf("cell centre (%v, %v) lies on edge %d of the polygon", x, y, i+1)
				}
			}
		}
	}
	poly := centres(411900, 6175900, 413200, 6177200, func(x, y float64) bool { return windingContains(examplePolygon, x, y) })
	for _, c := range []struct {
		name  string
		flags []string
		treat map[[2]float64]bool
	}{
		{"rectangle", []string{"-treatment", exTreatment}, rect},
		{"polygon", []string{"-area", filepath.Join(exampleDir, "treatment.geojson")}, poly},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			if code, _, stderr := dropsim(pointArgs(out, c.flags...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			s := readSummary(t, out)
			// The grid's lines are on multiples of 100 m, as the hand
			// count assumes.
			if ps := s.Points; ps == nil || math.Mod(ps.OriginX, 100) != 0 || math.Mod(ps.OriginY, 100) != 0 || ps.CellM != 100 {
				t.Fatalf("points %+v", s.Points)
			}
			if ps := s.Points; ps.Incidents != len(rows) || ps.Counted != len(rows)-5 || ps.Earlier != 5 || ps.Later != 0 || ps.DayZero != "2024-01-01" || ps.Split != exSplit || ps.CRS != "EPSG:32633" {
				t.Errorf("points %+v: want %d incidents, 5 before the periods, day 0 2024-01-01", ps, len(rows))
			}
			if n := s.ZoneCells["treatment"]; n != len(c.treat) {
				t.Errorf("%d treatment cells, %d by hand", n, len(c.treat))
			}
			h := countByHand(rows, c.treat, control)
			m := readMeasures(t, out)
			get := func(key string) float64 {
				t.Helper()
				v, err := strconv.ParseFloat(m[key], 64)
				if err != nil {
					t.Fatalf("measures.csv %s = %q", key, m[key])
				}
				return v
			}
			const dp = "drops_placed//"
			for _, k := range []struct {
				name string
				want float64
			}{{"Rb", h.R[0]}, {"Ra", h.R[1]}, {"Bb", h.B[0]}, {"Ba", h.B[1]}, {"Cb", h.C[0]}, {"Ca", h.C[1]}} {
				if got := get(dp + k.name); got != k.want {
					t.Errorf("%s = %v, by hand %v", k.name, got, k.want)
				}
			}
			for k := range 3 {
				name := "ring_" + strconv.Itoa(k+1)
				if b, a := get("drops_placed/before/"+name), get("drops_placed/after/"+name); b != h.ring[k][0] || a != h.ring[k][1] {
					t.Errorf("%s: %v before and %v after, by hand %v and %v", name, b, a, h.ring[k][0], h.ring[k][1])
				}
			}
			Rb, Ra, Bb, Ba, Cb, Ca := h.R[0], h.R[1], h.B[0], h.B[1], h.C[0], h.C[1]
			success, buffer := Ra/Ca-Rb/Cb, Ba/Ca-Bb/Cb
			wdd := (Ra - Rb) - (Ca - Cb) + (Ba - Bb) - (Ca - Cb)
			for _, k := range []struct {
				name string
				want float64
			}{{"success_measure", success}, {"buffer_measure", buffer}, {"tne", Rb*Ca/Cb - Ra + Bb*Ca/Cb - Ba},
				{"wdd", wdd}, {"wdd_se", math.Sqrt(Rb + Ra + Bb + Ba + 4*(Cb+Ca))}, {"wdd_treatment", (Ra - Rb) - (Ca - Cb)}} {
				if got := get(dp + k.name); math.Abs(got-k.want) > 1e-12*max(1, math.Abs(k.want)) {
					t.Errorf("%s = %v, by its formula %v", k.name, got, k.want)
				}
			}
			if success < 0 {
				if got := get(dp + "wdq"); math.Abs(got-buffer/success) > 1e-12 {
					t.Errorf("wdq = %v, by its formula %v", got, buffer/success)
				}
			} else if m[dp+"wdq"] != "" {
				t.Errorf("wdq = %q with a success measure of %v >= 0, want undefined", m[dp+"wdq"], success)
			}
			t.Logf("%s: Rb %v Ra %v Bb %v Ba %v Cb %v Ca %v rings %v; WDQ %s, WDD %v (SE %s)", c.name, Rb, Ra, Bb, Ba, Cb, Ca, h.ring, m[dp+"wdq"], wdd, m[dp+"wdd_se"])
			// examples/points/README.md gives these counts and measures.
			readme, err := os.ReadFile(filepath.Join(exampleDir, "README.md"))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"Rb " + m[dp+"Rb"] + " Ra " + m[dp+"Ra"] + " Bb " + m[dp+"Bb"] + " Ba " + m[dp+"Ba"] + " Cb " + m[dp+"Cb"] + " Ca " + m[dp+"Ca"], m[dp+"wdq"], m[dp+"wdd_se"]}
			if c.name == "polygon" {
				want[0] = "Rb " + m[dp+"Rb"] + ", Ra " + m[dp+"Ra"] + ", Bb " + m[dp+"Bb"] + ", Ba " + m[dp+"Ba"] + ", Cb " + m[dp+"Cb"] + ", Ca " + m[dp+"Ca"]
			}
			for _, w := range want {
				if !strings.Contains(string(readme), w) {
					t.Errorf("examples/points/README.md does not give %q", w)
				}
			}
			// Incident data have no seizures or arrests.
			for key := range m {
				if !strings.HasPrefix(key, "drops_placed/") {
					t.Errorf("measures.csv has %s", key)
				}
			}
		})
	}
}

// TestPointsCSVAndGeoJSON: the same incidents as CSV, as GeoJSON and as
// CSV in another row order give the same measures.csv, and a second
// analysis of the same file writes the same bytes in every output.
func TestPointsCSVAndGeoJSON(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(exampleDir, "incidents.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
	rows := slices.Clone(lines[1:])
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for i := range rows {
		rows[i] = strings.TrimSuffix(rows[i], "\n") + "\n"
	}
	shuffled := filepath.Join(dir, "shuffled.csv")
	if err := os.WriteFile(shuffled, []byte(lines[0]+strings.Join(rows, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name, points string, crs bool) string {
		out := filepath.Join(dir, name)
		args := pointArgs(out, "-treatment", exTreatment)
		args[2] = points
		if !crs { // a GeoJSON file names its own
			args = slices.Delete(args, 3, 5)
		}
		if code, _, stderr := dropsim(args...); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		return out
	}
	csvOut := run("csv", filepath.Join(exampleDir, "incidents.csv"), true)
	for _, other := range []string{run("geojson", filepath.Join(exampleDir, "incidents.geojson"), false), run("shuffled", shuffled, true)} {
		a, _ := os.ReadFile(filepath.Join(csvOut, "measures.csv"))
		b, _ := os.ReadFile(filepath.Join(other, "measures.csv"))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s/measures.csv differs from the CSV's", other)
		}
	}
	again := run("again", filepath.Join(exampleDir, "incidents.csv"), true)
	for _, f := range []string{"measures.csv", "summary.json", "report.html", "figures/density_change.png", "figures/rings.png", "figures/centroid_path.png"} {
		a, _ := os.ReadFile(filepath.Join(csvOut, f))
		b, _ := os.ReadFile(filepath.Join(again, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two analyses of the same file", f)
		}
	}
}

// TestPointsBadInput: each bad file or flag exits 2 with one sentence on
// stderr naming the file, the line or feature, the column and the value
// where they apply, and writes nothing.
func TestPointsBadInput(t *testing.T) {
	dir := t.TempDir()
	const head = "x,y,date\n"
	const good = "412500.5,6176500.5,2024-01-01\n"
	square := `[[412000,6176000],[413000,6176000],[413000,6177000],[412000,6177000],[412000,6176000]]`
	feature := func(x, date string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":[` + x + `,6176500.5]},"properties":{"date":` + date + `}}`
	}
	collection := func(crs string, f ...string) string {
		c := ""
		if crs != "" {
			c = `"crs":{"type":"name","properties":{"name":"` + crs + `"}},`
		}
		return `{"type":"FeatureCollection",` + c + `"features":[` + strings.Join(f, ",") + `]}`
	}
	cases := []struct {
		name  string
		file  string // the incidents file's name and contents
		text  string
		flags []string
		own   bool // flags give the treatment area instead of -treatment
		want  []string
	}{
		{name: "x not a number", file: "x.csv", text: head + good + "abc,6176500.5,2024-01-02\n", want: []string{`x.csv line 3, column 1 (x): "abc" is not a number: a coordinate is a finite number`}},
		{name: "y infinite", file: "y.csv", text: head + good + "412500.5,Inf,2024-01-02\n", want: []string{`y.csv line 3, column 2 (y): "Inf" is not allowed`}},
		{name: "bad date", file: "date.csv", text: head + good + "412500.5,6176500.5,2024-13-01\n", want: []string{`date.csv line 3, column 3 (date): "2024-13-01" is not a date in the layout "2006-01-02" (-date-format), such as "2024-03-01"`}},
		{name: "date in another layout", file: "layout.csv", text: head + "412500.5,6176500.5,01/01/2024\n", want: []string{`line 2, column 3 (date): "01/01/2024" is not a date`}},
		{name: "missing column", file: "cols.csv", text: "x,y,when\n412500.5,6176500.5,2024-01-01\n", want: []string{`cols.csv line 1: the header has no column "date" (-date); its columns are "x", "y", "when"`}},
		{name: "named column missing", file: "named.csv", text: head + good, flags: []string{"-x", "easting"}, want: []string{`named.csv line 1: the header has no column "easting" (-x)`}},
		{name: "duplicate column", file: "dup.csv", text: "x,y,date,X\n1,2,2024-01-01,3\n", want: []string{`dup.csv line 1: columns 1 ("x") and 4 ("X") are both x`}},
		{name: "too few fields", file: "few.csv", text: head + good + "412500.5,6176500.5\n", want: []string{"few.csv line 3 has 2 fields, too few for the 3 columns"}},
		{name: "empty", file: "empty.csv", text: "", want: []string{"empty.csv is empty; its first line must name the columns x, y and date"}},
		{name: "header only", file: "head.csv", text: head, want: []string{"head.csv has no incidents"}},
		{name: "unknown extension", file: "points.txt", text: head + good, want: []string{`-points "`, `points.txt": the file's name must end in .csv, .geojson or .json`}},
		{name: "polygon of 2 vertices", file: "ok.csv", text: head + good, flags: []string{"-polygon", "412000 6176000, 413000 6177000"}, own: true,
			want: []string{`-polygon "412000 6176000, 413000 6177000" has 2 distinct vertices; a polygon needs at least 3`}},
		{name: "polygon vertex not a pair", file: "ok.csv", text: head + good, flags: []string{"-polygon", "412000 6176000, 413000, 412000 6177000"}, own: true,
			want: []string{`-polygon "412000 6176000, 413000, 412000 6177000": vertex 2, "413000", is not two numbers "x y"`}},
		{name: "two treatment areas", file: "ok.csv", text: head + good, flags: []string{"-treatment", exTreatment, "-polygon", "1 1, 2 2, 1 2"},
			want: []string{"give the treatment area once, with one of -treatment, -polygon and -area (here -treatment and -polygon)"}},
		{name: "treatment reversed", file: "ok.csv", text: head + good, flags: []string{"-treatment", "413000,6176000,412000,6177000"}, want: []string{`-treatment "413000,6176000,412000,6177000" is not allowed: a rectangle x0,y0,x1,y1 has x0 < x1 and y0 < y1`}},
		{name: "treatment smaller than a cell", file: "ok2.csv", text: head + good + "412500.5,6176500.5,2024-01-03\n", flags: []string{"-treatment", "412510,6176510,412520,6176520"}, want: []string{"holds no cell centre of the grid of 100 map units (-cell)"}},
		{name: "buffer under half a cell", file: "ok.csv", text: head + good, flags: []string{"-buffer", "40"}, want: []string{"-buffer 40 is less than half a cell of 100 map units (-cell)"}},
		{name: "no -split", file: "ok.csv", text: head + good, flags: []string{"-split", ""}, want: []string{"-points needs -split YYYY-MM-DD"}},
		{name: "no before period", file: "ok.csv", text: head + good, flags: []string{"-split", "2024-01-01"}, want: []string{"no incident of", "is dated before -split 2024-01-01 (the first is on 2024-01-01)"}},
		{name: "counts with points", file: "ok.csv", text: head + good, flags: []string{"-rb", "3"}, want: []string{"give either -points or counts, not both (-rb and -points)"}},
		{name: "json with points", file: "ok.csv", text: head + good, flags: []string{"-json"}, want: []string{"-json is not for -points"}},
		{name: "bad date in GeoJSON", file: "bad.geojson", text: collection("urn:ogc:def:crs:EPSG::32633", feature("412500.5", `"2024-01-01"`), feature("412501.5", `"yesterday"`)),
			want: []string{`bad.geojson: feature 2, property "date": "yesterday" is not a date in the layout "2006-01-02"`}},
		{name: "date a number in GeoJSON", file: "num.geojson", text: collection("urn:ogc:def:crs:EPSG::32633", feature("412500.5", `20240101`)),
			want: []string{`num.geojson: feature 1, property "date": 20240101 is not a date: a date is a text`}},
		{name: "no date in GeoJSON", file: "nodate.geojson", text: collection("urn:ogc:def:crs:EPSG::32633", feature("412500.5", `"2024-01-01"`)), flags: []string{"-date", "when"},
			want: []string{`nodate.geojson: feature 1 has no property "when" (-date)`}},
		{name: "GeoJSON coordinates", file: "coords.geojson", text: collection("", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1]},"properties":{}}`),
			want: []string{"coords.geojson: feature 1: coordinates are [1]; a Point has [x, y]"}},
		{name: "GeoJSON in degrees", file: "wgs.geojson", text: collection("", `{"type":"Feature","geometry":{"type":"Point","coordinates":[13.4,52.5]},"properties":{"date":"2024-01-01"}}`),
			want: []string{"wgs.geojson names no CRS and its coordinates all lie within longitude and latitude"}},
		{name: "GeoJSON named geographic", file: "crs84.geojson", text: collection("urn:ogc:def:crs:OGC:1.3:CRS84", feature("412500.5", `"2024-01-01"`)),
			want: []string{"crs84.geojson is in urn:ogc:def:crs:OGC:1.3:CRS84, longitude and latitude in degrees"}},
		{name: "area of 2 vertices", file: "area.geojson", text: `{"type":"Polygon","coordinates":[[[412000,6176000],[413000,6177000],[412000,6176000]]]}`,
			want: []string{"area.geojson: ring 1 has 2 distinct vertices; a polygon needs at least 3"}},
		{name: "area a point", file: "area.geojson", text: `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}`,
			want: []string{`area.geojson: the geometry's type is "Point"; it must be "Polygon" or "MultiPolygon"`}},
		{name: "area in another CRS", file: "area.geojson", text: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32634"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[` + square + `]}}]}`,
			want: []string{"area.geojson is in the CRS EPSG:32634, but the incidents are in EPSG:32633"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, " ", "-"))
			points := path
			flags := []string{"-treatment", exTreatment, "-split", "2024-01-02"}
			if c.own {
				flags = flags[2:]
			}
			if strings.HasPrefix(c.name, "area") {
				points, flags = filepath.Join(exampleDir, "incidents.csv"), []string{"-area", path, "-split", exSplit}
			}
			args := []string{"displacement", "-points", points, "-crs", "EPSG:32633", "-out", out, "-formats", "png"}
			if strings.HasSuffix(c.file, ".geojson") && !strings.HasPrefix(c.name, "area") {
				args = []string{"displacement", "-points", points, "-out", out, "-formats", "png"}
			}
			args = append(append(args, flags...), c.flags...) // a flag given twice: the case's, last, wins
			code, stdout, stderr := dropsim(args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if !strings.HasPrefix(stderr, "dropsim: ") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr is not one line starting with \"dropsim: \": %q", stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("bad input made %s", out)
			}
		})
	}
}

// studyOf is the study of dropsim args, as the command makes it.
func studyOf(t *testing.T, args []string) *pointsStudy {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	pf := addPointFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	st, err := pf.study(set)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPointsPeriods: with a gap and a before period of 30 days the after
// period is as long, day 0 is 30 days before the split, and the incidents
// in the gap, before day 0 and after the after period are those counted
// by hand from their dates.
func TestPointsPeriods(t *testing.T) {
	st := studyOf(t, pointArgs(t.TempDir(), "-treatment", exTreatment, "-gap-days", "7", "-before-days", "30"))
	z, src := st.z, st.source
	if z.BeforeStart != 0 || z.SplitDay != 30 || z.AfterStart != 37 || z.AfterEnd != 67 || st.p.Days != 67 || src.DayZero != "2024-01-31" {
		t.Errorf("before [%d, %d), after [%d, %d) of %d days from %s; want [0, 30) and [37, 67) of 67 from 2024-01-31",
			z.BeforeStart, z.SplitDay, z.AfterStart, z.AfterEnd, st.p.Days, src.DayZero)
	}
	var gap, early, late, before, after int
	for _, r := range readExampleCSV(t) {
		switch {
		case r.date < "2024-01-31":
			early++
		case r.date < "2024-03-01":
			before++
		case r.date <= "2024-03-07":
			gap++
		case r.date <= "2024-04-06": // day 66
			after++
		default:
			late++
		}
	}
	if src.InGap != gap || src.Earlier != early || src.Later != late || src.Counted != before+gap+after {
		t.Errorf("in the gap %d, before %d, after %d, counted %d; by hand %d, %d, %d, %d", src.InGap, src.Earlier, src.Later, src.Counted, gap, early, late, before+gap+after)
	}
	var nb, na int
	for _, d := range st.drops {
		switch z.PeriodOf(int(d.Placed) / st.p.TicksPerDay()) {
		case sim.PeriodBefore:
			nb++
		case sim.PeriodAfter:
			na++
		}
	}
	if nb != before || na != after {
		t.Errorf("%d incidents before and %d after, by hand %d and %d", nb, na, before, after)
	}
}

// countClassByHand is the class of a count before, 0, 1, 2-3, 4-7, ...,
// by halving.
func countClassByHand(n int) int {
	k := 0
	for ; n > 0; n /= 2 {
		k++
	}
	return k
}

// TestPointsMatchedControl: the matched control of the example is the
// same cells every time; each of its cells has the class of count before
// of a treatment cell, class for class as many as the treatment area has
// (less those the grid cannot match, as the match says); every one lies
// beyond the buffer, the gap and the rings; and the analysis writes the
// same bytes twice.
func TestPointsMatchedControl(t *testing.T) {
	args := pointArgs(t.TempDir(), "-treatment", exTreatment)
	i := slices.Index(args, "-control")
	// Without -control the control is the rest of the grid: matching on
	// the counts themselves would select on the outcome.
	if z := studyOf(t, slices.Delete(slices.Clone(args), i, i+2)).z; z.Match != nil || !strings.Contains(z.Control, "-control rest") {
		t.Errorf("the default control: %q, want the rest of the grid", z.Control)
	}
	args[i+1] = sim.ControlMatched
	study := func() *pointsStudy { return studyOf(t, args) }
	st := study()
	c := st.p.City
	cellsOf := func(z *sim.Zones, zone sim.Zone) []int {
		var out []int
		for i := range c.Width * c.Height {
			if z.At(i%c.Width, i/c.Width) == zone {
				out = append(out, i)
			}
		}
		return out
	}
	treat, ctrl := cellsOf(st.z, sim.ZoneTreatment), cellsOf(st.z, sim.ZoneControl)
	if again := cellsOf(study().z, sim.ZoneControl); !slices.Equal(ctrl, again) {
		t.Fatalf("the matched control differs between two studies: %d and %d cells", len(ctrl), len(again))
	}
	// The counts before by cell, from the CSV rows.
	before := make([]int, c.Width*c.Height)
	north := c.OriginY + float64(c.Height)*c.CellM
	for _, r := range readExampleCSV(t) {
		if r.date >= "2024-01-01" && r.date <= "2024-02-29" {
			before[int((north-r.y)/c.CellM)*c.Width+int((r.x-c.OriginX)/c.CellM)]++
		}
	}
	classes := func(cells []int) map[int]int {
		n := map[int]int{}
		for _, i := range cells {
			n[countClassByHand(before[i])]++
		}
		return n
	}
	want, got := classes(treat), classes(ctrl)
	m := st.z.Match
	if m == nil || len(ctrl) == 0 {
		t.Fatalf("no matched control: %q", st.z.Control)
	}
	for k, n := range got {
		if n > want[k] {
			t.Errorf("class %d: %d control cells, the treatment area has %d", k, n, want[k])
		}
	}
	if miss := float64(len(treat)-len(ctrl)) / float64(len(treat)); miss != m.Mismatch {
		t.Errorf("%d of %d treatment cells unmatched, the match says %v", len(treat)-len(ctrl), len(treat), m.Mismatch)
	}
	t.Logf("classes of the treatment %v, of the control %v (%d cells unmatched); %s", want, got, len(treat)-len(ctrl), st.z.Control)
	reach := max(5+5, 3*5) // buffer + gap (the buffer's width), the rings
	for _, i := range ctrl {
		for _, j := range treat {
			if d := max(abs(i%c.Width-j%c.Width), abs(i/c.Width-j/c.Width)); d <= reach {
				t.Fatalf("control cell %d is %d cells from treatment cell %d, within %d", i, d, j, reach)
			}
		}
	}
	// The whole analysis, twice.
	outA, outB := t.TempDir(), t.TempDir()
	for _, out := range []string{outA, outB} {
		a := slices.Clone(args)
		a[slices.Index(a, "-out")+1] = out
		if code, _, stderr := dropsim(a...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	for _, f := range []string{"measures.csv", "summary.json", "report.html"} {
		a, _ := os.ReadFile(filepath.Join(outA, f))
		b, _ := os.ReadFile(filepath.Join(outB, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two analyses", f)
		}
	}
}

func abs(x int) int { return max(x, -x) }

// TestPointsOutputDirectory: -points keeps the files it did not write,
// refuses its earlier analysis without -force and replaces only its own
// files with it; dropsim plot refuses the directory; and the report and
// figures speak of incidents, not of a model's drops, scenario, police or
// market.
func TestPointsOutputDirectory(t *testing.T) {
	out := t.TempDir()
	notes := filepath.Join(out, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := pointArgs(out, "-treatment", exTreatment)
	if code, _, stderr := dropsim(args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr := dropsim(args...)
	if code != 2 || !strings.Contains(stderr, "holds the earlier displacement analysis of "+filepath.Join(exampleDir, "incidents.csv")) || !strings.Contains(stderr, "give -force") {
		t.Errorf("again without -force: exit %d, %s", code, stderr)
	}
	code, _, stderr = dropsim(append(args, "-force")...)
	if code != 0 || !strings.Contains(stderr, "replaced the earlier displacement analysis") || !strings.Contains(stderr, "kept 1 entry that dropsim did not write") {
		t.Errorf("with -force: exit %d, %s", code, stderr)
	}
	if b, err := os.ReadFile(notes); err != nil || string(b) != "mine" {
		t.Errorf("notes.txt: %q, %v", b, err)
	}
	code, _, stderr = dropsim("plot", out)
	if code != 2 || !strings.Contains(stderr, "holds a displacement analysis of the incidents in") {
		t.Errorf("plot: exit %d, %s", code, stderr)
	}
	var man struct {
		Complete bool     `json:"complete"`
		Points   string   `json:"points"`
		Files    []string `json:"files"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err := json.Unmarshal(b, &man); err != nil || !man.Complete || man.Points == "" ||
		!slices.Equal(man.Files, []string{"summary.json", "measures.csv", "figures/drops_by_zone.png", "figures/density_before.png", "figures/density_after.png",
			"figures/density_change.png", "figures/rings.png", "figures/centroid_path.png", "report.html", "manifest.json"}) {
		t.Errorf("manifest %+v, %v", man, err)
	}
	// What the report says, its images and styles left out.
	page, _ := os.ReadFile(filepath.Join(out, "report.html"))
	text := regexp.MustCompile(`(?s)<style.*?</style>|<script.*?</script>|<[^>]*>`).ReplaceAllString(string(page), " ")
	for _, w := range regexp.MustCompile(`(?i)\b(drops?|stashers?|buyers?|shops?|scenario|seed|police|market|land use|water|sweep|runs?)\b`).FindAllString(text, -1) {
		t.Errorf("the report of incident data speaks of %q", w)
	}
	for _, want := range []string{"626 incidents from", "5 before the before period, left out", "coordinate reference system EPSG:32633", "day 0 is 2024-01-01", "2024-03-01 to 2024-04-29"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}
