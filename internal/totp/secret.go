package totp

import (
	"encoding/base32"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// rawBase32 is RFC 4648 base32 without padding, the form authenticators
// print secrets in.
var rawBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// DecodeSecret decodes a base32 secret as people and apps write it: in any
// case, with white space (including no-break spaces from web pages) and
// hyphens anywhere, and with or without "=" padding at the end. Its errors
// never contain any part of s.
func DecodeSecret(s string) ([]byte, error) {
	text := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r == '-' || unicode.IsSpace(r):
			continue
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case r >= utf8.RuneSelf:
			// Keeps the check below to ASCII bytes. Any value outside
			// base32 would do.
			r = '!'
		}
		text = append(text, byte(r))
	}

	for len(text) > 0 && text[len(text)-1] == '=' {
		text = text[:len(text)-1]
	}
	if len(text) == 0 {
		return nil, errors.New("secret is empty")
	}
	for _, c := range text {
		if !('A' <= c && c <= 'Z' || '2' <= c && c <= '7') {
			return nil, errors.New("secret contains a character outside base32 (A-Z, 2-7)")
		}
	}

	// Each 8 characters encode 5 bytes, and the characters of a last, partial
	// group number 2, 4, 5 or 7 (RFC 4648, section 6). Any other remainder
	// means the secret was cut or mistyped.
	switch len(text) % 8 {
	case 1, 3, 6:
		return nil, fmt.Errorf("secret has %d base32 characters, which is not a length that base32 produces; check that it was copied in full", len(text))
	}

	secret := make([]byte, rawBase32.DecodedLen(len(text)))
	n, err := rawBase32.Decode(secret, text)
	if err != nil {
		// The checks above leave nothing for the decoder to reject. Its
		// message gives an offset, never the input.
		return nil, fmt.Errorf("secret is not valid base32: %w", err)
	}
	return secret[:n], nil
}

// EncodeSecret encodes a raw secret as upper-case base32 without padding.
func EncodeSecret(b []byte) string {
	return rawBase32.EncodeToString(b)
}
