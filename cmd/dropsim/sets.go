package main

import (
	"flag"
	"strings"
)

// words gives the sets as command-line words, " -set KEY=VALUE" each,
// quoted for a shell where needed, for messages a user may copy.
func (s sets) words() string {
	var b strings.Builder
	for _, v := range s {
		b.WriteString(" -set " + shellQuote(v))
	}
	return b.String()
}

// sets collects the -set KEY=VALUE overrides of a command line, in the
// order given; the scenario package checks them with the file.
type sets []string

func (s *sets) String() string { return strings.Join(*s, " ") }

func (s *sets) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// setHelp is the help of -set.
const setHelp = "override a scenario key, as `KEY=VALUE`; repeatable, a later -set of a key wins. " +
	"KEY is spelled as in the scenario file (buyers.count, city.landuse.park.cover, police.group[2].strategy, " +
	"groups numbered from 1; police.group[N] one past the last adds a group), VALUE is a TOML value " +
	"(5000, 0.5, true, [55, 30, 69, 44]) or a bare word taken as text (random); quote it where the shell reads [ ] or spaces"

// addSets defines -set on fs.
func addSets(fs *flag.FlagSet) *sets {
	s := &sets{}
	fs.Var(s, "set", setHelp)
	return s
}

// shellQuote quotes an argument for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.,=:/+@%-", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
