package sim

import (
	"reflect"
	"testing"
)

// polygonZoneParams is zoneParams with a polygon treatment area instead of
// the crackdown's rectangle.
func polygonZoneParams() Params {
	p := zoneParams()
	p.Zones.Polygon = [][]int{{20, 10}, {45, 14}, {38, 40}, {30, 22}, {12, 35}}
	return p
}

// TestZonesBuiltOnce: Validate (the loader's), sim.New (which validates
// again) and BuildZones (the command's) build the zones once between them,
// and what BuildZones returns is what a fresh build gives.
func TestZonesBuiltOnce(t *testing.T) {
	p := polygonZoneParams()
	before := ZoneBuilds()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	z := p.BuildZones(nil)
	z2 := m.P.BuildZones(nil)
	if n := ZoneBuilds() - before; n != 1 {
		t.Errorf("Validate, New and BuildZones built the zones %d times, want 1", n)
	}
	fresh := polygonZoneParams() // never validated: BuildZones builds
	want := fresh.BuildZones(nil)
	if n := ZoneBuilds() - before; n != 2 {
		t.Errorf("BuildZones of unvalidated parameters: %d builds in all, want 2", n)
	}
	if !reflect.DeepEqual(z, want) || !reflect.DeepEqual(z2, want) {
		t.Errorf("the zones kept by Validate differ from a fresh build")
	}
	if z.Cells[ZoneTreatment] == 0 || z == z2 {
		t.Errorf("treatment cells %d; BuildZones gave one *Zones twice: %v", z.Cells[ZoneTreatment], z == z2)
	}
	// A second Validate of the same inputs builds nothing either.
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := ZoneBuilds() - before; n != 2 {
		t.Errorf("Validate again: %d builds in all, want 2", n)
	}
}

// TestZonesRebuiltAfterChange: a change to any input of the zones after
// Validate, in a copy or in place in a slice the copies share, gives the
// zones of the changed parameters, and the untouched original keeps its own.
func TestZonesRebuiltAfterChange(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(p *Params)
	}{
		{"a polygon vertex, in place", func(p *Params) { p.Zones.Polygon[2][0] = 60 }},
		{"another polygon", func(p *Params) { p.Zones.Polygon = [][]int{{5, 5}, {50, 5}, {5, 50}} }},
		{"a rectangle instead", func(p *Params) { p.Zones.Polygon, p.Zones.Treatment = nil, []int{10, 10, 30, 30} }},
		{"buffer width", func(p *Params) { p.Zones.BufferWidth = 2 }},
		{"control gap", func(p *Params) { p.Zones.ControlGap = 12 }},
		{"control", func(p *Params) { p.Zones.Control = []int{70, 70, 99, 99} }},
		{"buffer control", func(p *Params) { p.Zones.Control, p.Zones.BufferControl = []int{70, 70, 99, 99}, []int{0, 80, 9, 99} }},
		{"split day", func(p *Params) { p.Zones.SplitDay = 30 }},
		{"gap days", func(p *Params) { p.Zones.GapDays = 7 }},
		{"before days", func(p *Params) { p.Zones.BeforeDays = 20 }},
		{"after days", func(p *Params) { p.Zones.AfterDays = 20 }},
		{"days", func(p *Params) { p.Days = 150; p.Police.Groups[0].EndDay, p.Police.Groups[1].EndDay = 150, 150 }},
		{"grid width", func(p *Params) { p.City.Width = 120 }},
		{"grid height", func(p *Params) { p.City.Height = 80 }},
		{"a group's start, in place", func(p *Params) { p.Police.Groups[1].StartDay = 90 }},
		{"the area group, by name", func(p *Params) { p.Zones.Polygon, p.Zones.Group = nil, "crackdown" }},
		{"the group's area, in place", func(p *Params) {
			p.Zones.Polygon, p.Zones.Group = nil, "crackdown"
			p.Police.Groups[1].Area[0] = 40
		}},
	} {
		p := polygonZoneParams()
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
		old := p.BuildZones(nil)
		// The same edit on parameters never validated gives the zones wanted.
		fresh := polygonZoneParams()
		c.edit(&fresh)
		want := fresh.BuildZones(nil)
		if reflect.DeepEqual(old, want) {
			t.Fatalf("%s: the edit does not change the zones; the case tests nothing", c.name)
		}
		q := p // a copy sharing p's zones and slices
		c.edit(&q)
		before := ZoneBuilds()
		if got := q.BuildZones(nil); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: BuildZones after the change gives stale zones", c.name)
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := q.BuildZones(nil); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: BuildZones after Validate of the change gives stale zones", c.name)
		}
		if n := ZoneBuilds() - before; n != 2 {
			t.Errorf("%s: %d builds, want 2 (BuildZones, then Validate; the last BuildZones reuses)", c.name, n)
		}
		// The original has the zones of its own inputs, which an edit in
		// place has reached too: as built afresh without the kept zones.
		unkept := p
		unkept.built = nil
		if !reflect.DeepEqual(p.BuildZones(nil), unkept.BuildZones(nil)) {
			t.Errorf("%s: the original's zones are stale after the copy changed", c.name)
		}
	}
}

// TestZonesNotKeptWhenInvalid: zones with problems are not kept, so
// BuildZones builds them again and a fixed scenario validates afresh.
func TestZonesNotKeptWhenInvalid(t *testing.T) {
	p := polygonZoneParams()
	p.Zones.Control = []int{20, 10, 30, 20} // overlaps the treatment area
	if err := p.Validate(); err == nil {
		t.Fatal("an overlapping control validated")
	}
	if p.built != nil {
		t.Error("Validate kept zones with problems")
	}
	before := ZoneBuilds()
	p.BuildZones(nil)
	if n := ZoneBuilds() - before; n != 1 {
		t.Errorf("BuildZones of invalid parameters: %d builds, want 1", n)
	}
}

// TestParamsEqual: Equal ignores the zones Validate keeps, and nothing else.
func TestParamsEqual(t *testing.T) {
	p, q := polygonZoneParams(), polygonZoneParams()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(p, q) {
		t.Fatal("validated parameters are DeepEqual to unvalidated ones; the test tests nothing")
	}
	if !p.Equal(q) || !q.Equal(p) {
		t.Error("validated and unvalidated copies of the same parameters are not Equal")
	}
	for name, edit := range map[string]func(q *Params){
		"a zone parameter":     func(q *Params) { q.Zones.BufferWidth = 4 },
		"a polygon vertex":     func(q *Params) { q.Zones.Polygon[0][1]++ },
		"another parameter":    func(q *Params) { q.Market.Price++ },
		"a police group count": func(q *Params) { q.Police.Groups[0].Count++ },
	} {
		q := polygonZoneParams()
		edit(&q)
		if p.Equal(q) || q.Equal(p) {
			t.Errorf("%s changed, yet Equal", name)
		}
	}
}

// TestZoneInputsSuffice: the zones built from the reduced copy zoneInputs
// equal those built from the whole parameters, so buildZones reads nothing
// that the comparison of inputs leaves out.
func TestZoneInputsSuffice(t *testing.T) {
	for name, edit := range map[string]func(p *Params){
		"area group": func(p *Params) {},
		"polygon":    func(p *Params) { p.Zones.Polygon = polygonZoneParams().Zones.Polygon },
		"group":      func(p *Params) { p.Zones.Group, p.Zones.SplitDay, p.Zones.GapDays = "crackdown", 70, 3 },
		"controls": func(p *Params) {
			p.Zones.Control, p.Zones.BufferControl, p.Zones.BeforeDays = []int{0, 60, 39, 99}, []int{80, 70, 99, 99}, 40
		},
	} {
		p := zoneParams()
		edit(&p)
		whole, errs := p.buildZones()
		if len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs[0])
		}
		if !reflect.DeepEqual(whole, p.BuildZones(nil)) {
			t.Errorf("%s: the zones of zoneInputs differ from those of the whole parameters", name)
		}
	}
}
