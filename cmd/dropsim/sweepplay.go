package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"dropsim/cmd/internal/output"
	"dropsim/cmd/internal/scenario"
	"dropsim/sim"

	"dropsim/sim/metrics"
)

// runResult is what one run of a sweep gives: its measures (in
// metrics.RunMeasureNames order) and daily rows, or the error that
// ended it.
type runResult struct {
	values []metrics.Value
	daily  []metrics.DailyRow
	err    error
	// copied says the run repeats run of, which was played instead.
	copied bool
	of     int
}

// playRun plays one run of a sweep in memory: the measures a run's
// summary holds, computed from its drops and arrests as `dropsim run`
// computes them. With keepDir set the run's tables are also written there,
// as `dropsim run -no-plots` writes them, so that `dropsim plot` can draw
// the run later.
func playRun(p sim.Params, seed uint64, keepDir string, ver string) (res runResult) {
	defer func() {
		if r := recover(); r != nil { // a bug in the analysis: the run fails, the sweep goes on
			res = runResult{err: fmt.Errorf("internal error in the analysis of scenario %q with seed %d: %v. This is a bug in dropsim: please report it with the sweep file and this message", p.Name, seed, r)}
		}
	}()
	p.Seed = seed
	m, err := sim.New(p, seed)
	if err != nil {
		return runResult{err: err}
	}
	zones := p.BuildZones(m.G.Class)
	tables := &metrics.Tables{}
	var sink sim.Sink
	var rec *output.Recorder
	daily := metrics.NewDaily(p.TicksPerDay(), zones)
	if keepDir != "" {
		if rec, err = output.NewRecorder(keepDir, p.TicksPerDay(), zones); err != nil {
			return runResult{err: err}
		}
		daily = rec.Daily
		sink = sim.SinkFunc(func(e *sim.Event) { rec.Event(e); tables.Event(e) })
	} else {
		sink = sim.SinkFunc(func(e *sim.Event) {
			daily.Event(e)
			if e.Kind != sim.EvDayEnd { // the measures need the drops and arrests, not the police's positions
				tables.Event(e)
			}
		})
	}
	if _, err := simulate(context.Background(), m, sink, func() {}); err != nil {
		if rec != nil {
			rec.Abort()
		}
		return runResult{err: err}
	}
	sum := metrics.Summarise(&p, zones, len(m.G.UsableCells()), tables.Drops, tables.Arrests)
	tot := m.Totals()
	res = runResult{values: metrics.RunMeasures(sum, tot, zones, p.TicksPerDay(), tables.Drops, m.G.Class), daily: daily.Rows()}
	if rec != nil {
		res.err = keepRun(keepDir, rec, m, p, sum, tot, ver)
	}
	return res
}

// keepRun completes a kept run's directory: its tables, land use,
// measures and a manifest, as `dropsim run -no-plots` leaves them.
func keepRun(dir string, rec *output.Recorder, m *sim.Model, p sim.Params, sum *metrics.Summary, tot sim.Totals, ver string) error {
	if err := rec.Close(); err != nil {
		return err
	}
	files := slices.Clone(output.TableFiles)
	if agents, links := m.Evidence(); hasNetwork(p) {
		written, err := output.WriteNetwork(dir, rec, agents, links)
		if err != nil {
			return err
		}
		files = append(files, written...)
	}
	landFiles, err := output.WriteLandUse(dir, &p, m.G.Class)
	if err != nil {
		return err
	}
	if err := output.WriteSummary(dir, sum); err != nil {
		return err
	}
	if err := output.WriteMeasures(dir, sum); err != nil {
		return err
	}
	var toml bytes.Buffer
	if err := scenario.Encode(&toml, p); err != nil {
		return err
	}
	if err := output.WriteBytes(dir, "scenario.toml", toml.Bytes()); err != nil {
		return err
	}
	files = append(append(files, landFiles...), "summary.json", "measures.csv", "scenario.toml", "manifest.json")
	man := output.Manifest{Program: "dropsim", Version: ver, Scenario: p.Name, ScenarioFile: filepath.Join(dir, "scenario.toml"),
		Seed: p.Seed, Days: p.Days, Params: p, Ticks: tot.Ticks, Counts: tot, TablesDone: true, Complete: true, Files: files}
	return output.WriteManifest(dir, man)
}

// firstLine is an error's first line, for a table cell.
func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// formatValue writes a measure as runs.csv holds it: the number, or
// nothing when it is undefined.
func formatValue(v metrics.Value) string {
	if !v.Defined {
		return ""
	}
	return strconv.FormatFloat(v.V, 'g', -1, 64)
}
