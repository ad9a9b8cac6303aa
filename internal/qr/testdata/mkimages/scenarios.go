package main

import (
	"fmt"
	"image"
	"image/color"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func (g *generator) run() {
	rng := rand.New(rand.NewPCG(2024, 7))

	g.formats()
	g.darkMode()
	g.small()
	g.damaged()
	g.screenshots()
	g.large()
	g.several()
	g.photos(rng)
	g.special()
	g.hard(rng)
	g.variants()
	g.negatives(rng)

	g.writeManifest()
	g.checkZbar()
}

// place draws the code m with its quiet zone at module pixels per module,
// with the top left corner of the unrotated symbol at (x, y).
func place(dst *image.NRGBA, m matrix, x, y int, module float64, st codeStyle) {
	side := float64(len(m)+2*st.quiet) * module
	drawCode(dst, m, rectQuad(float64(x), float64(y), side, 0), st)
}

// rotated returns the code m turned by deg degrees in the middle of a canvas
// just large enough to hold it.
func rotated(m matrix, module, deg float64, st codeStyle) *image.NRGBA {
	side := float64(len(m)+2*st.quiet) * module
	sin, cos := math.Sincos(deg * math.Pi / 180)
	size := int(side*(math.Abs(sin)+math.Abs(cos))) + int(4*module)
	img := canvas(size, size, st.bg)
	drawCode(img, m, rectQuad((float64(size)-side)/2, (float64(size)-side)/2, side, deg), st)
	return img
}

// formats saves qrencode's own rendering in every supported format.
func (g *generator) formats() {
	data, err := os.ReadFile(filepath.Join(g.codes, "github-direct.png"))
	if err != nil {
		log.Fatal(err)
	}
	g.write("clean.png", data, []string{"github"})

	img := g.readPNG(filepath.Join(g.codes, "github-direct.png"))
	g.save("clean.jpg", img, 90, "github")
	g.save("clean.gif", img, 0, "github")
	g.save("clean.bmp", img, 0, "github")
	g.save("clean.tif", img, 0, "github")
	g.convert("clean.webp", img, []string{"-quality", "90"}, "", "github")
}

// darkMode saves light modules on a dark background, as dark themes show
// them, in every format.
func (g *generator) darkMode() {
	img := codeImage(g.code("aws"), 6, darkMode)
	g.save("dark.png", img, 0, "aws")
	g.save("dark.jpg", img, 85, "aws")
	g.save("dark.gif", img, 0, "aws")
	g.save("dark.bmp", toGray(img), 0, "aws")
	g.save("dark.tif", img, 0, "aws")
	g.convert("dark.webp", img, []string{"-quality", "80"}, "", "aws")
}

// small saves codes with one or two pixels per module and codes without a
// quiet zone.
func (g *generator) small() {
	tiny := codeImage(g.code("github"), 1, plain)
	g.save("tiny-1px.png", tiny, 0, "github")
	g.save("tiny-1px.gif", tiny, 0, "github")
	g.save("tiny-1px.bmp", toGray(tiny), 0, "github")
	g.save("tiny-2px.png", codeImage(g.code("gitlab"), 2, plain), 0, "gitlab")
	g.save("tiny-2px-dark.png", codeImage(g.code("hotp"), 2, darkMode), 0, "hotp")

	bare := plain
	bare.quiet = 0
	g.save("noquiet.png", codeImage(g.code("hotp"), 5, bare), 0, "hotp")
	g.save("noquiet-2px.png", codeImage(g.code("github"), 2, bare), 0, "github")
	bareDark := darkMode
	bareDark.quiet = 0
	g.save("noquiet-dark.png", codeImage(g.code("aws"), 4, bareDark), 0, "aws")
}

// damaged saves rotated, blurred, badly compressed and blurrily enlarged
// codes.
func (g *generator) damaged() {
	g.save("rotate-4.png", rotated(g.code("google"), 5, 4, plain), 0, "google")
	g.save("rotate-12.jpg", rotated(g.code("bank"), 5, 12, plain), 80, "bank")
	g.save("rotate-45.png", rotated(g.code("gitlab"), 4, 45, plain), 0, "gitlab")
	g.save("rotate-30-dark.png", rotated(g.code("aws"), 5, -30, darkMode), 0, "aws")

	g.save("blur.png", gaussianBlur(codeImage(g.code("bank"), 6, plain), 2), 0, "bank")
	g.save("blur-heavy.png", gaussianBlur(codeImage(g.code("github"), 8, plain), 3.2), 0, "github")
	g.save("lowq.jpg", codeImage(g.code("utf8"), 4, plain), 8, "utf8")

	tiny := codeImage(g.code("github"), 1, plain)
	side := tiny.Bounds().Dx() * 73 / 10
	g.save("upscaled.png", resizeBilinear(tiny, side, side), 0, "github")
}

// screenshots saves full-screen application windows with a code in them.
func (g *generator) screenshots() {
	light, panel := appWindow(1920, 1080, lightTheme, "Two-factor authentication")
	place(light, g.code("google"), panel.Min.X+32, panel.Min.Y+140, 5, plain)
	g.save("screenshot-light.png", light, 0, "google")
	g.convert("screenshot-light.webp", light, []string{"-quality", "75"}, "", "google")

	dark, panel := appWindow(1920, 1080, darkTheme, "Two-factor authentication")
	place(dark, g.code("aws"), panel.Min.X+32, panel.Min.Y+140, 4, darkMode)
	g.save("screenshot-dark.png", dark, 0, "aws")
	g.save("screenshot-dark.jpg", dark, 85, "aws")

	darkWhite, panel := appWindow(1920, 1080, darkTheme, "Two-factor authentication")
	place(darkWhite, g.code("github"), panel.Min.X+32, panel.Min.Y+140, 6, plain)
	g.save("screenshot-dark-whitecode.png", darkWhite, 0, "github")

	// A 4K screen with a code of 3 pixels per module, which the first view,
	// shrunk to a third, turns into 1 pixel per module.
	wide, panel := appWindow(3840, 2160, lightTheme, "Security settings")
	place(wide, g.code("gitlab"), panel.Min.X+32, panel.Min.Y+140, 3, plain)
	g.save("screenshot-4k.png", wide, 0, "gitlab")

	// Two pixels per module on a 4K screen: only the full-resolution view
	// can read it.
	tiny4k, panel := appWindow(3840, 2160, lightTheme, "Security settings")
	place(tiny4k, g.code("github"), panel.Min.X+600, panel.Min.Y+300, 2, plain)
	g.save("screenshot-4k-tiny.png", tiny4k, 0, "github")

	phone, panel := appWindow(1080, 2340, lightTheme, "Add account")
	place(phone, g.code("hotp"), panel.Min.X+panel.Dx()/2-(53+8)*7/2, 700, 7, plain)
	g.save("screenshot-phone.jpg", phone, 80, "hotp")
}

// large saves small codes in images larger than 4096 pixels, where a view
// shrunk to 1280 or 2048 pixels makes the modules smaller than a pixel.
func (g *generator) large() {
	// A 5K screenshot with 3 pixels per module.
	wide, panel := appWindow(5120, 2880, lightTheme, "Security settings")
	place(wide, g.code("google"), panel.Min.X+900, panel.Min.Y+400, 3, plain)
	g.save("screenshot-5k-small.png", wide, 0, "google")

	// A 7000x7000 scan of a printed page with a code of 5 pixels per module
	// near its lower right corner.
	page := canvas(7000, 7000, gray(0xf4))
	fillRect(page, image.Rect(400, 400, 6600, 6600), white)
	for i := 0; i < 3; i++ {
		text(page, 700, 900+i*300, 120, gray(0x30), "Scan this code with your authenticator app.")
	}
	place(page, g.code("github"), 5200, 5300, 5, plain)
	g.save("scan-7000.png", page, 0, "github")
}

// several saves images with more than one code, to check that every code is
// found and that the order is top to bottom, then left to right.
func (g *generator) several() {
	two, panel := appWindow(1280, 800, lightTheme, "Backup devices")
	place(two, g.code("github"), panel.Min.X+40, panel.Min.Y+140, 5, plain)
	place(two, g.code("gitlab"), panel.Min.X+340, panel.Min.Y+150, 5, plain)
	g.save("two-codes.png", two, 0, "github", "gitlab")
	g.save("two-codes.jpg", two, 75, "github", "gitlab")

	stacked := canvas(700, 1000, white)
	place(stacked, g.code("hotp"), 230, 40, 4, plain)
	place(stacked, g.code("bank"), 130, 390, 6, plain)
	g.save("two-stacked.png", stacked, 0, "hotp", "bank")

	// The code on the right starts higher but is smaller, so its center is
	// level with the one on the left: both are in the first row.
	grid := canvas(1100, 1000, gray(0xf0))
	place(grid, g.code("google"), 640, 90, 4, plain)
	place(grid, g.code("aws"), 60, 60, 5, plain)
	place(grid, g.code("hotp"), 70, 560, 4, plain)
	place(grid, g.code("utf8"), 600, 520, 6, plain)
	g.save("grid-4.png", grid, 0, "aws", "google", "hotp", "utf8")

	dup := canvas(800, 400, white)
	place(dup, g.code("github"), 40, 60, 7, plain)
	place(dup, g.code("github"), 460, 60, 7, plain)
	g.save("duplicate.png", dup, 0, "github")

	darkTwo, panel := appWindow(1440, 900, darkTheme, "Authenticator apps")
	place(darkTwo, g.code("aws"), panel.Min.X+40, panel.Min.Y+140, 4, darkMode)
	place(darkTwo, g.code("bank"), panel.Min.X+400, panel.Min.Y+140, 4, darkMode)
	g.save("two-dark.png", darkTwo, 0, "aws", "bank")

	mixed := canvas(900, 420, gray(0x80))
	place(mixed, g.code("github"), 60, 60, 7, plain)
	place(mixed, g.code("gitlab"), 520, 80, 7, darkMode)
	g.save("mixed-polarity.png", mixed, 0, "github", "gitlab")
}

// photos saves simulated camera shots of screens.
func (g *generator) photos(rng *rand.Rand) {
	// A 12-megapixel photo of a monitor where the code covers about a tenth
	// of the width.
	screen, panel := appWindow(1280, 800, lightTheme, "Two-factor authentication")
	place(screen, g.code("google"), panel.Min.X+32, panel.Min.Y+130, 3, plain)
	photo := photograph(screen, photoOptions{
		w: 4000, h: 3000,
		screen: [4][2]float64{{610, 560}, {3420, 380}, {3330, 2380}, {700, 2560}},
		blur:   1.3, noise: 5, grid: 0.35, light: 0.95,
	}, rng)
	g.save("photo-12mp.jpg", photo, 72, "google")

	phone, panel := appWindow(540, 960, darkTheme, "Add account")
	place(phone, g.code("aws"), panel.Min.X+panel.Dx()/2-(49+8)*5/2, 300, 5, darkMode)
	photo = photograph(phone, photoOptions{
		w: 1600, h: 1200,
		screen: [4][2]float64{{520, 80}, {1130, 150}, {1060, 1150}, {430, 1090}},
		blur:   0.9, noise: 6, grid: 0.25, light: 1,
	}, rng)
	g.save("photo-phone.jpg", photo, 60, "aws")

	tilted, panel := appWindow(1024, 640, lightTheme, "Security")
	place(tilted, g.code("github"), panel.Min.X+40, panel.Min.Y+130, 6, plain)
	photo = photograph(tilted, photoOptions{
		w: 2000, h: 1500,
		screen: [4][2]float64{{150, 250}, {1850, 420}, {1800, 1150}, {200, 1320}},
		blur:   1.1, noise: 4, grid: 0.3, light: 0.9,
	}, rng)
	g.save("photo-tilted.jpg", photo, 70, "github")

	// A dim room: little light, strong noise and a coarse pixel grid.
	dim, panel := appWindow(1280, 800, lightTheme, "Two-factor authentication")
	place(dim, g.code("bank"), panel.Min.X+40, panel.Min.Y+130, 4, plain)
	photo = photograph(dim, photoOptions{
		w: 3000, h: 2000,
		screen: [4][2]float64{{300, 180}, {2650, 330}, {2750, 1850}, {250, 1700}},
		blur:   1.6, noise: 9, grid: 0.5, light: 0.45,
	}, rng)
	g.save("photo-dim.jpg", photo, 55, "bank")

	// About 1.5 photo pixels per screen pixel: the pixel grid aliases into
	// coarse moire.
	moire, panel := appWindow(1280, 800, lightTheme, "Two-factor authentication")
	place(moire, g.code("utf8"), panel.Min.X+40, panel.Min.Y+130, 4, plain)
	photo = photograph(moire, photoOptions{
		w: 2400, h: 1600,
		screen: [4][2]float64{{250, 180}, {2170, 120}, {2200, 1330}, {230, 1390}},
		blur:   0.6, noise: 5, grid: 0.6, light: 0.9,
	}, rng)
	g.save("photo-moire.jpg", photo, 70, "utf8")
}

// special saves transparent and coloured codes, a dense export code and a
// message split over four codes.
func (g *generator) special() {
	for _, c := range []struct {
		file, name string
		fg         color.NRGBA
	}{{"transparent-black.png", "github", black}, {"transparent-white.png", "gitlab", white}} {
		clear := codeStyle{fg: c.fg, bg: color.NRGBA{}, quiet: 4}
		m := g.code(c.name)
		img := image.NewNRGBA(image.Rect(0, 0, (len(m)+8)*6, (len(m)+8)*6))
		for y := 0; y < len(m); y++ {
			for x := 0; x < len(m); x++ {
				if m[y][x] {
					fillRect(img, image.Rect((x+4)*6, (y+4)*6, (x+5)*6, (y+5)*6), clear.fg)
				}
			}
		}
		g.save(c.file, img, 0, c.name)
	}

	shadow := codeImage(g.code("google"), 6, plain)
	b := shadow.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			// Light falls from the top left: the far corner gets a third.
			f := 1 - 0.65*float64(x+y)/float64(b.Dx()+b.Dy())
			p := shadow.Pix[y*shadow.Stride+4*x:]
			for c := 0; c < 3; c++ {
				p[c] = uint8(float64(p[c])*f*0.9 + 20)
			}
		}
	}
	g.save("shadow.png", shadow, 0, "google")

	navy := codeStyle{fg: color.NRGBA{0x1a, 0x23, 0x7e, 255}, bg: color.NRGBA{0xff, 0xf8, 0xe1, 255}, quiet: 4}
	g.save("colors.png", codeImage(g.code("bank"), 5, navy), 0, "bank")
	faint := codeStyle{fg: gray(0x55), bg: gray(0xaa), quiet: 4}
	g.save("lowcontrast.png", codeImage(g.code("hotp"), 5, faint), 0, "hotp")

	g.save("migration.png", codeImage(g.code("migration"), 4, plain), 0, "migration")
	screen, panel := appWindow(1280, 800, lightTheme, "Export accounts")
	place(screen, g.code("migration"), panel.Min.X+32, panel.Min.Y+130, 3, plain)
	g.save("migration-screenshot.jpg", screen, 85, "migration")

	g.save("huge-modules.png", codeImage(g.code("github"), 80, plain), 0, "github")

	parts := g.splitParts()
	g.save("split.png", row(parts, 5), 0, "split")
	// split-partial.png lacks the second part, so it is not in the
	// manifest: the test expects its own error for it.
	partial := append([]matrix{parts[0]}, parts[2:]...)
	g.saveUnlisted("split-partial.png", row(partial, 5))
}

// splitParts reads the structured-append codes split-01.png, split-02.png, ...
func (g *generator) splitParts() []matrix {
	files, err := filepath.Glob(filepath.Join(g.codes, "split-*.png"))
	if err != nil || len(files) < 3 {
		log.Fatalf("want at least 3 structured-append parts, found %d (%v)", len(files), err)
	}
	var parts []matrix
	for _, f := range files {
		parts = append(parts, readMatrix(g.readPNG(f)))
	}
	return parts
}

// row draws codes side by side on white.
func row(codes []matrix, module int) *image.NRGBA {
	side := (len(codes[0]) + 8) * module
	img := canvas(side*len(codes), side, white)
	for i, m := range codes {
		drawCode(img, m, rectQuad(float64(i*side), 0, float64(side), 0), plain)
	}
	return img
}

// hard saves images that only the later attempts of the decoder read:
// heavy blur (sharpening), heavy noise and low contrast (global threshold),
// a strongly tilted screen and a blurry enlargement of a dense code.
func (g *generator) hard(rng *rand.Rand) {
	for _, sigma := range []float64{3.5, 4} {
		g.save(fmt.Sprintf("hard-blur-%.1f.png", sigma), gaussianBlur(codeImage(g.code("bank"), 6, plain), sigma), 0, "bank")
	}

	noisy := codeImage(g.code("aws"), 4, darkMode)
	addNoise(noisy, 70, rng)
	g.save("hard-noise.png", noisy, 0, "aws")

	faint := codeStyle{fg: gray(0x88), bg: gray(0xb0), quiet: 4}
	g.save("hard-contrast.png", codeImage(g.code("hotp"), 5, faint), 0, "hotp")

	screen, panel := appWindow(1024, 640, lightTheme, "Security")
	place(screen, g.code("hotp"), panel.Min.X+40, panel.Min.Y+130, 4, plain)
	photo := photograph(screen, photoOptions{
		w: 1600, h: 1200,
		screen: [4][2]float64{{300, 100}, {1300, 100}, {1550, 1100}, {50, 1100}},
		blur:   1, noise: 5, grid: 0.3, light: 0.9,
	}, rng)
	g.save("hard-tilted.jpg", photo, 70, "hotp")

	tiny := codeImage(g.code("migration"), 1, plain)
	side := tiny.Bounds().Dx() * 5
	g.save("hard-upscaled.png", gaussianBlur(resizeBilinear(tiny, side, side), 2.5), 0, "migration")
}

// variants saves a plain code in encodings that only ImageMagick writes.
func (g *generator) variants() {
	img := codeImage(g.code("google"), 5, plain)
	colored := codeImage(g.code("google"), 5, codeStyle{fg: color.NRGBA{0x0b, 0x3d, 0x91, 255}, bg: white, quiet: 4})
	for _, v := range []struct {
		file    string
		src     image.Image
		options []string
		prefix  string
	}{
		{"variant-progressive.jpg", colored, []string{"-interlace", "Plane", "-quality", "85"}, ""},
		{"variant-cmyk.jpg", colored, []string{"-colorspace", "CMYK", "-quality", "90"}, ""},
		{"variant-gray.jpg", img, []string{"-colorspace", "Gray", "-quality", "90"}, ""},
		{"variant-16bit.png", colored, nil, "PNG48:"},
		{"variant-palette.png", colored, nil, "PNG8:"},
		{"variant-interlaced.png", colored, []string{"-interlace", "PNG"}, ""},
		{"variant-lossless.webp", colored, []string{"-define", "webp:lossless=true"}, ""},
		{"variant-lzw.tif", colored, []string{"-compress", "LZW"}, ""},
		{"variant-gray.tif", img, []string{"-colorspace", "Gray", "-compress", "Zip"}, ""},
		{"variant-24bit.bmp", colored, nil, "BMP3:"},
	} {
		g.convert(v.file, v.src, v.options, v.prefix, "google")
	}
}

// negatives saves images without a readable code.
func (g *generator) negatives(rng *rand.Rand) {
	ui, _ := appWindow(1280, 800, lightTheme, "Two-factor authentication")
	g.save("nocode-ui.png", ui, 0)

	noise := canvas(640, 480, white)
	addNoise(noise, 80, rng)
	g.save("nocode-noise.jpg", noise, 80)

	// A code with a third of its modules flipped outside the finder
	// patterns: it looks like a code but is beyond error correction.
	m := g.code("github")
	broken := make(matrix, len(m))
	for y := range m {
		broken[y] = append([]bool(nil), m[y]...)
		for x := range broken[y] {
			inFinder := (x < 8 || x >= len(m)-8) && y < 8 || x < 8 && y >= len(m)-8
			if !inFinder && rng.IntN(3) == 0 {
				broken[y][x] = !broken[y][x]
			}
		}
	}
	g.save("nocode-broken.png", codeImage(broken, 6, plain), 0)
}

// saveUnlisted writes a PNG that the manifest leaves out.
func (g *generator) saveUnlisted(file string, img image.Image) {
	n := len(g.manifest)
	g.save(file, img, 0)
	g.manifest = g.manifest[:n]
}
