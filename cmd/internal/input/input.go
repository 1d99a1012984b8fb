// Package input opens the files a user gives dropsim (scenarios, maps,
// CSV files of counts, and the tables `dropsim plot` reads back) so that no
// file can make dropsim hang or run out of memory: only regular files are
// opened (a named pipe, a device such as /dev/zero, a socket or a directory
// is refused without blocking on it), and lines are bounded in length.
package input

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrBadFile marks a file that cannot be read as input: missing, not a
// regular file, too large, or with a line too long. The command line
// treats it as a user error (exit code 2).
var ErrBadFile = errors.New("bad input file")

// MaxLine is the longest line a text input may have, in bytes. Scenario,
// map and CSV lines are short (a 100,000-cell row of an ASCII map is the
// longest dropsim writes or reads); a longer line means the file is not
// what it was named as.
const MaxLine = 4 << 20

// Error is a file that cannot be read as input; its message names the file.
type Error struct {
	Path string
	Msg  string // the sentence, naming the file
}

func (e *Error) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrBadFile) true for an *Error.
func (e *Error) Is(target error) bool { return target == ErrBadFile }

// Open opens path for reading if it is a regular file, after following
// symbolic links. what names the file in messages ("scenario file",
// "map file", ...). A missing file, a directory, a named pipe, a device or
// a socket gives an *Error; the open does not block on a pipe with no
// writer, since it is made non-blocking until the file is known to be
// regular.
func Open(path, what string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &Error{path, fmt.Sprintf("%s %q does not exist", what, path)}
	case err != nil:
		return nil, &Error{path, fmt.Sprintf("cannot read %s %q: %v", what, path, unwrapPath(err))}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &Error{path, fmt.Sprintf("cannot read %s %q: %v", what, path, unwrapPath(err))}
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &Error{path, fmt.Sprintf("%s %q is %s, not a regular file; give a file", what, path, kind(fi.Mode()))}
	}
	// Back to blocking reads (a regular file never blocks, but the flag
	// would be inherited by anything the descriptor is handed to).
	if err := syscall.SetNonblock(int(f.Fd()), false); err != nil {
		f.Close()
		return nil, &Error{path, fmt.Sprintf("cannot read %s %q: %v", what, path, err)}
	}
	return f, nil
}

// Check is Open for a file that is read elsewhere: it returns the same
// *Error and closes the file.
func Check(path, what string) error {
	f, err := Open(path, what)
	if err != nil {
		return err
	}
	return f.Close()
}

// ReadAll reads the regular file path whole, refusing one of more than
// limit bytes.
func ReadAll(path, what string, limit int64) ([]byte, error) {
	f, err := Open(path, what)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// At most one byte past the limit: a file can grow while it is read.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &Error{path, fmt.Sprintf("cannot read %s %q: %v", what, path, unwrapPath(err))}
	}
	if int64(len(data)) > limit {
		return nil, &Error{path, fmt.Sprintf("%s %q is larger than %s, the limit for such a file", what, path, Size(limit))}
	}
	return data, nil
}

// kind names a file mode that is not a regular file, as a user knows it.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// unwrapPath drops the "open PATH:" prefix of a *fs.PathError, since the
// message names the file already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Size prints a byte count as a user reads it: "4 MiB", "10 GiB".
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Lines wraps r, the contents of path, so that a line longer than max
// bytes ends the reading with an *Error naming the file and the line,
// instead of growing a reader's buffer without bound (a file of a
// thousand million zero bytes has one endless line).
func Lines(r io.Reader, path string, max int) io.Reader {
	return &lines{r: r, path: path, max: max, line: 1}
}

type lines struct {
	r    io.Reader
	path string
	max  int
	cur  int // bytes of the current line read so far
	line int
	err  error
}

func (l *lines) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			l.line++
			l.cur = 0
			continue
		}
		l.cur++
		if l.cur > l.max {
			l.err = &Error{l.path, fmt.Sprintf("%s line %d is longer than %s; lines of such a file are short, so this is probably not the file meant", l.path, l.line, Size(int64(l.max)))}
			return i, l.err
		}
	}
	return n, err
}
