package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"dropsim/sim/metrics"
)

// TestDisplacementBadFiles: each bad counts file gets exit code 2, one
// line on stderr that names the file, the line and the column where one
// applies, and nothing on stdout, wherever in the file the problem is.
func TestDisplacementBadFiles(t *testing.T) {
	dir := t.TempDir()
	const head = "rb,ra,bb,ba,cb,ca\n"
	good := strings.Repeat("1,2,3,4,5,6\n", 1000) // rows 2 to 1001
	// Short lines of counts, 5.5 MB in all.
	shortLines := strings.Repeat("1,2,3,4,5,6\n", 480000)
	cases := []struct {
		name string
		text string // the file's contents
		path string // instead of a file of text: a path made by the test
		want []string
	}{
		{name: "empty", text: "", want: []string{"empty.csv is empty", "first line must name the columns"}},
		{name: "byte-order mark only", text: "\xef\xbb\xbf", want: []string{"is empty"}},
		{name: "blank lines only", text: "\n\n\n", want: []string{"is empty"}},
		{name: "header only", text: head, want: []string{"header-only.csv line 1 is a header with no rows of counts after it"}},
		{name: "header after blank lines only", text: "\n\n" + head, want: []string{"line 3 is a header with no rows"}},
		{name: "too few fields", text: head + "1,2,3,4,5,6\n1,2,3\n", want: []string{"line 3 has 3 fields, too few for the 6 columns of the header (line 1)"}},
		{name: "too many fields", text: head + "1,2,3,4,5,6,7\n", want: []string{"line 2 has 7 fields, too many for the 6 columns"}},
		{name: "unclosed quote", text: head + "1,2,3,4,\"5,6\n1,2,3,4,5,6\n", want: []string{"line 2: the quoted field that starts on this line is still not closed properly at line 3", `must end with a quote (")`}},
		// Byte 11 of 1,2,3,4,"5"x,6 is the quote that x follows.
		{name: "text after a closing quote", text: head + "1,2,3,4,\"5\"x,6\n", want: []string{"line 2, byte 11: the quoted field is not closed properly", `written twice ("")`}},
		{name: "bare quote", text: head + "1,2,3,4,5\"x,6\n", want: []string{"line 2, byte 10: a field that does not start with a quote (\") has one inside it"}},
		{name: "duplicate column", text: "rb,ra,bb,ba,cb,ca, RB\n1,2,3,4,5,6,7\n", want: []string{`line 1: columns 1 ("rb") and 7 (" RB") are both rb`}},
		{name: "duplicate column by case", text: "Ca,rb,ra,bb,ba,cb,CA\n1,2,3,4,5,6,7\n", want: []string{`columns 1 ("Ca") and 7 ("CA") are both ca`}},
		{name: "missing columns", text: "rb,ra,bb,site\n1,2,3,x\n", want: []string{"line 1: the header has no column ba, cb, ca"}},
		{name: "dcb without dca", text: "rb,ra,bb,ba,cb,ca,dcb\n1,2,3,4,5,6,7\n", want: []string{"line 1: give both columns dcb and dca"}},
		{name: "1e308", text: head + "1,2,3,4,5,1e308\n", want: []string{`line 2, column 6 (ca): "1e308" is not allowed: a count is a whole number from 0 to 1e+12`}},
		{name: "above the maximum", text: head + "1000000000001,2,3,4,5,6\n", want: []string{`line 2, column 1 (rb): "1000000000001" is not allowed`}},
		{name: "beyond float64", text: head + "1,2,3,1e400,5,6\n", want: []string{`column 4 (ba): "1e400" is not allowed`}},
		{name: "NaN", text: head + "1,2,NaN,4,5,6\n", want: []string{`line 2, column 3 (bb): "NaN" is not allowed`}},
		{name: "Inf", text: head + "1,+Inf,3,4,5,6\n", want: []string{`column 2 (ra): "+Inf" is not allowed`}},
		{name: "negative", text: head + "1,2,3,4,-5,6\n", want: []string{`column 5 (cb): "-5" is not allowed`}},
		{name: "fraction", text: head + "1,2,3,4,5,2.5\n", want: []string{`"2.5" is not allowed: a count is a whole number`}},
		{name: "underflow", text: head + "1,2,3,4,5,1e-400\n", want: []string{`"1e-400" is not allowed`}},
		{name: "not a number", text: head + "1,2,3,4,5,x\n", want: []string{`line 2, column 6 (ca): "x" is not a number: a count is a whole number from 0 to 1e+12`}},
		{name: "empty field", text: head + "1,2,3,4,,6\n", want: []string{`line 2, column 5 (cb): "" is not a number`}},
		{name: "bad dca", text: "site,rb,ra,bb,ba,cb,ca,dcb,dca\nx,1,2,3,4,5,6,7,-8\n", want: []string{`line 2, column 9 (dca): "-8" is not allowed`}},
		{name: "bad row after a thousand good ones", text: head + good + "1,2,3,4,5,1e308\n", want: []string{`line 1002, column 6 (ca): "1e308"`}},
		{name: "bad row after a multi-line label", text: "site,rb,ra,bb,ba,cb,ca\n\"north\nside\",1,2,3,4,5,6\nsouth,1,2,3,4,5,-1\n", want: []string{`line 4, column 7 (ca): "-1"`}},
		{name: "one endless line", text: strings.Repeat("x", 5<<20), want: []string{"one-endless-line.csv line 1 is longer than 4 MiB"}},
		{name: "an endless third line", text: head + "1,2,3,4,5,6\n" + strings.Repeat("7", 5<<20) + "\n", want: []string{"line 3 is longer than 4 MiB"}},
		{name: "a quote never closed before 5 MB of lines", text: head + "1,2,3,4,5,6\n1,2,\"3,4,5,6\n" + shortLines,
			want: []string{"the row after line 2 is longer than 4 MiB", `a field with a quote (") that is never closed`}},
		{name: "FIFO", path: "fifo", want: []string{`counts file "`, `fifo.csv" is a named pipe (FIFO), not a regular file`}},
		{name: "link to /dev/zero", path: "zero", want: []string{`zero.csv" is a character device, not a regular file`}},
		{name: "directory", path: "dir", want: []string{`d.csv" is a directory, not a regular file`}},
		{name: "missing", path: "missing", want: []string{`none.csv" does not exist`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var path string
			switch c.path {
			case "":
				path = filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".csv")
				if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
					t.Fatal(err)
				}
			case "fifo":
				path = filepath.Join(dir, "fifo.csv")
				if err := syscall.Mkfifo(path, 0o644); err != nil {
					t.Fatal(err)
				}
			case "zero":
				path = filepath.Join(dir, "zero.csv")
				if err := os.Symlink("/dev/zero", path); err != nil {
					t.Fatal(err)
				}
			case "dir":
				path = filepath.Join(dir, "d.csv")
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			case "missing":
				path = filepath.Join(dir, "none.csv")
			}
			for _, format := range [][]string{nil, {"-json"}} {
				code, stdout, stderr := dropsim(append([]string{"displacement", "-csv", path}, format...)...)
				if code != 2 {
					t.Errorf("%v: exit %d, want 2; stderr %q", format, code, stderr)
				}
				if stdout != "" {
					t.Errorf("%v: a bad file printed %d bytes: %.200q", format, len(stdout), stdout)
				}
				if !strings.HasPrefix(stderr, "dropsim: ") || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
					t.Errorf("%v: stderr is not one line starting with \"dropsim: \": %q", format, stderr)
				}
				if c.path == "" && !strings.Contains(stderr, filepath.Base(path)) {
					t.Errorf("%v: stderr does not name the file: %q", format, stderr)
				}
				for _, w := range c.want {
					if !strings.Contains(stderr, w) {
						t.Errorf("%v: stderr lacks %q:\n%s", format, w, stderr)
					}
				}
			}
		})
	}
}

// TestDisplacementBadFlags: a count given as a flag follows the rule of
// the CSV file, in one sentence naming the flag and its value as written.
func TestDisplacementBadFlags(t *testing.T) {
	six := []string{"-rb", "1", "-ra", "2", "-bb", "3", "-ba", "4", "-cb", "5", "-ca", "6"}
	with := func(flag, value string) []string {
		args := append([]string{"displacement"}, six...)
		for i := range args {
			if args[i] == flag {
				args[i+1] = value
				return args
			}
		}
		return append(args, flag, value)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{with("-ca", "1e308"), `-ca "1e308" is not allowed: a count is a whole number from 0 to 1e+12`},
		{with("-ca", "NaN"), `-ca "NaN" is not allowed`},
		{with("-rb", "Inf"), `-rb "Inf" is not allowed`},
		{with("-bb", "-1"), `-bb "-1" is not allowed`},
		{with("-ba", "0.5"), `-ba "0.5" is not allowed`},
		{with("-cb", "abc"), `-cb "abc" is not a number`},
		{with("-cb", "0x1p3"), `-cb "0x1p3" is not a number`},
		{append(with("-dcb", "1e13"), "-dca", "1"), `-dcb "1e13" is not allowed`},
		{[]string{"displacement", "-rb", "abc"}, `-rb "abc" is not a number`},
	} {
		code, stdout, stderr := dropsim(c.args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2, nothing and one line with %q", c.args, code, stdout, stderr, c.want)
		}
	}
	// At the maximum: Ca = 1e12 gives a finite JSON (it was +Inf at 1e308).
	code, stdout, stderr := dropsim(append(with("-ca", "1e12"), "-json")...)
	var res struct {
		WDD struct {
			Total struct{ Estimate, SE float64 } `json:"total"`
		} `json:"wdd"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &res) != nil {
		t.Fatalf("exit %d, %s\n%s", code, stderr, stdout)
	}
	// By hand: (2 - 1) + (4 - 3) - 2(1e12 - 5) = -1999999999988; variance
	// 1 + 2 + 3 + 4 + 4(5 + 1e12) = 4000000000030, all exact in a float64.
	if res.WDD.Total.Estimate != -1999999999988 || res.WDD.Total.SE != math.Sqrt(4000000000030) {
		t.Errorf("WDD %v SE %v", res.WDD.Total.Estimate, res.WDD.Total.SE)
	}
}

func TestParseCount(t *testing.T) {
	for text, want := range map[string]float64{
		"0": 0, "-0": 0, " 7 ": 7, "12.0": 12, "1.5e3": 1500, "1e12": 1e12, "1000000000000": 1e12, "999999999999": 999999999999, "0e5": 0, "0.000": 0,
	} {
		x, err := parseCount(text)
		if err != nil || x != want || math.Signbit(x) {
			t.Errorf("parseCount(%q) = %v, %v; want %v", text, x, err, want)
		}
	}
	for _, text := range []string{"1000000000001", "1.0000000000001e12", "1e308", "1e400", "NaN", "nan", "Inf", "-Inf", "infinity", "-1", "-0.5", "2.5", "1e-400", "0.1e-400", "0x1p3", "", " ", "abc", "1,5", "1e"} {
		if x, err := parseCount(text); err == nil {
			t.Errorf("parseCount(%q) = %v, want an error", text, x)
		} else if !strings.HasPrefix(err.Error(), fmt.Sprintf("%q is not", text)) || !strings.HasSuffix(err.Error(), "a count is a whole number from 0 to 1e+12") {
			t.Errorf("parseCount(%q): %v", text, err)
		}
	}
}

// TestExtremeCountsStayFinite: for every combination of counts at the
// edges of what parseCount allows (0, 1, 2, the maximum and one less),
// every number of the result is finite, so the table shows no Inf or NaN
// and the JSON encodes.
func TestExtremeCountsStayFinite(t *testing.T) {
	edges := []float64{0, 1, 2, maxCount - 1, maxCount}
	for _, x := range edges {
		if _, err := parseCount(strconv.FormatFloat(x, 'f', -1, 64)); err != nil {
			t.Fatalf("edge %v is refused: %v", x, err)
		}
	}
	n := 0
	var v [8]float64
	var try func(k, upto int)
	try = func(k, upto int) {
		if k == upto {
			res, err := evaluate(countsOf(v, upto == 8), unweighted)
			if err != nil {
				t.Fatalf("%v: %v", v, err)
			}
			if bad := nonFinite(res); bad != "" {
				t.Fatalf("counts %v give %s", v, bad)
			}
			if _, err := json.Marshal(res); err != nil {
				t.Fatalf("counts %v: %v", v, err)
			}
			n++
			return
		}
		for _, x := range edges {
			v[k] = x
			try(k+1, upto)
		}
	}
	try(0, 6) // shared control: 5^6 combinations
	edges = []float64{0, 1, maxCount}
	try(0, 8) // the buffer's own control: 3^8
	if n != 15625+6561 {
		t.Errorf("%d combinations", n)
	}
}

// nonFinite names the first number of r that is NaN or infinite, or a
// defined value that is not finite.
func nonFinite(r displacementResult) string {
	vals := map[string]metrics.Value{"success": r.WDQ.Success, "buffer": r.WDQ.Buffer, "wdq": r.WDQ.WDQ, "tne": r.WDQ.TNE,
		"z treatment": r.WDD.Treatment.Z, "z buffer": r.WDD.Buffer.Z, "z total": r.WDD.Total.Z}
	for name, v := range vals {
		if v.Defined && (math.IsNaN(v.V) || math.IsInf(v.V, 0)) {
			return fmt.Sprintf("%s = %v", name, v.V)
		}
	}
	for name, x := range map[string]float64{"wdd treatment": r.WDD.Treatment.Estimate, "se treatment": r.WDD.Treatment.SE,
		"wdd buffer": r.WDD.Buffer.Estimate, "se buffer": r.WDD.Buffer.SE, "wdd": r.WDD.Total.Estimate, "se": r.WDD.Total.SE} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Sprintf("%s = %v", name, x)
		}
	}
	return ""
}

// TestDisplacementCSVStreamsTheSameJSON: the JSON array written element
// by element has the bytes that a json.Encoder indenting by two spaces
// writes for the whole array (what dropsim wrote before it streamed), for
// a file with labels that need escaping, a multi-line label, undefined
// measures, an own buffer control, a byte-order mark and CRLF line ends.
func TestDisplacementCSVStreamsTheSameJSON(t *testing.T) {
	// As Excel's "CSV UTF-8" begins: a byte-order mark, then the first column name.
	text := "\xef\xbb\xbf RB,ra,bb,ba,cb,ca,dcb,dca, Site ,note\r\n" +
		"100,50,80,90,1000,1000,40,60,north,a\r\n" +
		"10,10,5,5,0,7,0,0,\"<south> & \"\"east\"\"\",b\r\n" +
		"0,0,0,0,0,0,0,0,\"two\nlines\",c\r\n" +
		"1e12,0,3,4,1,1e12,7,8,Zürich,d\r\n"
	path := filepath.Join(t.TempDir(), "counts.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// The rows, read by eye.
	rows := []struct {
		label string
		c     metrics.Counts
	}{
		{"north", metrics.Counts{Rb: 100, Ra: 50, Bb: 80, Ba: 90, Cb: 1000, Ca: 1000, DCb: 40, DCa: 60, HasBufferControl: true}},
		{`<south> & "east"`, metrics.Counts{Rb: 10, Ra: 10, Bb: 5, Ba: 5, Cb: 0, Ca: 7, HasBufferControl: true}},
		{"two\nlines", metrics.Counts{HasBufferControl: true}},
		{"Zürich", metrics.Counts{Rb: 1e12, Bb: 3, Ba: 4, Cb: 1, Ca: 1e12, DCb: 7, DCa: 8, HasBufferControl: true}},
	}
	var all []displacementResult
	for _, r := range rows {
		q, err := metrics.WDQ(r.c)
		if err != nil {
			t.Fatal(err)
		}
		d, err := metrics.WDD(r.c)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, displacementResult{Label: r.label, Counts: r.c, WDQ: q, WDD: d})
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(all); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := dropsim("displacement", "-csv", path, "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != want.String() {
		t.Errorf("streamed JSON differs from the encoding of the whole array:\n%s\nwant\n%s", stdout, want.String())
	}
	// By hand, north: WDQ = (90/1000 - 80/1000) / (50/1000 - 100/1000) = -0.2;
	// WDD = (50 - 100) - 0 + (90 - 80) - (60 - 40) = -60.
	var got []struct {
		Label string `json:"label"`
		WDQ   struct {
			WDQ json.RawMessage `json:"wdq"` // a number, or null with a reason
		} `json:"wdq"`
		WDD struct {
			Total struct{ Estimate float64 } `json:"total"`
		} `json:"wdd"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || len(got) != 4 {
		t.Fatalf("%v, %d rows", err, len(got))
	}
	q, err := strconv.ParseFloat(string(got[0].WDQ.WDQ), 64)
	if err != nil || math.Abs(q+0.2) > 1e-12 || got[0].WDD.Total.Estimate != -60 || got[2].Label != "two\nlines" {
		t.Errorf("north: WDQ %s WDD %v; third label %q", got[0].WDQ.WDQ, got[0].WDD.Total.Estimate, got[2].Label)
	}
	// The table: the rows in order, a blank line between them.
	code, stdout, _ = dropsim("displacement", "-csv", path)
	var tbl bytes.Buffer
	for i, r := range all {
		if i > 0 {
			tbl.WriteString("\n")
		}
		printDisplacement(&tbl, r)
	}
	if code != 0 || stdout != tbl.String() {
		t.Errorf("table: exit %d\n%s\nwant\n%s", code, stdout, tbl.String())
	}
	if strings.Contains(stdout, "Inf") || strings.Contains(stdout, "NaN") {
		t.Errorf("the table shows a number that is not finite:\n%s", stdout)
	}
}

func TestDisplacementHelpSaysTheLimits(t *testing.T) {
	code, _, stderr := dropsim("displacement", "-h")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"whole number of events from 0 to 1e+12", "lines of at most 4 MiB", "-rb count", "byte-order mark"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("the help lacks %q:\n%s", w, stderr)
		}
	}
}

// changingFile reads as first, then, once seeked to the start, as then:
// a file rewritten between dropsim's two passes.
type changingFile struct {
	r    *strings.Reader
	then string
}

func (c *changingFile) Read(p []byte) (int, error) { return c.r.Read(p) }
func (c *changingFile) Seek(off int64, whence int) (int64, error) {
	c.r = strings.NewReader(c.then)
	return c.r.Seek(off, whence)
}

func TestDisplacementFileChangedBetweenPasses(t *testing.T) {
	const first = "rb,ra,bb,ba,cb,ca\n1,2,3,4,5,6\n"
	for _, c := range []struct {
		then string
		want string
		rows int // printed, whole, before the error
	}{
		{first + "1,2,3,4,5,6\n", "c.csv has 2 rows of counts now, 1 when first read", 2},
		{"rb,ra,bb,ba,cb,ca\n1,2,3,4,5,x\n", `c.csv line 2, column 6 (ca): "x" is not a number`, 0},
	} {
		var out bytes.Buffer
		err := displaceFile(&changingFile{strings.NewReader(first), c.then}, "c.csv", unweighted, false, &out)
		var ue usageError
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), "c.csv changed while it was read") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want a usage error saying the file changed and %q", err, c.want)
		}
		if n := strings.Count(out.String(), "counts: Rb 1  Ra 2  Bb 3  Ba 4  Cb 5  Ca 6\n"); n != c.rows || c.rows > 0 && !strings.HasSuffix(out.String(), ".\n") {
			t.Errorf("printed %d rows before the error, want %d whole:\n%s", n, c.rows, out.String())
		}
	}
}

type failingWriter struct{}

var errFull = errors.New("no space left")

func (failingWriter) Write([]byte) (int, error) { return 0, errFull }

// TestDisplacementWriteError: a failed write is reported as itself (exit
// code 1), not as bad input.
func TestDisplacementWriteError(t *testing.T) {
	text := "rb,ra,bb,ba,cb,ca\n" + strings.Repeat("1,2,3,4,5,6\n", 1000)
	err := displaceFile(strings.NewReader(text), "w.csv", unweighted, true, failingWriter{})
	if !errors.Is(err, errFull) {
		t.Errorf("got %v, want %v", err, errFull)
	}
}

// heapProbe samples the live heap (after a collection) whenever dropsim
// reads or writes, to find the most memory a run keeps at any moment.
type heapProbe struct {
	base, peak uint64
}

func (h *heapProbe) sample() {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapAlloc-min(m.HeapAlloc, h.base))
}

// probedFile hands out at most 4 KiB a read, sampling the heap each time.
type probedFile struct {
	f *os.File
	h *heapProbe
}

func (p probedFile) Read(b []byte) (int, error) {
	p.h.sample()
	return p.f.Read(b[:min(len(b), 4<<10)])
}

func (p probedFile) Seek(off int64, whence int) (int64, error) { return p.f.Seek(off, whence) }

// probedWriter counts and drops what it is given, sampling the heap.
type probedWriter struct {
	h *heapProbe
	n int
}

func (p *probedWriter) Write(b []byte) (int, error) {
	p.h.sample()
	p.n += len(b)
	return len(b), nil
}

// TestDisplacementMemoryDoesNotGrow: the memory dropsim displacement -csv
// keeps is the same for 2,000 and for 20,000 rows, in both passes and
// both formats, and the bytes it allocates per row do not grow with the
// rows. The measure is the live heap after a collection, sampled at every
// read of the file (each 4 KiB, about 250 rows) and at every write (each
// 64 KiB): what the reader keeps. Keeping the results, as dropsim did,
// would add about 18,000 rows x 440 bytes = 7.9 MB.
func TestDisplacementMemoryDoesNotGrow(t *testing.T) {
	dir := t.TempDir()
	write := func(rows int) string {
		var b strings.Builder
		b.WriteString("site,rb,ra,bb,ba,cb,ca\n")
		for i := range rows {
			fmt.Fprintf(&b, "s%d,%d,%d,%d,%d,%d,%d\n", i, 1+i%9, 1+i%7, 1+i%5, 1+i%3, 10+i%11, 10+i%13)
		}
		path := filepath.Join(dir, fmt.Sprintf("%d.csv", rows))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	measure := func(path string, asJSON bool) (peak uint64, perRow float64, out int) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		h := &heapProbe{}
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		h.base = m0.HeapAlloc
		w := &probedWriter{h: h}
		if err := displaceFile(probedFile{f, h}, path, unweighted, asJSON, w); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		rows := 2000.0
		if strings.HasSuffix(path, "20000.csv") {
			rows = 20000
		}
		return h.peak, float64(m1.TotalAlloc-m0.TotalAlloc) / rows, w.n
	}
	small, large := write(2000), write(20000)
	for _, asJSON := range []bool{false, true} {
		peakS, perRowS, outS := measure(small, asJSON)
		peakL, perRowL, outL := measure(large, asJSON)
		t.Logf("json %v: kept %d and %d bytes, allocated %.0f and %.0f bytes a row, for 2,000 and 20,000 rows", asJSON, peakS, peakL, perRowS, perRowL)
		if outL < 9*outS {
			t.Fatalf("json %v: printed %d and %d bytes", asJSON, outS, outL)
		}
		if peakL > peakS+256<<10 {
			t.Errorf("json %v: kept %d bytes for 20,000 rows, %d for 2,000: the memory grows with the rows", asJSON, peakL, peakS)
		}
		if peakL > 1<<20 {
			t.Errorf("json %v: kept %d bytes, more than the 1 MiB of buffers expected", asJSON, peakL)
		}
		if perRowL > 1.1*perRowS || perRowL > 16<<10 {
			t.Errorf("json %v: allocated %.0f bytes a row for 20,000 rows, %.0f for 2,000", asJSON, perRowL, perRowS)
		}
	}
}

// TestDisplacementWeightsAndHarm: -tw, -aw, -alpha and -harm from the
// command line, against the formulas worked by hand (the examples of
// Wheeler & Ratcliffe 2018 and of Wheeler's ptools), and their bad input
// in one sentence with exit 2.
func TestDisplacementWeightsAndHarm(t *testing.T) {
	type estimate struct {
		Estimate, SE float64
		Z            *float64 `json:"z"`
		CILow        float64  `json:"ci_low"`
		CIHigh       float64  `json:"ci_high"`
	}
	var one struct {
		WDD struct {
			Treatment, Buffer, Total estimate
			Alpha                    float64
		} `json:"wdd"`
	}
	run := func(out any, args ...string) {
		t.Helper()
		code, stdout, stderr := dropsim(append([]string{"displacement"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), out); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stdout)
		}
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.10g, want %.10g", name, got, want)
		}
	}
	// The paper's example: -118, SE sqrt(1568); a 90% interval.
	run(&one, "-rb", "207", "-ra", "110", "-cb", "308", "-ca", "318", "-bb", "178", "-ba", "157", "-dcb", "150", "-dca", "140", "-alpha", "0.1", "-json")
	near("paper WDD", one.WDD.Total.Estimate, -118)
	near("paper 90% CI high", one.WDD.Total.CIHigh, -118+1.6448536269514722*math.Sqrt(1568))
	// Time and area weights: before period 2, after 1; treatment 1.5,
	// control 2, buffer 3.2, buffer control 3. Treatment (10 - 20/2)/1.5 -
	// (20 - 20/2)/2 = -5; buffer (20 - 30/2)/3.2 - (30 - 30/2)/3 = -3.4375;
	// variances 10/2.25 + 20/9 + 20/4 + 20/16 and 20/10.24 + 30/40.96 +
	// 30/9 + 30/36.
	run(&one, "-rb", "20", "-ra", "10", "-cb", "20", "-ca", "20", "-bb", "30", "-ba", "20", "-dcb", "30", "-dca", "30", "-tw", "2,1", "-aw", "1.5,2,3.2,3", "-json")
	near("weighted treatment", one.WDD.Treatment.Estimate, -5)
	near("weighted treatment SE", one.WDD.Treatment.SE, math.Sqrt(10/2.25+20.0/9+20.0/4+20.0/16))
	near("weighted buffer", one.WDD.Buffer.Estimate, -3.4375)
	near("weighted buffer SE", one.WDD.Buffer.SE, math.Sqrt(20/10.24+30/40.96+30.0/9+30.0/36))

	// The harm file: ptools' example, -155 with SE sqrt(9855).
	dir := t.TempDir()
	harm := filepath.Join(dir, "harm.csv")
	os.WriteFile(harm, []byte("type,weight,rb,ra,cb,ca\nrobbery,10,20,10,20,20\nburglary,5,25,20,30,30\ntheft,1,70,20,80,60\n"), 0o644)
	var h struct {
		Harm estimate `json:"wdd_harm"`
	}
	run(&h, "-harm", harm, "-json")
	near("harm WDD", h.Harm.Estimate, -155)
	near("harm SE", h.Harm.SE, math.Sqrt(9855))
	code, stdout, _ := dropsim("displacement", "-harm", harm)
	if code != 0 || !strings.Contains(stdout, "harm-weighted WDD") || !strings.Contains(stdout, "-155") {
		t.Errorf("harm table: exit %d\n%s", code, stdout)
	}

	bad := func(body string) string {
		p := filepath.Join(dir, fmt.Sprintf("bad%d.csv", len(body)))
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-rb", "1", "-ra", "2", "-bb", "3", "-ba", "4", "-cb", "5", "-ca", "6", "-tw", "2"}, `-tw "2" has 1 weights, not 2`},
		{[]string{"-rb", "1", "-ra", "2", "-bb", "3", "-ba", "4", "-cb", "5", "-ca", "6", "-tw", "2,0"}, `-tw "2,0" is not allowed: weight 2, "0", must be a number above 0`},
		{[]string{"-rb", "1", "-ra", "2", "-bb", "3", "-ba", "4", "-cb", "5", "-ca", "6", "-aw", "1,2,x"}, `weight 3, "x", must be a number above 0`},
		{[]string{"-rb", "1", "-ra", "2", "-bb", "3", "-ba", "4", "-cb", "5", "-ca", "6", "-aw", "1,2,3,4"}, "there is no buffer control"},
		{[]string{"-rb", "1", "-ra", "2", "-bb", "3", "-ba", "4", "-cb", "5", "-ca", "6", "-alpha", "1.5"}, "-alpha 1.5 is not allowed"},
		{[]string{"-harm", harm, "-rb", "1"}, "not both (-rb and -harm)"},
		{[]string{"-harm", bad("type,rb,ra,cb,ca\nx,1,2,3,4\n")}, "line 1: the header has no column weight"},
		{[]string{"-harm", bad("type,weight,rb,ra,cb,ca\nx,-2,1,2,3,4\n")}, `line 2, column 2 (weight): "-2" is not allowed`},
		{[]string{"-harm", bad("type,weight,rb,ra,cb,ca\n,1,1,2,3,4\n")}, "line 2, column 1 (type): the crime type is empty"},
		{[]string{"-harm", bad("type,weight,rb,ra,cb,ca,bb\nx,1,1,2,3,4,5\n")}, "give both columns bb and ba"},
		{[]string{"-harm", bad("type,weight,rb,ra,cb,ca\n")}, "is a header with no crime types"},
	} {
		code, stdout, stderr := dropsim(append([]string{"displacement"}, c.args...)...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2, nothing and one line with %q", c.args, code, stdout, stderr, c.want)
		}
	}
}
