package sweep

import (
	"context"
	"sync"
)

// Plan is every run of a sweep: each arm at each design point, each
// replicate. Runs are numbered point by point, then replicate, then arm,
// so that the arms of one replicate are neighbours (a paired comparison
// reads them together) and a design point's runs are contiguous:
//
//	id = (point*Replicates + replicate)*len(Arms) + arm
type Plan struct {
	Arms       []string
	Points     []Point
	Replicates int
	BaseSeed   uint64
}

// Run is one run of a plan.
type Run struct {
	ID, Arm, Point, Replicate int
	Seed                      uint64
}

// Len is the number of runs.
func (p *Plan) Len() int { return len(p.Points) * p.Replicates * len(p.Arms) }

// Run returns run id of the plan; 0 <= id < Len().
func (p *Plan) Run(id int) Run {
	a := len(p.Arms)
	rep := id / a % p.Replicates
	return Run{ID: id, Arm: id % a, Point: id / a / p.Replicates, Replicate: rep, Seed: Seed(p.BaseSeed, rep)}
}

// Execute plays the runs ids (in increasing order) on workers goroutines
// and hands their results to emit in the order of ids, from the calling
// goroutine, as soon as every earlier run is done. At most a few runs per
// worker wait for an earlier one, so memory does not grow with the number
// of runs. When ctx is cancelled no further run starts; the runs under way
// finish and are emitted, and Execute returns ctx's error. An error from
// emit stops the sweep the same way and is returned.
func Execute[R any](ctx context.Context, ids []int, workers int, play func(id int) R, emit func(id int, r R) error) error {
	workers = max(1, min(workers, len(ids)))
	type result struct {
		i int // index in ids
		r R
	}
	window := make(chan struct{}, 4*workers) // runs started and not yet emitted
	jobs := make(chan int)
	results := make(chan result)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- result{i, play(ids[i])}
			}
		}()
	}
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	go func() {
		defer close(jobs)
		for i := range ids {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			case <-stop:
				return
			}
			if ctx.Err() != nil {
				return
			}
			select {
			case jobs <- i:
			case <-stop:
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	pending := map[int]R{}
	next := 0
	var emitErr error
	for res := range results {
		pending[res.i] = res.r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if emitErr == nil {
				if err := emit(ids[next], r); err != nil {
					emitErr = err
					halt()
				}
			}
			next++
			<-window
		}
	}
	if emitErr != nil {
		return emitErr
	}
	return ctx.Err()
}

// Shards: a sweep split over N machines (a cluster's job array) plays in
// shard i only the runs whose id is i modulo N. Run ids go through the arms
// of a replicate, then the replicates, then the design points, so shard i
// gets every N-th run: the shards differ by at most one run, and each
// holds runs of every design point and arm when N is smaller than both
// the replicates and the runs of one design point.

// InShard says whether run id falls to shard i of n.
func InShard(id, i, n int) bool { return id%n == i }

// ShardRuns lists, in increasing order, the runs of the plan that fall to
// shard i of n.
func (p *Plan) ShardRuns(i, n int) []int {
	var ids []int
	for id := i; id < p.Len(); id += n {
		ids = append(ids, id)
	}
	return ids
}
