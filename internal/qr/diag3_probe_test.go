package qr

import (
	"fmt"
	"os"
	"testing"
)

func sharpenTest(l *luma, r int, amount float64) *luma {
	// box blur radius r, separable
	w, h := l.w, l.h
	tmp := make([]float64, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			n := 0
			for d := -r; d <= r; d++ {
				xx := min(max(x+d, 0), w-1)
				s += float64(l.pix[y*w+xx])
				n++
			}
			tmp[y*w+x] = s / float64(n)
		}
	}
	out := newLuma(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			n := 0
			for d := -r; d <= r; d++ {
				yy := min(max(y+d, 0), h-1)
				s += tmp[yy*w+x]
				n++
			}
			b := s / float64(n)
			v := float64(l.pix[y*w+x]) + amount*(float64(l.pix[y*w+x])-b)
			out.pix[y*w+x] = clamp8(float32(v))
		}
	}
	return out
}

func TestDiag3(t *testing.T) {
	for _, name := range []string{"blur-4.0.png", "blur-3.5.png", "blur-2.5.png", "up-mig-3.png", "up-mig-5.png", "noise-70.png"} {
		data, _ := os.ReadFile("/tmp/sweep/out/" + name)
		img, _ := decodeImage(data)
		src := toLuma(img)
		row := ""
		for _, r := range []int{3, 4, 5} {
			for _, amt := range []float64{1.5, 2.5, 3, 3.5, 5} {
				for _, global := range []bool{false, true} {
					v := view{luma: sharpenTest(src, r, amt), scale: 1}
					res := scanView(v, true, global)
					if len(res.symbols) > 0 {
						row += fmt.Sprintf(" r%d/a%v/g%v", r, amt, global)
					}
				}
			}
		}
		fmt.Println(name, row)
	}
}
