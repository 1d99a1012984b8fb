package citymap

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"dropsim/cmd/internal/gis"
)

// bigASCII is a 1000 x 1000 text map of residential cells with a river.
func bigASCII() []byte {
	row := strings.Repeat("r", 480) + strings.Repeat("~", 40) + strings.Repeat("p", 480) + "\n"
	return bytes.Repeat([]byte(row), 1000)
}

// allocated is the bytes f allocates (TotalAlloc, an upper bound on the
// peak heap it adds), measured on one goroutine after a GC.
func allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAllocBound: a 1000 x 1000 text map (1 MB) is read with little more
// than twice its 1 MB of classes (read in blocks, then joined) and the 64 KiB
// read buffer; the layer of the same size costs gis's float64 values.
func TestAllocBound(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	data := bigASCII()
	var m *Map
	n := allocated(func() {
		var err error
		m, err = ReadASCII(bytes.NewReader(data), "big.txt", testLegend, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
	})
	if m.W != 1000 || m.H != 1000 {
		t.Fatalf("%d x %d", m.W, m.H)
	}
	t.Logf("ReadASCII 1000 x 1000: %.2f MB allocated in all", float64(n)/1e6)
	if n > 3<<20 {
		t.Errorf("ReadASCII of a 1000 x 1000 map allocated %d bytes; want at most 3 MiB", n)
	}
	// A layer of the same size.
	r := &gis.Raster{NCols: 1000, NRows: 1000, CellSize: 1, Values: make([]float64, 1e6)}
	for i := range r.Values {
		r.Values[i] = float64(i%7) / 4
	}
	var buf bytes.Buffer
	if err := gis.WriteASC(&buf, r); err != nil {
		t.Fatal(err)
	}
	n = allocated(func() {
		if _, err := ReadLayer(bytes.NewReader(buf.Bytes()), "d.asc", "demand", m, 0, 1e6, false, 1<<20); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("ReadLayer 1000 x 1000: %.2f MB allocated in all", float64(n)/1e6)
}

func BenchmarkReadASCII1000(b *testing.B) {
	data := bigASCII()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadASCII(bytes.NewReader(data), "big.txt", testLegend, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadASCEndless(b *testing.B) {
	for _, maxCells := range []int{1 << 16, 1 << 20} {
		b.Run(fmt.Sprint(maxCells), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := &repeatReader{pattern: []byte("r")}
				if _, err := ReadASCII(r, "endless.txt", testLegend, maxCells); err == nil {
					b.Fatal("no error")
				}
			}
		})
	}
}
