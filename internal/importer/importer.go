// Package importer reads accounts from other authenticator apps' backup
// files and from this program's own JSON backup:
//
//   - Aegis: the unencrypted JSON export of vault version 1.
//   - 2FAS: the .2fas JSON backup without a password.
//   - andOTP: the plain JSON backup.
//   - Bitwarden: the unencrypted JSON export. Items whose login has a TOTP
//     field are read, and all other items are skipped.
//   - A text file of otpauth:// and otpauth-migration:// URIs, one a line.
//     Blank lines and lines starting with "#" are skipped.
//   - The totp JSON backup that package export writes and documents.
//
// [Detect] identifies the format from the content, never from a file name.
// Encrypted backups are recognised and rejected with an error that explains
// how to export them unencrypted. A malformed account is returned as an [Entry]
// with Err set, and the other accounts are still read. Unknown JSON fields
// are ignored.
//
// Fields that a backup leaves out get the otpauth URI defaults: SHA1,
// 6 digits (5 for Steam) and a 30-second period. Errors never contain a
// secret.
package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/totp-cli/totp/internal/totp"
)

// Format is a kind of backup file.
type Format string

// The formats that Parse reads.
const (
	FormatAegis     Format = "aegis"
	Format2FAS      Format = "2fas"
	FormatAndOTP    Format = "andotp"
	FormatBitwarden Format = "bitwarden"
	FormatURIs      Format = "uris"
	// FormatBackup is this program's own JSON backup.
	FormatBackup Format = "totp-json"
)

// Description returns a name of f for messages, such as "Aegis backup".
func (f Format) Description() string {
	switch f {
	case FormatAegis:
		return "Aegis backup"
	case Format2FAS:
		return "2FAS backup"
	case FormatAndOTP:
		return "andOTP backup"
	case FormatBitwarden:
		return "Bitwarden export"
	case FormatURIs:
		return "list of otpauth URIs"
	case FormatBackup:
		return "totp JSON backup"
	}
	return string(f)
}

var (
	// ErrUnknownFormat is wrapped by errors for content that is not a
	// backup in a format that Parse reads.
	ErrUnknownFormat = errors.New("unknown backup format")
	// ErrEncrypted is wrapped by errors for an encrypted backup, which Parse
	// cannot read.
	ErrEncrypted = errors.New("backup is encrypted")
)

// Entry is one account of a backup.
type Entry struct {
	// Position locates the account in the file, such as "entry 3",
	// "item 12" (Bitwarden), "line 4" or "line 4, entry 2" (an
	// otpauth-migration URI of several accounts). Numbers start at 1.
	Position string
	// Name is the account's secret name from a totp JSON backup, and "" for
	// the other formats.
	Name string
	// Key is the account. It is valid when Err is nil.
	Key totp.Key
	// Err reports why the account could not be read. It starts with the
	// account's label when the file gives one, and never contains the
	// secret.
	Err error
	// Note is a remark for the user about how the account was read, or "".
	Note string
}

// Detect returns the format of a backup from its content. It returns an
// error wrapping ErrUnknownFormat for content in no known format. Parse, not
// Detect, checks that the backup is unencrypted and well formed.
func Detect(data []byte) (Format, error) {
	text := trimStart(data)
	switch {
	case len(text) == 0:
		return "", fmt.Errorf("%w: file is empty", ErrUnknownFormat)
	case text[0] == '{':
		return detectObject(text)
	case text[0] == '[':
		return FormatAndOTP, nil
	case bytes.HasPrefix(text, []byte("-----BEGIN PGP MESSAGE-----")):
		return "", fmt.Errorf("%w: file is an OpenPGP-encrypted message, such as an andOTP backup encrypted with OpenPGP; make a plain backup in andOTP instead", ErrEncrypted)
	case !utf8.Valid(text) || bytes.IndexByte(text, 0) >= 0:
		return "", binaryError(text)
	case startsWithURIs(text):
		return FormatURIs, nil
	}
	return "", fmt.Errorf("%w: file is text but neither JSON nor otpauth URIs one a line; the supported formats are Aegis, 2FAS, andOTP and Bitwarden JSON exports, totp JSON backups and lists of otpauth URIs", ErrUnknownFormat)
}

// Parse detects the format of a backup and reads all of its accounts. It
// returns an error only when the file as a whole cannot be read, for example
// when it is encrypted or not valid JSON. An account that cannot be read is
// an Entry with Err set.
func Parse(data []byte) (Format, []Entry, error) {
	format, err := Detect(data)
	if err != nil {
		return "", nil, err
	}
	text := trimStart(data)

	var entries []Entry
	switch format {
	case FormatAegis:
		entries, err = parseAegis(text)
	case Format2FAS:
		entries, err = parse2FAS(text)
	case FormatAndOTP:
		entries, err = parseAndOTP(text)
	case FormatBitwarden:
		entries, err = parseBitwarden(text)
	case FormatURIs:
		entries = parseURIs(text)
	case FormatBackup:
		entries, err = parseBackup(text)
	}
	if err != nil {
		return format, nil, fmt.Errorf("reading %s: %w", format.Description(), err)
	}
	return format, entries, nil
}

// trimStart drops a UTF-8 byte order mark and leading white space.
func trimStart(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return bytes.TrimLeft(data, " \t\r\n")
}

// detectObject identifies a JSON object format by its top-level fields.
func detectObject(text []byte) (Format, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(text, &fields); err != nil {
		return "", fmt.Errorf("%w: file starts like JSON but is not valid JSON: %w", ErrUnknownFormat, jsonError(err))
	}

	has := func(name string) bool { _, ok := fields[name]; return ok }
	switch {
	case has("format"):
		var format string
		if json.Unmarshal(fields["format"], &format) == nil && format == backupFormat {
			return FormatBackup, nil
		}
		return "", fmt.Errorf("%w: JSON field \"format\" is not %q", ErrUnknownFormat, backupFormat)
	case has("db") && has("header"):
		return FormatAegis, nil
	case has("services") || has("servicesEncrypted"):
		return Format2FAS, nil
	case has("items") || has("encrypted"):
		return FormatBitwarden, nil
	}
	return "", fmt.Errorf("%w: JSON object has none of the fields of a known backup (Aegis \"db\", 2FAS \"services\", Bitwarden \"items\", totp \"format\")", ErrUnknownFormat)
}

// binaryError describes content that is not text.
func binaryError(data []byte) error {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")),
		bytes.HasPrefix(data, []byte("\xff\xd8\xff")),
		bytes.HasPrefix(data, []byte("GIF8")):
		return fmt.Errorf("%w: file is an image, not a backup; pass images to the QR code reader instead", ErrUnknownFormat)
	}
	return fmt.Errorf("%w: file is binary, not a JSON or text backup; if it is an encrypted andOTP backup (.json.aes), make a plain backup in andOTP instead", ErrUnknownFormat)
}

// startsWithURIs reports whether the first line that is not blank or a
// comment is an otpauth or otpauth-migration URI.
func startsWithURIs(text []byte) bool {
	for line := range strings.Lines(string(text)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return hasScheme(line, "otpauth://") || hasScheme(line, "otpauth-migration://")
	}
	return true
}

func hasScheme(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// jsonError rewrites JSON decoding errors so that they never quote the
// input, which may hold a secret. Syntax errors keep only their offset.
func jsonError(err error) error {
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("invalid JSON at byte %d", syntaxErr.Offset)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		// Value is the JSON type, followed by the number for a number that
		// does not fit, such as "number 6.5"; only the type is kept.
		found, _, _ := strings.Cut(typeErr.Value, " ")
		expected := jsonType(typeErr.Type.Kind())
		if typeErr.Field == "" {
			return fmt.Errorf("found a JSON %s, expected %s", found, expected)
		}
		return fmt.Errorf("field %q is a JSON %s, expected %s", typeErr.Field, found, expected)
	}
	return err
}

// jsonType names the JSON type that decodes into a Go kind, with an
// article.
func jsonType(kind reflect.Kind) string {
	switch kind {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	}
	return "a " + kind.String()
}

// decodeEntries unmarshals each element of a JSON array separately, so that
// one malformed entry does not stop the others. decode converts an element
// into an entry. label reads the issuer and account of an element that
// decode rejects, so that the error names the account.
func decodeEntries(raw []json.RawMessage, decode func(json.RawMessage) (Entry, error), label func(json.RawMessage) (string, string)) []Entry {
	entries := make([]Entry, 0, len(raw))
	for i, element := range raw {
		entry, err := decodeEntry(element, decode, label)
		entry.Position = fmt.Sprintf("entry %d", i+1)
		if err != nil {
			entry.Key = totp.Key{}
			entry.Err = err
		}
		entries = append(entries, entry)
	}
	return entries
}

func decodeEntry(element json.RawMessage, decode func(json.RawMessage) (Entry, error), label func(json.RawMessage) (string, string)) (Entry, error) {
	if !isJSONObject(element) {
		return Entry{}, fmt.Errorf("entry is %s, expected an object", describeJSON(element))
	}
	entry, err := decode(element)
	var labeled *labeledError
	if err != nil && !errors.As(err, &labeled) {
		issuer, account := label(element)
		err = labelError(issuer, account, err)
	}
	return entry, err
}

// isJSONObject reports whether raw is a JSON object.
func isJSONObject(raw json.RawMessage) bool {
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) > 0 && trimmed[0] == '{'
}

func isJSONString(raw json.RawMessage) bool {
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) > 0 && trimmed[0] == '"'
}

// describeJSON names the type of a JSON value, with an article.
func describeJSON(raw json.RawMessage) string {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return "empty"
	}
	switch trimmed[0] {
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "a number"
}

// stringField returns the string at path in a JSON object, or "" when
// there is none. It reads labels of entries that fail to decode.
func stringField(raw json.RawMessage, path ...string) string {
	for _, name := range path {
		var object map[string]json.RawMessage
		if json.Unmarshal(raw, &object) != nil {
			return ""
		}
		raw = object[name]
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// labeledError is an error that already starts with an account label.
type labeledError struct {
	label string
	err   error
}

func (e *labeledError) Error() string { return quoteLabel(e.label) + ": " + e.err.Error() }

func (e *labeledError) Unwrap() error { return e.err }

// labelError prefixes err with the quoted label of an account,
// "issuer:account", "issuer" or "account", when there is one.
func labelError(issuer, account string, err error) error {
	issuer, account = strings.TrimSpace(issuer), strings.TrimSpace(account)
	label := account
	switch {
	case issuer != "" && account != "":
		label = issuer + ":" + account
	case issuer != "":
		label = issuer
	}
	if label == "" {
		return err
	}
	return &labeledError{label: label, err: err}
}

// quoteLabel quotes an account label for an error message, cut to 64
// bytes.
func quoteLabel(s string) string { return quoteCut(s, 64) }

// quoteValue quotes a short field value, such as a type or algorithm name,
// for an error message, cut to 32 bytes. Callers never pass a secret.
func quoteValue(s string) string { return quoteCut(s, 32) }

// quoteCut quotes s with invalid UTF-8 replaced, cut to maxLen bytes, so
// that an error message stays one readable line.
func quoteCut(s string, maxLen int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxLen {
		return fmt.Sprintf("%q", s)
	}
	cut := maxLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}
