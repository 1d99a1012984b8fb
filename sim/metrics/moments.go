package metrics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Moments accumulate a mean and variance one value at a time (Welford
// 1962). gonum's stat works on slices; a sweep's summaries are built in
// one pass over its runs instead, so that their memory does not grow with
// the number of replicates.
type Moments struct {
	N        int
	Mean, m2 float64
}

// Add adds x, a finite number.
func (m *Moments) Add(x float64) {
	m.N++
	d := x - m.Mean
	m.Mean += d / float64(m.N)
	m.m2 += d * (x - m.Mean)
}

// Variance is the sample variance (n-1); 0 when N < 2.
func (m Moments) Variance() float64 {
	if m.N < 2 {
		return 0
	}
	return m.m2 / float64(m.N-1)
}

// tQuantile is the 97.5% quantile of Student's t with df degrees of
// freedom: the half-width of a 95% interval in standard errors.
func tQuantile(df float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975)
}

// Interval is the mean of the values added with its 95% t interval.
func (m Moments) Interval(undefined int) Interval {
	iv := Interval{N: m.N, Undefined: undefined, Mean: m.Mean, HasMean: m.N >= 1}
	if m.N < 2 {
		return iv
	}
	iv.SD = math.Sqrt(m.Variance())
	iv.SE = iv.SD / math.Sqrt(float64(m.N))
	h := tQuantile(float64(m.N-1)) * iv.SE
	iv.Lo, iv.Hi, iv.HasCI = m.Mean-h, m.Mean+h, true
	return iv
}

// Welch is the difference of the means of a and b with the Welch
// interval (unequal variances, Welch-Satterthwaite degrees of freedom),
// the interval of a comparison whose runs had independent seeds. N is
// na + nb; SD is left 0, since no single SD describes a difference of
// two samples. When both variances are 0 the interval is the difference
// itself.
func Welch(a, b Moments) Interval {
	iv := Interval{N: a.N + b.N}
	if a.N == 0 || b.N == 0 {
		return iv
	}
	iv.Mean, iv.HasMean = a.Mean-b.Mean, true
	if a.N < 2 || b.N < 2 {
		return iv
	}
	va, vb := a.Variance()/float64(a.N), b.Variance()/float64(b.N)
	iv.SE = math.Sqrt(va + vb)
	iv.HasCI = true
	if iv.SE == 0 {
		iv.Lo, iv.Hi = iv.Mean, iv.Mean
		return iv
	}
	df := (va + vb) * (va + vb) / (va*va/float64(a.N-1) + vb*vb/float64(b.N-1))
	h := tQuantile(df) * iv.SE
	iv.Lo, iv.Hi = iv.Mean-h, iv.Mean+h
	return iv
}
