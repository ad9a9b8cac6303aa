package keyvault

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// fixture is a fake Key Vault, a fake az on PATH and a Vault that talks to
// both through the real azsecrets and azidentity code.
type fixture struct {
	srv   *kvfake.Server
	v     *Vault
	azLog string
	// label is how messages name the fake vault: its host and port.
	label string
}

type fixtureConfig struct {
	server kvfake.Options
	az     kvfake.AzMode
	azOpts kvfake.AzOptions
	opts   Options
}

func newFixture(t testing.TB, cfg fixtureConfig) *fixture {
	t.Helper()
	srv, err := kvfake.Start(cfg.server)
	if err != nil {
		t.Fatalf("starting the fake key vault: %v", err)
	}
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	azLog := filepath.Join(dir, "az.log")
	azOpts := cfg.azOpts
	azOpts.LogFile = azLog
	if _, err := kvfake.WriteAz(dir, cfg.az, azOpts); err != nil {
		t.Fatalf("writing the fake az: %v", err)
	}
	t.Setenv("PATH", dir)

	opts := cfg.opts
	opts.AllowCustomEndpoint = true
	if opts.Transport == nil {
		opts.Transport = srv.Client()
	}
	if opts.RetryDelay == 0 {
		opts.RetryDelay = 10 * time.Millisecond
	}
	v, err := Open(srv.URL, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", srv.URL, err)
	}
	v.pollInterval = 10 * time.Millisecond
	label := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "https://"), "/")
	return &fixture{srv: srv, v: v, azLog: azLog, label: label}
}

// azRuns returns how many times the fake az ran.
func (f *fixture) azRuns(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile(f.azLog)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		t.Fatalf("reading the az log: %v", err)
	}
	return strings.Count(string(data), "\n")
}

// authorized returns the requests that carried an accepted token.
func (f *fixture) authorized() []kvfake.Request {
	var out []kvfake.Request
	for _, r := range f.srv.Requests() {
		if r.Authorized {
			out = append(out, r)
		}
	}
	return out
}

func checkHints(t *testing.T, err error, want ...string) {
	t.Helper()
	hints := hint.Hints(err)
	if len(hints) != len(want) {
		t.Fatalf("hints = %q, want %d hints containing %q", hints, len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(hints[i], w) {
			t.Errorf("hint %d = %q, want it to contain %q", i, hints[i], w)
		}
	}
}

func checkOneLine(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q, want it to contain %q", err, want)
	}
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("error has several lines: %q", err)
	}
	if err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
		t.Errorf("error starts with a capital letter: %q", err)
	}
}

var ctx = context.Background()

// staticCredential returns the token that the fake vault accepts, for tests
// that run no az.
type staticCredential struct{}

func (staticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: kvfake.DefaultToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

const accountValue = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30"

func TestSetGetRoundTrip(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	tags := map[string]string{"issuer": "GitHub", "account": "alice@example.com", "digits": "6"}

	p, err := f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice", ContentType: "application/x-totp", Tags: tags}, Value: accountValue})
	if err != nil {
		t.Fatalf("Set: %v", err)
	}
	if p.Name != "github-alice" || len(p.Version) != 32 || !p.Enabled || p.ContentType != "application/x-totp" {
		t.Errorf("Set returned %+v, want name github-alice, a 32-character version, enabled, the content type", p)
	}

	value, contentType, storedTags, ok := f.srv.Secret("github-alice")
	if !ok || value != accountValue || contentType != "application/x-totp" || fmt.Sprint(storedTags) != fmt.Sprint(tags) {
		t.Errorf("server holds %q %q %v %v, want the value, content type and tags that were set", value, contentType, storedTags, ok)
	}

	s, err := f.v.Get(ctx, "GitHub-Alice")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if s.Value != accountValue || s.Name != "github-alice" || s.Version != p.Version || fmt.Sprint(s.Tags) != fmt.Sprint(tags) {
		t.Errorf("Get returned %+v, want what Set stored", s)
	}
	if s.Created.IsZero() || s.Updated.IsZero() {
		t.Errorf("Get returned zero created or updated times: %+v", s.Properties)
	}

	p2, err := f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice"}, Value: "second"})
	if err != nil {
		t.Fatalf("second Set: %v", err)
	}
	if p2.Version == p.Version {
		t.Errorf("second Set kept version %s, want a new one", p.Version)
	}
	if n := f.srv.Versions("github-alice"); n != 2 {
		t.Errorf("server has %d versions, want 2", n)
	}
	if got := f.azRuns(t); got != 1 {
		t.Errorf("az ran %d times, want 1 (the token is cached)", got)
	}
}

func TestGetRequestCount(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "application/x-totp", nil)

	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("first Get: %v", err)
	}
	reqs := f.srv.Requests()
	if len(reqs) != 2 || reqs[0].Authorized || !reqs[1].Authorized {
		t.Fatalf("first Get sent %+v, want the challenge probe and one authorized request", reqs)
	}
	if reqs[1].Method != http.MethodGet || reqs[1].Path != "/secrets/github-alice/" && reqs[1].Path != "/secrets/github-alice" {
		t.Errorf("first Get sent %s %s, want GET /secrets/github-alice", reqs[1].Method, reqs[1].Path)
	}

	f.srv.ResetRequests()
	for i := 0; i < 3; i++ {
		if _, err := f.v.Get(ctx, "github-alice"); err != nil {
			t.Fatalf("Get %d: %v", i, err)
		}
	}
	if reqs := f.srv.Requests(); len(reqs) != 3 {
		t.Errorf("3 more Gets sent %d requests, want 3: %+v", len(reqs), reqs)
	}
	if got := f.azRuns(t); got != 1 {
		t.Errorf("az ran %d times, want 1", got)
	}
}

func TestListPages(t *testing.T) {
	tests := []struct {
		name      string
		pageSize  int
		secrets   int
		wantPages int
	}{
		{name: "default page size", pageSize: 0, secrets: 60, wantPages: 3},
		{name: "exactly one page", pageSize: 0, secrets: 25, wantPages: 1},
		{name: "small pages", pageSize: 7, secrets: 20, wantPages: 3},
		{name: "empty vault", pageSize: 0, secrets: 0, wantPages: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureConfig{server: kvfake.Options{PageSize: tt.pageSize}})
			var want []string
			for i := 0; i < tt.secrets; i++ {
				name := fmt.Sprintf("account-%03d", i)
				f.srv.Seed(name, "value-"+name, "application/x-totp", map[string]string{"issuer": "Issuer" + name})
				want = append(want, name)
			}

			got, err := f.v.List(ctx)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.Name)
				if p.Tags["issuer"] != "Issuer"+p.Name || p.ContentType != "application/x-totp" || !p.Enabled {
					t.Errorf("List returned %+v, want the seeded tags and content type", p)
				}
			}
			sort.Strings(names)
			if fmt.Sprint(names) != fmt.Sprint(want) {
				t.Errorf("List returned %d names %v, want %d", len(names), names, len(want))
			}

			reqs := f.authorized()
			if len(reqs) != tt.wantPages {
				t.Errorf("List sent %d authorized requests, want %d pages: %+v", len(reqs), tt.wantPages, reqs)
			}
			for _, r := range f.srv.Requests() {
				if r.Method != http.MethodGet || strings.TrimSuffix(r.Path, "/") != "/secrets" {
					t.Errorf("List sent %s %s, want only GET /secrets pages (no value reads)", r.Method, r.Path)
				}
			}
		})
	}
}

func TestListPagesCallsBackPerPage(t *testing.T) {
	f := newFixture(t, fixtureConfig{server: kvfake.Options{PageSize: 5}})
	for i := range 12 {
		f.srv.Seed(fmt.Sprintf("account-%02d", i), "value", "application/x-totp", nil)
	}
	var sizes []int
	var requestsSeen []int
	err := f.v.ListPages(ctx, func(page []vault.Properties) error {
		sizes = append(sizes, len(page))
		requestsSeen = append(requestsSeen, len(f.authorized()))
		return nil
	})
	if err != nil {
		t.Fatalf("ListPages: %v", err)
	}
	if fmt.Sprint(sizes) != "[5 5 2]" {
		t.Errorf("page sizes = %v, want [5 5 2]", sizes)
	}
	// Each page is handed over before the next one is requested.
	if fmt.Sprint(requestsSeen) != "[1 2 3]" {
		t.Errorf("requests sent when each page was handed over = %v, want [1 2 3]", requestsSeen)
	}

	stop := errors.New("enough")
	calls := 0
	err = f.v.ListPages(ctx, func([]vault.Properties) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("ListPages after the callback failed: err %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func TestDeleteRecoverPurge(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFixture(t, fixtureConfig{server: kvfake.Options{Now: func() time.Time { return now }}})
	f.srv.Seed("github-alice", accountValue, "application/x-totp", nil)

	d, err := f.v.Delete(ctx, "github-alice")
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if d.Name != "github-alice" || !d.DeletedOn.Equal(now) || !d.PurgeOn.Equal(now.AddDate(0, 0, 90)) || d.RecoveryLevel != "Recoverable+Purgeable" {
		t.Errorf("Delete returned %+v, want deleted now, purge in 90 days, Recoverable+Purgeable", d)
	}

	if _, err := f.v.Get(ctx, "github-alice"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get after Delete: error = %v, want vault.ErrNotFound", err)
	}
	list, err := f.v.List(ctx)
	if err != nil || len(list) != 0 {
		t.Errorf("List after Delete = %v, %v, want nothing", list, err)
	}

	gd, err := f.v.GetDeleted(ctx, "github-alice")
	if err != nil {
		t.Fatalf("GetDeleted: %v", err)
	}
	if gd != d {
		t.Errorf("GetDeleted = %+v, want %+v", gd, d)
	}

	_, err = f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice"}, Value: "new"})
	checkOneLine(t, err, `writing secret "github-alice" to key vault `+f.label+`: deleted but recoverable`)
	if !errors.Is(err, vault.ErrDeleted) {
		t.Errorf("Set on a deleted name: error = %v, want vault.ErrDeleted", err)
	}
	checkHints(t, err, "run `totp recover github-alice` to restore it, or use --force")

	p, err := f.v.Recover(ctx, "github-alice")
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if p.Name != "github-alice" || p.ContentType != "application/x-totp" {
		t.Errorf("Recover returned %+v", p)
	}
	s, err := f.v.Get(ctx, "github-alice")
	if err != nil || s.Value != accountValue {
		t.Errorf("Get after Recover = %q, %v, want the original value", s.Value, err)
	}

	if _, err := f.v.Delete(ctx, "github-alice"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if err := f.v.Purge(ctx, "github-alice"); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	_, err = f.v.GetDeleted(ctx, "github-alice")
	checkOneLine(t, err, `reading deleted secret "github-alice" from key vault `+f.label+`: not found`)
	if !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("GetDeleted after Purge: error = %v, want vault.ErrNotFound", err)
	}
	if _, err := f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice"}, Value: "new"}); err != nil {
		t.Errorf("Set after Purge: %v", err)
	}
}

func TestRecoverWaitsUntilReadable(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "application/x-totp", nil)
	if _, err := f.v.Delete(ctx, "github-alice"); err != nil {
		t.Fatalf("Delete: %v", err)
	}

	// The real service answers 404 for a while after a recovery starts.
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets/github-alice", Status: http.StatusNotFound, Times: 2})
	f.srv.ResetRequests()
	p, err := f.v.Recover(ctx, "github-alice")
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if p.Name != "github-alice" || p.Version == "" {
		t.Errorf("Recover returned %+v", p)
	}
	var gets int
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/secrets/github-alice") {
			gets++
		}
	}
	if gets != 3 {
		t.Errorf("Recover polled with %d GETs, want 3 (two 404s, then the secret)", gets)
	}
}

func TestDeleteWithoutSoftDelete(t *testing.T) {
	off := false
	f := newFixture(t, fixtureConfig{server: kvfake.Options{SoftDelete: &off}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	d, err := f.v.Delete(ctx, "github-alice")
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if strings.Contains(d.RecoveryLevel, "Recoverable") {
		t.Errorf("Delete returned recovery level %q, want a purgeable-only level", d.RecoveryLevel)
	}
	if _, err := f.v.Get(ctx, "github-alice"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get after Delete: error = %v, want vault.ErrNotFound", err)
	}
}

func TestGetNotFound(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	_, err := f.v.Get(ctx, "missing")
	checkOneLine(t, err, `reading secret "missing" from key vault `+f.label+`: not found`)
	if !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("error = %v, want vault.ErrNotFound", err)
	}
	if errors.Is(err, vault.ErrDeleted) || errors.Is(err, ErrHostNotFound) {
		t.Errorf("error = %v matches another class", err)
	}
}

func TestGetDisabled(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	f.srv.SetEnabled("github-alice", false)

	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: disabled`)
	if !errors.Is(err, vault.ErrDisabled) {
		t.Errorf("error = %v, want vault.ErrDisabled", err)
	}
	checkHints(t, err, "az keyvault secret set-attributes --vault-name "+f.label+" --name github-alice --enabled true")

	list, err := f.v.List(ctx)
	if err != nil || len(list) != 1 || list[0].Enabled {
		t.Errorf("List = %+v, %v, want the disabled secret", list, err)
	}
}

func TestInvalidNameSendsNothing(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	for _, name := range []string{"", "has space", "a/b", "x?y", strings.Repeat("a", 128), "ünï"} {
		_, err := f.v.Get(ctx, name)
		checkOneLine(t, err, "invalid secret name")
		_, err = f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: name}, Value: "v"})
		checkOneLine(t, err, "invalid secret name")
	}
	if reqs := f.srv.Requests(); len(reqs) != 0 {
		t.Errorf("invalid names sent %d requests, want none", len(reqs))
	}
}

func TestForbiddenRBAC(t *testing.T) {
	f := newFixture(t, fixtureConfig{server: kvfake.Options{Denied: map[string]bool{"get": true, "set": true}}})
	f.srv.Seed("github-alice", accountValue, "", nil)

	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "permission denied: the signed-in identity needs the Key Vault Secrets User role on key vault "+f.label+" (ForbiddenByRbac)")
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("error = %v, want ErrForbidden", err)
	}
	checkHints(t, err,
		`az role assignment create --role "Key Vault Secrets User" --assignee "$(az ad signed-in-user show --query id -o tsv)" --scope "$(az keyvault show --name `+f.label+` --query id -o tsv)"`,
		"new role assignments can take a few minutes to apply")

	_, err = f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice"}, Value: "v"})
	checkOneLine(t, err, "needs the Key Vault Secrets Officer role")
	checkHints(t, err, `--role "Key Vault Secrets Officer"`, "few minutes")

	if _, err := f.v.List(ctx); err != nil {
		t.Errorf("List with list allowed: %v", err)
	}
}

func TestForbiddenAccessPolicy(t *testing.T) {
	f := newFixture(t, fixtureConfig{server: kvfake.Options{Authorization: kvfake.AccessPolicy, Denied: map[string]bool{"get": true, "set": true, "list": true}}})
	f.srv.Seed("github-alice", accountValue, "", nil)

	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "permission denied: the access policy of key vault "+f.label+" does not grant the secrets get permission")
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("error = %v, want ErrForbidden", err)
	}
	checkHints(t, err,
		`az keyvault set-policy --name `+f.label+` --upn "$(az ad signed-in-user show --query userPrincipalName -o tsv)" --secret-permissions get list`,
		"set-policy replaces")

	_, err = f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice"}, Value: "v"})
	checkOneLine(t, err, "does not grant the secrets set permission")
	checkHints(t, err, "--secret-permissions get list set delete recover", "set-policy replaces")

	_, err = f.v.List(ctx)
	checkOneLine(t, err, "listing secrets in key vault "+f.label+": permission denied: the access policy of key vault "+f.label+" does not grant the secrets list permission")
}

func TestForbiddenAccessPolicyWrites(t *testing.T) {
	f := newFixture(t, fixtureConfig{server: kvfake.Options{Authorization: kvfake.AccessPolicy, Denied: map[string]bool{"delete": true, "recover": true, "purge": true}}})
	f.srv.Seed("github-alice", accountValue, "", nil)

	_, err := f.v.Delete(ctx, "github-alice")
	checkOneLine(t, err, "does not grant the secrets delete permission")
	checkHints(t, err, "--secret-permissions get list set delete recover", "set-policy replaces")

	// The fake vault, like Key Vault, checks the permission before it looks
	// for the secret.
	_, err = f.v.Recover(ctx, "github-alice")
	checkOneLine(t, err, "does not grant the secrets recover permission")
	err = f.v.Purge(ctx, "github-alice")
	checkOneLine(t, err, "does not grant the secrets purge permission")
	checkHints(t, err, "--secret-permissions get list set delete recover purge", "set-policy replaces")
}

func TestThrottledThenSuccess(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("warm-up Get: %v", err)
	}

	f.srv.ResetRequests()
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets/", Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 2})
	start := time.Now()
	s, err := f.v.Get(ctx, "github-alice")
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Get through two 429s: %v", err)
	}
	if s.Value != accountValue {
		t.Errorf("Get returned %q", s.Value)
	}
	var statuses []int
	for _, r := range f.srv.Requests() {
		statuses = append(statuses, r.Status)
	}
	if fmt.Sprint(statuses) != "[429 429 200]" {
		t.Errorf("statuses = %v, want [429 429 200]", statuses)
	}
	// Retry-After: 1 twice means at least two seconds of waiting; the
	// retry delay of 10ms would be far shorter.
	if elapsed < 2*time.Second {
		t.Errorf("Get took %s, want at least 2s because Retry-After was honoured", elapsed)
	}
}

func TestThrottledForever(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Status: http.StatusTooManyRequests, RetryAfter: "1"})
	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: key vault is throttling requests (429) after 3 retries`)
	if !errors.Is(err, ErrThrottled) {
		t.Errorf("error = %v, want ErrThrottled", err)
	}
	checkHints(t, err, "wait a minute and try again")
	if n := len(f.authorized()); n != 4 {
		t.Errorf("sent %d authorized requests, want 4 (1 + 3 retries)", n)
	}
}

func TestThrottledRetryAfterTooLong(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Status: http.StatusTooManyRequests, RetryAfter: "3600"})
	start := time.Now()
	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "key vault is throttling requests (429) and asked to wait 3600 seconds")
	if n := len(f.authorized()); n != 1 {
		t.Errorf("sent %d authorized requests, want 1: a Retry-After above the cap ends the retries", n)
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Get took %s, want it to give up at once", elapsed)
	}
}

func TestServerErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		times  int
		want   string
	}{
		{name: "500 forever", status: 500, want: "key vault returned 500 Internal Server Error after 3 retries"},
		{name: "503 forever", status: 503, want: "key vault returned 503 Service Unavailable after 3 retries"},
		{name: "502 forever", status: 502, want: "key vault returned 502 Bad Gateway after 3 retries"},
		{name: "503 twice", status: 503, times: 2},
		{name: "500 three times", status: 500, times: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureConfig{})
			f.srv.Seed("github-alice", accountValue, "", nil)
			f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Status: tt.status, Times: tt.times})
			s, err := f.v.Get(ctx, "github-alice")
			if tt.times > 0 {
				if err != nil || s.Value != accountValue {
					t.Fatalf("Get through %d × %d = %q, %v, want success", tt.times, tt.status, s.Value, err)
				}
				if n := len(f.authorized()); n != tt.times+1 {
					t.Errorf("sent %d authorized requests, want %d", n, tt.times+1)
				}
				return
			}
			checkOneLine(t, err, tt.want)
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("error = %v, want ErrUnavailable", err)
			}
			checkHints(t, err, "try again in a few minutes")
		})
	}
}

func TestNoRetriesOption(t *testing.T) {
	f := newFixture(t, fixtureConfig{opts: Options{MaxRetries: -1}})
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Status: 503})
	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "key vault returned 503 Service Unavailable")
	if strings.Contains(err.Error(), "retr") {
		t.Errorf("error = %q, want no retry count", err)
	}
	if n := len(f.authorized()); n != 1 {
		t.Errorf("sent %d authorized requests, want 1", n)
	}
}

func TestDroppedConnection(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)

	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Drop: true, Times: 1})
	s, err := f.v.Get(ctx, "github-alice")
	if err != nil || s.Value != accountValue {
		t.Fatalf("Get after one dropped connection = %q, %v, want success", s.Value, err)
	}

	f.srv.ClearFaults()
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Drop: true})
	_, err = f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: connection to 127.0.0.1 failed after 3 retries`)
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("error = %v, want ErrUnavailable", err)
	}
	checkHints(t, err, "check your network connection")
}

func TestTimeout(t *testing.T) {
	f := newFixture(t, fixtureConfig{server: kvfake.Options{Latency: 50 * time.Millisecond}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("Get with 50ms latency: %v", err)
	}

	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Delay: 10 * time.Second})
	tctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.v.Get(tctx, "github-alice")
	// The reported time is the time spent, which a loaded machine can
	// stretch past the deadline.
	checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: timed out after `)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want context.DeadlineExceeded", err)
	}
	checkHints(t, err, "--timeout")
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Get took %s after a 300ms deadline", elapsed)
	}
}

func TestInterrupted(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("warm-up Get: %v", err)
	}
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Delay: 10 * time.Second})

	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := f.v.Get(cctx, "github-alice")
	checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: interrupted`)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if hints := hint.Hints(err); len(hints) != 0 {
		t.Errorf("hints = %q, want none", hints)
	}
}

func TestSetMany(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("deleted-one", "x", "", nil)
	if _, err := f.v.Delete(ctx, "deleted-one"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	secrets := []vault.Secret{
		{Properties: vault.Properties{Name: "first"}, Value: "1"},
		{Properties: vault.Properties{Name: "deleted-one"}, Value: "2"},
		{Properties: vault.Properties{Name: "bad name"}, Value: "3"},
		{Properties: vault.Properties{Name: "last"}, Value: "4"},
	}
	errs, err := f.v.SetMany(ctx, secrets)
	if err != nil {
		t.Fatalf("SetMany: %v", err)
	}
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("SetMany errors = %v, want first and last stored", errs)
	}
	if !errors.Is(errs[1], vault.ErrDeleted) || !strings.Contains(fmt.Sprint(errs[2]), "invalid secret name") {
		t.Errorf("SetMany errors = %v, want ErrDeleted and an invalid name", errs)
	}
	for _, name := range []string{"first", "last"} {
		if _, _, _, ok := f.srv.Secret(name); !ok {
			t.Errorf("secret %s was not stored", name)
		}
	}

	f.srv.Inject(kvfake.Fault{Method: http.MethodPut, Status: 503})
	f.srv.ResetRequests()
	errs, err = f.v.SetMany(ctx, []vault.Secret{
		{Properties: vault.Properties{Name: "second"}, Value: "5"},
		{Properties: vault.Properties{Name: "third"}, Value: "6"},
	})
	if !errors.Is(err, ErrUnavailable) || !errors.Is(errs[0], ErrUnavailable) || !errors.Is(errs[1], ErrUnavailable) {
		t.Errorf("SetMany against 503s = %v, %v, want ErrUnavailable for the call and both secrets", errs, err)
	}
	for _, r := range f.srv.Requests() {
		if strings.Contains(r.Path, "third") {
			t.Errorf("SetMany sent %s %s after a failure that is not about one secret", r.Method, r.Path)
		}
	}
}

func TestMalformedResponses(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{name: "not json", body: "<html>proxy error</html>", want: "key vault returned a response that is not valid JSON: "},
		{name: "id without name", body: `{"id":"https://vault/secrets/","value":"v"}`, want: `key vault returned an invalid secret id "https://vault/secrets/"`},
		{name: "id of another kind", body: `{"id":"https://vault/keys/k/1","value":"v"}`, want: `key vault returned an invalid secret id "https://vault/keys/k/1"`},
		{name: "no id", body: `{"value":"v"}`, want: "key vault returned a secret without an id"},
		{name: "no value", body: `{"id":"https://vault/secrets/github-alice/0123"}`, want: `key vault returned secret "github-alice" without a value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureConfig{})
			f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Status: http.StatusOK, Body: tt.body})
			_, err := f.v.Get(ctx, "github-alice")
			checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+": "+tt.want)
		})
	}
}

func TestPollGivesUp(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)
	if _, err := f.v.Delete(ctx, "github-alice"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	f.v.pollTimeout = 200 * time.Millisecond
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets/github-alice", Status: http.StatusNotFound})

	_, err := f.v.Recover(ctx, "github-alice")
	checkOneLine(t, err, `recovering secret "github-alice" in key vault `+f.label+": key vault did not finish the change within 200ms")
	checkHints(t, err, "totp list")
}

func TestLoggerRecordsRequests(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	f := newFixture(t, fixtureConfig{opts: Options{Logger: logger}})

	if _, err := f.v.Set(ctx, vault.Secret{Properties: vault.Properties{Name: "github-alice"}, Value: accountValue}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, Status: http.StatusServiceUnavailable, RetryAfter: "0", Times: 1})
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("Get: %v", err)
	}

	out := logs.String()
	for _, want := range []string{
		`msg="azure cli token" tenant=` + kvfake.DefaultTenantID,
		"msg=\"key vault request\" method=PUT path=/secrets/github-alice",
		"authorized=false status=401",
		"authorized=true status=200",
		"status=503",
		"retry=1",
		"duration=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"JBSWY3DPEHPK3PXP", kvfake.DefaultToken, "otpauth://"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
}

// BenchmarkGet measures one Get against the fake vault over TLS on loopback,
// after the first Get has fetched the challenge and the token.
func BenchmarkGet(b *testing.B) {
	f := newFixture(b, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "application/x-totp", nil)
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := f.v.Get(ctx, "github-alice"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList100 measures listing 100 secrets, which takes 4 pages.
func BenchmarkList100(b *testing.B) {
	f := newFixture(b, fixtureConfig{})
	for i := 0; i < 100; i++ {
		f.srv.Seed(fmt.Sprintf("account-%03d", i), "v", "application/x-totp", map[string]string{"issuer": "Issuer"})
	}
	if _, err := f.v.List(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := f.v.List(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
