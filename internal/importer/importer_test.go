package importer

import (
	"encoding/base32"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/totp-cli/totp/internal/totp"
)

// b32 decodes a base32 secret with the standard library, independently of
// totp.DecodeSecret, for expected values.
func b32(t testing.TB, s string) []byte {
	t.Helper()
	text := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	secret, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(text)
	if err != nil {
		t.Fatalf("bad test secret: %v", err)
	}
	return secret
}

func totpKey(t testing.TB, issuer, account, secret string, alg totp.Algorithm, digits, period int) totp.Key {
	return totp.Key{Type: totp.TOTP, Issuer: issuer, Account: account, Secret: b32(t, secret), Algorithm: alg, Digits: digits, Period: period}
}

func hotpKey(t testing.TB, issuer, account, secret string, alg totp.Algorithm, digits int, counter uint64) totp.Key {
	return totp.Key{Type: totp.HOTP, Issuer: issuer, Account: account, Secret: b32(t, secret), Algorithm: alg, Digits: digits, Counter: counter}
}

func steamKey(t testing.TB, issuer, account, secret string) totp.Key {
	return totp.Key{Type: totp.TOTP, Issuer: issuer, Account: account, Secret: b32(t, secret), Algorithm: totp.SHA1, Digits: 5, Period: 30, Steam: true}
}

// want is an expected entry: a key, or an error message when err is set.
type want struct {
	position string
	name     string
	key      totp.Key
	err      string
	note     string
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseFixture(t *testing.T, name string, wantFormat Format) []Entry {
	t.Helper()
	format, entries, err := Parse(readFixture(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if format != wantFormat {
		t.Errorf("Parse(%s) format = %q, want %q", name, format, wantFormat)
	}
	return entries
}

func assertEntries(t *testing.T, got []Entry, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, e := range got {
			t.Logf("got %s: %s err=%v", e.Position, e.Key.Redacted(), e.Err)
		}
		t.Fatalf("got %d entries, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		e := got[i]
		if e.Position != w.position {
			t.Errorf("entry %d position = %q, want %q", i, e.Position, w.position)
		}
		if e.Name != w.name {
			t.Errorf("%s: name = %q, want %q", w.position, e.Name, w.name)
		}
		if e.Note != w.note {
			t.Errorf("%s: note = %q, want %q", w.position, e.Note, w.note)
		}
		if w.err != "" {
			if e.Err == nil || e.Err.Error() != w.err {
				t.Errorf("%s: error = %v\nwant    %s", w.position, e.Err, w.err)
			}
			continue
		}
		if e.Err != nil {
			t.Errorf("%s: unexpected error %v", w.position, e.Err)
			continue
		}
		if !e.Key.Equal(w.key) {
			t.Errorf("%s: key = %s secret %x\nwant      %s secret %x", w.position, e.Key.Redacted(), e.Key.Secret, w.key.Redacted(), w.key.Secret)
		}
	}
}

func TestDetectFixtures(t *testing.T) {
	for name, want := range map[string]Format{
		"aegis.json":                        FormatAegis,
		"aegis-malformed.json":              FormatAegis,
		"aegis-encrypted.json":              FormatAegis,
		"2fas.json":                         Format2FAS,
		"2fas-malformed.json":               Format2FAS,
		"2fas-encrypted.json":               Format2FAS,
		"andotp.json":                       FormatAndOTP,
		"andotp-malformed.json":             FormatAndOTP,
		"bitwarden.json":                    FormatBitwarden,
		"bitwarden-malformed.json":          FormatBitwarden,
		"bitwarden-encrypted-password.json": FormatBitwarden,
		"bitwarden-encrypted-account.json":  FormatBitwarden,
		"uris.txt":                          FormatURIs,
		"backup.json":                       FormatBackup,
	} {
		got, err := Detect(readFixture(t, name))
		if err != nil || got != want {
			t.Errorf("Detect(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestDetectContent(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    string
		want    Format
		wantErr string
	}{
		{"byte order mark", "\xef\xbb\xbf  [ ]", FormatAndOTP, ""},
		{"uris after comments", "# header\n\n  # more\notpauth://totp/x?secret=AAAA", FormatURIs, ""},
		{"migration uri", "OTPAUTH-MIGRATION://offline?data=x", FormatURIs, ""},
		{"only comments", "# nothing yet\n", FormatURIs, ""},
		{"empty", "", "", "unknown backup format: file is empty"},
		{"white space", " \r\n\t", "", "unknown backup format: file is empty"},
		{"other json", `{"hello": "world"}`, "", `unknown backup format: JSON object has none of the fields of a known backup (Aegis "db", 2FAS "services", Bitwarden "items", totp "format")`},
		{"other backup format", `{"format": "other", "accounts": []}`, "", `unknown backup format: JSON field "format" is not "totp-backup"`},
		{"invalid json", `{"db": SECRETSECRET}`, "", "unknown backup format: file starts like JSON but is not valid JSON: invalid JSON at byte 8"},
		{"plain text", "JBSWY3DPEHPK3PXP\n", "", "unknown backup format: file is text but neither JSON nor otpauth URIs one a line; the supported formats are Aegis, 2FAS, andOTP and Bitwarden JSON exports, totp JSON backups and lists of otpauth URIs"},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00", "", "unknown backup format: file is an image, not a backup; pass images to the QR code reader instead"},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", "", "unknown backup format: file is an image, not a backup; pass images to the QR code reader instead"},
		{"binary", "\x00\x00\x27\x10\x8f\x93", "", "unknown backup format: file is binary, not a JSON or text backup; if it is an encrypted andOTP backup (.json.aes), make a plain backup in andOTP instead"},
		{"openpgp", "-----BEGIN PGP MESSAGE-----\n\nhQEMA...\n", "", "backup is encrypted: file is an OpenPGP-encrypted message, such as an andOTP backup encrypted with OpenPGP; make a plain backup in andOTP instead"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Detect([]byte(tc.data))
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Errorf("Detect = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Errorf("Detect error = %v\nwant           %s", err, tc.wantErr)
			}
		})
	}
}

func TestDetectAndOTPEncrypted(t *testing.T) {
	_, err := Detect(readFixture(t, "andotp-encrypted.json.aes"))
	if !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("error = %v, want ErrUnknownFormat", err)
	}
	if !strings.Contains(err.Error(), "make a plain backup in andOTP") {
		t.Errorf("error %q does not say how to make a plain backup", err)
	}
}

func TestParseAegis(t *testing.T) {
	assertEntries(t, parseFixture(t, "aegis.json", FormatAegis), []want{
		{position: "entry 1", key: totpKey(t, "GitHub", "alice@example.com", "HHHWG7IYP673VH27", totp.SHA1, 6, 30)},
		{position: "entry 2", key: totpKey(t, "Bank Ünïcødé 銀行", "bob", "P7PG5F5YIQLDRZ2NQ7ISSVVGEUBHWKX6", totp.SHA256, 8, 60)},
		{position: "entry 3", key: hotpKey(t, "Forge", "carol", "YSFFIGXXOEJSNPR2LFMT3KNVOCX74DE5", totp.SHA512, 7, 42)},
		{position: "entry 4", key: steamKey(t, "Steam", "gamer", "W7DDCKCSCIZBQYQG")},
	})
}

func TestParseAegisMalformed(t *testing.T) {
	assertEntries(t, parseFixture(t, "aegis-malformed.json", FormatAegis), []want{
		{position: "entry 1", key: totpKey(t, "Good", "first", "LRO53GPWZMIJIBEX57OFG7TQGYJUANTK", totp.SHA1, 6, 30)},
		{position: "entry 2", err: `"Mobile:pin": type "motp" is not supported; only totp, hotp and steam are`},
		{position: "entry 3", err: `"Broken:typo": secret contains a character outside base32 (A-Z, 2-7)`},
		{position: "entry 4", err: `"Broken:words": field "info.digits" is a JSON string, expected a whole number`},
		{position: "entry 5", err: `"Broken:old": unknown algorithm "MD5"; use SHA1, SHA256 or SHA512`},
		{position: "entry 6", err: `"Broken:nothing": secret is empty`},
		{position: "entry 7", err: `"Broken:nocounter": hotp account has no counter`},
		{position: "entry 8", err: `"Broken:short": invalid key: digits must be between 6 and 10, got 4`},
		{position: "entry 9", err: `entry is a string, expected an object`},
		{position: "entry 10", key: totpKey(t, "Good", "last", "HM63QSLFH25BTBL6YZGPO2PV6A3BAZQF", totp.SHA512, 6, 30)},
	})
}

func TestParse2FAS(t *testing.T) {
	assertEntries(t, parseFixture(t, "2fas.json", Format2FAS), []want{
		{position: "entry 1", key: totpKey(t, "GitLab", "dave@example.com", "Y255GT7RYDYWOGDXUFJ44J6VNCAPUDMS", totp.SHA1, 6, 30)},
		{position: "entry 2", key: totpKey(t, "Mail Ünïcødé", "erin", "TQCJAXOSPCOFMZN4", totp.SHA512, 8, 60)},
		{position: "entry 3", key: hotpKey(t, "Forge", "frank", "UYS63J3TK5QONI5OCOYRZPWURV7SRXZ6", totp.SHA1, 6, 5)},
		{position: "entry 4", key: steamKey(t, "Steam", "gamer", "5FWCEUGROTW5PPVMYGPY3HZFTTT4AZHI")},
	})
}

func TestParse2FASMalformed(t *testing.T) {
	assertEntries(t, parseFixture(t, "2fas-malformed.json", Format2FAS), []want{
		{position: "entry 1", key: totpKey(t, "Good", "first", "MNFX6NY2YCYD4QE5", totp.SHA1, 6, 30)},
		{position: "entry 2", err: `"Broken:sha224": unknown algorithm "SHA224"; use SHA1, SHA256 or SHA512`},
		{position: "entry 3", err: `"Broken:yandex": type "YAOTP" is not supported; only totp, hotp and steam are`},
		{position: "entry 4", err: `"Broken:empty": secret is empty`},
		{position: "entry 5", err: `"Broken:zero": invalid key: period must be between 1 and 86400 seconds, got 0`},
		{position: "entry 6", err: `"Broken:negative": counter is negative (-3)`},
		{position: "entry 7", err: `"Broken:number": field "secret" is a JSON number, expected a string`},
		{position: "entry 8", key: totpKey(t, "Good", "last", "EFPJL23DIBTDTZN4YDLCGMPRZ6R6WEJD", totp.SHA1, 6, 30)},
	})
}

func TestParseAndOTP(t *testing.T) {
	assertEntries(t, parseFixture(t, "andotp.json", FormatAndOTP), []want{
		{position: "entry 1", key: totpKey(t, "Cloud", "grace@example.com", "PH7VSZ77CWJIFM2J", totp.SHA1, 6, 30)},
		{position: "entry 2", key: totpKey(t, "Chat 🙂", "heidi", "OV3H6HSQOGD2PTJ3S5A7IXP2ZNEHDMZO", totp.SHA256, 8, 45)},
		{position: "entry 3", key: hotpKey(t, "VPN", "ivan", "PA5B757XSQ6PQCJH6R66VYNLWD33HDWX", totp.SHA1, 6, 17)},
		{position: "entry 4", key: steamKey(t, "Steam", "gamer", "ZX3UXEAJ6DZ54P5P")},
		{position: "entry 5", key: totpKey(t, "Legacy", "judy", "CIK4YRPVHII33GG2CECVTJDABUIZKKRI", totp.SHA1, 6, 30)},
	})
}

func TestParseAndOTPMalformed(t *testing.T) {
	assertEntries(t, parseFixture(t, "andotp-malformed.json", FormatAndOTP), []want{
		{position: "entry 1", key: totpKey(t, "Good", "first", "INM5QQV2VN2KRCEXBI6L4NWNYIDOMKR6", totp.SHA1, 6, 30)},
		{position: "entry 2", err: `"Broken:cut": secret has 30 base32 characters, which is not a length that base32 produces; check that it was copied in full`},
		{position: "entry 3", err: `"Broken:period": invalid key: period must be between 1 and 86400 seconds, got 90000`},
		{position: "entry 4", err: `"Broken:steam6": invalid key: digits must be 5 for a steam key, got 6`},
		{position: "entry 5", err: `"Broken\a:bell": invalid key: issuer contains a control character`},
		{position: "entry 6", err: `entry is null, expected an object`},
		{position: "entry 7", key: totpKey(t, "Good", "last", "35OILSYSIOTW4NGL", totp.SHA1, 6, 30)},
	})
}

func TestParseBitwarden(t *testing.T) {
	assertEntries(t, parseFixture(t, "bitwarden.json", FormatBitwarden), []want{
		{position: "item 1", key: totpKey(t, "Shop", "karl@example.com", "ADQIMYXHJYC64E34B664YDRNWQLEHOCS", totp.SHA256, 8, 30)},
		{position: "item 2", key: totpKey(t, "Forum", "liam", "4NRB6XZZCWTVQ3SRGUUC2CXVKXK3572W", totp.SHA1, 6, 30),
			note: "TOTP field is a bare secret: read as SHA1, 6 digits, 30 seconds, named after the item and its username"},
		{position: "item 5", key: steamKey(t, "Steam", "gamer", "HHHWG7IYP673VH27")},
		{position: "item 6", key: hotpKey(t, "Wiki", "nina", "B7LGYKZJ376G7SLP", totp.SHA1, 6, 3),
			note: "issuer taken from the item name, account taken from the username, because the URI has none"},
	})
}

func TestParseBitwardenMalformed(t *testing.T) {
	assertEntries(t, parseFixture(t, "bitwarden-malformed.json", FormatBitwarden), []want{
		{position: "item 1", key: totpKey(t, "Good", "first", "MNFX6NY2YCYD4QE5", totp.SHA1, 6, 30),
			note: "TOTP field is a bare secret: read as SHA1, 6 digits, 30 seconds, named after the item and its username"},
		{position: "item 2", err: `"Broken:typo": secret contains a character outside base32 (A-Z, 2-7)`},
		{position: "item 3", err: `"Broken:web": TOTP field is a URI, but not otpauth:// or steam://`},
		{position: "item 4", err: `"Broken:uri": invalid otpauth URI: digits must be between 6 and 10, got 12`},
		{position: "item 5", err: `"Broken:steam": secret is empty`},
		{position: "item 6", err: `"Broken": field "login" is a JSON string, expected an object`},
		{position: "item 7", key: totpKey(t, "Good", "last", "EFPJL23DIBTDTZN4YDLCGMPRZ6R6WEJD", totp.SHA1, 6, 30)},
	})
}

func TestParseURIs(t *testing.T) {
	const batch1 = "from batch 1 of 2 of a Google Authenticator export"
	const batch2 = "from batch 2 of 2 of a Google Authenticator export"
	raw := func(s string) []byte { return []byte(s) }

	assertEntries(t, parseFixture(t, "uris.txt", FormatURIs), []want{
		{position: "line 3", key: totpKey(t, "GitHub", "alice@example.com", "HHHWG7IYP673VH27", totp.SHA1, 6, 30)},
		{position: "line 4", key: hotpKey(t, "Forge", "carol", "YSFFIGXXOEJSNPR2LFMT3KNVOCX74DE5", totp.SHA512, 7, 42)},
		{position: "line 6", key: steamKey(t, "Steam", "gamer", "W7DDCKCSCIZBQYQG")},
		{position: "line 7", key: totpKey(t, "銀行", "bob", "P7PG5F5YIQLDRZ2NQ7ISSVVGEUBHWKX6", totp.SHA256, 8, 60)},
		{position: "line 9, entry 1", note: batch1,
			key: totp.Key{Type: totp.TOTP, Issuer: "Mail", Account: "olivia@example.com", Secret: raw("made-up secret 1"), Algorithm: totp.SHA1, Digits: 6, Period: 30}},
		{position: "line 9, entry 2", note: batch1,
			key: totp.Key{Type: totp.HOTP, Issuer: "Shop", Account: "peter", Secret: raw("made-up secret 2"), Algorithm: totp.SHA256, Digits: 8, Counter: 9}},
		{position: "line 10, entry 1", note: batch2,
			err: `"Legacy:quinn": algorithm MD5 is not supported; only SHA1, SHA256 and SHA512 are`},
		{position: "line 10, entry 2", note: batch2,
			key: totp.Key{Type: totp.TOTP, Issuer: "Ünïcødé", Account: "rosa", Secret: raw("made-up secret 4"), Algorithm: totp.SHA512, Digits: 6, Period: 30}},
		{position: "line 11", err: "line is not an otpauth:// or otpauth-migration:// URI"},
		{position: "line 12", err: "invalid otpauth URI: missing secret parameter"},
		{position: "line 13", err: "invalid otpauth-migration URI: data parameter is not valid base64; check that the whole URI was copied: illegal base64 data at input byte 3"},
		{position: "line 14", key: totpKey(t, "Last", "one", "TQCJAXOSPCOFMZN4", totp.SHA1, 6, 30)},
	})
}

func TestParseURIsOnlyComments(t *testing.T) {
	format, entries, err := Parse([]byte("# nothing here\n\n"))
	if err != nil || format != FormatURIs || len(entries) != 0 {
		t.Errorf("Parse = %q, %d entries, %v; want uris, 0 entries, no error", format, len(entries), err)
	}
}

func TestParseBackup(t *testing.T) {
	assertEntries(t, parseFixture(t, "backup.json", FormatBackup), []want{
		{position: "entry 1", name: "github-alice-example-com", key: totpKey(t, "GitHub", "alice@example.com", "HHHWG7IYP673VH27", totp.SHA1, 6, 30)},
		{position: "entry 2", name: "forge-carol", key: hotpKey(t, "Forge", "carol", "YSFFIGXXOEJSNPR2LFMT3KNVOCX74DE5", totp.SHA512, 7, 42)},
		{position: "entry 3", name: "steam-gamer", key: steamKey(t, "Steam", "gamer", "W7DDCKCSCIZBQYQG")},
		{position: "entry 4", name: "broken", err: `"broken": invalid otpauth URI: missing secret parameter`},
		{position: "entry 5", name: "bank-bob", key: totpKey(t, "Bank", "bob", "P7PG5F5YIQLDRZ2NQ7ISSVVGEUBHWKX6", totp.SHA256, 8, 60)},
	})
}

func TestParseEncrypted(t *testing.T) {
	for name, wantErr := range map[string]string{
		"aegis-encrypted.json":              "reading Aegis backup: backup is encrypted: this Aegis backup is encrypted; export it again unencrypted with Settings > Import & Export > Export, with encryption turned off",
		"2fas-encrypted.json":               "reading 2FAS backup: backup is encrypted: this 2FAS backup is protected with a password; export it again from 2FAS without a password",
		"bitwarden-encrypted-password.json": `reading Bitwarden export: backup is encrypted: this Bitwarden export is encrypted; export the vault again with the file format ".json", not ".json (Encrypted)"`,
		"bitwarden-encrypted-account.json":  `reading Bitwarden export: backup is encrypted: this Bitwarden export is encrypted; export the vault again with the file format ".json", not ".json (Encrypted)"`,
	} {
		t.Run(name, func(t *testing.T) {
			_, entries, err := Parse(readFixture(t, name))
			if !errors.Is(err, ErrEncrypted) {
				t.Errorf("error %v does not wrap ErrEncrypted", err)
			}
			if err == nil || err.Error() != wantErr {
				t.Errorf("error = %v\nwant    %s", err, wantErr)
			}
			if entries != nil {
				t.Errorf("got %d entries, want none", len(entries))
			}
		})
	}
}

func TestParseFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"aegis version", `{"version": 2, "header": {}, "db": {"entries": []}}`, "reading Aegis backup: vault version 2 is not supported; only version 1 is"},
		{"aegis no entries", `{"version": 1, "header": {}, "db": {}}`, `reading Aegis backup: db has no "entries" array`},
		{"aegis db type", `{"version": 1, "header": {}, "db": [1]}`, `reading Aegis backup: db: found a JSON array, expected an object`},
		{"aegis entries type", `{"version": 1, "header": {}, "db": {"entries": {}}}`, `reading Aegis backup: db: field "entries" is a JSON object, expected an array`},
		{"2fas no services", `{"servicesEncrypted": "", "schemaVersion": 4}`, `reading 2FAS backup: no "services" array`},
		{"andotp cut short", `[1, 2`, "reading andOTP backup: invalid JSON at byte 5"},
		{"bitwarden no items", `{"encrypted": false}`, `reading Bitwarden export: no "items" array`},
		{"backup newer", `{"format": "totp-backup", "version": 2, "accounts": []}`, "reading totp JSON backup: backup version 2 is newer than this totp reads (version 1); update totp to read it"},
		{"backup version missing", `{"format": "totp-backup", "accounts": []}`, "reading totp JSON backup: backup version 0 is not valid; expected 1"},
		{"backup no accounts", `{"format": "totp-backup", "version": 1}`, `reading totp JSON backup: no "accounts" array`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Parse([]byte(tc.data))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v\nwant    %s", err, tc.want)
			}
		})
	}
}

func TestParseNumberNotQuoted(t *testing.T) {
	_, entries, err := Parse([]byte(`[{"secret": "AAAAAAAA", "digits": 6.123456789, "type": "TOTP"}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := `field "digits" is a JSON number, expected a whole number`
	if len(entries) != 1 || entries[0].Err == nil || entries[0].Err.Error() != want {
		t.Errorf("entries = %+v, want one with error %q", entries, want)
	}
}

func TestParseAndOTPInvalidJSON(t *testing.T) {
	data := `[{"secret": "SECRETSECRETSECRET", "label": x}]`
	_, _, err := Parse([]byte(data))
	if err == nil {
		t.Fatal("want an error")
	}
	want := fmt.Sprintf("reading andOTP backup: invalid JSON at byte %d", strings.Index(data, "x")+1)
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

// secretPattern matches the base32 and otpauth secrets in the fixtures.
var secretPattern = regexp.MustCompile(`[A-Z2-7]{16,}|[a-z2-7 ]{20,}|made-up secret \d`)

func TestErrorsHideSecrets(t *testing.T) {
	for _, name := range []string{
		"aegis-malformed.json", "2fas-malformed.json", "andotp-malformed.json",
		"bitwarden-malformed.json", "uris.txt", "backup.json",
		"aegis-encrypted.json", "2fas-encrypted.json", "bitwarden-encrypted-password.json",
	} {
		data := readFixture(t, name)
		secrets := secretPattern.FindAllString(string(data), -1)
		if len(secrets) == 0 && !strings.Contains(name, "encrypted") {
			t.Fatalf("%s: no secrets found to check", name)
		}

		_, entries, err := Parse(data)
		var messages []string
		if err != nil {
			messages = append(messages, err.Error())
		}
		for _, e := range entries {
			if e.Err != nil {
				messages = append(messages, e.Err.Error())
			}
			messages = append(messages, e.Note)
		}
		for _, message := range messages {
			for _, secret := range secrets {
				if strings.Contains(message, strings.TrimSpace(secret)) {
					t.Errorf("%s: message %q contains secret %q", name, message, secret)
				}
			}
		}
	}
}

// checkParse is the property that every fuzz target checks: Parse returns
// without panicking, and every entry is either a valid key or an error of
// one line.
func checkParse(t *testing.T, data []byte) {
	format, entries, err := Parse(data)
	if err != nil {
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q has more than one line", err)
		}
		return
	}
	if format == "" {
		t.Error("Parse returned no format and no error")
	}
	for _, e := range entries {
		if e.Position == "" {
			t.Error("entry without a position")
		}
		if e.Err != nil {
			if strings.Contains(e.Err.Error(), "\n") {
				t.Errorf("%s: error %q has more than one line", e.Position, e.Err)
			}
			continue
		}
		if err := e.Key.Validate(); err != nil {
			t.Errorf("%s: key %s is invalid: %v", e.Position, e.Key.Redacted(), err)
		}
	}
}

func addFixtures(f *testing.F, names ...string) {
	for _, name := range names {
		f.Add(readFixture(f, name))
	}
}

func FuzzParseAegis(f *testing.F) {
	addFixtures(f, "aegis.json", "aegis-malformed.json", "aegis-encrypted.json")
	f.Fuzz(checkParse)
}

func FuzzParse2FAS(f *testing.F) {
	addFixtures(f, "2fas.json", "2fas-malformed.json", "2fas-encrypted.json")
	f.Fuzz(checkParse)
}

func FuzzParseAndOTP(f *testing.F) {
	addFixtures(f, "andotp.json", "andotp-malformed.json", "andotp-encrypted.json.aes")
	f.Fuzz(checkParse)
}

func FuzzParseBitwarden(f *testing.F) {
	addFixtures(f, "bitwarden.json", "bitwarden-malformed.json", "bitwarden-encrypted-password.json", "bitwarden-encrypted-account.json")
	f.Fuzz(checkParse)
}

func FuzzParseURIs(f *testing.F) {
	addFixtures(f, "uris.txt")
	f.Fuzz(checkParse)
}

func FuzzParseBackup(f *testing.F) {
	addFixtures(f, "backup.json")
	f.Fuzz(checkParse)
}
