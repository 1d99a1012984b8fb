package sim

import (
	"testing"
	"time"
)

func TestZZTiming(t *testing.T) {
	p := DefaultParams()
	p.Days = 90
	g := DefaultGroup(p.Days)
	p.Police.Groups = []GroupParams{g, {Strategy: "area", Count: 10, StartDay: 30, EndDay: 90, Area: []int{40, 40, 60, 60}}}
	for seed := uint64(1); seed <= 2; seed++ {
		st := time.Now()
		n := 0
		tot, err := Run(p, seed, SinkFunc(func(*Event) { n++ }))
		t.Logf("seed %d: %v events %d err %v\n%+v", seed, time.Since(st), n, err, tot)
	}
}
