// Command totp is a command-line authenticator whose TOTP and HOTP secrets
// live in Azure Key Vault or in a local age-encrypted vault file.
package main

import (
	"os"

	"github.com/totp-cli/totp/internal/iostreams"
)

func main() {
	os.Exit(run(os.Args[1:], iostreams.System(), os.Getenv))
}
