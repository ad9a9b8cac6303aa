package export

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/totp-cli/totp/internal/migration"
	"github.com/totp-cli/totp/internal/totp"
)

// qrTexts returns texts of the sizes an export produces: one account, a
// Google Authenticator batch of ten accounts, and non-ASCII text.
func qrTexts(t testing.TB) map[string]string {
	var keys []totp.Key
	for i := range 10 {
		keys = append(keys, totp.Key{
			Type: totp.TOTP, Issuer: fmt.Sprintf("Service %d", i), Account: fmt.Sprintf("user%d@example.com", i),
			Secret: bytes.Repeat([]byte{byte(i + 1)}, 20), Algorithm: totp.SHA1, Digits: 6, Period: 30,
		})
	}
	uris, err := migration.Encode(keys, 10, 1234)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"one character": "a",
		"otpauth":       keys[0].URI(),
		"migration":     uris[0],
		"unicode":       "Ünïcødé 名前 🙂",
	}
}

// decodeQR reads a QR code from img with gozxing, without the pure-barcode
// hint, so that it has to find the code as a camera image would.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bitmap, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	result, err := qrcode.NewQRCodeReader().Decode(bitmap, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("decoding QR code: %v", err)
	}
	return result.GetText()
}

func TestQRPNGDecodes(t *testing.T) {
	for name, text := range qrTexts(t) {
		for _, scale := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("%s scale %d", name, scale), func(t *testing.T) {
				var buf bytes.Buffer
				if err := QRPNG(&buf, text, scale); err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(&buf)
				if err != nil {
					t.Fatal(err)
				}

				if size := img.Bounds().Dx(); size%scale != 0 || img.Bounds().Dy() != size {
					t.Errorf("image is %v, want a square whose side is a multiple of %d", img.Bounds(), scale)
				}
				modules := img.Bounds().Dx()/scale - 2*pngQuietZone
				if (modules-21)%4 != 0 || modules < 21 || modules > 177 {
					t.Errorf("%d modules is not the size of a QR code version", modules)
				}
				if got := decodeQR(t, upscale(img, 4/scale+1)); got != text {
					t.Errorf("decoded %q, want %q", got, text)
				}
				dumpImage(t, img, text)
			})
		}
	}
}

func TestQRPNGQuietZoneAndColours(t *testing.T) {
	var buf bytes.Buffer
	if err := QRPNG(&buf, "otpauth://totp/x?secret=AAAA", 2); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}

	border := pngQuietZone * 2
	size := img.Bounds().Dx()
	dark := 0
	for y := range size {
		for x := range size {
			gray := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
			if gray != 0 && gray != 0xff {
				t.Fatalf("pixel (%d, %d) is gray %d, want black or white", x, y, gray)
			}
			inQuietZone := x < border || y < border || x >= size-border || y >= size-border
			if inQuietZone && gray == 0 {
				t.Fatalf("pixel (%d, %d) in the quiet zone is black", x, y)
			}
			if gray == 0 {
				dark++
			}
		}
	}
	// The finder patterns alone make a code far from blank.
	if dark < size*size/10 {
		t.Errorf("only %d of %d pixels are black", dark, size*size)
	}
}

func TestQRPNGErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		scale      int
		want       string
	}{
		{"scale zero", "a", 0, "QR code scale must be between 1 and 64 pixels per module, got 0"},
		{"scale too big", "a", 65, "QR code scale must be between 1 and 64 pixels per module, got 65"},
		{"empty", "", 4, "cannot encode empty text as a QR code"},
		{"too long", strings.Repeat("secret-", 400), 4, "text of 2800 bytes is too long for a QR code, which holds at most 2331 bytes at error correction level M; put fewer accounts in each code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := QRPNG(&buf, tc.text, tc.scale)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant    %s", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

// dumpImage writes img and the text it should decode to into the directory
// named by TOTP_QR_DUMP_DIR, when it is set, for testdata/check-zbarimg.sh.
func dumpImage(t *testing.T, img image.Image, text string) {
	dir := os.Getenv("TOTP_QR_DUMP_DIR")
	if dir == "" {
		return
	}
	base := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".png", buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".txt", []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rasterize draws QRTerminal output as an image with scale pixels per
// module: each character is one module wide and two modules high, and its
// lit half blocks are white. A margin of dark pixels stands for the
// terminal's background around the code.
func rasterize(t *testing.T, output string, scale int) image.Image {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(output, "\n"), "\n")
	width := utf8.RuneCountInString(lines[0])
	const margin = 3
	img := image.NewGray(image.Rect(0, 0, (width+2*margin)*scale, (2*len(lines)+2*margin)*scale))

	lit := map[rune][2]bool{' ': {false, false}, '▀': {true, false}, '▄': {false, true}, '█': {true, true}}
	for row, line := range lines {
		if n := utf8.RuneCountInString(line); n != width {
			t.Fatalf("line %d has %d characters, line 1 has %d", row+1, n, width)
		}
		for column, r := range []rune(line) {
			halves, ok := lit[r]
			if !ok {
				t.Fatalf("line %d has character %q, want only half blocks and spaces", row+1, r)
			}
			for half, on := range halves {
				if on {
					fill(img, (column+margin)*scale, (2*row+half+margin)*scale, scale)
				}
			}
		}
	}
	return img
}

func fill(img *image.Gray, left, top, size int) {
	for y := top; y < top+size; y++ {
		for x := left; x < left+size; x++ {
			img.SetGray(x, y, color.Gray{Y: 0xff})
		}
	}
}

// upscale repeats each pixel factor times in both directions.
func upscale(img image.Image, factor int) image.Image {
	bounds := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, bounds.Dx()*factor, bounds.Dy()*factor))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.Set(x, y, img.At(bounds.Min.X+x/factor, bounds.Min.Y+y/factor))
		}
	}
	return out
}

func TestQRTerminalDecodes(t *testing.T) {
	for name, text := range qrTexts(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := QRTerminal(&buf, text); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), "\x1b") {
				t.Error("output contains an escape sequence")
			}
			img := rasterize(t, buf.String(), 4)
			if got := decodeQR(t, img); got != text {
				t.Errorf("decoded %q, want %q", got, text)
			}
			dumpImage(t, img, text)

			columns, lines, err := QRTerminalSize(text)
			if err != nil {
				t.Fatal(err)
			}
			outputLines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
			if lines != len(outputLines) || columns != utf8.RuneCountInString(outputLines[0]) {
				t.Errorf("QRTerminalSize = %d columns, %d lines; output has %d, %d", columns, lines, utf8.RuneCountInString(outputLines[0]), len(outputLines))
			}
		})
	}
}

func TestQRTerminalQuietZone(t *testing.T) {
	var buf bytes.Buffer
	if err := QRTerminal(&buf, "otpauth://totp/x?secret=AAAA"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")

	// The first line is two rows of quiet zone, and so is the last, whose
	// bottom half is the extra row that makes the row count even.
	for _, i := range []int{0, len(lines) - 1} {
		if strings.Trim(lines[i], "█") != "" {
			t.Errorf("line %d = %q, want only full blocks", i+1, lines[i])
		}
	}
	for i, line := range lines {
		runes := []rune(line)
		for _, column := range []int{0, 1, len(runes) - 2, len(runes) - 1} {
			if runes[column] != '█' {
				t.Errorf("line %d column %d = %q, want a full block of quiet zone", i+1, column+1, runes[column])
			}
		}
	}
}

func TestQRTerminalColor(t *testing.T) {
	text := qrTexts(t)["otpauth"]
	var plain, colored bytes.Buffer
	if err := QRTerminal(&plain, text); err != nil {
		t.Fatal(err)
	}
	if err := QRTerminalColor(&colored, text); err != nil {
		t.Fatal(err)
	}

	for i, line := range strings.Split(strings.TrimSuffix(colored.String(), "\n"), "\n") {
		if !strings.HasPrefix(line, "\x1b[97;40m") || !strings.HasSuffix(line, "\x1b[0m") {
			t.Fatalf("line %d = %q, want it wrapped in white-on-black and reset codes", i+1, line)
		}
	}
	stripped := strings.NewReplacer("\x1b[97;40m", "", "\x1b[0m", "").Replace(colored.String())
	if stripped != plain.String() {
		t.Error("QRTerminalColor without its colour codes differs from QRTerminal")
	}
}

func TestQRTerminalErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := QRTerminal(&buf, ""); err == nil || err.Error() != "cannot encode empty text as a QR code" {
		t.Errorf("error = %v", err)
	}
	// Lower case keeps the encoder in byte mode; upper-case text would use
	// the denser alphanumeric mode.
	secretText := strings.Repeat("secret", 600)
	err := QRTerminal(&buf, secretText)
	want := "text of 3600 bytes is too long for a QR code, which holds at most 2953 bytes at error correction level L; put fewer accounts in each code"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
	if _, _, err := QRTerminalSize(secretText); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("QRTerminalSize error = %v, want one without the text", err)
	}
	if err := QRTerminal(failingWriter{}, "a"); err == nil || err.Error() != "writing QR code: disk full" {
		t.Errorf("error = %v, want writing QR code: disk full", err)
	}
}

func BenchmarkQRPNG(b *testing.B) {
	text := qrTexts(b)["migration"]
	for b.Loop() {
		if err := QRPNG(&bytes.Buffer{}, text, 8); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQRTerminal(b *testing.B) {
	text := qrTexts(b)["migration"]
	for b.Loop() {
		if err := QRTerminal(&bytes.Buffer{}, text); err != nil {
			b.Fatal(err)
		}
	}
}
