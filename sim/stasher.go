package sim

import (
	"math"
	"math/rand/v2"
	"slices"

	"dropsim/sim/grid"
)

// streetLevel is the stashers and the drops they place: the posts of the
// organisations they fill, the drops on the map, their expiry and losses.
type streetLevel struct {
	stasherRand agentStreams // one stream per stasher

	stashers   []*Stasher
	posts      []stasherPost // by post (Stasher.post)
	drops      []Drop
	present    *grid.Index // drops physically on the map
	onMap      int
	expiry     []int32 // drop ids in placement order, for the TTL
	expiryHead int
	losses     agenda // drops taken by others (a = drop)

	// Derived constants.
	perTick     int       // drops a stasher may place in one tick
	shiftTicks  int       // ticks in a shift
	ttlTicks    int       // drop lifetime
	decay       float64   // risk decay per tick
	riskFactor  []float64 // exp(-decay * age) for every age of the run (risk.go)
	lossPerTick float64   // hazard of loss per tick
	areaCells   int       // cells in a full working-area disk
	kernel      []kernelCell

	centres [][2]int  // scratch for maybeRelocate
	cand    []int32   // scratch for chooseCell
	util    []float64 // scratch for chooseCell
}

// Stasher (kladmen) places drops in its working area (MODEL.md 4.1): it
// samples candidate cells, scores them by demand, cover, perceived risk and
// distance, picks one by softmax, and moves its whole area when the area
// has become too risky.
type Stasher struct {
	id, shop  int32
	post      int32 // the place in the organization it fills (newStasher)
	employed  bool
	minor     bool
	x, y      int // position
	ax, ay    int // working-area centre
	inventory int
	listed    int // own drops the shop offers, for max_active
	drops     []int32

	day, placedToday int

	risk     riskMap // own sightings of police
	areaRisk decayed // own and shop risk summed over the working area

	awaitingBulk, queued, hasWholesale bool
	wholesaleDoses                     int
	wx, wy                             int

	rng rand.PCG // the stasher's own stream (streams.go)
}

// stasherPost is a place in an organization that stashers fill one after
// another: how many have held it, and the working area its last holder
// left when it fell vacant.
type stasherPost struct {
	held    uint32
	vacated bool
	ax, ay  int
}

// newStasher hires a stasher for sh into post (a place in the
// organization: the initial stashers' posts are 0, 1, ...; a replacement
// takes over its predecessor's) and gives it a working area. The
// stasher's stream is keyed by the post and how many have held it, not by
// the order of hiring, so that an arrest that hastens one replacement
// leaves every other post's stashers with their draws (streams.go). A
// replacement takes over the post's working area as its predecessor
// left it: the organizer fills the vacant district, so turnover does not
// move the market (drawing new areas as at the start would, since the
// gaps between the other stashers lie toward the outskirts).
func (m *Model) newStasher(sh *Shop, t int, recruited bool, post int32) *Stasher {
	id := int32(len(m.street.stashers))
	for int(post) >= len(m.street.posts) {
		m.street.posts = append(m.street.posts, stasherPost{})
	}
	ps := &m.street.posts[post]
	s := &Stasher{id: id, shop: sh.id, post: post, employed: true, day: -1,
		risk: m.street.newRiskMap(),
		rng:  agentPCG(m.Seed, streamStasher, uint64(post)<<32|uint64(ps.held))}
	ps.held++
	if recruited {
		s.minor = m.stasherRNG(s).Float64() < m.P.Organization.MinorShare
	}
	if ps.vacated {
		s.ax, s.ay = ps.ax, ps.ay
	} else {
		s.ax, s.ay = m.assignArea(sh, s)
	}
	s.x, s.y = s.ax, s.ay
	s.areaRisk = decayed{v: m.areaRiskSums(s, [][2]int{{s.ax, s.ay}}, t)[0], t: t}
	m.street.stashers = append(m.street.stashers, s)
	sh.stashers = append(sh.stashers, s.id)
	if m.P.Organization.TenureDays > 0 {
		m.orgs.sched.add(t+max(1, m.expDays(m.stasherRNG(s), m.P.Organization.TenureDays)), schedQuit, s.id, 0)
	}
	return s
}

// assignArea: the organizer spreads its stashers over the market as shops
// cover districts: it draws cells by demand (where buyers live) until one
// lies at least half a working-area radius from its other stashers' areas,
// keeping the farthest draw if none does within a few tries. The draws are
// the new stasher's.
func (m *Model) assignArea(sh *Shop, s *Stasher) (int, int) {
	spacing := 0.5 * m.P.Stasher.AreaRadius
	bestX, bestY, bestD := 0, 0, -1.0
	for k := 0; k < 20 && bestD < spacing; k++ {
		x, y := m.G.XY(m.drawHome(m.stasherRNG(s)))
		d := math.Inf(1)
		for _, id := range sh.stashers {
			o := m.street.stashers[id]
			d = math.Min(d, grid.Dist(x, y, o.ax, o.ay))
		}
		if d > bestD {
			bestX, bestY, bestD = x, y, d
		}
	}
	return bestX, bestY
}

func (s *Stasher) inArea(x, y int, r float64) bool {
	dx, dy := float64(x-s.ax), float64(y-s.ay)
	return dx*dx+dy*dy <= r*r
}

// stashersWork: phase 3, every employed stasher of an open shop.
func (m *Model) stashersWork(t int) {
	for _, sh := range m.orgs.shops {
		if !sh.open {
			continue
		}
		for i := 0; i < len(sh.stashers); i++ {
			m.stasherStep(sh, m.street.stashers[sh.stashers[i]], t)
		}
	}
}

func (m *Model) stasherStep(sh *Shop, s *Stasher, t int) {
	sp := &m.P.Stasher
	if day := t / m.tpd; s.day != day {
		s.day, s.placedToday = day, 0
		m.maybeRelocate(s, t)
	}
	m.see(s, s.x, s.y, t)
	if s.inventory > 0 && s.inventory <= sp.Quota {
		// A day's doses left: ask for the next bulk now, so that it is
		// there when these run out, not a mule's trip later.
		m.requestBulk(sh, s, t)
	}
	if s.inventory == 0 {
		if !s.hasWholesale {
			m.requestBulk(sh, s, t)
			return
		}
		s.x, s.y = walkToward(s.x, s.y, s.wx, s.wy, sp.Speed)
		if s.x == s.wx && s.y == s.wy {
			s.inventory, s.hasWholesale, s.wholesaleDoses = s.wholesaleDoses, false, 0
		}
		return
	}
	if !s.inArea(s.x, s.y, sp.AreaRadius) {
		s.x, s.y = walkToward(s.x, s.y, s.ax, s.ay, sp.Speed)
		return
	}
	for k := 0; k < m.street.perTick && s.inventory > 0 && s.placedToday < sp.Quota && s.listed < sp.MaxActive; k++ {
		c, ok := m.chooseCell(sh, s, t)
		if !ok {
			s.x, s.y = walkToward(s.x, s.y, s.ax, s.ay, sp.Speed)
			return
		}
		s.x, s.y = m.G.XY(c)
		id := m.place(s, c, t)
		if m.caught(sh, s, id, t) {
			return
		}
		m.see(s, s.x, s.y, t)
	}
}

// chooseCell samples candidate cells within the working area and walking
// reach and picks one by softmax over their utilities.
func (m *Model) chooseCell(sh *Shop, s *Stasher, t int) (int32, bool) {
	sp := &m.P.Stasher
	r := int(sp.Speed)
	cand, util := m.street.cand[:0], m.street.util[:0]
	rng := m.stasherRNG(s)
	for try := 0; try < 4*sp.Candidates && len(cand) < sp.Candidates; try++ {
		dx, dy := rng.IntN(2*r+1)-r, rng.IntN(2*r+1)-r
		x, y := s.x+dx, s.y+dy
		if float64(dx*dx+dy*dy) > sp.Speed*sp.Speed || !m.G.In(x, y) || !s.inArea(x, y, sp.AreaRadius) {
			continue
		}
		c := m.G.ID(x, y)
		if !m.G.Usable(c) {
			continue
		}
		cand = append(cand, c)
		util = append(util, m.utility(sh, s, c, t))
	}
	m.street.cand, m.street.util = cand, util
	if len(cand) == 0 {
		return 0, false
	}
	return cand[softmaxPick(util, sp.ChoiceTemp, rng.Float64())], true
}

// utility is U(c) of MODEL.md 4.1 without its noise term: the logit's
// Gumbel noise is what the softmax choice adds.
func (m *Model) utility(sh *Shop, s *Stasher, c int32, t int) float64 {
	sp := &m.P.Stasher
	x, y := m.G.XY(c)
	risk := s.risk.get(c, t) + sh.risk.get(c, t)
	return sp.BDemand*float64(m.reach[c]) + sp.BCover*float64(m.G.Cover[c]) - sp.BTraffic*float64(m.G.Traffic[c]) -
		sp.BRisk*risk - sp.BDist*grid.Dist(s.x, s.y, x, y)/sp.AreaRadius
}

// softmaxPick picks index i with probability exp(u_i/temp) / sum_j exp(u_j/temp),
// using the uniform draw r in [0,1).
func softmaxPick(u []float64, temp, r float64) int {
	top := slices.Max(u)
	sum := 0.0
	for _, x := range u {
		sum += math.Exp((x - top) / temp)
	}
	r *= sum
	for i, x := range u {
		w := math.Exp((x - top) / temp)
		if r < w {
			return i
		}
		r -= w
	}
	return len(u) - 1
}

// see: a police unit within sight renews the stasher's memory of danger
// at the unit's cell to risk_seen. A sighting renews rather than adds: a
// unit in view for hours is one memory of police there, not one per hour,
// so perceived risk marks where police are, not how long they were
// watched, and a patrolled district weighs in a working area by its share
// of the area.
func (m *Model) see(s *Stasher, x, y int, t int) {
	sp := &m.P.Stasher
	if sp.RiskSeen == 0 {
		return
	}
	m.seeCameras(s, x, y, t)
	m.police.unitsNear(x, y, sp.SightRadius, func(_ int32, u *Unit) {
		dv := s.risk.raise(m.G.ID(u.X, u.Y), sp.RiskSeen, t)
		if dv > 0 && s.inArea(u.X, u.Y, sp.AreaRadius) {
			s.areaRisk.add(m.street.decay, dv, t)
		}
	})
}

// leave takes s off the shop's roster; its listed drops are withdrawn and
// an uncollected wholesale drop goes back to the organizer.
func (m *Model) leave(sh *Shop, s *Stasher) {
	s.employed = false
	sh.stashers = slices.DeleteFunc(sh.stashers, func(id int32) bool { return id == s.id })
	for _, d := range s.drops {
		if m.street.drops[d].buyer < 0 {
			m.unlist(d)
		}
	}
	if s.hasWholesale {
		sh.stock += s.wholesaleDoses
		s.hasWholesale, s.wholesaleDoses = false, 0
	}
}

// replaceLater: the organizer fills s's post after an exponential delay
// of mean recruit_days, drawn from s's stream (the post's, so that the
// delay does not depend on other arrests).
func (m *Model) replaceLater(sh *Shop, s *Stasher, t int) {
	m.replaceAfter(sh, s, t, max(1, m.expDays(m.stasherRNG(s), m.P.Organization.RecruitDays)))
}

// replaceAfter fills s's post, with its working area, delay ticks after t.
func (m *Model) replaceAfter(sh *Shop, s *Stasher, t, delay int) {
	ps := &m.street.posts[s.post]
	ps.vacated, ps.ax, ps.ay = true, s.ax, s.ay
	m.orgs.sched.add(t+delay, schedRecruitStasher, sh.id, s.post)
}

// quit: the stasher's tenure ends; the inventory goes back to the shop.
func (m *Model) quit(s *Stasher) {
	if !s.employed {
		return
	}
	sh := m.orgs.shops[s.shop]
	sh.stock += s.inventory
	s.inventory = 0
	m.totals.Quits++
	m.emit(EvQuit, RoleStasher, sh.id, s.id, s.x, s.y, "", 0)
	m.leave(sh, s)
	// A stasher leaving at the end of its tenure gives notice: the
	// organizer, who recruits online all the time, has the replacement
	// start the next tick. Only an arrest leaves a post empty for
	// recruit_days.
	m.replaceAfter(sh, s, m.tick, 1)
}

// maybeRelocate: once a day, if the mean perceived risk over the working
// area is above relocate_threshold, the stasher moves its area one step,
// to the best-scoring of a few candidate centres around it (staying put if
// none scores better). Candidates lie at distances drawn from an
// exponential distribution with mean relocate_range, cut at three times
// it, in random directions: offenders move short distances first (Bowers
// et al. 2011), and an area under lasting risk is left step by step over
// days rather than in one jump.
func (m *Model) maybeRelocate(s *Stasher, t int) {
	sp := &m.P.Stasher
	if sp.RelocateRange == 0 || s.areaRisk.get(m.street.decay, t)/float64(m.street.areaCells) <= sp.RelocateThreshold {
		return
	}
	cands := append(m.street.centres[:0], [2]int{s.ax, s.ay})
	rng := m.stasherRNG(s)
	for k := 0; k < 12; k++ {
		d := min(3*sp.RelocateRange, sp.RelocateRange*rng.ExpFloat64())
		a := 2 * math.Pi * rng.Float64()
		x, y := s.ax+int(math.Round(d*math.Cos(a))), s.ay+int(math.Round(d*math.Sin(a)))
		if (x != s.ax || y != s.ay) && m.G.In(x, y) && m.G.Usable(m.G.ID(x, y)) {
			cands = append(cands, [2]int{x, y})
		}
	}
	m.street.centres = cands
	risk := m.areaRiskSums(s, cands, t)
	best, bestScore := 0, 0.0
	for i, c := range cands {
		if sc := m.areaScore(c[0], c[1], risk[i]); i == 0 || sc > bestScore {
			best, bestScore = i, sc
		}
	}
	if best == 0 {
		return
	}
	s.ax, s.ay = cands[best][0], cands[best][1]
	s.areaRisk = decayed{v: risk[best], t: t}
	m.totals.Relocations++
	m.emit(EvRelocate, RoleStasher, s.shop, s.id, s.ax, s.ay, "", 0)
}

// areaScore rates a working area centred on (x, y) with the given total
// risk: mean demand within reach, mean cover and mean traffic over its
// bounding square, less its mean perceived risk, weighted as a drop site
// is (MODEL.md 4.1).
func (m *Model) areaScore(x, y int, risk float64) float64 {
	sp := &m.P.Stasher
	r := int(sp.AreaRadius)
	d, n := m.reachSAT.Box(x-r, y-r, x+r, y+r)
	c, _ := m.coverSAT.Box(x-r, y-r, x+r, y+r)
	tr, _ := m.trafficSAT.Box(x-r, y-r, x+r, y+r)
	return (sp.BDemand*d+sp.BCover*c-sp.BTraffic*tr)/float64(n) - sp.BRisk*risk/float64(m.street.areaCells)
}

// areaRiskSums is the stasher's own and its shop's risk summed over the
// working-area disk around each centre, in one pass over each risk map.
func (m *Model) areaRiskSums(s *Stasher, centres [][2]int, t int) []float64 {
	sums := make([]int64, len(centres))
	s.risk.addWithin(t, m.G.W, centres, m.P.Stasher.AreaRadius, sums)
	m.orgs.shops[s.shop].risk.addWithin(t, m.G.W, centres, m.P.Stasher.AreaRadius, sums)
	out := make([]float64, len(sums))
	for i, v := range sums {
		out[i] = float64(v) * riskUnit
	}
	return out
}
