package sim

import "math/rand/v2"

// Random streams (MODEL.md 4.5). Draws that are about one agent come from
// that agent's own stream, so that a policy perturbs only the agents it
// touches (common random numbers): a buyer, a stasher or a police unit
// keeps its sequence of draws whatever happens to the others. Draws that
// are about the organization or the investigation as a whole stay on the
// subsystem streams built in New.
//
// An agent's stream is a rand.PCG value held in the agent (16 bytes, no
// allocation), seeded
//
//	PCG(seed ^ kind, splitmix64(key))
//
// with kind one of the constants below and key the agent's id: a buyer's
// index, for a stasher post<<32 | n, its post (a place in the organization,
// which a replacement takes over) and how many held the post before it,
// and for a police unit group<<32 | k, the unit's group (its
// index among the scenario's groups) and its rank k in the group, so that
// a group's units keep their streams when another group is added after it
// or changes its count. The kinds are distinct and non-zero, so that
// within a run no agent stream shares its first word with another kind's
// or with a subsystem stream (whose first word is the seed itself); within
// a kind splitmix64 is a bijection, so distinct keys give distinct
// streams, and it mixes the key so that neighbouring ids start far apart. The Model draws through
// one *rand.Rand per kind whose source points at the agent's PCG; a
// rand.Rand holds no state of its own, so switching the pointer between
// draws is exact. Each kind has its own, so that a draw for a unit in the
// middle of a stasher's placement cannot redirect the stasher's draws.
// Buyers and units live in slices that are never reallocated after New;
// stashers are pointers.
const (
	streamBuyer   uint64 = 0xb5ad4eceda1ce2a9
	streamStasher uint64 = 0x2127599bf4325c37
	streamUnit    uint64 = 0x880355f21e6d1965
	streamGroup   uint64 = 0x6a09e667f3bcc909 // a police group's own draws
)

// splitmix64 is the finaliser of SplitMix64 (Steele, Lea & Flood 2014), a
// bijection on uint64.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// agentPCG is the stream of the agent of the given kind and key in a run
// of seed.
func agentPCG(seed, kind, key uint64) rand.PCG {
	var p rand.PCG
	p.Seed(seed^kind, splitmix64(key))
	return p
}

// unitKey is the key of the k-th unit of group g.
func unitKey(g, k int) uint64 { return uint64(g)<<32 | uint64(uint32(k)) }

// agentSource is a rand.Source that draws from the PCG it points at.
type agentSource struct{ pcg *rand.PCG }

func (s *agentSource) Uint64() uint64 { return s.pcg.Uint64() }

// agentStreams is the reusable Rand of one kind of agent.
type agentStreams struct {
	src agentSource
	rng *rand.Rand
}

func (a *agentStreams) init() { a.rng = rand.New(&a.src) }

// of points the kind's Rand at pcg and returns it. Draw from it before
// asking for another agent of the same kind.
func (a *agentStreams) of(pcg *rand.PCG) *rand.Rand {
	a.src.pcg = pcg
	return a.rng
}

// buyerRNG, stasherRNG and unitRNG are the streams of one buyer, stasher
// or police unit.
func (m *Model) buyerRNG(b int32) *rand.Rand      { return m.market.buyerRand.of(&m.market.buyers[b].rng) }
func (m *Model) stasherRNG(s *Stasher) *rand.Rand { return m.street.stasherRand.of(&s.rng) }
func (m *Model) unitRNG(u *Unit) *rand.Rand       { return m.police.unitRand.of(&u.rng) }
