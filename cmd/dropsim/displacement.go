package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"dropsim/cmd/internal/input"
	"dropsim/sim/metrics"
)

// countFlags are the -rb ... -dca flags, in the order of Counts.
var countFlags = []struct{ name, help string }{
	{"rb", "the `count` of events in the treatment area before"},
	{"ra", "the `count` of events in the treatment area after"},
	{"bb", "the `count` of events in the buffer before"},
	{"ba", "the `count` of events in the buffer after"},
	{"cb", "the `count` of events in the control area before"},
	{"ca", "the `count` of events in the control area after"},
	{"dcb", "the `count` of events in the buffer's own control area before (optional, with -dca)"},
	{"dca", "the `count` of events in the buffer's own control area after (optional, with -dcb)"},
}

// maxCount is the largest count dropsim displacement takes. Counts are
// numbers of events, so whole numbers, and up to 1e12 every count, sum
// and variance of the measures (at most 12e12, below 2^53) is an exact
// integer in a float64, while every ratio and quotient stays finite: the
// smallest count that is not 0 is 1, so a ratio is at most 1e12, the
// expected counts of the TNE at most 1e24, and a success measure that is
// not 0 at least about 1e-28, which puts the WDQ below 1e41. (Counts
// such as 1e-300 would make the ratios overflow to Inf.)
const maxCount = 1e12

// countRule says what a count may be, in the words of every message
// about one and of the help.
var countRule = "a count is a whole number from 0 to " + strconv.FormatFloat(maxCount, 'g', -1, 64)

// displacementLimits ends the help of dropsim displacement.
var displacementLimits = fmt.Sprintf(`
Limits:
  Each count is a whole number of events from 0 to %g.
  -csv reads a regular file (not a pipe or a device), with lines of at most %s.
  A UTF-8 byte-order mark at its start is skipped; column names are read
  regardless of letter case and spaces, and each may appear once. The file
  is read twice (checked, then printed), so bad input prints only the error.
`, maxCount, input.Size(input.MaxLine))

// countFlag is a count given as a flag. It keeps the text, so that a
// count that is not allowed is named as the user wrote it and its flag
// error is one sentence (the flag package would print the usage too).
type countFlag struct{ text string }

func (c *countFlag) String() string     { return c.text }
func (c *countFlag) Set(s string) error { c.text = s; return nil }

// parseCount reads a count: a whole number from 0 to maxCount. Its error
// is the end of a sentence that starts with where the count was.
func parseCount(text string) (float64, error) {
	s := strings.TrimSpace(text)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || strings.ContainsAny(s, "xX") {
		// (ParseFloat also reads hexadecimal numbers such as 0x1p4.)
		return 0, fmt.Errorf("%q is not a number: %s", text, countRule)
	}
	// ParseFloat reads a number too small for a float64 (1e-400) as 0
	// without an error; its digits show it is not 0.
	mantissa, _, _ := strings.Cut(strings.ToLower(s), "e")
	// One range test refuses NaN, infinities (as overflow gives) and
	// negative numbers, which metrics.WDQ and WDD refuse too, as well as
	// numbers above maxCount.
	if err != nil || !(x >= 0 && x <= maxCount) || x != math.Trunc(x) || x == 0 && strings.ContainsAny(mantissa, "123456789") {
		return 0, fmt.Errorf("%q is not allowed: %s", text, countRule)
	}
	if x == 0 {
		x = 0 // not -0
	}
	return x, nil
}

// displacementResult is one evaluation, as printed or written as JSON.
type displacementResult struct {
	Label  string            `json:"label,omitempty"`
	Counts metrics.Counts    `json:"counts"`
	WDQ    metrics.WDQResult `json:"wdq"`
	WDD    metrics.WDDResult `json:"wdd"`
}

func cmdDisplacement(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("displacement", "-rb N -ra N -bb N -ba N -cb N -ca N [-dcb N -dca N]  or  -csv FILE  or  -harm FILE; [-tw B,A] [-aw T,C,B[,BC]] [-alpha A] [-json]\n"+
		"   or: dropsim displacement -points FILE -treatment x0,y0,x1,y1|-polygon \"x y, ...\"|-area FILE.geojson -split YYYY-MM-DD -out DIR [-buffer M] [-rings N] [-ring-width M] [-control matched|rest|x0,y0,x1,y1] [-cell M] ...",
		"dropsim displacement -rb 120 -ra 60 -bb 80 -ba 95 -cb 1000 -ca 1010", stderr)
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(stderr, displacementLimits+pointsHelp)
	}
	vals := make([]countFlag, len(countFlags))
	for i, f := range countFlags {
		fs.Var(&vals[i], f.name, f.help)
	}
	csvPath := fs.String("csv", "", "a CSV `file` of counts, one evaluation per row: columns rb, ra, bb, ba, cb, ca, optionally dcb, dca and a label column (the first other column)")
	harmPath := fs.String("harm", "", "a CSV `file` of crime types for the harm-weighted WDD (Wheeler's wdd_harm): columns type, weight, rb, ra, cb, ca, optionally bb, ba and dcb, dca; one row per crime type")
	twText := fs.String("tw", "", "time weights `B,A` of the before and after periods (e.g. their lengths, 2,1 for two years before and one after): each count is divided by its period's weight")
	awText := fs.String("aw", "", "area weights `T,C,B[,BC]` of the treatment area, control, buffer and buffer control (e.g. their sizes): each count is divided by its area's weight")
	alpha := fs.Float64("alpha", metrics.DefaultAlpha, "the WDD's confidence intervals are of level 1 - `alpha` (0.05: 95%)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	pf := addPointFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("dropsim displacement takes its counts as flags, not %q; see dropsim displacement -h", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["points"] {
		return displacePoints(pf, set, stdout, stderr)
	}
	for _, n := range pointFlagNames {
		if set[n] {
			return usagef("-%s is a flag of -points, which measures incident data; give -points FILE with it, or leave it out", n)
		}
	}
	opt := wddOptions{w: metrics.UnitWeights(), alpha: *alpha}
	if !(*alpha > 0 && *alpha < 1) {
		return usagef("-alpha %g is not allowed: it must lie between 0 and 1 (0.05 gives 95%% intervals)", *alpha)
	}
	if set["tw"] {
		v, err := parseWeights(*twText, 2, 2)
		if err != nil {
			return usagef("-tw %q %v; give the time weights of the before and after periods, e.g. -tw 2,1", *twText, err)
		}
		opt.w.Before, opt.w.After = v[0], v[1]
	}
	if set["aw"] {
		v, err := parseWeights(*awText, 3, 4)
		if err != nil {
			return usagef("-aw %q %v; give the area weights of the treatment area, control, buffer and (with -dcb, -dca) buffer control, e.g. -aw 1,4,1.5", *awText, err)
		}
		opt.w.Treatment, opt.w.Control, opt.w.Buffer, opt.w.BufferControl = v[0], v[1], v[2], v[1]
		if len(v) == 4 {
			opt.w.BufferControl = v[3]
		}
	}
	if *harmPath != "" {
		for _, f := range countFlags {
			if set[f.name] {
				return usagef("give the counts either as flags or with -harm, not both (-%s and -harm)", f.name)
			}
		}
		if *csvPath != "" {
			return usagef("give either -csv or -harm, not both")
		}
		return displaceHarm(*harmPath, opt, *asJSON, stdout)
	}

	if *csvPath != "" {
		for _, f := range countFlags {
			if set[f.name] {
				return usagef("give the counts either as flags or with -csv, not both (-%s and -csv)", f.name)
			}
		}
		return displaceCSV(*csvPath, opt, *asJSON, stdout)
	}
	var v [8]float64
	for i, f := range countFlags {
		if !set[f.name] {
			continue
		}
		x, err := parseCount(vals[i].text)
		if err != nil {
			return usagef("-%s %v", f.name, err)
		}
		v[i] = x
	}
	var missing []string
	for _, f := range countFlags[:6] {
		if !set[f.name] {
			missing = append(missing, "-"+f.name)
		}
	}
	if len(missing) > 0 {
		return usagef("dropsim displacement needs the six counts -rb -ra -bb -ba -cb -ca; missing %s (or give -csv FILE)", strings.Join(missing, " "))
	}
	if set["dcb"] != set["dca"] {
		return usagef("give both -dcb and -dca (the buffer's own control before and after), or neither to compare the buffer with the control area")
	}
	if set["aw"] && !set["dcb"] && opt.w.BufferControl != opt.w.Control {
		return usagef("-aw gives the buffer control the area weight %g, but there is no buffer control (-dcb, -dca): the buffer is compared with the control, at the control's weight %g; give three weights", opt.w.BufferControl, opt.w.Control)
	}
	res, err := evaluate(countsOf(v, set["dcb"]), opt)
	if err != nil {
		return usagef("%v", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printDisplacement(stdout, res)
	return nil
}

// countsOf makes Counts of the values in the order of countFlags.
func countsOf(v [8]float64, hasBufferControl bool) metrics.Counts {
	return metrics.Counts{Rb: v[0], Ra: v[1], Bb: v[2], Ba: v[3], Cb: v[4], Ca: v[5], DCb: v[6], DCa: v[7], HasBufferControl: hasBufferControl}
}

// displaceCSV evaluates each row of the counts file path and prints the
// results, as a table or a JSON array.
func displaceCSV(path string, opt wddOptions, asJSON bool, stdout io.Writer) error {
	f, err := input.Open(path, "counts file")
	if err != nil {
		return err
	}
	defer f.Close()
	return displaceFile(f, path, opt, asJSON, stdout)
}

// wddOptions are the WDD's weights and the alpha of its intervals.
type wddOptions struct {
	w     metrics.WDDWeights
	alpha float64
}

// unweighted is the plain WDD with 95% intervals.
var unweighted = wddOptions{w: metrics.UnitWeights(), alpha: metrics.DefaultAlpha}

// parseWeights reads min to max comma-separated weights above 0.
func parseWeights(text string, min, max int) ([]float64, error) {
	parts := strings.Split(text, ",")
	if len(parts) < min || len(parts) > max {
		n := fmt.Sprint(min)
		if max > min {
			n = fmt.Sprintf("%d or %d", min, max)
		}
		return nil, fmt.Errorf("has %d weights, not %s", len(parts), n)
	}
	out := make([]float64, len(parts))
	for i, p := range parts {
		w, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(w > 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("is not allowed: weight %d, %q, must be a number above 0", i+1, strings.TrimSpace(p))
		}
		out[i] = w
	}
	return out, nil
}

// displaceFile is displaceCSV of the open file f. It reads f twice and
// keeps one row at a time in memory: the first pass checks and evaluates
// every row and prints nothing, so that a bad row, wherever it is, leaves
// no output but the error; the second prints each result as it is read.
// The JSON array is written element by element, with the bytes a
// json.Encoder indenting by two spaces writes for the whole array.
func displaceFile(f io.ReadSeeker, path string, opt wddOptions, asJSON bool, stdout io.Writer) error {
	rows, err := eachResult(f, path, opt, func(displacementResult) error { return nil })
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return &input.Error{Path: path, Msg: fmt.Sprintf("cannot read counts file %q a second time: %v", path, err)}
	}
	out := &stickyWriter{w: stdout}
	w := bufio.NewWriterSize(out, 64<<10)
	var elem bytes.Buffer
	printed := 0
	show := func(r displacementResult) error {
		if asJSON {
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			elem.Reset()
			if err := json.Indent(&elem, b, "  ", "  "); err != nil {
				return err
			}
			if printed == 0 {
				w.WriteString("[\n  ")
			} else {
				w.WriteString(",\n  ")
			}
			w.Write(elem.Bytes())
		} else {
			if printed > 0 {
				w.WriteString("\n")
			}
			printDisplacement(w, r)
		}
		printed++
		return out.err
	}
	again, err := eachResult(f, path, opt, show)
	if out.err != nil {
		return out.err
	}
	if err == nil && again != rows {
		err = usagef("%s has %d rows of counts now, %d when first read", path, again, rows)
	}
	if err != nil {
		// The rows printed, whole.
		w.Flush()
		return fmt.Errorf("%s changed while it was read, so the output above is incomplete: %w", path, err)
	}
	if asJSON {
		w.WriteString("\n]\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return out.err
}

// stickyWriter keeps the first write error, so that printing stops at it.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

// eachResult reads the counts file from r and calls visit with the
// evaluation of each row, in order; it returns the number of rows.
func eachResult(r io.Reader, path string, opt wddOptions, visit func(displacementResult) error) (int, error) {
	cr, err := newCountsReader(r, path, false)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		row, err := cr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		w := opt.w
		if !row.counts.HasBufferControl {
			w.BufferControl = w.Control
		}
		res, err := evaluate(row.counts, wddOptions{w, opt.alpha})
		if err != nil {
			return n, usagef("%s line %d: %v", path, row.line, err)
		}
		res.Label = row.label
		if err := visit(res); err != nil {
			return n, err
		}
		n++
	}
	if n == 0 {
		return 0, usagef("%s line %d is a header with no rows of counts after it", path, cr.headLine)
	}
	return n, nil
}

func evaluate(c metrics.Counts, opt wddOptions) (displacementResult, error) {
	q, err := metrics.WDQ(c)
	if err != nil {
		return displacementResult{}, err
	}
	d, err := metrics.WeightedWDD(c, opt.w, opt.alpha)
	if err != nil {
		return displacementResult{}, err
	}
	return displacementResult{Counts: c, WDQ: q, WDD: d}, nil
}

// fmtValue prints a measure, or "undefined" (the reason is printed too).
func fmtValue(v metrics.Value) string {
	if !v.Defined {
		return "undefined"
	}
	return strconv.FormatFloat(v.V, 'g', 4, 64)
}

func printDisplacement(w io.Writer, r displacementResult) {
	c := r.Counts
	if r.Label != "" {
		fmt.Fprintf(w, "%s\n", r.Label)
	}
	fmt.Fprintf(w, "counts: Rb %g  Ra %g  Bb %g  Ba %g  Cb %g  Ca %g", c.Rb, c.Ra, c.Bb, c.Ba, c.Cb, c.Ca)
	if c.HasBufferControl {
		fmt.Fprintf(w, "  DCb %g  DCa %g", c.DCb, c.DCa)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "measure\tvalue\tSE\tz\t%g%% CI\t\n", 100*(1-r.WDD.Alpha))
	var notes []string
	row := func(name string, v metrics.Value) {
		fmt.Fprintf(tw, "%s\t%s\t\t\t\t\n", name, fmtValue(v))
		if !v.Defined && v.Reason != "" && !slices.Contains(notes, v.Reason) {
			notes = append(notes, v.Reason)
		}
	}
	row("success measure (Ra/Ca - Rb/Cb)", r.WDQ.Success)
	row("buffer measure (Ba/Ca - Bb/Cb)", r.WDQ.Buffer)
	row("WDQ (Bowers & Johnson 2003)", r.WDQ.WDQ)
	row("TNE (total net effect)", r.WDQ.TNE)
	for _, e := range []struct {
		name string
		est  metrics.Estimate
	}{{"WDD treatment (Ra-Rb)-(Ca-Cb)", r.WDD.Treatment}, {"WDD buffer", r.WDD.Buffer}, {"WDD (Wheeler & Ratcliffe 2018)", r.WDD.Total}} {
		fmt.Fprintf(tw, "%s\t%s\n", e.name, estimateCells(e.est))
		if !e.est.Z.Defined && !slices.Contains(notes, e.est.Z.Reason) {
			notes = append(notes, e.est.Z.Reason)
		}
	}
	tw.Flush()
	if r.WDQ.WDQ.Defined {
		fmt.Fprintln(w, r.WDQ.Interpretation)
	}
	if ww := r.WDD.Weights; ww != metrics.UnitWeights() {
		fmt.Fprintf(w, "The WDD is weighted: time weights %g before and %g after, area weights %g treatment, %g control, %g buffer", ww.Before, ww.After, ww.Treatment, ww.Control, ww.Buffer)
		if c.HasBufferControl {
			fmt.Fprintf(w, ", %g buffer control", ww.BufferControl)
		}
		fmt.Fprintln(w, "; each count is divided by its period's and its area's weight (Wheeler's ptools::wdd).")
	}
	if r.WDD.SharedControl {
		fmt.Fprintln(w, "The buffer is compared with the same control area; the WDD's variance counts the control 4 times.")
	}
	for _, n := range notes {
		fmt.Fprintln(w, "undefined: "+n)
	}
}

type countsRow struct {
	line      int
	label     string
	counts    metrics.Counts
	weight    float64 // of a -harm file's crime type
	hasBuffer bool
}

// countsReader reads a CSV file of counts one row at a time, by column
// name; the first column that is not a count is a label.
type countsReader struct {
	*csvFile
	harm     bool   // a -harm file: columns type and weight, and bb, ba optional
	weight   int    // the weight column of a -harm file
	col      [8]int // the column of each count, in the order of countFlags; -1 if none
	fields   int    // fields in every row: the header's
	label    int    // the label column, or -1
	hasDC    bool
	headLine int
}

func newCountsReader(r io.Reader, path string, harm bool) (*countsReader, error) {
	f, err := newCSVFile(r, path, "counts file")
	if err != nil {
		return nil, err
	}
	cr := &countsReader{csvFile: f, label: -1, weight: -1, harm: harm}
	head, err := cr.read()
	if err == io.EOF && harm {
		return nil, usagef("%s is empty; its first line must name the columns type, weight, rb, ra, cb, ca (and optionally bb, ba, dcb, dca)", path)
	}
	if err == io.EOF {
		return nil, usagef("%s is empty; its first line must name the columns rb, ra, bb, ba, cb, ca (and optionally dcb, dca and a label)", path)
	}
	if err != nil {
		return nil, err
	}
	cr.headLine, _ = cr.csv.FieldPos(0)
	cr.fields = len(head)
	for k := range cr.col {
		cr.col[k] = -1
	}
	for i, h := range head {
		name := columnName(h)
		k := slices.IndexFunc(countFlags, func(f struct{ name, help string }) bool { return f.name == name })
		if harm && (name == "type" || name == "weight") {
			j := &cr.label
			if name == "weight" {
				j = &cr.weight
			}
			if *j >= 0 {
				return nil, sameColumn(path, cr.headLine, head, *j, i)
			}
			*j = i
			continue
		}
		if k < 0 {
			if cr.label < 0 && !harm {
				cr.label = i
			}
			continue
		}
		if j := cr.col[k]; j >= 0 {
			return nil, sameColumn(path, cr.headLine, head, j, i)
		}
		cr.col[k] = i
	}
	var missing []string
	if harm {
		for _, n := range []struct {
			name string
			col  int
		}{{"type", cr.label}, {"weight", cr.weight}} {
			if n.col < 0 {
				missing = append(missing, n.name)
			}
		}
	}
	for k, f := range countFlags[:6] {
		if cr.col[k] < 0 && !(harm && (f.name == "bb" || f.name == "ba")) {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 && harm {
		return nil, usagef("%s line %d: the header has no column %s; it must name type, weight, rb, ra, cb, ca (and optionally bb, ba, dcb, dca)", path, cr.headLine, strings.Join(missing, ", "))
	}
	if len(missing) > 0 {
		return nil, usagef("%s line %d: the header has no column %s; it must name rb, ra, bb, ba, cb, ca (and optionally dcb, dca)", path, cr.headLine, strings.Join(missing, ", "))
	}
	if (cr.col[2] >= 0) != (cr.col[3] >= 0) {
		return nil, usagef("%s line %d: give both columns bb and ba (the buffer before and after), or neither", path, cr.headLine)
	}
	if (cr.col[6] >= 0) != (cr.col[7] >= 0) {
		return nil, usagef("%s line %d: give both columns dcb and dca, or neither", path, cr.headLine)
	}
	if cr.col[6] >= 0 && cr.col[2] < 0 {
		return nil, usagef("%s line %d: columns dcb and dca are the buffer's own control, so they need the buffer's columns bb and ba", path, cr.headLine)
	}
	cr.hasDC = cr.col[6] >= 0
	return cr, nil
}

// next returns the next row, or io.EOF after the last.
func (cr *countsReader) next() (countsRow, error) {
	rec, err := cr.read()
	if err != nil {
		return countsRow{}, err
	}
	line, _ := cr.csv.FieldPos(0)
	if err := cr.fieldsFor(rec, cr.fields, cr.headLine); err != nil {
		return countsRow{}, err
	}
	var v [8]float64
	for k, i := range cr.col {
		if i < 0 {
			continue
		}
		x, err := parseCount(rec[i])
		if err != nil {
			l, _ := cr.csv.FieldPos(i)
			return countsRow{}, usagef("%s line %d, column %d (%s): %v", cr.path, l, i+1, countFlags[k].name, err)
		}
		v[k] = x
	}
	row := countsRow{line: line, counts: countsOf(v, cr.hasDC), hasBuffer: cr.col[2] >= 0}
	if cr.label >= 0 {
		row.label = rec[cr.label]
	}
	if cr.weight >= 0 {
		text := strings.TrimSpace(rec[cr.weight])
		w, err := strconv.ParseFloat(text, 64)
		if err != nil || !(w >= 0) || math.IsInf(w, 0) {
			l, _ := cr.csv.FieldPos(cr.weight)
			return countsRow{}, usagef("%s line %d, column %d (weight): %q is not allowed: a harm weight is a number from 0 up, such as 1 or 2.5", cr.path, l, cr.weight+1, rec[cr.weight])
		}
		row.weight = w
	}
	return row, nil
}

// maxHarmTypes bounds the crime types of a -harm file, which is read whole.
const maxHarmTypes = 100_000

// displaceHarm reads the crime types of a -harm file and prints their
// harm-weighted WDD, as a table or JSON.
func displaceHarm(path string, opt wddOptions, asJSON bool, stdout io.Writer) error {
	f, err := input.Open(path, "harm file")
	if err != nil {
		return err
	}
	defer f.Close()
	cr, err := newCountsReader(f, path, true)
	if err != nil {
		return err
	}
	var types []metrics.HarmType
	for {
		row, err := cr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if len(types) == maxHarmTypes {
			return usagef("%s line %d: more than %d crime types; a harm-weighted WDD combines a few", path, row.line, maxHarmTypes)
		}
		if strings.TrimSpace(row.label) == "" {
			return usagef("%s line %d, column %d (type): the crime type is empty; name it, e.g. burglary", path, row.line, cr.label+1)
		}
		types = append(types, metrics.HarmType{Type: row.label, Weight: row.weight, Counts: row.counts, HasBuffer: row.hasBuffer})
	}
	if len(types) == 0 {
		return usagef("%s line %d is a header with no crime types after it", path, cr.headLine)
	}
	w := opt.w
	if !cr.hasDC {
		w.BufferControl = w.Control
	}
	h, err := metrics.WDDHarm(types, w, opt.alpha)
	if err != nil {
		return usagef("%s: %v", path, err)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(h)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	level := fmt.Sprintf("%g%% CI", 100*(1-opt.alpha))
	fmt.Fprintf(tw, "crime type\tharm weight\tWDD\tSE\tz\t%s\t\n", level)
	for i, ty := range types {
		e := h.WDD[i].Total
		if !ty.HasBuffer {
			e = h.WDD[i].Treatment
		}
		fmt.Fprintf(tw, "%s\t%g\t%s\n", ty.Type, ty.Weight, estimateCells(e))
	}
	fmt.Fprintf(tw, "harm-weighted WDD\t\t%s\n", estimateCells(h.Harm))
	tw.Flush()
	fmt.Fprintln(stdout, "The harm-weighted WDD is the sum over the crime types of harm weight x WDD (the treatment part alone for a type without buffer counts); its variance the sum of weight^2 x the WDD's variance (Wheeler 2020, ptools::wdd_harm).")
	return nil
}

// estimateCells are an estimate's value, SE, z and interval as tab-separated cells.
func estimateCells(e metrics.Estimate) string {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
	return fmt.Sprintf("%s\t%s\t%s\t%s to %s\t", g(e.Estimate), g(e.SE), fmtValue(e.Z), g(e.CILow), g(e.CIHigh))
}
