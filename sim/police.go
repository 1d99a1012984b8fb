package sim

import (
	"dropsim/sim/grid"
	"math"
	"math/rand/v2"
)

// policeForce is the police subsystem: its groups and units, what they
// deploy (hot-spot memories, cameras, checkpoints, network investigations),
// and one agenda of their windows and daily rounds.
type policeForce struct {
	rng      *rand.Rand   // stream 4
	unitRand agentStreams // one stream per unit

	groups   []*Group
	units    []Unit
	ix       *grid.Index // units on duty, rebuilt each tick
	onDuty   int         // units on duty
	dayUnits []UnitPos   // reused by endOfDay
	agenda   agenda      // window edges and daily rounds

	hotMaps     []*hotspotMap // memories of hot spots (hotspot.go)
	cameras     []*cameraSet  // cctv groups (camera.go)
	camAt       []uint8       // cameras up on each cell
	camCells    []int32       // cells with a camera up, indexed by cameraIx
	cameraIx    *grid.Index
	checkpoints bool   // some group is on interdiction (interdiction.go)
	routeMark   uint32 // numbers the mule routes checked for units
	networks    []*networkGroup
	intel       *evidence // the evidence graph, with a network group (network.go)
}

// Unit is a police unit: a place, a group, and, while staking out a drop,
// the drop and the tick the stakeout ends.
type Unit struct {
	X, Y       int
	group      int
	onDuty     bool
	stake      int32 // drop watched, or -1
	stakeUntil int
	route      uint32 // the last mule route it was counted near (Model.routeMark)
	slot       int    // its place in its group, from 0

	rng rand.PCG // the unit's own stream (streams.go)
}

// Group is a set of units sharing a strategy and an active window.
type Group struct {
	P      GroupParams
	strat  Strategy
	units  []int32
	active bool

	rng    rand.PCG // the group's own stream, for its test purchases
	target target   // where its test purchases point (testpurchase.go)
}

func (m *Model) buildPolice() {
	for gi, gp := range m.P.Police.Groups {
		g := &Group{P: gp, strat: newStrategy(gp, m), rng: agentPCG(m.Seed, streamGroup, uint64(gi))}
		m.police.checkpoints = m.police.checkpoints || gp.Strategy == "interdiction" && gp.Count > 0
		if g.strat != nil {
			for k := range gp.Units() {
				g.units = append(g.units, int32(len(m.police.units)))
				m.police.units = append(m.police.units, Unit{group: gi, slot: k, stake: -1, rng: agentPCG(m.Seed, streamUnit, unitKey(gi, k))})
			}
		}
		m.police.groups = append(m.police.groups, g)
		m.scheduleWindow(gp, polGroupOn, polGroupOff, gi)
	}
}

// The police's agenda (phase 1): every window edge of a group (on or off
// duty, cameras up or down, a marketplace down or back), a takedown's
// migration, a network group's daily round and each link of its
// investigations, due at a tick. Nothing is visited per tick: the edges
// are scheduled when the model is built, in the order of the groups, so
// that edges at one tick are taken in that order.
const (
	polGroupOn       uint8 = iota // a = group
	polGroupOff                   // a = group
	polCamerasUp                  // a = camera set
	polCamerasDown                // a = camera set
	polMarketDown                 // a = takedown
	polMarketBack                 // a = takedown
	polMigrate                    // a = takedown
	polNetworkDay                 // a = network group
	polInvestigation              // a = network group, b = investigation
)

// scheduleWindow puts a window's edges on the police's agenda; a window
// of no days has none.
func (m *Model) scheduleWindow(g GroupParams, on, off uint8, a int) {
	if g.EndDay > g.StartDay {
		m.police.agenda.add(g.StartDay*m.tpd, on, int32(a), 0)
		m.police.agenda.add(g.EndDay*m.tpd, off, int32(a), 0)
	}
}

// policeSchedule: phase 1, the police's agenda items due this tick; the
// index of units is rebuilt once if a group went on or off duty, so that
// stashers see the change this tick.
func (m *Model) policeSchedule(t int) {
	changed := false
	for {
		it, ok := m.police.agenda.due(t)
		if !ok {
			break
		}
		switch it.kind {
		case polGroupOn, polGroupOff:
			m.setOnDuty(m.police.groups[it.a], it.kind == polGroupOn)
			changed = true
		case polCamerasUp, polCamerasDown:
			m.setCameras(m.police.cameras[it.a], it.kind == polCamerasUp, t)
		case polMarketDown:
			m.marketDown(m.market.takedowns[it.a], t)
		case polMarketBack:
			m.marketBack(m.market.takedowns[it.a])
		case polMigrate:
			m.migrate(m.market.takedowns[it.a])
		case polNetworkDay:
			m.networkDay(m.police.networks[it.a], int(it.a), t)
		case polInvestigation:
			m.followLink(m.police.networks[it.a], int(it.a), it.b)
		}
	}
	if changed {
		m.police.indexUnits()
	}
}

// setOnDuty puts a group's units on or off duty.
func (m *Model) setOnDuty(g *Group, active bool) {
	g.active = active
	for _, id := range g.units {
		u := &m.police.units[id]
		u.onDuty = active
		if active {
			m.police.onDuty++
			g.strat.Start(u, m, m.unitRNG(u))
		} else {
			m.police.onDuty--
			m.endStakeout(u, false)
		}
	}
}

// indexUnits rebuilds the spatial index of the units on duty.
func (p *policeForce) indexUnits() {
	p.ix.Reset()
	for _, g := range p.groups {
		if g.active {
			for _, id := range g.units {
				p.ix.Insert(id, p.units[id].X, p.units[id].Y)
			}
		}
	}
}

// The police's side of the other roles' steps: which units are near a
// place (a placement seen, a mule's route, a stasher looking around), a
// stakeout ended by the drop's end, and what the hot-spot memories hear
// (hotspot.go).

// unitsNear visits the units on duty within r cells of (x, y).
func (p *policeForce) unitsNear(x, y int, r float64, visit func(id int32, u *Unit)) {
	if p.onDuty == 0 {
		return
	}
	p.ix.Within(x, y, r, func(id int32, _ int) { visit(id, &p.units[id]) })
}

// dropGone frees the unit that watched a drop which has ended.
func (p *policeForce) dropGone(watcher int32) { p.units[watcher].stake = -1 }

// policeWork: phase 5. Each unit on duty either keeps its stakeout or moves
// by its strategy and searches the cells within its search radius.
func (m *Model) policeWork(t int) {
	for _, g := range m.police.groups {
		if !g.active {
			continue
		}
		if g.P.Tactic == TacticTestPurchase && len(g.units) > 0 {
			m.testPurchase(g, t)
		}
		for _, id := range g.units {
			u := &m.police.units[id]
			if u.stake >= 0 && t >= u.stakeUntil {
				m.endStakeout(u, true)
			}
			if u.stake < 0 {
				if g.target.until > t {
					m.patrolTarget(g, u)
				} else {
					g.strat.Move(u, m, m.unitRNG(u))
				}
				m.search(id, u, t)
			}
		}
	}
	m.police.indexUnits()
}

// Tactics: what a group's units do where their strategy puts them.
const (
	TacticStakeout     = "stakeout"      // search, and stake out found drops (the default)
	TacticSearch       = "search"        // search and seize
	TacticTestPurchase = "test_purchase" // search and seize, buy undercover, target the seller (testpurchase.go)
)

// TacticNames lists the tactics a group may name.
func TacticNames() []string { return []string{TacticStakeout, TacticSearch, TacticTestPurchase} }

// search: every drop on the map within the search radius is found with
// probability find_prob * (1 - cover); a found drop is seized, or, under
// the stakeout tactic, if it lies on the unit's own cell, with probability
// stakeout_prob watched for stakeout_ticks (MODEL.md 4.3). A unit stakes
// out only where it stands, so that no strategy's unit leaves its area to
// wait; a drop already watched by another unit is left to it.
func (m *Model) search(id int32, u *Unit, t int) {
	po := &m.P.Police
	here := m.G.ID(u.X, u.Y)
	tactic := m.police.groups[u.group].P.Tactic
	stakeouts := po.StakeoutTicks > 0 && tactic != TacticSearch && tactic != TacticTestPurchase
	m.street.present.Within(u.X, u.Y, po.SearchRadius, func(d int32, _ int) {
		if u.stake >= 0 || m.street.drops[d].watcher >= 0 {
			return
		}
		c := m.street.drops[d].cell
		if m.unitRNG(u).Float64() >= FindProb(po.FindProb, float64(m.G.Cover[c])) {
			return
		}
		if c == here && stakeouts && m.unitRNG(u).Float64() < po.StakeoutProb {
			u.stake, u.stakeUntil = d, t+po.StakeoutTicks
			m.street.drops[d].watcher = id
			return
		}
		m.seize(d, CauseSearch)
	})
}

// endStakeout: the unit gives up waiting; the drop is seized if asked.
func (m *Model) endStakeout(u *Unit, seize bool) {
	d := u.stake
	if d < 0 {
		return
	}
	u.stake = -1
	m.street.drops[d].watcher = -1
	if seize {
		m.seize(d, CauseStakeout)
	}
}

// FindProb is the chance that one search of a cell with the given cover
// finds a drop there (MODEL.md 4.3), exposed for analytic checks.
func FindProb(findProb, cover float64) float64 { return findProb * (1 - cover) }

// DetectProb is the chance that a unit within detect_radius sees a
// placement on a cell with the given traffic and camera (MODEL.md 4.3).
func DetectProb(detectProb, traffic, cctvBoost float64, cctv bool) float64 {
	cam := 0.0
	if cctv {
		cam = 1
	}
	return math.Min(1, math.Max(0, detectProb*(traffic+(1-traffic)*cctvBoost*cam)))
}
