package main

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"dropsim/sim"
)

// The estimate of what a run needs comes from a pilot: the scenario's
// world is built and its first days are played (at most pilotDays, or
// pilotSeconds of simulation), and what that took is measured and
// extrapolated to the whole run. The number of drops a market places
// cannot be told from its parameters alone (it depends on stock, demand,
// the stashers' quotas and the police), so it is counted, not guessed.
const (
	pilotDays    = 14
	pilotSeconds = 1.5
)

// Bytes of dropsim run beyond the world the engine builds, fitted to the
// peak resident memory of runs from 100 x 100 to 3000 x 3000 cells and
// from 30 to 1800 days (README, "Memory"). Per drop: the engine's record
// of it, the analysis' records, points and search trees, and the room Go's
// collector leaves the heap to grow into. Per cell: the zones and rasters
// of the analysis, and with plots the density maps and images of the
// figures and the animation's frame.
const (
	baseBytes     = 32 << 20 // the program and its runtime, with room to spare
	gcMargin      = 13       // tenths: the collector's timing moves a run's peak by up to a fifth (more on a loaded machine)
	dropBytes     = 260      // a drop placed
	rowBytes      = 60       // a row of police.csv or daily.csv read back
	cellBytes     = 16       // a cell, for the analysis
	plotCellBytes = 28       // a cell, for the figures and the animation
	figureBytes   = 40 << 20 // the figures' fonts, canvases and encoders
	dailyRowsADay = 64       // daily.csv rows a day, at most
)

// runEstimate is what a run of a scenario will need on this machine.
type runEstimate struct {
	Bytes       int64   // peak memory of dropsim run
	Seconds     float64 // simulation and analysis, wall time on this machine
	Drops       int64   // drops placed over the run, extrapolated from the pilot
	PilotDays   int
	parts       []estimatePart // what the memory is made of, largest first
	setupSecond float64
}

// estimatePart is one part of the memory estimate and the keys that drive it.
type estimatePart struct {
	bytes int64
	what  string
}

// worstCase is an upper bound of the memory a run of p needs, from its
// parameters alone: every stasher places its full quota every day, and
// the world takes more per cell and per agent than any measured one (53
// bytes a cell, 70 a buyer). When even this fits easily, a run needs no
// pilot to be let through.
func worstCase(p sim.Params, plots bool) int64 {
	cells := int64(p.City.Width) * int64(p.City.Height)
	units := int64(0)
	for _, g := range p.Police.Groups {
		units += int64(g.Count)
	}
	days := int64(p.Days)
	drops := int64(p.Organization.Stashers) * int64(p.Stasher.Quota) * days * 5 / 4 // recruits may add to a day's quota
	b := int64(baseBytes) + cells*(64+cellBytes) + int64(p.Buyers.Count)*256 + int64(p.Organization.Stashers)*(16<<10) +
		drops*dropBytes + (units+dailyRowsADay)*days*rowBytes
	if plots {
		b += figureBytes + cells*plotCellBytes
	}
	return b * gcMargin / 10
}

// pilots counts the pilots played, for the tests.
var pilots int

// estimateRun plays the pilot of p and extrapolates. plots says whether
// figures, animation and report are drawn.
func estimateRun(p sim.Params, seed uint64, plots bool) (runEstimate, error) {
	pilots++
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heap0 := ms.HeapAlloc
	t0 := time.Now()
	m, err := sim.New(p, seed)
	if err != nil {
		return runEstimate{}, err
	}
	setup := time.Since(t0).Seconds()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	static := int64(ms.HeapAlloc) - int64(heap0)

	rows := 0 // police positions written a day
	sink := sim.SinkFunc(func(e *sim.Event) {
		if e.Kind == sim.EvDayEnd {
			rows += len(e.Day.Units)
		}
	})
	t1 := time.Now()
	tpd := p.TicksPerDay()
	days := 0
	for !m.Done() && days < pilotDays && (days == 0 || time.Since(t1).Seconds() < pilotSeconds) {
		for range tpd {
			m.Step(sink)
		}
		days++
	}
	perDay := time.Since(t1).Seconds() / float64(days)
	scale := float64(p.Days) / float64(days)
	e := runEstimate{PilotDays: days, setupSecond: setup}
	e.Drops = int64(float64(m.Totals().Placed) * scale)
	policeRows := int64(float64(rows) * scale)
	dailyRows := int64(p.Days) * dailyRowsADay
	cells := int64(p.City.Width) * int64(p.City.Height)

	e.parts = []estimatePart{
		{static, fmt.Sprintf("the world: city.width x city.height = %s cells, buyers.count = %d, organization.stashers = %d", thousands(cells), p.Buyers.Count, p.Organization.Stashers)},
		{e.Drops * dropBytes, fmt.Sprintf("about %s drops placed in days = %d (at the pilot's rate, which is an upper bound when the market shrinks), read back for the analysis", thousands(e.Drops), p.Days)},
		{(policeRows + dailyRows) * rowBytes, fmt.Sprintf("%s positions of police units (the police.group counts x days)", thousands(policeRows))},
		{cells * cellBytes, fmt.Sprintf("the analysis' maps of %s cells", thousands(cells))},
	}
	if plots {
		e.parts = append(e.parts, estimatePart{figureBytes + cells*plotCellBytes, fmt.Sprintf("the figures and the animation of %s cells (-no-plots leaves them out)", thousands(cells))})
	}
	e.Bytes = baseBytes
	for _, part := range e.parts {
		e.Bytes += part.bytes
	}
	e.Bytes = e.Bytes * gcMargin / 10
	slices.SortStableFunc(e.parts, func(a, b estimatePart) int { return cmp.Compare(b.bytes, a.bytes) })
	// The analysis costs about a microsecond a drop, plus the figures.
	e.Seconds = setup + perDay*float64(p.Days) + float64(e.Drops)*1e-6
	if plots { // a second or so for the figures, their maps by cell, their time series by day
		e.Seconds += 1.5 + float64(cells)*0.35e-6 + float64(p.Days)*1.4e-3
	}
	return e, nil
}

// String is the estimate as validate prints it.
func (e runEstimate) String() string {
	return fmt.Sprintf("needs about %s of memory and about %s on this machine (from a pilot of %d %s); most of the memory is %s",
		aboutSize(e.Bytes), duration(e.Seconds), e.PilotDays, plural(e.PilotDays, "day", "days"), e.parts[0].what)
}

// drivers names the parts of the memory, largest first, down to those of
// an eighth of the largest.
func (e runEstimate) drivers() string {
	var out []string
	for _, part := range e.parts {
		if part.bytes*8 < e.parts[0].bytes {
			break
		}
		out = append(out, fmt.Sprintf("%s for %s", aboutSize(part.bytes), part.what))
	}
	return strings.Join(out, "; ")
}

// aboutSize prints an estimated size to two significant figures:
// "290 MiB", "1.2 GiB", "14 GiB".
func aboutSize(n int64) string {
	v, unit := float64(n)/(1<<20), "MiB"
	if v >= 1000 {
		v, unit = v/1024, "GiB"
	}
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f %s", math.Round(v/10)*10, unit)
	case v >= 10:
		return fmt.Sprintf("%.0f %s", v, unit)
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}

func duration(s float64) string {
	switch {
	case s < 1:
		return "1 s or less"
	case s < 120:
		return fmt.Sprintf("%.0f s", s)
	case s < 7200:
		return fmt.Sprintf("%.0f min", s/60)
	}
	return fmt.Sprintf("%.1f h", s/3600)
}

// thousands writes n with commas: 25,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// availableMemory is the memory this process can use: what the kernel
// says is available, or the cgroup's limit if that is lower. ok is false
// where neither can be read (not Linux).
func availableMemory() (bytes int64, ok bool) {
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, found := strings.CutPrefix(line, "MemAvailable:"); found {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					bytes, ok = kb<<10, true
				}
			}
		}
	}
	if limit, err := cgroupFree(); err == nil && (!ok || limit < bytes) {
		bytes, ok = limit, true
	}
	return bytes, ok
}

// cgroupFree is the cgroup v2 memory limit less what the group uses.
func cgroupFree() (int64, error) {
	read := func(name string) (int64, error) {
		b, err := os.ReadFile("/sys/fs/cgroup/" + name)
		if err != nil {
			return 0, err
		}
		return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64) // "max" fails: no limit
	}
	limit, err := read("memory.max")
	if err != nil {
		return 0, err
	}
	used, err := read("memory.current")
	if err != nil {
		return 0, err
	}
	return limit - used, nil
}
