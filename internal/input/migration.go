package input

import "fmt"

// readMigration reads a Google Authenticator export URI.
func readMigration(source, uri string) []Item {
	return []Item{{Source: source, Err: fmt.Errorf("%s: Google Authenticator export (otpauth-migration) URIs are not supported yet", source)}}
}
