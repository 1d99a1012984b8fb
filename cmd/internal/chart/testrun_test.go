package chart

import (
	"sync"
	"testing"

	"dropsim/sim"
	"dropsim/sim/metrics"
)

var (
	testRunOnce, defaultRunOnce sync.Once
	testRunVal, defaultRunVal   *Run
)

// testRun is a real run for the figure tests: a 60 x 60 city over 60 days,
// with a crackdown of 12 units on a 10 x 10 area from day 20 and 3 units
// on random patrol. It is computed once and shared; do not modify it.
func testRun(t testing.TB) *Run {
	t.Helper()
	testRunOnce.Do(func() {
		p := sim.DefaultParams()
		p.Name = "chart-test"
		p.Days = 60
		p.City.Width, p.City.Height = 60, 60
		p.Market.Shops = 3
		p.Organization.Stashers = 9
		p.Stasher.AreaRadius = 10
		p.Buyers.Count = 1200
		p.Police.Groups = []sim.GroupParams{
			{Name: "crackdown", Strategy: "area", Count: 12, StartDay: 20, EndDay: 60, Area: []int{32, 18, 41, 27}},
			{Name: "patrol", Strategy: "random", Count: 3, StartDay: 0, EndDay: 60},
		}
		testRunVal = simulateRun(p, 3, "test")
	})
	return testRunVal
}

// defaultSizeRun is a run of the default size for the benchmarks and the
// speed-sensitive tests: the default 100 x 100 city over 180 days (about
// 76,000 drops), a crackdown of 25 units on a 15 x 15 area from day 60 and
// 5 units on random patrol. Built once; do not modify it.
func defaultSizeRun(tb testing.TB) *Run {
	tb.Helper()
	defaultRunOnce.Do(func() {
		p := sim.DefaultParams()
		p.Name = "chart-default"
		p.Police.Groups = []sim.GroupParams{
			{Name: "crackdown", Strategy: "area", Count: 25, StartDay: 60, EndDay: 180, Area: []int{55, 30, 69, 44}},
			{Name: "patrol", Strategy: "random", Count: 5, StartDay: 0, EndDay: 180},
		}
		defaultRunVal = simulateRun(p, 1, "bench")
	})
	return defaultRunVal
}

// simulateRun plays p and gathers what the figures are drawn from, as
// dropsim run does from its tables.
func simulateRun(p sim.Params, seed uint64, version string) *Run {
	m, err := sim.New(p, seed)
	if err != nil {
		panic(err)
	}
	z := p.BuildZones(m.G.Class)
	daily := metrics.NewDaily(p.TicksPerDay(), z)
	var tables metrics.Tables
	sink := sim.SinkFunc(func(e *sim.Event) { daily.Event(e); tables.Event(e) })
	for !m.Done() {
		m.Step(sink)
	}
	m.Finish(sink)
	usable := len(m.G.UsableCells())
	return &Run{Params: p, Zones: z, Land: m.G.Class, Daily: daily.Rows(), Tables: tables,
		Summary: metrics.Summarise(&p, z, usable, tables.Drops, tables.Arrests), Version: version}
}
