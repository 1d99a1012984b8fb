package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"dropsim/cmd/internal/output"
)

// dropsim slurm SWEEP -shards N: job scripts that play a sweep as a Slurm
// job array of N shards (dropsim sweep -shard), then merge them in a job
// that waits for the whole array (dropsim merge). dropsim schedules
// nothing itself: Slurm does.

const slurmUsage = "SWEEP -shards N [-out DIR] [-partition P] [-time T] [-mem M] [-cpus C] [-dropsim PATH] [-set key=value ...]"

// The scripts' names under OUT/slurm, and the first line that marks them
// as dropsim's (only such a file is ever replaced).
const (
	slurmShardsScript = "shards.sbatch"
	slurmMergeScript  = "merge.sbatch"
	slurmMark         = "# Written by dropsim slurm"
)

// maxArraySize is Slurm's default MaxArraySize: array task ids run from 0
// to 1000.
const maxArraySize = 1001

var (
	slurmTime      = regexp.MustCompile(`^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2}|UNLIMITED|INFINITE)$`)
	slurmMem       = regexp.MustCompile(`^\d+[KMGT]?$`)
	slurmPartition = regexp.MustCompile(`^[A-Za-z0-9_.,-]+$`)
	slurmJobName   = regexp.MustCompile(`[^A-Za-z0-9_.-]`)
)

func cmdSlurm(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("slurm", slurmUsage, "dropsim slurm scenarios/sweep-strategies.toml -shards 20 -cpus 8 -time 1:00:00 -partition standard", stderr)
	shards := fs.Int("shards", 0, "array tasks, each playing every N-th run (required): choose it so that a shard takes tens of minutes, not one task per run (README, Running on a cluster)")
	out := fs.String("out", "", "the sweep's output directory, on a file system every node sees (default: outputs/<sweep name>)")
	partition := fs.String("partition", "", "Slurm partition (default: the cluster's)")
	timeLimit := fs.String("time", "1:00:00", "time limit of each task and of the merge, in Slurm's form: minutes, H:MM:SS or D-HH:MM:SS")
	mem := fs.String("mem", "", "memory per task, such as 4G (default: the cluster's)")
	cpus := fs.Int("cpus", 1, "CPUs per task; each shard plays that many runs at once")
	bin := fs.String("dropsim", "", "the dropsim program the tasks run, on a path every node sees (default: this one)")
	sets := addSets(fs)
	path, err := parse(fs, args, "sweep file")
	if err != nil {
		return err
	}
	switch {
	case *shards < 1:
		runs := "its runs"
		if s, err := setUpSweep(path, *sets); err == nil {
			runs = fmt.Sprintf("its %d runs", s.plan.Len())
		}
		return usagef("-shards %d: give the number of array tasks, 1 or more; for tasks of about half an hour, %s x the seconds one run takes / (the CPUs per task x 1800) (README, Running on a cluster)", *shards, runs)
	case *shards > maxArraySize:
		return usagef("-shards %d: Slurm's default MaxArraySize lets an array have at most %d tasks, and every task counts as a job against the cluster's limits; give fewer shards of more runs each", *shards, maxArraySize)
	case *cpus < 1:
		return usagef("-cpus %d: give 1 or more CPUs per task", *cpus)
	case !slurmTime.MatchString(*timeLimit):
		return usagef("-time %q: give Slurm's form, minutes (90), H:MM:SS (1:30:00) or D-HH:MM:SS (2-00:00:00)", *timeLimit)
	case *mem != "" && !slurmMem.MatchString(*mem):
		return usagef("-mem %q: give a whole number with an optional unit K, M, G or T, such as 4G", *mem)
	case *partition != "" && !slurmPartition.MatchString(*partition):
		return usagef("-partition %q: give a partition name as sinfo lists it (letters, digits, _ . - and commas)", *partition)
	}
	s, err := setUpSweep(path, *sets)
	if err != nil {
		return err
	}
	if *shards > s.plan.Len() {
		return usagef("-shards %d: the sweep has %d runs, so some shards would be empty; give at most %d", *shards, s.plan.Len(), s.plan.Len())
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("outputs", s.sw.Name)
	}
	abs := func(p string) (string, error) {
		a, err := filepath.Abs(p)
		if err != nil {
			return "", fmt.Errorf("%s: %w", p, err)
		}
		return a, nil
	}
	if dir, err = abs(dir); err != nil {
		return err
	}
	sweepPath, err := abs(path)
	if err != nil {
		return err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	if *bin == "" {
		if *bin, err = os.Executable(); err != nil {
			return fmt.Errorf("finding this dropsim's path (give it with -dropsim): %w", err)
		}
	}
	if *bin, err = abs(*bin); err != nil {
		return err
	}
	jobs := slurmJobs{name: slurmJobName.ReplaceAllString(s.sw.Name, "_"), sweep: sweepPath, out: dir, cwd: cwd, bin: *bin, sets: *sets,
		runs: s.plan.Len(), shards: *shards, cpus: *cpus, time: *timeLimit, mem: *mem, partition: *partition}
	slurmDir := filepath.Join(dir, "slurm")
	if err := os.MkdirAll(filepath.Join(slurmDir, "logs"), 0o755); err != nil { // Slurm does not make the folder of -o
		return usagef("cannot make %s: %v", filepath.Join(slurmDir, "logs"), err)
	}
	for _, f := range []struct{ name, text string }{{slurmShardsScript, jobs.shardsScript()}, {slurmMergeScript, jobs.mergeScript()}} {
		if err := writeScript(slurmDir, f.name, f.text); err != nil {
			return err
		}
	}
	shardsPath, mergePath := filepath.Join(slurmDir, slurmShardsScript), filepath.Join(slurmDir, slurmMergeScript)
	lo, hi := s.plan.Len() / *shards, (s.plan.Len()+*shards-1) / *shards
	size := fmt.Sprintf("%d or %d", lo, hi)
	if lo == hi {
		size = fmt.Sprint(lo)
	}
	fmt.Fprintf(stdout, "%s: %d runs in %d shards of %s runs, %d at once on each task's %d %s; scripts in %s.\n",
		s.sw.Name, s.plan.Len(), *shards, size, *cpus, *cpus, plural(*cpus, "CPU", "CPUs"), slurmDir)
	fmt.Fprintf(stdout, "Submit the array and the merge that waits for it:\n")
	fmt.Fprintln(stdout, jobs.submitLine(shardsPath, mergePath))
	fmt.Fprintf(stdout, "A shard that failed can be played again alone (here shard 3), and the merge after it:\n")
	fmt.Fprintf(stdout, "jid=$(sbatch --parsable --array=3 %s) && sbatch --dependency=afterok:${jid%%%%;*} %s\n", shellQuote(shardsPath), shellQuote(mergePath))
	return nil
}

// slurmJobs are the settings the two scripts are written from.
type slurmJobs struct {
	name, sweep, out, cwd, bin string
	sets                       []string
	runs, shards, cpus         int
	time, mem, partition       string
}

func (j slurmJobs) header(what string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/bash\n%s (dropsim %s) for the sweep %s: %s.\n", slurmMark, version(), j.sweep, what)
	fmt.Fprintf(&b, "#SBATCH --time=%s\n", j.time)
	if j.partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", j.partition)
	}
	fmt.Fprintf(&b, "#SBATCH --chdir=%s\n", j.cwd)
	return b.String()
}

// shardsScript plays shard $SLURM_ARRAY_TASK_ID of N with the task's
// CPUs as workers; -resume goes on with what an earlier, killed task of
// the same shard left, or starts the shard.
func (j slurmJobs) shardsScript() string {
	var b strings.Builder
	b.WriteString(j.header(fmt.Sprintf("%d runs in %d shards, one array task each", j.runs, j.shards)))
	fmt.Fprintf(&b, "#SBATCH --job-name=dropsim-%s\n#SBATCH --array=0-%d\n#SBATCH --cpus-per-task=%d\n", j.name, j.shards-1, j.cpus)
	if j.mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", j.mem)
	}
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(j.out, "slurm", "logs", "shard-%A_%a.out"))
	args := []string{shellQuote(j.bin), "sweep", shellQuote(j.sweep), "-shard", `"${SLURM_ARRAY_TASK_ID}/` + fmt.Sprint(j.shards) + `"`,
		"-out", shellQuote(j.out), "-resume", "-workers", `"${SLURM_CPUS_PER_TASK:-1}"`}
	for _, s := range j.sets {
		args = append(args, "-set", shellQuote(s))
	}
	fmt.Fprintf(&b, "set -eu\nexec %s\n", strings.Join(args, " "))
	return b.String()
}

// mergeScript merges the shards once every array task has succeeded.
func (j slurmJobs) mergeScript() string {
	var b strings.Builder
	b.WriteString(j.header("the merge of its shards, after the array"))
	// If a task fails, the dependency can never be met: the merge is
	// cancelled rather than left pending for ever.
	fmt.Fprintf(&b, "#SBATCH --job-name=dropsim-%s-merge\n#SBATCH --cpus-per-task=1\n#SBATCH --kill-on-invalid-dep=yes\n", j.name)
	if j.mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", j.mem)
	}
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(j.out, "slurm", "logs", "merge-%j.out"))
	fmt.Fprintf(&b, "set -eu\nexec %s merge %s\n", shellQuote(j.bin), shellQuote(j.out))
	return b.String()
}

// submitLine submits the array, then the merge with a dependency on it
// (sbatch --parsable prints "id" or "id;cluster").
func (j slurmJobs) submitLine(shards, merge string) string {
	return fmt.Sprintf("jid=$(sbatch --parsable %s) && sbatch --dependency=afterok:${jid%%%%;*} %s", shellQuote(shards), shellQuote(merge))
}

// writeScript writes a job script, replacing only one that dropsim wrote.
func writeScript(dir, name, text string) error {
	path := filepath.Join(dir, name)
	if old, err := os.ReadFile(path); err == nil {
		if !bytes.Contains(firstLines(old, 2), []byte(slurmMark)) {
			return usagef("%s exists and was not written by dropsim slurm; dropsim leaves it alone: move it, or give another -out", path)
		}
	}
	return output.WriteBytes(dir, name, []byte(text))
}

// firstLines is the start of data up to its n-th newline.
func firstLines(data []byte, n int) []byte {
	end := 0
	for range n {
		i := bytes.IndexByte(data[end:], '\n')
		if i < 0 {
			return data
		}
		end += i + 1
	}
	return data[:end]
}
