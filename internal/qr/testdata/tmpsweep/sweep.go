package main

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"os"
)

// sweep writes harder variants into out, and a manifest.
func (g *generator) sweep() {
	rng := rand.New(rand.NewPCG(9, 9))
	// blur sweep
	for _, sigma := range []float64{2.5, 3, 3.5, 4, 4.5} {
		g.save(fmt.Sprintf("blur-%.1f.png", sigma), gaussianBlur(codeImage(g.code("bank"), 6, plain), sigma), 0, "bank")
	}
	// noise sweep on dark
	for _, n := range []float64{30, 50, 70} {
		img := codeImage(g.code("aws"), 4, darkMode)
		addNoise(img, n, rng)
		g.save(fmt.Sprintf("noise-%v.png", n), img, 0, "aws")
	}
	// jpeg quality sweep on small modules
	for _, q := range []int{3, 5} {
		g.save(fmt.Sprintf("jpegq-%d.jpg", q), codeImage(g.code("migration"), 3, plain), q, "migration")
	}
	// photo: code size sweep in 12MP
	for _, mod := range []float64{2, 2.5} {
		screen, panel := appWindow(1280, 800, lightTheme, "Two-factor authentication")
		drawCode(screen, g.code("google"), rectQuad(float64(panel.Min.X+32), float64(panel.Min.Y+130), 53*mod, 0), plain)
		photo := photograph(screen, photoOptions{
			w: 4000, h: 3000,
			screen: [4][2]float64{{610, 560}, {3420, 380}, {3330, 2380}, {700, 2560}},
			blur:   1.5, noise: 7, grid: 0.4, light: 0.8,
		}, rng)
		g.save(fmt.Sprintf("photo-mod%.1f.jpg", mod), photo, 65, "google")
	}
	// strong perspective
	for i, q := range [][4][2]float64{
		{{100, 100}, {1500, 300}, {1500, 900}, {100, 1100}},
		{{300, 100}, {1300, 100}, {1550, 1100}, {50, 1100}},
	} {
		screen, panel := appWindow(1024, 640, lightTheme, "Security")
		drawCode(screen, g.code("hotp"), rectQuad(float64(panel.Min.X+40), float64(panel.Min.Y+130), 61*4, 0), plain)
		photo := photograph(screen, photoOptions{w: 1600, h: 1200, screen: q, blur: 1, noise: 5, grid: 0.3, light: 0.9}, rng)
		g.save(fmt.Sprintf("persp-%d.jpg", i), photo, 70, "hotp")
	}
	// low contrast sweep
	for _, d := range []uint8{0x70, 0x88, 0x98} {
		st := codeStyle{fg: gray(d), bg: gray(0xb0), quiet: 4}
		g.save(fmt.Sprintf("contrast-%x.png", d), codeImage(g.code("hotp"), 5, st), 0, "hotp")
	}
	// tiny upscaled blurry
	for _, f := range []int{3, 5} {
		tiny := codeImage(g.code("migration"), 1, plain)
		side := tiny.Bounds().Dx() * f
		g.save(fmt.Sprintf("up-mig-%d.png", f), gaussianBlur(resizeBilinear(tiny, side, side), float64(f)/2), 0, "migration")
	}
	// narrow quiet zone on noisy bg
	bare := plain
	bare.quiet = 1
	img := canvas(600, 600, gray(0x30))
	drawCode(img, g.code("github"), rectQuad(100, 100, 35*10, 7), bare)
	g.save("quiet1-dark-bg.png", img, 0, "github")
	_ = color.NRGBA{}
	g.writeManifest()
	_ = os.Stdout
}
