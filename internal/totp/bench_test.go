package totp

import (
	"testing"
	"time"
)

func BenchmarkCode(b *testing.B) {
	for _, algorithm := range []Algorithm{SHA1, SHA256, SHA512} {
		b.Run(string(algorithm), func(b *testing.B) {
			k := Key{Type: TOTP, Secret: []byte(rfcSecret20), Algorithm: algorithm, Digits: 6, Period: 30}
			at := time.Unix(1700000000, 0)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Code(at); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCodeSteam(b *testing.B) {
	k := Key{Type: TOTP, Secret: []byte(rfcSecret20), Algorithm: SHA1, Digits: 5, Period: 30, Steam: true}
	at := time.Unix(1700000000, 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Code(at); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseURI(b *testing.B) {
	const uri = "otpauth://totp/ACME%20Co:john.doe@example.com?secret=jbsw%20y3dp%20ehpk%203pxp&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60&image=https%3A%2F%2Fexample.com%2Flogo.png"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseURI(uri); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkURI(b *testing.B) {
	k := Key{Type: TOTP, Issuer: "ACME Co", Account: "john.doe@example.com", Secret: []byte(rfcSecret20), Algorithm: SHA256, Digits: 8, Period: 60}
	b.ReportAllocs()
	for b.Loop() {
		_ = k.URI()
	}
}
