package keyvault

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

func TestAzNotInstalled(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	t.Setenv("PATH", t.TempDir())

	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: azure cli (az) not found on PATH`)
	if !errors.Is(err, ErrCLI) || !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("error = %v, want ErrCLI and exec.ErrNotFound", err)
	}
	checkHints(t, err, "install the Azure CLI")
	if n := len(f.authorized()); n != 0 {
		t.Errorf("sent %d authorized requests, want none", n)
	}
}

func TestAzModes(t *testing.T) {
	tests := []struct {
		name    string
		mode    kvfake.AzMode
		tenant  string
		timeout time.Duration
		want    string
		hints   []string
	}{
		{
			name:  "not logged in",
			mode:  kvfake.AzNotLoggedIn,
			want:  "not logged in to the azure cli",
			hints: []string{"run `az login`"},
		},
		{
			name:   "not logged in with tenant",
			mode:   kvfake.AzNotLoggedIn,
			tenant: kvfake.DefaultTenantID,
			want:   "not logged in to the azure cli",
			hints:  []string{"run `az login --tenant " + kvfake.DefaultTenantID + "`"},
		},
		{
			name:  "expired sign-in",
			mode:  kvfake.AzExpired,
			want:  "azure cli sign-in has expired or needs multi-factor authentication (AADSTS",
			hints: []string{"run `az login --scope https://vault.azure.net/.default`"},
		},
		{
			name:   "expired sign-in with tenant",
			mode:   kvfake.AzExpired,
			tenant: kvfake.DefaultTenantID,
			want:   "azure cli sign-in has expired or needs multi-factor authentication (AADSTS700082)",
			hints:  []string{"run `az login --tenant " + kvfake.DefaultTenantID + " --scope https://vault.azure.net/.default`"},
		},
		{
			name:    "hanging",
			mode:    kvfake.AzHang,
			timeout: 700 * time.Millisecond,
			want:    "azure cli did not return a token within 700ms",
			hints:   []string{"set TOTP_AZ_TIMEOUT to a longer deadline, such as TOTP_AZ_TIMEOUT=2m"},
		},
		{
			name:  "failing",
			mode:  kvfake.AzFail,
			want:  "azure cli failed to get a token: ",
			hints: []string{"run `az account get-access-token --resource https://vault.azure.net` to see the full error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureConfig{az: tt.mode, opts: Options{TenantID: tt.tenant, CLITimeout: tt.timeout}})
			start := time.Now()
			_, err := f.v.Get(ctx, "github-alice")
			checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: `+tt.want)
			if !errors.Is(err, ErrCLI) {
				t.Errorf("error = %v, want ErrCLI", err)
			}
			checkHints(t, err, tt.hints...)
			if n := len(f.authorized()); n != 0 {
				t.Errorf("sent %d authorized requests, want none", n)
			}
			if got := f.azRuns(t); got != 1 {
				t.Errorf("az ran %d times, want 1 (a credential error is not retried)", got)
			}
			if tt.timeout > 0 && time.Since(start) > tt.timeout+5*time.Second {
				t.Errorf("Get took %s with a %s az deadline", time.Since(start), tt.timeout)
			}
		})
	}
}

func TestAzSlowWithinDeadline(t *testing.T) {
	f := newFixture(t, fixtureConfig{az: kvfake.AzSlow, azOpts: kvfake.AzOptions{Delay: 300 * time.Millisecond}, opts: Options{CLITimeout: 10 * time.Second}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("Get with a slow az inside the deadline: %v", err)
	}
}

// TestAzDeadlineReplacesSDKDefault checks that an az slower than azidentity's
// own 10s default still works when CLITimeout allows it.
func TestAzDeadlineReplacesSDKDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 11s; run without -short")
	}
	f := newFixture(t, fixtureConfig{az: kvfake.AzSlow, azOpts: kvfake.AzOptions{Delay: 11 * time.Second}, opts: Options{CLITimeout: 20 * time.Second}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("Get with an 11s az and a 20s deadline: %v", err)
	}
}

func TestRealAzNotLoggedIn(t *testing.T) {
	az, err := exec.LookPath("az")
	if err != nil {
		t.Skip("the Azure CLI (az) is not installed; .ci/run installs it")
	}
	// The real az is a Python program that can take many seconds to start
	// on a loaded machine, so the deadline is generous.
	f := newFixture(t, fixtureConfig{opts: Options{CLITimeout: 3 * time.Minute}})
	t.Setenv("PATH", filepath.Dir(az)+string(os.PathListSeparator)+"/bin")
	t.Setenv("HOME", t.TempDir())
	configDir := t.TempDir()
	t.Setenv("AZURE_CONFIG_DIR", configDir)
	t.Setenv("AZURE_CORE_COLLECT_TELEMETRY", "false")
	t.Setenv("ARM_CLOUD_METADATA_URL", "")
	os.Unsetenv("ARM_CLOUD_METADATA_URL")

	// With no version record in its config directory, Azure CLI 2.45
	// checks for a newer release, which tries to reach a host on the
	// internet. A record of another version makes it only reset the
	// record and its list of clouds, offline.
	record := `{"versions": {"core": {"local": "0.0.0"}}, "update_time": ""}`
	if err := os.WriteFile(filepath.Join(configDir, "versionCheck.json"), []byte(record), 0o600); err != nil {
		t.Fatal(err)
	}

	_, err = f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, `reading secret "github-alice" from key vault `+f.label+`: not logged in to the azure cli`)
	if !errors.Is(err, ErrCLI) {
		t.Errorf("error = %v, want ErrCLI", err)
	}
	checkHints(t, err, "run `az login`")
}

func TestTenantMismatch(t *testing.T) {
	const other = "11111111-2222-3333-4444-555555555555"
	f := newFixture(t, fixtureConfig{opts: Options{TenantID: other}})
	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "key vault is in tenant "+kvfake.DefaultTenantID+", not in tenant "+other+" set by --tenant")
	if !errors.Is(err, ErrWrongTenant) {
		t.Errorf("error = %v, want ErrWrongTenant", err)
	}
	checkHints(t, err, "use --tenant "+kvfake.DefaultTenantID)
	if got := f.azRuns(t); got != 0 {
		t.Errorf("az ran %d times, want 0", got)
	}
}

func TestTenantMatches(t *testing.T) {
	f := newFixture(t, fixtureConfig{opts: Options{TenantID: strings.ToUpper(kvfake.DefaultTenantID)}})
	f.srv.Seed("github-alice", accountValue, "", nil)
	if _, err := f.v.Get(ctx, "github-alice"); err != nil {
		t.Fatalf("Get with the vault's tenant: %v", err)
	}
	log, err := os.ReadFile(f.azLog)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(string(log)), "--tenant "+kvfake.DefaultTenantID) {
		t.Errorf("az ran as %q, want --tenant %s", log, kvfake.DefaultTenantID)
	}
}

func TestWrongTenantToken(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Inject(kvfake.Fault{Status: http.StatusUnauthorized,
		Body: `{"error":{"code":"Unauthorized","message":"AKV10032: Invalid issuer. Expected one of https://sts.windows.net/` + kvfake.DefaultTenantID + `/, found https://sts.windows.net/11111111-2222-3333-4444-555555555555/."}}`})
	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "key vault rejected the token: it is from another tenant than the vault's (AKV10032)")
	if !errors.Is(err, ErrWrongTenant) || !errors.Is(err, ErrUnauthorized) {
		t.Errorf("error = %v, want ErrWrongTenant and ErrUnauthorized", err)
	}
	checkHints(t, err, "use --tenant "+kvfake.DefaultTenantID+", or run `az login --tenant "+kvfake.DefaultTenantID+"`")
}

func TestTokenRejected(t *testing.T) {
	f := newFixture(t, fixtureConfig{server: kvfake.Options{AcceptToken: func(string) bool { return false }}})
	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "key vault rejected the token from the azure cli (401 Unauthorized)")
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("error = %v, want ErrUnauthorized", err)
	}
	checkHints(t, err, "run `az login`")
}

// dnsFailingTransport fails every dial as the resolver does for an unknown
// host, so no request leaves the machine.
type dnsFailingTransport struct {
	mu    sync.Mutex
	dials int
}

func (d *dnsFailingTransport) client() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
			d.mu.Lock()
			d.dials++
			d.mu.Unlock()
			host, _, _ := net.SplitHostPort(addr)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
		},
	}}
}

func TestVaultHostDoesNotResolve(t *testing.T) {
	transport := &dnsFailingTransport{}
	v, err := Open("https://nosuchvault.vault.azure.net/", Options{Transport: transport.client(), Credential: staticCredential{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Get(ctx, "github-alice")
	checkOneLine(t, err, `reading secret "github-alice" from key vault nosuchvault: key vault nosuchvault not found: nosuchvault.vault.azure.net does not resolve`)
	if !errors.Is(err, ErrHostNotFound) {
		t.Errorf("error = %v, want ErrHostNotFound", err)
	}
	if errors.Is(err, vault.ErrNotFound) {
		t.Errorf("error = %v matches vault.ErrNotFound, which means a missing secret", err)
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) {
		t.Errorf("error = %v does not wrap the *net.DNSError", err)
	}
	checkHints(t, err, "check the vault name; `az keyvault list")
	if transport.dials != 1 {
		t.Errorf("dialled %d times, want 1: a name that does not resolve is not retried", transport.dials)
	}
}

func TestCertificateNotTrusted(t *testing.T) {
	f := newFixture(t, fixtureConfig{opts: Options{Transport: &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()},
	}}}})
	_, err := f.v.Get(ctx, "github-alice")
	checkOneLine(t, err, "certificate verification failed for 127.0.0.1: x509: certificate signed by unknown authority")
	if !errors.Is(err, ErrCertificate) {
		t.Errorf("error = %v, want ErrCertificate", err)
	}
	checkHints(t, err, "SSL_CERT_FILE")
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("the server saw %d requests, want none", n)
	}
}

// TestSSLCertFile runs this test binary again with SSL_CERT_FILE naming the
// fake vault's certificate, because Go reads the system roots once per
// process. The child uses the default transport.
func TestSSLCertFile(t *testing.T) {
	if os.Getenv("KEYVAULT_TEST_CHILD_URL") != "" {
		runSSLCertFileChild(t)
		return
	}
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "", nil)

	cmd := exec.Command(os.Args[0], "-test.run=^TestSSLCertFile$", "-test.v")
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+f.srv.CertFile, "KEYVAULT_TEST_CHILD_URL="+f.srv.URL)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "child read the secret") {
		t.Fatalf("child did not run the check:\n%s", out.String())
	}
	if n := len(f.authorized()); n != 1 {
		t.Errorf("the fake vault saw %d authorized requests from the child, want 1", n)
	}
}

func runSSLCertFileChild(t *testing.T) {
	v, err := Open(os.Getenv("KEYVAULT_TEST_CHILD_URL"), Options{AllowCustomEndpoint: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := v.Get(ctx, "github-alice")
	if err != nil {
		t.Fatalf("Get with SSL_CERT_FILE: %v", err)
	}
	if s.Value != accountValue {
		t.Fatalf("Get returned %q", s.Value)
	}
	t.Log("child read the secret")
}

// redirectTransport sends every request, whatever its host, to the fake
// vault, so tests can use a vault URL in a real Key Vault domain without any
// traffic leaving loopback. It records the hosts it was asked for.
type redirectTransport struct {
	client *http.Client
	mu     sync.Mutex
	hosts  []string
	// rewrite, when set, edits each response body.
	rewrite func([]byte) []byte
}

func newRedirectTransport(srv *kvfake.Server) *redirectTransport {
	addr := strings.TrimSuffix(strings.TrimPrefix(srv.URL, "https://"), "/")
	return &redirectTransport{client: &http.Client{Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{RootCAs: srv.CertPool(), ServerName: "127.0.0.1"},
	}}}
}

func (r *redirectTransport) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.hosts = append(r.hosts, req.URL.Host)
	r.mu.Unlock()
	resp, err := r.client.Do(req)
	if err != nil || r.rewrite == nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(r.rewrite(body)))
	resp.ContentLength = -1
	return resp, nil
}

func TestKnownDomainVerifiesChallenge(t *testing.T) {
	tests := []struct {
		name     string
		resource string
		wantErr  string
	}{
		{name: "matching resource", resource: "https://vault.azure.net"},
		{name: "other cloud's resource", resource: "https://vault.azure.cn", wantErr: "myvault.vault.azure.net sent an authentication challenge for resource https://vault.azure.cn, which is not its domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureConfig{server: kvfake.Options{Resource: tt.resource}})
			f.srv.Seed("github-alice", accountValue, "", nil)
			transport := newRedirectTransport(f.srv)
			v, err := Open("https://myvault.vault.azure.net/", Options{Transport: transport})
			if err != nil {
				t.Fatal(err)
			}
			s, err := v.Get(ctx, "github-alice")
			if tt.wantErr == "" {
				if err != nil || s.Value != accountValue {
					t.Fatalf("Get = %q, %v, want the secret", s.Value, err)
				}
				return
			}
			checkOneLine(t, err, tt.wantErr)
			checkHints(t, err, "TOTP_ALLOW_CUSTOM_ENDPOINT=1")
			if got := f.azRuns(t); got != 0 {
				t.Errorf("az ran %d times, want 0: no token for a resource that fails verification", got)
			}
		})
	}
}

func TestNextLinkToOtherHostRefused(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	for i := 0; i < 30; i++ {
		f.srv.Seed("account-"+string(rune('a'+i%26))+strings.Repeat("x", i/26), "v", "", nil)
	}
	transport := newRedirectTransport(f.srv)
	transport.rewrite = func(body []byte) []byte {
		return bytes.ReplaceAll(body, []byte(`"nextLink":"https://myvault.vault.azure.net`), []byte(`"nextLink":"https://attacker.example`))
	}
	v, err := Open("https://myvault.vault.azure.net/", Options{Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.List(ctx)
	checkOneLine(t, err, "rejected a request to https://attacker.example because it is not key vault https://myvault.vault.azure.net/")
	for _, h := range transport.hosts {
		if h != "myvault.vault.azure.net" {
			t.Errorf("a request went to host %q", h)
		}
	}
}

func TestNextLinkWithDefaultPortAccepted(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	for i := 0; i < 30; i++ {
		f.srv.Seed("account-"+string(rune('a'+i%26))+strings.Repeat("x", i/26), "v", "", nil)
	}
	transport := newRedirectTransport(f.srv)
	// Key Vault writes its nextLinks with an explicit :443.
	transport.rewrite = func(body []byte) []byte {
		return bytes.ReplaceAll(body, []byte(`"nextLink":"https://myvault.vault.azure.net/`), []byte(`"nextLink":"https://myvault.vault.azure.net:443/`))
	}
	v, err := Open("https://myvault.vault.azure.net/", Options{Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	list, err := v.List(ctx)
	if err != nil || len(list) != 30 {
		t.Fatalf("List = %d secrets, %v, want 30", len(list), err)
	}
}
