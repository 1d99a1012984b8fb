package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"dropsim/cmd/internal/input"
)

// readBuffer is the read-ahead of a CSV file a user gives, in bytes.
const readBuffer = 64 << 10

// csvFile reads a CSV file a user gives (counts, crime types, incidents)
// one record at a time, with errors as sentences that name the file and
// the line. It keeps one record in memory: lines are bounded by
// input.Lines, and a record (which a quoted field can spread over several
// lines) by recordLimit.
type csvFile struct {
	path     string
	what     string // "counts file", for messages
	csv      *csv.Reader
	limit    *recordLimit
	bom      int64 // bytes of the byte-order mark skipped
	lastLine int   // the line the last record read ended on
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// newCSVFile starts reading the CSV file path, a what, from r.
func newCSVFile(r io.Reader, path, what string) (*csvFile, error) {
	f := &csvFile{path: path, what: what}
	f.limit = &recordLimit{r: input.Lines(r, path, input.MaxLine), max: input.MaxLine + 1 + readBuffer}
	br := bufio.NewReaderSize(f.limit, readBuffer)
	// Excel's "CSV UTF-8" starts the file with a byte-order mark.
	b, err := br.Peek(len(utf8BOM))
	if bytes.Equal(b, utf8BOM) {
		br.Discard(len(utf8BOM))
		f.bom = int64(len(utf8BOM))
	} else if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, f.readError(err)
	}
	f.csv = csv.NewReader(br)
	f.csv.FieldsPerRecord = -1 // checked by the readers, to name the columns
	f.csv.ReuseRecord = true
	return f, nil
}

// columnName is a header's column name as it is matched: letter case and
// spaces around it do not count.
func columnName(h string) string { return strings.ToLower(strings.TrimSpace(h)) }

// sameColumn is the error for columns j and i of the header head (on line
// line of path) that have the same name.
func sameColumn(path string, line int, head []string, j, i int) error {
	return usagef("%s line %d: columns %d (%q) and %d (%q) are both %s, as letter case and spaces are ignored; keep one of them", path, line, j+1, head[j], i+1, head[i], columnName(head[i]))
}

// read reads one record, turning an error into a sentence, and notes
// where the record ended for the next one's record limit.
func (f *csvFile) read() ([]string, error) {
	rec, err := f.csv.Read()
	if err == io.EOF {
		return nil, err
	}
	if err != nil {
		return nil, f.readError(err)
	}
	f.limit.start = f.csv.InputOffset() + f.bom
	last := len(rec) - 1
	f.lastLine, _ = f.csv.FieldPos(last)
	f.lastLine += strings.Count(rec[last], "\n")
	return rec, nil
}

// fieldsFor checks that the record just read has one field for each of
// the n columns of the header on line headLine.
func (f *csvFile) fieldsFor(rec []string, n, headLine int) error {
	if len(rec) == n {
		return nil
	}
	line, _ := f.csv.FieldPos(0)
	few := "too few"
	if len(rec) > n {
		few = "too many"
	}
	return usagef("%s line %d has %d fields, %s for the %d columns of the header (line %d); every row needs one field per column", f.path, line, len(rec), few, n, headLine)
}

// readError says in one sentence why the file could not be read as CSV.
func (f *csvFile) readError(err error) error {
	const quoting = `a quoted field must end with a quote (") followed by a comma or the end of the line, and a quote inside it must be written twice ("")`
	var pe *csv.ParseError
	var ie *input.Error
	switch {
	case errors.As(err, &ie):
		return err // names the file and the line
	case errors.Is(err, errLongRecord):
		return usagef("%s: the row after line %d is longer than %s, so it must have a field with a quote (\") that is never closed; %s", f.path, f.lastLine, input.Size(input.MaxLine), quoting)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		return usagef("%s line %d, byte %d: a field that does not start with a quote (\") has one inside it; to keep it, put the whole field in quotes and write the quote twice (\"\")", f.path, pe.Line, pe.Column)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line:
		return usagef("%s line %d: the quoted field that starts on this line is still not closed properly at line %d, byte %d; %s", f.path, pe.StartLine, pe.Line, pe.Column, quoting)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		return usagef("%s line %d, byte %d: the quoted field is not closed properly; %s", f.path, pe.Line, pe.Column, quoting)
	case errors.As(err, &pe):
		return usagef("%s line %d, byte %d: %v", f.path, pe.Line, pe.Column, pe.Err)
	}
	return &input.Error{Path: f.path, Msg: fmt.Sprintf("cannot read %s %q: %v", f.what, f.path, err)}
}

// errLongRecord ends the reading of a record that has grown past its
// limit.
var errLongRecord = errors.New("record too long")

// recordLimit bounds the bytes read for one CSV record: a quote that is
// never closed makes encoding/csv read the rest of the file into one
// field, line after line. start is the offset at which the record being
// read begins; the reader of records moves it after each.
type recordLimit struct {
	r     io.Reader
	read  int64 // bytes passed on so far
	start int64
	max   int64
	err   error
}

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	if l.read-l.start > l.max {
		l.err = errLongRecord
		return 0, l.err
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}
