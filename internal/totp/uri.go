package totp

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ErrInvalidURI is wrapped by every error from ParseURI.
var ErrInvalidURI = errors.New("invalid otpauth URI")

// uriParams lists the query parameters that ParseURI reads. It ignores
// all others.
var uriParams = map[string]bool{
	"secret":    true,
	"issuer":    true,
	"algorithm": true,
	"digits":    true,
	"period":    true,
	"counter":   true,
	"encoder":   true,
}

// ParseURI parses an otpauth:// URI into a valid key, as the package
// documentation describes. Surrounding white space is ignored. Errors wrap
// ErrInvalidURI, name the part of the URI that is wrong, and never contain
// the secret.
func ParseURI(s string) (Key, error) {
	k, err := parseURI(strings.TrimSpace(s))
	if err != nil {
		return Key{}, fmt.Errorf("%w: %w", ErrInvalidURI, err)
	}
	return k, nil
}

func parseURI(s string) (Key, error) {
	rest, err := cutScheme(s)
	if err != nil {
		return Key{}, err
	}
	typeName, rawLabel, query := splitURI(rest)

	var k Key
	switch strings.ToLower(typeName) {
	case "totp":
		k.Type = TOTP
	case "hotp":
		k.Type = HOTP
	case "steam":
		k.Type = TOTP
		k.Steam = true
	default:
		return Key{}, unknownTypeError(typeName)
	}

	params, err := parseQuery(query)
	if err != nil {
		return Key{}, err
	}
	if err := k.setParams(params); err != nil {
		return Key{}, err
	}
	k.Issuer, k.Account, err = parseLabel(rawLabel, strings.TrimSpace(params["issuer"]))
	if err != nil {
		return Key{}, err
	}

	if err := k.validate(); err != nil {
		return Key{}, err
	}
	return k, nil
}

// cutScheme returns s without its "otpauth://" prefix, which may be in any
// case (RFC 3986, section 3.1).
func cutScheme(s string) (string, error) {
	const prefix = "otpauth://"
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], nil
	}

	// Name the scheme only when s clearly has one, because a string without
	// one may be a bare secret pasted by mistake.
	scheme, _, found := strings.Cut(s, "://")
	if !found || !isSchemeName(scheme) {
		return "", errors.New("does not start with otpauth://")
	}
	if strings.EqualFold(scheme, "otpauth-migration") {
		return "", errors.New("scheme is otpauth-migration, which is a Google Authenticator export of several accounts, not one otpauth:// account")
	}
	return "", fmt.Errorf("scheme is %s, expected otpauth", quoteValue(scheme))
}

// isSchemeName reports whether s has the syntax of a URI scheme (RFC 3986,
// section 3.1) and at most 32 characters.
func isSchemeName(s string) bool {
	if s == "" || len(s) > 32 || !isASCIILetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isASCIILetter(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// splitURI splits the part of a URI after "otpauth://" into the type, the
// raw label and the raw query. A "#" is part of the label or query, not the
// start of a fragment, because apps write it unescaped in issuer names.
func splitURI(rest string) (typeName, rawLabel, query string) {
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		return rest, "", ""
	}
	typeName = rest[:end]
	if rest[end] == '?' {
		return typeName, "", rest[end+1:]
	}
	rawLabel, query, _ = strings.Cut(rest[end+1:], "?")
	return typeName, rawLabel, query
}

// unknownTypeError names the type only when it is a short word, because a
// malformed URI may have its secret where the type belongs.
func unknownTypeError(typeName string) error {
	short := len(typeName) > 0 && len(typeName) <= 10
	for i := 0; short && i < len(typeName); i++ {
		short = isASCIILetter(typeName[i])
	}
	if short {
		return fmt.Errorf("unknown type %q; use otpauth://totp/ or otpauth://hotp/", typeName)
	}
	return errors.New("missing or unknown type; use otpauth://totp/ or otpauth://hotp/")
}

// parseQuery decodes the parameters that ParseURI reads, with lower-case
// names. It reports a parameter that appears twice and a value that is not
// valid percent-encoding. It never puts a value in an error, because the
// value may be the secret.
func parseQuery(query string) (map[string]string, error) {
	params := make(map[string]string)
	for pair := range strings.SplitSeq(query, "&") {
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(rawName)
		name = strings.ToLower(name)
		if err != nil || !uriParams[name] {
			continue
		}

		if _, seen := params[name]; seen {
			return nil, fmt.Errorf("%s parameter appears more than once", name)
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return nil, fmt.Errorf("%s parameter is not valid percent-encoding; a %% must be followed by two hex digits", name)
		}
		params[name] = value
	}
	return params, nil
}

// setParams sets k's secret, algorithm, digits, period and counter from the
// query parameters, and the defaults for those that are missing. k.Type and
// k.Steam are already set from the URI's type.
func (k *Key) setParams(params map[string]string) error {
	if encoder, ok := params["encoder"]; ok {
		if !strings.EqualFold(strings.TrimSpace(encoder), "steam") {
			return fmt.Errorf("unknown encoder %s; only steam is supported", quoteValue(encoder))
		}
		k.Steam = true
	}

	secret, ok := params["secret"]
	if !ok {
		return errors.New("missing secret parameter")
	}
	var err error
	if k.Secret, err = DecodeSecret(secret); err != nil {
		return err
	}

	k.Algorithm = DefaultAlgorithm
	if name, ok := params["algorithm"]; ok {
		if k.Algorithm, err = ParseAlgorithm(name); err != nil {
			return err
		}
	}

	k.Digits = DefaultDigits
	if k.Steam {
		k.Digits = SteamDigits
	}
	if text, ok := params["digits"]; ok {
		digits, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return fmt.Errorf("digits must be a whole number between %d and %d, got %s", MinDigits, MaxDigits, quoteValue(text))
		}
		if digits > MaxDigits {
			return fmt.Errorf("digits must be between %d and %d, got %d", MinDigits, MaxDigits, digits)
		}
		k.Digits = int(digits)
	}

	if k.Type == HOTP {
		return k.setCounter(params)
	}
	return k.setPeriod(params)
}

func (k *Key) setPeriod(params map[string]string) error {
	k.Period = DefaultPeriod
	text, ok := params["period"]
	if !ok {
		return nil
	}
	period, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return fmt.Errorf("period must be a whole number of seconds between 1 and %d, got %s", MaxPeriod, quoteValue(text))
	}
	if period > MaxPeriod {
		return fmt.Errorf("period must be between 1 and %d seconds, got %d", MaxPeriod, period)
	}
	k.Period = int(period)
	return nil
}

func (k *Key) setCounter(params map[string]string) error {
	text, ok := params["counter"]
	if !ok {
		return errors.New("missing counter parameter, which hotp keys need; set it to the counter of the next code")
	}
	counter, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
	if err != nil {
		return fmt.Errorf("counter must be a whole number between 0 and %d, got %s", uint64(1<<64-1), quoteValue(text))
	}
	k.Counter = counter
	return nil
}

// parseLabel decodes the label and splits it into issuer and account by the
// rule in the package documentation. issuerParam is the trimmed issuer
// parameter, or "" when the URI has none.
func parseLabel(rawLabel, issuerParam string) (issuer, account string, err error) {
	label, err := url.PathUnescape(rawLabel)
	if err != nil {
		return "", "", errors.New("label is not valid percent-encoding; a % must be followed by two hex digits")
	}

	if issuerParam != "" {
		if rest, ok := strings.CutPrefix(label, issuerParam+":"); ok {
			return issuerParam, strings.TrimSpace(rest), nil
		}
		if _, rest, ok := strings.Cut(label, ":"); ok {
			return issuerParam, strings.TrimSpace(rest), nil
		}
		return issuerParam, strings.TrimSpace(label), nil
	}

	if prefix, rest, ok := strings.Cut(label, ":"); ok {
		return strings.TrimSpace(prefix), strings.TrimSpace(rest), nil
	}
	return "", strings.TrimSpace(label), nil
}

// URI returns k as a normalised otpauth URI with every parameter explicit:
// secret, issuer (when k has one), algorithm, digits, then period for TOTP or
// counter for HOTP, and encoder=steam for Steam keys. For a valid key,
// ParseURI(k.URI()) returns a key equal to k. The URI contains the secret.
func (k Key) URI() string {
	var b strings.Builder
	b.WriteString("otpauth://")
	b.WriteString(string(k.Type))
	b.WriteByte('/')
	if k.Issuer != "" || strings.Contains(k.Account, ":") {
		b.WriteString(escapeURIComponent(k.Issuer))
		b.WriteByte(':')
	}
	b.WriteString(escapeURIComponent(k.Account))

	b.WriteString("?secret=")
	b.WriteString(EncodeSecret(k.Secret))
	if k.Issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(escapeURIComponent(k.Issuer))
	}
	b.WriteString("&algorithm=")
	b.WriteString(escapeURIComponent(string(k.Algorithm)))
	b.WriteString("&digits=")
	b.WriteString(strconv.Itoa(k.Digits))
	if k.Type == HOTP {
		b.WriteString("&counter=")
		b.WriteString(strconv.FormatUint(k.Counter, 10))
	} else {
		b.WriteString("&period=")
		b.WriteString(strconv.Itoa(k.Period))
	}
	if k.Steam {
		b.WriteString("&encoder=steam")
	}
	return b.String()
}

// escapeURIComponent percent-encodes every byte of s except the unreserved
// characters of RFC 3986 and "@". Spaces become %20 and "+" becomes %2B, so
// path and query decoders, and apps that treat "+" either way, all read the
// same text back.
func escapeURIComponent(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isASCIILetter(c) || '0' <= c && c <= '9' || strings.IndexByte("-._~@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}
