package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"dropsim/cmd/internal/output"
	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// runFailedError: some runs of a sweep failed; the others are summarised.
type runFailedError struct {
	failed int
	dir    string
}

func (e runFailedError) Error() string {
	return fmt.Sprintf("%d %s failed: %s lists each with its seed and error (the summaries leave them out)", e.failed, plural(e.failed, "run", "runs"), filepath.Join(e.dir, failuresFile))
}

// failRun lets tests make a run fail.
var failRun = func(id int) error { return nil }

// execute plays the sweep's runs into dir and writes its summaries.
func (s *sweepSetup) execute(dir string, opt sweepOptions, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usagef("cannot make the output directory %s: %v", dir, err)
	}
	_, intr, release, err := lockWithSignals(dir)
	if err != nil {
		return err
	}
	defer release()

	man, done, failed, err := s.prepareDir(dir, opt)
	if err != nil {
		return err
	}
	cp := s.newCopies(opt.shard)
	if len(done) > 0 {
		if err := cp.index(dir); err != nil {
			return err
		}
	}
	runs, err := output.OpenStream(dir, runsFile, s.runsHeader())
	if err != nil {
		return err
	}
	defer runs.Close()
	failures, err := output.OpenStream(dir, failuresFile, s.failuresHeader())
	if err != nil {
		return err
	}
	defer failures.Close()
	daily, err := output.OpenStream(dir, dailyFile, s.dailyHeader())
	if err != nil {
		return err
	}
	defer daily.Close()
	man.Files = []string{runsFile, failuresFile, dailyFile, SweepManifestFile}
	if err := writeSweepManifest(dir, man); err != nil {
		return err
	}

	var todo []int
	for id := range s.plan.Len() {
		if !done[id] && opt.shard.has(id) {
			todo = append(todo, id)
		}
	}
	if len(done) > 0 {
		fmt.Fprintf(stderr, "dropsim: resuming %s: %d of %d runs done, %d to play\n", dir, len(done), man.Runs, len(todo))
	}
	keep := map[string]bool{}
	for _, m := range s.dailyMetrics() {
		keep[m] = true
	}
	prog := newProgress(man.Runs, len(done), s.sw.Name, stderr, opt.quiet)
	play := func(id int) runResult {
		r := s.plan.Run(id)
		if of := cp.of(r); of >= 0 {
			return runResult{copied: true, of: of}
		}
		if err := failRun(id); err != nil {
			return runResult{err: err}
		}
		p, err := s.sw.Params(r.Arm, s.plan.Points[r.Point].Levels)
		if err != nil {
			return runResult{err: err}
		}
		keepDir := ""
		if s.sw.KeepRuns {
			keepDir = filepath.Join(dir, "runs", strconv.Itoa(id))
			if err := os.MkdirAll(keepDir, 0o755); err != nil {
				return runResult{err: err}
			}
		}
		return playRun(p, r.Seed, keepDir, s.version)
	}
	emit := func(id int, res runResult) error {
		defer prog.add()
		r := s.plan.Run(id)
		if res.copied {
			f, err := cp.copyRows(r, res.of, runs, failures, daily)
			if f {
				failed++
			}
			return err
		}
		cells := s.runCells(r)
		var pr *playedRows
		if cp.keeps(r) {
			pr = &playedRows{}
			cp.rows[id] = pr
		}
		if res.err != nil {
			failed++
			if pr != nil {
				pr.failed, pr.err = true, firstLine(res.err)
			}
			return failures.Write(append(cells, firstLine(res.err)))
		}
		row := slices.Clone(cells)
		for _, v := range res.values {
			row = append(row, formatValue(v))
		}
		if pr != nil {
			pr.dailyFrom = daily.Offset()
		}
		for _, d := range res.daily {
			if keep[d.Metric] {
				if err := daily.Write(append(slices.Clone(cells), strconv.Itoa(d.Day), d.Metric, strconv.FormatFloat(d.Value, 'g', -1, 64))); err != nil {
					return err
				}
			}
		}
		if pr != nil {
			pr.dailyTo, pr.runFrom = daily.Offset(), runs.Offset()
		}
		if err := runs.Write(row); err != nil { // last: a run is done once its row is in runs.csv
			return err
		}
		if pr != nil {
			pr.runTo = runs.Offset()
		}
		return nil
	}
	err = sweep.Execute(intr.Context(), todo, opt.workers, play, emit)
	if prog.bar != nil {
		if b, ok := prog.bar.(interface{ Finish() error }); ok {
			b.Finish()
		}
	}
	man.Done = len(done) + int(prog.done.Load())
	man.Failed = failed
	if sig := intr.Signal(); sig != nil {
		man.Interrupted = fmt.Sprintf("interrupted by %s after %d of %d runs", sigName(sig), man.Done, man.Runs)
		if werr := writeSweepManifest(dir, man); werr != nil {
			return werr
		}
		return interruptedError{sig: sig, what: fmt.Sprintf("after %d of %d runs: every finished run is in %s; go on with: dropsim sweep %s -out %s -resume", man.Done, man.Runs, filepath.Join(dir, runsFile), s.sw.File, dir)}
	}
	if err != nil {
		return err
	}
	for _, st := range []*output.Stream{runs, failures, daily} {
		if err := st.Close(); err != nil {
			return err
		}
	}
	if opt.shard != nil {
		return s.finishShard(dir, man, failed, opt, stdout)
	}
	files, err := s.summarise(dir, opt)
	man.Files = slices.Concat([]string{runsFile, failuresFile, dailyFile}, files, []string{SweepManifestFile})
	if err != nil {
		return err
	}
	if sig := intr.Signal(); sig != nil {
		man.Interrupted = fmt.Sprintf("interrupted by %s while writing the summaries; dropsim sweep %s -out %s -resume writes them", sigName(sig), s.sw.File, dir)
		writeSweepManifest(dir, man)
		return interruptedError{sig: sig, what: "while writing the summaries: every run is in " + filepath.Join(dir, runsFile) + "; -resume writes the summaries"}
	}
	man.Complete, man.Interrupted = true, ""
	if err := writeSweepManifest(dir, man); err != nil {
		return err
	}
	a, pts, r := len(s.plan.Arms), len(s.plan.Points), s.plan.Replicates
	fmt.Fprintf(stdout, "%s: %d runs (%d %s x %d design %s x %d %s) in %s, %.1f s; %s\n",
		s.sw.Name, s.plan.Len(), a, plural(a, "arm", "arms"), pts, plural(pts, "point", "points"), r, plural(r, "replicate", "replicates"),
		dir, time.Since(man.Started).Seconds(), s.headline(dir))
	if failed > 0 {
		return runFailedError{failed: failed, dir: dir}
	}
	return nil
}

// prepareDir checks the output directory: a fresh one, an earlier sweep
// to resume (same fingerprint) or to replace (-force, its files only).
// It returns the manifest to write and the runs already done.
func (s *sweepSetup) prepareDir(dir string, opt sweepOptions) (*sweepManifest, map[int]bool, int, error) {
	man := &sweepManifest{Program: "dropsim", Version: s.version, Sweep: s.sw.Name, SweepFile: s.sw.File, Overrides: s.sw.Sets,
		Fingerprint: s.fingerprint, Runs: s.plan.Len(), Started: time.Now().UTC(), Shard: opt.shard}
	if opt.shard != nil {
		man.Runs = len(s.plan.ShardRuns(opt.shard.Index, opt.shard.Count))
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return nil, nil, 0, usagef("%s holds the results of a dropsim run (manifest.json); a sweep needs a directory of its own: give another -out", dir)
	}
	earlier, err := readSweepManifest(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		for _, f := range []string{runsFile, failuresFile, dailyFile} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				return nil, nil, 0, usagef("%s already has a %s that no sweep.json describes; dropsim leaves it alone: give another -out", dir, f)
			}
		}
		if opt.resume && opt.shard == nil {
			return nil, nil, 0, usagef("-resume: %s holds no sweep to resume (no %s); leave out -resume to start it", dir, SweepManifestFile)
		}
		return man, map[int]bool{}, 0, nil
	case err != nil:
		return nil, nil, 0, err
	}
	switch {
	case opt.resume:
		if earlier.Fingerprint != s.fingerprint {
			return nil, nil, 0, usagef("-resume: the sweep in %s was made by %s %s from a different sweep file, scenario or program (fingerprint %s, now %s); its runs cannot be combined with this sweep's: give another -out, or -force to replace it", dir, earlier.Program, earlier.Version, earlier.Fingerprint, s.fingerprint)
		}
		if !sameShard(earlier.Shard, opt.shard) {
			return nil, nil, 0, usagef("-resume: %s holds %s, not %s; give the -shard it was played with, or another -out", dir, shardName(earlier.Shard), shardName(opt.shard))
		}
		done, failed, err := s.done(dir, opt.shard)
		if err != nil {
			return nil, nil, 0, err
		}
		// A run's daily rows are written before its row in runs.csv: rows
		// of a run killed in between are cut, and written again with it.
		if err := output.CutStream(dir, dailyFile, s.dailyHeader(), func(rec []string) bool {
			id, err := strconv.Atoi(rec[0])
			return err != nil || !done[id]
		}); err != nil {
			return nil, nil, 0, err
		}
		man.Started = earlier.Started
		return man, done, failed, nil
	case opt.force:
		if err := removeListed(dir, earlier.Files, ""); err != nil {
			return nil, nil, 0, err
		}
		os.Remove(filepath.Join(dir, "figures")) // only if now empty
		if err := removeKeptRuns(filepath.Join(dir, "runs")); err != nil {
			return nil, nil, 0, err
		}
		return man, map[int]bool{}, 0, nil
	}
	state := "complete"
	if !earlier.Complete {
		state = fmt.Sprintf("interrupted after %d of %d runs", earlier.Done, earlier.Runs)
	}
	return nil, nil, 0, usagef("%s holds the sweep %q (%s); give -resume to go on with it, -force to replace its files, or another -out", dir, earlier.Sweep, state)
}

// removeListed removes from dir the files an earlier sweep's manifest
// lists, but keep: only the names a sweep writes (its tables, report and
// manifest, and figures/), never a path out of dir.
func removeListed(dir string, files []string, keep string) error {
	for _, f := range files {
		if f != filepath.Base(f) && !isSweepFigure(f) || f == "" || f == keep {
			continue
		}
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// isSweepFigure is a file sweep writes in figures/.
func isSweepFigure(f string) bool {
	dir, name := filepath.Split(f)
	return dir == "figures/" && name != "" && name != "." && name != ".."
}

// headline names, for the terminal, the summaries a sweep wrote.
func (s *sweepSetup) headline(dir string) string {
	if s.baseline >= 0 {
		return "summary.csv, contrasts.csv, calibration.csv, report.html: see " + dir
	}
	return "summary.csv, report.html: see " + dir
}

// parseValue reads a runs.csv cell back: empty is undefined.
func parseValue(cell string) (metrics.Value, error) {
	if cell == "" {
		return metrics.Value{}, nil
	}
	v, err := strconv.ParseFloat(cell, 64)
	return metrics.Value{V: v, Defined: err == nil}, err
}

// removeKeptRuns removes the runs an earlier sweep kept (keep_runs) in
// runs/: in each folder named by a run id, the files its manifest lists
// and the scenario it wrote, then the folder and runs/ if that empties
// them. Anything else in runs/ stays.
func removeKeptRuns(runs string) error {
	entries, err := os.ReadDir(runs)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil || !e.IsDir() {
			continue
		}
		d := filepath.Join(runs, e.Name())
		man, err := output.ReadManifest(d)
		if err != nil || man.Program != "dropsim" {
			continue // not a run dropsim kept: left alone
		}
		for _, f := range man.Files {
			if f != filepath.Base(f) {
				continue // a kept run lists local names only
			}
			if err := os.Remove(filepath.Join(d, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		os.Remove(d) // only if now empty
	}
	os.Remove(runs)
	return nil
}
