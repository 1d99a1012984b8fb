package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"dropsim/cmd/internal/output"
	"dropsim/sim"
)

// testSweep writes a small sweep: no crackdown against a crackdown of 10
// or 30 units from day 20 of 40, 3 replicates (12 runs), and returns its
// path. extra is added to the file's top level.
func testSweep(t *testing.T, replicates int, extra string) string {
	t.Helper()
	scen, err := filepath.Abs("../../scenarios/crackdown.toml")
	if err != nil {
		t.Fatal(err)
	}
	common := `"days=40", "police.group[1].start_day=20", "police.group[1].end_day=40", "police.group[2].end_day=40"`
	text := fmt.Sprintf(`name = "t"
description = "a test sweep"
seed = 3
replicates = %d
baseline = "none"
%s

[[arm]]
name = "none"
scenario = %q
set = [%s, "police.group[1].count=0"]

[[arm]]
name = "crackdown"
scenario = %q
set = [%s]

[[parameter]]
key = "police.group[1].count"
values = [10, 30]
arms = ["crackdown"]
`, replicates, extra, scen, common, scen, common)
	path := filepath.Join(t.TempDir(), "t.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// column finds a column by name.
func column(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, header)
	}
	return i
}

// sameFiles checks that two sweep directories hold byte-identical files,
// but sweep.json (which records times).
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	var names []string
	filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != SweepManifestFile && d.Name() != ".dropsim.lock" {
			rel, _ := filepath.Rel(a, p)
			names = append(names, rel)
		}
		return nil
	})
	if len(names) < 5 {
		t.Fatalf("%s holds only %v", a, names)
	}
	for _, n := range names {
		x, err1 := os.ReadFile(filepath.Join(a, n))
		y, err2 := os.ReadFile(filepath.Join(b, n))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s (%v, %v)", n, a, b, err1, err2)
		}
	}
}

func TestSweepFilesDoNotDependOnWorkers(t *testing.T) {
	sw := testSweep(t, 3, "")
	base := t.TempDir()
	one, three := filepath.Join(base, "one"), filepath.Join(base, "three")
	for _, c := range []struct{ dir, workers string }{{one, "1"}, {three, "3"}} {
		code, stdout, stderr := dropsim("sweep", sw, "-out", c.dir, "-workers", c.workers, "-q", "-formats", "png")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", c.workers, code, stderr)
		}
		if !strings.Contains(stdout, "12 runs (2 arms x 2 design points x 3 replicates)") {
			t.Errorf("stdout: %q", stdout)
		}
	}
	sameFiles(t, one, three)
	runs := readCSV(t, filepath.Join(one, "runs.csv"))
	if len(runs) != 13 {
		t.Fatalf("runs.csv has %d lines, want a header and 12 runs", len(runs))
	}
	for i, r := range runs[1:] {
		if r[0] != strconv.Itoa(i) {
			t.Fatalf("row %d is run %s: not in run-id order", i+1, r[0])
		}
	}
	// The crackdown has a treatment area, so the sweep draws its rings.
	for _, f := range []string{"summary.csv", "contrasts.csv", "calibration.csv", "report.html", "failures.csv", "daily.csv", "figures/rings.png"} {
		if _, err := os.Stat(filepath.Join(one, f)); err != nil {
			t.Errorf("no %s: %v", f, err)
		}
	}
}

// TestSweepSummaryAgreesWithRuns recomputes summary.csv and contrasts.csv
// from runs.csv with gonum's slice functions.
func TestSweepSummaryAgreesWithRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := dropsim("sweep", testSweep(t, 4, ""), "-out", out, "-q", "-no-plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	runs := readCSV(t, filepath.Join(out, "runs.csv"))
	h := runs[0]
	armC, pointC, repC, seedC := column(t, h, "arm"), column(t, h, "point"), column(t, h, "replicate"), column(t, h, "seed")
	// Common random numbers: replicate r has one seed in every arm and point.
	seeds := map[string]string{}
	for _, r := range runs[1:] {
		if s, ok := seeds[r[repC]]; ok && s != r[seedC] {
			t.Fatalf("replicate %s has seeds %s and %s", r[repC], s, r[seedC])
		}
		seeds[r[repC]] = r[seedC]
	}
	if len(seeds) != 4 {
		t.Fatalf("%d seeds, want one per replicate (4)", len(seeds))
	}
	values := func(measure, arm, point string) (xs []float64, byRep map[string]float64) {
		c := column(t, h, measure)
		byRep = map[string]float64{}
		for _, r := range runs[1:] {
			if r[armC] == arm && r[pointC] == point && r[c] != "" {
				x, err := strconv.ParseFloat(r[c], 64)
				if err != nil {
					t.Fatal(err)
				}
				xs = append(xs, x)
				byRep[r[repC]] = x
			}
		}
		return xs, byRep
	}
	tq := func(n int) float64 { return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975) }
	near := func(cell string, want float64) bool {
		x, err := strconv.ParseFloat(cell, 64)
		return err == nil && math.Abs(x-want) <= 1e-9*math.Max(1, math.Abs(want))
	}
	sum := readCSV(t, filepath.Join(out, "summary.csv"))
	sh := sum[0]
	checked := 0
	for _, r := range sum[1:] {
		m := r[column(t, sh, "measure")]
		if m != "placed" && m != "drops_placed_Ra" && m != "drops_placed_wdd" {
			continue
		}
		xs, _ := values(m, r[column(t, sh, "arm")], r[column(t, sh, "point")])
		if len(xs) < 2 {
			t.Fatalf("%s of %s: %d defined replicates; the test needs 2 or more", m, r[column(t, sh, "arm")], len(xs))
		}
		mean, sd := stat.MeanStdDev(xs, nil)
		half := tq(len(xs)) * sd / math.Sqrt(float64(len(xs)))
		if r[column(t, sh, "n")] != strconv.Itoa(len(xs)) || !near(r[column(t, sh, "mean")], mean) ||
			!near(r[column(t, sh, "ci_low")], mean-half) || !near(r[column(t, sh, "ci_high")], mean+half) {
			t.Errorf("summary %v, want n %d mean %g [%g, %g]", r, len(xs), mean, mean-half, mean+half)
		}
		checked++
	}
	if checked != 12 {
		t.Errorf("checked %d summary rows, want 3 measures x 2 arms x 2 points", checked)
	}
	con := readCSV(t, filepath.Join(out, "contrasts.csv"))
	ch := con[0]
	checked = 0
	for _, r := range con[1:] {
		m := r[column(t, ch, "measure")]
		if m != "placed" && m != "drops_placed_Ra" {
			continue
		}
		_, arm := values(m, "crackdown", r[column(t, ch, "point")])
		_, base := values(m, "none", r[column(t, ch, "point")])
		var d []float64
		for rep, x := range arm {
			d = append(d, x-base[rep])
		}
		slices.Sort(d) // the mean does not depend on the order; fix it for reproducible sums
		mean, sd := stat.MeanStdDev(d, nil)
		half := tq(len(d)) * sd / math.Sqrt(float64(len(d)))
		if !near(r[column(t, ch, "paired_mean")], mean) || !near(r[column(t, ch, "paired_ci_high")], mean+half) {
			t.Errorf("contrast %v, want paired %g +- %g", r, mean, half)
		}
		checked++
	}
	if checked != 4 {
		t.Errorf("checked %d contrasts, want 2 measures x 2 points", checked)
	}
	// The placebo calibration, counted from runs.csv: the baseline's runs
	// are the same at both points (no parameter applies to it), so it is
	// given once, for point 0.
	cal := readCSV(t, filepath.Join(out, "calibration.csv"))
	if len(cal) != 1+12 {
		t.Fatalf("calibration.csv has %d rows, want 12 (4 z measures x 3 series, once)", len(cal)-1)
	}
	zc := column(t, h, "drops_placed_wdd_z")
	runsN, over := 0, 0
	for _, r := range runs[1:] {
		if r[armC] == "none" && r[pointC] == "0" && r[zc] != "" {
			z, _ := strconv.ParseFloat(r[zc], 64)
			runsN++
			if math.Abs(z) > 1.96 {
				over++
			}
		}
	}
	ch = cal[0]
	if r := cal[1]; r[column(t, ch, "z_measure")] != "drops_placed_wdd_z" || r[column(t, ch, "runs")] != strconv.Itoa(runsN) || r[column(t, ch, "abs_z_over_1.96")] != strconv.Itoa(over) {
		t.Errorf("calibration %v, want %d of %d runs over 1.96", r, over, runsN)
	}
}

// TestSweepPairingNarrowsTheInterval: before the crackdown starts (day 20)
// both arms of a replicate play the same market, so the paired difference
// of the before-period counts (here the control area's drops) is far
// narrower than the unpaired one.
func TestSweepPairingNarrowsTheInterval(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := dropsim("sweep", testSweep(t, 5, ""), "-out", out, "-q", "-no-plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	con := readCSV(t, filepath.Join(out, "contrasts.csv"))
	h := con[0]
	found := false
	for _, r := range con[1:] {
		if r[column(t, h, "measure")] != "drops_placed_Cb" {
			continue
		}
		found = true
		ratio, err := strconv.ParseFloat(r[column(t, h, "width_ratio")], 64)
		if err != nil || ratio >= 0.5 {
			t.Errorf("control drops before the crackdown at point %s: paired/unpaired width ratio %q, want well below 1 (common random numbers)", r[column(t, h, "point")], r[column(t, h, "width_ratio")])
		}
	}
	if !found {
		t.Fatal("no contrast of drops_placed_Cb")
	}
}

// shellWords splits a command line printed by -explain (single quotes only).
func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	in, any := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			in, any = !in, true
		case r == ' ' && !in:
			if any {
				words = append(words, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		words = append(words, cur.String())
	}
	return words
}

// TestSweepExplainReproducesARun plays the command -explain prints for a
// run of the crackdown arm and for one of the baseline (whose file has its
// own zones only through the sweep), and checks that its measures are the
// run's row of runs.csv.
func TestSweepExplainReproducesARun(t *testing.T) {
	sw := testSweep(t, 2, "")
	// The no-crackdown arm plays baseline.toml, which has no zones: it is
	// measured in the crackdown's, which the command must carry.
	text, _ := os.ReadFile(sw)
	base, _ := filepath.Abs("../../scenarios/baseline.toml")
	arm := regexp.MustCompile(`(?s)name = "none"\nscenario = "[^"]*"\nset = \[[^\]]*\]\]?[^\n]*`)
	text = arm.ReplaceAll(text, []byte(fmt.Sprintf(`name = "none"`+"\nscenario = %q\nset = [\"days=40\"]", base)))
	if !bytes.Contains(text, []byte("baseline.toml")) {
		t.Fatalf("the test sweep did not change: %s", text)
	}
	os.WriteFile(sw, text, 0o644)
	out := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := dropsim("sweep", sw, "-out", out, "-q", "-no-plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	runs := readCSV(t, filepath.Join(out, "runs.csv"))
	h := runs[0]
	for _, id := range []int{6, 7} { // point 1, replicate 1: none, crackdown
		code, stdout, stderr := dropsim("sweep", sw, "-explain", strconv.Itoa(id))
		if code != 0 {
			t.Fatalf("explain: exit %d: %s", code, stderr)
		}
		words := shellWords(strings.TrimSpace(stdout))
		if len(words) < 4 || words[0] != "dropsim" || words[1] != "run" {
			t.Fatalf("explain printed %q", stdout)
		}
		dir := filepath.Join(t.TempDir(), "run")
		for i, w := range words {
			if w == "-out" {
				words[i+1] = dir
			}
		}
		if code, _, stderr := dropsim(append(words[1:], "-no-plots", "-q")...); code != 0 {
			t.Fatalf("%s: exit %d: %s", stdout, code, stderr)
		}
		rows := readCSV(t, filepath.Join(dir, "measures.csv"))
		got := map[string]string{}
		for _, r := range rows[1:] {
			if r[1] == "" {
				got[r[0]+"_"+r[2]] = r[3]
			}
		}
		row := runs[id+1]
		for _, m := range []string{"drops_placed_Rb", "drops_placed_Ra", "drops_placed_Ba", "drops_placed_wdq", "seizures_Ca"} {
			if want := row[column(t, h, m)]; got[m] != want {
				t.Errorf("run %d: %s = %q alone, %q in the sweep", id, m, got[m], want)
			}
		}
	}
}

func TestSweepResumeAfterInterrupt(t *testing.T) {
	sw := testSweep(t, 6, "") // 24 runs
	base := t.TempDir()
	whole, cut := filepath.Join(base, "whole"), filepath.Join(base, "cut")
	if code, _, stderr := dropsim("sweep", sw, "-out", whole, "-q", "-formats", "png", "-workers", "2"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cmd := exec.Command(os.Args[0], "sweep", sw, "-out", cut, "-q", "-formats", "png", "-workers", "2")
	cmd.Env = append(os.Environ(), "DROPSIM_RUN_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once a few runs are in runs.csv.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(cut, "runs.csv"))
		if bytes.Count(b, []byte("\n")) >= 4 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if code != 130 {
		t.Fatalf("exit %d (%v), want 130: %s", code, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "-resume") {
		t.Errorf("the message does not say how to resume: %s", stderr.String())
	}
	rows := readCSV(t, filepath.Join(cut, "runs.csv"))
	if len(rows) >= 25 {
		t.Fatalf("the sweep finished (%d rows) before the signal; the test needs a longer sweep", len(rows))
	}
	if _, err := os.Stat(filepath.Join(cut, "summary.csv")); err == nil {
		t.Error("an interrupted sweep wrote summary.csv")
	}
	// Without -resume the directory is refused.
	if code, _, stderr := dropsim("sweep", sw, "-out", cut, "-q"); code != 2 || !strings.Contains(stderr, "-resume") {
		t.Errorf("a second sweep without -resume: exit %d: %s", code, stderr)
	}
	code, _, serr := dropsim("sweep", sw, "-out", cut, "-q", "-formats", "png", "-resume")
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, serr)
	}
	if !strings.Contains(serr, "resuming") {
		t.Errorf("resume did not say what it resumed: %s", serr)
	}
	sameFiles(t, whole, cut)
}

func TestSweepResumeRefusesAChangedSweep(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := dropsim("sweep", testSweep(t, 2, ""), "-out", out, "-q", "-no-plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	code, _, stderr := dropsim("sweep", testSweep(t, 3, ""), "-out", out, "-q", "-no-plots", "-resume")
	if code != 2 || !strings.Contains(stderr, "fingerprint") {
		t.Errorf("resume with 3 replicates over 2: exit %d: %s", code, stderr)
	}
	// -force replaces the sweep's own files and keeps the others.
	mine := filepath.Join(out, "notes.txt")
	os.WriteFile(mine, []byte("keep me"), 0o644)
	if code, _, stderr := dropsim("sweep", testSweep(t, 3, ""), "-out", out, "-q", "-no-plots", "-force"); code != 0 {
		t.Fatalf("-force: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "keep me" {
		t.Errorf("-force touched a file dropsim did not write: %q, %v", b, err)
	}
	if rows := readCSV(t, filepath.Join(out, "runs.csv")); len(rows) != 13 {
		t.Errorf("after -force runs.csv has %d lines, want 13", len(rows))
	}
}

func TestSweepRecordsAFailedRunAndGoesOn(t *testing.T) {
	defer func(f func(int) error) { failRun = f }(failRun)
	failRun = func(id int) error {
		if id == 5 {
			return fmt.Errorf("a test failure")
		}
		return nil
	}
	out := filepath.Join(t.TempDir(), "s")
	code, _, stderr := dropsim("sweep", testSweep(t, 3, ""), "-out", out, "-q", "-no-plots")
	if code != 1 || !strings.Contains(stderr, "1 run failed") {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	fails := readCSV(t, filepath.Join(out, "failures.csv"))
	if len(fails) != 2 || fails[1][0] != "5" || !strings.Contains(fails[1][len(fails[1])-1], "a test failure") {
		t.Fatalf("failures.csv: %v", fails)
	}
	if rows := readCSV(t, filepath.Join(out, "runs.csv")); len(rows) != 12 {
		t.Errorf("runs.csv has %d lines, want the header and 11 runs", len(rows))
	}
	sum := readCSV(t, filepath.Join(out, "summary.csv"))
	h := sum[0]
	for _, r := range sum[1:] {
		// Run 5 is point 0, replicate 2, arm crackdown.
		if r[column(t, h, "arm")] == "crackdown" && r[0] != "" && r[column(t, h, "point")] == "0" && r[column(t, h, "measure")] == "placed" && r[column(t, h, "n")] != "2" {
			t.Errorf("summary of the point with the failed run: n = %s, want 2", r[column(t, h, "n")])
		}
	}
}

func TestSweepParquetTwinsEqualTheirCSV(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := dropsim("sweep", testSweep(t, 2, ""), "-out", out, "-q", "-no-plots", "-format", "parquet"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, n := range []string{"runs", "daily"} {
		header, rows, err := output.ReadParquetRows(filepath.Join(out, n+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		want := readCSV(t, filepath.Join(out, n+".csv"))
		if !slices.Equal(header, want[0]) || len(rows) != len(want)-1 {
			t.Fatalf("%s.parquet: %d columns, %d rows; %s.csv: %d, %d", n, len(header), len(rows), n, len(want[0]), len(want)-1)
		}
		for i := range rows {
			if !slices.Equal(rows[i], want[i+1]) {
				t.Fatalf("%s.parquet row %d = %v, csv %v", n, i+1, rows[i], want[i+1])
			}
		}
	}
}

func TestSweepBadFileExitsTwo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(path, []byte("replicates = 0\n[[arm]]\nname = \"a\"\nscenario = \"nowhere.toml\"\n"), 0o644)
	code, _, stderr := dropsim("sweep", path, "-q")
	if code != 2 || !strings.Contains(stderr, "bad.toml line 1") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join("outputs", "bad")); err == nil {
		t.Error("a refused sweep made its output directory")
	}
}

// TestSweepCommonRandomNumbers: replicate r of every arm and design point
// plays the same city and the same buyers' orders until the crackdown
// starts (day 20); other replicates play other ones. keep_runs keeps each
// run's tables to compare.
func TestSweepCommonRandomNumbers(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s")
	if code, _, stderr := dropsim("sweep", testSweep(t, 2, "keep_runs = true"), "-out", out, "-q", "-no-plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Runs 0-3 are point 0 (none, crackdown x replicates 0, 1), 4-7 point 1.
	ordersBefore := func(id int) string {
		var b strings.Builder
		for _, r := range readCSV(t, filepath.Join(out, "runs", strconv.Itoa(id), "daily.csv"))[1:] {
			if day, _ := strconv.Atoi(r[0]); r[1] == "orders" && day < 20 {
				b.WriteString(r[2] + " ")
			}
		}
		return b.String()
	}
	land := func(id int) string {
		b, err := os.ReadFile(filepath.Join(out, "runs", strconv.Itoa(id), output.LandUseFile))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, rep := range []int{0, 1} {
		first := rep * 2 // arm none, point 0
		for _, id := range []int{rep*2 + 1, 4 + rep*2, 4 + rep*2 + 1} {
			if ordersBefore(id) != ordersBefore(first) {
				t.Errorf("replicate %d: run %d's daily orders before day 20 differ from run %d's:\n%s\n%s", rep, id, first, ordersBefore(id), ordersBefore(first))
			}
			if land(id) != land(first) {
				t.Errorf("replicate %d: run %d's city differs from run %d's", rep, id, first)
			}
		}
	}
	if ordersBefore(0) == ordersBefore(2) {
		t.Error("replicates 0 and 1 have the same orders: their seeds are not different")
	}
	// A kept run is a run directory dropsim plot can draw.
	if code, _, stderr := dropsim("plot", filepath.Join(out, "runs", "5"), "-formats", "png"); code != 0 {
		t.Errorf("dropsim plot of a kept run: exit %d: %s", code, stderr)
	}
	// -force replaces the kept runs, and nothing a user put beside them.
	mine := filepath.Join(out, "runs", "5", "my-notes.txt")
	os.WriteFile(mine, []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(out, "runs", "README"), []byte("mine"), 0o644)
	if code, _, stderr := dropsim("sweep", testSweep(t, 1, ""), "-out", out, "-q", "-no-plots", "-force"); code != 0 {
		t.Fatalf("-force: exit %d: %s", code, stderr)
	}
	for _, f := range []string{mine, filepath.Join(out, "runs", "README")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("-force removed %s, which dropsim did not write", f)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "runs", "4")); err == nil {
		t.Error("-force left the earlier sweep's kept run 4")
	}
}

// TestSweepResumeAfterAKill: a process killed between a run's daily rows
// and its row in runs.csv leaves daily rows of a run that is not done; the
// resumed sweep cuts them and gives the uninterrupted sweep's files.
func TestSweepResumeAfterAKill(t *testing.T) {
	sw := testSweep(t, 2, "")
	base := t.TempDir()
	whole, cut := filepath.Join(base, "whole"), filepath.Join(base, "cut")
	for _, d := range []string{whole, cut} {
		if code, _, stderr := dropsim("sweep", sw, "-out", d, "-q", "-no-plots"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	// Runs 5-7 never reached runs.csv; the last one's row is cut short.
	b, _ := os.ReadFile(filepath.Join(cut, "runs.csv"))
	lines := bytes.SplitAfter(b, []byte("\n"))
	kept := bytes.Join(lines[:1+5], nil)
	kept = append(kept, lines[6][:len(lines[6])/2]...)
	os.WriteFile(filepath.Join(cut, "runs.csv"), kept, 0o644)
	for _, f := range []string{"summary.csv", "contrasts.csv", "calibration.csv"} {
		os.Remove(filepath.Join(cut, f))
	}
	if code, _, stderr := dropsim("sweep", sw, "-out", cut, "-q", "-no-plots", "-resume"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	sameFiles(t, whole, cut)
}

// TestSweepPlaysARepeatedRunOnce: the no-crackdown arm, which the
// parameter does not apply to, is the same run at both design points; it
// is played once and copied, and the files are those of a sweep that
// plays every run.
func TestSweepPlaysARepeatedRunOnce(t *testing.T) {
	defer func(f func(int) error, r bool) { failRun, reuseRuns = f, r }(failRun, reuseRuns)
	var played []int
	failRun = func(id int) error { played = append(played, id); return nil }
	sw := testSweep(t, 3, "")
	base := t.TempDir()
	for _, reuse := range []bool{true, false} {
		reuseRuns = reuse
		played = nil
		out := filepath.Join(base, strconv.FormatBool(reuse))
		if code, _, stderr := dropsim("sweep", sw, "-out", out, "-q", "-formats", "png", "-workers", "1"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// Runs 6, 8 and 10 are the no-crackdown arm at point 1.
		want := 12
		if reuse {
			want = 9
		}
		if len(played) != want || reuse && (slices.Contains(played, 6) || slices.Contains(played, 8) || slices.Contains(played, 10)) {
			t.Errorf("reuse %v: played runs %v, want %d", reuse, played, want)
		}
	}
	sameFiles(t, filepath.Join(base, "true"), filepath.Join(base, "false"))
}

// TestZoneSetsWriteEveryKey: the overrides that give every run the
// sweep's zones name every key of [zones] (the struct's toml tags), so
// that no arm keeps a zone setting of its own file.
func TestZoneSetsWriteEveryKey(t *testing.T) {
	sets := zoneSets(sim.DefaultParams().Zones)
	typ := reflect.TypeFor[sim.ZoneParams]()
	for i := range typ.NumField() {
		key := "zones." + typ.Field(i).Tag.Get("toml") + "="
		if !slices.ContainsFunc(sets, func(s string) bool { return strings.HasPrefix(s, key) }) {
			t.Errorf("zoneSets writes no %s", key)
		}
	}
	if len(sets) != typ.NumField() {
		t.Errorf("%d overrides for %d keys: %v", len(sets), typ.NumField(), sets)
	}
}

// TestSweepRingGeometry: the rings figure gets the rings' width and the
// cell size when every run has the same, and no width when a parameter
// varies it.
func TestSweepRingGeometry(t *testing.T) {
	s, err := setUpSweep(testSweep(t, 1, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.ringWidth != 5 || s.cellM != 100 {
		t.Errorf("ring width %d cells, cell size %g m, want crackdown.toml's 5 and 100", s.ringWidth, s.cellM)
	}
	s, err = setUpSweep(testSweep(t, 1, "[[parameter]]\nkey = \"zones.ring_width\"\nvalues = [3, 5]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.ringWidth != 0 || s.cellM != 100 {
		t.Errorf("with zones.ring_width varied: ring width %d cells, cell size %g m, want 0 (it differs) and 100", s.ringWidth, s.cellM)
	}
}
