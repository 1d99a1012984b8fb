package metrics

import (
	"gonum.org/v1/gonum/stat"
	"math"
	"strconv"

	"dropsim/sim"
	"dropsim/sim/grid"
)

// The measures of one run as a sweep records them: one column of runs.csv
// each, named in RunMeasureNames, in the same order RunMeasures returns
// them. The list is fixed, whatever the run's zones, so that the runs of
// every arm and design point share one header; a measure a run cannot
// have (a WDQ without a treatment area, a buffer control the zones do not
// define) is undefined in that run, an empty cell.
var RunMeasureNames = runMeasureNames()

// seriesMeasureNames are the measures of each compared series, after the
// series' name.
var seriesMeasureNames = []string{
	"Rb", "Ra", "Bb", "Ba", "Cb", "Ca", "DCb", "DCa",
	"success_measure", "buffer_measure", "wdq", "tne",
	"wdd_treatment", "wdd_treatment_se", "wdd_treatment_z",
	"wdd_buffer", "wdd_buffer_se", "wdd_buffer_z",
	"wdd", "wdd_se", "wdd_z",
	"wdd_se_dispersed", "wdd_z_dispersed",
}

// periodMeasureNames are the measures of where the drops of a period were,
// after the period's name.
var periodMeasureNames = []string{
	"drops", "sites", "centroid_x", "centroid_y", "standard_distance",
	"ellipse_major", "ellipse_minor", "ellipse_angle_deg",
	"mean_distance_treatment", "top5_share", "nni", "nni_z",
}

// comparedZones are the zones whose picked drops are counted by period.
var comparedZones = []sim.Zone{sim.ZoneTreatment, sim.ZoneBuffer, sim.ZoneControl, sim.ZoneBufferControl}

// RingChangeMeasure is the name of the per-run measure of distance ring
// k's change in a series: "drops_placed_ring_1_change".
func RingChangeMeasure(series string, k int) string {
	return series + "_ring_" + strconv.Itoa(k) + "_change"
}

func runMeasureNames() []string {
	names := []string{"orders", "unmet", "not_found", "redrops", "placed"}
	for o := sim.Outcome(0); o < sim.NumOutcomes; o++ {
		names = append(names, o.String())
	}
	for _, r := range sim.RoleNames() {
		names = append(names, "arrests_"+r)
	}
	names = append(names, "revenue", "confiscated", "intercepted_doses", "seized_inventory_doses")
	for _, s := range []string{SeriesDrops, SeriesSeizures, SeriesArrests} {
		for _, m := range seriesMeasureNames {
			names = append(names, s+"_"+m)
		}
	}
	for _, s := range []string{SeriesDrops, SeriesSeizures, SeriesArrests} {
		for k := 1; k <= sim.MaxRings; k++ {
			names = append(names, RingChangeMeasure(s, k))
		}
	}
	for _, z := range comparedZones {
		for _, p := range []sim.Period{sim.PeriodBefore, sim.PeriodAfter} {
			names = append(names, "picked_"+z.String()+"_"+p.String())
		}
	}
	for _, p := range []string{"before", "after"} {
		for _, m := range periodMeasureNames {
			names = append(names, p+"_"+m)
		}
		for _, z := range sim.ZoneNames() {
			names = append(names, p+"_share_"+z)
		}
	}
	names = append(names, "centroid_shift", "centroid_shift_x", "centroid_shift_y")
	names = append(names, marketMeasureNames()...)
	return names
}

// ACFMaxLag is the longest lag of the autocorrelation of daily drops
// placed that a run's measures give. It and the market measures are
// computed from the end of the warm-up (warmup_days), leaving out the
// start-up of a market whose stashers all begin with empty pockets.
const ACFMaxLag = 10

// Autocorrelation returns the sample autocorrelation of xs at lags 1 to
// maxLag, r_k = sum_t (x_t - m)(x_{t+k} - m) / sum_t (x_t - m)^2 (the
// usual estimator of a correlogram, Box & Jenkins), NaN where xs is
// constant or shorter than k + 2. gonum has no correlogram.
func Autocorrelation(xs []float64, maxLag int) []float64 {
	out := make([]float64, maxLag)
	m := stat.Mean(xs, nil)
	var den float64
	for _, x := range xs {
		den += (x - m) * (x - m)
	}
	for k := 1; k <= maxLag; k++ {
		if len(xs) < k+2 || den == 0 {
			out[k-1] = math.NaN()
			continue
		}
		var num float64
		for t := 0; t+k < len(xs); t++ {
			num += (xs[t] - m) * (xs[t+k] - m)
		}
		out[k-1] = num / den
	}
	return out
}

// RunMeasures returns the measures of a run in RunMeasureNames order, from
// its summary s, its totals and its drops (for the picked drops by zone
// and period, which the summary does not count) and the land use of the
// grid's cells, row by row.
func RunMeasures(s *Summary, tot sim.Totals, z *sim.Zones, tpd int, drops []sim.DropRecord, land []grid.Class) []Value {
	out := make([]Value, 0, len(RunMeasureNames))
	count := func(n int) { out = append(out, defined(float64(n))) }
	count(tot.Orders)
	count(tot.Unmet)
	count(tot.NotFound)
	count(tot.Redrops)
	count(tot.Placed)
	for _, n := range tot.Outcomes {
		count(n)
	}
	for _, n := range tot.Arrests {
		count(n)
	}
	out = append(out, defined(tot.Revenue), defined(tot.Confiscated))
	count(tot.DosesIntercepted)
	count(tot.DosesSeizedInventory)

	noMeasure := s.Reason
	if s.HasTreatment && !s.HasPeriods {
		noMeasure = s.PeriodReason
	}
	for _, name := range []string{SeriesDrops, SeriesSeizures, SeriesArrests} {
		m, ok := seriesOf(s, name)
		if !ok {
			for range seriesMeasureNames {
				out = append(out, undefined(noMeasure))
			}
			continue
		}
		out = append(out, seriesValues(m)...)
	}

	for _, name := range []string{SeriesDrops, SeriesSeizures, SeriesArrests} {
		m, ok := seriesOf(s, name)
		for k := 1; k <= sim.MaxRings; k++ {
			switch {
			case !ok:
				out = append(out, undefined(noMeasure))
			case k > len(m.Rings):
				out = append(out, undefined("the zones have fewer rings"))
			default:
				out = append(out, m.Rings[k-1].Change)
			}
		}
	}

	var picked [sim.NumZones][3]int
	if z.HasPeriods {
		for _, d := range drops {
			if d.Outcome == sim.OutcomePicked {
				picked[z.At(int(d.X), int(d.Y))][z.PeriodOf(int(d.End)/tpd)]++
			}
		}
	}
	for _, zone := range comparedZones {
		for _, p := range []sim.Period{sim.PeriodBefore, sim.PeriodAfter} {
			switch {
			case !z.HasTreatment:
				out = append(out, undefined(s.Reason))
			case !z.HasPeriods:
				out = append(out, undefined(s.PeriodReason))
			case zone == sim.ZoneBufferControl && !z.HasBufferControl:
				out = append(out, undefined("the zones have no buffer control"))
			default:
				count(picked[zone][p])
			}
		}
	}

	for i := range 2 {
		if i >= len(s.Periods) {
			for range len(periodMeasureNames) + int(sim.NumZones) {
				out = append(out, undefined(s.PeriodReason))
			}
			continue
		}
		ps := s.Periods[i]
		out = append(out, defined(float64(ps.Drops)), defined(float64(ps.Sites)),
			ps.CentroidX, ps.CentroidY, ps.StdDistance, ps.EllipseMajor, ps.EllipseMinor, ps.EllipseAngle,
			ps.MeanDistTreatment, ps.TopShare, ps.NNIR, ps.NNIZ)
		for _, zn := range sim.ZoneNames() {
			v, ok := ps.ZoneShare[zn]
			if !ok {
				v = undefined("no such zone in this run")
				if !s.HasTreatment {
					v = undefined(s.Reason)
				}
			}
			out = append(out, v)
		}
	}
	if s.HasPeriods {
		out = append(out, s.CentroidShift, s.ShiftX, s.ShiftY)
	} else {
		out = append(out, undefined(s.PeriodReason), undefined(s.PeriodReason), undefined(s.PeriodReason))
	}
	out = append(out, marketMeasures(s, tot, tpd, drops, land, z)...)
	return out
}

func seriesOf(s *Summary, name string) (SeriesMeasures, bool) {
	for _, m := range s.Series {
		if m.Series == name {
			return m, true
		}
	}
	return SeriesMeasures{}, false
}

// seriesValues are one series' measures in seriesMeasureNames order.
func seriesValues(m SeriesMeasures) []Value {
	c := m.Counts
	out := []Value{defined(c.Rb), defined(c.Ra), defined(c.Bb), defined(c.Ba), defined(c.Cb), defined(c.Ca)}
	if c.HasBufferControl {
		out = append(out, defined(c.DCb), defined(c.DCa))
	} else {
		const why = "the zones have no buffer control"
		out = append(out, undefined(why), undefined(why))
	}
	out = append(out, m.WDQ.Success, m.WDQ.Buffer, m.WDQ.WDQ, m.WDQ.TNE)
	for _, e := range []Estimate{m.WDD.Treatment, m.WDD.Buffer, m.WDD.Total} {
		if !m.WDDDefined {
			out = append(out, undefined(m.WDDReason), undefined(m.WDDReason), undefined(m.WDDReason))
			continue
		}
		out = append(out, defined(e.Estimate), defined(e.SE), e.Z)
	}
	if !m.WDDDefined {
		return append(out, undefined(m.WDDReason), undefined(m.WDDReason))
	}
	return append(out, defined(m.WDDDispersed.Total.SE), m.WDDDispersed.Total.Z)
}
