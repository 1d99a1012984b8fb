package scenario

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestNestingLineGenerated checks nestingLine against TOML documents built
// with a known nesting depth: values nested 0 to 20 deep, with strings of
// every kind full of brackets, quotes, backslashes and #, comments and
// quoted keys. The decoder must accept each document (so the generator
// writes real TOML), and nestingLine must refuse it exactly when its depth
// passes MaxNesting.
func TestNestingLineGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 1000 {
		g := &docGen{r: r}
		doc := g.doc()
		var raw map[string]any
		if _, err := toml.Decode(doc, &raw); err != nil {
			t.Fatalf("document %d is not TOML (%v):\n%s", n, err, doc)
		}
		if got := nestingLine(doc) > 0; got != (g.max > MaxNesting) {
			t.Fatalf("document %d, %d deep: nestingLine refuses it: %v\n%s", n, g.max, got, doc)
		}
	}
}

type docGen struct {
	r   *rand.Rand
	b   strings.Builder
	max int // the deepest nesting written
	key int
}

func (g *docGen) doc() string {
	for range 1 + g.r.IntN(4) {
		switch g.r.IntN(6) {
		case 0:
			g.b.WriteString("# " + g.text(false) + "\n")
		case 1:
			g.key++
			fmt.Fprintf(&g.b, "[[\"t%d%s\"]]\n", g.key, strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(g.text(false)))
			g.max = max(g.max, 2)
		}
		g.key++
		fmt.Fprintf(&g.b, "k%d = ", g.key)
		d := g.r.IntN(21)
		if g.r.IntN(2) == 0 {
			d = 14 + g.r.IntN(5)
		}
		g.value(d)
		g.max = max(g.max, d)
		if g.r.IntN(3) == 0 {
			g.b.WriteString(" # " + g.text(false))
		}
		g.b.WriteString("\n")
	}
	return g.b.String()
}

// value writes a value nested exactly d deep.
func (g *docGen) value(d int) {
	if d == 0 {
		g.scalar()
		return
	}
	items := 1 + g.r.IntN(3)
	deep := g.r.IntN(items) // the item that is d-1 deep
	if g.r.IntN(2) == 0 {
		g.b.WriteString("[")
		for i := range items {
			if i > 0 {
				g.b.WriteString(",")
				if g.r.IntN(4) == 0 {
					g.b.WriteString(" # " + g.text(false) + "\n")
				}
			}
			g.item(i == deep, d)
		}
		g.b.WriteString("]")
		return
	}
	g.b.WriteString("{")
	for i := range items {
		if i > 0 {
			g.b.WriteString(", ")
		}
		g.key++
		if g.r.IntN(2) == 0 {
			fmt.Fprintf(&g.b, "'q%d%s' = ", g.key, g.text(false))
		} else {
			fmt.Fprintf(&g.b, "q%d = ", g.key)
		}
		g.item(i == deep, d)
	}
	g.b.WriteString("}")
}

func (g *docGen) item(deep bool, d int) {
	if deep {
		g.value(d - 1)
	} else {
		g.value(g.r.IntN(min(d, 3))) // shallow, or documents grow as 3^d
	}
}

// text is random characters that are no trouble in a literal string.
func (g *docGen) text(newlines bool) string {
	const chars = "[]{}#\"\\a ,=."
	var s strings.Builder
	for range g.r.IntN(12) {
		if newlines && g.r.IntN(6) == 0 {
			s.WriteByte('\n')
			continue
		}
		s.WriteByte(chars[g.r.IntN(len(chars))])
	}
	return s.String()
}

func (g *docGen) scalar() {
	switch g.r.IntN(6) {
	case 0:
		g.b.WriteString("1")
	case 1: // basic
		s := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(g.text(false))
		g.b.WriteString(`"` + s + `"`)
	case 2: // literal
		g.b.WriteString("'" + g.text(false) + "'")
	case 3: // multi-line basic, with up to two quotes before the closing ones
		s := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(g.text(true))
		g.b.WriteString(`"""` + s + strings.Repeat(`"`, g.r.IntN(3)) + `"""`)
	case 4: // multi-line literal
		s := strings.ReplaceAll(g.text(true), "'", "")
		g.b.WriteString("'''" + s + strings.Repeat("'", g.r.IntN(3)) + "'''")
	case 5: // a line-ending backslash in a multi-line basic string
		g.b.WriteString("\"\"\"a\\\n  [[[[[[[[[[[[[[[[[[[[\"\"\"")
	}
}
