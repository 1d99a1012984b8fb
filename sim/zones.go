package sim

import (
	"fmt"
	"slices"
	"strings"
)

// ZoneParams define the areas and periods of the displacement measures
// (MODEL.md section 5): a treatment area R, a buffer ring B around it, a
// control area C, optionally a control area for the buffer, and the split
// of the run into a before and an after period.
type ZoneParams struct {
	// The treatment area, at most one of: a rectangle [x0, y0, x1, y1] of
	// cells (inclusive), a polygon of cell centres [[x, y], ...], or the
	// area of the named police group. With none of them, the area of the
	// first police group with an area (hasArea), if any.
	Treatment []int   `toml:"treatment"`
	Polygon   [][]int `toml:"polygon"`
	Group     string  `toml:"group"`
	// BufferWidth is the width in cells of the buffer ring (Chebyshev
	// distance 1..BufferWidth from the treatment area).
	BufferWidth int `toml:"buffer_width"`
	// Control is an explicit control rectangle. Without it, ControlMethod
	// chooses the control area: "matched" (ControlMatched, the default) as
	// many cells of each land use as the treatment area, the nearest to it
	// beyond the rings and farther than BufferWidth + ControlGap; "rest"
	// (ControlRest) every cell farther than BufferWidth + ControlGap.
	Control       []int  `toml:"control"`
	ControlMethod string `toml:"control_method"`
	ControlGap    int    `toml:"control_gap"`
	// BufferControl is an optional rectangle used as the buffer's own control
	// in the WDD; without it the buffer is compared with the control area.
	BufferControl []int `toml:"buffer_control"`
	// Rings are concentric bands of RingWidth cells around the treatment
	// area (Chebyshev distance (k-1) RingWidth + 1 to k RingWidth for ring
	// k), counted before and after to see how far displacement travels;
	// beyond the last ring lies the rings' reference area.
	RingWidth int `toml:"ring_width"`
	Rings     int `toml:"rings"`
	// SplitDay ends the before period; 0 means the start day of the
	// treatment's police group. GapDays after the split belong to neither
	// period (a settling-in time); the after period starts after them.
	// BeforeDays and AfterDays are the periods' lengths; 0 makes both as
	// long as the shorter can be, since the WDD compares counts of periods
	// of equal length.
	SplitDay   int `toml:"split_day"`
	GapDays    int `toml:"gap_days"`
	BeforeDays int `toml:"before_days"`
	AfterDays  int `toml:"after_days"`
}

// MaxRings is the largest number of distance rings.
const MaxRings = 10

// Zone is where a cell lies with respect to the treatment area.
type Zone uint8

// Zones of a cell. A cell in no zone (between the buffer and the control
// area, or outside an explicit control) is elsewhere.
const (
	ZoneElsewhere Zone = iota
	ZoneTreatment
	ZoneBuffer
	ZoneControl
	ZoneBufferControl
	NumZones
)

var zoneNames = [NumZones]string{"elsewhere", "treatment", "buffer", "control", "buffer_control"}

func (z Zone) String() string { return zoneNames[z] }

// ZoneNames lists the zone names in zone order.
func ZoneNames() []string { return zoneNames[:] }

// Period is where a day lies with respect to the intervention.
type Period uint8

// Periods of a day. Days in neither period, and every day when there is no
// split, are outside.
const (
	PeriodOutside Period = iota
	PeriodBefore
	PeriodAfter
)

var periodNames = [...]string{"outside", "before", "after"}

func (p Period) String() string { return periodNames[p] }

// Zones is the resolved geometry and timing of a scenario's [zones].
type Zones struct {
	W, H  int
	label []Zone  // by cell id; nil without a treatment area
	ring  []uint8 // by cell id: the ring (1..Rings), Rings+1 beyond them, 0 in the treatment area

	// Rings and RingWidth are the distance rings (ZoneParams).
	Rings, RingWidth int

	// Treatment says what the treatment area is, for reports; Reason says
	// why there is none when HasTreatment is false.
	HasTreatment bool
	Treatment    string
	Reason       string
	CX, CY       float64 // mean of the treatment cells' centres
	Cells        [NumZones]int

	// Before is days [BeforeStart, SplitDay), after is [AfterStart,
	// AfterEnd). Without a split (HasPeriods false), PeriodReason says why.
	HasPeriods       bool
	BeforeStart      int
	SplitDay         int
	AfterStart       int
	AfterEnd         int
	PeriodReason     string
	WindowStart      int // the intervention window, for shading figures
	WindowEnd        int
	HasBufferControl bool
	TreatmentRect    []int // [x0, y0, x1, y1] for rectangular areas

	// Control says what the control area is, for reports. A matched control
	// (Match not nil) is chosen on the land-use map; until BuildZones has
	// the map, ControlPending is true and no cell is in the control.
	Control        string
	Match          *ControlMatch
	ControlPending bool
}

// At returns the zone of cell (x, y); a nil *Zones puts every cell elsewhere.
// RingOf is the distance ring of cell (x, y): 1 to Rings, Rings+1 beyond
// the last ring, 0 in the treatment area, outside the grid or without
// rings.
func (z *Zones) RingOf(x, y int) int {
	if z == nil || z.ring == nil || x < 0 || y < 0 || x >= z.W || y >= z.H {
		return 0
	}
	return int(z.ring[y*z.W+x])
}

func (z *Zones) At(x, y int) Zone {
	if z == nil || z.label == nil || x < 0 || y < 0 || x >= z.W || y >= z.H {
		return ZoneElsewhere
	}
	return z.label[y*z.W+x]
}

// PeriodOf returns the period of a day; PeriodOutside for a nil *Zones.
func (z *Zones) PeriodOf(day int) Period {
	switch {
	case z == nil || !z.HasPeriods:
		return PeriodOutside
	case day >= z.BeforeStart && day < z.SplitDay:
		return PeriodBefore
	case day >= z.AfterStart && day < z.AfterEnd:
		return PeriodAfter
	}
	return PeriodOutside
}

// PeriodDays is the length of the before and after periods in days.
func (z *Zones) PeriodDays() (before, after int) {
	return z.SplitDay - z.BeforeStart, z.AfterEnd - z.AfterStart
}

// hasArea says whether a group works an area that can be the treatment
// area: a crackdown's patrol or a district's cameras.
func (g GroupParams) hasArea() bool {
	return g.Strategy == "area" || g.Strategy == "cctv" && g.Cameras == "area"
}

// treatmentSource finds the treatment area's definition: the key it came
// from, a rectangle or polygon, and the police group it belongs to (or -1).
func (p *Params) treatmentSource() (key string, rect []int, poly [][]int, group int) {
	zp := &p.Zones
	group = -1
	switch {
	case len(zp.Treatment) > 0:
		key, rect = "zones.treatment", zp.Treatment
	case len(zp.Polygon) > 0:
		key, poly = "zones.polygon", zp.Polygon
	case zp.Group != "":
		key = "zones.group"
		for i, g := range p.Police.Groups {
			if g.Name == zp.Group {
				group, rect = i, g.Area
				break
			}
		}
		return key, rect, nil, group
	}
	// The first area group gives the split day, and the area if none is given.
	for i, g := range p.Police.Groups {
		if g.hasArea() {
			group = i
			if key == "" {
				key, rect = fmt.Sprintf("police.group[%d].area", i+1), g.Area
			}
			break
		}
	}
	return key, rect, poly, group
}

// SharedZones returns p's zones written out so that another scenario on
// the same grid and days, with other police groups or none, gets exactly
// the same treatment area, buffer, control and before and after periods:
// the treatment rectangle or polygon itself instead of a police group's
// area (Group cleared), and SplitDay, BeforeDays and AfterDays as resolved
// (GapDays and the rest are copied). This is how the arms of a sweep are
// measured on one set of zones. Only the intervention window of figures,
// which comes from a police group, is not carried over. A scenario
// without a treatment area gets its zones back unchanged. p must be valid.
func (p *Params) SharedZones() ZoneParams {
	zp := p.Zones
	_, rect, poly, _ := p.treatmentSource()
	if rect == nil && poly == nil { // no area, or a zones.group that names none
		return zp
	}
	z := p.BuildZones(nil) // the periods, which need no map
	zp.Group = ""
	zp.Treatment, zp.Polygon = slices.Clone(rect), nil
	if poly != nil {
		zp.Treatment, zp.Polygon = nil, make([][]int, len(poly))
		for i, v := range poly {
			zp.Polygon[i] = slices.Clone(v)
		}
	}
	zp.Control, zp.BufferControl = slices.Clone(zp.Control), slices.Clone(zp.BufferControl)
	if z.HasPeriods {
		zp.SplitDay = z.SplitDay
		zp.BeforeDays, zp.AfterDays = z.PeriodDays()
	}
	return zp
}

// buildZones resolves the zones and reports problems as ParamErrors. It
// is called only on zoneInputs(p), so it must read nothing else of p.
func (p *Params) buildZones() (*Zones, []*ParamError) {
	zp := &p.Zones
	W, H := p.City.Width, p.City.Height
	z := &Zones{W: W, H: H}
	key, rect, poly, group := p.treatmentSource()
	errs := p.zonePeriods(z, group)
	bad := func(key string, val any, allowed string) {
		errs = append(errs, &ParamError{Key: key, Value: val, Allowed: allowed})
	}
	if key == "" {
		z.Reason = "the scenario has no treatment area: set [zones] treatment, polygon or group, or add a police group with strategy \"area\""
		return z, errs
	}
	if zp.Group != "" && group < 0 {
		bad("zones.group", zp.Group, "the name of a police group with an area (strategy \"area\", or \"cctv\" with cameras = \"area\")")
		return z, errs
	}
	if zp.Group != "" && !p.Police.Groups[group].hasArea() {
		bad("zones.group", zp.Group, "a police group with an area, of strategy \"area\" or \"cctv\" with cameras = \"area\" (this group has none)")
		return z, errs
	}
	label := make([]Zone, W*H)
	inTreat := 0
	switch {
	case rect != nil:
		if !rectInside(rect, W, H) {
			bad(key, rect, rectAllowed(rect, W, H))
			return z, errs
		}
		for y := rect[1]; y <= rect[3]; y++ {
			for x := rect[0]; x <= rect[2]; x++ {
				label[y*W+x] = ZoneTreatment
			}
		}
		inTreat = (rect[2] - rect[0] + 1) * (rect[3] - rect[1] + 1)
		z.TreatmentRect = rect
		z.Treatment = fmt.Sprintf("the rectangle [%d, %d, %d, %d] (%s)", rect[0], rect[1], rect[2], rect[3], key)
	default:
		verts, ok := polygonVertices(poly, W, H)
		if !ok {
			bad(key, fmt.Sprint(poly), fmt.Sprintf("a polygon of at least 3 vertices [[x, y], ...], each a cell inside the grid (0 <= x < %d, 0 <= y < %d)", W, H))
			return z, errs
		}
		inTreat = fillPolygon(label, W, verts) // at least the vertices' cells: the boundary counts
		z.Treatment = fmt.Sprintf("a polygon of %d vertices (%s)", len(verts), key)
	}
	if group >= 0 && (key == "zones.group" || strings.HasPrefix(key, "police.group")) {
		z.Treatment += fmt.Sprintf(", the area of police group %q", p.Police.Groups[group].Name)
	}
	return z, append(errs, z.surround(label, inTreat, zp)...)
}

// ZonesFromCells resolves p's zones around a treatment area given as its
// cells (cell ids y*W + x, in any order, each once), which what describes
// for reports, instead of zones.treatment, polygon or group: the buffer,
// the rings, the control (a rectangle, "rest", or pending for a matched
// control: see MatchCells and WithControl) and the periods are p.Zones',
// as buildZones resolves them, and the police groups are not read. This
// places an area drawn in map units, whose cells are those whose centres
// lie inside it, on the grid (dropsim displacement -points). p must be
// valid; a cell outside the grid, a cell given twice or no cell at all is
// a ParamError.
func (p *Params) ZonesFromCells(cells []int, what string) (*Zones, []*ParamError) {
	W, H := p.City.Width, p.City.Height
	z := &Zones{W: W, H: H}
	errs := p.zonePeriods(z, -1)
	label := make([]Zone, W*H)
	for _, c := range cells {
		if c < 0 || c >= W*H || label[c] == ZoneTreatment {
			return z, append(errs, &ParamError{Key: "treatment cells", Value: c, Allowed: fmt.Sprintf("each cell once, a cell id y*W + x from 0 to %d", W*H-1)})
		}
		label[c] = ZoneTreatment
	}
	if len(cells) == 0 {
		return z, append(errs, &ParamError{Key: "treatment cells", Value: "none", Allowed: "at least one cell"})
	}
	z.Treatment = what
	return z, append(errs, z.surround(label, len(cells), &p.Zones)...)
}

// PeriodLengths are the lengths of the before and after periods of the
// displacement measures when before and after days are asked for (0: not
// given) and open days are there before the split and room days after it
// and its gap. Neither given makes both as long as the shorter can be,
// since the WDD compares counts of periods of equal length; one given
// makes the other as long, if there is room. The lengths are not checked
// against open and room.
func PeriodLengths(before, after, open, room int) (int, int) {
	switch {
	case before == 0 && after == 0:
		before = min(open, room)
		after = before
	case before == 0:
		before = min(open, after)
	case after == 0:
		after = min(room, before)
	}
	return before, after
}

// zonePeriods resolves the before and after periods into z, and the
// intervention window of figures: that of police group group (-1: none).
func (p *Params) zonePeriods(z *Zones, group int) []*ParamError {
	zp := &p.Zones
	var errs []*ParamError
	bad := func(key string, val any, allowed string) {
		errs = append(errs, &ParamError{Key: key, Value: val, Allowed: allowed})
	}
	z.WindowStart, z.WindowEnd = 0, p.Days
	split := zp.SplitDay
	if group >= 0 {
		g := p.Police.Groups[group]
		z.WindowStart, z.WindowEnd = g.StartDay, g.EndDay
		if split == 0 {
			split = g.StartDay
		}
	} else if split > 0 {
		z.WindowStart = split
	}
	switch {
	case split <= 0 && group >= 0:
		z.PeriodReason = "the treatment starts on day 0, so there is no before period; set zones.split_day"
	case split <= 0:
		z.PeriodReason = "no intervention start is known; set zones.split_day"
	case split+zp.GapDays >= p.Days:
		bad("zones.split_day", split, fmt.Sprintf("a day such that split_day + gap_days (%d) < days (%d), so that the after period has at least one day", zp.GapDays, p.Days))
	case split <= p.WarmupDays:
		z.PeriodReason = fmt.Sprintf("the intervention starts on day %d, within the warm-up (warmup_days = %d), so there is no before period; set a shorter warmup_days or a later split_day", split, p.WarmupDays)
	default:
		// The before period ends at the split and never reaches into the
		// warm-up, while the market is still settling from its start.
		room, open := p.Days-split-zp.GapDays, split-p.WarmupDays
		before, after := PeriodLengths(zp.BeforeDays, zp.AfterDays, open, room)
		if before > open {
			bad("zones.before_days", before, fmt.Sprintf("at most split_day - warmup_days = %d days (the before period ends at the split and starts after the warm-up)", open))
		}
		if after > room {
			bad("zones.after_days", after, fmt.Sprintf("at most %d days (days - split_day - gap_days)", room))
		}
		z.HasPeriods = true
		z.BeforeStart, z.SplitDay = split-before, split
		z.AfterStart, z.AfterEnd = split+zp.GapDays, split+zp.GapDays+after
	}
	return errs
}

// surround completes zones whose treatment area is labelled in label
// (inTreat cells): the buffer, the rings, the control (an explicit
// rectangle, the rest of the city, or pending for a matched control) and
// the buffer control, the cells of each zone and the treatment's centre.
func (z *Zones) surround(label []Zone, inTreat int, zp *ZoneParams) []*ParamError {
	W, H := z.W, z.H
	var errs []*ParamError
	bad := func(key string, val any, allowed string) {
		errs = append(errs, &ParamError{Key: key, Value: val, Allowed: allowed})
	}
	z.HasTreatment = true

	// The buffer and the default control from the Chebyshev distance to the
	// treatment area, computed only in the box where it can matter.
	reach := zp.BufferWidth
	rest := len(zp.Control) == 0 && zp.ControlMethod == ControlRest
	if len(zp.Control) == 0 {
		reach += zp.ControlGap
	}
	switch {
	case len(zp.Control) == 4:
		c := zp.Control
		z.Control = fmt.Sprintf("the rectangle [%d, %d, %d, %d] (zones.control)", c[0], c[1], c[2], c[3])
	case rest:
		z.Control = fmt.Sprintf("every cell more than %d cells from the treatment area (buffer_width + control_gap; zones.control_method = %q)", reach, ControlRest)
	default:
		z.ControlPending = true // labelled by BuildZones on the land-use map
	}
	rings := zp.Rings * zp.RingWidth
	dist := chebyshevFrom(label, W, H, max(reach, rings))
	z.Rings, z.RingWidth = zp.Rings, zp.RingWidth
	if zp.Rings > 0 {
		z.ring = make([]uint8, W*H)
	}
	for i := range label {
		d := dist(i)
		if z.ring != nil && d > 0 {
			z.ring[i] = uint8(min((d+zp.RingWidth-1)/zp.RingWidth, zp.Rings+1))
		}
		switch {
		case d == 0:
		case d <= zp.BufferWidth:
			label[i] = ZoneBuffer
		case rest && d > reach:
			label[i] = ZoneControl
		}
	}
	if len(zp.Control) > 0 {
		if !rectInside(zp.Control, W, H) {
			bad("zones.control", zp.Control, rectAllowed(zp.Control, W, H))
		} else if n := markRect(label, W, zp.Control, ZoneControl); n > 0 {
			bad("zones.control", zp.Control, fmt.Sprintf("a rectangle outside the treatment area and its buffer (it overlaps them in %d cells)", n))
		}
	}
	if len(zp.BufferControl) > 0 {
		if !rectInside(zp.BufferControl, W, H) {
			bad("zones.buffer_control", zp.BufferControl, rectAllowed(zp.BufferControl, W, H))
		} else if n := markRect(label, W, zp.BufferControl, ZoneBufferControl); n > 0 {
			bad("zones.buffer_control", zp.BufferControl, fmt.Sprintf("a rectangle outside the treatment area, its buffer and the control area (it overlaps them in %d cells)", n))
		}
		z.HasBufferControl = true
	}
	sx, sy := 0.0, 0.0
	for i, l := range label {
		z.Cells[l]++
		if l == ZoneTreatment {
			sx += float64(i%W) + 0.5
			sy += float64(i/W) + 0.5
		}
	}
	z.CX, z.CY = sx/float64(inTreat), sy/float64(inTreat)
	z.label = label
	return errs
}

func rectInside(r []int, W, H int) bool {
	return len(r) == 4 && r[0] >= 0 && r[1] >= 0 && r[0] <= r[2] && r[1] <= r[3] && r[2] < W && r[3] < H
}

// rectAllowed says what a rectangle on the W x H grid must be and what is
// wrong with r: the corners that lie outside the grid, or corners in the
// wrong order.
func rectAllowed(r []int, W, H int) string {
	const want = "a rectangle [x0, y0, x1, y1] inside the grid"
	if len(r) != 4 {
		return fmt.Sprintf("%s, four numbers (here %d)", want, len(r))
	}
	var out []string
	for _, c := range [2]struct {
		name string
		x, y int
	}{{"(x0, y0)", r[0], r[1]}, {"(x1, y1)", r[2], r[3]}} {
		if c.x < 0 || c.x >= W || c.y < 0 || c.y >= H {
			out = append(out, fmt.Sprintf("%s = (%d, %d)", c.name, c.x, c.y))
		}
	}
	grid := fmt.Sprintf("the %d x %d grid (x from 0 to %d, y from 0 to %d)", W, H, W-1, H-1)
	switch {
	case len(out) == 1:
		return fmt.Sprintf("%s; the corner %s lies outside %s", want, out[0], grid)
	case len(out) == 2:
		return fmt.Sprintf("%s; the corners %s and %s lie outside %s", want, out[0], out[1], grid)
	case r[0] > r[2]:
		return fmt.Sprintf("%s, with x0 <= x1 (here x0 = %d, x1 = %d)", want, r[0], r[2])
	}
	return fmt.Sprintf("%s, with y0 <= y1 (here y0 = %d, y1 = %d)", want, r[1], r[3])
}

// markRect labels the elsewhere cells of r with zone and returns how many
// cells of r already had another zone.
func markRect(label []Zone, W int, r []int, zone Zone) int {
	clash := 0
	for y := r[1]; y <= r[3]; y++ {
		for x := r[0]; x <= r[2]; x++ {
			switch label[y*W+x] {
			case ZoneElsewhere:
				label[y*W+x] = zone
			default:
				clash++
			}
		}
	}
	return clash
}

// chebyshevFrom returns the Chebyshev distance from each cell to the
// nearest treatment cell, exact up to reach and reach+1 beyond it. It runs
// a two-pass chamfer transform over the treatment's bounding box grown by
// reach+1; cells outside that box are farther than reach.
func chebyshevFrom(label []Zone, W, H, reach int) func(i int) int {
	bx0, by0, bx1, by1 := W, H, -1, -1
	for i, l := range label {
		if l == ZoneTreatment {
			x, y := i%W, i/W
			bx0, by0, bx1, by1 = min(bx0, x), min(by0, y), max(bx1, x), max(by1, y)
		}
	}
	far := int32(reach + 1)
	bx0, by0 = max(bx0-int(far), 0), max(by0-int(far), 0)
	bx1, by1 = min(bx1+int(far), W-1), min(by1+int(far), H-1)
	bw, bh := bx1-bx0+1, by1-by0+1
	d := make([]int32, bw*bh) // int32: a 25-million-cell grid needs 100 MB here
	for y := range bh {
		for x := range bw {
			if label[(y+by0)*W+x+bx0] == ZoneTreatment {
				d[y*bw+x] = 0
			} else {
				d[y*bw+x] = far
			}
		}
	}
	relax := func(x, y, nx, ny int) {
		if nx >= 0 && ny >= 0 && nx < bw && ny < bh {
			d[y*bw+x] = min(d[y*bw+x], d[ny*bw+nx]+1)
		}
	}
	for y := range bh {
		for x := range bw {
			relax(x, y, x-1, y)
			relax(x, y, x-1, y-1)
			relax(x, y, x, y-1)
			relax(x, y, x+1, y-1)
		}
	}
	for y := bh - 1; y >= 0; y-- {
		for x := bw - 1; x >= 0; x-- {
			relax(x, y, x+1, y)
			relax(x, y, x+1, y+1)
			relax(x, y, x, y+1)
			relax(x, y, x-1, y+1)
		}
	}
	return func(i int) int {
		x, y := i%W-bx0, i/W-by0
		if x < 0 || y < 0 || x >= bw || y >= bh {
			return int(far)
		}
		return int(min(d[y*bw+x], far))
	}
}
