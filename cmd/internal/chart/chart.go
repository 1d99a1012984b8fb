// Package chart draws a run's figures with gonum.org/v1/plot (PNG, SVG and
// PDF from one figure), its animated GIF, and the self-contained HTML
// report. It does no file I/O: it returns bytes, or writes the GIF to an
// io.Writer it is given, and the output package writes the files.
package chart

import (
	"dropsim/sim"
	"dropsim/sim/grid"
	"dropsim/sim/metrics"
)

// Run is everything the figures and the report are drawn from: a finished
// run's tables, as read back from its output directory, or incident data
// counted on a grid (dropsim displacement -points: Summary.Points says
// where they came from), whose drops are the incidents. For incident data
// only the displacement figures are drawn (Displacement), their text
// speaks of incidents, and the report describes the data instead of a
// scenario.
type Run struct {
	Params  sim.Params
	Zones   *sim.Zones   // Params.BuildZones()
	Land    []grid.Class // land use by cell id (y*W + x; row 0 is the north edge); nil for none (incident data): every cell counts
	Daily   []metrics.DailyRow
	Tables  metrics.Tables // drops, arrests, police positions
	Summary *metrics.Summary
	Version string // program version, for the report's footer
}

// Figure is one figure in every format asked for.
type Figure struct {
	Name    string            // file stem, e.g. "drops_by_zone"
	Title   string            // as drawn on the figure
	Caption string            // one or two sentences for the report: what is shown and how to read it
	Data    map[string][]byte // by format: "png", "svg", "pdf"
}

// Formats are the figure formats that can be asked for.
var Formats = []string{"png", "svg", "pdf"}

// Points reports whether r is incident data (dropsim displacement
// -points) rather than a model run.
func (r *Run) Points() bool { return r.Summary != nil && r.Summary.Points != nil }
