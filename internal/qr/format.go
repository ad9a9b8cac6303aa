package qr

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"github.com/totp-cli/totp/internal/hint"
)

// format is an image file format that Decode reads.
type format struct {
	name   string
	match  func(head []byte) bool
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
	// complete reports whether a file ends the way a whole file of the
	// format does. It is nil for formats without such an end.
	complete func(data []byte) bool
}

var formats = []format{
	{"PNG", hasPrefix("\x89PNG\r\n\x1a\n"), png.DecodeConfig, png.Decode, hasSuffix("IEND\xaeB`\x82")},
	{"JPEG", hasPrefix("\xff\xd8\xff"), jpeg.DecodeConfig, jpeg.Decode, hasSuffix("\xff\xd9")},
	{"GIF", isGIF, gif.DecodeConfig, gif.Decode, hasSuffix(";")},
	{"BMP", isBMP, bmp.DecodeConfig, bmp.Decode, nil},
	{"TIFF", isTIFF, tiff.DecodeConfig, tiff.Decode, nil},
	{"WebP", isWebP, webp.DecodeConfig, webp.Decode, riffComplete},
}

func hasPrefix(magic string) func([]byte) bool {
	return func(head []byte) bool { return bytes.HasPrefix(head, []byte(magic)) }
}

func hasSuffix(end string) func([]byte) bool {
	return func(data []byte) bool { return bytes.HasSuffix(data, []byte(end)) }
}

// riffComplete checks that data is at least as long as the size in its RIFF
// header.
func riffComplete(data []byte) bool {
	return len(data) >= 8 && uint64(len(data)) >= 8+uint64(binary.LittleEndian.Uint32(data[4:8]))
}

func isGIF(head []byte) bool {
	return bytes.HasPrefix(head, []byte("GIF87a")) || bytes.HasPrefix(head, []byte("GIF89a"))
}

// isBMP checks the "BM" signature and, because two letters alone match much
// plain text, also the size of the header that follows the 14-byte file
// header: one of the sizes that Windows and OS/2 bitmap headers have.
func isBMP(head []byte) bool {
	if len(head) < 18 || !bytes.HasPrefix(head, []byte("BM")) {
		return false
	}
	switch binary.LittleEndian.Uint32(head[14:18]) {
	case 12, 16, 40, 52, 56, 64, 108, 124:
		return true
	}
	return false
}

// isTIFF matches classic little- and big-endian TIFF. BigTIFF has another
// magic number and is not supported by the decoder.
func isTIFF(head []byte) bool {
	return bytes.HasPrefix(head, []byte("II*\x00")) || bytes.HasPrefix(head, []byte("MM\x00*"))
}

func isWebP(head []byte) bool {
	return len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP"
}

// IsImage reports whether head, the first bytes of a file or stream, starts
// like a PNG, JPEG, GIF, BMP, TIFF or WebP image. It looks at no more than
// the first 18 bytes, and only at the signature, so Decode can still reject
// the data.
func IsImage(head []byte) bool {
	return sniff(head) != nil
}

func sniff(head []byte) *format {
	for i := range formats {
		if formats[i].match(head) {
			return &formats[i]
		}
	}
	return nil
}

var errNotImage = hint.Wrap(
	errors.New("not a supported image: expected PNG, JPEG, GIF, BMP, TIFF or WebP"),
	"save the image as PNG or JPEG and try again")

// decodeImage sniffs the format of data, checks the dimensions against
// MaxPixels before it decodes any pixel, and then decodes the image.
func decodeImage(data []byte) (image.Image, error) {
	if len(data) == 0 {
		return nil, errors.New("image is empty (0 bytes)")
	}
	f := sniff(data)
	if f == nil {
		return nil, errNotImage
	}

	cfg, err := safeConfig(f, data)
	if err != nil {
		return nil, decodeError(f, data, err)
	}
	if err := checkDimensions(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}

	img, err := safeDecode(f, data)
	if err != nil {
		return nil, decodeError(f, data, err)
	}
	return img, nil
}

// checkDimensions rejects an image with no pixels or more than MaxPixels.
func checkDimensions(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image has no pixels (%dx%d)", w, h)
	}
	if int64(w)*int64(h) > MaxPixels {
		err := fmt.Errorf("image is %dx%d pixels (%.1f megapixels), more than the %d-megapixel limit",
			w, h, float64(w)*float64(h)/1e6, MaxPixels/1_000_000)
		return hint.Wrap(err, "scale the image down or crop it around the QR code")
	}
	return nil
}

// decodeError describes a decoder error. Decoders report a truncated file in
// many ways ("unexpected EOF", "not enough pixel data", "short Huffman
// data"). A file that ran out of data or lacks the end of its format is
// therefore called truncated or damaged, whatever the decoder's message.
func decodeError(f *format, data []byte, err error) error {
	eof := errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
	if eof || (f.complete != nil && !f.complete(data)) {
		return fmt.Errorf("decoding %s image: file is truncated or damaged: %w", f.name, err)
	}
	return fmt.Errorf("decoding %s image: %w", f.name, err)
}

// errDecoderPanic reports a panic inside an image decoder: a bug in the
// decoder that a malformed file can trigger.
var errDecoderPanic = errors.New("decoder failed on malformed data")

func safeConfig(f *format, data []byte) (cfg image.Config, err error) {
	defer recoverPanic(&err)
	return f.config(bytes.NewReader(data))
}

func safeDecode(f *format, data []byte) (img image.Image, err error) {
	defer recoverPanic(&err)
	return f.decode(bytes.NewReader(data))
}

// recoverPanic turns a panic into errDecoderPanic. The panic value is left
// out of the message, because it could contain decoded data.
func recoverPanic(err *error) {
	if r := recover(); r != nil {
		*err = errDecoderPanic
	}
}
