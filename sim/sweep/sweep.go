// Package sweep plans experiments: design points over parameters
// (factorial, Latin hypercube, Morris trajectories), replicates with seeds
// shared by every arm and design point (common random numbers), and a pool
// of workers whose results come out in run-id order, so that the files a
// sweep writes do not depend on the number of workers.
//
// A run is fully described by its id: Plan.Run(id) gives its arm, design
// point, replicate and seed, so any subset of the runs (a shard of a job
// array) can be played on its own.
package sweep

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// The design kinds.
const (
	Factorial = "factorial"
	LHS       = "lhs"
	Morris    = "morris"
)

// Designs are the design kinds, in the order the documentation lists them.
var Designs = []string{Factorial, LHS, Morris}

// Level is one value of a parameter at a design point.
type Level struct {
	// Text is the value as a TOML literal ("40", "0.25", "\"random\"",
	// "true"), the form a scenario key and -set take.
	Text string
	// Num is the numeric value when Numeric; strings and booleans are not.
	Num     float64
	Numeric bool
}

// NumLevel is the level of a number; an integer parameter is written
// without a fraction.
func NumLevel(x float64, integer bool) Level {
	if integer {
		return Level{Text: fmt.Sprintf("%d", int64(x)), Num: float64(int64(x)), Numeric: true}
	}
	return Level{Text: fmt.Sprintf("%v", x), Num: x, Numeric: true}
}

// Parameter is one varied scenario key.
type Parameter struct {
	Key string // dotted scenario key, e.g. "police.group[1].count"
	// Values lists the levels of a factorial design. Without Values a
	// factorial design takes Steps evenly spaced levels from Min to Max;
	// LHS and Morris designs always sample [Min, Max].
	Values   []Level
	Min, Max float64
	Steps    int
	// Integer parameters take whole-number levels (rounded to nearest).
	Integer bool
	// Arms lists the arms the parameter applies to; empty means all.
	Arms []string
}

// AppliesTo says whether the parameter applies to the arm named.
func (p Parameter) AppliesTo(arm string) bool {
	return len(p.Arms) == 0 || slices.Contains(p.Arms, arm)
}

// Design says how the design points are made.
type Design struct {
	Kind string // Factorial, LHS or Morris
	// Samples is the number of points of a Latin hypercube.
	Samples int
	// Trajectories and Levels shape a Morris design: each trajectory has
	// len(parameters)+1 points on a grid of Levels levels per parameter.
	Trajectories int
	Levels       int
	// Seed draws the Latin hypercube and the Morris trajectories.
	Seed uint64
}

// Point is one design point: a level for every parameter.
type Point struct {
	ID     int
	Levels []Level // one per parameter, in the parameters' order
	// Morris designs only: the trajectory (from 0) and the step in it
	// (0 is the trajectory's start); Moved is the parameter that changed
	// from the previous step (-1 at step 0), and Unit the parameters'
	// positions in the unit hypercube, from which elementary effects are
	// computed. Trajectory is -1 in other designs.
	Trajectory, Step, Moved int
	Unit                    []float64
}

// Seed is the run seed of replicate r: the same for every arm and design
// point (common random numbers), and far apart for neighbouring r.
func Seed(base uint64, r int) uint64 {
	return rand.New(rand.NewPCG(base, uint64(r))).Uint64() >> 1 // < 2^63, printable as a TOML integer
}
