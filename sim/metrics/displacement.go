package metrics

// Displacement measures for a treatment area R, a buffer ring B around it
// and a control area C, counted before (b) and after (a) the intervention
// (MODEL.md section 5): the weighted displacement quotient with its success
// and buffer measures and the total net effect, and the weighted
// displacement difference with its standard error.

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Counts are the before (b) and after (a) counts of one series (drops, seizures, arrests...)
// in the treatment area R, the buffer B around it, the control area C,
// and optionally the buffer's own control area DC (for WDD).
type Counts struct {
	Rb               float64 `json:"Rb"`
	Ra               float64 `json:"Ra"`
	Bb               float64 `json:"Bb"`
	Ba               float64 `json:"Ba"`
	Cb               float64 `json:"Cb"`
	Ca               float64 `json:"Ca"`
	DCb              float64 `json:"DCb"`
	DCa              float64 `json:"DCa"`
	HasBufferControl bool    `json:"has_buffer_control"` // false: the buffer is compared with C (a shared control)
}

// Value is a measure that may be undefined; Reason says why in one plain sentence when it is.
// An undefined Value has V = NaN and Defined = false; a defined one has an empty Reason.
type Value struct {
	V       float64
	Defined bool
	Reason  string
}

func defined(v float64) Value { return Value{V: v, Defined: true} }

func undefined(reason string) Value { return Value{V: math.NaN(), Reason: reason} }

// validate checks that every count used is finite and 0 or more. DCb and
// DCa are checked only when the buffer has its own control.
func (c Counts) validate() error {
	type field struct {
		name string
		v    float64
	}
	fields := []field{{"Rb", c.Rb}, {"Ra", c.Ra}, {"Bb", c.Bb}, {"Ba", c.Ba}, {"Cb", c.Cb}, {"Ca", c.Ca}}
	if c.HasBufferControl {
		fields = append(fields, field{"DCb", c.DCb}, field{"DCa", c.DCa})
	}
	for _, f := range fields {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("count %s = %v is not allowed: counts must be finite and 0 or more", f.name, f.v)
		}
	}
	return nil
}

// WDQResult holds the weighted displacement quotient and the measures it is
// built from.
type WDQResult struct {
	Success        Value  `json:"success_measure"` // Ra/Ca - Rb/Cb
	Buffer         Value  `json:"buffer_measure"`  // Ba/Ca - Bb/Cb
	WDQ            Value  `json:"wdq"`             // (Ba/Ca - Bb/Cb) / (Ra/Ca - Rb/Cb)
	TNE            Value  `json:"tne"`             // total net effect [Rb*(Ca/Cb) - Ra] + [Bb*(Ca/Cb) - Ba]
	Interpretation string `json:"interpretation"`  // one sentence for a report
}

// wdqMinusOneTol is how close the WDQ must be to -1 to read as "no net effect".
const wdqMinusOneTol = 1e-12

// WDQ computes the weighted displacement quotient of Bowers & Johnson (2003,
// "Measuring the geographical displacement and diffusion of benefit effects
// of crime prevention activity", J Quant Criminol 19(3)),
//
//	WDQ = (Ba/Ca - Bb/Cb) / (Ra/Ca - Rb/Cb),
//
// with its success measure (the denominator, negative when the treatment
// area improved relative to the control) and buffer measure (the
// numerator), and the total net effect of Guerette (2009, POP Center
// problem-solving tool guide 10, appendix B),
//
//	TNE = [Rb*(Ca/Cb) - Ra] + [Bb*(Ca/Cb) - Ba],
//
// the number of events prevented in net in R and B together (positive) or
// added (negative), taking the control's change as what would have happened.
//
// The ratios are undefined when a control count is 0. Following Bowers &
// Johnson the WDQ is computed only when the success measure is negative;
// otherwise it is undefined while the success and buffer measures stay
// defined. TNE is undefined only when Cb is 0.
//
// The error is only for invalid input: a count that is negative, NaN or
// infinite.
func WDQ(c Counts) (WDQResult, error) {
	if err := c.validate(); err != nil {
		return WDQResult{}, err
	}
	var r WDQResult

	if c.Cb == 0 {
		r.TNE = undefined("The control area has no events before the intervention (Cb = 0), so the expected counts and the total net effect are undefined.")
	} else {
		k := c.Ca / c.Cb
		r.TNE = defined((c.Rb*k - c.Ra) + (c.Bb*k - c.Ba))
	}

	var zero string
	switch {
	case c.Cb == 0 && c.Ca == 0:
		zero = "The control area has no events before or after the intervention (Cb = 0, Ca = 0), so the ratios are undefined."
	case c.Cb == 0:
		zero = "The control area has no events before the intervention (Cb = 0), so the ratios are undefined."
	case c.Ca == 0:
		zero = "The control area has no events after the intervention (Ca = 0), so the ratios are undefined."
	}
	if zero != "" {
		r.Success, r.Buffer, r.WDQ = undefined(zero), undefined(zero), undefined(zero)
		r.Interpretation = zero
		return r, nil
	}

	s := c.Ra/c.Ca - c.Rb/c.Cb
	b := c.Ba/c.Ca - c.Bb/c.Cb
	r.Success, r.Buffer = defined(s), defined(b)
	if s >= 0 {
		r.WDQ = undefined(fmt.Sprintf("The treatment area did not improve relative to the control (success measure = %.4g), and Bowers & Johnson compute the WDQ only when the success measure is negative.", s))
		r.Interpretation = r.WDQ.Reason
		return r, nil
	}
	q := b/s + 0 // + 0: a zero buffer measure over a negative success measure is -0
	r.WDQ = defined(q)
	r.Interpretation = interpretWDQ(q)
	return r, nil
}

// interpretWDQ reads a defined WDQ following Bowers & Johnson (2003).
func interpretWDQ(q float64) string {
	switch {
	case q > 1:
		return fmt.Sprintf("WDQ = %.4g: diffusion of benefits greater than the direct effect, as the buffer improved relative to the control by more than the treatment area did.", q)
	case q > 0:
		return fmt.Sprintf("WDQ = %.4g: diffusion of benefits, as the buffer also improved relative to the control, by no more than the treatment area did.", q)
	case q == 0:
		return "WDQ = 0: no displacement or diffusion, as the buffer did not change relative to the control."
	case math.Abs(q+1) <= wdqMinusOneTol:
		return "WDQ = -1: displacement equal to the benefit (no net effect), as the buffer worsened relative to the control by as much as the treatment area improved."
	case q > -1:
		return fmt.Sprintf("WDQ = %.4g: displacement smaller than the direct benefit, as the buffer worsened relative to the control by less than the treatment area improved.", q)
	default:
		return fmt.Sprintf("WDQ = %.4g: displacement greater than the direct benefit, as the buffer worsened relative to the control by more than the treatment area improved.", q)
	}
}

// Estimate is a difference of counts with its Poisson standard error, z
// and a normal confidence interval at the result's alpha.
type Estimate struct {
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	Z        Value   `json:"z"` // undefined when SE == 0
	CILow    float64 `json:"ci_low"`
	CIHigh   float64 `json:"ci_high"`
}

// WDDResult holds the weighted displacement difference and its two parts.
type WDDResult struct {
	Treatment     Estimate   `json:"treatment"` // (Ra - Rb) - (Ca - Cb), variance Rb+Ra+Cb+Ca
	Buffer        Estimate   `json:"buffer"`    // (Ba - Bb) - (DCa - DCb), variance Bb+Ba+DCb+DCa; with a shared control DC = C
	Total         Estimate   `json:"total"`     // WDD = Treatment + Buffer
	SharedControl bool       `json:"shared_control"`
	Weights       WDDWeights `json:"weights"`
	Alpha         float64    `json:"alpha"` // of the confidence intervals
}

// DefaultAlpha gives 95% confidence intervals.
const DefaultAlpha = 0.05

// WDDWeights are the weights of a weighted WDD, as in Wheeler's ptools
// (R package, function wdd): the time weights of the before and after
// periods (their lengths, in any unit) and the area weights of the zones
// (their sizes, in any unit). Each count is divided by its period's weight
// times its zone's, so that the WDD compares counts per unit of time and
// area, and its variance by the square of that product (a Poisson count n
// divided by w has variance n / w^2). With a shared control (no buffer
// control) the buffer is compared with the control, at the control's
// area weight.
type WDDWeights struct {
	Before        float64 `json:"before"`
	After         float64 `json:"after"`
	Treatment     float64 `json:"treatment"`
	Control       float64 `json:"control"`
	Buffer        float64 `json:"buffer"`
	BufferControl float64 `json:"buffer_control"`
}

// UnitWeights are weights of 1: the unweighted WDD.
func UnitWeights() WDDWeights {
	return WDDWeights{Before: 1, After: 1, Treatment: 1, Control: 1, Buffer: 1, BufferControl: 1}
}

func (w WDDWeights) validate() error {
	for _, v := range []struct {
		name string
		x    float64
	}{{"the before period's time weight", w.Before}, {"the after period's time weight", w.After},
		{"the treatment area's area weight", w.Treatment}, {"the control area's area weight", w.Control},
		{"the buffer's area weight", w.Buffer}, {"the buffer control's area weight", w.BufferControl}} {
		if !(v.x > 0) || math.IsInf(v.x, 0) {
			return fmt.Errorf("%s is %g; a weight must be a number above 0", v.name, v.x)
		}
	}
	return nil
}

func estimate(est, variance, alpha float64, zeroReason string) Estimate {
	se := math.Sqrt(variance)
	h := distuv.UnitNormal.Quantile(1-alpha/2) * se
	e := Estimate{Estimate: est, SE: se, CILow: est - h, CIHigh: est + h}
	if se == 0 {
		e.Z = undefined(zeroReason)
	} else {
		e.Z = defined(est / se)
	}
	return e
}

// WDD computes the weighted displacement difference of Wheeler & Ratcliffe
// (2018, "A simple weighted displacement difference test to evaluate place
// based crime interventions", Crime Science 7:11),
//
//	WDD = (Ra - Rb) - (Ca - Cb) + (Ba - Bb) - (DCa - DCb),
//
// with the standard error from treating every count as an independent
// Poisson variable (so each count estimates its own variance) and z =
// WDD / SE. A negative WDD is a net reduction in R and B together.
//
// With HasBufferControl false the buffer is compared with C itself (DC =
// C, and DCb, DCa are ignored). The total is then
//
//	WDD = (Ra - Rb) + (Ba - Bb) - 2(Ca - Cb),
//
// in which the C counts appear twice: Var(2X) = 4 Var(X), so
//
//	Var(WDD) = Rb + Ra + Bb + Ba + 4(Cb + Ca).
//
// Adding the two parts' variances would count C only twice, not four
// times: it would leave out twice their covariance (Cb + Ca, the C counts
// they share) and understate the standard error.
//
// The error is only for invalid input: a count that is negative, NaN or
// infinite.
func WDD(c Counts) (WDDResult, error) { return WeightedWDD(c, UnitWeights(), DefaultAlpha) }

// WeightedWDD is the WDD with each count divided by its period's time
// weight and its zone's area weight (WDDWeights; ptools::wdd), each
// variance term by the square of that product, and confidence intervals
// of level 1 - alpha (normal, estimate -/+ z(1 - alpha/2) SE). With unit
// weights it is WDD.
func WeightedWDD(c Counts, w WDDWeights, alpha float64) (WDDResult, error) {
	return DispersedWDD(c, w, Poisson(), alpha)
}

// Dispersion holds a dispersion factor for each count of Counts: the
// variance of a count over its mean, 1 for a Poisson count. Drop counts
// are overdispersed (one stasher places many drops, and a busy day is
// busy everywhere a shop works), so the Poisson variance understates the
// WDD's.
type Dispersion struct {
	Rb, Ra, Bb, Ba, Cb, Ca, DCb, DCa float64
}

// Poisson is the dispersion of Poisson counts: 1 for each.
func Poisson() Dispersion { return Dispersion{1, 1, 1, 1, 1, 1, 1, 1} }

// DispersedWDD is WeightedWDD with each count's variance term multiplied
// by its dispersion factor (a quasi-Poisson variance, phi x n): the
// estimate is the same, its SE and z honest for overdispersed counts.
// With a shared control the buffer's control terms are the control's.
func DispersedWDD(c Counts, w WDDWeights, phi Dispersion, alpha float64) (WDDResult, error) {
	if err := c.validate(); err != nil {
		return WDDResult{}, err
	}
	if err := w.validate(); err != nil {
		return WDDResult{}, err
	}
	if !(alpha > 0 && alpha < 1) {
		return WDDResult{}, fmt.Errorf("alpha is %g; it must lie between 0 and 1 (0.05 gives 95%% intervals)", alpha)
	}
	for _, f := range []float64{phi.Rb, phi.Ra, phi.Bb, phi.Ba, phi.Cb, phi.Ca, phi.DCb, phi.DCa} {
		if !(f > 0) || math.IsInf(f, 0) {
			return WDDResult{}, fmt.Errorf("a dispersion factor is %g; it must be a number above 0 (1 for Poisson counts)", f)
		}
	}
	dcb, dca, wdc, pdcb, pdca := c.DCb, c.DCa, w.BufferControl, phi.DCb, phi.DCa
	if !c.HasBufferControl {
		dcb, dca, wdc, pdcb, pdca = c.Cb, c.Ca, w.Control, phi.Cb, phi.Ca
	}
	// A count n of a zone of area weight a in a period of time weight t
	// counts n/(t a), with variance phi n/(t a)^2.
	rate := func(n, t, a float64) float64 { return n / (t * a) }
	vari := func(n, f, t, a float64) float64 { return f * n / ((t * a) * (t * a)) }
	b, a := w.Before, w.After
	treat := (rate(c.Ra, a, w.Treatment) - rate(c.Rb, b, w.Treatment)) - (rate(c.Ca, a, w.Control) - rate(c.Cb, b, w.Control))
	treatVar := vari(c.Rb, phi.Rb, b, w.Treatment) + vari(c.Ra, phi.Ra, a, w.Treatment) + vari(c.Cb, phi.Cb, b, w.Control) + vari(c.Ca, phi.Ca, a, w.Control)
	buf := (rate(c.Ba, a, w.Buffer) - rate(c.Bb, b, w.Buffer)) - (rate(dca, a, wdc) - rate(dcb, b, wdc))
	bufVar := vari(c.Bb, phi.Bb, b, w.Buffer) + vari(c.Ba, phi.Ba, a, w.Buffer) + vari(dcb, pdcb, b, wdc) + vari(dca, pdca, a, wdc)
	totalVar := treatVar + bufVar
	if !c.HasBufferControl {
		// The control's terms appear twice in the total: Var(2X) = 4 Var(X).
		totalVar = vari(c.Rb, phi.Rb, b, w.Treatment) + vari(c.Ra, phi.Ra, a, w.Treatment) + vari(c.Bb, phi.Bb, b, w.Buffer) + vari(c.Ba, phi.Ba, a, w.Buffer) +
			4*(vari(c.Cb, phi.Cb, b, w.Control)+vari(c.Ca, phi.Ca, a, w.Control))
	}
	return WDDResult{
		Treatment: estimate(treat, treatVar, alpha,
			"All the treatment and control counts are zero, so the standard error is 0 and z is undefined."),
		Buffer: estimate(buf, bufVar, alpha,
			"All the buffer and buffer control counts are zero, so the standard error is 0 and z is undefined."),
		Total: estimate(treat+buf, totalVar, alpha,
			"All counts are zero, so the standard error is 0 and z is undefined."),
		SharedControl: !c.HasBufferControl,
		Weights:       w,
		Alpha:         alpha,
	}, nil
}

// HarmType is one crime type of a harm-weighted WDD: its name, its harm
// weight and its counts; without a buffer (HasBuffer false) only its
// treatment part counts.
type HarmType struct {
	Type      string  `json:"type"`
	Weight    float64 `json:"weight"`
	Counts    Counts  `json:"counts"`
	HasBuffer bool    `json:"has_buffer"`
}

// HarmResult is the harm-weighted WDD over several crime types (ptools::
// wdd_harm, after Wheeler 2020, "amending the WDD test to incorporate harm
// weights"): the sum over the types of weight x WDD, with variance the sum
// of weight^2 x Var(WDD), as the types' counts are independent.
type HarmResult struct {
	Types []HarmType  `json:"types"`
	WDD   []WDDResult `json:"wdd"` // each type's
	Harm  Estimate    `json:"wdd_harm"`
	Alpha float64     `json:"alpha"`
}

// WDDHarm combines the weighted WDDs of types with their harm weights.
func WDDHarm(types []HarmType, w WDDWeights, alpha float64) (HarmResult, error) {
	if len(types) == 0 {
		return HarmResult{}, fmt.Errorf("no crime types to combine")
	}
	res := HarmResult{Types: types, Alpha: alpha}
	var est, variance float64
	for _, ty := range types {
		if !(ty.Weight >= 0) || math.IsInf(ty.Weight, 0) {
			return HarmResult{}, fmt.Errorf("crime type %q has harm weight %g; a harm weight must be a number from 0 up", ty.Type, ty.Weight)
		}
		c := ty.Counts
		if !ty.HasBuffer {
			c.Bb, c.Ba, c.DCb, c.DCa, c.HasBufferControl = 0, 0, 0, 0, true
		}
		d, err := WeightedWDD(c, w, alpha)
		if err != nil {
			return HarmResult{}, fmt.Errorf("crime type %q: %w", ty.Type, err)
		}
		part := d.Total
		if !ty.HasBuffer {
			part = d.Treatment
		}
		est += ty.Weight * part.Estimate
		variance += ty.Weight * ty.Weight * part.SE * part.SE
		res.WDD = append(res.WDD, d)
	}
	res.Harm = estimate(est, variance, alpha, "Every weighted count is zero, so the standard error is 0 and z is undefined.")
	return res, nil
}

// DispersionOf is the Pearson dispersion statistic of daily counts xs,
// sum (x - m)^2 / ((n - 1) m) with m their mean: the variance over the
// mean, about 1 for Poisson counts and 1 + m/k for negative binomial
// counts of size k. It is floored at 1, so that a correction never makes
// the WDD look more certain than the Poisson test does, and is 1 when it
// cannot be estimated (fewer than two days, or no events).
func DispersionOf(xs []float64) float64 {
	if len(xs) < 2 {
		return 1
	}
	m, v := stat.MeanVariance(xs, nil)
	if m == 0 {
		return 1
	}
	return math.Max(1, v/m)
}
