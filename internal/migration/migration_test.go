package migration

import (
	"encoding/base64"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/totp-cli/totp/internal/totp"
)

// examplePayload is a one-account export published as an example by several
// open-source decoders. Its secret is the well-known example secret
// JBSWY3DPEHPK3PXP, and it sets only the secret, name, issuer and type.
const examplePayload = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC"

// param is one account of a hand-built payload. Zero enum values are
// left out of the wire data, as protobuf encoders do.
type param struct {
	secret                    []byte
	name, issuer              string
	algorithm, digits, otpTyp uint64
	counter                   int64
}

// header is the batch fields of a hand-built payload.
type header struct {
	version, size, index int32
	id                   int32
}

// buildPayload encodes a payload with protowire, field by field, without
// the generated code, so that a wrong field number in migration.proto makes
// the tests fail.
func buildPayload(h header, params ...param) []byte {
	var b []byte
	for _, p := range params {
		var inner []byte
		if p.secret != nil {
			inner = protowire.AppendTag(inner, 1, protowire.BytesType)
			inner = protowire.AppendBytes(inner, p.secret)
		}
		if p.name != "" {
			inner = protowire.AppendTag(inner, 2, protowire.BytesType)
			inner = protowire.AppendString(inner, p.name)
		}
		if p.issuer != "" {
			inner = protowire.AppendTag(inner, 3, protowire.BytesType)
			inner = protowire.AppendString(inner, p.issuer)
		}
		for _, field := range []struct {
			number protowire.Number
			value  uint64
		}{{4, p.algorithm}, {5, p.digits}, {6, p.otpTyp}, {7, uint64(p.counter)}} {
			if field.value != 0 {
				inner = protowire.AppendTag(inner, field.number, protowire.VarintType)
				inner = protowire.AppendVarint(inner, field.value)
			}
		}
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, inner)
	}
	for _, field := range []struct {
		number protowire.Number
		value  int32
	}{{2, h.version}, {3, h.size}, {4, h.index}, {5, h.id}} {
		if field.value != 0 {
			b = protowire.AppendTag(b, field.number, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(int64(field.value)))
		}
	}
	return b
}

// uriFor returns an export URI with data percent-encoded, as Google
// Authenticator writes it.
func uriFor(data []byte) string {
	return "otpauth-migration://offline?data=" + url.QueryEscape(base64.StdEncoding.EncodeToString(data))
}

func mustDecode(t *testing.T, uri string) Batch {
	t.Helper()
	batch, err := Decode(uri)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return batch
}

func assertKeys(t *testing.T, got, want []totp.Key) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d keys, want %d: %v", len(got), len(want), redactAll(got))
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("key %d = %s secret %x, want %s secret %x", i+1, got[i].Redacted(), got[i].Secret, want[i].Redacted(), want[i].Secret)
		}
	}
}

func redactAll(keys []totp.Key) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.Redacted())
	}
	return out
}

func TestDecodePublishedExample(t *testing.T) {
	batch := mustDecode(t, examplePayload)

	assertKeys(t, batch.Keys, []totp.Key{{
		Type: totp.TOTP, Issuer: "Example", Account: "alice@google.com",
		Secret: []byte("Hello!\xde\xad\xbe\xef"), Algorithm: totp.SHA1, Digits: 6, Period: 30,
	}})
	if got := totp.EncodeSecret(batch.Keys[0].Secret); got != "JBSWY3DPEHPK3PXP" {
		t.Errorf("secret = %s, want JBSWY3DPEHPK3PXP", got)
	}
	if len(batch.Errors) != 0 {
		t.Errorf("errors = %v, want none", batch.Errors)
	}
	if batch.Index != 0 || batch.Size != 0 || batch.ID != 0 {
		t.Errorf("batch index/size/id = %d/%d/%d, want 0/0/0", batch.Index, batch.Size, batch.ID)
	}
}

// TestDecodeProtocGolden decodes a payload that protoc encoded from
// testdata/every-value.txtpb (see testdata/make-golden.sh).
func TestDecodeProtocGolden(t *testing.T) {
	golden, err := os.ReadFile("testdata/every-value.golden")
	if err != nil {
		t.Fatal(err)
	}
	batch := mustDecode(t, string(golden))

	assertKeys(t, batch.Keys, []totp.Key{
		{Type: totp.TOTP, Account: "unspecified@example.com", Secret: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "Example", Account: "sha1@example.com", Secret: []byte("sha1-six-totp"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.HOTP, Issuer: "Bank", Account: "sha256@example.com", Secret: []byte("sha256-eight-hotp"), Algorithm: totp.SHA256, Digits: 8, Counter: 42},
		{Type: totp.TOTP, Issuer: "Büro", Account: "jürgen@example.de", Secret: []byte("sha512-totp"), Algorithm: totp.SHA512, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "例え", Account: "日本語の名前", Secret: []byte{0xff, 0xfe, 0xfd, 0xfc, 0xfb}, Algorithm: totp.SHA1, Digits: 6, Period: 30},
	})

	wantErrors := []struct {
		index int
		text  string
	}{
		{5, `entry 5 ("Legacy:old@example.com"): algorithm MD5 is not supported; only SHA1, SHA256 and SHA512 are`},
		{6, `entry 6 ("a@example.com"): unknown algorithm value 9; expected 1 (SHA1), 2 (SHA256) or 3 (SHA512)`},
		{7, `entry 7 ("b@example.com"): unknown digits value 3; expected 1 (6 digits) or 2 (8 digits)`},
		{8, `entry 8 ("c@example.com"): unknown type value 5; expected 1 (hotp) or 2 (totp)`},
		{9, `entry 9 ("Empty:no-secret@example.com"): secret is empty`},
		{10, `entry 10 ("d@example.com"): counter is negative (-1)`},
	}
	if len(batch.Errors) != len(wantErrors) {
		t.Fatalf("got %d errors, want %d: %v", len(batch.Errors), len(wantErrors), batch.Errors)
	}
	for i, want := range wantErrors {
		var entryErr *EntryError
		if !errors.As(batch.Errors[i], &entryErr) {
			t.Errorf("error %d is %T, want *EntryError", i, batch.Errors[i])
			continue
		}
		if entryErr.Index != want.index {
			t.Errorf("error %d index = %d, want %d", i, entryErr.Index, want.index)
		}
		if got := batch.Errors[i].Error(); got != want.text {
			t.Errorf("error %d = %q, want %q", i, got, want.text)
		}
	}

	if batch.Index != 1 || batch.Size != 3 || batch.ID != -123456789 {
		t.Errorf("batch index/size/id = %d/%d/%d, want 1/3/-123456789", batch.Index, batch.Size, batch.ID)
	}
}

func TestDecodeHandBuiltBatches(t *testing.T) {
	const batchID = 987654
	first := buildPayload(header{version: 1, size: 2, index: 0, id: batchID},
		param{secret: []byte("first-secret"), name: "GitHub:alice", issuer: "GitHub", algorithm: 1, digits: 1, otpTyp: 2},
		param{secret: []byte("second-secret"), name: "bob", issuer: "GitLab", algorithm: 3, digits: 2, otpTyp: 2},
	)
	second := buildPayload(header{version: 1, size: 2, index: 1, id: batchID},
		param{secret: []byte("third-secret"), name: "carol", algorithm: 2, digits: 1, otpTyp: 1, counter: 7},
	)

	batch := mustDecode(t, uriFor(first))
	assertKeys(t, batch.Keys, []totp.Key{
		{Type: totp.TOTP, Issuer: "GitHub", Account: "alice", Secret: []byte("first-secret"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "GitLab", Account: "bob", Secret: []byte("second-secret"), Algorithm: totp.SHA512, Digits: 8, Period: 30},
	})
	if batch.Index != 0 || batch.Size != 2 || batch.ID != batchID {
		t.Errorf("first batch index/size/id = %d/%d/%d, want 0/2/%d", batch.Index, batch.Size, batch.ID, batchID)
	}

	batch = mustDecode(t, uriFor(second))
	assertKeys(t, batch.Keys, []totp.Key{
		{Type: totp.HOTP, Account: "carol", Secret: []byte("third-secret"), Algorithm: totp.SHA256, Digits: 6, Counter: 7},
	})
	if batch.Index != 1 || batch.Size != 2 || batch.ID != batchID {
		t.Errorf("second batch index/size/id = %d/%d/%d, want 1/2/%d", batch.Index, batch.Size, batch.ID, batchID)
	}
}

func TestDecodeDataEncodings(t *testing.T) {
	// These secrets give base64 text with "+", "/" and padding, so each
	// encoding differs from the others.
	secret := []byte{0xfb, 0x3e, 0xbf, 0xf0}
	data := buildPayload(header{}, param{secret: secret, name: "plus-slash", otpTyp: 2})
	std := base64.StdEncoding.EncodeToString(data)
	if !strings.Contains(std, "+") || !strings.Contains(std, "/") || !strings.HasSuffix(std, "=") {
		t.Fatalf("test data %q needs +, / and padding", std)
	}
	urlSafe := base64.URLEncoding.EncodeToString(data)

	for _, tc := range []struct{ name, uri string }{
		{"percent-encoded", "otpauth-migration://offline?data=" + url.QueryEscape(std)},
		{"raw", "otpauth-migration://offline?data=" + std},
		{"raw without padding", "otpauth-migration://offline?data=" + strings.TrimRight(std, "=")},
		{"url-safe", "otpauth-migration://offline?data=" + urlSafe},
		{"url-safe without padding", "otpauth-migration://offline?data=" + strings.TrimRight(urlSafe, "=")},
		{"plus decoded as space", "otpauth-migration://offline?data=" + strings.ReplaceAll(std, "+", " ")},
		{"lower-case percent escapes", "otpauth-migration://offline?data=" + strings.NewReplacer("+", "%2b", "/", "%2f", "=", "%3d").Replace(std)},
		{"upper-case scheme and host", "OTPAUTH-MIGRATION://OFFLINE?data=" + std},
		{"slash after host", "otpauth-migration://offline/?data=" + std},
		{"other parameters", "otpauth-migration://offline?x=1&data=" + std + "&y=%zz"},
		{"surrounding space", "  otpauth-migration://offline?data=" + std + "\n"},
		{"wrapped line", "otpauth-migration://offline?data=" + std[:4] + "\n" + std[4:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			batch := mustDecode(t, tc.uri)
			assertKeys(t, batch.Keys, []totp.Key{
				{Type: totp.TOTP, Account: "plus-slash", Secret: secret, Algorithm: totp.SHA1, Digits: 6, Period: 30},
			})
		})
	}
}

func TestDecodeNames(t *testing.T) {
	for _, tc := range []struct {
		name, issuer            string
		wantIssuer, wantAccount string
	}{
		{"alice", "", "", "alice"},
		{"GitHub:alice", "", "GitHub", "alice"},
		{"GitHub: alice", "", "GitHub", "alice"},
		{"GitHub:alice", "GitHub", "GitHub", "alice"},
		{"Old Name:alice", "New Name", "New Name", "alice"},
		{"alice", "GitHub", "GitHub", "alice"},
		{"a:b:c", "", "a", "b:c"},
		{"Co:op:alice", "Co:op", "Co:op", "alice"},
		{":a:b", "", "", "a:b"},
		{"Ünïcødé 名前 🙂", "Émetteur", "Émetteur", "Ünïcødé 名前 🙂"},
		{"Émetteur:Ünïcødé", "Émetteur", "Émetteur", "Ünïcødé"},
		{"a+b&c=d%20e", "x/y?z", "x/y?z", "a+b&c=d%20e"},
		{"", "", "", ""},
		{" spaced ", " Issuer ", "Issuer", "spaced"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			batch := mustDecode(t, uriFor(buildPayload(header{}, param{secret: []byte("s"), name: tc.name, issuer: tc.issuer})))
			if len(batch.Keys) != 1 {
				t.Fatalf("got %d keys and errors %v, want 1 key", len(batch.Keys), batch.Errors)
			}
			if got := batch.Keys[0].Issuer; got != tc.wantIssuer {
				t.Errorf("issuer = %q, want %q", got, tc.wantIssuer)
			}
			if got := batch.Keys[0].Account; got != tc.wantAccount {
				t.Errorf("account = %q, want %q", got, tc.wantAccount)
			}
		})
	}
}

func TestDecodeBadEntries(t *testing.T) {
	for _, tc := range []struct {
		name  string
		param param
		want  string
	}{
		{"invalid utf-8 name", param{secret: []byte("s"), name: "bad\xff"}, "entry 2 (\"bad\ufffd\"): name is not valid UTF-8"},
		{"invalid utf-8 issuer", param{secret: []byte("s"), name: "n", issuer: "\xc0"}, "entry 2 (\"\ufffd:n\"): issuer is not valid UTF-8"},
		{"control character", param{secret: []byte("s"), name: "tab\there"}, `entry 2 ("tab\there"): invalid key: account contains a control character`},
		{"empty secret", param{secret: []byte{}, name: "x"}, `entry 2 ("x"): secret is empty`},
		{"no label", param{algorithm: 1}, `entry 2: secret is empty`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := param{secret: []byte("good"), name: "good"}
			batch := mustDecode(t, uriFor(buildPayload(header{}, good, tc.param, good)))

			if len(batch.Keys) != 2 {
				t.Errorf("got %d keys, want the 2 good ones", len(batch.Keys))
			}
			if len(batch.Errors) != 1 {
				t.Fatalf("got errors %v, want 1", batch.Errors)
			}
			if got := batch.Errors[0].Error(); got != tc.want {
				t.Errorf("error = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeTOTPCounterIgnored(t *testing.T) {
	batch := mustDecode(t, uriFor(buildPayload(header{}, param{secret: []byte("s"), name: "n", otpTyp: 2, counter: 99})))

	if len(batch.Keys) != 1 {
		t.Fatalf("got errors %v, want 1 key", batch.Errors)
	}
	if batch.Keys[0].Counter != 0 || batch.Keys[0].Period != 30 {
		t.Errorf("counter/period = %d/%d, want 0/30", batch.Keys[0].Counter, batch.Keys[0].Period)
	}
}

func TestDecodeErrors(t *testing.T) {
	good := param{secret: []byte("s"), name: "n"}
	goodData := base64.StdEncoding.EncodeToString(buildPayload(header{}, good))
	for _, tc := range []struct {
		name, uri, want string
	}{
		{"otpauth uri", "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
			"invalid otpauth-migration URI: is an otpauth:// URI of one account, not an otpauth-migration:// export"},
		{"no scheme", "CjEKCkhlbGxv",
			"invalid otpauth-migration URI: does not start with otpauth-migration://"},
		{"wrong host", "otpauth-migration://online?data=" + goodData,
			`invalid otpauth-migration URI: host is "online", expected offline`},
		{"no query", "otpauth-migration://offline",
			"invalid otpauth-migration URI: missing data parameter after otpauth-migration://offline?"},
		{"no data", "otpauth-migration://offline?x=1",
			"invalid otpauth-migration URI: missing data parameter"},
		{"data twice", "otpauth-migration://offline?data=" + goodData + "&data=" + goodData,
			"invalid otpauth-migration URI: data parameter appears more than once"},
		{"empty data", "otpauth-migration://offline?data=",
			"invalid otpauth-migration URI: data parameter is empty"},
		{"bad percent", "otpauth-migration://offline?data=ab%zz",
			"invalid otpauth-migration URI: data parameter is not valid percent-encoding; a % must be followed by two hex digits"},
		{"bad base64", "otpauth-migration://offline?data=Cj*EK",
			"invalid otpauth-migration URI: data parameter is not valid base64; check that the whole URI was copied: illegal base64 data at input byte 2"},
		{"impossible base64 length", "otpauth-migration://offline?data=CjEKC",
			"invalid otpauth-migration URI: data parameter is not valid base64; check that the whole URI was copied: illegal base64 data at input byte 4"},
		{"truncated protobuf", "otpauth-migration://offline?data=" + goodData[:8],
			// The protobuf library varies the space after "proto:" on purpose.
			"invalid otpauth-migration URI: data parameter is not a Google Authenticator export payload: proto:*"},
		{"no accounts", "otpauth-migration://offline?data=" + base64.StdEncoding.EncodeToString(buildPayload(header{version: 1})),
			"invalid otpauth-migration URI: payload contains no accounts; check that the whole QR code was scanned"},
		{"negative batch size", uriFor(buildPayload(header{size: -1}, good)),
			"invalid otpauth-migration URI: batch size is negative (-1)"},
		{"index past size", uriFor(buildPayload(header{size: 2, index: 2}, good)),
			"invalid otpauth-migration URI: batch index 2 is out of range for a batch size of 2"},
		{"index without size", uriFor(buildPayload(header{index: 1}, good)),
			"invalid otpauth-migration URI: batch index 1 is out of range for a batch size of 0"},
		{"negative index", uriFor(buildPayload(header{size: 2, index: -1}, good)),
			"invalid otpauth-migration URI: batch index -1 is out of range for a batch size of 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.uri)
			if err == nil {
				t.Fatal("Decode returned no error")
			}
			if !errors.Is(err, ErrInvalidURI) {
				t.Errorf("error %v does not wrap ErrInvalidURI", err)
			}
			if prefix, ok := strings.CutSuffix(tc.want, "*"); ok {
				if !strings.HasPrefix(err.Error(), prefix) {
					t.Errorf("error = %q\nwant prefix %q", err.Error(), prefix)
				}
			} else if err.Error() != tc.want {
				t.Errorf("error = %q\nwant    %q", err.Error(), tc.want)
			}
		})
	}
}

func TestDecodeErrorsHideSecrets(t *testing.T) {
	secret := []byte("do-not-print-this-secret")
	data := buildPayload(header{}, param{secret: secret, name: "n", algorithm: 4})
	encoded := base64.StdEncoding.EncodeToString(data)

	batch := mustDecode(t, uriFor(data))
	_, truncatedErr := Decode("otpauth-migration://offline?data=" + encoded[:len(encoded)-6])

	for _, err := range append(batch.Errors, truncatedErr) {
		if err == nil {
			t.Fatal("want an error")
		}
		text := err.Error()
		for _, leak := range []string{string(secret), totp.EncodeSecret(secret), encoded[:16]} {
			if strings.Contains(text, leak) {
				t.Errorf("error %q contains %q", text, leak)
			}
		}
	}
}

func testKeys() []totp.Key {
	return []totp.Key{
		{Type: totp.TOTP, Issuer: "GitHub", Account: "alice@example.com", Secret: []byte("12345678901234567890"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "Bank", Account: "bob", Secret: []byte("another secret"), Algorithm: totp.SHA256, Digits: 8, Period: 30},
		{Type: totp.HOTP, Issuer: "", Account: "counter", Secret: []byte{0, 1, 2, 3}, Algorithm: totp.SHA512, Digits: 6, Counter: 1<<63 - 1},
		{Type: totp.HOTP, Issuer: "Zero", Account: "start", Secret: []byte{9}, Algorithm: totp.SHA1, Digits: 8},
		{Type: totp.TOTP, Issuer: "Ünïcødé 名前", Account: "jürgen 🙂", Secret: []byte{0xff}, Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "Co:op", Account: "a:b", Secret: []byte("colons"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "", Account: "no:issuer", Secret: []byte("colon"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "Only Issuer", Account: "", Secret: []byte("x"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "a+b&c", Account: "d=e%f", Secret: []byte("y"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
		{Type: totp.TOTP, Issuer: "Last", Account: "z", Secret: []byte("z"), Algorithm: totp.SHA1, Digits: 6, Period: 30},
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	keys := testKeys()
	for _, perBatch := range []int{1, 3, 10, 100} {
		uris, err := Encode(keys, perBatch, -42)
		if err != nil {
			t.Fatalf("Encode(perBatch %d): %v", perBatch, err)
		}
		wantBatches := (len(keys) + perBatch - 1) / perBatch
		if len(uris) != wantBatches {
			t.Fatalf("perBatch %d: got %d URIs, want %d", perBatch, len(uris), wantBatches)
		}

		var got []totp.Key
		for i, uri := range uris {
			batch := mustDecode(t, uri)
			if batch.Index != i || batch.Size != wantBatches || batch.ID != -42 {
				t.Errorf("perBatch %d, URI %d: index/size/id = %d/%d/%d, want %d/%d/-42", perBatch, i, batch.Index, batch.Size, batch.ID, i, wantBatches)
			}
			if len(batch.Errors) != 0 {
				t.Errorf("perBatch %d, URI %d: errors %v", perBatch, i, batch.Errors)
			}
			got = append(got, batch.Keys...)
		}
		assertKeys(t, got, keys)
	}
}

// TestEncodeWireFormat checks Encode's output field by field with protowire,
// independently of the generated code.
func TestEncodeWireFormat(t *testing.T) {
	key := totp.Key{Type: totp.HOTP, Issuer: "Bank", Account: "bob", Secret: []byte("abc"), Algorithm: totp.SHA512, Digits: 8, Counter: 300}
	uris, err := Encode([]totp.Key{key}, 10, 77)
	if err != nil {
		t.Fatal(err)
	}

	raw, ok := strings.CutPrefix(uris[0], "otpauth-migration://offline?data=")
	if !ok {
		t.Fatalf("URI does not start with the export prefix")
	}
	if strings.ContainsAny(raw, "+/=") {
		t.Errorf("data is not percent-encoded")
	}
	text, err := url.QueryUnescape(raw)
	if err != nil {
		t.Fatal(err)
	}
	data, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		t.Fatal(err)
	}

	want := buildPayload(header{version: 1, size: 1, index: 0, id: 77},
		param{secret: []byte("abc"), name: "bob", issuer: "Bank", algorithm: 3, digits: 2, otpTyp: 1, counter: 300})
	if string(data) != string(want) {
		t.Errorf("payload = %x\nwant      %x", data, want)
	}
}

func TestEncodeRejects(t *testing.T) {
	base := totp.Key{Type: totp.TOTP, Issuer: "I", Account: "a", Secret: []byte("s"), Algorithm: totp.SHA1, Digits: 6, Period: 30}
	period60 := base
	period60.Account, period60.Period = "sixty", 60
	digits7 := base
	digits7.Account, digits7.Digits = "seven", 7
	steam := base
	steam.Issuer, steam.Account, steam.Steam, steam.Digits = "Steam", "gamer", true, 5
	bigCounter := totp.Key{Type: totp.HOTP, Account: "big", Secret: []byte("s"), Algorithm: totp.SHA1, Digits: 6, Counter: 1 << 63}
	invalid := base
	invalid.Account, invalid.Secret = "empty", nil

	_, err := Encode([]totp.Key{base, period60, digits7, steam, bigCounter, invalid}, 10, 1)
	want := `cannot write 5 of 6 accounts as a Google Authenticator export: ` +
		`account 2 ("I:sixty"): period is 60 s, but the format has only 30 s; ` +
		`account 3 ("I:seven"): digits is 7, but the format has only 6 and 8; ` +
		`account 4 ("Steam:gamer"): steam keys are not supported by the format; ` +
		`account 5 ("big"): counter 9223372036854775808 is above the format's maximum of 9223372036854775807; ` +
		`account 6 ("I:empty"): invalid key: secret is empty`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}

	many := []totp.Key{period60, period60, period60, period60, period60, period60, period60, base}
	_, err = Encode(many, 10, 1)
	if err == nil || !strings.HasSuffix(err.Error(), "; and 2 more") || !strings.HasPrefix(err.Error(), "cannot write 7 of 8 accounts") {
		t.Errorf("error = %v, want 7 of 8 with the last 2 counted", err)
	}
}

func TestEncodeArguments(t *testing.T) {
	if _, err := Encode(nil, 10, 1); err == nil || err.Error() != "no accounts to export" {
		t.Errorf("Encode(nil) error = %v", err)
	}
	if _, err := Encode(testKeys(), 0, 1); err == nil || err.Error() != "accounts per batch must be at least 1, got 0" {
		t.Errorf("Encode(perBatch 0) error = %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(examplePayload)
	golden, err := os.ReadFile("testdata/every-value.golden")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(golden))
	uris, err := Encode(testKeys(), 4, 5)
	if err != nil {
		f.Fatal(err)
	}
	for _, uri := range uris {
		f.Add(uri)
	}
	f.Add("otpauth-migration://offline?data=%")
	f.Add("otpauth-migration://offline?data=____")

	f.Fuzz(func(t *testing.T, uri string) {
		batch, err := Decode(uri)
		if err != nil {
			if !errors.Is(err, ErrInvalidURI) {
				t.Errorf("error %v does not wrap ErrInvalidURI", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q has more than one line", err)
			}
			return
		}

		for _, entryErr := range batch.Errors {
			var target *EntryError
			if !errors.As(entryErr, &target) {
				t.Errorf("entry error %v is %T, want *EntryError", entryErr, entryErr)
			}
		}
		var encodable []totp.Key
		for _, k := range batch.Keys {
			if err := k.Validate(); err != nil {
				t.Fatalf("decoded key %s is invalid: %v", k.Redacted(), err)
			}
			if CheckKey(k) == nil {
				encodable = append(encodable, k)
			}
		}
		if len(encodable) == 0 {
			return
		}

		again, err := Encode(encodable, len(encodable), batch.ID)
		if err != nil {
			t.Fatalf("Encode of decoded keys: %v", err)
		}
		assertKeys(t, mustDecode(t, again[0]).Keys, encodable)
	})
}
