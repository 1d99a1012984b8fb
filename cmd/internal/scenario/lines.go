package scenario

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// BurntSushi/toml keeps key positions to itself, so the lines of keys are
// found by scanning the text again. The scan runs only on text the TOML
// parser has accepted, so it can be lenient: it knows just enough TOML to
// follow [table] and [[array.table]] headers, dotted and quoted keys, inline
// tables and values that span lines (arrays, multi-line strings).

// keyIndex maps each dotted key written in a file to where it is written.
// Entries of lists of tables are numbered from 1: "police.group[2].count".
type keyIndex map[string]keyPos

type keyPos struct {
	line  int
	table bool // a table is opened here: [x], [[x]] or x = { ... }
}

// locate finds the line for key. written reports that the key itself (or
// the list it indexes, for "buyers.diurnal[3]") is in the file. Otherwise
// table is the nearest enclosing table the file opens, with its line, or
// "" and line 0 when there is none.
func (idx keyIndex) locate(key string) (line int, written bool, table string) {
	if kp, ok := idx[key]; ok {
		return kp.line, true, ""
	}
	if t := trimIndex(key); t != key {
		if kp, ok := idx[t]; ok {
			return kp.line, true, ""
		}
	}
	for k := key; ; {
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			return 0, false, ""
		}
		k = k[:i]
		if kp, ok := idx[k]; ok && kp.table {
			return kp.line, false, k
		}
	}
}

// indexKeys records the line of every key and table in a TOML text.
func indexKeys(text string) keyIndex {
	s := &keyScanner{text: text, idx: keyIndex{}, arrays: map[string]int{}, starts: []int{0}}
	for i := range len(text) {
		if text[i] == '\n' {
			s.starts = append(s.starts, i+1)
		}
	}
	s.run()
	return s.idx
}

type keyScanner struct {
	text   string
	i      int
	starts []int // byte offset at which each line starts
	idx    keyIndex
	arrays map[string]int // entries so far of each list of tables
	quiet  int            // inside nested arrays, whose keys are never looked up
}

func (s *keyScanner) line() int { return sort.SearchInts(s.starts, s.i+1) }

func (s *keyScanner) peek() byte {
	if s.i < len(s.text) {
		return s.text[s.i]
	}
	return 0
}

func (s *keyScanner) at(prefix string) bool {
	return s.i < len(s.text) && strings.HasPrefix(s.text[s.i:], prefix)
}

// mark records key at line unless it is known already; a table header
// replaces an earlier implicit mention (a [city] after [city.landuse]).
func (s *keyScanner) mark(key string, line int, table bool) {
	if s.quiet > 0 {
		return
	}
	if old, ok := s.idx[key]; !ok || table && !old.table {
		s.idx[key] = keyPos{line, table}
	}
}

func (s *keyScanner) run() {
	if s.at("\xef\xbb\xbf") { // byte order mark
		s.i += 3
	}
	prefix := ""
	for {
		s.skipBlank()
		if s.i >= len(s.text) {
			return
		}
		line, start := s.line(), s.i
		switch {
		case s.at("[["):
			s.i += 2
			path := s.resolve(s.key(), line)
			s.arrays[path]++
			s.mark(path, line, false)
			prefix = fmt.Sprintf("%s[%d]", path, s.arrays[path])
			s.mark(prefix, line, true)
		case s.peek() == '[':
			s.i++
			prefix = s.resolve(s.key(), line)
			s.mark(prefix, line, true)
		default:
			s.keyValue(prefix)
		}
		s.skipLine()
		if s.i == start {
			s.i++
		}
	}
}

// resolve turns the parts of a table header into a key, numbering the lists
// of tables it passes through ([police.group.x] is in the latest group).
func (s *keyScanner) resolve(parts []string, line int) string {
	path := ""
	for i, p := range parts {
		path = join(path, p)
		if i == len(parts)-1 {
			break
		}
		if n := s.arrays[path]; n > 0 {
			path = fmt.Sprintf("%s[%d]", path, n)
		}
		s.mark(path, line, false)
	}
	return path
}

// keyValue scans "a.b = value" inside the table prefix.
func (s *keyScanner) keyValue(prefix string) {
	line := s.line()
	parts := s.key()
	path := prefix
	for i, p := range parts {
		path = join(path, p)
		if i < len(parts)-1 {
			s.mark(path, line, false)
		}
	}
	s.skipSpace()
	if s.peek() != '=' || len(parts) == 0 {
		return
	}
	s.i++
	s.skipSpace()
	switch s.peek() {
	case '{':
		s.mark(path, line, true)
		s.i++
		s.inlineTable(path)
	case '[':
		s.mark(path, line, false)
		s.i++
		s.array(path)
	default:
		s.mark(path, line, false)
		s.scalar()
	}
}

func (s *keyScanner) inlineTable(path string) {
	for s.i < len(s.text) {
		s.skipBlank()
		start := s.i
		switch s.peek() {
		case '}':
			s.i++
			return
		case ',':
			s.i++
		default:
			s.keyValue(path)
		}
		if s.i == start {
			s.i++
		}
	}
}

// array scans the items of an array; inline tables in it are numbered
// from 1 like the entries of a [[list.of.tables]].
func (s *keyScanner) array(path string) {
	n := 0
	for s.i < len(s.text) {
		s.skipBlank()
		start := s.i
		switch s.peek() {
		case ']':
			s.i++
			return
		case ',':
			s.i++
		case '{':
			n++
			item := fmt.Sprintf("%s[%d]", path, n)
			s.mark(item, s.line(), true)
			s.i++
			s.inlineTable(item)
		case '[':
			s.i++
			s.quiet++
			s.array(path)
			s.quiet--
		default:
			s.scalar()
		}
		if s.i == start {
			s.i++
		}
	}
}

// scalar skips a string, number, boolean or date.
func (s *keyScanner) scalar() {
	switch {
	case s.at(`"""`):
		s.i += 3
		s.multiline(`"""`)
	case s.at(`'''`):
		s.i += 3
		s.multiline(`'''`)
	case s.peek() == '"', s.peek() == '\'':
		s.quoted()
	default:
		for s.i < len(s.text) && !strings.ContainsRune(",]}\n#", rune(s.text[s.i])) {
			s.i++
		}
	}
}

// multiline skips to the end of a multi-line string; up to two quotes
// right before the closing ones belong to the string.
func (s *keyScanner) multiline(delim string) {
	for s.i < len(s.text) {
		switch {
		case delim[0] == '"' && s.text[s.i] == '\\':
			s.i += 2
		case s.at(delim):
			s.i += 3
			for k := 0; k < 2 && s.peek() == delim[0]; k++ {
				s.i++
			}
			return
		default:
			s.i++
		}
	}
}

// quoted reads a one-line "basic" or 'literal' string and returns its text.
func (s *keyScanner) quoted() string {
	q := s.text[s.i]
	s.i++
	start := s.i
	for s.i < len(s.text) && s.text[s.i] != q && s.text[s.i] != '\n' {
		if q == '"' && s.text[s.i] == '\\' {
			s.i++
		}
		s.i++
	}
	raw := s.text[start:min(s.i, len(s.text))]
	if s.i < len(s.text) && s.text[s.i] == q {
		s.i++
	}
	if q == '"' {
		if u, err := strconv.Unquote(`"` + raw + `"`); err == nil {
			return u
		}
	}
	return raw
}

// key reads a dotted key: bare, "quoted" or 'literal' parts joined by dots.
func (s *keyScanner) key() []string {
	var parts []string
	for {
		s.skipSpace()
		switch c := s.peek(); {
		case c == '"' || c == '\'':
			parts = append(parts, s.quoted())
		case isBare(c):
			start := s.i
			for s.i < len(s.text) && isBare(s.text[s.i]) {
				s.i++
			}
			parts = append(parts, s.text[start:s.i])
		default:
			return parts
		}
		s.skipSpace()
		if s.peek() != '.' {
			return parts
		}
		s.i++
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (s *keyScanner) skipSpace() {
	for s.i < len(s.text) && (s.text[s.i] == ' ' || s.text[s.i] == '\t') {
		s.i++
	}
}

// skipBlank skips white space, line ends and comments.
func (s *keyScanner) skipBlank() {
	for s.i < len(s.text) {
		switch s.text[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		case '#':
			for s.i < len(s.text) && s.text[s.i] != '\n' {
				s.i++
			}
		default:
			return
		}
	}
}

// skipLine skips the rest of the line: the "]" of a header, a comment.
func (s *keyScanner) skipLine() {
	for s.i < len(s.text) && s.text[s.i] != '\n' {
		s.i++
	}
}
