package gis

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

const tricky = "quote \" backslash \\ newline \n tab \t cr \r bell \x07 é 漢字 🗺 \u2028 </script> done"

func TestPointWriterRoundTrip(t *testing.T) {
	props := []string{"id", "area", "agents", "risk", "label", "tricky \"name\"\n"}
	type feature struct {
		x, y float64
		vals []any
		want map[string]any // as ReadPoints gives them back
	}
	var feats []feature
	for i := range 1000 {
		x := 500000 + float64(i)*37.125 - 0.001*float64(i%7)
		y := -4e6 + float64(i*i)/3
		var risk any
		var wantRisk any
		switch i % 5 {
		case 0:
			risk, wantRisk = float64(i)/7, float64(i)/7
			if i%7 == 0 {
				wantRisk = int64(i / 7) // whole: written without a fraction
			}
		case 1:
			risk, wantRisk = 3.0, int64(3) // a whole float is written 3 and read as an integer
		case 2:
			risk, wantRisk = math.NaN(), nil
		case 3:
			risk, wantRisk = 1e-9*float64(i), 1e-9*float64(i)
		default:
			risk, wantRisk = 1.5e300, 1.5e300
		}
		label := "cell " + string(rune('A'+i%26))
		if i%10 == 0 {
			label = tricky
		}
		vals := []any{i, int32(-i), int64(1)<<60 + int64(i), risk, label, i%2 == 0}
		feats = append(feats, feature{x, y, vals, map[string]any{
			"id": int64(i), "area": int64(-i), "agents": int64(1)<<60 + int64(i), "risk": wantRisk,
			"label": label, "tricky \"name\"\n": i%2 == 0,
		}})
	}
	var buf bytes.Buffer
	w := NewPointWriter(&buf, "EPSG:32637", props)
	for _, f := range feats {
		if err := w.Point(f.x, f.y, f.vals...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) {
		t.Fatal("output is not valid JSON")
	}
	// One feature per line: the opening line, 1000 features, the closing line.
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 1002 {
		t.Fatalf("%d lines, want 1002", len(lines))
	}
	for i, l := range lines[1:1001] {
		l = strings.TrimSuffix(l, ",")
		if !json.Valid([]byte(l)) {
			t.Fatalf("line %d is not one feature: %s", i+2, l)
		}
	}
	if !strings.Contains(buf.String(), `"tricky \"name\"\n":`) {
		t.Error("property name not escaped as expected")
	}

	got, err := ReadPoints(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(feats) {
		t.Fatalf("read %d points, wrote %d", len(got), len(feats))
	}
	for i, f := range feats {
		g := got[i]
		if g.X != f.x || g.Y != f.y {
			t.Errorf("point %d at (%v, %v), written at (%v, %v)", i, g.X, g.Y, f.x, f.y)
		}
		if !reflect.DeepEqual(g.Props, f.want) {
			t.Errorf("point %d: properties %#v, want %#v", i, g.Props, f.want)
		}
	}
}

func TestPointWriterCRS(t *testing.T) {
	for _, c := range []struct{ crs, name string }{
		{"EPSG:32637", "urn:ogc:def:crs:EPSG::32637"},
		{"epsg:4326", "urn:ogc:def:crs:EPSG::4326"},
		{"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84"},
		{"", ""},
	} {
		var buf bytes.Buffer
		w := NewPointWriter(&buf, c.crs, []string{"n"})
		w.Point(1.5, -2, 7)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("%q: %v", c.crs, err)
		}
		crs, has := doc["crs"]
		if c.crs == "" {
			if has || strings.Contains(buf.String(), "crs") {
				t.Errorf("crs member written though none was given:\n%s", buf.String())
			}
			continue
		}
		want := map[string]any{"type": "name", "properties": map[string]any{"name": c.name}}
		if !reflect.DeepEqual(crs, want) {
			t.Errorf("%q: crs member %#v, want %#v", c.crs, crs, want)
		}
		if pts, err := ReadPoints(&buf); err != nil || len(pts) != 1 {
			t.Errorf("%q: ReadPoints: %v, %v", c.crs, pts, err)
		}
	}
}

func TestPointWriterEmpty(t *testing.T) {
	for _, props := range [][]string{nil, {"a", "b"}} {
		for _, crs := range []string{"", "EPSG:32637"} {
			var buf bytes.Buffer
			if err := NewPointWriter(&buf, crs, props).Close(); err != nil {
				t.Fatal(err)
			}
			if !json.Valid(buf.Bytes()) {
				t.Fatalf("empty collection is not valid JSON:\n%s", buf.String())
			}
			pts, err := ReadPoints(&buf)
			if err != nil || len(pts) != 0 {
				t.Fatalf("empty collection read as %v, %v", pts, err)
			}
		}
	}
	// No properties: each feature has an empty properties object.
	var buf bytes.Buffer
	w := NewPointWriter(&buf, "", nil)
	w.Point(1, 2)
	w.Close()
	if !strings.Contains(buf.String(), `"properties":{}`) {
		t.Fatalf("got %s", buf.String())
	}
}

func TestPointWriterErrors(t *testing.T) {
	cases := []struct {
		name   string
		props  []string
		write  func(w *PointWriter) error
		phrase string
	}{
		{"too few values", []string{"a", "b"}, func(w *PointWriter) error { return w.Point(0, 0, 1) },
			"feature 2 has 1 property values; the collection has 2 properties"},
		{"unsupported type", []string{"a"}, func(w *PointWriter) error { return w.Point(0, 0, float32(1)) },
			`feature 2, property "a": a value of type float32 cannot be written`},
		{"NaN coordinate", []string{"a"}, func(w *PointWriter) error { return w.Point(math.NaN(), 0, 1) },
			"feature 2 is at (NaN, 0); coordinates must be finite"},
		{"after close", nil, func(w *PointWriter) error { w.Close(); return w.Point(0, 0) }, "Point called after Close"},
		{"duplicate names", []string{"a", "b", "a"}, func(w *PointWriter) error { return w.Point(0, 0, 1, 2, 3) },
			`property "a" is given twice (positions 1 and 3`},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		w := NewPointWriter(&buf, "", c.props)
		w.Point(5, 5, make([]any, len(c.props))...) // a good feature first, so the errors name feature 2
		err := c.write(w)
		if err == nil || !strings.Contains(err.Error(), c.phrase) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.phrase)
			continue
		}
		// The error sticks: a good call afterwards still fails, Close reports it.
		if err2 := w.Point(1, 1, make([]any, len(c.props))...); err2 != err {
			t.Errorf("%s: a later Point returned %v, want the first error", c.name, err2)
		}
		if cerr := w.Close(); cerr != err {
			t.Errorf("%s: Close returned %v, want the first error", c.name, cerr)
		}
		if buf.Len() > 0 && !json.Valid(buf.Bytes()) {
			t.Errorf("%s: the output is not valid JSON:\n%s", c.name, buf.String())
		}
	}

	// A write that fails comes back from Point or Close.
	w := NewPointWriter(&failWriter{left: 10_000}, "", []string{"n"})
	var err error
	for i := 0; i < 100_000 && err == nil; i++ {
		err = w.Point(float64(i), 0, i)
	}
	if cerr := w.Close(); !errors.Is(err, errDiskFull) || cerr != err {
		t.Fatalf("Point: %v, Close: %v; want %v from both", err, cerr, errDiskFull)
	}
	w = NewPointWriter(&failWriter{left: 10}, "", nil)
	if err := w.Close(); !errors.Is(err, errDiskFull) {
		t.Fatalf("Close: %v, want %v", err, errDiskFull)
	}
}

func TestReadPointsRejects(t *testing.T) {
	const pt = `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":null}`
	fc := func(features string) string { return `{"type":"FeatureCollection","features":[` + features + `]}` }
	cases := []struct{ name, in, phrase string }{
		{"not JSON", "ncols 3", "not a JSON object"},
		{"trailing text", fc(pt) + " x", "not a JSON object"},
		{"null", "null", "the document is null"},
		{"a Feature", pt, `the document's type is "Feature"; it must be "FeatureCollection"`},
		{"no type", `{"features":[]}`, "the document's type is missing"},
		{"no features", `{"type":"FeatureCollection"}`, "has no features array"},
		{"features not array", `{"type":"FeatureCollection","features":{}}`, "features is not an array"},
		{"a LineString", fc(pt + `,{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{}}`),
			`feature 2: geometry type is "LineString"; it must be "Point"`},
		{"null geometry", fc(`{"type":"Feature","geometry":null,"properties":{}}`), "feature 1: it has no geometry"},
		{"one coordinate", fc(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1]},"properties":{}}`),
			"feature 1: coordinates are [1]; a Point has [x, y]"},
		{"null coordinate", fc(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,null]},"properties":{}}`),
			"coordinates are [1,null]"},
		{"string coordinate", fc(`{"type":"Feature","geometry":{"type":"Point","coordinates":["1",2]},"properties":{}}`),
			`coordinates are ["1",2]`},
		{"no properties", fc(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`), "no properties member"},
		{"properties array", fc(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":[1]}`),
			"properties are [1]; they must be an object or null"},
		{"feature type", fc(`{"type":"feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}`),
			`feature 1: type is "feature"; it must be "Feature"`},
		{"feature not object", fc(`1`), "feature 1: not a JSON object"},
	}
	for _, c := range cases {
		_, err := ReadPoints(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.phrase) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.phrase)
		}
	}
	// Accepted: a 3D position and null properties.
	pts, err := ReadPoints(strings.NewReader(fc(pt + `,{"type":"Feature","geometry":{"type":"Point","coordinates":[3,4,5]},"properties":{"a":[1,2.5]}}`)))
	if err != nil || len(pts) != 2 || pts[0].Props != nil || pts[1].X != 3 || pts[1].Y != 4 ||
		!reflect.DeepEqual(pts[1].Props["a"], []any{int64(1), 2.5}) {
		t.Fatalf("got %+v, %v", pts, err)
	}
}

func TestAppendJSONString(t *testing.T) {
	// Byte for byte what encoding/json writes without HTML escaping, and
	// reads back as the string (with invalid UTF-8 replaced).
	for _, s := range []string{"", "plain", tricky, "bad utf-8 \xff\xc3 end", "\x00\x1f\x7f", "\u2029"} {
		b := appendJSONString(nil, s)
		var std bytes.Buffer
		enc := json.NewEncoder(&std)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		if !bytes.Equal(b, bytes.TrimSuffix(std.Bytes(), []byte("\n"))) {
			t.Errorf("%q: wrote %s, encoding/json writes %s", s, b, std.Bytes())
		}
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q encoded as invalid JSON %s: %v", s, b, err)
		}
		want := s
		if !utf8.ValidString(s) {
			want = "bad utf-8 \ufffd\ufffd end"
		}
		if back != want {
			t.Errorf("%q came back as %q", s, back)
		}
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -2.5, 1e-7, 1.5e-300, 1e21, 123456789, 0.1,
		-1e15 + 1, 1e15, 1e15 + 0.5, 1 << 53, -(1 << 60), 999999999999999, 1e20} {
		b := appendJSONFloat(nil, f)
		std, _ := json.Marshal(f)
		if !bytes.Equal(b, std) {
			t.Errorf("%v: wrote %s, encoding/json writes %s", f, b, std)
		}
		if b, std := appendFloatF(nil, f), strconv.FormatFloat(f, 'f', -1, 64); string(b) != std {
			t.Errorf("%v: appendFloatF wrote %s, strconv writes %s", f, b, std)
		}
	}
}

// BenchmarkPointWriter writes 2 million points (an int, an int64, a float64
// and a string each) per iteration.
func BenchmarkPointWriter(b *testing.B) {
	const n = 2_000_000
	labels := []string{"open market", "stash \"B\"", "corner\\7", "Nairobi – Eastlands"}
	var size countWriter
	for b.Loop() {
		size = 0
		w := NewPointWriter(&size, "EPSG:32637", []string{"id", "drop", "risk", "label"})
		for i := range n {
			x := 250000 + float64(i%5000)*10.25
			y := 9850000 + float64(i/5000)*10.5
			if err := w.Point(x, y, i, int64(i)*7, float64(i%1000)/997, labels[i%4]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(size))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/point")
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
