package sim

import "testing"

// playNoPolice plays the default market without police for days days,
// calling each after every tick.
func playNoPolice(t *testing.T, seed uint64, days int, each func(m *Model)) *Model {
	t.Helper()
	p := DefaultParams()
	p.Days = days
	p.Police.Groups = nil
	m, err := New(p, seed)
	if err != nil {
		t.Fatal(err)
	}
	for !m.Done() {
		m.Step(Discard)
		each(m)
	}
	return m
}

// TestBulkVaries: deliveries are half to one and a half times bulk_days of
// quota, not all the same; a smaller one only when it took the last of the
// shop's stock (the stock is 0 at the end of the tick the mule left).
func TestBulkVaries(t *testing.T) {
	seen := map[int]bool{}
	awaiting, has, dry := map[int32]bool{}, map[int32]bool{}, map[int32]bool{}
	var lo, hi, short int
	playNoPolice(t, 1, 20, func(m *Model) {
		lo, hi = m.orgs.bulkDoses/2, m.orgs.bulkDoses*3/2
		for _, s := range m.street.stashers {
			if s.awaitingBulk && !awaiting[s.id] {
				dry[s.id] = m.orgs.shops[s.shop].stock == 0
			}
			if s.hasWholesale && !has[s.id] {
				d := s.wholesaleDoses
				seen[d] = true
				switch {
				case d > hi || d < lo && !dry[s.id]:
					t.Errorf("a delivery of %d doses, outside [%d, %d]", d, lo, hi)
				case d < lo:
					short++
				}
			}
			awaiting[s.id], has[s.id] = s.awaitingBulk, s.hasWholesale
		}
	})
	if short > len(seen)/4 {
		t.Errorf("%d deliveries short of stock, of %d sizes", short, len(seen))
	}
	if len(seen) < 10 {
		t.Errorf("%d different delivery sizes in 20 days, want them to vary", len(seen))
	}
}

// TestStashersAskForBulkAhead: a stasher asks for its next bulk while it
// has a day's doses left, so it seldom stands empty-handed waiting for a
// mule; asking only once out of doses left it waiting for a whole trip
// every delivery.
func TestStashersAskForBulkAhead(t *testing.T) {
	waiting, working := 0, 0
	playNoPolice(t, 1, 30, func(m *Model) {
		if m.Day() < 5 {
			return
		}
		for _, s := range m.street.stashers {
			if !s.employed {
				continue
			}
			working++
			if s.inventory == 0 && s.awaitingBulk {
				waiting++
			}
		}
	})
	if share := float64(waiting) / float64(working); share > 0.02 {
		t.Errorf("stashers waited empty-handed for a mule %.1f%% of the time, want at most 2%%", 100*share)
	}
}
