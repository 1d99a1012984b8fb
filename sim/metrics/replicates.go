package metrics

// Statistics over replicates: the rows a sweep writes in summary.csv,
// contrasts.csv, calibration.csv and sensitivity.csv, and draws.

import (
	"math"

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
// z of a WDD (Series names the z measure, e.g. "drops_placed_wdd_z")
// exceeds 1.96 in absolute value among the baseline arm's replicates,
// where no effect exists; a calibrated test gives 5%.
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
