package totp

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseAlgorithm(t *testing.T) {
	tests := map[string]Algorithm{
		"SHA1":     SHA1,
		"sha1":     SHA1,
		"Sha256":   SHA256,
		"sha256":   SHA256,
		"SHA-256":  SHA256,
		"sha512":   SHA512,
		" SHA512 ": SHA512,
	}
	for input, want := range tests {
		got, err := ParseAlgorithm(input)
		if err != nil {
			t.Errorf("ParseAlgorithm(%q): %v", input, err)
			continue
		}
		if got != want {
			t.Errorf("ParseAlgorithm(%q) = %s, want %s", input, got, want)
		}
	}

	for _, input := range []string{"", "MD5", "SHA384", "SHA", "sha 1", "HMAC-SHA1"} {
		got, err := ParseAlgorithm(input)
		if err == nil {
			t.Errorf("ParseAlgorithm(%q) = %s, want an error", input, got)
			continue
		}
		if !strings.Contains(err.Error(), "use SHA1, SHA256 or SHA512") {
			t.Errorf("ParseAlgorithm(%q): error %q does not list the algorithms", input, err)
		}
	}
}

func TestValidate(t *testing.T) {
	validTOTP := Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30}
	validHOTP := Key{Type: HOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Counter: 3}
	validSteam := Key{Type: TOTP, Issuer: "Steam", Account: "gamer", Secret: helloKey, Algorithm: SHA1, Digits: 5, Period: 30, Steam: true}
	for name, k := range map[string]Key{"totp": validTOTP, "hotp": validHOTP, "steam": validSteam} {
		if err := k.Validate(); err != nil {
			t.Errorf("valid %s key: %v", name, err)
		}
	}

	tests := []struct {
		name   string
		key    Key
		change func(*Key)
		want   string
	}{
		{"no type", validTOTP, func(k *Key) { k.Type = "" }, `type must be totp or hotp, got ""`},
		{"steam type", validTOTP, func(k *Key) { k.Type = "steam" }, `type must be totp or hotp, got "steam"`},
		{"empty secret", validTOTP, func(k *Key) { k.Secret = []byte{} }, "secret is empty"},
		{"no algorithm", validTOTP, func(k *Key) { k.Algorithm = "" }, `algorithm must be SHA1, SHA256 or SHA512, got ""`},
		{"lower-case algorithm", validTOTP, func(k *Key) { k.Algorithm = "sha256" }, `algorithm must be SHA1, SHA256 or SHA512, got "sha256"`},
		{"5 digits", validTOTP, func(k *Key) { k.Digits = 5 }, "digits must be between 6 and 10, got 5"},
		{"11 digits", validTOTP, func(k *Key) { k.Digits = 11 }, "digits must be between 6 and 10, got 11"},
		{"zero period", validTOTP, func(k *Key) { k.Period = 0 }, "period must be between 1 and 86400 seconds, got 0"},
		{"period over a day", validTOTP, func(k *Key) { k.Period = 86401 }, "period must be between 1 and 86400 seconds, got 86401"},
		{"totp with counter", validTOTP, func(k *Key) { k.Counter = 4 }, "counter must be 0 for a totp key, got 4"},
		{"hotp with period", validHOTP, func(k *Key) { k.Period = 30 }, "period must be 0 for an hotp key, got 30"},
		{"steam 6 digits", validSteam, func(k *Key) { k.Digits = 6 }, "digits must be 5 for a steam key, got 6"},
		{"steam hotp", validSteam, func(k *Key) { k.Type, k.Period = HOTP, 0 }, "steam keys are time-based"},
		{"issuer with newline", validTOTP, func(k *Key) { k.Issuer = "Git\nHub" }, "issuer contains a control character"},
		{"account with escape", validTOTP, func(k *Key) { k.Account = "\x1b[2Jalice" }, "account contains a control character"},
		{"account with DEL", validTOTP, func(k *Key) { k.Account = "alice\x7f" }, "account contains a control character"},
		{"issuer not UTF-8", validTOTP, func(k *Key) { k.Issuer = "\xff" }, "issuer is not valid UTF-8"},
		{"issuer leading space", validTOTP, func(k *Key) { k.Issuer = " GitHub" }, "issuer starts or ends with a space"},
		{"account trailing space", validTOTP, func(k *Key) { k.Account = "alice " }, "account starts or ends with a space"},
		{"account no-break space", validTOTP, func(k *Key) { k.Account = "alice\u00a0" }, "account starts or ends with a space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tt.key
			k.Secret = append([]byte(nil), tt.key.Secret...)
			tt.change(&k)
			err := k.Validate()
			if err == nil {
				t.Fatal("got no error")
			}
			if !errors.Is(err, ErrInvalidKey) {
				t.Errorf("error %q does not wrap ErrInvalidKey", err)
			}
			want := "invalid key: " + tt.want
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got error %q, want it to start with %q", err, want)
			}
			assertNoSecret(t, err.Error(), EncodeSecret(helloKey))
		})
	}
}

func TestRedacted(t *testing.T) {
	tests := []struct {
		name string
		key  Key
		want string
	}{
		{"totp", Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30}, "totp SHA1 6 digits 30s GitHub:alice"},
		{"no issuer", Key{Type: TOTP, Account: "alice", Secret: helloKey, Algorithm: SHA256, Digits: 8, Period: 60}, "totp SHA256 8 digits 60s alice"},
		{"no account", Key{Type: TOTP, Issuer: "GitHub", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30}, "totp SHA1 6 digits 30s GitHub"},
		{"no label", Key{Type: TOTP, Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30}, "totp SHA1 6 digits 30s"},
		{"hotp", Key{Type: HOTP, Issuer: "RFC", Account: "4226", Secret: helloKey, Algorithm: SHA512, Digits: 7, Counter: 42}, "hotp SHA512 7 digits counter 42 RFC:4226"},
		{"steam", Key{Type: TOTP, Issuer: "Steam", Account: "gamer", Secret: helloKey, Algorithm: SHA1, Digits: 5, Period: 30, Steam: true}, "steam SHA1 5 characters 30s Steam:gamer"},
		{"control characters", Key{Type: TOTP, Issuer: "a\x1b[31m", Account: "b\nc", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30}, "totp SHA1 6 digits 30s a\uFFFD[31m:b\uFFFDc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.key.Redacted()
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			assertNoSecret(t, got, EncodeSecret(helloKey))
		})
	}
}

func TestEqual(t *testing.T) {
	base := Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30}
	same := base
	same.Secret = append([]byte(nil), helloKey...)
	if !base.Equal(same) {
		t.Error("keys with equal fields and a copied secret are not Equal")
	}

	// Changing any one field must make the keys unequal. The loop covers
	// every field, so a field added to Key later must be added to Equal.
	value := reflect.ValueOf(&same).Elem()
	for i := range value.NumField() {
		changed := base
		changed.Secret = append([]byte(nil), helloKey...)
		field := reflect.ValueOf(&changed).Elem().Field(i)
		switch field.Kind() {
		case reflect.String:
			field.SetString(field.String() + "x")
		case reflect.Int:
			field.SetInt(field.Int() + 1)
		case reflect.Uint64:
			field.SetUint(field.Uint() + 1)
		case reflect.Bool:
			field.SetBool(!field.Bool())
		case reflect.Slice:
			field.SetBytes(append(field.Bytes(), 0))
		default:
			t.Fatalf("field %s has kind %s, which this test does not change", value.Type().Field(i).Name, field.Kind())
		}
		if base.Equal(changed) {
			t.Errorf("keys that differ in %s are Equal", value.Type().Field(i).Name)
		}
	}
}
