package totp

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestDecodeSecretSpellings(t *testing.T) {
	// "Hello!\xde\xad\xbe\xef" is the key of JBSWY3DPEHPK3PXP.
	want, _ := hex.DecodeString("48656c6c6f21deadbeef")
	for _, spelling := range []string{
		"JBSWY3DPEHPK3PXP",
		"jbswy3dpehpk3pxp",
		"jbsw y3dp ehpk 3pxp",
		"JBSW-Y3DP-EHPK-3PXP",
		" JbSw Y3dP\tEhPk\r\n3pXp ",
		"JBSW\u00a0Y3DP\u2009EHPK\u30003PXP",
		"JBSWY3DPEHPK3PXP=",
	} {
		got, err := DecodeSecret(spelling)
		if err != nil {
			t.Errorf("DecodeSecret(%q): %v", spelling, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("DecodeSecret(%q) = %x, want %x", spelling, got, want)
		}
	}
}

func TestDecodeSecretPadding(t *testing.T) {
	// "totp-test-key-16" needs six padding characters in base32.
	want := []byte("totp-test-key-16")
	for _, spelling := range []string{
		"ORXXI4BNORSXG5BNNNSXSLJRGY",
		"ORXXI4BNORSXG5BNNNSXSLJRGY======",
		"orxxi4bnorsxg5bnnnsxsljrgy",
		"orxx i4bn orsx g5bn nnsx sljr gy==",
	} {
		got, err := DecodeSecret(spelling)
		if err != nil {
			t.Errorf("DecodeSecret(%q): %v", spelling, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("DecodeSecret(%q) = %q, want %q", spelling, got, want)
		}
	}
}

func TestDecodeSecretLengths(t *testing.T) {
	// Every key length from 1 to 40 bytes must survive encoding and
	// decoding, which covers each length of a last, partial base32 group.
	for n := 1; n <= 40; n++ {
		key := bytes.Repeat([]byte{0xa5}, n)
		key[0] = byte(n)
		encoded := EncodeSecret(key)
		if strings.ContainsAny(encoded, "=abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("EncodeSecret of %d bytes = %q, want upper case without padding", n, encoded)
		}
		got, err := DecodeSecret(encoded)
		if err != nil {
			t.Errorf("DecodeSecret(EncodeSecret(%d bytes)): %v", n, err)
			continue
		}
		if !bytes.Equal(got, key) {
			t.Errorf("%d bytes: got %x, want %x", n, got, key)
		}
	}
}

func TestDecodeSecretErrors(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		want   string
	}{
		{"empty", "", "secret is empty"},
		{"only spaces", "  - \t", "secret is empty"},
		{"only padding", "====", "secret is empty"},
		{"digit 1", "JBSWY3DPEHPK3PX1", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"digit 0", "0BSWY3DPEHPK3PXP", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"digit 8", "JBSWY3DPEHPK3PX8", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"base64 plus", "JBSWY3DPEHPK3P+P", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"padding inside", "JBSWY3DP=EHPK3PXP", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"non-ASCII", "JBSWY3DPÉHPK3PXP", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"one character", "J", "secret has 1 base32 characters"},
		{"three characters", "JBS", "secret has 3 base32 characters"},
		{"nine characters", "JBSWY3DPE", "secret has 9 base32 characters"},
		{"fourteen characters", "JBSWY3DPEHPK3P", "secret has 14 base32 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeSecret(tt.secret)
			if err == nil {
				t.Fatalf("got %x, want an error", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %q, want it to contain %q", err, tt.want)
			}
			assertNoSecret(t, err.Error(), tt.secret)
		})
	}
}

func TestEncodeSecret(t *testing.T) {
	tests := map[string]string{
		"":                       "",
		"f":                      "MY",
		"fo":                     "MZXQ",
		"foo":                    "MZXW6",
		"foob":                   "MZXW6YQ",
		"fooba":                  "MZXW6YTB",
		"foobar":                 "MZXW6YTBOI",
		"Hello!\xde\xad\xbe\xef": "JBSWY3DPEHPK3PXP",
	}
	for key, want := range tests {
		if got := EncodeSecret([]byte(key)); got != want {
			t.Errorf("EncodeSecret(%q) = %q, want %q", key, got, want)
		}
	}
}

// assertNoSecret fails the test when message contains secret, or any run of
// four or more of its base32 characters. Secrets shorter than four
// characters are checked whole.
func assertNoSecret(t *testing.T, message, secret string) {
	t.Helper()
	if secret == "" {
		return
	}
	upper := strings.ToUpper(message)
	normalised := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "=", "").Replace(secret))
	if strings.Contains(message, secret) {
		t.Errorf("message %q contains the secret", message)
		return
	}
	const window = 4
	if len(normalised) < window {
		return
	}
	for i := 0; i+window <= len(normalised); i++ {
		if part := normalised[i : i+window]; strings.Contains(upper, part) {
			t.Errorf("message %q contains %q from the secret", message, part)
			return
		}
	}
}
