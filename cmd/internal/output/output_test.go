package output

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

func TestRecorderWritesTablesAtomically(t *testing.T) {
	dir := t.TempDir()
	p := sim.DefaultParams()
	p.WarmupDays = 0 // the before period from day 0
	p.Days = 4
	p.Zones.Treatment = []int{2, 8, 4, 10}
	p.Zones.SplitDay = 1 // before: day 0; after: day 1
	r, err := NewRecorder(dir, 24, p.BuildZones(nil))
	if err != nil {
		t.Fatal(err)
	}
	r.Event(&sim.Event{Kind: sim.EvDropEnded, Drop: sim.DropRecord{ID: 4, Shop: 1, Stasher: 2, X: 3, Y: 9, Placed: 10, End: 12, Outcome: sim.OutcomeSeized, Cause: sim.CauseSearch}})
	r.Event(&sim.Event{Tick: 30, Kind: sim.EvArrest, Role: sim.RoleDispatcher, Agent: 8, Shop: 1, X: -1, Y: -1, Cause: sim.CauseInvestigation})
	r.Event(&sim.Event{Tick: 31, Kind: sim.EvArrest, Role: sim.RoleStasher, Agent: 9, Shop: 0, X: 3, Y: 4, Cause: sim.CauseSeen, Minor: true})
	// Before Close no final name exists: only temporary files.
	for _, f := range TableFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Fatalf("%s exists before the recorder is closed", f)
		}
	}
	r.Event(&sim.Event{Kind: sim.EvDayEnd, Day: &sim.DayState{Day: 0, Units: []sim.UnitPos{{Unit: 5, Group: 1, X: 7, Y: 2}}}})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"drops.csv":   "drop_id,shop,stasher,x,y,placed_tick,end_tick,outcome,cause,zone,period\n4,1,2,3,9,10,12,seized,search,treatment,before\n",
		"arrests.csv": "tick,role,agent,shop,x,y,cause,zone,period,minor\n30,dispatcher,8,1,,,investigation,,after,false\n31,stasher,9,0,3,4,placement_seen,buffer,after,true\n",
		"police.csv":  "day,unit,group,x,y\n0,5,1,7,2\n",
	}
	for f, w := range want {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || string(b) != w {
			t.Errorf("%s = %q, want %q (%v)", f, b, w, err)
		}
	}
	if err := WriteManifest(dir, Manifest{Program: "dropsim", Complete: true}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 5 || strings.Contains(strings.Join(names, " "), ".tmp") {
		t.Errorf("directory holds %v, want exactly the five files", names)
	}
}

func TestWriteErrorLeavesNoFinalFile(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDaily(filepath.Join(dir, "missing"), []metrics.DailyRow{{Day: 0, Metric: "orders", Value: 1}}); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}

// TestWriteFailureNamesThePathAndLeavesNothing: a file whose writing fails
// (here the content, as a full disk would) is reported with its path and
// leaves neither its final name nor a temporary file.
func TestWriteFailureNamesThePathAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	err := WriteFile(dir, "summary.json", func(w *bufio.Writer) error {
		w.WriteString("{\"half\": ")
		w.Flush()
		return errors.New("no space left on device")
	})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "summary.json")) || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("error %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
}

// TestWriteLandUsePRJ: with a CRS dropsim knows, landuse.asc gets a .prj
// beside it holding its WKT (UTM zone 33 north: central meridian 15
// degrees); without one, or with one it does not know, none.
func TestWriteLandUsePRJ(t *testing.T) {
	for _, c := range []struct {
		crs  string
		want []string
	}{{"EPSG:32633", []string{"landuse.asc", "landuse.prj"}}, {"", []string{"landuse.asc"}}, {"EPSG:2154", []string{"landuse.asc"}}} {
		dir := t.TempDir()
		p := sim.DefaultParams()
		p.City.Width, p.City.Height, p.City.CRS = 3, 2, c.crs
		files, err := WriteLandUse(dir, &p, make([]grid.Class, 6))
		if err != nil || !slices.Equal(files, c.want) {
			t.Errorf("crs %q: wrote %v (%v), want %v", c.crs, files, err, c.want)
		}
		b, err := os.ReadFile(filepath.Join(dir, "landuse.prj"))
		if len(c.want) == 2 && (err != nil || !strings.Contains(string(b), `PROJCS["WGS_1984_UTM_Zone_33N"`) || !strings.Contains(string(b), `"Central_Meridian",15.0`)) {
			t.Errorf("crs %q: landuse.prj %q (%v)", c.crs, b, err)
		}
		if len(c.want) == 1 && err == nil {
			t.Errorf("crs %q: a .prj was written", c.crs)
		}
	}
}
