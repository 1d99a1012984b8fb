package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
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
			tables, err := output.ReadTables(out, man.Run())
			if err != nil {
				t.Fatal(err)
			}
			if len(tables.Drops) != man.Counts.Placed || man.Counts.Placed == 0 {
				t.Errorf("drops.csv has %d drops, the manifest %d placed", len(tables.Drops), man.Counts.Placed)
			}
			daily, err := output.ReadDaily(out, man.Run())
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
	_, err = simulate(m, sink, nil, func() {})
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
