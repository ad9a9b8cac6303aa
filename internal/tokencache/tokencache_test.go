package tokencache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

const (
	vaultScope   = "https://vault.azure.net/.default"
	armScope     = "https://management.azure.com/.default"
	tenantA      = "f4ce7e57-0000-4000-8000-00000000a2ee"
	tenantB      = "0b0b0b0b-0000-4000-8000-00000000b0b0"
	startTimeRFC = "2024-05-01T12:00:00Z"
)

var ctx = context.Background()

// fakeCredential hands out numbered tokens that expire lifetime after its
// clock, and records every request it gets.
type fakeCredential struct {
	mu       sync.Mutex
	now      func() time.Time
	lifetime time.Duration
	err      error
	requests []policy.TokenRequestOptions
}

func (f *fakeCredential) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, opts)
	if f.err != nil {
		return azcore.AccessToken{}, f.err
	}
	return azcore.AccessToken{
		Token:     fmt.Sprintf("token-%d", len(f.requests)),
		ExpiresOn: f.now().Add(f.lifetime),
	}, nil
}

func (f *fakeCredential) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t *testing.T) *clock {
	start, err := time.Parse(time.RFC3339, startTimeRFC)
	if err != nil {
		t.Fatal(err)
	}
	return &clock{t: start}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type setup struct {
	dir   string
	clock *clock
	inner *fakeCredential
	log   *bytes.Buffer
	opts  Options
}

func newSetup(t *testing.T) *setup {
	t.Helper()
	s := &setup{dir: filepath.Join(t.TempDir(), "cache"), clock: newClock(t), log: &bytes.Buffer{}}
	s.inner = &fakeCredential{now: s.clock.now, lifetime: time.Hour}
	s.opts = Options{
		Dir:    s.dir,
		Now:    s.clock.now,
		Logger: slog.New(slog.NewTextHandler(s.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	return s
}

// process returns a new Credential over the same directory and inner
// credential, as a new totp process would build.
func (s *setup) process() *Credential { return New(s.inner, s.opts) }

func request(tenant string, scopes ...string) policy.TokenRequestOptions {
	return policy.TokenRequestOptions{TenantID: tenant, Scopes: scopes, EnableCAE: true}
}

func mustGet(t *testing.T, c *Credential, opts policy.TokenRequestOptions) azcore.AccessToken {
	t.Helper()
	token, err := c.GetToken(ctx, opts)
	if err != nil {
		t.Fatalf("GetToken(%v): %v", opts.Scopes, err)
	}
	return token
}

// tokenFiles returns the names of the cache files in dir.
func tokenFiles(t *testing.T, dir string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "token-*.json"))
	if err != nil {
		t.Fatal(err)
	}
	return matches
}

func onlyTokenFile(t *testing.T, dir string) string {
	t.Helper()
	files := tokenFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("cache files = %q, want exactly one", files)
	}
	return files[0]
}

func TestReuseAcrossProcesses(t *testing.T) {
	s := newSetup(t)
	first := mustGet(t, s.process(), request(tenantA, vaultScope))
	second := mustGet(t, s.process(), request(tenantA, vaultScope))

	if got := s.inner.calls(); got != 1 {
		t.Errorf("inner credential called %d times, want 1", got)
	}
	if second.Token != first.Token {
		t.Errorf("second token = %q, want the cached %q", second.Token, first.Token)
	}
	if !second.ExpiresOn.Equal(first.ExpiresOn) {
		t.Errorf("second expiry = %s, want %s", second.ExpiresOn, first.ExpiresOn)
	}
}

func TestFileAndDirectoryModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("windows has no POSIX file modes")
	}
	s := newSetup(t)
	mustGet(t, s.process(), request(tenantA, vaultScope))

	info, err := os.Stat(onlyTokenFile(t, s.dir))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %04o, want 0600", mode)
	}
	dirInfo, err := os.Stat(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if mode := dirInfo.Mode().Perm(); mode != 0o700 {
		t.Errorf("directory mode = %04o, want 0700", mode)
	}
	leftovers, _ := filepath.Glob(filepath.Join(s.dir, ".token-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %q", leftovers)
	}
}

func TestFileContent(t *testing.T) {
	s := newSetup(t)
	token := mustGet(t, s.process(), request(tenantA, vaultScope))

	data, err := os.ReadFile(onlyTokenFile(t, s.dir))
	if err != nil {
		t.Fatal(err)
	}
	content := string(data)
	for _, want := range []string{`"format":1`, `"tenant":"` + tenantA + `"`, `"scopes":["` + vaultScope + `"]`, `"token":"` + token.Token + `"`, `"expires_on":"2024-05-01T13:00:00Z"`} {
		if !strings.Contains(content, want) {
			t.Errorf("file %s does not contain %s", content, want)
		}
	}
	if strings.Contains(content, "refresh_on") {
		t.Errorf("file %s has refresh_on for a token without one", content)
	}
}

func TestExpiry(t *testing.T) {
	tests := []struct {
		name    string
		skew    time.Duration
		advance time.Duration
		reused  bool
	}{
		{name: "fresh", advance: 30 * time.Minute, reused: true},
		{name: "inside default skew", advance: 56 * time.Minute, reused: false},
		{name: "expired", advance: 2 * time.Hour, reused: false},
		{name: "inside custom skew", skew: 20 * time.Minute, advance: 45 * time.Minute, reused: false},
		{name: "before custom skew", skew: 20 * time.Minute, advance: 39 * time.Minute, reused: true},
		{name: "no margin", skew: -1, advance: 59 * time.Minute, reused: true},
		{name: "no margin at expiry", skew: -1, advance: time.Hour, reused: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t)
			s.opts.Skew = tt.skew
			first := mustGet(t, s.process(), request(tenantA, vaultScope))
			s.clock.advance(tt.advance)
			second := mustGet(t, s.process(), request(tenantA, vaultScope))

			wantCalls := 2
			if tt.reused {
				wantCalls = 1
			}
			if got := s.inner.calls(); got != wantCalls {
				t.Errorf("inner credential called %d times, want %d", got, wantCalls)
			}
			if reused := second.Token == first.Token; reused != tt.reused {
				t.Errorf("second token %q reused = %t, want %t", second.Token, reused, tt.reused)
			}
		})
	}
}

func TestExpiredFileReplaced(t *testing.T) {
	s := newSetup(t)
	mustGet(t, s.process(), request(tenantA, vaultScope))
	s.clock.advance(2 * time.Hour)
	renewed := mustGet(t, s.process(), request(tenantA, vaultScope))
	third := mustGet(t, s.process(), request(tenantA, vaultScope))

	if got := s.inner.calls(); got != 2 {
		t.Errorf("inner credential called %d times, want 2", got)
	}
	if third.Token != renewed.Token {
		t.Errorf("third token = %q, want the renewed %q", third.Token, renewed.Token)
	}
}

func TestRefreshOnPassed(t *testing.T) {
	s := newSetup(t)
	dir := s.dir
	inner := credentialFunc(func(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
		now := s.clock.now()
		return azcore.AccessToken{Token: "with-refresh", ExpiresOn: now.Add(time.Hour), RefreshOn: now.Add(30 * time.Minute)}, nil
	})
	mustGet(t, New(inner, s.opts), request(tenantA, vaultScope))
	data, err := os.ReadFile(onlyTokenFile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"refresh_on":"2024-05-01T12:30:00Z"`) {
		t.Errorf("file %s lacks refresh_on", data)
	}

	s.clock.advance(29 * time.Minute)
	if _, reason := New(s.inner, s.opts).load(newEntryKey(request(tenantA, vaultScope))); reason != "" {
		t.Errorf("before refresh_on: load failed with %q, want a hit", reason)
	}
	s.clock.advance(time.Minute)
	mustGet(t, New(s.inner, s.opts), request(tenantA, vaultScope))
	if got := s.inner.calls(); got != 1 {
		t.Errorf("at refresh_on: inner credential called %d times, want 1", got)
	}
}

type credentialFunc func(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error)

func (f credentialFunc) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return f(ctx, opts)
}

func TestScopes(t *testing.T) {
	tests := []struct {
		scopes []string
		cached bool
	}{
		{[]string{"https://vault.azure.net/.default"}, true},
		{[]string{"https://vault.azure.cn/.default"}, true},
		{[]string{"https://vault.usgovcloudapi.net/.default"}, true},
		{[]string{"https://vault.microsoftazure.de/.default"}, true},
		{[]string{"https://myvault.vault.azure.net/.default"}, true},
		{[]string{"https://VAULT.AZURE.NET/.default"}, true},
		{[]string{"https://vault.azure.net/.default", "https://vault.azure.cn/.default"}, true},
		{nil, false},
		{[]string{armScope}, false},
		{[]string{"https://vault.azure.net/.default", armScope}, false},
		{[]string{"https://managedhsm.azure.net/.default"}, false},
		{[]string{"https://evilvault.azure.net/.default"}, false},
		{[]string{"https://vault.azure.net.example.com/.default"}, false},
		{[]string{"http://vault.azure.net/.default"}, false},
		{[]string{"https://vault.azure.net:8443/.default"}, false},
		{[]string{"https://user@vault.azure.net/.default"}, false},
		{[]string{"https://vault.azure.net/user_impersonation"}, false},
		{[]string{"https://vault.azure.net"}, false},
		{[]string{"https://vault.azure.net/.default?x=1"}, false},
		{[]string{"vault.azure.net/.default"}, false},
		{[]string{"https://%zz/.default"}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.scopes, " "), func(t *testing.T) {
			s := newSetup(t)
			mustGet(t, s.process(), request(tenantA, tt.scopes...))
			mustGet(t, s.process(), request(tenantA, tt.scopes...))

			wantCalls, wantFiles := 2, 0
			if tt.cached {
				wantCalls, wantFiles = 1, 1
			}
			if got := s.inner.calls(); got != wantCalls {
				t.Errorf("inner credential called %d times, want %d", got, wantCalls)
			}
			if files := tokenFiles(t, s.dir); len(files) != wantFiles {
				t.Errorf("cache files = %q, want %d", files, wantFiles)
			}
		})
	}
}

func TestNonVaultScopePassesThrough(t *testing.T) {
	s := newSetup(t)
	c := s.process()
	opts := request(tenantA, armScope)
	token := mustGet(t, c, opts)

	if token.Token != "token-1" {
		t.Errorf("token = %q, want the inner credential's token-1", token.Token)
	}
	if got := s.inner.requests[0]; got.TenantID != tenantA || len(got.Scopes) != 1 || got.Scopes[0] != armScope {
		t.Errorf("inner request = %+v, want the caller's options", got)
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cache directory exists after a non-vault request (err %v)", err)
	}
	if err := c.Invalidate(opts); err != nil {
		t.Errorf("Invalidate for a non-vault scope: %v", err)
	}
}

func TestTenantsKeptApart(t *testing.T) {
	s := newSetup(t)
	a := mustGet(t, s.process(), request(tenantA, vaultScope))
	b := mustGet(t, s.process(), request(tenantB, vaultScope))
	again := mustGet(t, s.process(), request(strings.ToUpper(tenantA), vaultScope))

	if a.Token == b.Token {
		t.Errorf("tenants %s and %s got the same token %q", tenantA, tenantB, a.Token)
	}
	if again.Token != a.Token {
		t.Errorf("upper-case tenant got %q, want the cached %q", again.Token, a.Token)
	}
	if files := tokenFiles(t, s.dir); len(files) != 2 {
		t.Errorf("cache files = %q, want one for each tenant", files)
	}
}

func TestClaimsBypassAndInvalidate(t *testing.T) {
	s := newSetup(t)
	cached := mustGet(t, s.process(), request(tenantA, vaultScope))

	withClaims := request(tenantA, vaultScope)
	withClaims.Claims = `{"access_token":{"nbf":{"essential":true,"value":"1714564800"}}}`
	fresh := mustGet(t, s.process(), withClaims)

	if fresh.Token == cached.Token {
		t.Errorf("claims request got the cached token %q", fresh.Token)
	}
	if got := s.inner.calls(); got != 2 {
		t.Fatalf("inner credential called %d times, want 2", got)
	}
	if got := s.inner.requests[1].Claims; got != withClaims.Claims {
		t.Errorf("inner request claims = %q, want %q", got, withClaims.Claims)
	}
	if files := tokenFiles(t, s.dir); len(files) != 0 {
		t.Errorf("cache files after a claims request = %q, want none", files)
	}

	mustGet(t, s.process(), request(tenantA, vaultScope))
	if got := s.inner.calls(); got != 3 {
		t.Errorf("after claims: inner credential called %d times, want 3", got)
	}
}

func TestClaimsFailureLeavesNoToken(t *testing.T) {
	s := newSetup(t)
	mustGet(t, s.process(), request(tenantA, vaultScope))

	s.inner.err = errors.New("az login --claims-challenge required")
	withClaims := request(tenantA, vaultScope)
	withClaims.Claims = `{"access_token":{}}`
	if _, err := s.process().GetToken(ctx, withClaims); !errors.Is(err, s.inner.err) {
		t.Errorf("error = %v, want the inner credential's error", err)
	}
	if files := tokenFiles(t, s.dir); len(files) != 0 {
		t.Errorf("cache files after a failed claims request = %q, want none", files)
	}
}

func TestInvalidate(t *testing.T) {
	s := newSetup(t)
	c := s.process()
	first := mustGet(t, c, request(tenantA, vaultScope))
	other := mustGet(t, c, request(tenantB, vaultScope))

	if err := c.Invalidate(request(tenantA, vaultScope)); err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	if err := c.Invalidate(request(tenantA, vaultScope)); err != nil {
		t.Errorf("Invalidate of a missing token: %v", err)
	}
	second := mustGet(t, s.process(), request(tenantA, vaultScope))
	otherAgain := mustGet(t, s.process(), request(tenantB, vaultScope))

	if second.Token == first.Token {
		t.Errorf("token after Invalidate = %q, the dropped token", second.Token)
	}
	if otherAgain.Token != other.Token {
		t.Errorf("other tenant's token = %q, want the untouched %q", otherAgain.Token, other.Token)
	}
	if got := s.inner.calls(); got != 3 {
		t.Errorf("inner credential called %d times, want 3", got)
	}
}

func TestUnusableFilesIgnored(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *testing.T, path string)
	}{
		{"not json", func(t *testing.T, path string) { writeFile(t, path, "{not json", 0o600) }},
		{"empty", func(t *testing.T, path string) { writeFile(t, path, "", 0o600) }},
		{"wrong format", func(t *testing.T, path string) {
			rewrite(t, path, `"format":1`, `"format":99`)
		}},
		{"other tenant", func(t *testing.T, path string) {
			rewrite(t, path, tenantA, tenantB)
		}},
		{"no token", func(t *testing.T, path string) {
			rewrite(t, path, `"token":"token-1"`, `"token":""`)
		}},
		{"too large", func(t *testing.T, path string) {
			writeFile(t, path, strings.Repeat(" ", maxFileSize+1), 0o600)
		}},
		{"directory", func(t *testing.T, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
		{"readable by others", func(t *testing.T, path string) {
			if runtime.GOOS == "windows" {
				t.Skip("windows has no POSIX file modes")
			}
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSetup(t)
			mustGet(t, s.process(), request(tenantA, vaultScope))
			tt.corrupt(t, onlyTokenFile(t, s.dir))

			token, err := s.process().GetToken(ctx, request(tenantA, vaultScope))
			if err != nil {
				t.Fatalf("GetToken with an unusable file: %v", err)
			}
			if token.Token != "token-2" {
				t.Errorf("token = %q, want a new token-2 from the inner credential", token.Token)
			}
		})
	}
}

func TestUnusableFileReplaced(t *testing.T) {
	s := newSetup(t)
	mustGet(t, s.process(), request(tenantA, vaultScope))
	writeFile(t, onlyTokenFile(t, s.dir), "garbage", 0o600)
	mustGet(t, s.process(), request(tenantA, vaultScope))
	third := mustGet(t, s.process(), request(tenantA, vaultScope))

	if third.Token != "token-2" {
		t.Errorf("third token = %q, want token-2 from the replaced file", third.Token)
	}
}

func TestWriteFailureNotAnError(t *testing.T) {
	parent := t.TempDir()
	blocker := filepath.Join(parent, "file")
	writeFile(t, blocker, "not a directory", 0o600)
	s := newSetup(t)
	s.opts.Dir = filepath.Join(blocker, "cache")

	token, err := s.process().GetToken(ctx, request(tenantA, vaultScope))
	if err != nil {
		t.Fatalf("GetToken with an unwritable cache: %v", err)
	}
	if token.Token != "token-1" {
		t.Errorf("token = %q, want token-1", token.Token)
	}
	if !strings.Contains(s.log.String(), "token cache not written") {
		t.Errorf("log does not report the failed write:\n%s", s.log)
	}
}

func TestInnerErrorUnchanged(t *testing.T) {
	s := newSetup(t)
	s.inner.err = errors.New("az failed")
	_, err := s.process().GetToken(ctx, request(tenantA, vaultScope))
	if err != s.inner.err {
		t.Errorf("error = %v, want the inner credential's error unchanged", err)
	}
	if files := tokenFiles(t, s.dir); len(files) != 0 {
		t.Errorf("cache files after a failure = %q, want none", files)
	}
}

func TestExpiredTokenNotStored(t *testing.T) {
	s := newSetup(t)
	s.inner.lifetime = -time.Minute
	mustGet(t, s.process(), request(tenantA, vaultScope))
	if files := tokenFiles(t, s.dir); len(files) != 0 {
		t.Errorf("cache files after an expired token = %q, want none", files)
	}
}

func TestFingerprint(t *testing.T) {
	s := newSetup(t)
	sign := "alice@2024-05-01"
	s.opts.Fingerprint = func() string { return sign }
	first := mustGet(t, s.process(), request(tenantA, vaultScope))
	same := mustGet(t, s.process(), request(tenantA, vaultScope))
	sign = "bob@2024-05-01"
	changed := mustGet(t, s.process(), request(tenantA, vaultScope))

	if same.Token != first.Token {
		t.Errorf("same fingerprint: token = %q, want the cached %q", same.Token, first.Token)
	}
	if changed.Token == first.Token {
		t.Errorf("changed fingerprint: got the cached token %q", changed.Token)
	}
}

func TestTokenNeverLogged(t *testing.T) {
	s := newSetup(t)
	s.opts.Fingerprint = func() string { return "fp" }
	c := s.process()
	mustGet(t, c, request(tenantA, vaultScope))
	mustGet(t, s.process(), request(tenantA, vaultScope))
	if err := c.Invalidate(request(tenantA, vaultScope)); err != nil {
		t.Fatal(err)
	}

	logged := s.log.String()
	for _, want := range []string{"token cache miss", "token cache written", "token cache hit", "token cache removed"} {
		if !strings.Contains(logged, want) {
			t.Errorf("log lacks %q:\n%s", want, logged)
		}
	}
	if strings.Contains(logged, "token-1") {
		t.Errorf("log contains the token:\n%s", logged)
	}
}

func TestConcurrentProcesses(t *testing.T) {
	s := newSetup(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := s.process().GetToken(ctx, request(tenantA, vaultScope)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent GetToken: %v", err)
	}

	if _, reason := s.process().load(newEntryKey(request(tenantA, vaultScope))); reason != "" {
		t.Errorf("file after concurrent writes is unusable: %s", reason)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(s.dir, ".token-*")); len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %q", leftovers)
	}
}

func TestNoCacheDirectory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("emptying the variables hides the cache directory only on linux")
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	s := newSetup(t)
	s.opts.Dir = ""
	c := s.process()
	mustGet(t, c, request(tenantA, vaultScope))
	mustGet(t, c, request(tenantA, vaultScope))

	if got := s.inner.calls(); got != 2 {
		t.Errorf("inner credential called %d times, want 2 (no cache)", got)
	}
	if err := c.Invalidate(request(tenantA, vaultScope)); err != nil {
		t.Errorf("Invalidate without a cache directory: %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CACHE_HOME applies only on linux")
	}
	base := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", base)
	dir, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "totp"); dir != want {
		t.Errorf("DefaultDir() = %q, want %q", dir, want)
	}

	s := newSetup(t)
	s.opts.Dir = ""
	mustGet(t, s.process(), request(tenantA, vaultScope))
	if files := tokenFiles(t, dir); len(files) != 1 {
		t.Errorf("cache files in %s = %q, want one", dir, files)
	}
}

func TestClear(t *testing.T) {
	s := newSetup(t)
	mustGet(t, s.process(), request(tenantA, vaultScope))
	mustGet(t, s.process(), request(tenantB, vaultScope))
	other := filepath.Join(s.dir, "names-0123456789abcdef.json")
	writeFile(t, other, "{}", 0o600)
	temp := filepath.Join(s.dir, ".token-123.tmp")
	writeFile(t, temp, "partial", 0o600)

	if err := Clear(s.dir); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if files := tokenFiles(t, s.dir); len(files) != 0 {
		t.Errorf("cache files after Clear = %q, want none", files)
	}
	if _, err := os.Stat(temp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file after Clear: err = %v, want it removed", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("Clear removed another file: %v", err)
	}

	mustGet(t, s.process(), request(tenantA, vaultScope))
	if got := s.inner.calls(); got != 3 {
		t.Errorf("inner credential called %d times, want 3", got)
	}
}

func TestClearMissingDirectory(t *testing.T) {
	if err := Clear(filepath.Join(t.TempDir(), "missing")); err != nil {
		t.Errorf("Clear of a missing directory: %v", err)
	}
}

func TestClearDefaultDirectory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_CACHE_HOME applies only on linux")
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	s := newSetup(t)
	s.opts.Dir = ""
	mustGet(t, s.process(), request(tenantA, vaultScope))
	if err := Clear(""); err != nil {
		t.Fatalf("Clear(\"\"): %v", err)
	}
	dir, _ := DefaultDir()
	if files := tokenFiles(t, dir); len(files) != 0 {
		t.Errorf("cache files after Clear(\"\") = %q, want none", files)
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func rewrite(t *testing.T, path, old, replacement string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("file %s does not contain %s", data, old)
	}
	writeFile(t, path, strings.Replace(string(data), old, replacement, 1), 0o600)
}
