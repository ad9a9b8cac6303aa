package keyvault

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/tokencache"
)

// CLITimeoutEnv is the environment variable that sets Options.CLITimeout, as
// a Go duration such as "90s" or "2m".
const CLITimeoutEnv = "TOTP_AZ_TIMEOUT"

// DefaultCLITimeout is the default deadline for one run of
// `az account get-access-token`. azidentity's own default is 10s, which a
// cold start of the Azure CLI (a Python program) can exceed.
const DefaultCLITimeout = 30 * time.Second

// ParseCLITimeout parses a TOTP_AZ_TIMEOUT value: a positive Go duration.
func ParseCLITimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d <= 0 {
		return 0, hint.Wrap(fmt.Errorf("invalid %s %q: want a positive duration", CLITimeoutEnv, s),
			"set it to a duration such as "+CLITimeoutEnv+"=90s or "+CLITimeoutEnv+"=2m")
	}
	return d, nil
}

// cliCredential gets tokens from the Azure CLI through azidentity and turns
// its failures into errors with a remedy. With the token cache on, it runs az
// only when the cache has no valid token.
type cliCredential struct {
	cli     azcore.TokenCredential
	tenant  string
	timeout time.Duration
	logger  *slog.Logger
	// cache is nil when the token cache is off.
	cache *tokenCache
}

// newCLICredential returns the Azure CLI credential. A non-empty cacheDir
// turns the token cache on, with its files in that directory.
func newCLICredential(tenant string, timeout time.Duration, cacheDir string, logger *slog.Logger) (*cliCredential, error) {
	if tenant != "" && !validTenant(tenant) {
		return nil, hint.Wrap(fmt.Errorf("invalid tenant %q: want a tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com", tenant),
			"find your tenant IDs with `az account list --query \"[].tenantId\" -o tsv`")
	}
	// Every request passes the tenant explicitly (see GetToken), so
	// AdditionallyAllowedTenants is never needed.
	cli, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: tenant})
	if err != nil {
		return nil, fmt.Errorf("creating the azure cli credential: %w", err)
	}
	c := &cliCredential{cli: cli, tenant: tenant, timeout: timeout, logger: logger}
	if cacheDir != "" {
		c.cache = newTokenCache(c.run, cacheDir, logger)
	}
	return c, nil
}

var tenantPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.-]*$`)

func validTenant(s string) bool { return len(s) <= 256 && tenantPattern.MatchString(s) }

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// GetToken returns a token for the scope and tenant from Key Vault's
// challenge: from the token cache when it is on and has one, else from
// `az account get-access-token` under the CLI deadline.
func (c *cliCredential) GetToken(ctx context.Context, tro policy.TokenRequestOptions) (azcore.AccessToken, error) {
	challengeTenant := tro.TenantID
	if c.tenant != "" {
		if guidPattern.MatchString(c.tenant) && guidPattern.MatchString(challengeTenant) && !strings.EqualFold(c.tenant, challengeTenant) {
			return azcore.AccessToken{}, errTenantMismatch(c.tenant, challengeTenant)
		}
		// A domain name cannot be compared with the challenge's tenant ID,
		// so the token is requested for the tenant the user chose. A wrong
		// tenant then fails at Key Vault with a wrong-tenant 401.
		tro.TenantID = c.tenant
	}

	if c.cache != nil {
		return c.cache.GetToken(ctx, tro)
	}
	return c.run(ctx, tro)
}

// run runs `az account get-access-token` for tro under the CLI deadline.
func (c *cliCredential) run(ctx context.Context, tro policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if _, err := exec.LookPath("az"); err != nil {
		return azcore.AccessToken{}, errCLINotFound(err)
	}

	// azidentity applies its own 10s deadline only when ctx has none, so a
	// deadline set here replaces it.
	cliCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	start := time.Now()
	token, err := c.cli.GetToken(cliCtx, tro)
	c.logger.Info("azure cli token", "tenant", tro.TenantID, "duration", time.Since(start).Round(time.Millisecond), "ok", err == nil)
	if err == nil {
		return token, nil
	}

	switch {
	case ctx.Err() != nil:
		return azcore.AccessToken{}, fmt.Errorf("getting a token from the azure cli: %w", ctx.Err())
	case errors.Is(cliCtx.Err(), context.DeadlineExceeded):
		return azcore.AccessToken{}, errCLITimeout(c.timeout, err)
	}
	return azcore.AccessToken{}, classifyCLIError(err, c.tenant, scopeOf(tro))
}

func scopeOf(tro policy.TokenRequestOptions) string {
	if len(tro.Scopes) == 1 {
		return tro.Scopes[0]
	}
	return "https://vault.azure.net/.default"
}

// ErrCLI is the error class of every Azure CLI failure: az missing, not
// logged in, sign-in expired, too slow or failing otherwise.
var ErrCLI = errors.New("azure cli failed")

// ErrWrongTenant reports that the token is for another tenant than the
// vault's.
var ErrWrongTenant = errors.New("wrong tenant")

// kindError is an error with its own message that matches several causes
// with errors.Is and errors.As: a class such as ErrCLI and the error that
// the SDK returned.
type kindError struct {
	msg    string
	causes []error
}

func (e *kindError) Error() string { return e.msg }

func (e *kindError) Unwrap() []error { return e.causes }

func newKindError(msg string, causes ...error) error {
	var nonNil []error
	for _, c := range causes {
		if c != nil {
			nonNil = append(nonNil, c)
		}
	}
	return &kindError{msg: msg, causes: nonNil}
}

func errCLINotFound(cause error) error {
	return hint.Wrap(newKindError("azure cli (az) not found on PATH", ErrCLI, cause),
		"install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli), then run `az login`")
}

func errCLITimeout(timeout time.Duration, cause error) error {
	return hint.Wrap(newKindError(fmt.Sprintf("azure cli did not return a token within %s", timeout), ErrCLI, cause),
		"set "+CLITimeoutEnv+" to a longer deadline, such as "+CLITimeoutEnv+"=2m, or check that `az account get-access-token` works")
}

func errTenantMismatch(want, got string) error {
	return hint.Wrap(newKindError(fmt.Sprintf("key vault is in tenant %s, not in tenant %s set by --tenant", got, want), ErrWrongTenant),
		"use --tenant "+got+" (run `az login --tenant "+got+"` first if needed), or drop --tenant")
}

func loginCommand(tenant string, extra string) string {
	cmd := "az login"
	if tenant != "" {
		cmd += " --tenant " + tenant
	}
	return cmd + extra
}

var aadstsPattern = regexp.MustCompile(`AADSTS\d+`)

// classifyCLIError maps an AzureCLICredential error to a one-line error with
// a remedy. The credential's message carries the CLI's stderr.
func classifyCLIError(err error, tenant, scope string) error {
	msg := err.Error()

	if strings.Contains(msg, "executable not found") || strings.Contains(msg, "' is not recognized") {
		return errCLINotFound(err)
	}

	if _, claims, ok := strings.Cut(msg, "--claims-challenge "); ok {
		// azidentity returns this before running az when Key Vault sends a
		// claims (Continuous Access Evaluation) challenge.
		claims, _, _ = strings.Cut(claims, " ")
		return hint.Wrap(newKindError("key vault requires a fresh azure cli sign-in (claims challenge)", ErrCLI, err),
			"run `"+loginCommand(tenant, " --claims-challenge "+claims)+"`")
	}

	if code := aadstsPattern.FindString(msg); code != "" {
		return hint.Wrap(newKindError(fmt.Sprintf("azure cli sign-in has expired or needs multi-factor authentication (%s)", code), ErrCLI, err),
			"run `"+loginCommand(tenant, " --scope "+scope)+"`")
	}

	if strings.Contains(msg, "az login") {
		return hint.Wrap(newKindError("not logged in to the azure cli", ErrCLI, err),
			"run `"+loginCommand(tenant, "")+"`")
	}

	return hint.Wrap(newKindError("azure cli failed to get a token: "+cliMessage(msg), ErrCLI, err),
		"run `az account get-access-token --resource "+strings.TrimSuffix(scope, "/.default")+"` to see the full error")
}

// cliMessage returns the first meaningful line of an AzureCLICredential
// message, without the credential's name, the "ERROR:" prefix of az and
// azidentity's troubleshooting link.
func cliMessage(msg string) string {
	msg = strings.TrimPrefix(msg, "AzureCLICredential: ")
	msg, _, _ = strings.Cut(msg, " To troubleshoot, visit ")
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "ERROR:"))
		if line != "" {
			return truncate(line, 200)
		}
	}
	return "no message"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// tenantRecorder remembers the tenant of the last challenge that reached the
// credential, so a wrong-tenant 401 can name the vault's tenant.
type tenantRecorder struct {
	cred azcore.TokenCredential

	mu     sync.Mutex
	tenant string
}

func (r *tenantRecorder) GetToken(ctx context.Context, tro policy.TokenRequestOptions) (azcore.AccessToken, error) {
	r.mu.Lock()
	r.tenant = tro.TenantID
	r.mu.Unlock()
	return r.cred.GetToken(ctx, tro)
}

func (r *tenantRecorder) challengeTenant() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tenant
}

// TokenCacheEnv is the environment variable that turns the Key Vault token
// cache (Options.TokenCache) on or off. ParseTokenCache reads its value.
const TokenCacheEnv = "TOTP_TOKEN_CACHE"

// ParseTokenCache parses a TOTP_TOKEN_CACHE value: empty, 1, true or on turn
// the token cache on, and 0, false or off turn it off.
func ParseTokenCache(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "1", "true", "on":
		return true, nil
	case "0", "false", "off":
		return false, nil
	}
	return false, hint.Wrap(fmt.Errorf("invalid %s %q: want 1 or 0", TokenCacheEnv, s),
		"set "+TokenCacheEnv+"=0 to turn the token cache off, or unset it to keep the cache on")
}

// tokenCache links the file cache of Key Vault tokens to the Azure CLI and to
// the pipeline. It remembers the last request that went through the cache
// and the last token that az returned, so that a 401 can drop the cached
// token and retry only when the rejected token came from the cache file.
type tokenCache struct {
	cache  *tokencache.Credential
	logger *slog.Logger

	mu sync.Mutex
	// request is the last request passed to the cache.
	request policy.TokenRequestOptions
	// fetched is the last token that az returned in this process.
	fetched string
}

// newTokenCache returns a cache in dir over fetch, which runs az.
func newTokenCache(fetch func(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error), dir string, logger *slog.Logger) *tokenCache {
	tc := &tokenCache{logger: logger}
	inner := credentialFunc(func(ctx context.Context, tro policy.TokenRequestOptions) (azcore.AccessToken, error) {
		token, err := fetch(ctx, tro)
		if err == nil {
			tc.mu.Lock()
			tc.fetched = token.Token
			tc.mu.Unlock()
		}
		return token, err
	})
	tc.cache = tokencache.New(inner, tokencache.Options{Dir: dir, Fingerprint: azProfileFingerprint, Logger: logger})
	return tc
}

func (tc *tokenCache) GetToken(ctx context.Context, tro policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tc.mu.Lock()
	tc.request = tro
	tc.mu.Unlock()
	return tc.cache.GetToken(ctx, tro)
}

// reject drops the cached token after Key Vault rejected token with 401
// Unauthorized. It reports whether token came from the cache file rather
// than from az in this process, so that one more attempt, with a token from
// az, may succeed.
func (tc *tokenCache) reject(token string) bool {
	tc.mu.Lock()
	request, fetched := tc.request, tc.fetched
	tc.mu.Unlock()
	if len(request.Scopes) == 0 {
		return false
	}
	if err := tc.cache.Invalidate(request); err != nil {
		tc.logger.Warn("key vault rejected a cached token that cannot be removed", "error", err)
	}
	return token != fetched
}

// credentialFunc is a function that implements azcore.TokenCredential.
type credentialFunc func(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error)

func (f credentialFunc) GetToken(ctx context.Context, tro policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return f(ctx, tro)
}

// azProfileFingerprint returns the size and modification time of the Azure
// CLI's azureProfile.json, in $AZURE_CONFIG_DIR or ~/.azure. The Azure CLI
// (checked in 2.45.0) rewrites that file on `az login`, `az logout` and
// `az account set`, and not on `az account get-access-token`, so a token
// cached before one of those commands is not reused after it.
func azProfileFingerprint() string {
	dir := os.Getenv("AZURE_CONFIG_DIR")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "no home directory"
		}
		dir = filepath.Join(home, ".azure")
	}
	info, err := os.Stat(filepath.Join(dir, "azureProfile.json"))
	if err != nil {
		return "no azure cli profile"
	}
	return fmt.Sprintf("azureProfile.json %d bytes %d", info.Size(), info.ModTime().UnixNano())
}

// rejectionKey is the context key of a *rejection.
type rejectionKey struct{}

// rejection records, for one call, whether the last 401 rejected a token
// that came from the cache file.
type rejection struct {
	mu     sync.Mutex
	cached bool
}

func (r *rejection) set(cached bool) {
	r.mu.Lock()
	r.cached = cached
	r.mu.Unlock()
}

func (r *rejection) get() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cached
}

// cacheRetryPolicy runs once per call, before azcore's retry and Key Vault
// challenge policies. When the call ends in 401 Unauthorized because Key
// Vault rejected a token from the cache file, it sends the request once more,
// so the challenge policy gets a new token from az.
//
// The challenge policy alone does not recover in a new process: it sends
// the unauthenticated probe, gets the cached token on the challenge, and
// returns the 401 of that token without asking for another one.
type cacheRetryPolicy struct {
	logger *slog.Logger
}

func (p cacheRetryPolicy) Do(req *policy.Request) (*http.Response, error) {
	r := &rejection{}
	resp, err := req.Clone(context.WithValue(req.Raw().Context(), rejectionKey{}, r)).Next()
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !r.get() {
		return resp, err
	}

	p.logger.Info("key vault rejected the cached token; retrying with a token from the azure cli", "method", req.Raw().Method, "path", req.Raw().URL.Path)
	runtime.Drain(resp)
	if err := req.RewindBody(); err != nil {
		return nil, fmt.Errorf("rewinding the request body to retry: %w", err)
	}
	return req.Clone(req.Raw().Context()).Next()
}

// cacheInvalidatePolicy runs for every HTTP request, after the challenge
// policy has set the token. On 401 Unauthorized to a request that carried a
// token, it drops the cached token before the challenge policy requests a
// new one, and records for cacheRetryPolicy where the token came from.
type cacheInvalidatePolicy struct {
	cache *tokenCache
}

func (p cacheInvalidatePolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	scheme, token, ok := strings.Cut(req.Raw().Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		// The challenge probe carries no token.
		return resp, err
	}
	cached := p.cache.reject(token)
	if r, ok := req.Raw().Context().Value(rejectionKey{}).(*rejection); ok {
		r.set(cached)
	}
	return resp, err
}

// CheckTenant returns an error when tenant is neither a tenant ID (a GUID)
// nor a domain name, as --tenant, AZURE_TENANT_ID and the config file take.
func CheckTenant(tenant string) error {
	if !validTenant(tenant) {
		return fmt.Errorf("invalid tenant %q: want a tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com", tenant)
	}
	return nil
}
