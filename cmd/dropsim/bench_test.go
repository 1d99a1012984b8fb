package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"dropsim/cmd/internal/output"
	"dropsim/cmd/internal/scenario"
	"dropsim/sim"
)

// BenchmarkAnalyseDefault times what dropsim run does after the
// simulation of the default scenario: reading the tables back, the
// measures, the figures in PNG, SVG and PDF, the animation and the report
// (the target: measures and figures under 2 s, the animation under 5 s;
// BenchmarkAnimationDefault in cmd/internal/chart times the animation
// alone). The run itself is made once, outside the timing.
func BenchmarkAnalyseDefault(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "run")
	if code, _, stderr := dropsim("run", "../../scenarios/default.toml", "-out", dir, "-q", "-no-plots"); code != 0 {
		b.Fatal(stderr)
	}
	p, err := scenario.Load("../../scenarios/default.toml")
	if err != nil {
		b.Fatal(err)
	}
	m, err := sim.New(p, p.Seed) // only for the land use
	if err != nil {
		b.Fatal(err)
	}
	man, err := output.ReadManifest(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, withPlots := range []bool{false, true} {
		name := "measures"
		if withPlots {
			name = "measures+figures+animation+report"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := analyse(context.Background(), dir, p, p.BuildZones(), man.Counts, m.G.Class, "bench", plotOptions{plots: withPlots, formats: []string{"png", "svg", "pdf"}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	os.RemoveAll(dir)
}
