package metrics

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Student's t quantiles at 0.975 in closed form (a second method beside
// distuv's inverse incomplete beta), p = 0.975:
//
//	nu = 1: tan(pi (p - 1/2))                         = 12.7062047361747
//	nu = 2: (2p - 1) / sqrt(2 p (1 - p))              = 0.95/sqrt(0.04875) = 4.30265272974946
//	nu = 4: a = 4p(1-p) = 0.0975, q = cos(acos(sqrt a)/3)/sqrt a,
//	        t = 2 sqrt(q - 1)                         = 2.77644510519779
var (
	t1 = math.Tan(math.Pi * 0.475)
	t2 = 0.95 / math.Sqrt(2*0.975*0.025)
	t4 = func() float64 {
		a := 4 * 0.975 * 0.025
		q := math.Cos(math.Acos(math.Sqrt(a))/3) / math.Sqrt(a)
		return 2 * math.Sqrt(q-1)
	}()
)

// cdf3 is Student's t CDF with 3 degrees of freedom in closed form:
// 1/2 + (1/pi) (x/(1 + x^2/3) + atan x), x = t/sqrt 3.
func cdf3(t float64) float64 {
	x := t / math.Sqrt(3)
	return 0.5 + (x/(1+x*x)+math.Atan(x))/math.Pi
}

func within(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestClosedFormQuantiles(t *testing.T) {
	// The brief's t(0.975, 4) and the printed tables' 12.706, 4.303.
	for _, c := range []struct{ got, want, tol float64 }{
		{t4, 2.7764451051977987, 1e-13},
		{t1, 12.706, 5e-4},
		{t2, 4.303, 5e-4},
	} {
		if !within(c.got, c.want, c.tol) {
			t.Errorf("closed form %v, want %v", c.got, c.want)
		}
	}
}

func checkInterval(t *testing.T, name string, got, want Interval, tol float64) {
	t.Helper()
	if got.N != want.N || got.Undefined != want.Undefined || got.HasMean != want.HasMean || got.HasCI != want.HasCI {
		t.Errorf("%s: N %d undefined %d mean %v ci %v, want %d %d %v %v", name,
			got.N, got.Undefined, got.HasMean, got.HasCI, want.N, want.Undefined, want.HasMean, want.HasCI)
	}
	for _, f := range []struct {
		what      string
		got, want float64
	}{
		{"mean", got.Mean, want.Mean}, {"SD", got.SD, want.SD}, {"SE", got.SE, want.SE},
		{"lo", got.Lo, want.Lo}, {"hi", got.Hi, want.Hi},
	} {
		if !within(f.got, f.want, tol) {
			t.Errorf("%s: %s %v, want %v", name, f.what, f.got, f.want)
		}
	}
}

func TestReplicatesByHand(t *testing.T) {
	cases := []struct {
		name string
		xs   []float64
		want Interval
	}{
		// {1..5}: mean 3; squared deviations 4+1+0+1+4 = 10, SD = sqrt(10/4)
		// = sqrt(2.5); SE = sqrt(2.5/5) = sqrt(0.5); Mean -/+ t4 sqrt(0.5)
		// = 3 -/+ 1.963243 = 1.036757, 4.963243.
		{"1..5", []float64{1, 2, 3, 4, 5}, Interval{N: 5, Undefined: 2, Mean: 3, SD: math.Sqrt(2.5), SE: math.Sqrt(0.5),
			Lo: 3 - t4*math.Sqrt(0.5), Hi: 3 + t4*math.Sqrt(0.5), HasMean: true, HasCI: true}},
		// {1, 3}: mean 2, SD = sqrt((1+1)/1) = sqrt 2, SE = sqrt2/sqrt2 = 1; 2 -/+ t1.
		{"two", []float64{1, 3}, Interval{N: 2, Undefined: 2, Mean: 2, SD: math.Sqrt2, SE: 1,
			Lo: 2 - t1, Hi: 2 + t1, HasMean: true, HasCI: true}},
		// {0, 3, 6}: mean 3, SD = sqrt((9+0+9)/2) = 3, SE = 3/sqrt3 = sqrt3; 3 -/+ t2 sqrt3.
		{"three", []float64{0, 3, 6}, Interval{N: 3, Undefined: 2, Mean: 3, SD: 3, SE: math.Sqrt(3),
			Lo: 3 - t2*math.Sqrt(3), Hi: 3 + t2*math.Sqrt(3), HasMean: true, HasCI: true}},
		// Constant: SD 0, the interval is the mean.
		{"constant", []float64{2, 2, 2}, Interval{N: 3, Undefined: 2, Mean: 2, Lo: 2, Hi: 2, HasMean: true, HasCI: true}},
		// One value: a mean, no SD, no interval.
		{"one", []float64{-4}, Interval{N: 1, Undefined: 2, Mean: -4, HasMean: true}},
		{"none", nil, Interval{Undefined: 2}},
	}
	for _, c := range cases {
		checkInterval(t, c.name, replicates(c.xs, 2), c.want, 1e-12)
	}
}

func TestPairedDifferenceByHand(t *testing.T) {
	// a - b = {5-1, 7-4, 9-6} = {4, 3, 3}: mean 10/3; deviations 2/3, -1/3,
	// -1/3, squares 4/9 + 1/9 + 1/9 = 6/9, SD = sqrt(6/9 / 2) = sqrt(1/3);
	// SE = sqrt(1/3)/sqrt3 = 1/3; 10/3 -/+ t2/3 = 1.899116, 4.767551.
	got := pairedDifference([]float64{5, 7, 9}, []float64{1, 4, 6})
	want := Interval{N: 3, Mean: 10.0 / 3, SD: math.Sqrt(1.0 / 3), SE: 1.0 / 3,
		Lo: 10.0/3 - t2/3, Hi: 10.0/3 + t2/3, HasMean: true, HasCI: true}
	checkInterval(t, "paired", got, want, 1e-12)

	// Lengths that differ panic, whichever is the shorter (a shorter a would
	// otherwise silently drop b's extra values).
	for _, c := range [][2][]float64{{{1, 2, 3}, {1, 2}}, {{1, 2}, {1, 2, 3}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic on %d values against %d", len(c[0]), len(c[1]))
				}
			}()
			pairedDifference(c[0], c[1])
		}()
	}
}

func TestWelchDifferenceByHand(t *testing.T) {
	cases := []struct {
		name string
		a, b []float64
		want Interval
	}{
		// a = {0, 2}: mean 1, va = 2, va/na = 1. b = {6, 9, 10, 12, 13}: mean
		// 10, deviations -4, -1, 0, 2, 3, squares 16+1+0+4+9 = 30, vb = 7.5,
		// vb/nb = 1.5. Difference 1 - 10 = -9, SE = sqrt(1 + 1.5) = sqrt 2.5;
		// nu = 2.5^2 / (1^2/1 + 1.5^2/4) = 6.25 / 1.5625 = 4;
		// -9 -/+ t4 sqrt 2.5 = -13.389945, -4.610055.
		{"unequal", []float64{0, 2}, []float64{6, 9, 10, 12, 13}, Interval{N: 7, Mean: -9, SE: math.Sqrt(2.5),
			Lo: -9 - t4*math.Sqrt(2.5), Hi: -9 + t4*math.Sqrt(2.5), HasMean: true, HasCI: true}},
		// {1, 2, 3} and {5, 6, 7}: variances 1 and 1, SE = sqrt(1/3 + 1/3);
		// nu = (2/3)^2 / (2 (1/3)^2 / 2) = (4/9) / (1/9) = 4.
		{"equal", []float64{1, 2, 3}, []float64{5, 6, 7}, Interval{N: 6, Mean: -4, SE: math.Sqrt(2.0 / 3),
			Lo: -4 - t4*math.Sqrt(2.0/3), Hi: -4 + t4*math.Sqrt(2.0/3), HasMean: true, HasCI: true}},
		// a constant: va = 0; b = {0, 2}: vb/nb = 2/2 = 1; nu = 1 / (0 + 1/1) = 1,
		// SE = 1; difference 1 - 1 = 0: -/+ t1.
		{"one constant", []float64{1, 1, 1}, []float64{0, 2}, Interval{N: 5, Mean: 0, SE: 1,
			Lo: -t1, Hi: t1, HasMean: true, HasCI: true}},
		// Both constant: SE 0, the interval collapses to the mean.
		{"both constant", []float64{1, 1}, []float64{3, 3}, Interval{N: 4, Mean: -2, Lo: -2, Hi: -2, HasMean: true, HasCI: true}},
		// One value in a: a mean, no interval.
		{"one value", []float64{4}, []float64{1, 3}, Interval{N: 3, Mean: 2, HasMean: true}},
		{"empty", nil, []float64{1, 3}, Interval{N: 2}},
	}
	for _, c := range cases {
		checkInterval(t, c.name, welchDifference(c.a, c.b), c.want, 1e-12)
	}

	// A fractional nu, checked through the CDF rather than the quantile:
	// a = {0, 2}: va/na = 1; b = {0, 1, 2}: vb = 1, vb/nb = 1/3;
	// nu = (4/3)^2 / (1/1 + (1/9)/2) = (16/9) / (19/18) = 32/19;
	// SE = sqrt(4/3); the half-width over SE must be t with F(t) = 0.975.
	iv := welchDifference([]float64{0, 2}, []float64{0, 1, 2})
	if !within(iv.Mean, 0, 1e-15) || !within(iv.SE, math.Sqrt(4.0/3), 1e-15) || !iv.HasCI {
		t.Fatalf("fractional: %+v", iv)
	}
	tq := (iv.Hi - iv.Mean) / iv.SE
	if f := (distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 32.0 / 19}).CDF(tq); !within(f, 0.975, 1e-12) {
		t.Errorf("fractional: half-width %v SE, CDF(nu = 32/19) = %v, want 0.975", tq, f)
	}
	if !within(iv.Mean-iv.Lo, iv.Hi-iv.Mean, 1e-12) {
		t.Errorf("fractional: not symmetric %+v", iv)
	}
}

func TestWidthRatio(t *testing.T) {
	p := Interval{Lo: 1, Hi: 2, HasMean: true, HasCI: true}
	u := Interval{Lo: -1, Hi: 3, HasMean: true, HasCI: true}
	if r, ok := WidthRatio(p, u); !ok || r != 0.25 { // (2-1)/(3-(-1)) = 1/4
		t.Errorf("ratio %v %v, want 0.25", r, ok)
	}
	noCI := Interval{N: 1, Mean: 1, HasMean: true}
	zero := Interval{Lo: 2, Hi: 2, HasMean: true, HasCI: true}
	for _, c := range []struct {
		name string
		p, u Interval
	}{{"paired without CI", noCI, u}, {"unpaired without CI", p, noCI}, {"unpaired width 0", p, zero}} {
		if r, ok := WidthRatio(c.p, c.u); ok {
			t.Errorf("%s: ratio %v, want none", c.name, r)
		}
	}
	// A paired width of 0 against a positive unpaired one is a ratio of 0.
	if r, ok := WidthRatio(zero, u); !ok || r != 0 {
		t.Errorf("paired width 0: %v %v, want 0 true", r, ok)
	}
}

func TestCommonRandomNumbersNarrowThePairedInterval(t *testing.T) {
	// A large common component c = {100, 200, 300, 400} shared by both arms,
	// an effect of 1 and small noise -/+0.5: a = c, b = c + 1 + {0.5, -0.5, 0.5, -0.5}.
	a := []float64{100, 200, 300, 400}
	b := []float64{101.5, 200.5, 301.5, 400.5}
	// Paired: b - a = {1.5, 0.5, 1.5, 0.5}, mean 1, squares of deviations
	// 4 x 0.25 = 1, SD = sqrt(1/3), SE = sqrt(1/3)/2 = 0.288675.
	paired := pairedDifference(b, a)
	seP := math.Sqrt(1.0/3) / 2
	if !within(paired.Mean, 1, 1e-12) || !within(paired.SE, seP, 1e-12) || !paired.HasCI {
		t.Fatalf("paired %+v", paired)
	}
	// Its half-width is t(0.975, 3) SE: the closed-form CDF of t3 there is 0.975.
	hP := paired.Hi - paired.Mean
	if f := cdf3(hP / seP); !within(f, 0.975, 1e-12) {
		t.Errorf("paired half-width %v SE: F3 = %v, want 0.975", hP/seP, f)
	}
	// Unpaired: mean of b 251, of a 250, difference 1. va = (150^2+50^2) 2/3
	// = 50000/3; b's deviations -149.5, -50.5, 50.5, 149.5, vb = 49801/3;
	// SE = sqrt((50000 + 49801)/12) = sqrt(8316.75) = 91.196217;
	// nu = 3 (99801)^2 / (50000^2 + 49801^2) = 5.99998.
	unpaired := welchDifference(b, a)
	seU := math.Sqrt(99801.0 / 12)
	nu := 3 * 99801.0 * 99801 / (50000.0*50000 + 49801.0*49801)
	if !within(unpaired.Mean, 1, 1e-12) || !within(unpaired.SE, seU, 1e-9) || unpaired.N != 8 || !unpaired.HasCI {
		t.Fatalf("unpaired %+v", unpaired)
	}
	hU := unpaired.Hi - unpaired.Mean
	if f := (distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}).CDF(hU / seU); !within(f, 0.975, 1e-12) {
		t.Errorf("unpaired half-width %v SE: CDF(nu = %v) = %v, want 0.975", hU/seU, nu, f)
	}
	// Ratio ~ t3 seP / (t6 seU) = 3.182446 x 0.288675 / (2.446912 x 91.196217)
	// = 0.918693 / 223.149 = 0.0041169 (nu is 6 to 2e-5, moving t by ~1e-6).
	r, ok := WidthRatio(paired, unpaired)
	if !ok || !within(r, 0.0041169, 1e-6) {
		t.Errorf("width ratio %v %v, want about 0.0041169", r, ok)
	}
}

func TestWilsonInterval(t *testing.T) {
	const z = 1.959963984540054 // the normal 0.975 quantile
	// k = 1, n = 20: p = 0.05, z^2 = 3.8414588; 1 + z^2/n = 1.1920729;
	// centre = (0.05 + 3.8414588/40) / 1.1920729 = 0.14603647 / 1.1920729 = 0.1225063;
	// half = z/1.1920729 sqrt(0.05 x 0.95/20 + 3.8414588/1600)
	//      = 1.6441727 sqrt(0.002375 + 0.0024009) = 0.1136249;
	// lo = 0.0088814, hi = 0.2361312 (the published 0.0089, 0.2361).
	lo, hi, ok := WilsonInterval(1, 20)
	if !ok || !within(lo, 0.0088814, 1e-7) || !within(hi, 0.2361312, 1e-7) {
		t.Errorf("1/20: %v %v %v, want 0.0088814 0.2361312", lo, hi, ok)
	}
	// Second method: the ends are the roots q of (p - q)^2 = z^2 q (1 - q) / n.
	for _, q := range []float64{lo, hi} {
		if d := (0.05-q)*(0.05-q) - z*z*q*(1-q)/20; !within(d, 0, 1e-15) {
			t.Errorf("1/20: %v is not a root (%v)", q, d)
		}
	}
	// k = 0: lo = 0, hi = z^2/(n + z^2); k = n: lo = n/(n + z^2), hi = 1.
	lo, hi, ok = WilsonInterval(0, 10)
	if !ok || lo != 0 || !within(hi, z*z/(10+z*z), 1e-15) {
		t.Errorf("0/10: %v %v %v", lo, hi, ok)
	}
	lo, hi, ok = WilsonInterval(10, 10)
	if !ok || !within(lo, 10/(10+z*z), 1e-15) || hi != 1 {
		t.Errorf("10/10: %v %v %v", lo, hi, ok)
	}
	// The exact ends hold for every n, not only where rounding is kind.
	for n := 1; n <= 200; n++ {
		if lo, _, _ := WilsonInterval(0, n); lo != 0 {
			t.Errorf("0/%d: lower end %v, want exactly 0", n, lo)
		}
		if _, hi, _ := WilsonInterval(n, n); hi != 1 {
			t.Errorf("%d/%d: upper end %v, want exactly 1", n, n, hi)
		}
	}
	for _, c := range [][2]int{{0, 0}, {-1, 5}, {6, 5}} {
		if lo, hi, ok := WilsonInterval(c[0], c[1]); ok {
			t.Errorf("%d/%d: %v %v, want none", c[0], c[1], lo, hi)
		}
	}
}

func TestSensitivityByHand(t *testing.T) {
	// {1, -2, 3}: mu* = (1+2+3)/3 = 2; mu = 2/3; deviations 1/3, -8/3, 7/3,
	// squares (1 + 64 + 49)/9 = 114/9, over 2 = 19/3: sigma = sqrt(19/3) = 2.516611.
	ms, m, s, ok := sensitivity([]float64{1, -2, 3})
	if !within(ms, 2, 1e-15) || !within(m, 2.0/3, 1e-15) || !within(s, math.Sqrt(19.0/3), 1e-15) || !ok {
		t.Errorf("{1, -2, 3}: %v %v %v %v", ms, m, s, ok)
	}
	ms, m, s, ok = sensitivity([]float64{-4})
	if ms != 4 || m != -4 || s != 0 || ok {
		t.Errorf("{-4}: %v %v %v %v, want 4 -4 0 false", ms, m, s, ok)
	}
	ms, m, s, ok = sensitivity(nil)
	if ms != 0 || m != 0 || s != 0 || ok {
		t.Errorf("none: %v %v %v %v", ms, m, s, ok)
	}
}

// The functions below put slices through the one-pass Moments the sweep
// uses, so that the hand-computed cases above check them.

func momentsOf(xs []float64) Moments {
	var m Moments
	for _, x := range xs {
		m.Add(x)
	}
	return m
}

func replicates(xs []float64, undefined int) Interval { return momentsOf(xs).Interval(undefined) }

func pairedDifference(a, b []float64) Interval {
	if len(a) != len(b) {
		panic("pairedDifference: lengths differ")
	}
	var m Moments
	for i := range a {
		m.Add(a[i] - b[i])
	}
	return m.Interval(0)
}

func welchDifference(a, b []float64) Interval { return Welch(momentsOf(a), momentsOf(b)) }

func sensitivity(ee []float64) (muStar, mu, sigma float64, hasSigma bool) {
	var raw, abs Moments
	for _, e := range ee {
		raw.Add(e)
		abs.Add(math.Abs(e))
	}
	if raw.N >= 2 {
		sigma, hasSigma = math.Sqrt(raw.Variance()), true
	}
	return abs.Mean, raw.Mean, sigma, hasSigma
}
