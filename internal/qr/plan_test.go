package qr

import (
	"math"
	"testing"
)

func TestPlanBounds(t *testing.T) {
	sizes := [][2]int{
		{21, 21}, {37, 37}, {399, 120}, {400, 400}, {799, 600}, {1280, 720},
		{1920, 1080}, {2048, 2048}, {2049, 100}, {3840, 2160}, {4000, 3000},
		{4096, 4096}, {4097, 3000}, {8660, 5773}, {50_000_000, 1},
	}
	for _, size := range sizes {
		w, h := size[0], size[1]
		long := float64(max(w, h))
		attempts := plan(w, h)

		if len(attempts) == 0 || len(attempts) > 9 {
			t.Errorf("plan(%d, %d) has %d attempts, want 1 to 9", w, h, len(attempts))
		}
		first := attempts[0]
		if first.tryHarder || first.filter != noFilter || first.pad || first.global {
			t.Errorf("plan(%d, %d) starts with %+v, want a plain view", w, h, first)
		}
		if side := long * first.scale; side > maxNativeSide {
			t.Errorf("plan(%d, %d) starts with a view of %.0f pixels, more than %d", w, h, side, maxNativeSide)
		}
		for _, a := range attempts {
			side := long * a.scale
			if side > 2*maxNativeSide && !(a.scale == 1 && long <= 2*maxNativeSide) {
				t.Errorf("plan(%d, %d) has a view of %.0f pixels", w, h, side)
			}
			if side > 4096 {
				t.Errorf("plan(%d, %d) has a view of %.0f pixels, more than 4096", w, h, side)
			}
		}
	}
}

// Small codes in images larger than maxNativeSide need a view that keeps
// as many pixels as the memory bound allows.
func TestPlanLargestView(t *testing.T) {
	sizes := [][2]int{{2049, 100}, {3840, 2160}, {4096, 4096}, {5120, 2880}, {7000, 7000}, {8660, 5773}}
	for _, size := range sizes {
		w, h := size[0], size[1]
		long := max(w, h)
		want := min(long, maxViewSide)

		largest := 0
		for _, a := range plan(w, h) {
			largest = max(largest, int(math.Round(float64(long)*a.scale)))
		}
		if largest != want {
			t.Errorf("plan(%d, %d) has a largest view of %d pixels, want %d", w, h, largest, want)
		}
	}
}
