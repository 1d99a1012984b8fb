package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"dropsim/cmd/internal/output"
)

// interrupts turns SIGINT and SIGTERM into a graceful stop. The first
// signal cancels Context: the simulation ends at the end of its tick, the
// analysis between two figures or frames, and what is whole is written.
// A second signal exits at once with 128 plus its number, after hardExit
// (which removes the files being written, so that none is left
// half-written, and the directory's lock).
//
// The handler is installed only once the world is built and just before
// dropsim changes anything on disk: until then the default action of a
// signal (ending the process) loses nothing.
type interrupts struct {
	ctx    context.Context
	cancel context.CancelFunc
	ch     chan os.Signal
	mu     sync.Mutex
	first  os.Signal
	done   chan struct{}
}

func catchInterrupts(hardExit func()) *interrupts {
	ctx, cancel := context.WithCancel(context.Background())
	in := &interrupts{ctx: ctx, cancel: cancel, ch: make(chan os.Signal, 2), done: make(chan struct{})}
	signal.Notify(in.ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-in.ch:
			in.mu.Lock()
			in.first = sig
			in.mu.Unlock()
			cancel()
		case <-in.done:
			return
		}
		select {
		case sig := <-in.ch:
			hardExit()
			fmt.Fprintf(os.Stderr, "dropsim: a second signal (%s): stopped at once; no file is left half-written\n", sigName(sig))
			os.Exit(exitCode(sig))
		case <-in.done:
		}
	}()
	return in
}

// Context is cancelled by the first signal.
func (in *interrupts) Context() context.Context { return in.ctx }

// Signal is the first signal received, or nil.
func (in *interrupts) Signal() os.Signal {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.first
}

// Stop restores the default handling of the signals.
func (in *interrupts) Stop() {
	signal.Stop(in.ch)
	close(in.done)
	in.cancel()
}

// sigName names the signals a run handles as a shell user knows them.
func sigName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// exitCode is 128 plus the signal's number, as shells report a process
// killed by it.
func exitCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitFail
}

// lockWithSignals handles the signals, then takes dir's lock: a second
// signal removes the files being written and the lock before the process
// exits at once. release frees the lock and restores the signals' default
// handling; defer it.
func lockWithSignals(dir string) (d *output.Dir, intr *interrupts, release func(), err error) {
	intr = catchInterrupts(func() {
		output.RemoveTemporary()
		d.Unlock()
	})
	if d, err = output.Lock(dir); err != nil {
		intr.Stop()
		return nil, nil, nil, err
	}
	return d, intr, func() { d.Unlock(); intr.Stop() }, nil
}
