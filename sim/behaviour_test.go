package sim

import (
	"math"
	"slices"
	"testing"

	"dropsim/sim/grid"
)

// Behaviour tests: one test per mechanism of MODEL.md sections 3-4, each of
// which fails when that mechanism is switched off or turned around. Every
// test sets the parameters it relies on explicitly, so that it holds
// whatever the defaults, and computes its expectation independently of the
// engine (from the model description, a closed form or a bound).

// z999 is the two-sided 99.9% normal quantile.
const z999 = 3.2905

// behaviourParams is smallParams without police and with the parameters of
// the mechanisms under test set explicitly.
func behaviourParams() Params {
	p := smallParams()
	p.Police.Groups = nil
	p.TickMinutes = 60
	p.Stasher.AreaRadius = 8
	p.Stasher.Speed = 4
	p.Stasher.Candidates = 16
	p.Stasher.BRisk = 1
	p.Stasher.ChoiceTemp = 0.25
	p.Stasher.SightRadius = 3
	p.Stasher.RiskSeen = 0.5
	p.Stasher.RiskSeizure = 1
	p.Stasher.RiskKernel = 3
	p.Stasher.RiskHalfLifeDays = 14
	p.Stasher.RelocateThreshold = 0.15
	p.Stasher.RelocateRange = 3
	p.Stasher.ShiftStart, p.Stasher.ShiftEnd = 10, 20
	p.Organization.TenureDays = 0
	p.Police.LinkProb = 0
	return p
}

// eventLog keeps copies of the events of a run (the Sink's event is only
// valid during the call).
type eventLog struct{ ev []Event }

func (l *eventLog) Event(e *Event) {
	c := *e
	c.Day = nil
	l.ev = append(l.ev, c)
}

func (l *eventLog) of(k Kind) []Event {
	var out []Event
	for _, e := range l.ev {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// binomPMF is P(X = k) for X ~ Binomial(n, p).
func binomPMF(n, k int, p float64) float64 {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	if p == 0 {
		if k == 0 {
			return 1
		}
		return 0
	}
	if p == 1 {
		if k == n {
			return 1
		}
		return 0
	}
	return math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(p) + float64(n-k)*math.Log(1-p))
}

// 1. Risk repels placements (MODEL.md 4.1: U has -b_risk * R_s). A stasher
// stands where every cell within walking reach is usable; the cells east of
// it get a perceived risk R large enough that every risky candidate's logit
// weight is below eps = 1/100 of every safe candidate's:
// b_risk * R = (max risky U0 - min safe U0) + T ln 100, with U0 the
// utilities before the risk was added. For a candidate set with nS safe and
// nR risky cells the chance of a risky pick is then at most
// min(1, eps nR / nS); averaged over the candidate sampling (tries uniform
// over the (2r+1)^2 square, accepted inside the reach disk, 4K tries for K
// candidates, each candidate uniform over the disk), that bounds the share
// of risky picks. With the sign of risk flipped nearly every pick is risky.
// The risk is put once in the stasher's own map, once in its shop's (what
// the dispatcher relays), both of which U reads.
func TestBehaviourRiskRepelsPlacements(t *testing.T) {
	t.Run("own sightings", func(t *testing.T) { riskRepels(t, false) })
	t.Run("shop's reports", func(t *testing.T) { riskRepels(t, true) })
}

// riskRepels puts the risk in the stasher's own map or in its shop's.
func riskRepels(t *testing.T, shopRisk bool) {
	p := behaviourParams()
	p.Buyers.Count = 0
	m := mustNew(t, p, 3)
	m.sink = Discard
	s := m.street.stashers[0]
	sh := m.orgs.shops[s.shop]
	sp := &m.P.Stasher
	r := int(sp.Speed)

	// a spot whose whole reach disk is usable
	var disk [][2]int
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if float64(dx*dx+dy*dy) <= sp.Speed*sp.Speed {
				disk = append(disk, [2]int{dx, dy})
			}
		}
	}
	cx, cy := -1, -1
	for id := 0; id < len(m.G.Class) && cx < 0; id++ {
		x, y := m.G.XY(int32(id))
		ok := true
		for _, d := range disk {
			if !m.G.In(x+d[0], y+d[1]) || !m.G.Usable(m.G.ID(x+d[0], y+d[1])) {
				ok = false
				break
			}
		}
		if ok {
			cx, cy = x, y
		}
	}
	if cx < 0 {
		t.Fatal("no spot with a usable reach disk")
	}
	s.ax, s.ay, s.x, s.y = cx, cy, cx, cy
	const tk = 0

	risky := map[int32]bool{}
	maxRisky, minSafe := math.Inf(-1), math.Inf(1)
	for _, d := range disk {
		c := m.G.ID(cx+d[0], cy+d[1])
		u0 := m.utility(sh, s, c, tk)
		if d[0] > 0 {
			risky[c] = true
			maxRisky = math.Max(maxRisky, u0)
		} else {
			minSafe = math.Min(minSafe, u0)
		}
	}
	const eps = 0.01
	R := (maxRisky - minSafe + sp.ChoiceTemp*math.Log(1/eps)) / sp.BRisk
	for c := range risky {
		if shopRisk {
			sh.risk.add(c, R, tk)
		} else {
			s.risk.add(c, R, tk)
		}
	}

	// the bound on the share of risky picks
	K, tries := sp.Candidates, 4*sp.Candidates
	acc := float64(len(disk)) / float64((2*r+1)*(2*r+1))
	pS := float64(len(disk)-len(risky)) / float64(len(disk))
	bound := 0.0
	for a := 0; a <= tries; a++ { // accepted tries
		pa := binomPMF(tries, a, acc)
		n := min(a, K)
		if n == 0 {
			continue // no candidate: no placement
		}
		for nS := 0; nS <= n; nS++ {
			share := 1.0
			if nS > 0 {
				share = math.Min(1, eps*float64(n-nS)/float64(nS))
			}
			bound += pa * binomPMF(n, nS, pS) * share
		}
	}

	const draws = 20_000
	hits, picks := 0, 0
	for k := 0; k < draws; k++ {
		c, ok := m.chooseCell(sh, s, tk)
		if !ok {
			continue
		}
		picks++
		x, y := m.G.XY(c)
		if grid.Dist(x, y, cx, cy) > sp.Speed {
			t.Fatalf("pick (%d, %d) beyond walking reach of (%d, %d)", x, y, cx, cy)
		}
		if risky[c] {
			hits++
		}
	}
	if picks < draws*99/100 {
		t.Fatalf("only %d of %d choices found a candidate", picks, draws)
	}
	limit := float64(picks)*bound + z999*math.Sqrt(float64(picks)*bound*(1-bound)) + 1
	t.Logf("%d of %d picks risky, at most %.0f allowed", hits, picks, limit)
	if float64(hits) > limit {
		t.Errorf("%d of %d placements (%.1f%%) on the risky half (%d of %d reach cells, risk %.2f), want at most %.0f (softmax bound %.2f%% + 99.9%%): stashers do not avoid risk",
			hits, picks, 100*float64(hits)/float64(picks), len(risky), len(disk), R, limit, 100*bound)
	}
}

// 2. Seeing police (MODEL.md 4.1): a stasher renews its risk at the cell of
// every unit on duty within sight_radius (inclusive) to risk_seen (a
// higher risk already there stays); a unit beyond sight adds nothing. A
// unit seen inside the working area raises the area's risk by as much as
// the cell's risk rose.
func TestBehaviourSeeingPoliceRaisesRisk(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	p.Police.Groups = []GroupParams{{Strategy: "random", Count: 2, StartDay: 0, EndDay: p.Days}}
	m := mustNew(t, p, 4)
	m.sink = Discard
	m.policeSchedule(0)
	sp := &m.P.Stasher
	decay := math.Ln2 / (sp.RiskHalfLifeDays * 24)

	place := func(s *Stasher, x, y int) (int32, int32) {
		s.ax, s.ay, s.x, s.y = x, y, x, y
		s.risk = newRiskMap(sp.RiskHalfLifeDays * 24)
		s.areaRisk = decayed{}
		m.police.units[0].X, m.police.units[0].Y = x+3, y   // at distance 3: within sight
		m.police.units[1].X, m.police.units[1].Y = x+3, y+1 // at sqrt(10) > 3: beyond
		m.police.indexUnits()
		return m.G.ID(x+3, y), m.G.ID(x+3, y+1)
	}

	// Direct: a risk already at the near unit's cell decays; the sighting
	// renews it to risk_seen (0.5).
	s := m.street.stashers[0]
	near, far := place(s, 20, 10)
	const t0, t1 = 10, 34
	s.risk.add(near, 0.3, t0)
	s.areaRisk = decayed{v: 0.3, t: t0}
	m.see(s, s.x, s.y, t1)
	want := sp.RiskSeen
	if got := s.risk.get(near, t1); math.Abs(got-want) > 1e-6 {
		t.Errorf("risk at the cell of a unit 3 cells away (sight 3) = %.7f, want risk_seen = %.7f (0.3 decayed over %d ticks to %.7f, renewed)", got, want, t1-t0, 0.3*math.Exp(-decay*float64(t1-t0)))
	}
	if got := s.risk.get(far, t1); got != 0 {
		t.Errorf("risk at the cell of a unit sqrt(10) cells away (sight 3) = %g, want 0", got)
	}
	if got := s.areaRisk.get(m.street.decay, t1); math.Abs(got-want) > 1e-6 { // the map keeps float32
		t.Errorf("area risk after one unit seen in the area = %.9f, want %.9f", got, want)
	}
	// Seeing the same unit again renews nothing: the risk stays risk_seen.
	m.see(s, s.x, s.y, t1)
	if got, area := s.risk.get(near, t1), s.areaRisk.get(m.street.decay, t1); math.Abs(got-want) > 1e-6 || math.Abs(area-want) > 1e-6 {
		t.Errorf("after a second sighting the cell's risk is %.7f and the area's %.9f, want both risk_seen = %g (a sighting renews, it does not add)", got, area, want)
	}
	for id := range m.G.Class {
		if c := int32(id); c != near {
			if v := s.risk.get(c, t1); v != 0 {
				t.Errorf("risk %g at a cell without a unit in sight", v)
			}
		}
	}

	// Stepped: on shift, a stasher waiting for bulk sees the units where
	// they stood at the end of the previous tick.
	s = m.street.stashers[1]
	near, far = place(s, 20, 30)
	s.inventory, s.hasWholesale, s.awaitingBulk = 0, false, true
	m.tick = 24 + sp.ShiftStart
	m.Step(Discard)
	tk := m.tick - 1
	if got := s.risk.get(near, tk); math.Abs(got-sp.RiskSeen) > 1e-6 {
		t.Errorf("stepped: risk at the unit's cell = %.7f, want risk_seen = %g", got, sp.RiskSeen)
	}
	if got := s.risk.get(far, tk); got != 0 {
		t.Errorf("stepped: risk %g at the cell of a unit beyond sight", got)
	}
}

// diskRisk is a stasher's own and its shop's risk at tick summed by brute
// force over the disk of radius r around (x, y).
func diskRisk(m *Model, s *Stasher, x, y int, r float64, tick int) float64 {
	sum := 0.0
	sh := m.orgs.shops[s.shop]
	for id := range m.G.Class {
		cx, cy := m.G.XY(int32(id))
		if grid.Dist(cx, cy, x, y) <= r {
			sum += s.risk.get(int32(id), tick) + sh.risk.get(int32(id), tick)
		}
	}
	return sum
}

// 3. Relocation (MODEL.md 4.1): a stasher whose working area carries a mean
// risk above relocate_threshold moves its centre on its next day on shift,
// within 3 x relocate_range, to an area with less risk; one whose mean risk is
// half the threshold stays. The means are over the cells of the full disk.
func TestBehaviourRelocation(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	m := mustNew(t, p, 5)
	log := &eventLog{}
	sp := &m.P.Stasher
	diskCells := 0
	r := int(sp.AreaRadius)
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if float64(dx*dx+dy*dy) <= sp.AreaRadius*sp.AreaRadius {
				diskCells++
			}
		}
	}
	fill := func(s *Stasher, mean float64) {
		var cells []int32
		for id := range m.G.Class {
			x, y := m.G.XY(int32(id))
			if grid.Dist(x, y, s.ax, s.ay) <= sp.AreaRadius {
				cells = append(cells, int32(id))
			}
		}
		v := mean * float64(diskCells) / float64(len(cells))
		for _, c := range cells {
			s.risk.add(c, v, 0)
		}
		s.areaRisk = decayed{v: v * float64(len(cells)), t: 0}
	}
	hot, cool := m.street.stashers[0], m.street.stashers[1] // of shops 0 and 1: no shared shop risk
	fill(hot, 10)
	fill(cool, 0.5*sp.RelocateThreshold)
	hx, hy, cx, cy := hot.ax, hot.ay, cool.ax, cool.ay

	var moved []Event
	for m.tick < m.tpd { // the whole of day 0
		n := len(log.ev)
		m.Step(log)
		for _, e := range log.ev[n:] {
			if e.Kind == EvRelocate {
				moved = append(moved, e)
				if e.Agent == hot.id {
					if d := grid.Dist(int(e.X), int(e.Y), hx, hy); d > 3*sp.RelocateRange+1 || d == 0 {
						t.Errorf("moved from (%d, %d) to (%d, %d): %.1f cells, want 0 < d <= 3 x relocate_range %g (+1 for rounding)", hx, hy, e.X, e.Y, d, sp.RelocateRange)
					}
					before := diskRisk(m, hot, hx, hy, sp.AreaRadius, int(e.Tick))
					after := diskRisk(m, hot, int(e.X), int(e.Y), sp.AreaRadius, int(e.Tick))
					if !(after < before) {
						t.Errorf("moved to an area with risk %.2f from one with %.2f", after, before)
					}
				}
			}
		}
	}
	nHot := 0
	for _, e := range moved {
		switch e.Agent {
		case hot.id:
			nHot++
		case cool.id:
			t.Errorf("a stasher with mean area risk %.3f (threshold %.3f) relocated", 0.5*sp.RelocateThreshold, sp.RelocateThreshold)
		}
	}
	if nHot != 1 {
		t.Errorf("a stasher with mean area risk 10 (threshold %g) relocated %d times on its first day, want once", sp.RelocateThreshold, nHot)
	}
	if nHot == 1 && (hot.ax == hx && hot.ay == hy) {
		t.Errorf("relocate event but the centre is still (%d, %d)", hx, hy)
	}
	if cool.ax != cx || cool.ay != cy {
		t.Errorf("the cool stasher's centre moved from (%d, %d) to (%d, %d)", cx, cy, cool.ax, cool.ay)
	}
}

// 4. Drops lie in the working area (MODEL.md 4.1): over a run with police,
// seizures and relocations, every drop placed lies within area_radius of
// its stasher's working-area centre at the time, the centre being followed
// through the event stream (set at hiring, moved by relocate events), and
// every relocation moves the centre by at most 3 x relocate_range.
func TestBehaviourDropsInWorkingArea(t *testing.T) {
	p := behaviourParams()
	p.Days = 10
	p.Stasher.RelocateThreshold = 0.02
	p.Police.Groups = []GroupParams{{Strategy: "random", Count: 8, StartDay: 0, EndDay: p.Days}}
	m := mustNew(t, p, 6)
	centre := map[int32][2]int{}
	for _, s := range m.street.stashers {
		centre[s.id] = [2]int{s.ax, s.ay}
	}
	placed, relocations, outside := 0, 0, 0
	moved := 0.0
	sink := SinkFunc(func(e *Event) {
		switch e.Kind {
		case EvRecruit:
			if e.Role == RoleStasher {
				s := m.street.stashers[e.Agent]
				centre[e.Agent] = [2]int{s.ax, s.ay}
			}
		case EvRelocate:
			relocations++
			c := centre[e.Agent]
			d := grid.Dist(int(e.X), int(e.Y), c[0], c[1])
			moved += d
			if d > 3*p.Stasher.RelocateRange+1 || d == 0 {
				t.Errorf("tick %d: stasher %d moved its centre from (%d, %d) to (%d, %d), %.1f cells, want 0 < d <= 3 x relocate_range %g (+1 for rounding)",
					e.Tick, e.Agent, c[0], c[1], e.X, e.Y, d, p.Stasher.RelocateRange)
			}
			centre[e.Agent] = [2]int{int(e.X), int(e.Y)}
		case EvDropPlaced:
			placed++
			c, ok := centre[e.Drop.Stasher]
			if !ok {
				t.Fatalf("drop by stasher %d, never hired", e.Drop.Stasher)
			}
			if d := grid.Dist(int(e.Drop.X), int(e.Drop.Y), c[0], c[1]); d > p.Stasher.AreaRadius {
				if outside++; outside <= 5 {
					t.Errorf("tick %d: drop at (%d, %d), %.1f cells from its stasher's centre (%d, %d), area radius %g",
						e.Tick, e.Drop.X, e.Drop.Y, d, c[0], c[1], p.Stasher.AreaRadius)
				}
			}
		}
	})
	for !m.Done() {
		m.Step(sink)
	}
	if outside > 0 {
		t.Errorf("%d of %d drops outside the working area", outside, placed)
	}
	t.Logf("%d drops, %d relocations, mean move %.2f cells", placed, relocations, moved/float64(max(1, relocations)))
	if placed < 500 || relocations < 5 {
		t.Errorf("degenerate run: %d drops, %d relocations", placed, relocations)
	}
}

// 5. Complaints are relayed (MODEL.md 4.1, docs 6.1): a buyer who finds a
// seized drop complains; the shop's risk rises by risk_seizure times the
// cone 1 - d/(k+1) at every cell within k = risk_kernel of the drop's cell,
// and nowhere else; each of the shop's stashers' area risk rises by the
// part of that spread inside its area; another shop's stashers learn nothing.
func TestBehaviourComplaintRaisesRisk(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 10
	p.Stasher.RiskSeizure = 0.8
	p.Market.RedropProb = 0
	m := mustNew(t, p, 7)
	log := &eventLog{}
	m.sink = log
	sp := &m.P.Stasher
	k := sp.RiskKernel
	s0 := m.street.stashers[0]
	sh := m.orgs.shops[s0.shop]
	// a cell near the edge of stasher 0's area, with the kernel inside the grid
	cell := int32(-1)
	for id := range m.G.Class {
		x, y := m.G.XY(int32(id))
		d := grid.Dist(x, y, s0.ax, s0.ay)
		if x >= k && y >= k && x < m.G.W-k && y < m.G.H-k && d <= sp.AreaRadius && d > sp.AreaRadius-2 {
			cell = int32(id)
			break
		}
	}
	if cell < 0 {
		t.Fatal("no cell at the edge of the working area")
	}
	const tk = 30
	m.tick = tk
	d := putDrop(m, cell)
	m.street.drops[d].shop, m.street.drops[d].stasher = sh.id, s0.id
	m.seize(d, CauseSearch)
	const b = 0
	m.market.buyers[b].state, m.market.buyers[b].drop = buyerTravel, d
	m.street.drops[d].buyer = b

	x0, y0 := m.G.XY(cell)
	before := map[int32]float64{}
	for dy := -k - 2; dy <= k+2; dy++ {
		for dx := -k - 2; dx <= k+2; dx++ {
			if m.G.In(x0+dx, y0+dy) {
				c := m.G.ID(x0+dx, y0+dy)
				before[c] = sh.risk.get(c, tk)
			}
		}
	}
	areaBefore := map[int32]float64{}
	for _, s := range m.street.stashers {
		areaBefore[s.id] = s.areaRisk.get(m.street.decay, tk)
	}

	m.market.arrivals.add(tk, 0, b, d)
	m.pickups(tk)

	if nf := log.of(EvNotFound); len(nf) != 1 || nf[0].X != int32(x0) || nf[0].Y != int32(y0) {
		t.Fatalf("not-found events %+v, want one at (%d, %d)", nf, x0, y0)
	}
	wantArea := map[int32]float64{}
	bad := 0
	for c, v0 := range before {
		x, y := m.G.XY(c)
		dist := grid.Dist(x, y, x0, y0)
		dv := 0.0
		if dist <= float64(k) {
			dv = sp.RiskNotFound * (1 - dist/float64(k+1))
		}
		if got := sh.risk.get(c, tk) - v0; math.Abs(got-dv) > 1e-6 {
			if bad++; bad <= 3 {
				t.Errorf("shop risk at (%d, %d), %.2f cells from the complaint, rose by %.6f, want risk_not_found x kernel = %.6f", x, y, dist, got, dv)
			}
		}
		for _, sid := range sh.stashers {
			s := m.street.stashers[sid]
			if grid.Dist(x, y, s.ax, s.ay) <= sp.AreaRadius {
				wantArea[sid] += dv
			}
		}
	}
	if bad > 3 {
		t.Errorf("... and %d more cells", bad-3)
	}
	if wantArea[s0.id] <= 0 {
		t.Fatalf("degenerate test: no kernel cell in stasher 0's area")
	}
	for _, s := range m.street.stashers {
		got := s.areaRisk.get(m.street.decay, tk) - areaBefore[s.id]
		if math.Abs(got-wantArea[s.id]) > 1e-9 {
			t.Errorf("stasher %d (shop %d): area risk rose by %.6f, want %.6f", s.id, s.shop, got, wantArea[s.id])
		}
	}
}

// redropRun plays a small market with police (so that drops are seized and
// buyers find nothing) and returns, for not-found complaints to a shop that
// was online, how many were answered at once by a re-drop for the same
// buyer; re-drops for a shop that was offline are counted apart.
func redropRun(t *testing.T, prob float64, seed uint64) (complaints, redrops, offline int) {
	p := behaviourParams()
	p.Days = 60
	p.Buyers.Count = 600
	p.Buyers.IntervalDays = 3
	p.Market.RedropProb = prob
	p.Market.LossRate = 0.6
	p.Police.FindProb = 0.8
	p.Police.Groups = []GroupParams{{Strategy: "random", Count: 12, StartDay: 0, EndDay: p.Days}}
	m := mustNew(t, p, seed)
	var pending *Event
	var pend Event
	sink := SinkFunc(func(e *Event) {
		if pending != nil {
			if e.Kind == EvRedrop && e.Agent == pending.Agent && e.Shop == pending.Shop {
				redrops++
			}
			pending = nil
		}
		if e.Kind == EvNotFound {
			if m.orgs.shops[e.Shop].online() {
				complaints++
				pend = *e
				pending = &pend
			}
		} else if e.Kind == EvRedrop && !m.orgs.shops[e.Shop].online() {
			offline++
		}
	})
	for !m.Done() {
		m.Step(sink)
	}
	return
}

// 6. Re-drops (MODEL.md 4.2): with redrop_prob = 1 every not-found
// complaint to an online shop is answered by a re-drop; with 0.5 the share
// answered lies in the binomial 99.9% interval around 0.5.
func TestBehaviourRedrops(t *testing.T) {
	n, r, off := redropRun(t, 1, 8)
	if n < 100 {
		t.Fatalf("degenerate run: %d complaints", n)
	}
	if r != n || off != 0 {
		t.Errorf("redrop_prob 1: %d of %d complaints answered by a re-drop (%d re-drops by offline shops), want all", r, n, off)
	}
	n, r, _ = redropRun(t, 0.5, 9)
	t.Logf("redrop_prob 0.5: %d of %d complaints answered", r, n)
	if n < 300 {
		t.Fatalf("degenerate run: %d complaints", n)
	}
	half := z999 * math.Sqrt(0.25/float64(n))
	if share := float64(r) / float64(n); math.Abs(share-0.5) > half {
		t.Errorf("redrop_prob 0.5: %d of %d complaints answered (%.3f), want 0.5 +- %.3f (99.9%%)", r, n, share, half)
	}
}

// roundedExpMoments: the mean and SD in ticks of max(1, round(X)), X
// exponential with mean mu ticks: P(round X = j) = e^{-(j-1/2)/mu} -
// e^{-(j+1/2)/mu} for j >= 1, and j = 0 counts as 1.
func roundedExpMoments(mu float64) (mean, sd float64) {
	m1, m2 := 0.0, 0.0
	p0 := 1 - math.Exp(-0.5/mu)
	m1, m2 = p0, p0
	for j := 1; j < int(60*mu)+100; j++ {
		pj := math.Exp(-(float64(j)-0.5)/mu) - math.Exp(-(float64(j)+0.5)/mu)
		m1 += float64(j) * pj
		m2 += float64(j*j) * pj
	}
	return m1, math.Sqrt(m2 - m1*m1)
}

// 7. Recruitment (MODEL.md 2, P3): each arrested stasher is replaced, by a
// stasher of the same shop, after an exponential delay of mean
// recruit_days, drawn in ticks as max(1, round(X)). Over n arrests, one at
// a time, the mean delay lies in the 99.9% interval of the mean of that
// distribution, and the share of delays above twice the mean in the
// binomial 99.9% interval of P(round X > 2 mu) = e^{-(2mu+1/2)/mu}
// (an exponential, not a fixed delay).
func TestBehaviourRecruitment(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	p.Days = 2000
	p.Organization.RecruitDays = 0.5
	p.Organization.TenureDays = 0
	p.Police.LinkProb = 0
	m := mustNew(t, p, 10)
	mu := p.Organization.RecruitDays * float64(m.tpd)
	const n = 400
	var delays []int
	var recruits []Event
	sink := SinkFunc(func(e *Event) {
		if e.Kind == EvRecruit {
			recruits = append(recruits, *e)
		}
	})
	m.sink = sink
	for k := 0; k < n; k++ {
		sh := m.orgs.shops[k%len(m.orgs.shops)]
		before := len(sh.stashers)
		s := m.street.stashers[sh.stashers[0]]
		t0 := m.tick
		recruits = recruits[:0]
		m.arrestStasher(sh, s, CauseSeen, t0)
		if len(sh.stashers) != before-1 {
			t.Fatalf("arrest left %d stashers, want %d", len(sh.stashers), before-1)
		}
		for len(recruits) == 0 && m.tick < t0+int(40*mu) {
			m.Step(sink)
		}
		if len(recruits) != 1 {
			t.Fatalf("arrest %d at tick %d: %d recruits within %d ticks (recruit_days %g), want 1",
				k, t0, len(recruits), int(40*mu), p.Organization.RecruitDays)
		}
		e := recruits[0]
		if e.Role != RoleStasher || e.Shop != sh.id || len(sh.stashers) != before || !m.street.stashers[e.Agent].employed {
			t.Fatalf("recruit %+v: want an employed stasher of shop %d, back to %d stashers (have %d)", e, sh.id, before, len(sh.stashers))
		}
		delays = append(delays, int(e.Tick)-t0)
	}
	mean, sd := roundedExpMoments(mu)
	sum, long := 0.0, 0
	for _, d := range delays {
		sum += float64(d)
		if float64(d) > 2*mu {
			long++
		}
	}
	got := sum / n
	t.Logf("mean delay %.2f ticks (want %.2f), %d of %d above 2 mu", got, mean, long, n)
	if half := z999 * sd / math.Sqrt(n); math.Abs(got-mean) > half {
		t.Errorf("mean delay from arrest to replacement %.2f ticks over %d arrests, want %.2f +- %.2f (recruit_days %g = %.0f ticks)",
			got, n, mean, half, p.Organization.RecruitDays, mu)
	}
	pl := math.Exp(-(math.Floor(2*mu) + 0.5) / mu) // round(X) > 2mu iff X >= floor(2mu) + 1/2
	if half := z999 * math.Sqrt(pl*(1-pl)/n); math.Abs(float64(long)/n-pl) > half {
		t.Errorf("%d of %d delays above twice the mean (%.3f), want %.3f +- %.3f for an exponential delay", long, n, float64(long)/n, pl, half)
	}
}

// 8. Expiry (MODEL.md 3.6): an unreserved drop is withdrawn exactly
// drop_ttl_days x ticks a day after it was placed; none older lies
// unreserved on the map. A reserved drop stays for its buyer.
func TestBehaviourDropExpiry(t *testing.T) {
	p := behaviourParams()
	p.Days = 8
	p.Market.DropTTLDays = 1.5
	p.Market.LossRate = 0
	p.Buyers.Count = 150
	m := mustNew(t, p, 11)
	ttl := int(p.Market.DropTTLDays * 24)
	expired, wrong := 0, 0
	sink := SinkFunc(func(e *Event) {
		if e.Kind == EvDropEnded && e.Drop.Outcome == OutcomeExpired {
			expired++
			if age := int(e.Drop.End - e.Drop.Placed); age != ttl {
				if wrong++; wrong <= 5 {
					t.Errorf("drop %d expired %d ticks after placement, want drop_ttl %d", e.Drop.ID, age, ttl)
				}
			}
		}
	})
	stale := 0
	for !m.Done() {
		m.Step(sink)
		for i := range m.street.drops {
			if d := &m.street.drops[i]; d.state == dropOnMap && d.buyer < 0 && m.tick-1-int(d.placed) >= ttl {
				stale++
			}
		}
	}
	if stale > 0 {
		t.Errorf("%d drop-ticks of unreserved drops %d ticks old or older on the map", stale, ttl)
	}
	if expired < 50 {
		t.Errorf("only %d drops expired", expired)
	}
	t.Logf("%d drops expired", expired)

	// A reserved drop does not expire.
	m = mustNew(t, p, 11)
	m.sink = Discard
	s := m.street.stashers[0]
	s.inventory = 1
	id := m.place(s, m.G.ID(s.ax, s.ay), 0)
	m.reserveDrop(id, 0)
	for tk := 0; tk <= 2*ttl; tk++ {
		m.tick = tk
		m.expireDrops(tk)
	}
	if m.street.drops[id].state != dropOnMap {
		t.Errorf("a reserved drop left the map")
	}
}

// 9. Losses to others (MODEL.md 3.6): a drop on the map is lost at hazard
// loss_rate a day, i.e. with probability q = 1 - (1 - loss_rate)^(1/24)
// per hourly tick it lies there. The drops lost over a run are compared
// with q times the drop-ticks at risk (a drop placed at tick a and gone at
// tick e is at risk at ticks a+1..e, or a+1..e-1 if taken before the
// losses of tick e), within a Poisson 99.9% interval.
func TestBehaviourLossHazard(t *testing.T) {
	p := behaviourParams()
	p.Days = 10
	p.Market.LossRate = 0.3
	p.Market.DropTTLDays = 3
	p.Buyers.Count = 300
	m := mustNew(t, p, 12)
	lost := 0
	var lo, hi float64 // drop-ticks at risk
	sink := SinkFunc(func(e *Event) {
		if e.Kind != EvDropEnded {
			return
		}
		if e.Drop.Outcome == OutcomeLost {
			lost++
		}
		age := float64(e.Drop.End - e.Drop.Placed)
		lo += math.Max(0, age-1)
		hi += age
	})
	for !m.Done() {
		m.Step(sink)
	}
	m.Finish(sink)
	q := 1 - math.Pow(1-p.Market.LossRate, 1.0/24)
	elo, ehi := q*lo, q*hi
	t.Logf("%d lost, expected %.1f to %.1f", lost, elo, ehi)
	if elo < 200 {
		t.Fatalf("degenerate run: %.0f losses expected", elo)
	}
	if float64(lost) < elo-z999*math.Sqrt(elo) || float64(lost) > ehi+z999*math.Sqrt(ehi) {
		t.Errorf("%d drops lost, want q x drop-ticks at risk = %.0f to %.0f (+- %.0f, 99.9%%) for loss_rate %g a day",
			lost, elo, ehi, z999*math.Sqrt(ehi), p.Market.LossRate)
	}
}

// 10. Churn (MODEL.md 4.2): with no doses anywhere and no patience every
// order is unmet; a buyer's churn_after-th failure in a row takes it out of
// the market for churn_days, so its next order comes more than churn_days
// later; after an earlier failure the next order comes at the usual rate
// (a gap above churn_days has chance e^{-churn_days/interval_days}, here
// e^{-10}).
func TestBehaviourChurn(t *testing.T) {
	p := behaviourParams()
	p.Days = 40
	p.Buyers.Count = 200
	p.Buyers.IntervalDays = 1
	p.Buyers.PatienceHours = 0
	p.Buyers.ChurnAfter = 3
	p.Buyers.ChurnDays = 10
	p.Market.StartStock = 0
	p.Market.ReorderPoint = 0
	m := mustNew(t, p, 13)
	churnTicks := int(p.Buyers.ChurnDays * 24)
	fails := map[int32]int{}
	lastUnmet := map[int32]int32{}
	afterChurn, churnOK, early, earlyLong := 0, 0, 0, 0
	sink := SinkFunc(func(e *Event) {
		switch e.Kind {
		case EvOrder:
			if last, ok := lastUnmet[e.Agent]; ok {
				gap := int(e.Tick - last)
				if fails[e.Agent]%p.Buyers.ChurnAfter == 0 {
					afterChurn++
					if gap > churnTicks {
						churnOK++
					}
				} else {
					early++
					if gap > churnTicks {
						earlyLong++
					}
				}
			}
		case EvUnmet:
			fails[e.Agent]++
			lastUnmet[e.Agent] = e.Tick
		case EvDropPlaced:
			t.Fatalf("a drop was placed with no doses")
		}
	})
	for !m.Done() {
		m.Step(sink)
	}
	t.Logf("%d orders after a churn, %d after an earlier failure, %d of them late", afterChurn, early, earlyLong)
	if afterChurn < 100 || early < 200 {
		t.Fatalf("degenerate run: %d orders after a churn, %d after an earlier failure", afterChurn, early)
	}
	if churnOK != afterChurn {
		t.Errorf("%d of %d orders after a buyer's failure number %d in a row came more than churn_days (%g) later, want all",
			churnOK, afterChurn, p.Buyers.ChurnAfter, p.Buyers.ChurnDays)
	}
	if earlyLong > early/100 {
		t.Errorf("%d of %d orders after a failure short of churn_after came more than churn_days later, want about e^-10 of them", earlyLong, early)
	}
}

// 11. Closing (MODEL.md 2): when the organizer is arrested the shop goes
// offline: it places no drops and takes no money until a successor reopens
// it, exactly successor_days later when successor_prob = 1; then it works
// again. With successor_prob = 0 it stays closed.
func TestBehaviourShopClosesOnOrganizerArrest(t *testing.T) {
	for _, succ := range []float64{1, 0} {
		p := behaviourParams()
		p.Days = 8
		p.Organization.SuccessorProb = succ
		p.Organization.SuccessorDays = 2
		m := mustNew(t, p, 14)
		closeAt := 2*m.tpd + 12
		reopenAt := closeAt + int(p.Organization.SuccessorDays*24)
		var closed, reopened []int32
		placedWhileClosed, paidWhileClosed, placedAfter := 0, 0, 0
		sink := SinkFunc(func(e *Event) {
			if e.Shop != 0 {
				return
			}
			switch e.Kind {
			case EvShopClosed:
				closed = append(closed, e.Tick)
			case EvShopReopened:
				reopened = append(reopened, e.Tick)
			case EvDropPlaced:
				if int(e.Tick) >= closeAt && (succ == 0 || int(e.Tick) < reopenAt) {
					placedWhileClosed++
				} else if int(e.Tick) >= reopenAt {
					placedAfter++
				}
			case EvMoney:
				if e.Cause == CauseRevenue && int(e.Tick) >= closeAt && (succ == 0 || int(e.Tick) < reopenAt) {
					paidWhileClosed++
				}
			}
		})
		for !m.Done() {
			if m.tick == closeAt {
				m.sink = sink
				sh := m.orgs.shops[0]
				m.arrestMember(sh, RoleOrganizer, &sh.organizer, CauseInvestigation, m.tick)
				if sh.online() {
					t.Errorf("successor_prob %g: shop online after its organizer's arrest", succ)
				}
			}
			m.Step(sink)
		}
		if len(closed) != 1 || int(closed[0]) != closeAt {
			t.Errorf("successor_prob %g: shop-closed events at %v, want one at %d", succ, closed, closeAt)
		}
		if placedWhileClosed > 0 || paidWhileClosed > 0 {
			t.Errorf("successor_prob %g: the closed shop placed %d drops and sold %d", succ, placedWhileClosed, paidWhileClosed)
		}
		switch succ {
		case 1:
			if len(reopened) != 1 || int(reopened[0]) != reopenAt {
				t.Errorf("successor_prob 1: reopened at %v, want once at tick %d (successor_days %g after the arrest)", reopened, reopenAt, p.Organization.SuccessorDays)
			}
			if placedAfter == 0 {
				t.Errorf("successor_prob 1: no drop placed after reopening")
			}
		case 0:
			if len(reopened) != 0 || m.orgs.shops[0].open {
				t.Errorf("successor_prob 0: reopened at %v", reopened)
			}
		}
	}
}

// 12. Traffic in the drop-site choice (MODEL.md 4.1): a busier cell scores
// b_traffic x its extra traffic less, the rest equal; and a working area
// scores b_traffic x its extra mean traffic less when relocating.
func TestBehaviourTrafficDetersPlacements(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	p.Stasher.BTraffic = 1.7
	m := mustNew(t, p, 3)
	s := m.street.stashers[0]
	sh := m.orgs.shops[s.shop]
	c := m.G.ID(s.x, s.y)
	m.G.Traffic[c] = 0.1
	quiet := m.utility(sh, s, c, 0)
	m.G.Traffic[c] = 0.9
	busy := m.utility(sh, s, c, 0)
	if want := -1.7 * (float64(float32(0.9)) - float64(float32(0.1))); math.Abs((busy-quiet)-want) > 1e-9 {
		t.Errorf("utility at traffic 0.9 less at 0.1 = %.9f, want -b_traffic x 0.8 = %.9f", busy-quiet, want)
	}

	// The area score: raise the traffic of every cell by 0.25 and the
	// score falls by b_traffic x 0.25 (the mean over the area's square).
	x, y := 20, 20
	m.trafficSAT = grid.NewSummed(m.G.W, m.G.H, m.G.Traffic)
	before := m.areaScore(x, y, 0)
	for i := range m.G.Traffic {
		m.G.Traffic[i] += 0.25
	}
	m.trafficSAT = grid.NewSummed(m.G.W, m.G.H, m.G.Traffic)
	if d, want := m.areaScore(x, y, 0)-before, -1.7*0.25; math.Abs(d-want) > 1e-6 {
		t.Errorf("area score with 0.25 more traffic everywhere changed by %.7f, want -b_traffic x 0.25 = %.7f", d, want)
	}
}

// 13. Mules are stopped only near their route (MODEL.md 3, 4.3): the route
// runs straight from the nearest point of the city's edge to the
// stasher's area centre; each unit within detect_radius of it stops the
// mule with mule_intercept_prob, counted once however many route cells it
// is near; a unit far from the route never does.
func TestBehaviourMuleInterceptionOnTheRoute(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	p.Police.DetectRadius = 1
	p.Police.Groups = []GroupParams{{Strategy: "random", Count: 2, StartDay: 0, EndDay: p.Days}}
	m := mustNew(t, p, 7)
	m.sink = Discard
	m.policeSchedule(0)
	s := m.street.stashers[0]
	s.ax, s.ay = 12, 20 // the nearest edge is the west one: the route is row 20, x 0 to 12
	if ex, ey := m.cityEdge(s.ax, s.ay); ex != 0 || ey != 20 {
		t.Fatalf("city edge of (12, 20) in a 40 x 40 city = (%d, %d), want (0, 20)", ex, ey)
	}
	put := func(x0, y0, x1, y1 int) {
		m.police.units[0].X, m.police.units[0].Y, m.police.units[1].X, m.police.units[1].Y = x0, y0, x1, y1
		m.police.indexUnits()
	}
	share := func(n int) float64 {
		k := 0
		for range n {
			if m.intercepted(s) {
				k++
			}
		}
		return float64(k) / float64(n)
	}
	m.P.Police.MuleInterceptProb = 1
	put(30, 5, 35, 35) // both far from row 20, x 0 to 12
	if got := share(100); got != 0 {
		t.Errorf("units far from the route stopped %.2f of mules, want none", got)
	}
	put(6, 21, 35, 35) // one unit a cell beside the middle of the route
	if got := share(100); got != 1 {
		t.Errorf("a unit beside the route with mule_intercept_prob 1 stopped %.2f of mules, want all", got)
	}
	put(5, 25, 35, 35) // five rows off the route: beyond detect_radius
	if got := share(100); got != 0 {
		t.Errorf("a unit 5 cells from the route stopped %.2f of mules, want none", got)
	}
	// Through a delivery: a shop sending bulk to s loses its mule only
	// when a unit is near the route.
	sh := m.orgs.shops[s.shop]
	send := func() bool {
		sh.stock, sh.open = 1000, true
		sh.mules[0].present = true
		s.awaitingBulk, s.queued, s.hasWholesale = false, false, false
		before := m.totals.DosesIntercepted
		m.sendMule(sh, s, 0)
		return m.totals.DosesIntercepted > before
	}
	put(30, 5, 35, 35)
	for range 50 {
		if send() {
			t.Fatalf("a delivery was intercepted with every unit far from its route")
		}
	}
	put(6, 19, 35, 35)
	if !send() {
		t.Errorf("a delivery passing a unit with mule_intercept_prob 1 got through")
	}

	// One unit next to three route cells counts once: p; two units: 1 - (1-p)^2.
	const n, q = 4000, 0.3
	m.P.Police.MuleInterceptProb = q
	for _, c := range []struct {
		units [4]int
		want  float64
	}{{[4]int{6, 20, 35, 35}, q}, {[4]int{3, 20, 9, 21}, 1 - (1-q)*(1-q)}} {
		put(c.units[0], c.units[1], c.units[2], c.units[3])
		got := share(n)
		if tol := z999 * math.Sqrt(c.want*(1-c.want)/n); math.Abs(got-c.want) > tol {
			t.Errorf("units at %v stopped %.3f of mules, want %.3f +- %.3f", c.units, got, c.want, tol)
		}
	}
}

// 14. A replacement takes over its predecessor's post and working area
// (docs/MODEL.md 6.3), as its predecessor left it, relocations included;
// so turnover does not move the market.
func TestBehaviourReplacementKeepsTheArea(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	p.Organization.RecruitDays = 0.5
	m := mustNew(t, p, 9)
	m.sink = Discard
	for k, s := range slices.Clone(m.street.stashers) {
		s.ax, s.ay = 5+3*k, 30-k // as if it had relocated there
		sh := m.orgs.shops[s.shop]
		m.arrestStasher(sh, s, CauseSeen, m.tick)
		for n := len(m.street.stashers); len(m.street.stashers) == n; {
			m.Step(Discard)
		}
		r := m.street.stashers[len(m.street.stashers)-1]
		if r.post != s.post || r.shop != s.shop || r.ax != s.ax || r.ay != s.ay {
			t.Errorf("stasher %d (post %d, shop %d, area (%d, %d)) was replaced by %d (post %d, shop %d, area (%d, %d)): want the same post, shop and area",
				s.id, s.post, s.shop, s.ax, s.ay, r.id, r.post, r.shop, r.ax, r.ay)
		}
	}
}

// 15. A stasher leaving at the end of its tenure gives notice: its
// replacement takes over the post on the next tick, while an arrest
// leaves the post empty for the recruitment delay (test 7).
func TestBehaviourQuitReplacedAtOnce(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	p.Organization.RecruitDays = 30
	m := mustNew(t, p, 9)
	m.sink = Discard
	for _, s := range slices.Clone(m.street.stashers) {
		n, at := len(m.street.stashers), m.tick
		m.quit(s)
		for m.tick <= at+1 { // play the tick of the quit and the next
			m.Step(Discard)
		}
		if len(m.street.stashers) != n+1 {
			t.Fatalf("stasher %d quit at tick %d: %d recruits by the next tick, want 1 (recruit_days 30 is for arrests)", s.id, at, len(m.street.stashers)-n)
		}
		if r := m.street.stashers[n]; r.post != s.post || r.ax != s.ax || r.ay != s.ay {
			t.Errorf("stasher %d quit; its replacement has post %d area (%d, %d), want post %d area (%d, %d)", s.id, r.post, r.ax, r.ay, s.post, s.ax, s.ay)
		}
	}
}

// 16. An arrest says whether the person arrested is a minor.
func TestBehaviourArrestMarksMinors(t *testing.T) {
	p := behaviourParams()
	p.Buyers.Count = 0
	m := mustNew(t, p, 9)
	log := &eventLog{}
	m.sink = log
	a, b := m.street.stashers[0], m.street.stashers[1]
	a.minor, b.minor = true, false
	m.arrestStasher(m.orgs.shops[a.shop], a, CauseSeen, 0)
	m.arrestStasher(m.orgs.shops[b.shop], b, CauseSeen, 0)
	sh := m.orgs.shops[0]
	sh.mules[0].minor = true
	m.arrestMember(sh, RoleMule, &sh.mules[0], CauseInterception, 0)
	var got []bool
	for _, e := range log.of(EvArrest) {
		got = append(got, e.Minor)
	}
	if len(got) < 3 || !got[0] || got[1] || !got[2] {
		t.Errorf("arrests' minor flags %v, want [true false true ...] (a minor stasher, an adult, a minor mule)", got)
	}
}
