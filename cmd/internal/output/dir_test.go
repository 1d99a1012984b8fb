package output

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree writes files (name -> content; a name ending in / is a folder) under dir.
func tree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// contents lists every file and folder under dir with its content.
func contents(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(p)
			got[rel] = "-> " + to
		case d.IsDir():
			got[rel+"/"] = ""
		default:
			b, _ := os.ReadFile(p)
			got[rel] = string(b)
		}
		return nil
	})
	return got
}

var figureFiles = []string{"drops_by_zone.png", "drops_by_zone.svg", "market.pdf", "animation.gif"}

// userFiles are what a user keeps beside their results: none is dropsim's.
var userFiles = map[string]string{
	"study.toml":              "days = 3\n",
	"analysis.R":              "d <- read.csv('drops.csv')\n",
	"maps/town.txt":           "rr\nrr\n",
	"notes/2026-11-30.md":     "seed 1 looked odd\n",
	".git/HEAD":               "ref: refs/heads/main\n",
	"figures/my-sketch.png":   "mine",
	"figures/drops_by_zone.R": "a script beside the figure",
	".notes.123.tmp":          "an editor's temporary file, not dropsim's",
	"drops.csv.bak":           "a backup the user made",
	"old-extra.csv":           "not listed anywhere",
}

// TestInspectAndClearTouchOnlyDropsimsFiles: -force replaces the files the
// manifest lists, the fixed names, dropsim's figures and its temporary
// files, and nothing else; links are removed, not followed.
func TestInspectAndClearTouchOnlyDropsimsFiles(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	tree(t, outside, map[string]string{"precious.csv": "the target of a link", "plots/keep.png": "kept"})
	tree(t, dir, userFiles)
	man := Manifest{Program: "dropsim", Seed: 7, ScenarioFile: "study.toml", Complete: true,
		Files: []string{"drops.csv", "daily.csv", "figures/drops_by_zone.png", "figures/density_all.png", "listed-by-an-old-version.csv", "../escape.txt", "notes/2026-11-30.md", ".dropsim.lock", "manifest.json"}}
	b, _ := json.Marshal(man)
	ours := map[string]string{
		"manifest.json":                       string(b),
		"drops.csv":                           "old drops",
		"daily.csv":                           "old daily",
		"summary.json":                        "{}",
		"report.html":                         "<html>",
		"landuse.asc":                         "ncols 2",
		"listed-by-an-old-version.csv":        "x",
		"figures/drops_by_zone.png":           "png",
		"figures/drops_by_zone.svg":           "svg",
		"figures/density_all.png":             "listed only in the manifest",
		"figures/animation.gif":               "gif",
		".arrests.csv.4711.tmp":               "half a table",
		"figures/.market.pdf.99.tmp":          "half a figure",
		".dropsim-probe-123":                  "",
		".listed-by-an-old-version.csv.5.tmp": "",
	}
	tree(t, dir, ours)
	os.Symlink(filepath.Join(outside, "precious.csv"), filepath.Join(dir, "arrests.csv")) // a link at a fixed name
	os.WriteFile(filepath.Join(dir, LockFile), []byte("12345\n"), 0o644)                  // a stale lock

	e, err := Inspect(dir, figureFiles)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"arrests.csv", "daily.csv", "drops.csv", "figures/animation.gif", "figures/density_all.png", "figures/drops_by_zone.png", "figures/drops_by_zone.svg",
		"landuse.asc", "listed-by-an-old-version.csv", "manifest.json", "report.html", "summary.json"}
	wantTemps := []string{".arrests.csv.4711.tmp", ".dropsim-probe-123", ".listed-by-an-old-version.csv.5.tmp", "figures/.market.pdf.99.tmp"}
	slices.Sort(e.Files)
	slices.Sort(e.Temps)
	if !slices.Equal(e.Files, wantFiles) || !slices.Equal(e.Temps, wantTemps) {
		t.Fatalf("Inspect found\n files %v\n temps %v\nwant\n files %v\n temps %v", e.Files, e.Temps, wantFiles, wantTemps)
	}
	// The user's entries at the top (study.toml, analysis.R, maps, notes,
	// .git, .notes.123.tmp, drops.csv.bak, old-extra.csv) and in figures/
	// (my-sketch.png, drops_by_zone.R).
	if e.Others != 10 || e.Manifest == nil || e.Manifest.Seed != 7 {
		t.Errorf("others %d (want 10), manifest %v", e.Others, e.Manifest)
	}
	d := &Dir{Path: dir}
	if err := d.Clear(e); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{LockFile: "12345\n", "figures/": ""}
	for name, text := range userFiles {
		want[name] = text
	}
	for _, folder := range []string{"maps/", "notes/", ".git/"} {
		want[folder] = ""
	}
	if got := contents(t, dir); !maps.Equal(got, want) {
		t.Errorf("after Clear the directory holds\n%v\nwant\n%v", keys(got), keys(want))
	}
	if b, err := os.ReadFile(filepath.Join(outside, "precious.csv")); err != nil || string(b) != "the target of a link" {
		t.Errorf("the link's target: %q, %v", b, err)
	}
}

// TestClearRemovesFiguresFolderOnlyWhenEmpty: a figures/ holding only
// dropsim's figures goes with them; a figures link is not followed.
func TestClearRemovesFiguresFolderOnlyWhenEmpty(t *testing.T) {
	dir := t.TempDir()
	tree(t, dir, map[string]string{"figures/market.pdf": "pdf", "drops.csv": "d"})
	e, _ := Inspect(dir, figureFiles)
	(&Dir{Path: dir}).Clear(e)
	if got := contents(t, dir); len(got) != 0 {
		t.Errorf("left %v", keys(got))
	}

	dir = t.TempDir()
	target := t.TempDir()
	tree(t, target, map[string]string{"market.pdf": "the user's own market.pdf"})
	os.Symlink(target, filepath.Join(dir, FiguresDir))
	e, _ = Inspect(dir, figureFiles)
	if len(e.Files) != 0 || e.Others != 1 {
		t.Errorf("a figures link: files %v, others %d", e.Files, e.Others)
	}
	(&Dir{Path: dir}).Clear(e)
	if b, _ := os.ReadFile(filepath.Join(target, "market.pdf")); string(b) != "the user's own market.pdf" {
		t.Errorf("the link's target lost its file: %q", b)
	}
}

// TestLock: one holder at a time, the holder named by its process id; a
// stale lock file (its process gone) does not block; Unlock removes it.
func TestLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "out")
	os.MkdirAll(filepath.Dir(dir), 0o755)
	d, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, LockFile))
	if strings.TrimSpace(string(b)) != fmt.Sprint(os.Getpid()) {
		t.Errorf("the lock file holds %q, want our process id %d", b, os.Getpid())
	}
	// flock locks belong to an open file, so a second Lock in this process
	// is refused like another process's.
	_, err = Lock(dir)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("(process id %d) is writing in %q", os.Getpid(), dir)) {
		t.Fatalf("second lock: %v", err)
	}
	d.Unlock()
	d.Unlock() // twice is harmless
	if _, err := os.Stat(filepath.Join(dir, LockFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Unlock left the lock file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, LockFile), []byte("999999\n"), 0o644) // left by a killed process
	d, err = Lock(dir)
	if err != nil {
		t.Fatalf("a stale lock file blocked: %v", err)
	}
	d.Unlock()

	file := filepath.Join(t.TempDir(), "results")
	os.WriteFile(file, []byte("a file"), 0o644)
	if _, err := Lock(file); !errors.Is(err, ErrNotWritable) || !strings.Contains(err.Error(), "is a file, not a directory") {
		t.Errorf("a file as the directory: %v", err)
	}
	if _, err := Inspect(file, nil); !errors.Is(err, ErrNotWritable) {
		t.Errorf("Inspect of a file: %v", err)
	}
}

// TestRemoveTemporary: what is being written goes; what is complete
// stays; and a file begun after it is refused, not left behind (a second
// signal races the writers it stops).
func TestRemoveTemporary(t *testing.T) {
	t.Cleanup(func() { temporaries.mu.Lock(); temporaries.closed = false; temporaries.mu.Unlock() })
	dir := t.TempDir()
	done, _ := create(dir, "a.csv")
	done.w.WriteString("whole")
	if err := done.commit(); err != nil {
		t.Fatal(err)
	}
	half, _ := create(dir, "b.csv")
	half.w.WriteString("half")
	half.w.Flush()
	RemoveTemporary()
	if _, err := create(dir, "c.csv"); !errors.Is(err, errExiting) {
		t.Errorf("create after RemoveTemporary: %v, want errExiting", err)
	}
	if err := half.commit(); err == nil {
		t.Error("a file removed by RemoveTemporary was committed")
	}
	if got := contents(t, dir); !maps.Equal(got, map[string]string{"a.csv": "whole"}) {
		t.Errorf("after RemoveTemporary: %v", got)
	}
}

func keys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
