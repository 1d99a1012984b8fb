package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPlotRefusesTamperedTables: dropsim plot of a run whose tables were
// edited, emptied or replaced by something that is not a file exits with
// code 2 and one line naming the file (and, for a bad value, the line, the
// column and what is allowed), without writing anything.
func TestPlotRefusesTamperedTables(t *testing.T) {
	src := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := dropsim("run", short(t), "-out", src, "-q", "-no-plots"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// edit sets field col (1-based) of line of a table.
	edit := func(file string, line, col int, value string) func(dir string) {
		return func(dir string) {
			path := filepath.Join(dir, file)
			f, _ := os.Open(path)
			rows, err := csv.NewReader(f).ReadAll()
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			rows[line-1][col-1] = value
			var b bytes.Buffer
			csv.NewWriter(&b).WriteAll(rows)
			os.WriteFile(path, b.Bytes(), 0o644)
		}
	}
	cases := []struct {
		name   string
		tamper func(dir string)
		want   string // stderr after "dropsim: " and the directory
	}{
		{"a drop at x = 5000", edit("drops.csv", 7, 4, "5000"),
			"/drops.csv line 7, column 4 (x): 5000 is not allowed: a cell from 0 to 99 (the grid is 100 x 100)"},
		{"a unit of a third group", edit("police.csv", 2, 3, "2"),
			"/police.csv line 2, column 3 (group): 2 is not allowed: a group from 0 to 1 (the run has 2 police groups)"},
		{"NaN in daily.csv", edit("daily.csv", 5, 3, "NaN"),
			"/daily.csv line 5, column 3 (value): NaN is not allowed: a finite number"},
		{"an empty drops.csv", func(dir string) { os.WriteFile(filepath.Join(dir, "drops.csv"), nil, 0o644) },
			"/drops.csv is empty: it should start with the header drop_id,shop,stasher,x,y,placed_tick,end_tick,outcome,cause,zone,period"},
		{"drops.csv a link to /dev/zero", func(dir string) {
			os.Remove(filepath.Join(dir, "drops.csv"))
			os.Symlink("/dev/zero", filepath.Join(dir, "drops.csv"))
		}, `/drops.csv" is a character device, not a regular file; give a file`},
		{"drops.csv a FIFO", func(dir string) {
			os.Remove(filepath.Join(dir, "drops.csv"))
			syscall.Mkfifo(filepath.Join(dir, "drops.csv"), 0o644)
		}, `/drops.csv" is a named pipe (FIFO), not a regular file; give a file`},
		{"a manifest with ticks beyond the run", func(dir string) {
			path := filepath.Join(dir, "manifest.json")
			b, _ := os.ReadFile(path)
			os.WriteFile(path, bytes.ReplaceAll(b, []byte(`"ticks": 1680,`), []byte(`"ticks": 99999,`)), 0o644)
		}, `/manifest.json: "ticks" is 99999, but "counts" say 1680 ticks; they must be equal`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			os.Mkdir(dir, 0o755)
			for _, f := range []string{"manifest.json", "landuse.asc", "drops.csv", "arrests.csv", "police.csv", "daily.csv"} {
				b, err := os.ReadFile(filepath.Join(src, f))
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(dir, f), b, 0o644)
			}
			c.tamper(dir)
			manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
			code, stdout, stderr := dropsim("plot", dir, "-formats", "png")
			if code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if !strings.HasPrefix(stderr, "dropsim: ") || !strings.Contains(stderr, dir+c.want+"\n") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line with %q", stderr, dir+c.want)
			}
			for _, f := range []string{"figures", "summary.json", "measures.csv", "report.html"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					t.Errorf("plot wrote %s from a bad table", f)
				}
			}
			if after, _ := os.ReadFile(filepath.Join(dir, "manifest.json")); !bytes.Equal(after, manifest) {
				t.Error("plot rewrote the manifest")
			}
		})
	}
}
