package main

import (
	"os"
	"path/filepath"
	"testing"

	"dropsim/sim"
)

// TestCommandsBuildZonesOnce: dropsim validate, run and plot each build a
// polygon scenario's zones once, though each validates the parameters
// twice or more (the loader, sim.New, plot's check of the manifest) and
// run and plot then take the zones for the tables and figures.
func TestCommandsBuildZonesOnce(t *testing.T) {
	src, err := os.ReadFile(short(t))
	if err != nil {
		t.Fatal(err)
	}
	scen := filepath.Join(t.TempDir(), "polygon.toml")
	text := string(src) + "\n[zones]\npolygon = [[50, 20], [80, 30], [70, 60], [60, 40], [40, 55]]\n"
	if err := os.WriteFile(scen, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "run")
	for _, args := range [][]string{
		{"validate", scen},
		{"run", scen, "-out", out, "-q", "-no-plots"},
		{"plot", out, "-formats", "png"},
	} {
		before := sim.ZoneBuilds()
		if code, _, stderr := dropsim(args...); code != 0 {
			t.Fatalf("dropsim %s: exit %d: %s", args[0], code, stderr)
		}
		if n := sim.ZoneBuilds() - before; n != 1 {
			t.Errorf("dropsim %s built the zones %d times, want 1", args[0], n)
		}
	}
}
