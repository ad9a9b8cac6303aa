package totp

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
)

// steamAlphabet is the alphabet of Steam Guard codes. It leaves out
// characters that are easy to confuse, such as 0, 1, O and I.
const steamAlphabet = "23456789BCDFGHJKMNPQRTVWXY"

// HOTPCode returns the RFC 4226 one-time password for secret and counter: the
// truncated 31-bit HMAC value modulo 10^digits, in decimal with leading
// zeros. With 10 digits the value is below 10^10, so the code is the whole
// value. HOTPCode returns "" when digits is not between 1 and 10 or alg is not
// SHA1, SHA256 or SHA512.
//
// The function is not named HOTP because the Type constant HOTP has that name.
func HOTPCode(secret []byte, counter uint64, digits int, alg Algorithm) string {
	if digits < 1 || digits > MaxDigits {
		return ""
	}
	value, ok := truncatedHMAC(secret, counter, alg)
	if !ok {
		return ""
	}
	return formatDecimal(value, digits)
}

// truncatedHMAC computes HMAC(secret, counter) and applies RFC 4226 dynamic
// truncation (section 5.3). The low 4 bits of the last byte select an offset,
// and the 31 bits at that offset are the value. RFC 6238 uses the same
// truncation for SHA256 and SHA512. It reports false for an unknown algorithm.
func truncatedHMAC(secret []byte, counter uint64, alg Algorithm) (uint32, bool) {
	newHash := hashFunc(alg)
	if newHash == nil {
		return 0, false
	}

	var message [8]byte
	binary.BigEndian.PutUint64(message[:], counter)
	mac := hmac.New(newHash, secret)
	mac.Write(message[:])
	sum := mac.Sum(nil)

	offset := sum[len(sum)-1] & 0x0f
	return binary.BigEndian.Uint32(sum[offset:offset+4]) & 0x7fffffff, true
}

func hashFunc(alg Algorithm) func() hash.Hash {
	switch alg {
	case SHA1:
		return sha1.New
	case SHA256:
		return sha256.New
	case SHA512:
		return sha512.New
	}
	return nil
}

// formatDecimal writes value modulo 10^digits with leading zeros. digits is
// between 1 and 10.
func formatDecimal(value uint32, digits int) string {
	modulus := uint64(1)
	for range digits {
		modulus *= 10
	}
	text := strconv.FormatUint(uint64(value)%modulus, 10)
	if len(text) < digits {
		text = strings.Repeat("0", digits-len(text)) + text
	}
	return text
}

// formatSteam writes the 5-character Steam Guard code for a truncated value:
// the value's base-26 digits, least significant first, in Steam's alphabet.
func formatSteam(value uint32) string {
	var code [SteamDigits]byte
	for i := range code {
		code[i] = steamAlphabet[value%uint32(len(steamAlphabet))]
		value /= uint32(len(steamAlphabet))
	}
	return string(code[:])
}

// CodeAt returns k's code for a counter: an HOTP counter value, or a TOTP
// time step from Step. It has k.Digits digits with leading zeros, or 5 Steam
// characters for a Steam key. CodeAt returns "" when k's algorithm or digits
// are out of range, which Validate reports.
func (k Key) CodeAt(counter uint64) string {
	if k.Steam {
		value, ok := truncatedHMAC(k.Secret, counter, k.Algorithm)
		if !ok || k.Digits != SteamDigits {
			return ""
		}
		return formatSteam(value)
	}
	if k.Digits < MinDigits {
		return ""
	}
	return HOTPCode(k.Secret, counter, k.Digits, k.Algorithm)
}

// Code returns k's code at time t. For a TOTP key that is the code of the
// time step that contains t. For an HOTP key it is the code at k.Counter, and
// t is not used. Code returns an error wrapping ErrInvalidKey for an invalid
// key and one wrapping ErrBeforeEpoch for a TOTP key and a time before 1970.
func (k Key) Code(t time.Time) (string, error) {
	if err := k.validateCodeParams(); err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	if k.Type == HOTP {
		return k.CodeAt(k.Counter), nil
	}

	step, err := k.Step(t)
	if err != nil {
		return "", err
	}
	return k.CodeAt(step), nil
}

// Step returns the TOTP time step that contains t: floor(unix(t) / period),
// where unix(t) is in whole seconds (RFC 6238, section 4.2, with T0 = 0). It
// returns an error wrapping ErrBeforeEpoch for a time before 1970, and an
// error for a key whose period is not between 1 and MaxPeriod, such as an
// HOTP key.
func (k Key) Step(t time.Time) (uint64, error) {
	if k.Period < 1 || k.Period > MaxPeriod {
		return 0, fmt.Errorf("%w: period must be between 1 and %d seconds, got %d", ErrInvalidKey, MaxPeriod, k.Period)
	}
	seconds := t.Unix()
	if seconds < 0 {
		return 0, fmt.Errorf("%w: got %s", ErrBeforeEpoch, t.UTC().Format(time.RFC3339))
	}
	return uint64(seconds) / uint64(k.Period), nil
}

// Remaining returns the time from t to the end of the TOTP time step that
// contains t, between a nanosecond and a whole period. It returns 0 when
// Step would return an error.
func (k Key) Remaining(t time.Time) time.Duration {
	if _, err := k.Step(t); err != nil {
		return 0
	}
	intoPeriod := time.Duration(t.Unix()%int64(k.Period))*time.Second + time.Duration(t.Nanosecond())
	return time.Duration(k.Period)*time.Second - intoPeriod
}
