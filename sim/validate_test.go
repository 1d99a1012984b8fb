package sim

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// paramErrors unwraps Validate's joined error into its ParamErrors.
func paramErrors(t *testing.T, err error) []*ParamError {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []*ParamError
	for _, e := range errs {
		var pe *ParamError
		if !errors.As(e, &pe) {
			t.Fatalf("%T %q is not a *ParamError", e, e)
		}
		out = append(out, pe)
	}
	return out
}

func TestValidateDefaults(t *testing.T) {
	p := DefaultParams()
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	p.Police.Groups = []GroupParams{DefaultGroup(p.Days),
		{Strategy: "area", Count: 5, StartDay: 10, EndDay: p.Days, Area: []int{0, 0, 99, 99}},
		{Strategy: "uniform", Count: 1, StartDay: p.Days, EndDay: p.Days},
		{Strategy: "none", Count: 0}}
	if err := p.Validate(); err != nil {
		t.Fatalf("defaults with groups: %v", err)
	}
}

func TestValidateKeys(t *testing.T) {
	area := func(a ...int) func(*Params) {
		return func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "area", Count: 3, StartDay: 0, EndDay: p.Days, Area: a}}
		}
	}
	for _, c := range []struct {
		name  string
		edit  func(*Params)
		keys  []string
		value any // of the first error, if not nil
	}{
		{"quota 0", func(p *Params) { p.Stasher.Quota = 0 }, []string{"stasher.quota"}, 0},
		{"no name", func(p *Params) { p.Name = "" }, []string{"name"}, ""},
		{"a name with a slash", func(p *Params) { p.Name = "a/b" }, []string{"name"}, "a/b"},
		{"name ..", func(p *Params) { p.Name = ".." }, []string{"name"}, ".."},
		{"a name with an escape", func(p *Params) { p.Name = "a\x1b[2Jb" }, []string{"name"}, "a\x1b[2Jb"},
		{"a name with a NUL", func(p *Params) { p.Name = "a\x00" }, []string{"name"}, "a\x00"},
		{"a name with a newline", func(p *Params) { p.Name = "a\nb" }, []string{"name"}, "a\nb"},
		{"a name with a tab", func(p *Params) { p.Name = "a\tb" }, []string{"name"}, "a\tb"},
		{"a name with DEL", func(p *Params) { p.Name = "a\x7f" }, []string{"name"}, "a\x7f"},
		{"a name with a C1 control", func(p *Params) { p.Name = "a\u0085" }, []string{"name"}, "a\u0085"},
		{"a name not UTF-8", func(p *Params) { p.Name = "a\xff" }, []string{"name"}, "a\xff"},
		{"a name of 100 bytes", func(p *Params) { p.Name = strings.Repeat("n", 100) }, nil, nil},
		{"a name of 100 bytes in 50 letters", func(p *Params) { p.Name = strings.Repeat("é", 50) }, nil, nil},
		{"a name of 101 bytes", func(p *Params) { p.Name = strings.Repeat("n", 101) }, []string{"name"}, strings.Repeat("n", 101)},
		{"a name of 102 bytes in 34 letters", func(p *Params) { p.Name = strings.Repeat("€", 34) }, []string{"name"}, nil},
		{"a name with spaces and accents", func(p *Params) { p.Name = "Crackdown in Göteborg, 2024" }, nil, nil},
		{"find_prob 1.5", func(p *Params) { p.Police.FindProb = 1.5 }, []string{"police.find_prob"}, 1.5},
		{"find_prob negative", func(p *Params) { p.Police.FindProb = -0.1 }, []string{"police.find_prob"}, -0.1},
		{"area past the right edge", area(90, 10, 100, 20), []string{"police.group[1].area"}, []int{90, 10, 100, 20}},
		{"area past the bottom edge", area(0, 0, 10, 100), []string{"police.group[1].area"}, nil},
		{"area with a negative corner", area(-1, 0, 10, 10), []string{"police.group[1].area"}, nil},
		{"area upside down", area(10, 10, 5, 20), []string{"police.group[1].area"}, nil},
		{"area with 3 numbers", area(1, 2, 3), []string{"police.group[1].area"}, nil},
		{"area of the whole grid", area(0, 0, 99, 99), nil, nil},
		{"end_day past days", func(p *Params) {
			p.Police.Groups = []GroupParams{DefaultGroup(p.Days), {Strategy: "random", Count: 1, StartDay: 0, EndDay: p.Days + 1}}
		}, []string{"police.group[2].end_day"}, 181},
		{"end_day before start_day", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 1, StartDay: 50, EndDay: 40}}
		}, []string{"police.group[1].end_day"}, 40},
		{"start_day after days, end_day the default", func(p *Params) {
			p.Police.Groups = []GroupParams{DefaultGroup(p.Days), {Strategy: "random", Count: 1, StartDay: 200, EndDay: p.Days}}
		}, []string{"police.group[2].start_day"}, 200},
		{"start_day after days, end_day too", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 1, StartDay: 200, EndDay: 250}}
		}, []string{"police.group[1].start_day", "police.group[1].end_day"}, 200},
		{"start_day on the last day", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 1, StartDay: p.Days, EndDay: p.Days}}
		}, nil, nil},
		{"start_day negative", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 1, StartDay: -1, EndDay: 10}}
		}, []string{"police.group[1].start_day"}, -1},
		{"unknown strategy", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "hotspots", Count: 1, EndDay: 10}}
		}, []string{"police.group[1].strategy"}, "hotspots"},
		{"cctv without cameras", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "cctv", Count: 5, EndDay: 10}}
		}, []string{"police.group[1].cameras"}, ""},
		{"cameras on a patrol", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 5, EndDay: 10, Cameras: "area"}}
		}, []string{"police.group[1].cameras"}, "area"},
		{"cameras on an area without an area", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "cctv", Cameras: "area", Count: 5, EndDay: 10}}
		}, []string{"police.group[1].area"}, nil},
		{"a listed camera off the grid", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "cctv", Cameras: "list", Cells: [][]int{{1, 1}, {100, 3}}, EndDay: 10}}
		}, []string{"police.group[1].cells[2]"}, "[100 3]"},
		{"cameras listed without cells", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "cctv", Cameras: "list", EndDay: 10}}
		}, []string{"police.group[1].cells"}, "[]"},
		{"cells on hot-spot cameras", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "cctv", Cameras: "hotspots", Count: 2, Cells: [][]int{{1, 1}}, EndDay: 10, ZoneSize: 10, Zones: 3, MemoryDays: 7}}
		}, []string{"police.group[1].cells"}, nil},
		{"hot spots of zone size 0", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "hotspot", Count: 2, EndDay: 10, Zones: 3, MemoryDays: 7}}
		}, []string{"police.group[1].zone_size"}, 0},
		{"hot spots without memory", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "hotspot", Count: 2, EndDay: 10, ZoneSize: 10, Zones: 3}}
		}, []string{"police.group[1].memory_days"}, 0.0},
		{"hot-spot cameras and patrol", func(p *Params) {
			p.Police.Groups = []GroupParams{
				{Strategy: "cctv", Cameras: "hotspots", Count: 5, EndDay: 10, ZoneSize: 10, Zones: 3, MemoryDays: 7},
				{Strategy: "hotspot", Count: 4, EndDay: 10, ZoneSize: 5, Zones: 2, MemoryDays: 3},
			}
		}, nil, nil},
		{"checkpoints fewer than units", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "interdiction", Count: 3, Cells: [][]int{{1, 1}}, EndDay: 10, InterceptProb: 0.5}}
		}, []string{"police.group[1].count"}, 3},
		{"an intercept chance above 1", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "interdiction", Count: 3, EndDay: 10, InterceptProb: 1.5}}
		}, []string{"police.group[1].intercept_prob"}, 1.5},
		{"an intercept chance on a patrol", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 3, EndDay: 10, InterceptProb: 0.9}}
		}, []string{"police.group[1].intercept_prob"}, 0.9},
		{"test purchases too often", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Tactic: "test_purchase", Count: 2, EndDay: 10, PurchasesPerDay: 30, TargetDays: 7}}
		}, []string{"police.group[1].purchases_per_day"}, 30.0},
		{"a target without test purchases", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 2, EndDay: 10, TargetDays: 3}}
		}, []string{"police.group[1].target_days"}, 3.0},
		{"a takedown of a marketplace that does not exist", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "takedown", EndDay: 10, Marketplace: 2, BuyerLoss: 0.5, MigrateDays: 3}}
		}, []string{"police.group[1].marketplace"}, 2},
		{"more marketplaces than shops", func(p *Params) { p.Market.Marketplaces = 5 }, []string{"market.marketplaces"}, 5},
		{"a buyer loss on a patrol", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 1, EndDay: 10, BuyerLoss: 0.9}}
		}, []string{"police.group[1].buyer_loss"}, 0.9},
		{"a legend not UTF-8", func(p *Params) { p.City.Legend = map[string]string{"0": "\x87"} }, []string{"city.legend"}, nil},
		{"codes not UTF-8", func(p *Params) { p.City.Codes = map[string]string{"\xff": "water"} }, []string{"city.codes"}, nil},
		{"an unknown tactic", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Tactic: "ambush", Count: 2, EndDay: 10}}
		}, []string{"police.group[1].tactic"}, "ambush"},
		{"a tactic for cameras", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "cctv", Cameras: "list", Cells: [][]int{{1, 1}}, Tactic: "search", EndDay: 10}}
		}, []string{"police.group[1].tactic"}, "search"},
		{"area without the area strategy", func(p *Params) {
			p.Police.Groups = []GroupParams{{Strategy: "random", Count: 1, EndDay: 10, Area: []int{1, 1, 2, 2}}}
		}, []string{"police.group[1].area"}, nil},
		{"tick_minutes 7", func(p *Params) { p.TickMinutes = 7 }, []string{"tick_minutes"}, 7},
		{"shift ends before it starts", func(p *Params) { p.Stasher.ShiftStart, p.Stasher.ShiftEnd = 20, 10 }, []string{"stasher.shift_end"}, 10},
		{"23 diurnal weights", func(p *Params) { p.Buyers.Diurnal = p.Buyers.Diurnal[:23] }, []string{"buyers.diurnal"}, nil},
		{"a negative diurnal weight", func(p *Params) { p.Buyers.Diurnal[3] = -1 }, []string{"buyers.diurnal[3]"}, -1.0},
		{"fewer stashers than shops", func(p *Params) { p.Organization.Stashers = 3 }, []string{"organization.stashers"}, 3},
		{"cover 1", func(p *Params) { p.City.LandUse.Park.Cover = 1 }, []string{"city.landuse.park.cover"}, 1.0},
		{"loss_rate 1", func(p *Params) { p.Market.LossRate = 1 }, []string{"market.loss_rate"}, 1.0},
		{"three mistakes", func(p *Params) {
			p.Stasher.Quota = 0
			p.Police.FindProb = 1.5
			p.Police.Groups = []GroupParams{{Strategy: "area", Count: 2, StartDay: 0, EndDay: p.Days + 5, Area: []int{0, 0, 10, 10}}}
		}, []string{"stasher.quota", "police.find_prob", "police.group[1].end_day"}, nil},
	} {
		p := DefaultParams()
		c.edit(&p)
		err := p.Validate()
		pes := paramErrors(t, err)
		var keys []string
		for _, pe := range pes {
			keys = append(keys, pe.Key)
			if pe.Allowed == "" {
				t.Errorf("%s: %s has no allowed range", c.name, pe.Key)
			}
		}
		if !slices.Equal(keys, c.keys) {
			t.Errorf("%s: error keys %q, want %q (%v)", c.name, keys, c.keys, err)
			continue
		}
		if c.value != nil && !equalValue(pes[0].Value, c.value) {
			t.Errorf("%s: value %#v, want %#v", c.name, pes[0].Value, c.value)
		}
		// New refuses the same parameters with the same error.
		if _, nerr := New(p, 1); (nerr == nil) != (err == nil) || (err != nil && nerr.Error() != err.Error()) {
			t.Errorf("%s: New says %v, Validate says %v", c.name, nerr, err)
		}
		// errors.As finds the first ParamError through errors.Join.
		if len(c.keys) > 0 {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Key != c.keys[0] {
				t.Errorf("%s: errors.As gave %v", c.name, pe)
			}
		}
	}
}

func equalValue(a, b any) bool {
	if x, ok := a.([]int); ok {
		y, ok := b.([]int)
		return ok && slices.Equal(x, y)
	}
	return a == b
}

func TestParamErrorMessage(t *testing.T) {
	for _, c := range []struct {
		e    ParamError
		want string
	}{
		{ParamError{"stasher.quota", 0, "a whole number from 1 to 10000"}, "stasher.quota = 0 is not allowed: a whole number from 1 to 10000"},
		{ParamError{"city.generator", "grid", `"radial"`}, `city.generator = "grid" is not allowed: "radial"`},
		{ParamError{"police.group[2].area", []int{1, 2, 3}, "x"}, "police.group[2].area = [1, 2, 3] is not allowed: x"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

// TestNameNotRaw: a name with control characters is refused in a message
// that shows them escaped.
func TestNameNotRaw(t *testing.T) {
	p := DefaultParams()
	p.Name = "a\x1b[2J\nb\x00"
	err := p.Validate()
	if err == nil {
		t.Fatal("accepted")
	}
	if msg := err.Error(); strings.IndexFunc(msg, unicode.IsControl) >= 0 || !strings.HasPrefix(msg, `name = "a\x1b[2J\nb\x00" is not allowed: `) {
		t.Errorf("got %q", msg)
	}
}

// TestRectangleOutsideTheGrid: a rectangle that does not fit names the
// corner outside the 100 x 100 grid, or the corners out of order,
// whichever key holds it.
func TestRectangleOutsideTheGrid(t *testing.T) {
	const want = "a rectangle [x0, y0, x1, y1] inside the grid"
	const grid = "the 100 x 100 grid (x from 0 to 99, y from 0 to 99)"
	area := func(a ...int) func(*Params) { return func(p *Params) { p.Police.Groups[1].Area = a } }
	zones := func(treatment, control, buffer []int) func(*Params) {
		return func(p *Params) {
			p.Zones.Treatment, p.Zones.Control, p.Zones.BufferControl = treatment, control, buffer
		}
	}
	inside := []int{10, 10, 20, 20}
	for _, c := range []struct {
		name     string
		edit     func(*Params)
		key, msg string
	}{
		{"group area, far corner", area(90, 10, 120, 95), "police.group[2].area", want + "; the corner (x1, y1) = (120, 95) lies outside " + grid},
		{"group area, near corner", area(-1, 5, 10, 10), "police.group[2].area", want + "; the corner (x0, y0) = (-1, 5) lies outside " + grid},
		{"group area, y only", area(0, 0, 99, 100), "police.group[2].area", want + "; the corner (x1, y1) = (99, 100) lies outside " + grid},
		{"group area upside down", area(10, 20, 15, 10), "police.group[2].area", want + ", with y0 <= y1 (here y0 = 20, y1 = 10)"},
		{"treatment, both corners", zones([]int{-5, 0, 10, 100}, nil, nil), "zones.treatment",
			want + "; the corners (x0, y0) = (-5, 0) and (x1, y1) = (10, 100) lie outside " + grid},
		{"treatment of three numbers", zones([]int{1, 2, 3}, nil, nil), "zones.treatment", want + ", four numbers (here 3)"},
		{"control", zones(inside, []int{50, 50, 100, 60}, nil), "zones.control", want + "; the corner (x1, y1) = (100, 60) lies outside " + grid},
		{"control, x reversed", zones(inside, []int{60, 50, 40, 60}, nil), "zones.control", want + ", with x0 <= x1 (here x0 = 60, x1 = 40)"},
		{"buffer control", zones(inside, nil, []int{0, 99, 5, 100}), "zones.buffer_control", want + "; the corner (x1, y1) = (5, 100) lies outside " + grid},
	} {
		p := zoneParams()
		c.edit(&p)
		pes := paramErrors(t, p.Validate())
		if len(pes) != 1 || pes[0].Key != c.key || pes[0].Allowed != c.msg {
			t.Errorf("%s: %v\nwant %s: %s", c.name, pes, c.key, c.msg)
		}
	}
}
