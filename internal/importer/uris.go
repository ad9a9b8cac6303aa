package importer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/totp-cli/totp/internal/migration"
	"github.com/totp-cli/totp/internal/totp"
)

// parseURIs reads a text file of otpauth:// and otpauth-migration:// URIs,
// one a line. Blank lines and lines starting with "#" are skipped.
func parseURIs(text []byte) []Entry {
	var entries []Entry
	lineNumber := 0
	for line := range strings.Lines(string(text)) {
		lineNumber++
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}

		position := fmt.Sprintf("line %d", lineNumber)
		switch {
		case hasScheme(line, "otpauth://"):
			key, err := totp.ParseURI(line)
			entries = append(entries, Entry{Position: position, Key: key, Err: err})
		case hasScheme(line, migration.Scheme+"://"):
			entries = append(entries, migrationEntries(position, line)...)
		default:
			// The line is not quoted, because it may be a secret.
			entries = append(entries, Entry{Position: position, Err: errors.New("line is not an otpauth:// or otpauth-migration:// URI")})
		}
	}
	return entries
}

// migrationEntries reads a Google Authenticator export URI into one entry
// per account, positioned "line N, entry M".
func migrationEntries(position, uri string) []Entry {
	batch, err := migration.Decode(uri)
	if err != nil {
		return []Entry{{Position: position, Err: err}}
	}

	note := ""
	if batch.Size > 1 {
		note = fmt.Sprintf("from batch %d of %d of a Google Authenticator export", batch.Index+1, batch.Size)
	}
	failed := make(map[int]*migration.EntryError)
	for _, err := range batch.Errors {
		var entryErr *migration.EntryError
		if errors.As(err, &entryErr) {
			failed[entryErr.Index] = entryErr
		}
	}

	// Decode keeps the payload order, so the keys fill the positions that
	// have no error, in order.
	entries := make([]Entry, 0, len(batch.Keys)+len(batch.Errors))
	keys := batch.Keys
	for index := 1; index <= len(batch.Keys)+len(batch.Errors); index++ {
		entry := Entry{Position: fmt.Sprintf("%s, entry %d", position, index), Note: note}
		if entryErr, ok := failed[index]; ok {
			entry.Err = entryErr.Err
			if entryErr.Label != "" {
				entry.Err = fmt.Errorf("%s: %w", quoteLabel(entryErr.Label), entryErr.Err)
			}
		} else if len(keys) > 0 {
			entry.Key, keys = keys[0], keys[1:]
		}
		entries = append(entries, entry)
	}
	return entries
}
