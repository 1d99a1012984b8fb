package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"dropsim/cmd/internal/output"
	"dropsim/sim"
)

// interruptedError: a signal stopped the run; the exit code is 128 plus
// the signal's number, as shells report a process killed by it.
type interruptedError struct {
	sig  os.Signal
	tick int
	dir  string
}

func (e interruptedError) Error() string {
	return fmt.Sprintf("interrupted by %s at tick %d: %s holds the tables up to there, and its manifest.json says \"complete\": false", sigName(e.sig), e.tick, e.dir)
}

// sigName names the signals a run handles as a shell user knows them.
func sigName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

func (e interruptedError) ExitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitFail
}

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

// simulate steps m to the end of the run, or until stop delivers a
// signal, after which it ends the run at the end of the current tick. A
// panic in the engine comes back as an *engineError.
func simulate(m *sim.Model, sink sim.Sink, stop <-chan os.Signal, onTick func()) (sig os.Signal, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &engineError{scenario: m.P.Name, seed: m.Seed, tick: m.Tick(), tpd: m.P.TicksPerDay(), panic: r, stack: debug.Stack()}
		}
	}()
	for !m.Done() && sig == nil {
		m.Step(sink)
		onTick()
		select {
		case sig = <-stop:
		default:
		}
	}
	m.Finish(sink)
	return sig, nil
}

func cmdRun(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "SCENARIO [-seed N] [-out DIR] [-force] [-no-plots] [-formats png,svg,pdf]", "dropsim run scenarios/crackdown.toml -seed 7 -out outputs/crackdown-seed7", stderr)
	seed := fs.Uint64("seed", 0, "random seed (default: the scenario's seed)")
	out := fs.String("out", "", "output directory (default: outputs/<scenario name>)")
	force := fs.Bool("force", false, "overwrite the results already in the output directory")
	quiet := fs.Bool("q", false, "no progress bar")
	noPlots := fs.Bool("no-plots", false, "write tables, measures and GIS files only: no figures, animation or report")
	formatList := fs.String("formats", "png,svg,pdf", "figure formats, a comma-separated list of png, svg, pdf")
	path, p, err := load(fs, args)
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
	m, err := sim.New(p, p.Seed)
	if err != nil {
		return err
	}
	if err := output.Prepare(dir, *force); err != nil {
		return err
	}
	zones := p.BuildZones()
	rec, err := output.NewRecorder(dir, p.TicksPerDay(), zones)
	if err != nil {
		return err
	}
	// SIGINT and SIGTERM end the run at the end of the current tick; what
	// has been simulated is written, marked incomplete.
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(stop)

	start := time.Now()
	man := output.Manifest{Program: "dropsim", Version: version(), Scenario: p.Name, ScenarioFile: path,
		Seed: p.Seed, Started: start.UTC(), Days: p.Days, Params: p}
	bar := newBar(p.Days, p.Name, stderr, *quiet)
	tpd := p.TicksPerDay()
	sig, err := simulate(m, rec, stop, func() {
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
		man.Error, man.Ticks = strings.SplitN(err.Error(), "\n", 2)[0], m.Tick()
		man.Files = []string{"manifest.json"}
		output.WriteManifest(dir, man) // the run failed anyway; the manifest records why
		return err
	}
	if err := rec.Close(); err != nil {
		return err
	}
	simSeconds := time.Since(start).Seconds()
	files := slices.Clone(output.TableFiles)
	// finish writes the manifest: complete, or cut short by a signal.
	finish := func(sig os.Signal) error {
		tot := m.Totals()
		man.Ticks, man.Counts, man.WallSeconds = tot.Ticks, tot, time.Since(start).Seconds()
		man.Files = append(files, "manifest.json")
		man.Complete = sig == nil
		if sig != nil {
			man.Interrupted = fmt.Sprintf("interrupted by %s at tick %d of %d", sigName(sig), tot.Ticks, p.Ticks())
		}
		if err := output.WriteManifest(dir, man); err != nil {
			return err
		}
		if sig != nil {
			return interruptedError{sig: sig, tick: tot.Ticks, dir: dir}
		}
		return nil
	}
	if sig != nil {
		return finish(sig)
	}
	analysed, summary, err := analyse(dir, p, zones, m.Totals(), m.G.Class, version(), plotOptions{gis: true, plots: !*noPlots, formats: formats})
	files = append(files, analysed...)
	if err != nil {
		return err
	}
	select {
	case sig = <-stop: // a signal during the analysis: the run is whole, its analysis may not be
	default:
	}
	if err := finish(sig); err != nil {
		return err
	}
	tot := man.Counts
	fmt.Fprintf(stdout, "%s (seed %d): %d days, %d orders, %d drops placed (%d picked, %d seized), %d arrests; results in %s (%.2f s: %.2f s simulation, %.2f s measures and figures)\n",
		p.Name, p.Seed, p.Days, tot.Orders, tot.Placed, tot.Outcomes[sim.OutcomePicked], tot.Outcomes[sim.OutcomeSeized],
		sum(tot.Arrests[:]), dir, man.WallSeconds, simSeconds, man.WallSeconds-simSeconds)
	fmt.Fprintln(stdout, headline(summary))
	return nil
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}
