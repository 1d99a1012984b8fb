package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"dropsim/sim"
	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// inSweepDir makes a folder holding the shipped scenarios and their maps,
// a scenario bad.toml with one bad value, and the sweep file name with
// text, and makes it the working directory, so that paths in messages are
// as the sweep file writes them.
func inSweepDir(t *testing.T, name, text string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../../scenarios")); err != nil {
		t.Fatal(err)
	}
	for file, body := range map[string]string{name: text, "bad.toml": "[stasher]\nquota = 0\n"} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return name
}

const goodSweep = `name = "sweep-patrols"
description = "Patrol sizes"
seed = 3
replicates = 20
baseline = "baseline"
measures = ["drops_placed_wdq", "drops_placed_wdd"]
daily_figures = ["drops_placed"]
keep_runs = true

[[arm]]
name = "baseline"
scenario = "baseline.toml"

[[arm]]
name = "random-patrol"
scenario = "random-patrol.toml"

[[arm]]
name = "crackdown"
scenario = "crackdown.toml"
set = ["police.group[2].count=8"]

[[parameter]]
key = "police.group[1].count"
values = [5, 10, 20.0]
arms = ["random-patrol", "crackdown"]

[[parameter]]
key = "stasher.b_risk"
min = 0.5
max = 2
steps = 4
`

func TestLoadSweep(t *testing.T) {
	path := inSweepDir(t, "sweep.toml", goodSweep)
	s, err := LoadSweep(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	num := func(x float64) sweep.Level { return sweep.NumLevel(x, true) }
	want := &Sweep{
		File: "sweep.toml", Dir: ".", Name: "sweep-patrols", Description: "Patrol sizes", Seed: 3, Replicates: 20, Baseline: "baseline",
		Arms: []Arm{
			{Name: "baseline", Scenario: "baseline.toml", Line: 10},
			{Name: "random-patrol", Scenario: "random-patrol.toml", Line: 14},
			{Name: "crackdown", Scenario: "crackdown.toml", Set: []string{"police.group[2].count=8"}, Line: 18},
		},
		Design: sweep.Design{Kind: sweep.Factorial, Seed: 3},
		Parameters: []sweep.Parameter{
			{Key: "police.group[1].count", Values: []sweep.Level{num(5), num(10), num(20)}, Integer: true, Arms: []string{"random-patrol", "crackdown"}},
			{Key: "stasher.b_risk", Min: 0.5, Max: 2, Steps: 4},
		},
		Measures: []string{"drops_placed_wdq", "drops_placed_wdd"}, MeasuresGiven: true, DailyFigures: []string{"drops_placed"}, KeepRuns: true,
	}
	checkSweep(t, s, want)
}

// checkSweep compares the exported fields; every arm must have its source.
func checkSweep(t *testing.T, got, want *Sweep) {
	t.Helper()
	arms := slices.Clone(got.Arms)
	for i := range arms {
		if arms[i].src == nil {
			t.Errorf("arm %d has no source", i)
		}
		arms[i].src = nil
	}
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range gv.NumField() {
		f := gv.Type().Field(i)
		g := gv.Field(i)
		switch {
		case !f.IsExported():
			continue
		case f.Name == "Arms":
			g = reflect.ValueOf(arms)
		}
		if !reflect.DeepEqual(g.Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s = %+v, want %+v", f.Name, g.Interface(), wv.Field(i).Interface())
		}
	}
}

func TestLoadSweepDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		design     sweep.Design
		params     []sweep.Parameter
	}{
		{"factorial without parameters", "[[arm]]\nname = \"a\"\nscenario = \"baseline.toml\"\n",
			sweep.Design{Kind: sweep.Factorial, Seed: 1}, nil},
		{"lhs with a design seed", "design = \"lhs\"\nsamples = 20\ndesign_seed = 7\n[[arm]]\nname = \"a\"\nscenario = \"baseline.toml\"\n" +
			"[[parameter]]\nkey = \"buyers.count\"\nmin = 1000\nmax = 5000\n",
			sweep.Design{Kind: sweep.LHS, Samples: 20, Seed: 7}, []sweep.Parameter{{Key: "buyers.count", Min: 1000, Max: 5000, Integer: true}}},
		{"morris, levels by default 4, integer given", "seed = 9\ndesign = \"morris\"\ntrajectories = 10\n[[arm]]\nname = \"a\"\nscenario = \"baseline.toml\"\n" +
			"[[parameter]]\nkey = \"stasher.b_risk\"\nmin = 0\nmax = 3\ninteger = true\n",
			sweep.Design{Kind: sweep.Morris, Trajectories: 10, Levels: 4, Seed: 9}, []sweep.Parameter{{Key: "stasher.b_risk", Min: 0, Max: 3, Integer: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := inSweepDir(t, "my-sweep.toml", tc.text)
			s, err := LoadSweep(path, []string{"buyers.count=500"})
			if err != nil {
				t.Fatal(err)
			}
			seed := uint64(1)
			if tc.design.Kind == sweep.Morris {
				seed = 9
			}
			checkSweep(t, s, &Sweep{
				File: path, Dir: ".", Name: "my-sweep", Seed: seed, Replicates: 10,
				Arms:   []Arm{{Name: "a", Scenario: "baseline.toml", Line: strings.Count(tc.text[:strings.Index(tc.text, "[[arm]]")], "\n") + 1}},
				Design: tc.design, Parameters: tc.params,
				Measures: metrics.RunMeasureNames, DailyFigures: []string{"drops_placed", "seized", "active_stashers"},
				Sets: []string{"buyers.count=500"},
			})
		})
	}
}

func TestSweepProblems(t *testing.T) {
	const arms = "[[arm]]\nname = \"baseline\"\nscenario = \"baseline.toml\"\n\n[[arm]]\nname = \"crackdown\"\nscenario = \"crackdown.toml\"\n" // lines 1-7
	const topKeys = "keys allowed at the top level are: baseline, daily_figures, description, design, design_seed, keep_daily, keep_runs, levels, measures, name, replicates, samples, seed, trajectories, and the tables [[arm]], [[parameter]], [zones]"
	for _, tc := range []struct {
		name, text string
		sets       []string
		want       []string
	}{
		{"unknown key", arms + "replicate = 5\n", nil, []string{
			`sweep.toml line 8: unknown key "arm[2].replicate"; keys allowed in [[arm]] are: name, scenario, set`,
		}},
		{"unknown top-level key", "replicate = 5\n" + arms, nil, []string{
			`sweep.toml line 1: unknown key "replicate" (did you mean "replicates"?); ` + topKeys,
		}},
		{"wrong type", "replicates = \"many\"\n" + arms, nil, []string{
			`sweep.toml line 1: replicates has the wrong type: it must be a whole number (e.g. 30), not the text "many"`,
		}},
		{"a value of the wrong type is reported once", "[[arm]]\nname = 3\nscenario = \"baseline.toml\"\n", nil, []string{
			`sweep.toml line 2: arm[1].name has the wrong type: it must be text in double quotes (e.g. "random"), not 3`,
		}},
		{"no arm", "replicates = 5\n", nil, []string{
			`sweep.toml: a sweep needs at least one [[arm]], each with a name and a scenario file, e.g. [[arm]] name = "baseline" scenario = "baseline.toml"`,
		}},
		{"arm names twice, bad, missing", arms + "[[arm]]\nname = \"crackdown\"\nscenario = \"crackdown.toml\"\n[[arm]]\nname = \"a b\"\nscenario = \"crackdown.toml\"\n[[arm]]\nscenario = \"crackdown.toml\"\n", nil, []string{
			`sweep.toml line 9: arm[3].name = "crackdown" is not allowed: a name no other arm has`,
			`sweep.toml line 12: arm[4].name = "a b" is not allowed: a name of at most 100 letters, digits, -, _ and . other than . and .. (it is a value in the sweep's tables and may name a folder)`,
			`sweep.toml line 14: arm[5] has no name: set name = "...", letters, digits, -, _ and . (it is a value in the sweep's tables)`,
		}},
		{"no scenario", "[[arm]]\nname = \"a\"\n", nil, []string{
			`sweep.toml line 1: arm "a" has no scenario: set scenario = "file.toml", a path relative to the sweep file's folder`,
		}},
		{"scenario with a bad value", "[[arm]]\nname = \"a\"\nscenario = \"bad.toml\"\n", nil, []string{
			`sweep.toml line 3: arm "a": scenario bad.toml line 2: stasher.quota = 0 is not allowed: a whole number from 1 to 10000`,
		}},
		{"scenario missing", "[[arm]]\nname = \"a\"\nscenario = \"none.toml\"\n", nil, []string{
			`sweep.toml line 3: arm "a": scenario file "none.toml" does not exist`,
		}},
		{"a bad set of an arm", "[[arm]]\nname = \"a\"\nscenario = \"baseline.toml\"\nset = [\"buyers.count=abc\", \"days=30\"]\n", nil, []string{
			`sweep.toml line 4: arm "a": set "buyers.count=abc": buyers.count has the wrong type: it must be a whole number (e.g. 30), not the text "abc"`,
		}},
		{"a bad -set, once for all arms", arms, []string{"buyrs.count=5"}, []string{
			`-set buyrs.count=5: unknown key "buyrs" (did you mean "buyers"?); keys allowed at the top level are: days, description, name, seed, tick_minutes, warmup_days, and the tables [buyers], [city], [market], [organization], [police], [stasher], [zones]`,
		}},
		{"a -set bad in one arm", arms, []string{"police.group[3].count=3"}, []string{
			`-set police.group[3].count=3: the scenario has no police groups; police.group[1] adds one (in arm "baseline")`,
		}},
		{"baseline not an arm", "baseline = \"base\"\n" + arms, nil, []string{
			`sweep.toml line 1: baseline = "base" is not allowed: the name of an arm: "baseline" or "crackdown"`,
		}},
		{"unknown design", "design = \"grid\"\n" + arms + "[[parameter]]\nkey = \"buyers.count\"\nvalues = [1]\n", nil, []string{
			`sweep.toml line 1: design = "grid" is not allowed: one of "factorial", "lhs" or "morris"`,
		}},
		{"lhs without samples, with values", "design = \"lhs\"\n" + arms + "[[parameter]]\nkey = \"buyers.count\"\nvalues = [1, 2]\n", nil, []string{
			`sweep.toml line 11: parameter[1].values is not allowed: design = "lhs" samples a range, so give min and max instead`,
			`sweep.toml: samples = 0 is not allowed: a whole number from 2 to 10000000: the number of points of the Latin hypercube (design = "lhs")`,
		}},
		{"morris without parameters, with steps", "design = \"morris\"\ntrajectories = 1\nsamples = 5\n" + arms, nil, []string{
			`sweep.toml line 1: design = "morris" needs at least one [[parameter]] with a range (min and max) to sample; a sweep without parameters is "factorial"`,
			`sweep.toml line 2: trajectories = 1 is not allowed: a whole number from 2 to 10000000: the number of Morris trajectories, each of one point more than there are parameters (design = "morris")`,
			`sweep.toml line 3: samples = 5 is not allowed: only design = "lhs" takes samples; this sweep's design is "morris"`,
		}},
		{"factorial ranges", arms + "[[parameter]]\nkey = \"buyers.count\"\nmin = 5\nmax = 5\nsteps = 3\n" +
			"[[parameter]]\nkey = \"stasher.quota\"\nmin = 1\nmax = 3\nsteps = 4\n" +
			"[[parameter]]\nkey = \"stasher.b_risk\"\nmin = 1\nmax = 3\nsteps = 1\n" +
			"[[parameter]]\nkey = \"stasher.b_cover\"\nmin = 1\nmax = 3\n" +
			"[[parameter]]\nkey = \"stasher.b_demand\"\n", nil, []string{
			`sweep.toml line 11: parameter[1].max = 5 is not allowed: a finite number above min = 5`,
			`sweep.toml line 17: parameter[2].steps = 4 is not allowed: at most 3: there are no more whole numbers from 1 to 3`,
			`sweep.toml line 22: parameter[3].steps = 1 is not allowed: a whole number from 2 to 10000000: the number of evenly spaced levels from min to max, both included`,
			`sweep.toml line 23: parameter[4] needs steps, the number of evenly spaced levels from min to max (2 or more)`,
			`sweep.toml line 27: parameter[5] needs values = [...], or min, max and steps`,
		}},
		{"parameter keys", arms + "[[parameter]]\nkey = \"buyrs.count\"\nvalues = [1]\n" +
			"[[parameter]]\nkey = \"buyers.count\"\nvalues = [1]\n[[parameter]]\nkey = \"buyers.count\"\nvalues = [2]\n" +
			"[[parameter]]\nkey = \"police.group[1].strategy\"\nmin = 0\nmax = 1\nsteps = 2\n", nil, []string{
			`sweep.toml line 9: parameter[1].key = "buyrs.count": unknown key "buyrs" (did you mean "buyers"?); keys allowed at the top level are: days, description, name, seed, tick_minutes, warmup_days, and the tables [buyers], [city], [market], [organization], [police], [stasher], [zones]`,
			`sweep.toml line 15: parameter[3].key = "buyers.count" is not allowed: a key no other parameter varies (another [[parameter]] already has it)`,
			`sweep.toml line 19: parameter[4] has a range, but police.group[1].strategy is text in double quotes (e.g. "random"), not a number: give values = [...]`,
		}},
		{"integer and values", arms + "[[parameter]]\nkey = \"buyers.count\"\nvalues = [1.5, [1]]\n" +
			"[[parameter]]\nkey = \"stasher.quota\"\nvalues = [1]\ninteger = false\n", nil, []string{
			`sweep.toml line 10: parameter[1].values item 1 = 1.5 is not allowed: buyers.count takes whole numbers (integer = true)`,
			`sweep.toml line 10: parameter[1].values item 2 is a list: a level is a number, text or true or false`,
			`sweep.toml line 14: parameter[2].integer = false is not allowed: integer = false only for a key that takes fractions; stasher.quota is a whole number (e.g. 30)`,
		}},
		{"parameter arms", arms + "[[parameter]]\nkey = \"buyers.count\"\nvalues = [1]\narms = [\"crackdown\", \"crackdwn\", \"crackdown\"]\n", nil, []string{
			`sweep.toml line 11: parameter[1].arms item 2 = "crackdwn" is not allowed: the name of an arm: "baseline" or "crackdown"`,
			`sweep.toml line 11: parameter[1].arms item 3 = "crackdown" is not allowed: it is listed twice`,
		}},
		{"levels that do not resolve", arms + "[[parameter]]\nkey = \"police.group[1].count\"\nvalues = [10, -5]\narms = [\"crackdown\"]\n" +
			"[[parameter]]\nkey = \"police.group[2].count\"\nmin = 1\nmax = 3\nsteps = 3\n" +
			"[[parameter]]\nkey = \"market.shops\"\nvalues = [30]\narms = [\"baseline\"]\n", nil, []string{
			`sweep.toml line 8: parameter police.group[1].count = -5 in arm "crackdown": police.group[1].count = -5 is not allowed: a whole number from 0 to 100000`,
			`sweep.toml line 12: parameter police.group[2].count = 1 in arm "baseline": the scenario has no police groups; police.group[1] adds one`,
			`sweep.toml line 12: parameter police.group[2].count = 3 in arm "baseline": the scenario has no police groups; police.group[1] adds one`,
			`sweep.toml line 17: parameter market.shops = 30 in arm "baseline": scenario baseline.toml line 276: organization.stashers = 20 is not allowed: at least one stasher per shop (market.shops = 30)`,
		}},
		{"measures and figures", "measures = [\"orders\", \"drops_placed_wqd\", \"orders\"]\ndaily_figures = [\"seized\", \"siezed\"]\n" + arms, nil, []string{
			`sweep.toml line 1: measures item 2 = "drops_placed_wqd" is not allowed (did you mean "drops_placed_wdq"?): it must be a per-run measure, a column of runs.csv (docs/SWEEP.md lists them)`,
			`sweep.toml line 1: measures item 3 = "orders" is not allowed: it is listed twice`,
			`sweep.toml line 2: daily_figures item 2 = "siezed" is not allowed (did you mean "seized"?): it must be a daily metric of daily.csv (docs/OUTPUTS.md)`,
		}},
		{"name", "name = \"a/b\"\n" + arms, nil, []string{
			`sweep.toml line 1: name = "a/b" is not allowed: a non-empty name without / or \ (it names the output directory outputs/<name>)`,
		}},
		{"replicates", "replicates = 0\n" + arms, nil, []string{
			`sweep.toml line 1: replicates = 0 is not allowed: a whole number from 1 to 100000`,
		}},
		{"too many runs", "replicates = 100000\n" + arms + "[[parameter]]\nkey = \"stasher.b_risk\"\nmin = 0\nmax = 3\nsteps = 60\n", nil, []string{
			`sweep.toml line 1: the sweep has 2 arms x 60 design points x 100000 replicates = 12000000 runs, more than 10000000: fewer replicates, levels, samples or arms`,
		}},
		{"the sweep's zones outside an arm's grid", "[zones]\ntreatment = [55, 30, 69, 44]\n" + arms + "[[arm]]\nname = \"town\"\nscenario = \"town.toml\"\n", nil, []string{
			`sweep.toml line 2: zones.treatment = [55, 30, 69, 44] is not allowed: a rectangle [x0, y0, x1, y1] inside the grid; the corner (x1, y1) = (69, 44) lies outside the 60 x 40 grid (x from 0 to 59, y from 0 to 39) (in arm "town")`,
		}},
		{"shared zones outside an arm's grid", arms + "[[arm]]\nname = \"town\"\nscenario = \"town.toml\"\n", nil, []string{
			`sweep.toml line 8: arm "town": the zones of arm "crackdown", which every arm is measured on, do not fit it: zones.treatment = [55, 30, 69, 44] is not allowed: a rectangle [x0, y0, x1, y1] inside the grid; the corner (x1, y1) = (69, 44) lies outside the 60 x 40 grid (x from 0 to 59, y from 0 to 39)`,
		}},
		{"syntax", "replicates = \n", nil, []string{
			`sweep.toml line 1: the TOML syntax is wrong: expected value but found '\n' instead (the value after = is missing)`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := inSweepDir(t, "sweep.toml", tc.text)
			_, err := LoadSweep(path, tc.sets)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want a *scenario.Error", err, err)
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !matches(got[i], w) {
					t.Errorf("problem %d:\n got %s\nwant %s", i+1, got[i], w)
				}
			}
		})
	}
}

func TestLoadSweepFileProblems(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadSweep(dir, nil); err == nil || err.Error() != `sweep file "`+dir+`" is a directory, not a file` {
		t.Errorf("a directory: %v", err)
	}
	missing := filepath.Join(dir, "none.toml")
	if _, err := LoadSweep(missing, nil); err == nil || err.Error() != `sweep file "`+missing+`" does not exist` {
		t.Errorf("a missing file: %v", err)
	}
}

// TestSweepParams: the order of the sets, the levels only where they
// apply, the command line's sets in every arm.
func TestSweepParams(t *testing.T) {
	path := inSweepDir(t, "sweep.toml", `
[[arm]]
name = "baseline"
scenario = "baseline.toml"
set = ["buyers.count=100", "market.shops=2"]

[[arm]]
name = "patrol"
scenario = "random-patrol.toml"
set = ["buyers.count=100"]

[[parameter]]
key = "police.group[1].count"
values = [5, 10]
arms = ["patrol"]

[[parameter]]
key = "stasher.b_risk"
min = 0.5
max = 2
steps = 4
`)
	s, err := LoadSweep(path, []string{"buyers.count=200", "stasher.quota=30"})
	if err != nil {
		t.Fatal(err)
	}
	levels := []sweep.Level{sweep.NumLevel(10, true), sweep.NumLevel(1.5, false)}
	base, err := s.Params(0, levels)
	if err != nil {
		t.Fatal(err)
	}
	patrol, err := s.Params(1, levels)
	if err != nil {
		t.Fatal(err)
	}
	// The command line's buyers.count after the arm's, in both arms; the
	// arm's own shops; b_risk in both; the count only in the patrol arm.
	if base.Buyers.Count != 200 || base.Stasher.Quota != 30 || base.Market.Shops != 2 || base.Stasher.BRisk != 1.5 || len(base.Police.Groups) != 0 {
		t.Errorf("baseline: %d buyers, quota %d, %d shops, b_risk %v, %d groups; want 200, 30, 2, 1.5, 0",
			base.Buyers.Count, base.Stasher.Quota, base.Market.Shops, base.Stasher.BRisk, len(base.Police.Groups))
	}
	if patrol.Buyers.Count != 200 || patrol.Stasher.Quota != 30 || patrol.Market.Shops != 4 || patrol.Stasher.BRisk != 1.5 || patrol.Police.Groups[0].Count != 10 {
		t.Errorf("patrol: %d buyers, quota %d, %d shops, b_risk %v, group count %d; want 200, 30, 4, 1.5, 10",
			patrol.Buyers.Count, patrol.Stasher.Quota, patrol.Market.Shops, patrol.Stasher.BRisk, patrol.Police.Groups[0].Count)
	}
	// Without levels, the arm as its sets make it.
	if p, err := s.Params(1, nil); err != nil || p.Police.Groups[0].Count != 20 || p.Stasher.BRisk != 1 {
		t.Errorf("patrol without levels: %v, group count %d, b_risk %v; want 20, 1", err, p.Police.Groups[0].Count, p.Stasher.BRisk)
	}
	// A level that fails in an arm is refused, naming its override.
	if _, err := s.Params(1, []sweep.Level{sweep.NumLevel(-1, true), sweep.NumLevel(1, false)}); err == nil ||
		!strings.Contains(err.Error(), "-set police.group[1].count=-1: police.group[1].count = -1 is not allowed") {
		t.Errorf("a bad level: %v", err)
	}
	for _, bad := range []struct {
		arm    int
		levels []sweep.Level
		want   string
	}{
		{2, nil, "sweep sweep.toml: there is no arm 2; it has 2, numbered from 0"},
		{0, levels[:1], "sweep sweep.toml: a design point of 1 levels for 2 parameters"},
	} {
		if _, err := s.Params(bad.arm, bad.levels); err == nil || err.Error() != bad.want {
			t.Errorf("Params(%d, %v) = %v, want %s", bad.arm, bad.levels, err, bad.want)
		}
	}
}

// TestSweepSharedZones: the baseline arm, without an area group, is
// measured on the crackdown arm's zones; the sweep's [zones] win over both.
func TestSweepSharedZones(t *testing.T) {
	const arms = "[[arm]]\nname = \"baseline\"\nscenario = \"baseline.toml\"\n\n[[arm]]\nname = \"crackdown\"\nscenario = \"crackdown.toml\"\n"
	crackdown, err := Load("../../../scenarios/crackdown.toml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("from the first arm with an area", func(t *testing.T) {
		s, err := LoadSweep(inSweepDir(t, "sweep.toml", arms), nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Arms {
			p, err := s.Params(i, nil)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 && len(p.Police.Groups) != 0 {
				t.Errorf("the baseline arm got police groups: %+v", p.Police.Groups)
			}
			want := sim.ZoneParams{Treatment: []int{55, 30, 69, 44}, BufferWidth: 5, ControlMethod: sim.ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4, SplitDay: 60, BeforeDays: 50, AfterDays: 50}
			if !reflect.DeepEqual(p.Zones, want) {
				t.Errorf("arm %s: zones %+v, want %+v", s.Arms[i].Name, p.Zones, want)
			}
			sameZoneLabels(t, s.Arms[i].Name, p.BuildZones(nil), crackdown.BuildZones(nil))
		}
	})
	t.Run("the sweep's [zones]", func(t *testing.T) {
		s, err := LoadSweep(inSweepDir(t, "sweep.toml", "[zones]\ntreatment = [10, 10, 19, 19]\nsplit_day = 90\n"+arms), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := sim.DefaultParams().Zones
		want.Treatment, want.SplitDay = []int{10, 10, 19, 19}, 90
		if !reflect.DeepEqual(*s.Zones, want) {
			t.Errorf("[zones] %+v, want %+v", *s.Zones, want)
		}
		for i := range s.Arms {
			p, err := s.Params(i, nil)
			if err != nil {
				t.Fatal(err)
			}
			z := p.BuildZones(nil)
			if z.Cells[sim.ZoneTreatment] != 100 || z.SplitDay != 90 || z.AfterEnd != 170 {
				t.Errorf("arm %s: %d treatment cells, split %d, after ends %d; want 100, 90, 170 (before days 10-89 after the warm-up, after 90-169)", s.Arms[i].Name, z.Cells[sim.ZoneTreatment], z.SplitDay, z.AfterEnd)
			}
		}
	})
}

func sameZoneLabels(t *testing.T, arm string, got, want *sim.Zones) {
	t.Helper()
	if got.Cells != want.Cells || got.BeforeStart != want.BeforeStart || got.SplitDay != want.SplitDay || got.AfterStart != want.AfterStart || got.AfterEnd != want.AfterEnd {
		t.Errorf("arm %s: cells %v periods [%d %d %d %d], want %v [%d %d %d %d]", arm, got.Cells, got.BeforeStart, got.SplitDay, got.AfterStart, got.AfterEnd,
			want.Cells, want.BeforeStart, want.SplitDay, want.AfterStart, want.AfterEnd)
	}
	for y := range want.H {
		for x := range want.W {
			if got.At(x, y) != want.At(x, y) {
				t.Fatalf("arm %s: cell (%d, %d) is %s, want %s", arm, x, y, got.At(x, y), want.At(x, y))
			}
		}
	}
}

// TestSweepParamsConcurrent: workers resolve runs at once (run with -race).
func TestSweepParamsConcurrent(t *testing.T) {
	s, err := LoadSweep(inSweepDir(t, "sweep.toml", goodSweep), nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		wg.Go(func() {
			levels := []sweep.Level{sweep.NumLevel(float64(5*(1+i%3)), true), sweep.NumLevel(0.5+0.5*float64(i%4), false)}
			p, err := s.Params(i%3, levels)
			if err == nil && !p.BuildZones(nil).HasTreatment {
				err = errors.New("no treatment area")
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
