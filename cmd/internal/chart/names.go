package chart

import "dropsim/sim"

// AnimationFile is the animation's file name in the figures folder.
const AnimationFile = "animation.gif"

// FigureNames are the names of the figures Figures draws for a run with
// zones z, in the order it draws them: the density maps before and after
// and their change when the run has periods, one density map otherwise;
// the distance rings' curve when it has periods, a treatment area and rings.
// With displacementOnly (incident data, whose figures have no model to
// show) the figures of arrests and the market are left out.
func FigureNames(z *sim.Zones, displacementOnly bool) []string {
	maps := []string{"density_all"}
	if z != nil && z.HasPeriods {
		maps = []string{"density_before", "density_after", "density_change"}
	}
	if hasRingCurve(z) {
		maps = append(maps, "rings")
	}
	names := append([]string{"drops_by_zone"}, maps...)
	names = append(names, "centroid_path")
	if displacementOnly {
		return names
	}
	return append(names, "arrests_by_role", "market")
}

// FigureFiles are the names of every file dropsim may write in a run's
// figures folder, whatever the run: each figure in each format, and the
// animation. The output directory treats these as dropsim's own.
func FigureFiles() []string {
	var files []string
	withPeriods := FigureNames(&sim.Zones{HasPeriods: true, HasTreatment: true, Rings: 1}, false)
	for _, n := range append(withPeriods, "density_all") {
		for _, f := range Formats {
			files = append(files, n+"."+f)
		}
	}
	return append(files, AnimationFile)
}

// hasRingCurve: the rings' curve needs periods, a treatment area and rings.
func hasRingCurve(z *sim.Zones) bool {
	return z != nil && z.HasPeriods && z.HasTreatment && z.Rings > 0
}
