package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/clipboard"
	"github.com/totp-cli/totp/internal/config"
	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/namecache"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault"
)

func TestReportWrite(t *testing.T) {
	r := &Report{}
	r.Add(
		ok("config", "/home/me/.config/totp/config is valid (1 setting)"),
		Result{Check: "az login", Status: Problem, Detail: "not signed in", Hints: []string{"run 'az login'", "or use another tenant"}},
		Result{Check: "clock", Status: Warning, Detail: "off by 7s"},
		skipped("permissions", "no token"),
	)
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := `ok      config: /home/me/.config/totp/config is valid (1 setting)
problem az login: not signed in
        hint: run 'az login'
        hint: or use another tenant
warning clock: off by 7s
skipped permissions: no token
`
	if b.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", b.String(), want)
	}
	if n := r.Problems(); n != 1 {
		t.Errorf("Problems = %d, want 1", n)
	}
}

func TestReportWriteFoldsServerText(t *testing.T) {
	r := &Report{}
	r.Add(Result{Check: "list permission", Status: Problem, Detail: "denied:\r\nCaller: x\x1b[2J", Hints: []string{"a\nb"}})
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := "problem list permission: denied: Caller: x[2J\n        hint: a b\n"
	if b.String() != want {
		t.Errorf("report = %q, want %q", b.String(), want)
	}
}

func TestClockThresholds(t *testing.T) {
	const period = 30 * time.Second
	tests := []struct {
		offset time.Duration
		status Status
		detail string
	}{
		{300 * time.Millisecond, OK, "the local clock is within 1s of key vault's (±500ms, from the Date header)"},
		{-3 * time.Second, OK, "the local clock is 3s ahead of key vault's (±500ms, from the Date header)"},
		{5 * time.Second, OK, "the local clock is 5s behind key vault's (±500ms, from the Date header)"},
		{5500 * time.Millisecond, Warning, "the local clock is 6s behind key vault's (±500ms, from the Date header), more than 5s"},
		{-30 * time.Second, Warning, "the local clock is 30s ahead of key vault's (±500ms, from the Date header), more than 5s"},
		{31 * time.Second, Problem, "the local clock is 31s behind key vault's (±500ms, from the Date header), more than one 30s period, so services may reject its codes"},
	}
	for _, tt := range tests {
		t.Run(tt.offset.String(), func(t *testing.T) {
			got := Clock(keyvault.ClockOffset{Offset: tt.offset, Uncertainty: 500 * time.Millisecond}, period)
			if got.Status != tt.status {
				t.Errorf("status = %s, want %s", got.Status, tt.status)
			}
			if got.Detail != tt.detail {
				t.Errorf("detail = %q, want %q", got.Detail, tt.detail)
			}
			if (tt.status == OK) != (len(got.Hints) == 0) {
				t.Errorf("hints = %q for status %s", got.Hints, got.Status)
			}
		})
	}
}

func TestAzVersion(t *testing.T) {
	tests := []struct {
		name, out, want string
	}{
		{"az version json", `{"azure-cli": "2.45.0", "azure-cli-core": "2.45.0", "extensions": {}}`, "2.45.0"},
		// The first line of `az --version` from Azure CLI 2.45.0, as
		// kvfake's testdata/az-version.txt holds it.
		{"az --version text", "azure-cli                         2.45.0\n\ncore   2.45.0\n", "2.45.0"},
		{"unknown", "something else", "version unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := azVersion([]byte(tt.out)); got != tt.want {
				t.Errorf("azVersion = %q, want %q", got, tt.want)
			}
		})
	}
}

// fakeAz is a Runner that returns fixed output for `az version` and
// `az account show`, and records the arguments of each run.
type fakeAz struct {
	version, account string
	accountErr       error
	calls            []string
}

func (f *fakeAz) run(ctx context.Context, path string, args ...string) ([]byte, error) {
	f.calls = append(f.calls, strings.Join(args, " "))
	switch args[0] {
	case "version":
		return []byte(f.version), nil
	case "account":
		if f.accountErr == errHang {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return []byte(f.account), f.accountErr
	}
	return nil, fmt.Errorf("unexpected az %s", strings.Join(args, " "))
}

var errHang = errors.New("hang")

func azEnv(f *fakeAz) Env {
	return Env{
		LookPath:   func(string) (string, error) { return "/usr/bin/az", nil },
		Run:        f.run,
		CLITimeout: 100 * time.Millisecond,
	}
}

const accountJSON = `{"tenantId": "f4ce7e57-0000-4000-8000-00000000a2ee", "user": {"name": "alice@example.com", "type": "user"}}`

func TestAzCLISignedIn(t *testing.T) {
	f := &fakeAz{version: `{"azure-cli": "2.61.0"}`, account: accountJSON}
	results, signedIn := AzCLI(context.Background(), azEnv(f), "")
	if !signedIn {
		t.Error("signedIn = false")
	}
	want := []Result{
		ok("az", "/usr/bin/az (azure-cli 2.61.0)"),
		ok("az login", "signed in as alice@example.com in tenant f4ce7e57-0000-4000-8000-00000000a2ee"),
	}
	checkResults(t, results, want)
	if got := strings.Join(f.calls, "; "); got != "version -o json; account show -o json" {
		t.Errorf("az runs = %q", got)
	}
}

func TestAzCLIOtherTenant(t *testing.T) {
	f := &fakeAz{version: `{"azure-cli": "2.61.0"}`, account: accountJSON}
	results, _ := AzCLI(context.Background(), azEnv(f), "contoso.onmicrosoft.com")
	want := "signed in as alice@example.com in tenant f4ce7e57-0000-4000-8000-00000000a2ee; totp requests tokens for tenant contoso.onmicrosoft.com"
	if results[1].Detail != want {
		t.Errorf("detail = %q, want %q", results[1].Detail, want)
	}
}

func TestAzCLINotSignedIn(t *testing.T) {
	f := &fakeAz{version: `{"azure-cli": "2.61.0"}`, accountErr: errors.New("ERROR: Please run 'az login' to setup account.")}
	results, signedIn := AzCLI(context.Background(), azEnv(f), "contoso.onmicrosoft.com")
	if signedIn {
		t.Error("signedIn = true")
	}
	checkResults(t, results[1:], []Result{{
		Check: "az login", Status: Problem,
		Detail: "not signed in: ERROR: Please run 'az login' to setup account.",
		Hints:  []string{"run 'az login --tenant contoso.onmicrosoft.com'"},
	}})
}

func TestAzCLITimeout(t *testing.T) {
	f := &fakeAz{version: `{"azure-cli": "2.61.0"}`, accountErr: errHang}
	results, signedIn := AzCLI(context.Background(), azEnv(f), "")
	if signedIn {
		t.Error("signedIn = true")
	}
	got := results[1]
	if got.Status != Problem || got.Detail != "'az account show' did not finish within 100ms: context deadline exceeded" {
		t.Errorf("result = %+v", got)
	}
	if len(got.Hints) != 1 || !strings.Contains(got.Hints[0], "TOTP_AZ_TIMEOUT=2m") {
		t.Errorf("hints = %q", got.Hints)
	}
}

func TestAzCLIMissing(t *testing.T) {
	env := Env{LookPath: func(string) (string, error) { return "", errors.New("not found") }}
	results, signedIn := AzCLI(context.Background(), env, "")
	if signedIn {
		t.Error("signedIn = true")
	}
	if results[0].Status != Problem || results[0].Detail != "the azure cli (az) is not on PATH" {
		t.Errorf("az result = %+v", results[0])
	}
	if results[1].Status != Skipped {
		t.Errorf("az login result = %+v, want skipped", results[1])
	}
}

func TestAzCLIBadAccountJSON(t *testing.T) {
	f := &fakeAz{version: "{}", account: `{"tenantId": ""}`}
	results, signedIn := AzCLI(context.Background(), azEnv(f), "")
	if signedIn {
		t.Error("signedIn = true")
	}
	if results[0].Detail != "/usr/bin/az (azure-cli version unknown)" {
		t.Errorf("az detail = %q", results[0].Detail)
	}
	if results[1].Status != Problem || results[1].Detail != "'az account show' printed an account without a user or tenant" {
		t.Errorf("az login result = %+v", results[1])
	}
}

func TestExecRunnerQuotesStderr(t *testing.T) {
	_, err := ExecRunner(context.Background(), "/bin/sh", "-c", "echo; echo 'ERROR: Please run az login.' >&2; exit 1")
	if err == nil || err.Error() != "ERROR: Please run az login." {
		t.Errorf("error = %v, want the first line of stderr", err)
	}
	out, err := ExecRunner(context.Background(), "/bin/sh", "-c", "echo hello")
	if err != nil || string(out) != "hello\n" {
		t.Errorf("ExecRunner = %q, %v", out, err)
	}
}

func TestPermission(t *testing.T) {
	forbidden := hint.Wrap(fmt.Errorf("reading secret: permission denied: %w", keyvault.ErrForbidden), "grant it")
	tests := []struct {
		name   string
		err    error
		status Status
		hints  []string
	}{
		{"allowed and missing", fmt.Errorf("reading: %w", vault.ErrNotFound), OK, nil},
		{"allowed and present", nil, OK, nil},
		{"denied", forbidden, Warning, []string{"grant it", "extra"}},
		{"other failure", errors.New("connection reset"), Problem, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := permission("write permission", tt.err, Warning, "extra")
			if got.Status != tt.status {
				t.Errorf("status = %s, want %s", got.Status, tt.status)
			}
			if fmt.Sprint(got.Hints) != fmt.Sprint(tt.hints) {
				t.Errorf("hints = %q, want %q", got.Hints, tt.hints)
			}
		})
	}
}

func TestProbeName(t *testing.T) {
	got := probeName(bytes.NewReader([]byte{0, 1, 2, 3, 0xfc, 0xfd, 0xfe, 0xff}))
	if got != "totp-doctor-probe-00010203fcfdfeff" {
		t.Errorf("probeName = %q", got)
	}
	if got := probeName(io.LimitReader(nil, 0)); got != "totp-doctor-probe" {
		t.Errorf("probeName without randomness = %q", got)
	}
}

func TestCountAccounts(t *testing.T) {
	const ct = "application/vnd.totp.otpauth-uri"
	props := []vault.Properties{
		{Name: "a", ContentType: ct, Tags: map[string]string{"type": "totp", "period": "60"}},
		{Name: "b", ContentType: ct, Tags: map[string]string{"type": "totp", "period": "15"}},
		{Name: "c", ContentType: ct, Tags: map[string]string{"type": "hotp"}},
		{Name: "d", Tags: map[string]string{"type": "totp-secret", "issuer": "Contoso"}},
		{Name: "e", ContentType: "text/plain"},
	}
	got, shortest := countAccounts(props)
	if want := "4 accounts (3 totp, 1 hotp); 1 secret of other kinds, which totp leaves alone"; got.Detail != want {
		t.Errorf("detail = %q, want %q", got.Detail, want)
	}
	if shortest != 15*time.Second {
		t.Errorf("shortest period = %s, want 15s", shortest)
	}

	got, shortest = countAccounts(nil)
	if want := "0 accounts (0 totp, 0 hotp); add one with 'totp add URI' or 'totp add qr.png'"; got.Detail != want {
		t.Errorf("detail = %q, want %q", got.Detail, want)
	}
	if shortest != DefaultPeriod {
		t.Errorf("shortest period = %s, want %s", shortest, DefaultPeriod)
	}
}

func TestClipboardResult(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		tools      map[string]string
		clearAfter time.Duration
		status     Status
		detail     string
	}{
		{"xclip", map[string]string{"DISPLAY": ":1"}, map[string]string{"xclip": "/usr/bin/xclip"}, 30 * time.Second, OK,
			"xclip /usr/bin/xclip (DISPLAY is :1); a copied code is cleared after 30s"},
		{"kept", map[string]string{"DISPLAY": ":1"}, map[string]string{"xclip": "/usr/bin/xclip"}, 0, OK,
			"xclip /usr/bin/xclip (DISPLAY is :1); a copied code stays, because clear-after is 0"},
		{"wl-copy without wl-paste", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, map[string]string{"wl-copy": "/usr/bin/wl-copy"}, time.Minute, Warning,
			"wl-copy /usr/bin/wl-copy (WAYLAND_DISPLAY is wayland-0); a copied code is not cleared, because totp cannot read the clipboard back"},
		{"osc52", map[string]string{"SSH_TTY": "/dev/pts/0"}, nil, time.Minute, OK,
			"the terminal's, through the OSC 52 escape sequence (ssh session without a display); it works only in a terminal that supports OSC 52, and a copied code is not cleared"},
		{"none", nil, nil, time.Minute, Warning, "no clipboard available: no display (DISPLAY and WAYLAND_DISPLAY are not set)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sys := clipboard.System{
				Getenv: func(k string) string { return tt.env[k] },
				LookPath: func(name string) (string, error) {
					if p, ok := tt.tools[name]; ok {
						return p, nil
					}
					return "", errors.New("not found")
				},
				Interactive: func() bool { return true },
			}
			got := Clipboard(sys, tt.clearAfter)
			if got.Status != tt.status || got.Detail != tt.detail {
				t.Errorf("Clipboard = %s %q, want %s %q", got.Status, got.Detail, tt.status, tt.detail)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"/home/me/.local/share/totp/vault.age":                 "/home/me/.local/share/totp/vault.age",
		"/Users/me/Library/Application Support/totp/vault.age": "'/Users/me/Library/Application Support/totp/vault.age'",
		"/tmp/it's/vault.age":                                  `'/tmp/it'\''s/vault.age'`,
		"":                                                     "''",
	}
	for in, want := range tests {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

func checkResults(t *testing.T, got, want []Result) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d results %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range want {
		if fmt.Sprintf("%+v", got[i]) != fmt.Sprintf("%+v", want[i]) {
			t.Errorf("result %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestConfigResult(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")

	cfg, err := config.Load(path)
	got := Config(path, cfg, err)
	if got.Status != OK || got.Detail != path+" does not exist, so totp uses its defaults" {
		t.Errorf("missing file: %s %q", got.Status, got.Detail)
	}

	if err := os.WriteFile(path, []byte("vault = myvault\nclear-after = 10s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = config.Load(path)
	got = Config(path, cfg, err)
	if got.Status != OK || got.Detail != path+" is valid (2 settings)" {
		t.Errorf("valid file: %s %q", got.Status, got.Detail)
	}

	if err := os.WriteFile(path, []byte("clear-after = -5s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = config.Load(path)
	got = Config(path, cfg, err)
	if got.Status != Problem || got.Detail != path+`:1: clear-after: "-5s" is negative` {
		t.Errorf("invalid file: %s %q", got.Status, got.Detail)
	}
	if len(got.Hints) != 1 || !strings.HasPrefix(got.Hints[0], "fix or delete the line") {
		t.Errorf("hints = %q", got.Hints)
	}
}

func TestNameCacheResult(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	const vaultID = "local vault /tmp/vault.age"

	got := NameCache(vaultID)
	if got.Status != OK || !strings.HasSuffix(got.Detail, " does not exist yet; 'totp list' writes it") {
		t.Errorf("no cache: %s %q", got.Status, got.Detail)
	}

	cache, err := namecache.Open(vaultID)
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.Replace([]namecache.Entry{{Name: "a"}, {Name: "b"}}); err != nil {
		t.Fatal(err)
	}
	got = NameCache(vaultID)
	if want := cache.Path() + " (2 names)"; got.Status != OK || got.Detail != want {
		t.Errorf("cache: %s %q, want %q", got.Status, got.Detail, want)
	}

	if err := os.WriteFile(cache.Path(), []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	got = NameCache(vaultID)
	if got.Status != Warning {
		t.Errorf("broken cache: %s %q, want a warning", got.Status, got.Detail)
	}
}
