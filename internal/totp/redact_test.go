package totp

import "testing"

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{`no account matches "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A"`,
			`no account matches "otpauth://totp/A:b?secret=REDACTED&issuer=A"`},
		{`" otpauth://totp/Bad:sp?SECRET=jbsw y3dp": no such file`, `" otpauth://totp/Bad:sp?SECRET=REDACTED": no such file`},
		{`otpauth-migration://offline?data=CjEKCkhl%2B%2F`, `otpauth-migration://offline?data=REDACTED`},
		{`https://example.com/?secret%3DJBSWY3DP`, `https://example.com/?secret%3DREDACTED`},
		{`invalid otpauth URI: secret contains a character outside base32`, `invalid otpauth URI: secret contains a character outside base32`},
		{`secret=jbsw y3dp ehpk 3pxp and more`, `secret=REDACTED and more`},
		{`plain message`, `plain message`},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
