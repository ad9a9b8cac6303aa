package qr

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// benchmarkDecode measures Decode on a test image, from the encoded bytes
// to the texts. Run with -benchmem to see the allocation per image.
func benchmarkDecode(b *testing.B, name string, wantTexts int) {
	data, err := os.ReadFile(filepath.Join(imagesDir, name))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		texts, err := Decode(bytes.NewReader(data))
		if err != nil || len(texts) != wantTexts {
			b.Fatalf("Decode(%s) = %d texts, %v; want %d", name, len(texts), err, wantTexts)
		}
	}
}

// 328x328 PNG rendered by qrencode.
func BenchmarkDecodeSmall(b *testing.B) { benchmarkDecode(b, "clean.png", 1) }

// 1920x1080 PNG screenshot of a settings page.
func BenchmarkDecodeScreenshot1080p(b *testing.B) { benchmarkDecode(b, "screenshot-light.png", 1) }

// 1920x1080 dark-mode screenshot, read in the inverted view.
func BenchmarkDecodeScreenshotDark(b *testing.B) { benchmarkDecode(b, "screenshot-dark.png", 1) }

// 4000x3000 JPEG photo of a monitor; the code needs the 2048-pixel view.
func BenchmarkDecodePhoto12MP(b *testing.B) { benchmarkDecode(b, "photo-12mp.jpg", 1) }

// The worst case for a photo: a 12-megapixel image without a code runs
// every attempt of the plan.
func BenchmarkDecodeNoCode12MP(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(imagesDir, "photo-12mp.jpg"))
	if err != nil {
		b.Fatal(err)
	}
	img, err := decodeImage(data)
	if err != nil {
		b.Fatal(err)
	}
	// Blank the code so that nothing can be read.
	source := toLuma(img)
	blank := source.clone()
	blank.fillQuad([4]point{{1000, 700}, {2400, 600}, {2400, 1900}, {1000, 2000}})
	for b.Loop() {
		s := newScanner(blank.clone())
		s.run()
		if len(s.symbols) != 0 {
			b.Fatal("read a code from the blanked photo")
		}
	}
}

// 5120x2880 PNG screenshot with 3-pixel modules; the code needs the
// 4096-pixel view, the fifth attempt.
func BenchmarkDecodeScreenshot5K(b *testing.B) { benchmarkDecode(b, "screenshot-5k-small.png", 1) }
