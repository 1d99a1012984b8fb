package citymap

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"unicode/utf8"

	"dropsim/sim/grid"
)

// ReadASCII reads a map of one character per cell, one line per row (north first).
// legend maps each character (a one-character string key, e.g. "~") to a land-use class name
// ("water", "centre", "residential", "private", "park", "forest", "industrial") or to "nodata" (unusable, stored as water).
//
// Lines end with LF or CR LF; the last may have no line end, and blank lines
// may follow the last row but not come before or between rows. Every row has
// as many characters (runes of UTF-8 text, a leading byte order mark
// skipped) as the first. The map is at least 2 x 2 cells, at most maxCells,
// and has a usable cell. The legend is checked with CheckLegend first.
//
// The file is read a character at a time and never held whole: a row longer
// than the first, a first row longer than maxCells characters, a map whose
// rows pass maxCells cells and a run of more than max(maxCells, 1024) blank
// lines all stop the reading there, so an endless input returns an error.
// The first problem met is the one reported, as an *Error with its line and,
// when it points at a character, its column (counted in characters from 1).
func ReadASCII(r io.Reader, name string, legend map[string]string, maxCells int) (*Map, error) {
	if probs := CheckLegend(legend, true); len(probs) > 0 {
		return nil, legendError(name, probs, true)
	}
	a := &asciiReader{name: name, maxCells: maxCells, br: bufio.NewReaderSize(r, 64<<10)}
	a.buildTable(legend)
	m, err := a.read()
	if err != nil {
		if a.looksESRI {
			return nil, &Error{File: name, Line: 1, Msg: `the file looks like an ESRI ASCII grid (it starts with "ncols"), ` +
				"not a map of one character per cell; give it as a land-use grid with codes"}
		}
		return nil, err
	}
	return m, nil
}

// Entries of the character table.
const (
	absent = 0xff
	nodata = 0xfe
)

type asciiReader struct {
	name     string
	maxCells int
	br       *bufio.Reader
	ascii    [utf8.RuneSelf]uint8 // class of each ASCII character, nodata or absent
	other    map[rune]uint8       // the same for other characters
	keys     string               // the legend's characters for messages: "'#', '.' and '~'"

	looksESRI bool
}

func (a *asciiReader) buildTable(legend map[string]string) {
	for i := range a.ascii {
		a.ascii[i] = absent
	}
	a.other = map[rune]uint8{}
	var names []string
	for _, k := range slices.Sorted(maps.Keys(legend)) {
		r, _ := utf8.DecodeRuneInString(k)
		c, _ := parseClassName(legend[k])
		v := uint8(c.class)
		if c.nodata {
			v = nodata
		}
		if r < utf8.RuneSelf {
			a.ascii[r] = v
		} else {
			a.other[r] = v
		}
		names = append(names, describeRune(r))
	}
	a.keys = listSome(names)
}

func (a *asciiReader) lookup(r rune) uint8 {
	if r < utf8.RuneSelf {
		return a.ascii[r]
	}
	if v, ok := a.other[r]; ok {
		return v
	}
	return absent
}

func (a *asciiReader) errAt(line, col int, format string, args ...any) *Error {
	return &Error{File: a.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// start skips a byte order mark and recognises files that are not text maps.
func (a *asciiReader) start() *Error {
	if b, _ := a.br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		a.br.Discard(3)
	}
	b, _ := a.br.Peek(8)
	for _, m := range []struct{ magic, kind string }{
		{"II*\x00", "a TIFF or GeoTIFF image"}, {"MM\x00*", "a TIFF or GeoTIFF image"},
		{"\x89PNG", "a PNG image"}, {"\xff\xd8\xff", "a JPEG image"}, {"\x1f\x8b", "gzip-compressed"},
		{"PK\x03\x04", "a zip archive (perhaps a spreadsheet)"}, {"%PDF-", "a PDF document"},
		{"\xff\xfe", "UTF-16 text"}, {"\xfe\xff", "UTF-16 text"},
	} {
		if bytes.HasPrefix(b, []byte(m.magic)) {
			return a.errAt(1, 1, "the file is %s, not a text map of one character per cell", m.kind)
		}
	}
	a.looksESRI = len(b) >= 5 && bytes.EqualFold(b[:5], []byte("ncols"))
	return nil
}

// badByte reports the byte ReadRune just returned as (RuneError, 1).
func (a *asciiReader) badByte(line, col int) *Error {
	a.br.UnreadRune()
	c, _ := a.br.ReadByte()
	return a.errAt(line, col, "byte 0x%02x is not UTF-8 text; the map must be a text file in UTF-8 (or plain ASCII), "+
		"so save it as UTF-8", c)
}

func (a *asciiReader) nulByte(line, col int) *Error {
	return a.errAt(line, col, "the file holds a NUL byte; it looks binary, not like a text map of one character per cell")
}

// next reads one character. eol is true at a line end (LF or CR LF), eof at
// the end of the input; a NUL byte, a byte that is not UTF-8 and a CR
// without LF are errors at (line, col), col being the character's column.
func (a *asciiReader) next(line, col int) (r rune, eol, eof bool, err *Error) {
	r, size, rerr := a.br.ReadRune()
	if rerr != nil {
		if rerr == io.EOF {
			return 0, false, true, nil
		}
		return 0, false, false, a.errAt(line, 0, "reading the file failed: %v", rerr)
	}
	switch {
	case r == '\n':
		return r, true, false, nil
	case r == '\r':
		if b, _ := a.br.Peek(1); len(b) == 1 && b[0] == '\n' {
			a.br.Discard(1)
			return r, true, false, nil
		}
		return 0, false, false, a.errAt(line, col, "a carriage return (U+000D) that is not followed by a line feed; "+
			"lines must end with LF or CR LF")
	case r == 0:
		return 0, false, false, a.nulByte(line, col)
	case r == utf8.RuneError && size == 1:
		return 0, false, false, a.badByte(line, col)
	}
	return r, false, false, nil
}

func (a *asciiReader) read() (*Map, *Error) {
	if err := a.start(); err != nil {
		return nil, err
	}
	var (
		w          = -1 // the width of the first row, once read
		rows       = 0
		line       = 1
		col        = 0 // characters of this line so far
		blank      = 0 // blank lines in the run that ends here
		firstBlank = 0 // line of the first of them
		cls        cellBlocks
		nWater     = 0
		nNoData    = 0
		maxBlank   = max(a.maxCells, 1024)
	)
	for {
		r, eol, eof, err := a.next(line, col+1)
		if err != nil {
			return nil, err
		}
		if eol || eof {
			if eof && col == 0 {
				break
			}
			switch {
			case col == 0:
				if blank == 0 {
					firstBlank = line
				}
				blank++
				if blank > maxBlank {
					if rows == 0 {
						return nil, a.errAt(line, 0, "the file starts with more than %d blank lines; "+
							"the map must have one line of characters per row of cells, from the first line", maxBlank)
					}
					return nil, a.errAt(line, 0, "more than %d blank lines follow the last row", maxBlank)
				}
			case w < 0:
				w = col
				rows++
			case col != w:
				return nil, a.errAt(line, 0, "row %d has %d cells; every row must have %d, as the first has", rows+1, col, w)
			default:
				rows++
			}
			if eof {
				break
			}
			line++
			col = 0
			continue
		}
		col++
		if col == 1 {
			if blank > 0 {
				return nil, a.errAt(firstBlank, 0, "the line is blank, but rows of cells follow it; "+
					"blank lines may only come after the last row")
			}
			if w > 0 && rows+1 > a.maxCells/w {
				return nil, a.errAt(line, 0, "the map has more than %d cells, the most allowed: "+
					"at %d cells a row, row %d would bring it to %d", a.maxCells, w, rows+1, (rows+1)*w)
			}
		}
		if w < 0 && col > a.maxCells {
			return nil, a.errAt(line, col, "the first row has more than %d characters, "+
				"more than the %d cells a map may have", a.maxCells, a.maxCells)
		}
		if w >= 0 && col > w {
			return nil, a.longRow(line, rows+1, w, r)
		}
		v := a.lookup(r)
		switch v {
		case absent:
			hint := ""
			if r == ' ' {
				hint = " (check for spaces at the ends of lines)"
			}
			return nil, a.errAt(line, col, "character %s is not in the legend%s; the legend has %s", describeRune(r), hint, a.keys)
		case nodata:
			nNoData++
			cls.add(grid.Water)
		default:
			if grid.Class(v) == grid.Water {
				nWater++
			}
			cls.add(grid.Class(v))
		}
	}
	if rows == 0 {
		return nil, &Error{File: a.name, Msg: "the map is empty; it must have one line of characters per row of cells"}
	}
	if err := checkSize(a.name, w, rows); err != nil {
		return nil, err
	}
	if nWater+nNoData == cls.n {
		var kinds []string
		if nWater > 0 {
			kinds = append(kinds, "water")
		}
		if nNoData > 0 {
			kinds = append(kinds, "nodata")
		}
		return nil, noUsable(a.name, kinds)
	}
	return &Map{W: w, H: rows, Class: cls.join()}, nil
}

// cellBlocks gathers the classes of a map whose height is not known yet in
// blocks of blockCells, so that the cells cost their size once while read
// and once more when joined, and never the spare room of a doubled slice.
type cellBlocks struct {
	full [][]grid.Class
	cur  []grid.Class
	n    int
}

const blockCells = 64 << 10

func (b *cellBlocks) add(c grid.Class) {
	if len(b.cur) == cap(b.cur) {
		if b.cur != nil {
			b.full = append(b.full, b.cur)
		}
		b.cur = make([]grid.Class, 0, blockCells)
	}
	b.cur = append(b.cur, c)
	b.n++
}

func (b *cellBlocks) join() []grid.Class {
	if len(b.full) == 0 {
		return slices.Clip(b.cur) // one block: no copy
	}
	out := make([]grid.Class, 0, b.n)
	for _, blk := range b.full {
		out = append(out, blk...)
	}
	return append(out, b.cur...)
}

// longRow reports row (on line) that has more than w characters; first is
// character w+1. It counts the rest of the line, up to a bound, for the
// message, and reports junk bytes met on the way instead.
func (a *asciiReader) longRow(line, row, w int, first rune) *Error {
	n := w + 1
	spaces := first == ' ' || first == '\t'
	limit := w + max(a.maxCells, 1024)
	for n <= limit {
		r, eol, eof, err := a.next(line, n+1)
		if err != nil {
			return err
		}
		if eol || eof {
			hint := ""
			if spaces {
				hint = " (the extra cells are spaces or tabs at the end of the line)"
			}
			return a.errAt(line, w+1, "row %d has %d cells; every row must have %d, as the first has%s", row, n, w, hint)
		}
		n++
		spaces = spaces && (r == ' ' || r == '\t')
	}
	return a.errAt(line, w+1, "row %d has more than %d cells; every row must have %d, as the first has", row, limit, w)
}
