package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/totp-cli/totp/internal/iostreams"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault/keyvault"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// These tests run the totp binary that testscript puts on PATH, as a
// separate process for each command, against a fake Key Vault and a fake
// az. Each fake vault has its own certificate, and a process reads
// SSL_CERT_FILE only once, so the commands cannot run in this process.

// binEnv is a home directory and environment for running the totp binary.
type binEnv struct {
	home string
	env  map[string]string
}

func newBinEnv(t *testing.T) *binEnv {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake az and copy tools are shell scripts")
	}
	home := t.TempDir()
	return &binEnv{home: home, env: map[string]string{
		"HOME":                    home,
		"XDG_CONFIG_HOME":         filepath.Join(home, ".config"),
		"XDG_CACHE_HOME":          filepath.Join(home, ".cache"),
		"XDG_DATA_HOME":           filepath.Join(home, ".local", "share"),
		"PATH":                    totpDir(t) + string(os.PathListSeparator) + "/usr/bin:/bin",
		"TOTP_SCRYPT_WORK_FACTOR": "10",
		"NO_COLOR":                "1",
	}}
}

// totpDir returns the directory of the totp binary that testscript.Main
// put on PATH.
func totpDir(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("totp")
	if err != nil {
		t.Fatalf("the totp test binary is not on PATH: %v", err)
	}
	return filepath.Dir(path)
}

// run runs totp with args and returns its stdout, stderr and exit status.
func (e *binEnv) run(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(totpDir(t), "totp"), args...)
	for k, v := range e.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		status = exitErr.ExitCode()
	default:
		t.Fatalf("running totp %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), status
}

// kvEnv is a binEnv with a fake Key Vault and a fake az.
type kvEnv struct {
	*binEnv
	srv   *kvfake.Server
	azDir string
}

func newKVEnv(t *testing.T, opts kvfake.Options, mode kvfake.AzMode) *kvEnv {
	t.Helper()
	e := newBinEnv(t)
	srv, err := kvfake.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	azDir := filepath.Join(e.home, "azbin")
	if err := os.Mkdir(azDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := kvfake.WriteAz(azDir, mode, kvfake.AzOptions{}); err != nil {
		t.Fatal(err)
	}
	e.env["PATH"] = azDir + string(os.PathListSeparator) + e.env["PATH"]
	e.env["TOTP_VAULT"] = srv.URL
	e.env["SSL_CERT_FILE"] = srv.CertFile
	e.env["TOTP_ALLOW_CUSTOM_ENDPOINT"] = "1"
	e.env["AZURE_CONFIG_DIR"] = filepath.Join(e.home, ".azure")
	return &kvEnv{binEnv: e, srv: srv, azDir: azDir}
}

// normalize replaces the parts of a doctor report that change from run to
// run: the vault URL, the home and az directories, the name cache's hash,
// and the clock's round trip.
func (e *kvEnv) normalize(report string) string {
	report = strings.ReplaceAll(report, e.srv.URL, "KV_URL")
	report = strings.ReplaceAll(report, strings.TrimSuffix(strings.TrimPrefix(e.srv.URL, "https://"), "/"), "KV_HOST")
	report = strings.ReplaceAll(report, e.azDir, "AZBIN")
	report = strings.ReplaceAll(report, e.home, "HOME")
	report = regexp.MustCompile(`names-[0-9a-f]{16}\.json`).ReplaceAllString(report, "names-HASH.json")
	return regexp.MustCompile(`±[0-9.]+m?s`).ReplaceAllString(report, "±ROUNDTRIP")
}

const githubURI = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30"

// seedAccount stores an account as 'totp add' would, plus a secret of
// another kind.
func (e *kvEnv) seedAccount() {
	e.srv.Seed("github-alice-example-com", githubURI, "application/vnd.totp.otpauth-uri", map[string]string{
		"issuer": "GitHub", "account": "alice@example.com", "type": "totp", "digits": "6", "period": "30", "algorithm": "SHA1",
	})
	e.srv.Seed("db-password", "hunter2", "text/plain", nil)
}

// checkNoSecret fails when output contains a secret of seedAccount.
func checkNoSecret(t *testing.T, output string) {
	t.Helper()
	for _, secret := range []string{"JBSWY3DPEHPK3PXP", "hunter2", "otpauth://"} {
		if strings.Contains(output, secret) {
			t.Errorf("output contains the secret %q:\n%s", secret, output)
		}
	}
}

func TestDoctorKeyVaultHealthy(t *testing.T) {
	e := newKVEnv(t, kvfake.Options{}, kvfake.AzOK)
	e.seedAccount()

	stdout, stderr, status := e.run(t, "", "doctor")
	if status != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", status, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr not empty:\n%s", stderr)
	}
	got := e.normalize(stdout)
	// The clock line depends on rounding, so it is checked on its own.
	clock := regexp.MustCompile(`(?m)^ok      clock: the local clock is (within 1s of|1s behind|1s ahead of) key vault's \(±ROUNDTRIP, from the Date header\)\n`)
	if !clock.MatchString(got) {
		t.Errorf("no ok clock line in:\n%s", got)
	}
	got = clock.ReplaceAllString(got, "CLOCK\n")

	want := `ok      config: HOME/.config/totp/config does not exist, so totp uses its defaults
ok      vault: key vault KV_URL (from TOTP_VAULT)
ok      az: AZBIN/az (azure-cli 2.61.0)
ok      az login: signed in as tester@example.com in tenant f4ce7e57-0000-4000-8000-00000000a2ee
ok      vault reachable: key vault KV_URL answered
ok      token: key vault accepted the token from the azure cli
ok      list permission: allowed
ok      read permission: allowed
ok      write permission: allowed
ok      accounts: 1 account (1 totp, 0 hotp); 1 secret of other kinds, which totp leaves alone
CLOCK
warning clipboard: no clipboard available: no display (DISPLAY and WAYLAND_DISPLAY are not set)
        hint: 'totp code --copy' warns and prints the code without copying it
ok      name cache: HOME/.cache/totp/names-HASH.json does not exist yet; 'totp list' writes it
`
	if got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	checkNoSecret(t, stdout+stderr)

	// The probes changed nothing: the vault still has its two secrets.
	for _, r := range e.srv.Requests() {
		if r.Method == "PATCH" && r.Status != 404 {
			t.Errorf("probe update answered %d, want 404", r.Status)
		}
		if r.Method == "PUT" || r.Method == "DELETE" {
			t.Errorf("doctor sent %s %s", r.Method, r.Path)
		}
	}
}

func TestDoctorClockSkew(t *testing.T) {
	tests := []struct {
		skew   time.Duration
		status int
		want   string
	}{
		{skew: 10 * time.Second, status: 0, want: "warning clock: the local clock is 10s behind key vault's (±ROUNDTRIP, from the Date header), more than 5s\n" +
			"        hint: turn on network time sync"},
		{skew: 75 * time.Second, status: 1, want: "problem clock: the local clock is 1m15s behind key vault's (±ROUNDTRIP, from the Date header), more than one 30s period, so services may reject its codes\n" +
			"        hint: turn on network time sync"},
		{skew: -2 * time.Minute, status: 1, want: "problem clock: the local clock is 2m0s ahead of key vault's"},
	}
	for _, tt := range tests {
		t.Run(tt.skew.String(), func(t *testing.T) {
			e := newKVEnv(t, kvfake.Options{DateSkew: tt.skew}, kvfake.AzOK)
			e.seedAccount()

			stdout, stderr, status := e.run(t, "", "doctor")
			if status != tt.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.status, stderr)
			}
			if got := e.normalize(stdout); !strings.Contains(got, tt.want) {
				t.Errorf("report does not contain %q:\n%s", tt.want, got)
			}
			if tt.status == 1 && stderr != "error: doctor found 1 problem; see the hints above\n" {
				t.Errorf("stderr = %q", stderr)
			}
		})
	}
}

func TestDoctorClockToleranceIsShortestPeriod(t *testing.T) {
	// A 15-second period makes a 20-second skew a problem, not a warning.
	e := newKVEnv(t, kvfake.Options{DateSkew: 20 * time.Second}, kvfake.AzOK)
	e.srv.Seed("fast", "otpauth://totp/Fast:bob?secret=JBSWY3DPEHPK3PXP&issuer=Fast&algorithm=SHA1&digits=6&period=15",
		"application/vnd.totp.otpauth-uri", map[string]string{"issuer": "Fast", "account": "bob", "type": "totp", "digits": "6", "period": "15", "algorithm": "SHA1"})

	stdout, _, status := e.run(t, "", "doctor")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	if want := "more than one 15s period"; !strings.Contains(stdout, want) {
		t.Errorf("report does not contain %q:\n%s", want, stdout)
	}
}

func TestDoctorDeniedPermissions(t *testing.T) {
	tests := []struct {
		name   string
		opts   kvfake.Options
		status int
		want   []string
	}{
		{
			name:   "rbac read denied",
			opts:   kvfake.Options{Denied: map[string]bool{"get": true}},
			status: 1,
			want: []string{
				"ok      list permission: allowed\n",
				`problem read permission: reading secret "totp-doctor-probe-`,
				"permission denied: the signed-in identity needs the Key Vault Secrets User role on key vault KV_HOST (ForbiddenByRbac)\n" +
					`        hint: grant it with: az role assignment create --role "Key Vault Secrets User"`,
				"ok      write permission: allowed\n",
			},
		},
		{
			name:   "rbac write denied",
			opts:   kvfake.Options{Denied: map[string]bool{"set": true}},
			status: 0,
			want: []string{
				"ok      read permission: allowed\n",
				`warning write permission: updating secret "totp-doctor-probe-`,
				"needs the Key Vault Secrets Officer role on key vault KV_HOST (ForbiddenByRbac)\n" +
					`        hint: grant it with: az role assignment create --role "Key Vault Secrets Officer"`,
				"        hint: without it, 'totp add', 'rm', 'rename', 'recover' and hotp codes fail; totp code and list work\n",
			},
		},
		{
			name:   "access policy denied",
			opts:   kvfake.Options{Authorization: kvfake.AccessPolicy, Denied: map[string]bool{"list": true, "get": true, "set": true}},
			status: 1,
			want: []string{
				"problem list permission: listing secrets in key vault KV_HOST: permission denied: the access policy of key vault KV_HOST does not grant the secrets list permission\n",
				"does not grant the secrets get permission\n" +
					`        hint: grant it with: az keyvault set-policy --name KV_HOST`,
				"warning write permission: ",
				"does not grant the secrets set permission\n",
				"skipped accounts: listing failed\n",
				"ok      clock: ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newKVEnv(t, tt.opts, kvfake.AzOK)
			e.seedAccount()

			stdout, stderr, status := e.run(t, "", "doctor")
			if status != tt.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.status, stderr)
			}
			got := e.normalize(stdout)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("report does not contain %q:\n%s", w, got)
				}
			}
			checkNoSecret(t, stdout+stderr)
		})
	}
}

func TestDoctorAzNotLoggedIn(t *testing.T) {
	e := newKVEnv(t, kvfake.Options{}, kvfake.AzNotLoggedIn)

	stdout, stderr, status := e.run(t, "", "doctor")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	if want := "error: doctor found 2 problems; see the hints above\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	got := e.normalize(stdout)
	for _, want := range []string{
		"ok      az: AZBIN/az (azure-cli 2.61.0)\n",
		"problem az login: not signed in: ERROR: Please run 'az login' to setup account.\n" +
			"        hint: run 'az login'\n",
		"ok      vault reachable: key vault KV_URL answered\n",
		"problem token: listing secrets in key vault KV_HOST: ",
		"skipped permissions: key vault did not accept a token\n",
		"ok      clock: the local clock is ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report does not contain %q:\n%s", want, got)
		}
	}
}

func TestDoctorAzMissing(t *testing.T) {
	e := newKVEnv(t, kvfake.Options{}, kvfake.AzOK)
	e.env["PATH"] = strings.TrimPrefix(e.env["PATH"], e.azDir+string(os.PathListSeparator))
	if _, err := os.Stat("/usr/bin/az"); err == nil {
		// The real Azure CLI would be found; keep only the totp binary and
		// a directory with the shell.
		e.env["PATH"] = totpDir(t) + string(os.PathListSeparator) + shellDir(t)
	}

	stdout, _, status := e.run(t, "", "doctor")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	for _, want := range []string{
		"problem az: the azure cli (az) is not on PATH\n        hint: install the Azure CLI",
		"skipped az login: needs the azure cli\n",
		"problem token: ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report does not contain %q:\n%s", want, stdout)
		}
	}
}

// shellDir returns a directory that holds sh but not az.
func shellDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Symlink("/bin/sh", filepath.Join(dir, "sh")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDoctorVaultUnreachable(t *testing.T) {
	e := newKVEnv(t, kvfake.Options{}, kvfake.AzOK)
	e.srv.Close()

	stdout, _, status := e.run(t, "", "doctor", "--timeout", "60s")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	got := e.normalize(stdout)
	for _, want := range []string{
		"ok      az login: signed in as tester@example.com",
		"problem vault reachable: listing secrets in key vault KV_HOST: connection to 127.0.0.1 failed",
		"skipped permissions: the vault did not answer\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report does not contain %q:\n%s", want, got)
		}
	}
}

func TestDoctorInvalidVault(t *testing.T) {
	e := newKVEnv(t, kvfake.Options{}, kvfake.AzOK)
	e.env["TOTP_VAULT"] = "https://example.com/"
	delete(e.env, "TOTP_ALLOW_CUSTOM_ENDPOINT")

	stdout, _, status := e.run(t, "", "doctor")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	for _, want := range []string{
		`problem vault: vault from TOTP_VAULT: key vault host "example.com" is not in a known key vault domain`,
		"        hint: set TOTP_ALLOW_CUSTOM_ENDPOINT=1 to use another host",
		"ok      az login: ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report does not contain %q:\n%s", want, stdout)
		}
	}
}

func TestDoctorInvalidConfig(t *testing.T) {
	e := newBinEnv(t)
	e.env["TOTP_VAULT"] = "file:" + filepath.Join(e.home, "vault.age")
	dir := filepath.Join(e.home, ".config", "totp")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("colour = blue\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	stdout, _, status := e.run(t, "", "doctor")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	want := "problem config: " + filepath.Join(dir, "config") + `:1: unknown key "colour"` + "\n" +
		"        hint: fix or delete the line;"
	if !strings.Contains(stdout, want) {
		t.Errorf("report does not contain %q:\n%s", want, stdout)
	}
	if want := "ok      vault: local vault " + filepath.Join(e.home, "vault.age") + " (from TOTP_VAULT)\n"; !strings.Contains(stdout, want) {
		t.Errorf("report does not contain %q:\n%s", want, stdout)
	}
}

func TestDoctorLocalVault(t *testing.T) {
	e := newBinEnv(t)
	path := filepath.Join(e.home, ".local", "share", "totp", "vault.age")
	e.env["TOTP_PASSPHRASE"] = "correct horse"

	// No vault file yet: a warning, not a problem.
	stdout, stderr, status := e.run(t, "", "doctor")
	if status != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", status, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr not empty: %q", stderr)
	}
	want := "ok      vault: local vault " + path + " (the default: no --vault, TOTP_VAULT or config key vault is set)\n" +
		"warning vault file: " + path + " does not exist yet\n" +
		"        hint: 'totp add' creates it and asks for a new passphrase\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("report does not contain %q:\n%s", want, stdout)
	}

	if _, stderr, status := e.run(t, "", "add", githubURI); status != 0 {
		t.Fatalf("totp add: %s", stderr)
	}
	stdout, _, status = e.run(t, "", "doctor")
	if status != 0 {
		t.Errorf("exit status %d, want 0", status)
	}
	for _, want := range []string{
		"ok      vault file: " + path + " (",
		"ok      file mode: 0600\n",
		"ok      passphrase: the passphrase from TOTP_PASSPHRASE decrypts the vault\n",
		"ok      accounts: 1 account (1 totp, 0 hotp)\n",
		"ok      name cache: " + e.home + "/.cache/totp/names-",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report does not contain %q:\n%s", want, stdout)
		}
	}
	checkNoSecret(t, stdout)

	// A vault others can read, opened with the wrong passphrase.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	e.env["TOTP_PASSPHRASE"] = "wrong"
	stdout, stderr, status = e.run(t, "", "doctor")
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	for _, want := range []string{
		"problem file mode: " + path + " has mode 0644, so other users can copy it and try passphrases offline\n" +
			"        hint: run: chmod 600 " + path + "\n",
		"problem passphrase: wrong passphrase for local vault " + path + "\n",
		"skipped accounts: the vault cannot be read\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report does not contain %q:\n%s", want, stdout)
		}
	}
	if want := "error: doctor found 2 problems; see the hints above\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

func TestDoctorClipboardTool(t *testing.T) {
	e := newBinEnv(t)
	e.env["TOTP_VAULT"] = "file:" + filepath.Join(e.home, "vault.age")
	bin := filepath.Join(e.home, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "xclip"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.env["PATH"] = bin + string(os.PathListSeparator) + e.env["PATH"]
	e.env["DISPLAY"] = ":42"

	stdout, _, _ := e.run(t, "", "doctor")
	want := "ok      clipboard: xclip " + filepath.Join(bin, "xclip") + " (DISPLAY is :42); a copied code is cleared after 30s\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("report does not contain %q:\n%s", want, stdout)
	}

	if _, stderr, status := e.run(t, "", "config", "set", "clear-after", "0"); status != 0 {
		t.Fatalf("config set: %s", stderr)
	}
	stdout, _, _ = e.run(t, "", "doctor")
	want = "ok      clipboard: xclip " + filepath.Join(bin, "xclip") + " (DISPLAY is :42); a copied code stays, because clear-after is 0\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("report does not contain %q:\n%s", want, stdout)
	}

	e.env["SSH_CONNECTION"] = "192.0.2.1 50000 192.0.2.2 22"
	delete(e.env, "DISPLAY")
	stdout, _, _ = e.run(t, "", "doctor")
	want = "warning clipboard: no clipboard available: over ssh without a display, totp copies through the terminal (OSC 52), but neither standard output nor standard error is a terminal\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("report does not contain %q:\n%s", want, stdout)
	}
}

func TestDoctorRejectsArguments(t *testing.T) {
	e := newTestEnv(t)
	if code := e.run("", "doctor", "extra"); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
}

// staticToken is a credential that returns the token the fake vault
// accepts, so that a vault opened in this process needs no az.
type staticToken struct{}

func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: kvfake.DefaultToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestWarnClockSkew(t *testing.T) {
	tests := []struct {
		skew time.Duration
		key  totp.Key
		want string
	}{
		{skew: 45 * time.Second, key: totp.Key{Type: totp.TOTP, Period: 30},
			want: "warning: the local clock is 45s behind key vault's, more than the 30s period, so the code may be rejected; run 'totp doctor'\n"},
		{skew: -2 * time.Minute, key: totp.Key{Type: totp.TOTP, Period: 60},
			want: "warning: the local clock is 2m0s ahead of key vault's, more than the 1m0s period, so the code may be rejected; run 'totp doctor'\n"},
		{skew: 45 * time.Second, key: totp.Key{Type: totp.TOTP, Period: 60}},
		{skew: 10 * time.Minute, key: totp.Key{Type: totp.HOTP}},
	}
	for _, tt := range tests {
		t.Run(tt.skew.String(), func(t *testing.T) {
			srv, err := kvfake.Start(kvfake.Options{DateSkew: tt.skew})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			v, err := keyvault.Open(srv.URL, keyvault.Options{AllowCustomEndpoint: true, Transport: srv.Client(), Credential: staticToken{}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, dates := keyvault.WithDateRecorder(context.Background(), time.Now)
			if _, err := v.List(ctx); err != nil {
				t.Fatal(err)
			}

			streams, _, stderr := iostreams.Test("")
			g := &globalOptions{IO: streams, Now: time.Now}
			g.warnClockSkew(dates, tt.key)
			if got := stderr.String(); got != tt.want {
				t.Errorf("stderr = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVerifyWarnsAboutClock(t *testing.T) {
	e := newKVEnv(t, kvfake.Options{DateSkew: 3 * time.Minute}, kvfake.AzOK)
	e.seedAccount()

	_, stderr, _ := e.run(t, "", "verify", "github", "000000")
	want := "warning: the local clock is 3m0s behind key vault's, more than the 30s period, so the code may be rejected; run 'totp doctor'\n"
	if !strings.HasPrefix(stderr, want) {
		t.Errorf("stderr = %q, want it to start with %q", stderr, want)
	}

	// With --at the clock does not matter.
	_, stderr, status := e.run(t, "", "verify", "github", "324550", "--at", "1700000000")
	if status != 0 || stderr != "" {
		t.Errorf("verify --at: status %d, stderr %q; want 0 and nothing", status, stderr)
	}
}
