package sim

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/path"
	"gonum.org/v1/gonum/graph/simple"
)

// Network investigations (MODEL.md 4.4 "network"; Xu & Chen 2004,
// Decision Support Systems 38:473). Police knowledge is a weighted graph
// of the agents they hold evidence about: an arrest links the arrested
// member to the next member up its shop's chain (a stasher's phone to the
// dispatcher, the dispatcher to the cash keeper and to the organizer whose
// orders it takes, the cash keeper and a mule to the organizer) with
// strength police.link_prob, and a test
// purchase identifies the drop's stasher, linked to the dispatcher who
// sent the officer there, with the same strength. A link of
// strength p has length -log p, so the association of two agents is the
// shortest path between them, and its strength exp(-length) the product
// of the strengths along it. Once a day a network group opens
// investigations, up to count at a time, each against the dispatcher or
// organizer still at large nearest to anyone held. An investigation
// follows its path link by link: each link takes investigation_days and
// holds with its strength (else the investigation fails there); at the
// end of the path the target, if still in the role, is arrested with
// investigation_prob. An arrested organizer closes the shop (successor
// rules of MODEL.md section 2).

// evidence is the police's graph of agents (the intelligence store).
type evidence struct {
	g        *simple.WeightedUndirectedGraph
	info     map[int64]agentInfo
	arrested map[int64]bool
	held     map[int64]bool // the sources of the searches: arrested or identified
}

// agentInfo says who an agent in the graph is.
type agentInfo struct {
	shop int32
	role Role
}

// ordered is the evidence graph listing nodes in the order of their ids:
// gonum's simple graphs list them from a map, in an order that changes
// from one graph to the next, and the search would then choose among
// paths of equal length differently in two runs of one seed.
type ordered struct {
	*simple.WeightedUndirectedGraph
}

func (o ordered) Nodes() graph.Nodes { return byID(o.WeightedUndirectedGraph.Nodes()) }

func (o ordered) From(id int64) graph.Nodes { return byID(o.WeightedUndirectedGraph.From(id)) }

func byID(it graph.Nodes) graph.Nodes {
	ns := graph.NodesOf(it)
	slices.SortFunc(ns, func(a, b graph.Node) int { return cmp.Compare(a.ID(), b.ID()) })
	return iterator.NewOrderedNodes(ns)
}

// arrestedSource is the graph's virtual node joined by links of length 0
// to everyone held (arrested or identified), so that one search finds the
// nearest target to any of them. It is no agent and is left out of Evidence.
const arrestedSource int64 = -1

func newEvidence() *evidence {
	e := &evidence{g: simple.NewWeightedUndirectedGraph(0, math.Inf(1)), info: map[int64]agentInfo{}, arrested: map[int64]bool{}, held: map[int64]bool{}}
	e.g.AddNode(simple.Node(arrestedSource))
	return e
}

// buyerNodes sets buyers' nodes apart from members': a buyer and a member
// may have the same number.
const buyerNodes int64 = 1 << 40

// nodeID is the graph's node of agent id in role.
func nodeID(id int32, role Role) int64 {
	if role == RoleBuyer {
		return buyerNodes + int64(id)
	}
	return int64(id)
}

// agentOf is the agent number of a node.
func agentOf(n int64) int32 { return int32(n % buyerNodes) }

func (e *evidence) node(id int32, shop int32, role Role) graph.Node {
	n := nodeID(id, role)
	if e.g.Node(n) == nil {
		e.g.AddNode(simple.Node(n))
		e.info[n] = agentInfo{shop: shop, role: role}
	}
	return simple.Node(n)
}

// link records evidence of strength p between two agents; a stronger
// link replaces a weaker one.
func (e *evidence) link(a, b graph.Node, p float64) {
	w := -math.Log(p)
	if old, ok := e.g.Weight(a.ID(), b.ID()); ok && old <= w {
		return
	}
	e.g.SetWeightedEdge(e.g.NewWeightedEdge(a, b, w))
}

// arrest marks an agent as arrested, and held.
func (e *evidence) arrest(n graph.Node) {
	e.arrested[n.ID()] = true
	e.hold(n)
}

// hold makes an agent the police hold evidence on directly (arrested, or
// identified by a test purchase) a source of the searches.
func (e *evidence) hold(n graph.Node) {
	if !e.held[n.ID()] {
		e.held[n.ID()] = true
		e.g.SetWeightedEdge(e.g.NewWeightedEdge(simple.Node(arrestedSource), n, 0))
	}
}

// recordStatement: a buyer arrested at a staked-out drop names the
// dispatcher who sent it there.
func (m *Model) recordStatement(sh *Shop, b int32) {
	ev := m.police.intel
	if ev == nil {
		return
	}
	a := ev.node(b, sh.id, RoleBuyer)
	ev.arrest(a)
	if sh.dispatcher.present {
		ev.link(a, ev.node(sh.dispatcher.id, sh.id, RoleDispatcher), m.P.Police.LinkProb)
	}
}

// recordPurchase: a test purchase identifies the drop's stasher and the
// dispatcher who sent the officer to it.
func (m *Model) recordPurchase(sh *Shop, s *Stasher) {
	ev := m.police.intel
	if ev == nil {
		return
	}
	a := ev.node(s.id, sh.id, RoleStasher)
	ev.hold(a)
	if sh.dispatcher.present {
		ev.link(a, ev.node(sh.dispatcher.id, sh.id, RoleDispatcher), m.P.Police.LinkProb)
	}
}

// recordArrest: phase of an arrest, when a network group exists; the
// arrested member's link to the next one up its shop's chain.
func (m *Model) recordArrest(sh *Shop, role Role, id int32) {
	ev := m.police.intel
	if ev == nil {
		return
	}
	a := ev.node(id, sh.id, role)
	ev.arrest(a)
	next := RoleOrganizer
	switch role {
	case RoleStasher:
		next = RoleDispatcher
	case RoleDispatcher:
		next = RoleCashKeeper
	case RoleOrganizer, RoleBuyer:
		return
	}
	if mb := m.memberOf(sh, next); mb != nil && mb.present {
		ev.link(a, ev.node(mb.id, sh.id, next), m.P.Police.LinkProb)
	}
	// A dispatcher takes the organizer's orders: its phone names both.
	if role == RoleDispatcher && sh.organizer.present {
		ev.link(a, ev.node(sh.organizer.id, sh.id, RoleOrganizer), m.P.Police.LinkProb)
	}
}

// investigation is one a network group has open.
type investigation struct {
	from, to int64 // the nodes of the agent held the path starts at and of the target
	shop     int32
	role     Role
	length   float64
	links    []float64 // the strengths of the path's links, in order
	done     int       // links followed so far
	due      int       // the tick the next link (or the arrest) is due
	id       int32     // numbers the group's investigations, for the agenda
}

// networkGroup is a network group's state.
type networkGroup struct {
	g      *Group
	open   []*investigation
	nextID int32
}

// networkDay: a network group's daily round (the police's agenda, at the
// first tick of each day of its window): it opens investigations up to
// count, each of whose links is then due on the agenda.
func (m *Model) networkDay(ng *networkGroup, index, t int) {
	if t+m.tpd < ng.g.P.EndDay*m.tpd {
		m.police.agenda.add(t+m.tpd, polNetworkDay, int32(index), 0)
	}
	for _, iv := range m.nearestTargets(ng, ng.g.P.Count-len(ng.open)) {
		iv.id = ng.nextID
		ng.nextID++
		ng.open = append(ng.open, &iv)
		m.police.agenda.add(iv.due, polInvestigation, int32(index), iv.id)
	}
}

// nearestTargets are up to n dispatchers or organizers at large, not
// already under investigation, nearest anyone held (ties by agent
// number), each as an investigation to open: one search of the graph
// serves a whole round.
func (m *Model) nearestTargets(ng *networkGroup, n int) []investigation {
	ev := m.police.intel
	sp := path.DijkstraFrom(simple.Node(arrestedSource), ordered{ev.g})
	var out []investigation
	for id, inf := range ev.info {
		if ev.held[id] || inf.role != RoleDispatcher && inf.role != RoleOrganizer {
			continue
		}
		if slices.ContainsFunc(ng.open, func(iv *investigation) bool { return iv.to == id }) {
			continue
		}
		mb := m.memberOf(m.orgs.shops[inf.shop], inf.role)
		if !mb.present || int64(mb.id) != id {
			continue // no longer in the role
		}
		nodes, length := sp.To(id)
		if len(nodes) < 3 {
			continue // unreachable (the path holds the source, an agent held and the target)
		}
		path := nodes[1:] // from the agent held to the target
		links := make([]float64, len(path)-1)
		for k := range links {
			w, _ := ev.g.Weight(path[k].ID(), path[k+1].ID())
			links[k] = math.Exp(-w)
		}
		out = append(out, investigation{from: path[0].ID(), to: id, shop: inf.shop, role: inf.role, length: length, links: links,
			due: m.tick + m.linkTicks()})
	}
	slices.SortFunc(out, func(a, b investigation) int {
		if a.length != b.length {
			return cmp.Compare(a.length, b.length)
		}
		return cmp.Compare(a.to, b.to)
	})
	return out[:min(n, len(out))]
}

// nearestTarget is the first of nearestTargets.
func (m *Model) nearestTarget(ng *networkGroup) (investigation, bool) {
	if t := m.nearestTargets(ng, 1); len(t) > 0 {
		return t[0], true
	}
	return investigation{}, false
}

// linkTicks is how long an investigation takes to follow one link.
func (m *Model) linkTicks() int { return max(1, m.daysToTicks(m.P.Police.InvestigationDays)) }

// followLink: investigation id's next link is due (the police's agenda).
// It holds with its strength and the investigation goes on, or it breaks
// and the investigation fails; after the last link the target, if still
// in the role, is arrested with investigation_prob.
func (m *Model) followLink(ng *networkGroup, index int, id int32) {
	k := slices.IndexFunc(ng.open, func(iv *investigation) bool { return iv.id == id })
	iv := ng.open[k]
	if m.stepInvestigation(ng, iv) {
		ng.open = slices.Delete(ng.open, k, k+1)
		return
	}
	iv.due += m.linkTicks()
	m.police.agenda.add(iv.due, polInvestigation, int32(index), id)
}

// stepInvestigation follows an investigation's next link, or makes its
// arrest after the last, and reports whether it is closed.
func (m *Model) stepInvestigation(ng *networkGroup, iv *investigation) bool {
	rng := m.police.unitRand.of(&ng.g.rng)
	if iv.done < len(iv.links) {
		if rng.Float64() >= iv.links[iv.done] {
			m.closeInvestigation(*iv, "failed")
			return true
		}
		iv.done++
		if iv.done < len(iv.links) {
			return false
		}
	}
	sh := m.orgs.shops[iv.shop]
	mb := m.memberOf(sh, iv.role)
	switch {
	case !mb.present || int64(mb.id) != iv.to:
		m.closeInvestigation(*iv, "gone")
	case rng.Float64() < m.P.Police.InvestigationProb:
		m.closeInvestigation(*iv, "arrested")
		m.arrestMember(sh, iv.role, mb, CauseInvestigation, m.tick)
	default:
		m.closeInvestigation(*iv, "failed")
	}
	return true
}

// closeInvestigation emits the investigation's end.
func (m *Model) closeInvestigation(iv investigation, outcome string) {
	m.ev = Event{Tick: int32(m.tick), Kind: EvInvestigation, Role: iv.role, Shop: iv.shop, Agent: agentOf(iv.to),
		From: agentOf(iv.from), FromRole: m.police.intel.info[iv.from].role, X: -1, Y: -1, Amount: iv.length, Cause: outcome}
	m.sink.Event(&m.ev)
}

// EvidenceLink is a link of the police's evidence graph, between two of
// its agents (indices into the agents Evidence returns).
type EvidenceLink struct {
	A, B     int
	Strength float64
}

// EvidenceAgent is an agent in the police's evidence graph: a member of
// a shop or a buyer (ID is the agent's or the buyer's number).
type EvidenceAgent struct {
	ID       int32
	Shop     int32
	Role     Role
	Arrested bool
}

// Evidence is the police's evidence graph at the end of a run with a
// network group (nil, nil without one): its agents by id and its links in
// order of their ends.
func (m *Model) Evidence() ([]EvidenceAgent, []EvidenceLink) {
	ev := m.police.intel
	if ev == nil {
		return nil, nil
	}
	nodes := make([]int64, 0, len(ev.info))
	for n := range ev.info {
		nodes = append(nodes, n)
	}
	slices.Sort(nodes) // members by number, then buyers
	index := make(map[int64]int, len(nodes))
	agents := make([]EvidenceAgent, len(nodes))
	for i, n := range nodes {
		inf := ev.info[n]
		index[n] = i
		agents[i] = EvidenceAgent{ID: agentOf(n), Shop: inf.shop, Role: inf.role, Arrested: ev.arrested[n]}
	}
	var links []EvidenceLink
	for i, n := range nodes {
		to := ev.g.From(n)
		for to.Next() {
			if j, ok := index[to.Node().ID()]; ok && j > i {
				w, _ := ev.g.Weight(n, to.Node().ID())
				links = append(links, EvidenceLink{A: i, B: j, Strength: math.Exp(-w)})
			}
		}
	}
	slices.SortFunc(links, func(x, y EvidenceLink) int {
		if x.A != y.A {
			return x.A - y.A
		}
		return x.B - y.B
	})
	return agents, links
}
