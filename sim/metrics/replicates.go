package metrics

// Statistics over replicates: the rows a sweep writes in summary.csv,
// contrasts.csv, calibration.csv and sensitivity.csv, and draws.

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a mean over replicates with its 95% t interval. Undefined
// counts the replicates where the measure was undefined (e.g. a WDQ with
// no drops in the buffer); they are left out of N and of every number.
type Interval struct {
	N         int
	Undefined int
	Mean      float64
	SD, SE    float64 // sample SD (n-1); SE = SD/sqrt(N)
	Lo, Hi    float64 // mean -/+ t(0.975, N-1) SE
	// HasMean is false when N is 0; HasCI is false when N < 2 (no SD).
	// SD, SE, Lo and Hi are 0 when HasCI is false.
	HasMean, HasCI bool
}

// tHalf is the 0.975 quantile of Student's t with nu degrees of freedom:
// the half-width of a 95% interval in standard errors.
func tHalf(nu float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(0.975)
}

// Replicates is the mean of xs, one value per replicate where the measure
// is defined, with its 95% t interval: SD the sample SD (n-1), SE =
// SD/sqrt(N), Lo and Hi = Mean -/+ t(0.975, N-1) SE. undefined is the
// number of replicates left out (it is only recorded). The values must be
// finite: the caller drops the undefined ones, it does not pass NaN. With
// N = 1 there is a mean and no interval; with N >= 2 and every value the
// same the interval is the mean (SD 0, HasCI true).
func Replicates(xs []float64, undefined int) Interval {
	iv := Interval{N: len(xs), Undefined: undefined}
	if iv.N == 0 {
		return iv
	}
	iv.Mean, iv.HasMean = stat.Mean(xs, nil), true
	if iv.N < 2 {
		return iv
	}
	iv.SD = stat.StdDev(xs, nil)
	iv.SE = iv.SD / math.Sqrt(float64(iv.N))
	h := tHalf(float64(iv.N-1)) * iv.SE
	iv.Lo, iv.Hi, iv.HasCI = iv.Mean-h, iv.Mean+h, true
	return iv
}

// PairedDifference is Replicates of the per-replicate differences a[i] -
// b[i] (the same seed in both arms: common random numbers). It panics when
// a and b differ in length, which is a programming error; the caller keeps
// only the replicates where both are defined and sets Undefined.
func PairedDifference(a, b []float64) Interval {
	if len(a) != len(b) {
		panic(fmt.Sprintf("metrics.PairedDifference: %d values against %d", len(a), len(b)))
	}
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return Replicates(d, 0)
}

// WelchDifference is the difference of the means mean(a) - mean(b) as if a
// and b were independent samples, with the Welch interval: SE =
// sqrt(va/na + vb/nb) (sample variances, n-1) and t(0.975, nu) with the
// Welch-Satterthwaite degrees of freedom
//
//	nu = (va/na + vb/nb)^2 / ((va/na)^2/(na-1) + (vb/nb)^2/(nb-1)).
//
// N is na + nb and Undefined 0 (the caller sets it). SD is 0: there is no
// one sample whose SD it would be. HasMean needs na, nb >= 1 and HasCI na,
// nb >= 2; when both samples are constant (SE = 0, nu undefined) the
// interval collapses to the mean, Lo = Hi = Mean with HasCI true, as
// Replicates does for a constant sample.
func WelchDifference(a, b []float64) Interval {
	na, nb := len(a), len(b)
	iv := Interval{N: na + nb}
	if na == 0 || nb == 0 {
		return iv
	}
	iv.Mean, iv.HasMean = stat.Mean(a, nil)-stat.Mean(b, nil), true
	if na < 2 || nb < 2 {
		return iv
	}
	sa := stat.Variance(a, nil) / float64(na)
	sb := stat.Variance(b, nil) / float64(nb)
	iv.SE, iv.HasCI = math.Sqrt(sa+sb), true
	if iv.SE == 0 {
		iv.Lo, iv.Hi = iv.Mean, iv.Mean
		return iv
	}
	nu := (sa + sb) * (sa + sb) / (sa*sa/float64(na-1) + sb*sb/float64(nb-1))
	h := tHalf(nu) * iv.SE
	iv.Lo, iv.Hi = iv.Mean-h, iv.Mean+h
	return iv
}

// WidthRatio is the width of the paired interval over the unpaired one's
// (Hi - Lo each): below 1, what common random numbers save. It is not
// defined (false) when either has no interval or the unpaired width is 0.
func WidthRatio(paired, unpaired Interval) (float64, bool) {
	if !paired.HasCI || !unpaired.HasCI {
		return 0, false
	}
	w := unpaired.Hi - unpaired.Lo
	if w == 0 {
		return 0, false
	}
	return (paired.Hi - paired.Lo) / w, true
}

// WilsonInterval is the 95% Wilson score interval of k successes in n
// trials, z = distuv.UnitNormal.Quantile(0.975):
//
//	(p + z^2/(2n) -/+ z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n), p = k/n,
//
// clamped to [0, 1] against rounding, with the lower end exactly 0 at
// k = 0 and the upper exactly 1 at k = n. ok is false unless 0 <= k <= n
// and n >= 1.
func WilsonInterval(k, n int) (lo, hi float64, ok bool) {
	if n < 1 || k < 0 || k > n {
		return 0, 0, false
	}
	z := distuv.UnitNormal.Quantile(0.975)
	nf, p := float64(n), float64(k)/float64(n)
	den := 1 + z*z/nf
	centre := (p + z*z/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf))
	lo, hi = max(0, centre-half), min(1, centre+half)
	// The ends that are exact in theory, where rounding leaves 1e-17.
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 1
	}
	return lo, hi, true
}

// Sensitivity summarises the elementary effects of one parameter (Morris;
// Campolongo et al.'s mu*): muStar the mean of |EE|, mu the mean of EE and
// sigma their sample SD (n-1), hasSigma false (sigma 0) when there are
// fewer than 2 effects. With no effects every number is 0.
func Sensitivity(ee []float64) (muStar, mu, sigma float64, hasSigma bool) {
	if len(ee) == 0 {
		return 0, 0, 0, false
	}
	abs := make([]float64, len(ee))
	for i, e := range ee {
		abs[i] = math.Abs(e)
	}
	muStar, mu = stat.Mean(abs, nil), stat.Mean(ee, nil)
	if len(ee) < 2 {
		return muStar, mu, 0, false
	}
	return muStar, mu, stat.StdDev(ee, nil), true
}

// SummaryRow is one line of summary.csv: a measure of one arm at one
// design point over its replicates.
type SummaryRow struct {
	Arm     string
	Point   int
	Measure string
	Interval
}

// ContrastRow is one line of contrasts.csv: an arm against the baseline
// at the same design point. Paired is the mean of the per-seed
// differences arm - baseline (replicates where both are defined); Unpaired
// is the Welch interval of the difference of the two means, as if the
// runs had independent seeds. WidthRatio is the paired interval's width
// over the unpaired one's (below 1: what common random numbers save);
// HasRatio is false when either width is undefined or the unpaired is 0.
type ContrastRow struct {
	Arm        string
	Point      int
	Measure    string
	Paired     Interval
	Unpaired   Interval
	WidthRatio float64
	HasRatio   bool
}

// CalibrationRow is one line of calibration.csv: how often a single run's
// WDD z of a series exceeds 1.96 in absolute value among the baseline
// arm's replicates, where no effect exists; a calibrated test gives 5%.
type CalibrationRow struct {
	Arm     string // the baseline arm
	Point   int
	Series  string
	Runs    int     // replicates with a defined z
	Exceed  int     // of which |z| > 1.96
	Rate    float64 // Exceed / Runs
	Lo, Hi  float64 // 95% Wilson interval of the rate
	HasRate bool
}

// SensitivityRow is one line of sensitivity.csv: the Morris elementary
// effects of a parameter on a measure, over trajectories and replicates.
// Effects are in the measure's units per unit of the parameter's range
// scaled to [0, 1]: EE = (y(x + delta e_i) - y(x)) / delta.
type SensitivityRow struct {
	Arm       string
	Parameter string
	Measure   string
	N         int     // elementary effects used
	MuStar    float64 // mean of |EE|
	Mu        float64 // mean of EE
	Sigma     float64 // sample SD of EE (n-1); 0 when N < 2
	HasSigma  bool
}

// DailyBandRow is a day of a daily metric of one arm at one design point:
// the mean over replicates with its 95% interval.
type DailyBandRow struct {
	Arm    string
	Point  int
	Metric string
	Day    int
	Interval
}
