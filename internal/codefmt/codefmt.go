// Package codefmt formats one-time codes for people reading them on a
// terminal: codes split into groups, and a bar that shows the time left in
// the code's period. Output for scripts uses the bare code instead.
package codefmt

import (
	"strings"
	"time"
)

// Group splits a code into groups for reading: "492039" becomes "492 039",
// "12345678" becomes "1234 5678", "1234567" becomes "1234 567". Codes of 5
// or fewer characters, such as Steam's, stay whole.
func Group(code string) string {
	n := len(code)
	var size int
	switch {
	case n <= 5:
		return code
	case n%3 == 0:
		size = 3
	case n%4 == 0:
		size = 4
	default:
		size = (n + 1) / 2
	}

	var parts []string
	for len(code) > size {
		parts = append(parts, code[:size])
		code = code[size:]
	}
	return strings.Join(append(parts, code), " ")
}

// CountdownBar draws the part of period that remains as width cells, full
// cells first. A period of zero or less gives width spaces.
func CountdownBar(remaining, period time.Duration, width int) string {
	if period <= 0 {
		return strings.Repeat(" ", width)
	}
	full := int((remaining*time.Duration(width) + period - 1) / period)
	full = max(0, min(width, full))
	return strings.Repeat("█", full) + strings.Repeat("░", width-full)
}

// Clean replaces control characters (C0, DEL and C1) with spaces, so that an
// issuer or account name from a QR code or a backup can neither break a
// table's columns nor drive the terminal.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
