package totp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Type is the kind of one-time password a key generates.
type Type string

// The key types of otpauth URIs.
const (
	// TOTP is a time-based one-time password (RFC 6238).
	TOTP Type = "totp"
	// HOTP is a counter-based one-time password (RFC 4226).
	HOTP Type = "hotp"
)

// Algorithm is the HMAC hash function of a key.
type Algorithm string

// The hash functions that RFC 6238 allows.
const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// Limits on key parameters.
const (
	// MinDigits and MaxDigits bound the length of a decimal code. RFC 4226
	// requires at least 6 digits, and the 31-bit value that HOTP truncates to
	// has at most 10.
	MinDigits = 6
	MaxDigits = 10
	// SteamDigits is the length of a Steam Guard code.
	SteamDigits = 5
	// MaxPeriod is the longest TOTP period in seconds: one day. A longer
	// period is far more likely a mistake than a real key, and KeePassXC caps
	// the period at the same value.
	MaxPeriod = 86400
)

// Defaults for parameters that an otpauth URI leaves out.
const (
	DefaultAlgorithm = SHA1
	DefaultDigits    = 6
	DefaultPeriod    = 30
)

var (
	// ErrInvalidKey is wrapped by errors that report a key whose fields are
	// out of range or inconsistent.
	ErrInvalidKey = errors.New("invalid key")
	// ErrBeforeEpoch is wrapped by errors that report a time before
	// 1970-01-01 UTC, where TOTP time steps start.
	ErrBeforeEpoch = errors.New("time is before 1970-01-01 UTC, where TOTP time steps start")
)

// ParseAlgorithm returns the algorithm named by s, in any case and with an
// optional hyphen: "sha256", "SHA-256" and "SHA256" all return SHA256.
func ParseAlgorithm(s string) (Algorithm, error) {
	name := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	switch Algorithm(name) {
	case SHA1, SHA256, SHA512:
		return Algorithm(name), nil
	}
	return "", fmt.Errorf("unknown algorithm %s; use SHA1, SHA256 or SHA512", quoteValue(s))
}

// Key is an HOTP or TOTP key with its label. Keys from ParseURI are valid.
// Call Validate on a key built in code before using it.
type Key struct {
	Type    Type
	Issuer  string
	Account string
	// Secret is the raw HMAC key, not its base32 text.
	Secret    []byte
	Algorithm Algorithm
	// Digits is the code length: 6 to 10, or 5 for Steam.
	Digits int
	// Period is the TOTP time step in seconds, from 1 to MaxPeriod. It is 0
	// for HOTP keys.
	Period int
	// Counter is the counter of the next HOTP code to generate. It is 0 for
	// TOTP keys.
	Counter uint64
	// Steam marks a Steam Guard key: a TOTP key whose codes are 5 characters
	// from the alphabet "23456789BCDFGHJKMNPQRTVWXY".
	Steam bool
}

// Validate returns an error wrapping ErrInvalidKey when a field of k is out
// of range or contradicts another field. It applies the checks that ParseURI
// applies, so a valid key survives a round trip through URI and ParseURI.
func (k Key) Validate() error {
	if err := k.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	return nil
}

// validate returns the first problem with k, as an error that names the
// field without a prefix.
func (k Key) validate() error {
	if err := k.validateCodeParams(); err != nil {
		return err
	}
	if err := validateLabelPart("issuer", k.Issuer); err != nil {
		return err
	}
	return validateLabelPart("account", k.Account)
}

// validateCodeParams checks the fields that computing a code depends on.
func (k Key) validateCodeParams() error {
	if k.Type != TOTP && k.Type != HOTP {
		return fmt.Errorf("type must be totp or hotp, got %s", quoteValue(string(k.Type)))
	}
	if len(k.Secret) == 0 {
		return errors.New("secret is empty")
	}
	if !k.Algorithm.known() {
		return fmt.Errorf("algorithm must be SHA1, SHA256 or SHA512, got %s", quoteValue(string(k.Algorithm)))
	}
	if err := k.validateDigits(); err != nil {
		return err
	}
	return k.validateTypeFields()
}

func (k Key) validateDigits() error {
	if k.Steam {
		if k.Digits != SteamDigits {
			return fmt.Errorf("digits must be %d for a steam key, got %d", SteamDigits, k.Digits)
		}
		return nil
	}
	if k.Digits < MinDigits || k.Digits > MaxDigits {
		return fmt.Errorf("digits must be between %d and %d, got %d", MinDigits, MaxDigits, k.Digits)
	}
	return nil
}

// validateTypeFields checks that k sets the period only for TOTP and the
// counter only for HOTP, so that URI, which writes only the field of k's
// type, loses nothing.
func (k Key) validateTypeFields() error {
	if k.Type == HOTP {
		if k.Steam {
			return errors.New("steam keys are time-based, so their type must be totp, not hotp")
		}
		if k.Period != 0 {
			return fmt.Errorf("period must be 0 for an hotp key, got %d", k.Period)
		}
		return nil
	}

	if k.Period < 1 || k.Period > MaxPeriod {
		return fmt.Errorf("period must be between 1 and %d seconds, got %d", MaxPeriod, k.Period)
	}
	if k.Counter != 0 {
		return fmt.Errorf("counter must be 0 for a totp key, got %d", k.Counter)
	}
	return nil
}

// validateLabelPart checks an issuer or account. It rejects control
// characters because labels are printed on terminals, and surrounding spaces
// because ParseURI trims them.
func validateLabelPart(field, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("%s contains a control character", field)
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%s starts or ends with a space", field)
	}
	return nil
}

func (a Algorithm) known() bool {
	return a == SHA1 || a == SHA256 || a == SHA512
}

// Equal reports whether k and other have the same fields, comparing the
// secrets by value.
func (k Key) Equal(other Key) bool {
	return k.Type == other.Type &&
		k.Issuer == other.Issuer &&
		k.Account == other.Account &&
		bytes.Equal(k.Secret, other.Secret) &&
		k.Algorithm == other.Algorithm &&
		k.Digits == other.Digits &&
		k.Period == other.Period &&
		k.Counter == other.Counter &&
		k.Steam == other.Steam
}

// Redacted describes k without its secret, for messages and logs, such as
// "totp SHA1 6 digits 30s GitHub:alice", "hotp SHA1 6 digits counter 5
// alice" or "steam SHA1 5 characters 30s Steam:alice". Control characters in
// the label are replaced with U+FFFD.
func (k Key) Redacted() string {
	var b strings.Builder
	switch {
	case k.Steam:
		fmt.Fprintf(&b, "steam %s %d characters %ds", k.Algorithm, k.Digits, k.Period)
	case k.Type == HOTP:
		fmt.Fprintf(&b, "hotp %s %d digits counter %d", k.Algorithm, k.Digits, k.Counter)
	default:
		fmt.Fprintf(&b, "%s %s %d digits %ds", k.Type, k.Algorithm, k.Digits, k.Period)
	}

	label := k.Account
	if k.Issuer != "" && k.Account != "" {
		label = k.Issuer + ":" + k.Account
	} else if k.Issuer != "" {
		label = k.Issuer
	}
	if label != "" {
		b.WriteByte(' ')
		b.WriteString(strings.Map(replaceControl, strings.ToValidUTF8(label, "\uFFFD")))
	}
	return b.String()
}

func replaceControl(r rune) rune {
	if unicode.IsControl(r) {
		return unicode.ReplacementChar
	}
	return r
}

// quoteValue quotes a parameter value for an error message, cut to 32
// bytes so that a long or binary value keeps the message on one short line.
// Callers never pass a secret.
func quoteValue(s string) string {
	const maxLen = 32
	if len(s) <= maxLen {
		return fmt.Sprintf("%q", s)
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}
