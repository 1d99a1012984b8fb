package output

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// Each mechanism of CSVToParquet was broken once on purpose and the test
// that caught it is named here, so that a test changed later still
// guards its mechanism:
//   - nulls written as 0, or empty strings as nulls: Schema (and RoundTrip
//     for the first);
//   - columns in the order of their names (a parquet.Group): RoundTrip,
//     Schema;
//   - writing under the final name, or not removing the temporary file of
//     a failed conversion: BadCells, BadTables;
//   - one row group for the whole table: MemoryDoesNotGrowWithRows,
//     Schema, RowGroupBytes; no bound on a row group's bytes: RowGroupBytes;
//   - a bad cell's line counted as records, not lines; overflow called
//     "not a number": BadCells;
//   - reusing the string cells' buffer before the writer has them, or
//     ReadParquetRows formatting floats otherwise than the CSV: RoundTrip.

// sweepHeader is a runs.csv-like table whose columns are not in the order
// of their names, so that a schema sorted by name would show.
var sweepHeader = []string{"run", "design", "seed", "wdq", "arrests", "note", "area"}

func sweepKinds(col string) ColumnKind {
	switch col {
	case "run", "seed", "arrests":
		return KindInt
	case "wdq", "area":
		return KindFloat
	}
	return KindString
}

// sweepRow is row i of a table of the sweep header: strings with commas,
// quotes, newlines and non-ASCII letters, empty strings, integers and
// floats of every size and sign, nulls in the number columns, NaN and
// infinities.
func sweepRow(rng *rand.Rand, i int) []string {
	notes := []string{"", "plain", "with, comma", "with \"quotes\"", "two\nlines", "Zürich ☂", " padded "}
	floats := []string{"0", "-0", "1", "0.1", "-2.5e-300", "1.7976931348623157e+308", "5e-324", "NaN", "+Inf", "-Inf", "123456.789"}
	row := []string{
		strconv.Itoa(i),
		"d" + strconv.Itoa(i%17),
		strconv.FormatInt(rng.Int64()-math.MaxInt64/2, 10),
		strconv.FormatFloat(rng.NormFloat64()*1e3, 'g', -1, 64),
		strconv.Itoa(rng.IntN(1000) - 10),
		notes[i%len(notes)],
		floats[i%len(floats)],
	}
	switch i % 11 {
	case 3:
		row[2], row[4] = "", "" // null integers
	case 5:
		row[3] = "" // a null float
	case 7:
		row[6] = ""
	}
	if i == 1 {
		row[2], row[4] = strconv.FormatInt(math.MaxInt64, 10), strconv.FormatInt(math.MinInt64, 10)
	}
	return row
}

// writeCSV writes header and n rows of row(i) to dir/name as the CSV
// writers of the package do.
func writeCSV(t testing.TB, dir, name string, header []string, n int, row func(i int) []string) {
	t.Helper()
	err := WriteFile(dir, name, func(b *bufio.Writer) error {
		w := csv.NewWriter(b)
		w.Write(header)
		for i := range n {
			w.Write(row(i))
		}
		w.Flush()
		return w.Error()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readCSV reads a whole CSV file.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

const roundTripRows = 200_000

func sweepTable(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	writeCSV(t, dir, "runs.csv", sweepHeader, roundTripRows, func(i int) []string { return sweepRow(rng, i) })
	if err := CSVToParquet(dir, "runs.csv", "runs.parquet", sweepKinds); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCSVToParquetRoundTrip: every cell of a table of 200,000 rows (four
// row groups) reads back from the Parquet file as it is in the CSV.
func TestCSVToParquetRoundTrip(t *testing.T) {
	dir := sweepTable(t)
	want := readCSV(t, filepath.Join(dir, "runs.csv"))
	header, rows, err := ReadParquetRows(filepath.Join(dir, "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(header, want[0]) {
		t.Fatalf("header %v, want %v", header, want[0])
	}
	if len(rows) != len(want)-1 {
		t.Fatalf("%d rows, want %d", len(rows), len(want)-1)
	}
	bad := 0
	for i, row := range rows {
		for c := range row {
			if row[c] != want[i+1][c] && bad < 10 {
				t.Errorf("row %d, column %s: %q, want %q", i, header[c], row[c], want[i+1][c])
				bad++
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the directory holds %v, want runs.csv and runs.parquet only", entries)
	}
}

// TestCSVToParquetEdgeTables: a table of a header only, and one of one
// string column, round-trip too.
func TestCSVToParquetEdgeTables(t *testing.T) {
	for _, tc := range []struct {
		name string
		csv  string
	}{
		{"header only", "day,metric,value\n"},
		{"one column", "metric\norders\n\nstock\n"},
		{"all null", "day,value\n,\n,\n"},
	} {
		dir := t.TempDir()
		tree(t, dir, map[string]string{"t.csv": tc.csv})
		kinds := func(col string) ColumnKind {
			return map[string]ColumnKind{"day": KindInt, "value": KindFloat}[col]
		}
		if err := CSVToParquet(dir, "t.csv", "t.parquet", kinds); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		want := readCSV(t, filepath.Join(dir, "t.csv"))
		header, rows, err := ReadParquetRows(filepath.Join(dir, "t.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		got := append([][]string{header}, rows...)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s: %q, want %q", tc.name, got, want)
		}
	}
}

// TestCSVToParquetSchema reads the file as another program would, through
// the file's own schema and its metadata rather than ReadParquetRows: the
// columns are in the CSV's order, of the physical and logical types said,
// the number columns optional and the strings required, compressed, the
// table cut into row groups; an empty number cell is a null (counted as
// one in the statistics, a nil when read into a struct by name), never 0.
func TestCSVToParquetSchema(t *testing.T) {
	dir := sweepTable(t)
	f, err := os.Open(filepath.Join(dir, "runs.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name     string
		physical format.Type
		optional bool
	}{
		{"run", format.Int64, true},
		{"design", format.ByteArray, false},
		{"seed", format.Int64, true},
		{"wdq", format.Double, true},
		{"arrests", format.Int64, true},
		{"note", format.ByteArray, false},
		{"area", format.Double, true},
	}
	// The schema elements of the footer, as any reader sees them: the root,
	// then the columns in order.
	md := pf.Metadata()
	if len(md.Schema) != len(want)+1 {
		t.Fatalf("%d schema elements, want %d", len(md.Schema), len(want)+1)
	}
	for c, w := range want {
		el := md.Schema[c+1]
		if typ, ok := el.Type.Get(); el.Name != w.name || !ok || typ != w.physical {
			t.Errorf("column %d is %s of %v, want %s of %v", c, el.Name, typ, w.name, w.physical)
		}
		if rep, ok := el.RepetitionType.Get(); !ok || (rep == format.Optional) != w.optional || rep == format.Repeated {
			t.Errorf("column %s: repetition %v, want optional=%v", w.name, rep, w.optional)
		}
		if _, isString := el.LogicalType.Value.(*format.StringType); isString != (w.physical == format.ByteArray) {
			t.Errorf("column %s: logical type %v", w.name, el.LogicalType)
		}
	}
	if md.NumRows != roundTripRows {
		t.Errorf("%d rows, want %d", md.NumRows, roundTripRows)
	}
	if len(md.RowGroups) < 2 {
		t.Errorf("%d row groups; a table of %d rows should cross row groups", len(md.RowGroups), roundTripRows)
	}
	// Nulls: the statistics count them, and match the CSV's empty cells.
	recs := readCSV(t, filepath.Join(dir, "runs.csv"))[1:]
	for c, w := range want {
		var empty, nulls int64
		for _, r := range recs {
			if r[c] == "" && w.optional {
				empty++
			}
		}
		for _, rg := range md.RowGroups {
			cc := rg.Columns[c].MetaData
			if cc.Codec != format.Snappy {
				t.Fatalf("column %s is compressed with %v, want SNAPPY", w.name, cc.Codec)
			}
			nulls += cc.Statistics.NullCount
		}
		if nulls != empty {
			t.Errorf("column %s: %d nulls, but the CSV has %d empty cells", w.name, nulls, empty)
		}
	}
	// Read by column name into a struct, as a user's program would.
	type run struct {
		Note    string   `parquet:"note"`
		Arrests *int64   `parquet:"arrests"`
		WDQ     *float64 `parquet:"wdq"`
		Run     *int64   `parquet:"run"`
	}
	r := parquet.NewGenericReader[run](pf)
	defer r.Close()
	buf := make([]run, 1000)
	n, err := r.Read(buf)
	if n != len(buf) {
		t.Fatalf("read %d runs: %v", n, err)
	}
	for i, got := range buf {
		rec := recs[i]
		if got.Run == nil || strconv.FormatInt(*got.Run, 10) != rec[0] || got.Note != rec[5] {
			t.Fatalf("run %d read as %+v, want %q", i, got, rec)
		}
		if (got.Arrests == nil) != (rec[4] == "") || (got.WDQ == nil) != (rec[3] == "") {
			t.Fatalf("run %d: arrests %s, wdq %s for the cells %q, %q: an empty cell reads as null, and only an empty cell", i, orNull(got.Arrests), orNull(got.WDQ), rec[4], rec[3])
		}
	}
}

func orNull[T any](p *T) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// TestCSVToParquetRowGroupBytes: a row group ends at about 32 MiB of
// cells however few its rows: here 1,024 rows of 32 KiB strings.
func TestCSVToParquetRowGroupBytes(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("0123456789abcdef", 32<<10/16-1) // 8 bytes counted for each cell besides its text
	writeCSV(t, dir, "wide.csv", []string{"run", "text"}, 1500, func(i int) []string {
		return []string{strconv.Itoa(i), long}
	})
	if err := CSVToParquet(dir, "wide.csv", "wide.parquet", sweepKinds); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "wide.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	pf, err := parquet.OpenFile(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	var groups []int64
	for _, rg := range pf.Metadata().RowGroups {
		groups = append(groups, rg.NumRows)
	}
	if !slices.Equal(groups, []int64{1024, 476}) {
		t.Errorf("row groups of %v rows, want [1024 476]", groups)
	}
}

// TestCSVToParquetBadCells: a cell that is not of its column's kind stops
// the conversion with a sentence naming the file, the line, the column and
// the value, and leaves no Parquet file, not even under a temporary name;
// an earlier file of the same name is left as it was. The bad cell comes
// after the first row group was written, so the temporary file holds data.
func TestCSVToParquetBadCells(t *testing.T) {
	const before = 70_000 // rows before the bad one: more than a row group
	for _, tc := range []struct {
		col, cell, want string
	}{
		{"seed", "12x", `"12x" is not a whole number; the column holds integers, or an empty cell for none`},
		{"arrests", "1.5", `1.5 is not a whole number; the column holds integers, or an empty cell for none`},
		{"arrests", "99999999999999999999", `99999999999999999999 is beyond the range of a 64-bit integer; the column holds integers, or an empty cell for none`},
		{"wdq", "abc", `"abc" is not a number; the column holds floats, or an empty cell for none`},
		{"area", "1e999", `1e999 is beyond the range of a 64-bit float; the column holds floats, or an empty cell for none`},
		{"wdq", " ", `" " is not a number; the column holds floats, or an empty cell for none`},
	} {
		dir := t.TempDir()
		rng := rand.New(rand.NewPCG(3, 4))
		col := slices.Index(sweepHeader, tc.col)
		writeCSV(t, dir, "runs.csv", sweepHeader, before+1, func(i int) []string {
			row := sweepRow(rng, i)
			if i == before {
				row[col] = tc.cell
			}
			return row
		})
		// The line of the bad row: the header, then one line per row,
		// and one more for each note of two lines.
		line := 2 + before
		for i := range before {
			if i%7 == 4 {
				line++
			}
		}
		earlier := "an earlier runs.parquet"
		tree(t, dir, map[string]string{"runs.parquet": earlier})
		path := filepath.Join(dir, "runs.csv")
		err := CSVToParquet(dir, "runs.csv", "runs.parquet", sweepKinds)
		want := fmt.Sprintf("%s line %d, column %d (%s): %s", path, line, col+1, tc.col, tc.want)
		if err == nil || err.Error() != want {
			t.Errorf("error\n%v\nwant\n%s", err, want)
		}
		if !errors.Is(err, ErrBadTable) {
			t.Errorf("%v is not ErrBadTable", err)
		}
		got := contents(t, dir)
		if len(got) != 2 || got["runs.parquet"] != earlier {
			t.Errorf("after a failed conversion the directory holds %v, want runs.csv and the earlier runs.parquet", keys(got))
		}
	}
}

// TestCSVToParquetBadTables: a table that is not CSV of one header is
// refused with the package's sentences, and leaves nothing.
func TestCSVToParquetBadTables(t *testing.T) {
	for _, tc := range []struct{ csv, want string }{
		{"", "%s is empty: it should start with a header line"},
		{"day,value\n1,2\n3\n", "%s line 3 has 1 fields, but the header has 2 (day,value): every line has one value for each"},
		{"day,day\n1,2\n", `%s line 1: columns 1 and 2 are both named "day"; a Parquet file names each column once`},
		{"day,\n1,2\n", `%s line 1, column 2: "" is not a column name (a name is not empty and has no comma)`},
	} {
		dir := t.TempDir()
		tree(t, dir, map[string]string{"t.csv": tc.csv})
		err := CSVToParquet(dir, "t.csv", "t.parquet", func(string) ColumnKind { return KindInt })
		if want := fmt.Sprintf(tc.want, filepath.Join(dir, "t.csv")); err == nil || err.Error() != want {
			t.Errorf("error\n%v\nwant\n%s", err, want)
		}
		if got := contents(t, dir); len(got) != 1 {
			t.Errorf("after a failed conversion the directory holds %v", keys(got))
		}
	}
	if err := CSVToParquet(t.TempDir(), "missing.csv", "t.parquet", sweepKinds); err == nil {
		t.Error("a missing table converted")
	}
}

// peakHeap converts a daily table of n rows and returns the largest live
// heap seen while it converts, and the size of the Parquet file. The live
// heap is what the collector found live at the end of its last cycle,
// sampled every half millisecond, with a cycle at every 10% of growth.
// (The bytes of heap objects, garbage included, depend on how far the
// collector lags behind, as it does on a loaded machine; what it marks
// live does not.)
func peakHeap(t *testing.T, dir string, n int) (peak uint64, size int64) {
	t.Helper()
	name := fmt.Sprintf("daily%d.csv", n)
	metricNames := []string{"orders", "drops_placed", "drops_seized", "arrests_stasher", "wdq", "stock"}
	rng := rand.New(rand.NewPCG(5, 6))
	writeCSV(t, dir, name, []string{"run", "day", "metric", "value"}, n, func(i int) []string {
		return []string{strconv.Itoa(i / 6000), strconv.Itoa(i / 6 % 1000), metricNames[i%6], strconv.FormatFloat(rng.ExpFloat64()*100, 'g', -1, 64)}
	})
	kinds := func(col string) ColumnKind {
		return map[string]ColumnKind{"run": KindInt, "day": KindInt, "value": KindFloat}[col]
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	stop, done := make(chan struct{}), make(chan struct{})
	runtime.GC()
	go func() {
		defer close(done)
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	err := CSVToParquet(dir, name, name+".parquet", kinds)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, name+".parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return peak, fi.Size()
}

// TestCSVToParquetMemoryDoesNotGrowWithRows: converting 400,000 rows
// takes hardly more live heap than converting 100,000. A conversion that
// held its rows, or all of them in one row group (whose pages parquet-go
// keeps in memory until the group is flushed), would hold at least the
// 300,000 more rows' encoded bytes, about what the larger file has more
// than the smaller; the test allows half that.
func TestCSVToParquetMemoryDoesNotGrowWithRows(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	dir := t.TempDir()
	// The peak of the smaller table is the larger of two conversions: a
	// longer conversion has more chances to be sampled at its peak.
	small, smallSize := peakHeap(t, dir, 100_000)
	again, _ := peakHeap(t, dir, 100_000)
	small = max(small, again)
	large, largeSize := peakHeap(t, dir, 400_000)
	t.Logf("peak live heap %.2f MB for 100,000 rows, %.2f MB for 400,000; the files are %.2f and %.2f MB",
		float64(small)/1e6, float64(large)/1e6, float64(smallSize)/1e6, float64(largeSize)/1e6)
	if allowed := uint64(largeSize-smallSize) / 2; large > small+allowed {
		t.Errorf("the peak live heap grows with the rows: %d bytes for 100,000 rows, %d for 400,000 (%d more, allowed %d)", small, large, large-small, allowed)
	}
}
