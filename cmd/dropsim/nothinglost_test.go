package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"dropsim/cmd/internal/output"
)

// snapshot maps every file under dir (links as "-> target", folders as
// "/") to its content; skip leaves out names at the top.
func snapshot(t *testing.T, dir string, skip ...string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if slices.Contains(skip, strings.Split(rel, "/")[0]) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(p)
			got[rel] = "-> " + to
		case d.IsDir():
			got[rel+"/"] = ""
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			got[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// sub is the part of a snapshot the user's files make: those in want.
func sub(snap map[string]string, want map[string]string) []string {
	var diff []string
	for name, text := range want {
		if got, ok := snap[name]; !ok {
			diff = append(diff, name+" is gone")
		} else if got != text {
			diff = append(diff, name+" changed")
		}
	}
	slices.Sort(diff)
	return diff
}

// project lays out a user's study folder: the scenario itself, a map, notes,
// a script, a git repository, a figure of their own and a link.
func project(t *testing.T, dir, outside string) map[string]string {
	t.Helper()
	src, err := os.ReadFile(short(t))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(outside, "data.csv"), []byte("the target of a link"), 0o644)
	files := map[string]string{
		"study.toml":            string(src),
		"maps/town.txt":         "rr\nrr\n",
		"notes/day1.md":         "seed 1 looked odd\n",
		"analysis.R":            "d <- read.csv('drops.csv')\n",
		".git/HEAD":             "ref: refs/heads/main\n",
		".git/objects/ab/cdef":  "blob",
		"figures/my-sketch.png": "mine",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(outside, "data.csv"), filepath.Join(dir, "data-link.csv")); err != nil {
		t.Fatal(err)
	}
	files["data-link.csv"] = "-> " + filepath.Join(outside, "data.csv")
	return files
}

// TestForceReplacesOnlyDropsimsFiles: `dropsim run study.toml -out .
// -force` used to delete the scenario itself, the user's maps, notes,
// script and .git. Now it replaces only the earlier run's files: a run
// without plots after one with plots leaves no old figure or report
// beside the new manifest, and everything else stays byte for byte.
func TestForceReplacesOnlyDropsimsFiles(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	user := project(t, dir, outside)
	t.Chdir(dir)
	if code, _, stderr := dropsim("run", "study.toml", "-out", ".", "-q", "-formats", "png"); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	first, _ := output.ReadManifest(".")
	if !slices.Contains(first.Files, "figures/drops_by_zone.png") || !slices.Contains(first.Files, "report.html") {
		t.Fatalf("the first run wrote %v", first.Files)
	}
	if diff := sub(snapshot(t, "."), user); len(diff) > 0 {
		t.Fatalf("the first run changed the user's files: %v", diff)
	}

	code, _, stderr := dropsim("run", "study.toml", "-out", ".", "-q", "-no-plots", "-force", "-seed", "2")
	if code != 0 {
		t.Fatalf("run with -force: exit %d: %s", code, stderr)
	}
	want := fmt.Sprintf("dropsim: replaced the earlier run of study.toml (seed 1, started %s, complete; %d files) in .; kept 7 entries that dropsim did not write\n",
		first.Started.Format("2006-01-02 15:04 MST"), len(first.Files))
	if stderr != want {
		t.Errorf("stderr\n%q\nwant\n%q", stderr, want)
	}
	snap := snapshot(t, ".")
	if diff := sub(snap, user); len(diff) > 0 {
		t.Errorf("-force changed the user's files: %v", diff)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "data.csv")); string(b) != "the target of a link" {
		t.Errorf("the link's target: %q", b)
	}
	// Beside the new manifest: the user's files and the files it lists, nothing else.
	man, _ := output.ReadManifest(".")
	if man.Seed != 2 || !man.Complete {
		t.Fatalf("manifest: seed %d, complete %v", man.Seed, man.Complete)
	}
	for name := range snap {
		if _, mine := user[name]; mine || strings.HasSuffix(name, "/") || slices.Contains(man.Files, name) {
			continue
		}
		t.Errorf("%s remains beside the new manifest, which does not list it", name)
	}
	if _, ok := snap["figures/drops_by_zone.png"]; ok {
		t.Error("an old figure survived a -no-plots run with -force")
	}
}

// TestForceThroughALinkedDirectory: -out given as a link to a folder
// used to empty the link's target.
func TestForceThroughALinkedDirectory(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "results-on-big-disk")
	os.MkdirAll(target, 0o755)
	os.WriteFile(filepath.Join(target, "README.txt"), []byte("my results live here"), 0o644)
	link := filepath.Join(base, "out")
	os.Symlink(target, link)
	scen := short(t)
	for i := range 2 {
		if code, _, stderr := dropsim("run", scen, "-out", link, "-q", "-no-plots", "-force"); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, stderr)
		}
	}
	if b, err := os.ReadFile(filepath.Join(target, "README.txt")); err != nil || string(b) != "my results live here" {
		t.Errorf("the target's own file: %q, %v", b, err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link itself: %v, %v", fi, err)
	}
}

// TestLockedDirectoryIsRefused: while another dropsim holds the
// directory, a run refuses with exit 2, naming the directory and the
// other process, and changes nothing.
func TestLockedDirectoryIsRefused(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c")
	d, err := output.Lock(out) // as another run would
	if err != nil {
		t.Fatal(err)
	}
	defer d.Unlock()
	before := snapshot(t, out)
	code, _, stderr := dropsim("run", short(t), "-out", out, "-q", "-no-plots")
	want := fmt.Sprintf("dropsim: another dropsim process (process id %d) is writing in %q; wait for it to finish, or give -out another directory\n", os.Getpid(), out)
	if code != 2 || stderr != want {
		t.Errorf("exit %d, stderr\n%q\nwant exit 2 and\n%q", code, stderr, want)
	}
	if after := snapshot(t, out); !maps.Equal(before, after) {
		t.Errorf("the refused run changed the directory: %v -> %v", before, after)
	}
	// plot is refused too while a run holds the directory.
	if code, _, stderr := dropsim("plot", out); code != 2 {
		t.Errorf("plot of a locked directory: exit %d: %s", code, stderr)
	}
}

// TestStaleLockAndTemporaryFiles: a killed run leaves its lock file and
// temporary files; neither blocks the next run (without -force), and the
// temporary files do not survive it.
func TestStaleLockAndTemporaryFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	os.MkdirAll(filepath.Join(out, "figures"), 0o755)
	for _, name := range []string{".dropsim.lock", ".arrests.csv.2841.tmp", ".drops.csv.99.tmp", ".police.csv.1.tmp", "figures/.market.png.7.tmp"} {
		os.WriteFile(filepath.Join(out, name), []byte("99999\n"), 0o644)
	}
	code, _, stderr := dropsim("run", short(t), "-out", out, "-q", "-no-plots")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	man, _ := output.ReadManifest(out)
	var found []string
	for name := range snapshot(t, out) {
		found = append(found, name)
	}
	want := slices.Clone(man.Files)
	slices.Sort(found)
	slices.Sort(want)
	if !slices.Equal(found, want) {
		t.Errorf("the directory holds %v, the manifest lists %v", found, want)
	}
}

// TestConcurrentRunsNeverMix: two runs started together into one
// directory used to both exit 0 now and then, under a manifest of one
// seed with tables of the other. Now one of them refuses with exit 2, and
// the tables are those of the manifest's seed.
func TestConcurrentRunsNeverMix(t *testing.T) {
	scen := short(t)
	ref := map[string]string{}
	for _, seed := range []string{"1", "2"} {
		dir := filepath.Join(t.TempDir(), seed)
		if code, _, stderr := dropsim("run", scen, "-out", dir, "-q", "-no-plots", "-seed", seed); code != 0 {
			t.Fatalf("reference run: %s", stderr)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "arrests.csv"))
		ref[seed] = string(b)
	}
	for trial := range 4 {
		out := filepath.Join(t.TempDir(), "c")
		var cmds []*exec.Cmd
		var errs [2]bytes.Buffer
		for i, seed := range []string{"1", "2"} {
			cmd := exec.Command(os.Args[0], "run", scen, "-out", out, "-q", "-no-plots", "-seed", seed)
			cmd.Env = append(os.Environ(), "DROPSIM_RUN_MAIN=1")
			cmd.Stderr = &errs[i]
			cmds = append(cmds, cmd)
		}
		for _, c := range cmds {
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		ok := 0
		for i, c := range cmds {
			err := c.Wait()
			var ee *exec.ExitError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &ee) && ee.ExitCode() == 2:
				msg := errs[i].String()
				if !strings.Contains(msg, "is writing in") && !strings.Contains(msg, "holds the earlier run") {
					t.Errorf("trial %d: the refused run says %q", trial, msg)
				}
			default:
				t.Errorf("trial %d: %v: %s", trial, err, errs[i].String())
			}
		}
		if ok != 1 {
			t.Fatalf("trial %d: %d runs succeeded, want exactly 1", trial, ok)
		}
		man, err := output.ReadManifest(out)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(out, "arrests.csv"))
		if string(b) != ref[fmt.Sprint(man.Seed)] {
			t.Errorf("trial %d: arrests.csv is not that of the manifest's seed %d", trial, man.Seed)
		}
	}
}

// TestSignalBeforeTheRunChangesNothing: a signal that arrives once the
// handler is in place, but before the earlier run's files are replaced,
// leaves them untouched and exits 130.
func TestSignalBeforeTheRunChangesNothing(t *testing.T) {
	scen := short(t)
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := dropsim("run", scen, "-out", out, "-q", "-no-plots"); code != 0 {
		t.Fatal(stderr)
	}
	before := snapshot(t, out)
	beforeClear = func(in *interrupts) {
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		for deadline := time.Now().Add(10 * time.Second); in.Signal() == nil && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	defer func() { beforeClear = func(*interrupts) {} }()
	code, _, stderr := dropsim("run", scen, "-out", out, "-q", "-force", "-seed", "5")
	if code != 130 || !strings.Contains(stderr, "interrupted by SIGINT before the run started: nothing in "+out+" was changed") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if after := snapshot(t, out); !maps.Equal(before, after) {
		t.Error("the earlier run's files changed")
	}
}

func TestOutputAtAFileExitsTwo(t *testing.T) {
	file := filepath.Join(t.TempDir(), "results")
	os.WriteFile(file, []byte("my file"), 0o644)
	code, _, stderr := dropsim("run", short(t), "-out", file, "-q", "-force")
	if code != 2 || !strings.Contains(stderr, "is a file, not a directory") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(file); string(b) != "my file" {
		t.Errorf("the file became %q", b)
	}
}
