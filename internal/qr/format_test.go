package qr

import (
	"errors"
	"image"
	"io"
	"strings"
	"testing"
)

func TestIsImage(t *testing.T) {
	bmpHeader := func(dibSize byte) []byte {
		h := []byte("BM\x00\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00")
		return append(h, dibSize, 0, 0, 0)
	}
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), true},
		{"JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), true},
		{"GIF87a", []byte("GIF87a\x10\x00"), true},
		{"GIF89a", []byte("GIF89a\x10\x00"), true},
		{"BMP Windows header", bmpHeader(40), true},
		{"BMP version 5 header", bmpHeader(124), true},
		{"BMP OS/2 header", bmpHeader(12), true},
		{"TIFF little-endian", []byte("II*\x00\x08\x00\x00\x00"), true},
		{"TIFF big-endian", []byte("MM\x00*\x00\x00\x00\x08"), true},
		{"WebP", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), true},

		{"empty", nil, false},
		{"otpauth URI", []byte("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"), false},
		{"text starting with BM", []byte("BMW i3 owner's manual, chapter 1\n"), false},
		{"BMP signature alone", []byte("BM"), false},
		{"BMP with unknown header size", bmpHeader(41), false},
		{"RIFF WAVE", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), false},
		{"GIF88a", []byte("GIF88a\x10\x00"), false},
		{"BigTIFF", []byte("II+\x00\x08\x00\x00\x00"), false},
		{"PNG signature cut short", []byte("\x89PNG\r\n"), false},
		{"PDF", []byte("%PDF-1.7\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsImage(tt.head); got != tt.want {
				t.Errorf("IsImage(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

func TestCheckDimensions(t *testing.T) {
	tests := []struct {
		w, h int
		want string // substring of the error, empty for none
	}{
		{1, 1, ""},
		{10000, 5000, ""}, // exactly MaxPixels
		{10000, 5001, "more than the 50-megapixel limit"},
		{50_000_001, 1, "more than the 50-megapixel limit"},
		{1 << 31, 1 << 31, "more than the 50-megapixel limit"},
		{0, 10, "image has no pixels (0x10)"},
		{10, -1, "image has no pixels (10x-1)"},
	}
	for _, tt := range tests {
		err := checkDimensions(tt.w, tt.h)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("checkDimensions(%d, %d) = %v, want nil", tt.w, tt.h, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("checkDimensions(%d, %d) = %v, want an error containing %q", tt.w, tt.h, err, tt.want)
		}
	}
}

func TestDecoderPanicBecomesError(t *testing.T) {
	f := &format{
		name:   "Broken",
		config: func(io.Reader) (image.Config, error) { panic("index out of range") },
		decode: func(io.Reader) (image.Image, error) { panic("index out of range") },
	}
	if _, err := safeConfig(f, []byte("x")); !errors.Is(err, errDecoderPanic) {
		t.Errorf("safeConfig() error = %v, want errDecoderPanic", err)
	}
	if _, err := safeDecode(f, []byte("x")); !errors.Is(err, errDecoderPanic) {
		t.Errorf("safeDecode() error = %v, want errDecoderPanic", err)
	}
}
