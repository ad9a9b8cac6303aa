package importer

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/totp-cli/totp/internal/totp"
)

// backupFormat is the value of the format field of a totp JSON backup.
const backupFormat = "totp-backup"

// backupVersion is the version of the totp JSON backup that Parse reads.
const backupVersion = 1

// backupFile is a totp JSON backup, which package export writes.
type backupFile struct {
	Version  int               `json:"version"`
	Accounts []json.RawMessage `json:"accounts"`
}

type backupAccount struct {
	Name string `json:"name"`
	URI  string `json:"uri"`
}

func parseBackup(text []byte) ([]Entry, error) {
	var file backupFile
	if err := json.Unmarshal(text, &file); err != nil {
		return nil, jsonError(err)
	}
	if file.Version > backupVersion {
		return nil, fmt.Errorf("backup version %d is newer than this totp reads (version %d); update totp to read it", file.Version, backupVersion)
	}
	if file.Version != backupVersion {
		return nil, fmt.Errorf("backup version %d is not valid; expected %d", file.Version, backupVersion)
	}
	if file.Accounts == nil {
		return nil, errors.New(`no "accounts" array`)
	}
	return decodeEntries(file.Accounts, decodeBackupAccount, backupLabel), nil
}

func decodeBackupAccount(raw json.RawMessage) (Entry, error) {
	var account backupAccount
	if err := json.Unmarshal(raw, &account); err != nil {
		return Entry{}, jsonError(err)
	}
	key, err := totp.ParseURI(account.URI)
	return Entry{Name: account.Name, Key: key}, err
}

// backupLabel names an account of a totp backup by its secret name, because
// its label is inside the URI.
func backupLabel(raw json.RawMessage) (string, string) {
	return "", stringField(raw, "name")
}
