package chart

import (
	"regexp"
	"slices"
	"sync"
	"testing"

	"dropsim/sim/metrics"
)

// TestFigureNamesAreWhatFiguresDraws: the names the output directory
// counts as dropsim's are those Figures really draws, for runs with and
// without periods and a treatment area.
func TestFigureNamesAreWhatFiguresDraws(t *testing.T) {
	files := FigureFiles()
	for _, run := range []func(testing.TB) *Run{testRun, noPeriodsRun, noTreatmentRun, pointsRun} {
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

var (
	pointsOnce sync.Once
	pointsVal  *Run
)

// pointsRun is the test run's drops as incident data would come: no land
// use, and a summary naming its source (dropsim displacement -points).
func pointsRun(t testing.TB) *Run {
	pointsOnce.Do(func() {
		r := *testRun(t)
		r.Params.Name = "points"
		r.Land = nil
		s := *r.Summary
		s.Points = &metrics.PointsSource{File: "seizures.csv", Format: "csv", DayZero: "2024-01-01", Split: "2024-01-21"}
		r.Summary = &s
		pointsVal = &r
	})
	return pointsVal
}

// TestPointsFigures: incident data get the displacement figures only, and
// their titles and captions speak of incidents, not of drops, land use,
// water or the model.
func TestPointsFigures(t *testing.T) {
	model := regexp.MustCompile(`(?i)\b(drops?|land use|water|runs?|sweep|police|arrests?|seizures?|market)\b`)
	for _, f := range allFigures(t, pointsRun(t)) {
		for _, text := range []string{f.Title, f.Caption} {
			if w := model.FindAllString(text, -1); len(w) > 0 {
				t.Errorf("%s speaks of %q: %s", f.Name, w, text)
			}
		}
	}
}
