package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"dropsim/sim/metrics"
)

// countFlags are the -rb ... -dca flags, in the order of Counts.
var countFlags = []struct{ name, help string }{
	{"rb", "events in the treatment area before"},
	{"ra", "events in the treatment area after"},
	{"bb", "events in the buffer before"},
	{"ba", "events in the buffer after"},
	{"cb", "events in the control area before"},
	{"ca", "events in the control area after"},
	{"dcb", "events in the buffer's own control area before (optional, with -dca)"},
	{"dca", "events in the buffer's own control area after (optional, with -dcb)"},
}

// displacementResult is one evaluation, as printed or written as JSON.
type displacementResult struct {
	Label  string            `json:"label,omitempty"`
	Counts metrics.Counts    `json:"counts"`
	WDQ    metrics.WDQResult `json:"wdq"`
	WDD    metrics.WDDResult `json:"wdd"`
}

func cmdDisplacement(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("displacement", "-rb N -ra N -bb N -ba N -cb N -ca N [-dcb N -dca N] [-json]  or  -csv FILE [-json]",
		"dropsim displacement -rb 120 -ra 60 -bb 80 -ba 95 -cb 1000 -ca 1010", stderr)
	vals := make([]*float64, len(countFlags))
	for i, f := range countFlags {
		vals[i] = fs.Float64(f.name, 0, f.help)
	}
	csvPath := fs.String("csv", "", "a CSV file of counts, one evaluation per row: columns rb, ra, bb, ba, cb, ca, optionally dcb, dca and a label column")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
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

	var results []displacementResult
	if *csvPath != "" {
		for _, f := range countFlags {
			if set[f.name] {
				return usagef("give the counts either as flags or with -csv, not both (-%s and -csv)", f.name)
			}
		}
		rows, err := readCountsCSV(*csvPath)
		if err != nil {
			return err
		}
		for _, r := range rows {
			res, err := evaluate(r.counts)
			if err != nil {
				return usagef("%s line %d: %v", *csvPath, r.line, err)
			}
			res.Label = r.label
			results = append(results, res)
		}
	} else {
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
		c := metrics.Counts{Rb: *vals[0], Ra: *vals[1], Bb: *vals[2], Ba: *vals[3], Cb: *vals[4], Ca: *vals[5],
			DCb: *vals[6], DCa: *vals[7], HasBufferControl: set["dcb"]}
		res, err := evaluate(c)
		if err != nil {
			return usagef("%v", err)
		}
		results = append(results, res)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if *csvPath == "" {
			return enc.Encode(results[0])
		}
		return enc.Encode(results)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printDisplacement(stdout, r)
	}
	return nil
}

func evaluate(c metrics.Counts) (displacementResult, error) {
	q, err := metrics.WDQ(c)
	if err != nil {
		return displacementResult{}, err
	}
	d, err := metrics.WDD(c)
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
	fmt.Fprintln(tw, "measure\tvalue\tSE\tz\t")
	var notes []string
	row := func(name string, v metrics.Value) {
		fmt.Fprintf(tw, "%s\t%s\t\t\t\n", name, fmtValue(v))
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", e.name, strconv.FormatFloat(e.est.Estimate, 'g', 4, 64),
			strconv.FormatFloat(e.est.SE, 'g', 4, 64), fmtValue(e.est.Z))
		if !e.est.Z.Defined && !slices.Contains(notes, e.est.Z.Reason) {
			notes = append(notes, e.est.Z.Reason)
		}
	}
	tw.Flush()
	if r.WDQ.WDQ.Defined {
		fmt.Fprintln(w, r.WDQ.Interpretation)
	}
	if r.WDD.SharedControl {
		fmt.Fprintln(w, "The buffer is compared with the same control area; the WDD's variance counts the control 4 times.")
	}
	for _, n := range notes {
		fmt.Fprintln(w, "undefined: "+n)
	}
}

type countsRow struct {
	line   int
	label  string
	counts metrics.Counts
}

// readCountsCSV reads counts by column name; any other column is a label.
func readCountsCSV(path string) ([]countsRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("-csv: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 0
	head, err := r.Read()
	if err == io.EOF {
		return nil, usagef("%s is empty; its first line must name the columns rb, ra, bb, ba, cb, ca (and optionally dcb, dca and a label)", path)
	}
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	col := map[string]int{}
	label := -1
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, f := range countFlags {
			if h == f.name {
				col[h], known = i, true
			}
		}
		if !known && label < 0 {
			label = i
		}
	}
	var missing []string
	for _, f := range countFlags[:6] {
		if _, ok := col[f.name]; !ok {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, usagef("%s line 1: the header has no column %s; it must name rb, ra, bb, ba, cb, ca (and optionally dcb, dca)", path, strings.Join(missing, ", "))
	}
	_, hasDCb := col["dcb"]
	_, hasDCa := col["dca"]
	if hasDCb != hasDCa {
		return nil, usagef("%s line 1: give both columns dcb and dca, or neither", path)
	}
	var rows []countsRow
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, usagef("%s: %v", path, err)
		}
		v := map[string]float64{}
		for name, i := range col {
			x, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
			if err != nil {
				return nil, usagef("%s line %d: column %s = %q is not a number", path, line, name, rec[i])
			}
			v[name] = x
		}
		row := countsRow{line: line, counts: metrics.Counts{Rb: v["rb"], Ra: v["ra"], Bb: v["bb"], Ba: v["ba"], Cb: v["cb"], Ca: v["ca"],
			DCb: v["dcb"], DCa: v["dca"], HasBufferControl: hasDCb}}
		if label >= 0 {
			row.label = rec[label]
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, usagef("%s has a header but no rows of counts", path)
	}
	return rows, nil
}
