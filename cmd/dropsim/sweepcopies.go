package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"dropsim/cmd/internal/output"
	"dropsim/sim/sweep"
)

// Runs that repeat an earlier run. An arm that a parameter does not apply
// to (a no-police baseline under a grid of patrol sizes) is the same
// scenario at several design points, and with the same replicate seed the
// same run: a run is a function of its scenario and seed. Such a run is
// played once, at the first design point; its copies take its measures and
// daily rows from the tables (so memory does not grow with the runs), with
// their own run columns. keep_runs plays every run, so that each has its
// folder.

// reuseRuns turns the copying on; tests turn it off to check that a sweep
// gives the same files either way.
var reuseRuns = true

// firstPoints[arm][point] is the first design point at which the arm's
// scenario is the same as at point: every parameter that applies to the
// arm has the same level there.
func (s *sweepSetup) firstPoints() [][]int {
	first := make([][]int, len(s.plan.Arms))
	for a, arm := range s.plan.Arms {
		seen := map[string]int{}
		first[a] = make([]int, len(s.plan.Points))
		for p, pt := range s.plan.Points {
			var key []string
			for k, lv := range pt.Levels {
				if s.sw.Parameters[k].AppliesTo(arm) {
					key = append(key, lv.Text)
				}
			}
			k := strings.Join(key, "\x00")
			if q, ok := seen[k]; ok {
				first[a][p] = q
				continue
			}
			seen[k] = p
			first[a][p] = p
		}
	}
	return first
}

// copies knows which runs repeat which, and where the played runs' rows
// are in the tables.
type copies struct {
	s     *sweepSetup
	first [][]int
	// copied[arm][point]: some later point repeats this one.
	copied [][]bool
	rows   map[int]*playedRows // by run id, for the runs that have copies
	shard  *shardSpec          // in a shard, a run is copied only from a run of the shard
}

// playedRows are where a played run's rows are: its row in runs.csv (or
// its error, if it failed) and its block of daily.csv.
type playedRows struct {
	runFrom, runTo     int64
	dailyFrom, dailyTo int64
	failed             bool
	err                string
}

func (s *sweepSetup) newCopies(shard *shardSpec) *copies {
	c := &copies{s: s, rows: map[int]*playedRows{}, shard: shard}
	if !reuseRuns || s.sw.KeepRuns {
		return c
	}
	c.first = s.firstPoints()
	c.copied = make([][]bool, len(c.first))
	for a := range c.first {
		c.copied[a] = make([]bool, len(s.plan.Points))
		for p, q := range c.first[a] {
			if q != p {
				c.copied[a][q] = true
			}
		}
	}
	return c
}

// of is the id of the run that run r repeats, or -1.
func (c *copies) of(r sweep.Run) int {
	if c.first == nil || c.first[r.Arm][r.Point] == r.Point {
		return -1
	}
	a := len(c.s.plan.Arms)
	of := (c.first[r.Arm][r.Point]*c.s.plan.Replicates+r.Replicate)*a + r.Arm
	if !c.shard.has(of) {
		return -1 // played in another shard: played here again, to the same rows
	}
	return of
}

// keeps says whether run r's rows are wanted by a later copy.
func (c *copies) keeps(r sweep.Run) bool { return c.copied != nil && c.copied[r.Arm][r.Point] }

// index finds, in the tables an interrupted sweep left, the rows of the
// played runs that have copies.
func (c *copies) index(dir string) error {
	if c.copied == nil {
		return nil
	}
	s := c.s
	want := func(id int) *playedRows {
		if id < 0 || id >= s.plan.Len() || !c.keeps(s.plan.Run(id)) {
			return nil
		}
		if c.rows[id] == nil {
			c.rows[id] = &playedRows{}
		}
		return c.rows[id]
	}
	read := func(name string, header []string, row func(pr *playedRows, rec []string, from, to int64)) error {
		err := output.ReadStreamAt(dir, name, header, func(_ int, rec []string, from, to int64) error {
			id, _ := strconv.Atoi(rec[0]) // checked by done
			if pr := want(id); pr != nil {
				row(pr, rec, from, to)
			}
			return nil
		})
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	if err := read(runsFile, s.runsHeader(), func(pr *playedRows, _ []string, from, to int64) { pr.runFrom, pr.runTo = from, to }); err != nil {
		return err
	}
	if err := read(failuresFile, s.failuresHeader(), func(pr *playedRows, rec []string, _, _ int64) {
		pr.failed, pr.err = true, rec[len(rec)-1]
	}); err != nil {
		return err
	}
	return read(dailyFile, s.dailyHeader(), func(pr *playedRows, _ []string, from, to int64) {
		if pr.dailyTo == 0 {
			pr.dailyFrom = from
		}
		pr.dailyTo = to
	})
}

// copyRows writes run r's rows from those of the run it repeats.
func (c *copies) copyRows(r sweep.Run, of int, runs, failures, daily *output.Stream) (failed bool, err error) {
	pr := c.rows[of]
	if pr == nil { // cannot happen: runs are emitted in id order, and of < r.ID
		return false, errors.New("internal error: the rows of run " + strconv.Itoa(of) + " that run " + strconv.Itoa(r.ID) + " repeats were not found")
	}
	cells := c.s.runCells(r)
	if pr.failed {
		return true, failures.Write(append(cells, pr.err))
	}
	nRun := len(cells)
	if pr.dailyTo > pr.dailyFrom {
		rows, err := daily.ReadRows(pr.dailyFrom, pr.dailyTo)
		if err != nil {
			return false, err
		}
		for _, rec := range rows {
			if err := daily.Write(slices.Concat(cells, rec[nRun:])); err != nil {
				return false, err
			}
		}
	}
	rows, err := runs.ReadRows(pr.runFrom, pr.runTo)
	if err != nil || len(rows) != 1 {
		return false, errors.Join(err, errors.New("internal error: the row of run "+strconv.Itoa(of)+" in "+filepath.Join(runsFile)+" was not found where it was written"))
	}
	return false, runs.Write(slices.Concat(cells, rows[0][nRun:]))
}
