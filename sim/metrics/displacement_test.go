package metrics

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

const dispTol = 1e-12

func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func checkValue(t *testing.T, name string, got Value, want float64) {
	t.Helper()
	if !got.Defined || got.Reason != "" || !closeTo(got.V, want, dispTol) {
		t.Errorf("%s = %+v, want defined %v", name, got, want)
	}
}

func checkUndefined(t *testing.T, name string, got Value, reasonHas string) {
	t.Helper()
	if got.Defined || !math.IsNaN(got.V) || !strings.Contains(got.Reason, reasonHas) {
		t.Errorf("%s = %+v, want undefined with a reason containing %q", name, got, reasonHas)
	}
}

func checkEstimate(t *testing.T, name string, got Estimate, est, variance float64) {
	t.Helper()
	se := math.Sqrt(variance)
	if !closeTo(got.Estimate, est, dispTol) || !closeTo(got.SE, se, dispTol) {
		t.Errorf("%s = %+v, want estimate %v, SE sqrt(%v) = %v", name, got, est, variance, se)
	}
	checkValue(t, name+".Z", got.Z, est/se)
}

func TestWDQHandWorked(t *testing.T) {
	cases := []struct {
		name                   string
		c                      Counts
		success, buffer, q, tn float64
		interp                 string
	}{
		{
			// Success = 50/1000 - 100/1000 = -0.05; Buffer = 90/1000 - 80/1000 = 0.01;
			// WDQ = 0.01 / -0.05 = -0.2; TNE (Ca/Cb = 1) = (100 - 50) + (80 - 90) = 40.
			name:    "partial displacement",
			c:       Counts{Rb: 100, Ra: 50, Bb: 80, Ba: 90, Cb: 1000, Ca: 1000},
			success: -0.05, buffer: 0.01, q: -0.2, tn: 40,
			interp: "displacement smaller than the direct benefit",
		},
		{
			// Unequal control counts and diffusion. Success = 30/250 - 60/200 = 0.12 - 0.3 = -0.18;
			// Buffer = 25/250 - 40/200 = 0.1 - 0.2 = -0.1; WDQ = -0.1 / -0.18 = 5/9;
			// TNE (Ca/Cb = 1.25) = (75 - 30) + (50 - 25) = 70.
			name:    "diffusion, unequal controls",
			c:       Counts{Rb: 60, Ra: 30, Bb: 40, Ba: 25, Cb: 200, Ca: 250, DCb: 100, DCa: 120, HasBufferControl: true},
			success: -0.18, buffer: -0.1, q: 5.0 / 9, tn: 70,
			interp: "diffusion of benefits, as",
		},
		{
			// Unequal control counts, displacement exceeding the benefit.
			// Success = 40/500 - 50/400 = 0.08 - 0.125 = -0.045; Buffer = 70/500 - 30/400 = 0.14 - 0.075 = 0.065;
			// WDQ = 0.065 / -0.045 = -13/9; TNE (Ca/Cb = 1.25) = (62.5 - 40) + (37.5 - 70) = 22.5 - 32.5 = -10.
			name:    "displacement greater than benefit",
			c:       Counts{Rb: 50, Ra: 40, Bb: 30, Ba: 70, Cb: 400, Ca: 500},
			success: -0.045, buffer: 0.065, q: -13.0 / 9, tn: -10,
			interp: "displacement greater than the direct benefit",
		},
		{
			// Success = 80/100 - 100/100 = -0.2; Buffer = 60/100 - 100/100 = -0.4; WDQ = 2;
			// TNE = (100 - 80) + (100 - 60) = 60.
			name:    "diffusion greater than direct effect",
			c:       Counts{Rb: 100, Ra: 80, Bb: 100, Ba: 60, Cb: 100, Ca: 100},
			success: -0.2, buffer: -0.4, q: 2, tn: 60,
			interp: "diffusion of benefits greater than the direct effect",
		},
		{
			// Buffer = 80/1000 - 80/1000 = 0, so WDQ = 0 / -0.05 = 0; TNE = 50 + 0 = 50.
			name:    "no displacement or diffusion",
			c:       Counts{Rb: 100, Ra: 50, Bb: 80, Ba: 80, Cb: 1000, Ca: 1000},
			success: -0.05, buffer: 0, q: 0, tn: 50,
			interp: "no displacement or diffusion",
		},
		{
			// Buffer = 130/1000 - 80/1000 = 0.05 = -Success, so WDQ = -1 and TNE = 50 - 50 = 0.
			name:    "no net effect",
			c:       Counts{Rb: 100, Ra: 50, Bb: 80, Ba: 130, Cb: 1000, Ca: 1000},
			success: -0.05, buffer: 0.05, q: -1, tn: 0,
			interp: "displacement equal to the benefit (no net effect)",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := WDQ(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			checkValue(t, "Success", r.Success, tc.success)
			checkValue(t, "Buffer", r.Buffer, tc.buffer)
			checkValue(t, "WDQ", r.WDQ, tc.q)
			checkValue(t, "TNE", r.TNE, tc.tn)
			if !strings.Contains(r.Interpretation, tc.interp) || !strings.HasSuffix(r.Interpretation, ".") {
				t.Errorf("interpretation %q, want a sentence containing %q", r.Interpretation, tc.interp)
			}
			if math.Signbit(r.WDQ.V) && r.WDQ.V == 0 {
				t.Errorf("WDQ is -0")
			}
		})
	}
}

func TestWDQUndefined(t *testing.T) {
	t.Run("Cb = 0", func(t *testing.T) {
		r, err := WDQ(Counts{Rb: 10, Ra: 5, Bb: 8, Ba: 9, Cb: 0, Ca: 100})
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]Value{"Success": r.Success, "Buffer": r.Buffer, "WDQ": r.WDQ} {
			checkUndefined(t, name, v, "no events before the intervention (Cb = 0), so the ratios are undefined")
		}
		checkUndefined(t, "TNE", r.TNE, "Cb = 0")
		if r.Interpretation != r.WDQ.Reason {
			t.Errorf("interpretation %q, want the reason %q", r.Interpretation, r.WDQ.Reason)
		}
	})
	t.Run("Ca = 0", func(t *testing.T) {
		r, err := WDQ(Counts{Rb: 10, Ra: 5, Bb: 8, Ba: 9, Cb: 100, Ca: 0})
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]Value{"Success": r.Success, "Buffer": r.Buffer, "WDQ": r.WDQ} {
			checkUndefined(t, name, v, "no events after the intervention (Ca = 0), so the ratios are undefined")
		}
		// Ca/Cb = 0: TNE = (0 - 5) + (0 - 9) = -14.
		checkValue(t, "TNE", r.TNE, -14)
		if r.Interpretation != r.WDQ.Reason {
			t.Errorf("interpretation %q, want the reason %q", r.Interpretation, r.WDQ.Reason)
		}
	})
	t.Run("Cb = Ca = 0", func(t *testing.T) {
		r, err := WDQ(Counts{Rb: 10, Ra: 5, Bb: 8, Ba: 9})
		if err != nil {
			t.Fatal(err)
		}
		checkUndefined(t, "WDQ", r.WDQ, "(Cb = 0, Ca = 0)")
		checkUndefined(t, "TNE", r.TNE, "Cb = 0")
	})
	t.Run("success measure positive", func(t *testing.T) {
		// Success = 100/1000 - 50/1000 = 0.05; Buffer = 90/1000 - 80/1000 = 0.01;
		// TNE = (50 - 100) + (80 - 90) = -60.
		r, err := WDQ(Counts{Rb: 50, Ra: 100, Bb: 80, Ba: 90, Cb: 1000, Ca: 1000})
		if err != nil {
			t.Fatal(err)
		}
		checkValue(t, "Success", r.Success, 0.05)
		checkValue(t, "Buffer", r.Buffer, 0.01)
		checkValue(t, "TNE", r.TNE, -60)
		checkUndefined(t, "WDQ", r.WDQ, "did not improve relative to the control (success measure = 0.05)")
		checkUndefined(t, "WDQ", r.WDQ, "only when the success measure is negative")
		if r.Interpretation != r.WDQ.Reason {
			t.Errorf("interpretation %q, want the reason %q", r.Interpretation, r.WDQ.Reason)
		}
	})
	t.Run("success measure zero", func(t *testing.T) {
		// Success = 50/1000 - 50/1000 = 0; Buffer = 0.01; TNE = 0 + (80 - 90) = -10.
		r, err := WDQ(Counts{Rb: 50, Ra: 50, Bb: 80, Ba: 90, Cb: 1000, Ca: 1000})
		if err != nil {
			t.Fatal(err)
		}
		checkValue(t, "Success", r.Success, 0)
		checkValue(t, "Buffer", r.Buffer, 0.01)
		checkValue(t, "TNE", r.TNE, -10)
		checkUndefined(t, "WDQ", r.WDQ, "(success measure = 0)")
	})
}

func TestDisplacementInvalidCounts(t *testing.T) {
	cases := []struct {
		c   Counts
		msg string
	}{
		{Counts{Rb: 1, Ra: 1, Bb: 1, Ba: 1, Cb: -3, Ca: 1}, "count Cb = -3 is not allowed: counts must be finite and 0 or more"},
		{Counts{Rb: 1, Ra: math.NaN(), Bb: 1, Ba: 1, Cb: 1, Ca: 1}, "count Ra = NaN is not allowed: counts must be finite and 0 or more"},
		{Counts{Rb: 1, Ra: 1, Bb: 1, Ba: math.Inf(1), Cb: 1, Ca: 1}, "count Ba = +Inf is not allowed: counts must be finite and 0 or more"},
		{Counts{Rb: math.Inf(-1), Ra: 1, Bb: 1, Ba: 1, Cb: 1, Ca: 1}, "count Rb = -Inf is not allowed: counts must be finite and 0 or more"},
		{Counts{Rb: 1, Ra: 1, Bb: 1, Ba: 1, Cb: 1, Ca: 1, DCb: -0.5, DCa: 1, HasBufferControl: true}, "count DCb = -0.5 is not allowed: counts must be finite and 0 or more"},
		{Counts{Rb: 1, Ra: 1, Bb: 1, Ba: 1, Cb: 1, Ca: 1, DCb: 1, DCa: math.NaN(), HasBufferControl: true}, "count DCa = NaN is not allowed: counts must be finite and 0 or more"},
	}
	for _, tc := range cases {
		if _, err := WDQ(tc.c); err == nil || err.Error() != tc.msg {
			t.Errorf("WDQ(%+v) error %v, want %q", tc.c, err, tc.msg)
		}
		if _, err := WDD(tc.c); err == nil || err.Error() != tc.msg {
			t.Errorf("WDD(%+v) error %v, want %q", tc.c, err, tc.msg)
		}
	}
	// With a shared control DCb and DCa are not used, so they are not checked.
	c := Counts{Rb: 1, Ra: 1, Bb: 1, Ba: 1, Cb: 1, Ca: 1, DCb: -1, DCa: math.NaN()}
	if _, err := WDQ(c); err != nil {
		t.Errorf("WDQ with a shared control and unused DC: %v", err)
	}
	if _, err := WDD(c); err != nil {
		t.Errorf("WDD with a shared control and unused DC: %v", err)
	}
}

func TestWDDHandWorked(t *testing.T) {
	cases := []struct {
		name            string
		c               Counts
		treat, treatVar float64
		buf, bufVar     float64
		total, totalVar float64
	}{
		{
			// Shared control. Treatment = (50 - 100) - (1000 - 1000) = -50, var 100 + 50 + 1000 + 1000 = 2150;
			// Buffer = (90 - 80) - 0 = 10, var 80 + 90 + 1000 + 1000 = 2170;
			// Total = -40, var 100 + 50 + 80 + 90 + 4 * 2000 = 8320.
			name:  "shared control",
			c:     Counts{Rb: 100, Ra: 50, Bb: 80, Ba: 90, Cb: 1000, Ca: 1000},
			treat: -50, treatVar: 2150, buf: 10, bufVar: 2170, total: -40, totalVar: 8320,
		},
		{
			// Separate control. Treatment = (30 - 60) - (250 - 200) = -80, var 60 + 30 + 200 + 250 = 540;
			// Buffer = (25 - 40) - (120 - 100) = -35, var 40 + 25 + 100 + 120 = 285;
			// Total = -115, var 540 + 285 = 825 (z = -115 / 28.72 = -4.00).
			name:  "separate control",
			c:     Counts{Rb: 60, Ra: 30, Bb: 40, Ba: 25, Cb: 200, Ca: 250, DCb: 100, DCa: 120, HasBufferControl: true},
			treat: -80, treatVar: 540, buf: -35, bufVar: 285, total: -115, totalVar: 825,
		},
		{
			// Shared, unequal control. Treatment = (40 - 50) - (500 - 400) = -110, var 50 + 40 + 400 + 500 = 990;
			// Buffer = (70 - 30) - 100 = -60, var 30 + 70 + 900 = 1000;
			// Total = -170, var 50 + 40 + 30 + 70 + 4 * 900 = 3790.
			name:  "shared unequal control",
			c:     Counts{Rb: 50, Ra: 40, Bb: 30, Ba: 70, Cb: 400, Ca: 500},
			treat: -110, treatVar: 990, buf: -60, bufVar: 1000, total: -170, totalVar: 3790,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := WDD(tc.c)
			if err != nil {
				t.Fatal(err)
			}
			checkEstimate(t, "Treatment", r.Treatment, tc.treat, tc.treatVar)
			checkEstimate(t, "Buffer", r.Buffer, tc.buf, tc.bufVar)
			checkEstimate(t, "Total", r.Total, tc.total, tc.totalVar)
			if r.SharedControl == tc.c.HasBufferControl {
				t.Errorf("SharedControl %v with HasBufferControl %v", r.SharedControl, tc.c.HasBufferControl)
			}
		})
	}
}

func TestWDDSharedVersusSeparateVariance(t *testing.T) {
	// The same counts with the buffer compared with C, once as a shared
	// control and once as a separate control that happens to equal C. The
	// estimates agree; the separate form adds the parts' variances,
	// 2150 + 2170 = 4320, while the shared one counts C four times,
	// 100 + 50 + 80 + 90 + 4 * 2000 = 8320: 2 * (Cb + Ca) = 4000 more.
	base := Counts{Rb: 100, Ra: 50, Bb: 80, Ba: 90, Cb: 1000, Ca: 1000}
	sep := base
	sep.DCb, sep.DCa, sep.HasBufferControl = 1000, 1000, true
	rs, err := WDD(base)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := WDD(sep)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Total.Estimate != rp.Total.Estimate || rs.Treatment != rp.Treatment || rs.Buffer != rp.Buffer {
		t.Errorf("shared %+v and separate %+v should differ only in the total SE", rs, rp)
	}
	if !rs.SharedControl || rp.SharedControl {
		t.Errorf("SharedControl: shared %v, separate %v", rs.SharedControl, rp.SharedControl)
	}
	checkEstimate(t, "shared Total", rs.Total, -40, 8320)
	checkEstimate(t, "separate Total", rp.Total, -40, 4320)
}

func TestWDDZeroCounts(t *testing.T) {
	for _, shared := range []bool{true, false} {
		r, err := WDD(Counts{HasBufferControl: !shared})
		if err != nil {
			t.Fatal(err)
		}
		for name, e := range map[string]Estimate{"Treatment": r.Treatment, "Buffer": r.Buffer, "Total": r.Total} {
			if e.Estimate != 0 || e.SE != 0 {
				t.Errorf("shared %v: %s = %+v, want 0 and SE 0", shared, name, e)
			}
			checkUndefined(t, name+".Z", e.Z, "so the standard error is 0")
		}
		checkUndefined(t, "Total.Z", r.Total.Z, "All counts are zero")
	}
	// Only the buffer and its control have events: the treatment part has
	// no standard error but the total has. Buffer = (5 - 2) - (4 - 1) = 0,
	// var 2 + 5 + 1 + 4 = 12; total the same.
	r, err := WDD(Counts{Bb: 2, Ba: 5, DCb: 1, DCa: 4, HasBufferControl: true})
	if err != nil {
		t.Fatal(err)
	}
	checkUndefined(t, "Treatment.Z", r.Treatment.Z, "standard error is 0")
	checkEstimate(t, "Buffer", r.Buffer, 0, 12)
	checkEstimate(t, "Total", r.Total, 0, 12)
}

// TestWDDStandardErrorBySimulation draws the counts as independent Poisson
// variables and checks that the spread of the WDD matches its formula
// evaluated at the means, for a separate and for a shared control (where
// the one C draw enters twice).
func TestWDDStandardErrorBySimulation(t *testing.T) {
	const reps = 20000
	mean := Counts{Rb: 100, Ra: 60, Bb: 80, Ba: 90, Cb: 300, Ca: 280, DCb: 150, DCa: 170}
	src := rand.New(rand.NewPCG(20180511, 7))
	pois := func(l float64) float64 { return distuv.Poisson{Lambda: l, Src: src}.Rand() }
	for _, shared := range []bool{false, true} {
		mean.HasBufferControl = !shared
		// Separate: sqrt(100 + 60 + 80 + 90 + 300 + 280 + 150 + 170) = sqrt(1230).
		// Shared: sqrt(100 + 60 + 80 + 90 + 4 * (300 + 280)) = sqrt(2650).
		want := math.Sqrt(1230)
		if shared {
			want = math.Sqrt(2650)
		}
		rm, err := WDD(mean)
		if err != nil {
			t.Fatal(err)
		}
		if !closeTo(rm.Total.SE, want, dispTol) {
			t.Fatalf("shared %v: SE at the means %v, want %v", shared, rm.Total.SE, want)
		}
		wdd := make([]float64, reps)
		for i := range wdd {
			c := Counts{
				Rb: pois(mean.Rb), Ra: pois(mean.Ra), Bb: pois(mean.Bb), Ba: pois(mean.Ba),
				Cb: pois(mean.Cb), Ca: pois(mean.Ca), HasBufferControl: !shared,
			}
			if !shared {
				c.DCb, c.DCa = pois(mean.DCb), pois(mean.DCa)
			}
			r, err := WDD(c)
			if err != nil {
				t.Fatal(err)
			}
			wdd[i] = r.Total.Estimate
		}
		m, sd := stat.MeanStdDev(wdd, nil)
		if math.Abs(sd/want-1) > 0.03 {
			t.Errorf("shared %v: empirical SD %.3f, formula %.3f (%.2f%% off)", shared, sd, want, 100*(sd/want-1))
		}
		// Expected WDD: separate (60-100) - (280-300) + (90-80) - (170-150) = -30;
		// shared (60-100) + (90-80) - 2(280-300) = 10.
		wantMean := -30.0
		if shared {
			wantMean = 10
		}
		if math.Abs(m-wantMean) > 4*want/math.Sqrt(reps) {
			t.Errorf("shared %v: empirical mean %.3f, want %v", shared, m, wantMean)
		}
		t.Logf("shared %v: empirical SD %.3f, formula %.3f; mean %.3f", shared, sd, want, m)
	}
}
