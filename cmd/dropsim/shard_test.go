package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// mergedTables are the files a merge must write byte for byte as the
// sweep on one machine does.
var mergedTables = []string{"runs.csv", "failures.csv", "daily.csv", "summary.csv", "contrasts.csv", "calibration.csv"}

func sameTables(t *testing.T, want, got string) {
	t.Helper()
	for _, f := range mergedTables {
		a, err1 := os.ReadFile(filepath.Join(want, f))
		b, err2 := os.ReadFile(filepath.Join(got, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between the sweep on one machine and the merge of its shards (%v, %v)", f, err1, err2)
		}
	}
}

// playShards plays shards 0..n-1 of sw into out.
func playShards(t *testing.T, sw, out string, n int) {
	t.Helper()
	for i := range n {
		code, _, stderr := dropsim("sweep", sw, "-shard", strconv.Itoa(i)+"/"+strconv.Itoa(n), "-out", out, "-q", "-no-plots", "-workers", "2")
		if code != 0 {
			t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
		}
	}
}

// The shards of a sweep, merged, give the one-machine sweep's tables byte
// for byte: with 4 shards a repeated run (the no-police arm at its second
// design point) falls to another shard than the run it repeats, and is
// played again; with 3 to the same, and is copied. A failed run is
// merged as failed.
func TestMergedShardsEqualTheSweep(t *testing.T) {
	defer func(f func(int) error) { failRun = f }(failRun)
	failRun = func(id int) error {
		if id == 5 {
			return errTest
		}
		return nil
	}
	sw := testSweep(t, 3, "keep_daily = true")
	base := t.TempDir()
	local := filepath.Join(base, "local")
	if code, _, stderr := dropsim("sweep", sw, "-out", local, "-q", "-no-plots"); code != exitFail || !strings.Contains(stderr, "1 run failed") {
		t.Fatalf("the sweep with a failing run: exit %d: %s", code, stderr)
	}
	for _, n := range []int{3, 4} {
		out := filepath.Join(base, "sharded"+strconv.Itoa(n))
		playShards2 := func() {
			for i := range n {
				code, _, stderr := dropsim("sweep", sw, "-shard", strconv.Itoa(i)+"/"+strconv.Itoa(n), "-out", out, "-q", "-resume")
				if i == 5%n && code != exitFail || i != 5%n && code != 0 {
					t.Fatalf("shard %d/%d: exit %d: %s", i, n, code, stderr)
				}
			}
		}
		playShards2()
		code, stdout, stderr := dropsim("merge", out, "-no-plots")
		if code != exitFail || !strings.Contains(stdout, "merged "+strconv.Itoa(n)+" shards") || !strings.Contains(stderr, "1 run failed") {
			t.Fatalf("merge of %d shards: exit %d: %s%s", n, code, stdout, stderr)
		}
		sameTables(t, local, out)
		rows := readCSV(t, filepath.Join(out, "shards", "1-of-"+strconv.Itoa(n), "runs.csv"))
		for _, r := range rows[1:] {
			if id, _ := strconv.Atoi(r[0]); id%n != 1 {
				t.Errorf("shard 1/%d holds run %d", n, id)
			}
		}
		// A lost shard is played again alone (resume starts it afresh),
		// and the merge, run again, replaces its own earlier files.
		if err := os.RemoveAll(filepath.Join(out, "shards", "2-of-"+strconv.Itoa(n))); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := dropsim("merge", out, "-no-plots"); code != exitUsage || !strings.Contains(stderr, "shard 2 of "+strconv.Itoa(n)+" is missing") {
			t.Fatalf("merge with shard 2 missing: exit %d: %s", code, stderr)
		}
		code, _, stderr = dropsim("sweep", sw, "-shard", "2/"+strconv.Itoa(n), "-out", out, "-q", "-resume")
		if code != 0 && code != exitFail {
			t.Fatalf("replaying shard 2: exit %d: %s", code, stderr)
		}
		dropsim("merge", out, "-no-plots")
		sameTables(t, local, out)

		// An interrupted shard (a task killed after its first run): the
		// merge refuses it, -resume plays the rest, and the merge is whole.
		sd := filepath.Join(out, "shards", "0-of-"+strconv.Itoa(n))
		rows = readCSV(t, filepath.Join(sd, "runs.csv"))
		cut := strings.Join(rows[0], ",") + "\n" + strings.Join(rows[1], ",") + "\n"
		os.WriteFile(filepath.Join(sd, "runs.csv"), []byte(cut), 0o644)
		man, _ := os.ReadFile(filepath.Join(sd, SweepManifestFile))
		os.WriteFile(filepath.Join(sd, SweepManifestFile), bytes.Replace(man, []byte(`"complete": true`), []byte(`"complete": false`), 1), 0o644)
		if code, _, stderr := dropsim("merge", out, "-no-plots"); code != exitUsage || !strings.Contains(stderr, "shard 0 did not finish") {
			t.Fatalf("merge with shard 0 interrupted: exit %d: %s", code, stderr)
		}
		code, _, stderr = dropsim("sweep", sw, "-shard", "0/"+strconv.Itoa(n), "-out", out, "-q", "-resume")
		if code != 0 || !strings.Contains(stderr, "resuming") {
			t.Fatalf("resuming shard 0: exit %d: %s", code, stderr)
		}
		dropsim("merge", out, "-no-plots")
		sameTables(t, local, out)
	}
}

var errTest = &testError{}

type testError struct{}

func (*testError) Error() string { return "a test failure" }

// merge refuses what would not give the one-machine sweep's files: a
// missing shard, an unfinished one, a shard of another sweep, a shard
// held twice, shards of two splits; -partial merges what is there.
func TestMergeRefusesWhatDoesNotAddUp(t *testing.T) {
	sw := testSweep(t, 2, "")
	base := t.TempDir()
	out := filepath.Join(base, "out")
	playShards(t, sw, out, 4)
	shards := filepath.Join(out, "shards")
	refuse := func(what, want string, extra ...string) {
		t.Helper()
		code, stdout, stderr := dropsim(append([]string{"merge", out, "-no-plots"}, extra...)...)
		if code != exitUsage || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q (stdout %q); want exit 2 and one line with %q", what, code, stderr, stdout, want)
		}
	}
	move := func(from, to string) {
		t.Helper()
		if err := os.Rename(from, to); err != nil {
			t.Fatal(err)
		}
	}

	// missing: named, with the commands that play it
	move(filepath.Join(shards, "3-of-4"), filepath.Join(base, "3-of-4"))
	refuse("a missing shard", "shard 3 of 4 is missing; play them (dropsim sweep")
	// -partial: the three there, and the manifest says what is missing
	if code, stdout, stderr := dropsim("merge", out, "-formats", "png", "-partial"); code != 0 || !strings.Contains(stdout, "partial: 6 of 8 runs") {
		t.Errorf("-partial: exit %d: %s%s", code, stdout, stderr)
	}
	// the report says the merge is partial, and counts no run as failed
	if rep, _ := os.ReadFile(filepath.Join(out, "report.html")); !bytes.Contains(rep, []byte("8 runs, of which 2 not merged")) || !bytes.Contains(rep, []byte("A partial merge")) || bytes.Contains(rep, []byte("failed")) {
		t.Errorf("the partial merge's report does not say that 2 runs are not merged, or counts them as failed")
	}
	var man sweepManifest
	data, _ := os.ReadFile(filepath.Join(out, SweepManifestFile))
	if err := json.Unmarshal(data, &man); err != nil || man.Complete || len(man.Missing) != 1 || man.Missing[0] != "3" || len(readCSV(t, filepath.Join(out, "runs.csv"))) != 7 {
		t.Errorf("-partial manifest: %s", data)
	}
	move(filepath.Join(base, "3-of-4"), filepath.Join(shards, "3-of-4"))

	// unfinished: a task killed before the end
	m3 := filepath.Join(shards, "3-of-4", SweepManifestFile)
	orig, _ := os.ReadFile(m3)
	os.WriteFile(m3, bytes.Replace(orig, []byte(`"complete": true`), []byte(`"complete": false`), 1), 0o644)
	refuse("an unfinished shard", "shard 3 did not finish")
	os.WriteFile(m3, orig, 0o644)

	// duplicate: a shard copied beside itself
	if err := exec.Command("cp", "-r", filepath.Join(shards, "1-of-4"), filepath.Join(shards, "1-of-4-again")).Run(); err != nil {
		t.Fatal(err)
	}
	refuse("a duplicate shard", "both hold shard 1/4")
	os.RemoveAll(filepath.Join(shards, "1-of-4-again"))

	// foreign: shard 2 of the same sweep with another seed
	other := filepath.Join(base, "other")
	if code, _, stderr := dropsim("sweep", sw, "-set", "seed=9", "-shard", "2/4", "-out", other, "-q"); code != 0 {
		t.Fatalf("the other sweep's shard: exit %d: %s", code, stderr)
	}
	move(filepath.Join(shards, "2-of-4"), filepath.Join(base, "2-of-4"))
	move(filepath.Join(other, "shards", "2-of-4"), filepath.Join(shards, "2-of-4"))
	refuse("a foreign shard", "is a shard of another sweep than")
	os.RemoveAll(filepath.Join(shards, "2-of-4"))
	move(filepath.Join(base, "2-of-4"), filepath.Join(shards, "2-of-4"))

	// two splits: a shard of 2 among shards of 4
	playShards(t, sw, out, 1)
	refuse("shards of two splits", "a sweep is merged from shards of one split")
	os.RemoveAll(filepath.Join(shards, "0-of-1"))

	// a folder that is not a shard
	os.MkdirAll(filepath.Join(shards, "notes"), 0o755)
	refuse("a folder that is no shard", "is not a shard that dropsim sweep -shard wrote")
	os.Remove(filepath.Join(shards, "notes"))

	// and with everything in place it merges
	if code, stdout, stderr := dropsim("merge", out, "-no-plots"); code != 0 || !strings.Contains(stdout, "merged 4 shards") {
		t.Errorf("the complete shards: exit %d: %s%s", code, stdout, stderr)
	}
	// a one-machine sweep's directory is not merged into
	local := filepath.Join(base, "local")
	dropsim("sweep", sw, "-out", local, "-q", "-no-plots")
	move(shards, filepath.Join(local, "shards"))
	out = local
	refuse("merging into a one-machine sweep", "played on one machine, not a merge of shards")
}

// -shard's value and the runs it may split are checked.
func TestShardFlag(t *testing.T) {
	sw := testSweep(t, 2, "")
	out := filepath.Join(t.TempDir(), "out")
	for _, c := range []struct{ v, want string }{
		{"4/4", `"4/4" is not a shard: give I/N`}, {"-1/4", "is not a shard"}, {"1", "is not a shard"}, {"0/0", "is not a shard"},
		{"0/9", "the sweep has 8 runs, so 9 shards would leave some empty"},
	} {
		code, _, stderr := dropsim("sweep", sw, "-shard", c.v, "-out", out, "-q")
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("-shard %s: exit %d, %q; want %q", c.v, code, stderr, c.want)
		}
	}
}

// The scripts dropsim slurm writes, played by bash as Slurm would play
// them (every array task, then the merge), give the one-machine sweep's
// tables; the printed submit line names them; bad settings are refused.
func TestSlurmScripts(t *testing.T) {
	sw := testSweep(t, 2, "")
	base := t.TempDir()
	out, local := filepath.Join(base, "out"), filepath.Join(base, "local")
	if code, _, stderr := dropsim("sweep", sw, "-out", local, "-q", "-no-plots"); code != 0 {
		t.Fatalf("local sweep: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := dropsim("slurm", sw, "-shards", "3", "-out", out, "-cpus", "2", "-time", "0:10:00", "-mem", "2G", "-partition", "debug", "-dropsim", os.Args[0])
	if code != 0 {
		t.Fatalf("slurm: exit %d: %s", code, stderr)
	}
	shards, merge := filepath.Join(out, "slurm", slurmShardsScript), filepath.Join(out, "slurm", slurmMergeScript)
	submit := "jid=$(sbatch --parsable " + shards + ") && sbatch --dependency=afterok:${jid%%;*} " + merge
	if !strings.Contains(stdout, "\n"+submit+"\n") || !strings.Contains(stdout, "8 runs in 3 shards of 2 or 3 runs") {
		t.Errorf("stdout does not give the submit line %q on a line of its own:\n%s", submit, stdout)
	}
	script, _ := os.ReadFile(shards)
	for _, want := range []string{"#SBATCH --array=0-2\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --time=0:10:00\n", "#SBATCH --mem=2G\n", "#SBATCH --partition=debug\n",
		`-shard "${SLURM_ARRAY_TASK_ID}/3"`, `-workers "${SLURM_CPUS_PER_TASK:-1}"`, "-resume", "#SBATCH --output=" + filepath.Join(out, "slurm", "logs") + "/shard-%A_%a.out\n"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("%s lacks %q:\n%s", shards, want, script)
		}
	}
	if m, _ := os.ReadFile(merge); !strings.Contains(string(m), "#SBATCH --kill-on-invalid-dep=yes\n") || !strings.Contains(string(m), " merge "+out+"\n") {
		t.Errorf("%s does not merge %s, or waits for ever when a task fails:\n%s", merge, out, m)
	}
	if fi, err := os.Stat(filepath.Join(out, "slurm", "logs")); err != nil || !fi.IsDir() {
		t.Errorf("no logs folder for -o: %v", err)
	}
	env := append(os.Environ(), "DROPSIM_RUN_MAIN=1", "SLURM_CPUS_PER_TASK=2")
	for i := range 3 {
		cmd := exec.Command("bash", shards)
		cmd.Env = append(env, "SLURM_ARRAY_TASK_ID="+strconv.Itoa(i))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("task %d: %v: %s", i, err, b)
		}
	}
	cmd := exec.Command("bash", merge)
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil || !regexp.MustCompile(`merged 3 shards`).Match(b) {
		t.Fatalf("merge job: %v: %s", err, b)
	}
	sameTables(t, local, out)

	// settings refused, each in one sentence
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-shards", "0"}, "-shards 0: give the number of array tasks, 1 or more; for tasks of about half an hour, its 8 runs x"},
		{[]string{"-shards", "9"}, "the sweep has 8 runs"},
		{[]string{"-shards", "1002"}, "MaxArraySize"},
		{[]string{"-shards", "2", "-time", "1h"}, `-time "1h": give Slurm's form`},
		{[]string{"-shards", "2", "-mem", "lots"}, `-mem "lots"`},
		{[]string{"-shards", "2", "-partition", "a b"}, `-partition "a b"`},
	} {
		code, _, stderr := dropsim(append([]string{"slurm", sw, "-out", out}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("slurm %v: exit %d, %q; want %q", c.args, code, stderr, c.want)
		}
	}
	// a file of the same name that dropsim did not write stays
	os.WriteFile(merge, []byte("#!/bin/bash\n# mine\n"), 0o644)
	if code, _, stderr := dropsim("slurm", sw, "-shards", "3", "-out", out); code != exitUsage || !strings.Contains(stderr, "was not written by dropsim slurm") {
		t.Errorf("a foreign merge.sbatch: exit %d, %q", code, stderr)
	}
	if b, _ := os.ReadFile(merge); string(b) != "#!/bin/bash\n# mine\n" {
		t.Errorf("the user's file was overwritten: %q", b)
	}
}

// -resume refuses a folder that holds another shard, or a shard where a
// whole sweep is resumed.
func TestShardResumeRefusesAnotherPart(t *testing.T) {
	sw := testSweep(t, 2, "")
	out := filepath.Join(t.TempDir(), "out")
	playShards(t, sw, out, 4)
	os.RemoveAll(filepath.Join(out, "shards", "2-of-4")) // shard 1's folder in its place
	if err := os.Rename(filepath.Join(out, "shards", "1-of-4"), filepath.Join(out, "shards", "2-of-4")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-shard", "2/4", "-out", out}, "holds shard 1/4 of a sweep, not shard 2/4 of a sweep"},
		{[]string{"-out", filepath.Join(out, "shards", "0-of-4")}, "holds shard 0/4 of a sweep, not a whole sweep"},
	} {
		code, _, stderr := dropsim(append([]string{"sweep", sw, "-q", "-resume"}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("sweep -resume %v: exit %d, %q; want %q", c.args, code, stderr, c.want)
		}
	}
}
