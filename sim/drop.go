package sim

// Drop is one stash of one dose. Its physical state (on the map, or how it
// left) is kept apart from the shop's view of it (listed for sale,
// reserved for a buyer): a drop seized by police or taken by others stays
// listed until a buyer reports it "not found" or its time runs out, as in a
// real shop, which learns of its losses only through complaints.
type Drop struct {
	shop, stasher int32
	cell          int32
	placed        int32
	buyer         int32 // reserved for this buyer, or -1
	watcher       int32 // police unit staking it out, or -1
	state         uint8 // dropOnMap or how it ended
	listed        bool  // the shop offers it
}

const (
	dropOnMap uint8 = iota
	dropEnded
)

func (m *Model) dropPos(id int32) (int, int) { return m.G.XY(m.street.drops[id].cell) }

// availableForSale is the shop's view: listed and not yet promised.
func (d *Drop) availableForSale() bool { return d.listed && d.buyer < 0 }

// place puts a new drop on cell by stasher s and offers it for sale.
func (m *Model) place(s *Stasher, cell int32, t int) int32 {
	sh := m.orgs.shops[s.shop]
	id := int32(len(m.street.drops))
	m.street.drops = append(m.street.drops, Drop{shop: sh.id, stasher: s.id, cell: cell, placed: int32(t), buyer: -1, watcher: -1, listed: true})
	x, y := m.G.XY(cell)
	m.street.present.Insert(id, x, y)
	m.street.onMap++
	m.totals.Placed++
	s.inventory--
	s.placedToday++
	s.listed++
	sh.listed++
	s.drops = append(s.drops, id)
	if len(s.drops) > 4*m.P.Stasher.MaxActive+64 { // forget drops that are gone
		k := 0
		for _, d := range s.drops {
			if m.street.drops[d].state == dropOnMap {
				s.drops[k] = d
				k++
			}
		}
		s.drops = s.drops[:k]
	}
	m.street.expiry = append(m.street.expiry, id)
	if m.street.lossPerTick > 0 {
		// Time to loss is exponential; draws past the drop's useful life
		// are not scheduled.
		// The draw is the placing stasher's, so that a drop's fate does
		// not depend on how many drops others placed before it.
		if dt := int(m.stasherRNG(s).ExpFloat64() / m.street.lossPerTick); dt < 2*m.street.ttlTicks+m.tpd {
			m.street.losses.add(t+dt+1, 0, id, 0)
		}
	}
	m.ev = Event{Tick: int32(t), Kind: EvDropPlaced, Role: RoleStasher, Shop: sh.id, Agent: s.id,
		X: int32(x), Y: int32(y), Drop: m.record(id, int32(t), OutcomeActive, "")}
	m.sink.Event(&m.ev)
	m.pay(sh, -m.P.Market.PayPerDrop, CauseWage)
	sh.avail.Insert(id, x, y)
	m.market.forSale.Insert(id, x, y)
	m.serveBacklog(sh, id, x, y, t)
	return id
}

func (m *Model) record(id, end int32, o Outcome, cause string) DropRecord {
	d := &m.street.drops[id]
	x, y := m.G.XY(d.cell)
	return DropRecord{ID: id, Shop: d.shop, Stasher: d.stasher, X: int32(x), Y: int32(y),
		Placed: d.placed, End: end, Outcome: o, Cause: cause}
}

func (m *Model) emitDropEnded(id, end int32, o Outcome, cause string) {
	r := m.record(id, end, o, cause)
	m.ev = Event{Tick: end, Kind: EvDropEnded, Shop: r.Shop, Agent: r.Stasher, X: r.X, Y: r.Y, Cause: cause, Drop: r}
	m.sink.Event(&m.ev)
}

// end takes a drop off the map with outcome o.
func (m *Model) end(id int32, o Outcome, cause string) {
	d := &m.street.drops[id]
	if d.state != dropOnMap {
		return
	}
	d.state = dropEnded
	m.street.onMap--
	m.totals.Outcomes[o]++
	if o == OutcomeSeized && len(m.police.hotMaps) > 0 {
		x, y := m.G.XY(d.cell)
		m.police.hotspotSeen(x, y, m.tick)
	}
	if d.watcher >= 0 {
		m.police.dropGone(d.watcher)
		d.watcher = -1
	}
	m.emitDropEnded(id, int32(m.tick), o, cause)
}

// unlist withdraws a drop from sale (the shop knows it is gone or stale).
func (m *Model) unlist(id int32) {
	d := &m.street.drops[id]
	if !d.listed {
		return
	}
	d.listed = false
	if d.buyer < 0 {
		m.street.stashers[d.stasher].listed--
		m.orgs.shops[d.shop].listed--
	}
}

// reserveDrop promises drop id to buyer b: it leaves the shop's offer.
func (m *Model) reserveDrop(id, b int32) {
	d := &m.street.drops[id]
	d.buyer = b
	m.street.stashers[d.stasher].listed--
	m.orgs.shops[d.shop].listed--
}

// seize: police take the drop.
func (m *Model) seize(id int32, cause string) { m.end(id, OutcomeSeized, cause) }

// loseDrops: drops taken by others (thieves who watch stashers, passers-by,
// weather) at hazard loss_rate per day.
func (m *Model) loseDrops(t int) {
	for {
		it, ok := m.street.losses.due(t)
		if !ok {
			return
		}
		m.end(it.a, OutcomeLost, "")
	}
}

// expireDrops: drops older than drop_ttl are withdrawn; those still lying
// unclaimed expire. A reserved drop stays for its buyer.
func (m *Model) expireDrops(t int) {
	for m.street.expiryHead < len(m.street.expiry) {
		id := m.street.expiry[m.street.expiryHead]
		d := &m.street.drops[id]
		if int(d.placed)+m.street.ttlTicks > t {
			break
		}
		m.street.expiryHead++
		if d.buyer >= 0 {
			continue
		}
		m.unlist(id)
		m.end(id, OutcomeExpired, "")
	}
	if m.street.expiryHead > 1<<16 && m.street.expiryHead > len(m.street.expiry)/2 {
		m.street.expiry = append(m.street.expiry[:0], m.street.expiry[m.street.expiryHead:]...)
		m.street.expiryHead = 0
	}
}
