// Package output writes a run's results: the tidy tables (drops.csv,
// arrests.csv, daily.csv) and manifest.json. Every file is written under a
// temporary name and renamed into place when complete, and the manifest
// comes last, so a directory with a manifest holds a complete run and no
// final name ever holds half a file.
package output

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"dropsim/sim"
	"dropsim/sim/metrics"
)

// ErrExists: the directory already holds results and -force was not given.
var ErrExists = errors.New("the output directory holds an earlier run")

// TableFiles are the tables a run writes, in the order they are completed;
// measures, GIS files, figures and the report follow, and manifest.json
// comes last.
var TableFiles = []string{"drops.csv", "arrests.csv", "police.csv", "daily.csv"}

// ErrNotWritable: the output directory cannot be written to.
var ErrNotWritable = errors.New("cannot write in the output directory")

// atomicFile is a file written under a temporary name in its final
// directory and renamed into place by commit.
type atomicFile struct {
	f     *os.File
	w     *bufio.Writer
	final string
}

func create(dir, name string) (*atomicFile, error) {
	// The file is made and registered under the lock, so that
	// RemoveTemporary, once begun, cannot miss it nor let another be made.
	temporaries.mu.Lock()
	defer temporaries.mu.Unlock()
	if temporaries.closed {
		return nil, errExiting
	}
	f, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return nil, err
	}
	temporaries.names[f.Name()] = true
	return &atomicFile{f: f, w: bufio.NewWriterSize(f, 1<<16), final: filepath.Join(dir, name)}, nil
}

// temporaries are the temporary files being written, so that a process
// that must exit at once can remove them (RemoveTemporary); once it has,
// closed refuses new ones.
var temporaries = struct {
	mu     sync.Mutex
	names  map[string]bool
	closed bool
}{names: map[string]bool{}}

// errExiting: the process is exiting at once and writes no new file.
var errExiting = errors.New("the process is exiting")

// forget drops a temporary file from the registry once it is renamed or removed.
func forget(name string) {
	temporaries.mu.Lock()
	delete(temporaries.names, name)
	temporaries.mu.Unlock()
}

// RemoveTemporary removes every file being written under a temporary
// name, for a process about to exit at once: no file is ever half-written
// under its final name, and none is left under a temporary one. No file
// is created after it.
func RemoveTemporary() {
	temporaries.mu.Lock()
	defer temporaries.mu.Unlock()
	temporaries.closed = true
	for name := range temporaries.names {
		os.Remove(name)
		delete(temporaries.names, name)
	}
}

func (a *atomicFile) commit() error {
	err := a.w.Flush()
	if err == nil {
		err = a.f.Close()
	} else {
		a.f.Close()
	}
	if err == nil {
		err = os.Chmod(a.f.Name(), 0o644) // CreateTemp makes files private
	}
	if err == nil {
		err = os.Rename(a.f.Name(), a.final)
	}
	forget(a.f.Name())
	if err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("writing %s: %w", a.final, err)
	}
	return nil
}

func (a *atomicFile) abort() {
	a.f.Close()
	os.Remove(a.f.Name())
	forget(a.f.Name())
}

// Recorder is the sim.Sink of a run: it streams drops and arrests to their
// CSV files as they happen and collects the daily metrics.
type Recorder struct {
	dir                   string
	zones                 *sim.Zones
	tpd                   int
	drops, arrest, police *atomicFile
	dropsCSV              *csv.Writer
	arrestCSV             *csv.Writer
	policeCSV             *csv.Writer
	Daily                 *metrics.Daily
	row                   []string
	err                   error
	investigations        []investigation // network investigations, for WriteNetwork
}

// Table headers.
var (
	DropsHeader   = []string{"drop_id", "shop", "stasher", "x", "y", "placed_tick", "end_tick", "outcome", "cause", "zone", "period"}
	ArrestsHeader = []string{"tick", "role", "agent", "shop", "x", "y", "cause", "zone", "period", "minor"}
	PoliceHeader  = []string{"day", "unit", "group", "x", "y"}
	DailyHeader   = []string{"day", "metric", "value"}
)

// NewRecorder opens the tables of a run in dir (which Prepare has made
// ready); drops and arrests are labelled with their zone and period.
func NewRecorder(dir string, ticksPerDay int, zones *sim.Zones) (*Recorder, error) {
	r := &Recorder{dir: dir, zones: zones, tpd: ticksPerDay, Daily: metrics.NewDaily(ticksPerDay, zones)}
	var err error
	if r.drops, err = create(dir, "drops.csv"); err != nil {
		return nil, err
	}
	if r.arrest, err = create(dir, "arrests.csv"); err != nil {
		r.drops.abort()
		return nil, err
	}
	if r.police, err = create(dir, "police.csv"); err != nil {
		r.drops.abort()
		r.arrest.abort()
		return nil, err
	}
	r.dropsCSV, r.arrestCSV, r.policeCSV = csv.NewWriter(r.drops.w), csv.NewWriter(r.arrest.w), csv.NewWriter(r.police.w)
	r.dropsCSV.Write(DropsHeader)
	r.arrestCSV.Write(ArrestsHeader)
	r.policeCSV.Write(PoliceHeader)
	return r, nil
}

// zoneOf labels a place (zone "" where there is no place) and the period
// of a tick.
func (r *Recorder) zoneOf(x, y, tick int32) (zone, period string) {
	if x >= 0 {
		zone = r.zones.At(int(x), int(y)).String()
	}
	return zone, r.zones.PeriodOf(int(tick) / r.tpd).String()
}

func itoa(v int32) string { return strconv.Itoa(int(v)) }

// place writes a coordinate, or an empty field where the event has no place.
func place(v int32) string {
	if v < 0 {
		return ""
	}
	return itoa(v)
}

// Event implements sim.Sink.
func (r *Recorder) Event(e *sim.Event) {
	switch e.Kind {
	case sim.EvDropEnded:
		d := &e.Drop
		zone, period := r.zoneOf(d.X, d.Y, d.Placed)
		r.row = append(r.row[:0], itoa(d.ID), itoa(d.Shop), itoa(d.Stasher), itoa(d.X), itoa(d.Y),
			itoa(d.Placed), itoa(d.End), d.Outcome.String(), d.Cause, zone, period)
		r.keep(r.dropsCSV.Write(r.row))
	case sim.EvArrest:
		zone, period := r.zoneOf(e.X, e.Y, e.Tick)
		r.row = append(r.row[:0], itoa(e.Tick), e.Role.String(), itoa(e.Agent), itoa(e.Shop),
			place(e.X), place(e.Y), e.Cause, zone, period, strconv.FormatBool(e.Minor))
		r.keep(r.arrestCSV.Write(r.row))
	case sim.EvInvestigation:
		r.investigations = append(r.investigations, investigation{tick: e.Tick, from: e.From, fromRole: e.FromRole, to: e.Agent, shop: e.Shop, role: e.Role, length: e.Amount, outcome: e.Cause})
	case sim.EvDayEnd:
		day := strconv.Itoa(e.Day.Day)
		for _, u := range e.Day.Units {
			r.row = append(r.row[:0], day, itoa(u.Unit), itoa(u.Group), itoa(u.X), itoa(u.Y))
			r.keep(r.policeCSV.Write(r.row))
		}
	}
	r.Daily.Event(e)
}

func (r *Recorder) keep(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

// Close completes the tables: drops.csv, arrests.csv, then daily.csv.
func (r *Recorder) Close() error {
	for _, w := range []*csv.Writer{r.dropsCSV, r.arrestCSV, r.policeCSV} {
		w.Flush()
		r.keep(w.Error())
	}
	if r.err != nil {
		r.Abort()
		return fmt.Errorf("writing tables in %s: %w", r.dir, r.err)
	}
	for i, f := range []*atomicFile{r.drops, r.arrest, r.police} {
		if err := f.commit(); err != nil {
			for _, rest := range []*atomicFile{r.drops, r.arrest, r.police}[i+1:] {
				rest.abort()
			}
			return err
		}
	}
	return WriteDaily(r.dir, r.Daily.Rows())
}

// Abort removes the temporary files of an unfinished run.
func (r *Recorder) Abort() {
	r.drops.abort()
	r.arrest.abort()
	r.police.abort()
}

// WriteDaily writes the tidy daily table day,metric,value.
func WriteDaily(dir string, rows []metrics.DailyRow) error {
	a, err := create(dir, "daily.csv")
	if err != nil {
		return err
	}
	w := csv.NewWriter(a.w)
	w.Write(DailyHeader)
	for _, row := range rows {
		w.Write([]string{strconv.Itoa(row.Day), row.Metric, strconv.FormatFloat(row.Value, 'g', -1, 64)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		a.abort()
		return err
	}
	return a.commit()
}

// Manifest describes a finished run; its presence marks the run complete.
type Manifest struct {
	Program      string     `json:"program"`
	Version      string     `json:"version"`
	Scenario     string     `json:"scenario"`
	ScenarioFile string     `json:"scenario_file"`
	Overrides    []string   `json:"overrides,omitempty"` // the -set KEY=VALUE of the command line, in order; Params has them applied
	Seed         uint64     `json:"seed"`
	Complete     bool       `json:"complete"`              // every output is written
	TablesDone   bool       `json:"tables_complete"`       // the simulation ran to its end and its tables are whole
	Missing      []string   `json:"missing,omitempty"`     // outputs of the analysis not written (it was interrupted); dropsim plot writes them
	Interrupted  string     `json:"interrupted,omitempty"` // why an incomplete run stopped
	Error        string     `json:"error,omitempty"`       // the error that ended a failed run
	Started      time.Time  `json:"started"`
	WallSeconds  float64    `json:"wall_seconds"`
	Ticks        int        `json:"ticks"`
	Days         int        `json:"days"`
	Files        []string   `json:"files"`
	Counts       sim.Totals `json:"counts"`
	Params       sim.Params `json:"params"`
	// Points is the incidents file of a displacement analysis of incident
	// data (dropsim displacement -points), which is no run: its directory
	// holds measures, figures and a report, but no tables.
	Points string `json:"points,omitempty"`
}

// WriteManifest writes manifest.json, last of all.
func WriteManifest(dir string, m Manifest) error {
	a, err := create(dir, "manifest.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(a.w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		a.abort()
		return err
	}
	return a.commit()
}
