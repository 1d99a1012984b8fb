package sim

import (
	"slices"
	"testing"
)

func determinismParams() Params {
	p := DefaultParams()
	p.Days = 30
	p.Buyers.Count = 1500
	p.Police.Groups = []GroupParams{
		{Name: "patrol", Strategy: "random", Count: 8, StartDay: 0, EndDay: p.Days},
		{Name: "search", Strategy: "uniform", Count: 4, StartDay: 5, EndDay: 20},
		{Name: "crackdown", Strategy: "area", Count: 10, StartDay: 10, EndDay: p.Days, Area: []int{30, 30, 50, 50}},
	}
	return p
}

func hashRun(t *testing.T, p Params, seed uint64) (uint64, int, Totals) {
	t.Helper()
	h := newEventHasher()
	tot, err := Run(p, seed, h)
	if err != nil {
		t.Fatal(err)
	}
	return h.Sum(), h.n, tot
}

func TestDeterminism(t *testing.T) {
	p := determinismParams()
	h1, n1, t1 := hashRun(t, p, 11)
	h2, n2, t2 := hashRun(t, p, 11)
	if h1 != h2 || n1 != n2 || t1 != t2 {
		t.Errorf("same seed, different runs: hash %x (%d events) vs %x (%d events)", h1, n1, h2, n2)
	}
	if n1 < 10_000 {
		t.Errorf("only %d events: too small a run to test", n1)
	}
	h3, n3, t3 := hashRun(t, p, 12)
	if h3 == h1 || t3 == t1 {
		t.Errorf("seeds 11 and 12 gave the same run (%d and %d events)", n1, n3)
	}
	// The hasher must see every field: one changed field changes the hash.
	a, b := newEventHasher(), newEventHasher()
	e := Event{Tick: 5, Kind: EvMoney, Shop: 1, Amount: 2000, Cause: CauseRevenue, X: -1, Y: -1}
	a.Event(&e)
	e.Amount = 2000.0000001
	b.Event(&e)
	if a.Sum() == b.Sum() {
		t.Errorf("the event hash ignores the amount")
	}
}

// TestCommonRandomNumbers: two policies run with the same seed see the same
// map, the same buyers (homes, shops, first orders) and the same stashers'
// working areas, because the map has its own stream and each buyer and
// stasher its own (what they do later is TestCommonRandomNumbersPerAgent's).
func TestCommonRandomNumbers(t *testing.T) {
	none := determinismParams()
	none.Police.Groups = nil
	heavy := determinismParams()
	heavy.Police.Groups = append(heavy.Police.Groups, GroupParams{Strategy: "area", Count: 50, StartDay: 0, EndDay: heavy.Days, Area: []int{0, 0, 99, 99}})
	for _, seed := range []uint64{1, 99} {
		a, b := mustNew(t, none, seed), mustNew(t, heavy, seed)
		if !slices.Equal(a.G.Class, b.G.Class) {
			t.Errorf("seed %d: the maps differ between policies", seed)
		}
		if !slices.Equal(a.G.Cover, b.G.Cover) || !slices.Equal(a.G.Demand, b.G.Demand) {
			t.Errorf("seed %d: the land-use layers differ between policies", seed)
		}
		if !slices.Equal(a.market.buyers, b.market.buyers) {
			t.Errorf("seed %d: the buyers differ between policies", seed)
		}
		if !slices.Equal(a.market.orders.h.items, b.market.orders.h.items) {
			t.Errorf("seed %d: the buyers' first orders differ between policies", seed)
		}
		for i := range a.street.stashers {
			if a.street.stashers[i].ax != b.street.stashers[i].ax || a.street.stashers[i].ay != b.street.stashers[i].ay {
				t.Errorf("seed %d: stasher %d works at (%d, %d) under one policy, (%d, %d) under the other",
					seed, i, a.street.stashers[i].ax, a.street.stashers[i].ay, b.street.stashers[i].ax, b.street.stashers[i].ay)
			}
		}
		if len(b.police.units) != 72 || len(a.police.units) != 0 {
			t.Fatalf("seed %d: %d and %d units", seed, len(a.police.units), len(b.police.units))
		}
	}
	// and a different seed gives a different city
	a, b := mustNew(t, none, 1), mustNew(t, none, 2)
	if slices.Equal(a.G.Class, b.G.Class) {
		t.Errorf("seeds 1 and 2 gave the same map")
	}
}

// prefixHasher hashes the events before a tick.
type prefixHasher struct {
	*eventHasher
	before int32
}

func (p prefixHasher) Event(e *Event) {
	if e.Tick < p.before {
		p.eventHasher.Event(e)
	}
}

// TestCommonRandomNumbersPrefix: a policy that starts on day 10 changes
// nothing before day 10, so runs with and without it have the same events
// up to then; from then on they differ. Its units have streams of their
// own, and the patrol's units (in the group listed first) keep theirs, so
// neither their existence nor their count shifts a draw of the patrol.
func TestCommonRandomNumbersPrefix(t *testing.T) {
	base := determinismParams()
	base.Days = 20
	base.Police.Groups = []GroupParams{{Name: "patrol", Strategy: "random", Count: 8, StartDay: 0, EndDay: base.Days}}
	extra := base
	extra.Police.Groups = append(slices.Clone(base.Police.Groups),
		GroupParams{Name: "crackdown", Strategy: "area", Count: 30, StartDay: 10, EndDay: base.Days, Area: []int{30, 30, 60, 60}})
	cut := int32(10 * base.TicksPerDay())
	for _, seed := range []uint64{3, 4} {
		a, b := prefixHasher{newEventHasher(), cut}, prefixHasher{newEventHasher(), cut}
		if _, err := Run(base, seed, a); err != nil {
			t.Fatal(err)
		}
		if _, err := Run(extra, seed, b); err != nil {
			t.Fatal(err)
		}
		if a.Sum() != b.Sum() || a.n != b.n {
			t.Errorf("seed %d: the first 10 days differ with a policy that starts on day 10 (%d and %d events)", seed, a.n, b.n)
		}
		ha, _, _ := hashRun(t, base, seed)
		hb, _, _ := hashRun(t, extra, seed)
		if ha == hb {
			t.Errorf("seed %d: a crackdown of 30 units changed nothing", seed)
		}
	}
}

// TestInertPolice: police who can neither find, see nor intercept anything
// change nothing, so a run with them gives the same events as a run
// without police, draw for draw: units draw only from their own streams,
// and the police's other draws (interceptions, links) from the police
// stream, which nothing else uses.
func TestInertPolice(t *testing.T) {
	base := determinismParams()
	base.Days = 20
	base.Police.FindProb, base.Police.DetectProb, base.Police.CCTVProb = 0, 0, 0
	base.Police.MuleInterceptProb, base.Police.StakeoutProb = 0, 0
	base.Stasher.RiskSeen = 0
	inert := base
	base.Police.Groups = nil
	inert.Police.Groups = []GroupParams{
		{Strategy: "random", Count: 10, StartDay: 0, EndDay: 20},
		{Strategy: "uniform", Count: 5, StartDay: 2, EndDay: 15},
		{Strategy: "area", Count: 10, StartDay: 5, EndDay: 20, Area: []int{30, 30, 60, 60}},
	}
	for _, seed := range []uint64{5, 6} {
		a, b := newEventHasher(), newEventHasher()
		a.ignorePolice, b.ignorePolice = true, true
		ta, err := Run(base, seed, a)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := Run(inert, seed, b)
		if err != nil {
			t.Fatal(err)
		}
		if a.Sum() != b.Sum() || ta != tb {
			t.Errorf("seed %d: inert police changed the run: %d vs %d events, totals %+v vs %+v", seed, a.n, b.n, ta, tb)
		}
	}
}
