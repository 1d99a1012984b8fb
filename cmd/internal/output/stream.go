package output

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Stream is a CSV table that a sweep appends to one row at a time, each
// row flushed as it is written, so that an interrupted sweep keeps every
// row it finished and -resume goes on from there. It is the one kind of
// file dropsim writes in place rather than atomically: its rows are the
// record of the work done.
type Stream struct {
	f   *os.File
	w   *csv.Writer // buffered; flushed to f after every row
	off *counter    // the file's length: where the next row starts
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// OpenStream opens dir/name for appending rows with this header, creating
// it with the header if it does not exist. An existing file must start
// with the same header; a last line cut short (a process killed while
// writing it) is cut off, so the table holds only whole rows.
func OpenStream(dir, name string, header []string) (*Stream, error) {
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.Size() > 0 {
		keep, err := wholeRows(f, path, header)
		if err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Truncate(keep); err != nil {
			f.Close()
			return nil, err
		}
	}
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &Stream{f: f, off: &counter{w: f, n: end}}
	s.w = csv.NewWriter(s.off)
	if fi.Size() == 0 {
		if err := s.Write(header); err != nil {
			f.Close()
			return nil, err
		}
	}
	return s, nil
}

// wholeRows checks the header of the table in f and returns the length of
// its whole lines (through its last newline). It reads the first line and
// the end of the file only: a sweep's tables grow with its runs.
func wholeRows(f *os.File, path string, header []string) (int64, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	first, err := bufio.NewReader(io.LimitReader(f, 1<<20)).ReadBytes('\n')
	if err != nil && err != io.EOF {
		return 0, err
	}
	got, err := csv.NewReader(bytes.NewReader(first)).Read()
	if err != nil || !slices.Equal(got, header) {
		return 0, &TableError{Path: path, Msg: fmt.Sprintf("%s does not start with the header of the table this sweep writes (%s...); it was not written by this sweep, so it is left as it is: give another -out", path, strings.Join(header[:min(4, len(header))], ","))}
	}
	// The last newline: search back from the end, a block at a time.
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 64<<10)
	for end > 0 {
		n := min(int64(len(buf)), end)
		if _, err := f.ReadAt(buf[:n], end-n); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return end - n + int64(i) + 1, nil
		}
		end -= n
	}
	return 0, nil
}

// Write appends a row and flushes it to the file.
func (s *Stream) Write(row []string) error {
	if err := s.w.Write(row); err != nil {
		return err
	}
	s.w.Flush()
	return s.w.Error()
}

// Offset is the length of the table so far: where the next row starts.
func (s *Stream) Offset() int64 { return s.off.n }

// ReadRows reads back the rows between two offsets of the table (as
// Offset gave them when the rows were written).
func (s *Stream) ReadRows(from, to int64) ([][]string, error) {
	r := csv.NewReader(io.NewSectionReader(s.f, from, to-from))
	return r.ReadAll()
}

// Close flushes and closes the table, syncing it to the disk.
func (s *Stream) Close() error {
	s.w.Flush()
	err := errors.Join(s.w.Error(), s.f.Sync())
	return errors.Join(err, s.f.Close())
}

// ReadStream reads the rows of dir/name after its header, which must be
// header, calling row for each with its line number. A last line cut short
// is left out, as OpenStream would cut it.
func ReadStream(dir, name string, header []string, row func(line int, rec []string) error) error {
	return ReadStreamAt(dir, name, header, func(line int, rec []string, _, _ int64) error { return row(line, rec) })
}

// ReadStreamAt is ReadStream that also gives each row's offsets in the
// file, from its first byte to the next row's.
func ReadStreamAt(dir, name string, header []string, row func(line int, rec []string, from, to int64) error) error {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	keep, err := wholeRows(f, path, header)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := csv.NewReader(bufio.NewReader(io.LimitReader(f, keep)))
	r.FieldsPerRecord = len(header)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return err
	}
	for line := 2; ; line++ {
		from := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &TableError{Path: path, Msg: fmt.Sprintf("%s line %d: %v; the table was changed after the sweep wrote it", path, line, err)}
		}
		if err := row(line, rec, from, r.InputOffset()); err != nil {
			return err
		}
	}
}

// CutStream cuts the table dir/name (with this header) before its first
// row for which stop is true, so that rows written ahead of a record that
// never followed (a run's daily rows, whose run was killed before its row
// in runs.csv) are not kept twice when the run is played again. A last
// line cut short is left for OpenStream to cut.
func CutStream(dir, name string, header []string, stop func(rec []string) bool) error {
	errFound := errors.New("found")
	cut := int64(-1)
	err := ReadStreamAt(dir, name, header, func(_ int, rec []string, from, _ int64) error {
		if stop(rec) {
			cut = from
			return errFound
		}
		return nil
	})
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil && err != errFound:
		return err
	case cut < 0:
		return nil
	}
	return os.Truncate(filepath.Join(dir, name), cut)
}
