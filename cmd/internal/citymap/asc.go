package citymap

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"dropsim/cmd/internal/gis"
	"dropsim/sim"
	"dropsim/sim/grid"
)

// ReadASC reads an ESRI ASCII grid of land-use codes; codes maps each code, written as text
// (e.g. "1", "12"), to a class name as above. NODATA cells are unusable (stored as water).
//
// The grid is read by gis.ReadASC (whose rules it follows and whose
// messages it passes on with their line and column). Every value that is
// not the NODATA_value must be a whole number present in codes; a code may
// map to "nodata" too. The map is at least 2 x 2 cells and has a usable
// cell. The south-west corner and cell size of the grid become the map's
// (HasGeo). codes is checked with CheckLegend first.
func ReadASC(r io.Reader, name string, codes map[string]string, maxCells int) (*Map, error) {
	if probs := CheckLegend(codes, false); len(probs) > 0 {
		return nil, legendError(name, probs, false)
	}
	table, list := buildCodes(codes)
	ras, err := gis.ReadASC(r, name, maxCells)
	if err != nil {
		return nil, fromGIS(name, err)
	}
	if err := checkGeo(name, ras); err != nil {
		return nil, err
	}
	if err := checkSize(name, ras.NCols, ras.NRows); err != nil {
		return nil, err
	}
	m := &Map{W: ras.NCols, H: ras.NRows, Class: make([]grid.Class, len(ras.Values)),
		HasGeo: true, OriginX: ras.XLL, OriginY: ras.YLL, CellSize: ras.CellSize}
	header := headerLines(ras)
	var nWater, nNoData, nCodeNoData int
	for i, v := range ras.Values {
		if ras.HasNoData && v == ras.NoData {
			nNoData++
			continue // m.Class[i] is Water
		}
		row, col := i/ras.NCols, i%ras.NCols
		var c classOrNodata
		ok := v == math.Trunc(v) && math.Abs(v) <= maxCode
		if ok {
			c, ok = table[int64(v)]
		}
		if !ok {
			msg := fmt.Sprintf("row %d, column %d has land-use code %s, which is not in %s (it has %s)",
				row+1, col+1, formatNum(v), codesName, list)
			if v != math.Trunc(v) {
				msg = fmt.Sprintf("row %d, column %d has land-use code %s, which is not a whole number; the codes in %s are %s",
					row+1, col+1, formatNum(v), codesName, list)
			}
			return nil, &Error{File: name, Line: header + row + 1, Msg: msg}
		}
		switch {
		case c.nodata:
			nCodeNoData++
		case c.class == grid.Water:
			nWater++
		}
		m.Class[i] = c.class
	}
	if nWater+nNoData+nCodeNoData == len(m.Class) {
		var kinds []string
		if nWater > 0 {
			kinds = append(kinds, "water")
		}
		if nNoData > 0 {
			kinds = append(kinds, "NODATA")
		}
		if nCodeNoData > 0 {
			kinds = append(kinds, "a code that "+codesName+" marks nodata")
		}
		return nil, noUsable(name, kinds)
	}
	return m, nil
}

// checkGeo checks the grid's corner and cell size, which become the
// city's origin and cell_m, against the ranges sim.Params.Validate allows
// for those, so that a bad value is blamed on its line in the map file
// rather than on a scenario key the file does not set. The earliest bad
// line is named.
func checkGeo(name string, r *gis.Raster) error {
	var bad *Error
	for _, h := range []struct {
		key    gis.HeaderKey
		v      float64 // what the city takes: for xllcenter, the corner
		lo, hi float64
		what   string
	}{
		{r.CellSizeKey, r.CellSize, sim.MinCellM, sim.MaxCellM, "a cell size"},
		{r.XLLKey, r.XLL, -sim.MaxOrigin, sim.MaxOrigin, "a coordinate of the lower-left corner"},
		{r.YLLKey, r.YLL, -sim.MaxOrigin, sim.MaxOrigin, "a coordinate of the lower-left corner"},
	} {
		if h.v >= h.lo && h.v <= h.hi {
			continue
		}
		if bad == nil || h.key.Line < bad.Line {
			msg := fmt.Sprintf("%s %g is not allowed: %s from %g to %g metres", h.key.Name, h.key.Value, h.what, h.lo, h.hi)
			if h.v != h.key.Value { // xllcenter, yllcenter
				msg += fmt.Sprintf(" (here the corner is %g, half a cell from the centre)", h.v)
			}
			bad = &Error{File: name, Line: h.key.Line, Msg: msg}
		}
	}
	if bad != nil {
		return bad
	}
	return nil
}

// buildCodes turns a checked code table into a lookup and a list of its
// codes for messages ("1, 2 and 3").
func buildCodes(codes map[string]string) (map[int64]classOrNodata, string) {
	table := make(map[int64]classOrNodata, len(codes))
	nums := make([]int64, 0, len(codes))
	for k, name := range codes {
		n, _ := parseCode(k)
		c, _ := parseClassName(name)
		table[n] = c
		nums = append(nums, n)
	}
	slices.SortFunc(nums, cmp.Compare)
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = strconv.FormatInt(n, 10)
	}
	return table, listSome(s)
}

// headerLines is the number of header lines before the first row: gis.ReadASC
// takes a header of exactly 5 lines, or 6 with NODATA_value, and then one
// line per row.
func headerLines(r *gis.Raster) int {
	if r.HasNoData {
		return 6
	}
	return 5
}

// fromGIS turns an error of gis.ReadASC ("name:LINE:COL: msg", "name:LINE:
// msg" or "name: msg") into an *Error with the same line, column and text.
func fromGIS(name string, err error) *Error {
	msg := err.Error()
	e := &Error{File: name}
	rest, ok := strings.CutPrefix(msg, name+":")
	if !ok {
		e.Msg = msg
		return e
	}
	if n, after, ok := leadingInt(rest); ok {
		e.Line, rest = n, after
		if c, after, ok := leadingInt(rest); ok {
			e.Col, rest = c, after
		}
	}
	e.Msg = strings.TrimPrefix(rest, " ")
	return e
}

// leadingInt parses "123:" at the start of s and returns what follows.
func leadingInt(s string) (int, string, bool) {
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != ':' {
		return 0, s, false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n < 1 {
		return 0, s, false
	}
	return n, s[i+1:], true
}

// ReadLayer reads an ESRI ASCII grid layer (demand or cover) that must have exactly m's size and,
// if m.HasGeo, its origin and cell size (within 1e-6 of the cell size); NODATA cells become 0.
// layer names it in messages ("demand" or "cover"); lo and hi bound the values (demand: 0 to 1e6; cover: 0 to 1, exclusive of 1).
//
// If m has no map coordinates (it was read from a text map), the layer's are
// not checked.
func ReadLayer(r io.Reader, name, layer string, m *Map, lo, hi float64, hiExclusive bool, maxCells int) ([]float32, error) {
	if layer == "" {
		layer = "layer"
	}
	if m == nil || m.W < 1 || m.H < 1 || len(m.Class) != m.W*m.H {
		return nil, &Error{File: name, Msg: fmt.Sprintf("there is no land-use map to check the %s layer against", layer)}
	}
	ras, err := gis.ReadASC(r, name, maxCells)
	if err != nil {
		return nil, fromGIS(name, err)
	}
	if ras.NCols != m.W || ras.NRows != m.H {
		return nil, &Error{File: name, Msg: fmt.Sprintf("the %s layer is %d x %d cells, but the land-use map is %d x %d; "+
			"a layer has one value for each cell of the map", layer, ras.NCols, ras.NRows, m.W, m.H)}
	}
	if m.HasGeo {
		tol := 1e-6 * m.CellSize
		if !(math.Abs(ras.CellSize-m.CellSize) <= tol) {
			return nil, &Error{File: name, Msg: fmt.Sprintf("the %s layer's cell size is %s, but the land-use map's is %s; "+
				"a layer must lie on the same cells as the map", layer, formatNum(ras.CellSize), formatNum(m.CellSize))}
		}
		if !(math.Abs(ras.XLL-m.OriginX) <= tol) || !(math.Abs(ras.YLL-m.OriginY) <= tol) {
			return nil, &Error{File: name, Msg: fmt.Sprintf("the %s layer's lower-left corner is (%s, %s), but the land-use map's is (%s, %s); "+
				"a layer must lie on the same cells as the map", layer,
				formatNum(ras.XLL), formatNum(ras.YLL), formatNum(m.OriginX), formatNum(m.OriginY))}
		}
	}
	out := make([]float32, len(ras.Values))
	header := headerLines(ras)
	for i, v := range ras.Values {
		if ras.HasNoData && v == ras.NoData {
			continue
		}
		tooHigh := v > hi || hiExclusive && v >= hi
		if v < lo || tooHigh || math.Abs(v) > math.MaxFloat32 {
			bound := "at most"
			if hiExclusive {
				bound = "less than"
			}
			return nil, &Error{File: name, Line: header + i/ras.NCols + 1,
				Msg: fmt.Sprintf("row %d, column %d has %s %s; %s must be at least %s and %s %s",
					i/ras.NCols+1, i%ras.NCols+1, layer, formatNum(v), layer, formatNum(lo), bound, formatNum(hi))}
		}
		out[i] = float32(v)
	}
	return out, nil
}
