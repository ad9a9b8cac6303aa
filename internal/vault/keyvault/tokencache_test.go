package keyvault

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// cacheFixture is a fake Key Vault and fake az whose Vaults share one token
// cache directory. Its first Vault, f.v, stands for one totp process and
// process opens the next.
type cacheFixture struct {
	*fixture
	// dir is the token cache directory.
	dir  string
	opts Options
}

func newCacheFixture(t testing.TB, cfg fixtureConfig) *cacheFixture {
	t.Helper()
	// Keeps the Azure CLI profile of the machine out of the fingerprint.
	t.Setenv("AZURE_CONFIG_DIR", t.TempDir())
	dir := filepath.Join(t.TempDir(), "cache")
	cfg.opts.TokenCache = true
	cfg.opts.TokenCacheDir = dir
	return &cacheFixture{fixture: newFixture(t, cfg), dir: dir, opts: cfg.opts}
}

// process opens a new Vault on the same server and token cache directory,
// with its own HTTP client, as a new totp process does.
func (f *cacheFixture) process(t testing.TB) *Vault {
	t.Helper()
	opts := f.opts
	opts.AllowCustomEndpoint = true
	if opts.Transport == nil {
		opts.Transport = f.srv.Client()
	}
	if opts.RetryDelay == 0 {
		opts.RetryDelay = 10 * time.Millisecond
	}
	v, err := Open(f.srv.URL, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", f.srv.URL, err)
	}
	return v
}

// rewriteAz replaces the fake az, keeping its log.
func (f *cacheFixture) rewriteAz(t *testing.T, mode kvfake.AzMode, opts kvfake.AzOptions) {
	t.Helper()
	opts.LogFile = f.azLog
	if _, err := kvfake.WriteAz(filepath.Dir(f.azLog), mode, opts); err != nil {
		t.Fatalf("rewriting the fake az: %v", err)
	}
}

func (f *cacheFixture) tokenFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(f.dir, "token-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// acceptedToken is the one token a fake server accepts, changeable while it
// runs, as when Microsoft Entra ID revokes a token.
type acceptedToken struct{ v atomic.Value }

func newAcceptedToken(token string) *acceptedToken {
	a := &acceptedToken{}
	a.v.Store(token)
	return a
}

func (a *acceptedToken) set(token string)         { a.v.Store(token) }
func (a *acceptedToken) accept(token string) bool { return token == a.v.Load().(string) }

// revocableFixture is a cache fixture whose server accepts token-1, the
// token that its az prints, until revoke.
type revocableFixture struct {
	*cacheFixture
	accepted *acceptedToken
}

func newRevocableFixture(t *testing.T, opts Options) revocableFixture {
	t.Helper()
	accepted := newAcceptedToken("token-1")
	f := newCacheFixture(t, fixtureConfig{
		server: kvfake.Options{AcceptToken: accepted.accept},
		azOpts: kvfake.AzOptions{Token: "token-1"},
		opts:   opts,
	})
	return revocableFixture{cacheFixture: f, accepted: accepted}
}

// revoke makes the server reject token-1 and accept only token-2, which az
// prints from now on, as when a token is revoked.
func (f revocableFixture) revoke(t *testing.T) {
	t.Helper()
	f.accepted.set("token-2")
	f.rewriteAz(t, kvfake.AzOK, kvfake.AzOptions{Token: "token-2"})
}

func mustGetAccount(t *testing.T, v *Vault) {
	t.Helper()
	s, err := v.Get(ctx, "github-alice")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if s.Value != accountValue {
		t.Fatalf("Get returned value %q, want the seeded account", s.Value)
	}
}

// checkRequests compares the server's log with the statuses and
// authorization of the requests expected since the last reset.
func checkRequests(t *testing.T, srv *kvfake.Server, want ...string) {
	t.Helper()
	var got []string
	for _, r := range srv.Requests() {
		entry := http.StatusText(r.Status)
		if r.Authorized {
			entry = "authorized " + entry
		}
		got = append(got, entry)
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("requests = [%s], want [%s]", strings.Join(got, ", "), strings.Join(want, ", "))
	}
}

func TestTokenCacheSkipsAzInNewProcess(t *testing.T) {
	f := newCacheFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)
	if got := f.azRuns(t); got != 1 {
		t.Fatalf("first process: az ran %d times, want 1", got)
	}

	f.srv.ResetRequests()
	mustGetAccount(t, f.process(t))

	if got := f.azRuns(t); got != 1 {
		t.Errorf("second process: az ran %d more times, want none", got-1)
	}
	// The SDK first sends the request without a token to learn the tenant
	// and scope from Key Vault's challenge.
	checkRequests(t, f.srv, "Unauthorized", "authorized OK")
}

func TestTokenCacheOffRunsAz(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)

	opts := Options{AllowCustomEndpoint: true, Transport: f.srv.Client()}
	second, err := Open(f.srv.URL, opts)
	if err != nil {
		t.Fatal(err)
	}
	mustGetAccount(t, second)
	if got := f.azRuns(t); got != 2 {
		t.Errorf("az ran %d times without the token cache, want 2", got)
	}
}

func TestTokenCacheFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("windows has no POSIX file modes")
	}
	f := newCacheFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)

	files := f.tokenFiles(t)
	if len(files) != 1 {
		t.Fatalf("token files = %q, want one", files)
	}
	info, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("token file mode = %04o, want 0600", mode)
	}
	dirInfo, err := os.Stat(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if mode := dirInfo.Mode().Perm(); mode != 0o700 {
		t.Errorf("token cache directory mode = %04o, want 0700", mode)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"tenant":"` + kvfake.DefaultTenantID + `"`, `"scopes":["https://vault.azure.net/.default"]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("token file %s lacks %s", data, want)
		}
	}
}

func TestTokenCacheExpiredRunsAz(t *testing.T) {
	// A token with 4 minutes left is inside the 5 minute skew.
	f := newCacheFixture(t, fixtureConfig{azOpts: kvfake.AzOptions{ExpiresIn: 4 * time.Minute}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)
	if files := f.tokenFiles(t); len(files) != 1 {
		t.Fatalf("token files = %q, want the short-lived token stored", files)
	}

	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 2 {
		t.Errorf("az ran %d times, want 2: the cached token is too close to expiry", got)
	}

	f.rewriteAz(t, kvfake.AzOK, kvfake.AzOptions{ExpiresIn: time.Hour})
	mustGetAccount(t, f.process(t))
	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 3 {
		t.Errorf("az ran %d times, want 3: the renewed hour-long token replaces the old one", got)
	}
}

func TestTokenCacheRevokedInNewProcess(t *testing.T) {
	f := newRevocableFixture(t, Options{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)

	f.revoke(t)
	f.srv.ResetRequests()
	mustGetAccount(t, f.process(t))

	if got := f.azRuns(t); got != 2 {
		t.Errorf("az ran %d times, want 2: once more after the cached token was rejected", got)
	}
	checkRequests(t, f.srv, "Unauthorized", "Unauthorized", "authorized OK")

	f.srv.ResetRequests()
	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 2 {
		t.Errorf("third process: az ran %d times, want still 2: the new token is cached", got)
	}
	checkRequests(t, f.srv, "Unauthorized", "authorized OK")
}

func TestTokenCacheRevokedSetRetriesBody(t *testing.T) {
	f := newRevocableFixture(t, Options{})
	f.srv.Seed("other", "value", "", nil)
	if _, err := f.v.Get(ctx, "other"); err != nil {
		t.Fatalf("Get: %v", err)
	}

	f.revoke(t)
	tags := map[string]string{"issuer": "GitHub"}
	_, err := f.process(t).Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice", ContentType: "application/x-totp", Tags: tags}, Value: accountValue})
	if err != nil {
		t.Fatalf("Set with a revoked cached token: %v", err)
	}

	value, contentType, storedTags, ok := f.srv.Secret("github-alice")
	if !ok || value != accountValue || contentType != "application/x-totp" || storedTags["issuer"] != "GitHub" {
		t.Errorf("server holds %q %q %v %v, want the value, content type and tags that were set", value, contentType, storedTags, ok)
	}
	if got := f.srv.Versions("github-alice"); got != 1 {
		t.Errorf("server holds %d versions, want 1", got)
	}
	if got := f.azRuns(t); got != 2 {
		t.Errorf("az ran %d times, want 2", got)
	}
}

func TestTokenCacheRevokedInSameProcess(t *testing.T) {
	f := newRevocableFixture(t, Options{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)

	f.revoke(t)
	f.srv.ResetRequests()
	mustGetAccount(t, f.v)

	if got := f.azRuns(t); got != 2 {
		t.Errorf("az ran %d times, want 2", got)
	}
	checkRequests(t, f.srv, "Unauthorized", "authorized OK")
	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 2 {
		t.Errorf("next process: az ran %d times, want still 2", got)
	}
}

func TestTokenCacheRejectedEverywhere(t *testing.T) {
	accepted := newAcceptedToken(kvfake.DefaultToken)
	f := newCacheFixture(t, fixtureConfig{server: kvfake.Options{AcceptToken: accepted.accept}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)

	// The identity lost access: az still prints the same token, and Key
	// Vault rejects it.
	accepted.set("no token")
	_, err := f.process(t).Get(ctx, "github-alice")

	checkOneLine(t, err, "key vault rejected the token from the azure cli (401 Unauthorized)")
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("error = %v, want ErrUnauthorized", err)
	}
	// One az run for the retry after the cached token's 401, and one more
	// because azcore's challenge policy requests a new token after a 401 on a
	// request that carried a token.
	if got := f.azRuns(t) - 1; got != 2 {
		t.Errorf("second process: az ran %d times, want 2", got)
	}
	if files := f.tokenFiles(t); len(files) != 0 {
		t.Errorf("token files after rejection = %q, want none", files)
	}
}

func TestTokenCacheWrongTenantNotRetried(t *testing.T) {
	f := newCacheFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	f.srv.Inject(kvfake.Fault{Status: http.StatusUnauthorized, Body: `{"error":{"code":"Unauthorized","message":"AKV10032: Invalid issuer."}}`})

	_, err := f.v.Get(ctx, "github-alice")
	if !errors.Is(err, ErrWrongTenant) {
		t.Fatalf("error = %v, want ErrWrongTenant", err)
	}
	if got := len(f.authorized()); got != 1 {
		t.Errorf("sent %d authorized requests, want 1: a token fresh from az is not retried", got)
	}
	if got := f.azRuns(t); got != 1 {
		t.Errorf("az ran %d times, want 1", got)
	}
	if files := f.tokenFiles(t); len(files) != 0 {
		t.Errorf("token files after a 401 = %q, want none", files)
	}
}

func TestTokenCacheNonVaultScope(t *testing.T) {
	f := newCacheFixture(t, fixtureConfig{server: kvfake.Options{Resource: "https://management.azure.com"}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)
	mustGetAccount(t, f.process(t))

	if got := f.azRuns(t); got != 2 {
		t.Errorf("az ran %d times, want 2: a token for another resource is not cached", got)
	}
	if _, err := os.Stat(f.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token cache directory exists (err %v), want it never created", err)
	}
}

// caeTransport responds to the first request that carries a token with a
// Continuous Access Evaluation challenge, as Key Vault does after Microsoft
// Entra ID revoked a session.
type caeTransport struct {
	next policy.Transporter
	once sync.Once
}

func (c *caeTransport) Do(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") == "" {
		return c.next.Do(req)
	}
	var challenged bool
	c.once.Do(func() { challenged = true })
	if !challenged {
		return c.next.Do(req)
	}
	claims := base64.StdEncoding.EncodeToString([]byte(`{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}`))
	header := http.Header{}
	header.Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="`+claims+`"`)
	header.Set("Content-Type", "application/json")
	body := `{"error":{"code":"Unauthorized","message":"Token is revoked."}}`
	return &http.Response{
		StatusCode: http.StatusUnauthorized,
		Status:     "401 Unauthorized",
		Header:     header,
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    req,
	}, nil
}

func TestTokenCacheClaimsBypass(t *testing.T) {
	f := newCacheFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)

	f.opts.Transport = &caeTransport{next: f.srv.Client()}
	_, err := f.process(t).Get(ctx, "github-alice")
	f.opts.Transport = nil

	checkOneLine(t, err, "key vault requires a fresh azure cli sign-in (claims challenge)")
	if !errors.Is(err, ErrCLI) {
		t.Errorf("error = %v, want ErrCLI", err)
	}
	checkHints(t, err, "run `az login --claims-challenge ")
	if files := f.tokenFiles(t); len(files) != 0 {
		t.Errorf("token files after a claims challenge = %q, want none", files)
	}
	if got := f.azRuns(t); got != 1 {
		t.Errorf("az ran %d times, want 1: a claims request never reaches az", got)
	}

	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 2 {
		t.Errorf("after the claims challenge: az ran %d times, want 2", got)
	}
}

func TestTokenCacheProfileChange(t *testing.T) {
	f := newCacheFixture(t, fixtureConfig{})
	profile := filepath.Join(os.Getenv("AZURE_CONFIG_DIR"), "azureProfile.json")
	if err := os.WriteFile(profile, []byte(`{"subscriptions":[{"user":{"name":"alice@example.com"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)
	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 1 {
		t.Fatalf("unchanged profile: az ran %d times, want 1", got)
	}

	// `az login` as another user rewrites the profile.
	if err := os.WriteFile(profile, []byte(`{"subscriptions":[{"user":{"name":"bob@example.com"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 2 {
		t.Errorf("changed profile: az ran %d times, want 2", got)
	}
}

func TestTokenCacheTenantOption(t *testing.T) {
	f := newCacheFixture(t, fixtureConfig{opts: Options{TenantID: "contoso.onmicrosoft.com"}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)

	data, err := os.ReadFile(f.tokenFiles(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"tenant":"contoso.onmicrosoft.com"`) {
		t.Errorf("token file %s is not keyed by the tenant passed to az", data)
	}

	f.opts.TenantID = ""
	mustGetAccount(t, f.process(t))
	if got := f.azRuns(t); got != 2 {
		t.Errorf("az ran %d times, want 2: a token for another tenant is not reused", got)
	}
}

func TestTokenCacheNeverLogsToken(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f := newRevocableFixture(t, Options{Logger: logger})
	f.srv.Seed("github-alice", accountValue, "", nil)
	mustGetAccount(t, f.v)
	f.revoke(t)
	mustGetAccount(t, f.process(t))

	logged := buf.String()
	for _, want := range []string{"token cache written", "token cache hit", "token cache removed", "retrying with a token from the azure cli"} {
		if !strings.Contains(logged, want) {
			t.Errorf("log lacks %q:\n%s", want, logged)
		}
	}
	for _, token := range []string{"token-1", "token-2"} {
		if strings.Contains(logged, token) {
			t.Errorf("log contains the token %s:\n%s", token, logged)
		}
	}
}

func TestParseTokenCache(t *testing.T) {
	tests := []struct {
		value string
		on    bool
		err   bool
	}{
		{"", true, false},
		{"1", true, false},
		{"true", true, false},
		{" ON ", true, false},
		{"0", false, false},
		{"false", false, false},
		{"off", false, false},
		{"no", false, true},
		{"2", false, true},
	}
	for _, tt := range tests {
		on, err := ParseTokenCache(tt.value)
		if (err != nil) != tt.err {
			t.Errorf("ParseTokenCache(%q) error = %v, want error %t", tt.value, err, tt.err)
			continue
		}
		if err != nil {
			checkOneLine(t, err, `invalid TOTP_TOKEN_CACHE "`+tt.value+`": want 1 or 0`)
			continue
		}
		if on != tt.on {
			t.Errorf("ParseTokenCache(%q) = %t, want %t", tt.value, on, tt.on)
		}
	}
}

// BenchmarkGetNewProcess measures one `totp code` worth of work: a new Vault
// and one Get, with a fake az that takes 500ms, as a cold Azure CLI does.
func BenchmarkGetNewProcess(b *testing.B) {
	for _, cached := range []bool{false, true} {
		name := "az"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			f := newCacheFixture(b, fixtureConfig{az: kvfake.AzSlow, azOpts: kvfake.AzOptions{Delay: 500 * time.Millisecond}})
			f.opts.TokenCache = cached
			f.srv.Seed("github-alice", accountValue, "", nil)
			if _, err := f.process(b).Get(ctx, "github-alice"); err != nil {
				b.Fatal(err)
			}

			b.ResetTimer()
			for b.Loop() {
				if _, err := f.process(b).Get(ctx, "github-alice"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
