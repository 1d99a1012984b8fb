package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"dropsim/cmd/internal/citymap"
	"dropsim/cmd/internal/input"
	"dropsim/sim"
)

// loadMaps reads the map files a scenario names (city.map and the optional
// demand and cover layers), relative to the scenario's directory dir, into
// p.City.Land, and takes the grid's size, and an ESRI grid's corner and
// cell size, from the map. Problems go to d, each naming the file and,
// where known, the line.
func loadMaps(p *sim.Params, dir string, d *decoder) {
	c := &p.City
	path := mapPath(dir, c.Map)
	isASC := strings.EqualFold(filepath.Ext(c.Map), ".asc")
	table, key := c.Legend, "city.legend"
	if isASC {
		table, key = c.Codes, "city.codes"
	}
	if len(table) == 0 {
		if isASC {
			d.problem(key, fmt.Sprintf(`city.map = %q is an ESRI ASCII grid, so city.codes must say which land-use class each code is, e.g. codes = { "1" = "centre", "2" = "residential", "0" = "water" }`, c.Map))
		} else {
			d.problem(key, fmt.Sprintf(`city.map = %q is an ASCII map, so city.legend must say which land-use class each character is, e.g. legend = { "~" = "water", "#" = "centre", "r" = "residential" }`, c.Map))
		}
		return
	}
	if bad := citymap.CheckLegend(table, !isASC); len(bad) > 0 {
		for _, b := range bad {
			d.problem(key, key+": "+b)
		}
		return
	}
	var m *citymap.Map
	err := readFile(path, "city.map", d, func(f *os.File) (err error) {
		if isASC {
			m, err = citymap.ReadASC(f, path, table, sim.MaxCells)
		} else {
			m, err = citymap.ReadASCII(f, path, table, sim.MaxCells)
		}
		return err
	})
	if err != nil {
		return
	}
	land := &sim.LandMap{W: m.W, H: m.H, Class: m.Class}
	for _, layer := range []struct {
		key, file, name string
		lo, hi          float64
		hiExclusive     bool
		dst             *[]float32
	}{
		{"city.demand_map", c.DemandMap, "demand", 0, 1e6, false, &land.Demand},
		{"city.cover_map", c.CoverMap, "cover", 0, 1, true, &land.Cover},
	} {
		if layer.file == "" {
			continue
		}
		if !strings.EqualFold(filepath.Ext(layer.file), ".asc") {
			d.problem(layer.key, fmt.Sprintf("%s = %q is not allowed: a layer must be an ESRI ASCII grid (.asc) of the map's size", layer.key, layer.file))
			continue
		}
		lpath := mapPath(dir, layer.file)
		readFile(lpath, layer.key, d, func(f *os.File) (err error) {
			*layer.dst, err = citymap.ReadLayer(f, lpath, layer.name, m, layer.lo, layer.hi, layer.hiExclusive, sim.MaxCells)
			return err
		})
	}
	c.Land, c.Width, c.Height = land, m.W, m.H
	if m.HasGeo {
		c.OriginX, c.OriginY, c.CellM = m.OriginX, m.OriginY, m.CellSize
	}
}

// mapPath resolves a map file named in a scenario: relative to the
// scenario file's directory unless absolute.
func mapPath(dir, name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// readFile opens path and hands it to read; a missing file, a directory
// or a problem in the file becomes one problem in d, and the error is
// returned so the caller stops.
func readFile(path, key string, d *decoder, read func(f *os.File) error) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.problem(key, fmt.Sprintf("%s: the map file %q does not exist (paths are relative to the scenario file)", key, path))
		return err
	case err == nil && fi.IsDir():
		err = fmt.Errorf("%q is a directory", path)
		d.problem(key, fmt.Sprintf("%s: %q is a directory, not a map file", key, path))
		return err
	}
	f, err := input.Open(path, "map file")
	if err != nil { // a named pipe, a device, unreadable
		d.problem(key, fmt.Sprintf("%s: %v", key, err))
		return err
	}
	defer f.Close()
	if err := read(f); err != nil {
		var me *citymap.Error
		if errors.As(err, &me) {
			d.probs = append(d.probs, Problem{File: me.File, Line: me.Line, Col: me.Col, Key: key, Msg: me.Msg})
		} else {
			d.problem(key, fmt.Sprintf("%s: %v", key, err))
		}
		return err
	}
	return nil
}
