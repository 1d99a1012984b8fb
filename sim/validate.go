package sim

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParamError is one bad parameter: its scenario key, its value, and what is
// allowed. Validate joins all of them with errors.Join so that a file with
// three mistakes reports three.
type ParamError struct {
	Key     string // scenario key, e.g. "stasher.quota" or "police.group[2].area"
	Value   any
	Allowed string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("%s = %s is not allowed: %s", e.Key, formatValue(e.Value), e.Allowed)
}

func formatValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("%q", v)
	case []int:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fmt.Sprint(x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// Limits that keep a run within memory; they are checked before anything is
// allocated.
const (
	MaxCells   = 25_000_000
	MaxSide    = 100_000 // cells along one side
	MaxBuyers  = 10_000_000
	MaxUnits   = 100_000
	MaxShops   = 1_000
	MaxDays    = 100 * 365
	MaxMembers = 100_000
)

// MaxNameBytes bounds a scenario's name, which names its output directory
// outputs/<name>. File names are at most 255 bytes on common file systems
// (ext4, XFS, APFS; NTFS counts 255 UTF-16 units), and users name their
// -out directories after a scenario with a suffix ("crackdown-seed7");
// 100 leaves room for that.
const MaxNameBytes = 100

// The ranges of city.cell_m and of city.origin_x and origin_y (either way
// from zero), in metres. The map readers check an ESRI grid's header, which
// sets them, against the same ranges.
const (
	MinCellM  = 0.001
	MaxCellM  = 1e6
	MaxOrigin = 1e12
)

// Validate checks every parameter's range and the cross-checks between them.
func (p *Params) Validate() error {
	var v validator
	switch n := p.Name; {
	case n == "" || strings.ContainsAny(n, `/\`) || n == "." || n == "..":
		v.bad("name", n, "a non-empty name without / or \\ (it names the output directory outputs/<name>)")
	case strings.IndexFunc(n, unicode.IsControl) >= 0 || !utf8.ValidString(n):
		v.bad("name", n, "a name of UTF-8 text without control characters such as newline, tab or escape (it names the output directory outputs/<name> and is printed in messages)")
	case len(n) > MaxNameBytes:
		v.bad("name", n, fmt.Sprintf("a name of at most %d bytes, here %d (it names the output directory outputs/<name>)", MaxNameBytes, len(n)))
	}
	v.limit("days", p.Days, 1, MaxDays, "MaxDays")
	v.intIn("warmup_days", p.WarmupDays, 0, MaxDays)
	if !(p.TickMinutes > 0 && p.TickMinutes <= 60 && 60%p.TickMinutes == 0) {
		v.bad("tick_minutes", p.TickMinutes, "one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60 (a divisor of an hour)")
	}

	c := &p.City
	v.limit("city.width", c.Width, 2, MaxSide, "MaxSide")
	v.limit("city.height", c.Height, 2, MaxSide, "MaxSide")
	if c.Width >= 2 && c.Height >= 2 && c.Width <= MaxSide && c.Height <= MaxSide && c.Width*c.Height > MaxCells {
		v.bad("city.width", c.Width, fmt.Sprintf("width x height at most %d cells (here %d x %d); sim.MaxCells in sim/validate.go is the limit: raise it there and rebuild to go bigger", MaxCells, c.Width, c.Height))
	}
	v.numIn("city.cell_m", c.CellM, MinCellM, MaxCellM)
	v.numIn("city.origin_x", c.OriginX, -MaxOrigin, MaxOrigin)
	v.numIn("city.origin_y", c.OriginY, -MaxOrigin, MaxOrigin)
	if auth, code, ok := strings.Cut(c.CRS, ":"); c.CRS != "" && (!ok || auth == "" || code == "" || strings.ContainsAny(c.CRS, " \t\"\\/")) {
		v.bad("city.crs", c.CRS, `"" or an authority and code such as "EPSG:32637"`)
	}
	// The map readers check the entries against the map; text that is not
	// UTF-8 could not even be written back into a scenario file.
	for _, t := range []struct {
		key string
		m   map[string]string
	}{{"city.legend", c.Legend}, {"city.codes", c.Codes}} {
		for _, k := range slices.Sorted(maps.Keys(t.m)) {
			if !utf8.ValidString(k) || !utf8.ValidString(t.m[k]) {
				v.bad(t.key, fmt.Sprintf("%q = %q", k, t.m[k]), "entries of UTF-8 text: a map character or code and the name of a land-use class")
				break
			}
		}
	}
	switch {
	case c.Generator != "radial" && c.Generator != "map":
		v.bad("city.generator", c.Generator, `"radial", or "map" with city.map naming a map file`)
	case c.Generator == "map" && c.Map == "":
		v.bad("city.generator", c.Generator, `"map" only with city.map naming a map file`)
	case c.Generator == "radial" && c.Map != "":
		v.bad("city.map", c.Map, `a map only with generator = "map" (or leave generator out)`)
	}
	v.numIn("city.centre_radius", c.CentreRadius, 0, 1)
	v.numIn("city.residential_radius", c.ResidentialRadius, c.CentreRadius, 2)
	v.numIn("city.private_radius", c.PrivateRadius, c.ResidentialRadius, 2)
	v.intIn("city.parks", c.Parks, 0, 10_000)
	v.numIn("city.park_radius", c.ParkRadius, 0, 1000)
	v.prob("city.industrial_share", c.IndustrialShare)
	v.intIn("city.river_width", c.RiverWidth, 0, 1000)
	t := c.LandUse
	for _, lu := range []struct {
		name string
		cp   [3]float64
	}{
		{"centre", [3]float64{t.Centre.Cover, t.Centre.Traffic, t.Centre.Demand}},
		{"residential", [3]float64{t.Residential.Cover, t.Residential.Traffic, t.Residential.Demand}},
		{"private", [3]float64{t.Private.Cover, t.Private.Traffic, t.Private.Demand}},
		{"park", [3]float64{t.Park.Cover, t.Park.Traffic, t.Park.Demand}},
		{"forest", [3]float64{t.Forest.Cover, t.Forest.Traffic, t.Forest.Demand}},
		{"industrial", [3]float64{t.Industrial.Cover, t.Industrial.Traffic, t.Industrial.Demand}},
	} {
		name, cp := lu.name, lu.cp
		k := "city.landuse." + name
		if !(cp[0] >= 0 && cp[0] < 1) {
			v.bad(k+".cover", cp[0], "0 <= cover < 1")
		}
		v.prob(k+".traffic", cp[1])
		v.numIn(k+".demand", cp[2], 0, 1e6)
	}
	if t.Centre.Demand+t.Residential.Demand+t.Private.Demand+t.Park.Demand+t.Forest.Demand+t.Industrial.Demand <= 0 {
		v.bad("city.landuse", "all demand 0", "at least one land-use class with demand > 0, or buyers have nowhere to live")
	}

	m := &p.Market
	v.limit("market.shops", m.Shops, 1, MaxShops, "MaxShops")
	if n := len(m.Currency); n == 0 || n > 40 || strings.ContainsFunc(m.Currency, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		v.bad("market.currency", m.Currency, "the name of the money unit, 1 to 40 bytes without control characters, such as \"roubles\" or \"euros\"")
	}
	v.numIn("market.price", m.Price, 0, 1e9)
	v.numIn("market.pay_per_drop", m.PayPerDrop, 0, 1e9)
	v.numIn("market.wholesale_price", m.WholesalePrice, 0, 1e9)
	v.numIn("market.mule_pay", m.MulePay, 0, 1e9)
	v.numIn("market.start_cash", m.StartCash, -1e12, 1e12)
	v.intIn("market.start_stock", m.StartStock, 0, 1e9)
	v.intIn("market.reorder_point", m.ReorderPoint, 0, 1e9)
	v.intIn("market.reorder_qty", m.ReorderQty, 1, 1e9)
	v.numIn("market.supply_days", m.SupplyDays, 0, 365)
	v.numIn("market.drop_ttl_days", m.DropTTLDays, 1.0/24, 365)
	if !(m.LossRate >= 0 && m.LossRate < 1) {
		v.bad("market.loss_rate", m.LossRate, "0 <= loss_rate < 1 (a daily probability)")
	}
	v.prob("market.redrop_prob", m.RedropProb)
	v.prob("market.min_reputation", m.MinReputation)
	v.intIn("market.reputation_days", m.ReputationDays, 1, 365)

	o := &p.Organization
	v.limit("organization.stashers", o.Stashers, 1, MaxMembers, "MaxMembers")
	if o.Stashers >= 1 && m.Shops >= 1 && o.Stashers < m.Shops {
		v.bad("organization.stashers", o.Stashers, fmt.Sprintf("at least one stasher per shop (market.shops = %d)", m.Shops))
	}
	v.intIn("organization.mules_per_shop", o.MulesPerShop, 1, 1000)
	v.numIn("organization.mule_speed", o.MuleSpeed, 0.1, 1e6)
	v.numIn("organization.recruit_days", o.RecruitDays, 0, 3650)
	v.prob("organization.minor_share", o.MinorShare)
	v.prob("organization.successor_prob", o.SuccessorProb)
	v.numIn("organization.successor_days", o.SuccessorDays, 0, 3650)
	v.numIn("organization.tenure_days", o.TenureDays, 0, 36500)

	s := &p.Stasher
	v.numIn("stasher.area_radius", s.AreaRadius, 1, 10_000)
	v.intIn("stasher.quota", s.Quota, 1, 10_000)
	v.intIn("stasher.max_active", s.MaxActive, 1, 100_000)
	if s.MaxActive >= 1 && s.Quota >= 1 && s.MaxActive < s.Quota {
		v.bad("stasher.max_active", s.MaxActive, fmt.Sprintf("at least stasher.quota = %d, or no stasher can ever place a day's quota", s.Quota))
	}
	v.intIn("stasher.shift_start", s.ShiftStart, 0, 23)
	v.intIn("stasher.shift_end", s.ShiftEnd, 1, 24)
	if s.ShiftEnd <= s.ShiftStart && s.ShiftStart >= 0 && s.ShiftEnd <= 24 {
		v.bad("stasher.shift_end", s.ShiftEnd, fmt.Sprintf("an hour after shift_start (%d) and at most 24", s.ShiftStart))
	}
	v.numIn("stasher.speed", s.Speed, 1, 10_000)
	v.numIn("stasher.bulk_days", s.BulkDays, 0.1, 365)
	v.intIn("stasher.candidates", s.Candidates, 1, 1000)
	v.numIn("stasher.b_demand", s.BDemand, -100, 100)
	v.numIn("stasher.b_cover", s.BCover, -100, 100)
	v.numIn("stasher.b_risk", s.BRisk, -100, 100)
	v.numIn("stasher.b_traffic", s.BTraffic, -100, 100)
	v.numIn("stasher.b_dist", s.BDist, -100, 100)
	v.numIn("stasher.choice_temp", s.ChoiceTemp, 1e-3, 1e3)
	v.numIn("stasher.sight_radius", s.SightRadius, 0, 1000)
	v.numIn("stasher.risk_seen", s.RiskSeen, 0, 1e3)
	v.numIn("stasher.risk_seizure", s.RiskSeizure, 0, 1e3)
	v.numIn("stasher.risk_not_found", s.RiskNotFound, 0, 1e3)
	v.intIn("stasher.risk_kernel", s.RiskKernel, 0, 50)
	v.numIn("stasher.risk_half_life_days", s.RiskHalfLifeDays, 0.01, 3650)
	v.numIn("stasher.relocate_threshold", s.RelocateThreshold, 0, 1e6)
	v.numIn("stasher.relocate_range", s.RelocateRange, 0, 100_000)

	b := &p.Buyers
	v.limit("buyers.count", b.Count, 0, MaxBuyers, "MaxBuyers")
	v.numIn("buyers.interval_days", b.IntervalDays, 0.01, 3650)
	v.numIn("buyers.max_travel", b.MaxTravel, 0, 100_000)
	v.numIn("buyers.speed", b.Speed, 0.1, 100_000)
	v.intIn("buyers.pickup_delay", b.PickupDelay, 0, 1000)
	v.numIn("buyers.patience_hours", b.PatienceHours, 0, 24*365)
	v.intIn("buyers.churn_after", b.ChurnAfter, 1, 1000)
	v.numIn("buyers.churn_days", b.ChurnDays, 0, 3650)
	if len(b.Diurnal) != 24 {
		v.bad("buyers.diurnal", fmt.Sprintf("%d values", len(b.Diurnal)), "24 hourly weights, hour 0 first")
	} else {
		sum := 0.0
		for i, w := range b.Diurnal {
			if !(w >= 0) || math.IsInf(w, 0) {
				v.bad(fmt.Sprintf("buyers.diurnal[%d]", i), w, "a weight >= 0")
			}
			sum += w
		}
		if sum <= 0 {
			v.bad("buyers.diurnal", "all 0", "at least one hour with weight > 0")
		}
	}

	po := &p.Police
	v.prob("police.find_prob", po.FindProb)
	v.numIn("police.search_radius", po.SearchRadius, 0, 100)
	v.numIn("police.speed", po.Speed, 0, 10_000)
	v.numIn("police.detect_radius", po.DetectRadius, 0, 100)
	v.prob("police.detect_prob", po.DetectProb)
	v.numIn("police.cctv_boost", po.CCTVBoost, 0, 100)
	v.prob("police.cctv_prob", po.CCTVProb)
	v.prob("police.stakeout_prob", po.StakeoutProb)
	v.intIn("police.stakeout_ticks", po.StakeoutTicks, 0, 10_000)
	v.prob("police.stakeout_arrest_prob", po.StakeoutArrestProb)
	v.prob("police.phone_drop_prob", po.PhoneDropProb)
	v.prob("police.link_prob", po.LinkProb)
	v.numIn("police.investigation_days", po.InvestigationDays, 0, 3650)
	v.prob("police.investigation_prob", po.InvestigationProb)
	v.prob("police.mule_intercept_prob", po.MuleInterceptProb)
	v.intIn("market.marketplaces", p.Market.Marketplaces, 1, max(p.Market.Shops, 1))
	units := 0
	for i, g := range po.Groups {
		k := fmt.Sprintf("police.group[%d]", i+1)
		if !isStrategy(g.Strategy) {
			v.bad(k+".strategy", g.Strategy, "one of "+strings.Join(StrategyNames(), ", "))
		}
		v.limit(k+".count", g.Count, 0, MaxUnits, "MaxUnits")
		units += g.Units() // a cctv group's count is of cameras
		if g.StartDay < 0 || g.StartDay > p.Days {
			allowed := fmt.Sprintf("a day from 0 to days = %d", p.Days)
			if g.StartDay > p.Days {
				allowed += fmt.Sprintf(" (the run has %d days, so the group would start after the run ends)", p.Days)
			}
			v.bad(k+".start_day", g.StartDay, allowed)
			v.intIn(k+".end_day", g.EndDay, 0, p.Days) // not against a start_day that is wrong itself
		} else {
			v.intIn(k+".end_day", g.EndDay, g.StartDay, p.Days)
		}
		if g.Strategy == "area" || g.Strategy == "cctv" && g.Cameras == "area" {
			if len(g.Area) != 4 {
				v.bad(k+".area", g.Area, "a rectangle [x0, y0, x1, y1] of cells, inclusive")
			} else if !rectInside(g.Area, c.Width, c.Height) {
				v.bad(k+".area", g.Area, rectAllowed(g.Area, c.Width, c.Height))
			}
		} else if len(g.Area) != 0 {
			v.bad(k+".area", g.Area, `an area only with strategy = "area", or "cctv" with cameras = "area"`)
		}
		v.groupCameras(k, g, c.Width, c.Height)
		v.groupCheckpoints(k, g, c.Width, c.Height)
		v.groupTakedown(k, g, p.Market.Marketplaces, p.Days)
		if g.Strategy == "network" && g.Count < 1 {
			v.bad(k+".count", g.Count, "at least 1 investigation open at a time")
		}
		switch {
		case g.Strategy == "none" || g.Strategy == "cctv" || g.Strategy == "takedown" || g.Strategy == "network":
			if g.Tactic != "" && g.Tactic != TacticStakeout {
				v.bad(k+".tactic", g.Tactic, fmt.Sprintf("a tactic only for a group with units (strategy %q has none)", g.Strategy))
			}
		case g.Tactic != "" && !slices.Contains(TacticNames(), g.Tactic):
			v.bad(k+".tactic", g.Tactic, `"stakeout" (search, and watch a drop found on the unit's cell with police.stakeout_prob), "search" (seize every drop found) or "test_purchase" (search, and buy drops undercover)`)
		}
		if g.Tactic == TacticTestPurchase {
			v.numIn(k+".purchases_per_day", g.PurchasesPerDay, 0.001, float64(p.TicksPerDay()))
			v.numIn(k+".target_days", g.TargetDays, 0, float64(p.Days))
		} else {
			const only = `only with tactic = "test_purchase"`
			unused(&v, k+".purchases_per_day", g.PurchasesPerDay, defaultPurchases, only)
			unused(&v, k+".target_days", g.TargetDays, defaultTargetDays, only)
		}
	}
	if units > MaxUnits {
		v.bad("police.group", units, fmt.Sprintf("at most %d police units in all; sim.MaxUnits in sim/validate.go is the limit: raise it there and rebuild to go bigger", MaxUnits))
	}

	z := &p.Zones
	v.intIn("zones.buffer_width", z.BufferWidth, 0, 1000)
	v.intIn("zones.control_gap", z.ControlGap, 0, 100_000)
	if z.ControlMethod != ControlMatched && z.ControlMethod != ControlRest {
		v.bad("zones.control_method", z.ControlMethod, fmt.Sprintf("%q (as many cells of each land use as the treatment area, the nearest to it beyond the buffer, the gap and the rings) or %q (every cell beyond buffer_width + control_gap)", ControlMatched, ControlRest))
	}
	v.intIn("zones.ring_width", z.RingWidth, 1, 1000)
	v.intIn("zones.rings", z.Rings, 0, MaxRings)
	v.intIn("zones.split_day", z.SplitDay, 0, max(p.Days-1, 0))
	v.intIn("zones.gap_days", z.GapDays, 0, max(p.Days-1, 0))
	v.intIn("zones.before_days", z.BeforeDays, 0, p.Days)
	v.intIn("zones.after_days", z.AfterDays, 0, p.Days)
	given := 0
	for _, set := range []bool{len(z.Treatment) > 0, len(z.Polygon) > 0, z.Group != ""} {
		if set {
			given++
		}
	}
	if given > 1 {
		v.bad("zones.treatment", "more than one of treatment, polygon and group", "at most one of zones.treatment, zones.polygon and zones.group")
	}
	if len(v.errs) == 0 { // the zones need a valid grid and groups
		errs := p.checkZones()
		for _, e := range errs {
			v.errs = append(v.errs, e)
		}
	}
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) bad(key string, val any, allowed string) {
	v.errs = append(v.errs, &ParamError{Key: key, Value: val, Allowed: allowed})
}

func (v *validator) intIn(key string, x, lo, hi int) {
	if x < lo || x > hi {
		v.bad(key, x, fmt.Sprintf("a whole number from %d to %d", lo, hi))
	}
}

// limit checks a size against one of the limits above, named in the
// message with how to raise it.
func (v *validator) limit(key string, x, lo, hi int, name string) {
	switch {
	case x > hi:
		v.bad(key, x, fmt.Sprintf("a whole number from %d to %d (sim.%s in sim/validate.go is the limit, which keeps a run within memory; raise it there and rebuild to go bigger)", lo, hi, name))
	case x < lo:
		v.bad(key, x, fmt.Sprintf("a whole number from %d to %d", lo, hi))
	}
}

func (v *validator) numIn(key string, x, lo, hi float64) {
	if !(x >= lo && x <= hi) {
		v.bad(key, x, fmt.Sprintf("a number from %g to %g", lo, hi))
	}
}

func (v *validator) prob(key string, x float64) {
	if !(x >= 0 && x <= 1) {
		v.bad(key, x, "a probability from 0 to 1")
	}
}

// groupCameras checks a group's camera and hot-spot keys: cameras and
// cells only for a cctv group, the hot-spot zones where they are used.
func (v *validator) groupCameras(k string, g GroupParams, W, H int) {
	switch {
	case g.Strategy == "cctv" && !slices.Contains([]string{"area", "hotspots", "list"}, g.Cameras):
		v.bad(k+".cameras", g.Cameras, `"area" (on the busiest cells of area), "hotspots" (in the top hot-spot zones at the start day) or "list" (on cells)`)
	case g.Strategy != "cctv" && g.Cameras != "":
		v.bad(k+".cameras", g.Cameras, `cameras only with strategy = "cctv"`)
	case g.Strategy == "cctv" && g.Cameras != "list" && g.Count < 1:
		v.bad(k+".count", g.Count, "at least 1 camera")
	}
	if g.Strategy == "cctv" && g.Cameras == "list" || g.Strategy == "interdiction" && len(g.Cells) > 0 {
		if len(g.Cells) == 0 {
			v.bad(k+".cells", "[]", "a list of at least one cell [[x, y], ...] for cameras = \"list\"")
		}
		for i, cell := range g.Cells {
			if len(cell) != 2 || cell[0] < 0 || cell[1] < 0 || cell[0] >= W || cell[1] >= H {
				v.bad(fmt.Sprintf("%s.cells[%d]", k, i+1), fmt.Sprint(cell), fmt.Sprintf("a cell [x, y] inside the %d x %d grid (0 <= x < %d, 0 <= y < %d)", W, H, W, H))
				break
			}
		}
	} else if len(g.Cells) != 0 {
		v.bad(k+".cells", fmt.Sprint(g.Cells), `cells only with strategy = "cctv" and cameras = "list", or "interdiction" (its checkpoints)`)
	}
	if g.UsesHotspots() {
		v.intIn(k+".zone_size", g.ZoneSize, 1, max(W, H))
		v.intIn(k+".zones", g.Zones, 1, 100_000)
		v.numIn(k+".memory_days", g.MemoryDays, 0.01, 3650)
		return
	}
	// Elsewhere the keys do nothing: a value other than the default is a
	// mistake to point out (a resolved scenario leaves them out).
	const only = `only with strategy = "hotspot", or "cctv" with cameras = "hotspots"`
	unused(v, k+".zone_size", g.ZoneSize, defaultZoneSize, only)
	unused(v, k+".zones", g.Zones, defaultZones, only)
	unused(v, k+".memory_days", g.MemoryDays, defaultMemoryDays, only)
}

// groupCheckpoints checks an interdiction group's checkpoints: given as
// cells, one unit on each, or count of them spread along the edge; its
// intercept_prob, a key no other group uses.
func (v *validator) groupCheckpoints(k string, g GroupParams, W, H int) {
	if g.Strategy != "interdiction" {
		unused(v, k+".intercept_prob", g.InterceptProb, defaultIntercept, `only with strategy = "interdiction"`)
		return
	}
	v.prob(k+".intercept_prob", g.InterceptProb)
	if len(g.Cells) > 0 && g.Count != len(g.Cells) {
		v.bad(k+".count", g.Count, fmt.Sprintf("the number of checkpoints in cells (%d): one unit stands on each", len(g.Cells)))
	}
}

// groupTakedown checks a takedown's marketplace and rates; elsewhere
// its keys must keep their defaults.
func (v *validator) groupTakedown(k string, g GroupParams, markets, days int) {
	if g.Strategy != "takedown" {
		const only = `only with strategy = "takedown"`
		unused(v, k+".marketplace", g.Marketplace, 1, only)
		unused(v, k+".buyer_loss", g.BuyerLoss, defaultBuyerLoss, only)
		unused(v, k+".migrate_days", g.MigrateDays, defaultMigrate, only)
		return
	}
	if g.Marketplace < 1 || g.Marketplace > markets {
		v.bad(k+".marketplace", g.Marketplace, fmt.Sprintf("a marketplace from 1 to market.marketplaces = %d", markets))
	}
	v.prob(k+".buyer_loss", g.BuyerLoss)
	v.numIn(k+".migrate_days", g.MigrateDays, 0, float64(days))
}

// unused refuses a value other than its default (or 0, not given) for a
// key the group's strategy or tactic does not use; a resolved scenario
// leaves such keys out (GroupParams.WithoutUnused).
func unused[T int | float64](v *validator, key string, x, def T, only string) {
	if x != 0 && x != def {
		v.bad(key, x, only)
	}
}
