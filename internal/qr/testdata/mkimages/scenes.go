package main

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// theme holds the colours of a mock application window.
type theme struct {
	background, panel, sidebar, bar, text, muted, accent color.NRGBA
}

var (
	lightTheme = theme{
		background: color.NRGBA{0xf6, 0xf8, 0xfa, 255},
		panel:      white,
		sidebar:    color.NRGBA{0xe9, 0xec, 0xef, 255},
		bar:        color.NRGBA{0x24, 0x29, 0x2f, 255},
		text:       color.NRGBA{0x1f, 0x23, 0x28, 255},
		muted:      color.NRGBA{0x65, 0x6d, 0x76, 255},
		accent:     color.NRGBA{0x1f, 0x88, 0x3d, 255},
	}
	darkTheme = theme{
		background: color.NRGBA{0x0d, 0x11, 0x17, 255},
		panel:      color.NRGBA{0x16, 0x1b, 0x22, 255},
		sidebar:    color.NRGBA{0x01, 0x04, 0x09, 255},
		bar:        color.NRGBA{0x01, 0x04, 0x09, 255},
		text:       color.NRGBA{0xe6, 0xed, 0xf3, 255},
		muted:      color.NRGBA{0x7d, 0x85, 0x90, 255},
		accent:     color.NRGBA{0x23, 0x86, 0x36, 255},
	}
)

// appWindow draws a w by h settings page with a title bar, a sidebar, text
// and buttons, and returns it with the rectangle of the main panel, where the
// caller puts the codes.
func appWindow(w, h int, th theme, heading string) (*image.NRGBA, image.Rectangle) {
	img := canvas(w, h, th.background)
	fillRect(img, image.Rect(0, 0, w, 56), th.bar)
	text(img, 24, 36, 20, color.NRGBA{0xf0, 0xf6, 0xfc, 255}, "Example Cloud Console")
	text(img, w-260, 36, 16, color.NRGBA{0xc9, 0xd1, 0xd9, 255}, "alice@example.com  |  Sign out")

	side := w / 6
	fillRect(img, image.Rect(0, 56, side, h), th.sidebar)
	for i, item := range []string{"Profile", "Account", "Appearance", "Notifications", "Security", "Sessions", "SSH keys", "Billing"} {
		c := th.muted
		if item == "Security" {
			fillRect(img, image.Rect(0, 80+i*40-24, side, 80+i*40+12), th.panel)
			c = th.text
		}
		text(img, 24, 80+i*40, 16, c, item)
	}

	panel := image.Rect(side+32, 88, w-32, h-32)
	fillRect(img, panel, th.panel)
	text(img, panel.Min.X+32, panel.Min.Y+48, 28, th.text, heading)
	text(img, panel.Min.X+32, panel.Min.Y+84, 16, th.muted,
		"Scan the QR code with your authenticator app, then enter the six-digit code it shows.")
	text(img, panel.Min.X+32, panel.Min.Y+108, 16, th.muted,
		"Can't scan it? Use the setup key below instead. Keep your recovery codes somewhere safe.")

	button := image.Rect(panel.Min.X+32, panel.Max.Y-72, panel.Min.X+192, panel.Max.Y-32)
	fillRect(img, button, th.accent)
	text(img, button.Min.X+40, button.Min.Y+27, 16, white, "Verify code")
	text(img, button.Max.X+32, button.Min.Y+27, 16, th.muted, "Cancel")
	return img, panel
}

// photoOptions describes a simulated camera shot of a screen.
type photoOptions struct {
	w, h   int
	screen [4][2]float64 // positions of the screen's corners in the photo
	blur   float64       // Gaussian blur, in photo pixels
	noise  float64       // sensor noise, standard deviation in 8-bit levels
	grid   float64       // strength of the screen's pixel grid, 0 to 1, which causes moire
	light  float64       // screen brightness, 1 is full
}

// photograph renders screen as seen by a camera: in perspective on a desk,
// with the screen's pixel grid aliasing into moire, uneven light, blur and
// sensor noise.
func photograph(screen *image.NRGBA, o photoOptions, rng *rand.Rand) *image.NRGBA {
	sw, sh := float64(screen.Bounds().Dx()), float64(screen.Bounds().Dy())
	inv := squareToQuad(o.screen).inverse()
	bezel := widen(o.screen, 0.04)
	bezelInv := squareToQuad(bezel).inverse()

	img := image.NewNRGBA(image.Rect(0, 0, o.w, o.h))
	phase := rng.Float64() * 2 * math.Pi
	for y := 0; y < o.h; y++ {
		for x := 0; x < o.w; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			var c [3]float64
			if u, v := inv.apply(px, py); u >= 0 && u < 1 && v >= 0 && v < 1 {
				c = bilinear(screen, u*sw, v*sh)
				grid := 1 - o.grid*(0.5-0.5*math.Cos(2*math.Pi*u*sw)*math.Cos(2*math.Pi*v*sh))
				shade := o.light * grid * (0.85 + 0.15*math.Cos(3*u+phase))
				for i := range c {
					c[i] = c[i]*shade + 12
				}
			} else if u, v := bezelInv.apply(px, py); u >= 0 && u < 1 && v >= 0 && v < 1 {
				c = [3]float64{28, 28, 30}
			} else {
				// A wooden desk: a warm gradient with slow grain.
				grain := 12 * math.Sin(float64(y)/37+3*math.Sin(float64(x)/211))
				c = [3]float64{150 + grain, 110 + grain*0.8, 80 + grain*0.6}
			}

			// Vignetting: the corners get less light.
			dx, dy := (px/float64(o.w) - 0.5), (py/float64(o.h) - 0.5)
			fall := 1 - 0.6*(dx*dx+dy*dy)
			p := img.Pix[y*img.Stride+4*x:]
			for i := range c {
				p[i] = uint8(math.Min(255, math.Max(0, c[i]*fall)))
			}
			p[3] = 255
		}
	}

	if o.blur > 0 {
		img = gaussianBlur(img, o.blur)
	}
	addNoise(img, o.noise, rng)
	return img
}

// widen moves the corners of q away from its center by the fraction f.
func widen(q [4][2]float64, f float64) [4][2]float64 {
	var cx, cy float64
	for _, p := range q {
		cx += p[0] / 4
		cy += p[1] / 4
	}
	var out [4][2]float64
	for i, p := range q {
		out[i] = [2]float64{p[0] + (p[0]-cx)*f, p[1] + (p[1]-cy)*f}
	}
	return out
}
