package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/totp-cli/totp/internal/totp"
)

// keyFields are the account fields that the JSON backups share. A nil
// number is a field that the backup leaves out.
type keyFields struct {
	// typeName is "totp", "hotp" or "steam" in any case, or "" for totp.
	typeName string
	// secret is base32 text.
	secret    string
	algorithm string
	digits    *int
	period    *int
	counter   *int64
	issuer    string
	account   string
}

// key converts f into a valid key. Its errors start with the account's
// label.
func (f keyFields) key() (totp.Key, error) {
	k, err := f.buildKey()
	if err != nil {
		return totp.Key{}, labelError(f.issuer, f.account, err)
	}
	return k, nil
}

func (f keyFields) buildKey() (totp.Key, error) {
	var k totp.Key
	switch strings.ToLower(strings.TrimSpace(f.typeName)) {
	case "", "totp":
		k.Type = totp.TOTP
	case "hotp":
		k.Type = totp.HOTP
	case "steam":
		k.Type = totp.TOTP
		k.Steam = true
	default:
		return totp.Key{}, fmt.Errorf("type %s is not supported; only totp, hotp and steam are", quoteValue(f.typeName))
	}

	var err error
	if k.Secret, err = totp.DecodeSecret(f.secret); err != nil {
		return totp.Key{}, err
	}
	k.Algorithm = totp.DefaultAlgorithm
	if strings.TrimSpace(f.algorithm) != "" {
		if k.Algorithm, err = totp.ParseAlgorithm(f.algorithm); err != nil {
			return totp.Key{}, err
		}
	}
	k.Digits = totp.DefaultDigits
	if k.Steam {
		k.Digits = totp.SteamDigits
	}
	if f.digits != nil {
		k.Digits = *f.digits
	}

	if k.Type == totp.HOTP {
		if f.counter == nil {
			return totp.Key{}, errors.New("hotp account has no counter")
		}
		if *f.counter < 0 {
			return totp.Key{}, fmt.Errorf("counter is negative (%d)", *f.counter)
		}
		k.Counter = uint64(*f.counter)
	} else {
		k.Period = totp.DefaultPeriod
		if f.period != nil {
			k.Period = *f.period
		}
	}

	k.Issuer = strings.TrimSpace(f.issuer)
	k.Account = strings.TrimSpace(f.account)
	if err := k.Validate(); err != nil {
		return totp.Key{}, err
	}
	return k, nil
}

// splitLabel splits an otpauth-style label "issuer:account" when issuer is
// empty, and otherwise drops an "issuer:" prefix from the label, as
// otpauth URIs do.
func splitLabel(issuer, label string) (string, string) {
	issuer = strings.TrimSpace(issuer)
	if issuer != "" {
		if rest, ok := strings.CutPrefix(label, issuer+":"); ok {
			return issuer, strings.TrimSpace(rest)
		}
		return issuer, strings.TrimSpace(label)
	}
	if prefix, rest, ok := strings.Cut(label, ":"); ok {
		return strings.TrimSpace(prefix), strings.TrimSpace(rest)
	}
	return "", strings.TrimSpace(label)
}
