package totp

import (
	"regexp"
	"strings"
)

// secretParam matches the value of a secret= parameter, and of the data=
// parameter of an otpauth-migration URI, which holds secrets too. A value
// pasted with spaces between groups of four, as sites show secrets, is
// matched whole.
var secretParam = regexp.MustCompile(`(?i)((?:secret|data)(?:=|%3D))[^&\s"']*(?: [a-z2-7]{4}\b)*`)

// Redact returns s with the values of secret= and data= parameters replaced
// by "REDACTED", so that a message quoting user input never shows a secret,
// even when an otpauth URI was pasted where a name or a path belongs.
func Redact(s string) string {
	if !strings.Contains(strings.ToLower(s), "secret") && !strings.Contains(strings.ToLower(s), "data") {
		return s
	}
	return secretParam.ReplaceAllString(s, "${1}REDACTED")
}
