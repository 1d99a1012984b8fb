package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"dropsim/cmd/internal/output"
)

func cmdPlot(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("plot", "OUTDIR [-formats png,svg,pdf]", "dropsim plot outputs/crackdown -formats png,pdf", stderr)
	formatList := fs.String("formats", "png,svg,pdf", "figure formats, a comma-separated list of png, svg, pdf")
	dir, err := parse(fs, args, "output directory of a finished run")
	if err != nil {
		return err
	}
	formats, err := parseFormats(*formatList)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := output.ReadManifest(dir); err != nil {
		return err
	}
	_, intr, release, err := lockWithSignals(dir)
	if err != nil {
		return err
	}
	defer release()
	man, err := output.ReadManifest(dir) // again, now that no run can be writing it
	if err != nil {
		return err
	}
	if man.Points != "" {
		return fmt.Errorf("%w: %s holds a displacement analysis of the incidents in %s, which has no tables to redraw from; run dropsim displacement -points again to redraw it", output.ErrNoRun, dir, man.Points)
	}
	if !man.Complete && !man.TablesDone {
		return fmt.Errorf("%w: %s holds a run that did not complete (its manifest says \"complete\": false, and the simulation stopped before its end); rerun it with dropsim run", output.ErrNoRun, dir)
	}
	p := man.Params
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%s/manifest.json: %w", dir, err)
	}
	if err := man.CheckCounts(dir); err != nil {
		return err
	}
	land, err := output.ReadLandUse(dir, p.City.Width, p.City.Height)
	if err != nil {
		return err
	}
	zones := p.BuildZones(land)
	// The GIS files of the drops are written when the run's analysis did
	// not get to them.
	opt := plotOptions{gis: !slices.Contains(man.Files, "drops.geojson"), plots: true, formats: formats}
	files, summary, err := analyse(intr.Context(), dir, p, zones, man.Counts, land, version(), opt)
	if err != nil && intr.Signal() == nil {
		return err
	}
	// The manifest lists what the directory now holds, itself last.
	listed := slices.DeleteFunc(slices.Clone(man.Files), func(f string) bool { return f == "manifest.json" })
	for _, f := range files {
		if !slices.Contains(listed, f) {
			listed = append(listed, f)
		}
	}
	// What this plot was asked for is what the run now needs (an earlier
	// request for other formats no longer counts).
	man.Missing = missing(expectedOutputs(zones, opt), listed)
	man.Files = append(listed, "manifest.json")
	man.Complete = len(man.Missing) == 0
	man.TablesDone = true
	if man.Complete {
		man.Interrupted = ""
	}
	if err := output.WriteManifest(dir, man); err != nil {
		return err
	}
	if sig := intr.Signal(); sig != nil && !man.Complete {
		return interruptedError{sig: sig, what: fmt.Sprintf("while drawing: %s not written; run dropsim plot %s again to write them", listFiles(man.Missing), dir)}
	}
	// p.Name, validated, not man.Scenario: a control character in an
	// edited manifest must not reach the terminal.
	fmt.Fprintf(stdout, "%s: measures, figures (%s), animation and report rebuilt from the tables in %s (%.2f s)\n",
		p.Name, strings.Join(formats, ", "), dir, time.Since(start).Seconds())
	fmt.Fprintln(stdout, headline(summary))
	return nil
}
