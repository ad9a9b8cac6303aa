// Package config reads and writes the totp configuration file: one
// "key = value" setting a line, with blank lines and lines starting with #
// ignored. The file lives in the user's configuration directory
// ($XDG_CONFIG_HOME/totp/config or ~/.config/totp/config on Linux,
// ~/Library/Application Support/totp/config on macOS,
// %AppData%\totp\config on Windows).
package config

import (
	"bufio"
	"bytes"
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

// Setting describes one key that the file may hold.
type Setting struct {
	Key   string
	Usage string
	// Check returns an error when value is not valid for the key.
	Check func(value string) error
}

// Settings lists every key, in the order help text shows them.
var Settings = []Setting{
	{Key: "vault", Usage: "Key Vault name or URL, or file:PATH for a local vault file", Check: nonEmpty},
	{Key: "tenant", Usage: "Microsoft Entra tenant ID of the Key Vault, when it is not the Azure CLI's default", Check: nonEmpty},
	{Key: "az-timeout", Usage: "how long to wait for the Azure CLI to return a token, such as 30s or 1m", Check: duration},
	{Key: "token-cache", Usage: "on or off: reuse Key Vault access tokens across runs (default on)", Check: onOff},
	{Key: "clear-after", Usage: "how long a code copied with --copy stays on the clipboard, such as 30s; 0 keeps it", Check: nonNegativeDuration},
}

func nonEmpty(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("the value is empty")
	}
	return nil
}

func onOff(v string) error {
	switch strings.ToLower(v) {
	case "on", "off", "true", "false", "1", "0":
		return nil
	}
	return fmt.Errorf("%q is neither on nor off (also accepted: true, false, 1, 0)", v)
}

func duration(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 30s or 2m", v)
	}
	if d <= 0 {
		return fmt.Errorf("%q is not a positive duration", v)
	}
	return nil
}

func nonNegativeDuration(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 30s or 2m", v)
	}
	if d < 0 {
		return fmt.Errorf("%q is negative", v)
	}
	return nil
}

// Lookup returns the setting for key.
func Lookup(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// Path returns the configuration file's path.
func Path() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the configuration directory: %w", err)
	}
	return filepath.Join(dir, "totp", "config"), nil
}

// Config is the content of a configuration file.
type Config struct {
	path   string
	values map[string]string
}

// Load reads the file at path. A missing file is an empty configuration.
func Load(path string) (*Config, error) {
	c := &Config{path: path, values: map[string]string{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}

	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected key = value", path, n)
		}
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		s, ok := Lookup(key)
		if !ok {
			return nil, fmt.Errorf("%s:%d: unknown key %q", path, n, key)
		}
		if err := s.Check(value); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, n, key, err)
		}
		c.values[key] = value
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	return c, nil
}

// Path returns the file the configuration was loaded from.
func (c *Config) Path() string { return c.path }

// Get returns the value of key and whether it is set.
func (c *Config) Get(key string) (string, bool) {
	v, ok := c.values[key]
	return v, ok
}

// Keys returns the keys that are set, sorted.
func (c *Config) Keys() []string {
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Set checks value and sets key to it. It does not write the file.
func (c *Config) Set(key, value string) error {
	s, ok := Lookup(key)
	if !ok {
		return fmt.Errorf("unknown configuration key %q", key)
	}
	if err := s.Check(value); err != nil {
		return fmt.Errorf("invalid value for %s: %w", key, err)
	}
	c.values[key] = value
	return nil
}

// Unset removes key. It does not write the file.
func (c *Config) Unset(key string) error {
	if _, ok := Lookup(key); !ok {
		return fmt.Errorf("unknown configuration key %q", key)
	}
	delete(c.values, key)
	return nil
}

// Save writes the configuration atomically, creating its directory.
func (c *Config) Save() error {
	var b bytes.Buffer
	b.WriteString("# totp configuration; see 'totp config --help'.\n")
	for _, k := range c.Keys() {
		fmt.Fprintf(&b, "%s = %s\n", k, c.values[k])
	}

	if err := atomicfile.Write(c.path, b.Bytes()); err != nil {
		return fmt.Errorf("writing configuration: %w", err)
	}
	return nil
}
