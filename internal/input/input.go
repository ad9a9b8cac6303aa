// Package input turns what a user gives 'totp add' into keys: otpauth URIs,
// Google Authenticator export URIs, QR code images, and text files or
// standard input holding URIs one per line.
//
// Nothing here prints or returns a secret or a whole URI: an item that
// cannot be read is reported by its source ("qr.png", "stdin line 3") and
// what was wrong with it.
package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/totp-cli/totp/internal/importer"
	"github.com/totp-cli/totp/internal/qr"
	"github.com/totp-cli/totp/internal/totp"
)

// MaxTextSize bounds a text file or standard input of URIs.
const MaxTextSize = 16 << 20

// Item is one account read from an input, or the error that stopped it.
type Item struct {
	// Source names where the item came from, for messages.
	Source string
	// Name is the account's secret name when the input gives one (a totp
	// JSON backup), else "".
	Name string
	Key  totp.Key
	Err  error
	// Note is a remark to show the user, such as an assumed period.
	Note string
}

// Reader reads inputs. It remembers the batches of Google Authenticator
// exports that it has seen, so that Missing can report the ones not given.
type Reader struct {
	// Stdin is read for the argument "-".
	Stdin io.Reader
	// Progress, when not nil, receives a line for each batch of a Google
	// Authenticator export that is read, such as "qr.png: Google
	// Authenticator export, batch 2 of 3".
	Progress func(string)

	batches map[int32]*exportBatches
	// args counts the calls of Read, to number URI arguments.
	args int
}

// Read returns the items that arg holds: "-" for standard input, an
// otpauth:// or otpauth-migration:// URI, or the path of an image or text
// file. Every item either has a key or an error.
func (r *Reader) Read(arg string) []Item {
	r.args++
	switch {
	case arg == "-":
		data, err := io.ReadAll(io.LimitReader(r.Stdin, qr.MaxFileSize+1))
		if err != nil {
			return []Item{{Source: "stdin", Err: fmt.Errorf("reading standard input: %w", err)}}
		}
		return r.readData("stdin", data)
	case hasScheme(arg, "otpauth"), hasScheme(arg, "otpauth-migration"):
		return r.readURI(fmt.Sprintf("argument %d", r.args), arg)
	}

	data, err := readFile(arg)
	if err != nil {
		return []Item{{Source: arg, Err: err}}
	}
	return r.readData(arg, data)
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file, and not an otpauth:// URI", quoteArg(path))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not an image or a file of URIs", path)
	}
	if info.Size() > qr.MaxFileSize {
		return nil, fmt.Errorf("%s: file too large (%d bytes; the limit is %d)", path, info.Size(), qr.MaxFileSize)
	}
	data, err := io.ReadAll(io.LimitReader(f, qr.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return data, nil
}

// quoteArg quotes an argument for a message unless it could be a secret. An
// argument that is neither a file nor a URI may be a secret pasted in the
// wrong place, so only its length is shown when it looks like base32.
func quoteArg(s string) string {
	if looksLikeSecret(s) {
		return fmt.Sprintf("an argument of %d characters", len(s))
	}
	return fmt.Sprintf("%q", s)
}

func looksLikeSecret(s string) bool {
	if len(s) < 16 {
		return false
	}
	for _, c := range strings.ToUpper(s) {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' || c == '=' || c == ' ') {
			return false
		}
	}
	return true
}

// readData reads image bytes or a backup from source.
func (r *Reader) readData(source string, data []byte) []Item {
	if len(data) > qr.MaxFileSize {
		return []Item{{Source: source, Err: fmt.Errorf("%s: more than %d bytes", source, qr.MaxFileSize)}}
	}
	if qr.IsImage(data) {
		return r.readImage(source, data)
	}
	if len(data) > MaxTextSize {
		return []Item{{Source: source, Err: fmt.Errorf("%s: text longer than %d bytes", source, MaxTextSize)}}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return []Item{{Source: source, Err: fmt.Errorf("%s: not an image of a known format (PNG, JPEG, GIF, BMP, TIFF, WebP), a backup, nor a text file of otpauth URIs", source)}}
	}
	return r.readBackup(source, data)
}

func (r *Reader) readImage(source string, data []byte) []Item {
	texts, err := qr.Decode(bytes.NewReader(data))
	if err != nil {
		return []Item{{Source: source, Err: fmt.Errorf("%s: %w", source, err)}}
	}
	var items []Item
	for i, text := range texts {
		src := source
		if len(texts) > 1 {
			src = fmt.Sprintf("%s (QR code %d of %d)", source, i+1, len(texts))
		}
		if !hasScheme(text, "otpauth") && !hasScheme(text, "otpauth-migration") {
			items = append(items, Item{Source: src, Err: fmt.Errorf("%s: the QR code contains no otpauth URI", src)})
			continue
		}
		items = append(items, r.readURI(src, text)...)
	}
	return items
}

// readBackup reads a text file of URIs or a backup of another app, whose
// format it detects from the content.
func (r *Reader) readBackup(source string, data []byte) []Item {
	format, err := importer.Detect(data)
	if err == nil && format == importer.FormatURIs {
		return r.readLines(source, data)
	}
	format, entries, err := importer.Parse(data)
	if err != nil {
		return []Item{{Source: source, Err: fmt.Errorf("%s: %w", source, err)}}
	}
	if format != importer.FormatURIs && r.Progress != nil {
		r.Progress(fmt.Sprintf("%s: %s with %d accounts", source, format.Description(), len(entries)))
	}

	items := make([]Item, 0, len(entries))
	for _, e := range entries {
		src := source + " " + e.Position
		it := Item{Source: src, Name: e.Name, Key: e.Key, Note: e.Note}
		if e.Err != nil {
			it.Err = fmt.Errorf("%s: %w", src, e.Err)
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		items = append(items, Item{Source: source, Err: fmt.Errorf("%s contains no account", source)})
	}
	return items
}

// readLines reads otpauth and otpauth-migration URIs one a line, skipping
// blank lines and lines that start with #, so that the batches of a Google
// Authenticator export given as text are tracked as from images.
func (r *Reader) readLines(source string, data []byte) []Item {
	var items []Item
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		src := fmt.Sprintf("%s line %d", source, n+1)
		if !hasScheme(line, "otpauth") && !hasScheme(line, "otpauth-migration") {
			items = append(items, Item{Source: src, Err: fmt.Errorf("%s: not an otpauth:// URI", src)})
			continue
		}
		items = append(items, r.readURI(src, line)...)
	}
	if len(items) == 0 {
		items = append(items, Item{Source: source, Err: fmt.Errorf("%s contains no otpauth URI", source)})
	}
	return items
}

func (r *Reader) readURI(source, uri string) []Item {
	if hasScheme(uri, "otpauth-migration") {
		return r.readMigration(source, uri)
	}
	key, err := totp.ParseURI(uri)
	if err != nil {
		return []Item{{Source: source, Err: fmt.Errorf("%s: %w", source, err)}}
	}
	return []Item{{Source: source, Key: key}}
}

// hasScheme reports whether s starts with scheme followed by "://", ignoring
// case.
func hasScheme(s, scheme string) bool {
	prefix := scheme + "://"
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
