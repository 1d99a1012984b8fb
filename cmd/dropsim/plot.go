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
	man, err := output.ReadManifest(dir)
	if err != nil {
		return err
	}
	if !man.Complete {
		return fmt.Errorf("%w: %s holds a run that did not complete (its manifest says \"complete\": false); rerun it with dropsim run", output.ErrNoRun, dir)
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
	files, summary, err := analyse(dir, p, p.BuildZones(), man.Counts, land, version(), plotOptions{plots: true, formats: formats})
	if err != nil {
		return err
	}
	// The manifest lists what the directory now holds, itself last.
	listed := slices.DeleteFunc(man.Files, func(f string) bool { return f == "manifest.json" })
	for _, f := range files {
		if !slices.Contains(listed, f) {
			listed = append(listed, f)
		}
	}
	man.Files = append(listed, "manifest.json")
	if err := output.WriteManifest(dir, man); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: measures, figures (%s), animation and report rebuilt from the tables in %s (%.2f s)\n",
		man.Scenario, strings.Join(formats, ", "), dir, time.Since(start).Seconds())
	fmt.Fprintln(stdout, headline(summary))
	return nil
}
