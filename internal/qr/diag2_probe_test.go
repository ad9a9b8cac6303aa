package qr

import (
	"fmt"
	"os"
	"testing"
)

func TestDiag2(t *testing.T) {
	for _, name := range []string{"blur-4.0.png", "blur-4.5.png", "up-mig-3.png", "up-mig-5.png", "persp-0.jpg", "noise-70.png", "contrast-98.png"} {
		data, _ := os.ReadFile("/tmp/sweep/out/" + name)
		img, _ := decodeImage(data)
		src := toLuma(img)
		row := ""
		for _, scale := range []float64{0.25, 0.33, 0.5, 0.75, 1, 1.5} {
			for _, blur := range []bool{false, true} {
				for _, global := range []bool{false, true} {
					s := newScanner(src)
					f := noFilter
					if blur {
						f = blurFilter
					}
					v := s.render(attempt{scale: scale, filter: f}, false)
					res := scanView(v, true, global)
					if len(res.symbols) > 0 {
						row += fmt.Sprintf(" s%.2f/b%v/g%v", scale, blur, global)
					}
				}
			}
		}
		fmt.Println(name, src.w, row)
	}
}
