package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"dropsim/sim/sweep"
)

// A shard of a sweep: the runs whose id is Index modulo Count
// (sweep.InShard), played into OUT/shards/<Index>-of-<Count>/ as a sweep
// output of their own, to be merged by dropsim merge.
type shardSpec struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// parseShard reads -shard I/N.
func parseShard(v string) (shardSpec, error) {
	i, n, ok := strings.Cut(v, "/")
	a, err1 := strconv.Atoi(i)
	b, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || b < 1 || a < 0 || a >= b {
		return shardSpec{}, fmt.Errorf("%q is not a shard: give I/N with N the number of shards and I from 0 to N-1, such as 0/4 (on Slurm: $SLURM_ARRAY_TASK_ID/N)", v)
	}
	return shardSpec{Index: a, Count: b}, nil
}

func (sh shardSpec) String() string { return fmt.Sprintf("%d/%d", sh.Index, sh.Count) }

// name is the shard's folder under OUT/shards.
func (sh shardSpec) name() string { return fmt.Sprintf("%d-of-%d", sh.Index, sh.Count) }

// shardDir is where shard sh of the sweep going to out writes.
func shardDir(out string, sh shardSpec) string { return filepath.Join(out, "shards", sh.name()) }

// has says whether run id falls to the shard; without a shard every run does.
func (sh *shardSpec) has(id int) bool { return sh == nil || sweep.InShard(id, sh.Index, sh.Count) }

// of names the shard in a message: " (shard 1/4)", or nothing.
func (sh *shardSpec) of() string {
	if sh == nil {
		return ""
	}
	return " (shard " + sh.String() + ")"
}

// shardName says which part of a sweep a folder holds.
func shardName(sh *shardSpec) string {
	if sh == nil {
		return "a whole sweep"
	}
	return "shard " + sh.String() + " of a sweep"
}

// finishShard ends a shard's play: its tables are complete; the summaries
// wait for dropsim merge, which reads every shard.
func (s *sweepSetup) finishShard(dir string, man *sweepManifest, failed int, opt sweepOptions, stdout io.Writer) error {
	man.Complete, man.Interrupted = true, ""
	if err := writeSweepManifest(dir, man); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s shard %s: %d runs in %s, %.1f s; when every shard is done: dropsim merge %s\n",
		s.sw.Name, opt.shard, man.Runs, dir, time.Since(man.Started).Seconds(), shellQuote(opt.out))
	if failed > 0 {
		return runFailedError{failed: failed, dir: dir}
	}
	return nil
}

// sameShard says whether a and b are the same shard, or both a whole sweep.
func sameShard(a, b *shardSpec) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
