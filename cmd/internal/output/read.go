package output

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"dropsim/cmd/internal/gis"
	"dropsim/cmd/internal/input"
	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// ErrNoRun: the directory does not hold a finished run.
var ErrNoRun = errors.New("not a finished dropsim run")

// ErrBadTable marks a file of a run's directory (a table, landuse.asc or
// the manifest's counts) that is not as dropsim wrote it for that run: a
// value out of its range, a label that disagrees with the run's zones, a
// row too many or too few. The command line treats it as bad input (exit
// code 2).
var ErrBadTable = errors.New("a table does not match its run")

// TableError is one problem with a file of a run; Msg is one sentence
// naming the file and, for a bad value, the line, the column and what is
// allowed there.
type TableError struct {
	Path string
	Msg  string
}

func (e *TableError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrBadTable) true for a *TableError.
func (e *TableError) Is(target error) bool { return target == ErrBadTable }

func tableErrorf(path, format string, args ...any) *TableError {
	return &TableError{path, fmt.Sprintf(format, args...)}
}

// MaxManifest is the largest manifest.json ReadManifest reads. A manifest
// is the resolved scenario plus a few counts and the list of files: a few
// kilobytes. It does not hold a map's land-use classes (sim.CityParams.Land
// is not written to JSON; landuse.asc holds them), so its size follows the
// scenario file's, at most scenario.MaxFileSize (10 MiB) of TOML. The
// densest TOML grows about 17 times in the manifest's indented JSON (a
// police group "{count=0}," is 10 bytes of TOML and about 168 of JSON; a
// polygon vertex "[1,2]," grows 8 times), so 256 MiB holds the manifest
// of any scenario dropsim accepts.
const MaxManifest = 256 << 20

// ReadManifest reads a run's manifest.json.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	path := filepath.Join(dir, "manifest.json")
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("%w: %s has no manifest.json (give the output directory of a dropsim run that completed)", ErrNoRun, dir)
	}
	if err == nil && fi.Mode().IsRegular() && fi.Size() > MaxManifest {
		// Refused before reading it; input.ReadAll bounds a file that grows.
		return m, &input.Error{Path: path, Msg: fmt.Sprintf("manifest %q is larger than %s, the limit for such a file", path, input.Size(MaxManifest))}
	}
	b, err := input.ReadAll(path, "manifest", MaxManifest)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%w: %s: %v", ErrNoRun, path, err)
	}
	if m.Program != "dropsim" {
		return m, fmt.Errorf("%w: %s was not written by dropsim", ErrNoRun, path)
	}
	return m, nil
}

// Run is what the tables of a run must agree with: its parameters, which
// must be valid, its zones (p.BuildZones on its land use) and its counts, whose Ticks is
// the number of ticks played (p.Ticks() for a complete run; fewer for one
// cut short).
type Run struct {
	Params *sim.Params
	Zones  *sim.Zones
	Counts sim.Totals
}

// Run returns what the tables of the run m describes must agree with, on
// the run's land-use map (ReadLandUse). The parameters must be valid (see
// CheckCounts).
func (m *Manifest) Run(land []grid.Class) Run {
	p := m.Params
	return Run{Params: &p, Zones: p.BuildZones(land), Counts: m.Counts}
}

// CheckCounts checks the manifest of a run in dir against its own
// parameters, which must be valid: the ticks played, from 0 to the
// scenario's (all of them for a complete run), and the days. The tables
// are then checked against these counts.
func (m *Manifest) CheckCounts(dir string) error {
	path := filepath.Join(dir, "manifest.json")
	total := m.Params.Ticks()
	switch {
	case m.Days != m.Params.Days:
		return tableErrorf(path, "%s: \"days\" is %d, but its scenario (\"params\") has days = %d; they must be equal", path, m.Days, m.Params.Days)
	case m.Ticks != m.Counts.Ticks:
		return tableErrorf(path, "%s: \"ticks\" is %d, but \"counts\" say %d ticks; they must be equal", path, m.Ticks, m.Counts.Ticks)
	case m.Ticks < 0 || m.Ticks > total:
		return tableErrorf(path, "%s: \"ticks\" is %d; a run of this scenario plays from 0 to %d ticks (%d days of %d)", path, m.Ticks, total, m.Params.Days, m.Params.TicksPerDay())
	case (m.Complete || m.TablesDone) && m.Ticks != total:
		return tableErrorf(path, "%s: \"ticks\" is %d, but a complete run of this scenario plays %d ticks (%d days of %d)", path, m.Ticks, total, m.Params.Days, m.Params.TicksPerDay())
	}
	return nil
}

// table reads one CSV table of a run, bounded: the file must be a regular
// file, its lines at most input.MaxLine bytes, and its rows at most
// maxRows (tooMany says why, for the message).
type table struct {
	path   string
	header []string
	csv    *csv.Reader
	rec    []string
	line   int // of rec
	rows   int // read so far, rec included
}

// readTable reads the table name of dir, whose header must be header,
// calling row for each of at most maxRows rows; tooMany completes the
// sentence given when there are more ("the run placed 5 drops, one row
// each"). It returns the number of rows read.
func readTable(dir, name string, header []string, maxRows int, tooMany string, row func(t *table) error) (int, error) {
	path := filepath.Join(dir, name)
	f, err := input.Open(path, "table")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(input.Lines(f, path, input.MaxLine), 1<<16))
	r.ReuseRecord = true
	t := &table{path: path, header: header, csv: r}
	head, err := r.Read()
	switch {
	case err == io.EOF:
		return 0, tableErrorf(path, "%s is empty: it should start with the header %s", path, strings.Join(header, ","))
	case err != nil:
		return 0, t.readError(err, len(head))
	case !slices.Equal(head, header):
		return 0, tableErrorf(path, "%s line 1: the header is %s, but it should be %s (a table of another version of dropsim?)", path, strings.Join(head, ","), strings.Join(header, ","))
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return t.rows, nil
		}
		if err != nil {
			return t.rows, t.readError(err, len(rec))
		}
		t.rec = rec
		t.line, _ = r.FieldPos(0)
		t.rows++
		if t.rows > maxRows {
			return t.rows, tableErrorf(path, "%s line %d is a row too many: %s", path, t.line, tooMany)
		}
		if err := row(t); err != nil {
			return t.rows, err
		}
	}
}

// readError turns an error of the CSV reader into a sentence naming the
// line; errors of the file itself (input.Lines's) pass through. fields
// is the number of fields the reader found on the line.
func (t *table) readError(err error, fields int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return tableErrorf(t.path, "%s line %d has %d fields, but the header has %d (%s): every line has one value for each", t.path, pe.StartLine, fields, len(t.header), strings.Join(t.header, ","))
	}
	return tableErrorf(t.path, "%s line %d is not valid CSV: %v (at character %d of line %d)", t.path, pe.StartLine, pe.Err, pe.Column, pe.Line)
}

// bad says that the value of column col (0-based) of the current row is
// not allowed, and what is.
func (t *table) bad(col int, allowed string) error {
	return tableErrorf(t.path, "%s line %d, column %d (%s): %s is not allowed: %s", t.path, t.line, col+1, t.header[col], shown(t.rec[col]), allowed)
}

// shown prints a value in a message: a number as it is, anything else
// quoted.
func shown(s string) string {
	if s == "" {
		return "an empty value"
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return s
	}
	return strconv.Quote(s)
}

// int parses column col as a whole number from lo to hi.
func (t *table) int(col, lo, hi int) (int, bool) {
	v, err := strconv.ParseInt(t.rec[col], 10, 64)
	if err != nil || v < int64(lo) || v > int64(hi) {
		return 0, false
	}
	return int(v), true
}

// limits are a run's bounds on the values of its tables, with the
// sentences that say them.
type limits struct {
	run             Run
	tpd             int
	ticks, days     int
	x, y, tick, day string
	shop            string
}

func newLimits(run Run) *limits {
	p := run.Params
	l := &limits{run: run, tpd: p.TicksPerDay(), ticks: run.Counts.Ticks}
	l.days = max(l.ticks, 0) / l.tpd // the days the run completed: only they have daily rows
	l.x = fmt.Sprintf("a cell from 0 to %d (the grid is %d x %d)", p.City.Width-1, p.City.Width, p.City.Height)
	l.y = fmt.Sprintf("a cell from 0 to %d (the grid is %d x %d)", p.City.Height-1, p.City.Width, p.City.Height)
	l.tick = fmt.Sprintf("a tick from 0 to %d (the run played %d ticks)", l.ticks-1, l.ticks)
	l.day = fmt.Sprintf("a day from 0 to %d (the run played %d days)", l.days-1, l.days)
	l.shop = fmt.Sprintf("a shop from 0 to %d (market.shops = %d)", p.Market.Shops-1, p.Market.Shops)
	return l
}

// place reads the cell of columns cx, cy.
func (l *limits) place(t *table, cx, cy int) (x, y int, err error) {
	p := l.run.Params
	var ok bool
	if x, ok = t.int(cx, 0, p.City.Width-1); !ok {
		return 0, 0, t.bad(cx, l.x)
	}
	if y, ok = t.int(cy, 0, p.City.Height-1); !ok {
		return 0, 0, t.bad(cy, l.y)
	}
	return x, y, nil
}

// labels checks the zone and period columns of an event at cell (x, y)
// (x < 0: no place, and no zone) on the day of tick, labelled as the
// Recorder labels them.
func (l *limits) labels(t *table, zc, pc, x, y, tick int, tickName string) error {
	z := l.run.Zones
	zone := ""
	if x >= 0 {
		zone = z.At(x, y).String()
	}
	if t.rec[zc] != zone {
		if x < 0 {
			return t.bad(zc, "an empty zone, since the event has no place")
		}
		return t.bad(zc, fmt.Sprintf("%q, the zone of cell (%d, %d) in this run's zones", zone, x, y))
	}
	day := tick / l.tpd
	if period := z.PeriodOf(day).String(); t.rec[pc] != period {
		return t.bad(pc, fmt.Sprintf("%q, the period of day %d (%s %d) in this run's zones", period, day, tickName, tick))
	}
	return nil
}

// name reads column col as one of names.
func name[T ~uint8](t *table, col int, names []string, what string) (T, error) {
	if i := slices.Index(names, t.rec[col]); i >= 0 {
		return T(i), nil
	}
	return 0, t.bad(col, fmt.Sprintf("%s, one of %s", what, strings.Join(names, ", ")))
}

func outcomeNames() []string {
	n := make([]string, sim.NumOutcomes)
	for o := range sim.NumOutcomes {
		n[o] = o.String()
	}
	return n
}

// unitGroups returns the police group of each unit of a run with
// parameters p, numbered as sim numbers them: group by group, the units
// each puts on the map (none for "none", cameras and takedowns).
func unitGroups(p *sim.Params) []int {
	var groups []int
	for i, g := range p.Police.Groups {
		for range g.Units() {
			groups = append(groups, i)
		}
	}
	return groups
}

// ReadTables reads drops.csv, arrests.csv and police.csv of the run in
// dir back, checking every value against the run: places on its grid,
// ticks and days of the run, shop, unit and group ids of its parameters,
// known names, zone and period labels as run.Zones give them, and the
// number of rows against its counts. A value or a table that does not
// match gives a *TableError naming the file, the line and the column.
func ReadTables(dir string, run Run) (metrics.Tables, error) {
	var t metrics.Tables
	l := newLimits(run)
	p := run.Params
	c := &run.Counts

	// drops.csv: one row per drop placed.
	outcomes := outcomeNames()
	var byOutcome [sim.NumOutcomes]int
	n, err := readTable(dir, "drops.csv", DropsHeader, c.Placed,
		fmt.Sprintf("the run placed %d drops, one row each", c.Placed), func(tb *table) error {
			id, ok := tb.int(0, 0, c.Placed-1)
			if !ok {
				return tb.bad(0, fmt.Sprintf("a drop id from 0 to %d (the run placed %d drops)", c.Placed-1, c.Placed))
			}
			shop, ok := tb.int(1, 0, p.Market.Shops-1)
			if !ok {
				return tb.bad(1, l.shop)
			}
			stasher, ok := tb.int(2, 0, math.MaxInt32)
			if !ok {
				return tb.bad(2, "a stasher id, a whole number from 0")
			}
			x, y, err := l.place(tb, 3, 4)
			if err != nil {
				return err
			}
			placed, ok := tb.int(5, 0, l.ticks-1)
			if !ok {
				return tb.bad(5, l.tick)
			}
			end, ok := tb.int(6, placed, l.ticks-1)
			if !ok {
				return tb.bad(6, fmt.Sprintf("a tick from placed_tick = %d to %d (the run played %d ticks)", placed, l.ticks-1, l.ticks))
			}
			o, err := name[sim.Outcome](tb, 7, outcomes, "an outcome")
			if err != nil {
				return err
			}
			if err := l.labels(tb, 9, 10, x, y, placed, "placed_tick"); err != nil {
				return err
			}
			byOutcome[o]++
			t.Drops = append(t.Drops, sim.DropRecord{ID: int32(id), Shop: int32(shop), Stasher: int32(stasher), X: int32(x), Y: int32(y),
				Placed: int32(placed), End: int32(end), Outcome: o, Cause: tb.rec[8]})
			return nil
		})
	if err != nil {
		return t, err
	}
	path := filepath.Join(dir, "drops.csv")
	if n != c.Placed {
		return t, tableErrorf(path, "%s has %d rows, but the run placed %d drops, one row each: the table is incomplete", path, n, c.Placed)
	}
	if err := countsAgree(path, "drops with outcome", byOutcome[:], c.Outcomes[:], func(i int) string { return sim.Outcome(i).String() }); err != nil {
		return t, err
	}

	// arrests.csv: one row per arrest.
	arrests := 0
	for _, k := range c.Arrests {
		arrests += k
	}
	var byRole [sim.NumRoles]int
	n, err = readTable(dir, "arrests.csv", ArrestsHeader, arrests,
		fmt.Sprintf("the run made %d arrests, one row each", arrests), func(tb *table) error {
			tick, ok := tb.int(0, 0, l.ticks-1)
			if !ok {
				return tb.bad(0, l.tick)
			}
			role, err := name[sim.Role](tb, 1, sim.RoleNames(), "a role")
			if err != nil {
				return err
			}
			if _, ok := tb.int(2, 0, math.MaxInt32); !ok {
				return tb.bad(2, "an agent id, a whole number from 0")
			}
			if _, ok := tb.int(3, 0, p.Market.Shops-1); !ok {
				return tb.bad(3, l.shop)
			}
			x, y := -1, -1 // an arrest without a place (an investigation's)
			switch ex, ey := tb.rec[4] == "", tb.rec[5] == ""; {
			case ex && ey:
			case ex:
				return tb.bad(4, l.x+", since y is given (an arrest without a place has both x and y empty)")
			case ey:
				return tb.bad(5, l.y+", since x is given (an arrest without a place has both x and y empty)")
			default:
				if x, ok = tb.int(4, 0, p.City.Width-1); !ok {
					return tb.bad(4, l.x+", or empty with y empty for an arrest without a place")
				}
				if y, ok = tb.int(5, 0, p.City.Height-1); !ok {
					return tb.bad(5, l.y+", or empty with x empty for an arrest without a place")
				}
			}
			if err := l.labels(tb, 7, 8, x, y, tick, "tick"); err != nil {
				return err
			}
			minor, err := strconv.ParseBool(tb.rec[9])
			if err != nil || (tb.rec[9] != "true" && tb.rec[9] != "false") {
				return tb.bad(9, "true or false (whether the person arrested is a minor)")
			}
			byRole[role]++
			t.Arrests = append(t.Arrests, metrics.ArrestRecord{Tick: int32(tick), Role: role, X: int32(x), Y: int32(y), Cause: tb.rec[6], Minor: minor})
			return nil
		})
	if err != nil {
		return t, err
	}
	path = filepath.Join(dir, "arrests.csv")
	if n != arrests {
		return t, tableErrorf(path, "%s has %d rows, but the run made %d arrests, one row each: the table is incomplete", path, n, arrests)
	}
	if err := countsAgree(path, "arrests of role", byRole[:], c.Arrests[:], func(i int) string { return sim.Role(i).String() }); err != nil {
		return t, err
	}

	// police.csv: where each unit on duty stood at the end of each day.
	groups := unitGroups(p)
	units := len(groups)
	unit := fmt.Sprintf("a unit from 0 to %d (the run's police groups have %d units)", units-1, units)
	group := fmt.Sprintf("a group from 0 to %d (the run has %d police groups)", len(p.Police.Groups)-1, len(p.Police.Groups))
	_, err = readTable(dir, "police.csv", PoliceHeader, l.days*units,
		fmt.Sprintf("a run of %d days with %d police units has at most %d rows, one per unit on duty and day", l.days, units, l.days*units), func(tb *table) error {
			day, ok := tb.int(0, 0, l.days-1)
			if !ok {
				return tb.bad(0, l.day)
			}
			u, ok := tb.int(1, 0, units-1)
			if !ok {
				return tb.bad(1, unit)
			}
			g, ok := tb.int(2, 0, len(p.Police.Groups)-1)
			if !ok {
				return tb.bad(2, group)
			}
			if g != groups[u] {
				return tb.bad(2, fmt.Sprintf("%d, the group of unit %d (police.group[%d])", groups[u], u, groups[u]+1))
			}
			x, y, err := l.place(tb, 3, 4)
			if err != nil {
				return err
			}
			t.Police = append(t.Police, metrics.PoliceRecord{Day: int32(day), UnitPos: sim.UnitPos{Unit: int32(u), Group: int32(g), X: int32(x), Y: int32(y)}})
			return nil
		})
	return t, err
}

// countsAgree compares the rows of a table by kind (outcome, role) with
// the run's counts, naming every kind that differs: a row relabelled
// from one kind to another shows as both.
func countsAgree(path, what string, rows, counts []int, name func(i int) string) error {
	var has, give []string
	for i, k := range rows {
		if k != counts[i] {
			has = append(has, fmt.Sprintf("%d %s %s", k, what, name(i)))
			give = append(give, strconv.Itoa(counts[i]))
		}
	}
	if has == nil {
		return nil
	}
	return tableErrorf(path, "%s has %s, but the run's counts give %s: the table does not match its run", path, strings.Join(has, " and "), strings.Join(give, " and "))
}

// ReadDaily reads daily.csv of the run in dir back: days of the run, the
// metrics of metrics.DailyMetrics with finite values, at most one row per
// metric and day.
func ReadDaily(dir string, run Run) ([]metrics.DailyRow, error) {
	l := newLimits(run)
	var rows []metrics.DailyRow
	names := metrics.DailyMetrics
	max := l.days * len(names)
	seen := make([]int, max) // the line of each day's metric, 0 before it is read
	_, err := readTable(dir, "daily.csv", DailyHeader, max,
		fmt.Sprintf("a run of %d days has at most %d rows, one per day and daily metric (%d of them)", l.days, max, len(names)), func(tb *table) error {
			day, ok := tb.int(0, 0, l.days-1)
			if !ok {
				return tb.bad(0, l.day)
			}
			m := slices.Index(names, tb.rec[1])
			if m < 0 {
				return tb.bad(1, "a daily metric, one of "+strings.Join(names, ", "))
			}
			at := &seen[day*len(names)+m]
			if *at > 0 {
				return tb.bad(1, fmt.Sprintf("a metric not yet given for day %d (line %d gives %s for it)", day, *at, names[m]))
			}
			*at = tb.line
			v, err := strconv.ParseFloat(tb.rec[2], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return tb.bad(2, "a finite number")
			}
			rows = append(rows, metrics.DailyRow{Day: day, Metric: names[m], Value: v})
			return nil
		})
	return rows, err
}

// ReadLandUse reads landuse.asc back as land-use classes by cell id.
func ReadLandUse(dir string, w, h int) ([]grid.Class, error) {
	path := filepath.Join(dir, "landuse.asc")
	f, err := input.Open(path, "land-use grid")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gis.ReadASC(input.Lines(f, path, input.MaxLine), path, w*h)
	if errors.Is(err, input.ErrBadFile) {
		return nil, err
	}
	if err != nil {
		return nil, &TableError{path, err.Error()}
	}
	if r.NCols != w || r.NRows != h {
		return nil, tableErrorf(path, "%s is %d x %d cells, but the run's city is %d x %d", path, r.NCols, r.NRows, w, h)
	}
	land := make([]grid.Class, w*h)
	for i, v := range r.Values {
		if v < 0 || v >= float64(grid.NumClasses) || v != float64(int(v)) {
			return nil, tableErrorf(path, "%s: cell (%d, %d) (row %d of the grid, column %d) has land-use code %v; the codes are whole numbers from 0 to %d", path, i%w, i/w, i/w+1, i%w+1, v, grid.NumClasses-1)
		}
		land[i] = grid.Class(v)
	}
	return land, nil
}
