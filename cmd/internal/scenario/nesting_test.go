package scenario

import (
	"errors"
	"strings"
	"testing"
)

// TestNestingLine: the line is where the 17th unclosed [ or { is, counted
// by hand; brackets in strings, comments and quoted keys do not count.
func TestNestingLine(t *testing.T) {
	open := func(n int) string { return strings.Repeat("[", n) }
	deep := open(17) // one past the limit
	for _, c := range []struct {
		name, text string
		line       int
	}{
		{"16 deep, the limit", "x = " + open(16) + strings.Repeat("]", 16) + "\n", 0},
		{"17 deep", "x = " + deep + "\n", 1},
		{"17 inline tables on line 3", "a = 1\n\nx = " + strings.Repeat("{a=", 17) + "1" + strings.Repeat("}", 17) + "\n", 3},
		{"lists and tables mixed", "x = " + strings.Repeat("[{a=", 8) + "[1]" + "\n", 1},
		{"closed lists do not add up", strings.Repeat("x = "+open(10)+strings.Repeat("]", 10)+"\n", 5), 0},
		{"stray closers do not make room", "x = " + strings.Repeat("]", 10) + "\ny = " + deep + "\n", 2},
		{"headers", "[[police.group]]\n[[police.group]]\narea = [[1, 2], [3, 4]]\n", 0},
		{"in a basic string", `name = "` + deep + `"`, 0},
		{"after an escaped quote", `name = "a\"` + deep + `"`, 0},
		{"after an escaped backslash the string ends", "name = \"a\\\\\"\nx = " + deep, 2},
		{"in a literal string", "name = '" + deep + "'", 0},
		{"a backslash ends nothing in a literal string", "name = 'a\\'\nx = " + deep, 2},
		{"in a multi-line string", "description = \"\"\"\n" + deep + "\n\"\"\"\n", 0},
		{"after an escaped quote in a multi-line string", `description = """a\"""` + deep + `"""`, 0},
		{"a line-ending backslash still ends a line", "description = \"\"\"a\\\nb\"\"\"\nx = " + deep, 3},
		{"lines counted in a multi-line string", "description = \"\"\"\n\n\n\"\"\"\nx = " + deep, 5},
		{"quotes before the closing ones", `x = ["""a"""", ` + deep, 1},
		{"quotes before the closing ones, literal", "x = ['''a'''', " + deep, 1},
		{"in a multi-line literal string", "description = '''\n" + deep + "\n'''\n", 0},
		{"after a multi-line literal string", "description = '''a'''\nx = " + deep, 2},
		{"in a comment", "days = 3 # " + deep + "\n# " + deep + "\n", 0},
		{"after a comment", "# x\nx = " + deep, 2},
		{"a comment ends at the line end", "# [\n" + deep, 2},
		{"a quoted key", `["` + deep + `"]` + "\n'" + deep + "' = 1\n", 0},
		{"an unclosed string ends at the line end", "name = \"" + deep + "\nx = " + deep, 2},
	} {
		if got := nestingLine(c.text); got != c.line {
			t.Errorf("%s: line %d, want %d", c.name, got, c.line)
		}
	}
}

// TestBracketsInAName: text full of brackets is only text.
func TestBracketsInAName(t *testing.T) {
	name := strings.Repeat("[[[[{{", 10) + `"'#`
	text := "name = '''" + name + "'''\n" +
		"description = \"" + strings.Repeat(`[\"{`, 20) + "\" # " + strings.Repeat("[", 40) + "\n"
	p, err := Parse("s.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != name || p.Description != strings.Repeat(`["{`, 20) {
		t.Errorf("name %q, description %q", p.Name, p.Description)
	}
}

// TestDeepNestingFullSize: the two shapes that crashed the decoder
// (1.3 million "[" overflowed its stack; 20,000 nested inline tables, 100
// KB, took 14 GB) give one problem at their line, and Parse allocates no
// more than twice the text: the copy of the text it scans, and the problem.
func TestDeepNestingFullSize(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
	}{
		{"lists", "name = \"x\"\n\nx = " + strings.Repeat("[", 1_300_000) + "\n"},
		{"inline tables", "name = \"x\"\n\nx = " + strings.Repeat("{a=", 20_000) + "1" + strings.Repeat("}", 20_000) + "\n"},
	} {
		var err error
		n := allocated(func() { _, err = Parse("s.toml", []byte(c.text)) })
		var e *Error
		if !errors.As(err, &e) || len(e.Problems) != 1 {
			t.Fatalf("%s: %v, want one problem", c.name, err)
		}
		want := "s.toml line 3: lists or tables nest more than 16 deep here; a scenario needs at most 2 (a polygon's [[x, y], ...])"
		if got := e.Problems[0].String(); got != want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, want)
		}
		if bound := uint64(2*len(c.text) + 64<<10); n > bound {
			t.Errorf("%s: Parse allocated %d bytes for %d bytes of text (bound %d)", c.name, n, len(c.text), bound)
		}
	}
}
