package scenario

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// unknownKey is the sentence for a key, written in the table at path, that
// the table's struct t has no field for: a close spelling in the same table
// if there is one, else the tables where a key of that name belongs, then
// the keys the table allows. root is the file's top-level struct.
func unknownKey(key, name, path string, t, root reflect.Type) string {
	var b strings.Builder
	fmt.Fprintf(&b, "unknown key %q", key)
	if s := closest(name, fieldNames(t)); s != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", join(path, s))
	} else if homes := homesOf(name, root, ""); len(homes) > 0 {
		fmt.Fprintf(&b, " (%q belongs %s)", name, orList(homes))
	}
	b.WriteString("; ")
	b.WriteString(allowedKeys(path, t))
	return b.String()
}

// allowedKeys lists what the table at path may hold, e.g. "keys allowed in
// [city] are: cell_m, ..., width, and the table [city.landuse]".
func allowedKeys(path string, t reflect.Type) string {
	var keys, tables []string
	for i := range t.NumField() {
		f := t.Field(i)
		name := tagName(f)
		switch {
		case name == "":
		case f.Type.Kind() == reflect.Struct:
			tables = append(tables, "["+join(trimIndex(path), name)+"]")
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			tables = append(tables, "[["+join(trimIndex(path), name)+"]]")
		default:
			keys = append(keys, name)
		}
	}
	slices.Sort(keys)
	slices.Sort(tables)
	s := "keys allowed " + where(path) + " are"
	switch {
	case len(keys) == 0:
		s += " only the tables "
	case len(tables) == 0:
		s += ": " + strings.Join(keys, ", ")
	case len(tables) == 1:
		s += ": " + strings.Join(keys, ", ") + ", and the table "
	default:
		s += ": " + strings.Join(keys, ", ") + ", and the tables "
	}
	return s + strings.Join(tables, ", ")
}

// where names the table at path as a place in the file.
func where(path string) string {
	switch t := trimIndex(path); {
	case path == "":
		return "at the top level"
	case t != path:
		return "in [[" + t + "]]"
	}
	return "in [" + path + "]"
}

// homesOf lists the tables of the struct t (at path) and of its sub-tables
// that have a key called name.
func homesOf(name string, t reflect.Type, path string) []string {
	var homes []string
	for i := range t.NumField() {
		f := t.Field(i)
		n := tagName(f)
		switch {
		case n == "":
		case n == name:
			if path == "" {
				homes = append(homes, "at the top level, before the first [table] line")
			} else {
				homes = append(homes, where(path))
			}
		case f.Type.Kind() == reflect.Struct:
			homes = append(homes, homesOf(name, f.Type, join(path, n))...)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			homes = append(homes, homesOf(name, f.Type.Elem(), join(path, n)+"[1]")...)
		}
	}
	return homes
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if n := tagName(t.Field(i)); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// orList joins "a", "a or b", "a, b or c".
func orList(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// closest returns the candidate nearest to name when it is near enough to
// be a slip of the keyboard (one edit for short names, two for longer),
// ignoring case; "" when none is.
func closest(name string, candidates []string) string {
	limit := 2
	if len(name) <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of two neighbouring letters each count
// one edit, so "qouta" is one edit from "quota".
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	// d[i][j] is the distance between x[:i] and y[:j].
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
