package citymap

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"
)

const fuzzMaxCells = 1 << 16

var fuzzLegend = map[string]string{"~": "water", "#": "centre", "r": "residential", ".": "nodata", "é": "park", " ": "forest"}

var fuzzCodes = map[string]string{"1": "residential", "2": "park", "0": "water"}

// FuzzReadASCII: no input makes ReadASCII panic or accept a map smaller
// than 2 x 2, larger than maxCells or without a usable cell, and every
// failure is one *Error on one line. Seeds: testdata/fuzz/FuzzReadASCII.
func FuzzReadASCII(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var m *Map
		var err error
		bounded(t, len(data), func() { m, err = ReadASCII(bytes.NewReader(data), "fuzz.txt", fuzzLegend, fuzzMaxCells) })
		checkFuzz(t, m, err, "fuzz.txt")
	})
}

// FuzzReadASCMap: the same for ReadASC, on the input as it is and behind a
// fixed header (random bytes rarely make one).
// Seeds: testdata/fuzz/FuzzReadASCMap.
func FuzzReadASCMap(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var m *Map
		var err error
		bounded(t, len(data), func() { m, err = ReadASC(bytes.NewReader(data), "fuzz.asc", fuzzCodes, fuzzMaxCells) })
		checkFuzz(t, m, err, "fuzz.asc")
		withHeader := append([]byte("ncols 3\nnrows 2\nxllcorner 411000\nyllcorner 6176000\ncellsize 50\nNODATA_value -9\n"), data...)
		m, err = ReadASC(bytes.NewReader(withHeader), "fuzz.asc", fuzzCodes, fuzzMaxCells)
		checkFuzz(t, m, err, "fuzz.asc")
		if err == nil && (!m.HasGeo || m.W != 3 || m.H != 2 || m.OriginX != 411000 || m.CellSize != 50) {
			t.Fatalf("accepted %+v behind a 3 x 2 header", m)
		}
	})
}

// bounded fails the test if read allocates more than the input and
// maxCells cells can need, with slack for what the fuzzing engine
// allocates meanwhile.
func bounded(t *testing.T, n int, read func()) {
	t.Helper()
	bound := uint64(64<<20 + 16*n + 64*fuzzMaxCells)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	read()
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > bound {
		t.Fatalf("allocated %d bytes for %d bytes of input (bound %d)", got, n, bound)
	}
}

func checkFuzz(t *testing.T, m *Map, err error, name string) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.File != name || e.Line < 0 || e.Col < 0 || e.Col > 0 && e.Line == 0 {
			t.Fatalf("error %T %q is not a *Error for %s with a sound position", err, err, name)
		}
		if msg := err.Error(); e.Msg == "" || strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("message empty or not on one line: %q", msg)
		}
		if m != nil {
			t.Fatal("a map came back with the error")
		}
		return
	}
	if m.W < 2 || m.H < 2 || m.W*m.H > fuzzMaxCells || len(m.Class) != m.W*m.H {
		t.Fatalf("accepted a %d x %d map with %d cells (max %d)", m.W, m.H, len(m.Class), fuzzMaxCells)
	}
	usable := false
	for _, c := range m.Class {
		if c > 6 {
			t.Fatalf("class %d out of range", c)
		}
		usable = usable || c != 0
	}
	if !usable {
		t.Fatal("accepted a map without a usable cell")
	}
}
