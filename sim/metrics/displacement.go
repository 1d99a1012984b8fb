package metrics

// Displacement measures for a treatment area R, a buffer ring B around it
// and a control area C, counted before (b) and after (a) the intervention
// (MODEL.md section 5): the weighted displacement quotient with its success
// and buffer measures and the total net effect, and the weighted
// displacement difference with its standard error.

import (
	"fmt"
	"math"
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

// Estimate is a difference of counts with its Poisson standard error and z.
type Estimate struct {
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	Z        Value   `json:"z"` // undefined when SE == 0
}

// WDDResult holds the weighted displacement difference and its two parts.
type WDDResult struct {
	Treatment     Estimate `json:"treatment"` // (Ra - Rb) - (Ca - Cb), variance Rb+Ra+Cb+Ca
	Buffer        Estimate `json:"buffer"`    // (Ba - Bb) - (DCa - DCb), variance Bb+Ba+DCb+DCa; with a shared control DC = C
	Total         Estimate `json:"total"`     // WDD = Treatment + Buffer
	SharedControl bool     `json:"shared_control"`
}

func estimate(est, variance float64, zeroReason string) Estimate {
	se := math.Sqrt(variance)
	e := Estimate{Estimate: est, SE: se}
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
func WDD(c Counts) (WDDResult, error) {
	if err := c.validate(); err != nil {
		return WDDResult{}, err
	}
	dcb, dca := c.DCb, c.DCa
	if !c.HasBufferControl {
		dcb, dca = c.Cb, c.Ca
	}
	treat := (c.Ra - c.Rb) - (c.Ca - c.Cb)
	treatVar := c.Rb + c.Ra + c.Cb + c.Ca
	buf := (c.Ba - c.Bb) - (dca - dcb)
	bufVar := c.Bb + c.Ba + dcb + dca
	totalVar := treatVar + bufVar
	if !c.HasBufferControl {
		totalVar = c.Rb + c.Ra + c.Bb + c.Ba + 4*(c.Cb+c.Ca)
	}
	return WDDResult{
		Treatment: estimate(treat, treatVar,
			"All the treatment and control counts are zero, so the standard error is 0 and z is undefined."),
		Buffer: estimate(buf, bufVar,
			"All the buffer and buffer control counts are zero, so the standard error is 0 and z is undefined."),
		Total: estimate(treat+buf, totalVar,
			"All counts are zero, so the standard error is 0 and z is undefined."),
		SharedControl: !c.HasBufferControl,
	}, nil
}
