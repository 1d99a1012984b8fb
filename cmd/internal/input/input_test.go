package input

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenRefusesSpecialFiles: a FIFO with no writer, a device, a
// directory and links to them are refused at once, naming the file and
// what it is; a regular file and a link to one are opened.
func TestOpenRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	regular := filepath.Join(dir, "ok.toml")
	os.WriteFile(regular, []byte("days = 3\n"), 0o644)
	link := func(name, to string) string {
		p := filepath.Join(dir, name)
		if err := os.Symlink(to, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		path string
		want string // "" when the file must open
	}{
		{fifo, "is a named pipe (FIFO), not a regular file"},
		{link("to-fifo.toml", fifo), "is a named pipe (FIFO)"},
		{"/dev/zero", "is a character device"},
		{link("zero.csv", "/dev/zero"), "is a character device"},
		{dir, "is a directory"},
		{filepath.Join(dir, "none.toml"), "does not exist"},
		{regular, ""},
		{link("to-ok.toml", regular), ""},
	}
	for _, c := range cases {
		done := make(chan error, 1)
		go func() {
			f, err := Open(c.path, "scenario file")
			if err == nil {
				b, _ := io.ReadAll(f)
				f.Close()
				if string(b) != "days = 3\n" {
					err = errors.New("read " + string(b))
				}
			}
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Open blocked", c.path)
		}
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.path, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `scenario file "`+c.path+`"`) {
			t.Errorf("%s: got %v, want an ErrBadFile saying %q", c.path, err, c.want)
		}
	}
}

func TestReadAllLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.toml")
	os.WriteFile(path, []byte(strings.Repeat("x", 2049)), 0o644)
	if _, err := ReadAll(path, "scenario file", 2048); err == nil || !strings.Contains(err.Error(), "larger than 2 KiB") {
		t.Errorf("got %v", err)
	}
	if b, err := ReadAll(path, "scenario file", 2049); err != nil || len(b) != 2049 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
}

// TestLinesLimit: the line that passes the limit is named, counting lines
// from 1; lines at the limit pass whole.
func TestLinesLimit(t *testing.T) {
	text := "ab\n" + strings.Repeat("y", 10) + "\n" + strings.Repeat("z", 11) + "\nlast\n"
	// A reader that hands out one byte at a time, to cross every boundary.
	b, err := io.ReadAll(Lines(io.LimitReader(oneByte{strings.NewReader(text)}, 1<<20), "t.csv", 10))
	if err == nil || !strings.Contains(err.Error(), "t.csv line 3 is longer than 10 bytes") {
		t.Fatalf("got %v", err)
	}
	if want := "ab\n" + strings.Repeat("y", 10) + "\n" + strings.Repeat("z", 10); string(b) != want {
		t.Errorf("read %q before the error, want %q", b, want)
	}
	if b, err := io.ReadAll(Lines(strings.NewReader(text), "t.csv", 11)); err != nil || string(b) != text {
		t.Errorf("limit 11: %q, %v", b, err)
	}
}

type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}
