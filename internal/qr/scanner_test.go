package qr

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func square(x, y, side float64) [4]point {
	return [4]point{{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}}
}

func TestReadingOrder(t *testing.T) {
	symbols := []symbol{
		{text: "bottom right", quad: square(500, 520, 200)},
		{text: "top right, higher but smaller", quad: square(520, 40, 150)},
		{text: "bottom left", quad: square(40, 500, 220)},
		{text: "top left", quad: square(60, 60, 200)},
		{text: "bottom row alone", quad: square(300, 900, 100)},
	}
	want := []string{"top left", "top right, higher but smaller", "bottom left", "bottom right", "bottom row alone"}

	var got []string
	for _, s := range readingOrder(symbols) {
		got = append(got, s.text)
	}
	if !slices.Equal(got, want) {
		t.Errorf("readingOrder() = %q, want %q", got, want)
	}
}

func TestJoinParts(t *testing.T) {
	// Sequence numbers carry the index in the high 4 bits and the count
	// minus one in the low 4 bits.
	parts := []symbol{
		{text: "C", sequence: 2<<4 | 2, parity: 7},
		{text: "A", sequence: 0<<4 | 2, parity: 7},
		{text: "other", sequence: 0<<4 | 1, parity: 9},
		{text: "B", sequence: 1<<4 | 2, parity: 7},
		{text: "plain", sequence: -1, parity: -1},
	}
	got, err := joinParts(parts, 7)
	if err != nil || got != "ABC" {
		t.Errorf("joinParts(parity 7) = %q, %v; want \"ABC\"", got, err)
	}

	_, err = joinParts(parts, 9)
	if err == nil || !strings.Contains(err.Error(), "found 1 of the 2 QR codes that one message is split over, part 2 is missing") {
		t.Errorf("joinParts(parity 9) error = %v, want part 2 missing", err)
	}
}

func TestScannerStopsAfterFirstRead(t *testing.T) {
	tests := []struct {
		file      string
		wantViews int
	}{
		// The first attempt reads the code, and its inverse finds nothing
		// more: two views.
		{"clean.png", 2},
		{"dark.png", 2},
		{"screenshot-light.png", 2},
		{"photo-phone.jpg", 2},
		// Nothing to read: every attempt of the plan runs.
		{"nocode-broken.png", 2 * len(plan(390, 390))},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(imagesDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			img, err := decodeImage(data)
			if err != nil {
				t.Fatal(err)
			}
			s := newScanner(toLuma(img))
			s.run()
			if s.views != tt.wantViews {
				t.Errorf("scanner ran %d views, want %d", s.views, tt.wantViews)
			}
		})
	}
}

func TestScannerPending(t *testing.T) {
	s := newScanner(newLuma(10, 10))
	s.symbols = []symbol{{text: "read", quad: square(0, 0, 100)}}

	// A triple with a corner inside a code that was read is part of that
	// code, or a mix of its finder patterns with another one.
	s.unread = [][3]point{{{50, 50}, {300, 50}, {50, 300}}}
	if s.pending() {
		t.Error("pending() = true for a triple touching the code read")
	}

	s.unread = append(s.unread, [3]point{{200, 200}, {300, 200}, {200, 300}})
	if !s.pending() {
		t.Error("pending() = false for a triple outside every code read")
	}
}
