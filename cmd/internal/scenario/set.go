package scenario

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"dropsim/sim"
)

// An override ("-set KEY=VALUE") changes one scenario key of the decoded
// TOML before it is decoded, so that it is checked exactly like a value
// written in the file: its type, its key, Validate's ranges.

// override is one leaf of a -set: a key and the TOML value it gets. A set
// whose value is a table ({ cover = 0.5 }) gives one override per key in it,
// so that it changes those keys and keeps the table's others.
type override struct {
	ref   setRef
	key   string // canonical dotted key, e.g. "police.group[1].count"
	path  []step
	value any
}

// setRef names the -set a key's value came from.
type setRef struct {
	text  string // KEY=VALUE as given
	index int    // 1-based position among the sets
}

// step is one part of a dotted key.
type step struct {
	name    string
	index   int  // 1-based entry of a list of tables
	indexed bool // name[index]
}

// setExample is the form of an override, for messages.
const setExample = "an override is written KEY=VALUE, e.g. -set buyers.count=5000"

// parseSets turns the sets into overrides, in order; the sets that cannot
// be applied become problems of the scenario file filename.
func parseSets(filename string, sets []string) ([]override, []Problem) {
	var out []override
	var probs []Problem
	for i, text := range sets {
		ref := setRef{text: text, index: i + 1}
		bad := func(key, msg string) {
			probs = append(probs, Problem{File: filename, Set: text, SetIndex: i + 1, Key: key, Msg: msg})
		}
		k, v, ok := strings.Cut(text, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			bad("", setExample)
			continue
		}
		path, ok := parseKey(k)
		if !ok {
			bad("", fmt.Sprintf("%q is not a scenario key: a key is names of letters, digits, _ and - joined by dots, with [N] after a list of tables, e.g. police.group[1].count", k))
			continue
		}
		value, msg := parseValue(v)
		if msg != "" {
			bad(keyString(path), msg)
			continue
		}
		for _, o := range expand(path, value, nil) {
			o.ref = ref
			o.key = keyString(o.path)
			t, msg := keyType(o.path)
			if msg == "" && t.Kind() == reflect.Struct && !isTable(o.value) {
				msg = fmt.Sprintf("%s is a table, not a single value: set its keys one at a time, e.g. -set %s.%s=..., or give a table in braces", o.key, o.key, fieldNames(t)[0])
			}
			if msg != "" {
				bad(o.key, msg)
				break
			}
			out = append(out, o)
		}
	}
	return out, probs
}

func isTable(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// parseKey splits a dotted key into its steps; false when it is not one.
func parseKey(key string) ([]step, bool) {
	var path []step
	for _, part := range strings.Split(key, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		if name == "" || strings.IndexFunc(name, func(r rune) bool { return r > 0x7f || !isBare(byte(r)) }) >= 0 {
			return nil, false
		}
		st := step{name: name, indexed: indexed}
		if indexed {
			num, ok := strings.CutSuffix(idx, "]")
			n, err := strconv.Atoi(num)
			if !ok || err != nil || strings.IndexFunc(num, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
				return nil, false
			}
			st.index = n
		}
		path = append(path, st)
	}
	return path, true
}

func keyString(path []step) string {
	var b strings.Builder
	for i, st := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.name)
		if st.indexed {
			fmt.Fprintf(&b, "[%d]", st.index)
		}
	}
	return b.String()
}

// parseValue reads VALUE as TOML; a bare word that is not TOML is text, so
// that -set police.group[1].strategy=random needs no quotes in a shell.
func parseValue(v string) (any, string) {
	text := "v = " + v
	if nestingLine(text) > 0 {
		return nil, fmt.Sprintf("the value nests lists or tables more than %d deep; a scenario needs at most 2 (a polygon's [[x, y], ...])", MaxNesting)
	}
	var m map[string]any
	_, err := toml.Decode(text, &m)
	if err == nil && len(m) == 1 {
		return m["v"], ""
	}
	if err != nil && v != "" && strings.ContainsRune(`[{"'`, rune(v[0])) {
		msg := err.Error()
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg = pe.Message
		}
		return nil, "the value is not a TOML value: " + msg + " (a list is written [1, 2], a table { cover = 0.5 }, text in double quotes or as a bare word)"
	}
	return v, "" // a bare word, or text with a line end or a # in it
}

// expand lists the keys a value sets: the key itself, or for a non-empty
// table each of its keys.
func expand(path []step, v any, out []override) []override {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return append(out, override{path: path, value: v})
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = expand(append(slices.Clone(path), step{name: k}), m[k], out)
	}
	return out
}

// keyType finds the type of the scenario key path in sim.Params, or says
// in a sentence why path is not a scenario key.
func keyType(path []step) (reflect.Type, string) {
	root := reflect.TypeFor[sim.Params]()
	t, prefix := root, ""
	for i, st := range path {
		key := join(prefix, st.name)
		switch t.Kind() {
		case reflect.Struct:
		case reflect.Map: // a table of text values: any name is a key
			if st.indexed {
				return nil, fmt.Sprintf("%s is not a list of tables, so it takes no [%d] (%s)", key, st.index, numberedLists(root))
			}
			t, prefix = t.Elem(), key
			continue
		default:
			return nil, fmt.Sprintf("%s is a single value, not a table, so %s is not a scenario key", prefix, keyString(path))
		}
		f, ok := fieldByTag(t, st.name)
		if !ok {
			return nil, unknownKey(key, st.name, prefix, t, root)
		}
		list := f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct
		switch {
		case st.indexed && !list:
			return nil, fmt.Sprintf("%s is not a list of tables, so it takes no [%d] (%s)", key, st.index, numberedLists(root))
		case st.indexed:
			t, prefix = f.Type.Elem(), fmt.Sprintf("%s[%d]", key, st.index)
		case list && i < len(path)-1:
			return nil, fmt.Sprintf("%s is a list of tables: say which entry, numbered from 1, e.g. %s[1].%s", key, key, path[i+1].name)
		default:
			t, prefix = f.Type, key
		}
	}
	return t, ""
}

// numberedLists says which keys take an index: the lists of tables of t.
func numberedLists(t reflect.Type) string {
	var lists []string
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for i := range t.NumField() {
			f := t.Field(i)
			switch n := tagName(f); {
			case n == "":
			case f.Type.Kind() == reflect.Struct:
				walk(f.Type, join(path, n))
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
				lists = append(lists, join(path, n)+"[N]")
			}
		}
	}
	walk(t, "")
	if len(lists) == 1 {
		return "only " + lists[0] + " is numbered"
	}
	return "only " + orList(lists) + " are numbered"
}

// apply sets o's key in the decoded TOML raw. An entry of a list of tables
// one past the last is added (and decodes from its defaults); one further
// on is a problem. Where the file gives a table or list a value of another
// kind, the override is dropped: the decoder reports the file's value.
func (d *decoder) apply(raw map[string]any, o override) {
	m, prefix := raw, ""
	for i, st := range o.path {
		key := join(prefix, st.name)
		last := i == len(o.path)-1
		if !st.indexed {
			next, isMap := m[st.name].(map[string]any)
			_, exists := m[st.name]
			switch {
			case last && isTable(o.value) && isMap: // an empty table changes nothing
			case last:
				m[st.name] = o.value
				d.setBy[o.key] = o.ref
			case isMap:
			case exists:
				return
			default:
				next = map[string]any{}
				m[st.name] = next
			}
			m, prefix = next, key
			continue
		}
		n := 0
		switch l := m[st.name].(type) {
		case nil:
		case []map[string]any:
			n = len(l)
		case []any:
			n = len(l)
		default:
			return
		}
		if st.index < 1 || st.index > n+1 {
			d.probs = append(d.probs, Problem{File: d.file, Set: o.ref.text, SetIndex: o.ref.index, Key: o.key, Msg: entryRange(key, n)})
			return
		}
		entry := fmt.Sprintf("%s[%d]", key, st.index)
		if st.index == n+1 {
			switch l := m[st.name].(type) {
			case []any:
				m[st.name] = append(l, map[string]any{})
			case []map[string]any:
				m[st.name] = append(l, map[string]any{})
			default:
				m[st.name] = []map[string]any{{}}
			}
			d.addedBy[entry] = o.ref
		}
		var next map[string]any
		switch l := m[st.name].(type) {
		case []any:
			var ok bool
			if next, ok = l[st.index-1].(map[string]any); !ok {
				return
			}
		case []map[string]any:
			next = l[st.index-1]
		}
		m, prefix = next, entry
	}
}

// entryRange says which entries of the list of tables key exist, when an
// override names another: "the scenario has 2 police groups; ...".
func entryRange(key string, n int) string {
	what := strings.ReplaceAll(key, ".", " ")
	switch n {
	case 0:
		return fmt.Sprintf("the scenario has no %ss; %s[1] adds one", what, key)
	case 1:
		return fmt.Sprintf("the scenario has 1 %s; %s[2] adds one, %s[1] changes it", what, key, key)
	}
	return fmt.Sprintf("the scenario has %d %ss; %s[%d] adds one, %s[1] to %s[%d] change one", n, what, key, n+1, key, key, n)
}

// overrideOf finds the override that set key, or a table or list holding
// it; with added, also one that added the list entry holding it, which
// gives its other keys their defaults (added is then true).
func (d *decoder) overrideOf(key string, withAdded bool) (ref setRef, added, ok bool) {
	for k := key; k != ""; k = parentKey(k) {
		if ref, ok := d.setBy[k]; ok {
			return ref, false, true
		}
		if ref, ok := d.addedBy[k]; ok && withAdded {
			return ref, true, true
		}
	}
	return setRef{}, false, false
}

// parentKey is the key one level up: "a.b" for "a.b.c" and "a.b[2]", "" at the top.
func parentKey(key string) string {
	if t := trimIndex(key); t != key {
		return t
	}
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i]
	}
	return ""
}
