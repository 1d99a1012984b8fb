package output

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestStreamAppendsAndResumesAfterACutLine(t *testing.T) {
	dir := t.TempDir()
	h := []string{"run_id", "value"}
	s, err := OpenStream(dir, "runs.csv", h)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]string{{"0", "1.5"}, {"1", ""}} {
		if err := s.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	// Each row is on disk once written, before Close.
	if b, _ := os.ReadFile(filepath.Join(dir, "runs.csv")); string(b) != "run_id,value\n0,1.5\n1,\n" {
		t.Fatalf("after two rows the file holds %q", b)
	}
	s.Close()
	// A process killed in the middle of a row leaves a cut line.
	f, _ := os.OpenFile(filepath.Join(dir, "runs.csv"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("2,3.2")
	f.Close()
	var got [][]string
	read := func() {
		got = nil
		if err := ReadStream(dir, "runs.csv", h, func(line int, rec []string) error {
			got = append(got, slices.Clone(rec))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	read()
	if len(got) != 2 {
		t.Fatalf("read %v, want the two whole rows", got)
	}
	s, err = OpenStream(dir, "runs.csv", h)
	if err != nil {
		t.Fatal(err)
	}
	s.Write([]string{"2", "4"})
	s.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "runs.csv")); string(b) != "run_id,value\n0,1.5\n1,\n2,4\n" {
		t.Fatalf("after resuming the file holds %q", b)
	}
}

func TestStreamRefusesAnotherTable(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "runs.csv"), []byte("name,score\nann,3\n"), 0o644)
	_, err := OpenStream(dir, "runs.csv", []string{"run_id", "value"})
	if !errors.Is(err, ErrBadTable) {
		t.Fatalf("err = %v, want a bad-table error", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "runs.csv")); string(b) != "name,score\nann,3\n" {
		t.Errorf("the other table was changed: %q", b)
	}
}

func TestStreamCutsALongLastLine(t *testing.T) {
	dir := t.TempDir()
	h := []string{"a"}
	cut := strings.Repeat("x", 200<<10) // longer than the block searched back at a time
	os.WriteFile(filepath.Join(dir, "t.csv"), []byte("a\n1\n"+cut), 0o644)
	s, err := OpenStream(dir, "t.csv", h)
	if err != nil {
		t.Fatal(err)
	}
	s.Write([]string{"2"})
	s.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, "t.csv")); string(b) != "a\n1\n2\n" {
		t.Fatalf("the file holds %d bytes, want the header and rows 1 and 2", len(b))
	}
}
