// Package qr reads the text of the QR codes in an image file: a screenshot of
// an authenticator setup page, a dark-mode screenshot, a phone photo of a
// screen, or a Google Authenticator export.
//
// Decoding uses gozxing, a Go port of ZXing, and the image decoders of the
// standard library and golang.org/x/image for PNG, JPEG, GIF, BMP, TIFF and
// WebP. The format is sniffed from the first bytes and the dimensions are
// read from the header before any pixel is decoded, so files that are not
// images, truncated files and decompression bombs are rejected early and
// with a one-line error.
//
// Limits: an input has at most MaxFileSize bytes (64 MiB) and at most
// MaxPixels pixels (50 megapixels, so a 48-megapixel phone photo passes).
// Decoding a 50-megapixel image needs several hundred megabytes of memory:
// the decoded image takes 1.5 to 8 bytes per pixel (a progressive JPEG takes
// about 6 more while it is decoded), and the luminance copy 1 more.
//
// gozxing finds a code only in one way of looking at the image, so the
// package tries a fixed sequence of views: the image at a working size, then
// inverted (gozxing reads only dark modules on a light background), then
// with the TRY_HARDER hint, with a white margin, blurred, at other sizes and
// with a global threshold. It stops at the first view that reads a code,
// unless a view found finder patterns of a code that did not decode. The
// codes read are painted over in later views so that each view looks only
// for the rest.
package qr

import (
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"sort"

	"github.com/totp-cli/totp/internal/hint"
)

const (
	// MaxPixels is the largest image, in pixels, that Decode accepts.
	MaxPixels = 50_000_000
	// MaxFileSize is the largest input, in bytes, that Decode accepts.
	MaxFileSize = 64 << 20
)

// ErrNoCode reports that an image was decoded but contained no readable QR
// code. The errors that Decode returns wrap it, so test with errors.Is.
var ErrNoCode = errors.New("no QR code found in the image")

var errNoCode = hint.Wrap(ErrNoCode,
	"crop the image around the code, or use a screenshot instead of a photo")

// DecodeFile reads the image file at path and returns the text of every QR
// code in it, in reading order (top to bottom, then left to right) and
// without duplicates. Errors name the path.
func DecodeFile(path string) ([]string, error) {
	texts, err := decodeFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading QR code from %q: %w", path, err)
	}
	return texts, nil
}

func decodeFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("is a directory, not an image file")
	}
	if info.Mode().IsRegular() && info.Size() > MaxFileSize {
		return nil, tooLarge(info.Size())
	}
	return Decode(f)
}

// Decode reads an image from r, such as standard input, and returns the text
// of every QR code in it like DecodeFile. It reads at most MaxFileSize+1
// bytes.
func Decode(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading image: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(-1)
	}

	img, err := decodeImage(data)
	if err != nil {
		return nil, err
	}
	return DecodeImage(img)
}

func tooLarge(size int64) error {
	err := fmt.Errorf("image is larger than the %d MiB limit", MaxFileSize>>20)
	if size >= 0 {
		err = fmt.Errorf("image is %.1f MiB, larger than the %d MiB limit",
			float64(size)/(1<<20), MaxFileSize>>20)
	}
	return hint.Wrap(err, "scale the image down or crop it around the QR code")
}

// DecodeImage returns the text of every QR code in img like DecodeFile. It
// does not check img against MaxPixels.
func DecodeImage(img image.Image) ([]string, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("image has no pixels (%dx%d)", b.Dx(), b.Dy())
	}

	s := newScanner(toLuma(img))
	s.run()
	return s.texts()
}

// scanner runs the attempts of the plan on one image and collects the codes.
type scanner struct {
	source  *luma
	scaled  map[resampleKey]*luma // resampled and filtered copies of source
	symbols []symbol
	unread  [][3]point
	// views counts the attempts run, for tests and benchmarks.
	views int
}

func newScanner(source *luma) *scanner {
	return &scanner{source: source, scaled: map[resampleKey]*luma{}}
}

func (s *scanner) run() {
	attempts := plan(s.source.w, s.source.h)
	darkFirst := s.resampled(attempts[0].scale, noFilter).mean() < 100

	for _, a := range attempts {
		if len(s.symbols) > 0 && !s.pending() {
			return
		}
		for _, invert := range []bool{darkFirst, !darkFirst} {
			s.views++
			res := scanView(s.render(a, invert), a.tryHarder, a.global)
			for _, sym := range res.symbols {
				s.add(sym)
			}
			s.unread = append(s.unread, res.unread...)
		}
	}
}

// pending reports whether a finder-pattern triple that did not decode lies
// outside every code read so far, which hints at another code.
func (s *scanner) pending() bool {
	for _, triple := range s.unread {
		if !s.covered(triple) {
			return true
		}
	}
	return false
}

func (s *scanner) covered(triple [3]point) bool {
	for _, p := range triple {
		for _, sym := range s.symbols {
			if sym.contains(p) {
				return true
			}
		}
	}
	return false
}

func (s *scanner) add(sym symbol) {
	for _, old := range s.symbols {
		if old.text == sym.text && old.sequence == sym.sequence && old.parity == sym.parity {
			return
		}
	}
	s.symbols = append(s.symbols, sym)
}

// resampled returns the source at the given scale, with filter applied.
func (s *scanner) resampled(scale float64, f filter) *luma {
	key := resampleKey{scale, f}
	if l, ok := s.scaled[key]; ok {
		return l
	}

	var l *luma
	switch {
	case f == blurFilter:
		l = s.resampled(scale, noFilter).blur()
	case f == sharpenFilter:
		l = s.resampled(scale, noFilter).sharpened(sharpenRadius, sharpenAmount)
	case scale == 1:
		l = s.source
	default:
		w := max(int(math.Round(float64(s.source.w)*scale)), 1)
		h := max(int(math.Round(float64(s.source.h)*scale)), 1)
		l = s.source.resize(w, h)
	}
	s.scaled[key] = l
	return l
}

// Unsharp masking parameters for sharpenFilter, chosen on blurred test
// codes of 6 pixels per module: a 7-pixel square and a strong amount.
const (
	sharpenRadius = 3
	sharpenAmount = 4
)

type resampleKey struct {
	scale  float64
	filter filter
}

// render builds the view for attempt a, inverted if invert is set. It copies
// the resampled image whenever it changes pixels, because the cached copies
// are shared.
func (s *scanner) render(a attempt, invert bool) view {
	v := view{luma: s.resampled(a.scale, a.filter), scale: a.scale}
	if invert {
		v.luma = v.inverted()
	}
	if len(s.symbols) > 0 {
		if !invert {
			v.luma = v.clone()
		}
		for _, sym := range s.symbols {
			var q [4]point
			for i, p := range sym.quad {
				q[i] = v.toView(p)
			}
			v.fillQuad(q)
		}
	}
	if a.pad {
		v.pad = max(8, max(v.w, v.h)/8)
		v.luma = v.padded(v.pad)
	}
	return v
}

// texts returns the texts of the codes read, in reading order, with the
// parts of each structured-append message joined into one text.
func (s *scanner) texts() ([]string, error) {
	if len(s.symbols) == 0 {
		return nil, errNoCode
	}
	ordered := readingOrder(s.symbols)

	var texts []string
	joined := map[int]bool{}
	for _, sym := range ordered {
		if sym.sequence < 0 {
			texts = append(texts, sym.text)
			continue
		}
		if joined[sym.parity] {
			continue
		}
		text, err := joinParts(ordered, sym.parity)
		if err != nil {
			return nil, err
		}
		joined[sym.parity] = true
		texts = appendNew(texts, text)
	}
	return texts, nil
}

func appendNew(texts []string, text string) []string {
	for _, t := range texts {
		if t == text {
			return texts
		}
	}
	return append(texts, text)
}

// joinParts concatenates the structured-append parts with the given parity,
// in sequence order, and fails when one is missing.
func joinParts(symbols []symbol, parity int) (string, error) {
	var total int
	parts := map[int]string{}
	for _, sym := range symbols {
		if sym.sequence < 0 || sym.parity != parity {
			continue
		}
		total = sym.sequence&0xf + 1
		parts[sym.sequence>>4] = sym.text
	}

	var text string
	for i := 0; i < total; i++ {
		part, ok := parts[i]
		if !ok {
			err := fmt.Errorf("found %d of the %d QR codes that one message is split over, part %d is missing",
				len(parts), total, i+1)
			return "", hint.Wrap(err, "put all the codes of the message in one image")
		}
		text += part
	}
	return text, nil
}

// readingOrder sorts codes into rows from top to bottom, and each row from
// left to right. A code joins a row when its center lies within half a code
// height of the first code in the row.
func readingOrder(symbols []symbol) []symbol {
	out := append([]symbol(nil), symbols...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].center().y < out[j].center().y })

	for start := 0; start < len(out); {
		rowY := out[start].center().y
		limit := out[start].height() / 2
		end := start + 1
		for end < len(out) && out[end].center().y-rowY <= limit {
			end++
		}
		row := out[start:end]
		sort.SliceStable(row, func(i, j int) bool { return row[i].center().x < row[j].center().x })
		start = end
	}
	return out
}

func (s symbol) height() float64 {
	lo, hi := s.quad[0].y, s.quad[0].y
	for _, p := range s.quad[1:] {
		lo = math.Min(lo, p.y)
		hi = math.Max(hi, p.y)
	}
	return hi - lo
}
