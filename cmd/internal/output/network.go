package output

import (
	"encoding/csv"
	"fmt"
	"math"
	"strconv"

	"dropsim/sim"
)

// NetworkFiles are the files of a run with a network group (MODEL.md 4.4
// "network"): its investigations and the police's evidence graph at the end.
var NetworkFiles = []string{"investigations.csv", "network.graphml"}

// InvestigationsHeader is the header of investigations.csv.
var InvestigationsHeader = []string{"tick", "from_agent", "from_role", "to_agent", "to_role", "shop", "path_length", "outcome"}

// investigation is one closed network investigation, as the Recorder
// keeps it.
type investigation struct {
	tick, from, to, shop int32
	fromRole, role       sim.Role
	length               float64
	outcome              string
}

// WriteNetwork writes investigations.csv from the investigations the
// recorder saw and network.graphml from the evidence graph: agents by id
// with their role, shop and whether they were arrested, and each link with
// its strength p and length -log p (Xu & Chen 2004). It returns the files
// written.
func WriteNetwork(dir string, r *Recorder, agents []sim.EvidenceAgent, links []sim.EvidenceLink) ([]string, error) {
	f, err := create(dir, "investigations.csv")
	if err != nil {
		return nil, err
	}
	w := csv.NewWriter(f.w)
	w.Write(InvestigationsHeader)
	for _, iv := range r.investigations {
		w.Write([]string{itoa(iv.tick), itoa(iv.from), iv.fromRole.String(), itoa(iv.to), iv.role.String(), itoa(iv.shop),
			strconv.FormatFloat(iv.length, 'g', -1, 64), iv.outcome})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.abort()
		return nil, err
	}
	if err := f.commit(); err != nil {
		return nil, err
	}
	g, err := create(dir, "network.graphml")
	if err != nil {
		return NetworkFiles[:1], err
	}
	fmt.Fprint(g.w, `<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="role" for="node" attr.name="role" attr.type="string"/>
  <key id="shop" for="node" attr.name="shop" attr.type="int"/>
  <key id="arrested" for="node" attr.name="arrested" attr.type="boolean"/>
  <key id="strength" for="edge" attr.name="strength" attr.type="double"/>
  <key id="length" for="edge" attr.name="length" attr.type="double"/>
  <graph id="evidence" edgedefault="undirected">
`)
	name := func(a sim.EvidenceAgent) string { // members a<number>, buyers b<number>
		if a.Role == sim.RoleBuyer {
			return fmt.Sprintf("b%d", a.ID)
		}
		return fmt.Sprintf("a%d", a.ID)
	}
	for _, a := range agents {
		fmt.Fprintf(g.w, "    <node id=\"%s\"><data key=\"role\">%s</data><data key=\"shop\">%d</data><data key=\"arrested\">%t</data></node>\n", name(a), a.Role, a.Shop, a.Arrested)
	}
	for _, l := range links {
		fmt.Fprintf(g.w, "    <edge source=\"%s\" target=\"%s\"><data key=\"strength\">%s</data><data key=\"length\">%s</data></edge>\n",
			name(agents[l.A]), name(agents[l.B]), strconv.FormatFloat(l.Strength, 'g', -1, 64), strconv.FormatFloat(-math.Log(l.Strength), 'g', -1, 64))
	}
	fmt.Fprint(g.w, "  </graph>\n</graphml>\n")
	if err := g.commit(); err != nil {
		return NetworkFiles[:1], err
	}
	return NetworkFiles, nil
}
