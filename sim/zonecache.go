package sim

import (
	"reflect"
	"slices"
	"sync/atomic"

	"dropsim/sim/grid"
)

// The zones of a scenario are built once per run: Validate keeps the zones
// it built in Params.built with the inputs they came from, copies of the
// Params (the loader's result, sim.New's copy, the command's) share them,
// and BuildZones and later Validate calls reuse them while the inputs are
// unchanged.

// builtZones are zones built without problems, and a private deep copy of
// the inputs they were built from. Once made it never changes: Validate
// replaces the pointer in its own Params rather than update what copies
// share.
type builtZones struct {
	from  Params // zoneInputs(p, true)
	zones *Zones
}

// zoneInputs is p reduced to what the zones are built from: the days, the
// grid's size, the police groups and [zones]; with deep, it shares no
// memory with p, so that a later change to p in place cannot reach it. The
// zones are built from this reduced copy only, so no input can escape the
// comparison in matches: a field left out here reads as zero in
// buildZones.
func zoneInputs(p *Params, deep bool) Params {
	q := Params{Days: p.Days, WarmupDays: p.WarmupDays, Police: PoliceParams{Groups: p.Police.Groups}, Zones: p.Zones}
	q.City.Width, q.City.Height = p.City.Width, p.City.Height
	if deep {
		q.Police.Groups = slices.Clone(q.Police.Groups)
		for i := range q.Police.Groups {
			q.Police.Groups[i].Area = slices.Clone(q.Police.Groups[i].Area)
		}
		z := &q.Zones
		z.Treatment, z.Control, z.BufferControl = slices.Clone(z.Treatment), slices.Clone(z.Control), slices.Clone(z.BufferControl)
		z.Polygon = slices.Clone(z.Polygon)
		for i := range z.Polygon {
			z.Polygon[i] = slices.Clone(z.Polygon[i])
		}
	}
	return q
}

// matches reports whether b holds the zones of p's present inputs.
func (b *builtZones) matches(p *Params) bool {
	return b != nil && reflect.DeepEqual(b.from, zoneInputs(p, false))
}

// zoneBuilds counts the zones built, for ZoneBuilds.
var zoneBuilds atomic.Int64

// ZoneBuilds returns how many times this process has built zones from
// parameters (in Validate or BuildZones). It is a diagnostic, for the
// tests that check that a run builds its zones once.
func ZoneBuilds() int64 { return zoneBuilds.Load() }

// newZones builds the zones of p's inputs, returning them with those inputs.
func newZones(p *Params) (*Zones, Params, []*ParamError) {
	zoneBuilds.Add(1)
	from := zoneInputs(p, true)
	z, errs := from.buildZones()
	return z, from, errs
}

// checkZones builds the zones for Validate and reports their problems.
// Zones without problems are kept in p for BuildZones, and a second
// Validate of the same inputs (sim.New after the loader) finds them.
func (p *Params) checkZones() []*ParamError {
	if p.built.matches(p) {
		return nil // built from these very inputs, without problems
	}
	z, from, errs := newZones(p)
	p.built = nil
	if len(errs) == 0 {
		p.built = &builtZones{from: from, zones: z}
	}
	return errs
}

// BuildZones resolves the scenario's zones on its grid, whose land use
// (by cell id, as Model.Land gives it) places a matched control area. The
// parameters must be valid. Without land (nil), a matched control is left
// pending: no cell is in the control area. It reuses the geometry Validate
// built when the zones' inputs (the days, the grid's size, the police
// groups and [zones]) have not changed since, and builds it afresh
// otherwise.
func (p *Params) BuildZones(land []grid.Class) *Zones {
	var z *Zones
	if p.built.matches(p) {
		c := *p.built.zones // a copy: the label is shared, but nothing writes it
		c.TreatmentRect = slices.Clone(c.TreatmentRect)
		z = &c
	} else {
		z, _, _ = newZones(p)
	}
	return z.matchLandUse(land, &p.Zones)
}

// Equal reports whether p and q are the same parameters. Compare Params
// with it, not with reflect.DeepEqual, which also compares the zones
// Validate keeps in a Params (as == on time.Time compares its monotonic
// clock reading): a validated Params is not DeepEqual to the same
// parameters unvalidated.
func (p Params) Equal(q Params) bool {
	p.built, q.built = nil, nil
	return reflect.DeepEqual(p, q)
}
