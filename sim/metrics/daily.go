// Package metrics turns a run's event stream into the measures that go in
// tables and papers: the daily metrics of daily.csv (declared once, below)
// and the spatial summaries of drop sites.
package metrics

import (
	"math"

	"gonum.org/v1/gonum/stat"

	"dropsim/sim"
)

// DailyMetrics names the metrics of daily.csv, in the order they are
// written each day. Each is documented in docs/OUTPUTS.md.
var DailyMetrics = []string{
	"orders", "unmet", "drops_placed", "picked", "seized", "lost", "expired",
	"not_found", "redrops",
	"arrests_stasher", "arrests_dispatcher", "arrests_cash_keeper", "arrests_organizer", "arrests_mule", "arrests_buyer",
	"recruits", "recruits_minor", "quits", "relocations", "intercepted_doses",
	"revenue", "cash",
	"active_stashers", "open_shops", "available_drops", "backlog", "churned_buyers", "police_on_duty",
	"drop_centroid_x", "drop_centroid_y", "drop_standard_distance",
	"drop_ellipse_major", "drop_ellipse_minor", "drop_ellipse_angle",
	"drop_mean_distance_treatment",
	"drops_elsewhere", "drops_treatment", "drops_buffer", "drops_control", "drops_buffer_control",
	"share_elsewhere", "share_treatment", "share_buffer", "share_control", "share_buffer_control",
}

// Metric indexes into DailyMetrics.
const (
	mOrders = iota
	mUnmet
	mPlaced
	mPicked
	mSeized
	mLost
	mExpired
	mNotFound
	mRedrops
	mArrests  // + role
	mRecruits = mArrests + int(sim.NumRoles)
)

const (
	mRecruitsMinor = mRecruits + 1 + iota
	mQuits
	mRelocations
	mIntercepted
	mRevenue
	mCash
	mActiveStashers
	mOpenShops
	mAvailable
	mBacklog
	mChurned
	mPolice
	mCentroidX
	mCentroidY
	mStdDist
	mEllipseMajor
	mEllipseMinor
	mEllipseAngle
	mMeanDistTreatment
	mZoneDrops                                  // + zone
	mZoneShare = mZoneDrops + int(sim.NumZones) // + zone
	numMetrics = mZoneShare + int(sim.NumZones)
)

// DailyRow is one row of the tidy daily table.
type DailyRow struct {
	Day    int
	Metric string
	Value  float64
}

// Daily is a sim.Sink that accumulates the daily metrics. Events arrive in
// tick order and each day ends with an EvDayEnd, so a day is complete when
// its EvDayEnd arrives; only the current day's drop sites are held.
type Daily struct {
	tpd    int
	zones  *sim.Zones
	cur    [numMetrics]float64
	xs, ys []float64
	rows   []DailyRow
}

// NewDaily collects daily metrics for a run with ticksPerDay ticks a day;
// drops are counted by the zones given (nil or without a treatment area:
// the zone metrics are left out).
func NewDaily(ticksPerDay int, zones *sim.Zones) *Daily {
	return &Daily{tpd: ticksPerDay, zones: zones}
}

// Event implements sim.Sink.
func (d *Daily) Event(e *sim.Event) {
	c := &d.cur
	switch e.Kind {
	case sim.EvOrder:
		c[mOrders]++
	case sim.EvUnmet:
		c[mUnmet]++
	case sim.EvDropPlaced:
		c[mPlaced]++
		// cell centres, in cells from the top-left corner
		d.xs = append(d.xs, float64(e.X)+0.5)
		d.ys = append(d.ys, float64(e.Y)+0.5)
		if d.zones != nil {
			c[mZoneDrops+int(d.zones.At(int(e.X), int(e.Y)))]++
		}
	case sim.EvDropEnded:
		switch e.Drop.Outcome {
		case sim.OutcomePicked:
			c[mPicked]++
		case sim.OutcomeSeized:
			c[mSeized]++
		case sim.OutcomeLost:
			c[mLost]++
		case sim.OutcomeExpired:
			c[mExpired]++
		}
	case sim.EvNotFound:
		c[mNotFound]++
	case sim.EvRedrop:
		c[mRedrops]++
	case sim.EvArrest:
		c[mArrests+int(e.Role)]++
	case sim.EvRecruit:
		c[mRecruits]++
		if e.Minor {
			c[mRecruitsMinor]++
		}
	case sim.EvQuit:
		c[mQuits]++
	case sim.EvRelocate:
		c[mRelocations]++
	case sim.EvIntercept:
		c[mIntercepted] += e.Amount
	case sim.EvMoney:
		if e.Cause == sim.CauseRevenue {
			c[mRevenue] += e.Amount
		}
	case sim.EvDayEnd:
		d.closeDay(e.Day)
	}
}

func (d *Daily) closeDay(st *sim.DayState) {
	c := &d.cur
	c[mCash] = st.Cash
	c[mActiveStashers] = float64(st.ActiveStashers)
	c[mOpenShops] = float64(st.OpenShops)
	c[mAvailable] = float64(st.AvailableDrops)
	c[mBacklog] = float64(st.Backlog)
	c[mChurned] = float64(st.Churned)
	c[mPolice] = float64(st.PoliceActive)
	cx, cy, sd := Centroid(d.xs, d.ys)
	c[mCentroidX], c[mCentroidY], c[mStdDist] = cx, cy, sd
	c[mEllipseMajor], c[mEllipseMinor], c[mEllipseAngle] = math.NaN(), math.NaN(), math.NaN()
	if el, ok := SDE(d.xs, d.ys); ok {
		c[mEllipseMajor], c[mEllipseMinor], c[mEllipseAngle] = el.Major, el.Minor, el.AngleDeg
	}
	c[mMeanDistTreatment] = math.NaN()
	if z := d.zones; z != nil && z.HasTreatment {
		c[mMeanDistTreatment] = MeanDistance(d.xs, d.ys, z.CX, z.CY)
		n := c[mPlaced]
		for k := range sim.NumZones {
			c[mZoneShare+int(k)] = c[mZoneDrops+int(k)] / n // NaN on a day without drops: left out
			if k == sim.ZoneBufferControl && !z.HasBufferControl {
				c[mZoneDrops+int(k)], c[mZoneShare+int(k)] = math.NaN(), math.NaN()
			}
		}
	} else {
		for k := range 2 * int(sim.NumZones) {
			c[mZoneDrops+k] = math.NaN()
		}
	}
	for i, v := range c {
		if math.IsNaN(v) {
			continue // undefined (no drops that day, or no such zone): the row is left out
		}
		d.rows = append(d.rows, DailyRow{Day: st.Day, Metric: DailyMetrics[i], Value: v})
	}
	*c = [numMetrics]float64{}
	d.xs, d.ys = d.xs[:0], d.ys[:0]
}

// Rows returns the daily table so far, day by day in DailyMetrics order.
func (d *Daily) Rows() []DailyRow { return d.rows }

// Centroid returns the mean centre of the points and their standard
// distance, sqrt(sum((x-mx)^2 + (y-my)^2) / n), the population form used
// in crime mapping. With no points all three are NaN.
func Centroid(xs, ys []float64) (cx, cy, sd float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	cx, vx := stat.PopMeanVariance(xs, nil)
	cy, vy := stat.PopMeanVariance(ys, nil)
	return cx, cy, math.Sqrt(vx + vy)
}
