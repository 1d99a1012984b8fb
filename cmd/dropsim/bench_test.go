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
				if _, _, err := analyse(context.Background(), dir, p, p.BuildZones(m.G.Class), man.Counts, m.G.Class, "bench", plotOptions{plots: withPlots, formats: []string{"png", "svg", "pdf"}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	os.RemoveAll(dir)
}

// BenchmarkSweep times scenarios/sweep-bench.toml (32 runs of the default
// scenario): its runs' simulations alone, one after the other (the
// engine's time, without measures or files), and the whole sweep, tables
// and summaries, on one worker and on two. The sweep's overhead is
// workers-1 over simulations; its parallel speed-up workers-1 over
// workers-2.
func BenchmarkSweep(b *testing.B) {
	const file = "../../scenarios/sweep-bench.toml"
	s, err := setUpSweep(file, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("simulations", func(b *testing.B) {
		for b.Loop() {
			for id := range s.plan.Len() {
				r := s.plan.Run(id)
				p, err := s.sw.Params(r.Arm, s.plan.Points[r.Point].Levels)
				if err != nil {
					b.Fatal(err)
				}
				m, err := sim.New(p, r.Seed)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := simulate(context.Background(), m, sim.Discard, func() {}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, w := range []string{"1", "2"} {
		b.Run("workers-"+w, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "sweep")
			for b.Loop() {
				if code, _, stderr := dropsim("sweep", file, "-workers", w, "-no-plots", "-q", "-out", dir, "-force"); code != 0 {
					b.Fatal(stderr)
				}
			}
		})
	}
}
