package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/totp-cli/totp/internal/totp"
)

// bitwardenFile is a Bitwarden JSON export. Both kinds of encrypted export
// set encrypted to true: a password-protected one has its items in an
// encrypted data field, and an account-restricted one has items whose
// fields are encrypted strings.
type bitwardenFile struct {
	Encrypted bool              `json:"encrypted"`
	Items     []json.RawMessage `json:"items"`
}

type bitwardenItem struct {
	Name  string `json:"name"`
	Login *struct {
		Username string `json:"username"`
		TOTP     string `json:"totp"`
	} `json:"login"`
}

var errBitwardenEncrypted = fmt.Errorf(`%w: this Bitwarden export is encrypted; export the vault again with the file format ".json", not ".json (Encrypted)"`, ErrEncrypted)

func parseBitwarden(text []byte) ([]Entry, error) {
	var file bitwardenFile
	if err := json.Unmarshal(text, &file); err != nil {
		return nil, jsonError(err)
	}
	if file.Encrypted {
		return nil, errBitwardenEncrypted
	}
	if file.Items == nil {
		return nil, errors.New(`no "items" array`)
	}

	var entries []Entry
	for i, raw := range file.Items {
		entry, ok := decodeBitwardenItem(raw)
		if !ok {
			continue
		}
		entry.Position = fmt.Sprintf("item %d", i+1)
		entries = append(entries, entry)
	}
	return entries, nil
}

// decodeBitwardenItem reads the TOTP field of an item. It reports false for
// an item without one, such as a login with only a password or a card.
func decodeBitwardenItem(raw json.RawMessage) (Entry, bool) {
	var item bitwardenItem
	if err := json.Unmarshal(raw, &item); err != nil {
		return Entry{Err: labelError(stringField(raw, "name"), stringField(raw, "login", "username"), jsonError(err))}, true
	}
	if item.Login == nil || strings.TrimSpace(item.Login.TOTP) == "" {
		return Entry{}, false
	}

	name := strings.TrimSpace(item.Name)
	username := strings.TrimSpace(item.Login.Username)
	value := strings.TrimSpace(item.Login.TOTP)
	switch {
	case hasScheme(value, "otpauth://"):
		return bitwardenURI(value, name, username), true
	case hasScheme(value, "steam://"):
		key, err := keyFields{typeName: "steam", secret: value[len("steam://"):], issuer: name, account: username}.key()
		return Entry{Key: key, Err: err}, true
	case strings.Contains(value, "://"):
		return Entry{Err: labelError(name, username, errors.New("TOTP field is a URI, but not otpauth:// or steam://"))}, true
	}

	key, err := keyFields{secret: value, issuer: name, account: username}.key()
	if err != nil {
		return Entry{Err: err}, true
	}
	return Entry{Key: key, Note: "TOTP field is a bare secret: read as SHA1, 6 digits, 30 seconds, named after the item and its username"}, true
}

// bitwardenURI reads an otpauth URI from a TOTP field. A URI without an
// issuer or account gets the item name or the username instead.
func bitwardenURI(uri, name, username string) Entry {
	key, err := totp.ParseURI(uri)
	if err != nil {
		return Entry{Err: labelError(name, username, err)}
	}

	var filled []string
	if key.Issuer == "" && name != "" {
		key.Issuer = name
		filled = append(filled, "issuer taken from the item name")
	}
	if key.Account == "" && username != "" {
		key.Account = username
		filled = append(filled, "account taken from the username")
	}
	if err := key.Validate(); err != nil {
		return Entry{Err: labelError(key.Issuer, key.Account, err)}
	}

	entry := Entry{Key: key}
	if len(filled) > 0 {
		entry.Note = strings.Join(filled, ", ") + ", because the URI has none"
	}
	return entry
}
