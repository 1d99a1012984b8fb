package scenario

import "strings"

// MaxNesting is how deep lists and tables may nest in a scenario file. A
// scenario needs at most 2: a polygon's [[x, y], ...], a [[police.group]]
// header. The TOML decoder recurses once per level and keeps a copy of the
// key path at each, so without a bound a line of a million "[" overflows
// its stack and inline tables 20,000 deep take it past 14 GB.
const MaxNesting = 16

// nestingLine returns the line on which lists and tables in text first
// nest more than MaxNesting deep, or 0 if they never do. It runs before the
// decoder, on any text, so it only follows what hides a bracket: strings
// (basic and literal, one-line and multi-line, quoted keys alike) and
// comments. A table header's [ or [[ counts like a list's.
func nestingLine(text string) int {
	const (
		value        = iota // outside strings and comments
		basic               // "..."
		literal             // '...'
		multiBasic          // """..."""
		multiLiteral        // '''...'''
		comment             // # to the end of the line
	)
	state, depth, line := value, 0, 1
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\n' {
			line++
			if state != multiBasic && state != multiLiteral {
				state = value // a comment ends; a one-line string is cut off, which the decoder refuses
			}
			continue
		}
		switch state {
		case value:
			switch c {
			case '[', '{':
				if depth++; depth > MaxNesting {
					return line
				}
			case ']', '}':
				depth = max(depth-1, 0) // a stray closer is a syntax error the decoder stops at
			case '#':
				state = comment
			case '"':
				state = basic
				if strings.HasPrefix(text[i:], `"""`) {
					state, i = multiBasic, i+2
				}
			case '\'':
				state = literal
				if strings.HasPrefix(text[i:], `'''`) {
					state, i = multiLiteral, i+2
				}
			}
		case basic, multiBasic:
			switch {
			case c == '\\':
				if i+1 < len(text) && text[i+1] != '\n' {
					i++ // the escaped character; a line end is left to be counted
				}
			case state == basic && c == '"':
				state = value
			case state == multiBasic && strings.HasPrefix(text[i:], `"""`):
				state, i = value, closeMulti(text, i, '"')
			}
		case literal:
			if c == '\'' {
				state = value
			}
		case multiLiteral:
			if strings.HasPrefix(text[i:], `'''`) {
				state, i = value, closeMulti(text, i, '\'')
			}
		}
	}
	return 0
}

// closeMulti returns the index of the last quote of the delimiter that
// closes a multi-line string at i: up to two quotes more belong to the
// string ("""a"""" is `a"`).
func closeMulti(text string, i int, q byte) int {
	i += 2
	for k := 0; k < 2 && i+1 < len(text) && text[i+1] == q; k++ {
		i++
	}
	return i
}
