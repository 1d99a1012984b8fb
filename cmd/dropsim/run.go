package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"dropsim/cmd/internal/chart"
	"dropsim/cmd/internal/output"
	"dropsim/sim"
)

// interruptedError: a signal stopped the run (or plot); the exit code is
// 128 plus the signal's number, as shells report a process killed by it.
type interruptedError struct {
	sig  os.Signal
	what string // what was stopped and what the directory holds now
}

func (e interruptedError) Error() string {
	return fmt.Sprintf("interrupted by %s %s", sigName(e.sig), e.what)
}

func (e interruptedError) ExitCode() int { return exitCode(e.sig) }

// engineError is a panic in the engine: a bug, reported with what it
// takes to reproduce it.
type engineError struct {
	scenario, file string
	seed           uint64
	tick, tpd      int
	panic          any
	stack          []byte
}

func (e *engineError) Error() string {
	return fmt.Sprintf("internal error in the engine at tick %d (day %d) of scenario %q (%s) with seed %d: %v. This is a bug in dropsim: please report it with the scenario file, the seed and this message.\n%s",
		e.tick, e.tick/e.tpd, e.scenario, e.file, e.seed, e.panic, strings.TrimSpace(string(e.stack)))
}

// simulate steps m to the end of the run, or until ctx is cancelled,
// after which it ends the run at the end of the current tick (stopped is
// then true). A panic in the engine comes back as an *engineError.
func simulate(ctx context.Context, m *sim.Model, sink sim.Sink, onTick func()) (stopped bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &engineError{scenario: m.P.Name, seed: m.Seed, tick: m.Tick(), tpd: m.P.TicksPerDay(), panic: r, stack: debug.Stack()}
		}
	}()
	for !m.Done() && !stopped {
		m.Step(sink)
		onTick()
		stopped = ctx.Err() != nil
	}
	m.Finish(sink)
	return stopped, nil
}

// beforeClear is called just before an earlier run's files are
// replaced; tests send signals from it.
var beforeClear = func(*interrupts) {}

// forceHelp is the help of -force, and says exactly what it replaces.
const forceHelp = "replace the results of an earlier run in the output directory: the files its manifest.json lists, " +
	"dropsim's fixed output names (the tables, measures, GIS files, report.html, manifest.json), " +
	"the figures dropsim writes in figures/, and temporary files of a killed run; every other file and folder stays"

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "SCENARIO [-set KEY=VALUE]... [-seed N] [-out DIR] [-force] [-no-plots] [-formats png,svg,pdf] [-q]", "dropsim run scenarios/crackdown.toml -set 'police.group[1].count=40' -seed 7 -out outputs/crackdown-seed7", stderr)
	overrides := addSets(fs)
	seed := fs.Uint64("seed", 0, "random seed (default: the scenario's seed)")
	out := fs.String("out", "", "output directory (default: outputs/<scenario name>)")
	force := fs.Bool("force", false, forceHelp)
	quiet := fs.Bool("q", false, "no progress bar")
	noPlots := fs.Bool("no-plots", false, "write tables, measures and GIS files only: no figures, animation or report")
	formatList := fs.String("formats", "png,svg,pdf", "figure formats, a comma-separated list of png, svg, pdf")
	anyMemory := fs.Bool("skip-memory-check", false, "run even if the estimate of the memory the run needs exceeds what this machine has available")
	path, p, err := load(fs, args, overrides)
	if err != nil {
		return err
	}
	formats, err := parseFormats(*formatList)
	if err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "seed" {
			p.Seed = *seed
		}
	})
	dir := *out
	if dir == "" {
		dir = filepath.Join("outputs", p.Name)
	}
	// A directory that holds results is refused now, before the world is
	// built; it is checked again under the lock before anything changes.
	if _, err := earlierRun(dir, *force); err != nil {
		return err
	}
	if !*anyMemory {
		if err := checkMemory(path, p, !*noPlots); err != nil {
			return err
		}
	}
	m, err := sim.New(p, p.Seed)
	if err != nil {
		return err
	}
	zones := p.BuildZones(m.G.Class)

	// From here on the signals are handled: nothing has changed on disk yet.
	d, intr, release, err := lockWithSignals(dir)
	if err != nil {
		return err
	}
	defer release()
	earlier, err := earlierRun(dir, *force)
	if err != nil {
		return err
	}
	beforeClear(intr)
	if sig := intr.Signal(); sig != nil {
		return interruptedError{sig: sig, what: "before the run started: nothing in " + dir + " was changed"}
	}
	if err := replaceEarlier(d, earlier, stderr); err != nil {
		return err
	}

	rec, err := output.NewRecorder(dir, p.TicksPerDay(), zones)
	if err != nil {
		return err
	}
	start := time.Now()
	man := output.Manifest{Program: "dropsim", Version: version(), Scenario: p.Name, ScenarioFile: path,
		Overrides: *overrides, Seed: p.Seed, Started: start.UTC(), Days: p.Days, Params: p}
	bar := newBar(p.Days, p.Name, stderr, *quiet)
	tpd := p.TicksPerDay()
	stopped, err := simulate(intr.Context(), m, rec, func() {
		if m.Tick()%tpd == 0 {
			bar.Add(1)
		}
	})
	bar.Finish()
	if err != nil {
		rec.Abort()
		if ee, ok := err.(*engineError); ok {
			ee.file = path
		}
		man.Error, man.Ticks = firstLine(err), m.Tick()
		man.Files = []string{"manifest.json"}
		output.WriteManifest(dir, man) // the run failed anyway; the manifest records why
		return err
	}
	if err := rec.Close(); err != nil {
		return err
	}
	files := slices.Clone(output.TableFiles)
	if agents, links := m.Evidence(); hasNetwork(p) {
		written, err := output.WriteNetwork(dir, rec, agents, links)
		files = append(files, written...)
		if err != nil {
			return err
		}
	}
	land, err := output.WriteLandUse(dir, &p, m.G.Class)
	if err != nil {
		return err
	}
	files = append(files, land...)
	simSeconds := time.Since(start).Seconds()
	tot := m.Totals()
	man.Ticks, man.Counts = tot.Ticks, tot
	man.TablesDone = !stopped
	if stopped {
		sig := intr.Signal()
		man.Interrupted = fmt.Sprintf("interrupted by %s at tick %d of %d", sigName(sig), tot.Ticks, p.Ticks())
		if err := writeManifest(dir, &man, files, start); err != nil {
			return err
		}
		return interruptedError{sig: sig, what: fmt.Sprintf("at tick %d of %d: %s holds the tables up to there, and its manifest.json says \"complete\": false", tot.Ticks, p.Ticks(), dir)}
	}
	opt := plotOptions{gis: true, plots: !*noPlots, formats: formats}
	// The tables are whole: say so before the analysis, so that a process
	// killed while drawing leaves a run that dropsim plot can finish.
	man.Missing = expectedOutputs(zones, opt)
	man.Interrupted = "the analysis was under way when dropsim stopped; dropsim plot " + dir + " writes what is missing"
	if err := writeManifest(dir, &man, files, start); err != nil {
		return err
	}
	man.Missing, man.Interrupted = nil, ""
	analysed, summary, err := analyse(intr.Context(), dir, p, zones, tot, m.G.Class, version(), opt)
	files = append(files, analysed...)
	if err != nil && intr.Signal() == nil {
		return err
	}
	if sig := intr.Signal(); sig != nil {
		// The run is whole; its analysis may not be.
		man.Missing = missing(expectedOutputs(zones, opt), files)
		if len(man.Missing) > 0 {
			man.Interrupted = fmt.Sprintf("interrupted by %s during the analysis: the simulation and its tables are complete; %s not written; dropsim plot %s writes them", sigName(sig), listFiles(man.Missing), dir)
			if err := writeManifest(dir, &man, files, start); err != nil {
				return err
			}
			return interruptedError{sig: sig, what: fmt.Sprintf("during the analysis: the simulation and its tables in %s are complete, %s not written; run dropsim plot %s to write them", dir, listFiles(man.Missing), dir)}
		}
	}
	man.Complete = true
	if err := writeManifest(dir, &man, files, start); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s (seed %d): %d days, %d orders, %d drops placed (%d picked, %d seized), %d arrests; results in %s (%.2f s: %.2f s simulation, %.2f s measures and figures)\n",
		p.Name, p.Seed, p.Days, tot.Orders, tot.Placed, tot.Outcomes[sim.OutcomePicked], tot.Outcomes[sim.OutcomeSeized],
		sum(tot.Arrests[:]), dir, man.WallSeconds, simSeconds, man.WallSeconds-simSeconds)
	fmt.Fprintln(stdout, headline(summary))
	return nil
}

// machineMemory is availableMemory; tests give it other machines.
var machineMemory = availableMemory

// checkMemory refuses a run whose estimate exceeds the memory available.
func checkMemory(path string, p sim.Params, plots bool) error {
	avail, ok := machineMemory()
	if !ok || worstCase(p, plots) <= avail/2 {
		return nil
	}
	est, err := estimateRun(p, p.Seed, plots)
	if err != nil || est.Bytes <= avail {
		return err
	}
	return usagef("%s: a run needs about %s of memory, but this machine has %s available: %s. Make the scenario smaller there, give -no-plots if the figures are the difference, or give -skip-memory-check to run anyway",
		path, aboutSize(est.Bytes), aboutSize(avail), est.drivers())
}

// earlierRun inspects dir for an earlier run's files, refusing them
// without -force.
func earlierRun(dir string, force bool) (output.Earlier, error) {
	e, err := output.Inspect(dir, chart.FigureFiles())
	if err != nil || len(e.Files) == 0 || force {
		return e, err
	}
	return e, e.Refuse(dir)
}

// replaceEarlier removes the earlier run's files from the locked
// directory d, and says on stderr what it replaced and how many other
// entries it kept.
func replaceEarlier(d *output.Dir, earlier output.Earlier, stderr io.Writer) error {
	if err := d.Clear(earlier); err != nil {
		return err
	}
	if len(earlier.Files) > 0 {
		kept := ""
		if earlier.Others > 0 {
			kept = fmt.Sprintf("; kept %d %s that dropsim did not write", earlier.Others, plural(earlier.Others, "entry", "entries"))
		}
		fmt.Fprintf(stderr, "dropsim: replaced %s in %s%s\n", earlier.Describe(), d.Path, kept)
	}
	return nil
}

// writeManifest completes man with the files written and the time taken,
// and writes it, last of all.
func writeManifest(dir string, man *output.Manifest, files []string, start time.Time) error {
	man.Files = append(slices.Clone(files), "manifest.json")
	man.WallSeconds = time.Since(start).Seconds()
	return output.WriteManifest(dir, *man)
}

// missing lists the files of want not in have.
func missing(want, have []string) []string {
	var out []string
	for _, f := range want {
		if !slices.Contains(have, f) {
			out = append(out, f)
		}
	}
	return out
}

// listFiles names files for a message: "report.html is", "3 files (a, b, c) are".
func listFiles(files []string) string {
	if len(files) == 1 {
		return files[0] + " is"
	}
	shown := files
	if len(shown) > 4 {
		shown = append(slices.Clone(shown[:4]), "...")
	}
	return fmt.Sprintf("%d files (%s) are", len(files), strings.Join(shown, ", "))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// hasNetwork says whether a run investigates on an evidence graph, and so
// writes investigations.csv and network.graphml.
func hasNetwork(p sim.Params) bool {
	return slices.ContainsFunc(p.Police.Groups, func(g sim.GroupParams) bool { return g.Strategy == "network" })
}
