package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dropsim/cmd/internal/output"
)

func TestSetOnTheCommandLine(t *testing.T) {
	const scen = "../../scenarios/crackdown.toml"
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string // a line of stderr
	}{
		{"wrong type", []string{"validate", scen, "-set", "buyers.count=abc"}, exitUsage,
			`dropsim: -set buyers.count=abc: buyers.count has the wrong type: it must be a whole number (e.g. 30), not the text "abc"`},
		{"unknown key", []string{"validate", scen, "-set", "buyrs.count=5"}, exitUsage,
			`dropsim: -set buyrs.count=5: unknown key "buyrs" (did you mean "buyers"?); keys allowed at the top level are: days, description, name, seed, tick_minutes, warmup_days, and the tables [buyers], [city], [market], [organization], [police], [stasher], [zones]`},
		{"out of range", []string{"validate", "-set", "buyers.count=-5", scen}, exitUsage,
			"dropsim: -set buyers.count=-5: buyers.count = -5 is not allowed: a whole number from 0 to 10000000"},
		{"group too far", []string{"run", scen, "-set", "police.group[4].count=3", "-out", t.TempDir()}, exitUsage,
			"dropsim: -set police.group[4].count=3: the scenario has 2 police groups; police.group[3] adds one, police.group[1] to police.group[2] change one"},
		{"no =", []string{"run", scen, "-set", "buyers.count", "-out", t.TempDir()}, exitUsage,
			"dropsim: -set buyers.count: an override is written KEY=VALUE, e.g. -set buyers.count=5000"},
		{"valid, said with the sets", []string{"validate", scen, "-set", "police.group[1].count=40", "-set", "name=c40"}, exitOK,
			"dropsim: ../../scenarios/crackdown.toml -set 'police.group[1].count=40' -set name=c40 is valid; a run ..."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := dropsim(tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || !matchesLine(lines[0], tc.stderr) {
				t.Errorf("stderr:\n%s\nwant the one line\n%s", stderr, tc.stderr)
			}
		})
	}
}

// matchesLine is equality, or for want ending in "...", a prefix.
func matchesLine(got, want string) bool {
	if p, ok := strings.CutSuffix(want, "..."); ok {
		return strings.HasPrefix(got, p)
	}
	return got == want
}

func TestValidatePrintsTheOverrides(t *testing.T) {
	code, stdout, stderr := dropsim("validate", "../../scenarios/crackdown.toml", "-set", "police.group[2].count=7", "-set", "police.group[3].strategy=random")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The second group's count and a third group from the defaults.
	want := "[[police.group]]\nname = \"background\"\nstrategy = \"random\"\ncount = 7\nstart_day = 0\nend_day = 180\ntactic = \"stakeout\"\n\n" +
		"[[police.group]]\nname = \"\"\nstrategy = \"random\"\ncount = 10\nstart_day = 0\nend_day = 180\ntactic = \"stakeout\"\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("the resolved scenario does not hold\n%s\nit is\n%s", want, stdout)
	}
}

func TestManifestRecordsOverrides(t *testing.T) {
	scen := short(t)
	for _, tc := range []struct {
		name string
		sets []string
	}{
		{"with overrides", []string{"buyers.count=500", "police.group[2].count=2"}},
		{"without", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			args := []string{"run", scen, "-out", out, "-no-plots", "-q"}
			for _, s := range tc.sets {
				args = append(args, "-set", s)
			}
			if code, _, stderr := dropsim(args...); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			b, err := os.ReadFile(filepath.Join(out, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var man output.Manifest
			if err := json.Unmarshal(b, &man); err != nil {
				t.Fatal(err)
			}
			if strings.Join(man.Overrides, " ") != strings.Join(tc.sets, " ") || man.ScenarioFile != scen {
				t.Errorf("manifest overrides %q, scenario file %q; want %q, %q", man.Overrides, man.ScenarioFile, tc.sets, scen)
			}
			if tc.sets == nil {
				if strings.Contains(string(b), `"overrides"`) {
					t.Errorf("a run without -set writes overrides in its manifest")
				}
				return
			}
			if man.Params.Buyers.Count != 500 || man.Params.Police.Groups[1].Count != 2 {
				t.Errorf("manifest params: %d buyers, group 2 count %d; want 500 and 2", man.Params.Buyers.Count, man.Params.Police.Groups[1].Count)
			}
		})
	}
}

func TestSetsWords(t *testing.T) {
	s := sets{"buyers.count=5", "police.group[1].count=4", "name=night shift", "name=it's"}
	want := ` -set buyers.count=5 -set 'police.group[1].count=4' -set 'name=night shift' -set 'name=it'\''s'`
	if got := s.words(); got != want {
		t.Errorf("words:\n got %s\nwant %s", got, want)
	}
}
