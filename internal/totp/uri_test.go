package totp

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// sampleTime is the time at which the good URIs' codes were computed with
// oathtool 2.6.7 (oathtool -b --totp -N @1700000000 SECRET).
var sampleTime = time.Unix(1700000000, 0)

var (
	helloKey = []byte("Hello!\xde\xad\xbe\xef") // JBSWY3DPEHPK3PXP
	testKey  = []byte("totp-test-key-16")       // ORXXI4BNORSXG5BNNNSXSLJRGY
)

func TestParseURIGood(t *testing.T) {
	tests := []struct {
		name string
		uri  string
		want Key
		// code is the code at sampleTime, or for an HOTP key at its counter.
		code string
	}{
		{
			name: "minimal",
			uri:  "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP",
			want: Key{Type: TOTP, Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "324550",
		},
		{
			name: "lower-case secret in groups",
			uri:  "otpauth://totp/GitHub:alice?secret=jbsw%20y3dp%20ehpk%203pxp&issuer=GitHub",
			want: Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "324550",
		},
		{
			name: "secret in groups with plus signs",
			uri:  "otpauth://totp/GitHub:alice?secret=jbsw+y3dp+ehpk+3pxp&issuer=GitHub",
			want: Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "324550",
		},
		{
			name: "secret without padding",
			uri:  "otpauth://totp/Example:bob?secret=ORXXI4BNORSXG5BNNNSXSLJRGY&issuer=Example",
			want: Key{Type: TOTP, Issuer: "Example", Account: "bob", Secret: testKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "202486",
		},
		{
			name: "lower-case secret without padding",
			uri:  "otpauth://totp/Example:bob?secret=orxxi4bnorsxg5bnnnsxsljrgy&issuer=Example",
			want: Key{Type: TOTP, Issuer: "Example", Account: "bob", Secret: testKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "202486",
		},
		{
			name: "percent-encoded padding",
			uri:  "otpauth://totp/Example:bob?secret=ORXXI4BNORSXG5BNNNSXSLJRGY%3D%3D%3D%3D%3D%3D&issuer=Example",
			want: Key{Type: TOTP, Issuer: "Example", Account: "bob", Secret: testKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "202486",
		},
		{
			name: "literal padding",
			uri:  "otpauth://totp/Example:bob?secret=ORXXI4BNORSXG5BNNNSXSLJRGY======&issuer=Example",
			want: Key{Type: TOTP, Issuer: "Example", Account: "bob", Secret: testKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "202486",
		},
		{
			name: "lower-case sha256",
			uri:  "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=sha256",
			want: Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA256, Digits: 6, Period: 30},
			code: "049486",
		},
		{
			name: "period 60",
			uri:  "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&period=60",
			want: Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 60},
			code: "508648",
		},
		{
			name: "period 60 and 8 digits",
			uri:  "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&period=60&digits=8",
			want: Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 8, Period: 60},
			code: "19508648",
		},
		{
			name: "every parameter explicit",
			uri:  "otpauth://totp/Example:bob?secret=ORXXI4BNORSXG5BNNNSXSLJRGY&issuer=Example&algorithm=SHA256&digits=6&period=30",
			want: Key{Type: TOTP, Issuer: "Example", Account: "bob", Secret: testKey, Algorithm: SHA256, Digits: 6, Period: 30},
			code: "283951",
		},
		{
			name: "upper-case scheme, type and parameter names",
			uri:  "OTPAUTH://TOTP/GitHub:alice?Secret=JBSWY3DPEHPK3PXP&ISSUER=GitHub",
			want: Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "324550",
		},
		{
			name: "surrounding white space",
			uri:  "  otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP\r\n",
			want: Key{Type: TOTP, Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "324550",
		},
		{
			name: "unknown parameters ignored",
			uri:  "otpauth://totp/GitHub:alice?image=https%3A%2F%2Fexample.com%2Flogo.png&secret=JBSWY3DPEHPK3PXP&color=%zz&issuer=GitHub&&",
			want: Key{Type: TOTP, Issuer: "GitHub", Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "324550",
		},
		{
			name: "counter ignored for totp",
			uri:  "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&counter=abc",
			want: Key{Type: TOTP, Account: "alice", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			code: "324550",
		},
		{
			name: "hotp",
			uri:  "otpauth://hotp/RFC:4226?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=RFC&counter=7",
			want: Key{Type: HOTP, Issuer: "RFC", Account: "4226", Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 6, Counter: 7},
			code: "162583",
		},
		{
			name: "hotp 10 digits, period ignored",
			uri:  "otpauth://hotp/RFC:4226?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=RFC&counter=2&digits=10&period=x",
			want: Key{Type: HOTP, Issuer: "RFC", Account: "4226", Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 10, Counter: 2},
			code: "0137359152",
		},
		{
			name: "hotp largest counter",
			uri:  "otpauth://hotp/big?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=18446744073709551615",
			want: Key{Type: HOTP, Account: "big", Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 6, Counter: 1<<64 - 1},
			// oathtool --hotp -c 18446744073709551615 3132333435363738393031323334353637383930
			code: "094451",
		},
		{
			name: "steam encoder",
			uri:  "otpauth://totp/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Steam&encoder=steam",
			want: Key{Type: TOTP, Issuer: "Steam", Account: "gamer", Secret: mustDecode("63BEDWCQZKTQWPESARIERL5DTTQFCJTK"), Algorithm: SHA1, Digits: 5, Period: 30, Steam: true},
		},
		{
			name: "steam type with digits 5",
			uri:  "otpauth://steam/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Steam&digits=5",
			want: Key{Type: TOTP, Issuer: "Steam", Account: "gamer", Secret: mustDecode("63BEDWCQZKTQWPESARIERL5DTTQFCJTK"), Algorithm: SHA1, Digits: 5, Period: 30, Steam: true},
		},
		{
			name: "steam encoder in upper case",
			uri:  "otpauth://totp/gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&encoder=STEAM&digits=5&period=30&algorithm=SHA1",
			want: Key{Type: TOTP, Account: "gamer", Secret: mustDecode("63BEDWCQZKTQWPESARIERL5DTTQFCJTK"), Algorithm: SHA1, Digits: 5, Period: 30, Steam: true},
		},
		{
			name: "largest period",
			uri:  "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&period=86400&digits=10&algorithm=SHA512",
			want: Key{Type: TOTP, Account: "alice", Secret: helloKey, Algorithm: SHA512, Digits: 10, Period: 86400},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseURI(tt.uri)
			if err != nil {
				t.Fatalf("ParseURI: %v", err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			if tt.code != "" {
				code, err := got.Code(sampleTime)
				if err != nil {
					t.Fatalf("Code: %v", err)
				}
				if code != tt.code {
					t.Errorf("code: got %s, want %s", code, tt.code)
				}
			}
		})
	}
}

func mustDecode(s string) []byte {
	b, err := DecodeSecret(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseURILabels(t *testing.T) {
	const query = "secret=JBSWY3DPEHPK3PXP"
	tests := []struct {
		name    string
		uri     string
		issuer  string
		account string
	}{
		{"issuer and account", "otpauth://totp/GitHub:alice?" + query, "GitHub", "alice"},
		{"account only", "otpauth://totp/alice@example.com?" + query, "", "alice@example.com"},
		{"encoded separator", "otpauth://totp/GitHub%3Aalice?" + query, "GitHub", "alice"},
		{"lower-case encoded separator", "otpauth://totp/GitHub%3aalice?" + query, "GitHub", "alice"},
		{"encoded parts", "otpauth://totp/ACME%20Co:john.doe%40example.com?" + query, "ACME Co", "john.doe@example.com"},
		{"space after separator", "otpauth://totp/ACME%20Co:%20%20john?" + query, "ACME Co", "john"},
		{"literal space after separator", "otpauth://totp/ACME Co: john?" + query, "ACME Co", "john"},
		{"UTF-8 literal", "otpauth://totp/Bücherei:jörg?" + query, "Bücherei", "jörg"},
		{"UTF-8 encoded", "otpauth://totp/%E6%97%A5%E6%9C%AC:%E5%A4%AA%E9%83%8E?" + query, "日本", "太郎"},
		{"plus stays plus in label", "otpauth://totp/A+B:c+d?" + query, "A+B", "c+d"},
		{"issuer parameter agrees", "otpauth://totp/GitHub:alice?" + query + "&issuer=GitHub", "GitHub", "alice"},
		{"issuer parameter only", "otpauth://totp/alice?" + query + "&issuer=GitHub", "GitHub", "alice"},
		{"issuer parameter wins", "otpauth://totp/Prefix:alice?" + query + "&issuer=Other", "Other", "alice"},
		{"issuer parameter with colon", "otpauth://totp/a%3Ab:c?" + query + "&issuer=a%3Ab", "a:b", "c"},
		{"issuer parameter with plus as space", "otpauth://totp/ACME%20Co:john?" + query + "&issuer=ACME+Co", "ACME Co", "john"},
		{"empty issuer parameter", "otpauth://totp/GitHub:alice?" + query + "&issuer=", "GitHub", "alice"},
		{"account with colon", "otpauth://totp/a:b:c?" + query, "a", "b:c"},
		{"empty issuer prefix", "otpauth://totp/:b:c?" + query, "", "b:c"},
		{"hash sign in label", "otpauth://totp/Team#1:alice?" + query, "Team#1", "alice"},
		{"slash in label", "otpauth://totp/a/b:c?" + query, "a/b", "c"},
		{"empty label", "otpauth://totp/?" + query + "&issuer=GitHub", "GitHub", ""},
		{"no label", "otpauth://totp?" + query, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseURI(tt.uri)
			if err != nil {
				t.Fatalf("ParseURI(%q): %v", tt.uri, err)
			}
			if k.Issuer != tt.issuer {
				t.Errorf("issuer: got %q, want %q", k.Issuer, tt.issuer)
			}
			if k.Account != tt.account {
				t.Errorf("account: got %q, want %q", k.Account, tt.account)
			}
		})
	}
}

func TestParseURIBad(t *testing.T) {
	// Every URI uses a secret of its own, so the check that the message
	// leaves it out is not fooled by a secret that appears elsewhere.
	tests := []struct {
		name   string
		uri    string
		secret string
		want   string
	}{
		{"https scheme", "https://totp/a?secret=KRUGS4ZANFZSA2LO", "KRUGS4ZANFZSA2LO", `scheme is "https", expected otpauth`},
		{"no scheme", "totp/a?secret=MFRGGZDFMZTWQ2LK", "MFRGGZDFMZTWQ2LK", "does not start with otpauth://"},
		{"bare secret", "NBSWY3DPO5XXE3DE", "NBSWY3DPO5XXE3DE", "does not start with otpauth://"},
		{"one slash", "otpauth:/totp/a?secret=ONSWG4TFOQQHM4ZA", "ONSWG4TFOQQHM4ZA", "does not start with otpauth://"},
		{"migration export", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8", "CjEKCkhlbGxvId6tvu8", "otpauth-migration"},
		{"unknown type", "otpauth://motp/a?secret=OBQXG43XN5ZGIMJS", "OBQXG43XN5ZGIMJS", `unknown type "motp"`},
		{"secret as type", "otpauth://GEZDGNBVGY3TQOJQGEZDGNBV?issuer=x", "GEZDGNBVGY3TQOJQGEZDGNBV", "missing or unknown type"},
		{"empty type", "otpauth:///a?secret=MRSWC3DCMVSWM4TB", "MRSWC3DCMVSWM4TB", "missing or unknown type"},
		{"digit 1 in secret", "otpauth://totp/a?secret=JBSWY3DPEHPK3PX1", "JBSWY3DPEHPK3PX1", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"digit 8 in secret", "otpauth://totp/a?secret=KNSWG4TFOQ8A", "KNSWG4TFOQ8A", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"base64 secret", "otpauth://totp/a?secret=cnOgv%2FKdpLoP6Nbh0GMkXkPXALQ%3D", "cnOgv/KdpLoP6Nbh0GMkXkPXALQ", "secret contains a character outside base32 (A-Z, 2-7)"},
		{"cut secret", "otpauth://totp/a?secret=GM2TINJWG", "GM2TINJWG", "secret has 9 base32 characters"},
		{"missing secret", "otpauth://totp/a?issuer=b", "", "missing secret parameter"},
		{"empty secret", "otpauth://totp/a?secret=&issuer=b", "", "secret is empty"},
		{"blank secret", "otpauth://totp/a?secret=%20%20", "", "secret is empty"},
		{"secret twice", "otpauth://totp/a?secret=GMYDAMBQGAYDAMBQ&secret=GMYDAMBQGAYDAMBR", "GMYDAMBQGAYDAMB", "secret parameter appears more than once"},
		{"bad escape in secret", "otpauth://totp/a?secret=GNRDQMJT%zzGQ2TMNZY", "GNRDQMJT", "secret parameter is not valid percent-encoding"},
		{"hotp without counter", "otpauth://hotp/a?secret=GQ2DINBUGQ2DINBU", "GQ2DINBUGQ2DINBU", "missing counter parameter"},
		{"counter not a number", "otpauth://hotp/a?secret=GU2TKNJVGU2TKNJV&counter=ten", "GU2TKNJVGU2TKNJV", `counter must be a whole number between 0 and 18446744073709551615, got "ten"`},
		{"negative counter", "otpauth://hotp/a?secret=GY3DMNRWGY3DMNRW&counter=-1", "GY3DMNRWGY3DMNRW", `counter must be a whole number`},
		{"counter too large", "otpauth://hotp/a?secret=G43TONZXG43TONZX&counter=18446744073709551616", "G43TONZXG43TONZX", "counter must be a whole number"},
		{"empty counter", "otpauth://hotp/a?secret=HA4DQOBYHA4DQOBY&counter=", "HA4DQOBYHA4DQOBY", "counter must be a whole number"},
		{"digits 5", "otpauth://totp/a?secret=HE4TSOJZHE4TSOJZ&digits=5", "HE4TSOJZHE4TSOJZ", "digits must be between 6 and 10, got 5"},
		{"digits 11", "otpauth://totp/a?secret=IFAUCQKBIFAUCQKB&digits=11", "IFAUCQKBIFAUCQKB", "digits must be between 6 and 10, got 11"},
		{"digits huge", "otpauth://totp/a?secret=IJBEEQSCIJBEEQSC&digits=99999999999", "IJBEEQSCIJBEEQSC", "digits must be between 6 and 10, got 99999999999"},
		{"digits not a number", "otpauth://totp/a?secret=INBUGQ2DINBUGQ2D&digits=six", "INBUGQ2DINBUGQ2D", `digits must be a whole number between 6 and 10, got "six"`},
		{"digits with sign", "otpauth://totp/a?secret=IRCEIRCEIRCEIRCE&digits=%2B6", "IRCEIRCEIRCEIRCE", `digits must be a whole number between 6 and 10, got "+6"`},
		{"period 0", "otpauth://totp/a?secret=IVCUKRKFIVCUKRKF&period=0", "IVCUKRKFIVCUKRKF", "period must be between 1 and 86400 seconds, got 0"},
		{"period negative", "otpauth://totp/a?secret=IZDEMRSGIZDEMRSG&period=-30", "IZDEMRSGIZDEMRSG", `period must be a whole number of seconds between 1 and 86400, got "-30"`},
		{"period fraction", "otpauth://totp/a?secret=I5DUORSHI5DUORSH&period=30.5", "I5DUORSHI5DUORSH", `period must be a whole number of seconds between 1 and 86400, got "30.5"`},
		{"period over a day", "otpauth://totp/a?secret=JBEEQSCIJBEEQSCI&period=86401", "JBEEQSCIJBEEQSCI", "period must be between 1 and 86400 seconds, got 86401"},
		{"period huge", "otpauth://totp/a?secret=JFEUSSKJJFEUSSKJ&period=99999999999999999999", "JFEUSSKJJFEUSSKJ", "period must be a whole number of seconds"},
		{"unknown algorithm", "otpauth://totp/a?secret=JJFEUSSKJJFEUSSK&algorithm=MD5", "JJFEUSSKJJFEUSSK", `unknown algorithm "MD5"; use SHA1, SHA256 or SHA512`},
		{"empty algorithm", "otpauth://totp/a?secret=JNFUWS2LJNFUWS2L&algorithm=", "JNFUWS2LJNFUWS2L", `unknown algorithm ""`},
		{"unknown encoder", "otpauth://totp/a?secret=JRGEYTCMJRGEYTCM&encoder=yandex", "JRGEYTCMJRGEYTCM", `unknown encoder "yandex"; only steam is supported`},
		{"steam with 6 digits", "otpauth://totp/a?secret=JVGU2TKNJVGU2TKN&encoder=steam&digits=6", "JVGU2TKNJVGU2TKN", "digits must be 5 for a steam key, got 6"},
		{"steam hotp", "otpauth://hotp/a?secret=JZHE4TSOJZHE4TSO&encoder=steam&counter=1", "JZHE4TSOJZHE4TSO", "steam keys are time-based"},
		{"bad label escape", "otpauth://totp/a%zzb?secret=J5HU6T2PJ5HU6T2P", "J5HU6T2PJ5HU6T2P", "label is not valid percent-encoding"},
		{"truncated label escape", "otpauth://totp/ab%4?secret=KBIFAUCQKBIFAUCQ", "KBIFAUCQKBIFAUCQ", "label is not valid percent-encoding"},
		{"bad issuer escape", "otpauth://totp/a?secret=KFIVCUKRKFIVCUKR&issuer=%G1", "KFIVCUKRKFIVCUKR", "issuer parameter is not valid percent-encoding"},
		{"control character in account", "otpauth://totp/a%0Ab?secret=KJJFEUSSKJJFEUSS", "KJJFEUSSKJJFEUSS", "account contains a control character"},
		{"escape sequence in issuer", "otpauth://totp/a?secret=KNJVGU2TKNJVGU2T&issuer=%1B%5B31m", "KNJVGU2TKNJVGU2T", "issuer contains a control character"},
		{"invalid UTF-8 in account", "otpauth://totp/%FF?secret=KRKFIVCUKRKFIVCU", "KRKFIVCUKRKFIVCU", "account is not valid UTF-8"},
		{"issuer twice", "otpauth://totp/a?secret=KVKVKVKVKVKVKVKV&issuer=a&issuer=b", "KVKVKVKVKVKVKVKV", "issuer parameter appears more than once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseURI(tt.uri)
			if err == nil {
				t.Fatalf("got key %s, want an error", k.Redacted())
			}
			message := err.Error()
			if !errors.Is(err, ErrInvalidURI) {
				t.Errorf("error %q does not wrap ErrInvalidURI", message)
			}
			if !strings.HasPrefix(message, "invalid otpauth URI: ") {
				t.Errorf("error %q does not start with \"invalid otpauth URI: \"", message)
			}
			if !strings.Contains(message, tt.want) {
				t.Errorf("got error %q, want it to contain %q", message, tt.want)
			}
			if strings.ContainsAny(message, "\n\r") {
				t.Errorf("error %q spans more than one line", message)
			}
			assertNoSecret(t, message, tt.secret)
			if !k.Equal(Key{}) {
				t.Errorf("got key %s with the error, want the zero key", k.Redacted())
			}
		})
	}
}

func TestURIFormat(t *testing.T) {
	tests := []struct {
		name string
		key  Key
		want string
	}{
		{
			name: "totp",
			key:  Key{Type: TOTP, Issuer: "GitHub", Account: "alice@example.com", Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30},
			want: "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30",
		},
		{
			name: "hotp",
			key:  Key{Type: HOTP, Issuer: "RFC", Account: "4226", Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 6, Counter: 7},
			want: "otpauth://hotp/RFC:4226?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=RFC&algorithm=SHA1&digits=6&counter=7",
		},
		{
			name: "steam",
			key:  Key{Type: TOTP, Issuer: "Steam", Account: "gamer", Secret: helloKey, Algorithm: SHA1, Digits: 5, Period: 30, Steam: true},
			want: "otpauth://totp/Steam:gamer?secret=JBSWY3DPEHPK3PXP&issuer=Steam&algorithm=SHA1&digits=5&period=30&encoder=steam",
		},
		{
			name: "no issuer",
			key:  Key{Type: TOTP, Account: "alice", Secret: testKey, Algorithm: SHA512, Digits: 8, Period: 60},
			want: "otpauth://totp/alice?secret=ORXXI4BNORSXG5BNNNSXSLJRGY&algorithm=SHA512&digits=8&period=60",
		},
		{
			name: "no issuer, account with colon",
			key:  Key{Type: TOTP, Account: "a:b", Secret: testKey, Algorithm: SHA1, Digits: 6, Period: 30},
			want: "otpauth://totp/:a%3Ab?secret=ORXXI4BNORSXG5BNNNSXSLJRGY&algorithm=SHA1&digits=6&period=30",
		},
		{
			name: "characters that need escaping",
			key:  Key{Type: TOTP, Issuer: "A&B Co/Ltd", Account: "x+y %z?é", Secret: testKey, Algorithm: SHA1, Digits: 6, Period: 30},
			want: "otpauth://totp/A%26B%20Co%2FLtd:x%2By%20%25z%3F%C3%A9?secret=ORXXI4BNORSXG5BNNNSXSLJRGY&issuer=A%26B%20Co%2FLtd&algorithm=SHA1&digits=6&period=30",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.key.URI(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			assertRoundTrip(t, tt.key)
		})
	}
}

func TestURIRoundTripGoodURIs(t *testing.T) {
	// Normalising a parsed URI and parsing it again must give the same key,
	// and normalising twice must give the same text.
	for _, uri := range []string{
		"otpauth://totp/GitHub:alice?secret=jbsw%20y3dp%20ehpk%203pxp&issuer=GitHub",
		"otpauth://totp/Prefix:alice?secret=JBSWY3DPEHPK3PXP&issuer=Other",
		"otpauth://steam/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK",
		"otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=99&digits=8",
		"otpauth://totp/a:b:c?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/:b:c?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/%E6%97%A5%E6%9C%AC:%E5%A4%AA%E9%83%8E?secret=JBSWY3DPEHPK3PXP",
	} {
		k, err := ParseURI(uri)
		if err != nil {
			t.Fatalf("ParseURI(%q): %v", uri, err)
		}
		assertRoundTrip(t, k)
	}
}

func TestURIRoundTripLabels(t *testing.T) {
	// Issuers and accounts made from characters that URIs treat specially,
	// with a fixed seed so that a failure can be reproduced.
	pieces := []string{"a", "Z", "9", ":", "/", "?", "&", "%", "+", " ", "=", "#", "@", ";", ",", "%3A", "%20", "é", "日", "🔑", "-", ".", "_", "~", "'", "\"", "\\"}
	random := rand.New(rand.NewPCG(1, 2))
	label := func() string {
		var b strings.Builder
		for range random.IntN(8) {
			b.WriteString(pieces[random.IntN(len(pieces))])
		}
		return strings.TrimSpace(b.String())
	}

	for range 5000 {
		k := Key{Type: TOTP, Issuer: label(), Account: label(), Secret: helloKey, Algorithm: SHA1, Digits: 6, Period: 30}
		if err := k.Validate(); err != nil {
			t.Fatalf("Validate(%q, %q): %v", k.Issuer, k.Account, err)
		}
		assertRoundTrip(t, k)
	}
}

// assertRoundTrip checks that k survives URI and ParseURI, and that the URI
// of the parsed key is the same text.
func assertRoundTrip(t *testing.T, k Key) {
	t.Helper()
	uri := k.URI()
	parsed, err := ParseURI(uri)
	if err != nil {
		t.Errorf("issuer %q, account %q: ParseURI(%q): %v", k.Issuer, k.Account, uri, err)
		return
	}
	if !parsed.Equal(k) {
		t.Errorf("issuer %q, account %q: round trip through %q\ngot  %+v\nwant %+v", k.Issuer, k.Account, uri, parsed, k)
	}
	if again := parsed.URI(); again != uri {
		t.Errorf("URI changed on a second round trip:\nfirst  %s\nsecond %s", uri, again)
	}
}

func FuzzParseURI(f *testing.F) {
	for _, seed := range []string{
		"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
		"otpauth://totp/Example:bob?secret=ORXXI4BNORSXG5BNNNSXSLJRGY%3D%3D%3D%3D%3D%3D&issuer=Example&algorithm=sha256&digits=8&period=60",
		"otpauth://hotp/RFC:4226?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7&digits=10",
		"otpauth://steam/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&encoder=steam",
		"otpauth://totp/a%3Ab:c?secret=jbsw+y3dp&issuer=a%3Ab",
		"otpauth://totp/:b:c?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/Prefix:%20alice?secret=JBSWY3DPEHPK3PXP&issuer=Other&image=x",
		"otpauth://totp/a%zz?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/a?secret=JBSWY3DPEHPK3PX1",
		"otpauth-migration://offline?data=abc",
		"",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, uri string) {
		k, err := ParseURI(uri)
		if err != nil {
			if !errors.Is(err, ErrInvalidURI) {
				t.Errorf("error %q does not wrap ErrInvalidURI", err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error %q spans more than one line", err)
			}
			return
		}

		if err := k.Validate(); err != nil {
			t.Fatalf("ParseURI(%q) returned an invalid key: %v", uri, err)
		}
		assertRoundTrip(t, k)

		code, err := k.Code(sampleTime)
		if err != nil {
			t.Fatalf("Code: %v", err)
		}
		if utf8.RuneCountInString(code) != k.Digits {
			t.Errorf("code %q has %d characters, want %d", code, len(code), k.Digits)
		}
		// A secret of a few letters ("2U") can appear in the label or in
		// words such as "SHA1" by chance, so only secrets of 8 or more
		// letters are looked for, outside the label.
		rest := strings.ReplaceAll(strings.ReplaceAll(k.Redacted(), k.Issuer, ""), k.Account, "")
		if enc := EncodeSecret(k.Secret); len(enc) >= 8 && strings.Contains(rest, enc) {
			t.Errorf("Redacted() = %q contains the secret", k.Redacted())
		}
	})
}

func FuzzURIRoundTrip(f *testing.F) {
	f.Add("GitHub", "alice@example.com")
	f.Add("a:b", "c:d")
	f.Add("", "x:y")
	f.Add("%3A", "+ &?/#")
	f.Add("日本", "🔑")

	f.Fuzz(func(t *testing.T, issuer, account string) {
		k := Key{Type: TOTP, Issuer: issuer, Account: account, Secret: helloKey, Algorithm: SHA256, Digits: 7, Period: 45}
		if k.Validate() != nil {
			return
		}
		assertRoundTrip(t, k)
	})
}
