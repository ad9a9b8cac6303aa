package qr

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/totp-cli/totp/internal/hint"
)

// imagesDir holds the test images. testdata/mkimages.sh regenerates them
// and the manifest: qrencode encodes the payloads and zbarimg cross-checks
// them, so the expected texts do not come from the code under test.
const imagesDir = "testdata/images"

type manifestEntry struct {
	file  string
	texts []string
}

func readManifest(t testing.TB) []manifestEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(imagesDir, "manifest.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var entries []manifestEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		entries = append(entries, manifestEntry{file: fields[0], texts: fields[1:]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(entries) < 50 {
		t.Fatalf("manifest lists %d images, want at least 50", len(entries))
	}
	return entries
}

func TestDecodeFileManifest(t *testing.T) {
	for _, e := range readManifest(t) {
		t.Run(e.file, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeFile(filepath.Join(imagesDir, e.file))

			if len(e.texts) == 0 {
				if !errors.Is(err, ErrNoCode) {
					t.Fatalf("DecodeFile() = %d texts, error %v; want ErrNoCode", len(got), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeFile() error: %v", err)
			}
			if !slices.Equal(got, e.texts) {
				t.Errorf("DecodeFile() =\n%q\nwant\n%q", got, e.texts)
			}
		})
	}
}

func TestDecodeReaderMatchesFile(t *testing.T) {
	path := filepath.Join(imagesDir, "two-codes.png")
	want, err := DecodeFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	got, err := Decode(f)
	if err != nil {
		t.Fatalf("Decode() error: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Decode() = %q, DecodeFile() = %q", got, want)
	}
}

func TestDecodeStructuredAppendMissingPart(t *testing.T) {
	_, err := DecodeFile(filepath.Join(imagesDir, "split-partial.png"))
	if err == nil {
		t.Fatal("DecodeFile() succeeded on an image that lacks one of four parts")
	}
	if errors.Is(err, ErrNoCode) {
		t.Errorf("error %q wraps ErrNoCode, want the missing-part error", err)
	}
	if !strings.Contains(err.Error(), "found 3 of the 4 QR codes") || !strings.Contains(err.Error(), "part 2 is missing") {
		t.Errorf("error %q does not name the missing part", err)
	}
}

// pngChunk returns a PNG chunk with its length and CRC.
func pngChunk(kind string, data []byte) []byte {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	b = append(b, kind...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(kind), data...)))
}

// pngBomb returns a valid PNG header for a w by h 8-bit grayscale image
// followed by a small IDAT chunk that inflates to 1 MiB of zero rows.
func pngBomb(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // bit depth 8, grayscale, deflate, no filter, no interlace

	var idat bytes.Buffer
	zw := zlib.NewWriter(&idat)
	zw.Write(make([]byte, 1<<20))
	zw.Close()

	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", idat.Bytes())...)
	return append(b, pngChunk("IEND", nil)...)
}

// gifBomb returns a GIF header with a logical screen of w by h pixels and a
// first frame of the same size, with almost no image data.
func gifBomb(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0x80, 0, 0)             // global colour table of 2 entries
	b = append(b, 0, 0, 0, 255, 255, 255) // black, white
	b = append(b, ',', 0, 0, 0, 0)        // image descriptor at 0,0
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0, 2, 2, 0x4c, 0x01, 0, ';') // no local table, LZW data, trailer
	return b
}

// bmpBomb returns a BMP header for a w by h 24-bit image with no pixel data.
func bmpBomb(w, h int32) []byte {
	b := []byte("BM")
	b = binary.LittleEndian.AppendUint32(b, 54)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 54)
	b = binary.LittleEndian.AppendUint32(b, 40)
	b = binary.LittleEndian.AppendUint32(b, uint32(w))
	b = binary.LittleEndian.AppendUint32(b, uint32(h))
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 24)
	return append(b, make([]byte, 24)...)
}

func readTestImage(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(imagesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecodeBadInput(t *testing.T) {
	half := func(name string) []byte {
		data := readTestImage(t, name)
		return data[:len(data)/2]
	}
	png := readTestImage(t, "clean.png")
	random := []byte("\x89PNG\r\n\x1a\n")
	for i := 0; len(random) < 4096; i++ {
		random = append(random, byte(i*7919>>3))
	}

	tests := []struct {
		name string
		data []byte
		want []string // substrings of the error
	}{
		{"empty", nil, []string{"image is empty (0 bytes)"}},
		{"text", []byte("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\n"),
			[]string{"not a supported image", "PNG, JPEG, GIF, BMP, TIFF or WebP"}},
		{"truncated PNG", half("clean.png"), []string{"decoding PNG image: file is truncated or damaged"}},
		{"PNG header only", png[:33], []string{"decoding PNG image: file is truncated or damaged"}},
		{"truncated JPEG", half("clean.jpg"), []string{"decoding JPEG image: file is truncated or damaged"}},
		{"truncated progressive JPEG", half("variant-progressive.jpg"), []string{"decoding JPEG image: file is truncated or damaged"}},
		{"truncated GIF", half("clean.gif"), []string{"decoding GIF image: file is truncated or damaged"}},
		{"truncated BMP", half("clean.bmp"), []string{"decoding BMP image: file is truncated or damaged"}},
		{"truncated TIFF", half("clean.tif"), []string{"decoding TIFF image: file is truncated or damaged"}},
		{"truncated WebP", half("clean.webp"), []string{"decoding WebP image: file is truncated or damaged"}},
		{"PNG bomb", pngBomb(100000, 100000),
			[]string{"image is 100000x100000 pixels (10000.0 megapixels)", "more than the 50-megapixel limit"}},
		{"PNG just over the limit", pngBomb(10000, 5001), []string{"(50.0 megapixels), more than the 50-megapixel limit"}},
		{"GIF bomb", gifBomb(65535, 65535), []string{"image is 65535x65535 pixels"}},
		{"BMP bomb", bmpBomb(1<<20, 1<<20), []string{"image is 1048576x1048576 pixels"}},
		{"random bytes after PNG magic", random, []string{"decoding PNG image: file is truncated or damaged"}},
		{"PNG of zero width", pngBomb(0, 10), []string{"decoding PNG image: png: invalid format: non-positive dimension"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts, err := Decode(bytes.NewReader(tt.data))
			if err == nil {
				t.Fatalf("Decode() = %q, want an error", texts)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Decode() error %q does not contain %q", err, w)
				}
			}
			if errors.Is(err, ErrNoCode) {
				t.Errorf("Decode() error %q wraps ErrNoCode", err)
			}
			checkMessage(t, err)
		})
	}
}

// checkMessage checks the form that every error of the package has: one
// line, starting lowercase.
func checkMessage(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error %q has more than one line", msg)
	}
	if r := []rune(msg)[0]; !unicode.IsLower(r) {
		t.Errorf("error %q does not start lowercase", msg)
	}
}

func TestDecodeHints(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		hint string
	}{
		{"not an image", []byte("hello"), "save the image as PNG or JPEG"},
		{"too many pixels", pngBomb(100000, 100000), "scale the image down"},
		{"no code", readTestImage(t, "nocode-broken.png"), "crop the image around the code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tt.data))
			hints := hint.Hints(err)
			if len(hints) != 1 || !strings.Contains(hints[0], tt.hint) {
				t.Errorf("hints of %q = %q, want one containing %q", err, hints, tt.hint)
			}
		})
	}
}

func TestDecodeFileErrors(t *testing.T) {
	dir := t.TempDir()
	large := filepath.Join(dir, "large.png")
	if err := os.WriteFile(large, []byte("\x89PNG\r\n\x1a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A sparse file: the size check must reject it before reading.
	if err := os.Truncate(large, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.png")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		want       []string
	}{
		{"missing", filepath.Join(dir, "missing.png"), []string{`reading QR code from "` + filepath.Join(dir, "missing.png") + `"`}},
		{"directory", dir, []string{"is a directory, not an image file"}},
		{"too large", large, []string{"image is 67108865 bytes, more than the 64 MiB limit"}},
		{"empty", empty, []string{`empty.png": image is empty (0 bytes)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeFile(tt.path)
			if err == nil {
				t.Fatal("DecodeFile() succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("DecodeFile() error %q does not contain %q", err, w)
				}
			}
			checkMessage(t, err)
		})
	}

	if _, err := DecodeFile(filepath.Join(dir, "missing.png")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("DecodeFile(missing) error %v does not wrap fs.ErrNotExist", err)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestDecodeStreamLimit(t *testing.T) {
	r := &countingReader{r: io.MultiReader(strings.NewReader("\x89PNG\r\n\x1a\n"), zeros{})}
	_, err := Decode(r)
	if err == nil || !strings.Contains(err.Error(), "image is larger than the 64 MiB limit") {
		t.Errorf("Decode(endless stream) error = %v, want the size limit", err)
	}
	if r.n != MaxFileSize+1 {
		t.Errorf("Decode read %d bytes, want MaxFileSize+1 = %d", r.n, MaxFileSize+1)
	}
}

func TestErrorsHideSecrets(t *testing.T) {
	for _, name := range []string{"split-partial.png", "nocode-broken.png"} {
		_, err := DecodeFile(filepath.Join(imagesDir, name))
		if err == nil {
			t.Fatalf("DecodeFile(%s) succeeded", name)
		}
		if strings.Contains(err.Error(), "secret=") || strings.Contains(err.Error(), "otpauth") {
			t.Errorf("error %q contains decoded text", err)
		}
	}
}
