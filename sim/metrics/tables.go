package metrics

import "dropsim/sim"

// PoliceRecord is a unit's place at the end of a day, as in police.csv.
type PoliceRecord struct {
	Day int32
	sim.UnitPos
}

// Tables are a run's records, as written to drops.csv (in the order the
// drops ended), arrests.csv and police.csv. As a sim.Sink it collects them
// in memory, for tests and for programs that analyse runs without files.
type Tables struct {
	Drops   []sim.DropRecord
	Arrests []ArrestRecord
	Police  []PoliceRecord
}

// Event implements sim.Sink.
func (t *Tables) Event(e *sim.Event) {
	switch e.Kind {
	case sim.EvDropEnded:
		t.Drops = append(t.Drops, e.Drop)
	case sim.EvArrest:
		t.Arrests = append(t.Arrests, ArrestRecord{Tick: e.Tick, Role: e.Role, X: e.X, Y: e.Y, Cause: e.Cause, Minor: e.Minor})
	case sim.EvDayEnd:
		for _, u := range e.Day.Units {
			t.Police = append(t.Police, PoliceRecord{Day: int32(e.Day.Day), UnitPos: u})
		}
	}
}
