package chart

import (
	"slices"
	"testing"
)

func TestNiceTicksLabelMillions(t *testing.T) {
	label := func(lo, hi float64) []string {
		var ls []string
		for _, tk := range (niceTicks{}).Ticks(lo, hi) {
			ls = append(ls, tk.Label)
		}
		return ls
	}
	// (0 - -8e7) / 6 = 1.33e7: step 2e7.
	if got, want := label(-8e7, 0), []string{"-80M", "-60M", "-40M", "-20M", "0"}; !slices.Equal(got, want) {
		t.Errorf("ticks of [-8e7, 0]: %v, want %v", got, want)
	}
	// Step 5e5 below a million: half-millions need a decimal.
	if got, want := label(0, 3e6), []string{"0", "0.5M", "1.0M", "1.5M", "2.0M", "2.5M", "3.0M"}; !slices.Equal(got, want) {
		t.Errorf("ticks of [0, 3e6]: %v, want %v", got, want)
	}
	if got, want := label(0, 3000), []string{"0", "500", "1000", "1500", "2000", "2500", "3000"}; !slices.Equal(got, want) {
		t.Errorf("ticks of [0, 3000]: %v, want %v", got, want)
	}
}
