package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"math/bits"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"dropsim/cmd/internal/chart"
	"dropsim/cmd/internal/gis"
	"dropsim/cmd/internal/input"
	"dropsim/cmd/internal/output"
	"dropsim/sim"
	"dropsim/sim/metrics"
)

// dropsim displacement -points FILE measures displacement in a user's own
// incident data (seizures, say, from a police force), in a projected CRS:
// it counts the incidents on a grid of -cell map units and measures them
// as a run's drops placed are, in zones built as a scenario's are, so
// that the same measures, figures and report come out. Rasterising is
// the method: an incident counts in the cell that holds it, and a cell is
// in an area (the treatment area, a control rectangle) when its centre
// lies in the area; the buffer and the rings are whole cells around the
// treatment's cells, as in a run.

// pointFlags are the flags of dropsim displacement -points.
type pointFlags struct {
	points, x, y, date, dateFormat, crs   *string
	treatment, polygon, area, control     *string
	buffer, controlGap, ringWidth, cell   *float64
	rings, beforeDays, afterDays, gapDays *int
	split, out, formats                   *string
	force, quiet                          *bool
}

// pointsHelp ends the help of dropsim displacement: incident data.
const pointsHelp = `
Incident data (-points FILE):
  dropsim displacement -points FILE -treatment x0,y0,x1,y1 -split YYYY-MM-DD -out DIR
  counts incidents (a CSV file with x, y and date columns, or GeoJSON
  points with a date property) on a grid of -cell map units (metres in a
  projected CRS), in a treatment area (-treatment, -polygon, or -area, a
  GeoJSON polygon as QGIS exports it), its -buffer and -rings and a
  control (-control), before and after -split, and writes measures.csv,
  summary.json, figures/ and report.html in DIR, as dropsim run does. An
  incident counts in the cell that holds it, and a cell is in an area when
  its centre is. The incidents are the series drops_placed of the
  measures; there are no seizures or arrests. For example:
  dropsim displacement -points examples/points/incidents.csv -crs EPSG:32633 \
    -treatment 412000,6176000,413000,6177000 -rings 3 \
    -control 410500,6173500,414500,6174500 -split 2024-03-01 -out outputs/points
`

// pointFlagNames are the flags that only -points takes.
var pointFlagNames = []string{"x", "y", "date", "date-format", "crs", "treatment", "polygon", "area", "control", "buffer", "control-gap",
	"ring-width", "cell", "rings", "before-days", "after-days", "gap-days", "split", "out", "formats", "force", "q"}

// addPointFlags adds the flags of -points to the flags of dropsim
// displacement.
func addPointFlags(fs *flag.FlagSet) *pointFlags {
	return &pointFlags{
		points:     fs.String("points", "", "a `file` of incidents to measure instead of counts: CSV (.csv) with columns of x, y and date, or GeoJSON points (.geojson, .json) with a date property; coordinates in map units (metres in a projected CRS)"),
		x:          fs.String("x", "x", "-points: the CSV `column` of the incidents' x (easting)"),
		y:          fs.String("y", "y", "-points: the CSV `column` of the incidents' y (northing)"),
		date:       fs.String("date", "date", "-points: the CSV column, or GeoJSON property, of the incidents' `date`"),
		dateFormat: fs.String("date-format", time.DateOnly, "-points: the `layout` of the dates, as Go writes the date 2 January 2006 (e.g. 02/01/2006); a date with a time (2006-01-02T15:04:05Z07:00) counts on its own day"),
		crs:        fs.String("crs", "", "-points: the coordinate reference system of the incidents, a `code` such as EPSG:32633, for the report and the maps (a GeoJSON file names its own)"),
		treatment:  fs.String("treatment", "", "-points: the treatment area, a `rectangle` x0,y0,x1,y1 in map units (west, south, east, north)"),
		polygon:    fs.String("polygon", "", "-points: the treatment area, a polygon `\"x y, x y, x y, ...\"` in map units"),
		area:       fs.String("area", "", "-points: the treatment area, a GeoJSON `file` of a polygon (a Polygon or MultiPolygon, or a FeatureCollection whose first feature is one, as QGIS exports)"),
		control:    fs.String("control", sim.ControlRest, "-points: the control area, `rest|matched|x0,y0,x1,y1`: rest (the default) every cell beyond the buffer and the gap; matched gives as many cells as the treatment area of each class of count before the split (0, 1, 2-3, 4-7, ...), the nearest beyond the buffer, the gap and the rings (it regresses to the mean: compare it with another); or a rectangle in map units"),
		buffer:     fs.Float64("buffer", 500, "-points: the buffer's `width` around the treatment area, in map units"),
		controlGap: fs.Float64("control-gap", 0, "-points: the `width` between the buffer and a matched or rest control, in map units (default: the buffer's width)"),
		ringWidth:  fs.Float64("ring-width", 500, "-points: the `width` of each distance ring, in map units"),
		cell:       fs.Float64("cell", 100, "-points: the grid's cell `size` in map units: incidents are counted by cell"),
		rings:      fs.Int("rings", 4, fmt.Sprintf("-points: the `number` of distance rings around the treatment area, 0 to %d", sim.MaxRings)),
		split:      fs.String("split", "", "-points: the first `date` of the after period, YYYY-MM-DD: when the intervention started"),
		beforeDays: fs.Int("before-days", 0, "-points: the before period's length in `days`, ending the day before -split (default: as long as the data allow, and as long as the after period)"),
		afterDays:  fs.Int("after-days", 0, "-points: the after period's length in `days`, from -split and the gap (default: as long as the data allow, and as long as the before period)"),
		gapDays:    fs.Int("gap-days", 0, "-points: `days` from -split in neither period (a settling-in time)"),
		out:        fs.String("out", "", "-points: the output `directory` of measures.csv, summary.json, figures/ and report.html"),
		formats:    fs.String("formats", "png,svg,pdf", "-points: figure formats, a comma-separated list of png, svg, pdf"),
		force:      fs.Bool("force", false, "-points: "+forceHelp),
		quiet:      fs.Bool("q", false, "-points: print nothing but errors"),
	}
}

// countModeFlags are the flags of counts that -points refuses, and why.
var countModeFlags = []struct{ name, why string }{
	{"csv", "it reads counts, -points incidents"},
	{"harm", "it reads counts, -points incidents"},
	{"tw", "the periods' lengths come from -before-days and -after-days, and the WDD is time-weighted when they differ"},
	{"aw", "the areas are the cells of the zones"},
	{"alpha", "the measures of -points have 95% intervals, as a run's"},
	{"json", "-points writes summary.json and measures.csv in -out"},
}

// maxIncidents bounds the incidents of a -points file, which is read whole.
const maxIncidents = 10_000_000

// maxGeoJSON bounds the size of a GeoJSON file of incidents or of an area.
const maxGeoJSON = 1 << 30

// incident is one row of an incidents file: where (map units) and when
// (the day number of its date, days since 1970-01-01).
type incident struct {
	x, y float64
	day  int
}

// civilDay is the day number of t's date as written (in t's own time
// zone): days since 1970-01-01.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayDate is the date of a day number, YYYY-MM-DD.
func dayDate(day int) string {
	return time.Unix(int64(day)*86400, 0).UTC().Format(time.DateOnly)
}

// coordRule says what a coordinate may be, for messages.
var coordRule = fmt.Sprintf("a coordinate is a finite number from %g to %g in map units (metres in a projected CRS), such as 412345.5", -sim.MaxOrigin, sim.MaxOrigin)

// parseCoord reads a coordinate; its error ends a sentence that starts
// with where the coordinate was.
func parseCoord(text string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%q is not a number: %s", text, coordRule)
	case err != nil || !coordAllowed(x):
		return 0, fmt.Errorf("%q is not allowed: %s", text, coordRule)
	}
	return x, nil
}

// coordAllowed: a coordinate is finite and within the range of a map's
// origin.
func coordAllowed(x float64) bool { return math.Abs(x) <= sim.MaxOrigin }

// dateParser reads dates in the layout of -date-format.
type dateParser struct{ layout string }

// parse reads a date; its error ends a sentence that starts with where
// the date was.
func (d dateParser) parse(text string) (int, error) {
	t, err := time.Parse(d.layout, strings.TrimSpace(text))
	if err != nil {
		example := time.Date(2024, 3, 1, 14, 30, 0, 0, time.UTC).Format(d.layout)
		return 0, fmt.Errorf("%q is not a date in the layout %q (-date-format), such as %q", text, d.layout, example)
	}
	return civilDay(t), nil
}

// readIncidents reads the incidents of path, a CSV or GeoJSON file by its
// extension, and the CRS a GeoJSON file names.
func readIncidents(path string, pf *pointFlags) ([]incident, string, string, error) {
	dates := dateParser{*pf.dateFormat}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		incs, err := readIncidentsCSV(path, *pf.x, *pf.y, *pf.date, dates)
		return incs, "csv", "", err
	case ".geojson", ".json":
		incs, crs, err := readIncidentsGeoJSON(path, *pf.date, dates)
		return incs, "geojson", crs, err
	}
	return nil, "", "", usagef("-points %q: the file's name must end in .csv, .geojson or .json, which says how to read it", path)
}

// readIncidentsCSV reads a CSV file of incidents by the names of its x,
// y and date columns.
func readIncidentsCSV(path, xName, yName, dateName string, dates dateParser) ([]incident, error) {
	fh, err := input.Open(path, "incidents file")
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	f, err := newCSVFile(fh, path, "incidents file")
	if err != nil {
		return nil, err
	}
	head, err := f.read()
	if err == io.EOF {
		return nil, usagef("%s is empty; its first line must name the columns %s, %s and %s (-x, -y, -date)", path, xName, yName, dateName)
	}
	if err != nil {
		return nil, err
	}
	head = slices.Clone(head) // the reader reuses its records
	headLine, _ := f.csv.FieldPos(0)
	want := []struct{ flag, name string }{{"x", xName}, {"y", yName}, {"date", dateName}}
	var col [3]int
	for k, w := range want {
		col[k] = -1
		for i, h := range head {
			if columnName(h) != columnName(w.name) {
				continue
			}
			if col[k] >= 0 {
				return nil, sameColumn(path, headLine, head, col[k], i)
			}
			col[k] = i
		}
		if col[k] < 0 {
			return nil, usagef("%s line %d: the header has no column %q (-%s); its columns are %s, so name the %s column with -%s", path, headLine, w.name, w.flag, quoteList(head), w.flag, w.flag)
		}
	}
	var incs []incident
	for {
		rec, err := f.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := f.csv.FieldPos(0)
		if err := f.fieldsFor(rec, len(head), headLine); err != nil {
			return nil, err
		}
		if len(incs) == maxIncidents {
			return nil, usagef("%s line %d: more than %d incidents; split the file by area or time", path, line, maxIncidents)
		}
		var inc incident
		for k, dst := range []*float64{&inc.x, &inc.y} {
			v, err := parseCoord(rec[col[k]])
			if err != nil {
				l, _ := f.csv.FieldPos(col[k])
				return nil, usagef("%s line %d, column %d (%s): %v", path, l, col[k]+1, strings.TrimSpace(head[col[k]]), err)
			}
			*dst = v
		}
		if inc.day, err = dates.parse(rec[col[2]]); err != nil {
			l, _ := f.csv.FieldPos(col[2])
			return nil, usagef("%s line %d, column %d (%s): %v", path, l, col[2]+1, strings.TrimSpace(head[col[2]]), err)
		}
		incs = append(incs, inc)
	}
	return incs, nil
}

// quoteList names columns for a message: "x", "y", "when".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// readIncidentsGeoJSON reads a GeoJSON FeatureCollection of points with a
// date property, and the CRS it names.
func readIncidentsGeoJSON(path, dateName string, dates dateParser) ([]incident, string, error) {
	data, err := input.ReadAll(path, "incidents file", maxGeoJSON)
	if err != nil {
		return nil, "", err
	}
	pts, crs, err := gis.DecodePoints(data)
	if err != nil {
		return nil, "", usagef("%s: %v; an incidents file in GeoJSON is a FeatureCollection of points", path, err)
	}
	if len(pts) > maxIncidents {
		return nil, "", usagef("%s has %d incidents, more than %d; split the file by area or time", path, len(pts), maxIncidents)
	}
	incs := make([]incident, len(pts))
	for i, pt := range pts {
		if !coordAllowed(pt.X) || !coordAllowed(pt.Y) {
			return nil, "", usagef("%s: feature %d is at (%v, %v), which is not allowed: %s", path, i+1, pt.X, pt.Y, coordRule)
		}
		key, ok := propertyKey(pt.Props, dateName)
		if !ok {
			return nil, "", usagef("%s: feature %d has no property %q (-date); name the date property with -date", path, i+1, dateName)
		}
		text, isText := pt.Props[key].(string)
		if !isText {
			return nil, "", usagef("%s: feature %d, property %q: %v is not a date: a date is a text in the layout %q (-date-format)", path, i+1, key, pt.Props[key], dates.layout)
		}
		day, err := dates.parse(text)
		if err != nil {
			return nil, "", usagef("%s: feature %d, property %q: %v", path, i+1, key, err)
		}
		incs[i] = incident{pt.X, pt.Y, day}
	}
	return incs, crs, nil
}

// propertyKey finds the property name, as a CSV column is found: its own
// spelling first, else regardless of letter case and spaces.
func propertyKey(props map[string]any, name string) (string, bool) {
	if _, ok := props[name]; ok {
		return name, true
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if columnName(k) == columnName(name) {
			return k, true
		}
	}
	return "", false
}

// mapArea is an area in map units: a rectangle (inclusive of its edges)
// or a polygon.
type mapArea struct {
	rect []float64 // x0, y0, x1, y1; nil for a polygon
	poly gis.Polygon
	what string // how it was given, for the report
}

func (a *mapArea) contains(x, y float64) bool {
	if a.rect != nil {
		return x >= a.rect[0] && x <= a.rect[2] && y >= a.rect[1] && y <= a.rect[3]
	}
	return a.poly.Contains(x, y)
}

func (a *mapArea) bounds() (x0, y0, x1, y1 float64) {
	if a.rect != nil {
		return a.rect[0], a.rect[1], a.rect[2], a.rect[3]
	}
	return a.poly.Bounds()
}

// cells are the cells of the grid c whose centres lie in the area, by
// cell id (y*W + x), in order.
func (a *mapArea) cells(c *sim.CityParams) []int {
	x0, y0, x1, y1 := a.bounds()
	gx0, gy0 := c.GridXY(x0, y1) // the north-west corner
	gx1, gy1 := c.GridXY(x1, y0)
	var out []int
	for y := max(int(math.Floor(gy0)), 0); y <= min(int(math.Floor(gy1)), c.Height-1); y++ {
		for x := max(int(math.Floor(gx0)), 0); x <= min(int(math.Floor(gx1)), c.Width-1); x++ {
			if a.contains(c.MapXY(float64(x)+0.5, float64(y)+0.5)) {
				out = append(out, y*c.Width+x)
			}
		}
	}
	return out
}

// parseRect reads a rectangle x0,y0,x1,y1 in map units given to flag
// name.
func parseRect(name, text string) ([]float64, error) {
	parts := strings.Split(text, ",")
	if len(parts) != 4 {
		return nil, usagef("-%s %q has %d numbers; a rectangle is x0,y0,x1,y1 in map units (west, south, east, north)", name, text, len(parts))
	}
	r := make([]float64, 4)
	for i, p := range parts {
		v, err := parseCoord(p)
		if err != nil {
			return nil, usagef("-%s %q: number %d, %v", name, text, i+1, err)
		}
		r[i] = v
	}
	if !(r[0] < r[2] && r[1] < r[3]) {
		return nil, usagef("-%s %q is not allowed: a rectangle x0,y0,x1,y1 has x0 < x1 and y0 < y1 (west, south, east, north)", name, text)
	}
	return r, nil
}

// parsePolygon reads the vertices "x y, x y, x y, ..." of -polygon.
func parsePolygon(text string) (gis.Polygon, error) {
	var v [][2]float64
	for i, part := range strings.Split(text, ",") {
		f := strings.Fields(part)
		if len(f) != 2 {
			return nil, usagef("-polygon %q: vertex %d, %q, is not two numbers \"x y\"; give the vertices as \"x y, x y, x y, ...\" in map units", text, i+1, strings.TrimSpace(part))
		}
		var xy [2]float64
		for k := range 2 {
			c, err := parseCoord(f[k])
			if err != nil {
				return nil, usagef("-polygon %q: vertex %d, %v", text, i+1, err)
			}
			xy[k] = c
		}
		v = append(v, xy)
	}
	ring, err := gis.NewRing(v)
	if err != nil {
		return nil, usagef("-polygon %q %v", text, err)
	}
	return gis.Polygon{ring}, nil
}

// treatmentArea reads the treatment area of -treatment, -polygon or
// -area, and the CRS an -area file names.
func treatmentArea(pf *pointFlags, set map[string]bool) (*mapArea, string, error) {
	var given []string
	for _, n := range []string{"treatment", "polygon", "area"} {
		if set[n] {
			given = append(given, "-"+n)
		}
	}
	switch {
	case len(given) == 0:
		return nil, "", usagef("-points needs the treatment area: -treatment x0,y0,x1,y1, -polygon \"x y, x y, x y, ...\" or -area FILE.geojson, in map units")
	case len(given) > 1:
		return nil, "", usagef("give the treatment area once, with one of -treatment, -polygon and -area (here %s)", strings.Join(given, " and "))
	case set["treatment"]:
		r, err := parseRect("treatment", *pf.treatment)
		if err != nil {
			return nil, "", err
		}
		return &mapArea{rect: r, what: fmt.Sprintf("the rectangle from (%s, %s) to (%s, %s) (-treatment)", num(r[0]), num(r[1]), num(r[2]), num(r[3]))}, "", nil
	case set["polygon"]:
		pg, err := parsePolygon(*pf.polygon)
		if err != nil {
			return nil, "", err
		}
		return &mapArea{poly: pg, what: fmt.Sprintf("the polygon of %d vertices of -polygon", pg.Vertices())}, "", nil
	}
	path := *pf.area
	data, err := input.ReadAll(path, "area file", maxGeoJSON)
	if err != nil {
		return nil, "", err
	}
	pg, crs, err := gis.DecodePolygon(data)
	if err != nil {
		return nil, "", usagef("%s: %v", path, err)
	}
	what := fmt.Sprintf("the polygon of %s (-area; %d vertices", path, pg.Vertices())
	if len(pg) > 1 {
		what += fmt.Sprintf(", %d holes", len(pg)-1)
	}
	return &mapArea{poly: pg, what: what + ")"}, crs, nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// geographic reports whether crs is longitude and latitude in degrees.
func geographic(crs string) bool {
	c := strings.ToUpper(crs)
	return c == "EPSG:4326" || strings.Contains(c, "CRS84")
}

// pointsStudy is incident data counted on a grid: what the outputs of
// dropsim displacement -points are made from.
type pointsStudy struct {
	p      sim.Params
	z      *sim.Zones
	drops  []sim.DropRecord // the incidents counted, by day, then cell
	before []int            // incidents of the before period by cell
	source metrics.PointsSource
}

// study reads the incidents and the areas the flags name, puts them on a
// grid and builds its zones: everything but the outputs. set holds the
// flags given.
func (pf *pointFlags) study(set map[string]bool) (*pointsStudy, error) {
	for _, f := range countFlags {
		if set[f.name] {
			return nil, usagef("give either -points or counts, not both (-%s and -points): -points counts the incidents itself", f.name)
		}
	}
	for _, f := range countModeFlags {
		if set[f.name] {
			return nil, usagef("-%s is not for -points: %s", f.name, f.why)
		}
	}
	path := *pf.points
	if *pf.split == "" {
		return nil, usagef("-points needs -split YYYY-MM-DD, the first day of the after period (when the intervention started)")
	}
	split, err := time.Parse(time.DateOnly, strings.TrimSpace(*pf.split))
	if err != nil {
		return nil, usagef("-split %q is not a date YYYY-MM-DD, such as 2024-03-01", *pf.split)
	}
	cell := *pf.cell
	switch {
	case !(cell >= sim.MinCellM && cell <= sim.MaxCellM):
		return nil, usagef("-cell %g is not allowed: the cell size is a number from %g to %g map units", cell, sim.MinCellM, sim.MaxCellM)
	case *pf.rings < 0 || *pf.rings > sim.MaxRings:
		return nil, usagef("-rings %d is not allowed: from 0 to %d rings", *pf.rings, sim.MaxRings)
	case *pf.beforeDays < 0 || *pf.afterDays < 0 || *pf.gapDays < 0:
		return nil, usagef("-before-days, -after-days and -gap-days are numbers of days from 0 (here %d, %d and %d)", *pf.beforeDays, *pf.afterDays, *pf.gapDays)
	}
	gap := *pf.buffer
	if set["control-gap"] {
		gap = *pf.controlGap
	}
	bufferCells, err := widthCells("buffer", *pf.buffer, cell, false)
	if err != nil {
		return nil, err
	}
	ringCells, err := widthCells("ring-width", *pf.ringWidth, cell, false)
	if err != nil {
		return nil, err
	}
	gapCells, err := widthCells("control-gap", gap, cell, true)
	if err != nil {
		return nil, err
	}
	area, areaCRS, err := treatmentArea(pf, set)
	if err != nil {
		return nil, err
	}
	var controlRect []float64
	switch c := strings.TrimSpace(*pf.control); c {
	case sim.ControlMatched, sim.ControlRest:
	default:
		if controlRect, err = parseRect("control", c); err != nil {
			return nil, usagef("%v, or \"matched\" or \"rest\"", err)
		}
	}

	incs, format, crs, err := readIncidents(path, pf)
	if err != nil {
		return nil, err
	}
	if len(incs) == 0 {
		return nil, usagef("%s has no incidents", path)
	}
	switch c := strings.TrimSpace(*pf.crs); {
	case c != "" && crs != "" && !strings.EqualFold(c, crs):
		return nil, usagef("%s names the CRS %s, but -crs says %s; give -crs only for a file that names none", path, crs, c)
	case c != "":
		crs = c
	}
	if areaCRS != "" && crs != "" && !strings.EqualFold(areaCRS, crs) {
		return nil, usagef("%s is in the CRS %s, but the incidents are in %s; export the area in the incidents' CRS", *pf.area, areaCRS, crs)
	}
	if crs == "" {
		crs = areaCRS
	}
	if geographic(crs) {
		return nil, usagef("%s is in %s, longitude and latitude in degrees; dropsim measures in map units, so reproject the layer to a projected CRS in metres (in QGIS: Export, Save Features As, with a UTM zone's CRS)", path, crs)
	}
	if format == "geojson" && crs == "" && slices.IndexFunc(incs, func(i incident) bool { return math.Abs(i.x) > 180 || math.Abs(i.y) > 90 }) < 0 {
		return nil, usagef("%s names no CRS and its coordinates all lie within longitude and latitude, as GeoJSON's default CRS has them (RFC 7946); dropsim measures in map units, so reproject the layer to a projected CRS in metres, or give -crs to say the coordinates are projected", path)
	}

	// The days: day 0 is the first of the before period.
	s := civilDay(split)
	first, last := incs[0].day, incs[0].day
	for _, inc := range incs {
		first, last = min(first, inc.day), max(last, inc.day)
	}
	before, after, err := pointsPeriods(pf, path, s, first, last)
	if err != nil {
		return nil, err
	}
	day0, days := s-before, before+*pf.gapDays+after
	src := metrics.PointsSource{File: path, Format: format, CRS: crs, Incidents: len(incs),
		FirstDate: dayDate(first), LastDate: dayDate(last), DayZero: dayDate(day0), Split: dayDate(s)}
	var counted []incident
	for _, inc := range incs {
		switch d := inc.day - day0; {
		case d < 0:
			src.Earlier++
		case d >= days:
			src.Later++
		default:
			counted = append(counted, incident{inc.x, inc.y, d})
			if d >= before && d < before+*pf.gapDays {
				src.InGap++
			}
		}
	}
	src.Counted = len(counted)

	p := sim.DefaultParams()
	p.Name, p.Seed = "points", 0
	p.City.CellM, p.City.CRS = cell, crs
	margin := float64(max(bufferCells, *pf.rings*ringCells)) * cell
	if err := pointsGrid(&p.City, counted, area, controlRect, margin); err != nil {
		return nil, err
	}
	p.Days, p.WarmupDays = days, 0
	p.Zones = sim.ZoneParams{BufferWidth: bufferCells, ControlMethod: strings.TrimSpace(*pf.control), ControlGap: gapCells,
		RingWidth: ringCells, Rings: *pf.rings, SplitDay: before, GapDays: *pf.gapDays, BeforeDays: before, AfterDays: after}
	c := &p.City
	if controlRect != nil {
		p.Zones.ControlMethod = sim.ControlMatched // unused: the rectangle is the control
		rc := (&mapArea{rect: controlRect}).cells(c)
		if len(rc) == 0 {
			return nil, usagef("-control %q holds no cell centre of the grid of %g map units (-cell); give a larger rectangle or a smaller -cell", *pf.control, cell)
		}
		p.Zones.Control = []int{rc[0] % c.Width, rc[0] / c.Width, rc[len(rc)-1] % c.Width, rc[len(rc)-1] / c.Width}
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("internal error: the parameters of the grid of %s are not valid: %w", path, err)
	}
	src.Width, src.Height, src.CellM, src.OriginX, src.OriginY = c.Width, c.Height, c.CellM, c.OriginX, c.OriginY

	treat := area.cells(c)
	if len(treat) == 0 {
		return nil, usagef("the treatment area, %s, holds no cell centre of the grid of %g map units (-cell); give a larger area or a smaller -cell", area.what, cell)
	}
	z, errs := p.ZonesFromCells(treat, fmt.Sprintf("%s: the %d cells whose centres lie in it", area.what, len(treat)))
	for _, e := range errs {
		if e.Key == "zones.control" {
			return nil, usagef("-control %q is not allowed: %s", *pf.control, e.Allowed)
		}
		return nil, fmt.Errorf("internal error: the zones of %s: %w", path, e)
	}

	st := &pointsStudy{p: p, source: src, before: make([]int, c.Width*c.Height)}
	tpd := int32(p.TicksPerDay())
	for _, inc := range counted {
		gx, gy := c.GridXY(inc.x, inc.y)
		x, y := int32(math.Floor(gx)), int32(math.Floor(gy))
		if x < 0 || y < 0 || int(x) >= c.Width || int(y) >= c.Height {
			return nil, fmt.Errorf("internal error: the incident at (%v, %v) lies off the grid, in cell (%d, %d) of %d x %d", inc.x, inc.y, x, y, c.Width, c.Height)
		}
		st.drops = append(st.drops, sim.DropRecord{X: x, Y: y, Placed: int32(inc.day) * tpd, End: int32(inc.day) * tpd})
		if z.PeriodOf(inc.day) == sim.PeriodBefore {
			st.before[int(y)*c.Width+int(x)]++
		}
	}
	// In one order whatever the file's, so that the sums are too.
	slices.SortFunc(st.drops, func(a, b sim.DropRecord) int {
		return cmp.Or(cmp.Compare(a.Placed, b.Placed), cmp.Compare(a.Y, b.Y), cmp.Compare(a.X, b.X))
	})
	for i := range st.drops {
		st.drops[i].ID = int32(i + 1)
	}
	st.z, err = st.control(z, controlRect)
	return st, err
}

// pointsPeriods are the lengths of the before and after periods: those of
// -before-days and -after-days, or else equal and as long as the data
// allow (sim.PeriodLengths, as a run's), the incidents being dated from
// day first to day last and the split on day split (day numbers).
func pointsPeriods(pf *pointFlags, path string, split, first, last int) (before, after int, err error) {
	open, room := split-first, last+1-split-*pf.gapDays // days of data before the split, and after it and the gap
	switch {
	case open < 1 && *pf.beforeDays == 0:
		return 0, 0, usagef("no incident of %s is dated before -split %s (the first is on %s), so there is no before period; give -before-days, or a later -split", path, dayDate(split), dayDate(first))
	case room < 1 && *pf.afterDays == 0:
		return 0, 0, usagef("no incident of %s is dated on or after -split %s and its %d gap days (the last is on %s), so there is no after period; give -after-days, or an earlier -split", path, dayDate(split), *pf.gapDays, dayDate(last))
	}
	before, after = sim.PeriodLengths(*pf.beforeDays, *pf.afterDays, open, room)
	if before+*pf.gapDays+after > sim.MaxDays {
		return 0, 0, usagef("the periods span %d days, more than %d", before+*pf.gapDays+after, sim.MaxDays)
	}
	return before, after, nil
}

// pointsGrid sizes and places the grid of c (whose CellM is set): it
// covers the incidents, the treatment area grown by margin (its buffer and
// rings) and a control rectangle (nil for none), with a cell more on every
// side (so that rounding puts no incident off the grid), its lines on
// multiples of the cell size.
func pointsGrid(c *sim.CityParams, incs []incident, area *mapArea, controlRect []float64, margin float64) error {
	cell := c.CellM
	x0, y0, x1, y1 := area.bounds()
	x0, y0, x1, y1 = x0-margin, y0-margin, x1+margin, y1+margin
	for _, inc := range incs {
		x0, y0, x1, y1 = min(x0, inc.x), min(y0, inc.y), max(x1, inc.x), max(y1, inc.y)
	}
	if controlRect != nil {
		x0, y0, x1, y1 = min(x0, controlRect[0]), min(y0, controlRect[1]), max(x1, controlRect[2]), max(y1, controlRect[3])
	}
	west, north := math.Floor(x0/cell)*cell-cell, math.Ceil(y1/cell)*cell+cell
	w, h := math.Floor((x1-west)/cell)+2, math.Floor((north-y0)/cell)+2
	if w > sim.MaxSide || h > sim.MaxSide || w*h > sim.MaxCells {
		return usagef("the incidents and the treatment area span %s x %s map units, %g x %g cells of %g (-cell), more than dropsim's %d cells; give a larger -cell, or leave out incidents far from the treatment area", num(x1-x0), num(y1-y0), w, h, cell, sim.MaxCells)
	}
	c.Width, c.Height = int(w), int(h)
	c.OriginX, c.OriginY = west, north-h*cell
	return nil
}

// widthCells is the width v in map units of the flag name in cells of
// size cell: 0 only when zero is allowed.
func widthCells(name string, v, cell float64, zero bool) (int, error) {
	n := math.Round(v / cell)
	switch {
	case !(v >= 0) || math.IsInf(v, 0):
		return 0, usagef("-%s %g is not allowed: a width in map units from 0 up", name, v)
	case n == 0 && !zero:
		return 0, usagef("-%s %g is less than half a cell of %g map units (-cell), so it would have no cells; give a wider -%s or a smaller -cell", name, v, cell, name)
	case n > 1000:
		return 0, usagef("-%s %g is %g cells of %g map units (-cell), more than 1000; give a larger -cell", name, v, n, cell)
	}
	return int(n), nil
}

// countClass is the stratum of a cell's count before the split for the
// matched control: 0, 1, 2-3, 4-7, 8-15, ... (powers of two).
func countClass(n int) int { return bits.Len(uint(n)) }

// control completes the zones' control area and says what it is in map
// units: the cells matched by count class, or the rest of the grid, or
// the rectangle given.
func (st *pointsStudy) control(z *sim.Zones, rect []float64) (*sim.Zones, error) {
	zp, cell := &st.p.Zones, st.p.City.CellM
	m := func(cells int) string { return num(float64(cells)*cell) + " map units" }
	switch {
	case rect != nil:
		z.Control = fmt.Sprintf("the rectangle from (%s, %s) to (%s, %s) (-control): the %d cells whose centres lie in it",
			num(rect[0]), num(rect[1]), num(rect[2]), num(rect[3]), z.Cells[sim.ZoneControl])
	case zp.ControlMethod == sim.ControlRest:
		z.Control = fmt.Sprintf("every cell of the grid more than %s from the treatment area (the buffer and the control gap; -control rest)", m(zp.BufferWidth+zp.ControlGap))
	case z.ControlPending:
		k := 0
		for _, n := range st.before {
			k = max(k, countClass(n)+1)
		}
		reach := zp.MatchReach()
		cells, match := z.MatchCells(reach, k, func(i int) int { return countClass(st.before[i]) })
		if len(cells) == 0 {
			return nil, usagef("no cell of the grid lies more than %s from the treatment area (beyond the buffer, the control gap and the rings), so there is no matched control; give -control rest or a rectangle, fewer -rings, or incidents that reach farther", m(reach))
		}
		what := fmt.Sprintf("%d cells matched cell for cell to the treatment area's by their count of incidents before the split (classes 0, 1, 2-3, 4-7, ...: each treatment cell has a control cell of its class), the nearest of each class more than %s from the treatment area (beyond the buffer, the control gap and the rings; %s to %s from its bounding box; -control matched)",
			len(cells), m(reach), num(float64(match.Nearest)*cell), m(match.Farthest))
		if match.Mismatch > 0 {
			what += fmt.Sprintf("; %.0f%% of the treatment's cells found no cell of their class on the grid", 100*match.Mismatch)
		}
		// Cells picked for their counts before are picked partly for their
		// noise: their counts after fall back towards their mean.
		what += ". The control's cells are chosen by their counts before, so its count after regresses towards its mean (a cell with an incident by chance seldom has one again; Daw & Hatfield 2018): compare with -control rest or a rectangle"
		z = z.WithControl(cells, &match, what)
	}
	return z, nil
}

// summary is the study's displacement analysis: a run's, of the incidents
// as drops placed, without the series of seizures and arrests, which
// incident data do not have.
func (st *pointsStudy) summary() *metrics.Summary {
	s := metrics.Summarise(&st.p, st.z, st.p.City.Width*st.p.City.Height, st.drops, nil)
	s.Series = slices.DeleteFunc(s.Series, func(m metrics.SeriesMeasures) bool { return m.Series != metrics.SeriesDrops })
	for i := range s.Series { // the control is a flag here, not a scenario key
		s.Series[i].WDDNote = strings.ReplaceAll(s.Series[i].WDDNote, "zones.control", "-control")
	}
	s.MinorShare = metrics.Value{Reason: "incident data have no arrests"}
	src := st.source
	s.Points = &src
	return s
}

// daily are the daily metrics of the incidents, as a run's drops placed
// give them (the figures read the drops by zone and their centroids).
func (st *pointsStudy) daily() []metrics.DailyRow {
	d := metrics.NewDaily(st.p.TicksPerDay(), st.z)
	tpd := int32(st.p.TicksPerDay())
	i := 0
	for day := range int32(st.p.Days) {
		for ; i < len(st.drops) && st.drops[i].Placed/tpd == day; i++ {
			d.Event(&sim.Event{Kind: sim.EvDropPlaced, Tick: st.drops[i].Placed, X: st.drops[i].X, Y: st.drops[i].Y})
		}
		d.Event(&sim.Event{Kind: sim.EvDayEnd, Tick: (day+1)*tpd - 1, Day: &sim.DayState{Day: int(day)}})
	}
	return d.Rows()
}

// displacePoints is dropsim displacement -points: it measures the
// incidents of the file and writes measures.csv, summary.json, the
// figures, report.html and manifest.json in -out, replacing only
// dropsim's own files there, as dropsim run does.
func displacePoints(pf *pointFlags, set map[string]bool, stdout, stderr io.Writer) error {
	dir := *pf.out
	if dir == "" {
		return usagef("-points needs -out DIR, the directory of its measures, figures and report")
	}
	formats, err := parseFormats(*pf.formats)
	if err != nil {
		return err
	}
	// A directory that holds results is refused before the data are read;
	// it is checked again under the lock before anything changes.
	if _, err := earlierRun(dir, *pf.force); err != nil {
		return err
	}
	start := time.Now()
	st, err := pf.study(set)
	if err != nil {
		return err
	}
	sum := st.summary()
	r := &chart.Run{Params: st.p, Zones: st.z, Daily: st.daily(), Tables: metrics.Tables{Drops: st.drops}, Summary: sum, Version: version()}

	// From here on the signals are handled: nothing has changed on disk yet.
	d, intr, release, err := lockWithSignals(dir)
	if err != nil {
		return err
	}
	defer release()
	earlier, err := earlierRun(dir, *pf.force)
	if err != nil {
		return err
	}
	if sig := intr.Signal(); sig != nil {
		return interruptedError{sig: sig, what: "before the analysis was written: nothing in " + dir + " was changed"}
	}
	if err := replaceEarlier(d, earlier, stderr); err != nil {
		return err
	}
	man := output.Manifest{Program: "dropsim", Version: version(), Scenario: st.p.Name, Points: st.source.File,
		Started: start.UTC(), Days: st.p.Days, Params: st.p}
	files := []string{"summary.json", "measures.csv"}
	if err := output.WriteSummary(dir, sum); err != nil {
		return err
	}
	if err := output.WriteMeasures(dir, sum); err != nil {
		return err
	}
	figs, err := chart.Figures(intr.Context(), r, formats)
	if err == nil {
		var written []string
		written, err = writeFigures(intr.Context(), dir, r, figs, formats, nil)
		files = append(files, written...)
	}
	if sig := intr.Signal(); sig != nil {
		man.Interrupted = fmt.Sprintf("interrupted by %s while the figures were drawn: the measures are complete, the figures and the report are not", sigName(sig))
		if err := writeManifest(dir, &man, files, start); err != nil {
			return err
		}
		return interruptedError{sig: sig, what: fmt.Sprintf("while drawing: %s holds the measures, not all the figures or the report; run the command again to write them", dir)}
	}
	if err != nil {
		return err
	}
	man.Complete, man.TablesDone = true, true
	if err := writeManifest(dir, &man, files, start); err != nil {
		return err
	}
	if !*pf.quiet {
		src := st.source
		fmt.Fprintf(stdout, "%s: %d incidents, %d counted (%d in the gap between the periods), %d before and %d after the periods left out; a grid of %d x %d cells of %g map units; results in %s (%.2f s)\n",
			src.File, src.Incidents, src.Counted, src.InGap, src.Earlier, src.Later, src.Width, src.Height, src.CellM, dir, man.WallSeconds)
		fmt.Fprintln(stdout, headline(sum))
	}
	return nil
}
