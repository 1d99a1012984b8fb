// Command dropsim runs agent-based simulations of contactless drug drop
// markets under police strategies and writes tidy tables of the results,
// displacement measures, GIS files, figures and an HTML report.
//
//	dropsim run SCENARIO [-set KEY=VALUE]... [-seed N] [-out DIR] [-force] [-no-plots] [-formats png,svg,pdf]
//	dropsim sweep SWEEP [-workers N] [-out DIR] [-resume] [-set KEY=VALUE]... [-explain RUN_ID]
//	dropsim merge OUT [-partial]
//	dropsim slurm SWEEP -shards N [-out DIR] [-partition P] [-time T] [-mem M] [-cpus C]
//	dropsim plot OUTDIR [-formats png,svg,pdf]
//	dropsim displacement -rb N -ra N -bb N -ba N -cb N -ca N [-dcb N -dca N] [-json]
//	dropsim displacement -points FILE -treatment x0,y0,x1,y1 -split YYYY-MM-DD -out DIR
//	dropsim validate SCENARIO [-set KEY=VALUE]...
//	dropsim version
//	dropsim help
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/schollz/progressbar/v3"

	"dropsim/cmd/internal/input"
	"dropsim/cmd/internal/output"
	"dropsim/cmd/internal/scenario"
	"dropsim/sim"
)

// Version is the program version written into every manifest.
const Version = "0.1.0"

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the run failed (e.g. a write error)
	exitUsage = 2 // bad usage or a bad scenario
)

// usageError marks errors that exit with code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const helpText = `dropsim simulates contactless ("stash") drug markets on a city grid and how
police strategies displace their drop sites.

Usage:
  dropsim run SCENARIO [-set KEY=VALUE]... [-seed N]   play a scenario; write tables, measures,
           [-out DIR] [-force] [-no-plots]             GIS files, figures and report.html
           [-formats png,svg,pdf] [-q]
  dropsim sweep SWEEP [-workers N] [-out DIR]          compare policies over replicates paired by
           [-resume] [-set KEY=VALUE]... [-q]          seed: runs.csv, summary.csv, contrasts.csv,
           [-format csv|parquet] [-explain RUN_ID]     calibration.csv, figures and report.html
  dropsim sweep SWEEP -shard I/N [-out DIR]            play only shard I of N (runs whose run_id
           [-resume]                                   is I mod N) into DIR/shards/I-of-N
  dropsim merge DIR [-partial]                         merge the shards in DIR/shards into one
                                                       sweep output in DIR, as one machine writes it
  dropsim slurm SWEEP -shards N [-out DIR]             write Slurm job scripts (an array of N
           [-partition P] [-time T] [-mem M]           shards, then a merge job) and print the
           [-cpus C]                                   sbatch line that submits them
  dropsim plot OUTDIR [-formats png,svg,pdf]           rebuild measures, figures and report
                                                       from a finished run's tables
  dropsim displacement -rb N -ra N -bb N -ba N         WDQ, TNE and WDD with its SE and z
           -cb N -ca N [-dcb N -dca N] [-json]         from counts of a real intervention
  dropsim displacement -csv FILE [-json]               the same for each row of a CSV file
  dropsim displacement -points FILE -split DATE        the same, and figures and report.html,
           -treatment x0,y0,x1,y1 -out DIR             from your own incidents (CSV or GeoJSON
           [-buffer M] [-rings N] [-control ...]       points in a projected CRS); -h for all
  dropsim validate SCENARIO [-set KEY=VALUE]...        check a scenario, print it resolved
  dropsim version                                      the version of dropsim
  dropsim help                                         this text

Examples:
  dropsim run scenarios/crackdown.toml
  dropsim run scenarios/crackdown.toml -seed 7 -out outputs/crackdown-seed7 -formats png
  dropsim run scenarios/crackdown.toml -set 'police.group[1].count=40' -set buyers.count=5000 -out outputs/crackdown-40
  dropsim sweep scenarios/sweep-patrols.toml -workers 8
  dropsim sweep scenarios/sweep-patrols.toml -explain 17
  dropsim plot outputs/crackdown -formats pdf
  dropsim displacement -rb 120 -ra 60 -bb 80 -ba 95 -cb 1000 -ca 1010
  dropsim displacement -points seizures.csv -crs EPSG:32633 -treatment 412000,6176000,413000,6177000 -split 2024-03-01 -out outputs/seizures
  dropsim validate scenarios/baseline.toml > resolved.toml

-set KEY=VALUE changes one key of the scenario for this run, as if the file said
so: KEY is spelled as in the file (stasher.quota, police.group[2].strategy, groups
numbered from 1; police.group[N] one past the last adds a group), VALUE is a TOML
value or a bare word taken as text. Give it as often as needed; the manifest
records the overrides. Quote it where the shell would read it (zsh takes [1]
for a pattern): -set 'police.group[1].count=40'.

-force replaces only dropsim's own files: those the earlier run's manifest.json
lists, the fixed output names, its figures in figures/ and temporary files of a
killed run. Every other file and folder in the directory stays. Only one
dropsim writes in a directory at a time (a lock on DIR/.dropsim.lock).

Each subcommand takes -h for its flags. Exit codes: 0 success, 2 bad usage or
bad input, 1 any other failure, 130 (SIGINT) or 143 (SIGTERM) interrupted.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, helpText)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(args[1:], stdout, stderr)
	case "validate":
		err = cmdValidate(args[1:], stdout, stderr)
	case "sweep":
		err = cmdSweep(args[1:], stdout, stderr)
	case "merge":
		err = cmdMerge(args[1:], stdout, stderr)
	case "slurm":
		err = cmdSlurm(args[1:], stdout, stderr)
	case "plot":
		err = cmdPlot(args[1:], stdout, stderr)
	case "displacement":
		err = cmdDisplacement(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, helpText)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "dropsim %s (%s %s/%s)\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	default:
		err = usagef("unknown command %q: the commands are run, sweep, merge, slurm, plot, displacement, validate, version and help (see dropsim help)", args[0])
	}
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintln(stderr, "dropsim: "+strings.ReplaceAll(err.Error(), "\n", "\ndropsim: "))
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	var ue usageError
	var se *scenario.Error
	var pe *sim.ParamError
	if errors.As(err, &ue) || errors.As(err, &se) || errors.As(err, &pe) || errors.Is(err, output.ErrExists) || errors.Is(err, output.ErrNoRun) || errors.Is(err, output.ErrNotWritable) ||
		errors.Is(err, output.ErrLocked) || errors.Is(err, input.ErrBadFile) {
		return exitUsage
	}
	if errors.Is(err, output.ErrBadTable) { // a table of a run that does not match the run
		return exitUsage
	}
	if errors.Is(err, input.ErrBadFile) { // a FIFO, a device, a line too long, ...
		return exitUsage
	}
	return exitFail
}

// newFlags makes a subcommand's flag set whose -h prints usage and an example.
func newFlags(name, args, example string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: dropsim %s %s\n", name, args)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(stderr, "\nFlags:")
			fs.PrintDefaults()
		}
		fmt.Fprintf(stderr, "\nExample:\n  %s\n", example)
	}
	return fs
}

// load parses the flags and loads the one scenario file named, with the
// -set overrides collected in sets.
func load(fs *flag.FlagSet, args []string, sets *sets) (string, sim.Params, error) {
	path, err := parse(fs, args, "scenario file")
	if err != nil {
		return "", sim.Params{}, err
	}
	p, err := scenario.LoadSet(path, *sets)
	return path, p, err
}

// parse parses flags given before or after the one positional argument,
// a what.
func parse(fs *flag.FlagSet, args []string, what string) (string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		return "", usagef("dropsim %s takes one %s, got %d arguments (%s); see dropsim %s -h", fs.Name(), what, len(pos), strings.Join(pos, " "), fs.Name())
	}
	return pos[0], nil
}

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "SCENARIO [-set KEY=VALUE]...", "dropsim validate scenarios/crackdown.toml -set 'police.group[1].count=40' > resolved.toml", stderr)
	overrides := addSets(fs)
	path, p, err := load(fs, args, overrides)
	if err != nil {
		return err
	}
	if err := scenario.Encode(stdout, p); err != nil {
		return err
	}
	est, err := estimateRun(p, p.Seed, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "dropsim: %s%s is valid; a run %s\n", path, overrides.words(), est)
	return nil
}

// newBar shows progress by day on a terminal, and nothing otherwise.
func newBar(days int, name string, w io.Writer, quiet bool) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	visible := !quiet && ok
	if visible {
		if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			visible = false
		}
	}
	return progressbar.NewOptions(days, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(name),
		progressbar.OptionSetVisibility(visible), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}

// version is Version plus the VCS revision the binary was built from, if known.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return Version + "+" + s.Value[:12]
			}
		}
	}
	return Version
}
