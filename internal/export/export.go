// Package export writes accounts out of the vault: as this program's JSON
// backup, and as QR codes for a terminal or a PNG file. Everything it writes
// contains secrets, so callers write it only when the user asked for an
// export.
//
// # JSON backup
//
// The backup is one JSON object, version 1:
//
//	{
//	  "format": "totp-backup",
//	  "version": 1,
//	  "accounts": [
//	    {
//	      "name": "github-alice-example-com",
//	      "uri": "otpauth://totp/GitHub:alice%40example.com?secret=...&issuer=GitHub&algorithm=SHA1&digits=6&period=30"
//	    }
//	  ]
//	}
//
// name is the account's secret name in the vault, and uri its normalised
// otpauth URI with every parameter explicit, as totp.Key.URI writes it.
// Readers ignore fields they do not know, so later versions of this program
// may add fields without changing the version. A change that old readers
// would misread gets a new version. Package importer reads the backup.
package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/totp-cli/totp/internal/totp"
)

// BackupFormat is the value of the backup's format field.
const BackupFormat = "totp-backup"

// BackupVersion is the version of the backup that WriteJSON writes.
const BackupVersion = 1

// NamedKey is an account with its secret name in the vault.
type NamedKey struct {
	Name string
	Key  totp.Key
}

type backupFile struct {
	Format   string          `json:"format"`
	Version  int             `json:"version"`
	Accounts []backupAccount `json:"accounts"`
}

type backupAccount struct {
	Name string `json:"name"`
	URI  string `json:"uri"`
}

// WriteJSON writes accounts as a JSON backup, indented by two spaces and
// ending with a newline. It checks every key first and writes nothing when
// one is invalid. The output contains the secrets.
func WriteJSON(w io.Writer, accounts []NamedKey) error {
	file := backupFile{Format: BackupFormat, Version: BackupVersion, Accounts: make([]backupAccount, 0, len(accounts))}
	for i, account := range accounts {
		if err := account.Key.Validate(); err != nil {
			return fmt.Errorf("account %d (%q): %w", i+1, account.Name, err)
		}
		file.Accounts = append(file.Accounts, backupAccount{Name: account.Name, URI: account.Key.URI()})
	}

	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	// URIs contain "&", which the default HTML escaping would write as \u0026.
	encoder.SetEscapeHTML(false)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(file); err != nil {
		return fmt.Errorf("encoding backup: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing backup: %w", err)
	}
	return nil
}
