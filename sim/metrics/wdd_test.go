package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// The weighted WDD and the harm-weighted WDD against hand computations
// of the formulas of Wheeler & Ratcliffe (2018) and of Wheeler's ptools
// (wdd, wdd_harm), on the published examples.
func TestWeightedWDDByHand(t *testing.T) {
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.10g, want %.10g", name, got, want)
		}
	}
	// Wheeler & Ratcliffe (2018), their example: treatment 207 -> 110,
	// control 308 -> 318, displacement area 178 -> 157 with its own
	// control 150 -> 140. WDD = (110-207) - (318-308) + (157-178) -
	// (140-150) = -118, variance the sum of the counts, 1568; z -2.98; the
	// paper's 95% interval -196 to -40.
	c := Counts{Rb: 207, Ra: 110, Cb: 308, Ca: 318, Bb: 178, Ba: 157, DCb: 150, DCa: 140, HasBufferControl: true}
	d, err := WeightedWDD(c, UnitWeights(), 0.05)
	if err != nil {
		t.Fatal(err)
	}
	se := math.Sqrt(1568)
	near("paper WDD", d.Total.Estimate, -118)
	near("paper SE", d.Total.SE, se)
	near("paper z", d.Total.Z.V, -118/se)
	near("paper CI low", d.Total.CILow, -118-1.959963984540054*se)
	near("paper CI high", d.Total.CIHigh, -118+1.959963984540054*se)
	if math.Round(d.Total.CILow) != -196 || math.Round(d.Total.CIHigh) != -40 || math.Round(100*d.Total.Z.V) != -298 {
		t.Errorf("paper example: z %.2f, CI %.0f to %.0f; the paper has -2.98, -196 to -40", d.Total.Z.V, d.Total.CILow, d.Total.CIHigh)
	}
	// A 90% interval is narrower: z(0.95) = 1.6448536.
	d90, _ := WeightedWDD(c, UnitWeights(), 0.1)
	near("90% CI low", d90.Total.CILow, -118-1.6448536269514722*se)

	// Time weights (ptools' example, wdd(c(20,20), c(20,10),
	// time_weights = c(2,1))): a before period twice as long. Control 20/2
	// -> 20: +10; treatment 20/2 -> 10: 0; WDD -10; variance 20/4 + 10 +
	// 20/4 + 20 = 40.
	tw := UnitWeights()
	tw.Before = 2
	noBuffer := Counts{Rb: 20, Ra: 10, Cb: 20, Ca: 20, HasBufferControl: true}
	d, _ = WeightedWDD(noBuffer, tw, 0.05)
	near("time-weighted WDD", d.Total.Estimate, -10)
	near("time-weighted SE", d.Total.SE, math.Sqrt(40))

	// Area weights (ptools' example, area_weights = c(2, 1.5, 3, 3.2) for
	// control, treated, displacement control, displacement treated):
	// treatment (10-20)/1.5, control 0: -6.667, variance 30/2.25 + 40/4;
	// buffer (20-30)/3.2, its control 0: -3.125, variance 50/10.24 + 60/9.
	aw := UnitWeights()
	aw.Control, aw.Treatment, aw.BufferControl, aw.Buffer = 2, 1.5, 3, 3.2
	withBuffer := Counts{Rb: 20, Ra: 10, Cb: 20, Ca: 20, Bb: 30, Ba: 20, DCb: 30, DCa: 30, HasBufferControl: true}
	d, _ = WeightedWDD(withBuffer, aw, 0.05)
	near("area-weighted treatment", d.Treatment.Estimate, -10/1.5)
	near("area-weighted treatment SE", d.Treatment.SE, math.Sqrt(30/2.25+40.0/4))
	near("area-weighted buffer", d.Buffer.Estimate, -10/3.2)
	near("area-weighted buffer SE", d.Buffer.SE, math.Sqrt(50/10.24+60.0/9))
	near("area-weighted total", d.Total.Estimate, -10/1.5-10/3.2)
	near("area-weighted total SE", d.Total.SE, math.Sqrt(30/2.25+40.0/4+50/10.24+60.0/9))

	// A shared control with weights: the control's terms twice, at the
	// control's weight. Rb 40, Ra 30 (weight 2), Bb 30, Ba 36 (weight 3),
	// Cb 100, Ca 90 (weight 5); before period 2, after 1:
	// treatment 30/2 - 40/4 = 5, control 90/5 - 100/10 = 8, buffer 36/3 -
	// 30/6 = 7: WDD = 5 + 7 - 2*8 = -4; variance 40/16 + 30/4 + 30/36 +
	// 36/9 + 4 (100/100 + 90/25).
	w := WDDWeights{Before: 2, After: 1, Treatment: 2, Control: 5, Buffer: 3, BufferControl: 5}
	d, _ = WeightedWDD(Counts{Rb: 40, Ra: 30, Bb: 30, Ba: 36, Cb: 100, Ca: 90}, w, 0.05)
	near("shared-control weighted WDD", d.Total.Estimate, -4)
	near("shared-control weighted SE", d.Total.SE, math.Sqrt(40.0/16+30.0/4+30.0/36+36.0/9+4*(100.0/100+90.0/25)))

	// Unit weights give the unweighted WDD.
	u, _ := WDD(withBuffer)
	d, _ = WeightedWDD(withBuffer, UnitWeights(), DefaultAlpha)
	if u.Total != d.Total {
		t.Errorf("WDD %+v, WeightedWDD with unit weights %+v", u.Total, d.Total)
	}
	for _, bad := range []WDDWeights{{Before: 0, After: 1, Treatment: 1, Control: 1, Buffer: 1, BufferControl: 1}, {Before: 1, After: 1, Treatment: -1, Control: 1, Buffer: 1, BufferControl: 1}} {
		if _, err := WeightedWDD(c, bad, 0.05); err == nil {
			t.Errorf("weights %+v accepted", bad)
		}
	}
	if _, err := WeightedWDD(c, UnitWeights(), 1); err == nil {
		t.Errorf("alpha 1 accepted")
	}
}

func TestWDDHarmByHand(t *testing.T) {
	// ptools' example of wdd_harm: robbery (control 20 -> 20, treatment
	// 20 -> 10), burglary (30 -> 30, 25 -> 20), theft (80 -> 60, 70 ->
	// 20), harm weights 10, 5, 1: local WDDs -10, -5, -30 with variances
	// 70, 105, 230; harm -100 - 25 - 30 = -155, variance 100*70 + 25*105 +
	// 230 = 9855.
	types := []HarmType{
		{Type: "robbery", Weight: 10, Counts: Counts{Cb: 20, Ca: 20, Rb: 20, Ra: 10}},
		{Type: "burglary", Weight: 5, Counts: Counts{Cb: 30, Ca: 30, Rb: 25, Ra: 20}},
		{Type: "theft", Weight: 1, Counts: Counts{Cb: 80, Ca: 60, Rb: 70, Ra: 20}},
	}
	h, err := WDDHarm(types, UnitWeights(), 0.05)
	if err != nil {
		t.Fatal(err)
	}
	se := math.Sqrt(9855)
	if math.Abs(h.Harm.Estimate+155) > 1e-9 || math.Abs(h.Harm.SE-se) > 1e-9 || math.Abs(h.Harm.Z.V+155/se) > 1e-9 {
		t.Errorf("harm WDD %+v, want -155, SE %.6f, z %.6f", h.Harm, se, -155/se)
	}
	if math.Abs(h.Harm.CILow-(-155-1.959963984540054*se)) > 1e-9 {
		t.Errorf("harm CI low %.6f", h.Harm.CILow)
	}
	// A type with a buffer counts its total: theft's buffer 40 -> 50
	// against the shared control (60 - 80 = -20) adds 10 + 20 = 30 to its
	// WDD and, shared, 40 + 50 + 4*140 - 140 to its variance (the control
	// counted four times instead of once).
	types[2].HasBuffer, types[2].Counts.Bb, types[2].Counts.Ba = true, 40, 50
	h, _ = WDDHarm(types, UnitWeights(), 0.05)
	if want := -155.0 + 30; math.Abs(h.Harm.Estimate-want) > 1e-9 {
		t.Errorf("harm WDD with theft's buffer %.6f, want %.6f", h.Harm.Estimate, want)
	}
	if want := math.Sqrt(9855 + 90 + 3*140); math.Abs(h.Harm.SE-want) > 1e-9 {
		t.Errorf("harm SE with theft's buffer %.6f, want %.6f", h.Harm.SE, want)
	}
	types[0].Weight = -1
	if _, err := WDDHarm(types, UnitWeights(), 0.05); err == nil {
		t.Errorf("a negative harm weight was accepted")
	}
}

// TestDispersionOf: the dispersion of simulated daily counts is about 1
// for Poisson counts and about the true factor 1 + m/k for negative
// binomial ones (a Poisson count of a gamma rate of shape k and mean m);
// and a WDD with dispersion factors has its variance terms scaled by them.
func TestDispersionOf(t *testing.T) {
	src := rand.NewPCG(1, 2)
	const n, m = 4000, 20.0
	pois := make([]float64, n)
	for i := range pois {
		pois[i] = distuv.Poisson{Lambda: m, Src: src}.Rand()
	}
	if phi := DispersionOf(pois); math.Abs(phi-1) > 0.08 {
		t.Errorf("dispersion of Poisson(20) counts = %.3f, want about 1", phi)
	}
	for _, k := range []float64{10, 2} {
		nb := make([]float64, n)
		for i := range nb {
			lambda := distuv.Gamma{Alpha: k, Beta: k / m, Src: src}.Rand()
			nb[i] = distuv.Poisson{Lambda: lambda, Src: src}.Rand()
		}
		want := 1 + m/k
		if phi := DispersionOf(nb); math.Abs(phi-want) > 0.1*want {
			t.Errorf("dispersion of negative binomial counts (mean 20, size %g) = %.3f, want about %.1f", k, phi, want)
		}
	}
	// Under-dispersed counts are floored at 1; too few days give 1.
	if phi := DispersionOf([]float64{5, 5, 5, 6}); phi != 1 {
		t.Errorf("dispersion of nearly constant counts = %g, want the floor 1", phi)
	}
	if DispersionOf([]float64{7}) != 1 || DispersionOf([]float64{0, 0, 0}) != 1 {
		t.Errorf("dispersion of one day, or of no events, is not 1")
	}
	// A dispersed WDD: the paper's counts, each count's variance times its
	// factor: 2 x (207 + 110) + 3 x (308 + 318) + 1 x (178 + 157 + 150 + 140).
	c := Counts{Rb: 207, Ra: 110, Cb: 308, Ca: 318, Bb: 178, Ba: 157, DCb: 150, DCa: 140, HasBufferControl: true}
	phi := Dispersion{Rb: 2, Ra: 2, Cb: 3, Ca: 3, Bb: 1, Ba: 1, DCb: 1, DCa: 1}
	d, err := DispersedWDD(c, UnitWeights(), phi, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Sqrt(2*(207+110) + 3*(308+318) + 178 + 157 + 150 + 140); d.Total.Estimate != -118 || math.Abs(d.Total.SE-want) > 1e-9 {
		t.Errorf("dispersed WDD %+v, want -118, SE %.6f", d.Total, want)
	}
}
