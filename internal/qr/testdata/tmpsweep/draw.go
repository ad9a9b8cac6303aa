package main

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// matrix is a QR code's modules, true for dark, without a quiet zone.
type matrix [][]bool

func readMatrix(img image.Image) matrix {
	b := img.Bounds()
	m := make(matrix, b.Dy())
	for y := range m {
		m[y] = make([]bool, b.Dx())
		for x := range m[y] {
			g := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			m[y][x] = g.Y < 128
		}
	}
	return m
}

// homography is a 3x3 projective transform, row-major, applied to (x, y, 1).
type homography [9]float64

func (h homography) apply(x, y float64) (float64, float64) {
	d := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / d, (h[3]*x + h[4]*y + h[5]) / d
}

// squareToQuad returns the transform that maps the unit square corners
// (0,0), (1,0), (1,1), (0,1) to q[0..3].
func squareToQuad(q [4][2]float64) homography {
	x0, y0 := q[0][0], q[0][1]
	x1, y1 := q[1][0], q[1][1]
	x2, y2 := q[2][0], q[2][1]
	x3, y3 := q[3][0], q[3][1]
	sx := x0 - x1 + x2 - x3
	sy := y0 - y1 + y2 - y3
	dx1, dx2 := x1-x2, x3-x2
	dy1, dy2 := y1-y2, y3-y2
	den := dx1*dy2 - dx2*dy1
	g := (sx*dy2 - dx2*sy) / den
	hh := (dx1*sy - sx*dy1) / den
	return homography{
		x1 - x0 + g*x1, x3 - x0 + hh*x3, x0,
		y1 - y0 + g*y1, y3 - y0 + hh*y3, y0,
		g, hh, 1,
	}
}

func (h homography) inverse() homography {
	a, b, c := h[0], h[1], h[2]
	d, e, f := h[3], h[4], h[5]
	g, i, k := h[6], h[7], h[8]
	det := a*(e*k-f*i) - b*(d*k-f*g) + c*(d*i-e*g)
	return homography{
		(e*k - f*i) / det, (c*i - b*k) / det, (b*f - c*e) / det,
		(f*g - d*k) / det, (a*k - c*g) / det, (c*d - a*f) / det,
		(d*i - e*g) / det, (b*g - a*i) / det, (a*e - b*d) / det,
	}
}

// rectQuad returns the corners of an axis-aligned square of side size at
// (x, y), turned by deg degrees around its center.
func rectQuad(x, y, size, deg float64) [4][2]float64 {
	cx, cy := x+size/2, y+size/2
	sin, cos := math.Sincos(deg * math.Pi / 180)
	var q [4][2]float64
	for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		dx, dy := c[0]*size/2, c[1]*size/2
		q[i] = [2]float64{cx + dx*cos - dy*sin, cy + dx*sin + dy*cos}
	}
	return q
}

// codeStyle sets how drawCode paints a code.
type codeStyle struct {
	fg, bg color.NRGBA
	quiet  int // quiet zone in modules
}

var (
	black    = color.NRGBA{0, 0, 0, 255}
	white    = color.NRGBA{255, 255, 255, 255}
	plain    = codeStyle{fg: black, bg: white, quiet: 4}
	darkMode = codeStyle{fg: color.NRGBA{0xe8, 0xea, 0xed, 255}, bg: color.NRGBA{0x20, 0x21, 0x24, 255}, quiet: 4}
)

// drawCode paints m with its quiet zone into the quadrilateral q of dst,
// antialiased by 4x4 supersampling.
func drawCode(dst *image.NRGBA, m matrix, q [4][2]float64, st codeStyle) {
	dim := len(m)
	span := float64(dim + 2*st.quiet)
	inv := squareToQuad(q).inverse()

	sample := func(x, y float64) (color.NRGBA, bool) {
		u, v := inv.apply(x, y)
		if u < 0 || u >= 1 || v < 0 || v >= 1 {
			return color.NRGBA{}, false
		}
		mx := int(math.Floor(u*span)) - st.quiet
		my := int(math.Floor(v*span)) - st.quiet
		if mx >= 0 && mx < dim && my >= 0 && my < dim && m[my][mx] {
			return st.fg, true
		}
		return st.bg, true
	}
	paintQuad(dst, q, sample)
}

// paintQuad sets each pixel of dst inside q to the mean of 16 samples, keeping
// the old colour for samples outside.
func paintQuad(dst *image.NRGBA, q [4][2]float64, sample func(x, y float64) (color.NRGBA, bool)) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
		minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
	}
	r := image.Rect(int(minX)-1, int(minY)-1, int(maxX)+2, int(maxY)+2).Intersect(dst.Bounds())

	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			old := dst.NRGBAAt(x, y)
			var sr, sg, sb, hits float64
			for sy := 0; sy < 4; sy++ {
				for sx := 0; sx < 4; sx++ {
					c, ok := sample(float64(x)+(float64(sx)+0.5)/4, float64(y)+(float64(sy)+0.5)/4)
					if !ok {
						c = old
					} else {
						hits++
					}
					sr += float64(c.R)
					sg += float64(c.G)
					sb += float64(c.B)
				}
			}
			if hits == 0 {
				continue
			}
			dst.SetNRGBA(x, y, color.NRGBA{uint8(sr/16 + 0.5), uint8(sg/16 + 0.5), uint8(sb/16 + 0.5), 255})
		}
	}
}

// codeImage renders m alone with module pixels per module.
func codeImage(m matrix, module int, st codeStyle) *image.NRGBA {
	side := (len(m) + 2*st.quiet) * module
	img := canvas(side, side, st.bg)
	drawCode(img, m, rectQuad(0, 0, float64(side), 0), st)
	return img
}

func canvas(w, h int, c color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	return img
}

func fillRect(dst *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Over)
}

var regular = mustParseFont()

func mustParseFont() *opentype.Font {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err)
	}
	return f
}

// text draws s with its baseline starting at (x, y) in the Go Regular font.
func text(dst *image.NRGBA, x, y int, size float64, c color.NRGBA, s string) {
	face, err := opentype.NewFace(regular, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err)
	}
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// gaussianBlur blurs img with a separable Gaussian of standard deviation
// sigma pixels.
func gaussianBlur(img *image.NRGBA, sigma float64) *image.NRGBA {
	radius := int(math.Ceil(3 * sigma))
	kernel := make([]float64, 2*radius+1)
	var sum float64
	for i := range kernel {
		d := float64(i - radius)
		kernel[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += kernel[i]
	}
	for i := range kernel {
		kernel[i] /= sum
	}

	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	pass := func(src *image.NRGBA, dx, dy int) *image.NRGBA {
		out := image.NewNRGBA(b)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var acc [4]float64
				for k, wt := range kernel {
					sx := min(max(x+(k-radius)*dx, 0), w-1)
					sy := min(max(y+(k-radius)*dy, 0), h-1)
					p := src.Pix[sy*src.Stride+4*sx:]
					for c := 0; c < 4; c++ {
						acc[c] += wt * float64(p[c])
					}
				}
				o := out.Pix[y*out.Stride+4*x:]
				for c := 0; c < 4; c++ {
					o[c] = uint8(math.Min(255, acc[c]+0.5))
				}
			}
		}
		return out
	}
	return pass(pass(img, 1, 0), 0, 1)
}

// addNoise adds Gaussian noise of standard deviation sigma to each channel.
func addNoise(img *image.NRGBA, sigma float64, rng *rand.Rand) {
	for i := range img.Pix {
		if i%4 == 3 {
			continue
		}
		v := float64(img.Pix[i]) + rng.NormFloat64()*sigma
		img.Pix[i] = uint8(math.Min(255, math.Max(0, v)+0.5))
	}
}

// bilinear samples img at (x, y) in pixel-center coordinates.
func bilinear(img *image.NRGBA, x, y float64) [3]float64 {
	b := img.Bounds()
	x -= 0.5
	y -= 0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(px, py int) []uint8 {
		px = min(max(px, 0), b.Dx()-1)
		py = min(max(py, 0), b.Dy()-1)
		return img.Pix[py*img.Stride+4*px:]
	}
	var out [3]float64
	p00, p10, p01, p11 := at(x0, y0), at(x0+1, y0), at(x0, y0+1), at(x0+1, y0+1)
	for c := 0; c < 3; c++ {
		top := float64(p00[c])*(1-fx) + float64(p10[c])*fx
		bottom := float64(p01[c])*(1-fx) + float64(p11[c])*fx
		out[c] = top*(1-fy) + bottom*fy
	}
	return out
}

// resizeBilinear scales img to w by h pixels with bilinear sampling, which
// blurs the edges the way a zoomed-in picture viewer does.
func resizeBilinear(img *image.NRGBA, w, h int) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	sx := float64(b.Dx()) / float64(w)
	sy := float64(b.Dy()) / float64(h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := bilinear(img, (float64(x)+0.5)*sx, (float64(y)+0.5)*sy)
			out.SetNRGBA(x, y, color.NRGBA{uint8(c[0] + 0.5), uint8(c[1] + 0.5), uint8(c[2] + 0.5), 255})
		}
	}
	return out
}

// rotate turns img by deg degrees around its center onto a canvas of the
// same size filled with bg.
func rotate(img *image.NRGBA, deg float64, bg color.NRGBA) *image.NRGBA {
	b := img.Bounds()
	out := canvas(b.Dx(), b.Dy(), bg)
	w, h := float64(b.Dx()), float64(b.Dy())
	q := rectQuadWH(w, h, deg)
	inv := squareToQuad(q).inverse()
	paintQuad(out, q, func(x, y float64) (color.NRGBA, bool) {
		u, v := inv.apply(x, y)
		if u < 0 || u >= 1 || v < 0 || v >= 1 {
			return color.NRGBA{}, false
		}
		return img.NRGBAAt(int(u*w), int(v*h)), true
	})
	return out
}

func rectQuadWH(w, h, deg float64) [4][2]float64 {
	sin, cos := math.Sincos(deg * math.Pi / 180)
	var q [4][2]float64
	for i, c := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		dx, dy := c[0]*w/2, c[1]*h/2
		q[i] = [2]float64{w/2 + dx*cos - dy*sin, h/2 + dx*sin + dy*cos}
	}
	return q
}

func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(b)
	draw.Draw(g, b, img, b.Min, draw.Src)
	return g
}
