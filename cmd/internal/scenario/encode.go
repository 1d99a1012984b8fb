package scenario

import (
	"bufio"
	"fmt"
	"io"
	"slices"

	"github.com/BurntSushi/toml"

	"dropsim/sim"
)

// Encode writes p as a complete scenario file: every key with the value the
// run uses, defaults included, after a short header comment. Parse gives
// back exactly p: numbers are written with as many digits as it takes to
// read them back unchanged.
func Encode(w io.Writer, p sim.Params) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Scenario %q, fully resolved: every key with the value the run uses,\n", p.Name)
	fmt.Fprintf(bw, "# defaults included. scenarios/baseline.toml says what each key means.\n\n")
	// A group's keys are written only where its strategy uses them; the
	// others hold the defaults, which Parse gives back.
	p.Police.Groups = slices.Clone(p.Police.Groups)
	for i, g := range p.Police.Groups {
		p.Police.Groups[i] = g.WithoutUnused()
	}
	enc := toml.NewEncoder(bw)
	enc.Indent = ""
	if err := enc.Encode(p); err != nil {
		return fmt.Errorf("writing scenario %q: %w", p.Name, err)
	}
	return bw.Flush()
}
