package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"dropsim/cmd/internal/scenario"
)

// TestEstimateBoundsTheRun: the estimate is at least the peak memory the
// run really takes, measured by the kernel (the child's peak resident
// memory, VmHWM), and not wildly more, for a small city over 70 days and a
// large grid with few agents.
func TestEstimateBoundsTheRun(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	os.WriteFile(big, []byte("name = \"big\"\ndays = 10\n[city]\nwidth = 800\nheight = 800\n"), 0o644)
	for _, scen := range []string{short(t), big} {
		p, err := scenario.Load(scen)
		if err != nil {
			t.Fatal(err)
		}
		est, err := estimateRun(p, p.Seed, true)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "run", scen, "-out", filepath.Join(dir, p.Name), "-q", "-skip-memory-check")
		cmd.Env = append(os.Environ(), "DROPSIM_RUN_MAIN=1", "DROPSIM_PRINT_PEAK=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", scen, err, out)
		}
		var kb int64
		if i := strings.LastIndex(string(out), "peak "); i < 0 {
			t.Fatalf("no peak in %q", out)
		} else if _, err := fmt.Sscanf(string(out[i:]), "peak %d kB", &kb); err != nil {
			t.Fatal(err)
		}
		peak := kb << 10
		t.Logf("%s: estimate %s, peak %s", p.Name, aboutSize(est.Bytes), aboutSize(peak))
		if w := worstCase(p, true); w < est.Bytes {
			t.Errorf("%s: the worst case %d is below the estimate %d", p.Name, w, est.Bytes)
		}
		if est.Bytes < peak || est.Bytes > 5*peak {
			t.Errorf("%s: estimate %d bytes, the run's peak %d: want peak <= estimate <= 5 x peak", p.Name, est.Bytes, peak)
		}
	}
}

// TestRunRefusesWhatDoesNotFit: on a machine with too little memory the
// run is refused before anything is written, naming what drives the
// estimate; -skip-memory-check goes on.
func TestRunRefusesWhatDoesNotFit(t *testing.T) {
	defer func(f func() (int64, bool)) { machineMemory = f }(machineMemory)
	scen := short(t)
	out := filepath.Join(t.TempDir(), "out")
	// Where even the worst case fits twice, no pilot is played.
	machineMemory = func() (int64, bool) { return 64 << 30, true }
	n := pilots
	if code, _, stderr := dropsim("run", scen, "-out", out, "-q", "-no-plots"); code != 0 || pilots != n {
		t.Fatalf("a run that fits: exit %d, %d pilots: %s", code, pilots-n, stderr)
	}
	os.RemoveAll(out)
	machineMemory = func() (int64, bool) { return 50 << 20, true }
	code, _, stderr := dropsim("run", scen, "-out", out, "-q")
	if code != 2 || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{scen + ": a run needs about", "but this machine has 50 MiB available: ", "MiB for the figures and the animation of 10,000 cells (-no-plots leaves them out); ",
		"MiB for about ", "drops placed in days = 70", "-skip-memory-check"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the refused run made its output directory")
	}
	if pilots != n+1 {
		t.Errorf("%d pilots for the run that does not fit, want 1", pilots-n)
	}
	if code, _, stderr := dropsim("run", scen, "-out", out, "-q", "-no-plots", "-skip-memory-check"); code != 0 {
		t.Errorf("with -skip-memory-check: exit %d: %s", code, stderr)
	}
}

// TestValidatePrintsTheEstimate: validate says what a run needs, on
// stderr, so that its stdout stays the resolved scenario.
func TestValidatePrintsTheEstimate(t *testing.T) {
	scen := short(t)
	code, stdout, stderr := dropsim("validate", scen)
	if code != 0 || !strings.HasPrefix(stderr, "dropsim: "+scen+" is valid; a run needs about ") || !strings.Contains(stderr, "of memory and about") ||
		!strings.Contains(stderr, "from a pilot of 14 days") || strings.Contains(stdout, "needs about") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestAboutSize(t *testing.T) {
	for n, want := range map[int64]string{5 << 20: "5.0 MiB", 123 << 20: "120 MiB", 999 << 20: "1000 MiB", 1500 << 20: "1.5 GiB", 14 << 30: "14 GiB", 123 << 30: "120 GiB"} {
		if got := aboutSize(n); got != want {
			t.Errorf("aboutSize(%d) = %q, want %q", n, got, want)
		}
	}
	if got := strings.Join([]string{thousands(25000000), thousands(999), thousands(1000), thousands(-1234)}, " "); got != "25,000,000 999 1,000 -1,234" {
		t.Errorf("thousands: %s", got)
	}
}
