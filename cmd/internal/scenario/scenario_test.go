package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"unicode"

	"github.com/BurntSushi/toml"

	"dropsim/sim"
)

// shipped lists the scenario files in scenarios/ (sweep-*.toml are sweep
// files: TestShippedSweepsLoad loads them).
func shipped(t testing.TB) []string {
	t.Helper()
	all, err := filepath.Glob("../../../scenarios/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range all {
		if !strings.HasPrefix(filepath.Base(f), "sweep-") {
			files = append(files, f)
		}
	}
	if len(files) < 5 {
		t.Fatalf("found %d scenario files in scenarios/, want at least 5", len(files))
	}
	return files
}

func TestShippedScenariosLoad(t *testing.T) {
	for _, f := range shipped(t) {
		p, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".toml"); p.Name != want {
			t.Errorf("%s: name = %q, want %q (the file name, as for outputs/<name>/)", f, p.Name, want)
		}
		if p.Description == "" {
			t.Errorf("%s: no description", f)
		}
	}
}

// TestShippedScenarioContents checks that the shipped files say what their
// comments say.
func TestShippedScenarioContents(t *testing.T) {
	load := func(name string) sim.Params {
		t.Helper()
		p, err := Load("../../../scenarios/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	group := func(name, strategy string, count, start, end int, area ...int) sim.GroupParams {
		// The hot-spot keys keep their defaults (sim.DefaultGroup).
		g := sim.GroupParams{Name: name, Strategy: strategy, Count: count, StartDay: start, EndDay: end, Tactic: sim.TacticStakeout, ZoneSize: 10, Zones: 3, MemoryDays: 14, InterceptProb: 0.5, PurchasesPerDay: 1, TargetDays: 7, Marketplace: 1, BuyerLoss: 0.5, MigrateDays: 14}
		if len(area) > 0 {
			g.Area = area
		}
		return g
	}
	crackdown := []sim.GroupParams{
		group("crackdown", "area", 25, 60, 180, 55, 30, 69, 44),
		group("background", "random", 5, 0, 180),
	}
	for _, tc := range []struct {
		file   string
		groups []sim.GroupParams
	}{
		{"baseline.toml", nil},
		{"random-patrol.toml", []sim.GroupParams{group("patrol", "random", 20, 0, 180)}},
		{"crackdown.toml", crackdown},
		{"default.toml", crackdown},
		{"bench-large.toml", []sim.GroupParams{
			group("patrol", "random", 200, 0, 365),
			group("crackdown", "area", 100, 120, 365, 300, 200, 339, 239),
		}},
	} {
		p := load(tc.file)
		if !reflect.DeepEqual(p.Police.Groups, tc.groups) {
			t.Errorf("%s: groups\n%+v\nwant\n%+v", tc.file, p.Police.Groups, tc.groups)
		}
	}

	// Apart from name, description, police and zones, crackdown, default
	// and random-patrol are the default city and market; random-patrol
	// takes the crackdown's treatment area and split as its zones.
	if z := load("random-patrol.toml").Zones; !reflect.DeepEqual(z.Treatment, []int{55, 30, 69, 44}) || z.SplitDay != 60 {
		t.Errorf("random-patrol.toml zones %+v, want the crackdown's area and split", z)
	}
	for _, f := range []string{"crackdown.toml", "default.toml", "random-patrol.toml"} {
		p := load(f)
		want := sim.DefaultParams()
		p.Name, p.Description, p.Police.Groups, p.Zones = want.Name, want.Description, nil, want.Zones
		if !p.Equal(want) {
			t.Errorf("%s differs from the defaults outside the police groups:\n%s", f, diffParams(t, p, want))
		}
	}

	b := load("bench-large.toml")
	units := 0
	for _, g := range b.Police.Groups {
		units += g.Count
	}
	if b.City.Width != 500 || b.City.Height != 500 || b.Buyers.Count != 100000 || b.Market.Shops != 40 ||
		b.Organization.Stashers != 500 || b.Days != 365 || units != 300 {
		t.Errorf("bench-large: %dx%d, %d buyers, %d shops, %d stashers, %d days, %d units; want 500x500, 100000, 40, 500, 365, 300",
			b.City.Width, b.City.Height, b.Buyers.Count, b.Market.Shops, b.Organization.Stashers, b.Days, units)
	}
}

// TestBaselineIsTheReference: baseline.toml is the documentation of every
// key, so it must write out every key, each with its default value.
func TestBaselineIsTheReference(t *testing.T) {
	const file = "../../../scenarios/baseline.toml"
	p, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	want := sim.DefaultParams()
	p.Name, p.Description = want.Name, want.Description
	if !p.Equal(want) {
		t.Errorf("baseline.toml no longer has the defaults of sim.DefaultParams; update it:\n%s", diffParams(t, p, want))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	idx := indexKeys(string(data))
	for _, key := range leafKeys(reflect.TypeFor[sim.Params](), "") {
		if strings.HasPrefix(key, "police.group.") {
			continue // baseline has no police groups; it documents them in comments
		}
		if _, ok := idx[key]; !ok {
			t.Errorf("baseline.toml does not write out %s", key)
		}
	}
}

// optionalLists are the keys whose empty list means "not given"; Encode
// leaves them out when they are empty.
var optionalLists = map[string]bool{"city.legend": true, "city.codes": true, "zones.treatment": true, "zones.polygon": true, "zones.control": true, "zones.buffer_control": true}

// leafKeys lists every scenario key of the struct t.
func leafKeys(t reflect.Type, path string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		if tagName(f) == "" {
			continue // not a scenario key (e.g. the loaded map)
		}
		key := join(path, tagName(f))
		switch {
		case f.Type.Kind() == reflect.Struct:
			keys = append(keys, leafKeys(f.Type, key)...)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			keys = append(keys, leafKeys(f.Type.Elem(), key)...)
		default:
			keys = append(keys, key)
		}
	}
	return keys
}

// diffParams lists the lines in which the encoded a and b differ.
func diffParams(t *testing.T, a, b sim.Params) string {
	t.Helper()
	var ea, eb bytes.Buffer
	if err := Encode(&ea, a); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&eb, b); err != nil {
		t.Fatal(err)
	}
	la, lb := strings.Split(ea.String(), "\n"), strings.Split(eb.String(), "\n")
	var d []string
	for i := range max(len(la), len(lb)) {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			d = append(d, fmt.Sprintf("  got %q, want %q", x, y))
		}
	}
	return strings.Join(d, "\n")
}

func TestAbsentKeysKeepDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, file, text string
		change           func(p *sim.Params)
	}{
		{"empty file", "scenarios/empty.toml", "", func(p *sim.Params) { p.Name = "empty" }},
		{"only comments", "only-comments.toml", "# nothing\n\n  # at all\n", func(p *sim.Params) { p.Name = "only-comments" }},
		{"one key", "x.toml", "[market]\nshops = 7\n", func(p *sim.Params) { p.Name, p.Market.Shops = "x", 7 }},
		{"name set", "x.toml", `name = "mine"`, func(p *sim.Params) { p.Name = "mine" }},
		{"empty table", "x.toml", "[stasher]\n[city.landuse.park]\n", func(p *sim.Params) { p.Name = "x" }},
		{"whole number for a number", "x.toml", "[market]\nprice = 2500", func(p *sim.Params) { p.Name, p.Market.Price = "x", 2500 }},
		{"dotted key", "x.toml", "[city]\nlanduse.park.cover = 0.75\n", func(p *sim.Params) { p.Name, p.City.LandUse.Park.Cover = "x", 0.75 }},
		{"inline table", "x.toml", "[city.landuse]\npark = { demand = 0.5 }\n", func(p *sim.Params) { p.Name, p.City.LandUse.Park.Demand = "x", 0.5 }},
		{"list replaced whole", "x.toml", "[buyers]\ndiurnal = [" + strings.Repeat("1, ", 23) + "2]\n", func(p *sim.Params) {
			p.Name = "x"
			p.Buyers.Diurnal = []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2}
		}},
		{"no file name", "", "seed = 7", func(p *sim.Params) { p.Seed = 7 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.file, []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			want := sim.DefaultParams()
			tc.change(&want)
			if !got.Equal(want) {
				t.Errorf("differs from the defaults:\n%s", diffParams(t, got, want))
			}
		})
	}
}

func TestGroupDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       func(days int) []sim.GroupParams
	}{
		{"empty group gets DefaultGroup(days)", "days = 90\n[[police.group]]\n", func(days int) []sim.GroupParams {
			return []sim.GroupParams{sim.DefaultGroup(days)}
		}},
		{"keys over the default", `
days = 120
[[police.group]]
strategy = "area"
area = [1, 2, 3, 4]
start_day = 30

[[police.group]]
count = 3
`, func(days int) []sim.GroupParams {
			a, b := sim.DefaultGroup(days), sim.DefaultGroup(days)
			a.Strategy, a.Area, a.StartDay = "area", []int{1, 2, 3, 4}, 30
			b.Count = 3
			return []sim.GroupParams{a, b}
		}},
		{"default days", "[[police.group]]\nname = \"g\"\n", func(int) []sim.GroupParams {
			g := sim.DefaultGroup(sim.DefaultParams().Days)
			g.Name = "g"
			return []sim.GroupParams{g}
		}},
		{"inline list of groups", "days = 50\n[police]\ngroup = [{ count = 1 }, { count = 2 }]\n", func(days int) []sim.GroupParams {
			a, b := sim.DefaultGroup(days), sim.DefaultGroup(days)
			a.Count, b.Count = 1, 2
			return []sim.GroupParams{a, b}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse("g.toml", []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.want(p.Days); !reflect.DeepEqual(p.Police.Groups, want) {
				t.Errorf("groups = %+v, want %+v", p.Police.Groups, want)
			}
		})
	}
}

// TestProblems checks the sentences for bad files. A wanted sentence that
// ends in "..." need only begin the sentence got; the rest of such a
// sentence is sim.Validate's wording of the allowed values.
func TestProblems(t *testing.T) {
	const stasherKeys = "keys allowed in [stasher] are: area_radius, b_cover, b_demand, b_dist, b_risk, b_traffic, bulk_days, candidates, choice_temp, max_active, quota, relocate_range, relocate_threshold, risk_half_life_days, risk_kernel, risk_not_found, risk_seen, risk_seizure, shift_end, shift_start, sight_radius, speed"
	const topKeys = "keys allowed at the top level are: days, description, name, seed, tick_minutes, warmup_days, and the tables [buyers], [city], [market], [organization], [police], [stasher], [zones]"
	const unitsHint = " (a value must be a number, text in double quotes, true or false, or a list in square brackets with commas between its items; units and notes go in a comment, e.g. count = 40  # units)"
	const groupKeys = "keys allowed in [[police.group]] are: area, buyer_loss, cameras, cells, count, end_day, intercept_prob, marketplace, memory_days, migrate_days, name, purchases_per_day, start_day, strategy, tactic, target_days, zone_size, zones"
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"unknown top-level key", "seed = 2\ncolour = \"red\"\n", []string{
			`s.toml line 2: unknown key "colour"; ` + topKeys,
		}},
		{"unknown key in a table, close to an allowed one", "# quota\n[stasher]\nspeed = 4\nqouta = 30\n", []string{
			`s.toml line 4: unknown key "stasher.qouta" (did you mean "stasher.quota"?); ` + stasherKeys,
		}},
		{"unknown key in a nested table", "[city.landuse.park]\ncovr = 0.5\n", []string{
			`s.toml line 2: unknown key "city.landuse.park.covr" (did you mean "city.landuse.park.cover"?); keys allowed in [city.landuse.park] are: cover, demand, traffic`,
		}},
		{"unknown key in a group", "[[police.group]]\ncount = 3\n\n[[police.group]]\ncont = 3\n", []string{
			`s.toml line 5: unknown key "police.group[2].cont" (did you mean "police.group[2].count"?); ` + groupKeys,
		}},
		{"key in the wrong table", "[stasher]\nshops = 3\n", []string{
			`s.toml line 2: unknown key "stasher.shops" ("shops" belongs in [market]); ` + stasherKeys,
		}},
		{"key in the wrong table, several homes", "[market]\nspeed = 3\n", []string{
			`s.toml line 2: unknown key "market.speed" ("speed" belongs in [stasher], in [buyers] or in [police]); keys allowed in [market] are: ...`,
		}},
		{"top-level key after a table", "[market]\nshops = 3\ndays = 30\n", []string{
			`s.toml line 3: unknown key "market.days" ("days" belongs at the top level, before the first [table] line); keys allowed in [market] are: ...`,
		}},
		{"unknown table", "[stashr]\nquota = 3\n", []string{
			`s.toml line 1: unknown key "stashr" (did you mean "stasher"?); ` + topKeys,
		}},
		{"unknown key in a landuse table lists its tables", "[city.landuse]\nwater = { cover = 0 }\n", []string{
			`s.toml line 2: unknown key "city.landuse.water"; keys allowed in [city.landuse] are only the tables [city.landuse.centre], [city.landuse.forest], [city.landuse.industrial], [city.landuse.park], [city.landuse.private], [city.landuse.residential]`,
		}},
		{"text for a whole number", "[city]\n\nwidth = \"100\"\n", []string{
			`s.toml line 3: city.width has the wrong type: it must be a whole number (e.g. 30), not the text "100"`,
		}},
		{"fraction for a whole number", "[city]\nwidth = 100.5\n", []string{
			`s.toml line 2: city.width has the wrong type: it must be a whole number (e.g. 30), not 100.5`,
		}},
		{"text for a number", "[market]\nprice = \"2000\"\n", []string{
			`s.toml line 2: market.price has the wrong type: it must be a number (e.g. 0.5), not the text "2000"`,
		}},
		{"number for text", "name = 3\n", []string{
			`s.toml line 1: name has the wrong type: it must be text in double quotes (e.g. "random"), not 3`,
		}},
		{"number for true or false", "[city]\nriver = 1\n", []string{
			`s.toml line 2: city.river has the wrong type: it must be true or false, not 1`,
		}},
		{"negative seed", "seed = -1\n", []string{
			`s.toml line 1: seed has the wrong type: it must be a whole number, 0 or more (e.g. 1), not -1`,
		}},
		{"true or false for a number", "[market]\nprice = true\n", []string{
			`s.toml line 2: market.price has the wrong type: it must be a number (e.g. 0.5), not true`,
		}},
		{"list for a number", "[market]\nprice = [1]\n", []string{
			`s.toml line 2: market.price has the wrong type: it must be a number (e.g. 0.5), not a list`,
		}},
		{"table for a number", "[market]\nprice = { rub = 1 }\n", []string{
			`s.toml line 2: market.price has the wrong type: it must be a number (e.g. 0.5), not a table`,
		}},
		{"date for a number", "[market]\nprice = 2024-05-27\n", []string{
			`s.toml line 2: market.price has the wrong type: it must be a number (e.g. 0.5), not a date or time`,
		}},
		{"fraction in a list of whole numbers", "[[police.group]]\nstrategy = \"area\"\narea = [1, 2, 3.5, 4]\n", []string{
			`s.toml line 3: police.group[1].area has the wrong type: it must be a list of whole numbers in square brackets (e.g. [55, 30, 69, 44]), but item 3 is 3.5`,
		}},
		{"group that is not a table", "[police]\ngroup = [{ count = 1 }, 2]\n", []string{
			`s.toml line 2: police.group has the wrong type: it must be a list of tables, each starting with a line [[police.group]], but one item is 2`,
		}},
		{"number for a table", "city = 3\n", []string{
			`s.toml line 1: city has the wrong type: it must be a table, written as a line [city] followed by its keys, not 3`,
		}},
		{"number for a list", "[buyers]\ndiurnal = 1\n", []string{
			`s.toml line 2: buyers.diurnal has the wrong type: it must be a list of numbers in square brackets (e.g. [0.5, 1, 2]), not 1`,
		}},
		{"wrong item in a list over several lines", "[buyers]\ndiurnal = [\n  1, 2,\n  \"x\",\n]\n", []string{
			`s.toml line 2: buyers.diurnal has the wrong type: it must be a list of numbers in square brackets (e.g. [0.5, 1, 2]), but item 3 is the text "x"`,
		}},
		{"wrong type in a group", "[[police.group]]\ncount = \"ten\"\n", []string{
			`s.toml line 2: police.group[1].count has the wrong type: it must be a whole number (e.g. 30), not the text "ten"`,
		}},
		{"groups not a list", "[police]\ngroup = 3\n", []string{
			`s.toml line 2: police.group has the wrong type: it must be a list of tables, each starting with a line [[police.group]], not 3`,
		}},
		{"out of range", "[stasher]\nquota = -3\n", []string{
			"s.toml line 2: stasher.quota = -3 is not allowed: a whole number from 1 to 10000",
		}},
		{"probability out of range", "[police]\nfind_prob = 1.5\n", []string{
			"s.toml line 2: police.find_prob = 1.5 is not allowed: a probability from 0 to 1",
		}},
		{"out of range in an inline table", "[city.landuse]\npark = { cover = 0.5,\n  traffic = 2 }\n", []string{
			"s.toml line 3: city.landuse.park.traffic = 2 is not allowed: ...",
		}},
		{"out of range as a dotted key", "[city]\nlanduse.forest.cover = 1\n", []string{
			"s.toml line 2: city.landuse.forest.cover = 1 is not allowed: 0 <= cover < 1",
		}},
		{"out of range in a group", "[[police.group]]\ncount = 1\n[[police.group]]\nstrategy = \"teleport\"\n", []string{
			`s.toml line 4: police.group[2].strategy = "teleport" is not allowed: one of ...`,
		}},
		{"area of a group outside the grid", "[[police.group]]\nstrategy = \"area\"\narea = [90, 90, 100, 100]\n", []string{
			"s.toml line 3: police.group[1].area = [90, 90, 100, 100] is not allowed: ...",
		}},
		{"one hour of the diurnal profile", "[buyers]\ndiurnal = [\n" + strings.Repeat("1,\n", 5) + "-1,\n" + strings.Repeat("1,\n", 18) + "]\n", []string{
			"s.toml line 2: buyers.diurnal[5] = -1 is not allowed: ...",
		}},
		{"cross-check against a default, table in the file", "[stasher]\nshift_start = 22\n", []string{
			"s.toml line 1: stasher.shift_end = 20 is not allowed: ... (default value, not set in [stasher])",
		}},
		{"end_day before start_day in a group", "days = 100\n[[police.group]]\nstart_day = 50\n[[police.group]]\nend_day = 30\nstart_day = 40\n", []string{
			"s.toml line 5: police.group[2].end_day = 30 is not allowed: a whole number from 40 to 100",
		}},
		{"a group starting after the run, its end_day the default", "days = 180\n[[police.group]]\nstart_day = 200\n", []string{
			"s.toml line 3: police.group[1].start_day = 200 is not allowed: a day from 0 to days = 180 (the run has 180 days, so the group would start after the run ends)",
		}},
		{"a group starting after the run and ending after it", "days = 180\n[[police.group]]\nstart_day = 200\nend_day = 250\n", []string{
			"s.toml line 3: police.group[1].start_day = 200 is not allowed: a day from 0 to days = 180 (the run has 180 days, so the group would start after the run ends)",
			"s.toml line 4: police.group[1].end_day = 250 is not allowed: a whole number from 0 to 180",
		}},
		{"cross-check against a default, no table", "[market]\nshops = 30\n", []string{
			"s.toml: organization.stashers = 20 is not allowed: at least one stasher per shop (market.shops = 30) (default value)",
		}},
		{"too many units in all", "[[police.group]]\ncount = 60000\n[[police.group]]\ncount = 60000\n", []string{
			"s.toml line 1: police.group = 120000 is not allowed: ...",
		}},
		{"three mistakes, three sentences", "days = 0\n[stasher]\nquota = 0\n\n[buyers]\ncount = \"many\"\n", []string{
			"s.toml line 1: days = 0 is not allowed: ...",
			"s.toml line 3: stasher.quota = 0 is not allowed: ...",
			`s.toml line 6: buyers.count has the wrong type: ...`,
		}},
		{"problems in file order", "[police]\nfind_prob = 2\n[stasher]\nqouta = 1\n[market]\nshops = 0\n", []string{
			"s.toml line 2: police.find_prob = 2 is not allowed: ...",
			`s.toml line 4: unknown key "stasher.qouta" ...`,
			"s.toml line 6: market.shops = 0 is not allowed: ...",
		}},
		{"keys inside a multi-line string are not keys", "description = \"\"\"\nquota = 5\n[stasher]\n\"\"\"\n[stasher]\nquota = 0\n", []string{
			"s.toml line 6: stasher.quota = 0 is not allowed: ...",
		}},
		{"Windows line ends", "[stasher]\r\n# note\r\nquota = 0\r\n", []string{
			"s.toml line 3: stasher.quota = 0 is not allowed: ...",
		}},
		{"syntax error", "[stasher]\nquota = 30\nspeed 4\n", []string{
			"s.toml line 3: the TOML syntax is wrong: ...",
		}},
		{"text without quotes", "[[police.group]]\nstrategy = random\n", []string{
			`s.toml line 2: the TOML syntax is wrong: expected value but found "random" instead (text must be in double quotes, e.g. strategy = "random"; numbers and true or false are written without)`,
		}},
		{"value missing", "[market]\nshops =\n", []string{
			`s.toml line 2: the TOML syntax is wrong: expected value but found '\n' instead (the value after = is missing)`,
		}},
		{"units after a number", "[[police.group]]\ncount = 40 units\n", []string{
			`s.toml line 2: the TOML syntax is wrong: expected a top-level item to end with a newline, comment, or EOF, but got 'u' instead` + unitsHint,
		}},
		{"units in a list", "[[police.group]]\nstrategy = \"area\"\narea = [1, 2, 3, 4 cells]\n", []string{
			`s.toml line 3: the TOML syntax is wrong: expected a comma (',') or array terminator (']'), but got 'c'` + unitsHint,
		}},
		{"a list without commas", "[buyers]\ndiurnal = [1 2]\n", []string{
			`s.toml line 2: the TOML syntax is wrong: expected a comma (',') or array terminator (']'), but got '2'` + unitsHint,
		}},
		{"units in an inline table", "[city.landuse]\npark = { cover = 0.5 share }\n", []string{
			`s.toml line 2: the TOML syntax is wrong: expected a comma or an inline table terminator '}', but got 's' instead` + unitsHint,
		}},
		{"lists nested too deep", "days = 3\n[zones]\npolygon = " + strings.Repeat("[", 20) + "\n", []string{
			"s.toml line 3: lists or tables nest more than 16 deep here; a scenario needs at most 2 (a polygon's [[x, y], ...])",
		}},
		{"key written twice", "[market]\nshops = 3\nprice = 1\nshops = 4\n", []string{
			"s.toml line 4: the TOML syntax is wrong: ...",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("s.toml", []byte(tc.text))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want a *scenario.Error", err, err)
			}
			got := strings.Split(err.Error(), "\n")
			if len(got) != len(e.Problems) {
				t.Errorf("Error() has %d lines for %d problems", len(got), len(e.Problems))
			}
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

// matches is equality, or for want with "..." in it, the parts before and
// after each "..." appearing in that order.
func matches(got, want string) bool {
	parts := strings.Split(want, "...")
	if len(parts) == 1 {
		return got == want
	}
	if !strings.HasPrefix(got, parts[0]) || !strings.HasSuffix(got, parts[len(parts)-1]) {
		return false
	}
	rest := got[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return len(rest) >= len(parts[len(parts)-1])
}

func TestProblemFields(t *testing.T) {
	_, err := Parse("dir/s.toml", []byte("[stasher]\nquota = -3\nqouta = 1\n[market]\nshops = 30\n"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want a *scenario.Error", err)
	}
	want := []Problem{
		{File: "dir/s.toml", Line: 2, Key: "stasher.quota"},
		{File: "dir/s.toml", Line: 3, Key: "stasher.qouta"},
		{File: "dir/s.toml", Line: 0, Key: "organization.stashers"},
	}
	if len(e.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(e.Problems), len(want), err)
	}
	for i, w := range want {
		g := e.Problems[i]
		if g.File != w.File || g.Line != w.Line || g.Key != w.Key || g.Msg == "" {
			t.Errorf("problem %d = %+v, want file %q line %d key %q", i+1, g, w.File, w.Line, w.Key)
		}
	}
}

func TestLoadFileProblems(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	large := filepath.Join(dir, "large.toml")
	f, err := os.Create(large)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	missing := filepath.Join(dir, "x.toml")
	bad := write("bad.toml", "[stasher]\nquota = 0\n")
	fifo := filepath.Join(dir, "pipe.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.toml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name, path, want string
	}{
		{"missing", missing, fmt.Sprintf("scenario file %q does not exist", missing)},
		{"directory", dir, fmt.Sprintf("scenario file %q is a directory, not a file", dir)},
		{"too large", large, fmt.Sprintf("scenario file %q is larger than 10 MiB; scenario files are a few kilobytes of text, so this is probably not one", large)},
		{"bad value", bad, bad + " line 2: stasher.quota = 0 is not allowed: a whole number from 1 to 10000"},
		{"named pipe", fifo, fmt.Sprintf("scenario file %q is a named pipe (FIFO), not a regular file; give a file", fifo)},
		{"link to /dev/zero", zero, fmt.Sprintf("scenario file %q is a character device, not a regular file; give a file", zero)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want a *scenario.Error", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}

	t.Run("empty file", func(t *testing.T) {
		p, err := Load(write("empty.toml", ""))
		if err != nil {
			t.Fatal(err)
		}
		want := sim.DefaultParams()
		want.Name = "empty"
		if !p.Equal(want) {
			t.Errorf("empty file:\n%s", diffParams(t, p, want))
		}
	})
}

func TestEncodeRoundTrip(t *testing.T) {
	cases := map[string]sim.Params{}
	for _, f := range shipped(t) {
		p, err := Load(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// Map paths are relative to the scenario; the copy is read elsewhere.
		c := &p.City
		for _, path := range []*string{&c.Map, &c.DemandMap, &c.CoverMap} {
			if *path != "" {
				*path, _ = filepath.Abs(filepath.Join(filepath.Dir(f), *path))
			}
		}
		cases[filepath.Base(f)] = p
	}
	// Numbers that a careless writer would round, text that needs escaping,
	// an empty but present area.
	p := sim.DefaultParams()
	p.Name = `odd "name"`
	p.Description = "two\nlines, a tab\tand a backslash \\"
	p.Seed = 1<<63 - 1
	p.Market.Price = 0.1 + 0.2
	p.Market.LossRate = 1.0 / 3
	p.Stasher.ChoiceTemp = 1e-3
	p.Market.StartCash = -1e12
	p.Market.MinReputation = 5e-324
	p.City.CellM = 123456.789012345678
	p.Buyers.Diurnal[3] = 0
	g := sim.DefaultGroup(p.Days)
	g.Strategy = "none"
	p.Police.Groups = []sim.GroupParams{g}
	p.Zones.Polygon = [][]int{{1, 2}, {30, 2}, {15, 40}}
	p.Zones.Control = []int{60, 60, 80, 80}
	p.Zones.BufferControl = []int{90, 90, 99, 99}
	cases["awkward values"] = p

	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, p); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), "# ") {
				t.Errorf("no header comment:\n%s", buf.String())
			}
			got, err := Parse("other-name.toml", buf.Bytes())
			if p.City.Map != "" { // a map is read only from a file
				path := filepath.Join(t.TempDir(), "other-name.toml")
				os.WriteFile(path, buf.Bytes(), 0o644)
				got, err = Load(path)
			}
			if err != nil {
				t.Fatalf("%v\nin\n%s", err, buf.String())
			}
			if !got.Equal(p) {
				t.Errorf("round trip changed the parameters:\n%s", diffParams(t, got, p))
			}
			// Every key is written, defaults included.
			idx := indexKeys(buf.String())
			for _, key := range leafKeys(reflect.TypeFor[sim.Params](), "") {
				if strings.HasPrefix(key, "police.group.") || optionalLists[key] {
					continue
				}
				if _, ok := idx[key]; !ok {
					t.Errorf("Encode does not write %s", key)
				}
			}
			for i := range p.Police.Groups {
				for _, k := range []string{"name", "strategy", "count", "start_day", "end_day"} {
					if key := fmt.Sprintf("police.group[%d].%s", i+1, k); idx[key].line == 0 {
						t.Errorf("Encode does not write %s", key)
					}
				}
			}
		})
	}
}

func TestEncodeWriteError(t *testing.T) {
	if err := Encode(failWriter{}, sim.DefaultParams()); err == nil {
		t.Error("Encode to a failing writer gave no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// FuzzParse: no text makes Parse panic, and what parses without error
// survives an Encode round trip.
func FuzzParse(f *testing.F) {
	for _, file := range shipped(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[city.landuse]\npark = { cover = 0.5,\n  traffic = 2 }\n[[police.group]]\narea = [1, 2]\n"))
	f.Add([]byte("description = \"\"\"\nx = 1\n\"\"\"\nname = 'a'\n"))
	// Nesting past MaxNesting, which once overflowed the decoder's stack
	// (lists) or took it past 14 GB (inline tables) at full size.
	f.Add([]byte("x = " + strings.Repeat("[", 40) + "\n"))
	f.Add([]byte("x = " + strings.Repeat("{a=", 40) + "1" + strings.Repeat("}", 40) + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if hugeGrid(data) {
			return // TestParseLargestGrid covers them; each takes seconds
		}
		var p sim.Params
		var err error
		const bound = parseAllocBound
		if n := allocated(func() { p, err = Parse("f.toml", data) }); n > bound {
			t.Fatalf("Parse allocated %d MB (bound %d MB)", n>>20, bound>>20)
		}
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

// allocated returns the bytes fn allocates.
// parseAllocBound is the most Parse may allocate for any file: the
// largest grid's zones (25 million cells) take about 125 MB.
const parseAllocBound = 256 << 20

// fuzzMaxCells is the largest grid the fuzz targets parse. A grid of the
// largest size takes about two seconds to parse (its zones), so a fuzzer
// that mutated one would try a few dozen inputs in 20 s and nothing else;
// TestParseLargestGrid checks the largest grid once instead.
const fuzzMaxCells = 1 << 20

// hugeGrid says whether data is a scenario whose grid has more than
// fuzzMaxCells cells, read cheaply (nesting first, as Parse does).
func hugeGrid(data []byte) bool {
	if nestingLine(string(data)) > 0 {
		return false
	}
	var f struct {
		City struct{ Width, Height any } `toml:"city"`
	}
	if _, err := toml.Decode(string(data), &f); err != nil {
		return false
	}
	w, ok1 := f.City.Width.(int64)
	h, ok2 := f.City.Height.(int64)
	if !ok1 {
		w = int64(sim.DefaultParams().City.Width)
	}
	if !ok2 {
		h = int64(sim.DefaultParams().City.Height)
	}
	return w > 0 && h > 0 && w*h > fuzzMaxCells
}

// TestParseLargestGrid: a grid of the largest size, with a treatment area
// over all of it, parses within the allocation bound the fuzzer checks.
func TestParseLargestGrid(t *testing.T) {
	data := []byte("[city]\nwidth = 100000\nheight = 250\n[zones]\ntreatment = [0, 0, 99999, 249]\nsplit_day = 5\n")
	if !hugeGrid(data) {
		t.Fatal("hugeGrid does not see the largest grid")
	}
	var err error
	if n := allocated(func() { _, err = Parse("f.toml", data) }); n > parseAllocBound {
		t.Fatalf("Parse allocated %d MB (bound %d MB)", n>>20, parseAllocBound>>20)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestNameProblems: a bad name says whether the file set it or it was
// taken from the file name, and never prints a control character raw.
func TestNameProblems(t *testing.T) {
	const slash = `a non-empty name without / or \ (it names the output directory outputs/<name>)`
	const control = "a name of UTF-8 text without control characters such as newline, tab or escape (it names the output directory outputs/<name> and is printed in messages)"
	long := strings.Repeat("n", 150)
	for _, c := range []struct {
		file, text, want string
	}{
		{"...toml", "", `...toml: name = ".." (taken from the file name "...toml") is not allowed: ` + slash + `; set name = "..." in the file`},
		{"dir/...toml", "days = 10\n", `dir/...toml: name = ".." (taken from the file name "...toml") is not allowed: ` + slash + `; set name = "..." in the file`},
		{"dir/e\x1b[2Jx.toml", "", `"dir/e\x1b[2Jx.toml": name = "e\x1b[2Jx" (taken from the file name "e\x1b[2Jx.toml") is not allowed: ` + control + `; set name = "..." in the file`},
		{long + ".toml", "", long + `.toml: name = "` + long + `" (taken from the file name "` + long + `.toml") is not allowed: a name of at most 100 bytes, here 150 (it names the output directory outputs/<name>); set name = "..." in the file`},
		{"s.toml", "name = \"a\\u001b[31mred\\nb\"\n", `s.toml line 1: name = "a\x1b[31mred\nb" is not allowed: ` + control},
		{"s.toml", "name = \"..\"\n", `s.toml line 1: name = ".." is not allowed: ` + slash},
	} {
		_, err := Parse(c.file, []byte(c.text))
		var e *Error
		if !errors.As(err, &e) || len(e.Problems) != 1 {
			t.Errorf("%q: %v, want one problem", c.file, err)
			continue
		}
		if got := err.Error(); got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.file, got, c.want)
		}
		if strings.IndexFunc(err.Error(), unicode.IsControl) >= 0 {
			t.Errorf("%q: a control character printed raw: %q", c.file, err)
		}
	}
	// A file with a good name of its own may have any file name.
	if p, err := Parse("...toml", []byte(`name = "mine"`)); err != nil || p.Name != "mine" {
		t.Errorf("name set in the file: %q, %v", p.Name, err)
	}
}

func TestShippedSweepsLoad(t *testing.T) {
	files, err := filepath.Glob("../../../scenarios/sweep-*.toml")
	if err != nil || len(files) < 3 {
		t.Fatalf("found %d sweep files in scenarios/ (%v), want the patrols, LHS and Morris examples", len(files), err)
	}
	for _, f := range files {
		sw, err := LoadSweep(f, nil)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if want := strings.TrimSuffix(filepath.Base(f), ".toml"); sw.Name != want || sw.Description == "" {
			t.Errorf("%s: name %q (want %q), description %q", f, sw.Name, want, sw.Description)
		}
	}
}
