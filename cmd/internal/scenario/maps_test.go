package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"dropsim/sim/grid"
)

// TestLoadTownMaps: the shipped town scenarios read their maps; the ASCII
// map's classes are counted here from the text, and the ESRI grid holds
// the same town with its geo header and a demand layer.
func TestLoadTownMaps(t *testing.T) {
	text, err := os.ReadFile("../../../scenarios/maps/town.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := map[grid.Class]int{}
	legend := map[rune]grid.Class{'~': grid.Water, '.': grid.Water, '#': grid.Centre, 'r': grid.Residential,
		'p': grid.Private, 'g': grid.Park, 'f': grid.Forest, 'i': grid.Industrial}
	rows := strings.Split(strings.TrimRight(string(text), "\n"), "\n")
	for _, row := range rows {
		for _, ch := range row {
			want[legend[ch]]++
		}
	}
	ascii, err := Load("../../../scenarios/town.toml")
	if err != nil {
		t.Fatal(err)
	}
	c := ascii.City
	if c.Generator != "map" || c.Width != len(rows[0]) || c.Height != len(rows) || c.Land == nil {
		t.Fatalf("town.toml: generator %q, %d x %d, land %v", c.Generator, c.Width, c.Height, c.Land != nil)
	}
	got := map[grid.Class]int{}
	for _, cl := range c.Land.Class {
		got[cl]++
	}
	for cl, n := range want {
		if got[cl] != n {
			t.Errorf("%s: %d cells, the text has %d", cl, got[cl], n)
		}
	}
	if c.Land.Class[0] != grid.Water || c.Land.Class[14*c.Width] != grid.Water || c.Land.Class[12*c.Width+25] != grid.Centre {
		t.Errorf("cells (0,0), (0,14), (25,12): %s %s %s", c.Land.Class[0], c.Land.Class[14*c.Width], c.Land.Class[12*c.Width+25])
	}

	gis, err := Load("../../../scenarios/town-gis.toml")
	if err != nil {
		t.Fatal(err)
	}
	g := gis.City
	if g.OriginX != 411000 || g.OriginY != 6176000 || g.CellM != 50 || g.CRS != "EPSG:32633" {
		t.Errorf("town-gis.toml: origin (%v, %v), cell %v, crs %q", g.OriginX, g.OriginY, g.CellM, g.CRS)
	}
	if len(g.Land.Class) != len(c.Land.Class) {
		t.Fatalf("the grid has %d cells, the text map %d", len(g.Land.Class), len(c.Land.Class))
	}
	for i := range g.Land.Class {
		if g.Land.Class[i] != c.Land.Class[i] {
			t.Fatalf("cell %d: %s in the grid, %s in the text map", i, g.Land.Class[i], c.Land.Class[i])
		}
	}
	if len(g.Land.Demand) != len(g.Land.Class) || g.Land.Cover != nil {
		t.Errorf("layers: demand %d values, cover %v", len(g.Land.Demand), g.Land.Cover)
	}
}

func TestParseRefusesAMap(t *testing.T) {
	_, err := Parse("s.toml", []byte("[city]\nmap = \"town.txt\"\nlegend = { \"r\" = \"residential\" }\n"))
	if err == nil || !strings.Contains(err.Error(), "s.toml line 2") || !strings.Contains(err.Error(), "loaded from a file") {
		t.Errorf("Parse of a map scenario: %v", err)
	}
}

// TestLoadSpecialMapFiles: a map or layer that is a named pipe or a link
// to /dev/zero is one problem at the key's line, naming the file, and no
// wait for a writer that never comes.
func TestLoadSpecialMapFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.asc")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.txt")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	asc := "ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 10\n1 1\n1 1\n"
	if err := os.WriteFile(filepath.Join(dir, "m.asc"), []byte(asc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, text string
		line       int
		key, want  string
	}{
		{"named pipe as map", "[city]\nmap = \"pipe.asc\"\ncodes = { \"1\" = \"residential\" }\n", 2, "city.map",
			fmt.Sprintf("city.map: map file %q is a named pipe (FIFO), not a regular file; give a file", fifo)},
		{"link to /dev/zero as map", "[city]\nmap = \"zero.txt\"\nlegend = { \"r\" = \"residential\" }\n", 2, "city.map",
			fmt.Sprintf("city.map: map file %q is a character device, not a regular file; give a file", zero)},
		{"named pipe as layer", "[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\ndemand_map = \"pipe.asc\"\n", 4, "city.demand_map",
			fmt.Sprintf("city.demand_map: map file %q is a named pipe (FIFO), not a regular file; give a file", fifo)},
	} {
		path := filepath.Join(dir, "s.toml")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		var e *Error
		if !errors.As(err, &e) || len(e.Problems) != 1 {
			t.Errorf("%s: %v, want one problem", c.name, err)
			continue
		}
		want := Problem{File: path, Line: c.line, Key: c.key, Msg: c.want}
		if e.Problems[0] != want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, e.Problems[0], want)
		}
	}
}

// TestLoadASCHeaderRanges: a map's corner or cell size out of range is
// blamed on the map's header line, not on the city key it sets; at the
// bounds the scenario loads, so the reader and Validate agree.
func TestLoadASCHeaderRanges(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.toml")
	os.WriteFile(path, []byte("[city]\nmap = \"m.asc\"\ncodes = { \"1\" = \"residential\" }\n"), 0o644)
	mapFile := filepath.Join(dir, "m.asc")
	for _, c := range []struct {
		xll, cell string
		want      *Problem
	}{
		{"0", "1e300", &Problem{File: mapFile, Line: 5, Key: "city.map", Msg: "cellsize 1e+300 is not allowed: a cell size from 0.001 to 1e+06 metres"}},
		{"0", "1e-9", &Problem{File: mapFile, Line: 5, Key: "city.map", Msg: "cellsize 1e-09 is not allowed: a cell size from 0.001 to 1e+06 metres"}},
		{"1e13", "50", &Problem{File: mapFile, Line: 3, Key: "city.map", Msg: "xllcorner 1e+13 is not allowed: a coordinate of the lower-left corner from -1e+12 to 1e+12 metres"}},
		{"-1e12", "0.001", nil},
		{"1e12", "1e6", nil},
	} {
		asc := "ncols 2\nnrows 2\nxllcorner " + c.xll + "\nyllcorner 0\ncellsize " + c.cell + "\n1 1\n1 1\n"
		os.WriteFile(mapFile, []byte(asc), 0o644)
		p, err := Load(path)
		if c.want == nil {
			if err != nil || p.City.CellM != parseFloat(t, c.cell) {
				t.Errorf("xllcorner %s, cellsize %s: %v (cell_m %v)", c.xll, c.cell, err, p.City.CellM)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || len(e.Problems) != 1 || e.Problems[0] != *c.want {
			t.Errorf("xllcorner %s, cellsize %s:\n got %v\nwant %s", c.xll, c.cell, err, c.want)
		}
	}
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
