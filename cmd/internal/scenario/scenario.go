// Package scenario turns a TOML scenario file into validated sim.Params and
// back.
//
// Every key a file does not set keeps its default (sim.DefaultParams, and
// sim.DefaultGroup for each [[police.group]]). Unknown keys, wrong types and
// values that sim.Params.Validate refuses are all reported at once, one
// sentence per problem, each naming the file and the line of the key, so that
// a criminologist editing a scenario can fix the whole file in one go.
package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"dropsim/cmd/internal/input"
	"dropsim/sim"
)

// MaxFileSize is the largest scenario file Load reads. Scenario files are a
// few kilobytes; anything this big is almost certainly the wrong file.
const MaxFileSize = 10 << 20

// Problem is one thing wrong with a scenario file or with an override of
// one of its keys.
type Problem struct {
	File string // the file name as given to Load or Parse; "" for a problem with the file as a whole (missing, a directory, too large), whose Msg names it
	Line int    // 1-based line of the key; 0 when no line applies
	Col  int    // 1-based column in a map file; 0 when none applies
	Key  string // dotted scenario key, e.g. "stasher.quota" or "police.group[2].area"; "" for syntax errors and whole-file problems
	Msg  string // the sentence, without the file and line
	// Set is the override KEY=VALUE the problem comes from, and SetIndex
	// its 1-based position among the sets given; "" and 0 for a problem of
	// the file. A problem of an override has no line.
	Set      string
	SetIndex int
}

// String is the problem as a sentence: "file line N: msg", "file: msg"
// when no line applies, "-set KEY=VALUE: msg" for an override, or msg
// alone for a problem with the file as a whole.
func (p Problem) String() string {
	switch {
	case p.Set != "":
		return fmt.Sprintf("-set %s: %s", printable(p.Set), p.Msg)
	case p.File == "":
		return p.Msg
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s line %d, column %d: %s", printable(p.File), p.Line, p.Col, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("%s line %d: %s", printable(p.File), p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", printable(p.File), p.Msg)
}

// printable quotes s if it would write an escape or a line end raw to a
// terminal.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return s
}

// Error is a scenario file that cannot be run: missing, unreadable as TOML,
// or with bad keys or values. A command line treats it as a user error.
type Error struct {
	Problems []Problem // in file order; problems without a line come last
}

// Error returns one sentence per problem, joined by newlines.
func (e *Error) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

func fileError(format string, args ...any) *Error {
	return &Error{Problems: []Problem{{Msg: fmt.Sprintf(format, args...)}}}
}

// Load reads and parses the scenario file at path. A file that cannot be
// read as a scenario (missing, a directory, a named pipe, a device, over
// MaxFileSize) and a bad scenario give an *Error.
func Load(path string) (sim.Params, error) { return LoadSet(path, nil) }

// LoadSet is Load with overrides: each set is "KEY=VALUE", KEY a dotted
// scenario key as the file spells it ("buyers.count", "police.group[2].area",
// groups numbered from 1) and VALUE a TOML value or a bare word taken as
// text. The sets change the file's keys in order before it is decoded, so
// they are checked like the file, and a later set of a key wins.
// police.group[N] with N one past the last group adds a group. Problems of
// the sets are reported with the file's, each naming its set.
func LoadSet(path string, sets []string) (sim.Params, error) {
	src, err := ReadSource(path)
	if err != nil {
		return sim.Params{}, err
	}
	return src.Params(sets)
}

// Source is a scenario file read into memory, to be resolved with
// different overrides (the arms and design points of a sweep) without
// reading it again. It is safe for concurrent use.
type Source struct {
	path string
	data []byte
}

// ReadSource reads the scenario file at path with the checks of Load; the
// scenario itself is parsed by Params.
func ReadSource(path string) (*Source, error) {
	data, err := readText(path, "scenario file")
	if err != nil {
		return nil, err
	}
	return &Source{path: path, data: data}, nil
}

// Path is the file's path as given to ReadSource.
func (s *Source) Path() string { return s.path }

// Params parses the file with the overrides sets (see LoadSet). Map files
// are read, relative to the scenario's folder, on every call.
func (s *Source) Params(sets []string) (sim.Params, error) {
	dir := filepath.Dir(s.path)
	return parse(s.path, s.data, sets, func(p *sim.Params, d *decoder) { loadMaps(p, dir, d) })
}

// readText reads a text file of at most MaxFileSize bytes; what names it
// in messages ("scenario file").
func readText(path, what string) ([]byte, error) {
	// A directory and an oversized file keep their own sentences; input
	// says the rest (missing, a pipe or device, a file grown past the limit).
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return nil, fileError("%s %q is a directory, not a file", what, path)
		case fi.Mode().IsRegular() && fi.Size() > MaxFileSize:
			return nil, fileError("%s %q is larger than %d MiB; %ss are a few kilobytes of text, so this is probably not one", what, path, MaxFileSize>>20, what)
		}
	}
	data, err := input.ReadAll(path, what, MaxFileSize)
	if err != nil { // always an *input.Error, a sentence naming the file
		return nil, fileError("%s", err.Error())
	}
	return data, nil
}

// Parse turns the TOML text data of the file filename into validated
// parameters. It starts from sim.DefaultParams, so every key the text does
// not set keeps its default; each [[police.group]] starts from
// sim.DefaultGroup for the run's days. When the text does not set name, the
// name is the file's base name without ".toml". All problems are returned
// together as an *Error, with zero Params.
//
// Parse reads no other file, so a scenario naming a map file is refused;
// Load reads the map.
func Parse(filename string, data []byte) (sim.Params, error) { return ParseSet(filename, data, nil) }

// ParseSet is Parse with the overrides sets of LoadSet.
func ParseSet(filename string, data []byte, sets []string) (sim.Params, error) {
	return parse(filename, data, sets, func(p *sim.Params, d *decoder) {
		d.problem("city.map", fmt.Sprintf("city.map = %q: a map file is read only when the scenario is loaded from a file", p.City.Map))
	})
}

// decodeText decodes the TOML text of the file filename into a map, or
// gives the one problem that stops it: lists nested too deep or a syntax
// error. what says what the file is, for the nesting sentence ("a scenario").
func decodeText(filename, text, what string) (map[string]any, error) {
	if line := nestingLine(text); line > 0 {
		return nil, &Error{Problems: []Problem{{File: filename, Line: line,
			Msg: fmt.Sprintf("lists or tables nest more than %d deep here; %s needs at most 2 (a polygon's [[x, y], ...])", MaxNesting, what)}}}
	}
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		var pe toml.ParseError
		if !errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %w", filename, err)
		}
		return nil, &Error{Problems: []Problem{{
			File: filename, Line: pe.Position.Line,
			Msg: "the TOML syntax is wrong: " + pe.Message + syntaxHint(pe.Message),
		}}}
	}
	return raw, nil
}

// parse is ParseSet with the map of a scenario that names one read by
// loadMap, before the parameters are validated.
func parse(filename string, data []byte, sets []string, loadMap func(p *sim.Params, d *decoder)) (sim.Params, error) {
	p := sim.DefaultParams()
	text := string(data)
	overrides, setProbs := parseSets(filename, sets)
	raw, err := decodeText(filename, text, "a scenario")
	if err != nil {
		if e, ok := err.(*Error); ok { // the overrides' own problems too
			e.Problems = append(e.Problems, setProbs...)
		}
		return sim.Params{}, err
	}

	d := &decoder{file: filename, keys: indexKeys(text), probs: setProbs, setBy: map[string]setRef{}, addedBy: map[string]setRef{}}
	for _, o := range overrides {
		d.apply(raw, o)
	}
	// Groups start from DefaultGroup(days), so they are decoded after the
	// rest, once days is known.
	var groups any
	hasGroups := false
	if police, ok := raw["police"].(map[string]any); ok {
		groups, hasGroups = police["group"]
		delete(police, "group")
	}
	d.table(raw, reflect.ValueOf(&p).Elem(), "")
	if hasGroups {
		d.groups(groups, &p)
	}
	if _, ok := raw["name"]; !ok {
		base := filepath.Base(filename)
		if name := strings.TrimSuffix(base, ".toml"); name != "" && name != "." && name != string(filepath.Separator) {
			p.Name, d.nameFile = name, base
		}
	}

	if p.City.Map != "" && len(d.probs) == 0 {
		if p.City.Generator == "radial" {
			p.City.Generator = "map" // a map replaces the generator
		}
		loadMap(&p, d)
	}
	if err := p.Validate(); err != nil {
		for _, e := range flatten(err) {
			var pe *sim.ParamError
			if !errors.As(e, &pe) {
				d.probs = append(d.probs, Problem{File: filename, Msg: e.Error()})
				continue
			}
			if d.bad[pe.Key] {
				continue // already reported as unknown or of the wrong type
			}
			d.probs = append(d.probs, d.valueProblem(pe))
		}
	}
	if len(d.probs) == 0 {
		return p, nil
	}
	sortProblems(d.probs)
	return sim.Params{}, &Error{Problems: d.probs}
}

// sortProblems puts problems in line order, those without a line after,
// and the overrides' last, in the order of the sets.
func sortProblems(probs []Problem) {
	rank := func(p Problem) (int, int) {
		switch {
		case p.Set != "":
			return 2, p.SetIndex
		case p.Line == 0:
			return 1, 0
		}
		return 0, p.Line
	}
	sort.SliceStable(probs, func(i, j int) bool {
		ri, ki := rank(probs[i])
		rj, kj := rank(probs[j])
		return ri < rj || ri == rj && ki < kj
	})
}

// valueProblem places a value Validate refused at the line of its key, or,
// when the file does not set the key, says it is the default value and gives
// the line of the table it belongs to, if the file has one.
func (d *decoder) valueProblem(pe *sim.ParamError) Problem {
	pr := Problem{File: d.file, Key: pe.Key, Msg: pe.Error()}
	if ref, added, ok := d.overrideOf(pe.Key, true); ok {
		pr.Set, pr.SetIndex = ref.text, ref.index
		if added {
			pr.Msg += " (default value)"
		}
		return pr
	}
	if pe.Key == "name" && d.nameFile != "" {
		pr.Msg = fmt.Sprintf(`name = %q (taken from the file name %q) is not allowed: %s; set name = "..." in the file`, pe.Value, d.nameFile, pe.Allowed)
		return pr
	}
	line, written, table := d.keys.locate(pe.Key)
	pr.Line = line
	switch {
	case written:
	case table != "":
		pr.Msg += " (default value, not set in " + tableName(table) + ")"
	default:
		pr.Msg += " (default value)"
	}
	return pr
}

// flatten undoes errors.Join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// syntaxHint adds advice for the syntax mistakes people new to TOML make most.
func syntaxHint(msg string) string {
	switch {
	case strings.Contains(msg, `expected value but found "`):
		return ` (text must be in double quotes, e.g. strategy = "random"; numbers and true or false are written without)`
	case strings.Contains(msg, `expected value but found '\n'`):
		return " (the value after = is missing)"
	case strings.Contains(msg, "expected a top-level item to end with"), // count = 40 units
		strings.Contains(msg, "or array terminator"),           // area = [1, 2 cells]
		strings.Contains(msg, "or an inline table terminator"): // { cover = 0.5 x }
		return " (a value must be a number, text in double quotes, true or false, or a list in square brackets with commas between its items; units and notes go in a comment, e.g. count = 40  # units)"
	}
	return ""
}
