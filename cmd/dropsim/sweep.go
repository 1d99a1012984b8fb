package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"

	"dropsim/cmd/internal/output"
	"dropsim/cmd/internal/scenario"
	"dropsim/sim"
	"dropsim/sim/metrics"
	"dropsim/sim/sweep"
)

// SweepManifestFile records a sweep: its fingerprint (what -resume checks),
// its progress and the files written.
const SweepManifestFile = "sweep.json"

// sweepManifest is sweep.json.
type sweepManifest struct {
	Program     string    `json:"program"`
	Version     string    `json:"version"`
	Sweep       string    `json:"sweep"`
	SweepFile   string    `json:"sweep_file"`
	Overrides   []string  `json:"overrides,omitempty"`
	Fingerprint string    `json:"fingerprint"`
	Runs        int       `json:"runs"`
	Done        int       `json:"runs_done"`
	Failed      int       `json:"runs_failed"`
	Complete    bool      `json:"complete"`
	Interrupted string    `json:"interrupted,omitempty"`
	Started     time.Time `json:"started"`
	WallSeconds float64   `json:"wall_seconds"`
	Files       []string  `json:"files"`
	// Shard is set in a shard's folder (dropsim sweep -shard): its runs are
	// those of the sweep's that fall to it. MergedFrom is set by dropsim
	// merge: the shard folders it read, under shards/.
	Shard      *shardSpec `json:"shard,omitempty"`
	MergedFrom []string   `json:"merged_from,omitempty"`
	Missing    []string   `json:"missing_shards,omitempty"`
}

// The tables a sweep streams, row by row, as its runs finish.
const (
	runsFile     = "runs.csv"
	failuresFile = "failures.csv"
	dailyFile    = "daily.csv"
)

// sweepSetup is a sweep file made ready to run: its plan, fingerprint and
// the columns of its tables.
type sweepSetup struct {
	sw          *scenario.Sweep
	plan        *sweep.Plan
	fingerprint string
	keys        []string // the varied parameters' keys
	baseline    int
	version     string
	// The distance rings' width in cells and the city's cell size in
	// metres, for the rings figure: 0 when they differ between the runs.
	ringWidth int
	cellM     float64
}

// runColumns are the columns that say which run a row belongs to.
func (s *sweepSetup) runColumns() []string {
	return slices.Concat([]string{"run_id", "arm", "point", "replicate", "seed"}, s.keys)
}

// runCells are a run's values of runColumns.
func (s *sweepSetup) runCells(r sweep.Run) []string {
	cells := []string{strconv.Itoa(r.ID), s.plan.Arms[r.Arm], strconv.Itoa(r.Point), strconv.Itoa(r.Replicate), strconv.FormatUint(r.Seed, 10)}
	return append(cells, s.levelCells(r.Point, r.Arm)...)
}

// levelCells are the levels of a design point, as applied to an arm: a
// parameter that does not apply to the arm has an empty cell.
func (s *sweepSetup) levelCells(point, arm int) []string {
	var cells []string
	for k, lv := range s.plan.Points[point].Levels {
		if arm >= 0 && !s.sw.Parameters[k].AppliesTo(s.plan.Arms[arm]) {
			cells = append(cells, "")
			continue
		}
		cells = append(cells, levelCell(lv))
	}
	return cells
}

// levelCell is a level as a table holds it: text without its quotes.
func levelCell(lv sweep.Level) string {
	if s, err := strconv.Unquote(lv.Text); err == nil {
		return s
	}
	return lv.Text
}

func (s *sweepSetup) runsHeader() []string {
	return slices.Concat(s.runColumns(), metrics.RunMeasureNames)
}

// streamTable is a table a sweep streams, with its header.
type streamTable struct {
	name   string
	header []string
}

// streamTables are runs.csv, failures.csv and daily.csv, in that order.
func (s *sweepSetup) streamTables() []streamTable {
	return []streamTable{{runsFile, s.runsHeader()}, {failuresFile, s.failuresHeader()}, {dailyFile, s.dailyHeader()}}
}

func (s *sweepSetup) failuresHeader() []string {
	return append(s.runColumns(), "error")
}
func (s *sweepSetup) dailyHeader() []string {
	return slices.Concat(s.runColumns(), []string{"day", "metric", "value"})
}

// dailyMetrics are the daily metrics daily.csv keeps: every one with
// keep_daily, else those drawn.
func (s *sweepSetup) dailyMetrics() []string {
	if s.sw.KeepDaily {
		return metrics.DailyMetrics
	}
	return s.sw.DailyFigures
}

// setUpSweep loads a sweep file, makes its design and checks that every
// arm resolves at every design point, before any run.
func setUpSweep(path string, sets []string) (*sweepSetup, error) {
	sw, err := scenario.LoadSweep(path, sets)
	if err != nil {
		return nil, err
	}
	points, err := sweep.Points(sw.Design, sw.Parameters)
	if err != nil {
		return nil, usagef("%s: %v", path, err)
	}
	s := &sweepSetup{sw: sw, baseline: -1, version: version()}
	s.plan = &sweep.Plan{Points: points, Replicates: sw.Replicates, BaseSeed: sw.Seed}
	for i, a := range sw.Arms {
		s.plan.Arms = append(s.plan.Arms, a.Name)
		if a.Name == sw.Baseline {
			s.baseline = i
		}
	}
	for _, p := range sw.Parameters {
		s.keys = append(s.keys, p.Key)
	}
	// The fingerprint: the program and every resolved scenario of the
	// plan, so that -resume refuses a changed sweep file, scenario or
	// program.
	h := sha256.New()
	fmt.Fprintf(h, "dropsim %s\nruns %d replicates %d seed %d keep_runs %v daily %q\n", s.version, s.plan.Len(), sw.Replicates, sw.Seed, sw.KeepRuns, s.dailyMetrics())
	for pt := range points {
		for a := range sw.Arms {
			p, err := sw.Params(a, points[pt].Levels)
			if err != nil {
				return nil, usagef("%s: arm %q at design point %d (%s): %v", path, sw.Arms[a].Name, pt, describePoint(s, pt, a), err)
			}
			if pt == 0 && a == 0 {
				s.ringWidth, s.cellM = p.Zones.RingWidth, p.City.CellM
			}
			if p.Zones.RingWidth != s.ringWidth {
				s.ringWidth = 0
			}
			if p.City.CellM != s.cellM {
				s.cellM = 0
			}
			fmt.Fprintf(h, "arm %d point %d\n", a, pt)
			if err := scenario.Encode(h, p); err != nil {
				return nil, err
			}
		}
	}
	s.fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
	return s, nil
}

// describePoint says a design point's levels: "police.group[1].count = 10".
func describePoint(s *sweepSetup, point, arm int) string {
	if len(s.keys) == 0 {
		return "no parameters varied"
	}
	var parts []string
	for k, c := range s.levelCells(point, arm) {
		if c != "" {
			parts = append(parts, s.keys[k]+" = "+c)
		}
	}
	if len(parts) == 0 {
		return "no parameter applies to this arm"
	}
	return strings.Join(parts, ", ")
}

const sweepUsage = "SWEEP [-workers N] [-out DIR] [-resume] [-force] [-shard I/N] [-set key=value ...] [-format csv|parquet] [-no-plots] [-formats png,svg,pdf] [-q] [-explain RUN_ID]"

func cmdSweep(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sweep", sweepUsage, "dropsim sweep scenarios/sweep-patrols.toml -workers 8", stderr)
	workers := fs.Int("workers", runtime.NumCPU(), "runs played at once, each on its own model (the files do not depend on it)")
	out := fs.String("out", "", "output directory (default: outputs/<sweep name>)")
	resume := fs.Bool("resume", false, "go on with an interrupted sweep in the output directory: runs already in runs.csv and failures.csv are not played again")
	force := fs.Bool("force", false, "replace an earlier sweep's results in the output directory (only the files its sweep.json lists; nothing else is touched)")
	quiet := fs.Bool("q", false, "no progress bar or progress lines")
	explain := -1
	fs.Func("explain", "print the command (dropsim run ...) that plays run `RUN_ID` of the sweep alone, and exit", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a run id: give a whole number, 0 or more (runs.csv's run_id)", v)
		}
		explain = n
		return nil
	})
	var shard *shardSpec
	fs.Func("shard", "play only shard `I/N` of the sweep (the runs whose run_id is I modulo N) into OUT/shards/I-of-N, to be merged by dropsim merge OUT; with -resume it goes on with what the shard's folder holds, or starts it", func(v string) error {
		sh, err := parseShard(v)
		shard = &sh
		return err
	})
	format := fs.String("format", "csv", "table format: csv, or parquet to write runs and daily as Parquet too")
	noPlots := fs.Bool("no-plots", false, "tables only: no figures or report")
	formatList := fs.String("formats", "png,svg,pdf", "figure formats, a comma-separated list of png, svg, pdf")
	sets := addSets(fs)
	path, err := parse(fs, args, "sweep file")
	if err != nil {
		return err
	}
	if *workers < 1 {
		return usagef("-workers %d: give 1 or more runs at once", *workers)
	}
	if *format != "csv" && *format != "parquet" {
		return usagef("-format %q: give csv or parquet", *format)
	}
	formats, err := parseFormats(*formatList)
	if err != nil {
		return err
	}
	s, err := setUpSweep(path, *sets)
	if err != nil {
		return err
	}
	if explain >= 0 {
		if explain >= s.plan.Len() {
			return usagef("-explain %d: the sweep has runs 0 to %d", explain, s.plan.Len()-1)
		}
		fmt.Fprintln(stdout, s.explain(explain))
		return nil
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("outputs", s.sw.Name)
	}
	opt := sweepOptions{workers: *workers, resume: *resume, force: *force, quiet: *quiet,
		parquet: *format == "parquet", plots: !*noPlots, formats: formats, shard: shard}
	if shard != nil {
		if shard.Count > s.plan.Len() {
			return usagef("-shard %s: the sweep has %d runs, so %d shards would leave some empty; give at most %d shards", shard, s.plan.Len(), shard.Count, s.plan.Len())
		}
		opt.out, dir = dir, shardDir(dir, *shard)
	}
	return s.execute(dir, opt, stdout, stderr)
}

type sweepOptions struct {
	workers                     int
	resume, force, quiet, plots bool
	parquet                     bool
	formats                     []string
	shard                       *shardSpec // play one shard (its folder is the dir given to execute)
	out                         string     // with a shard: the sweep's output directory
	missing                     int        // runs a partial merge does not have
}

// explain is the dropsim run command that plays run id alone.
func (s *sweepSetup) explain(id int) string {
	r := s.plan.Run(id)
	arm := s.sw.Arms[r.Arm]
	args := []string{"dropsim", "run", arm.Scenario, "-seed", strconv.FormatUint(r.Seed, 10)}
	for _, set := range s.runSets(r) {
		args = append(args, "-set", set)
	}
	args = append(args, "-out", filepath.Join("outputs", fmt.Sprintf("%s-run%d", s.sw.Name, id)))
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// runSets are the overrides that turn run r's arm scenario into the run:
// the arm's, the command line's, the design point's, and the zones shared
// by the sweep's arms.
func (s *sweepSetup) runSets(r sweep.Run) []string {
	levels := s.plan.Points[r.Point].Levels
	sets := s.sw.Overrides(r.Arm, levels)
	p, err := s.sw.Params(r.Arm, levels)
	if err != nil {
		return sets // cannot happen: setUpSweep resolved every arm at every point
	}
	return append(sets, zoneSets(p.Zones)...)
}

// zoneSets writes zone parameters as overrides, every key, so that the
// run gets the sweep's zones whatever its own file says.
func zoneSets(z sim.ZoneParams) []string {
	list := func(xs []int) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = strconv.Itoa(x)
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	poly := make([]string, len(z.Polygon))
	for i, v := range z.Polygon {
		poly[i] = list(v)
	}
	return []string{
		"zones.treatment=" + list(z.Treatment), "zones.polygon=[" + strings.Join(poly, ",") + "]", "zones.group=" + strconv.Quote(z.Group),
		"zones.buffer_width=" + strconv.Itoa(z.BufferWidth), "zones.control=" + list(z.Control), "zones.control_method=" + strconv.Quote(z.ControlMethod),
		"zones.control_gap=" + strconv.Itoa(z.ControlGap), "zones.ring_width=" + strconv.Itoa(z.RingWidth), "zones.rings=" + strconv.Itoa(z.Rings),
		"zones.buffer_control=" + list(z.BufferControl), "zones.split_day=" + strconv.Itoa(z.SplitDay), "zones.gap_days=" + strconv.Itoa(z.GapDays),
		"zones.before_days=" + strconv.Itoa(z.BeforeDays), "zones.after_days=" + strconv.Itoa(z.AfterDays),
	}
}

// done reads which runs an earlier, interrupted sweep finished, from its
// runs.csv and failures.csv, checking that each row is the run of this
// plan it says it is.
func (s *sweepSetup) done(dir string, shard *shardSpec) (map[int]bool, int, error) {
	done := map[int]bool{}
	failed := 0
	for _, t := range s.streamTables()[:2] { // runs.csv and failures.csv
		if _, err := os.Stat(filepath.Join(dir, t.name)); errors.Is(err, os.ErrNotExist) {
			continue
		}
		err := output.ReadStream(dir, t.name, t.header, func(line int, rec []string) error {
			id, err := strconv.Atoi(rec[0])
			if err != nil || id < 0 || id >= s.plan.Len() || done[id] || !shard.has(id) {
				return usagef("%s line %d: run_id %q is not a run of this sweep%s, or appears twice; the table was changed after the sweep wrote it", filepath.Join(dir, t.name), line, rec[0], shard.of())
			}
			if want := s.runCells(s.plan.Run(id)); !slices.Equal(rec[:len(want)], want) {
				return usagef("%s line %d: run %d is recorded as %s, but this sweep's run %d is %s; the table was changed after the sweep wrote it", filepath.Join(dir, t.name), line, id, strings.Join(rec[:len(want)], ","), id, strings.Join(want, ","))
			}
			done[id] = true
			if t.name == failuresFile {
				failed++
			}
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	return done, failed, nil
}

func readSweepManifest(dir string) (*sweepManifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, SweepManifestFile))
	if err != nil {
		return nil, err
	}
	var m sweepManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, usagef("%s: %v; it was not written by dropsim sweep", filepath.Join(dir, SweepManifestFile), err)
	}
	return &m, nil
}

func writeSweepManifest(dir string, m *sweepManifest) error {
	m.WallSeconds = time.Since(m.Started).Seconds()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return output.WriteBytes(dir, SweepManifestFile, append(data, '\n'))
}

// progress reports runs done: a bar on a terminal, a line every 10% (or
// every minute) otherwise.
type progress struct {
	total, base int
	done        atomic.Int64
	start, last time.Time
	w           io.Writer
	bar         interface{ Add(int) error }
	quiet       bool
	nextPct     int
}

func newProgress(total, already int, name string, w io.Writer, quiet bool) *progress {
	p := &progress{total: total, base: already, start: time.Now(), last: time.Now(), w: w, quiet: quiet}
	if f, ok := w.(*os.File); ok && !quiet {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			// runs done, runs per second and the time left
			p.bar = progressbar.NewOptions(total-already, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(name),
				progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("runs"),
				progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		}
	}
	p.nextPct = 10
	return p
}

func (p *progress) add() {
	n := int(p.done.Add(1))
	if p.quiet {
		return
	}
	if p.bar != nil {
		p.bar.Add(1)
		return
	}
	all := p.base + n
	pct := 100 * all / p.total
	if pct < p.nextPct && time.Since(p.last) < time.Minute && all < p.total {
		return
	}
	p.nextPct = pct/10*10 + 10
	p.last = time.Now()
	el := time.Since(p.start).Seconds()
	rate := float64(n) / el
	left := ""
	if rate > 0 && all < p.total {
		left = fmt.Sprintf(", about %s left", time.Duration(float64(p.total-all)/rate*float64(time.Second)).Round(time.Second))
	}
	fmt.Fprintf(p.w, "dropsim: %d of %d runs (%d%%), %.2f runs/s%s\n", all, p.total, pct, rate, left)
}
