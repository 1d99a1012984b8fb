package sweep

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

func TestPlanRunNumbering(t *testing.T) {
	p := &Plan{Arms: []string{"a", "b", "c"}, Points: make([]Point, 4), Replicates: 5, BaseSeed: 9}
	if p.Len() != 60 {
		t.Fatalf("Len = %d, want 3 arms x 4 points x 5 replicates = 60", p.Len())
	}
	// By hand: id 37 = (point*5 + rep)*3 + arm: 37 = 12*3 + 1, 12 = 2*5 + 2.
	r := p.Run(37)
	if r.Arm != 1 || r.Point != 2 || r.Replicate != 2 {
		t.Errorf("Run(37) = %+v, want arm 1, point 2, replicate 2", r)
	}
	seen := map[[3]int]bool{}
	for id := range p.Len() {
		r := p.Run(id)
		if got := (r.Point*p.Replicates+r.Replicate)*len(p.Arms) + r.Arm; got != id {
			t.Fatalf("Run(%d) = %+v maps back to %d", id, r, got)
		}
		seen[[3]int{r.Arm, r.Point, r.Replicate}] = true
		// Common random numbers: the seed depends on the replicate only.
		if r.Seed != Seed(9, r.Replicate) {
			t.Fatalf("run %d: seed %d, want the replicate's %d", id, r.Seed, Seed(9, r.Replicate))
		}
	}
	if len(seen) != 60 {
		t.Errorf("%d distinct (arm, point, replicate), want 60", len(seen))
	}
}

func TestSeedsDifferByReplicateAndBase(t *testing.T) {
	seen := map[uint64]bool{}
	for base := uint64(1); base <= 3; base++ {
		for r := range 100 {
			s := Seed(base, r)
			if s >= 1<<63 {
				t.Fatalf("Seed(%d, %d) = %d does not fit a TOML integer", base, r, s)
			}
			if seen[s] {
				t.Fatalf("Seed(%d, %d) = %d repeats", base, r, s)
			}
			seen[s] = true
		}
	}
	if Seed(1, 0) != Seed(1, 0) {
		t.Fatal("Seed is not a function")
	}
}

// play sleeps a random time, so that runs finish out of order.
func slowSquare(id int) int {
	time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
	return id * id
}

func TestExecuteEmitsInOrderForAnyWorkers(t *testing.T) {
	ids := make([]int, 200)
	for i := range ids {
		ids[i] = 3 * i
	}
	for _, w := range []int{1, 2, 8, 500} {
		var got []int
		err := Execute(context.Background(), ids, w, slowSquare, func(id, r int) error {
			if r != id*id {
				t.Fatalf("workers %d: result of %d is %d", w, id, r)
			}
			got = append(got, id)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ids) {
			t.Fatalf("workers %d: %d results, want %d", w, len(got), len(ids))
		}
		for i := range got {
			if got[i] != ids[i] {
				t.Fatalf("workers %d: result %d is run %d, want %d", w, i, got[i], ids[i])
			}
		}
	}
}

func TestExecuteBoundsRunsWaiting(t *testing.T) {
	// Run 0 is slow: the others must not all start (and pile up) meanwhile.
	var started, maxAhead atomic.Int64
	var emitted atomic.Int64
	ids := make([]int, 100)
	for i := range ids {
		ids[i] = i
	}
	play := func(id int) int {
		n := started.Add(1)
		if ahead := n - emitted.Load(); ahead > maxAhead.Load() {
			maxAhead.Store(ahead)
		}
		if id == 0 {
			time.Sleep(50 * time.Millisecond)
		}
		return id
	}
	err := Execute(context.Background(), ids, 2, play, func(int, int) error { emitted.Add(1); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if m := maxAhead.Load(); m > 8 {
		t.Errorf("%d runs started ahead of the emitted ones, want at most 4 per worker (8)", m)
	}
}

func TestExecuteStopsOnCancelLeavingAPrefix(t *testing.T) {
	ids := make([]int, 1000)
	for i := range ids {
		ids[i] = i
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got []int
	err := Execute(ctx, ids, 4, slowSquare, func(id, _ int) error {
		got = append(got, id)
		if id == 20 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(got) < 21 || len(got) > 21+4*4 {
		t.Fatalf("%d runs emitted after cancelling at the 21st, want 21 plus at most the runs under way", len(got))
	}
	for i, id := range got {
		if id != i {
			t.Fatalf("emitted runs are not a prefix: %v", got)
		}
	}
}

func TestExecuteStopsOnEmitError(t *testing.T) {
	ids := make([]int, 100)
	for i := range ids {
		ids[i] = i
	}
	disk := errors.New("disk full")
	n := 0
	err := Execute(context.Background(), ids, 3, slowSquare, func(id, _ int) error {
		n++
		if id == 10 {
			return disk
		}
		return nil
	})
	if !errors.Is(err, disk) || n != 11 {
		t.Fatalf("err = %v after %d emits, want disk full after 11", err, n)
	}
}

// Every run falls to exactly one shard, shards differ by at most one run,
// and ShardRuns agrees with InShard, for N = 1..7 (and a plan whose run
// count is not a multiple of N).
func TestShardsCoverEveryRunOnce(t *testing.T) {
	p := &Plan{Arms: []string{"a", "b", "c"}, Points: make([]Point, 2), Replicates: 5}
	for n := 1; n <= 7; n++ {
		seen := make([]int, p.Len())
		lo, hi := p.Len(), 0
		for i := range n {
			ids := p.ShardRuns(i, n)
			lo, hi = min(lo, len(ids)), max(hi, len(ids))
			for k, id := range ids {
				seen[id]++
				if !InShard(id, i, n) {
					t.Errorf("N=%d: run %d listed in shard %d, but InShard says no", n, id, i)
				}
				if k > 0 && ids[k-1] >= id {
					t.Errorf("N=%d shard %d: runs not in increasing order: %v", n, i, ids)
				}
			}
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("N=%d: run %d falls to %d shards, want 1", n, id, c)
			}
		}
		// 30 runs: shards of 30/n, rounded down or up
		if lo != p.Len()/n || hi != (p.Len()+n-1)/n {
			t.Errorf("N=%d: shards of %d to %d runs, want %d to %d", n, lo, hi, p.Len()/n, (p.Len()+n-1)/n)
		}
	}
}
