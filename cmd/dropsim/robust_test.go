package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"dropsim/cmd/internal/output"
	"dropsim/sim"
)

// TestMain lets the tests run the command in a child process (for signals
// and other users): with DROPSIM_RUN_MAIN=1 the test binary is dropsim.
func TestMain(m *testing.M) {
	if os.Getenv("DROPSIM_RUN_MAIN") == "1" {
		code := run(os.Args[1:], os.Stdout, os.Stderr)
		if os.Getenv("DROPSIM_PRINT_PEAK") == "1" {
			printPeak()
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// printPeak writes the process's peak resident memory (VmHWM) to stderr.
// The kernel's rusage of a child is no measure of it: a Go child starts
// as a vfork of its parent and keeps the parent's peak through exec,
// while VmHWM belongs to the memory the child has since exec.
func printPeak() {
	b, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Fprintln(os.Stderr, "peak "+strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")))
		}
	}
}

// longScenario is a run long enough to be interrupted: 3000 days.
func longScenario(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "long.toml")
	text := "name = \"long\"\ndays = 3000\n[[police.group]]\nstrategy = \"random\"\ncount = 5\nend_day = 3000\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSignalStopsTheRunAndKeepsTheTables(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			cmd := exec.Command(os.Args[0], "run", longScenario(t, dir), "-out", out, "-q")
			cmd.Env = append(os.Environ(), "DROPSIM_RUN_MAIN=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until the run is under way: its tables exist under
			// temporary names.
			deadline := time.Now().Add(20 * time.Second)
			for {
				m, _ := filepath.Glob(filepath.Join(out, ".drops.csv.*.tmp"))
				if len(m) > 0 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the run did not start within 20 s")
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond)
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
				t.Fatalf("exit %v, want %d; stderr %q", err, 128+int(sig), stderr.String())
			}
			name := map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM"}[sig]
			if !strings.Contains(stderr.String(), "interrupted by "+name) {
				t.Errorf("stderr %q", stderr.String())
			}
			man, err := output.ReadManifest(out)
			if err != nil {
				t.Fatal(err)
			}
			if man.Complete || !strings.Contains(man.Interrupted, name) || man.Ticks <= 0 || man.Ticks >= 3000*24 {
				t.Errorf("manifest: complete %v, interrupted %q, ticks %d", man.Complete, man.Interrupted, man.Ticks)
			}
			// The tables are whole and hold the run up to the stop: every
			// drop placed is in drops.csv, every day closed is in daily.csv.
			tables, err := output.ReadTables(out, runOf(t, out, &man))
			if err != nil {
				t.Fatal(err)
			}
			if len(tables.Drops) != man.Counts.Placed || man.Counts.Placed == 0 {
				t.Errorf("drops.csv has %d drops, the manifest %d placed", len(tables.Drops), man.Counts.Placed)
			}
			daily, err := output.ReadDaily(out, runOf(t, out, &man))
			if err != nil {
				t.Fatal(err)
			}
			if last := daily[len(daily)-1].Day; last != man.Ticks/24-1 && last != man.Ticks/24 {
				t.Errorf("daily.csv ends on day %d, the run at tick %d", last, man.Ticks)
			}
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
			if len(entries) != len(man.Files) {
				t.Errorf("directory holds %d files, the manifest lists %v", len(entries), man.Files)
			}
			// An incomplete run is not drawn as if it were whole.
			if code, _, stderr := dropsim("plot", out); code != 2 || !strings.Contains(stderr, "did not complete") {
				t.Errorf("plot of an interrupted run: exit %d, %q", code, stderr)
			}
		})
	}
}

// TestEnginePanicIsReported: a panic inside a tick comes back as an error
// naming the scenario, the seed and the tick.
func TestEnginePanicIsReported(t *testing.T) {
	p := sim.DefaultParams()
	p.Name = "boom"
	p.Days = 3
	m, err := sim.New(p, 5)
	if err != nil {
		t.Fatal(err)
	}
	sink := sim.SinkFunc(func(e *sim.Event) {
		if e.Tick == 30 {
			var s []int
			_ = s[e.Tick] // an index out of range, as a bug would make
		}
	})
	_, err = simulate(context.Background(), m, sink, func() {})
	var ee *engineError
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an engine error", err)
	}
	ee.file = "boom.toml"
	msg := err.Error()
	for _, want := range []string{"tick 30 (day 1)", `scenario "boom" (boom.toml)`, "seed 5", "index out of range", "bug in dropsim", "robust_test.go"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

// TestReadOnlyOutputDirectory: a directory the user cannot write to is
// refused before the run, naming it, and stays empty. As root, the command
// runs as nobody, since root may write anywhere.
func TestReadOnlyOutputDirectory(t *testing.T) {
	base, err := os.MkdirTemp("", "dropsim-ro-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	os.Chmod(base, 0o755)
	ro := filepath.Join(base, "readonly")
	os.Mkdir(ro, 0o555)
	os.Chmod(ro, 0o555)
	scen := filepath.Join(base, "short.toml")
	src, _ := os.ReadFile(short(t))
	os.WriteFile(scen, src, 0o644)
	bin := filepath.Join(base, "dropsim")
	copyFile(t, os.Args[0], bin)
	for _, out := range []string{ro, filepath.Join(ro, "sub")} {
		cmd := exec.Command(bin, "run", scen, "-out", out, "-q")
		cmd.Env = append(os.Environ(), "DROPSIM_RUN_MAIN=1")
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		msg, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Fatalf("-out %s: %v, want exit 2: %s", out, err, msg)
		}
		if !strings.Contains(string(msg), "cannot write in the output directory \""+out+"\"") || !strings.Contains(string(msg), "permission denied") {
			t.Errorf("-out %s: message %q", out, msg)
		}
		if strings.Count(strings.TrimSpace(string(msg)), "\n") > 0 {
			t.Errorf("more than one line: %q", msg)
		}
	}
	if entries, _ := os.ReadDir(ro); len(entries) != 0 {
		t.Errorf("the read-only directory holds %d entries", len(entries))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// startRun starts dropsim run in a child process and waits until path
// (relative to out) exists.
func startRun(t *testing.T, scen, out, waitFor string, extra ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"run", scen, "-out", out, "-q"}, extra...)...)
	cmd.Env = append(os.Environ(), "DROPSIM_RUN_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(out, waitFor)); len(m) > 0 {
			return cmd, &stderr
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("%s did not appear within 60 s", waitFor)
		}
	}
}

// TestSignalDuringTheAnalysis: a SIGINT while the figures are drawn used
// to be ignored until they were done, and the manifest then called the
// finished run interrupted "at tick 96000 of 96000", which plot refused.
// Now the analysis stops, the manifest says the tables are complete and
// which outputs are missing, and plot writes them: the same files as a
// run that was never interrupted.
func TestSignalDuringTheAnalysis(t *testing.T) {
	scen := short(t)
	base := t.TempDir()
	whole := filepath.Join(base, "whole")
	if code, _, stderr := dropsim("run", scen, "-out", whole, "-q"); code != 0 {
		t.Fatal(stderr)
	}
	out := filepath.Join(base, "cut")
	cmd, stderr := startRun(t, scen, out, "measures.csv") // written before the figures
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130; stderr %q", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted by SIGINT during the analysis: the simulation and its tables in "+out+" are complete") ||
		!strings.Contains(stderr.String(), "dropsim plot "+out) {
		t.Errorf("stderr %q", stderr.String())
	}
	man, err := output.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if man.Complete || !man.TablesDone || man.Ticks != 70*24 || !slices.Contains(man.Missing, "report.html") {
		t.Errorf("manifest: complete %v, tables_complete %v, ticks %d, missing %v", man.Complete, man.TablesDone, man.Ticks, man.Missing)
	}
	for _, f := range man.Files {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil || slices.Contains(man.Missing, f) {
			t.Errorf("listed file %s: %v", f, err)
		}
	}
	noTemporaryFiles(t, out)

	if code, _, stderr := dropsim("plot", out, "-formats", "png,svg,pdf"); code != 0 {
		t.Fatalf("plot: exit %d: %s", code, stderr)
	}
	man, _ = output.ReadManifest(out)
	ref, _ := output.ReadManifest(whole)
	if !man.Complete || len(man.Missing) > 0 || man.Interrupted != "" {
		t.Errorf("after plot: complete %v, missing %v, interrupted %q", man.Complete, man.Missing, man.Interrupted)
	}
	got, want := slices.Sorted(slices.Values(man.Files)), slices.Sorted(slices.Values(ref.Files))
	if !slices.Equal(got, want) {
		t.Fatalf("after plot the run lists %v, an uninterrupted run %v", got, want)
	}
	for _, f := range want {
		if f == "manifest.json" {
			continue
		}
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(whole, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the uninterrupted run's", f)
		}
	}
}

// TestSecondSignalExitsAtOnce: a second signal during the analysis ends
// the process at once, leaving no temporary file and no lock. (The test
// sends SIGINT then SIGTERM: two SIGINTs sent together may reach the
// process as one, as the kernel merges a signal that is already pending.)
func TestSecondSignalExitsAtOnce(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	cmd, stderr := startRun(t, short(t), out, "measures.csv")
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || (ee.ExitCode() != 130 && ee.ExitCode() != 143) {
		t.Fatalf("exit %v, want 130 or 143; stderr %q", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped at once; no file is left half-written") {
		t.Errorf("stderr %q", stderr.String())
	}
	noTemporaryFiles(t, out)
	if _, err := os.Stat(filepath.Join(out, output.LockFile)); err == nil {
		t.Error("the lock file is left")
	}
	// The tables under their final names are whole, and the manifest
	// written before the analysis says so: plot finishes the run.
	man, err := output.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if man.Complete || !man.TablesDone || !slices.Contains(man.Missing, "report.html") {
		t.Errorf("manifest: complete %v, tables_complete %v, missing %v", man.Complete, man.TablesDone, man.Missing)
	}
	if _, err := output.ReadTables(out, runOf(t, out, &man)); err != nil {
		t.Error(err)
	}
	// plot for PNGs only completes the run: what it is asked for is what
	// the run now needs.
	if code, _, stderr := dropsim("plot", out, "-formats", "png"); code != 0 {
		t.Errorf("plot after the second signal: exit %d: %s", code, stderr)
	}
	man, _ = output.ReadManifest(out)
	if !man.Complete || len(man.Missing) > 0 || man.Interrupted != "" || !slices.Contains(man.Files, "figures/market.png") || slices.Contains(man.Files, "figures/market.svg") {
		t.Errorf("after plot -formats png: complete %v, missing %v, interrupted %q, files %v", man.Complete, man.Missing, man.Interrupted, man.Files)
	}
}

func noTemporaryFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".tmp") {
			t.Errorf("temporary file %s left behind", p)
		}
		return err
	})
}

// runOf is what the tables in out must agree with, on the run's own
// land-use map.
func runOf(t *testing.T, out string, man *output.Manifest) output.Run {
	t.Helper()
	land, err := output.ReadLandUse(out, man.Params.City.Width, man.Params.City.Height)
	if err != nil {
		t.Fatal(err)
	}
	return man.Run(land)
}
