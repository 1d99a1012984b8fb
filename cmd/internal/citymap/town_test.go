package citymap

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dropsim/cmd/internal/gis"
	"dropsim/sim/grid"
)

// The example town in scenarios/maps: town.txt is drawn by hand; town.asc
// and town-demand.asc are made from it here. Run
//
//	go test ./cmd/internal/citymap -run TestTownFiles -update
//
// after editing town.txt to rewrite them; without -update the test fails
// if they do not match town.txt.
var update = flag.Bool("update", false, "rewrite scenarios/maps/town.asc and town-demand.asc from town.txt")

var mapsDir = filepath.Join("..", "..", "..", "scenarios", "maps")

// townLegend is the legend of town.txt.
var townLegend = map[string]string{
	"~": "water", "#": "centre", "r": "residential", "p": "private",
	"g": "park", "f": "forest", "i": "industrial", ".": "nodata",
}

// townCodes is the code table of town.asc, and townCode the code of each
// character of town.txt (nodata: the NODATA_value).
var (
	townCodes = map[string]string{
		"0": "water", "1": "centre", "2": "residential", "3": "private",
		"4": "park", "5": "forest", "6": "industrial",
	}
	townCode = map[rune]float64{'~': 0, '#': 1, 'r': 2, 'p': 3, 'g': 4, 'f': 5, 'i': 6, '.': townNoData}
)

const (
	townNoData   = -9999
	townXLL      = 411000 // UTM zone 33N (EPSG:32633) metres: a town in southern Sweden
	townYLL      = 6176000
	townCellSize = 50
)

// townRasters turns the text of town.txt into the land-use grid and the
// demand layer.
func townRasters(t *testing.T, text string) (landuse, demand *gis.Raster) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	w, h := len([]rune(lines[0])), len(lines)
	landuse = &gis.Raster{NCols: w, NRows: h, XLL: townXLL, YLL: townYLL, CellSize: townCellSize,
		NoData: townNoData, HasNoData: true}
	demand = &gis.Raster{NCols: w, NRows: h, XLL: townXLL, YLL: townYLL, CellSize: townCellSize,
		NoData: townNoData, HasNoData: true}
	// Buyers per cell and day before the distance falloff, by code.
	base := [...]float64{0, 2.0, 3.0, 1.2, 0.5, 0.1, 0.3}
	// The middle of the centre, east of the main bridge.
	const cx, cy = 28.5, 15.5
	for y, l := range lines {
		for x, c := range []rune(l) {
			code, ok := townCode[c]
			if !ok {
				t.Fatalf("town.txt line %d: character %q has no code", y+1, c)
			}
			landuse.Values = append(landuse.Values, code)
			if code == townNoData {
				demand.Values = append(demand.Values, townNoData)
				continue
			}
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			v := base[int(code)] * (0.25 + 0.75*math.Exp(-d/12))
			demand.Values = append(demand.Values, math.Round(v*100)/100)
		}
	}
	return landuse, demand
}

func TestTownFiles(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(mapsDir, "town.txt"))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := ReadASCII(bytes.NewReader(text), "town.txt", townLegend, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if tm.W != 60 || tm.H != 40 {
		t.Fatalf("town.txt is %d x %d; want 60 x 40", tm.W, tm.H)
	}
	landuse, demand := townRasters(t, string(text))
	for _, f := range []struct {
		file string
		r    *gis.Raster
	}{{"town.asc", landuse}, {"town-demand.asc", demand}} {
		var buf bytes.Buffer
		if err := gis.WriteASC(&buf, f.r); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(mapsDir, f.file)
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(old, buf.Bytes()) {
			t.Errorf("%s does not match town.txt; rewrite it with go test ./cmd/internal/citymap -run TestTownFiles -update", f.file)
		}
	}

	// Read back as the loader will: the grid cell by cell against the text map.
	af, err := os.Open(filepath.Join(mapsDir, "town.asc"))
	if err != nil {
		t.Fatal(err)
	}
	defer af.Close()
	am, err := ReadASC(af, "town.asc", townCodes, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if am.W != tm.W || am.H != tm.H || !slices.Equal(am.Class, tm.Class) {
		t.Fatalf("town.asc (%d x %d) and town.txt (%d x %d) differ", am.W, am.H, tm.W, tm.H)
	}
	if !am.HasGeo || am.OriginX != townXLL || am.OriginY != townYLL || am.CellSize != townCellSize {
		t.Fatalf("town.asc geo: %+v", am)
	}
	df, err := os.Open(filepath.Join(mapsDir, "town-demand.asc"))
	if err != nil {
		t.Fatal(err)
	}
	defer df.Close()
	dem, err := ReadLayer(df, "town-demand.asc", "demand", am, 0, 1e6, false, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// Demand is highest in the flats near the centre and nothing on water.
	var maxV float32
	var maxAt int
	for i, v := range dem {
		if v > 3 {
			t.Fatalf("demand %v above 3 at cell %d", v, i)
		}
		if am.Class[i] == grid.Water && v != 0 {
			t.Fatalf("demand %v on water at cell %d", v, i)
		}
		if v > maxV {
			maxV, maxAt = v, i
		}
	}
	if am.Class[maxAt] != grid.Residential || maxV < 2 {
		t.Fatalf("the highest demand, %v, is on %v", maxV, am.Class[maxAt])
	}
	// The town has every class and cells outside the study area.
	n := classCounts(tm)
	for c := range grid.NumClasses {
		if n[c] == 0 {
			t.Errorf("town.txt has no %v", c)
		}
	}
	if !strings.Contains(string(text), ".") {
		t.Error("town.txt has no nodata")
	}
}

// classCounts is the number of cells of each class of m.
func classCounts(m *Map) [grid.NumClasses]int {
	var n [grid.NumClasses]int
	for _, c := range m.Class {
		n[c]++
	}
	return n
}
