package qr

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// randomImage fills img with colours from a fixed seed through set.
func randomImage(b image.Rectangle, set func(x, y int, c color.NRGBA)) {
	rng := rand.New(rand.NewPCG(1, 2))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			set(x, y, color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255})
		}
	}
}

// wantLuma is the reference: color.GrayModel on each pixel.
func wantLuma(img image.Image) *luma {
	b := img.Bounds()
	l := newLuma(b.Dx(), b.Dy())
	for y := 0; y < l.h; y++ {
		for x := 0; x < l.w; x++ {
			l.pix[y*l.w+x] = color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
		}
	}
	return l
}

func TestToLumaMatchesGrayModel(t *testing.T) {
	r := image.Rect(3, 5, 40, 30)
	rgba := image.NewRGBA(r)
	randomImage(r, func(x, y int, c color.NRGBA) { rgba.Set(x, y, c) })
	nrgba := image.NewNRGBA(r)
	randomImage(r, func(x, y int, c color.NRGBA) { nrgba.SetNRGBA(x, y, c) })
	gray := image.NewGray(r)
	randomImage(r, func(x, y int, c color.NRGBA) { gray.Set(x, y, c) })
	gray16 := image.NewGray16(r)
	randomImage(r, func(x, y int, c color.NRGBA) { gray16.Set(x, y, c) })
	cmyk := image.NewCMYK(r)
	randomImage(r, func(x, y int, c color.NRGBA) { cmyk.Set(x, y, c) })
	paletted := image.NewPaletted(r, color.Palette{color.Black, color.White, color.RGBA{200, 30, 40, 255}})
	randomImage(r, func(x, y int, c color.NRGBA) { paletted.Set(x, y, c) })
	ycbcr := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	// Luma and chroma stay in the range where every colour converts to RGB
	// without clipping, so the reference's round trip through RGB is exact
	// to rounding.
	for i := range ycbcr.Y {
		ycbcr.Y[i] = uint8(40 + i*37%176)
	}
	for i := range ycbcr.Cb {
		ycbcr.Cb[i] = uint8(118 + i%20)
		ycbcr.Cr[i] = uint8(128 + i%11)
	}

	tests := []struct {
		name string
		img  image.Image
	}{
		{"RGBA", rgba},
		{"NRGBA", nrgba},
		{"Gray", gray},
		{"Gray16", gray16},
		{"CMYK", cmyk},
		{"Paletted", paletted},
		{"YCbCr", ycbcr},
		{"RGBA sub-image", rgba.SubImage(image.Rect(10, 10, 20, 25))},
		{"Gray sub-image", gray.SubImage(image.Rect(10, 10, 20, 25))},
		{"YCbCr sub-image", ycbcr.SubImage(image.Rect(10, 10, 20, 25))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := toLuma(tt.img), wantLuma(tt.img)
			if got.w != want.w || got.h != want.h {
				t.Fatalf("size %dx%d, want %dx%d", got.w, got.h, want.w, want.h)
			}
			for i := range want.pix {
				if d := int(got.pix[i]) - int(want.pix[i]); d < -1 || d > 1 {
					t.Fatalf("pixel %d,%d = %d, want %d±1", i%want.w, i/want.w, got.pix[i], want.pix[i])
				}
			}
		})
	}
}

func TestToLumaTransparency(t *testing.T) {
	// Dark modules on a transparent background go over white, light
	// modules over black, so that the code keeps its contrast.
	tests := []struct {
		name    string
		module  color.NRGBA
		wantBg  uint8
		wantDot uint8
	}{
		{"dark on transparent", color.NRGBA{0, 0, 0, 255}, 255, 0},
		{"light on transparent", color.NRGBA{255, 255, 255, 255}, 0, 255},
		{"half-transparent dark", color.NRGBA{0, 0, 0, 128}, 255, 127},
	}
	for _, tt := range tests {
		for _, kind := range []string{"NRGBA", "RGBA", "Paletted"} {
			t.Run(tt.name+" "+kind, func(t *testing.T) {
				r := image.Rect(0, 0, 4, 4)
				var img image.Image
				switch kind {
				case "NRGBA":
					m := image.NewNRGBA(r)
					m.SetNRGBA(1, 1, tt.module)
					img = m
				case "RGBA":
					m := image.NewRGBA(r)
					m.Set(1, 1, tt.module)
					img = m
				case "Paletted":
					m := image.NewPaletted(r, color.Palette{color.NRGBA{}, tt.module})
					m.SetColorIndex(1, 1, 1)
					img = m
				}
				l := toLuma(img)
				if got := l.pix[0]; got != tt.wantBg {
					t.Errorf("background = %d, want %d", got, tt.wantBg)
				}
				if got := l.pix[l.w+1]; got != tt.wantDot {
					t.Errorf("module = %d, want %d", got, tt.wantDot)
				}
			})
		}
	}
}

func TestResize(t *testing.T) {
	src := &luma{w: 4, h: 2, pix: []byte{
		0, 100, 200, 40,
		50, 150, 0, 0,
	}}

	half := src.resize(2, 1)
	if want := []byte{75, 60}; string(half.pix) != string(want) {
		t.Errorf("resize(2, 1) = %v, want %v", half.pix, want)
	}

	double := (&luma{w: 2, h: 1, pix: []byte{10, 200}}).resize(4, 2)
	if want := []byte{10, 10, 200, 200, 10, 10, 200, 200}; string(double.pix) != string(want) {
		t.Errorf("resize(4, 2) = %v, want %v", double.pix, want)
	}

	// Three pixels into two: the middle one is split between both.
	thirds := (&luma{w: 3, h: 1, pix: []byte{0, 90, 180}}).resize(2, 1)
	if want := []byte{30, 150}; string(thirds.pix) != string(want) {
		t.Errorf("resize 3 to 2 = %v, want %v", thirds.pix, want)
	}
}

func TestResizeKeepsMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := newLuma(301, 173)
	for i := range src.pix {
		src.pix[i] = uint8(rng.IntN(256))
	}
	mean := func(l *luma) float64 {
		var sum float64
		for _, v := range l.pix {
			sum += float64(v)
		}
		return sum / float64(len(l.pix))
	}
	for _, size := range [][2]int{{100, 57}, {37, 211}, {602, 346}, {1, 1}} {
		got := src.resize(size[0], size[1])
		if d := mean(got) - mean(src); d < -0.5 || d > 0.5 {
			t.Errorf("resize(%d, %d) mean %.2f, source mean %.2f", size[0], size[1], mean(got), mean(src))
		}
	}
}

func TestSharpened(t *testing.T) {
	flat := newLuma(20, 20)
	for i := range flat.pix {
		flat.pix[i] = 120
	}
	for i, v := range flat.sharpened(3, 4).pix {
		if v != 120 {
			t.Fatalf("flat image pixel %d became %d", i, v)
		}
	}

	// A vertical edge from 100 to 150: sharpening darkens the dark side and
	// lightens the light side next to the edge, and leaves pixels far from
	// it alone.
	edge := newLuma(20, 5)
	for i := range edge.pix {
		edge.pix[i] = 100
		if i%20 >= 10 {
			edge.pix[i] = 150
		}
	}
	s := edge.sharpened(3, 4)
	row := s.pix[2*20 : 3*20]
	if row[9] >= 100 || row[10] <= 150 {
		t.Errorf("edge pixels %d, %d, want below 100 and above 150", row[9], row[10])
	}
	if row[0] != 100 || row[19] != 150 {
		t.Errorf("far pixels %d, %d, want 100 and 150", row[0], row[19])
	}
}

func TestBlurFlatAndImpulse(t *testing.T) {
	l := newLuma(5, 5)
	l.pix[12] = 160
	b := l.blur()
	// The 3x3 binomial kernel gives the center 4/16 and each edge
	// neighbour 2/16.
	if b.pix[12] != 40 || b.pix[7] != 20 || b.pix[6] != 10 || b.pix[0] != 0 {
		t.Errorf("blurred impulse: center %d, edge %d, corner %d, far %d; want 40, 20, 10, 0",
			b.pix[12], b.pix[7], b.pix[6], b.pix[0])
	}
}

func TestFillQuad(t *testing.T) {
	l := newLuma(20, 20)
	// A diamond around (10, 10).
	l.fillQuad([4]point{{10, 2}, {18, 10}, {10, 18}, {2, 10}})
	tests := []struct {
		x, y int
		want byte
	}{
		{10, 10, 255}, {10, 3, 255}, {4, 10, 255},
		{3, 3, 0}, {17, 17, 0}, {0, 0, 0}, {19, 10, 0},
	}
	for _, tt := range tests {
		if got := l.pix[tt.y*l.w+tt.x]; got != tt.want {
			t.Errorf("pixel %d,%d = %d, want %d", tt.x, tt.y, got, tt.want)
		}
	}

	// A quadrilateral partly outside the image is clipped.
	l.fillQuad([4]point{{-50, -50}, {5, -50}, {5, 5}, {-50, 5}})
	if l.pix[0] != 255 || l.pix[7] != 0 {
		t.Errorf("clipped fill: pixel 0,0 = %d, 7,0 = %d; want 255, 0", l.pix[0], l.pix[7])
	}
}

func TestPaddedAndInverted(t *testing.T) {
	l := &luma{w: 2, h: 1, pix: []byte{0, 200}}
	p := l.padded(2)
	if p.w != 6 || p.h != 5 {
		t.Fatalf("padded size %dx%d, want 6x5", p.w, p.h)
	}
	if p.pix[0] != 255 || p.pix[2*6+2] != 0 || p.pix[2*6+3] != 200 {
		t.Errorf("padded pixels %v", p.pix)
	}
	if inv := l.inverted(); inv.pix[0] != 255 || inv.pix[1] != 55 {
		t.Errorf("inverted = %v, want [255 55]", inv.pix)
	}
}
