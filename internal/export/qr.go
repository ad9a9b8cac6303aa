package export

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// Quiet zones, in modules, around the codes. ISO/IEC 18004 requires 4. The
// terminal uses 2 to keep wide codes within the window. The gozxing reader
// in this package's tests and zbarimg (testdata/check-zbarimg.sh) read such
// codes.
const (
	pngQuietZone      = 4
	terminalQuietZone = 2
)

// MaxPNGScale is the largest number of pixels per module that QRPNG accepts.
const MaxPNGScale = 64

// maxQRBytes is the most bytes a QR code holds in byte mode at each error
// correction level, at version 40 (ISO/IEC 18004, table 7).
var maxQRBytes = map[decoder.ErrorCorrectionLevel]int{
	decoder.ErrorCorrectionLevel_L: 2953,
	decoder.ErrorCorrectionLevel_M: 2331,
}

// Error correction levels. The terminal uses L, the lowest, because a
// screen does not smudge, and smaller codes fit more terminals. PNG files
// may be printed, so they use M.
var (
	terminalLevel = decoder.ErrorCorrectionLevel_L
	pngLevel      = decoder.ErrorCorrectionLevel_M
)

// Half blocks for two module rows per text line. The terminal draws light
// modules in its foreground colour and leaves dark modules as the
// background, so that on the usual light-on-dark terminal the code is black
// on white.
var halfBlocks = [2][2]string{
	// [top is light][bottom is light]
	{" ", "▄"},
	{"▀", "█"},
}

// ANSI colours for QRTerminalColor: bright white foreground on a black
// background, so that the code is black on white on any terminal theme.
const (
	ansiWhiteOnBlack = "\x1b[97;40m"
	ansiReset        = "\x1b[0m"
)

// QRTerminal writes text as a QR code of half-block characters (▀ ▄ █ and
// space), two module rows per line, with a quiet zone of 2 modules. Light
// modules are the block characters, so the code is black on white on a
// terminal with light text on a dark background, and inverted on a light
// one, which fewer phone cameras read. QRTerminalColor fixes the colours.
func QRTerminal(w io.Writer, text string) error {
	return writeTerminal(w, text, "", "")
}

// QRTerminalColor writes the same characters as QRTerminal with ANSI
// colour codes on every line, so that the code is black on white whatever
// the terminal's colours. Use it on terminals only, and not when NO_COLOR is
// set.
func QRTerminalColor(w io.Writer, text string) error {
	return writeTerminal(w, text, ansiWhiteOnBlack, ansiReset)
}

// QRTerminalSize returns the number of columns, and lines, that
// QRTerminal needs for text, so that a caller can check that the code fits
// the terminal before writing it.
func QRTerminalSize(text string) (columns, lines int, err error) {
	matrix, err := encodeQR(text, terminalLevel, terminalQuietZone)
	if err != nil {
		return 0, 0, err
	}
	return matrix.GetWidth(), (matrix.GetHeight() + 1) / 2, nil
}

func writeTerminal(w io.Writer, text, lineStart, lineEnd string) error {
	matrix, err := encodeQR(text, terminalLevel, terminalQuietZone)
	if err != nil {
		return err
	}

	// A QR code has an odd number of rows, so the last line's bottom half
	// is one more row of quiet zone.
	isLight := func(x, y int) int {
		if y >= matrix.GetHeight() || !matrix.Get(x, y) {
			return 1
		}
		return 0
	}
	out := bufio.NewWriter(w)
	for y := 0; y < matrix.GetHeight(); y += 2 {
		out.WriteString(lineStart)
		for x := 0; x < matrix.GetWidth(); x++ {
			out.WriteString(halfBlocks[isLight(x, y)][isLight(x, y+1)])
		}
		out.WriteString(lineEnd)
		out.WriteByte('\n')
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("writing QR code: %w", err)
	}
	return nil
}

// QRPNG writes text as a black-on-white QR code in a PNG image, with scale
// pixels per module, from 1 to MaxPNGScale, and a quiet zone of 4 modules.
func QRPNG(w io.Writer, text string, scale int) error {
	if scale < 1 || scale > MaxPNGScale {
		return fmt.Errorf("QR code scale must be between 1 and %d pixels per module, got %d", MaxPNGScale, scale)
	}
	matrix, err := encodeQR(text, pngLevel, pngQuietZone)
	if err != nil {
		return err
	}

	palette := color.Palette{color.Gray{Y: 0xff}, color.Gray{Y: 0}}
	img := image.NewPaletted(image.Rect(0, 0, matrix.GetWidth()*scale, matrix.GetHeight()*scale), palette)
	for moduleY := range matrix.GetHeight() {
		// Draw the first pixel row of the module row, then copy it down.
		top := img.Pix[moduleY*scale*img.Stride:][:img.Rect.Dx()]
		for x := range top {
			if matrix.Get(x/scale, moduleY) {
				top[x] = 1
			}
		}
		for y := moduleY*scale + 1; y < (moduleY+1)*scale; y++ {
			copy(img.Pix[y*img.Stride:], top)
		}
	}

	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("writing QR code PNG: %w", err)
	}
	return nil
}

// encodeQR encodes text into a module matrix with the quiet zone, where a
// set bit is a dark module. Text that is not ASCII is encoded as UTF-8 and
// marked so with an ECI segment. Errors never contain the text, which may
// hold secrets.
func encodeQR(text string, level decoder.ErrorCorrectionLevel, quietZone int) (*gozxing.BitMatrix, error) {
	if text == "" {
		return nil, errors.New("cannot encode empty text as a QR code")
	}
	hints := map[gozxing.EncodeHintType]any{
		gozxing.EncodeHintType_ERROR_CORRECTION: level,
		gozxing.EncodeHintType_MARGIN:           quietZone,
	}
	if !isASCII(text) {
		hints[gozxing.EncodeHintType_CHARACTER_SET] = "UTF-8"
	}

	matrix, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		if maxBytes := maxQRBytes[level]; len(text) > maxBytes {
			return nil, fmt.Errorf("text of %d bytes is too long for a QR code, which holds at most %d bytes at error correction level %s; put fewer accounts in each code", len(text), maxBytes, level)
		}
		return nil, fmt.Errorf("encoding QR code: %w", err)
	}
	return matrix, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
