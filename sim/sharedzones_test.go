package sim

import (
	"reflect"
	"testing"
)

// crackdownParams are scenarios/crackdown.toml: the default city, a
// crackdown of 25 units on [55, 30, 69, 44] from day 60 and a background
// patrol of 5 (the zones come from the area group).
func crackdownParams() Params {
	p := DefaultParams()
	p.Name = "crackdown"
	p.Police.Groups = []GroupParams{
		{Name: "crackdown", Strategy: "area", Count: 25, StartDay: 60, EndDay: 180, Area: []int{55, 30, 69, 44}},
		{Name: "background", Strategy: "random", Count: 5, StartDay: 0, EndDay: 180},
	}
	return p
}

func TestSharedZones(t *testing.T) {
	polygon := [][]int{{50, 30}, {70, 30}, {60, 45}}
	for _, tc := range []struct {
		name   string
		params func() Params
		want   ZoneParams // by hand
	}{
		{"crackdown: the area group's rectangle and start", crackdownParams,
			ZoneParams{Treatment: []int{55, 30, 69, 44}, BufferWidth: 5, ControlMethod: ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4, SplitDay: 60, BeforeDays: 50, AfterDays: 50}},
		{"a polygon, split by the area group, with a gap", func() Params {
			p := crackdownParams()
			p.Zones.Polygon, p.Zones.GapDays = polygon, 5
			return p
		}, ZoneParams{Polygon: polygon, BufferWidth: 5, ControlMethod: ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4, SplitDay: 60, GapDays: 5, BeforeDays: 50, AfterDays: 50}},
		{"a named group, a late split, a control", func() Params {
			p := crackdownParams()
			p.Zones.Group, p.Zones.SplitDay, p.Zones.Control = "crackdown", 150, []int{0, 0, 20, 20}
			return p
		}, ZoneParams{Treatment: []int{55, 30, 69, 44}, BufferWidth: 5, ControlMethod: ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4, Control: []int{0, 0, 20, 20}, SplitDay: 150, BeforeDays: 30, AfterDays: 30}},
		{"unequal periods given", func() Params {
			p := crackdownParams()
			p.Zones.BeforeDays = 40
			return p
		}, ZoneParams{Treatment: []int{55, 30, 69, 44}, BufferWidth: 5, ControlMethod: ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4, SplitDay: 60, BeforeDays: 40, AfterDays: 40}},
		{"a treatment from day 0: no periods, none shared", func() Params {
			p := crackdownParams()
			p.Police.Groups[0].StartDay = 0
			return p
		}, ZoneParams{Treatment: []int{55, 30, 69, 44}, BufferWidth: 5, ControlMethod: ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4}},
		{"no treatment area: unchanged", func() Params {
			p := DefaultParams()
			p.Zones.SplitDay, p.Zones.GapDays = 30, 2
			return p
		}, ZoneParams{BufferWidth: 5, ControlMethod: ControlMatched, ControlGap: 5, RingWidth: 5, Rings: 4, SplitDay: 30, GapDays: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.params()
			orig := mustZones(t, p)
			shared := p.SharedZones()
			if !reflect.DeepEqual(shared, tc.want) {
				t.Fatalf("SharedZones\n %+v\nwant\n %+v", shared, tc.want)
			}
			// The default city without police, with the shared zones.
			q := DefaultParams()
			q.Zones = shared
			got := mustZones(t, q)
			sameZones(t, got, orig)
		})
	}
}

// sameZones compares the labels of every cell, the cell counts and the periods.
func sameZones(t *testing.T, got, want *Zones) {
	t.Helper()
	if got.HasTreatment != want.HasTreatment || got.Cells != want.Cells {
		t.Errorf("treatment %v, cells %v; want %v, %v", got.HasTreatment, got.Cells, want.HasTreatment, want.Cells)
	}
	for y := range want.H {
		for x := range want.W {
			if got.At(x, y) != want.At(x, y) {
				t.Fatalf("cell (%d, %d) is %s, want %s", x, y, got.At(x, y), want.At(x, y))
			}
		}
	}
	if got.HasPeriods != want.HasPeriods || got.BeforeStart != want.BeforeStart || got.SplitDay != want.SplitDay ||
		got.AfterStart != want.AfterStart || got.AfterEnd != want.AfterEnd {
		t.Errorf("periods %v [%d, %d) [%d, %d), want %v [%d, %d) [%d, %d)", got.HasPeriods, got.BeforeStart, got.SplitDay, got.AfterStart, got.AfterEnd,
			want.HasPeriods, want.BeforeStart, want.SplitDay, want.AfterStart, want.AfterEnd)
	}
}

// TestSharedZonesAreCopies: changing the shared zones leaves the scenario's alone.
func TestSharedZonesAreCopies(t *testing.T) {
	p := crackdownParams()
	p.Zones.Polygon = [][]int{{50, 30}, {70, 30}, {60, 45}}
	p.Zones.Control = []int{0, 0, 20, 20}
	z := p.SharedZones()
	z.Polygon[0][0], z.Control[0] = 1, 1
	if p.Zones.Polygon[0][0] != 50 || p.Zones.Control[0] != 0 {
		t.Errorf("SharedZones shares memory with the scenario: %v %v", p.Zones.Polygon, p.Zones.Control)
	}
	q := crackdownParams()
	q.SharedZones().Treatment[0] = 1
	if q.Police.Groups[0].Area[0] != 55 {
		t.Errorf("SharedZones shares the group's area: %v", q.Police.Groups[0].Area)
	}
}
