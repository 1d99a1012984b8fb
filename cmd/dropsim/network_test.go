package main

import (
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestNetworkFiles: a run with a network group writes investigations.csv
// and network.graphml (link_prob 0.6, investigation_prob 1). The graph
// parses as GraphML; every link has the
// strength of police.link_prob and the length -log of it; every
// investigation starts at an arrested agent of the graph and ends at a
// dispatcher or organizer of it, with the length of one link per step; an
// investigation that arrested its target is an arrest by investigation in
// arrests.csv; buyers arrested at stakeouts are nodes b<number>; and
// -force recognises both files as dropsim's.
func TestNetworkFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "net")
	args := []string{"run", "../../scenarios/network.toml", "-out", out, "-no-plots", "-q", "-set", "days=120", "-set", "police.group[1].end_day=120", "-set", "police.group[2].end_day=120", "-set", "police.group[3].end_day=120", "-set", "police.link_prob=0.6", "-set", "police.investigation_prob=1"}
	if code, _, stderr := dropsim(args...); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Nodes []struct {
			ID   string `xml:"id,attr"`
			Data []struct {
				Key string `xml:"key,attr"`
				V   string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"graph>node"`
		Edges []struct {
			Source string `xml:"source,attr"`
			Target string `xml:"target,attr"`
			Data   []struct {
				Key string `xml:"key,attr"`
				V   string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"graph>edge"`
	}
	b, err := os.ReadFile(filepath.Join(out, "network.graphml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("network.graphml: %v", err)
	}
	role, arrested := map[string]string{}, map[string]bool{}
	for _, n := range doc.Nodes {
		for _, d := range n.Data {
			switch d.Key {
			case "role":
				role[n.ID] = d.V
			case "arrested":
				arrested[n.ID] = d.V == "true"
			}
		}
	}
	for _, e := range doc.Edges {
		if role[e.Source] == "" || role[e.Target] == "" {
			t.Errorf("edge %s-%s has an end that is no node", e.Source, e.Target)
		}
		for _, d := range e.Data {
			v, _ := strconv.ParseFloat(d.V, 64)
			if want := map[string]float64{"strength": 0.6, "length": -math.Log(0.6)}[d.Key]; math.Abs(v-want) > 1e-12 {
				t.Errorf("edge %s-%s: %s %v, want %v", e.Source, e.Target, d.Key, v, want)
			}
		}
	}
	rows := readCSV(t, filepath.Join(out, "investigations.csv"))
	if !slices.Equal(rows[0], []string{"tick", "from_agent", "from_role", "to_agent", "to_role", "shop", "path_length", "outcome"}) || len(rows) < 3 {
		t.Fatalf("investigations.csv: %d rows, header %v", len(rows), rows[0])
	}
	caught, fromBuyers := 0, 0
	for _, r := range rows[1:] {
		from, to := "a"+r[1], "a"+r[3]
		if r[2] == "buyer" { // a buyer's statement: buyers are b<number>
			from = "b" + r[1]
			fromBuyers++
		}
		l, _ := strconv.ParseFloat(r[6], 64)
		steps := l / -math.Log(0.6)
		if !arrested[from] || role[from] != r[2] || role[to] != r[4] || (r[4] != "dispatcher" && r[4] != "organizer") || math.Abs(steps-math.Round(steps)) > 1e-9 || steps < 1 {
			t.Errorf("investigation %v: want a path of whole links from an arrested agent to a dispatcher or organizer of the graph", r)
		}
		if r[7] == "arrested" {
			caught++
			if !arrested[to] {
				t.Errorf("investigation %v arrested %s, whom the graph does not mark arrested", r, to)
			}
		}
	}
	byInvestigation := 0
	for _, r := range readCSV(t, filepath.Join(out, "arrests.csv"))[1:] {
		if r[6] == "investigation" {
			byInvestigation++
		}
	}
	t.Logf("%d investigations, %d from buyers' statements, %d arrests", len(rows)-1, fromBuyers, caught)
	if caught == 0 || caught > byInvestigation {
		t.Errorf("%d network investigations arrested their target, %d arrests by investigation in arrests.csv", caught, byInvestigation)
	}
	if code, _, stderr := dropsim(append(args, "-force")...); code != 0 {
		t.Fatalf("again with -force: exit %d: %s", code, stderr)
	} else if _, err := os.Stat(filepath.Join(out, "network.graphml")); err != nil {
		t.Error(err)
	}
}
