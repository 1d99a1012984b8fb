package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dropsim/cmd/internal/output"
	"dropsim/sim"
)

// short writes a 70-day variant of the crackdown scenario, fast enough for tests.
func short(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile("../../scenarios/crackdown.toml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	if !strings.Contains(text, "\ndays = ") {
		t.Fatal("crackdown.toml does not set days; the test needs to shorten it")
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "days = ") {
			lines[i] = "days = 70"
		}
		if strings.HasPrefix(l, "end_day = ") {
			lines[i] = "end_day = 70"
		}
	}
	path := filepath.Join(t.TempDir(), "short.toml")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func dropsim(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestRunWritesTablesAndManifest(t *testing.T) {
	scen := short(t)
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := dropsim("run", scen, "-out", out, "-seed", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "results in "+out) {
		t.Errorf("stdout does not name the directory: %q", stdout)
	}
	var man output.Manifest
	b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if !man.Complete || man.Seed != 3 || man.Days != 70 || man.Ticks != 70*24 {
		t.Errorf("manifest: complete %v seed %d days %d ticks %d", man.Complete, man.Seed, man.Days, man.Ticks)
	}
	// drops.csv has one row per placed drop, and its outcomes agree with the counts.
	drops := readCSV(t, filepath.Join(out, "drops.csv"))
	if got := len(drops) - 1; got != man.Counts.Placed {
		t.Errorf("drops.csv has %d rows, manifest says %d drops placed", got, man.Counts.Placed)
	}
	byOutcome := map[string]int{}
	for _, r := range drops[1:] {
		byOutcome[r[7]]++
	}
	for o := sim.Outcome(0); o < sim.NumOutcomes; o++ {
		if byOutcome[o.String()] != man.Counts.Outcomes[o] {
			t.Errorf("outcome %s: %d rows, manifest %d", o, byOutcome[o.String()], man.Counts.Outcomes[o])
		}
	}
	arrests := readCSV(t, filepath.Join(out, "arrests.csv"))
	total := 0
	for _, n := range man.Counts.Arrests {
		total += n
	}
	if len(arrests)-1 != total {
		t.Errorf("arrests.csv has %d rows, manifest %d arrests", len(arrests)-1, total)
	}
	// daily.csv: the daily drops_placed add up to the drops placed.
	daily := readCSV(t, filepath.Join(out, "daily.csv"))
	placed := 0.0
	days := map[string]bool{}
	for _, r := range daily[1:] {
		days[r[0]] = true
		if r[1] == "drops_placed" {
			v, _ := strconv.ParseFloat(r[2], 64)
			placed += v
		}
	}
	if int(placed) != man.Counts.Placed || len(days) != 70 {
		t.Errorf("daily.csv: %v drops over %d days, want %d over 70", placed, len(days), man.Counts.Placed)
	}
	// The directory holds exactly the files the manifest lists: no
	// temporary files are left.
	var found []string
	filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, path)
			found = append(found, filepath.ToSlash(rel))
		}
		return err
	})
	slices.Sort(found)
	listed := slices.Sorted(slices.Values(man.Files))
	if !slices.Equal(found, listed) {
		t.Errorf("output holds %v, manifest lists %v", found, listed)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestRunIsDeterministic(t *testing.T) {
	scen := short(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if code, _, stderr := dropsim("run", scen, "-out", dir, "-seed", "11"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	for _, f := range []string{"drops.csv", "arrests.csv", "daily.csv"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed (%d vs %d bytes)", f, len(x), len(y))
		}
	}
}

func TestRunRefusesToOverwrite(t *testing.T) {
	scen := short(t)
	out := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := dropsim("run", scen, "-out", out); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	code, _, stderr := dropsim("run", scen, "-out", out)
	if code != 2 || !strings.Contains(stderr, "-force") || !strings.Contains(stderr, out) {
		t.Fatalf("second run without -force: exit %d, stderr %q", code, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
	if !bytes.Equal(before, after) {
		t.Error("the refused run changed manifest.json")
	}
	if code, _, stderr := dropsim("run", scen, "-out", out, "-force", "-seed", "2"); code != 0 {
		t.Fatalf("run with -force: exit %d: %s", code, stderr)
	}
}

func TestBadInputExitsTwo(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("days = 10\n[stasher]\nquota = -3\n"), 0o644)
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"no command", nil, []string{"Usage"}},
		{"unknown command", []string{"fly"}, []string{`unknown command "fly"`}},
		{"missing file", []string{"run", filepath.Join(dir, "nope.toml")}, []string{"nope.toml", "does not exist"}},
		{"bad value", []string{"run", bad, "-out", filepath.Join(dir, "o")}, []string{"bad.toml line 3", "stasher.quota", "-3"}},
		{"two files", []string{"validate", bad, bad}, []string{"one scenario file"}},
		{"bad flag", []string{"run", bad, "-seeed", "3"}, []string{"-seeed"}},
	}
	for _, c := range cases {
		code, _, stderr := dropsim(c.args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", c.name, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", c.name, stderr, w)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Error("a bad scenario left an output directory behind")
	}
}

func TestValidatePrintsWhatRunAccepts(t *testing.T) {
	code, resolved, stderr := dropsim("validate", "../../scenarios/crackdown.toml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, key := range []string{"find_prob", "area_radius", "[[police.group]]", "strategy = \"area\""} {
		if !strings.Contains(resolved, key) {
			t.Errorf("resolved scenario lacks %q", key)
		}
	}
	path := filepath.Join(t.TempDir(), "resolved.toml")
	os.WriteFile(path, []byte(resolved), 0o644)
	code, again, stderr := dropsim("validate", path)
	if code != 0 || again != resolved {
		t.Errorf("validate of its own output: exit %d, same text %v (%s)", code, again == resolved, stderr)
	}
}

// TestHelpAndVersion: dropsim help shows every run flag (-q was missing),
// validate -h shows -set,
// a command without flags has no empty "Flags:" heading, and dropsim
// version prints the version the manifest records.
func TestHelpAndVersion(t *testing.T) {
	code, help, _ := dropsim("help")
	if code != 0 || !strings.Contains(help, "[-q]") || !strings.Contains(help, "dropsim version") || !strings.Contains(help, "-force replaces only dropsim's own files") {
		t.Errorf("help (exit %d):\n%s", code, help)
	}
	code, _, usage := dropsim("validate", "-h")
	if code != 0 || !strings.Contains(usage, "-set KEY=VALUE") || !strings.Contains(usage, "Usage: dropsim validate SCENARIO [-set KEY=VALUE]...") {
		t.Errorf("validate -h (exit %d):\n%s", code, usage)
	}
	// Every command has flags now; one without gets no empty heading.
	var b bytes.Buffer
	newFlags("none", "ARG", "dropsim none x", &b).Usage()
	if strings.Contains(b.String(), "Flags:") || !strings.Contains(b.String(), "Usage: dropsim none ARG") {
		t.Errorf("usage of a command without flags:\n%s", b.String())
	}
	code, _, usage = dropsim("run", "-h")
	if code != 0 || !strings.Contains(usage, "Flags:") || !strings.Contains(usage, "-q\tno progress bar") {
		t.Errorf("run -h (exit %d):\n%s", code, usage)
	}
	for _, arg := range []string{"version", "--version"} {
		code, out, _ := dropsim(arg)
		if code != 0 || !strings.HasPrefix(out, "dropsim "+version()+" (go") {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
}
