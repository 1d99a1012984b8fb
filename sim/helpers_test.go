package sim

import (
	"encoding/binary"
	"hash"
	"hash/fnv"
	"math"
	"testing"
)

// smallParams is a quick world for tests that step a model: a 40 x 40
// radial city with a river, two shops of three stashers and 400 buyers.
func smallParams() Params {
	p := DefaultParams()
	p.Days = 12
	p.City.Width, p.City.Height = 40, 40
	p.City.Parks, p.City.ParkRadius = 3, 3
	p.Market.Shops = 2
	p.Organization.Stashers = 6
	p.Stasher.AreaRadius = 8
	p.Stasher.RelocateRange = 12
	p.Buyers.Count = 400
	p.Buyers.MaxTravel = 10
	return p
}

// mustNew builds a model or stops the test.
func mustNew(t *testing.T, p Params, seed uint64) *Model {
	t.Helper()
	m, err := New(p, seed)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

// eventHasher folds every field of every event into a 64-bit FNV hash, so
// that two event streams can be compared without keeping them.
type eventHasher struct {
	h   hash.Hash64
	n   int
	buf []byte

	ignorePolice bool // leave out the day's count of police on duty
}

func newEventHasher() *eventHasher { return &eventHasher{h: fnv.New64a()} }

func (eh *eventHasher) i64(v int64) { eh.buf = binary.LittleEndian.AppendUint64(eh.buf, uint64(v)) }
func (eh *eventHasher) f64(v float64) {
	eh.buf = binary.LittleEndian.AppendUint64(eh.buf, math.Float64bits(v))
}
func (eh *eventHasher) str(s string) {
	eh.i64(int64(len(s)))
	eh.buf = append(eh.buf, s...)
}

func (eh *eventHasher) Event(e *Event) {
	eh.n++
	eh.buf = eh.buf[:0]
	eh.i64(int64(e.Tick))
	eh.i64(int64(e.Kind))
	eh.i64(int64(e.Role))
	eh.i64(int64(e.Shop))
	eh.i64(int64(e.Agent))
	if e.Kind == EvInvestigation { // the only kind with a From
		eh.i64(int64(e.From))
		eh.i64(int64(e.FromRole))
	}
	eh.i64(int64(e.X))
	eh.i64(int64(e.Y))
	if e.Minor {
		eh.i64(1)
	} else {
		eh.i64(0)
	}
	eh.f64(e.Amount)
	eh.str(e.Cause)
	d := e.Drop
	for _, v := range []int32{d.ID, d.Shop, d.Stasher, d.X, d.Y, d.Placed, d.End, int32(d.Outcome)} {
		eh.i64(int64(v))
	}
	eh.str(d.Cause)
	if s := e.Day; s != nil {
		police := s.PoliceActive
		if eh.ignorePolice {
			police = 0
		}
		for _, v := range []int{s.Day, s.ActiveStashers, s.OpenShops, s.AvailableDrops, s.Backlog, police, s.Churned} {
			eh.i64(int64(v))
		}
		eh.f64(s.Cash)
	} else {
		eh.i64(-1)
	}
	eh.h.Write(eh.buf)
}

func (eh *eventHasher) Sum() uint64 { return eh.h.Sum64() }

// near reports whether a and b agree within an absolute tolerance scaled
// by their size.
func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
