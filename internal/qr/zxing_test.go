package qr

import (
	"errors"
	"image"
	"image/color"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// finderGrid returns a white image tiled with finder patterns (7 by 7
// modules: a dark ring, a light ring, a dark 3 by 3 center) every spacing
// pixels, the worst case for gozxing's finder-pattern selection.
func finderGrid(side, module, spacing int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for oy := spacing / 2; oy+7*module < side; oy += spacing {
		for ox := spacing / 2; ox+7*module < side; ox += spacing {
			for y := 0; y < 7*module; y++ {
				for x := 0; x < 7*module; x++ {
					mx, my := x/module, y/module
					ring := mx == 0 || my == 0 || mx == 6 || my == 6
					center := mx >= 2 && mx <= 4 && my >= 2 && my <= 4
					if ring || center {
						img.SetGray(ox+x, oy+y, color.Gray{})
					}
				}
			}
		}
	}
	return img
}

func TestCountCandidatesStopsAtLimit(t *testing.T) {
	img := finderGrid(1000, 2, 32) // 30 by 30 patterns
	source, err := gozxing.NewPlanarYUVLuminanceSource(img.Pix, 1000, 1000, 0, 0, 1000, 1000, false)
	if err != nil {
		t.Fatal(err)
	}
	matrix, err := gozxing.NewHybridBinarizer(source).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}

	if n := countCandidates(matrix, true, 1000); n < 800 {
		t.Errorf("countCandidates(limit 1000) = %d, want about 900 for a 30 by 30 grid", n)
	}
	// The count stops after the row of patterns that passes the limit.
	if n := countCandidates(matrix, true, 20); n <= 20 || n > 20+30 {
		t.Errorf("countCandidates(limit 20) = %d, want 21 to 50", n)
	}
}

// Without the candidate limit, this image keeps gozxing busy for hours.
func TestDecodeFinderGrid(t *testing.T) {
	for _, spacing := range []int{83, 32} { // 12 by 12 and 30 by 30 patterns
		_, err := DecodeImage(finderGrid(1000, 2, spacing))
		if !errors.Is(err, ErrNoCode) {
			t.Errorf("DecodeImage(grid every %d pixels) error = %v, want ErrNoCode", spacing, err)
		}
	}
}
