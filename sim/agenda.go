package sim

import "container/heap"

// agenda is a time-ordered queue of things due at a tick: buyers' next
// orders, arrivals at drops, recruitments, deliveries. Ties are broken by
// insertion order, so the order of events is deterministic. Nothing waits
// by being visited every tick: an idle agent costs nothing until it is due.
type agenda struct{ h agendaHeap }

type item struct {
	tick int32
	seq  uint32
	kind uint8
	a, b int32
}

type agendaHeap struct {
	items []item
	seq   uint32
}

func (h *agendaHeap) Len() int { return len(h.items) }
func (h *agendaHeap) Less(i, j int) bool {
	a, b := &h.items[i], &h.items[j]
	return a.tick < b.tick || (a.tick == b.tick && a.seq < b.seq)
}
func (h *agendaHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *agendaHeap) Push(x any)    { h.items = append(h.items, x.(item)) }
func (h *agendaHeap) Pop() any {
	n := len(h.items) - 1
	it := h.items[n]
	h.items = h.items[:n]
	return it
}

// add schedules (kind, a, b) at tick.
func (q *agenda) add(tick int, kind uint8, a, b int32) {
	q.h.seq++
	heap.Push(&q.h, item{tick: int32(tick), seq: q.h.seq, kind: kind, a: a, b: b})
}

// due pops the next item due at or before tick.
func (q *agenda) due(tick int) (item, bool) {
	if len(q.h.items) == 0 || int(q.h.items[0].tick) > tick {
		return item{}, false
	}
	return heap.Pop(&q.h).(item), true
}

func (q *agenda) len() int { return len(q.h.items) }
