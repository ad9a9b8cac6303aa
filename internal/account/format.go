// Package account stores TOTP and HOTP keys as secrets in a vault.Vault and
// finds them again. It owns the storage format that docs/vault-format.md
// promises: the secret name derived from issuer and account, the normalised
// otpauth URI as the value, one content type, and tags that let a listing
// show every account without reading a single secret value.
//
// Secrets written by the Azure Functions TOTP sample (tag type=totp-secret,
// tags accountName and issuer, a bare base32 value) are read too. Every other
// secret in a shared vault is ignored and never changed.
package account

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
)

// ContentType marks a secret as a totp account. Secrets with any other
// content type are never listed or changed, except the Azure Functions
// sample's secrets, which are recognised by their tags.
const ContentType = "application/vnd.totp.otpauth-uri"

// Tag names written on every account. Tags never hold the secret.
const (
	TagIssuer    = "issuer"
	TagAccount   = "account"
	TagType      = "type"
	TagDigits    = "digits"
	TagPeriod    = "period"
	TagAlgorithm = "algorithm"
	TagEncoder   = "encoder"
)

// Tags of secrets written by the Azure Functions TOTP sample.
const (
	sampleTypeValue  = "totp-secret"
	sampleAccountTag = "accountName"
)

// maxTagValue is Key Vault's limit on the length of a tag value.
const maxTagValue = 256

// MaxNameLength is Key Vault's limit on the length of a secret name.
const MaxNameLength = 127

var nameRE = regexp.MustCompile(`^[0-9a-zA-Z-]{1,127}$`)

// ValidName reports whether s can be a secret name.
func ValidName(s string) bool { return nameRE.MatchString(s) }

// CheckName returns an error that explains why s cannot be a secret name.
func CheckName(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("invalid account name: empty")
	case len(s) > MaxNameLength:
		return fmt.Errorf("invalid account name %q: longer than %d characters", s, MaxNameLength)
	case !nameRE.MatchString(s):
		return fmt.Errorf("invalid account name %q: use only letters A-Z, digits and hyphens", s)
	}
	return nil
}

// Format is the way an account is stored.
type Format int

const (
	// Native is this tool's own format: ContentType and an otpauth URI.
	Native Format = iota
	// AzureSample is the Azure Functions TOTP sample's format: a bare base32
	// secret, tagged type=totp-secret. Codes are SHA1, 6 digits, 30 seconds.
	AzureSample
)

// Account describes a stored account from its tags alone, without reading
// the secret value.
type Account struct {
	Name      string
	Issuer    string
	Account   string
	Type      totp.Type
	Digits    int
	Period    int
	Algorithm totp.Algorithm
	Steam     bool
	Enabled   bool
	Format    Format
}

// FromProperties returns the account that p describes, and false when p is
// not a totp account.
func FromProperties(p vault.Properties) (Account, bool) {
	a := Account{Name: p.Name, Enabled: p.Enabled}

	switch {
	case p.ContentType == ContentType:
		a.Format = Native
		a.Issuer = p.Tags[TagIssuer]
		a.Account = p.Tags[TagAccount]
		a.Type = totp.Type(p.Tags[TagType])
		if a.Type != totp.HOTP {
			a.Type = totp.TOTP
		}
		a.Digits, _ = strconv.Atoi(p.Tags[TagDigits])
		a.Period, _ = strconv.Atoi(p.Tags[TagPeriod])
		a.Algorithm = totp.Algorithm(p.Tags[TagAlgorithm])
		a.Steam = p.Tags[TagEncoder] == "steam"
	case p.Tags["type"] == sampleTypeValue:
		a.Format = AzureSample
		a.Issuer = p.Tags[TagIssuer]
		a.Account = p.Tags[sampleAccountTag]
		a.Type = totp.TOTP
		a.Digits = 6
		a.Period = 30
		a.Algorithm = totp.SHA1
	default:
		return Account{}, false
	}
	return a, true
}

// FromKey returns the account that stores key under name.
func FromKey(name string, key totp.Key) Account {
	return Account{
		Name:      name,
		Issuer:    key.Issuer,
		Account:   key.Account,
		Type:      key.Type,
		Digits:    key.Digits,
		Period:    key.Period,
		Algorithm: key.Algorithm,
		Steam:     key.Steam,
		Enabled:   true,
		Format:    Native,
	}
}

// Label returns "Issuer (account)", or whichever of the two is set.
func (a Account) Label() string {
	switch {
	case a.Issuer != "" && a.Account != "":
		return a.Issuer + " (" + a.Account + ")"
	case a.Issuer != "":
		return a.Issuer
	default:
		return a.Account
	}
}

// KeyFromSecret parses the value of a stored account.
func KeyFromSecret(s vault.Secret) (totp.Key, error) {
	a, ok := FromProperties(s.Properties)
	if !ok {
		return totp.Key{}, fmt.Errorf("secret %q is not a totp account (content type %q)", s.Name, s.ContentType)
	}

	value := strings.TrimSpace(s.Value)
	if strings.HasPrefix(strings.ToLower(value), "otpauth://") {
		key, err := totp.ParseURI(value)
		if err != nil {
			return totp.Key{}, fmt.Errorf("reading account %q: %w", s.Name, err)
		}
		return key, nil
	}
	if a.Format != AzureSample {
		return totp.Key{}, fmt.Errorf("reading account %q: the value is not an otpauth URI", s.Name)
	}

	secret, err := totp.DecodeSecret(value)
	if err != nil {
		return totp.Key{}, fmt.Errorf("reading account %q: %w", s.Name, err)
	}
	key := totp.Key{
		Type:      totp.TOTP,
		Issuer:    a.Issuer,
		Account:   a.Account,
		Secret:    secret,
		Algorithm: totp.SHA1,
		Digits:    6,
		Period:    30,
	}
	if err := key.Validate(); err != nil {
		return totp.Key{}, fmt.Errorf("reading account %q: %w", s.Name, err)
	}
	return key, nil
}

// ToSecret returns the secret that stores key under name, in the native
// format.
func ToSecret(name string, key totp.Key) vault.Secret {
	tags := map[string]string{
		TagIssuer:    truncate(key.Issuer, maxTagValue),
		TagAccount:   truncate(key.Account, maxTagValue),
		TagType:      string(key.Type),
		TagDigits:    strconv.Itoa(key.Digits),
		TagAlgorithm: string(key.Algorithm),
	}
	if key.Type == totp.TOTP {
		tags[TagPeriod] = strconv.Itoa(key.Period)
	}
	if key.Steam {
		tags[TagEncoder] = "steam"
	}
	return vault.Secret{
		Properties: vault.Properties{Name: name, ContentType: ContentType, Tags: tags, Enabled: true},
		Value:      key.URI(),
	}
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// DeriveName returns the secret name for an account with the given issuer
// and account name: both lower-cased, accents removed, every run of other
// characters turned into one hyphen ("GitHub", "alice@example.com" gives
// "github-alice-example-com"). When characters that have no ASCII form were
// dropped, or the name would be longer than 127 characters, a hyphen and 8
// hex digits of a SHA-256 of issuer and account are appended so that
// different accounts keep different names. The secret never enters the name.
func DeriveName(issuer, accountName string) string {
	label := issuer
	if accountName != "" {
		if label != "" {
			label += "-"
		}
		label += accountName
	}

	var b strings.Builder
	dropped := false
	hyphen := false
	for _, r := range norm.NFKD.String(label) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			// A combining mark left by NFKD: "é" becomes "e" and this mark.
		default:
			if r > unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				dropped = true
			}
			hyphen = true
		}
	}
	name := b.String()

	sum := sha256.Sum256([]byte(issuer + "\x00" + accountName))
	suffix := hex.EncodeToString(sum[:4])
	switch {
	case name == "":
		return "account-" + suffix
	case dropped || len(name) > MaxNameLength:
		if len(name) > MaxNameLength-len(suffix)-1 {
			name = strings.TrimRight(name[:MaxNameLength-len(suffix)-1], "-")
		}
		return name + "-" + suffix
	}
	return name
}
