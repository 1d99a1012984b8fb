package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"dropsim/cmd/internal/chart"
	"dropsim/cmd/internal/output"
	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// plotOptions say what to write besides the measures.
type plotOptions struct {
	gis     bool     // the GIS files (run writes them; plot leaves them)
	plots   bool     // figures, animation and report
	formats []string // figure formats
}

// parseFormats reads the -formats flag: a comma-separated subset of png,
// svg and pdf.
func parseFormats(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "" {
			continue
		}
		if !slices.Contains(chart.Formats, f) {
			return nil, usagef("-formats %q: %q is not a figure format; give a comma-separated list of %s", s, f, strings.Join(chart.Formats, ", "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, usagef("-formats %q names no format; give a comma-separated list of %s", s, strings.Join(chart.Formats, ", "))
	}
	return out, nil
}

// analyse computes a finished run's measures from its tables in dir and
// draws its figures, animation and report. It reads the tables back from
// the files, so that `dropsim plot` and `dropsim run` share one path and
// give the same results. z are p's zones; counts are the run's (the
// tables are checked against them); the land use is written with the
// tables. It returns the files written, relative to dir. Cancelling ctx
// stops it between two outputs (between two figures, or two frames of the
// animation), returning ctx's error and the files already written.
func analyse(ctx context.Context, dir string, p sim.Params, z *sim.Zones, counts sim.Totals, land []grid.Class, version string, opt plotOptions) ([]string, *metrics.Summary, error) {
	run := output.Run{Params: &p, Zones: z, Counts: counts}
	tables, err := output.ReadTables(dir, run)
	if err != nil {
		return nil, nil, err
	}
	daily, err := output.ReadDaily(dir, run)
	if err != nil {
		return nil, nil, err
	}
	usable := 0
	for _, c := range land {
		if c != grid.Water {
			usable++
		}
	}
	sum := metrics.Summarise(&p, z, usable, tables.Drops, tables.Arrests)
	if err := output.WriteSummary(dir, sum); err != nil {
		return nil, sum, err
	}
	if err := output.WriteMeasures(dir, sum); err != nil {
		return nil, sum, err
	}
	files := []string{"summary.json", "measures.csv"}
	if opt.gis {
		if err := ctx.Err(); err != nil {
			return files, sum, err
		}
		gisFiles, err := output.WriteDropsGIS(dir, &p, z, tables.Drops)
		files = append(files, gisFiles...)
		if err != nil {
			return files, sum, err
		}
	}
	if !opt.plots {
		return files, sum, nil
	}
	if err := ctx.Err(); err != nil {
		return files, sum, err
	}
	r := &chart.Run{Params: p, Zones: z, Land: land, Daily: daily, Tables: tables, Summary: sum, Version: version}
	// The animation is drawn while the figures are (each is deterministic
	// on its own).
	var gifBuf bytes.Buffer
	var gifErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		gifErr = chart.Animation(ctx, r, &gifBuf)
	}()
	figs, err := chart.Figures(ctx, r, opt.formats)
	<-done
	if err := ctx.Err(); err != nil {
		return files, sum, err
	}
	if err != nil {
		return files, sum, fmt.Errorf("drawing the figures: %w", err)
	}
	if gifErr != nil {
		return files, sum, fmt.Errorf("drawing the animation: %w", gifErr)
	}
	written, err := writeFigures(ctx, dir, r, figs, opt.formats, gifBuf.Bytes())
	return append(files, written...), sum, err
}

// writeFigures writes the figures of r in the formats into dir's figures
// folder, the animation when gif is not empty, and report.html, which
// shows them; it returns the files written, relative to dir. Cancelling
// ctx stops it before the report.
func writeFigures(ctx context.Context, dir string, r *chart.Run, figs []chart.Figure, formats []string, gif []byte) ([]string, error) {
	var files []string
	if err := ctx.Err(); err != nil {
		return files, err
	}
	figDir := filepath.Join(dir, output.FiguresDir)
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return files, err
	}
	for _, f := range figs {
		for _, format := range formats {
			name := f.Name + "." + format
			if err := output.WriteBytes(figDir, name, f.Data[format]); err != nil {
				return files, err
			}
			files = append(files, output.FiguresDir+"/"+name)
		}
	}
	if len(gif) > 0 {
		if err := output.WriteBytes(figDir, chart.AnimationFile, gif); err != nil {
			return files, err
		}
		files = append(files, output.FiguresDir+"/"+chart.AnimationFile)
	}
	if err := ctx.Err(); err != nil {
		return files, err
	}
	html, err := chart.Report(r, figs, gif)
	if err != nil {
		return files, fmt.Errorf("writing the report: %w", err)
	}
	if err := output.WriteBytes(dir, "report.html", html); err != nil {
		return files, err
	}
	return append(files, "report.html"), nil
}

// expectedOutputs are the files analyse writes for a run with zones z.
func expectedOutputs(z *sim.Zones, opt plotOptions) []string {
	files := []string{"summary.json", "measures.csv"}
	if opt.gis {
		files = append(files, "drops.geojson")
		if z.HasPeriods {
			files = append(files, "drops_before.asc", "drops_after.asc")
		}
	}
	if !opt.plots {
		return files
	}
	for _, n := range chart.FigureNames(z, false) {
		for _, f := range opt.formats {
			files = append(files, output.FiguresDir+"/"+n+"."+f)
		}
	}
	return append(files, output.FiguresDir+"/"+chart.AnimationFile, "report.html")
}

// headline is the answer for the terminal: did the drops move?
func headline(s *metrics.Summary) string {
	switch {
	case !s.HasTreatment:
		return "no displacement measures: " + s.Reason
	case !s.HasPeriods:
		return "no displacement measures: " + s.PeriodReason
	}
	for _, m := range s.Series {
		if m.Series != metrics.SeriesDrops {
			continue
		}
		c := m.Counts
		n := s.ZoneCells
		what := fmt.Sprintf("drops placed, days %d-%d vs %d-%d", s.Before[0], s.Before[1], s.After[0], s.After[1])
		if ps := s.Points; ps != nil {
			what = fmt.Sprintf("incidents, %s to %s vs %s to %s", ps.Date(s.Before[0]), ps.Date(s.Before[1]), ps.Date(s.After[0]), ps.Date(s.After[1]))
		}
		line := fmt.Sprintf("%s: treatment (%d cells) %.0f -> %.0f, buffer (%d) %.0f -> %.0f, control (%d) %.0f -> %.0f",
			what, n["treatment"], c.Rb, c.Ra, n["buffer"], c.Bb, c.Ba, n["control"], c.Cb, c.Ca)
		if m.WDQ.WDQ.Defined {
			line += fmt.Sprintf("; WDQ = %.3g", m.WDQ.WDQ.V)
		} else {
			line += "; WDQ undefined"
		}
		if t, d := m.WDD.Total, m.WDDDispersed.Total; m.WDDDefined && t.Z.Defined && d.Z.Defined {
			// The headline z allows for overdispersion; the Poisson one beside it.
			line += fmt.Sprintf("; WDD = %.0f (SE %.1f, z = %.2f allowing for overdispersion; Poisson SE %.1f, z = %.2f)", t.Estimate, d.SE, d.Z.V, t.SE, t.Z.V)
		}
		line += "\n" + m.WDQ.Interpretation
		if s.Points != nil {
			return line
		}
		return line + "\nThese measures describe one run (one realisation of the model); for inference, compare policies over replicates with dropsim sweep."
	}
	return ""
}
