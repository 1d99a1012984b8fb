package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// An output directory is shared with its user: it may hold their notes,
// scripts, maps or a whole project beside a run's results. dropsim only
// ever removes or replaces its own files (see Owned), and only one dropsim
// process writes in a directory at a time (see Lock).

// LockFile is the file whose advisory lock (flock) a process holds while
// it writes in an output directory. The kernel releases the lock when the
// process ends, however it ends, so a killed run never blocks the next.
const LockFile = ".dropsim.lock"

// FiguresDir is the folder of figures inside an output directory.
const FiguresDir = "figures"

// ErrLocked: another dropsim process is writing in the directory.
var ErrLocked = errors.New("output directory is in use")

// Dir is an output directory locked by this process.
type Dir struct {
	Path string
	lock *os.File
}

// Lock creates dir if needed and takes its lock, so that no other dropsim
// process writes there until Unlock. A directory that cannot be written
// to gives ErrNotWritable; one that another process holds gives ErrLocked
// with that process's id.
func Lock(dir string) (*Dir, error) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("%w %q: it is a file, not a directory; give -out a directory", ErrNotWritable, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrNotWritable, dir, unwrapPath(err))
	}
	name := filepath.Join(dir, LockFile)
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%w %q: %v", ErrNotWritable, dir, unwrapPath(err))
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			pid := readPID(f)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				who := "another dropsim process"
				if pid > 0 {
					who = fmt.Sprintf("another dropsim process (process id %d)", pid)
				}
				return nil, kindError{ErrLocked, fmt.Sprintf("%s is writing in %q; wait for it to finish, or give -out another directory", who, dir)}
			}
			return nil, fmt.Errorf("%w %q: cannot lock %s: %v", ErrNotWritable, dir, LockFile, err)
		}
		// The holder before us may have removed the file between our open
		// and our lock (Unlock removes it): then we hold a lock on a file
		// no one else will open, and must lock the new one instead.
		if same, err := sameFile(f, name); err != nil || !same {
			f.Close()
			continue
		}
		if err := f.Truncate(0); err == nil {
			_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		return &Dir{Path: dir, lock: f}, nil
	}
}

func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	return pid
}

func sameFile(f *os.File, name string) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(name)
	if err != nil {
		return false, nil
	}
	return os.SameFile(a, b), nil
}

// Unlock removes the lock file and releases the lock; it is safe to call
// more than once.
func (d *Dir) Unlock() {
	if d == nil || d.lock == nil {
		return
	}
	os.Remove(filepath.Join(d.Path, LockFile)) // while still locked: see Lock
	d.lock.Close()
	d.lock = nil
}

// Earlier is what a directory holds before a run writes into it.
type Earlier struct {
	Manifest *Manifest // the earlier run's manifest; nil if there is none or it is not dropsim's
	Files    []string  // dropsim's result files present, relative to the directory, "/"-separated
	Temps    []string  // temporary files left by a dropsim process that was killed
	Others   int       // entries that are not dropsim's: they stay
}

// fixedFiles are the names of every file a run may write at the top of
// its directory, whatever its options.
func fixedFiles() []string {
	names := slices.Concat(TableFiles, NetworkFiles, []string{"summary.json", "measures.csv"}, GISFiles, []string{"report.html", "manifest.json"})
	return names
}

// tempName matches the names create gives files being written
// (os.CreateTemp's random part is digits) and the probes of older versions.
var tempName = regexp.MustCompile(`^\.(.+)\.[0-9]+\.tmp$|^\.dropsim-probe-[0-9]+$`)

// Inspect lists what dir holds: dropsim's files (those the earlier
// manifest lists, the fixed names of a run's files, and in figures/ the
// files named in figures or listed), leftover temporary files of those,
// and how many other entries there are. A directory that does not exist
// holds nothing. figures are the file names (without "figures/") that
// dropsim may write in figures/.
func Inspect(dir string, figures []string) (Earlier, error) {
	var e Earlier
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return e, nil
	case err != nil:
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			return e, fmt.Errorf("%w %q: it is a file, not a directory; give -out a directory", ErrNotWritable, dir)
		}
		return e, fmt.Errorf("%w %q: %v", ErrNotWritable, dir, unwrapPath(err))
	}
	top := fixedFiles()
	figs := slices.Clone(figures)
	if m, err := ReadManifest(dir); err == nil {
		e.Manifest = &m
		for _, f := range m.Files {
			switch dir, base := path.Split(f); {
			case !filepath.IsLocal(f) || base == "" || base == LockFile:
			case dir == "":
				top = append(top, base)
			case dir == FiguresDir+"/":
				figs = append(figs, base)
			}
		}
	}
	for _, ent := range entries {
		name := ent.Name()
		switch {
		case name == LockFile:
		case name == FiguresDir && ent.IsDir() && ent.Type()&fs.ModeSymlink == 0:
			if err := e.inspectFigures(filepath.Join(dir, FiguresDir), figs); err != nil {
				return e, err
			}
		case slices.Contains(top, name) && !ent.IsDir():
			e.Files = append(e.Files, name)
		case isTemp(name, top):
			e.Temps = append(e.Temps, name)
		default:
			e.Others++
		}
	}
	return e, nil
}

// inspectFigures adds the figures/ files that are dropsim's, and counts
// the others.
func (e *Earlier) inspectFigures(dir string, figs []string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%w %q: %v", ErrNotWritable, dir, unwrapPath(err))
	}
	for _, ent := range entries {
		name := ent.Name()
		switch {
		case slices.Contains(figs, name) && !ent.IsDir():
			e.Files = append(e.Files, FiguresDir+"/"+name)
		case isTemp(name, figs):
			e.Temps = append(e.Temps, FiguresDir+"/"+name)
		default:
			e.Others++
		}
	}
	return nil
}

func isTemp(name string, own []string) bool {
	m := tempName.FindStringSubmatch(name)
	return m != nil && (m[1] == "" || slices.Contains(own, m[1]))
}

// Clear removes the earlier run's files and the leftover temporary files
// that Inspect found, the manifest first (so that no manifest ever lists
// files that are gone), and figures/ if that leaves it empty. Every other
// file stays. Links are removed, never followed.
func (d *Dir) Clear(e Earlier) error {
	files := slices.Clone(e.Files)
	slices.SortStableFunc(files, func(a, b string) int {
		return boolInt(b == "manifest.json") - boolInt(a == "manifest.json")
	})
	inFigures := false
	for _, f := range slices.Concat(files, e.Temps) {
		inFigures = inFigures || strings.HasPrefix(f, FiguresDir+"/")
		if err := os.Remove(filepath.Join(d.Path, filepath.FromSlash(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("replacing the earlier run in %s: %w", d.Path, err)
		}
	}
	if inFigures { // the folder dropsim made, if nothing else is in it now
		figs := filepath.Join(d.Path, FiguresDir)
		if entries, err := os.ReadDir(figs); err == nil && len(entries) == 0 {
			os.Remove(figs)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Describe says in a few words what an earlier run was, e.g. "the
// earlier run of crackdown.toml (seed 3, started 2026-12-01 09:40 UTC,
// complete; 24 files)", or "the earlier displacement analysis of
// incidents.csv (...)".
func (e Earlier) Describe() string {
	files := fmt.Sprintf("%d %s", len(e.Files), plural(len(e.Files), "file", "files"))
	m := e.Manifest
	if m == nil {
		return "the files of an earlier run (" + files + ", no manifest)"
	}
	state := "complete"
	if !m.Complete {
		state = "incomplete"
	}
	if m.Points != "" {
		return fmt.Sprintf("the earlier displacement analysis of %s (started %s, %s; %s)", m.Points, m.Started.Format("2006-01-02 15:04 MST"), state, files)
	}
	return fmt.Sprintf("the earlier run of %s (seed %d, started %s, %s; %s)", m.ScenarioFile, m.Seed, m.Started.Format("2006-01-02 15:04 MST"), state, files)
}

// Refuse is the error for a directory that holds an earlier run when
// -force was not given.
func (e Earlier) Refuse(dir string) error {
	names := e.Files
	if len(names) > 3 {
		names = append(slices.Clone(names[:3]), fmt.Sprintf("%d more", len(e.Files)-3))
	}
	return kindError{ErrExists, fmt.Sprintf("%s holds %s: %s; give -force to replace them (dropsim replaces only its own files; every other file stays) or -out to choose another directory",
		dir, e.Describe(), strings.Join(names, ", "))}
}

// kindError is a sentence of its own that is one of the errors above for
// errors.Is, without their text in front of it.
type kindError struct {
	kind error
	msg  string
}

func (e kindError) Error() string        { return e.msg }
func (e kindError) Is(target error) bool { return target == e.kind }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
