package scenario

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dropsim/sim"
)

func readShipped(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../../scenarios/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSetsChangeParams(t *testing.T) {
	crackdown := readShipped(t, "crackdown.toml")
	baseline := readShipped(t, "baseline.toml")
	added := sim.DefaultGroup(180)
	added.Strategy, added.Area = "area", []int{10, 10, 20, 20}
	for _, tc := range []struct {
		name   string
		file   []byte
		sets   []string
		change func(p *sim.Params) // what the sets do to the file's params
	}{
		{"scalar", baseline, []string{"buyers.count=40"}, func(p *sim.Params) { p.Buyers.Count = 40 }},
		{"spaces around = and the value", baseline, []string{" buyers.count = 40 "}, func(p *sim.Params) { p.Buyers.Count = 40 }},
		{"a whole number for a number", baseline, []string{"market.price=2500"}, func(p *sim.Params) { p.Market.Price = 2500 }},
		{"nested table", baseline, []string{"city.landuse.park.cover=0.65"}, func(p *sim.Params) { p.City.LandUse.Park.Cover = 0.65 }},
		{"a table value changes only its keys", baseline, []string{"city.landuse.park={ cover = 0.65 }"}, func(p *sim.Params) { p.City.LandUse.Park.Cover = 0.65 }},
		{"boolean", baseline, []string{"city.river=false"}, func(p *sim.Params) { p.City.River = false }},
		{"group index", crackdown, []string{"police.group[2].count=7"}, func(p *sim.Params) { p.Police.Groups[1].Count = 7 }},
		{"new group from the defaults", crackdown, []string{"police.group[3].strategy=area", "police.group[3].area=[10, 10, 20, 20]"},
			func(p *sim.Params) { p.Police.Groups = append(p.Police.Groups, added) }},
		{"first group of a scenario without groups", baseline, []string{"police.group[1]={}"},
			func(p *sim.Params) { p.Police.Groups = []sim.GroupParams{sim.DefaultGroup(180)} }},
		{"list value", baseline, []string{"zones.treatment=[55, 30, 69, 44]", "zones.split_day=60"},
			func(p *sim.Params) { p.Zones.Treatment, p.Zones.SplitDay = []int{55, 30, 69, 44}, 60 }},
		{"bare word is text", crackdown, []string{"police.group[1].strategy=random", "police.group[1].area=[]"},
			func(p *sim.Params) { p.Police.Groups[0].Strategy, p.Police.Groups[0].Area = "random", nil }},
		{"quoted text", crackdown, []string{`police.group[2].name="night shift"`}, func(p *sim.Params) { p.Police.Groups[1].Name = "night shift" }},
		{"a bare word with a space", crackdown, []string{`police.group[2].name=night shift`}, func(p *sim.Params) { p.Police.Groups[1].Name = "night shift" }},
		{"an empty table changes nothing", []byte("[stasher]\nquota = 30\n"), []string{"stasher={}"}, func(p *sim.Params) {}},
		{"later sets of a key win", baseline, []string{"buyers.count=10", "buyers.count=20"}, func(p *sim.Params) { p.Buyers.Count = 20 }},
		{"name set, not taken from the file", []byte("days = 30\n"), []string{"name=trial"}, func(p *sim.Params) { p.Name = "trial" }},
		{"days reach the groups' default end", []byte("[[police.group]]\ncount = 3\n"), []string{"days=50"},
			func(p *sim.Params) { p.Days, p.Police.Groups[0].EndDay = 50, 50 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := Parse("s.toml", tc.file)
			if err != nil {
				t.Fatal(err)
			}
			tc.change(&want)
			got, err := ParseSet("s.toml", tc.file, tc.sets)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("with %q:\n%s", tc.sets, diffParams(t, got, want))
			}
		})
	}
}

func TestSetProblems(t *testing.T) {
	const topKeys = "keys allowed at the top level are: days, description, name, seed, tick_minutes, warmup_days, and the tables [buyers], [city], [market], [organization], [police], [stasher], [zones]"
	crackdown := string(readShipped(t, "crackdown.toml"))
	for _, tc := range []struct {
		name, file string
		sets       []string
		want       []string
	}{
		{"wrong type", "", []string{"buyers.count=abc"}, []string{
			`-set buyers.count=abc: buyers.count has the wrong type: it must be a whole number (e.g. 30), not the text "abc"`,
		}},
		{"unknown key", "", []string{"buyrs.count=5"}, []string{
			`-set buyrs.count=5: unknown key "buyrs" (did you mean "buyers"?); ` + topKeys,
		}},
		{"unknown key in a table value", "", []string{"city.landuse.park={ covr = 1 }"}, []string{
			`-set city.landuse.park={ covr = 1 }: unknown key "city.landuse.park.covr" (did you mean "city.landuse.park.cover"?); keys allowed in [city.landuse.park] are: cover, demand, traffic`,
		}},
		{"unknown key in a new group", crackdown, []string{"police.group[3].cont=1"}, []string{
			`-set police.group[3].cont=1: unknown key "police.group[3].cont" (did you mean "police.group[3].count"?); keys allowed in [[police.group]] are: area, buyer_loss, cameras, cells, count, end_day, intercept_prob, marketplace, memory_days, migrate_days, name, purchases_per_day, start_day, strategy, tactic, target_days, zone_size, zones`,
		}},
		{"out of range", "", []string{"buyers.count=-5"}, []string{
			"-set buyers.count=-5: buyers.count = -5 is not allowed: a whole number from 0 to 10000000",
		}},
		{"out of range where the file sets the key", crackdown, []string{"police.group[1].count=-1"}, []string{
			"-set police.group[1].count=-1: police.group[1].count = -1 is not allowed: a whole number from 0 to 100000",
		}},
		{"a default of the group an override adds", crackdown, []string{"police.group[3].strategy=area"}, []string{
			"-set police.group[3].strategy=area: police.group[3].area = [] is not allowed: a rectangle [x0, y0, x1, y1] of cells, inclusive (default value)",
		}},
		{"group beyond the next", crackdown, []string{"police.group[4].count=3"}, []string{
			"-set police.group[4].count=3: the scenario has 2 police groups; police.group[3] adds one, police.group[1] to police.group[2] change one",
		}},
		{"group 0", crackdown, []string{"police.group[0].count=3"}, []string{
			"-set police.group[0].count=3: the scenario has 2 police groups; police.group[3] adds one, police.group[1] to police.group[2] change one",
		}},
		{"group of a scenario without groups", "", []string{"police.group[2].count=3"}, []string{
			"-set police.group[2].count=3: the scenario has no police groups; police.group[1] adds one",
		}},
		{"group of a scenario with one group", "[[police.group]]\n", []string{"police.group[3].count=3"}, []string{
			"-set police.group[3].count=3: the scenario has 1 police group; police.group[2] adds one, police.group[1] changes it",
		}},
		{"an index on a key that is not a list", "", []string{"buyers.count[1]=3"}, []string{
			"-set buyers.count[1]=3: buyers.count is not a list of tables, so it takes no [1] (only police.group[N] is numbered)",
		}},
		{"a list of tables without an index", "", []string{"police.group.count=3"}, []string{
			"-set police.group.count=3: police.group is a list of tables: say which entry, numbered from 1, e.g. police.group[1].count",
		}},
		{"a key below a single value", "", []string{"city.width.x=3"}, []string{
			"-set city.width.x=3: city.width is a single value, not a table, so city.width.x is not a scenario key",
		}},
		{"a single value for a table", "", []string{"city=3"}, []string{
			"-set city=3: city is a table, not a single value: set its keys one at a time, e.g. -set city.width=..., or give a table in braces",
		}},
		{"no =", "", []string{"buyers.count"}, []string{
			"-set buyers.count: " + setExample,
		}},
		{"no key", "", []string{"=5"}, []string{
			"-set =5: " + setExample,
		}},
		{"not a key", "", []string{"buyers..count=5"}, []string{
			`-set buyers..count=5: "buyers..count" is not a scenario key: a key is names of letters, digits, _ and - joined by dots, with [N] after a list of tables, e.g. police.group[1].count`,
		}},
		{"a list that does not end", "", []string{"buyers.diurnal=[1, 2"}, []string{
			"-set buyers.diurnal=[1, 2: the value is not a TOML value: ...",
		}},
		{"a map only from a file", "", []string{"city.map=town.txt"}, []string{
			`-set city.map=town.txt: city.map = "town.txt": a map file is read only when the scenario is loaded from a file`,
		}},
		{"a line end in the set is quoted", "", []string{"buyers.count=1\nx"}, []string{
			`-set "buyers.count=1\nx": buyers.count has the wrong type: it must be a whole number (e.g. 30), not the text "1\nx"`,
		}},
		{"file and overrides together, the file first", "[stasher]\nquota = 0\n", []string{"buyers.count=abc", "buyers.speed=0"}, []string{
			"s.toml line 2: stasher.quota = 0 is not allowed: a whole number from 1 to 10000",
			`-set buyers.count=abc: buyers.count has the wrong type: ...`,
			"-set buyers.speed=0: buyers.speed = 0 is not allowed: ...",
		}},
		{"problems of the sets in the order of the sets", crackdown, []string{"police.group[4].count=3", "buyers.count", "buyers.count=x"}, []string{
			"-set police.group[4].count=3: the scenario has 2 police groups; ...",
			"-set buyers.count: " + setExample,
			"-set buyers.count=x: buyers.count has the wrong type: ...",
		}},
		{"a syntax error in the file and a bad set", "days 4\n", []string{"buyers.count"}, []string{
			"s.toml line 1: the TOML syntax is wrong: ...",
			"-set buyers.count: " + setExample,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSet("s.toml", []byte(tc.file), tc.sets)
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

func TestSetProblemFields(t *testing.T) {
	_, err := ParseSet("s.toml", []byte("[stasher]\nquota = 0\n"), []string{"days=30", "buyers.count=x"})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want a *scenario.Error", err)
	}
	want := []Problem{
		{File: "s.toml", Line: 2, Key: "stasher.quota"},
		{File: "s.toml", Key: "buyers.count", Set: "buyers.count=x", SetIndex: 2},
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(e.Problems), len(want), err)
	}
	for i, w := range want {
		g := e.Problems[i]
		g.Msg = ""
		if !reflect.DeepEqual(g, w) {
			t.Errorf("problem %d = %+v, want %+v", i+1, g, w)
		}
	}
}

// TestSourceReadsOnce: a Source parses the text it read, with map files
// relative to the scenario's folder, after the file itself is gone.
func TestSourceReadsOnce(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../../scenarios")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "town.toml")
	src, err := ReadSource(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	p, err := src.Params([]string{"buyers.count=100", "police.group[2].count=4"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Buyers.Count != 100 || p.Police.Groups[1].Count != 4 || p.City.Land == nil || p.City.Width != 60 {
		t.Errorf("buyers %d, group 2 count %d, land %v, width %d; want 100, 4, the map, 60", p.Buyers.Count, p.Police.Groups[1].Count, p.City.Land != nil, p.City.Width)
	}
	if _, err := LoadSet(path, nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("LoadSet of the removed file: %v, want that it does not exist", err)
	}
	// A map named by an override is read from the scenario's folder too.
	if _, err := src.Params([]string{"city.map=maps/none.txt"}); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "maps/none.txt")) {
		t.Errorf("a missing map named by an override: %v, want its path in the scenario's folder", err)
	}
}

// TestSharedZonesOfCrackdown: the default city without police, given the
// shared zones of scenarios/crackdown.toml (an area group's), has its zones.
func TestSharedZonesOfCrackdown(t *testing.T) {
	c, err := Load("../../../scenarios/crackdown.toml")
	if err != nil {
		t.Fatal(err)
	}
	q := sim.DefaultParams()
	q.Zones = c.SharedZones()
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	got, want := q.BuildZones(nil), c.BuildZones(nil)
	if got.Cells != want.Cells || got.BeforeStart != 10 || got.SplitDay != 60 || got.AfterStart != 60 || got.AfterEnd != 110 {
		t.Errorf("cells %v, periods [%d, %d) [%d, %d); want %v, [10, 60) [60, 110) (after the 10-day warm-up)", got.Cells, got.BeforeStart, got.SplitDay, got.AfterStart, got.AfterEnd, want.Cells)
	}
	for y := range want.H {
		for x := range want.W {
			if got.At(x, y) != want.At(x, y) {
				t.Fatalf("cell (%d, %d) is %s, want %s", x, y, got.At(x, y), want.At(x, y))
			}
		}
	}
}

// FuzzParseSet: no override makes ParseSet panic or fail without a problem
// naming it, and what it resolves reads back through Encode and Parse.
func FuzzParseSet(f *testing.F) {
	crackdown := readShipped(f, "crackdown.toml")
	for _, set := range []string{"buyers.count=40", "police.group[3].strategy=area", "city.landuse.park={ cover = 0.5 }",
		"police.group[0].x=1", "zones.polygon=[[1, 2], [3, 4], [5, 1]]", "a..b=1", "police.group=[{count=2}]", "city.legend.x=water",
		"buyers.diurnal=" + strings.Repeat("[", 40)} {
		f.Add(crackdown, set)
	}
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		if k, _, _ := strings.Cut(set, "="); hugeGrid(data) || slices.Contains([]string{"city", "city.width", "city.height"}, strings.TrimSpace(k)) {
			return // large grids take seconds each: TestParseLargestGrid covers them
		}
		p, err := ParseSet("f.toml", data, []string{set})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a *scenario.Error with problems", err, err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, p); err != nil {
			t.Fatal(err)
		}
		q, err := Parse("g.toml", buf.Bytes())
		if err != nil {
			t.Fatalf("%v\nin\n%s", err, buf.String())
		}
		if !p.Equal(q) {
			t.Errorf("round trip changed the parameters")
		}
	})
}
