package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/totp-cli/totp/internal/importer"
	"github.com/totp-cli/totp/internal/totp"
)

func sampleAccounts() []NamedKey {
	return []NamedKey{
		{Name: "github-alice-example-com", Key: totp.Key{Type: totp.TOTP, Issuer: "GitHub", Account: "alice@example.com", Secret: []byte("12345678901234567890"), Algorithm: totp.SHA1, Digits: 6, Period: 30}},
		{Name: "bank-bob", Key: totp.Key{Type: totp.TOTP, Issuer: "Bank & Co", Account: "bob+tag", Secret: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Algorithm: totp.SHA256, Digits: 8, Period: 60}},
		{Name: "forge-carol", Key: totp.Key{Type: totp.HOTP, Issuer: "Forge", Account: "carol", Secret: []byte{0xff, 0xfe}, Algorithm: totp.SHA512, Digits: 10, Counter: 1<<64 - 1}},
		{Name: "steam-gamer", Key: totp.Key{Type: totp.TOTP, Issuer: "Steam", Account: "gamer", Secret: []byte("steam secret"), Algorithm: totp.SHA1, Digits: 5, Period: 30, Steam: true}},
		{Name: "unicode", Key: totp.Key{Type: totp.TOTP, Issuer: "Ünïcødé 銀行", Account: "名前 🙂", Secret: []byte("u"), Algorithm: totp.SHA1, Digits: 7, Period: 45}},
		{Name: "no-issuer", Key: totp.Key{Type: totp.TOTP, Account: "user:with:colons", Secret: []byte("c"), Algorithm: totp.SHA1, Digits: 6, Period: 30}},
		{Name: "", Key: totp.Key{Type: totp.HOTP, Issuer: "Only Issuer", Secret: []byte("z"), Algorithm: totp.SHA1, Digits: 6}},
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	accounts := sampleAccounts()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, accounts); err != nil {
		t.Fatal(err)
	}

	format, entries, err := importer.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("importer.Parse: %v", err)
	}
	if format != importer.FormatBackup {
		t.Errorf("format = %q, want %q", format, importer.FormatBackup)
	}
	if len(entries) != len(accounts) {
		t.Fatalf("got %d entries, want %d", len(entries), len(accounts))
	}
	for i, want := range accounts {
		got := entries[i]
		if got.Err != nil {
			t.Errorf("entry %d: %v", i+1, got.Err)
			continue
		}
		if got.Name != want.Name {
			t.Errorf("entry %d name = %q, want %q", i+1, got.Name, want.Name)
		}
		if !got.Key.Equal(want.Key) {
			t.Errorf("entry %d key = %s, want %s", i+1, got.Key.Redacted(), want.Key.Redacted())
		}
	}
}

func TestWriteJSONFormat(t *testing.T) {
	var buf bytes.Buffer
	err := WriteJSON(&buf, []NamedKey{
		{Name: "github-alice", Key: totp.Key{Type: totp.TOTP, Issuer: "GitHub", Account: "alice", Secret: []byte("Hello!\xde\xad\xbe\xef"), Algorithm: totp.SHA1, Digits: 6, Period: 30}},
		{Name: "forge-carol", Key: totp.Key{Type: totp.HOTP, Issuer: "A&B", Account: "carol", Secret: []byte("Hello!\xde\xad\xbe\xef"), Algorithm: totp.SHA512, Digits: 8, Counter: 3}},
	})
	if err != nil {
		t.Fatal(err)
	}

	// This text is the documented format; a change here breaks readers.
	want := `{
  "format": "totp-backup",
  "version": 1,
  "accounts": [
    {
      "name": "github-alice",
      "uri": "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30"
    },
    {
      "name": "forge-carol",
      "uri": "otpauth://hotp/A%26B:carol?secret=JBSWY3DPEHPK3PXP&issuer=A%26B&algorithm=SHA512&digits=8&counter=3"
    }
  ]
}
`
	if buf.String() != want {
		t.Errorf("WriteJSON wrote\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWriteJSONEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, nil); err != nil {
		t.Fatal(err)
	}

	var decoded map[string]any
	if err := json.Unmarshal(buf.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	accounts, ok := decoded["accounts"].([]any)
	if !ok || len(accounts) != 0 {
		t.Errorf("accounts = %v, want an empty array", decoded["accounts"])
	}
}

func TestWriteJSONInvalidKey(t *testing.T) {
	accounts := sampleAccounts()
	accounts[2].Key.Secret = nil

	var buf bytes.Buffer
	err := WriteJSON(&buf, accounts)
	if !errors.Is(err, totp.ErrInvalidKey) {
		t.Errorf("error %v does not wrap totp.ErrInvalidKey", err)
	}
	if want := `account 3 ("forge-carol"): invalid key: secret is empty`; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes before failing, want none", buf.Len())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteJSONWriteError(t *testing.T) {
	err := WriteJSON(failingWriter{}, sampleAccounts())
	if err == nil || err.Error() != "writing backup: disk full" {
		t.Errorf("error = %v, want writing backup: disk full", err)
	}
	if !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error %v drops the cause", err)
	}
}
