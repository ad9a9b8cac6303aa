package qr

import (
	"image"
	"math"
)

// luma is an 8-bit luminance image, 0 black and 255 white, stored row by row
// without padding.
type luma struct {
	pix  []byte
	w, h int
}

func newLuma(w, h int) *luma {
	return &luma{pix: make([]byte, w*h), w: w, h: h}
}

// toLuma converts img to luminance with the BT.601 weights that
// color.GrayModel uses. Transparent pixels are composited over white, unless
// the visible pixels are mostly light (white modules on a transparent
// background), in which case they are composited over black so that the
// inverted attempts can read the code.
func toLuma(img image.Image) *luma {
	b := img.Bounds()
	out := newLuma(b.Dx(), b.Dy())

	var alpha []byte
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < out.h; y++ {
			copy(out.pix[y*out.w:(y+1)*out.w], m.Pix[y*m.Stride:])
		}
	case *image.YCbCr:
		for y := 0; y < out.h; y++ {
			start := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(out.pix[y*out.w:(y+1)*out.w], m.Y[start:start+out.w])
		}
	case *image.RGBA:
		if !m.Opaque() {
			alpha = make([]byte, len(out.pix))
		}
		fillFromRGBA(out, alpha, m.Pix, m.Stride, true)
	case *image.NRGBA:
		if !m.Opaque() {
			alpha = make([]byte, len(out.pix))
		}
		fillFromRGBA(out, alpha, m.Pix, m.Stride, false)
	case *image.Paletted:
		alpha = fillFromPaletted(out, m)
	default:
		alpha = fillFromAny(out, img)
	}

	if alpha != nil {
		composite(out, alpha)
	}
	return out
}

// lum8 returns the BT.601 luminance of 8-bit red, green and blue values.
func lum8(r, g, b uint32) byte {
	return byte((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}

// fillFromRGBA fills out from 8-bit RGBA pixel rows. With alpha non-nil it
// stores the luminance of the premultiplied colour and the alpha separately
// for composite.
func fillFromRGBA(out *luma, alpha []byte, pix []byte, stride int, premultiplied bool) {
	for y := 0; y < out.h; y++ {
		row := pix[y*stride : y*stride+4*out.w]
		dst := out.pix[y*out.w : (y+1)*out.w]
		for x := range dst {
			p := row[4*x : 4*x+4 : 4*x+4]
			l := lum8(uint32(p[0]), uint32(p[1]), uint32(p[2]))
			if alpha == nil {
				dst[x] = l
				continue
			}
			a := p[3]
			if !premultiplied {
				l = byte((uint32(l)*uint32(a) + 127) / 255)
			}
			dst[x] = l
			alpha[y*out.w+x] = a
		}
	}
}

// fillFromPaletted fills out from a paletted image through a lookup table
// and returns the alpha plane, or nil when every palette entry is opaque.
func fillFromPaletted(out *luma, m *image.Paletted) []byte {
	var lums, alphas [256]byte
	opaque := true
	for i, c := range m.Palette {
		r, g, b, a := c.RGBA()
		lums[i] = lum8(r>>8, g>>8, b>>8)
		alphas[i] = byte(a >> 8)
		if a != 0xffff {
			opaque = false
		}
	}

	var alpha []byte
	if !opaque {
		alpha = make([]byte, len(out.pix))
	}
	for y := 0; y < out.h; y++ {
		row := m.Pix[y*m.Stride : y*m.Stride+out.w]
		for x, idx := range row {
			out.pix[y*out.w+x] = lums[idx]
			if alpha != nil {
				alpha[y*out.w+x] = alphas[idx]
			}
		}
	}
	return alpha
}

// fillFromAny fills out through the generic color interface, which is slow
// but handles every image type (16-bit, CMYK, YCbCr with alpha). It returns
// the alpha plane, or nil when every pixel is opaque.
func fillFromAny(out *luma, img image.Image) []byte {
	b := img.Bounds()
	alpha := make([]byte, len(out.pix))
	opaque := true
	for y := 0; y < out.h; y++ {
		for x := 0; x < out.w; x++ {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			out.pix[y*out.w+x] = lum8(r>>8, g>>8, bl>>8)
			alpha[y*out.w+x] = byte(a >> 8)
			if a != 0xffff {
				opaque = false
			}
		}
	}
	if opaque {
		return nil
	}
	return alpha
}

// composite turns premultiplied luminance into an opaque image over a black
// background when the visible pixels average lighter than 160, else over a
// white one.
func composite(l *luma, alpha []byte) {
	var sumLum, sumAlpha uint64
	for i, a := range alpha {
		sumLum += uint64(l.pix[i])
		sumAlpha += uint64(a)
	}

	background := uint32(255)
	if sumAlpha > 0 && sumLum*255/sumAlpha > 160 {
		background = 0
	}
	for i, a := range alpha {
		l.pix[i] = byte(uint32(l.pix[i]) + (255-uint32(a))*background/255)
	}
}

// mean returns the average luminance, sampling about 65,536 pixels.
func (l *luma) mean() int {
	step := len(l.pix)/65536 + 1
	var sum, n int
	for i := 0; i < len(l.pix); i += step {
		sum += int(l.pix[i])
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// resize returns l resampled to w by h pixels by area averaging: each output
// pixel is the mean of the source area it covers. Shrinking this way also
// smooths noise and moire, and enlarging by a whole factor repeats pixels.
func (l *luma) resize(w, h int) *luma {
	xTaps := areaTaps(l.w, w)
	yTaps := areaTaps(l.h, h)

	// Resample rows into tmp, then columns into out, adding whole rows of
	// tmp so that memory is read in order.
	tmp := make([]float32, w*l.h)
	for y := 0; y < l.h; y++ {
		src := l.pix[y*l.w : (y+1)*l.w]
		dst := tmp[y*w : (y+1)*w]
		for x, t := range xTaps {
			in := src[t.first : t.first+len(t.weights)]
			var sum float32
			for i, wt := range t.weights {
				sum += wt * float32(in[i])
			}
			dst[x] = sum
		}
	}

	out := newLuma(w, h)
	acc := make([]float32, w)
	for y, t := range yTaps {
		clear(acc)
		for i, wt := range t.weights {
			row := tmp[(t.first+i)*w : (t.first+i+1)*w]
			for x, v := range row {
				acc[x] += wt * v
			}
		}
		dst := out.pix[y*w : (y+1)*w]
		for x, v := range acc {
			dst[x] = clamp8(v)
		}
	}
	return out
}

// tap lists the source pixels, from first on, that one output pixel averages
// and their weights, which add up to 1.
type tap struct {
	first   int
	weights []float32
}

// areaTaps computes the taps for resampling n source pixels to m output
// pixels along one axis.
func areaTaps(n, m int) []tap {
	taps := make([]tap, m)
	ratio := float64(n) / float64(m)
	for i := range taps {
		lo := float64(i) * ratio
		hi := float64(i+1) * ratio
		first := int(math.Floor(lo))
		last := min(int(math.Ceil(hi)), n)
		weights := make([]float32, last-first)
		for j := range weights {
			left := math.Max(lo, float64(first+j))
			right := math.Min(hi, float64(first+j+1))
			weights[j] = float32((right - left) / ratio)
		}
		taps[i] = tap{first: first, weights: weights}
	}
	return taps
}

func clamp8(v float32) byte {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return byte(v + 0.5)
}

// blur returns l smoothed with the 3x3 binomial kernel (1 2 1 by 1 2 1, over
// 16), which removes single-pixel noise and fine moire before binarising.
func (l *luma) blur() *luma {
	tmp := make([]uint16, len(l.pix))
	for y := 0; y < l.h; y++ {
		row := l.pix[y*l.w : (y+1)*l.w]
		for x := range row {
			left := row[max(x-1, 0)]
			right := row[min(x+1, l.w-1)]
			tmp[y*l.w+x] = uint16(left) + 2*uint16(row[x]) + uint16(right)
		}
	}

	out := newLuma(l.w, l.h)
	for y := 0; y < l.h; y++ {
		up := tmp[max(y-1, 0)*l.w:]
		mid := tmp[y*l.w:]
		down := tmp[min(y+1, l.h-1)*l.w:]
		dst := out.pix[y*l.w : (y+1)*l.w]
		for x := range dst {
			dst[x] = byte((uint32(up[x]) + 2*uint32(mid[x]) + uint32(down[x]) + 8) / 16)
		}
	}
	return out
}

// sharpened returns l with unsharp masking: each pixel moves away from the
// mean of the (2r+1)-pixel square around it by amount times the difference.
// With a large amount this approaches thresholding against a small local
// mean, which separates the modules of a blurred code that the binarizer's
// larger blocks merge.
func (l *luma) sharpened(r int, amount float32) *luma {
	w, h := l.w, l.h
	rowMean := make([]float32, w*h)
	for y := 0; y < h; y++ {
		row := l.pix[y*w : (y+1)*w]
		boxMean(len(row), r, func(i int) float32 { return float32(row[i]) }, rowMean[y*w:(y+1)*w])
	}

	out := newLuma(w, h)
	column := make([]float32, h)
	for x := 0; x < w; x++ {
		boxMean(h, r, func(i int) float32 { return rowMean[i*w+x] }, column)
		for y, m := range column {
			v := float32(l.pix[y*w+x])
			out.pix[y*w+x] = clamp8(v + amount*(v-m))
		}
	}
	return out
}

// boxMean stores in out[i] the mean of at(i-r) to at(i+r), for i from 0 to
// n-1, clamping the indexes to that range.
func boxMean(n, r int, at func(int) float32, out []float32) {
	var sum float32
	for i := -r; i <= r; i++ {
		sum += at(min(max(i, 0), n-1))
	}
	for i := 0; i < n; i++ {
		out[i] = sum / float32(2*r+1)
		sum += at(min(i+r+1, n-1)) - at(max(i-r, 0))
	}
}

func (l *luma) clone() *luma {
	return &luma{pix: append([]byte(nil), l.pix...), w: l.w, h: l.h}
}

// inverted returns a copy of l with light and dark swapped.
func (l *luma) inverted() *luma {
	out := newLuma(l.w, l.h)
	for i, v := range l.pix {
		out.pix[i] = 255 - v
	}
	return out
}

// padded returns a copy of l with a white margin of m pixels on every side,
// which gives a code that touches the edge of the image the light quiet zone
// that the finder pattern search expects.
func (l *luma) padded(m int) *luma {
	out := newLuma(l.w+2*m, l.h+2*m)
	for i := range out.pix {
		out.pix[i] = 255
	}
	for y := 0; y < l.h; y++ {
		copy(out.pix[(y+m)*out.w+m:], l.pix[y*l.w:(y+1)*l.w])
	}
	return out
}

// point is a position in image coordinates.
type point struct{ x, y float64 }

// fillQuad paints the convex quadrilateral q white. It hides a code that was
// already read, so that later attempts look only at the rest of the image.
func (l *luma) fillQuad(q [4]point) {
	minY, maxY := q[0].y, q[0].y
	for _, p := range q[1:] {
		minY = math.Min(minY, p.y)
		maxY = math.Max(maxY, p.y)
	}
	y0 := max(int(math.Floor(minY)), 0)
	y1 := min(int(math.Ceil(maxY)), l.h-1)

	for y := y0; y <= y1; y++ {
		lo, hi, ok := quadSpan(q, float64(y)+0.5)
		if !ok {
			continue
		}
		x0 := max(int(math.Floor(lo)), 0)
		x1 := min(int(math.Ceil(hi)), l.w-1)
		for x := x0; x <= x1; x++ {
			l.pix[y*l.w+x] = 255
		}
	}
}

// quadSpan returns the horizontal extent of the convex quadrilateral q on the
// line at height y.
func quadSpan(q [4]point, y float64) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := range q {
		a, b := q[i], q[(i+1)%4]
		if (a.y > y) == (b.y > y) {
			continue
		}
		x := a.x + (y-a.y)*(b.x-a.x)/(b.y-a.y)
		lo = math.Min(lo, x)
		hi = math.Max(hi, x)
	}
	return lo, hi, lo <= hi
}
