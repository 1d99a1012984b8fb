package metrics

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"dropsim/sim"
)

// The patterns of MODEL.md section 1 as tests, on a small city within CI's
// time: each is measured over replicates and judged by its mean and 95%
// interval, as docs/CALIBRATION.md judges the full-size city (make
// patterns). They fail when the mechanism behind a pattern breaks (a
// traffic term dropped, complaints weighing like arrests, relocation
// jumping far, mules stopped anywhere), not on a changed golden.

// patternCity is an 80 x 80 radial city of 3 shops, 15 stashers with areas
// of radius 12 and 2,000 buyers, 90 days with a 10-day warm-up; a
// crackdown district of 12 x 12 cells in the residential ring from day 40.
func patternCity() sim.Params {
	p := sim.DefaultParams()
	p.Days, p.WarmupDays = 90, 10
	p.City.Width, p.City.Height = 80, 80
	p.City.Parks, p.City.ParkRadius = 6, 3
	p.Market.Shops = 3
	p.Organization.Stashers = 15
	p.Stasher.AreaRadius = 12
	p.Stasher.RelocateRange = 4
	p.Buyers.Count = 2000
	p.Buyers.MaxTravel = 16
	p.Zones.Treatment, p.Zones.BufferWidth, p.Zones.ControlGap, p.Zones.SplitDay = []int{46, 22, 57, 33}, 4, 4, 40
	return p
}

// crackdownOf adds 16 units saturating the district from day 40.
func crackdownOf(p sim.Params) sim.Params {
	p.Police.Groups = []sim.GroupParams{{Name: "crackdown", Strategy: "area", Count: 16, StartDay: 40, EndDay: p.Days, Area: []int{46, 22, 57, 33}}}
	return p
}

// measuresOf plays p with seeds 1..n and returns each measure's values.
func measuresOf(t *testing.T, p sim.Params, n int) map[string][]float64 {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for seed := uint64(1); seed <= uint64(n); seed++ {
		m, err := sim.New(p, seed)
		if err != nil {
			t.Fatal(err)
		}
		tables := &Tables{}
		for !m.Done() {
			m.Step(tables)
		}
		m.Finish(tables)
		z := p.BuildZones(m.G.Class)
		s := Summarise(&p, z, len(m.G.UsableCells()), tables.Drops, tables.Arrests)
		for i, v := range RunMeasures(s, m.Totals(), z, p.TicksPerDay(), tables.Drops, m.G.Class) {
			if v.Defined {
				out[RunMeasureNames[i]] = append(out[RunMeasureNames[i]], v.V)
			}
		}
	}
	return out
}

// interval is the mean of xs and its 95% t interval.
func interval(xs []float64) (mean, lo, hi float64) {
	mean, sd := stat.MeanStdDev(xs, nil)
	h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(xs) - 1)}.Quantile(0.975) * sd / math.Sqrt(float64(len(xs)))
	return mean, mean - h, mean + h
}

func TestPatternsWithoutPolice(t *testing.T) {
	got := measuresOf(t, patternCity(), 8)
	// P1: the busy centre holds far fewer drops per cell than the blocks of
	// flats and the parks (below 40% of each, mean over the replicates).
	c, r, k := stat.Mean(got["density_centre"], nil), stat.Mean(got["density_residential"], nil), stat.Mean(got["density_park"], nil)
	t.Logf("P1: drops per cell and day: centre %.4f, residential %.4f, park %.4f", c, r, k)
	if !(c < 0.4*r && c < 0.4*k) {
		t.Errorf("P1: the centre has %.4f drops per cell and day, residential %.4f and park %.4f: want the centre below 40%% of both", c, r, k)
	}
	// P0: no drift: the shares of the control area and of the blocks of
	// flats, which hold most drops, agree within 10% between the first and
	// last thirds after the warm-up (the district, its buffer and the few
	// parks of this city are too small to measure a drift with 8
	// replicates).
	for _, z := range []string{"drift_control", "drift_residential"} {
		mean, lo, hi := interval(got[z])
		t.Logf("P0: %s %.3f [%.3f, %.3f]", z, mean, lo, hi)
		if math.Abs(mean) > 0.1 {
			t.Errorf("P0: %s = %.3f [%.3f, %.3f] without police: want within 10%%", z, mean, lo, hi)
		}
	}
	// Calibration: not found in 5-15% of trips to a drop.
	if mean, lo, hi := interval(got["not_found_share"]); mean < 0.05 || mean > 0.15 {
		t.Errorf("not found in %.3f [%.3f, %.3f] of trips: want 5-15%%", mean, lo, hi)
	}
}

func TestPatternsOfCrackdowns(t *testing.T) {
	const n = 12
	base := patternCity()
	// Deterrence: units are seen, arrest nobody, stop no mules.
	det := crackdownOf(base)
	det.Police.DetectProb, det.Police.MuleInterceptProb = 0, 0
	// Arrests: units are not recognised, and arrest.
	arr := crackdownOf(base)
	arr.Stasher.RiskSeen = 0
	// pooled is the WDQ of the counts summed over the replicates: a ratio's
	// mean over replicates is pulled by runs whose treatment barely changed.
	pooled := func(p sim.Params) (float64, []float64) {
		got := measuresOf(t, p, n)
		sum := func(k string) float64 { return stat.Mean(got["drops_placed_"+k], nil) }
		rb, ra, bb, ba, cb, ca := sum("Rb"), sum("Ra"), sum("Bb"), sum("Ba"), sum("Cb"), sum("Ca")
		return (ba/ca - bb/cb) / (ra/ca - rb/cb), got["drops_placed_wdq"]
	}
	// P2: deterrence displaces drops into the buffer (WDQ < 0) in most
	// replicates, and on the mean counts; arrests empty the buffer too
	// (WDQ > 0) in most, and on the mean counts.
	w, each := pooled(det)
	if k := count(each, func(x float64) bool { return x < 0 }); k < 2*n/3 || !(w < 0) {
		t.Errorf("P2: a deterring crackdown gave WDQ < 0 in %d of %d replicates (%.2f), %.2f on the mean counts: want at least %d, and below 0 (displacement)", k, n, each, w, 2*n/3)
	}
	t.Logf("P2 deterrence: WDQ of the mean counts %.2f (each: %.2f)", w, each)
	w, each = pooled(arr)
	if k := count(each, func(x float64) bool { return x > 0 }); k < 3*n/4 || !(w > 0) {
		t.Errorf("P2: an arresting crackdown gave WDQ > 0 in %d of %d replicates (%.2f), %.2f on the mean counts: want at least %d, and above 0 (diffusion of benefits)", k, n, each, w, 3*n/4)
	}
	t.Logf("P2 arrests: WDQ of the mean counts %.2f (each: %.2f)", w, each)
}

// count is how many of xs satisfy ok.
func count(xs []float64, ok func(float64) bool) int {
	k := 0
	for _, x := range xs {
		if ok(x) {
			k++
		}
	}
	return k
}

func TestPatternFiveRandomUnits(t *testing.T) {
	// P3: a light random patrol (as five units in a 100 x 100 city: three
	// in 80 x 80) cuts the drops picked up by less than 10%.
	const n = 8
	base := patternCity()
	patrol := base
	patrol.Police.Groups = []sim.GroupParams{{Name: "patrol", Strategy: "random", Count: 3, StartDay: 0, EndDay: base.Days}}
	a, b := measuresOf(t, base, n)["picked"], measuresOf(t, patrol, n)["picked"]
	d := make([]float64, n)
	for i := range d {
		d[i] = (b[i] - a[i]) / a[i]
	}
	mean, lo, hi := interval(d)
	t.Logf("P3: drops picked change %.3f [%.3f, %.3f]", mean, lo, hi)
	if lo < -0.1 || slices.Min(d) < -0.2 {
		t.Errorf("P3: three random units changed drops picked by %.3f [%.3f, %.3f] (worst %.3f): want a fall of less than 10%%", mean, lo, hi, slices.Min(d))
	}
}

// TestRingsCountedTwice: the rings' counts of a crackdown run, against the
// drops counted again from their cells' Chebyshev distance to the
// treatment rectangle, computed directly; and each ring's change from
// those counts by hand.
func TestRingsCountedTwice(t *testing.T) {
	p := crackdownOf(patternCity())
	p.Days, p.Police.Groups[0].EndDay = 60, 60
	p.Zones.RingWidth, p.Zones.Rings = 3, 5
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := sim.New(p, 3)
	if err != nil {
		t.Fatal(err)
	}
	tables := &Tables{}
	for !m.Done() {
		m.Step(tables)
	}
	z := p.BuildZones(m.G.Class)
	s := Summarise(&p, z, len(m.G.UsableCells()), tables.Drops, tables.Arrests)
	var count [7][3]float64 // ring 0..6, by period
	x0, y0, x1, y1 := 46, 22, 57, 33
	for _, d := range tables.Drops {
		x, y := int(d.X), int(d.Y)
		dist := max(x0-x, 0, x-x1, y0-y, y-y1)
		ring := 0
		if dist > 0 {
			ring = min((dist+2)/3, 6)
		}
		count[ring][z.PeriodOf(int(d.Placed)/p.TicksPerDay())]++
	}
	rings := s.Series[0].Rings
	if len(rings) != 5 {
		t.Fatalf("%d rings, want 5", len(rings))
	}
	b, a := sim.PeriodBefore, sim.PeriodAfter
	for k, r := range rings {
		if r.Before != count[k+1][b] || r.After != count[k+1][a] || r.From != 3*k+1 || r.To != 3*k+3 {
			t.Errorf("ring %d (%d-%d cells): %v -> %v, counted again %v -> %v", r.Ring, r.From, r.To, r.Before, r.After, count[k+1][b], count[k+1][a])
		}
		want := (count[k+1][a]/count[k+1][b])/(count[6][a]/count[6][b]) - 1
		if !r.Change.Defined || math.Abs(r.Change.V-want) > 1e-12 {
			t.Errorf("ring %d change %+v, want %.6f", r.Ring, r.Change, want)
		}
	}
	if rings[0].Before < 50 {
		t.Errorf("degenerate test: %v drops in ring 1 before", rings[0].Before)
	}
}
