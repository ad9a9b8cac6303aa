// Package tokencache keeps Azure Key Vault access tokens in files in the
// user's cache directory, so that a short-lived totp process can reuse the
// token that an earlier run got from a slow credential such as the Azure CLI.
//
// Credential wraps another azcore.TokenCredential. Only a token whose every
// scope is a Key Vault scope is ever written; any other request passes through
// to the wrapped credential uncached. A cached token is reused until
// Options.Skew before it expires. A missing, unreadable, malformed or expired
// file counts as a miss and is replaced; it is never reported as an error. A
// request with claims (a Continuous Access Evaluation or multi-factor
// challenge) bypasses the cache and drops the cached token.
//
// The files hold access tokens, never a refresh token. Each file has mode
// 0600 in a directory created with mode 0700, and is written atomically
// through a temporary file and a rename.
package tokencache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/totp-cli/totp/internal/atomicfile"
)

// DefaultSkew is how long before its expiry a cached token is replaced when
// Options.Skew is zero. It matches the margin of azcore's bearer token
// policy.
const DefaultSkew = 5 * time.Minute

// vaultDomains are the Key Vault DNS suffixes of the Azure public, China,
// US Government and Germany clouds. A scope is cached only when its host is
// one of them or a subdomain of one.
var vaultDomains = []string{
	"vault.azure.net",
	"vault.azure.cn",
	"vault.usgovcloudapi.net",
	"vault.microsoftazure.de",
}

const (
	// fileFormat is the version of the file layout, stored in every file so
	// that a later layout can tell old files apart.
	fileFormat = 1
	// maxFileSize bounds what a read accepts. An access token is a few
	// kilobytes, so a larger file is not one this package wrote.
	maxFileSize = 64 << 10
	filePrefix  = "token-"
	fileSuffix  = ".json"
	tempPrefix  = ".token-"
)

// Options configures New. The zero value uses the user's cache directory,
// the system clock and a 5 minute skew, and logs nothing.
type Options struct {
	// Dir is the cache directory. Empty means DefaultDir.
	Dir string
	// Now is the clock that decides whether a token has expired. Nil means
	// time.Now.
	Now func() time.Time
	// Skew is how long before its expiry a cached token is replaced. Zero
	// means DefaultSkew, and a negative value means no margin.
	Skew time.Duration
	// Fingerprint, when set, returns a value that describes the sign-in
	// behind the wrapped credential, such as the modification time of the
	// Azure CLI's profile. A cached token is reused only while the value is
	// the same as when the token was stored.
	Fingerprint func() string
	// Logger receives one record for each cache hit, miss, write and
	// removal. Nil discards them. It never receives a token.
	Logger *slog.Logger
}

// Credential wraps another azcore.TokenCredential and caches its Key Vault
// tokens in files. It is safe for concurrent use, and several processes may
// share one directory.
type Credential struct {
	inner       azcore.TokenCredential
	dir         string
	dirErr      error
	now         func() time.Time
	skew        time.Duration
	fingerprint func() string
	logger      *slog.Logger
}

// New returns a Credential that caches the Key Vault tokens of inner. It
// touches no file until the first GetToken. When Options.Dir is empty and
// the user's cache directory is unknown, every request passes through.
func New(inner azcore.TokenCredential, opts Options) *Credential {
	c := &Credential{
		inner:       inner,
		dir:         opts.Dir,
		now:         opts.Now,
		skew:        opts.Skew,
		fingerprint: opts.Fingerprint,
		logger:      opts.Logger,
	}
	if c.dir == "" {
		c.dir, c.dirErr = DefaultDir()
	}
	if c.now == nil {
		c.now = time.Now
	}
	switch {
	case c.skew == 0:
		c.skew = DefaultSkew
	case c.skew < 0:
		c.skew = 0
	}
	if c.fingerprint == nil {
		c.fingerprint = func() string { return "" }
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// DefaultDir returns the default cache directory: $XDG_CACHE_HOME/totp or
// ~/.cache/totp on Linux, ~/Library/Caches/totp on macOS and
// %LocalAppData%\totp on Windows.
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the user cache directory: %w", err)
	}
	return filepath.Join(dir, "totp"), nil
}

// GetToken returns the cached token for the tenant and scopes of opts while
// it is valid for longer than the skew. Otherwise it gets a token from the
// wrapped credential and, when every scope is a Key Vault scope, stores it.
// The wrapped credential's errors are returned unchanged.
func (c *Credential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if !cacheable(opts.Scopes) {
		return c.inner.GetToken(ctx, opts)
	}
	if c.dirErr != nil {
		c.logger.Warn("token cache off", "error", c.dirErr)
		return c.inner.GetToken(ctx, opts)
	}

	key := newEntryKey(opts)
	if opts.Claims != "" {
		// A claims challenge means Microsoft Entra ID revoked or restricted
		// the session, so the cached token must not be offered again.
		c.remove(key, "claims challenge")
		return c.inner.GetToken(ctx, opts)
	}

	token, reason := c.load(key)
	if reason == "" {
		c.logger.Info("token cache hit", key.logAttrs("expires_on", token.ExpiresOn.UTC().Format(time.RFC3339))...)
		return token, nil
	}
	c.logger.Info("token cache miss", key.logAttrs("reason", reason)...)

	token, err := c.inner.GetToken(ctx, opts)
	if err != nil {
		return token, err
	}
	c.store(key, token)
	return token, nil
}

// Invalidate removes the cached token for the tenant and scopes of opts, as
// after Key Vault rejected it with 401 Unauthorized. It returns an error
// only when an existing file cannot be removed.
func (c *Credential) Invalidate(opts policy.TokenRequestOptions) error {
	if !cacheable(opts.Scopes) || c.dirErr != nil {
		return nil
	}
	return c.remove(newEntryKey(opts), "invalidated")
}

// Clear removes every cached token in dir, and the temporary files of
// interrupted writes. Empty dir means DefaultDir. Other files in dir are
// left alone, and a missing dir is not an error.
func Clear(dir string) error {
	if dir == "" {
		var err error
		if dir, err = DefaultDir(); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("listing the token cache %s: %w", dir, err)
	}

	var errs []error
	for _, e := range entries {
		name := e.Name()
		ours := strings.HasPrefix(name, filePrefix) && strings.HasSuffix(name, fileSuffix) || strings.HasPrefix(name, tempPrefix)
		if !ours || e.IsDir() {
			continue
		}
		err := os.Remove(filepath.Join(dir, name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("removing cached token %s: %w", filepath.Join(dir, name), err))
		}
	}
	return errors.Join(errs...)
}

// cacheable reports whether every scope is a Key Vault scope, such as
// https://vault.azure.net/.default.
func cacheable(scopes []string) bool {
	if len(scopes) == 0 {
		return false
	}
	for _, s := range scopes {
		if !isVaultScope(s) {
			return false
		}
	}
	return true
}

func isVaultScope(scope string) bool {
	u, err := url.Parse(scope)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" ||
		u.RawQuery != "" || u.Fragment != "" || u.Path != "/.default" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, domain := range vaultDomains {
		if host == domain || strings.HasSuffix(host, "."+domain) {
			return true
		}
	}
	return false
}

// entryKey identifies one cached token: the tenant and the sorted scopes,
// in lower case.
type entryKey struct {
	tenant string
	scopes []string
}

func newEntryKey(opts policy.TokenRequestOptions) entryKey {
	scopes := make([]string, len(opts.Scopes))
	for i, s := range opts.Scopes {
		scopes[i] = strings.ToLower(s)
	}
	slices.Sort(scopes)
	return entryKey{tenant: strings.ToLower(opts.TenantID), scopes: scopes}
}

// fileName returns the name of the key's file, a hash so that no tenant or
// scope text reaches the file system.
func (k entryKey) fileName() string {
	sum := sha256.Sum256([]byte(k.tenant + "\x00" + strings.Join(k.scopes, "\x00")))
	return filePrefix + hex.EncodeToString(sum[:16]) + fileSuffix
}

func (k entryKey) logAttrs(more ...any) []any {
	return append([]any{"tenant", k.tenant, "scope", strings.Join(k.scopes, " ")}, more...)
}

// entry is the content of a cache file.
type entry struct {
	Format      int       `json:"format"`
	Tenant      string    `json:"tenant"`
	Scopes      []string  `json:"scopes"`
	Fingerprint string    `json:"fingerprint,omitempty"`
	Token       string    `json:"token"`
	ExpiresOn   time.Time `json:"expires_on"`
	RefreshOn   time.Time `json:"refresh_on,omitzero"`
}

// load returns the key's cached token, or the reason it cannot be used.
func (c *Credential) load(key entryKey) (azcore.AccessToken, string) {
	data, reason := readPrivateFile(filepath.Join(c.dir, key.fileName()))
	if reason != "" {
		return azcore.AccessToken{}, reason
	}

	var e entry
	if err := json.Unmarshal(data, &e); err != nil {
		return azcore.AccessToken{}, "file is not valid JSON"
	}
	switch {
	case e.Format != fileFormat:
		return azcore.AccessToken{}, fmt.Sprintf("file format %d is not %d", e.Format, fileFormat)
	case e.Tenant != key.tenant || !slices.Equal(e.Scopes, key.scopes):
		return azcore.AccessToken{}, "file is for another tenant or scope"
	case e.Token == "" || e.ExpiresOn.IsZero():
		return azcore.AccessToken{}, "file has no token or expiry"
	case e.Fingerprint != c.fingerprint():
		return azcore.AccessToken{}, "sign-in changed since the token was stored"
	}

	now := c.now()
	if !now.Add(c.skew).Before(e.ExpiresOn) {
		return azcore.AccessToken{}, "token expired or expires within " + c.skew.String()
	}
	if !e.RefreshOn.IsZero() && !now.Before(e.RefreshOn) {
		return azcore.AccessToken{}, "token is past its refresh time"
	}
	return azcore.AccessToken{Token: e.Token, ExpiresOn: e.ExpiresOn, RefreshOn: e.RefreshOn}, ""
}

// readPrivateFile returns the content of a regular file that only its owner
// can read, or the reason it cannot be used.
func readPrivateFile(path string) ([]byte, string) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "no cached token"
	}
	if err != nil {
		return nil, "file cannot be opened"
	}
	defer f.Close()

	info, err := f.Stat()
	switch {
	case err != nil || !info.Mode().IsRegular():
		return nil, "not a regular file"
	case runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0:
		// On Windows the mode bits do not reflect the ACL, and the user's
		// %LocalAppData% is private by default.
		return nil, fmt.Sprintf("file mode %04o gives access to others", info.Mode().Perm())
	case info.Size() > maxFileSize:
		return nil, "file is too large"
	}

	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil || len(data) > maxFileSize {
		return nil, "file cannot be read"
	}
	return data, ""
}

// store writes token to the key's file atomically. A failure is logged, not
// returned, because the token is still good for this process.
func (c *Credential) store(key entryKey, token azcore.AccessToken) {
	if token.Token == "" || !token.ExpiresOn.After(c.now()) {
		c.logger.Info("token cache not written", key.logAttrs("reason", "token is empty or expired")...)
		return
	}
	e := entry{
		Format:      fileFormat,
		Tenant:      key.tenant,
		Scopes:      key.scopes,
		Fingerprint: c.fingerprint(),
		Token:       token.Token,
		ExpiresOn:   token.ExpiresOn.UTC(),
		RefreshOn:   token.RefreshOn.UTC(),
	}
	data, err := json.Marshal(e)
	if err == nil {
		err = atomicfile.Write(filepath.Join(c.dir, key.fileName()), data)
	}
	if err != nil {
		c.logger.Warn("token cache not written", key.logAttrs("error", err)...)
		return
	}
	c.logger.Info("token cache written", key.logAttrs("expires_on", e.ExpiresOn.Format(time.RFC3339))...)
}

// remove deletes the key's file and logs the removal with reason.
func (c *Credential) remove(key entryKey, reason string) error {
	path := filepath.Join(c.dir, key.fileName())
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		c.logger.Warn("token cache not removed", key.logAttrs("reason", reason, "error", err)...)
		return fmt.Errorf("removing cached token %s: %w", path, err)
	}
	c.logger.Info("token cache removed", key.logAttrs("reason", reason)...)
	return nil
}
