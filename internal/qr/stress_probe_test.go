package qr

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestStressMutations(t *testing.T) {
	if os.Getenv("STRESS") == "" {
		t.Skip()
	}
	var seeds [][]byte
	for _, name := range []string{"clean.png", "tiny-1px.png", "tiny-1px.gif", "tiny-1px.bmp", "noquiet-2px.png", "variant-lossless.webp", "variant-gray.tif", "lowq.jpg", "transparent-white.png", "variant-progressive.jpg"} {
		d, _ := os.ReadFile(filepath.Join(imagesDir, name))
		seeds = append(seeds, d)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	worst := time.Duration(0)
	for i := 0; i < 3000; i++ {
		d := append([]byte(nil), seeds[rng.IntN(len(seeds))]...)
		n := 1 + rng.IntN(4)
		for j := 0; j < n; j++ {
			p := rng.IntN(min(len(d), 64+rng.IntN(len(d))))
			d[p] = byte(rng.IntN(256))
		}
		start := time.Now()
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Println("PANIC", r)
					os.WriteFile(fmt.Sprintf("/tmp/panic-%d", i), d, 0o644)
				}
			}()
			Decode(bytes.NewReader(d))
		}()
		el := time.Since(start)
		if el > worst {
			worst = el
		}
		if el > 500*time.Millisecond {
			img, err := decodeImage(d)
			dims := ""
			if err == nil {
				dims = fmt.Sprint(img.Bounds())
			}
			fmt.Printf("slow %d: %v %s\n", i, el, dims)
			os.WriteFile(fmt.Sprintf("/tmp/slow-%d", i), d, 0o644)
		}
	}
	fmt.Println("worst", worst)
}
