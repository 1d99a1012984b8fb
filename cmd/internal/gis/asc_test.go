package gis

import (
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
)

// sameRaster compares every field, floats by their bits (so -0 != 0).
func sameRaster(a, b *Raster) bool {
	same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	if a.NCols != b.NCols || a.NRows != b.NRows || !same(a.XLL, b.XLL) || !same(a.YLL, b.YLL) ||
		!same(a.CellSize, b.CellSize) || a.HasNoData != b.HasNoData || !same(a.NoData, b.NoData) ||
		len(a.Values) != len(b.Values) {
		return false
	}
	for i := range a.Values {
		if !same(a.Values[i], b.Values[i]) {
			return false
		}
	}
	return true
}

func TestASCRoundTrip(t *testing.T) {
	r := &Raster{
		NCols: 4, NRows: 3, XLL: 500000.5, YLL: -4000000, CellSize: 12.5,
		NoData: -9999, HasNoData: true,
		Values: []float64{
			1, 2.5, -9999, 0.1,
			1.0 / 3, math.Copysign(0, -1), 1e-300, 123456789012,
			1e25, -1.5e-7, math.MaxFloat64, -9999,
		},
	}
	var buf bytes.Buffer
	if err := WriteASC(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := "ncols 4\nnrows 3\nxllcorner 500000.5\nyllcorner -4000000\ncellsize 12.5\nNODATA_value -9999\n" +
		"1 2.5 -9999 0.1\n" +
		"0.3333333333333333 -0 1e-300 123456789012\n" +
		"1e+25 -1.5e-07 1.7976931348623157e+308 -9999\n"
	if buf.String() != want {
		t.Fatalf("WriteASC wrote\n%s\nwant\n%s", buf.String(), want)
	}
	got, err := ReadASC(&buf, "rt.asc", 100)
	if err != nil {
		t.Fatal(err)
	}
	if !sameRaster(got, r) {
		t.Fatalf("round trip: got %+v, want %+v", got, r)
	}

	// Without NODATA_value: no header line, and none read back.
	r2 := &Raster{NCols: 2, NRows: 1, CellSize: 1, Values: []float64{7, 8.25}}
	buf.Reset()
	if err := WriteASC(&buf, r2); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(buf.String()), "nodata") {
		t.Fatalf("NODATA_value written for a raster without one:\n%s", buf.String())
	}
	got, err = ReadASC(&buf, "rt2.asc", 100)
	if err != nil {
		t.Fatal(err)
	}
	if !sameRaster(got, r2) {
		t.Fatalf("round trip without NODATA: got %+v, want %+v", got, r2)
	}
}

func TestReadASCCenter(t *testing.T) {
	// ESRI keys in upper case, in another order, CRLF line ends, tabs and
	// repeated spaces between values, NODATA_value in the middle, trailing
	// blank lines.
	in := "NCOLS 3\r\nNROWS 2\r\nNODATA_value -1\r\nXLLCENTER 500050\r\nCELLSIZE 100\r\nYLLCENTER 4000025.5\r\n" +
		"1\t2   3\r\n  -1 5.5 6 \r\n\r\n\n"
	r, err := ReadASC(strings.NewReader(in), "center.asc", 6)
	if err != nil {
		t.Fatal(err)
	}
	want := &Raster{NCols: 3, NRows: 2, XLL: 500000, YLL: 3999975.5, CellSize: 100, NoData: -1, HasNoData: true,
		Values: []float64{1, 2, 3, -1, 5.5, 6}}
	if !sameRaster(r, want) {
		t.Fatalf("got %+v, want %+v", r, want)
	}
}

func TestReadASCAccepts(t *testing.T) {
	for _, in := range []string{
		"\xef\xbb\xbfncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n5\n", // byte order mark
		"ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n5",               // no final newline
		"cellsize 1\nyllcorner 0\nxllcorner 0\nnrows 1\nncols 1\n5\n",             // any order
		"ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\nnodata_value -9999\n-9999\n",
	} {
		r, err := ReadASC(strings.NewReader(in), "ok.asc", 1)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if len(r.Values) != 1 {
			t.Errorf("%q: %d values", in, len(r.Values))
		}
	}
}

func TestReadASCErrors(t *testing.T) {
	const hdr = "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 10\n" // 5 lines; data from line 6
	cases := []struct {
		name, in string
		where    string // "map.asc:LINE" or "map.asc:LINE:COL", or "map.asc" for the whole file
		phrase   string
	}{
		{"empty file", "", "map.asc", "the file is empty; an ESRI ASCII grid starts with ncols, nrows"},
		{"missing key before data", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\n1 2 3\n4 5 6\n", "map.asc:5",
			"the header has no cellsize; this line looks like data"},
		{"missing keys at end of file", "ncols 3\nxllcorner 0\n", "map.asc:3",
			"ends inside the header, which has no nrows, yllcorner (or yllcenter) and cellsize"},
		{"duplicate key", "ncols 3\nnrows 2\nNCOLS 3\n", "map.asc:3", "ncols appears a second time (first on line 1)"},
		{"corner and center", "ncols 3\nnrows 2\nxllcorner 0\nxllcenter 5\n", "map.asc:4",
			"xllcenter appears, but xllcorner was already given on line 3; give one of them"},
		{"bad number in header", "ncols 3\nnrows 2\nxllcorner abc\n", "map.asc:3", `xllcorner = "abc" is not a number`},
		{"infinite corner", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner -Inf\n", "map.asc:4", `yllcorner = "-Inf" is not a finite number`},
		{"ncols 0", "ncols 0\n", "map.asc:1", `ncols = "0" is not allowed; ncols must be a whole number of at least 1`},
		{"nrows not whole", "ncols 3\nnrows 2.5\n", "map.asc:2", `nrows = "2.5" is not a whole number; nrows must be a whole number of at least 1`},
		{"cellsize 0", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 0\n", "map.asc:5",
			`cellsize = "0" is not allowed; cellsize must be a positive finite number`},
		{"key without value", "ncols\n", "map.asc:1", "ncols has no value"},
		{"key with two values", "ncols 3 4\n", "map.asc:1", `ncols has 2 values ("3 4"); it takes one`},
		{"unknown first key", "ncol 3\n", "map.asc:1",
			`the header must start with ncols, nrows, xllcorner or xllcenter, yllcorner or yllcenter, cellsize and optionally NODATA_value; found "ncol"`},
		{"unknown key", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 10\nnodata -9999\n", "map.asc:6",
			`unknown header key "nodata"; the header holds ncols, nrows`},
		{"key after a full header", "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value 0\nncols 3\n", "map.asc:7",
			"ncols comes after the header is complete"},
		{"blank line in header", "ncols 3\n\nnrows 2\n", "map.asc:2", "the line is blank, but the header is not complete"},
		{"ragged row", hdr + "1 2 3\n4 5\n", "map.asc:7", "row 2 has 2 values; every row must have ncols = 3"},
		{"long row", hdr + "1 2 3 4\n4 5 6\n", "map.asc:6", "row 1 has 4 values; every row must have ncols = 3"},
		{"row split over lines", hdr + "1 2\n3\n4 5 6\n", "map.asc:6", "row 1 has 2 values"},
		{"too few rows", hdr + "1 2 3\n", "map.asc:7", "the file ends after 1 of the nrows = 2 rows"},
		{"too few rows, no final newline", hdr + "1 2 3", "map.asc:6", "the file ends after 1 of the nrows = 2 rows"},
		{"header only", hdr, "map.asc:6", "the file ends after 0 of the nrows = 2 rows"},
		{"too many rows", hdr + "1 2 3\n4 5 6\n7 8 9\n", "map.asc:8", `found "7 8 9" after the last row (nrows = 2)`},
		{"text after blank lines", hdr + "1 2 3\n4 5 6\n\n\nend\n", "map.asc:10", `found "end" after the last row`},
		{"blank line between rows", hdr + "1 2 3\n\n4 5 6\n", "map.asc:7", "the line is blank where row 2 of the nrows = 2 rows should be"},
		{"bad value with column", hdr + "1 2 3\n4 5 x1\n", "map.asc:7:5", `value "x1" is not a number`},
		{"hexadecimal value", hdr + "1 0x10 3\n4 5 6\n", "map.asc:6:3", `value "0x10" is not a number`},
		{"decimal comma", hdr + "1 2,5 3\n4 5 6\n", "map.asc:6:3", `value "2,5" is not a number (the decimal separator is a point`},
		{"NaN value", hdr + "1 2 3\n4\tNaN 6\n", "map.asc:7:3", `value "NaN" is not a finite number; mark missing cells with NODATA_value`},
		{"Inf value", hdr + "  inf 2 3\n4 5 6\n", "map.asc:6:3", `value "inf" is not a finite number`},
		{"huge value", hdr + "1 2 1e999\n4 5 6\n", "map.asc:6:5", `value "1e999" is too large for a 64-bit number`},
		{"too many cells", "ncols 4000000\nnrows 4000000\nxllcorner 0\nyllcorner 0\ncellsize 1\n", "map.asc",
			"4000000 x 4000000 = 1.6e13 cells is more than the 25000000 allowed"},
		{"extent overflows", "ncols 10\nnrows 1\nxllcorner 1e308\nyllcorner 0\ncellsize 1e308\n", "map.asc",
			"upper-right corner (lower-left corner + 10 x 1 cells of 1e+308) is beyond the range of 64-bit numbers"},
		{"NUL bytes", "\x00\x00\x00\x01\x02junk", "map.asc:1:1", "NUL byte; it looks binary"},
		{"NUL after header", "ncols 1\nnr\x00ows 1\n", "map.asc:2:3", "NUL byte"},
		{"invalid UTF-8", "\xff\xfe\xfd", "map.asc:1:1", "byte 0xff is not UTF-8 text"},
		{"GeoTIFF", "II*\x00\x08\x00\x00\x00rest", "map.asc:1:1", "the file is a TIFF or GeoTIFF image, not an ESRI ASCII grid"},
		{"invalid UTF-8 in data", hdr + "1 2 3\n4 5 \xc36\n", "map.asc:7:5", "byte 0xc3 is not UTF-8 text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := ReadASC(strings.NewReader(c.in), "map.asc", 25_000_000)
			if err == nil {
				t.Fatalf("accepted: %+v", r)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.where+": ") {
				t.Errorf("error %q does not start with %q", msg, c.where+": ")
			}
			if !strings.Contains(msg, c.phrase) {
				t.Errorf("error %q does not say %q", msg, c.phrase)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error %q is more than one line", msg)
			}
		})
	}
	if len(cases) < 12 {
		t.Fatal("too few cases")
	}
}

// endless yields "1 " forever and counts what it gave.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = "1 "[i%2]
	}
	e.n += len(p)
	return len(p), nil
}

func TestReadASCTooManyCellsFailsFast(t *testing.T) {
	hdr := "ncols 1000000\nnrows 1000000\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n"
	data := &endless{}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := ReadASC(io.MultiReader(strings.NewReader(hdr), data), "big.asc", 25e6)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	want := "big.asc: 1000000 x 1000000 = 1e12 cells is more than the 25000000 allowed"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("ReadASC allocated %d bytes before refusing", alloc)
	}
	if data.n > 64<<10 {
		t.Errorf("ReadASC read %d bytes of data before refusing", data.n)
	}
	if elapsed > time.Second {
		t.Errorf("ReadASC took %v to refuse", elapsed)
	}
}

func TestReadASCGrowsWithTheFile(t *testing.T) {
	// A header that promises 25e6 cells over a file of 2 rows allocates for
	// what is there, not for the promise.
	in := "ncols 5000\nnrows 5000\nxllcorner 0\nyllcorner 0\ncellsize 1\n" +
		strings.Repeat("1 ", 4999) + "1\n" + strings.Repeat("2 ", 4999) + "2\n"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadASC(strings.NewReader(in), "short.asc", 25e6)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.HasPrefix(err.Error(), "short.asc:8: the file ends after 2 of the nrows = 5000 rows") {
		t.Fatalf("got %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("ReadASC allocated %d bytes for a file of 10000 values", alloc)
	}
}

func TestReadASCLongLine(t *testing.T) {
	hdr := "ncols 1\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n"
	in := io.MultiReader(strings.NewReader(hdr), io.LimitReader(&endless{}, maxLineBytes+10))
	_, err := ReadASC(in, "long.asc", 10)
	if err == nil || err.Error() != "long.asc:6: the line is longer than 16 MiB; an ESRI ASCII grid holds one row of numbers per line" {
		t.Fatalf("got %v", err)
	}
}

type failWriter struct{ left int }

var errDiskFull = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n := f.left
		f.left = 0
		return n, errDiskFull
	}
	f.left -= len(p)
	return len(p), nil
}

func TestWriteASCErrors(t *testing.T) {
	ok := func() *Raster {
		return &Raster{NCols: 2, NRows: 2, CellSize: 1, Values: []float64{1, 2, 3, 4}}
	}
	cases := []struct {
		name   string
		edit   func(r *Raster)
		phrase string
	}{
		{"no columns", func(r *Raster) { r.NCols = 0 }, "NCols and NRows must be at least 1"},
		{"too few values", func(r *Raster) { r.Values = r.Values[:3] }, "the raster has 3 values; NCols x NRows = 2 x 2 needs 4"},
		{"zero cell size", func(r *Raster) { r.CellSize = 0 }, "CellSize = 0; it must be a positive finite number"},
		{"NaN corner", func(r *Raster) { r.YLL = math.NaN() }, "lower-left corner (0, NaN)"},
		{"infinite NoData", func(r *Raster) { r.NoData, r.HasNoData = math.Inf(-1), true }, "NoData = -Inf"},
		{"NaN value", func(r *Raster) { r.Values[3] = math.NaN() }, "the value at row 2, column 2 (from 1, top row first) is NaN"},
	}
	for _, c := range cases {
		r := ok()
		c.edit(r)
		var buf bytes.Buffer
		err := WriteASC(&buf, r)
		if err == nil || !strings.Contains(err.Error(), c.phrase) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.phrase)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before refusing", c.name, buf.Len())
		}
	}
	if err := WriteASC(io.Discard, nil); err == nil {
		t.Error("nil raster accepted")
	}

	// A failing writer: the first write error comes back.
	big := &Raster{NCols: 1000, NRows: 1000, CellSize: 1, Values: make([]float64, 1e6)}
	if err := WriteASC(&failWriter{left: 100_000}, big); !errors.Is(err, errDiskFull) {
		t.Fatalf("got %v, want %v", err, errDiskFull)
	}
}

func BenchmarkWriteASC(b *testing.B) {
	r := benchRaster()
	for b.Loop() {
		if err := WriteASC(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadASC(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteASC(&buf, benchRaster()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ReadASC(bytes.NewReader(buf.Bytes()), "bench.asc", 1e6); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRaster is 1000 x 1000 cells, a third whole numbers, a third
// NODATA, a third fractions.
func benchRaster() *Raster {
	r := &Raster{NCols: 1000, NRows: 1000, CellSize: 100, XLL: 500000, YLL: 4e6, NoData: -9999, HasNoData: true,
		Values: make([]float64, 1e6)}
	for i := range r.Values {
		switch i % 3 {
		case 0:
			r.Values[i] = float64(i % 97)
		case 1:
			r.Values[i] = -9999
		default:
			r.Values[i] = float64(i%1013) * 0.0137
		}
	}
	return r
}
