package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The reference computations below do not use diurnalTable or nextOrder:
// they rebuild the buyers' activity tick by tick from the hourly weights and
// apply the definition of the process. A buyer's next order after tick t is
// the tick, from t+1 on, in which the accumulated activity reaches an
// exponential amount with mean interval_days x 24 hours, where a tick of
// hour h holds w[h]/mean(w) x tick_minutes/60 hours of activity. So with
// A(k) the activity of the k ticks t+1 .. t+k:
//
//	P(next - t > k) = exp(-A(k) / mu),  mu = interval_days x 24,
//	E[next - t]     = sum over k >= 0 of exp(-A(k) / mu),
//	P(next = t+1+k) = exp(-A(k) / mu) - exp(-A(k+1) / mu).
//
// With a flat profile A(k) = k ticks' worth and E[next - t] is
// 1 / (1 - exp(-1/m)), m = interval_days x ticks_per_day: about m + 1/2.
// The half tick is the discretisation: an order falls in the tick in which
// the continuous draw lands (a ceiling), counting from the tick after t.

type diurnalRef struct {
	w   []float64
	tm  int
	tpd int
	sum float64
}

func newDiurnalRef(w []float64, tm int) diurnalRef {
	s := 0.0
	for _, x := range w {
		s += x
	}
	return diurnalRef{w: w, tm: tm, tpd: 24 * 60 / tm, sum: s}
}

// act is the activity of tick k (absolute; hour from k mod ticks a day), in hours.
func (r diurnalRef) act(k int) float64 {
	h := (k % r.tpd) * r.tm / 60
	return r.w[h] / (r.sum / 24) * float64(r.tm) / 60
}

// meanWait is E[next - t] for an order drawn after tick t.
func (r diurnalRef) meanWait(t int, intervalDays float64) float64 {
	mu := intervalDays * 24
	e, a := 0.0, 0.0
	for k := 0; ; k++ {
		s := math.Exp(-a / mu)
		e += s
		if s < 1e-17 {
			return e
		}
		a += r.act(t + 1 + k)
	}
}

// tickDist is the distribution of the tick of day of the next order after
// a tick whose successor is tick of day s.
func (r diurnalRef) tickDist(s int, intervalDays float64) []float64 {
	mu := intervalDays * 24
	p := make([]float64, r.tpd)
	a := 0.0
	for k := s; a/mu < 60; k++ {
		x := r.act(k)
		p[k%r.tpd] += math.Exp(-a/mu) - math.Exp(-(a+x)/mu)
		a += x
	}
	return p
}

// chainTicks is the long-run share of orders by tick of day of a buyer who
// orders again after each order (next = nextOrder(previous order)): the
// stationary distribution of the Markov chain on the tick of day, by power
// iteration.
func (r diurnalRef) chainTicks(intervalDays float64) []float64 {
	P := make([][]float64, r.tpd)
	for s := range P {
		P[s] = r.tickDist(s, intervalDays)
	}
	start := make([]float64, r.tpd) // distribution of the tick of day after an order
	start[0] = 1
	ord := make([]float64, r.tpd)
	for it := 0; it < 2000; it++ {
		clear(ord)
		for s, ps := range start {
			for j, pj := range P[s] {
				ord[j] += ps * pj
			}
		}
		for j, pj := range ord {
			start[(j+1)%r.tpd] = pj
		}
	}
	return ord
}

// hours sums a distribution over ticks of day by hour.
func (r diurnalRef) hours(ticks []float64) []float64 {
	h := make([]float64, 24)
	for j, pj := range ticks {
		h[j*r.tm/60] += pj
	}
	return h
}

func flatDiurnal() []float64 {
	w := make([]float64, 24)
	for i := range w {
		w[i] = 1
	}
	return w
}

// gappyDiurnal has no activity at night (0-6h) and at 13h.
func gappyDiurnal() []float64 {
	w := DefaultDiurnal()
	for _, h := range []int{0, 1, 2, 3, 4, 5, 6, 13} {
		w[h] = 0
	}
	return w
}

func buyerModel(t *testing.T, w []float64, tm int, intervalDays float64) *Model {
	t.Helper()
	p := smallParams()
	p.TickMinutes = tm
	p.Buyers.Diurnal = w
	p.Buyers.IntervalDays = intervalDays
	return mustNew(t, p, 1)
}

func TestNextOrderMean(t *testing.T) {
	// The flat reference must agree with the closed form, and show the half tick.
	for _, m := range []float64{6, 120, 240} {
		r := newDiurnalRef(flatDiurnal(), 60)
		got, want := r.meanWait(5, m/24), 1/(1-math.Exp(-1/m))
		if math.Abs(got-want) > 1e-9*want {
			t.Fatalf("reference mean %.12f, closed form %.12f", got, want)
		}
		if d := want - m; d < 0.5 || d > 0.5+1/(12*m)+1e-9 {
			t.Fatalf("closed form %.6f is not interval + 1/2 + 1/(12 interval) for %g ticks", want, m)
		}
	}
	for _, c := range []struct {
		name     string
		w        []float64
		tm       int
		interval float64
		n        int
	}{
		{"flat, 6 hours", flatDiurnal(), 60, 0.25, 200_000},
		{"flat, 5 days", flatDiurnal(), 60, 5, 200_000},
		{"default, 6 hours", DefaultDiurnal(), 60, 0.25, 200_000},
		{"default, 5 days", DefaultDiurnal(), 60, 5, 200_000},
		{"default, 6 hours, 30-minute ticks", DefaultDiurnal(), 30, 0.25, 200_000},
		{"default, 5 days, 30-minute ticks", DefaultDiurnal(), 30, 5, 200_000},
		{"night gap, 1 day", gappyDiurnal(), 60, 1, 200_000},
		{"night gap, 1 day, 30-minute ticks", gappyDiurnal(), 30, 1, 200_000},
	} {
		m := buyerModel(t, c.w, c.tm, c.interval)
		r := newDiurnalRef(c.w, c.tm)
		rng := rand.New(rand.NewPCG(21, uint64(c.tm)))
		// a draw from before the run (t = -1, as for the first orders) and
		// from ticks at several hours of a later day
		// the deviations from the reference, pooled over the starting ticks
		dev, varDev := 0.0, 0.0
		for _, t0 := range []int{-1, 3 * m.tpd, 3*m.tpd + m.tpd/4, 3*m.tpd + 13*m.tpd/24, 5*m.tpd - 1} {
			sum, sum2 := 0.0, 0.0
			for k := 0; k < c.n; k++ {
				next := m.nextOrder(t0, rng)
				if next <= t0 {
					t.Fatalf("%s: nextOrder(%d) = %d, not after t", c.name, t0, next)
				}
				d := float64(next - t0)
				sum += d
				sum2 += d * d
			}
			n := float64(c.n)
			mean := sum / n
			se := math.Sqrt((sum2/n - mean*mean) / n)
			want := r.meanWait(t0, c.interval)
			if math.Abs(mean-want) > 5*se {
				t.Errorf("%s, t = %d: mean of next - t = %.3f ticks, want %.3f +- %.3f (5 SE); interval x ticks a day = %.1f",
					c.name, t0, mean, want, 5*se, c.interval*float64(m.tpd))
			}
			dev += (mean - want) / want
			varDev += se * se / (want * want)
		}
		if math.Abs(dev) > 5*math.Sqrt(varDev) {
			t.Errorf("%s: the means are off by %.4f%% on average, more than 5 SE (%.4f%%)", c.name, 100*dev/5, 100*math.Sqrt(varDev))
		}
	}
}

// TestNextOrderHours: the hour of day of a buyer's successive orders
// follows the diurnal weights, a flat profile gives a uniform hour, and
// hours of weight zero never see an order.
func TestNextOrderHours(t *testing.T) {
	const interval = 5.0
	for _, c := range []struct {
		name string
		w    []float64
	}{
		{"default", DefaultDiurnal()},
		{"flat", flatDiurnal()},
		{"night gap", gappyDiurnal()},
	} {
		for _, tm := range []int{60, 30} {
			t.Run(fmt.Sprintf("%s/%dmin", c.name, tm), func(t *testing.T) {
				m := buyerModel(t, c.w, tm, interval)
				r := newDiurnalRef(c.w, tm)
				ticks := r.chainTicks(interval)
				want := r.hours(ticks)
				// the long-run mean time between orders: the mean wait from
				// each tick of day, weighted by the share of orders there
				wantGap := 0.0
				for j, pj := range ticks {
					wantGap += pj * r.meanWait(j, interval)
				}
				wsum := 0.0
				for _, x := range c.w {
					wsum += x
				}
				// The reference is proportional to the weights up to the
				// restart at the tick after each order (about half a tick
				// of activity in 120 hours): within 1% relative here.
				for h := range want {
					if prop := c.w[h] / wsum; math.Abs(want[h]-prop) > 0.01*prop {
						t.Fatalf("reference share of hour %d = %.5f, proportional share %.5f", h, want[h], prop)
					}
				}
				// One buyer ordering again and again; every 4th order is
				// kept, so that the kept orders are practically independent
				// (successive hours are correlated by about 0.03).
				const n = 250_000
				rng := rand.New(rand.NewPCG(5, uint64(tm)))
				counts := make([]int, 24)
				tk := -1
				gap, gap2 := 0.0, 0.0
				for k := 0; k < 4*n; k++ {
					prev := tk
					tk = m.nextOrder(tk, rng)
					if k > 0 {
						d := float64(tk - prev)
						gap += d
						gap2 += d * d
					}
					h := m.hour(tk)
					if c.w[h] == 0 {
						t.Fatalf("order at tick %d, hour %d, which has weight 0", tk, h)
					}
					if k%4 == 3 {
						counts[h]++
					}
				}
				for h, p := range want {
					exp := n * p
					sd := math.Sqrt(n * p * (1 - p))
					if math.Abs(float64(counts[h])-exp) > 5*sd {
						t.Errorf("hour %2d (weight %.2f): %d orders, want %.0f +- %.0f (5 sigma)", h, c.w[h], counts[h], exp, 5*sd)
					}
				}
				// Successive gaps are correlated only through the hour of
				// the previous order (about 0.03): 5 SE of independent
				// draws stays a wide margin.
				ng := float64(4*n - 1)
				mean := gap / ng
				se := math.Sqrt((gap2/ng - mean*mean) / ng)
				if math.Abs(mean-wantGap) > 5*se {
					t.Errorf("mean time between orders %.3f ticks, want %.3f +- %.3f (interval x ticks a day = %.0f)",
						mean, wantGap, 5*se, interval*float64(m.tpd))
				}
				if base := interval * float64(m.tpd); wantGap < base || wantGap > base+float64(m.tpd)/24 {
					t.Errorf("reference long-run gap %.3f ticks is not within an hour above interval x ticks a day = %.0f", wantGap, base)
				}
			})
		}
	}
}

// TestNextOrderZeroHours: whatever the tick a draw starts from, no order
// falls in an hour of weight zero.
func TestNextOrderZeroHours(t *testing.T) {
	w := gappyDiurnal()
	for _, tm := range []int{60, 30} {
		for _, interval := range []float64{0.05, 1, 5} {
			m := buyerModel(t, w, tm, interval)
			rng := rand.New(rand.NewPCG(8, 8))
			bad := 0
			for t0 := -1; t0 < 2*m.tpd; t0++ {
				for k := 0; k < 2000; k++ {
					if h := m.hour(m.nextOrder(t0, rng)); w[h] == 0 {
						bad++
					}
				}
			}
			if bad > 0 {
				t.Errorf("tick_minutes %d, interval %g days: %d orders in hours of weight 0", tm, interval, bad)
			}
		}
	}
}

// TestNextOrderTickDist checks single draws from a fixed tick against the
// exact distribution of the order's tick of day.
func TestNextOrderTickDist(t *testing.T) {
	for _, tm := range []int{60, 30} {
		m := buyerModel(t, DefaultDiurnal(), tm, 0.5)
		r := newDiurnalRef(DefaultDiurnal(), tm)
		rng := rand.New(rand.NewPCG(13, uint64(tm)))
		const n = 200_000
		for _, t0 := range []int{-1, 7 * m.tpd / 24, 20 * m.tpd / 24} {
			want := r.tickDist((t0+1+m.tpd)%m.tpd, 0.5)
			counts := make([]int, m.tpd)
			for k := 0; k < n; k++ {
				counts[m.nextOrder(t0, rng)%m.tpd]++
			}
			for j, p := range want {
				if sd := math.Sqrt(n * p * (1 - p)); math.Abs(float64(counts[j])-n*p) > 5*sd+1e-9 {
					t.Errorf("tick_minutes %d, t = %d: tick of day %d drawn %d times, want %.0f +- %.0f", tm, t0, j, counts[j], n*p, 5*sd)
				}
			}
		}
	}
}

// TestOrderFromTriesShopsByReputation: a buyer whose preferred shop has no
// drop within reach is served by the acceptable shop (reputation at least
// min_reputation) with the best reputation that has one, ties to the lower
// shop id; the order is the one rankShops fixed when reputations changed.
func TestOrderFromTriesShopsByReputation(t *testing.T) {
	p := DefaultParams()
	p.Market.Shops = 4
	p.Police.Groups = nil
	m, err := New(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	m.sink = SinkFunc(func(*Event) {})
	offer := func(b int32, shops ...int) { // a drop of each shop on the buyer's home cell
		for _, k := range shops {
			s := m.street.stashers[m.orgs.shops[k].stashers[0]]
			m.place(s, m.market.buyers[b].home, 0)
		}
	}
	served := func(b int32) int32 {
		bu := &m.market.buyers[b]
		bu.shop = 0 // prefers shop 0, which offers nothing near
		m.orderFrom(b, 0)
		if bu.state != buyerTravel || m.street.drops[bu.drop].shop != bu.shop {
			t.Fatalf("buyer %d: state %d, drop of shop %d, stays with shop %d", b, bu.state, m.street.drops[bu.drop].shop, bu.shop)
		}
		return bu.shop
	}
	for k, r := range []float64{0.9, 0.5, 0.8, 0.8} {
		m.orgs.shops[k].reputation = r
	}
	m.rankShops()
	offer(0, 1, 2, 3)
	if got := served(0); got != 2 {
		t.Errorf("served by shop %d; want 2: shop 1 is below min_reputation 0.6, and 2 and 3 tie at 0.8", got)
	}
	m.orgs.shops[3].reputation = 0.95
	m.rankShops()
	offer(1, 1, 2, 3)
	if got := served(1); got != 3 {
		t.Errorf("served by shop %d; want 3, now the best", got)
	}
	// Within the shop, the nearest drop, ties to the smaller id: shop 3
	// offers buyer 2 a drop one cell away, then two on its home cell.
	b := int32(2)
	home := m.market.buyers[b].home
	hx, hy := m.G.XY(home)
	near := int32(-1)
	for _, c := range [][2]int{{hx + 1, hy}, {hx - 1, hy}, {hx, hy + 1}, {hx, hy - 1}} {
		if m.G.In(c[0], c[1]) && m.G.Usable(m.G.ID(c[0], c[1])) {
			near = m.G.ID(c[0], c[1])
			break
		}
	}
	if near < 0 {
		t.Fatal("no usable cell next to buyer 2's home")
	}
	s3 := m.street.stashers[m.orgs.shops[3].stashers[0]]
	m.place(s3, near, 0)
	want := m.place(s3, home, 0)
	m.place(s3, home, 0)
	if got := served(b); got != 3 || m.market.buyers[b].drop != want {
		t.Errorf("buyer 2 got drop %d of shop %d; want drop %d of shop 3, the first of the two on its cell", m.market.buyers[b].drop, got, want)
	}
}
