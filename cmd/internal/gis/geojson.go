package gis

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PointWriter writes a GeoJSON FeatureCollection of points, one feature per line.
//
// It holds one feature at a time, so it can write millions. The first error
// (a bad call or a failed write) sticks: later calls to Point return it
// without writing, and Close returns it. Close does not close the
// underlying writer.
type PointWriter struct {
	bw      *bufio.Writer
	keys    [][]byte // `"name":` for each property, JSON-escaped
	buf     []byte
	n       int   // features written
	err     error // first error of any kind
	started bool  // the opening of the collection is written
	wfailed bool  // a write failed: nothing more can be written
	closed  bool
}

// NewPointWriter starts the collection. crs, if not empty (e.g. "EPSG:32637"), is written as the legacy
// named-CRS member {"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32637"}} that QGIS reads;
// props are the property names every feature has, in order.
//
// A crs of the form AUTHORITY:CODE becomes urn:ogc:def:crs:AUTHORITY::CODE;
// any other (a URN already, for one) is written as given. Duplicate
// property names are an error, returned by Point and Close.
func NewPointWriter(w io.Writer, crs string, props []string) *PointWriter {
	p := &PointWriter{bw: bufio.NewWriterSize(w, 64<<10), buf: make([]byte, 0, 512)}
	seen := make(map[string]int, len(props))
	for i, name := range props {
		if j, dup := seen[name]; dup {
			p.err = fmt.Errorf("gis.NewPointWriter: property %q is given twice (positions %d and %d, from 1); names must differ", name, j+1, i+1)
			return p
		}
		seen[name] = i
		var k []byte
		if i > 0 {
			k = append(k, ',')
		}
		k = appendJSONString(k, name)
		p.keys = append(p.keys, append(k, ':'))
	}
	b := append(p.buf[:0], `{"type":"FeatureCollection",`...)
	if crs != "" {
		b = append(b, `"crs":{"type":"name","properties":{"name":`...)
		b = appendJSONString(b, crsURN(crs))
		b = append(b, `}},`...)
	}
	b = append(b, `"features":[`...)
	p.write(b)
	p.started = true
	return p
}

// crsURN turns "EPSG:32637" into "urn:ogc:def:crs:EPSG::32637".
func crsURN(crs string) string {
	auth, code, ok := strings.Cut(crs, ":")
	if !ok || auth == "" || code == "" || strings.ContainsAny(crs, " \t") ||
		strings.Contains(code, ":") || strings.EqualFold(auth, "urn") {
		return crs
	}
	return "urn:ogc:def:crs:" + strings.ToUpper(auth) + "::" + code
}

func (p *PointWriter) write(b []byte) {
	p.buf = b[:0] // keep the grown buffer
	if _, err := p.bw.Write(b); err != nil {
		p.fail(err)
		p.wfailed = true
	}
}

func (p *PointWriter) fail(err error) error {
	if p.err == nil {
		p.err = err
	}
	return p.err
}

// Point writes one feature at (x, y) with the property values (same length as props). A value is written as a
// JSON number if it is an int, int32, int64 or float64 (finite; NaN/Inf written as null), a JSON string if a string.
//
// nil is written as null and a bool as true or false; other types are an
// error. x and y must be finite. Strings that are not valid UTF-8 have the
// bad bytes replaced by U+FFFD, as encoding/json does.
func (p *PointWriter) Point(x, y float64, values ...any) error {
	if p.err != nil {
		return p.err
	}
	if p.closed {
		return p.fail(errors.New("gis.PointWriter: Point called after Close"))
	}
	if len(values) != len(p.keys) {
		return p.fail(fmt.Errorf("gis.PointWriter: feature %d has %d property values; the collection has %d properties",
			p.n+1, len(values), len(p.keys)))
	}
	if !finite(x) || !finite(y) {
		return p.fail(fmt.Errorf("gis.PointWriter: feature %d is at (%v, %v); coordinates must be finite", p.n+1, x, y))
	}
	b := p.buf[:0]
	if p.n > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n"+`{"type":"Feature","geometry":{"type":"Point","coordinates":[`...)
	b = appendFloatF(b, x)
	b = append(b, ',')
	b = appendFloatF(b, y)
	b = append(b, `]},"properties":{`...)
	for i, v := range values {
		b = append(b, p.keys[i]...)
		switch v := v.(type) {
		case float64:
			if finite(v) {
				b = appendJSONFloat(b, v)
			} else {
				b = append(b, "null"...)
			}
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int32:
			b = strconv.AppendInt(b, int64(v), 10)
		case string:
			b = appendJSONString(b, v)
		case bool:
			b = strconv.AppendBool(b, v)
		case nil:
			b = append(b, "null"...)
		default:
			p.buf = b[:0]
			// reflect.TypeOf, unlike fmt's %T, lets values stay on the
			// caller's stack: boxing them costs no allocation.
			return p.fail(fmt.Errorf("gis.PointWriter: feature %d, property %s: a value of type %s cannot be written; "+
				"use int, int32, int64, float64, string, bool or nil", p.n+1, bytes.TrimSuffix(bytes.TrimPrefix(p.keys[i], []byte(",")), []byte(":")),
				reflect.TypeOf(v).String()))
		}
	}
	b = append(b, "}}"...)
	p.write(b)
	if p.err == nil {
		p.n++
	}
	return p.err
}

// Close ends the collection; returns the first error seen.
//
// Unless a write failed, Close finishes the document and flushes it even
// after an error, so the output is valid JSON, but it is incomplete and
// Close returns the error.
func (p *PointWriter) Close() error {
	if p.closed {
		return p.err
	}
	p.closed = true
	if p.wfailed || !p.started { // a writer refused by NewPointWriter wrote nothing
		return p.err
	}
	p.write(append(p.buf[:0], "\n]}\n"...))
	if err := p.bw.Flush(); err != nil {
		p.fail(err)
	}
	return p.err
}

// appendFloatF is strconv.AppendFloat(b, v, 'f', -1, 64), faster for
// whole numbers.
func appendFloatF(b []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 && (v != 0 || !math.Signbit(v)) {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// appendJSONFloat writes a finite float as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	if f == math.Trunc(f) && abs < 1e15 && (f != 0 || !math.Signbit(f)) {
		return strconv.AppendInt(b, int64(f), 10)
	}
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // 1e-07 -> 1e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendJSONString writes s as a JSON string: quote, backslash and control
// characters escaped, U+2028 and U+2029 escaped (for JavaScript readers),
// invalid UTF-8 replaced by U+FFFD, other characters as they are.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Point is one point feature read by ReadPoints.
type Point struct {
	X, Y  float64
	Props map[string]any
}

// ReadPoints reads a GeoJSON FeatureCollection of Point features with
// encoding/json, for tests and users' own checks; it holds the whole
// collection in memory. Anything else (another geometry, a missing or null
// geometry, a position without two finite numbers, properties that are not
// an object or null) is an error naming the feature, counted from 1. A
// third coordinate (height) is allowed and ignored.
//
// Property values are as encoding/json decodes them into an any (string,
// bool, nil, []any, map[string]any), except numbers: one written without a
// fraction or exponent that fits an int64 is an int64, any other a float64.
// So a float64 property that is a whole number (written 3) reads back as
// int64(3).
func ReadPoints(r io.Reader) ([]Point, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("gis.ReadPoints: %w", err)
	}
	points, _, err := DecodePoints(data)
	if err != nil {
		return nil, fmt.Errorf("gis.ReadPoints: %w", err)
	}
	return points, nil
}

// DecodePoints is ReadPoints of a whole document, which also returns the
// collection's named coordinate reference system (as CRS reads it; "" when
// it names none). Its errors are the end of a sentence that starts with
// the file's name: "feature 3: coordinates are [1]; ...".
func DecodePoints(data []byte) ([]Point, string, error) {
	top, err := collection(data)
	if err != nil {
		return nil, "", err
	}
	raw, ok := top["features"]
	if !ok || isNull(raw) {
		return nil, "", errors.New("the FeatureCollection has no features array")
	}
	var feats []json.RawMessage
	if err := json.Unmarshal(raw, &feats); err != nil {
		return nil, "", fmt.Errorf("features is not an array: %v", err)
	}
	points := make([]Point, 0, len(feats))
	for i, f := range feats {
		pt, err := readPoint(f)
		if err != nil {
			return nil, "", fmt.Errorf("feature %d: %v", i+1, err)
		}
		points = append(points, pt)
	}
	return points, CRS(top), nil
}

// collection reads a document that must be a FeatureCollection.
func collection(data []byte) (map[string]json.RawMessage, error) {
	top, err := object(data)
	if err != nil {
		return nil, err
	}
	if t, err := typeMember(top); err != nil || t != "FeatureCollection" {
		return nil, fmt.Errorf("the document's type is %s; it must be \"FeatureCollection\"", describeType(t, err))
	}
	return top, nil
}

// object reads a document that must be a JSON object.
func object(data []byte) (map[string]json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if top == nil {
		return nil, errors.New("the document is null; a FeatureCollection is a JSON object")
	}
	return top, nil
}

// CRS is the coordinate reference system a GeoJSON document names in its
// legacy crs member, as QGIS and GDAL write it for a projected system
// ({"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32633"}}):
// "EPSG:32633", the inverse of what NewPointWriter writes; a name that is
// not of the form urn:ogc:def:crs:AUTHORITY::CODE is returned as written,
// and "" when the document names none (RFC 7946 GeoJSON, whose
// coordinates are longitude and latitude).
func CRS(top map[string]json.RawMessage) string {
	var c struct {
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if raw, ok := top["crs"]; !ok || json.Unmarshal(raw, &c) != nil {
		return ""
	}
	name := strings.TrimSpace(c.Properties.Name)
	const urn = "urn:ogc:def:crs:"
	if len(name) > len(urn) && strings.EqualFold(name[:len(urn)], urn) {
		if auth, code, ok := strings.Cut(name[len(urn):], "::"); ok && auth != "" && code != "" && !strings.Contains(code, ":") {
			return strings.ToUpper(auth) + ":" + code
		}
	}
	return name
}

func readPoint(raw json.RawMessage) (Point, error) {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(raw, &f); err != nil || f == nil {
		return Point{}, fmt.Errorf("not a JSON object (%s)", abbrev(raw))
	}
	if t, err := typeMember(f); err != nil || t != "Feature" {
		return Point{}, fmt.Errorf("type is %s; it must be \"Feature\"", describeType(t, err))
	}
	graw, ok := f["geometry"]
	if !ok || isNull(graw) {
		return Point{}, errors.New("it has no geometry; every feature must be a Point")
	}
	var g map[string]json.RawMessage
	if err := json.Unmarshal(graw, &g); err != nil || g == nil {
		return Point{}, fmt.Errorf("geometry is not a JSON object (%s)", abbrev(graw))
	}
	if t, err := typeMember(g); err != nil || t != "Point" {
		return Point{}, fmt.Errorf("geometry type is %s; it must be \"Point\"", describeType(t, err))
	}
	var c []*float64 // nil for null, which encoding/json would read as 0
	if err := json.Unmarshal(g["coordinates"], &c); err != nil || len(c) < 2 || len(c) > 3 || slices.Contains(c, nil) {
		return Point{}, fmt.Errorf("coordinates are %s; a Point has [x, y] (or [x, y, z]) numbers", abbrev(g["coordinates"]))
	}
	pt := Point{X: *c[0], Y: *c[1]}
	praw, ok := f["properties"]
	if !ok {
		return Point{}, errors.New("it has no properties member (it may be null or an object)")
	}
	if isNull(praw) {
		return pt, nil
	}
	d := json.NewDecoder(bytes.NewReader(praw))
	d.UseNumber()
	if err := d.Decode(&pt.Props); err != nil || pt.Props == nil {
		return Point{}, fmt.Errorf("properties are %s; they must be an object or null", abbrev(praw))
	}
	for k, v := range pt.Props {
		pt.Props[k] = numbers(v)
	}
	return pt, nil
}

// numbers turns the json.Numbers in v into int64 or float64.
func numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		if !strings.ContainsAny(string(v), ".eE") {
			if i, err := v.Int64(); err == nil {
				return i
			}
		}
		f, _ := strconv.ParseFloat(string(v), 64) // a range error gives ±Inf
		return f
	case []any:
		for i := range v {
			v[i] = numbers(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = numbers(v[k])
		}
	}
	return v
}

func typeMember(m map[string]json.RawMessage) (string, error) {
	raw, ok := m["type"]
	if !ok {
		return "", errors.New("missing")
	}
	var t string
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", fmt.Errorf("%s", abbrev(raw))
	}
	return t, nil
}

func describeType(t string, err error) string {
	if err != nil {
		if err.Error() == "missing" {
			return "missing"
		}
		return err.Error() + ", not a string"
	}
	return strconv.Quote(t)
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// abbrev shows a JSON value in a message, shortened.
func abbrev(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if s == "" {
		return "missing"
	}
	if len(s) > 60 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
