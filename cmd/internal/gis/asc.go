// Package gis reads and writes the files a run hands to QGIS: ESRI ASCII
// grids (.asc) for rasters and GeoJSON for point sets. It uses only the
// standard library.
//
// ReadASC is strict: a grid QGIS (GDAL) would misread or refuse is rejected
// with one sentence naming the file, the line (and column for a bad value),
// what was found and what is allowed.
package gis

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Raster is an ESRI ASCII grid (.asc). Values are row-major from the top (north) row, as in the file.
type Raster struct {
	NCols, NRows int
	XLL, YLL     float64 // map coordinates of the lower-left corner of the lower-left cell
	CellSize     float64
	NoData       float64
	HasNoData    bool
	Values       []float64
	// Where ReadASC found the corner and the cell size, for messages
	// about their values; zero for a raster not read from a file.
	XLLKey, YLLKey, CellSizeKey HeaderKey
}

// HeaderKey is one key of a grid file's header as written.
type HeaderKey struct {
	Name  string  // "xllcorner", "xllcenter", "cellsize", ...
	Line  int     // from 1
	Value float64 // as written (for xllcenter, the centre)
}

// maxLineBytes bounds one line of a grid file (a row of values).
const maxLineBytes = 16 << 20

// headerKeys is the header as a sentence, for messages.
const headerKeys = "ncols, nrows, xllcorner or xllcenter, yllcorner or yllcenter, cellsize and optionally NODATA_value"

// WriteASC writes r: header lines ncols, nrows, xllcorner, yllcorner, cellsize, NODATA_value (only if HasNoData),
// then one line per row, values separated by single spaces. Whole numbers are written without a decimal point,
// others with strconv.FormatFloat(v, 'g', -1, 64). Returns the first write error.
//
// Whole numbers of magnitude 1e21 or more are written with 'g' too (1e+21),
// which has no decimal point either unless they have several significant
// digits. r is checked before anything is written: it must have NCols and
// NRows >= 1, len(Values) == NCols*NRows, a positive finite CellSize, a
// finite extent, a finite NoData (if HasNoData) and finite Values, so every
// file WriteASC writes is one ReadASC accepts.
func WriteASC(w io.Writer, r *Raster) error {
	if err := checkRaster(r); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	b := make([]byte, 0, 256)
	header := func(key string, v float64) {
		b = append(b[:0], key...)
		b = append(b, ' ')
		b = appendASCNumber(b, v)
		b = append(b, '\n')
		bw.Write(b) // an error sticks in bw and comes back from Flush
	}
	fmt.Fprintf(bw, "ncols %d\nnrows %d\n", r.NCols, r.NRows)
	header("xllcorner", r.XLL)
	header("yllcorner", r.YLL)
	header("cellsize", r.CellSize)
	if r.HasNoData {
		header("NODATA_value", r.NoData)
	}
	for row := range r.NRows {
		b = b[:0]
		for i, v := range r.Values[row*r.NCols : (row+1)*r.NCols] {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendASCNumber(b, v)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err // bufio.Writer keeps the first error; stop early
		}
	}
	return bw.Flush()
}

// checkRaster reports why r cannot be written as a grid ReadASC accepts.
func checkRaster(r *Raster) error {
	if r == nil {
		return errors.New("gis.WriteASC: the raster is nil")
	}
	if r.NCols < 1 || r.NRows < 1 {
		return fmt.Errorf("gis.WriteASC: the raster is %d x %d; NCols and NRows must be at least 1", r.NCols, r.NRows)
	}
	if r.NCols > math.MaxInt/r.NRows || len(r.Values) != r.NCols*r.NRows {
		return fmt.Errorf("gis.WriteASC: the raster has %d values; NCols x NRows = %d x %d needs %s",
			len(r.Values), r.NCols, r.NRows, formatCount(float64(r.NCols)*float64(r.NRows)))
	}
	if !(r.CellSize > 0) || math.IsInf(r.CellSize, 1) {
		return fmt.Errorf("gis.WriteASC: CellSize = %v; it must be a positive finite number", r.CellSize)
	}
	if err := checkExtent(r); err != "" {
		return errors.New("gis.WriteASC: " + err)
	}
	if r.HasNoData && !finite(r.NoData) {
		return fmt.Errorf("gis.WriteASC: NoData = %v; it must be a finite number", r.NoData)
	}
	for i, v := range r.Values {
		if !finite(v) {
			return fmt.Errorf("gis.WriteASC: the value at row %d, column %d (from 1, top row first) is %v; "+
				"a grid holds finite numbers (mark missing cells with NoData)", i/r.NCols+1, i%r.NCols+1, v)
		}
	}
	return nil
}

// checkExtent says, if so, why the corners of r are not finite numbers.
func checkExtent(r *Raster) string {
	if !finite(r.XLL) || !finite(r.YLL) {
		return fmt.Sprintf("the lower-left corner (%v, %v) is not a pair of finite numbers", r.XLL, r.YLL)
	}
	if !finite(r.XLL+float64(r.NCols)*r.CellSize) || !finite(r.YLL+float64(r.NRows)*r.CellSize) {
		return fmt.Sprintf("the grid's upper-right corner (lower-left corner + %d x %d cells of %v) is beyond the range of 64-bit numbers",
			r.NCols, r.NRows, r.CellSize)
	}
	return ""
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// appendASCNumber appends v without a decimal point if it is whole (and
// below 1e21, where 'f' would spell out every digit), else in the shortest
// 'g' form that reads back to the same float64.
func appendASCNumber(b []byte, v float64) []byte {
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return appendFloatF(b, v)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// ReadASC parses an ESRI ASCII grid. name is used in error messages (the file path).
// maxCells bounds ncols*nrows; it is checked before any allocation.
//
// The header is ncols, nrows, xllcorner or xllcenter, yllcorner or
// yllcenter, cellsize and optionally NODATA_value, one "key value" per line,
// keys in any case and any order, each once, on the first 5 or 6 lines.
// xllcenter and yllcenter are converted to the corner. Then come exactly
// nrows lines of exactly ncols numbers separated by spaces or tabs; blank
// lines may follow the last row, nothing else may. Line ends may be LF or
// CRLF and a leading UTF-8 byte order mark is skipped. Values must be finite
// decimal numbers (strconv.ParseFloat, no hexadecimal). A line may not be
// longer than 16 MiB.
//
// Errors are one sentence that starts "name:LINE:" (or "name:LINE:COLUMN:"
// for a bad value, counting characters from 1, or "name:" for the grid as a
// whole). ReadASC never holds more than maxCells values.
func ReadASC(rd io.Reader, name string, maxCells int) (*Raster, error) {
	p := &ascParser{name: name, lr: lineReader{br: bufio.NewReaderSize(rd, 64<<10)}}
	if err := p.checkStart(); err != nil {
		return nil, err
	}
	if err := p.readHeader(); err != nil {
		return nil, err
	}
	r := &p.r
	if r.NCols > maxCells/r.NRows { // NRows >= 1; no overflow; true for any maxCells < 1
		return nil, fmt.Errorf("%s: %d x %d = %s cells is more than the %d allowed",
			name, r.NCols, r.NRows, formatCount(float64(r.NCols)*float64(r.NRows)), maxCells)
	}
	if err := p.readRows(); err != nil {
		return nil, err
	}
	return r, nil
}

type ascParser struct {
	name string
	lr   lineReader
	r    Raster
	// pending is a line the header reader saw but that starts the data.
	pending    []byte
	hasPending bool
}

func (p *ascParser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...))
}

// checkStart skips a UTF-8 byte order mark and rejects an empty file or one
// whose first bytes are not text.
func (p *ascParser) checkStart() error {
	br := p.lr.br
	b, err := br.Peek(512)
	if len(b) == 0 {
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		return fmt.Errorf("%s: the file is empty; an ESRI ASCII grid starts with %s", p.name, headerKeys)
	}
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		b = b[3:]
		if len(b) == 0 {
			return fmt.Errorf("%s: the file is empty (it holds only a byte order mark); an ESRI ASCII grid starts with %s", p.name, headerKeys)
		}
	}
	for _, m := range []struct{ magic, kind string }{
		{"II*\x00", "a TIFF or GeoTIFF image"}, {"MM\x00*", "a TIFF or GeoTIFF image"},
		{"\x89PNG", "a PNG image"}, {"\x1f\x8b", "gzip-compressed"}, {"PK\x03\x04", "a zip archive"},
	} {
		if bytes.HasPrefix(b, []byte(m.magic)) {
			return fmt.Errorf("%s:1:1: the file is %s, not an ESRI ASCII grid (a text file that starts with ncols)", p.name, m.kind)
		}
	}
	// A rune cut by the end of the peeked bytes is not an error.
	full := len(b) == 512
	for i := 0; i < len(b); {
		c := b[i]
		if c == 0 {
			line, col := position(b, i)
			return fmt.Errorf("%s:%d:%d: the file holds a NUL byte; it looks binary, not like an ESRI ASCII grid (a text file)", p.name, line, col)
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if full && !utf8.FullRune(b[i:]) {
				break
			}
			line, col := position(b, i)
			return fmt.Errorf("%s:%d:%d: byte 0x%02x is not UTF-8 text; the file looks binary, not like an ESRI ASCII grid (a text file)", p.name, line, col, c)
		}
		i += size
	}
	return nil
}

// position gives the line and character column (from 1) of byte i of b.
func position(b []byte, i int) (line, col int) {
	start := bytes.LastIndexByte(b[:i], '\n') + 1
	return 1 + bytes.Count(b[:i], []byte("\n")), utf8.RuneCount(b[start:i]) + 1
}

// Header slots; xllcorner and xllcenter share one, as do the y keys.
const (
	hNCols = iota
	hNRows
	hXLL
	hYLL
	hCellSize
	hNoData
	hCount
)

var slotNames = [hCount]string{"ncols", "nrows", "xllcorner", "yllcorner", "cellsize", "NODATA_value"}

type headerKey struct {
	name   string // as messages spell it
	slot   int
	center bool
}

var headerKeyTable = map[string]headerKey{
	"ncols":        {"ncols", hNCols, false},
	"nrows":        {"nrows", hNRows, false},
	"xllcorner":    {"xllcorner", hXLL, false},
	"xllcenter":    {"xllcenter", hXLL, true},
	"yllcorner":    {"yllcorner", hYLL, false},
	"yllcenter":    {"yllcenter", hYLL, true},
	"cellsize":     {"cellsize", hCellSize, false},
	"nodata_value": {"NODATA_value", hNoData, false},
}

func (p *ascParser) readHeader() error {
	var (
		seenLine [hCount]int    // line of each slot's key, 0 if not yet
		seenName [hCount]string // the key that filled the slot
		xCenter  bool
		yCenter  bool
	)
	missing := func() []string {
		var m []string
		for s := range hNoData {
			if seenLine[s] == 0 {
				switch s {
				case hXLL:
					m = append(m, "xllcorner (or xllcenter)")
				case hYLL:
					m = append(m, "yllcorner (or yllcenter)")
				default:
					m = append(m, slotNames[s])
				}
			}
		}
		return m
	}
	for {
		required := len(missing()) == 0
		if required && seenLine[hNoData] != 0 {
			break
		}
		line, ok, err := p.lr.next()
		if err != nil {
			return p.lineErr(err)
		}
		n := p.lr.n
		if !ok {
			if required {
				break // a grid with a header and no rows: readRows says so
			}
			return p.errorf(p.lr.eofLine(), "the file ends inside the header, which has no %s; the header holds %s",
				joinAnd(missing()), headerKeys)
		}
		if err := p.checkText(line, n); err != nil {
			return err
		}
		fields := splitFields(line)
		if len(fields) == 0 {
			if required {
				p.pending, p.hasPending = line, true
				break
			}
			if n == 1 {
				return p.errorf(n, "the line is blank; an ESRI ASCII grid starts with %s", headerKeys)
			}
			return p.errorf(n, "the line is blank, but the header is not complete: it has no %s yet", joinAnd(missing()))
		}
		tok := line[fields[0].start:fields[0].end]
		key, known := headerKeyTable[strings.ToLower(string(tok))]
		if !known {
			word := isWord(tok)
			switch {
			case n == 1:
				return p.errorf(n, "the header must start with %s; found %s", headerKeys, quote(tok))
			case word && (!required || len(fields) == 2):
				hint := ""
				if l := strings.ToLower(string(tok)); l == "dx" || l == "dy" {
					hint = " (dx and dy, for cells that are not square, are not supported)"
				}
				return p.errorf(n, "unknown header key %s%s; the header holds %s", quote(tok), hint, headerKeys)
			case !required:
				return p.errorf(n, "the header has no %s; this line looks like data (%s), and the header must hold %s",
					joinAnd(missing()), quote(line), headerKeys)
			}
			// The header is complete and this line starts the data.
			p.pending, p.hasPending = line, true
			break
		}
		if prev := seenLine[key.slot]; prev != 0 {
			if seenName[key.slot] == key.name {
				return p.errorf(n, "%s appears a second time (first on line %d); each header key appears once", key.name, prev)
			}
			return p.errorf(n, "%s appears, but %s was already given on line %d; give one of them", key.name, seenName[key.slot], prev)
		}
		seenLine[key.slot], seenName[key.slot] = n, key.name
		switch len(fields) {
		case 1:
			return p.errorf(n, "%s has no value; write it as \"%s <value>\" on one line", key.name, key.name)
		case 2:
		default:
			return p.errorf(n, "%s has %d values (%s); it takes one", key.name, len(fields)-1,
				quote(line[fields[1].start:fields[len(fields)-1].end]))
		}
		val := line[fields[1].start:fields[1].end]
		switch key.slot {
		case hNCols, hNRows:
			v, err := strconv.Atoi(string(val))
			if err != nil || v < 1 {
				what := "is not allowed"
				if err != nil {
					what = "is not a whole number"
				}
				return p.errorf(n, "%s = %s %s; %s must be a whole number of at least 1", key.name, quote(val), what, key.name)
			}
			if key.slot == hNCols {
				p.r.NCols = v
			} else {
				p.r.NRows = v
			}
			continue
		}
		v, problem := parseNumber(val)
		if problem == "" && key.slot == hCellSize && !(v > 0) {
			problem = "is not allowed; cellsize must be a positive finite number"
		}
		if problem != "" {
			return p.errorf(n, "%s = %s %s", key.name, quote(val), problem)
		}
		hk := HeaderKey{key.name, n, v}
		switch key.slot {
		case hXLL:
			p.r.XLL, xCenter, p.r.XLLKey = v, key.center, hk
		case hYLL:
			p.r.YLL, yCenter, p.r.YLLKey = v, key.center, hk
		case hCellSize:
			p.r.CellSize, p.r.CellSizeKey = v, hk
		case hNoData:
			p.r.NoData, p.r.HasNoData = v, true
		}
	}
	if xCenter {
		p.r.XLL -= p.r.CellSize / 2
	}
	if yCenter {
		p.r.YLL -= p.r.CellSize / 2
	}
	if e := checkExtent(&p.r); e != "" {
		return fmt.Errorf("%s: %s", p.name, e)
	}
	return nil
}

func (p *ascParser) readRows() error {
	r := &p.r
	total := r.NCols * r.NRows
	// Grow as rows arrive (never past total), so a header that promises
	// more than the file holds costs no more memory than the file.
	r.Values = make([]float64, 0, min(total, max(r.NCols, 1<<16)))
	rows := 0
	for {
		var line []byte
		if p.hasPending {
			line, p.hasPending = p.pending, false
		} else {
			l, ok, err := p.lr.next()
			if err != nil {
				return p.lineErr(err)
			}
			if !ok {
				if rows < r.NRows {
					return p.errorf(p.lr.eofLine(), "the file ends after %d of the nrows = %d rows", rows, r.NRows)
				}
				return nil
			}
			line = l
			if err := p.checkText(line, p.lr.n); err != nil {
				return err
			}
		}
		n := p.lr.n
		if rows == r.NRows {
			if f := splitFields(line); len(f) > 0 {
				return p.errorf(n, "found %s after the last row (nrows = %d); only blank lines may follow it",
					quote(bytes.TrimSpace(line)), r.NRows)
			}
			continue
		}
		if cap(r.Values)-len(r.Values) < r.NCols {
			grown := make([]float64, len(r.Values), min(total, 2*cap(r.Values)))
			copy(grown, r.Values)
			r.Values = grown
		}
		count := 0
		for i := 0; ; {
			start, end := nextField(line, i)
			if start == end {
				break
			}
			i = end
			count++
			if count > r.NCols {
				continue // only counted, for the message
			}
			tok := line[start:i]
			v, problem := parseNumber(tok)
			if problem != "" && rows == 0 && count == 1 {
				if k, ok := headerKeyTable[strings.ToLower(string(tok))]; ok {
					return p.errorf(n, "%s comes after the header is complete; the header is the first 5 or 6 lines and holds each key once", k.name)
				}
			}
			if problem != "" {
				if problem == notFinite {
					problem += "; mark missing cells with NODATA_value"
				}
				return fmt.Errorf("%s:%d:%d: value %s %s", p.name, n, utf8.RuneCount(line[:start])+1, quote(tok), problem)
			}
			r.Values = append(r.Values, v)
		}
		rows++
		if count == 0 {
			return p.errorf(n, "the line is blank where row %d of the nrows = %d rows should be; blank lines may only follow the last row", rows, r.NRows)
		}
		if count != r.NCols {
			return p.errorf(n, "row %d has %d values; every row must have ncols = %d", rows, count, r.NCols)
		}
	}
}

const notFinite = "is not a finite number"

// parseNumber parses a finite decimal number; problem says what is wrong.
func parseNumber(tok []byte) (v float64, problem string) {
	if bytes.ContainsAny(tok, "xX") { // ParseFloat would take hexadecimal
		return 0, "is not a number"
	}
	v, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange && math.IsInf(v, 0) {
			return 0, "is too large for a 64-bit number"
		}
		if bytes.IndexByte(tok, ',') >= 0 {
			return 0, "is not a number (the decimal separator is a point, and values are separated by spaces)"
		}
		return 0, "is not a number"
	}
	if !finite(v) {
		return 0, notFinite
	}
	return v, ""
}

// checkText rejects a line that holds a NUL byte or is not UTF-8.
func (p *ascParser) checkText(line []byte, n int) error {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		return fmt.Errorf("%s:%d:%d: the line holds a NUL byte; the file looks binary, not like an ESRI ASCII grid (a text file)",
			p.name, n, utf8.RuneCount(line[:i])+1)
	}
	if !utf8.Valid(line) {
		i := 0
		for i < len(line) {
			r, size := utf8.DecodeRune(line[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return fmt.Errorf("%s:%d:%d: byte 0x%02x is not UTF-8 text; the file looks binary, not like an ESRI ASCII grid (a text file)",
			p.name, n, utf8.RuneCount(line[:i])+1, line[i])
	}
	return nil
}

func (p *ascParser) lineErr(err error) error {
	if errors.Is(err, errLineTooLong) {
		return p.errorf(p.lr.n+1, "the line is longer than %d MiB; an ESRI ASCII grid holds one row of numbers per line", maxLineBytes>>20)
	}
	return fmt.Errorf("%s:%d: %w", p.name, p.lr.n+1, err)
}

type field struct{ start, end int }

// nextField finds the next space- or tab-separated field of line at or
// after i; start == end when there is none.
func nextField(line []byte, i int) (start, end int) {
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	start = i
	for i < len(line) && line[i] != ' ' && line[i] != '\t' {
		i++
	}
	return start, i
}

// splitFields finds the space- or tab-separated fields of a header line.
func splitFields(line []byte) []field {
	var f []field
	for i := 0; ; {
		start, end := nextField(line, i)
		if start == end {
			break
		}
		i = end
		f = append(f, field{start, i})
		if len(f) > 8 {
			// A header line has two fields; this is data or junk.
			f = append(f, field{i, len(line)})
			break
		}
	}
	return f
}

// isWord reports whether tok looks like a key: a letter or underscore first,
// and not something ParseFloat takes (nan, inf, infinity).
func isWord(tok []byte) bool {
	if len(tok) == 0 {
		return false
	}
	c := tok[0] | 0x20
	if !(c >= 'a' && c <= 'z') && tok[0] != '_' {
		return false
	}
	_, err := strconv.ParseFloat(string(tok), 64)
	return err != nil
}

// quote quotes b for a message, shortened to about 40 bytes.
func quote(b []byte) string {
	const max = 40
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strconv.Quote(string(b[:cut])) + "..."
}

// joinAnd joins ["a", "b", "c"] as "a, b and c".
func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// formatCount writes a cell count: exactly below 1e9, else as 1.6e13.
func formatCount(n float64) string {
	if n < 1e9 {
		return strconv.FormatFloat(n, 'f', 0, 64)
	}
	return strings.Replace(strconv.FormatFloat(n, 'g', -1, 64), "e+", "e", 1)
}

var errLineTooLong = errors.New("line too long")

// lineReader reads lines of up to maxLineBytes, without their line ends.
type lineReader struct {
	br          *bufio.Reader
	n           int  // number of the last line returned
	lastNewline bool // the last line returned ended with '\n'
	buf         []byte
	eof         bool
}

// next returns the next line, valid until the following call; ok is false
// at the end of the file.
func (l *lineReader) next() (line []byte, ok bool, err error) {
	if l.eof {
		return nil, false, nil
	}
	l.buf = l.buf[:0]
	for {
		frag, err := l.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(l.buf)+len(frag) > maxLineBytes+2 {
				return nil, false, errLineTooLong
			}
			l.buf = append(l.buf, frag...)
			continue
		}
		line := frag
		if len(l.buf) > 0 {
			l.buf = append(l.buf, frag...)
			line = l.buf
		}
		if err == io.EOF {
			l.eof = true
			if len(line) == 0 {
				return nil, false, nil
			}
		} else if err != nil {
			return nil, false, err
		}
		l.lastNewline = bytes.HasSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > maxLineBytes {
			return nil, false, errLineTooLong
		}
		l.n++
		return line, true, nil
	}
}

// eofLine is the line on which the file ends.
func (l *lineReader) eofLine() int {
	if l.n == 0 || l.lastNewline {
		return l.n + 1
	}
	return l.n
}
