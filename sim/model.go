package sim

import (
	"math"
	"math/rand/v2"
	"sort"

	"dropsim/sim/grid"
)

// Model is one run in progress. Build it with New, advance it with Step
// until Done, then call Finish. Everything random comes from the streams
// below, derived from the run seed, so a run is a pure function of
// (Params, seed).
type Model struct {
	P    Params
	Seed uint64
	G    *grid.Grid

	tick int
	tpd  int // ticks per day
	sink Sink
	ev   Event // reused for every emit

	// The city's derived layers, read by every role.
	rngMap     *rand.Rand   // stream 1: the map
	reach      []float32    // D(c): demand within buyer reach, scaled to [0,1]
	reachSAT   *grid.Summed // for area scores when relocating
	coverSAT   *grid.Summed
	trafficSAT *grid.Summed

	// The four subsystems of MODEL.md section 2, each with its random
	// streams (MODEL.md 4.5): one per subsystem, so that two policies run
	// with the same seed see the same map, and one per agent (streams.go),
	// so that a policy perturbs only the agents it touches.
	market market        // buyers, their orders, the marketplaces (buyer.go, marketplace.go)
	orgs   organisations // shops and their schedules (shop.go)
	street streetLevel   // stashers and their drops (stasher.go, drop.go)
	police policeForce   // groups, units and what they deploy (police.go)

	nextAgent int32
	totals    Totals
}

type kernelCell struct {
	dx, dy int
	w      float64
}

type backlogEntry struct {
	buyer    int32
	seq      int32
	deadline int32
}

// Totals are the run's conservation counts and money totals, for the
// manifest and the conservation tests.
type Totals struct {
	Ticks    int
	Orders   int // fresh orders (re-drops not counted)
	Unmet    int
	NotFound int
	Redrops  int
	Placed   int
	Outcomes [NumOutcomes]int // how the placed drops ended
	Arrests  [NumRoles]int

	Relocations int // stashers' moves of their working area
	Quits       int // stashers who left at the end of their tenure

	// Doses: Acquired = Placed + InStock + InTransit + Wholesale + Inventory
	//                   + Intercepted + SeizedInventory.
	DosesAcquired        int
	DosesInStock         int
	DosesInTransit       int // with mules
	DosesWholesale       int // in wholesale drops not yet collected
	DosesInventory       int // in stashers' pockets
	DosesIntercepted     int
	DosesSeizedInventory int

	// Money: CashStart + Revenue = Wages + MulePay + Wholesale + Confiscated + CashOnHand.
	CashStart, Revenue, Wages, MulePay, Wholesale, Confiscated, CashOnHand float64
}

// Scheduled item kinds (the sched agenda).
const (
	schedRecruit        uint8 = iota // a = shop, b = role
	schedDelivery                    // a = stasher, b = doses
	schedSupply                      // a = shop, b = doses
	schedReopen                      // a = shop
	schedQuit                        // a = stasher
	schedRecruitStasher              // a = shop, b = post
	schedInvestigate                 // a = shop, b = agent; role in invRole
)

// New validates p and builds the world for seed: the city, the shops and
// their members, the buyers and the police.
func New(p Params, seed uint64) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.Police.Groups = append([]GroupParams(nil), p.Police.Groups...)
	p.Buyers.Diurnal = append([]float64(nil), p.Buyers.Diurnal...)
	m := &Model{P: p, Seed: seed, tpd: p.TicksPerDay()}
	// Streams 2, 3 and 6 (buyers, stashers, market) were shared by all
	// agents of a kind before each agent had its own; their numbers are
	// not reused.
	stream := func(n uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15*n)) }
	m.rngMap, m.police.rng, m.orgs.rng = stream(1), stream(4), stream(5)
	m.market.buyerRand.init()
	m.street.stasherRand.init()
	m.police.unitRand.init()

	if err := m.buildCity(); err != nil {
		return nil, err
	}
	m.derive()
	m.street.present = grid.NewIndex(m.G.W, m.G.H, 8, m.dropPos, func(id int32) bool { return m.street.drops[id].state == dropOnMap })
	m.police.ix = grid.NewIndex(m.G.W, m.G.H, 8, func(id int32) (int, int) { return m.police.units[id].X, m.police.units[id].Y }, func(int32) bool { return true })
	m.market.forSale = grid.NewIndex(m.G.W, m.G.H, 8, m.dropPos, func(id int32) bool { return m.street.drops[id].availableForSale() })
	m.buildShops()
	m.market.nearest = make([]nearestDrop, len(m.orgs.shops))
	m.rankShops()
	m.buildBuyers()
	m.buildPolice()
	m.buildCameras()
	m.buildTakedowns()
	for _, g := range m.police.groups {
		if g.P.Strategy == "network" {
			if g.P.EndDay > g.P.StartDay {
				m.police.agenda.add(g.P.StartDay*m.tpd, polNetworkDay, int32(len(m.police.networks)), 0)
			}
			m.police.networks = append(m.police.networks, &networkGroup{g: g})
			m.police.intel = newEvidence()
		}
	}
	return m, nil
}

func (m *Model) buildCity() error {
	c := &m.P.City
	if c.Generator == "map" {
		lm := c.Land
		if lm == nil || lm.W != c.Width || lm.H != c.Height || len(lm.Class) != lm.W*lm.H {
			return &ParamError{Key: "city.map", Value: c.Map, Allowed: "a map loaded by the scenario loader, of city.width x city.height cells"}
		}
		m.G = grid.New(lm.W, lm.H)
		copy(m.G.Class, lm.Class)
		m.G.ApplyTable(c.LandUse.Array())
		for i, cl := range m.G.Class {
			if cl == grid.Water {
				continue // water stays unusable, whatever the layers say
			}
			if lm.Demand != nil {
				m.G.Demand[i] = lm.Demand[i]
			}
			if lm.Cover != nil {
				m.G.Cover[i] = lm.Cover[i]
			}
		}
	} else {
		m.G = grid.Radial(c.Width, c.Height, grid.RadialOptions{
			CentreRadius: c.CentreRadius, ResidentialRadius: c.ResidentialRadius, PrivateRadius: c.PrivateRadius,
			Parks: c.Parks, ParkRadius: c.ParkRadius, IndustrialShare: c.IndustrialShare,
			River: c.River, RiverWidth: c.RiverWidth,
		}, m.rngMap)
		m.G.ApplyTable(c.LandUse.Array())
	}
	if len(m.G.UsableCells()) == 0 {
		return &ParamError{Key: "city", Value: "no usable cell", Allowed: "a city with at least one cell that is not water"}
	}
	total := 0.0
	m.market.homeCum = make([]float64, len(m.G.Demand))
	for i, d := range m.G.Demand {
		total += float64(d)
		m.market.homeCum[i] = total
	}
	if total <= 0 {
		return &ParamError{Key: "city.landuse", Value: "no demand on any usable cell", Allowed: "demand > 0 on some land-use class present on the map"}
	}
	// D(c): demand within buyer reach (a square of half-side max_travel),
	// scaled so that the best cell has 1.
	dSAT := grid.NewSummed(m.G.W, m.G.H, m.G.Demand)
	r := int(m.P.Buyers.MaxTravel)
	m.reach = make([]float32, len(m.G.Demand))
	best := 0.0
	for y := 0; y < m.G.H; y++ {
		for x := 0; x < m.G.W; x++ {
			s, _ := dSAT.Box(x-r, y-r, x+r, y+r)
			m.reach[m.G.ID(x, y)] = float32(s)
			best = math.Max(best, s)
		}
	}
	for i := range m.reach {
		m.reach[i] = float32(float64(m.reach[i]) / best)
	}
	m.reachSAT = grid.NewSummed(m.G.W, m.G.H, m.reach)
	m.coverSAT = grid.NewSummed(m.G.W, m.G.H, m.G.Cover)
	m.trafficSAT = grid.NewSummed(m.G.W, m.G.H, m.G.Traffic)
	return nil
}

func (m *Model) derive() {
	p := &m.P
	m.street.shiftTicks = (p.Stasher.ShiftEnd - p.Stasher.ShiftStart) * 60 / p.TickMinutes
	m.street.perTick = (p.Stasher.Quota + m.street.shiftTicks - 1) / m.street.shiftTicks
	m.street.ttlTicks = max(1, int(math.Round(p.Market.DropTTLDays*float64(m.tpd))))
	m.market.patience = int(math.Round(p.Buyers.PatienceHours * 60 / float64(p.TickMinutes)))
	m.street.decay = math.Ln2 / (p.Stasher.RiskHalfLifeDays * float64(m.tpd))
	// at most 65,536 ages (512 KiB), whatever the run's length: older
	// values are rare, and computed
	m.street.riskFactor = decayTable(m.street.decay, min(p.Ticks(), 1<<16))
	if p.Market.LossRate > 0 {
		m.street.lossPerTick = -math.Log(1-p.Market.LossRate) / float64(m.tpd)
	}
	r := p.Stasher.AreaRadius
	for dy := -int(r); dy <= int(r); dy++ {
		for dx := -int(r); dx <= int(r); dx++ {
			if float64(dx*dx+dy*dy) <= r*r {
				m.street.areaCells++
			}
		}
	}
	k := p.Stasher.RiskKernel
	for dy := -k; dy <= k; dy++ {
		for dx := -k; dx <= k; dx++ {
			if d := math.Hypot(float64(dx), float64(dy)); d <= float64(k) {
				// a cone: full weight at the drop, falling linearly to the edge
				m.street.kernel = append(m.street.kernel, kernelCell{dx, dy, 1 - d/float64(k+1)})
			}
		}
	}
	m.orgs.bulkDoses = max(1, int(math.Ceil(p.Stasher.BulkDays*float64(p.Stasher.Quota))))
	m.market.reputation = p.Market.ReputationDays
	m.market.diurnalCum = diurnalTable(p.Buyers.Diurnal, p.TickMinutes)
}

// Tick is the number of ticks played so far.
func (m *Model) Tick() int { return m.tick }

// Day is the current day (0-based).
func (m *Model) Day() int { return m.tick / m.tpd }

// Done reports whether the horizon is reached.
func (m *Model) Done() bool { return m.tick >= m.P.Ticks() }

// hour is the hour of the day of tick t.
func (m *Model) hour(t int) int { return (t % m.tpd) * m.P.TickMinutes / 60 }

// Step plays one tick in the fixed phase order of MODEL.md section 3,
// sending its events to sink.
func (m *Model) Step(sink Sink) {
	m.sink = sink
	t := m.tick
	// 1. Scheduled events: the police's windows and daily work (police.go),
	//    recruitment, deliveries, supply, chain investigations.
	m.policeSchedule(t)
	m.runScheduled(t)
	// 2. Orders, and orders that waited too long.
	m.takeOrders(t)
	m.expireBacklog(t)
	// 3. Stashers on shift place drops.
	if h := m.hour(t); h >= m.P.Stasher.ShiftStart && h < m.P.Stasher.ShiftEnd {
		m.stashersWork(t)
	}
	// 4. Pickups.
	m.pickups(t)
	// 5. Police.
	m.policeWork(t)
	// 6. Upkeep: losses, expiry; once a day reputation, reorders, the day's snapshot.
	m.loseDrops(t)
	m.expireDrops(t)
	if (t+1)%m.tpd == 0 {
		m.endOfDay(t)
	}
	m.tick++
}

// Finish ends the run: drops still on the map are reported as active.
func (m *Model) Finish(sink Sink) {
	m.sink = sink
	end := int32(m.tick - 1)
	for i := range m.street.drops {
		if d := &m.street.drops[i]; d.state == dropOnMap {
			m.totals.Outcomes[OutcomeActive]++
			m.emitDropEnded(int32(i), end, OutcomeActive, "")
		}
	}
}

// Totals returns the conservation counts at this point of the run.
func (m *Model) Totals() Totals {
	t := m.totals
	t.Ticks = m.tick
	t.DosesInStock, t.DosesInTransit, t.DosesWholesale, t.DosesInventory, t.CashOnHand = 0, 0, 0, 0, 0
	for _, sh := range m.orgs.shops {
		t.DosesInStock += sh.stock
		t.DosesInTransit += sh.inTransit
		t.CashOnHand += sh.cash
	}
	for _, s := range m.street.stashers {
		t.DosesInventory += s.inventory
		if s.hasWholesale {
			t.DosesWholesale += s.wholesaleDoses
		}
	}
	return t
}

// Run plays a whole run of p with seed, sending every event to sink.
func Run(p Params, seed uint64, sink Sink) (Totals, error) {
	m, err := New(p, seed)
	if err != nil {
		return Totals{}, err
	}
	for !m.Done() {
		m.Step(sink)
	}
	m.Finish(sink)
	return m.Totals(), nil
}

func (m *Model) runScheduled(t int) {
	for {
		it, ok := m.orgs.sched.due(t)
		if !ok {
			return
		}
		switch it.kind {
		case schedRecruit:
			m.recruit(m.orgs.shops[it.a], Role(it.b))
		case schedDelivery:
			m.deliver(m.street.stashers[it.a], int(it.b))
		case schedSupply:
			m.supplyArrives(m.orgs.shops[it.a], int(it.b))
		case schedReopen:
			m.reopen(m.orgs.shops[it.a])
		case schedQuit:
			m.quit(m.street.stashers[it.a])
		case schedRecruitStasher:
			sh := m.orgs.shops[it.a]
			s := m.newStasher(sh, m.tick, true, it.b)
			m.emitRecruit(sh, RoleStasher, s.id, s.minor)
		default:
			m.investigate(m.orgs.shops[it.a], Role(it.kind-schedInvestigate), it.b)
		}
	}
}

func (m *Model) endOfDay(t int) {
	day := t / m.tpd
	st := DayState{Day: day, PoliceActive: m.police.onDuty, Backlog: m.market.waiting, Churned: m.market.churned}
	for _, sh := range m.orgs.shops {
		sh.closeDay(day, m.market.reputation)
		m.reorder(sh, t)
		m.serveBulkQueue(sh, t)
		if sh.online() {
			st.OpenShops++
		}
		if sh.open {
			st.ActiveStashers += len(sh.stashers)
		}
		st.Cash += sh.cash
		st.AvailableDrops += sh.listed
	}
	m.rankShops()
	m.police.dayUnits = m.police.dayUnits[:0]
	for i := range m.police.units {
		if u := &m.police.units[i]; u.onDuty {
			m.police.dayUnits = append(m.police.dayUnits, UnitPos{Unit: int32(i), Group: int32(u.group), X: int32(u.X), Y: int32(u.Y)})
		}
	}
	st.Units = m.police.dayUnits
	m.ev = Event{Tick: int32(t), Kind: EvDayEnd, X: -1, Y: -1, Day: &st}
	m.sink.Event(&m.ev)
}

// emit sends an event built by the caller.
// emitArrest emits the arrest of agent, who is a minor or not.
func (m *Model) emitArrest(role Role, shop, agent int32, x, y int, cause string, minor bool) {
	if x >= 0 {
		m.police.hotspotSeen(x, y, m.tick)
	}
	m.ev = Event{Tick: int32(m.tick), Kind: EvArrest, Role: role, Shop: shop, Agent: agent,
		X: int32(x), Y: int32(y), Cause: cause, Minor: minor}
	m.sink.Event(&m.ev)
}

func (m *Model) emit(kind Kind, role Role, shop, agent int32, x, y int, cause string, amount float64) {
	m.ev = Event{Tick: int32(m.tick), Kind: kind, Role: role, Shop: shop, Agent: agent,
		X: int32(x), Y: int32(y), Cause: cause, Amount: amount}
	m.sink.Event(&m.ev)
}

// randomUsable draws a uniformly random usable cell.
func (m *Model) randomUsable(rng *rand.Rand) (int, int) {
	u := m.G.UsableCells()
	return m.G.XY(u[rng.IntN(len(u))])
}

// randomStep moves from (x, y) to a random usable cell within distance
// speed (and for which inside is true, if given); it stays put if a few
// draws find none.
func (m *Model) randomStep(x, y int, speed float64, rng *rand.Rand, inside func(x, y int) bool) (int, int) {
	r := int(speed)
	for try := 0; try < 8; try++ {
		dx, dy := rng.IntN(2*r+1)-r, rng.IntN(2*r+1)-r
		nx, ny := x+dx, y+dy
		if float64(dx*dx+dy*dy) > speed*speed || !m.G.In(nx, ny) || !m.G.Usable(m.G.ID(nx, ny)) {
			continue
		}
		if inside != nil && !inside(nx, ny) {
			continue
		}
		return nx, ny
	}
	return x, y
}

// walkToward moves (x, y) up to speed cells toward (tx, ty).
func walkToward(x, y, tx, ty int, speed float64) (int, int) {
	d := grid.Dist(x, y, tx, ty)
	if d <= speed {
		return tx, ty
	}
	f := speed / d
	return x + int(math.Round(float64(tx-x)*f)), y + int(math.Round(float64(ty-y)*f))
}

// drawHome draws a cell with probability proportional to its demand.
func (m *Model) drawHome(rng *rand.Rand) int32 {
	total := m.market.homeCum[len(m.market.homeCum)-1]
	i := sort.SearchFloat64s(m.market.homeCum, rng.Float64()*total)
	for i < len(m.market.homeCum)-1 && m.G.Demand[i] == 0 { // never land on a zero cell at a boundary
		i++
	}
	return int32(i)
}

// expDays draws an exponential duration with the given mean in days, in ticks.
func (m *Model) expDays(rng *rand.Rand, meanDays float64) int {
	if meanDays <= 0 {
		return 0
	}
	return int(math.Round(rng.ExpFloat64() * meanDays * float64(m.tpd)))
}

func (m *Model) newAgent() int32 {
	m.nextAgent++
	return m.nextAgent - 1
}
