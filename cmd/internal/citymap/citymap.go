// Package citymap reads a city from files a user draws or exports: a text
// map of one character per cell with a legend (ReadASCII), an ESRI ASCII
// grid of land-use codes (ReadASC) and per-cell demand or cover layers on
// the same grid (ReadLayer).
//
// Every problem in a file comes back as one *Error: one sentence naming the
// file and, where known, the line and column. No input makes a reader panic,
// hang or hold more than maxCells cells: an endless line or an endless file
// stops with an error as soon as it passes the bound.
package citymap

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"dropsim/sim/grid"
)

// Map is a city read from a file: the land-use class of every cell, row 0 the north edge
// (index y*W + x), and optional per-cell layers that override the land-use table.
type Map struct {
	W, H   int
	Class  []grid.Class
	Demand []float32 // nil unless a demand layer was read
	Cover  []float32 // nil unless a cover layer was read
	// From an ESRI grid: the map coordinates of the south-west corner and the cell size.
	HasGeo           bool
	OriginX, OriginY float64
	CellSize         float64
}

// Error is a problem in a map file: one sentence, with the file and, where known, the line and column.
type Error struct {
	File      string
	Line, Col int // 0 when unknown
	Msg       string
}

// Error gives "town.txt line 3, column 7: msg", "town.txt line 3: msg" or "town.txt: msg".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if e.File != "" {
			b.WriteByte(' ')
		}
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// nodataName is the class name that marks a cell outside the study area.
const nodataName = "nodata"

// codesName is how messages name the table of land-use codes.
const codesName = "city.codes"

// maxCode bounds a land-use code so that every code is exact as a float64.
const maxCode = 1 << 53

// CheckLegend checks a legend or code table before any file is read: keys (one character for ASCII, a
// whole number for codes) and class names; it returns one sentence per bad entry.
//
// An ASCII legend key is exactly one character (one rune of UTF-8 text) that
// is visible or a space: not a control character, not an invisible format
// character and not U+FFFD. A code is a whole number written in decimal
// digits with an optional sign, of at most 2^53 in magnitude; two keys that
// are the same number ("01" and "1") are a problem. A class name is one of
// grid.ClassNames() or "nodata", in lower case. An empty table is a problem.
// The sentences come in the order of the sorted keys.
func CheckLegend(legend map[string]string, ascii bool) []string {
	if len(legend) == 0 {
		if ascii {
			return []string{"the legend is empty; it must map each character of the map to a land-use class"}
		}
		return []string{codesName + " is empty; it must map each land-use code of the grid to a class"}
	}
	var probs []string
	seen := map[int64]string{} // code number -> first key
	for _, key := range slices.Sorted(maps.Keys(legend)) {
		name := legend[key]
		var label string // how the entry is named in messages
		if ascii {
			label = "legend key " + quote(key)
			if p := checkASCIIKey(key); p != "" {
				probs = append(probs, label+" "+p)
				continue
			}
			r, _ := utf8.DecodeRuneInString(key)
			label = "legend key " + describeRune(r)
		} else {
			label = "code " + quote(key)
			n, p := parseCode(key)
			if p != "" {
				probs = append(probs, label+" "+p)
				continue
			}
			if first, dup := seen[n]; dup {
				probs = append(probs, fmt.Sprintf("codes %s and %s in %s are the same number (%d); give each code once",
					quote(first), quote(key), codesName, n))
				continue
			}
			seen[n] = key
		}
		if _, ok := parseClassName(name); !ok {
			probs = append(probs, label+" maps to "+quote(name)+", which is not a land-use class"+suggestClass(name)+
				"; use "+classList())
		}
	}
	return probs
}

// checkASCIIKey says what is wrong with an ASCII legend key, or "".
func checkASCIIKey(key string) string {
	if key == "" {
		return "is empty; a key is exactly one character of the map"
	}
	if !utf8.ValidString(key) {
		return "is not UTF-8 text; a key is exactly one character of the map"
	}
	if n := utf8.RuneCountInString(key); n != 1 {
		return fmt.Sprintf("has %d characters; a key is exactly one character of the map", n)
	}
	r, _ := utf8.DecodeRuneInString(key)
	switch {
	case unicode.IsControl(r):
		return "is the control character " + describeRune(r) + "; a key must be a visible character (or a space)"
	case r == utf8.RuneError:
		return "is U+FFFD, the replacement character left by a failed text conversion; a key must be a visible character (or a space)"
	case !unicode.IsGraphic(r):
		return "is the invisible character " + describeRune(r) + "; a key must be a visible character (or a space)"
	}
	return ""
}

// parseCode parses a land-use code key; problem says what is wrong with it.
func parseCode(key string) (n int64, problem string) {
	digits := strings.TrimPrefix(strings.TrimPrefix(key, "-"), "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, `is not a whole number; a code is written in digits, such as "1" or "12"`
	}
	n, err := strconv.ParseInt(key, 10, 64)
	if err != nil || n > maxCode || n < -maxCode {
		return 0, fmt.Sprintf("is too large; a code is a whole number of at most %d in magnitude", int64(maxCode))
	}
	return n, ""
}

// classOrNodata is a class, or nodata (stored as water, not usable).
type classOrNodata struct {
	class  grid.Class
	nodata bool
}

func parseClassName(name string) (classOrNodata, bool) {
	if name == nodataName {
		return classOrNodata{grid.Water, true}, true
	}
	c, ok := grid.ParseClass(name)
	return classOrNodata{class: c}, ok
}

// classList is "water, centre, ..., industrial or nodata".
func classList() string {
	names := append(slices.Clone(grid.ClassNames()), nodataName)
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// suggestClass is ` (did you mean "residential"?)` for a near miss, else "".
func suggestClass(name string) string {
	if len(name) > 40 {
		return ""
	}
	low := strings.ToLower(strings.TrimSpace(name))
	best, bestD := "", 3
	for _, c := range append(slices.Clone(grid.ClassNames()), nodataName) {
		if d := editDistance(low, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > 0 && 2*bestD >= len(best) {
		return ""
	}
	return " (did you mean " + strconv.Quote(best) + "?)"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// legendError turns CheckLegend's sentences into one *Error for file name.
func legendError(name string, probs []string, ascii bool) *Error {
	msg := probs[0]
	if len(probs) > 1 {
		where := "the legend"
		if !ascii {
			where = codesName
		}
		more := "problems"
		if len(probs) == 2 {
			more = "problem"
		}
		msg += fmt.Sprintf(" (and %d more %s in %s)", len(probs)-1, more, where)
	}
	return &Error{File: name, Msg: msg}
}

// runeNames names the invisible characters a map may hold by mistake.
var runeNames = map[rune]string{
	0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x09: "tab", 0x0A: "line feed", 0x0B: "vertical tab",
	0x0C: "form feed", 0x0D: "carriage return", 0x1A: "end of file, Ctrl-Z", 0x1B: "escape", 0x7F: "delete",
	0x85: "next line", 0xA0: "no-break space", 0xAD: "soft hyphen", 0x200B: "zero-width space",
	0x200C: "zero-width non-joiner", 0x200D: "zero-width joiner", 0x2028: "line separator",
	0x2029: "paragraph separator", 0x3000: "ideographic space", 0xFEFF: "byte order mark",
	0xFFFD: "replacement character, left by a failed text conversion",
}

// describeRune names r for a message: 'x' if it is visible, else U+0009 (tab).
func describeRune(r rune) string {
	if r != utf8.RuneError && (r == ' ' || unicode.IsPrint(r)) {
		return strconv.QuoteRune(r)
	}
	s := fmt.Sprintf("U+%04X", r)
	if n, ok := runeNames[r]; ok {
		s += " (" + n + ")"
	}
	return s
}

// quote quotes s for a message, shortened to about 40 bytes.
func quote(s string) string {
	const max = 40
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

// listSome joins up to 10 items as "a, b and c" or "a, b, ..., j and 5 more".
func listSome(items []string) string {
	const most = 10
	if len(items) > most {
		return strings.Join(items[:most], ", ") + fmt.Sprintf(" and %d more", len(items)-most)
	}
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// formatNum writes v for a message: whole numbers without a point, others
// in the shortest form that reads back, without an exponent unless v is
// tiny or huge.
func formatNum(v float64) string {
	if a := math.Abs(v); a == 0 || a >= 1e-4 && a < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// noUsable is the error for a map without a usable cell; kinds names what
// the cells are ("water", "nodata", ...).
func noUsable(name string, kinds []string) *Error {
	what := "water or nodata"
	switch len(kinds) {
	case 1:
		what = kinds[0]
	case 0:
	default:
		what = strings.Join(kinds[:len(kinds)-1], ", ") + " or " + kinds[len(kinds)-1]
	}
	return &Error{File: name, Msg: "every cell is " + what + "; a city needs at least one usable cell (of a class other than water)"}
}

// checkSize rejects a map narrower or shorter than 2 cells.
func checkSize(name string, w, h int) *Error {
	if w >= 2 && h >= 2 {
		return nil
	}
	return &Error{File: name, Msg: fmt.Sprintf("the map is %d x %d cells (width x height); it must be at least 2 cells wide and 2 cells tall", w, h)}
}
