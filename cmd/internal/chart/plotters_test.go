package chart

import (
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"dropsim/sim/grid"
)

func TestNiceTicksLabelMillions(t *testing.T) {
	label := func(lo, hi float64) []string {
		var ls []string
		for _, tk := range (niceTicks{}).Ticks(lo, hi) {
			ls = append(ls, tk.Label)
		}
		return ls
	}
	// (0 - -8e7) / 6 = 1.33e7: step 2e7.
	if got, want := label(-8e7, 0), []string{"-80M", "-60M", "-40M", "-20M", "0"}; !slices.Equal(got, want) {
		t.Errorf("ticks of [-8e7, 0]: %v, want %v", got, want)
	}
	// Step 5e5 below a million: half-millions need a decimal.
	if got, want := label(0, 3e6), []string{"0", "0.5M", "1.0M", "1.5M", "2.0M", "2.5M", "3.0M"}; !slices.Equal(got, want) {
		t.Errorf("ticks of [0, 3e6]: %v, want %v", got, want)
	}
	if got, want := label(0, 3000), []string{"0", "500", "1000", "1500", "2000", "2500", "3000"}; !slices.Equal(got, want) {
		t.Errorf("ticks of [0, 3000]: %v, want %v", got, want)
	}
}

// TestLabelsStayInsideThePanel: a point at the right edge whose label has
// no free place beside it gets its label inside the panel (over another
// label if it must), not cut off at the edge.
func TestLabelsStayInsideThePanel(t *testing.T) {
	p := plot.New()
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	g := draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
	lp := &labelledPoints{style: textStyle(sans, 8),
		// Four labels at one point: left, up-left and down-left are the only
		// free places inside, so the fourth has none.
		xy:     [][2]float64{{0.98, 0.5}, {0.98, 0.5}, {0.98, 0.5}, {0.98, 0.5}},
		glyphs: []draw.GlyphStyle{g, g, g, g}, labels: []string{"a label", "b label", "c label", "buyers.count"}, hollow: make([]bool, 4)}
	p.Add(lp)
	rec := &recorder.Canvas{}
	const w = vg.Length(200)
	p.Draw(draw.Canvas{Canvas: rec, Rectangle: vg.Rectangle{Max: vg.Point{X: w, Y: 100}}})
	var texts []*recorder.FillString
	for _, a := range rec.Actions {
		if fs, ok := a.(*recorder.FillString); ok && strings.HasSuffix(fs.String, "label") || ok && fs.String == "buyers.count" {
			texts = append(texts, fs)
		}
	}
	if len(texts) != 4 {
		t.Fatalf("%d labels drawn, want 4", len(texts))
	}
	for _, fs := range texts {
		if right := fs.Point.X + lp.style.Width(fs.String); right > w {
			t.Errorf("label %q ends at %v, past the panel's right edge at %v", fs.String, right, w)
		}
	}
}

// TestBarLabelFits: a colour bar's label fits along the bar: whole at 10
// pt on a tall bar, smaller on a shorter one, on two lines on a short bar
// of a wide map (the 60 x 40 town's label ran into the title), each line
// no longer than the bar.
func TestBarLabelFits(t *testing.T) {
	const label = "change in drops per cell per day (square-root scale)"
	full := textStyle(sans, 10).Width(label)
	for _, c := range []struct {
		h     vg.Length
		lines int
	}{{full * 1.2, 1}, {full * 0.8, 1}, {full * 0.55, 2}, {full * 0.4, 2}} {
		lines, size := barLabel(label, c.h)
		if len(lines) != c.lines || size < minBarLabel || size > 10 {
			t.Errorf("bar of %.0f pt: %d lines at %.1f pt, want %d lines at %g to 10 pt", c.h.Points(), len(lines), size, c.lines, minBarLabel)
		}
		if strings.Join(lines, " ") != label {
			t.Errorf("bar of %.0f pt: lines %q do not make the label", c.h.Points(), lines)
		}
		for _, l := range lines {
			if w := textStyle(sans, size).Width(l); w > c.h*1.0001 && size > minBarLabel {
				t.Errorf("bar of %.0f pt: %q is %.0f pt long at %.1f pt", c.h.Points(), l, w.Points(), size)
			}
		}
	}
}

// TestLandSwatchesDiffer: every two land uses' colours differ by at least
// 30 in RGB (Euclidean), so that their swatches can be told apart (a
// reader could not tell residential from private housing at 13 apart).
func TestLandSwatchesDiffer(t *testing.T) {
	for a := range landColors {
		for b := a + 1; b < len(landColors); b++ {
			ca, cb := landColors[a], landColors[b]
			d := math.Sqrt(sq(float64(ca.R)-float64(cb.R)) + sq(float64(ca.G)-float64(cb.G)) + sq(float64(ca.B)-float64(cb.B)))
			if d < 30 {
				t.Errorf("land uses %s and %s are %.0f apart in RGB, want at least 30", grid.Class(a), grid.Class(b), d)
			}
		}
	}
}

func sq(x float64) float64 { return x * x }

// TestMapTicks: a map axis drawn in km from the grid's corner is labelled
// in the map's coordinates: the town of town-gis.toml (corner 411000,
// 6176000, 60 x 40 cells of 50 m) has easting 412000 one km east of its
// west edge and northing 6177000 one km south of its north edge (6178000).
func TestMapTicks(t *testing.T) {
	for _, c := range []struct {
		m        mapTicks
		lo, hi   float64
		label    string
		wantAtKm float64
	}{{mapTicks{off: 411000, scale: 1000}, 0, 3, "412000", 1}, {mapTicks{off: 6176000 + 40*50, scale: -1000}, 0, 2, "6.177e+06", 1}} {
		found := false
		for _, tk := range c.m.Ticks(c.lo, c.hi) {
			if tk.Value < c.lo-1e-9 || tk.Value > c.hi+1e-9 {
				t.Errorf("tick %q at %g km, outside [%g, %g]", tk.Label, tk.Value, c.lo, c.hi)
			}
			if v, err := strconv.ParseFloat(tk.Label, 64); tk.Label != "" && (err != nil || math.Abs(c.m.off+c.m.scale*tk.Value-v) > 1e-6) {
				t.Errorf("tick %q at %g km is at map coordinate %g", tk.Label, tk.Value, c.m.off+c.m.scale*tk.Value)
			}
			if tk.Label != "" && math.Abs(tk.Value-c.wantAtKm) < 1e-9 {
				found = true
			}
		}
		if !found {
			t.Errorf("no labelled tick at %g km (want map coordinate %s): %v", c.wantAtKm, c.label, c.m.Ticks(c.lo, c.hi))
		}
	}
}
