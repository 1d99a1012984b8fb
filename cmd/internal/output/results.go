package output

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"dropsim/cmd/internal/gis"
	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// WriteFile writes one file of dir atomically: fill writes its content.
func WriteFile(dir, name string, fill func(w *bufio.Writer) error) error {
	a, err := create(dir, name)
	if err != nil {
		return err
	}
	if err := fill(a.w); err != nil {
		a.abort()
		return fmt.Errorf("writing %s: %w", a.final, err)
	}
	return a.commit()
}

// WriteBytes writes one file of dir atomically.
func WriteBytes(dir, name string, data []byte) error {
	return WriteFile(dir, name, func(w *bufio.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteSummary writes summary.json.
func WriteSummary(dir string, s *metrics.Summary) error {
	return WriteFile(dir, "summary.json", func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	})
}

// MeasuresHeader is the header of measures.csv.
var MeasuresHeader = []string{"series", "period", "measure", "value", "note"}

// WriteMeasures writes the tidy measures.csv: one row per measure, the
// value empty and the reason in the note where a measure is undefined.
func WriteMeasures(dir string, s *metrics.Summary) error {
	return WriteFile(dir, "measures.csv", func(bw *bufio.Writer) error {
		w := csv.NewWriter(bw)
		w.Write(MeasuresHeader)
		for _, r := range MeasureRows(s) {
			w.Write(r)
		}
		w.Flush()
		return w.Error()
	})
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

type named struct {
	name string
	v    metrics.Value
}

// MeasureRows are the rows of measures.csv; for incident data (s.Points)
// there are no rows of arrests.
func MeasureRows(s *metrics.Summary) [][]string {
	var rows [][]string
	add := func(series, period, measure string, v metrics.Value, note string) {
		if !v.Defined {
			rows = append(rows, []string{series, period, measure, "", v.Reason})
			return
		}
		rows = append(rows, []string{series, period, measure, num(v.V), note})
	}
	def := func(x float64) metrics.Value { return metrics.Value{V: x, Defined: true} }
	switch {
	case !s.HasTreatment:
		add(metrics.SeriesDrops, "", "wdq", metrics.Value{Reason: s.Reason}, "")
	case !s.HasPeriods:
		add(metrics.SeriesDrops, "", "wdq", metrics.Value{Reason: s.PeriodReason}, "")
	}
	if s.Points == nil { // incident data have no arrests
		add(metrics.SeriesArrests, "", "stashers_arrested", def(float64(s.StashersArrested)), "over the whole run")
		add(metrics.SeriesArrests, "", "minor_stashers_arrested", def(float64(s.MinorStashers)), "over the whole run")
		add(metrics.SeriesArrests, "", "minor_share_of_stashers_arrested", s.MinorShare, "over the whole run")
	}
	for _, m := range s.Series {
		c := m.Counts
		counts := []named{{"Rb", def(c.Rb)}, {"Ra", def(c.Ra)}, {"Bb", def(c.Bb)}, {"Ba", def(c.Ba)}, {"Cb", def(c.Cb)}, {"Ca", def(c.Ca)}}
		if c.HasBufferControl {
			counts = append(counts, named{"DCb", def(c.DCb)}, named{"DCa", def(c.DCa)})
		}
		for _, k := range counts {
			add(m.Series, "", k.name, k.v, "")
		}
		add(m.Series, "", "success_measure", m.WDQ.Success, "")
		add(m.Series, "", "buffer_measure", m.WDQ.Buffer, "")
		add(m.Series, "", "wdq", m.WDQ.WDQ, m.WDQ.Interpretation)
		add(m.Series, "", "tne", m.WDQ.TNE, "")
		for _, e := range []struct {
			name string
			est  metrics.Estimate
		}{{"wdd_treatment", m.WDD.Treatment}, {"wdd_buffer", m.WDD.Buffer}, {"wdd", m.WDD.Total}} {
			if !m.WDDDefined {
				u := metrics.Value{Reason: m.WDDReason}
				add(m.Series, "", e.name, u, "")
				continue
			}
			var notes []string
			if m.WDD.SharedControl && e.name != "wdd_treatment" {
				notes = append(notes, "the buffer shares the treatment area's control")
			}
			if m.WDDNote != "" {
				notes = append(notes, m.WDDNote)
			}
			note := strings.Join(notes, "; ")
			add(m.Series, "", e.name, def(e.est.Estimate), note)
			add(m.Series, "", e.name+"_se", def(e.est.SE), "Poisson")
			add(m.Series, "", e.name+"_z", e.est.Z, "Poisson")
		}
		for _, r := range m.Rings {
			where := fmt.Sprintf("ring %d: %d-%d cells from the treatment area", r.Ring, r.From, r.To)
			add(m.Series, "before", fmt.Sprintf("ring_%d", r.Ring), def(r.Before), where)
			add(m.Series, "after", fmt.Sprintf("ring_%d", r.Ring), def(r.After), where)
			add(m.Series, "", fmt.Sprintf("ring_%d_change", r.Ring), r.Change, where+"; (after/before) over (after/before) beyond the last ring, less 1")
		}
		if m.WDDDefined {
			d := m.WDDDispersed
			for _, e := range []struct {
				name string
				est  metrics.Estimate
			}{{"wdd_treatment", d.Treatment}, {"wdd_buffer", d.Buffer}, {"wdd", d.Total}} {
				add(m.Series, "", e.name+"_se_dispersed", def(e.est.SE), "allowing for overdispersion: each count's variance times its dispersion factor, from the daily counts")
				add(m.Series, "", e.name+"_z_dispersed", e.est.Z, "allowing for overdispersion")
			}
			p := m.Dispersion
			for _, k := range []named{{"dispersion_Rb", def(p.Rb)}, {"dispersion_Ra", def(p.Ra)}, {"dispersion_Bb", def(p.Bb)}, {"dispersion_Ba", def(p.Ba)},
				{"dispersion_Cb", def(p.Cb)}, {"dispersion_Ca", def(p.Ca)}} {
				add(m.Series, "", k.name, k.v, "variance over mean of the daily counts (at least 1)")
			}
			if m.Counts.HasBufferControl {
				add(m.Series, "", "dispersion_DCb", def(p.DCb), "variance over mean of the daily counts (at least 1)")
				add(m.Series, "", "dispersion_DCa", def(p.DCa), "variance over mean of the daily counts (at least 1)")
			}
		}
	}
	for _, p := range s.Periods {
		for _, v := range []named{
			{"drops", def(float64(p.Drops))}, {"sites", def(float64(p.Sites))},
			{"centroid_x", p.CentroidX}, {"centroid_y", p.CentroidY}, {"standard_distance", p.StdDistance},
			{"ellipse_major", p.EllipseMajor}, {"ellipse_minor", p.EllipseMinor}, {"ellipse_angle_deg", p.EllipseAngle},
			{"mean_distance_treatment", p.MeanDistTreatment}, {"top5_share", p.TopShare}, {"nni", p.NNIR}, {"nni_z", p.NNIZ},
		} {
			add(metrics.SeriesDrops, p.Period, v.name, v.v, "")
		}
		for _, z := range sim.ZoneNames() {
			if v, ok := p.ZoneShare[z]; ok {
				add(metrics.SeriesDrops, p.Period, "share_"+z, v, "")
			}
		}
	}
	if s.HasPeriods {
		add(metrics.SeriesDrops, "", "centroid_shift", s.CentroidShift, "distance in cells from the before to the after centroid")
		add(metrics.SeriesDrops, "", "centroid_shift_x", s.ShiftX, "cells east")
		add(metrics.SeriesDrops, "", "centroid_shift_y", s.ShiftY, "cells south")
	}
	return rows
}

// GISFiles are the GIS outputs of a run: the land use, written with the
// tables, then the drops, written by the analysis.
var GISFiles = []string{LandUseFile, "drops.geojson", "drops_before.asc", "drops_after.asc", "landuse.prj", "drops_before.prj", "drops_after.prj"}

// LandUseFile is the run's land use, the GIS file written with the tables
// (dropsim plot reads it back).
const LandUseFile = "landuse.asc"

func raster(c *sim.CityParams, values []float64) *gis.Raster {
	return &gis.Raster{NCols: c.Width, NRows: c.Height, XLL: c.OriginX, YLL: c.OriginY, CellSize: c.CellM, Values: values}
}

// WriteLandUse writes landuse.asc, the land-use class codes in the map's
// coordinates, with its .prj when the CRS is one dropsim knows. It
// returns the files written.
func WriteLandUse(dir string, p *sim.Params, land []grid.Class) ([]string, error) {
	lu := make([]float64, len(land))
	for i, l := range land {
		lu[i] = float64(l)
	}
	return writeASC(dir, LandUseFile, &p.City, lu)
}

// writeASC writes the grid name (an .asc) and, when city.crs is one
// gis.PRJ knows, its .prj beside it, so that QGIS places it; it returns
// the files written.
func writeASC(dir, name string, c *sim.CityParams, values []float64) ([]string, error) {
	if err := WriteFile(dir, name, func(w *bufio.Writer) error { return gis.WriteASC(w, raster(c, values)) }); err != nil {
		return nil, err
	}
	wkt, ok := gis.PRJ(c.CRS)
	if !ok {
		return []string{name}, nil
	}
	prj := gis.PRJName(name)
	if err := WriteFile(dir, prj, func(w *bufio.Writer) error { _, err := w.WriteString(wkt + "\n"); return err }); err != nil {
		return []string{name}, err
	}
	return []string{name, prj}, nil
}

// WriteDropsGIS writes the drops in the map's coordinates: drops.geojson
// (every drop as a point at its cell's centre) and, with periods,
// drops_before.asc and drops_after.asc (drops placed in each cell in each
// period). It returns the files written.
func WriteDropsGIS(dir string, p *sim.Params, z *sim.Zones, drops []sim.DropRecord) ([]string, error) {
	c := &p.City
	var written []string
	tpd := p.TicksPerDay()
	err := WriteFile(dir, "drops.geojson", func(w *bufio.Writer) error {
		pw := gis.NewPointWriter(w, c.CRS, []string{"drop_id", "shop", "stasher", "x", "y", "placed_day", "placed_tick", "end_tick", "outcome", "cause", "zone", "period"})
		for _, d := range drops {
			mx, my := c.MapXY(float64(d.X)+0.5, float64(d.Y)+0.5)
			day := int(d.Placed) / tpd
			if err := pw.Point(mx, my, d.ID, d.Shop, d.Stasher, d.X, d.Y, day, d.Placed, d.End, d.Outcome.String(), d.Cause,
				z.At(int(d.X), int(d.Y)).String(), z.PeriodOf(day).String()); err != nil {
				return err
			}
		}
		return pw.Close()
	})
	if err != nil {
		return written, err
	}
	written = append(written, "drops.geojson")
	if !z.HasPeriods {
		return written, nil
	}
	before := make([]float64, c.Width*c.Height)
	after := make([]float64, c.Width*c.Height)
	for _, d := range drops {
		switch z.PeriodOf(int(d.Placed) / tpd) {
		case sim.PeriodBefore:
			before[int(d.Y)*c.Width+int(d.X)]++
		case sim.PeriodAfter:
			after[int(d.Y)*c.Width+int(d.X)]++
		}
	}
	for _, f := range []struct {
		name   string
		values []float64
	}{{"drops_before.asc", before}, {"drops_after.asc", after}} {
		files, err := writeASC(dir, f.name, c, f.values)
		written = append(written, files...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}
