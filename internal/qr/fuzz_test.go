package qr

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode checks that no input makes Decode panic, and that every
// failure is a one-line error.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{
		"clean.png", "tiny-1px.png", "tiny-1px.gif", "tiny-1px.bmp", "noquiet-2px.png",
		"variant-lossless.webp", "variant-gray.tif", "lowq.jpg", "transparent-white.png",
	} {
		data, err := os.ReadFile(filepath.Join(imagesDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte{})
	f.Add([]byte("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"))
	f.Add(pngBomb(100000, 100000))
	f.Add(gifBomb(300, 200))
	f.Add(bmpBomb(64, -64))

	f.Fuzz(func(t *testing.T, data []byte) {
		texts, err := Decode(bytes.NewReader(data))
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error %q has more than one line", err)
			}
			if texts != nil {
				t.Errorf("Decode() returned %d texts with error %v", len(texts), err)
			}
			return
		}
		if len(texts) == 0 {
			t.Error("Decode() returned no texts and no error")
		}
	})
}
