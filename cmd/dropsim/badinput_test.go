package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode"
)

// townLegend is the legend of the test maps below.
const townLegend = `legend = { "~" = "water", "#" = "centre", "r" = "residential", "g" = "park", "." = "nodata" }` + "\n"

// goodASC is a valid 4 x 3 land-use grid.
const goodASC = "ncols 4\nnrows 3\nxllcorner 1000\nyllcorner 2000\ncellsize 50\nNODATA_value -9999\n1 1 2 2\n1 2 2 0\n2 2 -9999 0\n"

// TestBadInputTable: each bad scenario or map gets exit code 2, one
// sentence per problem naming the file, the place and what is allowed, no
// panic, and no output directory.
func TestBadInputTable(t *testing.T) {
	type file struct{ name, text string }
	cases := []struct {
		name     string
		scenario string // the text of s.toml; "" to give the path in files[0] instead
		files    []file
		fifos    []string          // named pipes with no writer
		links    map[string]string // symbolic links: name -> target
		arg      string            // the scenario argument, if not s.toml
		want     []string          // all must appear in stderr
	}{
		{name: "wrong type", scenario: "days = \"many\"\n", want: []string{"s.toml line 1", "days has the wrong type", "whole number"}},
		{name: "negative count", scenario: "[buyers]\ncount = -5\n", want: []string{"s.toml line 2", "buyers.count = -5", "from 0 to"}},
		{name: "probability above 1", scenario: "[police]\nfind_prob = 1.5\n", want: []string{"s.toml line 2", "police.find_prob = 1.5", "probability from 0 to 1"}},
		{name: "negative probability", scenario: "[market]\nloss_rate = -0.1\n", want: []string{"line 2", "market.loss_rate = -0.1"}},
		{name: "unknown key", scenario: "[stasher]\nqouta = 3\n", want: []string{"line 2", `unknown key "stasher.qouta"`, `did you mean "stasher.quota"`}},
		{name: "unknown table", scenario: "[polise]\nfind_prob = 0.1\n", want: []string{"line 1", `unknown key "polise"`}},
		{name: "syntax error", scenario: "days = 10\nname = crackdown\n", want: []string{"line 2", "TOML syntax is wrong", "double quotes"}},
		{name: "three mistakes, three sentences", scenario: "days = 0\n[stasher]\nquota = 0\n[buyers]\ncount = \"x\"\n", want: []string{"line 1: days = 0", "line 3: stasher.quota = 0", "line 5: buyers.count has the wrong type"}},
		{name: "treatment area outside the grid", scenario: "[zones]\ntreatment = [90, 90, 120, 95]\nsplit_day = 10\n", want: []string{"line 2", "zones.treatment = [90, 90, 120, 95]", "inside the grid", "the corner (x1, y1) = (120, 95) lies outside the 100 x 100 grid (x from 0 to 99, y from 0 to 99)"}},
		{name: "area group outside the grid", scenario: "[[police.group]]\nstrategy = \"area\"\narea = [0, 0, 100, 5]\n", want: []string{"line 3", "police.group[1].area", "inside the grid", "the corner (x1, y1) = (100, 5) lies outside the 100 x 100 grid"}},
		{name: "window after the horizon", scenario: "days = 100\n[[police.group]]\nstart_day = 50\nend_day = 150\n", want: []string{"line 4", "police.group[1].end_day = 150", "from 50 to 100"}},
		{name: "group starting after the run", scenario: "days = 180\n[[police.group]]\nstart_day = 200\n", want: []string{"line 3", "police.group[1].start_day = 200", "days = 180", "start after the run ends"}},
		{name: "split after the horizon", scenario: "days = 100\n[zones]\ntreatment = [1, 1, 5, 5]\nsplit_day = 120\n", want: []string{"line 4", "zones.split_day = 120"}},
		{name: "a 10^6 x 10^6 grid", scenario: "[city]\nwidth = 1000000\nheight = 1000000\n", want: []string{"line 2", "city.width = 1000000", "line 3", "city.height = 1000000"}},
		{name: "a grid over the cell limit", scenario: "[city]\nwidth = 100000\nheight = 1000\n", want: []string{"city.width = 100000", "25000000 cells", "sim.MaxCells"}},
		{name: "quota beyond the active drops", scenario: "[stasher]\nquota = 60\nmax_active = 50\n", want: []string{"line 3", "stasher.max_active = 50", "at least stasher.quota = 60"}},
		{name: "too many buyers", scenario: "[buyers]\ncount = 1000000000\n", want: []string{"buyers.count = 1000000000", "from 0 to 10000000"}},
		{name: "empty file", scenario: "", files: []file{{"empty.toml", ""}}, arg: "empty.toml", want: []string{}}, // an empty scenario is all defaults: valid (checked below)
		{name: "binary junk", arg: "junk.toml", files: []file{{"junk.toml", "\x00\x01\x02PK\x03\x04\xff\xfe garbage"}}, want: []string{"junk.toml", "TOML syntax is wrong"}},
		{name: "missing scenario", arg: "nothere.toml", want: []string{`scenario file "`, `nothere.toml" does not exist`}},
		{name: "directory as scenario", arg: "adir", files: []file{{"adir/x", "x"}}, want: []string{"is a directory, not a file"}},
		{name: "a name taken from the file name", arg: "...toml", files: []file{{"...toml", "days = 10\n"}},
			want: []string{`...toml: name = ".." (taken from the file name "...toml") is not allowed`, `set name = "..." in the file`}},
		{name: "a file name with an escape", arg: "e\x1b[2Jx.toml", files: []file{{"e\x1b[2Jx.toml", "days = 10\n"}},
			want: []string{`e\x1b[2Jx.toml": name = "e\x1b[2Jx" (taken from the file name "e\x1b[2Jx.toml") is not allowed`, "control characters"}},
		{name: "a name with control characters", scenario: "name = \"a\\u001b[31m\\u0000\\nb\"\n", want: []string{`s.toml line 1: name = "a\x1b[31m\x00\nb" is not allowed`}},
		{name: "a name too long for a directory", scenario: "name = \"" + strings.Repeat("n", 300) + "\"\n", want: []string{"s.toml line 1", "at most 100 bytes, here 300"}},
		{name: "named pipe as scenario", arg: "pipe.toml", fifos: []string{"pipe.toml"}, want: []string{`pipe.toml" is a named pipe (FIFO), not a regular file`}},
		{name: "link to /dev/zero as scenario", arg: "zero.toml", links: map[string]string{"zero.toml": "/dev/zero"}, want: []string{`zero.toml" is a character device, not a regular file`}},
		{name: "named pipe as .asc map", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\n", fifos: []string{"m.asc"},
			want: []string{"s.toml line 2", "city.map", `m.asc" is a named pipe (FIFO), not a regular file`}},
		{name: "link to /dev/zero as .txt map", scenario: "[city]\nmap = \"m.txt\"\n" + townLegend, links: map[string]string{"m.txt": "/dev/zero"},
			want: []string{"s.toml line 2", "city.map", `m.txt" is a character device, not a regular file`}},
		{name: "link to a named pipe as layer", scenario: "[city]\nmap = \"m.asc\"\ndemand_map = \"d.asc\"\ncodes = { \"0\" = \"water\", \"1\" = \"residential\", \"2\" = \"park\" }\n",
			files: []file{{"m.asc", goodASC}}, fifos: []string{"p.asc"}, links: map[string]string{"d.asc": "p.asc"},
			want: []string{"s.toml line 3", "city.demand_map", `d.asc" is a named pipe (FIFO), not a regular file`}},
		{name: "missing map file", scenario: "[city]\nmap = \"maps/none.txt\"\n" + townLegend, want: []string{"city.map", "none.txt", "does not exist"}},
		{name: "directory as map", scenario: "[city]\nmap = \"maps\"\n" + townLegend, files: []file{{"maps/x.txt", "x"}}, want: []string{"city.map", "is a directory, not a map file"}},
		{name: "map without a legend", scenario: "[city]\nmap = \"m.txt\"\n", files: []file{{"m.txt", "rr\nrr\n"}}, want: []string{"city.legend must say which land-use class each character is"}},
		{name: "map with a ragged line", scenario: "[city]\nmap = \"m.txt\"\n" + townLegend, files: []file{{"m.txt", "rrrr\nr#rr\nrr\nrrrr\n"}}, want: []string{"m.txt line 3", "every row must have 4"}},
		{name: "map with an unknown character", scenario: "[city]\nmap = \"m.txt\"\n" + townLegend, files: []file{{"m.txt", "rrrr\nr#xr\nrrrr\n"}}, want: []string{"m.txt line 2, column 3", "'x' is not in the legend"}},
		{name: "empty map", scenario: "[city]\nmap = \"m.txt\"\n" + townLegend, files: []file{{"m.txt", ""}}, want: []string{"m.txt", "the map is empty"}},
		{name: "map of water only", scenario: "[city]\nmap = \"m.txt\"\n" + townLegend, files: []file{{"m.txt", "~~~\n~..\n"}}, want: []string{"m.txt", "usable cell"}},
		{name: "binary junk as map", scenario: "[city]\nmap = \"m.txt\"\n" + townLegend, files: []file{{"m.txt", "rr\x00\xff\xfe\n"}}, want: []string{"m.txt line 1"}},
		{name: "legend with a bad class", scenario: "[city]\nmap = \"m.txt\"\nlegend = { \"r\" = \"residental\" }\n", files: []file{{"m.txt", "rr\nrr\n"}}, want: []string{"city.legend", "residental"}},
		{name: "bad .asc header", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\n", files: []file{{"m.asc", "ncols 4\nnrows x\n"}}, want: []string{"m.asc", "line 2", "nrows"}},
		{name: ".asc with a cell size out of range", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\n", files: []file{{"m.asc", "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1e300\n1 1\n1 1\n"}},
			want: []string{"m.asc line 5", "cellsize 1e+300 is not allowed: a cell size from 0.001 to 1e+06 metres"}},
		{name: ".asc with a corner out of range", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\n", files: []file{{"m.asc", "ncols 2\nnrows 2\nxllcorner 1e13\nyllcorner 0\ncellsize 5\n1 1\n1 1\n"}},
			want: []string{"m.asc line 3", "xllcorner 1e+13 is not allowed"}},
		{name: ".asc of NODATA everywhere", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\n", files: []file{{"m.asc", "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 10\nNODATA_value -1\n-1 -1\n-1 -1\n"}}, want: []string{"m.asc", "NODATA"}},
		{name: ".asc with an unknown code", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\", \"2\" = \"park\" }\n", files: []file{{"m.asc", goodASC}}, want: []string{"m.asc", "code 0", "not in city.codes"}},
		{name: "a 10^6 x 10^6 .asc map", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\n", files: []file{{"m.asc", "ncols 1000000\nnrows 1000000\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 1 1\n"}}, want: []string{"m.asc", "25000000"}},
		{name: "demand layer of the wrong size", scenario: "[city]\nmap = \"m.asc\"\ndemand_map = \"d.asc\"\ncodes = { \"0\" = \"water\", \"1\" = \"residential\", \"2\" = \"park\" }\n",
			files: []file{{"m.asc", goodASC}, {"d.asc", "ncols 2\nnrows 3\nxllcorner 1000\nyllcorner 2000\ncellsize 50\n1 1\n1 1\n1 1\n"}}, want: []string{"d.asc", "2 x 3", "4 x 3"}},
		{name: "treatment outside a map's grid", scenario: "[city]\nmap = \"m.asc\"\ncodes = { \"0\" = \"water\", \"1\" = \"residential\", \"2\" = \"park\" }\n[zones]\ntreatment = [1, 1, 5, 1]\nsplit_day = 10\n",
			files: []file{{"m.asc", goodASC}}, want: []string{"line 5", "zones.treatment = [1, 1, 5, 1]", "the corner (x1, y1) = (5, 1) lies outside the 4 x 3 grid (x from 0 to 3, y from 0 to 2)"}},
	}
	if len(cases) < 25 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range c.files {
				path := filepath.Join(dir, f.name)
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(f.text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range c.fifos {
				if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for name, to := range c.links {
				if err := os.Symlink(to, filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
			arg := filepath.Join(dir, "s.toml")
			if c.arg != "" {
				arg = filepath.Join(dir, c.arg)
			} else if err := os.WriteFile(arg, []byte(c.scenario), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			if c.name == "empty file" {
				// An empty scenario is the defaults: valid. validate says so.
				if code, _, stderr := dropsim("validate", arg); code != 0 {
					t.Fatalf("empty scenario: exit %d: %s", code, stderr)
				}
				return
			}
			code, _, stderr := dropsim("run", arg, "-out", out, "-q", "-no-plots")
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				if !strings.HasPrefix(line, "dropsim: ") || strings.Contains(line, "panic") || strings.Contains(line, "goroutine") {
					t.Errorf("not a one-sentence problem: %q", line)
				}
				if strings.IndexFunc(line, unicode.IsControl) >= 0 {
					t.Errorf("a control character printed raw: %q", line)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a bad input left an output directory")
			}
		})
	}
}
