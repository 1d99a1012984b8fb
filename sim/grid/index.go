package grid

// Index is a bucketed spatial index of integer ids (drops, buyers, units).
// Removal is lazy: the owner says which ids are still alive, and dead ids are
// dropped from a bucket whenever it is scanned or grows. That keeps inserts
// and removals O(1) without back-pointers, and a query costs only the buckets
// its radius touches, never a pass over the map.
type Index struct {
	size, bw, bh int
	buckets      [][]int32
	compactAt    []int32 // a bucket is compacted when it reaches this length
	touched      []int32 // non-empty buckets, for Reset
	pos          func(id int32) (x, y int)
	alive        func(id int32) bool
}

// NewIndex indexes a W x H grid with square buckets of size cells. pos gives
// an id's cell; alive says whether an inserted id still belongs.
func NewIndex(w, h, size int, pos func(int32) (int, int), alive func(int32) bool) *Index {
	bw, bh := (w+size-1)/size, (h+size-1)/size
	return &Index{size: size, bw: bw, bh: bh, buckets: make([][]int32, bw*bh),
		compactAt: make([]int32, bw*bh), pos: pos, alive: alive}
}

// Insert adds id at cell (x, y).
func (ix *Index) Insert(id int32, x, y int) {
	b := (y/ix.size)*ix.bw + x/ix.size
	if len(ix.buckets[b]) == 0 {
		ix.touched = append(ix.touched, int32(b))
	}
	ix.buckets[b] = append(ix.buckets[b], id)
	if n := int32(len(ix.buckets[b])); n >= max(ix.compactAt[b], 16) {
		ix.compact(b)
		ix.compactAt[b] = 2 * int32(len(ix.buckets[b]))
	}
}

// Reset empties the index.
func (ix *Index) Reset() {
	for _, b := range ix.touched {
		ix.buckets[b] = ix.buckets[b][:0]
	}
	ix.touched = ix.touched[:0]
}

func (ix *Index) compact(b int) {
	ids := ix.buckets[b]
	k := 0
	for _, id := range ids {
		if ix.alive(id) {
			ids[k] = id
			k++
		}
	}
	ix.buckets[b] = ids[:k]
}

// Within calls fn for every live id whose cell lies within distance r of
// (x, y), bucket by bucket in row order and in insertion order inside a
// bucket, so the order is deterministic. fn may kill ids (they are skipped
// later) but must not insert.
func (ix *Index) Within(x, y int, r float64, fn func(id int32, d2 int)) {
	ri := int(r)
	r2 := int(r * r)
	bx0, by0 := max(x-ri, 0)/ix.size, max(y-ri, 0)/ix.size
	bx1, by1 := min((x+ri)/ix.size, ix.bw-1), min((y+ri)/ix.size, ix.bh-1)
	for by := by0; by <= by1; by++ {
		for bx := bx0; bx <= bx1; bx++ {
			b := by*ix.bw + bx
			ids := ix.buckets[b]
			k := 0
			for i := 0; i < len(ids); i++ {
				id := ids[i]
				if !ix.alive(id) {
					continue
				}
				ids[k] = id
				k++
				px, py := ix.pos(id)
				dx, dy := px-x, py-y
				if d2 := dx*dx + dy*dy; d2 <= r2 {
					fn(id, d2)
				}
			}
			ix.buckets[b] = ids[:k]
		}
	}
}

// Nearest returns the live id nearest to (x, y) within distance r for which
// ok is true (nil accepts all); ties go to the smaller id.
func (ix *Index) Nearest(x, y int, r float64, ok func(int32) bool) (best int32, found bool) {
	bestD := -1
	ix.Within(x, y, r, func(id int32, d2 int) {
		if ok != nil && !ok(id) {
			return
		}
		if bestD < 0 || d2 < bestD || (d2 == bestD && id < best) {
			best, bestD = id, d2
		}
	})
	return best, bestD >= 0
}
