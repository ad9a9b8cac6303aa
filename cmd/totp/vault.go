package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/config"
	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/namecache"
	"github.com/totp-cli/totp/internal/prompt"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault"
	"github.com/totp-cli/totp/internal/vault/local"
)

// loadConfig reads the configuration file.
func (g *globalOptions) loadConfig() (*config.Config, error) {
	path, err := config.Path()
	if err != nil {
		return nil, err
	}
	return config.Load(path)
}

// vaultSetting returns the vault to use and where the choice came from:
// --vault, then TOTP_VAULT, then the configuration file. Both are empty when
// nothing chooses a vault.
func (g *globalOptions) vaultSetting(cfg *config.Config) (value, source string) {
	if g.vault != "" {
		return g.vault, "--vault"
	}
	if v := g.Getenv("TOTP_VAULT"); v != "" {
		return v, "TOTP_VAULT"
	}
	if v, ok := cfg.Get("vault"); ok {
		return v, "config file " + cfg.Path()
	}
	return "", ""
}

// openStore opens the vault that the flags, environment and configuration
// choose.
//
// The store gets a name cache, so that a filter costs no failed read of an
// exact name once the vault has been listed, and shell completion can offer
// names without reaching the vault.
func (g *globalOptions) openStore() (*account.Store, error) {
	v, err := g.openVault()
	if err != nil {
		return nil, err
	}
	store := &account.Store{Vault: v}
	if cache, err := namecache.Open(v.String()); err == nil {
		store.Names = cache
	}
	return store, nil
}

func (g *globalOptions) openVault() (vault.Vault, error) {
	cfg, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	value, source := g.vaultSetting(cfg)

	switch {
	case value == "":
		path, err := local.DefaultPath()
		if err != nil {
			return nil, err
		}
		if !g.quiet {
			fmt.Fprintf(g.IO.Err, "note: using the local vault %s; to use Azure Key Vault, run 'totp config set vault NAME' or set TOTP_VAULT\n", path)
		}
		return g.openLocal(path)
	case strings.HasPrefix(value, "file:"):
		path := strings.TrimPrefix(value, "file:")
		if path == "" {
			return nil, usageErrorf("invalid vault %q from %s: file: needs a path, as in file:/path/to/vault.age", value, source)
		}
		return g.openLocal(path)
	}
	return g.openKeyVault(value, source, cfg)
}

func (g *globalOptions) openLocal(path string) (vault.Vault, error) {
	g.localVault = true
	workFactor := 0
	if s := g.Getenv("TOTP_SCRYPT_WORK_FACTOR"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("invalid TOTP_SCRYPT_WORK_FACTOR %q: not a number", s)
		}
		workFactor = n
	}
	return local.Open(path, local.Options{
		Passphrase: g.passphraseFunc(path),
		WorkFactor: workFactor,
		Now:        g.Now,
	})
}

// passphraseFunc returns the passphrase source of the local vault at path:
// TOTP_PASSPHRASE, else a prompt on the terminal, which requests the
// passphrase twice when the file is being created.
func (g *globalOptions) passphraseFunc(path string) func(creating bool) ([]byte, error) {
	return func(creating bool) ([]byte, error) {
		if p := g.Getenv("TOTP_PASSPHRASE"); p != "" {
			return []byte(p), nil
		}
		if !g.IO.InTTY || g.IO.InFile == nil {
			return nil, hint.Wrap(
				errors.New("no passphrase: TOTP_PASSPHRASE is not set and standard input is not a terminal"),
				"set TOTP_PASSPHRASE, or run the command in a terminal")
		}
		if creating {
			fmt.Fprintf(g.IO.Err, "Creating the local vault %s; choose a passphrase.\n", path)
		}
		p, err := prompt.Passphrase(g.IO.InFile, g.IO.Err, path, creating)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
}

func (g *globalOptions) openKeyVault(value, source string, cfg *config.Config) (vault.Vault, error) {
	allowCustom := g.Getenv("TOTP_ALLOW_CUSTOM_ENDPOINT") == "1"
	vaultURL, _, err := keyvault.ResolveURL(value, allowCustom)
	if err != nil {
		return nil, fmt.Errorf("vault from %s: %w", source, err)
	}

	tenant, tenantSource := g.tenantSetting(cfg)
	if tenant != "" {
		if err := keyvault.CheckTenant(tenant); err != nil {
			err = fmt.Errorf("tenant from %s: %w", tenantSource, err)
			if strings.HasPrefix(tenantSource, "config file") {
				return nil, hint.Wrap(err, "fix it with 'totp config set tenant ID', or remove it with 'totp config unset tenant'")
			}
			return nil, err
		}
	}

	azTimeout, err := g.azTimeout(cfg)
	if err != nil {
		return nil, err
	}
	tokenCache, err := g.tokenCache(cfg)
	if err != nil {
		return nil, err
	}

	return keyvault.Open(vaultURL, keyvault.Options{
		TenantID:            tenant,
		CLITimeout:          azTimeout,
		AllowCustomEndpoint: allowCustom,
		TokenCache:          tokenCache,
		Logger:              g.log,
	})
}

// tokenCache reports whether Key Vault access tokens are cached across runs.
// --no-token-cache turns the cache off; otherwise TOTP_TOKEN_CACHE decides,
// then the config key token-cache, and the cache is on when neither is set.
func (g *globalOptions) tokenCache(cfg *config.Config) (bool, error) {
	if g.noTokenCache {
		return false, nil
	}
	s, source := g.Getenv(keyvault.TokenCacheEnv), keyvault.TokenCacheEnv
	if s == "" {
		s, _ = cfg.Get("token-cache")
		source = "config key token-cache"
	}
	on, err := keyvault.ParseTokenCache(s)
	if err != nil {
		return false, fmt.Errorf("invalid %s %q: use on or off (also accepted: true, false, 1, 0)", source, s)
	}
	return on, nil
}

// tenantSetting returns the tenant that Key Vault tokens are requested for,
// and where it came from: --tenant, then AZURE_TENANT_ID, then the config
// key tenant. Both are empty when none sets it.
func (g *globalOptions) tenantSetting(cfg *config.Config) (tenant, source string) {
	if g.tenant != "" {
		return g.tenant, "--tenant"
	}
	if t := g.Getenv("AZURE_TENANT_ID"); t != "" {
		return t, "AZURE_TENANT_ID"
	}
	if t, ok := cfg.Get("tenant"); ok {
		return t, "config file " + cfg.Path()
	}
	return "", ""
}

// azTimeout returns how long to wait for the Azure CLI: TOTP_AZ_TIMEOUT, then
// the config key az-timeout, else zero for the backend's default.
func (g *globalOptions) azTimeout(cfg *config.Config) (time.Duration, error) {
	s, source := g.Getenv("TOTP_AZ_TIMEOUT"), "TOTP_AZ_TIMEOUT"
	if s == "" {
		s, _ = cfg.Get("az-timeout")
		source = "config key az-timeout"
	}
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid %s %q: use a duration such as 30s or 1m", source, s)
	}
	return d, nil
}

// localTimeout bounds a command on a local vault file when --timeout is not
// given. A write holds the file's lock for two scrypt runs (about 2.5 s at
// the default work factor), so twenty processes writing at once need close
// to a minute; --timeout's default of 30 s is sized for Key Vault requests.
const localTimeout = 5 * time.Minute

// withTimeout returns a context that ends after --timeout, or after
// localTimeout on a local vault when --timeout was not given.
func (g *globalOptions) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	d := g.timeout
	if g.localVault && !g.timeoutSet {
		d = localTimeout
	}
	return context.WithTimeoutCause(ctx, d, errTimeout{d})
}

// errTimeout is the cause of a context that --timeout ended.
type errTimeout struct{ d time.Duration }

func (e errTimeout) Error() string { return fmt.Sprintf("timed out after %s", e.d) }

// explainTimeout adds the --timeout hint to an error caused by the deadline.
func (g *globalOptions) explainTimeout(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if len(hint.Hints(err)) > 0 {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) && errors.As(context.Cause(ctx), new(errTimeout)) {
		return hint.Wrap(fmt.Errorf("%w (%s)", err, context.Cause(ctx)), "try again with a longer --timeout, such as --timeout 2m")
	}
	return err
}
