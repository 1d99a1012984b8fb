package chart

import (
	"slices"
	"testing"
)

// TestFigureNamesAreWhatFiguresDraws: the names the output directory
// counts as dropsim's are those Figures really draws, for runs with and
// without periods and a treatment area.
func TestFigureNamesAreWhatFiguresDraws(t *testing.T) {
	files := FigureFiles()
	for _, run := range []func(testing.TB) *Run{testRun, noPeriodsRun, noTreatmentRun} {
		r := run(t)
		drawn := names(allFigures(t, r))
		if got := FigureNames(r.Zones, r.Points()); !slices.Equal(got, drawn) {
			t.Errorf("FigureNames %v, Figures draws %v", got, drawn)
		}
		for _, n := range drawn {
			for _, f := range Formats {
				if !slices.Contains(files, n+"."+f) {
					t.Errorf("FigureFiles lacks %s.%s", n, f)
				}
			}
		}
	}
	if !slices.Contains(files, AnimationFile) || len(files) != 9*len(Formats)+1 {
		t.Errorf("FigureFiles %v", files)
	}
}
