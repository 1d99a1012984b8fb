package gis

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// FuzzReadASC: no input makes ReadASC panic, hold more than maxCells values
// or fail without a one-line "name:" message, and a grid it accepts is
// written back by WriteASC to a file that reads back the same. The seeds
// are in testdata/fuzz/FuzzReadASC.
func FuzzReadASC(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkReadASC(t, data)
		// Random bytes rarely make a whole header; behind a fixed one they
		// reach the rows, and grids that parse, more often.
		checkReadASC(t, append([]byte("ncols 3\nnrows 2\nxllcorner -5\nyllcorner 1e3\ncellsize 0.5\n"), data...))
	})
}

func checkReadASC(t *testing.T, data []byte) {
	const maxCells = 10000
	var r *Raster
	var err error
	// Reading may not allocate much more than the file and the values; the
	// slack covers what the fuzzing engine allocates meanwhile.
	bound := uint64(64<<20 + 16*len(data) + 16*maxCells)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, err = ReadASC(bytes.NewReader(data), "fuzz.asc", maxCells)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > bound {
		t.Fatalf("ReadASC allocated %d bytes for %d bytes of input (bound %d)", n, len(data), bound)
	}
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "fuzz.asc:") || strings.Contains(msg, "\n") {
			t.Fatalf("message not of the form \"fuzz.asc:...\" on one line: %q", msg)
		}
		return
	}
	if r.NCols < 1 || r.NRows < 1 || r.NCols*r.NRows > maxCells || len(r.Values) != r.NCols*r.NRows {
		t.Fatalf("accepted a %d x %d grid with %d values (max %d)", r.NCols, r.NRows, len(r.Values), maxCells)
	}
	var buf bytes.Buffer
	if err := WriteASC(&buf, r); err != nil {
		t.Fatalf("WriteASC refused what ReadASC accepted: %v", err)
	}
	back, err := ReadASC(bytes.NewReader(buf.Bytes()), "back.asc", maxCells)
	if err != nil {
		t.Fatalf("ReadASC refused what WriteASC wrote: %v\n%s", err, buf.Bytes())
	}
	if !sameRaster(r, back) {
		t.Fatalf("round trip changed the grid:\n%+v\n%+v", r, back)
	}
}
