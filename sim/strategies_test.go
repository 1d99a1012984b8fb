package sim

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// strategyCity is the small city of the strategy tests: 60 x 60 cells, 3
// shops of 3 stashers with areas of radius 10, 1,200 buyers.
func strategyCity(days int) Params {
	p := DefaultParams()
	p.Days = days
	p.City.Width, p.City.Height = 60, 60
	p.Market.Shops, p.Organization.Stashers, p.Buyers.Count = 3, 9, 1200
	p.Stasher.AreaRadius = 10
	return p
}

// TestHotspotMapByHand: a zone's count halves every memory_days, zones are
// ranked by count, then by the traffic of their usable cells, then by
// number, and zones without a usable cell are never ranked.
func TestHotspotMapByHand(t *testing.T) {
	p := DefaultParams()
	p.City.Width, p.City.Height = 30, 20
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := DefaultGroup(p.Days)
	g.ZoneSize, g.MemoryDays = 10, 2
	h := m.newHotspotMap(g)
	if h.zw != 3 || h.zh != 2 {
		t.Fatalf("%d x %d zones, want 3 x 2", h.zw, h.zh)
	}
	tpd := m.tpd
	h.add(25, 5, 0)  // zone 2
	h.add(25, 5, 0)  // zone 2: 2
	h.add(5, 15, 0)  // zone 3
	h.add(15, 15, 0) // zone 4
	// Two days later zone 2 holds 2 x 1/2 = 1, zones 3 and 4 hold 1/2.
	if v := h.value(2, 2*tpd); math.Abs(v-1) > 1e-12 {
		t.Errorf("zone 2 after one half-life: %v, want 1", v)
	}
	h.add(15, 15, 2*tpd) // zone 4: 1/2 + 1 = 1.5
	if v := h.value(4, 2*tpd); math.Abs(v-1.5) > 1e-12 {
		t.Errorf("zone 4: %v, want 1.5", v)
	}
	// By hand: zone 4 (1.5), zone 2 (1), zone 3 (0.5), then the zones never
	// counted (0, 1, 5) by the traffic of their usable cells.
	var prior [6]float64
	for _, c := range m.G.UsableCells() {
		x, y := m.G.XY(c)
		prior[(y/10)*3+x/10] += float64(m.G.Traffic[c])
	}
	rest := []int{0, 1, 5}
	slices.SortStableFunc(rest, func(a, b int) int { return cmpDesc(prior[a], prior[b]) })
	want := append([]int{4, 2, 3}, rest...)
	if got := h.top(6, 2*tpd); !slices.Equal(got, want) {
		t.Errorf("ranking %v, want %v", got, want)
	}
	if got := h.top(2, 2*tpd); !slices.Equal(got, []int{4, 2}) {
		t.Errorf("top 2: %v, want [4 2]", got)
	}
}

// hotspotReplay ranks hot-spot zones from the events of a run, by a second
// method: every seizure, not-found complaint and arrest with a place adds
// 2^-(days since it)/memory_days to its zone.
type hotspotReplay struct {
	size, zw  int
	halfTicks float64
	events    [][3]int // tick, x, y
}

func (r *hotspotReplay) Event(e *Event) {
	switch {
	case e.Kind == EvDropEnded && e.Drop.Outcome == OutcomeSeized:
		r.events = append(r.events, [3]int{int(e.Drop.End), int(e.Drop.X), int(e.Drop.Y)})
	case e.Kind == EvNotFound, e.Kind == EvArrest && e.X >= 0:
		r.events = append(r.events, [3]int{int(e.Tick), int(e.X), int(e.Y)})
	}
}

// top is the set of the n zones with the largest counts at tick t among
// zones with some count.
func (r *hotspotReplay) top(n, t int) map[int]bool {
	v := map[int]float64{}
	for _, e := range r.events {
		if e[0] < t {
			v[(e[2]/r.size)*r.zw+e[1]/r.size] += math.Pow(2, -float64(t-e[0])/r.halfTicks)
		}
	}
	zs := make([]int, 0, len(v))
	for z := range v {
		zs = append(zs, z)
	}
	slices.SortFunc(zs, func(a, b int) int { return cmpDesc(v[a], v[b]) })
	out := map[int]bool{}
	for _, z := range zs[:min(n, len(zs))] {
		out[z] = true
	}
	return out
}

// TestHotspotUnitsWorkTheTopZones: units of a hotspot group end their days
// in the top zones of a ranking replayed from the run's own events (second
// method) far more often than random patrol does.
func TestHotspotUnitsWorkTheTopZones(t *testing.T) {
	p := strategyCity(40)
	p.Police.Groups = []GroupParams{
		{Name: "patrol", Strategy: "random", Count: 4, StartDay: 0, EndDay: 40},
		{Name: "hot", Strategy: "hotspot", Count: 6, StartDay: 10, EndDay: 40, ZoneSize: 10, Zones: 3, MemoryDays: 7},
	}
	r := &hotspotReplay{size: 10, zw: 6, halfTicks: 7 * float64(p.TicksPerDay())}
	var days []DayState
	m, err := New(p, 5)
	if err != nil {
		t.Fatal(err)
	}
	sink := SinkFunc(func(e *Event) {
		r.Event(e)
		if e.Kind == EvDayEnd {
			d := *e.Day
			d.Units = slices.Clone(d.Units) // the model reuses the slice
			days = append(days, d)
		}
	})
	for !m.Done() {
		m.Step(sink)
	}
	// The memory holds every seizure, complaint and arrest with a place,
	// decayed: each zone's value equals the replay's.
	h := m.police.groups[1].strat.(*hotspotPatrol).mem
	end := m.tick
	for z := range h.v {
		want := 0.0
		for _, e := range r.events {
			if (e[2]/10)*6+e[1]/10 == z {
				want += math.Pow(2, -float64(end-e[0])/r.halfTicks)
			}
		}
		if got := h.value(z, end); math.Abs(got-want) > 1e-6*math.Max(1, want) {
			t.Errorf("zone %d: memory %.6f, replayed from the events %.6f", z, got, want)
		}
	}
	if len(r.events) < 100 {
		t.Errorf("only %d events feed the memory", len(r.events))
	}
	in, n := [2]int{}, [2]int{}
	for _, d := range days[11:] {
		top := r.top(3, d.Day*p.TicksPerDay())
		for _, u := range d.Units {
			n[u.Group]++
			if top[int(u.Y/10)*6+int(u.X/10)] {
				in[u.Group]++
			}
		}
	}
	hot, random := float64(in[1])/float64(n[1]), float64(in[0])/float64(n[0])
	t.Logf("unit-days in the replayed top 3 zones: hotspot %.2f (%d), random %.2f (%d)", hot, n[1], random, n[0])
	if n[1] == 0 || hot < 0.9 || random > 0.3 {
		t.Errorf("hotspot units in the top zones %.2f of %d unit-days (want at least 0.9), random patrol %.2f (want at most 0.3)", hot, n[1], random)
	}
}

// TestCamerasCatchAndDeter: cameras on the 40 busiest cells of a district
// from day 20 arrest stashers placing there (cause cctv, only on camera
// cells; counted with stashers blind to them, risk_seen 0, since seeing
// cameras they soon stop placing there), and stashers who see them place
// fewer drops on those cells than they do with no cameras, paired by
// seed, even when the cameras catch nobody (cctv_prob 0: no arrest reports
// warn them, only the sight of the cameras).
func TestCamerasCatchAndDeter(t *testing.T) {
	base := strategyCity(50)
	cams := base
	cams.Police.Groups = []GroupParams{{Name: "cameras", Strategy: "cctv", Cameras: "area", Count: 40, StartDay: 20, EndDay: 50, Area: []int{20, 20, 39, 39}}}
	cams.Police.CCTVProb = 0.3
	var arrests, offCamera int
	var placedCams, placedBase int
	for seed := uint64(1); seed <= 4; seed++ {
		m, err := New(cams, seed)
		if err != nil {
			t.Fatal(err)
		}
		var area []int32
		for y := 20; y <= 39; y++ {
			for x := 20; x <= 39; x++ {
				if id := m.G.ID(x, y); m.G.Usable(id) {
					area = append(area, id)
				}
			}
		}
		onCamera := map[[2]int32]bool{}
		for _, c := range m.busiest(area, 40) { // the cameras, by hand: the 40 busiest cells
			x, y := m.G.XY(c)
			onCamera[[2]int32{int32(x), int32(y)}] = true
		}
		count := func(p Params, camerasOn bool) int {
			placed := 0
			if _, err := Run(p, seed, SinkFunc(func(e *Event) {
				if e.Kind == EvDropPlaced && int(e.Drop.Placed) >= 25*p.TicksPerDay() && onCamera[[2]int32{e.Drop.X, e.Drop.Y}] {
					placed++
				}
				if camerasOn && e.Kind == EvArrest && e.Cause == CauseCCTV {
					arrests++
					if !onCamera[[2]int32{e.X, e.Y}] {
						offCamera++
					}
				}
			})); err != nil {
				t.Fatal(err)
			}
			return placed
		}
		blind := cams
		blind.Stasher.RiskSeen = 0
		count(blind, true)
		seenOnly := cams
		seenOnly.Police.CCTVProb = 0
		placedCams += count(seenOnly, false)
		placedBase += count(base, false)
	}
	t.Logf("camera arrests %d (%d off camera cells); drops on camera cells from day 25: %d with cameras, %d without", arrests, offCamera, placedCams, placedBase)
	if arrests < 10 || offCamera > 0 {
		t.Errorf("%d arrests by camera, %d of them off the camera cells: want at least 10, all on camera cells", arrests, offCamera)
	}
	if !(float64(placedCams) < 0.5*float64(placedBase)) {
		t.Errorf("drops placed on camera cells from day 25: %d with cameras, %d without; stashers who see cameras should place fewer than half as many there", placedCams, placedBase)
	}
}

// TestCameraPlacement: cameras = "list" puts cameras on exactly the cells
// listed while the group is up and takes them down after; "hotspots" puts
// one on the busiest cell (by traffic, by hand) of each of the top zones
// replayed from the run's events at the start day.
func TestCameraPlacement(t *testing.T) {
	p := strategyCity(30)
	p.Police.Groups = []GroupParams{
		{Name: "listed", Strategy: "cctv", Cameras: "list", Cells: [][]int{{3, 4}, {30, 31}}, StartDay: 2, EndDay: 6},
		{Name: "hot", Strategy: "cctv", Cameras: "hotspots", Count: 4, StartDay: 12, EndDay: 30, ZoneSize: 10, Zones: 3, MemoryDays: 5},
	}
	m, err := New(p, 2)
	if err != nil {
		t.Fatal(err)
	}
	r := &hotspotReplay{size: 10, zw: 6, halfTicks: 5 * float64(p.TicksPerDay())}
	cameras := func() []int32 {
		var on []int32
		for c, up := range m.G.CCTV {
			if up {
				on = append(on, int32(c))
			}
		}
		return on
	}
	for m.tick < 12*p.TicksPerDay() {
		switch m.tick {
		case 3 * p.TicksPerDay():
			if got, want := cameras(), []int32{4*60 + 3, 31*60 + 30}; !slices.Equal(got, want) {
				t.Errorf("day 3: cameras on %v, want the listed %v", got, want)
			}
		case 7 * p.TicksPerDay():
			if got := cameras(); len(got) != 0 {
				t.Errorf("day 7: cameras on %v after the group's end", got)
			}
		}
		m.Step(r)
	}
	top := r.top(4, m.tick)
	m.Step(r) // the roll-out
	var want []int32
	for z := range top {
		best := int32(-1)
		x0, y0 := (z%6)*10, (z/6)*10
		for y := y0; y < y0+10; y++ {
			for x := x0; x < x0+10; x++ {
				c := int32(y*60 + x)
				if m.G.Usable(c) && (best < 0 || m.G.Traffic[c] > m.G.Traffic[best] || m.G.Traffic[c] == m.G.Traffic[best] && c < best) {
					best = c
				}
			}
		}
		want = append(want, best)
	}
	slices.Sort(want)
	if got := cameras(); len(top) != 4 || !slices.Equal(got, want) {
		t.Errorf("hot-spot cameras on %v, want %v (the busiest cells of zones %v)", got, want, top)
	}
}

// TestTactics: the same area patrol arrests buyers at watched drops under
// the stakeout tactic and never under search, which seizes every drop it
// finds; a hot-spot deployment takes the stakeout tactic as well.
func TestTactics(t *testing.T) {
	p := strategyCity(40)
	p.Police.StakeoutProb = 0.5
	count := func(strategy, tactic string) (buyers, stakeoutSeizures, seizures int) {
		q := p
		g := GroupParams{Name: "g", Strategy: strategy, Tactic: tactic, Count: 10, StartDay: 5, EndDay: 40}
		if strategy == "area" {
			g.Area = []int{20, 20, 39, 39}
		} else {
			g.ZoneSize, g.Zones, g.MemoryDays = 10, 2, 7
		}
		q.Police.Groups = []GroupParams{g}
		if _, err := Run(q, 3, SinkFunc(func(e *Event) {
			switch {
			case e.Kind == EvArrest && e.Role == RoleBuyer:
				buyers++
			case e.Kind == EvDropEnded && e.Drop.Outcome == OutcomeSeized:
				seizures++
				if e.Cause == CauseStakeout {
					stakeoutSeizures++
				}
			}
		})); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, strategy := range []string{"area", "hotspot"} {
		b, st, s := count(strategy, TacticStakeout)
		t.Logf("%s with stakeouts: %d buyers arrested, %d of %d seizures after a stakeout", strategy, b, st, s)
		if b == 0 || st == 0 {
			t.Errorf("%s with stakeouts: %d buyers arrested, %d stakeout seizures; want some of each", strategy, b, st)
		}
		b, st, s = count(strategy, TacticSearch)
		if b != 0 || st != 0 || s == 0 {
			t.Errorf("%s with search: %d buyers arrested, %d stakeout seizures, %d seizures; want none, none, some", strategy, b, st, s)
		}
	}
}

// TestEdgeRingByHand: the ring one cell inside a 5 x 4 map is the 3 x 2
// rectangle's 6 cells, clockwise from the north-west; 4 checkpoints spread
// on a 10 x 10 map's ring of 28 cells stand at positions 3, 10, 17 and 24.
func TestEdgeRingByHand(t *testing.T) {
	if got, want := edgeRing(5, 4, 1), [][2]int{{1, 1}, {2, 1}, {3, 1}, {3, 2}, {2, 2}, {1, 2}}; !slices.Equal(got, want) {
		t.Errorf("ring %v, want %v", got, want)
	}
	p := DefaultParams()
	p.City.Width, p.City.Height = 10, 10
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := newCheckpoints(GroupParams{Strategy: "interdiction", Count: 4}, m)
	ring := edgeRing(10, 10, 1)
	if len(ring) != 28 || !slices.Equal(c.cells, [][2]int{ring[3], ring[10], ring[17], ring[24]}) {
		t.Errorf("checkpoints %v on a ring of %d", c.cells, len(ring))
	}
}

// segDist is the distance from point (px, py) to the segment from a to b.
func segDist(px, py float64, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	f := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		f = math.Max(0, math.Min(1, ((px-a[0])*dx+(py-a[1])*dy)/l))
	}
	return math.Hypot(px-a[0]-f*dx, py-a[1]-f*dy)
}

// TestInterdictionOnlyAtCheckpoints: checkpoints on the mules' routes
// (from the nearest point of the map's edge to each stasher's area centre,
// found here by hand) stop mules and seize their bulk; the same number of
// checkpoints more than detect_radius + 2 cells from every route stop none.
func TestInterdictionOnlyAtCheckpoints(t *testing.T) {
	p := strategyCity(40)
	p.Organization.TenureDays = 1000 // the routes stay put: no quits
	m, err := New(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	var routes [][2][2]float64
	for _, s := range m.street.stashers {
		x, y := float64(s.ax), float64(s.ay)
		// The nearest point of the edge, by hand: west, north, east, south,
		// the first of the nearest.
		edge, best := [2]float64{0, y}, x
		for _, e := range [][3]float64{{y, x, 0}, {59 - x, 59, y}, {59 - y, x, 59}} {
			if e[0] < best {
				edge, best = [2]float64{e[1], e[2]}, e[0]
			}
		}
		routes = append(routes, [2][2]float64{edge, {x, y}})
	}
	var on, off [][]int
	for _, r := range routes { // a checkpoint halfway along each route
		on = append(on, []int{int(math.Round((r[0][0] + r[1][0]) / 2)), int(math.Round((r[0][1] + r[1][1]) / 2))})
	}
	for y := 0; y < 60 && len(off) < len(on); y += 3 {
		for x := 0; x < 60 && len(off) < len(on); x += 3 {
			far := m.G.Usable(m.G.ID(x, y))
			for _, r := range routes {
				far = far && segDist(float64(x), float64(y), r[0], r[1]) > p.Police.DetectRadius+2
			}
			if far {
				off = append(off, []int{x, y})
			}
		}
	}
	intercepted := func(cells [][]int) (stops, doses int) {
		q := p
		q.Police.Groups = []GroupParams{{Name: "checkpoints", Strategy: "interdiction", Count: len(cells), Cells: cells, StartDay: 0, EndDay: 40, InterceptProb: 1}}
		if _, err := Run(q, 4, SinkFunc(func(e *Event) {
			if e.Kind == EvIntercept {
				stops++
				doses += int(e.Amount)
			}
		})); err != nil {
			t.Fatal(err)
		}
		return
	}
	s, d := intercepted(on)
	t.Logf("checkpoints on the routes: %d mules stopped, %d doses seized", s, d)
	if s == 0 || d == 0 {
		t.Errorf("checkpoints on the routes stopped %d mules (%d doses); want some", s, d)
	}
	if len(off) != len(on) {
		t.Fatalf("only %d cells far from every route", len(off))
	}
	if s, _ := intercepted(off); s != 0 {
		t.Errorf("checkpoints far from every route stopped %d mules; want none", s)
	}
}

// TestTestPurchasesTargetSellers: officers on random patrol who buy
// undercover and then patrol the seller's working area arrest more
// stashers on placement than the same units on random patrol alone
// (paired by seed), most of them stashers they had bought from within the
// target window; each purchase is a seized drop, paid for.
func TestTestPurchasesTargetSellers(t *testing.T) {
	p := strategyCity(40)
	p.Police.LinkProb = 0 // arrests on placement only
	run := func(tactic string, seed uint64) (arrests, ofTargets, purchases int) {
		q := p
		g := GroupParams{Name: "g", Strategy: "random", Tactic: tactic, Count: 6, StartDay: 5, EndDay: 40}
		if tactic == TacticTestPurchase {
			g.PurchasesPerDay, g.TargetDays = 2, 5
		}
		q.Police.Groups = []GroupParams{g}
		until := map[int32]int32{} // stasher: end of its latest target window
		tpd := int32(q.TicksPerDay())
		if _, err := Run(q, seed, SinkFunc(func(e *Event) {
			switch {
			case e.Kind == EvDropEnded && e.Cause == CauseTestPurchase:
				purchases++
				if e.Drop.Outcome != OutcomeSeized {
					t.Errorf("a test purchase ended %v, want seized", e.Drop.Outcome)
				}
				until[e.Drop.Stasher] = e.Drop.End + 5*tpd
			case e.Kind == EvArrest && e.Role == RoleStasher && e.Cause == CauseSeen:
				arrests++
				if e.Tick <= until[e.Agent] {
					ofTargets++
				}
			}
		})); err != nil {
			t.Fatal(err)
		}
		return
	}
	var tp, tpTargets, patrol, bought int
	for seed := uint64(1); seed <= 4; seed++ {
		a, ot, n := run(TacticTestPurchase, seed)
		b, _, _ := run(TacticSearch, seed)
		tp, tpTargets, patrol, bought = tp+a, tpTargets+ot, patrol+b, bought+n
	}
	t.Logf("stashers arrested on placement: %d with test purchases (%d of them targets; %d purchases), %d on random patrol", tp, tpTargets, bought, patrol)
	// 4 runs of 35 days at 2 orders a day: about 280 orders (a binomial of
	// sd 17); an order finds no drop when none lies within a buyer's reach
	// of the officer.
	if bought < 100 || bought > 330 {
		t.Errorf("%d test purchases of about 280 orders; want 100 to 330", bought)
	}
	if !(2*tp > 3*patrol) || 2*tpTargets < tp {
		t.Errorf("%d arrests with test purchases (%d of targets), %d on random patrol; want more than 1.5 times as many, most of targets", tp, tpTargets, patrol)
	}
}

// dailySales counts each shop's sales (revenue entries) by day.
func dailySales(t *testing.T, p Params, seed uint64) [][]int {
	t.Helper()
	sales := make([][]int, p.Days)
	for d := range sales {
		sales[d] = make([]int, p.Market.Shops)
	}
	if _, err := Run(p, seed, SinkFunc(func(e *Event) {
		if e.Kind == EvMoney && e.Cause == CauseRevenue {
			sales[int(e.Tick)/p.TicksPerDay()][e.Shop]++
		}
	})); err != nil {
		t.Fatal(err)
	}
	return sales
}

// takedownCity is strategyCity with 4 shops of 3 stashers, so that two
// marketplaces hold two shops each.
func takedownCity() Params {
	p := strategyCity(80)
	p.Market.Shops, p.Organization.Stashers = 4, 12
	return p
}

// TestTakedownCollapseAndRecovery: on a single marketplace a takedown from
// day 30 to 40 stops every sale, and within 30 days of its return the
// market sells at least half as much a day as before (P4).
func TestTakedownCollapseAndRecovery(t *testing.T) {
	p := takedownCity()
	p.Police.Groups = []GroupParams{{Name: "hydra", Strategy: "takedown", StartDay: 30, EndDay: 40, Marketplace: 1, BuyerLoss: 0.5, MigrateDays: 14}}
	sales := dailySales(t, p, 2)
	sum := func(from, to int) float64 {
		n := 0
		for d := from; d < to; d++ {
			for _, s := range sales[d] {
				n += s
			}
		}
		return float64(n) / float64(to-from)
	}
	before, during, after := sum(20, 30), sum(30, 40), sum(60, 70)
	t.Logf("sales a day: %.0f before, %.0f during, %.0f 20-30 days after", before, during, after)
	if during != 0 || !(after >= before/2) || before == 0 {
		t.Errorf("sales a day %.0f before, %.0f during, %.0f after the takedown; want none during and at least half of before after", before, during, after)
	}
}

// TestTakedownOfOneMarketplace: with two marketplaces, a takedown of the
// first stops its shops' sales (shops 0 and 2) for its duration while the
// other's shops sell more than before, its buyers turning to them; after
// migrate_days (5) the downed shops list on the other marketplace and sell
// again before the takedown ends.
func TestTakedownOfOneMarketplace(t *testing.T) {
	p := takedownCity()
	p.Market.Marketplaces = 2
	p.Police.Groups = []GroupParams{{Name: "ramp", Strategy: "takedown", StartDay: 30, EndDay: 60, Marketplace: 1, BuyerLoss: 0.2, MigrateDays: 80}}
	sales := dailySales(t, p, 3)
	sum := func(shops []int, from, to int) int {
		n := 0
		for d := from; d < to; d++ {
			for _, s := range shops {
				n += sales[d][s]
			}
		}
		return n
	}
	down, up := []int{0, 2}, []int{1, 3}
	if n := sum(down, 30, 60); n != 0 || sum(down, 20, 30) == 0 {
		t.Errorf("the downed marketplace's shops sold %d during the takedown (%d in the 10 days before); want none", n, sum(down, 20, 30))
	}
	if b, d := sum(up, 20, 30), sum(up, 30, 40); !(d > b) {
		t.Errorf("the other marketplace's shops sold %d in the 10 days before and %d in the first 10 of the takedown; want more", b, d)
	}
	// buyer_loss: the share of the downed shops' buyers who leave at their
	// next order; about half the buyers are theirs, and in 10 days most
	// order about twice.
	churned := func(loss float64) int {
		q := p
		q.Police.Groups = []GroupParams{q.Police.Groups[0]}
		q.Police.Groups[0].BuyerLoss = loss
		out := 0
		if _, err := Run(q, 3, SinkFunc(func(e *Event) {
			if e.Kind == EvDayEnd && e.Day.Day == 39 {
				out = e.Day.Churned
			}
		})); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if all, none := churned(1), churned(0); all-none < 300 {
		t.Errorf("buyers out of the market on day 39: %d when all the downed shops' buyers leave, %d when none do; want at least 300 more", all, none)
	}
	p.Police.Groups[0].MigrateDays = 5
	sales = dailySales(t, p, 3)
	if n := sum(down, 30, 35); n != 0 || sum(down, 40, 60) == 0 {
		t.Errorf("migrating after 5 days: the downed shops sold %d in days 30-34 and %d in days 40-59; want none, then some", n, sum(down, 40, 60))
	}
}

// TestNetworkShortestPathByHand: on a small evidence graph (an arrested
// stasher A linked to its shop's dispatcher D with strength 0.5 and to an
// informer X with 0.9; X to the organizer O with 0.9; D to O with 0.2)
// the nearest target is O, by the path A-X-O of length -2 log 0.9 (0.2107,
// strength 0.81) against D at -log 0.5 (0.693). With O under
// investigation, D is next. An investigation follows its path link by
// link, investigation_days each: with links of strength 1 and
// investigation_prob 1 the target is arrested two link times after it
// opens; a link of strength 0 fails it at once.
func TestNetworkShortestPathByHand(t *testing.T) {
	p := DefaultParams()
	p.City.Width, p.City.Height = 30, 30
	p.Police.Groups = []GroupParams{{Name: "net", Strategy: "network", Count: 2, EndDay: p.Days}}
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	sh := m.orgs.shops[0]
	ev := m.police.intel
	a := ev.node(1000, sh.id, RoleStasher)
	x := ev.node(1001, sh.id, RoleMule)
	d := ev.node(sh.dispatcher.id, sh.id, RoleDispatcher)
	o := ev.node(sh.organizer.id, sh.id, RoleOrganizer)
	ev.arrest(a)
	ev.link(a, d, 0.5)
	ev.link(a, x, 0.9)
	ev.link(x, o, 0.9)
	ev.link(d, o, 0.2)
	ng := m.police.networks[0]
	iv, ok := m.nearestTarget(ng)
	want := -2 * math.Log(0.9)
	if !ok || iv.to != int64(sh.organizer.id) || iv.from != 1000 || math.Abs(iv.length-want) > 1e-12 || !slices.Equal(iv.links, []float64{0.9, 0.9}) || iv.due != m.daysToTicks(p.Police.InvestigationDays) {
		t.Fatalf("nearest target %+v (found %v), want the organizer %d from 1000 at %.4f by links 0.9 and 0.9, the first due in %g days", iv, ok, sh.organizer.id, want, p.Police.InvestigationDays)
	}
	ng.open = append(ng.open, &iv)
	next, ok := m.nearestTarget(ng)
	if !ok || next.to != int64(sh.dispatcher.id) || math.Abs(next.length+math.Log(0.5)) > 1e-12 {
		t.Errorf("next target %+v, want the dispatcher at -log 0.5", next)
	}
	ng.open = nil
	// Link by link: strengths 1, then the arrest.
	var ends []string
	m.sink = SinkFunc(func(e *Event) {
		if e.Kind == EvInvestigation {
			ends = append(ends, e.Cause)
		}
	})
	m.P.Police.InvestigationProb = 1
	sure := investigation{to: int64(sh.organizer.id), shop: sh.id, role: RoleOrganizer, links: []float64{1, 1}, due: 10}
	if m.stepInvestigation(ng, &sure) || sure.done != 1 {
		t.Errorf("after the first link: %+v, want open, one link done", sure)
	}
	if !m.stepInvestigation(ng, &sure) || !slices.Equal(ends, []string{"arrested"}) || sh.organizer.present {
		t.Errorf("after the second link: closed as %v, organizer present %v; want arrested", ends, sh.organizer.present)
	}
	broken := investigation{to: int64(sh.dispatcher.id), shop: sh.id, role: RoleDispatcher, links: []float64{0, 1}}
	if !m.stepInvestigation(ng, &broken) || ends[len(ends)-1] != "failed" || !sh.dispatcher.present {
		t.Errorf("a link of strength 0: %v, want failed at once", ends)
	}
	// A weaker link does not replace a stronger one.
	ev.link(a, d, 0.1)
	if w, _ := ev.g.Weight(a.ID(), d.ID()); math.Abs(w+math.Log(0.5)) > 1e-12 {
		t.Errorf("link A-D length %v after a weaker one, want -log 0.5", w)
	}
}

// TestNetworkReachesOrganizers: a crackdown's arrests feed the evidence
// graph; network investigations reach dispatchers and organizers, the
// arrested organizer's shop closes, and it sells nothing until a
// successor reopens it.
func TestNetworkReachesOrganizers(t *testing.T) {
	p := strategyCity(90)
	p.Police.LinkProb, p.Police.InvestigationProb, p.Police.InvestigationDays = 0.9, 1, 3
	p.Organization.SuccessorProb, p.Organization.SuccessorDays = 1, 10
	p.Police.Groups = []GroupParams{
		{Name: "crackdown", Strategy: "area", Count: 15, StartDay: 5, EndDay: 90, Area: []int{20, 20, 39, 39}},
		{Name: "net", Strategy: "network", Count: 2, StartDay: 5, EndDay: 90},
	}
	p.Police.LinkProb = 0.9
	organizers, closed := 0, map[int32]int32{}
	var sellingWhileClosed int
	if _, err := Run(p, 2, SinkFunc(func(e *Event) {
		switch e.Kind {
		case EvInvestigation:
			if e.Cause == "arrested" && e.Role == RoleOrganizer {
				organizers++
			}
			if e.Amount <= 0 || e.From == e.Agent {
				t.Errorf("investigation %+v: want a path of positive length from an arrested agent", *e)
			}
		case EvShopClosed:
			closed[e.Shop] = e.Tick
		case EvShopReopened:
			delete(closed, e.Shop)
		case EvMoney:
			if _, ok := closed[e.Shop]; ok && e.Cause == CauseRevenue {
				sellingWhileClosed++
			}
		}
	})); err != nil {
		t.Fatal(err)
	}
	t.Logf("organizers arrested by network investigations: %d", organizers)
	if organizers == 0 || sellingWhileClosed > 0 {
		t.Errorf("%d organizers arrested by network investigations, %d sales of closed shops; want some and none", organizers, sellingWhileClosed)
	}
}

// TestTestPurchasesFeedTheNetwork: with no arrest on placement (detect_prob
// 0) and no stakeouts, test purchases alone give the network group its
// leads: investigations start at stashers identified by a purchase, never
// arrested, and reach dispatchers.
func TestTestPurchasesFeedTheNetwork(t *testing.T) {
	p := strategyCity(60)
	p.Police.DetectProb, p.Police.StakeoutProb, p.Police.MuleInterceptProb = 0, 0, 0
	p.Police.LinkProb, p.Police.InvestigationProb = 0.9, 1
	p.Police.Groups = []GroupParams{
		{Name: "undercover", Strategy: "random", Tactic: TacticTestPurchase, Count: 4, StartDay: 5, EndDay: 60, PurchasesPerDay: 2, TargetDays: 3},
		{Name: "net", Strategy: "network", Count: 2, StartDay: 5, EndDay: 60},
	}
	bought, arrested := map[int32]bool{}, map[int32]bool{}
	fromBought, dispatchers := 0, 0
	if _, err := Run(p, 6, SinkFunc(func(e *Event) {
		switch {
		case e.Kind == EvDropEnded && e.Cause == CauseTestPurchase:
			bought[e.Drop.Stasher] = true
		case e.Kind == EvArrest:
			arrested[e.Agent] = true
		case e.Kind == EvInvestigation:
			if bought[e.From] && !arrested[e.From] {
				fromBought++
			}
			if e.Role == RoleDispatcher && e.Cause == "arrested" {
				dispatchers++
			}
		}
	})); err != nil {
		t.Fatal(err)
	}
	t.Logf("investigations from stashers identified by a purchase: %d; dispatchers arrested: %d", fromBought, dispatchers)
	if fromBought == 0 || dispatchers == 0 {
		t.Errorf("%d investigations from identified stashers, %d dispatchers arrested; want some of each", fromBought, dispatchers)
	}
}

// TestBuyerStatementsFeedTheNetwork: with stakeouts the only arrests
// (no placement seen, no mule stopped), buyers arrested at watched drops
// name the dispatcher, and network investigations start from them.
func TestBuyerStatementsFeedTheNetwork(t *testing.T) {
	p := strategyCity(60)
	p.Police.DetectProb, p.Police.MuleInterceptProb = 0, 0
	p.Police.StakeoutProb, p.Police.StakeoutArrestProb = 0.8, 1
	p.Police.LinkProb, p.Police.InvestigationProb = 0.9, 1
	p.Police.Groups = []GroupParams{
		{Name: "patrol", Strategy: "area", Count: 10, StartDay: 5, EndDay: 60, Area: []int{20, 20, 39, 39}},
		{Name: "net", Strategy: "network", Count: 2, StartDay: 5, EndDay: 60},
	}
	fromBuyers, other := 0, 0
	if _, err := Run(p, 4, SinkFunc(func(e *Event) {
		if e.Kind == EvInvestigation {
			if e.FromRole == RoleBuyer {
				fromBuyers++
			} else {
				other++
			}
		}
	})); err != nil {
		t.Fatal(err)
	}
	t.Logf("investigations from buyers' statements: %d, from others: %d", fromBuyers, other)
	if fromBuyers == 0 {
		t.Errorf("no investigation started from a buyer's statement (%d from others)", other)
	}
}

// TestNetworkOnTheAgenda: a network group's daily round opens an
// investigation on the police's agenda, and its links fall due one
// investigation_days (2) apart. A stasher is held, linked with strength 1
// to the dispatcher and the dispatcher to the organizer: both targets are
// at length 0, so the organizer (the lower agent number) goes first, on
// the window's first day (3), and with investigation_prob 1 is arrested
// two links later, on day 7; the round of day 7, one at a time, then
// opens the dispatcher, one link away, arrested on day 9.
func TestNetworkOnTheAgenda(t *testing.T) {
	p := DefaultParams()
	p.City.Width, p.City.Height = 30, 30
	p.Police.InvestigationProb, p.Police.InvestigationDays = 1, 2
	p.Police.LinkProb = 1
	p.Police.Groups = []GroupParams{{Name: "net", Strategy: "network", Count: 1, StartDay: 3, EndDay: p.Days}}
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	sh := m.orgs.shops[0]
	ev := m.police.intel
	a := ev.node(1000, sh.id, RoleStasher)
	ev.arrest(a)
	d := ev.node(sh.dispatcher.id, sh.id, RoleDispatcher)
	ev.link(a, d, 1)
	ev.link(d, ev.node(sh.organizer.id, sh.id, RoleOrganizer), 1)
	var got []string
	for !m.Done() && m.tick < 20*m.tpd {
		m.Step(SinkFunc(func(e *Event) {
			if e.Kind == EvInvestigation {
				got = append(got, fmt.Sprintf("%s %s day %d", e.Role, e.Cause, int(e.Tick)/m.tpd))
			}
		}))
	}
	want := []string{"organizer arrested day 7", "dispatcher arrested day 9"}
	if !slices.Equal(got, want) {
		t.Errorf("investigations %v, want %v", got, want)
	}
}

// TestNetworkDeterministic: a run with network investigations is the same
// event by event twice over, the paths' starting agents included (the
// graph's own node order is a map's, different each time).
func TestNetworkDeterministic(t *testing.T) {
	p := strategyCity(90)
	p.Police.StakeoutProb, p.Police.StakeoutArrestProb, p.Police.LinkProb = 0.5, 0.8, 0.6
	p.Police.Groups = []GroupParams{
		{Name: "crackdown", Strategy: "area", Count: 15, StartDay: 5, EndDay: 90, Area: []int{20, 20, 39, 39}},
		{Name: "net", Strategy: "network", Count: 3, StartDay: 5, EndDay: 90},
	}
	first, n, _ := hashRun(t, p, 8)
	for range 4 {
		if h, m, _ := hashRun(t, p, 8); h != first || m != n {
			t.Fatalf("two runs of one seed: event hashes %#x (%d events) and %#x (%d)", first, n, h, m)
		}
	}
}

// TestBuyersTurnToTheLargestMarketplace: a buyer whose shop is offline
// turns to the best shop of the marketplace with the most shops online,
// not to the best shop anywhere. By hand: six shops on three marketplaces
// (shop i on i mod 3); shops 0 and 4 closed leave marketplace 2 (shops 2
// and 5) the largest; the best shop overall is shop 1, the best of
// marketplace 2 is shop 5.
func TestBuyersTurnToTheLargestMarketplace(t *testing.T) {
	p := strategyCity(10)
	p.Market.Shops, p.Organization.Stashers, p.Market.Marketplaces = 6, 12, 3
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, rep := range []float64{1, 0.99, 0.8, 0.7, 0.95, 0.9} {
		m.orgs.shops[i].reputation = rep
	}
	m.orgs.shops[0].open, m.orgs.shops[4].open = false, false
	bu := &Buyer{shop: 0}
	if got := m.chooseShop(bu); got == nil || got.id != 5 {
		t.Errorf("chose shop %v, want 5 (the best of the largest marketplace)", got)
	}
}

// TestCameraIndexFollowsTheLayer: the cells whose cameras stashers see
// (camCells, rebuilt from the sets that are up) are at every tick those
// of a scan of the whole layer, also where two groups' cameras share a
// cell and one group's window ends before the other's.
func TestCameraIndexFollowsTheLayer(t *testing.T) {
	p := strategyCity(12)
	p.Police.Groups = []GroupParams{
		{Name: "a", Strategy: "cctv", Cameras: "list", Cells: [][]int{{3, 4}, {30, 31}}, StartDay: 2, EndDay: 6},
		{Name: "b", Strategy: "cctv", Cameras: "list", Cells: [][]int{{10, 10}, {3, 4}}, StartDay: 4, EndDay: 8},
	}
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	for !m.Done() {
		m.Step(SinkFunc(func(*Event) {}))
		var scan []int32
		for c, up := range m.G.CCTV {
			if up != (m.police.camAt[c] > 0) {
				t.Fatalf("tick %d: cell %d has %d cameras but CCTV %v", m.tick, c, m.police.camAt[c], up)
			}
			if up {
				scan = append(scan, int32(c))
			}
		}
		if !slices.Equal(m.police.camCells, scan) {
			t.Fatalf("tick %d: stashers see cameras on %v, the layer has them on %v", m.tick, m.police.camCells, scan)
		}
		if m.tick == 7*p.TicksPerDay() && !slices.Equal(scan, []int32{4*60 + 3, 10*60 + 10}) {
			t.Errorf("day 7: cameras on %v, want group b's (3,4) and (10,10)", scan)
		}
	}
}
