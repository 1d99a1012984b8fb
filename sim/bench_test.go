package sim

import (
	"math"
	"runtime"
	"testing"
)

// benchParams is the default scenario of scenarios/default.toml: the
// default city with a random patrol and an area crackdown from day 60.
func benchParams() Params {
	p := DefaultParams()
	p.Police.Groups = []GroupParams{
		{Name: "patrol", Strategy: "random", Count: 5, StartDay: 0, EndDay: p.Days},
		{Name: "crackdown", Strategy: "area", Count: 25, StartDay: 60, EndDay: p.Days, Area: []int{55, 30, 69, 44}},
	}
	return p
}

// largeParams is scenarios/bench-large.toml: a 500 x 500 city, 100,000
// buyers, 40 shops with 500 stashers, 300 police units, 365 days.
func largeParams() Params {
	p := DefaultParams()
	p.Days = 365
	p.City.Width, p.City.Height = 500, 500
	p.City.Parks, p.City.ParkRadius, p.City.RiverWidth = 150, 6, 4
	p.Buyers.Count = 100_000
	p.Market.Shops = 40
	p.Market.StartStock, p.Market.ReorderPoint, p.Market.ReorderQty = 5000, 1700, 5000
	p.Organization.Stashers = 500
	p.Police.Groups = []GroupParams{
		{Name: "patrol", Strategy: "random", Count: 200, StartDay: 0, EndDay: p.Days},
		{Name: "crackdown", Strategy: "area", Count: 100, StartDay: 120, EndDay: p.Days, Area: []int{300, 200, 339, 239}},
	}
	return p
}

func benchRun(b *testing.B, p Params) {
	var tot Totals
	for i := 0; i < b.N; i++ {
		var err error
		tot, err = Run(p, uint64(i+1), Discard)
		if err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*p.Ticks()), "ns/tick")
	b.ReportMetric(float64(tot.Placed)/sec, "drops/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-MiB")
}

// BenchmarkDefault: target under 1 s a run on one core.
func BenchmarkDefault(b *testing.B) { benchRun(b, benchParams()) }

// BenchmarkLarge: target under 60 s and 2 GiB peak on one core
// (run with -benchtime 1x; see make bench-large).
func BenchmarkLarge(b *testing.B) { benchRun(b, largeParams()) }

// starPolygon is a star-shaped polygon of n integer vertices around (cx, cy)
// at radii from about 220 to 980 cells: a wavy outline with many collinear,
// repeated and nearly collinear vertices after rounding.
func starPolygon(n int, cx, cy float64) [][]int {
	poly := make([][]int, n)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		r := 600 + 300*math.Sin(7*a) + 80*math.Sin(53*a+1)
		poly[i] = []int{int(math.Round(cx + r*math.Cos(a))), int(math.Round(cy + r*math.Sin(a)))}
	}
	return poly
}

// polygonParams is a 2000 x 2000 city whose treatment area is a
// 10,000-vertex star-shaped polygon (issue 8, item 9).
func polygonParams() Params {
	p := DefaultParams()
	p.City.Width, p.City.Height = 2000, 2000
	p.Zones.Polygon = starPolygon(10_000, 1000, 1000)
	p.Zones.SplitDay = 60
	return p
}

// BenchmarkPolygonZones validates a scenario with a 10,000-vertex polygon
// on a 2000 x 2000 grid; Validate builds the zones.
func BenchmarkPolygonZones(b *testing.B) {
	p := polygonParams()
	for b.Loop() {
		q := p // a fresh copy each time, as a newly loaded scenario
		if err := q.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
