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

// Problem is one thing wrong with a scenario file.
type Problem struct {
	File string // the file name as given to Load or Parse; "" for a problem with the file as a whole (missing, a directory, too large), whose Msg names it
	Line int    // 1-based line of the key; 0 when no line applies
	Col  int    // 1-based column in a map file; 0 when none applies
	Key  string // dotted scenario key, e.g. "stasher.quota" or "police.group[2].area"; "" for syntax errors and whole-file problems
	Msg  string // the sentence, without the file and line
}

// String is the problem as a sentence: "file line N: msg", "file: msg"
// when no line applies, or msg alone for a problem with the file as a whole.
func (p Problem) String() string {
	file := p.File
	if strings.IndexFunc(file, unicode.IsControl) >= 0 || !utf8.ValidString(file) {
		file = strconv.Quote(file) // never write an escape or a newline raw to a terminal
	}
	switch {
	case p.File == "":
		return p.Msg
	case p.Line > 0 && p.Col > 0:
		return fmt.Sprintf("%s line %d, column %d: %s", file, p.Line, p.Col, p.Msg)
	case p.Line > 0:
		return fmt.Sprintf("%s line %d: %s", file, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", file, p.Msg)
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
func Load(path string) (sim.Params, error) {
	// A directory and an oversized file keep their own sentences; input
	// says the rest (missing, a pipe or device, a file grown past the limit).
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return sim.Params{}, fileError("scenario file %q is a directory, not a file", path)
		case fi.Mode().IsRegular() && fi.Size() > MaxFileSize:
			return sim.Params{}, tooLarge(path)
		}
	}
	data, err := input.ReadAll(path, "scenario file", MaxFileSize)
	if err != nil { // always an *input.Error, a sentence naming the file
		return sim.Params{}, fileError("%s", err.Error())
	}
	return parse(path, data, func(p *sim.Params, d *decoder) { loadMaps(p, filepath.Dir(path), d) })
}

func tooLarge(path string) *Error {
	return fileError("scenario file %q is larger than %d MiB; scenario files are a few kilobytes of text, so this is probably not one", path, MaxFileSize>>20)
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
func Parse(filename string, data []byte) (sim.Params, error) {
	return parse(filename, data, func(p *sim.Params, d *decoder) {
		d.problem("city.map", fmt.Sprintf("city.map = %q: a map file is read only when the scenario is loaded from a file", p.City.Map))
	})
}

// parse is Parse with the map of a scenario that names one read by
// loadMap, before the parameters are validated.
func parse(filename string, data []byte, loadMap func(p *sim.Params, d *decoder)) (sim.Params, error) {
	p := sim.DefaultParams()
	text := string(data)
	if line := nestingLine(text); line > 0 {
		return sim.Params{}, &Error{Problems: []Problem{{File: filename, Line: line,
			Msg: fmt.Sprintf("lists or tables nest more than %d deep here; a scenario needs at most 2 (a polygon's [[x, y], ...])", MaxNesting)}}}
	}
	var raw map[string]any
	if _, err := toml.Decode(text, &raw); err != nil {
		var pe toml.ParseError
		if !errors.As(err, &pe) {
			return sim.Params{}, fmt.Errorf("%s: %w", filename, err)
		}
		return sim.Params{}, &Error{Problems: []Problem{{
			File: filename, Line: pe.Position.Line,
			Msg: "the TOML syntax is wrong: " + pe.Message + syntaxHint(pe.Message),
		}}}
	}

	d := &decoder{file: filename, keys: indexKeys(text)}
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
	sort.SliceStable(d.probs, func(i, j int) bool {
		a, b := d.probs[i].Line, d.probs[j].Line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	return sim.Params{}, &Error{Problems: d.probs}
}

// valueProblem places a value Validate refused at the line of its key, or,
// when the file does not set the key, says it is the default value and gives
// the line of the table it belongs to, if the file has one.
func (d *decoder) valueProblem(pe *sim.ParamError) Problem {
	pr := Problem{File: d.file, Key: pe.Key, Msg: pe.Error()}
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
