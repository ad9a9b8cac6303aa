package qr

import (
	"os"
	"testing"
)

func BenchmarkProbeFile(b *testing.B) {
	name := os.Getenv("PROBE")
	data, _ := os.ReadFile("testdata/images/" + name)
	img, err := decodeImage(data)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s := newScanner(toLuma(img))
		s.run()
	}
}
