package metrics

import (
	"strconv"

	"dropsim/sim"
	"dropsim/sim/grid"
)

// The market measures of a run: how the market works, from the end of the
// warm-up (Summary.Warmup) to the end of the run. They are what the
// pattern checks of docs/CALIBRATION.md read: where drops go by land use
// (P1), whether that drifts (P0), the supply cycle (P0), and the shares of
// not-found pickups, unmet orders and expired drops (MODEL.md section 6).

// landClasses are the land uses that hold drops, in class order.
var landClasses = func() []grid.Class {
	var out []grid.Class
	for c := grid.Class(0); c < grid.NumClasses; c++ {
		if c != grid.Water {
			out = append(out, c)
		}
	}
	return out
}()

// driftZones are the zones of the displacement measures whose drift is
// measured as the land uses' is.
var driftZones = []sim.Zone{sim.ZoneTreatment, sim.ZoneBuffer, sim.ZoneControl}

func marketMeasureNames() []string {
	names := []string{"relocations", "quits", "not_found_share", "unmet_share", "expired_share"}
	for _, c := range landClasses {
		names = append(names, "density_"+c.String())
	}
	for _, c := range landClasses {
		names = append(names, "drift_"+c.String())
	}
	for _, z := range driftZones {
		names = append(names, "drift_"+z.String())
	}
	for k := 1; k <= ACFMaxLag; k++ {
		names = append(names, "placed_acf_"+strconv.Itoa(k))
	}
	return names
}

// marketMeasures, in marketMeasureNames order:
//   - relocations and quits: the stashers' totals over the run;
//   - not_found_share: not found / (picked + not found), the share of
//     buyers' trips that found nothing; unmet_share: unmet / orders;
//     expired_share: expired / placed (all over the whole run);
//   - density_<land use>: drops placed per usable cell of that land use
//     per day after the warm-up;
//   - drift_<land use>: the land use's share of the drops placed in the
//     last third of the days after the warm-up over its share in the
//     first third, less 1 (0: no drift; 0.1: a tenth more); likewise
//     drift_treatment, drift_buffer and drift_control for the zones;
//   - placed_acf_k: the autocorrelation of daily drops placed after the
//     warm-up at lag k.
func marketMeasures(s *Summary, tot sim.Totals, tpd int, drops []sim.DropRecord, land []grid.Class, z *sim.Zones) []Value {
	ratio := func(a, b int, why string) Value {
		if b == 0 {
			return undefined(why)
		}
		return defined(float64(a) / float64(b))
	}
	out := []Value{defined(float64(tot.Relocations)), defined(float64(tot.Quits)),
		ratio(tot.NotFound, tot.Outcomes[sim.OutcomePicked]+tot.NotFound, "no buyer reached a drop"),
		ratio(tot.Unmet, tot.Orders, "no orders"),
		ratio(tot.Outcomes[sim.OutcomeExpired], tot.Placed, "no drops placed")}

	from := min(s.Warmup, s.Days)
	days := s.Days - from
	third := days / 3
	var cells [grid.NumClasses]int
	for _, c := range land {
		cells[c]++
	}
	var all, first, last [grid.NumClasses]int
	var zFirst, zLast [sim.NumZones]int
	var nFirst, nLast int
	perDay := make([]float64, days)
	for _, d := range drops {
		day := int(d.Placed) / tpd
		if day < from || day >= s.Days {
			continue
		}
		c, zone := land[int(d.Y)*z.W+int(d.X)], z.At(int(d.X), int(d.Y))
		all[c]++
		perDay[day-from]++
		if day < from+third {
			first[c]++
			zFirst[zone]++
			nFirst++
		}
		if day >= s.Days-third {
			last[c]++
			zLast[zone]++
			nLast++
		}
	}
	for _, c := range landClasses {
		if cells[c] == 0 || days == 0 {
			out = append(out, undefined("no such land use, or no days after the warm-up"))
			continue
		}
		out = append(out, defined(float64(all[c])/float64(cells[c])/float64(days)))
	}
	drift := func(first, last int, why string) Value {
		if first == 0 || nLast == 0 {
			return undefined(why)
		}
		return defined(float64(last)/float64(nLast)/(float64(first)/float64(nFirst)) - 1)
	}
	for _, c := range landClasses {
		out = append(out, drift(first[c], last[c], "no drops on this land use in the first third after the warm-up"))
	}
	for _, zone := range driftZones {
		why := "no drops in this zone in the first third after the warm-up"
		if !z.HasTreatment {
			why = s.Reason
		}
		out = append(out, drift(zFirst[zone], zLast[zone], why))
	}
	for _, r := range Autocorrelation(perDay, ACFMaxLag) {
		out = append(out, value(r, "too few days after the warm-up, or as many drops every day"))
	}
	return out
}
