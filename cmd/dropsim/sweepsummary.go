package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"dropsim/cmd/internal/chart"
	"dropsim/cmd/internal/output"
	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// summarise reads the sweep's runs back from runs.csv and daily.csv (so
// that a resumed sweep and an uninterrupted one are summarised alike) and
// writes summary.csv, contrasts.csv and calibration.csv (with a baseline),
// sensitivity.csv (Morris), the Parquet twins, the figures and the
// report. It returns the files written.
func (s *sweepSetup) summarise(dir string, opt sweepOptions) ([]string, error) {
	sum := sweep.NewSummaries(s.plan, s.sw.Measures, s.baseline, len(s.keys))
	if s.baseline >= 0 {
		sum.FixedBaseline = !slices.ContainsFunc(s.sw.Parameters, func(p sweep.Parameter) bool { return p.AppliesTo(s.plan.Arms[s.baseline]) })
	}
	runsHeader := s.runsHeader()
	nRun := len(s.runColumns())
	vals := make([]metrics.Value, len(metrics.RunMeasureNames))
	runs := 0
	err := output.ReadStream(dir, runsFile, runsHeader, func(line int, rec []string) error {
		id, _ := strconv.Atoi(rec[0]) // checked when the sweep was resumed, written by it otherwise
		for i, cell := range rec[nRun:] {
			v, err := parseValue(cell)
			if err != nil {
				return usagef("%s line %d: %s = %q is not a number; the table was changed after the sweep wrote it", filepath.Join(dir, runsFile), line, runsHeader[nRun+i], cell)
			}
			vals[i] = v
		}
		sum.Add(s.plan.Run(id), slices.Clone(vals))
		runs++
		return nil
	})
	if err != nil {
		return nil, err
	}
	bands := sweep.NewBands(s.plan, s.sw.DailyFigures)
	var rows []metrics.DailyRow
	last := -1
	err = output.ReadStream(dir, dailyFile, s.dailyHeader(), func(line int, rec []string) error {
		id, _ := strconv.Atoi(rec[0])
		if id != last && last >= 0 {
			bands.Add(s.plan.Run(last), rows)
			rows = rows[:0]
		}
		last = id
		day, err1 := strconv.Atoi(rec[nRun])
		v, err2 := strconv.ParseFloat(rec[nRun+2], 64)
		if err1 != nil || err2 != nil {
			return usagef("%s line %d: day %q or value %q is not a number; the table was changed after the sweep wrote it", filepath.Join(dir, dailyFile), line, rec[nRun], rec[nRun+2])
		}
		rows = append(rows, metrics.DailyRow{Day: day, Metric: rec[nRun+1], Value: v})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if last >= 0 {
		bands.Add(s.plan.Run(last), rows)
	}
	summary, contrasts, calibration, sensitivity := sum.Rows(s.keys)

	var files []string
	write := func(name string, header []string, n int, row func(i int) []string) error {
		err := output.WriteFile(dir, name, func(w *bufio.Writer) error {
			cw := csv.NewWriter(w)
			cw.Write(header)
			for i := range n {
				cw.Write(row(i))
			}
			cw.Flush()
			return cw.Error()
		})
		if err == nil {
			files = append(files, name)
		}
		return err
	}
	f := func(x float64, ok bool) string {
		if !ok {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	pointCols := func(arm string, point int) []string {
		return append([]string{arm, strconv.Itoa(point)}, s.levelCells(point, slices.Index(s.plan.Arms, arm))...)
	}
	head := func(first string, rest ...string) []string {
		return slices.Concat([]string{first, "point"}, s.keys, rest)
	}
	ivCols := func(iv metrics.Interval) []string {
		return []string{f(iv.Mean, iv.HasMean), f(iv.SE, iv.HasCI), f(iv.Lo, iv.HasCI), f(iv.Hi, iv.HasCI)}
	}
	if err := write("summary.csv", head("arm", "measure", "n", "undefined", "mean", "sd", "se", "ci_low", "ci_high"), len(summary), func(i int) []string {
		r := summary[i]
		return slices.Concat(pointCols(r.Arm, r.Point), []string{r.Measure, strconv.Itoa(r.N), strconv.Itoa(r.Undefined), f(r.Mean, r.HasMean), f(r.SD, r.HasCI), f(r.SE, r.HasCI), f(r.Lo, r.HasCI), f(r.Hi, r.HasCI)})
	}); err != nil {
		return files, err
	}
	if s.baseline >= 0 {
		base := s.plan.Arms[s.baseline]
		if err := write("contrasts.csv", head("arm", "baseline", "measure", "pairs", "paired_mean", "paired_se", "paired_ci_low", "paired_ci_high",
			"unpaired_mean", "unpaired_se", "unpaired_ci_low", "unpaired_ci_high", "width_ratio"), len(contrasts), func(i int) []string {
			r := contrasts[i]
			return slices.Concat(pointCols(r.Arm, r.Point), []string{base, r.Measure, strconv.Itoa(r.Paired.N)}, ivCols(r.Paired), ivCols(r.Unpaired), []string{f(r.WidthRatio, r.HasRatio)})
		}); err != nil {
			return files, err
		}
		if err := write("calibration.csv", head("arm", "z_measure", "runs", "abs_z_over_1.96", "rate", "rate_ci_low", "rate_ci_high"), len(calibration), func(i int) []string {
			r := calibration[i]
			return slices.Concat(pointCols(r.Arm, r.Point), []string{r.Series, strconv.Itoa(r.Runs), strconv.Itoa(r.Exceed), f(r.Rate, r.HasRate), f(r.Lo, r.HasRate), f(r.Hi, r.HasRate)})
		}); err != nil {
			return files, err
		}
	}
	if len(sensitivity) > 0 {
		if err := write("sensitivity.csv", []string{"arm", "parameter", "measure", "effects", "mu_star", "mu", "sigma"}, len(sensitivity), func(i int) []string {
			r := sensitivity[i]
			return []string{r.Arm, r.Parameter, r.Measure, strconv.Itoa(r.N), f(r.MuStar, r.N > 0), f(r.Mu, r.N > 0), f(r.Sigma, r.HasSigma)}
		}); err != nil {
			return files, err
		}
	}
	if opt.parquet {
		for _, t := range []struct{ csv, pq string }{{runsFile, "runs.parquet"}, {dailyFile, "daily.parquet"}} {
			if err := output.CSVToParquet(dir, t.csv, t.pq, s.columnKind); err != nil {
				return files, err
			}
			files = append(files, t.pq)
		}
	}
	if !opt.plots {
		return files, nil
	}
	tables := slices.Concat([]string{runsFile, failuresFile, dailyFile}, files)
	cs := &chart.Sweep{Name: s.sw.Name, Description: s.sw.Description, File: s.sw.File, Version: s.version,
		Arms: s.plan.Arms, Parameters: s.sw.Parameters, Points: s.plan.Points,
		Replicates: s.plan.Replicates, Runs: s.plan.Len(), Failed: s.plan.Len() - runs - opt.missing, Missing: opt.missing, Measures: s.figureMeasures(),
		Summary: summary, Contrasts: contrasts, Calibration: calibration, Sensitivity: sensitivity, Daily: bands.Rows(),
		Tables: tables, Command: "dropsim sweep " + shellQuote(s.sw.File), RingWidth: s.ringWidth, CellM: s.cellM}
	if s.baseline >= 0 {
		cs.Baseline = s.plan.Arms[s.baseline]
	}
	figs, err := chart.SweepFigures(context.Background(), cs, opt.formats)
	if err != nil {
		return files, fmt.Errorf("drawing the sweep's figures: %w", err)
	}
	figDir := filepath.Join(dir, output.FiguresDir)
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return files, err
	}
	for _, fig := range figs {
		for _, format := range opt.formats {
			name := fig.Name + "." + format
			if err := output.WriteBytes(figDir, name, fig.Data[format]); err != nil {
				return files, err
			}
			files = append(files, output.FiguresDir+"/"+name)
		}
	}
	html, err := chart.SweepReport(cs, figs)
	if err != nil {
		return files, fmt.Errorf("writing the sweep's report: %w", err)
	}
	if err := output.WriteBytes(dir, "report.html", html); err != nil {
		return files, err
	}
	return append(files, "report.html"), nil
}

// columnKind types the columns of runs.csv and daily.csv for Parquet.
func (s *sweepSetup) columnKind(col string) output.ColumnKind {
	switch {
	case col == "run_id" || col == "point" || col == "replicate" || col == "seed" || col == "day":
		return output.KindInt
	case col == "arm" || col == "metric" || col == "error":
		return output.KindString
	}
	if k := slices.Index(s.keys, col); k >= 0 {
		for _, pt := range s.plan.Points {
			if !pt.Levels[k].Numeric {
				return output.KindString
			}
		}
		if s.sw.Parameters[k].Integer {
			return output.KindInt
		}
		return output.KindFloat
	}
	return output.KindFloat // the measures, and daily.csv's value
}

// headlineMeasures are the measures a sweep draws when its file does not
// choose: displacement first, then what the market lost.
var headlineMeasures = []string{
	"drops_placed_wdq", "drops_placed_wdd", "drops_placed_Ra", "drops_placed_Ba", "drops_placed_Ca",
	"centroid_shift", "placed", "seized", "unmet", "not_found", "arrests_stasher", "revenue",
}

// figureMeasures are the measures drawn: the sweep file's choice in its
// order, or the headline measures.
func (s *sweepSetup) figureMeasures() []string {
	if s.sw.MeasuresGiven {
		return s.sw.Measures
	}
	return headlineMeasures
}
