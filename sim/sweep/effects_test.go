package sweep

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// The elementary effects of a whole Morris design at once, from a list of
// outputs: the second method that Summaries' one-pass effects are checked
// against.
// elementaryEffects returns, for each parameter, the Morris elementary
// effects EE = (y[s] - y[s-1]) / (Unit[s][i] - Unit[s-1][i]) of every pair
// of consecutive points s-1, s of a trajectory where both are defined, i
// being the parameter moved at s (Point.Moved). points are a Morris
// design's in ID order (as Points gives them); y and defined have one
// entry per point, and defined may be nil when every y is defined. Pairs
// that are not consecutive steps of one trajectory give nothing, so the
// points of other designs give no effects. The result has one slice per
// parameter (len(points[0].Unit)), in trajectory order; nil when there are
// no points. It panics when y or defined does not match points in length.
func elementaryEffects(points []Point, y []float64, defined []bool) [][]float64 {
	if len(y) != len(points) || (defined != nil && len(defined) != len(points)) {
		panic(fmt.Sprintf("elementaryEffects: %d points, %d values, %d defined", len(points), len(y), len(defined)))
	}
	if len(points) == 0 {
		return nil
	}
	ok := func(i int) bool { return defined == nil || defined[i] }
	ee := make([][]float64, len(points[0].Unit))
	for s := 1; s < len(points); s++ {
		cur, prev := &points[s], &points[s-1]
		if cur.Moved < 0 || cur.Trajectory != prev.Trajectory || cur.Step != prev.Step+1 {
			continue
		}
		if !ok(s) || !ok(s-1) {
			continue
		}
		i := cur.Moved
		ee[i] = append(ee[i], (y[s]-y[s-1])/(cur.Unit[i]-prev.Unit[i]))
	}
	return ee
}

func TestSummariesMorrisAgreeWithElementaryEffects(t *testing.T) {
	ps := []Parameter{{Key: "a", Min: 0, Max: 2}, {Key: "b", Min: 10, Max: 20}, {Key: "c", Min: -1, Max: 1}}
	pts, err := Points(Design{Kind: Morris, Trajectories: 6, Levels: 4, Seed: 5}, ps)
	if err != nil {
		t.Fatal(err)
	}
	f := func(u []float64, rep int) float64 {
		return math.Exp(u[0]) - 3*u[1]*u[2] + u[2]*u[2] + 0.1*float64(rep*rep)
	}
	plan := &Plan{Arms: []string{"x"}, Points: pts, Replicates: 3, BaseSeed: 1}
	s := NewSummaries(plan, []string{"orders"}, -1, len(ps))
	for id := range plan.Len() {
		r := plan.Run(id)
		s.Add(r, values(map[string]float64{"orders": f(pts[r.Point].Unit, r.Replicate)}))
	}
	_, _, _, rows := s.Rows([]string{"a", "b", "c"})
	all := make([][]float64, len(ps))
	for rep := range 3 {
		y := make([]float64, len(pts))
		for i, p := range pts {
			y[i] = f(p.Unit, rep)
		}
		for k, ee := range elementaryEffects(pts, y, nil) {
			all[k] = append(all[k], ee...)
		}
	}
	for k, r := range rows {
		ee := all[k]
		abs := make([]float64, len(ee))
		for i, e := range ee {
			abs[i] = math.Abs(e)
		}
		if r.N != 18 || !near(r.Mu, stat.Mean(ee, nil)) || !near(r.MuStar, stat.Mean(abs, nil)) || !near(r.Sigma, stat.StdDev(ee, nil)) {
			t.Errorf("%s: %+v, want 18 effects, mu %g, mu* %g, sigma %g", r.Parameter, r, stat.Mean(ee, nil), stat.Mean(abs, nil), stat.StdDev(ee, nil))
		}
	}
}
