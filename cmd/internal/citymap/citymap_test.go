package citymap

import (
	"bytes"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"dropsim/cmd/internal/gis"
	"dropsim/sim/grid"
)

// testLegend is the town legend plus a two-byte character, 'é' for park.
var testLegend = map[string]string{
	"~": "water", "#": "centre", "r": "residential", "p": "private", "g": "park",
	"f": "forest", "i": "industrial", ".": "nodata", "é": "park",
}

var testCodes = map[string]string{"0": "water", "1": "centre", "2": "residential", "3": "private", "-1": "nodata"}

// repeatReader yields prefix and then pattern forever, counting the bytes it hands out.
type repeatReader struct {
	prefix, pattern []byte
	pos             int // in pattern
	n               int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		if len(r.prefix) > 0 {
			c := copy(p[k:], r.prefix)
			r.prefix = r.prefix[c:]
			k += c
			continue
		}
		c := copy(p[k:], r.pattern[r.pos:])
		r.pos = (r.pos + c) % len(r.pattern)
		k += c
	}
	r.n += int64(k)
	return k, nil
}

// checkErr asserts that err is one *Error for file with the line, column
// and phrase given, on one line, and that Error() starts with the location.
func checkErr(t *testing.T, err error, file string, line, col int, phrase string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want line %d, column %d: %q", line, col, phrase)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %q is not a *citymap.Error", err, err)
	}
	msg := err.Error()
	if e.File != file || e.Line != line || e.Col != col || !strings.Contains(e.Msg, phrase) {
		t.Fatalf("got %q (file %q, line %d, column %d); want file %q, line %d, column %d and %q",
			msg, e.File, e.Line, e.Col, file, line, col, phrase)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("message is not one line: %q", msg)
	}
	if strings.Count(msg, file) > 1 && !strings.Contains(phrase, file) {
		t.Fatalf("the file name appears twice: %q", msg)
	}
}

func TestReadASCIIBad(t *testing.T) {
	cases := []struct {
		name, in  string
		legend    map[string]string
		line, col int
		phrase    string
	}{
		{"ragged short", "rrr\nrr\nrrr\n", nil, 2, 0, "row 2 has 2 cells; every row must have 3, as the first has"},
		{"ragged long", "rrr\nrrr\nrrrrr\n", nil, 3, 4, "row 3 has 5 cells; every row must have 3, as the first has"},
		{"ragged long no newline", "rrr\nrrrr", nil, 2, 4, "row 2 has 4 cells"},
		{"trailing spaces", "rrr\nrrr  \n", nil, 2, 4, "row 2 has 5 cells; every row must have 3, as the first has (the extra cells are spaces"},
		{"space in first row", "rr \nrrr\n", nil, 1, 3, "character ' ' is not in the legend (check for spaces at the ends of lines)"},
		{"ragged CRLF", "rrr\r\nrr\r\nrrr\r\n", nil, 2, 0, "row 2 has 2 cells"},
		{"blank line in the middle", "rrr\nrrr\n\nrrr\n", nil, 3, 0, "the line is blank, but rows of cells follow it"},
		{"blank lines in the middle", "rrr\n\r\n\nrrr\n", nil, 2, 0, "blank lines may only come after the last row"},
		{"blank first line", "\nrrr\nrrr\n", nil, 1, 0, "the line is blank"},
		{"unknown character", "rrrr\nr#xr\n", nil, 2, 3, "character 'x' is not in the legend; the legend has '#', '.', 'f', 'g', 'i', 'p', 'r', '~' and 'é'"},
		{"multi-byte counted as one", "éérx\nrrrr\n", nil, 1, 4, "character 'x' is not in the legend"},
		{"multi-byte ragged", "éér\nrr\n", nil, 2, 0, "row 2 has 2 cells; every row must have 3"},
		{"unknown multi-byte", "rr\nr€\n", nil, 2, 2, "character '€' is not in the legend"},
		{"tab", "rr\tr\nrrrr\n", nil, 1, 3, "character U+0009 (tab) is not in the legend"},
		{"bell", "rrrr\nrr\ar\n", nil, 2, 3, "character U+0007 (bell) is not in the legend"},
		{"no-break space", "rr\u00a0r\nrrrr\n", nil, 1, 3, "character U+00A0 (no-break space) is not in the legend"},
		{"byte order mark inside", "rrr\n\ufeffrr\n", nil, 2, 1, "U+FEFF (byte order mark)"},
		{"NUL byte", "rrrr\nr\x00rr\n", nil, 2, 2, "the file holds a NUL byte; it looks binary"},
		{"invalid UTF-8", "rrrr\nrr\xffr\n", nil, 2, 3, "byte 0xff is not UTF-8 text"},
		{"Latin-1 after UTF-8", "é\xe9r\nrrr\n", nil, 1, 2, "byte 0xe9 is not UTF-8 text"},
		{"invalid UTF-8 past the width", "rr\nrrr\xff\n", nil, 2, 4, "byte 0xff is not UTF-8 text"},
		{"truncated rune at the end", "rr\nr\xc3", nil, 2, 2, "byte 0xc3 is not UTF-8 text"},
		{"lone carriage return", "rr\rrr\nrrrrr\n", nil, 1, 3, "carriage return (U+000D) that is not followed by a line feed"},
		{"empty file", "", nil, 0, 0, "the map is empty; it must have one line of characters per row of cells"},
		{"only newlines", "\n\r\n\n", nil, 0, 0, "the map is empty"},
		{"only a byte order mark", "\ufeff", nil, 0, 0, "the map is empty"},
		{"all water", "~~~\n~~~\n", nil, 0, 0, "every cell is water; a city needs at least one usable cell"},
		{"all nodata", "...\n...\n", nil, 0, 0, "every cell is nodata; a city needs at least one usable cell"},
		{"water and nodata", "~~.\n..~\n", nil, 0, 0, "every cell is water or nodata; a city needs at least one usable cell"},
		{"one row", "rrrrrr\n", nil, 0, 0, "the map is 6 x 1 cells (width x height); it must be at least 2 cells wide and 2 cells tall"},
		{"one column", "r\nr\nr\n", nil, 0, 0, "the map is 1 x 3 cells"},
		{"PNG image", "\x89PNG\r\n\x1a\n\x00\x00", nil, 1, 1, "the file is a PNG image, not a text map"},
		{"UTF-16", "\xff\xfer\x00r\x00", nil, 1, 1, "UTF-16 text"},
		{"ESRI grid", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3\n4 5 6\n", nil, 1, 0, "looks like an ESRI ASCII grid"},
		{"legend key of two characters", "rr\nrr\n", map[string]string{"ab": "water", "r": "residential"}, 0, 0,
			`legend key "ab" has 2 characters; a key is exactly one character of the map`},
		{"legend class misspelt", "rr\nrr\n", map[string]string{"~": "water", "r": "resdential"}, 0, 0,
			`legend key 'r' maps to "resdential", which is not a land-use class (did you mean "residential"?); use water, centre, residential, private, park, forest, industrial or nodata`},
		{"legend American spelling", "rr\nrr\n", map[string]string{"#": "center"}, 0, 0, `(did you mean "centre"?)`},
		{"legend control key", "rr\nrr\n", map[string]string{"\t": "water", "r": "park"}, 0, 0, `legend key "\t" is the control character U+0009 (tab)`},
		{"legend empty key and more", "rr\nrr\n", map[string]string{"": "water", "r": "parc", "s": "forest"}, 0, 0,
			`legend key "" is empty; a key is exactly one character of the map (and 1 more problem in the legend)`},
		{"legend empty", "rr\nrr\n", map[string]string{}, 0, 0, "the legend is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			legend := c.legend
			if legend == nil {
				legend = testLegend
			}
			m, err := ReadASCII(strings.NewReader(c.in), "town.txt", legend, 1000)
			if m != nil {
				t.Fatalf("returned a map with the error")
			}
			checkErr(t, err, "town.txt", c.line, c.col, c.phrase)
		})
	}
}

// TestReadASCIIEndless feeds endless inputs: each must stop with an error
// after reading about maxCells bytes.
func TestReadASCIIEndless(t *testing.T) {
	const maxCells = 10000
	cases := []struct {
		name            string
		prefix, pattern string
		line, col       int
		phrase          string
	}{
		{"endless first line", "", "r", 1, maxCells + 1, "the first row has more than 10000 characters, more than the 10000 cells a map may have"},
		{"endless rows", "", "rrrrrrrrrr\n", 1001, 0, "the map has more than 10000 cells, the most allowed: at 10 cells a row, row 1001 would bring it to 10010"},
		{"wide rows", "", strings.Repeat("r", 4000) + "\n", 3, 0, "at 4000 cells a row, row 3 would bring it to 12000"},
		{"endless second line", "rrrr\n", "p", 2, 5, "row 2 has more than 10004 cells; every row must have 4"},
		{"endless blank lines", "rr\nrr\n", "\n", 10003, 0, "more than 10000 blank lines follow the last row"},
		{"endless CRLF", "", "\r\n", 10001, 0, "the file starts with more than 10000 blank lines"},
		{"endless unknown", "", "x", 1, 1, "character 'x' is not in the legend"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &repeatReader{prefix: []byte(c.prefix), pattern: []byte(c.pattern)}
			_, err := ReadASCII(r, "town.txt", testLegend, maxCells)
			checkErr(t, err, "town.txt", c.line, c.col, c.phrase)
			if r.n > 4*maxCells*int64(len(c.pattern))+256<<10 {
				t.Fatalf("read %d bytes before failing", r.n)
			}
		})
	}
}

func TestReadASCIIGood(t *testing.T) {
	const town = "" +
		"..ff~~\n" +
		".#r~~p\n" +
		"g#r~ip\n" +
		"ppé~ii\n"
	m, err := ReadASCII(strings.NewReader(town), "town.txt", testLegend, 24)
	if err != nil {
		t.Fatal(err)
	}
	const (
		W = grid.Water
		C = grid.Centre
		R = grid.Residential
		P = grid.Private
		G = grid.Park
		F = grid.Forest
		I = grid.Industrial
	)
	want := []grid.Class{
		W, W, F, F, W, W,
		W, C, R, W, W, P,
		G, C, R, W, I, P,
		P, P, G, W, I, I,
	}
	if m.W != 6 || m.H != 4 || !slices.Equal(m.Class, want) {
		t.Fatalf("got %d x %d %v; want 6 x 4 %v", m.W, m.H, m.Class, want)
	}
	if m.HasGeo || m.Demand != nil || m.Cover != nil {
		t.Fatalf("a text map has geo or layers: %+v", m)
	}
	// The same map with CR LF line ends, a byte order mark, no final line
	// end, or blank lines after the last row.
	for name, in := range map[string]string{
		"CRLF":            strings.ReplaceAll(town, "\n", "\r\n"),
		"BOM":             "\ufeff" + town,
		"no final LF":     strings.TrimSuffix(town, "\n"),
		"no final CRLF":   strings.TrimSuffix(strings.ReplaceAll(town, "\n", "\r\n"), "\r\n"),
		"trailing blanks": town + "\n\r\n\n",
	} {
		m2, err := ReadASCII(strings.NewReader(in), "town.txt", testLegend, 24)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m2.W != 6 || m2.H != 4 || !slices.Equal(m2.Class, want) {
			t.Fatalf("%s: got %d x %d %v", name, m2.W, m2.H, m2.Class)
		}
	}
	// Exactly maxCells is allowed; one fewer is not.
	if _, err := ReadASCII(strings.NewReader(town), "town.txt", testLegend, 23); err == nil {
		t.Fatal("a 24-cell map passed maxCells = 23")
	} else {
		checkErr(t, err, "town.txt", 4, 0, "the map has more than 23 cells")
	}
	// A space may be a legend key.
	m, err = ReadASCII(strings.NewReader("r  \n  r\n"), "s.txt", map[string]string{" ": "nodata", "r": "park"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Class, []grid.Class{G, W, W, W, W, G}) {
		t.Fatalf("got %v", m.Class)
	}
}

func TestCheckLegend(t *testing.T) {
	if p := CheckLegend(testLegend, true); p != nil {
		t.Fatalf("town legend: %q", p)
	}
	if p := CheckLegend(testCodes, false); p != nil {
		t.Fatalf("codes: %q", p)
	}
	cases := []struct {
		legend map[string]string
		ascii  bool
		want   []string
	}{
		{map[string]string{"ab": "water", "c": "Water", "\x01": "park", "\xff": "park", "\u200b": "park", "\ufffd": "park"}, true, []string{
			`legend key "\x01" is the control character U+0001; a key must be a visible character (or a space)`,
			`legend key "ab" has 2 characters; a key is exactly one character of the map`,
			`legend key 'c' maps to "Water", which is not a land-use class (did you mean "water"?); use water, centre, residential, private, park, forest, industrial or nodata`,
			`legend key "\u200b" is the invisible character U+200B (zero-width space); a key must be a visible character (or a space)`,
			`legend key "�" is U+FFFD, the replacement character left by a failed text conversion; a key must be a visible character (or a space)`,
			`legend key "\xff" is not UTF-8 text; a key is exactly one character of the map`,
		}},
		{map[string]string{"1": "park", "01": "forest", "1.5": "park", "x": "water", " 2": "park", "99999999999999999999": "park", "3": "lake"}, false, []string{
			`code " 2" is not a whole number; a code is written in digits, such as "1" or "12"`,
			`codes "01" and "1" in city.codes are the same number (1); give each code once`,
			`code "1.5" is not a whole number; a code is written in digits, such as "1" or "12"`,
			`code "3" maps to "lake", which is not a land-use class; use water, centre, residential, private, park, forest, industrial or nodata`,
			`code "99999999999999999999" is too large; a code is a whole number of at most 9007199254740992 in magnitude`,
			`code "x" is not a whole number; a code is written in digits, such as "1" or "12"`,
		}},
		{nil, false, []string{"city.codes is empty; it must map each land-use code of the grid to a class"}},
	}
	for _, c := range cases {
		got := CheckLegend(c.legend, c.ascii)
		if !slices.Equal(got, c.want) {
			t.Errorf("CheckLegend(%q, %v):\n got %q\nwant %q", c.legend, c.ascii, got, c.want)
		}
	}
}

func TestErrorString(t *testing.T) {
	for _, c := range []struct {
		e    Error
		want string
	}{
		{Error{"town.txt", 3, 7, "bad"}, "town.txt line 3, column 7: bad"},
		{Error{"town.txt", 3, 0, "bad"}, "town.txt line 3: bad"},
		{Error{"town.txt", 0, 0, "bad"}, "town.txt: bad"},
		{Error{"", 2, 0, "bad"}, "line 2: bad"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

const ascHeader = "ncols 4\nnrows 3\nxllcorner 411000\nyllcorner 6176000\ncellsize 50\nNODATA_value -9999\n"

func TestReadASCBad(t *testing.T) {
	cases := []struct {
		name, in  string
		codes     map[string]string
		line, col int
		phrase    string
	}{
		{"code not in codes", ascHeader + "1 2 3 3\n2 2 2 2\n3 3 3 9\n", nil, 9, 0,
			"row 3, column 4 has land-use code 9, which is not in city.codes (it has -1, 0, 1, 2 and 3)"},
		{"code not in codes without NODATA line", "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n7 1\n", nil, 7, 0,
			"row 2, column 1 has land-use code 7, which is not in city.codes"},
		{"code not whole", ascHeader + "1 2 3 3\n2 2.5 2 2\n3 3 3 3\n", nil, 8, 0,
			"row 2, column 2 has land-use code 2.5, which is not a whole number; the codes in city.codes are -1, 0, 1, 2 and 3"},
		{"huge code", ascHeader + "1 2 3 3\n2 1e300 2 2\n3 3 3 3\n", nil, 8, 0, "has land-use code 1e+300, which is not in city.codes"},
		{"all NODATA", ascHeader + "-9999 -9999 -9999 -9999\n-9999 -9999 -9999 -9999\n-9999 -9999 -9999 -9999\n", nil, 0, 0,
			"every cell is NODATA; a city needs at least one usable cell"},
		{"water and NODATA", ascHeader + "0 0 0 0\n-9999 -9999 -9999 -9999\n0 0 -1 0\n", nil, 0, 0,
			"every cell is water, NODATA or a code that city.codes marks nodata; a city needs at least one usable cell"},
		{"all water", ascHeader + "0 0 0 0\n0 0 0 0\n0 0 0 0\n", nil, 0, 0, "every cell is water; a city needs"},
		{"ragged (from gis)", ascHeader + "1 2 3 3\n2 2 2\n", nil, 8, 0, "row 2 has 3 values; every row must have ncols = 4"},
		{"bad value (from gis)", ascHeader + "1 2 3 3\n2 x 2 2\n", nil, 8, 3, `value "x" is not a number`},
		{"empty (from gis)", "", nil, 0, 0, "the file is empty"},
		{"binary (from gis)", "II*\x00\x08\x00", nil, 1, 1, "TIFF"},
		{"too many cells (from gis)", "ncols 100000\nnrows 100000\nxllcorner 0\nyllcorner 0\ncellsize 1\n", nil, 0, 0,
			"100000 x 100000 = 1e10 cells is more than the 1000 allowed"},
		{"one row", "ncols 3\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3\n", nil, 0, 0, "the map is 3 x 1 cells"},
		{"bad codes", ascHeader, map[string]string{"1.5": "park", "2": "park"}, 0, 0, `code "1.5" is not a whole number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			codes := c.codes
			if codes == nil {
				codes = testCodes
			}
			m, err := ReadASC(strings.NewReader(c.in), "map.asc", codes, 1000)
			if m != nil {
				t.Fatalf("returned a map with the error")
			}
			checkErr(t, err, "map.asc", c.line, c.col, c.phrase)
		})
	}
	// An endless grid stops at gis's bounds.
	r := &repeatReader{prefix: []byte(ascHeader + "1 2 3 3\n1 2 3 3\n1 2 3 3\n"), pattern: []byte("1 2 3 3\n")}
	_, err := ReadASC(r, "map.asc", testCodes, 1000)
	checkErr(t, err, "map.asc", 10, 0, "after the last row")
}

func TestReadASCGood(t *testing.T) {
	in := "ncols 4\nnrows 3\nxllcenter 411025\nyllcenter 6176025\ncellsize 50\nNODATA_value -9999\n" +
		"1 2 -9999 0\n" +
		"2\t2 3 -1\r\n" +
		"3 0 0 1.0\n\n"
	m, err := ReadASC(strings.NewReader(in), "map.asc", testCodes, 12)
	if err != nil {
		t.Fatal(err)
	}
	want := []grid.Class{
		grid.Centre, grid.Residential, grid.Water, grid.Water,
		grid.Residential, grid.Residential, grid.Private, grid.Water,
		grid.Private, grid.Water, grid.Water, grid.Centre,
	}
	if m.W != 4 || m.H != 3 || !slices.Equal(m.Class, want) {
		t.Fatalf("got %d x %d %v; want 4 x 3 %v", m.W, m.H, m.Class, want)
	}
	if !m.HasGeo || m.OriginX != 411000 || m.OriginY != 6176000 || m.CellSize != 50 {
		t.Fatalf("geo: %+v", m)
	}
}

func TestReadLayer(t *testing.T) {
	m, err := ReadASC(strings.NewReader(ascHeader+"1 2 3 3\n2 2 2 2\n3 3 3 0\n"), "map.asc", testCodes, 100)
	if err != nil {
		t.Fatal(err)
	}
	// Round trip: values written by gis.WriteASC come back as float32, NODATA as 0.
	vals := []float64{0, 0.25, 1e6, 3, -9999, 2.5, 1, 0, 0.125, 1e-3, 999999.5, 7}
	var buf bytes.Buffer
	if err := gis.WriteASC(&buf, &gis.Raster{NCols: 4, NRows: 3, XLL: 411000 + 1e-5, YLL: 6176000, CellSize: 50,
		NoData: -9999, HasNoData: true, Values: vals}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLayer(&buf, "demand.asc", "demand", m, 0, 1e6, false, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if v == -9999 {
			v = 0
		}
		if got[i] != float32(v) {
			t.Fatalf("cell %d: got %v, want %v", i, got[i], v)
		}
	}
	// A text map has no coordinates: the layer's are not checked.
	tm, err := ReadASCII(strings.NewReader("rrrr\nrrrr\nrrrr\n"), "town.txt", testLegend, 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLayer(strings.NewReader("ncols 4\nnrows 3\nxllcorner 5\nyllcorner 7\ncellsize 3\n0 0.5 0.5 0\n0 0 0 0\n0.999 0 0 0\n"),
		"cover.asc", "cover", tm, 0, 1, true, 100); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, in   string
		layer      string
		lo, hi     float64
		exclusive  bool
		line, col  int
		phrase     string
		againstTxt bool
	}{
		{"wrong size", "ncols 3\nnrows 3\nxllcorner 411000\nyllcorner 6176000\ncellsize 50\n1 1 1\n1 1 1\n1 1 1\n", "demand", 0, 1e6, false, 0, 0,
			"the demand layer is 3 x 3 cells, but the land-use map is 4 x 3; a layer has one value for each cell of the map", false},
		{"wrong size against a text map", "ncols 4\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 1 1 1\n1 1 1 1\n", "cover", 0, 1, true, 0, 0,
			"the cover layer is 4 x 2 cells, but the land-use map is 4 x 3", true},
		{"origin mismatch", "ncols 4\nnrows 3\nxllcorner 411050\nyllcorner 6176000\ncellsize 50\n1 1 1 1\n1 1 1 1\n1 1 1 1\n", "demand", 0, 1e6, false, 0, 0,
			"the demand layer's lower-left corner is (411050, 6176000), but the land-use map's is (411000, 6176000)", false},
		{"origin off by a little", "ncols 4\nnrows 3\nxllcorner 411000\nyllcorner 6176000.001\ncellsize 50\n1 1 1 1\n1 1 1 1\n1 1 1 1\n", "demand", 0, 1e6, false, 0, 0,
			"lower-left corner is (411000, 6176000.001)", false},
		{"cell size mismatch", "ncols 4\nnrows 3\nxllcorner 411000\nyllcorner 6176000\ncellsize 100\n1 1 1 1\n1 1 1 1\n1 1 1 1\n", "demand", 0, 1e6, false, 0, 0,
			"the demand layer's cell size is 100, but the land-use map's is 50", false},
		{"cover 1.5", ascHeader + "0 0 0 0\n0 0.5 1.5 0\n0 0 0 0\n", "cover", 0, 1, true, 8, 0,
			"row 2, column 3 has cover 1.5; cover must be at least 0 and less than 1", false},
		{"cover 1", ascHeader + "0 0 0 0\n0 0 0 0\n0 0 0 1\n", "cover", 0, 1, true, 9, 0,
			"row 3, column 4 has cover 1; cover must be at least 0 and less than 1", false},
		{"negative demand", "ncols 4\nnrows 3\nxllcorner 411000\nyllcorner 6176000\ncellsize 50\n0 -0.5 0 0\n0 0 0 0\n0 0 0 0\n", "demand", 0, 1e6, false, 6, 0,
			"row 1, column 2 has demand -0.5; demand must be at least 0 and at most 1000000", false},
		{"demand too high", ascHeader + "0 0 0 0\n0 0 0 0\n0 2e6 0 0\n", "demand", 0, 1e6, false, 9, 0,
			"row 3, column 2 has demand 2000000; demand must be at least 0 and at most 1000000", false},
		{"bad value (from gis)", ascHeader + "0 0 0 0\n0 0 0 0\n0 0 nan 0\n", "demand", 0, 1e6, false, 9, 5,
			`value "nan" is not a finite number`, false},
		{"too big for float32", ascHeader + "0 0 0 0\n0 0 0 0\n0 0 1e39 0\n", "weight", 0, math.Inf(1), false, 9, 0,
			"row 3, column 3 has weight 1e+39", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			against := m
			if c.againstTxt {
				against = tm
			}
			got, err := ReadLayer(strings.NewReader(c.in), c.layer+".asc", c.layer, against, c.lo, c.hi, c.exclusive, 100)
			if got != nil {
				t.Fatalf("returned a layer with the error")
			}
			checkErr(t, err, c.layer+".asc", c.line, c.col, c.phrase)
		})
	}
	_, err = ReadLayer(strings.NewReader(ascHeader), "x.asc", "demand", nil, 0, 1, false, 100)
	checkErr(t, err, "x.asc", 0, 0, "there is no land-use map to check the demand layer against")
}

// TestFromGIS: messages of gis.ReadASC keep their line, column and text,
// without the file name twice, whatever the name holds.
func TestFromGIS(t *testing.T) {
	for _, name := range []string{"map.asc", "C:\\maps\\12:3.asc", "", "a b:7:"} {
		_, gerr := gis.ReadASC(strings.NewReader(ascHeader+"1 2 3 3\n2 x 2 2\n"), name, 100)
		e := fromGIS(name, gerr)
		if e.File != name || e.Line != 8 || e.Col != 3 || e.Msg != `value "x" is not a number` {
			t.Errorf("name %q: %+v from %q", name, e, gerr)
		}
	}
	e := fromGIS("m.asc", io.ErrUnexpectedEOF)
	if e.Msg != io.ErrUnexpectedEOF.Error() || e.Line != 0 {
		t.Errorf("%+v", e)
	}
}

// TestReadASCHeaderRanges: a corner or cell size outside the ranges of
// city.origin_x, origin_y (-1e12 to 1e12) and cell_m (0.001 to 1e6) is
// blamed on its header line; the bounds themselves are allowed.
func TestReadASCHeaderRanges(t *testing.T) {
	header := func(xll, yll, cell string) string {
		return "ncols 2\nnrows 2\nxllcorner " + xll + "\nyllcorner " + yll + "\ncellsize " + cell + "\n"
	}
	const rows = "1 1\n1 1\n"
	for _, c := range []struct {
		name, in string
		want     string // "" for a map that reads
	}{
		{"cell size 1e300", header("0", "0", "1e300"), "map.asc line 5: cellsize 1e+300 is not allowed: a cell size from 0.001 to 1e+06 metres"},
		{"cell size 1e-9", header("0", "0", "1e-9"), "map.asc line 5: cellsize 1e-09 is not allowed: a cell size from 0.001 to 1e+06 metres"},
		{"cell size just over 1e6", header("0", "0", "1000000.001"), "map.asc line 5: cellsize 1.000000001e+06 is not allowed: ..."},
		{"x corner 1e13", header("1e13", "0", "50"), "map.asc line 3: xllcorner 1e+13 is not allowed: a coordinate of the lower-left corner from -1e+12 to 1e+12 metres"},
		{"y corner -1e13", header("0", "-1e13", "50"), "map.asc line 4: yllcorner -1e+13 is not allowed: ..."},
		{"the earliest bad line", "cellsize 1e-9\nyllcorner 2e12\nncols 2\nnrows 2\nxllcorner 0\n", "map.asc line 1: cellsize 1e-09 is not allowed: ..."},
		{"the earliest bad line, corner first", "yllcorner 2e12\ncellsize 1e-9\nncols 2\nnrows 2\nxllcorner 0\n", "map.asc line 1: yllcorner 2e+12 is not allowed: ..."},
		{"a centre whose corner is out", "ncols 2\nnrows 2\nxllcenter -1e12\nyllcorner 0\ncellsize 100\n",
			"map.asc line 3: xllcenter -1e+12 is not allowed: a coordinate of the lower-left corner from -1e+12 to 1e+12 metres (here the corner is -1.00000000005e+12, half a cell from the centre)"},
		{"the smallest cells", header("0", "0", "0.001"), ""},
		{"the largest cells", header("-1e12", "-1e12", "1e6"), ""},
		{"the farthest corner", header("1e12", "1e12", "1"), ""},
	} {
		m, err := ReadASC(strings.NewReader(c.in+rows), "map.asc", map[string]string{"1": "residential"}, 100)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || m != nil || !matchPrefix(err.Error(), c.want)):
			t.Errorf("%s:\n got %v\nwant %s", c.name, err, c.want)
		}
	}
}

// matchPrefix is got == want, or for a want ending in "...", got starting
// with the rest of want.
func matchPrefix(got, want string) bool {
	if w, ok := strings.CutSuffix(want, "..."); ok {
		return strings.HasPrefix(got, w)
	}
	return got == want
}
