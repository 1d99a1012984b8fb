package output

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"dropsim/cmd/internal/gis"
	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// ErrNoRun: the directory does not hold a finished run.
var ErrNoRun = errors.New("not a finished dropsim run")

// ReadManifest reads a run's manifest.json.
func ReadManifest(dir string) (Manifest, error) {
	var m Manifest
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("%w: %s has no manifest.json (give the output directory of a dropsim run that completed)", ErrNoRun, dir)
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%w: %s: %v", ErrNoRun, filepath.Join(dir, "manifest.json"), err)
	}
	if m.Program != "dropsim" {
		return m, fmt.Errorf("%w: %s was not written by dropsim", ErrNoRun, filepath.Join(dir, "manifest.json"))
	}
	return m, nil
}

// table reads a CSV table of dir whose header must be want, calling row
// for each record; fields are valid only during the call.
func table(dir, name string, want []string, row func(f []string) error) error {
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<16))
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !slices.Equal(head, want) {
		return fmt.Errorf("%s: the header is %v, want %v (a table of another version of dropsim?)", path, head, want)
	}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err == nil {
			err = row(rec)
		}
		if err != nil {
			return fmt.Errorf("%s line %d: %w", path, line, err)
		}
	}
}

// fields parses whole numbers, with "" as -1 (no place).
type fields struct{ err error }

func (p *fields) int32(s string) int32 {
	if s == "" {
		return -1
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil && p.err == nil {
		p.err = err
	}
	return int32(v)
}

// names maps outcome and role names back to their values.
func lookup[T ~uint8](names []string, s string) (T, error) {
	if i := slices.Index(names, s); i >= 0 {
		return T(i), nil
	}
	return 0, fmt.Errorf("unknown value %q (one of %v)", s, names)
}

func outcomeNames() []string {
	n := make([]string, sim.NumOutcomes)
	for o := range sim.NumOutcomes {
		n[o] = o.String()
	}
	return n
}

// ReadTables reads drops.csv, arrests.csv and police.csv back.
func ReadTables(dir string) (metrics.Tables, error) {
	var t metrics.Tables
	outcomes := outcomeNames()
	err := table(dir, "drops.csv", DropsHeader, func(f []string) error {
		var p fields
		d := sim.DropRecord{ID: p.int32(f[0]), Shop: p.int32(f[1]), Stasher: p.int32(f[2]), X: p.int32(f[3]), Y: p.int32(f[4]),
			Placed: p.int32(f[5]), End: p.int32(f[6]), Cause: f[8]}
		var err error
		if d.Outcome, err = lookup[sim.Outcome](outcomes, f[7]); err != nil {
			return err
		}
		t.Drops = append(t.Drops, d)
		return p.err
	})
	if err != nil {
		return t, err
	}
	err = table(dir, "arrests.csv", ArrestsHeader, func(f []string) error {
		var p fields
		a := metrics.ArrestRecord{Tick: p.int32(f[0]), X: p.int32(f[4]), Y: p.int32(f[5]), Cause: f[6]}
		var err error
		if a.Role, err = lookup[sim.Role](sim.RoleNames(), f[1]); err != nil {
			return err
		}
		t.Arrests = append(t.Arrests, a)
		return p.err
	})
	if err != nil {
		return t, err
	}
	err = table(dir, "police.csv", PoliceHeader, func(f []string) error {
		var p fields
		t.Police = append(t.Police, metrics.PoliceRecord{Day: p.int32(f[0]),
			UnitPos: sim.UnitPos{Unit: p.int32(f[1]), Group: p.int32(f[2]), X: p.int32(f[3]), Y: p.int32(f[4])}})
		return p.err
	})
	return t, err
}

// ReadDaily reads daily.csv back.
func ReadDaily(dir string) ([]metrics.DailyRow, error) {
	var rows []metrics.DailyRow
	err := table(dir, "daily.csv", []string{"day", "metric", "value"}, func(f []string) error {
		day, err := strconv.Atoi(f[0])
		if err != nil {
			return err
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil {
			return err
		}
		rows = append(rows, metrics.DailyRow{Day: day, Metric: f[1], Value: v})
		return nil
	})
	return rows, err
}

// ReadLandUse reads landuse.asc back as land-use classes by cell id.
func ReadLandUse(dir string, w, h int) ([]grid.Class, error) {
	path := filepath.Join(dir, "landuse.asc")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gis.ReadASC(bufio.NewReader(f), path, w*h)
	if err != nil {
		return nil, err
	}
	if r.NCols != w || r.NRows != h {
		return nil, fmt.Errorf("%s is %d x %d cells, but the run's city is %d x %d", path, r.NCols, r.NRows, w, h)
	}
	land := make([]grid.Class, w*h)
	for i, v := range r.Values {
		if v < 0 || v >= float64(grid.NumClasses) || v != float64(int(v)) {
			return nil, fmt.Errorf("%s: cell %d has land-use code %v; the codes are 0 to %d", path, i, v, grid.NumClasses-1)
		}
		land[i] = grid.Class(v)
	}
	return land, nil
}
