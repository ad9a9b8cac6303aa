// Package namecache keeps the names and issuers of a vault's accounts in a
// small file in the user's cache directory. With it, totp can tell a filter
// from an exact account name without a request, and shell completion can
// offer names without reaching the vault. It never holds a secret or an
// account name (user name or email); see docs/security.md.
//
// The cache is a hint, never the truth: a stale or missing cache only costs
// requests, because every answer is checked against the vault.
package namecache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/totp-cli/totp/internal/atomicfile"
)

// Entry is one cached account.
type Entry struct {
	Name   string `json:"name"`
	Issuer string `json:"issuer,omitempty"`
}

type file struct {
	Vault   string    `json:"vault"`
	Updated time.Time `json:"updated"`
	Entries []Entry   `json:"entries"`
}

// Cache is the name cache of one vault.
type Cache struct {
	path  string
	vault string
	// loaded reports whether the file was read; entries is nil when it
	// does not exist.
	loaded  bool
	entries map[string]Entry // by lower-case name
}

// Dir returns the directory of the cache files:
// $XDG_CACHE_HOME/totp or ~/.cache/totp on Linux,
// ~/Library/Caches/totp on macOS, %LocalAppData%\totp on Windows.
func Dir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the cache directory: %w", err)
	}
	return filepath.Join(dir, "totp"), nil
}

// Open returns the cache of the vault identified by vaultID (its URL or
// path). It reads nothing until needed.
func Open(vaultID string) (*Cache, error) {
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(vaultID))
	return &Cache{
		path:  filepath.Join(dir, "names-"+hex.EncodeToString(sum[:8])+".json"),
		vault: vaultID,
	}, nil
}

// Path returns the cache file's path.
func (c *Cache) Path() string { return c.path }

func (c *Cache) load() {
	if c.loaded {
		return
	}
	c.loaded = true
	data, err := os.ReadFile(c.path)
	if err != nil {
		return
	}
	var f file
	if json.Unmarshal(data, &f) != nil || f.Vault != c.vault {
		return
	}
	c.entries = map[string]Entry{}
	for _, e := range f.Entries {
		c.entries[strings.ToLower(e.Name)] = e
	}
}

// Known reports whether name is a cached account name. ok is false when
// there is no cache, so the caller cannot tell.
func (c *Cache) Known(name string) (known, ok bool) {
	c.load()
	if c.entries == nil {
		return false, false
	}
	_, known = c.entries[strings.ToLower(name)]
	return known, true
}

// Entries returns the cached accounts sorted by name, or nil when there is
// no cache.
func (c *Cache) Entries() []Entry {
	c.load()
	if c.entries == nil {
		return nil
	}
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Replace stores entries as the complete list of the vault's accounts.
func (c *Cache) Replace(entries []Entry) error {
	c.loaded = true
	c.entries = map[string]Entry{}
	for _, e := range entries {
		c.entries[strings.ToLower(e.Name)] = e
	}
	return c.save()
}

// Put adds or updates one entry, creating the cache when there is none. A
// cache made this way lacks the accounts that were there before, until the
// next Replace. That costs only requests, because the cache is a hint.
func (c *Cache) Put(e Entry) error {
	c.load()
	if c.entries == nil {
		c.entries = map[string]Entry{}
	}
	c.entries[strings.ToLower(e.Name)] = e
	return c.save()
}

// Remove drops one entry, when a cache exists.
func (c *Cache) Remove(name string) error {
	c.load()
	if c.entries == nil {
		return nil
	}
	delete(c.entries, strings.ToLower(name))
	return c.save()
}

// save writes the cache atomically with mode 0600.
func (c *Cache) save() error {
	f := file{Vault: c.vault, Updated: time.Now().UTC(), Entries: c.Entries()}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(c.path, data); err != nil {
		return fmt.Errorf("writing name cache: %w", err)
	}
	return nil
}

// Delete removes the cache file.
func (c *Cache) Delete() error {
	c.entries = nil
	err := os.Remove(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
