package sim

import "testing"

// refactorCases are runs that exercise every mechanism of the engine:
// random, uniform and area police with stakeouts, arrests on placement,
// phones, investigations and closed shops, mule interception, relocation,
// quits and recruits, losses, re-drops and churn.
func refactorCases() map[string]Params {
	busy := determinismParams()
	busy.Police.StakeoutProb, busy.Police.StakeoutArrestProb = 0.5, 0.8
	busy.Police.LinkProb, busy.Police.InvestigationDays = 0.9, 2
	busy.Police.MuleInterceptProb = 0.3
	busy.Organization.TenureDays = 10
	busy.Stasher.RelocateThreshold = 0.05
	long := DefaultParams()
	long.Days = 90
	long.Police.Groups = []GroupParams{
		{Name: "crackdown", Strategy: "area", Count: 25, StartDay: 30, EndDay: 90, Area: []int{55, 30, 69, 44}},
		{Name: "patrol", Strategy: "random", Count: 5, StartDay: 0, EndDay: 90},
	}
	return map[string]Params{"busy": busy, "crackdown": long}
}

// TestEventStreamUnchanged guards refactors that must not change
// behaviour: the hash of every event of fixed runs. A change that means
// to change behaviour updates these hashes and says why in its commit; a
// refactor that changes them has changed what the model does.
func TestEventStreamUnchanged(t *testing.T) {
	want := map[string]struct {
		hash   uint64
		events int
	}{
		"busy":      {0x7f5ae3f348a5b601, 53791},
		"crackdown": {0x5d1dc3439c3b0c1b, 250775},
	}
	for name, p := range refactorCases() {
		h, n, _ := hashRun(t, p, 3)
		if w := want[name]; h != w.hash || n != w.events {
			t.Errorf("%s: event stream hash %#x (%d events), want %#x (%d events)", name, h, n, w.hash, w.events)
		}
	}
}
