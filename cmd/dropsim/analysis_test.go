package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"dropsim/cmd/internal/gis"
	"dropsim/cmd/internal/output"
)

// TestRunWritesMeasuresGISAndFigures checks a run's measures and GIS files
// against counts made independently from drops.csv's zone and period
// labels, and that the figures and report are there.
func TestRunWritesMeasuresGISAndFigures(t *testing.T) {
	scen := short(t)
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := dropsim("run", scen, "-out", out, "-formats", "png,pdf")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "WDQ") {
		t.Errorf("stdout has no headline: %q", stdout)
	}
	drops := readCSV(t, filepath.Join(out, "drops.csv"))
	head := drops[0]
	col := func(name string) int { return slices.Index(head, name) }
	zc, pc, xc, yc, oc := col("zone"), col("period"), col("x"), col("y"), col("outcome")
	count := map[string]float64{}
	perCell := map[string]map[[2]int]float64{"before": {}, "after": {}}
	outcomes := map[string]int{}
	inPeriod := map[string]float64{}
	for _, r := range drops[1:] {
		inPeriod[r[pc]]++
		letter := map[string]string{"treatment": "R", "buffer": "B", "control": "C"}[r[zc]]
		suffix := map[string]string{"before": "b", "after": "a"}[r[pc]]
		if letter != "" && suffix != "" {
			count[letter+suffix]++
		}
		if m, ok := perCell[r[pc]]; ok {
			x, _ := strconv.Atoi(r[xc])
			y, _ := strconv.Atoi(r[yc])
			m[[2]int{x, y}]++
		}
		outcomes[r[oc]]++
	}
	// measures.csv: the drop counts equal the counts of labelled rows.
	measures := readCSV(t, filepath.Join(out, "measures.csv"))
	if !slices.Equal(measures[0], output.MeasuresHeader) {
		t.Fatalf("measures.csv header %v", measures[0])
	}
	found := 0
	for _, r := range measures[1:] {
		if r[0] == "drops_placed" && r[1] == "" && len(r[2]) == 2 {
			v, _ := strconv.ParseFloat(r[3], 64)
			if v != count[r[2]] {
				t.Errorf("measures.csv %s = %v, drops.csv labels give %v", r[2], v, count[r[2]])
			}
			found++
		}
		if r[3] == "" && r[4] == "" {
			t.Errorf("measures.csv row %v: no value and no reason", r)
		}
		if strings.Contains(strings.ToLower(r[3]), "nan") || strings.Contains(strings.ToLower(r[3]), "inf") {
			t.Errorf("measures.csv row %v holds a non-number", r)
		}
	}
	if found != 6 {
		t.Errorf("measures.csv has %d of the 6 drop counts", found)
	}
	// summary.json agrees.
	var sum struct {
		Series []struct {
			Series string         `json:"series"`
			Counts map[string]any `json:"counts"`
		} `json:"series"`
	}
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil || json.Unmarshal(b, &sum) != nil || len(sum.Series) != 3 {
		t.Fatalf("summary.json: %v %s", err, b)
	}
	for _, k := range []string{"Rb", "Ra", "Bb", "Ba", "Cb", "Ca"} {
		if sum.Series[0].Counts[k] != any(count[k]) {
			t.Errorf("summary.json %s = %v, want %v", k, sum.Series[0].Counts[k], count[k])
		}
	}
	// drops.geojson: one point per drop, the same outcomes, map coordinates
	// of the cell centre (origin 0, 0, cell 100 m, y north).
	f, err := os.Open(filepath.Join(out, "drops.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	pts, err := gis.ReadPoints(f)
	f.Close()
	if err != nil || len(pts) != len(drops)-1 {
		t.Fatalf("drops.geojson: %d points (%v), drops.csv %d rows", len(pts), err, len(drops)-1)
	}
	gotOutcomes := map[string]int{}
	for i, p := range pts {
		gotOutcomes[p.Props["outcome"].(string)]++
		x, _ := strconv.ParseFloat(drops[i+1][xc], 64)
		y, _ := strconv.ParseFloat(drops[i+1][yc], 64)
		if p.X != (x+0.5)*100 || p.Y != (100-y-0.5)*100 {
			t.Fatalf("point %d at (%v, %v), drop at cell (%v, %v)", i, p.X, p.Y, x, y)
		}
	}
	if !mapsEqual(gotOutcomes, outcomes) {
		t.Errorf("geojson outcomes %v, drops.csv %v", gotOutcomes, outcomes)
	}
	// drops_before.asc and drops_after.asc: each cell's count.
	for _, period := range []string{"before", "after"} {
		r := readASC(t, filepath.Join(out, "drops_"+period+".asc"))
		total := 0.0
		for i, v := range r.Values {
			total += v
			if v != perCell[period][[2]int{i % 100, i / 100}] {
				t.Fatalf("drops_%s.asc cell %d = %v, drops.csv %v", period, i, v, perCell[period][[2]int{i % 100, i / 100}])
			}
		}
		if total != inPeriod[period] {
			t.Errorf("drops_%s.asc holds %v drops, drops.csv %v", period, total, inPeriod[period])
		}
		if r.XLL != 0 || r.YLL != 0 || r.CellSize != 100 || r.NCols != 100 || r.NRows != 100 {
			t.Errorf("drops_%s.asc header %+v", period, r)
		}
	}
	land := readASC(t, filepath.Join(out, "landuse.asc"))
	if len(land.Values) != 10000 {
		t.Errorf("landuse.asc has %d cells", len(land.Values))
	}
	for _, fig := range []string{"drops_by_zone", "density_before", "density_after", "density_change", "centroid_path", "arrests_by_role", "market"} {
		for _, ext := range []string{"png", "pdf"} {
			if fi, err := os.Stat(filepath.Join(out, "figures", fig+"."+ext)); err != nil || fi.Size() < 1000 {
				t.Errorf("figure %s.%s: %v", fig, ext, err)
			}
		}
		if _, err := os.Stat(filepath.Join(out, "figures", fig+".svg")); err == nil {
			t.Errorf("%s.svg written although -formats png,pdf", fig)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	text := regexp.MustCompile(`data:[^"]*`).ReplaceAll(html, nil) // base64 may spell anything
	if err != nil || !bytes.Contains(text, []byte("WDQ")) || bytes.Contains(text, []byte("NaN")) {
		t.Errorf("report.html: %v, %d bytes", err, len(html))
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func readASC(t *testing.T, path string) *gis.Raster {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := gis.ReadASC(f, path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPlotRebuildsTheRun: a run without plots and then dropsim plot gives
// the same measures, figures and report as a run with plots.
func TestPlotRebuildsTheRun(t *testing.T) {
	scen := short(t)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	if code, _, stderr := dropsim("run", scen, "-out", a, "-formats", "png,svg"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := dropsim("run", scen, "-out", b, "-no-plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(b, "figures")); err == nil {
		t.Fatal("-no-plots wrote figures")
	}
	if _, err := os.Stat(filepath.Join(b, "measures.csv")); err != nil {
		t.Fatal("-no-plots wrote no measures")
	}
	code, stdout, stderr := dropsim("plot", b, "-formats", "png,svg")
	if code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "rebuilt") {
		t.Errorf("plot stdout %q", stdout)
	}
	for _, f := range []string{"summary.json", "measures.csv", "figures/market.png", "figures/density_change.svg", "figures/animation.gif"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between run and run -no-plots + plot (%d vs %d bytes)", f, len(x), len(y))
		}
	}
	man, err := output.ReadManifest(b)
	if err != nil || !slices.Contains(man.Files, "report.html") || man.Files[len(man.Files)-1] != "manifest.json" {
		t.Errorf("manifest after plot lists %v (%v)", man.Files, err)
	}

	// plot prints the validated name, not what an edited manifest says.
	man.Scenario = "x\x1b[2J"
	if err := output.WriteManifest(b, man); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = dropsim("plot", b, "-formats", "png")
	raw := strings.ContainsFunc(stdout, func(r rune) bool { return r != '\n' && unicode.IsControl(r) })
	if code != 0 || raw || !strings.HasPrefix(stdout, man.Params.Name+": ") {
		t.Errorf("plot of an edited manifest: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
}

func TestPlotBadInput(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"plot", filepath.Join(empty, "missing")}, "no manifest.json"},
		{[]string{"plot", empty}, "no manifest.json"},
		{[]string{"plot"}, "takes one output directory"},
		{[]string{"plot", empty, "-formats", "png,gif"}, `"gif" is not a figure format`},
	} {
		code, _, stderr := dropsim(c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

func TestDisplacementCommand(t *testing.T) {
	// By hand: success = 50/1000 - 100/1000 = -0.05; buffer = 90/1000 -
	// 80/1000 = 0.01; WDQ = -0.2; TNE = (100 - 50) + (80 - 90) = 40;
	// WDD = (50 - 100) - 0 + (90 - 80) - 0 = -40 with a shared control:
	// variance 100 + 50 + 80 + 90 + 4 * 2000 = 8320.
	code, stdout, stderr := dropsim("displacement", "-rb", "100", "-ra", "50", "-bb", "80", "-ba", "90", "-cb", "1000", "-ca", "1000", "-json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		WDQ struct {
			Success, Buffer, WDQ, TNE float64
		} `json:"wdq"`
		WDD struct {
			Total struct {
				Estimate, SE float64
			} `json:"total"`
		} `json:"wdd"`
	}
	var raw map[string]map[string]any
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	w := raw["wdq"]
	res.WDQ.Success, res.WDQ.Buffer, res.WDQ.WDQ, res.WDQ.TNE = w["success_measure"].(float64), w["buffer_measure"].(float64), w["wdq"].(float64), w["tne"].(float64)
	tot := raw["wdd"]["total"].(map[string]any)
	res.WDD.Total.Estimate, res.WDD.Total.SE = tot["estimate"].(float64), tot["se"].(float64)
	for name, got := range map[string][2]float64{"success": {res.WDQ.Success, -0.05}, "buffer": {res.WDQ.Buffer, 0.01},
		"wdq": {res.WDQ.WDQ, -0.2}, "tne": {res.WDQ.TNE, 40}, "wdd": {res.WDD.Total.Estimate, -40}, "se": {res.WDD.Total.SE, math.Sqrt(8320)}} {
		if math.Abs(got[0]-got[1]) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, got[0], got[1])
		}
	}
	// The table, with the buffer's own control: variance 320 + 100 + 120.
	code, stdout, _ = dropsim("displacement", "-rb", "100", "-ra", "50", "-bb", "80", "-ba", "90", "-cb", "1000", "-ca", "1000", "-dcb", "40", "-dca", "60")
	if code != 0 || !strings.Contains(stdout, "-0.2") || !strings.Contains(stdout, "displacement smaller") {
		t.Errorf("table: exit %d\n%s", code, stdout)
	}
	// A CSV of two evaluations.
	csvPath := filepath.Join(t.TempDir(), "counts.csv")
	os.WriteFile(csvPath, []byte("site,rb,ra,bb,ba,cb,ca\nnorth,100,50,80,90,1000,1000\nsouth,10,10,5,5,0,7\n"), 0o644)
	code, stdout, stderr = dropsim("displacement", "-csv", csvPath, "-json")
	var rows []map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &rows) != nil || len(rows) != 2 || rows[1]["label"] != "south" {
		t.Fatalf("csv: exit %d %s\n%s", code, stderr, stdout)
	}
	if q := rows[1]["wdq"].(map[string]any)["wdq"].(map[string]any); q["value"] != nil || !strings.Contains(q["reason"].(string), "Cb = 0") {
		t.Errorf("south WDQ %v, want undefined because Cb = 0", q)
	}
	code, stdout, _ = dropsim("displacement", "-csv", csvPath)
	if code != 0 || !strings.Contains(stdout, "undefined: The control area has no events before") {
		t.Errorf("csv table: exit %d\n%s", code, stdout)
	}
	badCSV := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(badCSV, []byte("rb,ra,bb,ba,cb,ca\n1,2,3,4,5,6\n1,2,3,4,5,x\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"displacement", "-rb", "1", "-ra", "2"}, "missing -bb -ba -cb -ca"},
		{[]string{"displacement", "-rb", "1", "-ra", "2", "-bb", "1", "-ba", "1", "-cb", "1", "-ca", "1", "-dcb", "3"}, "give both -dcb and -dca"},
		{[]string{"displacement", "-rb", "-1", "-ra", "2", "-bb", "1", "-ba", "1", "-cb", "1", "-ca", "1"}, `-rb "-1" is not allowed: a count is a whole number from 0 to 1e+12`},
		{[]string{"displacement", "-rb", "abc"}, `-rb "abc" is not a number`},
		{[]string{"displacement", "-csv", badCSV}, `line 3, column 6 (ca): "x" is not a number`},
		{[]string{"displacement", "-csv", badCSV, "-rb", "1"}, "either as flags or with -csv"},
	} {
		code, _, stderr := dropsim(c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
}
