package metrics

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"dropsim/sim"
)

// ArrestRecord is an arrest as written to arrests.csv; X and Y are -1 for
// arrests without a place (those that followed a link up the chain).
type ArrestRecord struct {
	Tick  int32
	Role  sim.Role
	X, Y  int32
	Cause string
	Minor bool
}

// The series compared between zones: drops placed (at their placement),
// seizures (where and when the drop was seized) and arrests with a place.
const (
	SeriesDrops    = "drops_placed"
	SeriesSeizures = "seizures"
	SeriesArrests  = "arrests"
)

// SeriesMeasures are the displacement measures of one series.
type SeriesMeasures struct {
	Series string    `json:"series"`
	Counts Counts    `json:"counts"`
	WDQ    WDQResult `json:"wdq"`
	WDD    WDDResult `json:"wdd"`
	// WDDDefined is false when a WDD cannot be had; WDDReason says why.
	// Periods of unequal length give a time-weighted WDD (WDDNote says so).
	WDDDefined bool   `json:"wdd_defined"`
	WDDReason  string `json:"wdd_reason,omitempty"`
	// Rings are the counts in the distance rings around the treatment
	// area, before and after, each ring's change relative to the area
	// beyond the rings: how far displacement travels.
	Rings []RingMeasure `json:"rings"`
	// Dispersion is each count's dispersion factor, estimated from the daily
	// counts of its zone and period (DispersionOf); WDDDispersed is the WDD
	// with variances scaled by it, the one to read for significance: drop
	// counts are overdispersed, and the Poisson z of WDD overstates it.
	Dispersion   Dispersion `json:"dispersion"`
	WDDDispersed WDDResult  `json:"wdd_dispersed"`
	// WDDNote warns when the control is not comparable in size with the
	// treatment area, which the WDD assumes.
	WDDNote string `json:"wdd_note,omitempty"`
}

// PeriodStats describe where the drops of one period were.
type PeriodStats struct {
	Period   string `json:"period"`
	FirstDay int    `json:"first_day"`
	LastDay  int    `json:"last_day"` // inclusive
	Drops    int    `json:"drops"`
	Sites    int    `json:"sites"` // distinct cells with a drop

	CentroidX    Value `json:"centroid_x"`
	CentroidY    Value `json:"centroid_y"`
	StdDistance  Value `json:"standard_distance"`
	EllipseMajor Value `json:"ellipse_major"`
	EllipseMinor Value `json:"ellipse_minor"`
	EllipseAngle Value `json:"ellipse_angle_deg"`
	// MeanDistTreatment is the mean distance of the drops from the centre
	// of the treatment area.
	MeanDistTreatment Value `json:"mean_distance_treatment"`
	// ZoneShare is the share of the period's drops in each zone.
	ZoneShare map[string]Value `json:"zone_share"`
	// TopShare is the share of drops in the 5% of usable cells with most.
	TopShare Value `json:"top5_share"`
	// NNI is the Clark-Evans index of the distinct drop sites.
	NNIR Value `json:"nni"`
	NNIZ Value `json:"nni_z"`
}

// Summary is the displacement analysis of one run.
type Summary struct {
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	Days     int    `json:"days"`
	Warmup   int    `json:"warmup_days"`

	// Minors among the stashers arrested over the run (the seed paper's
	// cases turn on minors recruited as stashers and couriers).
	StashersArrested int   `json:"stashers_arrested"`
	MinorStashers    int   `json:"minor_stashers_arrested"`
	MinorShare       Value `json:"minor_share_of_stashers_arrested"`

	HasTreatment bool           `json:"has_treatment"`
	Treatment    string         `json:"treatment"`
	Reason       string         `json:"reason,omitempty"` // why there are no measures
	BufferWidth  int            `json:"buffer_width"`
	Control      string         `json:"control"`
	ZoneCells    map[string]int `json:"zone_cells"`
	UsableCells  int            `json:"usable_cells"`

	HasPeriods   bool   `json:"has_periods"`
	PeriodReason string `json:"period_reason,omitempty"`
	Before       [2]int `json:"before_days"` // first and last day, inclusive
	After        [2]int `json:"after_days"`

	Series  []SeriesMeasures `json:"series"`
	Periods []PeriodStats    `json:"periods"`
	// CentroidShift is the distance in cells from the before to the after
	// centroid of drop sites; ShiftX and ShiftY its components.
	CentroidShift Value `json:"centroid_shift"`
	ShiftX        Value `json:"centroid_shift_x"`
	ShiftY        Value `json:"centroid_shift_y"`

	// Points describes incident data analysed instead of a run (dropsim
	// displacement -points); nil for a run.
	Points *PointsSource `json:"points,omitempty"`
}

// PointsSource describes incident data counted on a grid instead of a
// run's drops (dropsim displacement -points): where they came from, how
// many there were, which were left out, and the grid and dates they were
// counted on. The incidents are the drops placed of the summary (series
// drops_placed); there are no seizures or arrests. Days are counted from
// DayZero, the first day of the before period.
type PointsSource struct {
	File      string `json:"file"`
	Format    string `json:"format"` // "csv" or "geojson"
	CRS       string `json:"crs"`    // the coordinate reference system, "" when unknown
	Incidents int    `json:"incidents"`
	// Counted are the incidents on days 0 to days - 1 (those in the gap
	// between the periods among them); Earlier and Later are left out,
	// before the before period and after the after period.
	Counted int `json:"counted"`
	InGap   int `json:"in_gap"`
	Earlier int `json:"before_the_periods"`
	Later   int `json:"after_the_periods"`
	// FirstDate and LastDate are the incidents' first and last dates,
	// DayZero the date of day 0 and Split the first day after (dates as
	// YYYY-MM-DD).
	FirstDate string `json:"first_date"`
	LastDate  string `json:"last_date"`
	DayZero   string `json:"day_0"`
	Split     string `json:"split"`
	// The grid: Width x Height cells of CellM map units, its south-west
	// corner at (OriginX, OriginY).
	Width   int     `json:"width"`
	Height  int     `json:"height"`
	CellM   float64 `json:"cell_size"`
	OriginX float64 `json:"origin_x"`
	OriginY float64 `json:"origin_y"`
}

// Date is the date of day (counted from DayZero), as YYYY-MM-DD.
func (ps *PointsSource) Date(day int) string {
	t, err := time.Parse(time.DateOnly, ps.DayZero)
	if err != nil {
		return fmt.Sprintf("day %d", day)
	}
	return t.AddDate(0, 0, day).Format(time.DateOnly)
}

// MarshalJSON writes a defined value as its number and an undefined one as
// null with its reason, so that no table or file ever holds a NaN.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.Defined || math.IsNaN(v.V) || math.IsInf(v.V, 0) {
		return json.Marshal(struct {
			Value  *float64 `json:"value"`
			Reason string   `json:"reason"`
		}{nil, v.Reason})
	}
	return json.Marshal(v.V)
}

// value turns a float into a Value: NaN is undefined with the reason given.
func value(x float64, reason string) Value {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return undefined(reason)
	}
	return defined(x)
}

// Summarise computes the displacement measures of a run from its drops and
// arrests. usable is the number of cells where drops can be placed (the
// study area of the concentration measures).
func Summarise(p *sim.Params, z *sim.Zones, usable int, drops []sim.DropRecord, arrests []ArrestRecord) *Summary {
	tpd := p.TicksPerDay()
	s := &Summary{Scenario: p.Name, Seed: p.Seed, Days: p.Days, Warmup: p.WarmupDays,
		HasTreatment: z.HasTreatment, Treatment: z.Treatment, Reason: z.Reason,
		BufferWidth: p.Zones.BufferWidth, UsableCells: usable, ZoneCells: map[string]int{},
		HasPeriods: z.HasPeriods, PeriodReason: z.PeriodReason, Control: z.Control}
	for k := range sim.NumZones {
		s.ZoneCells[k.String()] = z.Cells[k]
	}
	for _, a := range arrests {
		if a.Role == sim.RoleStasher {
			s.StashersArrested++
			if a.Minor {
				s.MinorStashers++
			}
		}
	}
	s.MinorShare = undefined("no stasher was arrested")
	if s.StashersArrested > 0 {
		s.MinorShare = defined(float64(s.MinorStashers) / float64(s.StashersArrested))
	}
	if !z.HasPeriods {
		return s
	}
	s.Before = [2]int{z.BeforeStart, z.SplitDay - 1}
	s.After = [2]int{z.AfterStart, z.AfterEnd - 1}
	nb, na := z.PeriodDays()

	// Counts by zone and period, and by day for the dispersion.
	placed, seizures, arrs := newZoneCounts(z), newZoneCounts(z), newZoneCounts(z)
	for _, d := range drops {
		x, y := int(d.X), int(d.Y)
		placed.add(x, y, int(d.Placed)/tpd)
		if d.Outcome == sim.OutcomeSeized {
			seizures.add(x, y, int(d.End)/tpd)
		}
	}
	for _, a := range arrests {
		if a.X >= 0 {
			arrs.add(int(a.X), int(a.Y), int(a.Tick)/tpd)
		}
	}
	if z.HasTreatment {
		for _, sc := range []struct {
			name string
			c    *zoneCounts
		}{{SeriesDrops, placed}, {SeriesSeizures, seizures}, {SeriesArrests, arrs}} {
			m := measure(sc.name, sc.c.counts(z.HasBufferControl), sc.c.dispersion(), nb, na)
			m.Rings = sc.c.rings()
			s.Series = append(s.Series, m)
		}
	}

	// Where the drops were in each period.
	var before, after PeriodStats
	for i, ps := range []*PeriodStats{&before, &after} {
		period, first, last := sim.PeriodBefore, z.BeforeStart, z.SplitDay-1
		if i == 1 {
			period, first, last = sim.PeriodAfter, z.AfterStart, z.AfterEnd-1
		}
		*ps = periodStats(period, first, last, z, usable, drops, tpd)
		s.Periods = append(s.Periods, *ps)
	}
	const why = "a period has no drops, so it has no centroid"
	dx := after.CentroidX.V - before.CentroidX.V
	dy := after.CentroidY.V - before.CentroidY.V
	s.ShiftX, s.ShiftY = value(dx, why), value(dy, why)
	s.CentroidShift = value(math.Hypot(dx, dy), why)
	return s
}

// zoneCounts are counts by zone and period, and by zone and day of each
// period.
type zoneCounts struct {
	z     *sim.Zones
	n     [sim.NumZones][3]float64
	daily [sim.NumZones][2][]float64 // before, after; by day of the period
	ring  [sim.MaxRings + 2][3]float64
}

func newZoneCounts(z *sim.Zones) *zoneCounts {
	c := &zoneCounts{z: z}
	nb, na := z.PeriodDays()
	for k := range c.daily {
		c.daily[k][0], c.daily[k][1] = make([]float64, nb), make([]float64, na)
	}
	return c
}

// add counts an event at cell (x, y) on day.
func (c *zoneCounts) add(x, y, day int) {
	zone, p := c.z.At(x, y), c.z.PeriodOf(day)
	c.n[zone][p]++
	c.ring[c.z.RingOf(x, y)][p]++
	switch p {
	case sim.PeriodBefore:
		c.daily[zone][0][day-c.z.BeforeStart]++
	case sim.PeriodAfter:
		c.daily[zone][1][day-c.z.AfterStart]++
	}
}

func (c *zoneCounts) counts(bufferControl bool) Counts {
	b, a := sim.PeriodBefore, sim.PeriodAfter
	n := &c.n
	return Counts{
		Rb: n[sim.ZoneTreatment][b], Ra: n[sim.ZoneTreatment][a],
		Bb: n[sim.ZoneBuffer][b], Ba: n[sim.ZoneBuffer][a],
		Cb: n[sim.ZoneControl][b], Ca: n[sim.ZoneControl][a],
		DCb: n[sim.ZoneBufferControl][b], DCa: n[sim.ZoneBufferControl][a],
		HasBufferControl: bufferControl,
	}
}

// dispersion is each count's dispersion factor from its daily counts.
func (c *zoneCounts) dispersion() Dispersion {
	d := func(z sim.Zone, p int) float64 { return DispersionOf(c.daily[z][p]) }
	return Dispersion{Rb: d(sim.ZoneTreatment, 0), Ra: d(sim.ZoneTreatment, 1), Bb: d(sim.ZoneBuffer, 0), Ba: d(sim.ZoneBuffer, 1),
		Cb: d(sim.ZoneControl, 0), Ca: d(sim.ZoneControl, 1), DCb: d(sim.ZoneBufferControl, 0), DCa: d(sim.ZoneBufferControl, 1)}
}

// measure computes the WDQ and the WDD of one series; the counts are valid
// by construction, so the functions cannot fail.
func measure(name string, c Counts, phi Dispersion, beforeDays, afterDays int) SeriesMeasures {
	m := SeriesMeasures{Series: name, Counts: c, WDDDefined: true, Dispersion: phi}
	var err error
	if m.WDQ, err = WDQ(c); err != nil {
		panic(err)
	}
	// Periods of unequal length: the before counts are scaled to the after
	// period's length (time weights before/after = beforeDays/afterDays
	// and 1, as ptools::wdd), so the WDD is in counts of an after period.
	w := UnitWeights()
	if beforeDays != afterDays {
		w.Before = float64(beforeDays) / float64(afterDays)
	}
	if m.WDD, err = WeightedWDD(c, w, DefaultAlpha); err != nil {
		panic(err)
	}
	if m.WDDDispersed, err = DispersedWDD(c, w, phi, DefaultAlpha); err != nil {
		panic(err)
	}
	var notes []string
	if beforeDays != afterDays {
		notes = append(notes, fmt.Sprintf("the before and after periods differ in length (%d and %d days), so the WDD is time-weighted: the before counts are scaled to the after period's length", beforeDays, afterDays))
	}
	if c.Rb > 0 && c.Cb > 0 && (c.Cb/c.Rb > 2 || c.Cb/c.Rb < 0.5) {
		notes = append(notes, fmt.Sprintf("the control area had %.3g times the treatment area's count before; the WDD compares differences of counts and assumes a control of similar size (Wheeler & Ratcliffe 2018), so read it with a comparable zones.control", c.Cb/c.Rb))
	}
	m.WDDNote = strings.Join(notes, "; ")
	return m
}

func periodStats(period sim.Period, first, last int, z *sim.Zones, usable int, drops []sim.DropRecord, tpd int) PeriodStats {
	ps := PeriodStats{Period: period.String(), FirstDay: first, LastDay: last, ZoneShare: map[string]Value{}}
	var xs, ys []float64
	perCell := map[int32]int{}
	var inZone [sim.NumZones]int
	for _, d := range drops {
		if z.PeriodOf(int(d.Placed)/tpd) != period {
			continue
		}
		xs, ys = append(xs, float64(d.X)+0.5), append(ys, float64(d.Y)+0.5)
		perCell[d.Y*int32(z.W)+d.X]++
		inZone[z.At(int(d.X), int(d.Y))]++
	}
	ps.Drops, ps.Sites = len(xs), len(perCell)
	const none = "the period has no drops"
	cx, cy, sd := Centroid(xs, ys)
	ps.CentroidX, ps.CentroidY, ps.StdDistance = value(cx, none), value(cy, none), value(sd, none)
	if el, ok := SDE(xs, ys); ok {
		ps.EllipseMajor, ps.EllipseMinor, ps.EllipseAngle = defined(el.Major), defined(el.Minor), defined(el.AngleDeg)
	} else {
		const few = "the ellipse needs at least 2 drops"
		ps.EllipseMajor, ps.EllipseMinor, ps.EllipseAngle = undefined(few), undefined(few), undefined(few)
	}
	if z.HasTreatment {
		ps.MeanDistTreatment = value(MeanDistance(xs, ys, z.CX, z.CY), none)
		for k := range sim.NumZones {
			if k == sim.ZoneBufferControl && !z.HasBufferControl {
				continue
			}
			ps.ZoneShare[k.String()] = value(float64(inZone[k])/float64(len(xs)), none)
		}
	} else {
		ps.MeanDistTreatment = undefined(z.Reason)
	}
	counts := make([]int, 0, len(perCell))
	sx := make([]float64, 0, len(perCell))
	sy := make([]float64, 0, len(perCell))
	for _, c := range slices.Sorted(maps.Keys(perCell)) { // in cell order: sums are reproducible
		counts = append(counts, perCell[c])
		sx, sy = append(sx, float64(int(c)%z.W)+0.5), append(sy, float64(int(c)/z.W)+0.5)
	}
	ps.TopShare = value(TopShare(counts, usable, 0.05), none)
	if len(xs) == 0 {
		ps.TopShare = undefined(none)
	}
	if nni, ok := NearestNeighbourIndex(sx, sy, float64(usable)); ok {
		ps.NNIR, ps.NNIZ = defined(nni.R), defined(nni.Z)
	} else {
		const few = "the nearest-neighbour index needs at least 2 drop sites"
		ps.NNIR, ps.NNIZ = undefined(few), undefined(few)
	}
	return ps
}

// RingMeasure is one distance ring's counts: cells From to To (Chebyshev
// distance from the treatment area), before and after, and its change
// relative to the reference area beyond the last ring, (After / Before) /
// (reference after / reference before) - 1: 0 is no change beyond the
// city's trend, positive a rise (displacement into the ring), negative a
// fall (diffusion of benefits).
type RingMeasure struct {
	Ring     int     `json:"ring"`
	From, To int     `json:"-"`
	Before   float64 `json:"before"`
	After    float64 `json:"after"`
	Change   Value   `json:"change"`
}

// MarshalJSON names the ring's distances.
func (r RingMeasure) MarshalJSON() ([]byte, error) {
	type plain RingMeasure
	return json.Marshal(struct {
		plain
		From int `json:"from_cells"`
		To   int `json:"to_cells"`
	}{plain(r), r.From, r.To})
}

// rings are the counts of each distance ring and their changes.
func (c *zoneCounts) rings() []RingMeasure {
	b, a := sim.PeriodBefore, sim.PeriodAfter
	ref := c.ring[c.z.Rings+1]
	var out []RingMeasure
	for k := 1; k <= c.z.Rings; k++ {
		r := RingMeasure{Ring: k, From: (k-1)*c.z.RingWidth + 1, To: k * c.z.RingWidth, Before: c.ring[k][b], After: c.ring[k][a]}
		switch {
		case r.Before == 0:
			r.Change = undefined("no events in the ring before")
		case ref[b] == 0 || ref[a] == 0:
			r.Change = undefined("no events beyond the rings before or after")
		default:
			r.Change = defined((r.After/r.Before)/(ref[a]/ref[b]) - 1)
		}
		out = append(out, r)
	}
	return out
}
