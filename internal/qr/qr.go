// Package qr reads the text of the QR codes in an image: a screenshot of an
// authenticator setup page, a dark-mode screenshot, a phone photo of a
// screen, or a Google Authenticator export.
//
// Decoding uses gozxing, a Go port of ZXing, and the image decoders of the
// standard library and golang.org/x/image for PNG, JPEG, GIF, BMP, TIFF and
// WebP. The format is sniffed from the first bytes, and the dimensions are
// read from the header before any pixel is decoded. Files that are not
// images, truncated files and decompression bombs therefore fail early with
// a one-line error.
//
// Limits: an input has at most MaxFileSize bytes (64 MiB) and MaxPixels
// pixels (50 megapixels, so that a 48-megapixel phone photo passes). A
// 50-megapixel image needs several hundred megabytes of memory, by estimate:
// the decoded image takes 1.5 to 8 bytes per pixel, a progressive JPEG about
// 6 more while it is decoded, and the luminance copy 1 more.
//
// gozxing reads a code only under some conditions, so the package tries a
// fixed plan of views of the image, cheapest first. The first view is the
// image at a working size. The others add gozxing's TRY_HARDER hint, a white
// margin, blurring, sharpening, other sizes or a global threshold. Every
// view is also tried inverted, because gozxing reads only dark modules on a
// light background. The search stops after the first view that reads a code and
// its inverse, unless a view found the finder patterns of a code that did
// not decode. Later views paint over the codes already read, so each view
// looks only for the rest.
package qr

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"

	"github.com/totp-cli/totp/internal/hint"
)

const (
	// MaxPixels is the largest image, in pixels, that Decode accepts.
	MaxPixels = 50_000_000
	// MaxFileSize is the largest input, in bytes, that Decode accepts.
	MaxFileSize = 64 << 20
)

// ErrNoCode reports that an image was decoded but no QR code in it could be
// read. The error that DecodeFile, Decode and DecodeImage return in that case
// wraps it, so test with errors.Is.
var ErrNoCode = errors.New("no QR code found in the image")

var errNoCode = hint.Wrap(ErrNoCode,
	"crop the image around the code, or use a screenshot instead of a photo")

// DecodeFile reads the image file at path and returns the text of every QR
// code in it, in reading order (top to bottom, then left to right) and
// without duplicates. A message split over several codes (structured
// append) is returned as one text, or as an error if a part is missing.
// Errors name the path.
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

// tooLarge reports an input over MaxFileSize. size is the file size, or -1
// for a stream.
func tooLarge(size int64) error {
	err := fmt.Errorf("image is larger than the %d MiB limit", MaxFileSize>>20)
	if size >= 0 {
		err = fmt.Errorf("image is %d bytes, more than the %d MiB limit", size, MaxFileSize>>20)
	}
	return hint.Wrap(err, "scale the image down or crop it around the QR code")
}

// DecodeImage returns the text of every QR code in img, such as an image
// from the clipboard, like DecodeFile. It does not check img against
// MaxPixels.
func DecodeImage(img image.Image) ([]string, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, fmt.Errorf("image has no pixels (%dx%d)", b.Dx(), b.Dy())
	}

	s := newScanner(toLuma(img))
	s.run()
	return s.texts()
}
