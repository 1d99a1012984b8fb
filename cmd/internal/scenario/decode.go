package scenario

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"dropsim/sim"
)

// decoder copies parsed TOML tables onto sim.Params field by field, by the
// fields' toml tags. Unlike toml.Decode into a struct, it does not stop at
// the first wrong type and it visits keys in a fixed order, so a file with
// several mistakes gets all of them reported, the same way every time.
type decoder struct {
	file  string
	keys  keyIndex
	probs []Problem
	bad   map[string]bool // keys already reported
	// nameFile is the file name the scenario's name was taken from, when
	// the file does not set name.
	nameFile string
	// root is the type of the file's top level; nil for sim.Params.
	root reflect.Type
	// setBy and addedBy hold the keys whose value an override set and the
	// list entries one added, so that their problems name the override.
	setBy, addedBy map[string]setRef
}

func (d *decoder) problem(key, msg string) {
	if d.bad == nil {
		d.bad = map[string]bool{}
	}
	d.bad[key] = true
	if ref, _, ok := d.overrideOf(key, false); ok {
		d.probs = append(d.probs, Problem{File: d.file, Set: ref.text, SetIndex: ref.index, Key: key, Msg: msg})
		return
	}
	line, written, _ := d.keys.locate(key)
	if !written { // cannot happen for keys read from the file; never give a wrong line
		line = 0
	}
	d.probs = append(d.probs, Problem{File: d.file, Line: line, Key: key, Msg: msg})
}

func (d *decoder) rootType() reflect.Type {
	if d.root == nil {
		return reflect.TypeFor[sim.Params]()
	}
	return d.root
}

// table decodes the TOML table m onto the struct rv; path is the table's
// dotted key ("" at the top level).
func (d *decoder) table(m map[string]any, rv reflect.Value, path string) {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		key := join(path, name)
		f, ok := fieldByTag(rv.Type(), name)
		if !ok {
			d.problem(key, unknownKey(key, name, path, rv.Type(), d.rootType()))
			continue
		}
		d.value(m[name], rv.FieldByIndex(f.Index), key)
	}
}

// value decodes one TOML value onto rv.
func (d *decoder) value(v any, rv reflect.Value, key string) {
	switch rv.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			d.wrongType(key, rv.Type(), "not "+describe(v))
			return
		}
		d.table(m, rv, key)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			d.wrongType(key, rv.Type(), "not "+describe(v))
			return
		}
		if len(list) == 0 { // an empty list is a list not given
			rv.SetZero()
			return
		}
		s := reflect.MakeSlice(rv.Type(), len(list), len(list))
		for i, x := range list {
			if rv.Type().Elem().Kind() == reflect.Slice { // a list of lists, e.g. a polygon's vertices
				n := len(d.probs)
				d.value(x, s.Index(i), key)
				if len(d.probs) > n {
					return
				}
				continue
			}
			if !setScalar(x, s.Index(i)) {
				d.wrongType(key, rv.Type(), fmt.Sprintf("but item %d is %s", i+1, describe(x)))
				return
			}
		}
		rv.Set(s)
	case reflect.Map: // a table of text values, e.g. a map's legend
		m, ok := v.(map[string]any)
		if !ok {
			d.wrongType(key, rv.Type(), "not "+describe(v))
			return
		}
		if len(m) == 0 { // an empty table is a table not given
			rv.SetZero()
			return
		}
		out := reflect.MakeMapWithSize(rv.Type(), len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			s, ok := m[k].(string)
			if !ok {
				d.wrongType(key, rv.Type(), fmt.Sprintf("but %q = %s", k, describe(m[k])))
				return
			}
			out.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(s))
		}
		rv.Set(out)
	default:
		if !setScalar(v, rv) {
			d.wrongType(key, rv.Type(), "not "+describe(v))
		}
	}
}

// wrongType reports that key does not hold a value of type t; detail says
// what it holds instead.
func (d *decoder) wrongType(key string, t reflect.Type, detail string) {
	d.problem(key, fmt.Sprintf("%s has the wrong type: it must be %s, %s", key, want(t, key), detail))
}

// tables returns the entries of the list of tables v at key, whose Go
// type is t; false, with the problem reported, when v is not one.
func (d *decoder) tables(v any, key string, t reflect.Type) ([]map[string]any, bool) {
	switch v := v.(type) {
	case []map[string]any: // [[key]] tables
		return v, true
	case []any: // key = [{...}, {...}]
		tables := make([]map[string]any, 0, len(v))
		for _, x := range v {
			m, ok := x.(map[string]any)
			if !ok {
				d.wrongType(key, t, "but one item is "+describe(x))
				return nil, false
			}
			tables = append(tables, m)
		}
		return tables, true
	}
	d.wrongType(key, t, "not "+describe(v))
	return nil, false
}

// groups decodes the [[police.group]] entries, each over DefaultGroup(p.Days).
func (d *decoder) groups(v any, p *sim.Params) {
	const key = "police.group"
	tables, ok := d.tables(v, key, reflect.TypeFor[[]sim.GroupParams]())
	if !ok {
		return
	}
	p.Police.Groups = nil
	for i, m := range tables {
		g := sim.DefaultGroup(p.Days)
		d.table(m, reflect.ValueOf(&g).Elem(), fmt.Sprintf("%s[%d]", key, i+1))
		p.Police.Groups = append(p.Police.Groups, g)
	}
}

// setScalar stores a TOML number, string or boolean in rv if the types
// agree. A whole number is accepted where a number is wanted (price = 2000),
// never the other way round.
func setScalar(v any, rv reflect.Value) bool {
	switch {
	case rv.CanInt():
		n, ok := v.(int64)
		if !ok || rv.OverflowInt(n) {
			return false
		}
		rv.SetInt(n)
	case rv.CanUint():
		n, ok := v.(int64)
		if !ok || n < 0 || rv.OverflowUint(uint64(n)) {
			return false
		}
		rv.SetUint(uint64(n))
	case rv.CanFloat():
		switch x := v.(type) {
		case float64:
			rv.SetFloat(x)
		case int64:
			rv.SetFloat(float64(x))
		default:
			return false
		}
	case rv.Kind() == reflect.String:
		s, ok := v.(string)
		if !ok {
			return false
		}
		rv.SetString(s)
	case rv.Kind() == reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return false
		}
		rv.SetBool(b)
	case rv.Kind() == reflect.Interface: // any TOML value, for its reader to check (a sweep's levels)
		rv.Set(reflect.ValueOf(v))
	default:
		// A new kind of field in sim.Params: teach this decoder and Encode.
		panic(fmt.Sprintf("scenario: parameters of type %s are not supported", rv.Type()))
	}
	return true
}

// want says in plain words what a value of type t looks like.
func want(t reflect.Type, key string) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number (e.g. 30)"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more (e.g. 1)"
	case reflect.Float32, reflect.Float64:
		return "a number (e.g. 0.5)"
	case reflect.String:
		return `text in double quotes (e.g. "random")`
	case reflect.Bool:
		return "true or false"
	case reflect.Struct:
		return fmt.Sprintf("a table, written as a line [%s] followed by its keys", trimIndex(key))
	case reflect.Map:
		return fmt.Sprintf(`a table of names and land-use classes in double quotes, e.g. %s = { "~" = "water", "#" = "centre" }`, key[strings.LastIndex(key, ".")+1:])
	case reflect.Slice:
		switch t.Elem().Kind() {
		case reflect.Struct:
			return fmt.Sprintf("a list of tables, each starting with a line [[%s]]", trimIndex(key))
		case reflect.Float32, reflect.Float64:
			return "a list of numbers in square brackets (e.g. [0.5, 1, 2])"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return "a list of whole numbers in square brackets (e.g. [55, 30, 69, 44])"
		case reflect.Slice:
			return "a list of [x, y] pairs in square brackets (e.g. [[55, 30], [69, 30], [62, 44]])"
		case reflect.String:
			return `a list of text in double quotes in square brackets (e.g. ["a", "b"])`
		case reflect.Interface:
			return `a list of numbers, text or true or false in square brackets (e.g. [5, 10, 20] or ["random", "hotspot"])`
		}
	}
	return "a " + t.String()
}

// describe says in plain words what a decoded TOML value is.
func describe(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return "the text " + strconv.Quote(v)
	case bool:
		return strconv.FormatBool(v)
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	case time.Time: // also local dates and times
		return "a date or time"
	}
	return fmt.Sprintf("%v", v)
}

// fieldByTag finds the struct field whose toml tag is name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); name != "" && tagName(f) == name { // fields tagged "-" are not scenario keys
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// trimIndex turns "police.group[2]" into "police.group".
func trimIndex(key string) string {
	if i := strings.LastIndexByte(key, '['); i > 0 && strings.HasSuffix(key, "]") {
		return key[:i]
	}
	return key
}

// tableName is how a table is written in a file: "[stasher]", or
// "[[police.group]] number 2" for an entry of a list of tables.
func tableName(path string) string {
	if t := trimIndex(path); t != path {
		return fmt.Sprintf("[[%s]] number %s", t, path[len(t)+1:len(path)-1])
	}
	return "[" + path + "]"
}
