package output

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"dropsim/cmd/internal/input"
	"dropsim/sim"
	"dropsim/sim/metrics"
)

// The test run: 20 days of the default city and market with three police
// groups, a group with strategy "none" first (it has no units, so the
// units of the others are numbered from 0), and zones whose periods leave
// days outside: the treatment area is the area group's [40, 40, 55, 55],
// the split day 10 with 2 gap days, so the before period is days 2-9 and
// the after period days 12-19 (8 days each, the room after the gap).
const (
	testDays   = 20
	testTicks  = testDays * 24
	testUnits  = 4 + 6 // the "random" and "area" groups' units
	testGroups = 3
)

func testParams() sim.Params {
	p := sim.DefaultParams()
	p.WarmupDays = 0 // the before period from day 0
	p.Name = "tables"
	p.Days = testDays
	p.Police.Groups = []sim.GroupParams{
		{Name: "idle", Strategy: "none", Count: 7, StartDay: 0, EndDay: testDays},
		{Name: "walkers", Strategy: "random", Count: 4, StartDay: 5, EndDay: testDays},
		{Name: "crackdown", Strategy: "area", Count: 6, StartDay: 10, EndDay: testDays, Area: []int{40, 40, 55, 55}},
	}
	p.Police.StakeoutProb, p.Police.StakeoutArrestProb = 0.9, 0.9 // buyers arrested at a place
	p.Police.LinkProb, p.Police.InvestigationDays = 1, 2          // investigations: arrests without a place
	p.Zones.SplitDay, p.Zones.GapDays = 10, 2
	p.Zones.ControlMethod = sim.ControlRest // the control testZone computes by hand
	return p
}

// testPeriod and testZone label a day and a cell from the definitions
// above, independently of sim.Zones.
func testPeriod(day int) string {
	switch {
	case day >= 2 && day < 10:
		return "before"
	case day >= 12 && day < 20:
		return "after"
	}
	return "outside"
}

func testZone(x, y int) string {
	d := max(40-x, x-55, 40-y, y-55, 0) // Chebyshev distance to the treatment rectangle
	switch {
	case d == 0:
		return "treatment"
	case d <= 5: // buffer_width
		return "buffer"
	case d > 10: // buffer_width + control_gap
		return "control"
	}
	return "elsewhere"
}

// testRun plays the test run into a Recorder in a new directory and
// returns the directory, what the tables must agree with, and the records
// as the run emitted them (collected in memory, beside the files).
func testRun(t *testing.T) (string, Run, metrics.Tables, []metrics.DailyRow) {
	t.Helper()
	p := testParams()
	dir := t.TempDir()
	m, err := sim.New(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	z := p.BuildZones(m.G.Class)
	rec, err := NewRecorder(dir, p.TicksPerDay(), z)
	if err != nil {
		t.Fatal(err)
	}
	var mem metrics.Tables
	sink := sim.SinkFunc(func(e *sim.Event) { rec.Event(e); mem.Event(e) })
	for !m.Done() {
		m.Step(sink)
	}
	m.Finish(sink)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteLandUse(dir, &p, m.G.Class); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteDropsGIS(dir, &p, z, mem.Drops); err != nil {
		t.Fatal(err)
	}
	return dir, Run{Params: &p, Zones: z, Counts: m.Totals()}, mem, rec.Daily.Rows()
}

// TestReadTablesRoundTrip: the tables of a run read back as the run
// emitted them, and the run has what the tampering test needs.
func TestReadTablesRoundTrip(t *testing.T) {
	dir, run, mem, daily := testRun(t)
	got, err := ReadTables(dir, run)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, mem) {
		t.Errorf("tables read back differ from the run's: %d/%d drops, %d/%d arrests, %d/%d police rows",
			len(got.Drops), len(mem.Drops), len(got.Arrests), len(mem.Arrests), len(got.Police), len(mem.Police))
	}
	gotDaily, err := ReadDaily(dir, run)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotDaily, daily) {
		t.Errorf("daily.csv read back differs: %d rows, the run %d", len(gotDaily), len(daily))
	}
	land, err := ReadLandUse(dir, 100, 100)
	if err != nil || len(land) != 100*100 {
		t.Fatalf("landuse.asc: %d cells, %v", len(land), err)
	}
	// The labels the Recorder wrote agree with the test's own zones, and
	// the run has drops in each period and arrests with and without a place.
	drops := readRows(t, filepath.Join(dir, "drops.csv"))
	periods := map[string]int{}
	for _, r := range drops[1:] {
		x, _ := strconv.Atoi(r[3])
		y, _ := strconv.Atoi(r[4])
		placed, _ := strconv.Atoi(r[5])
		if r[9] != testZone(x, y) || r[10] != testPeriod(placed/24) {
			t.Fatalf("drop %v labelled %s, %s; the test's zones say %s, %s", r, r[9], r[10], testZone(x, y), testPeriod(placed/24))
		}
		periods[r[10]]++
	}
	placeless := 0
	for _, r := range readRows(t, filepath.Join(dir, "arrests.csv"))[1:] {
		if r[4] == "" {
			placeless++
		}
	}
	if periods["before"] == 0 || periods["after"] == 0 || periods["outside"] == 0 || placeless == 0 || placeless == len(mem.Arrests) {
		t.Errorf("the test run has drops by period %v and %d of %d arrests without a place; the tampering test needs each", periods, placeless, len(mem.Arrests))
	}
	units := map[[2]int32]bool{}
	for _, u := range mem.Police {
		units[[2]int32{u.Unit, u.Group}] = true
	}
	want := map[[2]int32]bool{{0, 1}: true, {1, 1}: true, {2, 1}: true, {3, 1}: true, {4, 2}: true, {5, 2}: true, {6, 2}: true, {7, 2}: true, {8, 2}: true, {9, 2}: true}
	if !reflect.DeepEqual(units, want) {
		t.Errorf("units and groups %v, want %v", units, want)
	}
}

func readRows(t *testing.T, path string) [][]string {
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

// TestReadTablesRefusesTampering edits one field of one line of a copy of
// a run's tables (or a whole file) and checks the exact sentence: the
// file, the line, the column by number and name, the value and what is
// allowed, computed here from the test run's parameters.
func TestReadTablesRefusesTampering(t *testing.T) {
	src, run, mem, _ := testRun(t)
	placed, arrests := run.Counts.Placed, len(mem.Arrests)
	policeRows := len(mem.Police)
	seized := run.Counts.Outcomes[sim.OutcomeSeized]
	if placed == 0 || arrests == 0 || policeRows == 0 || seized == 0 {
		t.Fatalf("the test run has %d drops, %d seized, %d arrests, %d police rows", placed, seized, arrests, policeRows)
	}
	const grid = "a cell from 0 to 99 (the grid is 100 x 100)"
	tick := fmt.Sprintf("a tick from 0 to %d (the run played %d ticks)", testTicks-1, testTicks)
	day := fmt.Sprintf("a day from 0 to %d (the run played %d days)", testDays-1, testDays)

	// A line of a table: the first whose row satisfies ok.
	type where struct {
		file string
		ok   func(r []string) bool
	}
	any := func(r []string) bool { return true }
	num := func(r []string, i int) int { v, _ := strconv.Atoi(r[i]); return v }
	placeless := func(r []string) bool { return r[4] == "" }
	cases := []struct {
		name  string
		at    where
		col   int                                            // 1-based
		value func(r []string) string                        // the new value of the field
		whole func(path string, rows [][]string)             // or: rewrite the whole file
		want  func(path string, line int, r []string) string // the message; line and r are the edited row's
	}{
		// drops.csv: a place on the grid.
		{name: "drop x = 5000", at: where{"drops.csv", any}, col: 4, value: func([]string) string { return "5000" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 4 (x): 5000 is not allowed: %s", p, l, grid)
			}},
		{name: "drop x negative", at: where{"drops.csv", any}, col: 4, value: func([]string) string { return "-1" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 4 (x): -1 is not allowed: %s", p, l, grid)
			}},
		{name: "drop y empty", at: where{"drops.csv", any}, col: 5, value: func([]string) string { return "" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 5 (y): an empty value is not allowed: %s", p, l, grid)
			}},
		{name: "drop x not a number", at: where{"drops.csv", any}, col: 4, value: func([]string) string { return "3x" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 4 (x): \"3x\" is not allowed: %s", p, l, grid)
			}},
		// drops.csv: ticks of the run, ids of the run.
		{name: "drop placed at tick 2147483647", at: where{"drops.csv", any}, col: 6, value: func([]string) string { return "2147483647" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 6 (placed_tick): 2147483647 is not allowed: %s", p, l, tick)
			}},
		{name: "drop ended before it was placed", at: where{"drops.csv", func(r []string) bool { return num(r, 5) > 0 }}, col: 7,
			value: func(r []string) string { return strconv.Itoa(num(r, 5) - 1) },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 7 (end_tick): %d is not allowed: a tick from placed_tick = %s to %d (the run played %d ticks)", p, l, num(r, 5)-1, r[5], testTicks-1, testTicks)
			}},
		{name: "drop ended after the run", at: where{"drops.csv", any}, col: 7, value: func([]string) string { return strconv.Itoa(testTicks) },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 7 (end_tick): %d is not allowed: a tick from placed_tick = %s to %d (the run played %d ticks)", p, l, testTicks, r[5], testTicks-1, testTicks)
			}},
		{name: "drop of shop 4", at: where{"drops.csv", any}, col: 2, value: func([]string) string { return "4" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 2 (shop): 4 is not allowed: a shop from 0 to 3 (market.shops = 4)", p, l)
			}},
		{name: "drop id past the drops placed", at: where{"drops.csv", any}, col: 1, value: func([]string) string { return strconv.Itoa(placed) },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 1 (drop_id): %d is not allowed: a drop id from 0 to %d (the run placed %d drops)", p, l, placed, placed-1, placed)
			}},
		{name: "negative stasher", at: where{"drops.csv", any}, col: 3, value: func([]string) string { return "-2" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 3 (stasher): -2 is not allowed: a stasher id, a whole number from 0", p, l)
			}},
		// drops.csv: names and labels.
		{name: "unknown outcome", at: where{"drops.csv", any}, col: 8, value: func([]string) string { return "pickd" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 8 (outcome): \"pickd\" is not allowed: an outcome, one of active, picked, seized, lost, expired", p, l)
			}},
		{name: "period cut short", at: where{"drops.csv", func(r []string) bool { return r[10] == "outside" }}, col: 11, value: func([]string) string { return "outsi" },
			want: func(p string, l int, r []string) string {
				d := num(r, 5) / 24
				return fmt.Sprintf("%s line %d, column 11 (period): \"outsi\" is not allowed: \"outside\", the period of day %d (placed_tick %s) in this run's zones", p, l, d, r[5])
			}},
		{name: "period after for a drop before", at: where{"drops.csv", func(r []string) bool { return testPeriod(num(r, 5)/24) == "before" }}, col: 11, value: func([]string) string { return "after" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 11 (period): \"after\" is not allowed: \"before\", the period of day %d (placed_tick %s) in this run's zones", p, l, num(r, 5)/24, r[5])
			}},
		{name: "zone control for a drop in the treatment area", at: where{"drops.csv", func(r []string) bool { return testZone(num(r, 3), num(r, 4)) == "treatment" }}, col: 10, value: func([]string) string { return "control" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 10 (zone): \"control\" is not allowed: \"treatment\", the zone of cell (%s, %s) in this run's zones", p, l, r[3], r[4])
			}},
		{name: "drop moved out of its labelled zone", at: where{"drops.csv", func(r []string) bool { return r[9] == "treatment" }}, col: 4, value: func([]string) string { return "0" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 10 (zone): \"treatment\" is not allowed: %q, the zone of cell (0, %s) in this run's zones", p, l, testZone(0, num(r, 4)), r[4])
			}},
		{name: "a blank line counts as a line", at: where{"drops.csv", any}, whole: func(path string, rows [][]string) {
			rows[6][3] = "5000"
			writeRows(path, rows)
			b, _ := os.ReadFile(path)
			os.WriteFile(path, []byte(strings.Replace(string(b), "\n", "\n\n", 3)), 0o644) // blank lines 2, 4 and 6
		}, want: func(p string, _ int, _ []string) string {
			return fmt.Sprintf("%s line 10, column 4 (x): 5000 is not allowed: %s", p, grid)
		}},
		{name: "a line with a field missing", at: where{"drops.csv", any}, whole: func(path string, rows [][]string) {
			rows[1] = rows[1][:10]
			writeRows(path, rows)
		}, want: func(p string, _ int, _ []string) string {
			return p + " line 2 has 10 fields, but the header has 11 (drop_id,shop,stasher,x,y,placed_tick,end_tick,outcome,cause,zone,period): every line has one value for each"
		}},
		// drops.csv: the rows the run's counts give.
		{name: "empty drops.csv", at: where{"drops.csv", any}, whole: func(path string, _ [][]string) { os.WriteFile(path, nil, 0o644) },
			want: func(p string, _ int, _ []string) string {
				return p + " is empty: it should start with the header drop_id,shop,stasher,x,y,placed_tick,end_tick,outcome,cause,zone,period"
			}},
		{name: "header only", at: where{"drops.csv", any}, whole: func(path string, rows [][]string) { writeRows(path, rows[:1]) },
			want: func(p string, _ int, _ []string) string {
				return fmt.Sprintf("%s has 0 rows, but the run placed %d drops, one row each: the table is incomplete", p, placed)
			}},
		{name: "a drop missing", at: where{"drops.csv", any}, whole: func(path string, rows [][]string) { writeRows(path, rows[:len(rows)-1]) },
			want: func(p string, _ int, _ []string) string {
				return fmt.Sprintf("%s has %d rows, but the run placed %d drops, one row each: the table is incomplete", p, placed-1, placed)
			}},
		{name: "a drop too many", at: where{"drops.csv", any}, whole: func(path string, rows [][]string) { writeRows(path, append(rows, rows[1], rows[1])) },
			want: func(p string, _ int, _ []string) string {
				return fmt.Sprintf("%s line %d is a row too many: the run placed %d drops, one row each", p, placed+2, placed)
			}},
		{name: "a picked drop made seized", at: where{"drops.csv", func(r []string) bool { return r[7] == "picked" }}, col: 8, value: func([]string) string { return "seized" },
			want: func(p string, _ int, _ []string) string {
				picked := run.Counts.Outcomes[sim.OutcomePicked]
				return fmt.Sprintf("%s has %d drops with outcome picked and %d drops with outcome seized, but the run's counts give %d and %d: the table does not match its run", p, picked-1, seized+1, picked, seized)
			}},
		// arrests.csv
		{name: "arrest at tick 2147483647", at: where{"arrests.csv", any}, col: 1, value: func([]string) string { return "2147483647" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 1 (tick): 2147483647 is not allowed: %s", p, l, tick)
			}},
		{name: "unknown role", at: where{"arrests.csv", any}, col: 2, value: func([]string) string { return "cop" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 2 (role): \"cop\" is not allowed: a role, one of stasher, dispatcher, cash_keeper, organizer, mule, buyer", p, l)
			}},
		{name: "arrest shop -1", at: where{"arrests.csv", any}, col: 4, value: func([]string) string { return "-1" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 4 (shop): -1 is not allowed: a shop from 0 to 3 (market.shops = 4)", p, l)
			}},
		{name: "arrest x empty, y given", at: where{"arrests.csv", func(r []string) bool { return !placeless(r) }}, col: 5, value: func([]string) string { return "" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 5 (x): an empty value is not allowed: %s, since y is given (an arrest without a place has both x and y empty)", p, l, grid)
			}},
		{name: "arrest y given without x", at: where{"arrests.csv", placeless}, col: 6, value: func([]string) string { return "7" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 5 (x): an empty value is not allowed: %s, since y is given (an arrest without a place has both x and y empty)", p, l, grid)
			}},
		{name: "arrest x negative", at: where{"arrests.csv", func(r []string) bool { return !placeless(r) }}, col: 5, value: func([]string) string { return "-1" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 5 (x): -1 is not allowed: %s, or empty with y empty for an arrest without a place", p, l, grid)
			}},
		{name: "a zone for an arrest without a place", at: where{"arrests.csv", placeless}, col: 8, value: func([]string) string { return "control" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 8 (zone): \"control\" is not allowed: an empty zone, since the event has no place", p, l)
			}},
		{name: "minor not true or false", at: where{"arrests.csv", any}, col: 10, value: func([]string) string { return "yes" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 10 (minor): \"yes\" is not allowed: true or false (whether the person arrested is a minor)", p, l)
			}},
		{name: "an arrest too many", at: where{"arrests.csv", any}, whole: func(path string, rows [][]string) { writeRows(path, append(rows, rows[1])) },
			want: func(p string, _ int, _ []string) string {
				return fmt.Sprintf("%s line %d is a row too many: the run made %d arrests, one row each", p, arrests+2, arrests)
			}},
		{name: "a stasher's arrest made a buyer's", at: where{"arrests.csv", func(r []string) bool { return r[1] == "stasher" }}, col: 2, value: func([]string) string { return "buyer" },
			want: func(p string, _ int, _ []string) string {
				st, bu := run.Counts.Arrests[sim.RoleStasher], run.Counts.Arrests[sim.RoleBuyer]
				return fmt.Sprintf("%s has %d arrests of role stasher and %d arrests of role buyer, but the run's counts give %d and %d: the table does not match its run", p, st-1, bu+1, st, bu)
			}},
		// police.csv
		{name: "police x = 99999", at: where{"police.csv", any}, col: 4, value: func([]string) string { return "99999" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 4 (x): 99999 is not allowed: %s", p, l, grid)
			}},
		{name: "police day = days", at: where{"police.csv", any}, col: 1, value: func([]string) string { return strconv.Itoa(testDays) },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 1 (day): %d is not allowed: %s", p, l, testDays, day)
			}},
		{name: "unit past the units", at: where{"police.csv", any}, col: 2, value: func([]string) string { return strconv.Itoa(testUnits) },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 2 (unit): %d is not allowed: a unit from 0 to %d (the run's police groups have %d units)", p, l, testUnits, testUnits-1, testUnits)
			}},
		{name: "group past the groups", at: where{"police.csv", any}, col: 3, value: func([]string) string { return strconv.Itoa(testGroups) },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 3 (group): %d is not allowed: a group from 0 to %d (the run has %d police groups)", p, l, testGroups, testGroups-1, testGroups)
			}},
		{name: "a crackdown unit in the walkers' group", at: where{"police.csv", func(r []string) bool { return r[2] == "2" }}, col: 3, value: func([]string) string { return "1" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 3 (group): 1 is not allowed: 2, the group of unit %s (police.group[3])", p, l, r[1])
			}},
		{name: "more police rows than units and days", at: where{"police.csv", any}, whole: func(path string, rows [][]string) {
			for len(rows) <= testDays*testUnits+1 {
				rows = append(rows, rows[1])
			}
			writeRows(path, rows)
		}, want: func(p string, _ int, _ []string) string {
			return fmt.Sprintf("%s line %d is a row too many: a run of %d days with %d police units has at most %d rows, one per unit on duty and day", p, testDays*testUnits+2, testDays, testUnits, testDays*testUnits)
		}},
		// daily.csv
		{name: "daily day -1", at: where{"daily.csv", any}, col: 1, value: func([]string) string { return "-1" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 1 (day): -1 is not allowed: %s", p, l, day)
			}},
		{name: "daily day = days", at: where{"daily.csv", any}, col: 1, value: func([]string) string { return strconv.Itoa(testDays) },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 1 (day): %d is not allowed: %s", p, l, testDays, day)
			}},
		{name: "daily NaN", at: where{"daily.csv", any}, col: 3, value: func([]string) string { return "NaN" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 3 (value): NaN is not allowed: a finite number", p, l)
			}},
		{name: "daily -Inf", at: where{"daily.csv", any}, col: 3, value: func([]string) string { return "-Inf" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 3 (value): -Inf is not allowed: a finite number", p, l)
			}},
		{name: "daily 1e999", at: where{"daily.csv", any}, col: 3, value: func([]string) string { return "1e999" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 3 (value): 1e999 is not allowed: a finite number", p, l)
			}},
		{name: "unknown daily metric", at: where{"daily.csv", any}, col: 2, value: func([]string) string { return "ordrs" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 2 (metric): \"ordrs\" is not allowed: a daily metric, one of %s", p, l, strings.Join(metrics.DailyMetrics, ", "))
			}},
		{name: "every metric every day, and one more row", at: where{"daily.csv", any}, whole: func(path string, rows [][]string) {
			rows = rows[:1]
			for d := range testDays {
				for _, m := range metrics.DailyMetrics {
					rows = append(rows, []string{strconv.Itoa(d), m, "1"})
				}
			}
			writeRows(path, append(rows, []string{"0", "orders", "1"}))
		}, want: func(p string, _ int, _ []string) string {
			n := testDays * len(metrics.DailyMetrics)
			return fmt.Sprintf("%s line %d is a row too many: a run of %d days has at most %d rows, one per day and daily metric (%d of them)", p, n+2, testDays, n, len(metrics.DailyMetrics))
		}},
		{name: "a daily metric twice", at: where{"daily.csv", func(r []string) bool { return r[0] == "0" && r[1] == "unmet" }}, col: 2, value: func([]string) string { return "orders" },
			want: func(p string, l int, r []string) string {
				return fmt.Sprintf("%s line %d, column 2 (metric): \"orders\" is not allowed: a metric not yet given for day 0 (line 2 gives orders for it)", p, l)
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range TableFiles {
				b, err := os.ReadFile(filepath.Join(src, f))
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(dir, f), b, 0o644)
			}
			path := filepath.Join(dir, c.at.file)
			rows := readRows(t, path)
			i := slices.IndexFunc(rows[1:], c.at.ok) + 1
			if i == 0 {
				t.Fatalf("the test run has no row of %s for this case", c.at.file)
			}
			row := slices.Clone(rows[i])
			if c.whole != nil {
				c.whole(path, rows)
			} else {
				rows[i][c.col-1] = c.value(row)
				writeRows(path, rows)
			}
			err := readAll(dir, run)
			want := c.want(path, i+1, row)
			if err == nil || err.Error() != want || !errors.Is(err, ErrBadTable) {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
}

// readAll reads every table of a run, as analyse does.
func readAll(dir string, run Run) error {
	if _, err := ReadTables(dir, run); err != nil {
		return err
	}
	_, err := ReadDaily(dir, run)
	return err
}

func writeRows(path string, rows [][]string) {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	f.Close()
}

// TestTablesThatAreNotFiles: a table, the land-use grid or the manifest
// that is a FIFO or a link to /dev/zero is refused at once, naming it; a
// line longer than input.MaxLine and a manifest over MaxManifest are
// refused without reading on.
func TestTablesThatAreNotFiles(t *testing.T) {
	src, run, _, _ := testRun(t)
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		for _, f := range append(slices.Clone(TableFiles), "landuse.asc") {
			b, _ := os.ReadFile(filepath.Join(src, f))
			os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		return dir
	}
	fifo := func(path string) {
		os.Remove(path)
		if err := syscall.Mkfifo(path, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	zero := func(path string) {
		os.Remove(path)
		os.Symlink("/dev/zero", path)
	}
	for _, c := range []struct {
		name, file string
		make       func(path string)
		read       func(dir string) error
		want       string // after the quoted path
	}{
		{"drops.csv a FIFO", "drops.csv", fifo, func(d string) error { return readAll(d, run) }, " is a named pipe (FIFO), not a regular file; give a file"},
		{"drops.csv a link to /dev/zero", "drops.csv", zero, func(d string) error { return readAll(d, run) }, " is a character device, not a regular file; give a file"},
		{"daily.csv a FIFO", "daily.csv", fifo, func(d string) error { return readAll(d, run) }, " is a named pipe (FIFO), not a regular file; give a file"},
		{"landuse.asc a FIFO", "landuse.asc", fifo, func(d string) error { _, err := ReadLandUse(d, 100, 100); return err }, " is a named pipe (FIFO), not a regular file; give a file"},
		{"manifest.json a link to /dev/zero", "manifest.json", zero, func(d string) error { _, err := ReadManifest(d); return err }, " is a character device, not a regular file; give a file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := setup(t)
			path := filepath.Join(dir, c.file)
			c.make(path)
			err := c.read(dir)
			what := map[string]string{"landuse.asc": "land-use grid", "manifest.json": "manifest"}[c.file]
			if what == "" {
				what = "table"
			}
			if want := fmt.Sprintf("%s %q%s", what, path, c.want); err == nil || err.Error() != want || !errors.Is(err, input.ErrBadFile) {
				t.Errorf("got  %v\nwant %s", err, want)
			}
		})
	}
	t.Run("a line of zero bytes", func(t *testing.T) {
		dir := setup(t)
		path := filepath.Join(dir, "drops.csv")
		// A sparse file: one line of MaxLine+1 zero bytes after the header.
		f, _ := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		f.WriteString(strings.Join(DropsHeader, ",") + "\n")
		f.Truncate(int64(len(strings.Join(DropsHeader, ","))+1) + input.MaxLine + 1)
		f.Close()
		err := readAll(dir, run)
		want := path + " line 2 is longer than 4 MiB"
		if err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, input.ErrBadFile) {
			t.Errorf("got  %v\nwant %s...", err, want)
		}
	})
	t.Run("a manifest over the limit", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "manifest.json")
		os.WriteFile(path, []byte("{}"), 0o644)
		os.Truncate(path, MaxManifest+1) // sparse
		_, err := ReadManifest(dir)
		want := fmt.Sprintf("manifest %q is larger than 256 MiB, the limit for such a file", path)
		if err == nil || err.Error() != want || !errors.Is(err, input.ErrBadFile) {
			t.Errorf("got  %v\nwant %s", err, want)
		}
	})
}

// TestReadLandUseRefusesBadCodes: a land-use grid of the wrong size or
// with a code that is no class is a bad table.
func TestReadLandUseRefusesBadCodes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "landuse.asc")
	head := "ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 100\n"
	for _, c := range []struct{ text, want string }{
		{head + "1 2 3\n4 9 0\n", path + ": cell (1, 1) (row 2 of the grid, column 2) has land-use code 9; the codes are whole numbers from 0 to 6"},
		{head + "1 2 3\n4 2.5 0\n", path + ": cell (1, 1) (row 2 of the grid, column 2) has land-use code 2.5; the codes are whole numbers from 0 to 6"},
		{"ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 100\n1 1\n1 1\n", path + " is 2 x 2 cells, but the run's city is 3 x 2"},
	} {
		os.WriteFile(path, []byte(c.text), 0o644)
		_, err := ReadLandUse(dir, 3, 2)
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrBadTable) {
			t.Errorf("got  %v\nwant %s", err, c.want)
		}
	}
	os.WriteFile(path, []byte(head+"1 2\n"), 0o644)
	if _, err := ReadLandUse(dir, 3, 2); err == nil || !strings.HasPrefix(err.Error(), path+":6") || !errors.Is(err, ErrBadTable) {
		t.Errorf("a short row: %v", err)
	}
}

// TestCheckCounts: a manifest whose ticks or days disagree with its own
// scenario is refused.
func TestCheckCounts(t *testing.T) {
	p := testParams()
	good := Manifest{Program: "dropsim", Complete: true, Days: testDays, Ticks: testTicks, Counts: sim.Totals{Ticks: testTicks}, Params: p}
	if err := good.CheckCounts("out"); err != nil {
		t.Fatal(err)
	}
	cut := good
	cut.Complete, cut.Ticks, cut.Counts.Ticks = false, 100, 100
	if err := cut.CheckCounts("out"); err != nil {
		t.Errorf("a run cut short at tick 100: %v", err)
	}
	path := filepath.Join("out", "manifest.json")
	for _, c := range []struct {
		edit func(m *Manifest)
		want string
	}{
		{func(m *Manifest) { m.Ticks, m.Counts.Ticks = 99999, 99999 }, path + `: "ticks" is 99999; a run of this scenario plays from 0 to 480 ticks (20 days of 24)`},
		{func(m *Manifest) { m.Ticks, m.Counts.Ticks = -1, -1 }, path + `: "ticks" is -1; a run of this scenario plays from 0 to 480 ticks (20 days of 24)`},
		{func(m *Manifest) { m.Ticks = 99999 }, path + `: "ticks" is 99999, but "counts" say 480 ticks; they must be equal`},
		{func(m *Manifest) { m.Ticks, m.Counts.Ticks = 100, 100 }, path + `: "ticks" is 100, but a complete run of this scenario plays 480 ticks (20 days of 24)`},
		{func(m *Manifest) { m.Days = 21 }, path + `: "days" is 21, but its scenario ("params") has days = 20; they must be equal`},
	} {
		m := good
		c.edit(&m)
		if err := m.CheckCounts("out"); err == nil || err.Error() != c.want || !errors.Is(err, ErrBadTable) {
			t.Errorf("got  %v\nwant %s", err, c.want)
		}
	}
}

// TestUnitGroups: units are numbered group by group, and groups of no
// units (none, cameras, a takedown) number none, whatever their count (a
// cctv group's count is of cameras): by hand, 2 random units, then 3 of
// the area group.
func TestUnitGroups(t *testing.T) {
	p := sim.DefaultParams()
	p.Police.Groups = []sim.GroupParams{
		{Strategy: "random", Count: 2}, {Strategy: "cctv", Count: 30}, {Strategy: "takedown", Count: 10},
		{Strategy: "area", Count: 3}, {Strategy: "none", Count: 5},
	}
	if got, want := unitGroups(&p), []int{0, 0, 3, 3, 3}; !slices.Equal(got, want) {
		t.Errorf("unit groups %v, want %v", got, want)
	}
}
