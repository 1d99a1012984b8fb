package scenario

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"dropsim/sim"
	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// A sweep file (docs/SWEEP.md) names arms, each a scenario file with
// overrides, and the parameters varied over them. LoadSweep checks it as
// strictly as a scenario: every arm resolves, every parameter level
// resolves in every arm it applies to, so a bad key or value is refused
// before any run.

// Limits of a sweep.
const (
	MaxReplicates = 100_000
	MaxRuns       = 10_000_000 // arms x design points x replicates
)

// DefaultDailyFigures are the daily metrics a sweep draws as bands when
// its file does not say.
var DefaultDailyFigures = []string{"drops_placed", "seized", "active_stashers"}

// Sweep is a checked sweep file.
type Sweep struct {
	File, Dir   string // as given; the folder scenario paths are relative to
	Name        string // default: file base name without .toml; output goes to outputs/<Name>
	Description string
	Seed        uint64 // base seed of the replicates (default 1)
	Replicates  int    // default 10, 1..MaxReplicates
	Baseline    string // an arm's name, or ""
	Arms        []Arm
	Design      sweep.Design // kind default factorial; Seed default the sweep's Seed
	Parameters  []sweep.Parameter
	Measures    []string // per-run measures to summarise and draw; default all of metrics.RunMeasureNames
	// MeasuresGiven is true when the file chooses the measures; without,
	// a sweep summarises them all and draws its headline measures.
	MeasuresGiven bool
	DailyFigures  []string // daily metrics drawn as bands; default DefaultDailyFigures
	KeepRuns      bool
	KeepDaily     bool
	Zones         *sim.ZoneParams // the sweep's [zones] over sim.DefaultParams().Zones, or nil
	Sets          []string        // the -set overrides of the command line, applied to every arm

	mu     sync.Mutex
	shared map[string]sharedZones // by the levels' texts
}

// Arm is one scenario of a sweep.
type Arm struct {
	Name     string
	Scenario string   // the scenario file's path, joined with the sweep's folder
	Set      []string // the arm's overrides, applied before the command line's
	Line     int      // the line of its [[arm]]
	src      *Source
}

// maxShared bounds the shared zones kept, one per design point.
const maxShared = 4096

type sharedZones struct {
	zones sim.ZoneParams
	from  int // the arm they come from; -1 when no arm has a treatment area
}

// The file's shape; the decoder reads it by these tags, so unknown keys
// get the same suggestions as in a scenario.
type sweepFile struct {
	Name         string         `toml:"name"`
	Description  string         `toml:"description"`
	Seed         uint64         `toml:"seed"`
	Replicates   int            `toml:"replicates"`
	Baseline     string         `toml:"baseline"`
	Design       string         `toml:"design"`
	Samples      int            `toml:"samples"`
	Trajectories int            `toml:"trajectories"`
	Levels       int            `toml:"levels"`
	DesignSeed   uint64         `toml:"design_seed"`
	Measures     []string       `toml:"measures"`
	DailyFigures []string       `toml:"daily_figures"`
	KeepRuns     bool           `toml:"keep_runs"`
	KeepDaily    bool           `toml:"keep_daily"`
	Zones        sim.ZoneParams `toml:"zones"`
	Arms         []armFile      `toml:"arm"`
	Parameters   []paramFile    `toml:"parameter"`
}

type armFile struct {
	Name     string   `toml:"name"`
	Scenario string   `toml:"scenario"`
	Set      []string `toml:"set"`
}

type paramFile struct {
	Key     string   `toml:"key"`
	Values  []any    `toml:"values"`
	Min     float64  `toml:"min"`
	Max     float64  `toml:"max"`
	Steps   int      `toml:"steps"`
	Integer bool     `toml:"integer"`
	Arms    []string `toml:"arms"`
}

// sweepReader gathers the problems of one sweep file.
type sweepReader struct {
	d   *decoder
	raw map[string]any
}

// bad reports a problem at the line of key, or of the table holding it
// when the file does not write it; none for a key whose value the decoder
// refused already (unknown or of the wrong type), which holds a default.
func (r *sweepReader) bad(key, msg string) {
	if r.d.bad[key] {
		return
	}
	line, _, _ := r.d.keys.locate(key)
	r.d.probs = append(r.d.probs, Problem{File: r.d.file, Line: line, Key: key, Msg: msg})
}

func (r *sweepReader) badValue(key string, value any, allowed string) {
	r.bad(key, (&sim.ParamError{Key: key, Value: value, Allowed: allowed}).Error())
}

// has reports whether the table m of the file sets name.
func has(m map[string]any, name string) bool {
	_, ok := m[name]
	return ok
}

// LoadSweep reads and checks the sweep file at path; sets are the -set
// overrides of the command line, applied to every arm after the arm's own.
// All problems are returned together as an *Error, one sentence each
// naming the sweep file and line.
func LoadSweep(path string, sets []string) (*Sweep, error) {
	data, err := readText(path, "sweep file")
	if err != nil {
		return nil, err
	}
	text := string(data)
	raw, err := decodeText(path, text, "a sweep file")
	if err != nil {
		return nil, err
	}
	r := &sweepReader{raw: raw, d: &decoder{file: path, keys: indexKeys(text), root: reflect.TypeFor[sweepFile]()}}
	s := &Sweep{File: path, Dir: filepath.Dir(path), Sets: slices.Clone(sets)}

	f := sweepFile{Seed: 1, Replicates: 10, Design: sweep.Factorial, Levels: 4, Zones: sim.DefaultParams().Zones}
	armsRaw, hasArms := raw["arm"]
	paramsRaw, hasParams := raw["parameter"]
	delete(raw, "arm")
	delete(raw, "parameter")
	r.d.table(raw, reflect.ValueOf(&f).Elem(), "")
	var armTables, paramTables []map[string]any
	if hasArms {
		armTables, _ = r.d.tables(armsRaw, "arm", reflect.TypeFor[[]armFile]())
	}
	if hasParams {
		paramTables, _ = r.d.tables(paramsRaw, "parameter", reflect.TypeFor[[]paramFile]())
	}
	arms := make([]armFile, len(armTables))
	for i, m := range armTables {
		r.d.table(m, reflect.ValueOf(&arms[i]).Elem(), fmt.Sprintf("arm[%d]", i+1))
	}
	params := make([]paramFile, len(paramTables))
	for i, m := range paramTables {
		r.d.table(m, reflect.ValueOf(&params[i]).Elem(), fmt.Sprintf("parameter[%d]", i+1))
	}
	s.Description, s.Seed, s.KeepRuns, s.KeepDaily = f.Description, f.Seed, f.KeepRuns, f.KeepDaily
	r.name(s, f)
	r.design(s, f)
	s.Measures = r.names("measures", f.Measures, metrics.RunMeasureNames, "a per-run measure, a column of runs.csv (docs/SWEEP.md lists them)", metrics.RunMeasureNames)
	s.MeasuresGiven = len(f.Measures) > 0
	s.DailyFigures = r.names("daily_figures", f.DailyFigures, metrics.DailyMetrics, "a daily metric of daily.csv (docs/OUTPUTS.md)", DefaultDailyFigures)
	if has(raw, "zones") {
		z := f.Zones
		s.Zones = &z
	}
	armsOK := r.arms(s, arms)
	if s.Baseline = f.Baseline; s.Baseline != "" && !slices.ContainsFunc(s.Arms, func(a Arm) bool { return a.Name == s.Baseline }) {
		r.badValue("baseline", s.Baseline, "the name of an arm: "+armNames(s.Arms))
	}
	r.parameters(s, params, paramTables, armsOK)
	if armsOK {
		r.zones(s)
	}
	r.runCount(s)
	if len(r.d.probs) > 0 {
		sortProblems(r.d.probs)
		return nil, &Error{Problems: r.d.probs}
	}
	return s, nil
}

// name checks the sweep's name, which names its output directory.
func (r *sweepReader) name(s *Sweep, f sweepFile) {
	s.Name = f.Name
	fromFile := ""
	if !has(r.raw, "name") {
		fromFile = filepath.Base(s.File)
		s.Name = strings.TrimSuffix(fromFile, ".toml")
	}
	allowed := outputName(s.Name)
	switch {
	case allowed == "":
	case fromFile != "":
		r.bad("name", fmt.Sprintf(`name = %q (taken from the file name %q) is not allowed: %s; set name = "..." in the file`, s.Name, fromFile, allowed))
	default:
		r.badValue("name", s.Name, allowed)
	}
}

// outputName says what a name of an output directory must be, or "" when
// n is one: the rule sim.Params.Validate applies to a scenario's name.
func outputName(n string) string {
	switch {
	case n == "" || strings.ContainsAny(n, `/\`) || n == "." || n == "..":
		return "a non-empty name without / or \\ (it names the output directory outputs/<name>)"
	case strings.IndexFunc(n, unicode.IsControl) >= 0 || !utf8.ValidString(n):
		return "a name of UTF-8 text without control characters such as newline, tab or escape (it names the output directory outputs/<name> and is printed in messages)"
	case len(n) > sim.MaxNameBytes:
		return fmt.Sprintf("a name of at most %d bytes, here %d (it names the output directory outputs/<name>)", sim.MaxNameBytes, len(n))
	}
	return ""
}

// design checks the replicates and the design's kind and sizes.
func (r *sweepReader) design(s *Sweep, f sweepFile) {
	s.Replicates = f.Replicates
	if s.Replicates < 1 || s.Replicates > MaxReplicates {
		r.badValue("replicates", s.Replicates, fmt.Sprintf("a whole number from 1 to %d", MaxReplicates))
	}
	s.Design = sweep.Design{Kind: f.Design, Seed: f.Seed}
	if has(r.raw, "design_seed") {
		s.Design.Seed = f.DesignSeed
	}
	if !slices.Contains(sweep.Designs, f.Design) {
		r.badValue("design", f.Design, "one of "+quotedList(sweep.Designs))
		return
	}
	for _, k := range []struct {
		key, design string
		value       int
	}{{"samples", sweep.LHS, f.Samples}, {"trajectories", sweep.Morris, f.Trajectories}, {"levels", sweep.Morris, f.Levels}} {
		if has(r.raw, k.key) && f.Design != k.design {
			r.badValue(k.key, k.value, fmt.Sprintf("only design = %q takes %s; this sweep's design is %q", k.design, k.key, f.Design))
		}
	}
	atLeast2 := func(key string, n int, what string) int {
		if n < 2 || n > MaxRuns {
			r.badValue(key, n, fmt.Sprintf("a whole number from 2 to %d: the %s", MaxRuns, what))
			return 0
		}
		return n
	}
	switch f.Design {
	case sweep.LHS:
		s.Design.Samples = atLeast2("samples", f.Samples, `number of points of the Latin hypercube (design = "lhs")`)
	case sweep.Morris:
		s.Design.Trajectories = atLeast2("trajectories", f.Trajectories, `number of Morris trajectories, each of one point more than there are parameters (design = "morris")`)
		s.Design.Levels = atLeast2("levels", f.Levels, `number of levels of each parameter's grid in a Morris design, an even number recommended (design = "morris")`)
	}
}

// names checks a list of names against the allowed ones; the default when
// the file gives none.
func (r *sweepReader) names(key string, given, allowed []string, what string, def []string) []string {
	if len(given) == 0 {
		return slices.Clone(def)
	}
	for i, n := range given {
		item := fmt.Sprintf("%s item %d = %q", key, i+1, n)
		switch {
		case !slices.Contains(allowed, n):
			hint := ""
			if c := closest(n, allowed); c != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", c)
			}
			list := ""
			if len(allowed) <= 12 {
				list = ": " + quotedList(allowed)
			}
			r.bad(key, fmt.Sprintf("%s is not allowed%s: it must be %s%s", item, hint, what, list))
		case slices.Index(given, n) < i:
			r.bad(key, fmt.Sprintf("%s is not allowed: it is listed twice", item))
		}
	}
	return slices.Clone(given)
}

// quotedList is `"a", "b" or "c"`.
func quotedList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return orList(q)
}

func armNames(arms []Arm) string {
	names := make([]string, len(arms))
	for i, a := range arms {
		names[i] = a.Name
	}
	if len(names) == 0 {
		return "the sweep has none"
	}
	return quotedList(names)
}

// arms checks the arms and resolves each with its sets and the command
// line's; true when every arm resolves.
func (r *sweepReader) arms(s *Sweep, arms []armFile) bool {
	if len(arms) == 0 {
		r.bad("arm", `a sweep needs at least one [[arm]], each with a name and a scenario file, e.g. [[arm]] name = "baseline" scenario = "baseline.toml"`)
		return false
	}
	ok := true
	cmdProbs := map[string][]string{} // a problem of a command-line set: the arms it comes up in
	var cmdOrder []Problem
	for i, a := range arms {
		k := fmt.Sprintf("arm[%d]", i+1)
		line, _, _ := r.d.keys.locate(k)
		arm := Arm{Name: a.Name, Set: a.Set, Line: line}
		if a.Scenario != "" {
			arm.Scenario = mapPath(s.Dir, a.Scenario)
		}
		s.Arms = append(s.Arms, arm)
		switch {
		case a.Name == "":
			r.bad(k+".name", fmt.Sprintf(`%s has no name: set name = "...", letters, digits, -, _ and . (it is a value in the sweep's tables)`, k))
		case strings.Trim(a.Name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" || a.Name == "." || a.Name == ".." || len(a.Name) > sim.MaxNameBytes:
			r.badValue(k+".name", a.Name, fmt.Sprintf("a name of at most %d letters, digits, -, _ and . other than . and .. (it is a value in the sweep's tables and may name a folder)", sim.MaxNameBytes))
		case slices.ContainsFunc(arms[:i], func(b armFile) bool { return b.Name == a.Name }):
			r.badValue(k+".name", a.Name, "a name no other arm has")
		}
		label := fmt.Sprintf("arm %q", a.Name)
		if a.Name == "" {
			label = k
		}
		if a.Scenario == "" {
			r.bad(k+".scenario", fmt.Sprintf(`%s has no scenario: set scenario = "file.toml", a path relative to the sweep file's folder`, label))
			ok = false
			continue
		}
		src, err := ReadSource(arm.Scenario)
		if err == nil {
			_, err = src.Params(slices.Concat(a.Set, s.Sets))
		}
		if err == nil {
			s.Arms[i].src = src
			continue
		}
		ok = false
		var e *Error
		if !errors.As(err, &e) {
			r.bad(k+".scenario", label+": "+err.Error())
			continue
		}
		for _, p := range e.Problems {
			switch {
			case p.SetIndex > len(a.Set): // a set of the command line: said once for all the arms it fails in
				sentence := p.String()
				if _, seen := cmdProbs[sentence]; !seen {
					cmdOrder = append(cmdOrder, p)
				}
				cmdProbs[sentence] = append(cmdProbs[sentence], a.Name)
			case p.SetIndex > 0:
				r.bad(k+".set", fmt.Sprintf("%s: set %q: %s", label, p.Set, p.Msg))
			default:
				r.bad(k+".scenario", label+": "+scenarioProblem(p))
			}
		}
	}
	for _, p := range cmdOrder {
		if in := cmdProbs[p.String()]; len(in) < len(arms) {
			p.Msg += fmt.Sprintf(" (in %s %s)", plural(len(in), "arm", "arms"), quotedList(in))
		}
		p.File = r.d.file
		r.d.probs = append(r.d.probs, p)
	}
	return ok
}

// scenarioProblem is a problem of an arm's scenario file as a phrase of a
// sweep's sentence: "scenario crackdown.toml line 9: ...".
func scenarioProblem(p Problem) string {
	if p.File == "" || p.Set != "" {
		return p.String()
	}
	return "scenario " + p.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// parameters checks the parameters and, when every arm resolves, that
// each level resolves in every arm the parameter applies to.
func (r *sweepReader) parameters(s *Sweep, params []paramFile, tables []map[string]any, armsOK bool) {
	kind := s.Design.Kind
	if (kind == sweep.LHS || kind == sweep.Morris) && len(params) == 0 {
		r.bad("design", fmt.Sprintf(`design = %q needs at least one [[parameter]] with a range (min and max) to sample; a sweep without parameters is "factorial"`, kind))
	}
	for i, pf := range params {
		k := fmt.Sprintf("parameter[%d]", i+1)
		m := tables[i]
		if pf.Key == "" {
			r.bad(k+".key", fmt.Sprintf(`%s has no key: set key = "...", a scenario key as -set takes it, e.g. key = "police.group[1].count"`, k))
			continue
		}
		path, ok := parseKey(strings.TrimSpace(pf.Key))
		if !ok {
			r.badValue(k+".key", pf.Key, "a scenario key: names of letters, digits, _ and - joined by dots, with [N] after a list of tables, e.g. police.group[1].count")
			continue
		}
		key := keyString(path)
		t, msg := keyType(path)
		if msg != "" {
			r.bad(k+".key", fmt.Sprintf("%s.key = %q: %s", k, pf.Key, msg))
			continue
		}
		if j := slices.IndexFunc(s.Parameters, func(q sweep.Parameter) bool { return q.Key == key }); j >= 0 {
			r.badValue(k+".key", pf.Key, "a key no other parameter varies (another [[parameter]] already has it)")
			continue
		}
		par := sweep.Parameter{Key: key, Min: pf.Min, Max: pf.Max, Steps: pf.Steps, Arms: pf.Arms}
		before := len(r.d.probs)
		for j, a := range pf.Arms {
			switch {
			case !slices.ContainsFunc(s.Arms, func(b Arm) bool { return b.Name == a }):
				r.bad(k+".arms", fmt.Sprintf("%s.arms item %d = %q is not allowed: the name of an arm: %s", k, j+1, a, armNames(s.Arms)))
			case slices.Index(pf.Arms, a) < j:
				r.bad(k+".arms", fmt.Sprintf("%s.arms item %d = %q is not allowed: it is listed twice", k, j+1, a))
			}
		}
		numeric := isNumber(t.Kind())
		whole := isWhole(t.Kind())
		par.Integer = whole
		if has(m, "integer") {
			par.Integer = pf.Integer
			switch {
			case pf.Integer && !numeric:
				r.badValue(k+".integer", true, fmt.Sprintf("integer = true only for a numeric key; %s is %s", key, want(t, key)))
			case !pf.Integer && whole:
				r.badValue(k+".integer", false, fmt.Sprintf("integer = false only for a key that takes fractions; %s is %s", key, want(t, key)))
			}
		}
		if !slices.Contains(sweep.Designs, kind) {
			continue // the levels a parameter needs depend on the design, which is refused already
		}
		r.levels(k, m, kind, t, &par, pf)
		if len(r.d.probs) > before {
			continue
		}
		s.Parameters = append(s.Parameters, par)
		if armsOK {
			r.resolveLevels(s, k, par)
		}
	}
}

func isNumber(k reflect.Kind) bool { return isWhole(k) || k == reflect.Float32 || k == reflect.Float64 }

func isWhole(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// levels checks a parameter's values or range against the design; t is
// the type of its key.
func (r *sweepReader) levels(k string, m map[string]any, kind string, t reflect.Type, par *sweep.Parameter, pf paramFile) {
	hasValues, hasMin, hasMax, hasSteps := has(m, "values"), has(m, "min"), has(m, "max"), has(m, "steps")
	if hasValues && len(pf.Values) == 0 {
		r.bad(k+".values", fmt.Sprintf("%s.values is empty: list at least one value", k))
		return
	}
	if hasValues {
		if kind != sweep.Factorial {
			r.bad(k+".values", fmt.Sprintf("%s.values is not allowed: design = %q samples a range, so give min and max instead", k, kind))
			return
		}
		if hasMin || hasMax || hasSteps {
			r.bad(k+".values", fmt.Sprintf("%s has values and a range (min, max, steps): give one or the other", k))
			return
		}
		for j, v := range pf.Values {
			lv, ok := level(v)
			switch {
			case !ok:
				r.bad(k+".values", fmt.Sprintf("%s.values item %d is %s: a level is a number, text or true or false", k, j+1, describe(v)))
			case par.Integer && lv.Numeric && lv.Num != math.Trunc(lv.Num):
				r.bad(k+".values", fmt.Sprintf("%s.values item %d = %s is not allowed: %s takes whole numbers (integer = true)", k, j+1, lv.Text, par.Key))
			default:
				if par.Integer && lv.Numeric { // 20.0 is the whole number 20
					lv = sweep.NumLevel(lv.Num, true)
				}
				par.Values = append(par.Values, lv)
			}
		}
		return
	}
	if !hasMin || !hasMax {
		if kind == sweep.Factorial {
			r.bad(k, fmt.Sprintf("%s needs values = [...], or min, max and steps", k))
		} else {
			r.bad(k, fmt.Sprintf("%s needs min and max: design = %q samples a range", k, kind))
		}
		return
	}
	if !isNumber(t.Kind()) {
		r.bad(k+".min", fmt.Sprintf("%s has a range, but %s is %s, not a number: give values = [...]", k, par.Key, want(t, par.Key)))
		return
	}
	switch {
	case !(pf.Min < pf.Max) || math.IsInf(pf.Min, 0) || math.IsInf(pf.Max, 0):
		r.badValue(k+".max", pf.Max, fmt.Sprintf("a finite number above min = %v", pf.Min))
		return
	case par.Integer && (pf.Min != math.Trunc(pf.Min) || pf.Max != math.Trunc(pf.Max)):
		r.bad(k+".min", fmt.Sprintf("%s has min = %v and max = %v: %s takes whole numbers (integer = true), so min and max must be whole numbers", k, pf.Min, pf.Max, par.Key))
		return
	}
	switch {
	case kind != sweep.Factorial && hasSteps:
		r.badValue(k+".steps", pf.Steps, fmt.Sprintf("only a factorial design takes steps; design = %q samples the range", kind))
	case kind == sweep.Factorial && !hasSteps:
		r.bad(k, fmt.Sprintf("%s needs steps, the number of evenly spaced levels from min to max (2 or more)", k))
	case kind == sweep.Factorial && (pf.Steps < 2 || pf.Steps > MaxRuns):
		r.badValue(k+".steps", pf.Steps, fmt.Sprintf("a whole number from 2 to %d: the number of evenly spaced levels from min to max, both included", MaxRuns))
	case kind == sweep.Factorial && par.Integer && float64(pf.Steps) > pf.Max-pf.Min+1:
		r.badValue(k+".steps", pf.Steps, fmt.Sprintf("at most %v: there are no more whole numbers from %v to %v", pf.Max-pf.Min+1, pf.Min, pf.Max))
	}
}

// level is a TOML value as a level; false when it is not a number, text
// or true or false.
func level(v any) (sweep.Level, bool) {
	switch v := v.(type) {
	case int64:
		return sweep.Level{Text: strconv.FormatInt(v, 10), Num: float64(v), Numeric: true}, true
	case float64:
		return sweep.Level{Text: tomlFloat(v), Num: v, Numeric: true}, true
	case string:
		return sweep.Level{Text: tomlString(v)}, true
	case bool:
		return sweep.Level{Text: strconv.FormatBool(v)}, true
	}
	return sweep.Level{}, false
}

// tomlFloat writes x as a TOML float, which keeps a point or an exponent
// (2.0, not 2, which TOML reads as a whole number).
func tomlFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// tomlString writes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// applies reports whether par applies to the arm named name.

// resolveLevels resolves each arm par applies to at each of its levels (a
// factorial's values; a range's ends), reporting what fails at the
// parameter's line.
func (r *sweepReader) resolveLevels(s *Sweep, k string, par sweep.Parameter) {
	lvls := par.Values
	if len(lvls) == 0 {
		lvls = []sweep.Level{sweep.NumLevel(par.Min, par.Integer), sweep.NumLevel(par.Max, par.Integer)}
	}
	for _, a := range s.Arms {
		if !par.AppliesTo(a.Name) {
			continue
		}
		for _, lv := range lvls {
			sets := slices.Concat(a.Set, s.Sets, []string{par.Key + "=" + lv.Text})
			_, err := a.src.Params(sets)
			if err == nil {
				continue
			}
			var e *Error
			if !errors.As(err, &e) {
				r.bad(k, fmt.Sprintf("parameter %s = %s in arm %q: %v", par.Key, lv.Text, a.Name, err))
				continue
			}
			for _, p := range e.Problems {
				msg := p.Msg
				if p.SetIndex != len(sets) {
					msg = scenarioProblem(p)
				}
				r.bad(k, fmt.Sprintf("parameter %s = %s in arm %q: %s", par.Key, lv.Text, a.Name, msg))
			}
		}
	}
}

// zones checks that the zones every arm is measured on fit every arm.
func (r *sweepReader) zones(s *Sweep) {
	z, from, err := s.zonesFor(nil)
	if err != nil {
		r.bad("arm", err.Error())
		return
	}
	if from == -1 && s.Zones == nil {
		return // each arm keeps its own zones, which it resolved with
	}
	for i, a := range s.Arms {
		p, err := s.armParams(i, nil)
		if err != nil {
			r.bad(fmt.Sprintf("arm[%d]", i+1), fmt.Sprintf("arm %q: %v", a.Name, err))
			continue
		}
		p.Zones = z
		err = p.Validate()
		if err == nil {
			continue
		}
		for _, e := range flatten(err) {
			var pe *sim.ParamError
			switch {
			case s.Zones == nil:
				r.bad(fmt.Sprintf("arm[%d]", i+1), fmt.Sprintf("arm %q: the zones of arm %q, which every arm is measured on, do not fit it: %v", a.Name, s.Arms[from].Name, e))
			case errors.As(e, &pe):
				r.bad(pe.Key, fmt.Sprintf("%s (in arm %q)", pe.Error(), a.Name))
			default:
				r.bad("zones", fmt.Sprintf("[zones] in arm %q: %v", a.Name, e))
			}
		}
	}
}

// runCount checks that the sweep is of at most MaxRuns runs.
func (r *sweepReader) runCount(s *Sweep) {
	if len(r.d.probs) > 0 {
		return // the sizes may not be what the file meant
	}
	points := 1
	switch s.Design.Kind {
	case sweep.Factorial:
		for _, p := range s.Parameters {
			n := p.Steps
			if len(p.Values) > 0 {
				n = len(p.Values)
			}
			points = satMul(points, n)
		}
	case sweep.LHS:
		points = s.Design.Samples
	case sweep.Morris:
		points = satMul(s.Design.Trajectories, len(s.Parameters)+1)
	}
	runs := satMul(satMul(len(s.Arms), points), s.Replicates)
	if runs > MaxRuns {
		total := strconv.Itoa(runs)
		if runs == math.MaxInt {
			total = "more than " + strconv.Itoa(math.MaxInt)
		}
		r.bad("replicates", fmt.Sprintf("the sweep has %d %s x %d design points x %d replicates = %s runs, more than %d: fewer replicates, levels, samples or arms", len(s.Arms), plural(len(s.Arms), "arm", "arms"), points, s.Replicates, total, MaxRuns))
	}
}

// satMul is a * b, or math.MaxInt when that overflows (a, b >= 0).
func satMul(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

// Params resolves arm number arm (from 0) at a design point: its scenario
// with, in order, the arm's sets, the command line's, and KEY=LEVEL for
// each parameter that applies to the arm (none when levels is nil). Then
// the zones: the sweep's [zones] if it has one, else those of the first
// arm, in file order and at the same levels, whose zones have a treatment
// area (written out by sim.Params.SharedZones), so that every arm is
// measured on the same zones. The result is validated. Params is safe for
// concurrent use.
func (s *Sweep) Params(arm int, levels []sweep.Level) (sim.Params, error) {
	if arm < 0 || arm >= len(s.Arms) {
		return sim.Params{}, fmt.Errorf("sweep %s: there is no arm %d; it has %d, numbered from 0", s.File, arm, len(s.Arms))
	}
	if levels != nil && len(levels) != len(s.Parameters) {
		return sim.Params{}, fmt.Errorf("sweep %s: a design point of %d levels for %d parameters", s.File, len(levels), len(s.Parameters))
	}
	p, err := s.armParams(arm, levels)
	if err != nil {
		return sim.Params{}, err
	}
	z, from, err := s.zonesFor(levels)
	if err != nil {
		return sim.Params{}, err
	}
	if from == -1 && s.Zones == nil {
		return p, nil
	}
	p.Zones = z
	if err := p.Validate(); err != nil {
		where := "the sweep's [zones]"
		if s.Zones == nil {
			where = fmt.Sprintf("the zones of arm %q", s.Arms[from].Name)
		}
		return sim.Params{}, fmt.Errorf("sweep %s: arm %q with %s: %w", s.File, s.Arms[arm].Name, where, err)
	}
	return p, nil
}

// Overrides are the overrides that turn arm's scenario file into the arm
// at a design point: the arm's sets, the command line's, then the levels
// of the parameters that apply to it (none when levels is nil).
func (s *Sweep) Overrides(arm int, levels []sweep.Level) []string {
	a := s.Arms[arm]
	sets := slices.Concat(a.Set, s.Sets)
	for i, par := range s.Parameters {
		if levels != nil && par.AppliesTo(a.Name) {
			sets = append(sets, par.Key+"="+levels[i].Text)
		}
	}
	return sets
}

// armParams is the arm's scenario with its Overrides.
func (s *Sweep) armParams(arm int, levels []sweep.Level) (sim.Params, error) {
	a := s.Arms[arm]
	p, err := a.src.Params(s.Overrides(arm, levels))
	if err != nil {
		return sim.Params{}, fmt.Errorf("sweep %s: arm %q: %w", s.File, a.Name, err)
	}
	return p, nil
}

// zonesFor returns the zones every arm is measured on at levels, and the
// arm they come from: the sweep's [zones] (from -2), the shared zones of
// the first arm with a treatment area, or none (from -1).
func (s *Sweep) zonesFor(levels []sweep.Level) (sim.ZoneParams, int, error) {
	if s.Zones != nil {
		return cloneZones(*s.Zones), -2, nil
	}
	texts := make([]string, len(levels))
	for i, lv := range levels {
		texts[i] = lv.Text
	}
	key := strings.Join(texts, "\x00")
	if levels == nil {
		key = "\x01" // the arms without parameters
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sz, ok := s.shared[key]; ok {
		return cloneZones(sz.zones), sz.from, nil
	}
	sz := sharedZones{from: -1}
	for i := range s.Arms {
		p, err := s.armParams(i, levels)
		if err != nil {
			return sim.ZoneParams{}, 0, err
		}
		if p.BuildZones(nil).HasTreatment {
			sz = sharedZones{zones: p.SharedZones(), from: i}
			break
		}
	}
	if s.shared == nil || len(s.shared) >= maxShared {
		s.shared = map[string]sharedZones{} // a large design: start again rather than grow without bound
	}
	s.shared[key] = sz
	return cloneZones(sz.zones), sz.from, nil
}

// cloneZones copies z so that no two runs share its lists.
func cloneZones(z sim.ZoneParams) sim.ZoneParams {
	z.Treatment, z.Control, z.BufferControl = slices.Clone(z.Treatment), slices.Clone(z.Control), slices.Clone(z.BufferControl)
	if z.Polygon != nil {
		poly := make([][]int, len(z.Polygon))
		for i, v := range z.Polygon {
			poly[i] = slices.Clone(v)
		}
		z.Polygon = poly
	}
	return z
}
