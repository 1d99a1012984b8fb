package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"dropsim/cmd/internal/output"
)

// dropsim merge OUT: the shards that dropsim sweep -shard I/N played into
// OUT/shards/ become one sweep output in OUT, with the files a sweep on
// one machine writes: runs.csv, failures.csv and daily.csv in run-id
// order, byte for byte as that sweep writes them, then the summaries,
// figures and report computed from them.

const mergeUsage = "OUT [-partial] [-sweep FILE] [-format csv|parquet] [-no-plots] [-formats png,svg,pdf]"

func cmdMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", mergeUsage, "dropsim merge outputs/sweep-patrols", stderr)
	partial := fs.Bool("partial", false, "merge the shards that are there and complete, and summarise their runs, even when others are missing or unfinished (the manifest says which)")
	sweepFile := fs.String("sweep", "", "the sweep file, when it is no longer where the shards were played from (default: the path their sweep.json records)")
	format := fs.String("format", "csv", "table format: csv, or parquet to write runs and daily as Parquet too")
	noPlots := fs.Bool("no-plots", false, "tables only: no figures or report")
	formatList := fs.String("formats", "png,svg,pdf", "figure formats, a comma-separated list of png, svg, pdf")
	dir, err := parse(fs, args, "sweep output directory")
	if err != nil {
		return err
	}
	if *format != "csv" && *format != "parquet" {
		return usagef("-format %q: give csv or parquet", *format)
	}
	formats, err := parseFormats(*formatList)
	if err != nil {
		return err
	}
	shards, err := findShards(dir)
	if err != nil {
		return err
	}
	first := shards[0].man
	file := first.SweepFile
	if *sweepFile != "" {
		file = *sweepFile
	}
	s, err := setUpSweep(file, first.Overrides)
	if err != nil {
		return fmt.Errorf("reading the sweep the shards were played from: %w (give its path with -sweep)", err)
	}
	if s.fingerprint != first.Fingerprint {
		return usagef("%s is not the sweep the shards in %s were played from (fingerprint %s, the shards' %s): the sweep file, a scenario it names or the program changed since; merge with the dropsim that played them, or play the shards again", file, filepath.Join(dir, "shards"), s.fingerprint, first.Fingerprint)
	}
	missing, unfinished := shardGaps(shards)
	if (len(missing) > 0 || len(unfinished) > 0) && !*partial {
		return usagef("%s cannot be merged yet: %s; play them (dropsim sweep %s -shard I/%d -out %s -resume, or on Slurm sbatch --array=%s %s), then merge again, or merge what is there with -partial",
			dir, describeGaps(missing, unfinished, first.Shard.Count), shellQuote(s.sw.File), first.Shard.Count, shellQuote(dir),
			strings.Join(slices.Concat(missing, unfinished), ","), filepath.Join(dir, "slurm", slurmShardsScript))
	}
	return s.merge(dir, shards, missing, unfinished, sweepOptions{parquet: *format == "parquet", plots: !*noPlots, formats: formats}, stdout)
}

// playedShard is a shard folder found under OUT/shards.
type playedShard struct {
	dir string
	man *sweepManifest
}

// findShards reads every folder under OUT/shards and checks that they are
// shards of one sweep, each at most once.
func findShards(dir string) ([]playedShard, error) {
	root := filepath.Join(dir, "shards")
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, usagef("%s holds no shards (no folder %s): play them first with dropsim sweep SWEEP -shard I/N -out %s", dir, root, shellQuote(dir))
	}
	if err != nil {
		return nil, err
	}
	var shards []playedShard
	seen := map[shardSpec]string{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		d := filepath.Join(root, e.Name())
		man, err := readSweepManifest(d)
		if errors.Is(err, os.ErrNotExist) {
			return nil, usagef("%s has no %s: it is not a shard that dropsim sweep -shard wrote; move it out of %s", d, SweepManifestFile, root)
		}
		if err != nil {
			return nil, err
		}
		if man.Shard == nil {
			return nil, usagef("%s holds a whole sweep, not a shard (its %s names no shard); move it out of %s", d, SweepManifestFile, root)
		}
		if len(shards) > 0 {
			f := shards[0]
			if man.Fingerprint != f.man.Fingerprint {
				return nil, usagef("%s is a shard of another sweep than %s (fingerprint %s from %s %s, against %s from %s %s): shards of different sweeps or program versions cannot be merged; move the foreign one out of %s",
					d, f.dir, man.Fingerprint, man.SweepFile, man.Version, f.man.Fingerprint, f.man.SweepFile, f.man.Version, root)
			}
			if man.Shard.Count != f.man.Shard.Count {
				return nil, usagef("%s is shard %s but %s is shard %s: a sweep is merged from shards of one split; move the other split's folders out of %s", d, man.Shard, f.dir, f.man.Shard, root)
			}
		}
		if other, ok := seen[*man.Shard]; ok {
			return nil, usagef("%s and %s both hold shard %s: a shard is merged once; move the duplicate out of %s", other, d, man.Shard, root)
		}
		seen[*man.Shard] = d
		shards = append(shards, playedShard{dir: d, man: man})
	}
	if len(shards) == 0 {
		return nil, usagef("%s holds no shards: play them first with dropsim sweep SWEEP -shard I/N -out %s", root, shellQuote(dir))
	}
	slices.SortFunc(shards, func(a, b playedShard) int { return a.man.Shard.Index - b.man.Shard.Index })
	return shards, nil
}

// shardGaps lists the shards of the split that are not there, and those
// that are but did not finish (a task killed or timed out).
func shardGaps(shards []playedShard) (missing, unfinished []string) {
	have := map[int]bool{}
	for _, sh := range shards {
		have[sh.man.Shard.Index] = true
		if !sh.man.Complete {
			unfinished = append(unfinished, strconv.Itoa(sh.man.Shard.Index))
		}
	}
	for i := range shards[0].man.Shard.Count {
		if !have[i] {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	return missing, unfinished
}

func describeGaps(missing, unfinished []string, n int) string {
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s of %d %s missing", plural(len(missing), "shard", "shards"), strings.Join(missing, ", "), n, plural(len(missing), "is", "are")))
	}
	if len(unfinished) > 0 {
		parts = append(parts, fmt.Sprintf("%s %s did not finish (%s says so)", plural(len(unfinished), "shard", "shards"), strings.Join(unfinished, ", "), SweepManifestFile))
	}
	return strings.Join(parts, ", and ")
}

// rowSpan is where a run's rows are in one shard's table.
type rowSpan struct {
	shard    int
	from, to int64
}

// merge writes the shards' tables into dir in run-id order and the
// summaries from them.
func (s *sweepSetup) merge(dir string, shards []playedShard, missing, unfinished []string, opt sweepOptions, stdout io.Writer) error {
	_, intr, release, err := lockWithSignals(dir)
	if err != nil {
		return err
	}
	defer release()
	start := time.Now()
	man, err := s.prepareMergeDir(dir, shards, missing)
	if err != nil {
		return err
	}
	failed, runs := 0, 0
	tables := s.streamTables()
	spans := make([][]rowSpan, len(tables)) // by table, then run id
	for i := range spans {
		spans[i] = make([]rowSpan, s.plan.Len())
	}
	for k, sh := range shards {
		done, f, err := s.done(sh.dir, sh.man.Shard) // every row is a run of this sweep and of this shard, once
		if err != nil {
			return err
		}
		failed += f
		runs += len(done) - f
		for i, t := range tables {
			sp := spans[i]
			err := output.ReadStreamAt(sh.dir, t.name, t.header, func(_ int, rec []string, from, to int64) error {
				id, _ := strconv.Atoi(rec[0]) // checked by done
				if t.name == dailyFile && !done[id] {
					return nil // the daily rows of a run killed before its row in runs.csv
				}
				if sp[id].to == 0 {
					sp[id] = rowSpan{shard: k, from: from, to: to}
				}
				sp[id].to = to // a run's daily rows are one block
				return nil
			})
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	for i, t := range tables {
		if err := copySpans(dir, t.name, t.header, shards, spans[i]); err != nil {
			return err
		}
	}
	if sig := intr.Signal(); sig != nil {
		return interruptedError{sig: sig, what: "while merging; the shards are untouched: merge again"}
	}
	opt.missing = s.plan.Len() - runs - failed
	files, err := s.summarise(dir, opt)
	man.Files = slices.Concat([]string{runsFile, failuresFile, dailyFile}, files, []string{SweepManifestFile})
	if err != nil {
		return err
	}
	man.Done, man.Failed = runs+failed, failed
	man.Complete = len(missing) == 0 && len(unfinished) == 0 && man.Done == man.Runs
	if err := writeSweepManifest(dir, man); err != nil { // its wall_seconds: from the first shard's start
		return err
	}
	state := fmt.Sprintf("%d shards", len(shards))
	if !man.Complete {
		state = fmt.Sprintf("%d shards, partial: %d of %d runs (%s)", len(shards), man.Done, man.Runs, describeGaps(missing, unfinished, shards[0].man.Shard.Count))
	}
	fmt.Fprintf(stdout, "%s: merged %s into %s, %.1f s; %s\n", s.sw.Name, state, dir, time.Since(start).Seconds(), s.headline(dir))
	if failed > 0 {
		return runFailedError{failed: failed, dir: dir}
	}
	return nil
}

// prepareMergeDir checks that dir holds no files of its own other than an
// earlier merge's, whose files it removes (the shards may have changed:
// a failed one played again). It returns the manifest to write.
func (s *sweepSetup) prepareMergeDir(dir string, shards []playedShard, missing []string) (*sweepManifest, error) {
	first := shards[0].man
	man := &sweepManifest{Program: "dropsim", Version: s.version, Sweep: s.sw.Name, SweepFile: s.sw.File, Overrides: s.sw.Sets,
		Fingerprint: s.fingerprint, Runs: s.plan.Len(), Started: first.Started, Missing: missing}
	for _, sh := range shards {
		man.MergedFrom = append(man.MergedFrom, filepath.Join("shards", filepath.Base(sh.dir)))
		if sh.man.Started.Before(man.Started) {
			man.Started = sh.man.Started
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return nil, usagef("%s holds the results of a dropsim run (manifest.json); merge the shards into a directory of their own", dir)
	}
	earlier, err := readSweepManifest(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		for _, f := range []string{runsFile, failuresFile, dailyFile, "summary.csv", "report.html"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				return nil, usagef("%s already has a %s that no sweep.json describes; dropsim leaves it alone: move it, then merge again", dir, f)
			}
		}
		return man, nil
	case err != nil:
		return nil, err
	case len(earlier.MergedFrom) == 0:
		return nil, usagef("%s holds the sweep %q played on one machine, not a merge of shards; merge the shards in a directory of their own", dir, earlier.Sweep)
	}
	// sweep.json stays until the new one replaces it, so that a merge
	// stopped half-way is still known as a merge.
	return man, removeListed(dir, earlier.Files, SweepManifestFile)
}

// copySpans writes table name into dir: its header, then each run's rows,
// in run-id order, copied byte for byte from the shard that played it.
func copySpans(dir, name string, header []string, shards []playedShard, spans []rowSpan) error {
	files := make([]*os.File, len(shards))
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	var head []byte
	for k, sh := range shards {
		f, err := os.Open(filepath.Join(sh.dir, name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		files[k] = f
		if head == nil {
			line, err := bufio.NewReader(f).ReadBytes('\n')
			if err != nil {
				return fmt.Errorf("%s: %w", filepath.Join(sh.dir, name), err)
			}
			head = line
		}
	}
	if head == nil { // no shard has the table: the header alone, as a sweep writes it
		return output.WriteFile(dir, name, func(w *bufio.Writer) error {
			cw := csv.NewWriter(w)
			cw.Write(header)
			cw.Flush()
			return cw.Error()
		})
	}
	return output.WriteFile(dir, name, func(w *bufio.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		for _, sp := range spans {
			if sp.to == 0 {
				continue
			}
			if _, err := io.Copy(w, io.NewSectionReader(files[sp.shard], sp.from, sp.to-sp.from)); err != nil {
				return err
			}
		}
		return nil
	})
}
