package kvfake

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

var vaultTokenRequest = policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}, TenantID: DefaultTenantID}

// installAz writes a fake az and makes it the only az on PATH for the rest
// of the test. It returns the log file of az invocations.
func installAz(t *testing.T, mode AzMode, opts AzOptions) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake az is a POSIX shell script")
	}
	dir := t.TempDir()
	if opts.LogFile == "" {
		opts.LogFile = filepath.Join(dir, "az.log")
	}
	path, err := WriteAz(dir, mode, opts)
	if err != nil {
		t.Fatalf("WriteAz: %v", err)
	}
	if path != filepath.Join(dir, "az") {
		t.Errorf("WriteAz path = %q", path)
	}
	t.Setenv("PATH", dir)
	return opts.LogFile
}

func cliToken(t *testing.T, ctx context.Context) (azcore.AccessToken, error) {
	t.Helper()
	cred, err := azidentity.NewAzureCLICredential(nil)
	if err != nil {
		t.Fatalf("NewAzureCLICredential: %v", err)
	}
	return cred.GetToken(ctx, vaultTokenRequest)
}

func readLog(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the az log: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestAzOKGivesToken(t *testing.T) {
	logFile := installAz(t, AzOK, AzOptions{})
	before := time.Now()

	token, err := cliToken(t, context.Background())
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	if token.Token != DefaultToken {
		t.Errorf("token = %q, want %q", token.Token, DefaultToken)
	}
	if token.ExpiresOn.Before(before.Add(59*time.Minute)) || token.ExpiresOn.After(time.Now().Add(61*time.Minute)) {
		t.Errorf("expires %v, want about an hour from now", token.ExpiresOn)
	}

	want := "account get-access-token -o json --resource https://vault.azure.net --tenant " + DefaultTenantID
	if got := readLog(t, logFile); len(got) != 1 || got[0] != want {
		t.Errorf("az invocations = %q, want [%q]", got, want)
	}
}

func TestAzOutputFields(t *testing.T) {
	installAz(t, AzOK, AzOptions{Token: "tok-1", Subscription: "sub-1", ExpiresIn: 2 * time.Hour})
	out, err := exec.Command("az", "account", "get-access-token", "-o", "json", "--resource", "https://vault.azure.net", "--tenant", "t-9").Output()
	if err != nil {
		t.Fatalf("az get-access-token: %v", err)
	}
	var fields struct {
		AccessToken  string `json:"accessToken"`
		ExpiresOn    string `json:"expiresOn"`
		ExpiresOnSec int64  `json:"expires_on"`
		Subscription string `json:"subscription"`
		Tenant       string `json:"tenant"`
		TokenType    string `json:"tokenType"`
	}
	if err := json.Unmarshal(out, &fields); err != nil {
		t.Fatalf("output %s is not JSON: %v", out, err)
	}
	if fields.AccessToken != "tok-1" || fields.Subscription != "sub-1" || fields.Tenant != "t-9" || fields.TokenType != "Bearer" {
		t.Errorf("fields = %+v", fields)
	}
	local, err := time.ParseInLocation("2006-01-02 15:04:05.999999", fields.ExpiresOn, time.Local)
	if err != nil {
		t.Fatalf("expiresOn %q: %v", fields.ExpiresOn, err)
	}
	if local.Unix() != fields.ExpiresOnSec {
		t.Errorf("expiresOn %q (%d) and expires_on %d disagree", fields.ExpiresOn, local.Unix(), fields.ExpiresOnSec)
	}
	if until := time.Until(local); until < 119*time.Minute || until > 121*time.Minute {
		t.Errorf("token lifetime %v, want 2h", until)
	}
}

func TestAzLegacyExpiry(t *testing.T) {
	installAz(t, AzOK, AzOptions{LegacyExpiry: true})
	out, err := exec.Command("az", "account", "get-access-token", "--resource", "https://vault.azure.net").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "expires_on") {
		t.Errorf("legacy output has expires_on: %s", out)
	}

	token, err := cliToken(t, context.Background())
	if err != nil {
		t.Fatalf("GetToken from expiresOn only: %v", err)
	}
	if until := time.Until(token.ExpiresOn); until < 58*time.Minute || until > 61*time.Minute {
		t.Errorf("expires in %v, want about an hour", until)
	}
}

func TestAzExpiredToken(t *testing.T) {
	installAz(t, AzOK, AzOptions{ExpiresIn: -time.Minute})
	token, err := cliToken(t, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !token.ExpiresOn.Before(time.Now()) {
		t.Errorf("token expires %v, want in the past", token.ExpiresOn)
	}
}

func TestAzNotLoggedInMatchesRealCLI(t *testing.T) {
	installAz(t, AzNotLoggedIn, AzOptions{})
	wantStderr, err := os.ReadFile("testdata/az-not-logged-in.stderr")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus, err := os.ReadFile("testdata/az-not-logged-in.status")
	if err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		{"account", "get-access-token", "-o", "json", "--resource", "https://vault.azure.net", "--tenant", DefaultTenantID},
		{"account", "show"},
	} {
		cmd := exec.Command("az", args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			t.Fatalf("az %v: err = %v, want an exit error", args, err)
		}
		if got, want := strconv.Itoa(exitErr.ExitCode()), strings.TrimSpace(string(wantStatus)); got != want {
			t.Errorf("az %v exit status %s, real CLI %s", args, got, want)
		}
		if stderr.String() != string(wantStderr) {
			t.Errorf("az %v stderr = %q, real CLI %q", args, stderr.String(), wantStderr)
		}
		if len(out) != 0 {
			t.Errorf("az %v stdout = %q, want nothing", args, out)
		}
	}
}

func TestAzNotLoggedInCredentialError(t *testing.T) {
	installAz(t, AzNotLoggedIn, AzOptions{})
	_, err := cliToken(t, context.Background())
	var authErr *azidentity.AuthenticationFailedError
	if !errors.As(err, &authErr) {
		t.Fatalf("err = %v, want *azidentity.AuthenticationFailedError", err)
	}
	if !strings.Contains(err.Error(), "Please run 'az login' to setup account.") {
		t.Errorf("error %q lacks the az message", err)
	}
}

func TestAzExpiredRefreshToken(t *testing.T) {
	installAz(t, AzExpired, AzOptions{})
	_, err := cliToken(t, context.Background())
	var authErr *azidentity.AuthenticationFailedError
	if !errors.As(err, &authErr) {
		t.Fatalf("err = %v, want *azidentity.AuthenticationFailedError", err)
	}
	for _, want := range []string{"AADSTS700082", "Interactive authentication is needed", "az login --scope https://vault.azure.net/.default"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}

	out, err := exec.Command("az", "account", "show").Output()
	if err != nil {
		t.Errorf("account show with an expired refresh token: %v", err)
	}
	if !strings.Contains(string(out), DefaultAzUser) {
		t.Errorf("account show = %s", out)
	}
}

func TestAzHangStopsAtDeadline(t *testing.T) {
	installAz(t, AzHang, AzOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	done := make(chan error, 1)
	go func() {
		_, err := cliToken(t, ctx)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("GetToken succeeded although az hangs")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("GetToken did not return after its context expired")
	}
}

func TestAzFail(t *testing.T) {
	installAz(t, AzFail, AzOptions{FailMessage: "ERROR: something broke"})
	_, err := cliToken(t, context.Background())
	var authErr *azidentity.AuthenticationFailedError
	if !errors.As(err, &authErr) || !strings.Contains(err.Error(), "ERROR: something broke") {
		t.Fatalf("err = %v, want an authentication error with the fail message", err)
	}
}

func TestAzSlow(t *testing.T) {
	installAz(t, AzSlow, AzOptions{Delay: 300 * time.Millisecond})
	start := time.Now()
	token, err := cliToken(t, context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if token.Token != DefaultToken {
		t.Errorf("token = %q", token.Token)
	}
	if elapsed := time.Since(start); elapsed < 300*time.Millisecond {
		t.Errorf("returned after %v, before the delay", elapsed)
	}
}

func TestAzAccountShow(t *testing.T) {
	installAz(t, AzOK, AzOptions{User: "alice@example.com", Tenant: "tenant-1", Subscription: "sub-2"})
	out, err := exec.Command("az", "account", "show").Output()
	if err != nil {
		t.Fatal(err)
	}
	var account struct {
		ID       string `json:"id"`
		TenantID string `json:"tenantId"`
		User     struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"user"`
	}
	if err := json.Unmarshal(out, &account); err != nil {
		t.Fatalf("account show %s: %v", out, err)
	}
	if account.User.Name != "alice@example.com" || account.User.Type != "user" || account.TenantID != "tenant-1" || account.ID != "sub-2" {
		t.Errorf("account = %+v", account)
	}
}

func TestAzVersionLayout(t *testing.T) {
	installAz(t, AzNotLoggedIn, AzOptions{Version: "2.45.0"})
	want, err := os.ReadFile("testdata/az-version.txt")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("az", "--version").Output()
	if err != nil {
		t.Fatalf("az --version: %v", err)
	}
	if first, _, _ := strings.Cut(string(out), "\n"); first+"\n" != string(want) {
		t.Errorf("first line %q, real CLI %q", first, want)
	}
}

func TestAzUnknownCommand(t *testing.T) {
	installAz(t, AzOK, AzOptions{})
	err := exec.Command("az", "frobnicate").Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
		t.Errorf("err = %v, want exit status 2", err)
	}
}

func TestWriteAzRejectsUnsafeValues(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake az is a POSIX shell script")
	}
	for _, opts := range []AzOptions{
		{Token: "a'b"},
		{Token: "a b"},
		{User: "$(rm)"},
		{FailMessage: "it's"},
		{LogFile: "/tmp/a'b"},
	} {
		if _, err := WriteAz(t.TempDir(), AzOK, opts); err == nil {
			t.Errorf("WriteAz(%+v) succeeded, want an error", opts)
		}
	}
	if _, err := WriteAz(t.TempDir(), AzMode(99), AzOptions{}); err == nil {
		t.Errorf("WriteAz accepted an unknown mode")
	}
}

func TestParseAzMode(t *testing.T) {
	for mode := AzOK; mode <= AzSlow; mode++ {
		parsed, err := ParseAzMode(mode.String())
		if err != nil || parsed != mode {
			t.Errorf("ParseAzMode(%q) = %v, %v", mode.String(), parsed, err)
		}
	}
	if _, err := ParseAzMode("sleepy"); err == nil {
		t.Errorf("ParseAzMode accepted an unknown name")
	}
}

// TestAzureCLICredentialWithServer runs the whole chain: azidentity runs the
// fake az, and azsecrets sends its token to the fake vault.
func TestAzureCLICredentialWithServer(t *testing.T) {
	logFile := installAz(t, AzOK, AzOptions{})
	srv := startServer(t, Options{})
	cred, err := azidentity.NewAzureCLICredential(nil)
	if err != nil {
		t.Fatal(err)
	}
	client, err := azsecrets.NewClient(srv.URL, cred, &azsecrets.ClientOptions{
		ClientOptions:                        azcore.ClientOptions{Transport: srv.Client()},
		DisableChallengeResourceVerification: true,
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	if _, err := client.SetSecret(ctx, "acct", azsecrets.SetSecretParameters{Value: to.Ptr("v")}, nil); err != nil {
		t.Fatalf("SetSecret: %v", err)
	}
	got, err := client.GetSecret(ctx, "acct", "", nil)
	if err != nil || *got.Value != "v" {
		t.Fatalf("GetSecret = %v, %v", got.Value, err)
	}
	if n := len(readLog(t, logFile)); n != 1 {
		t.Errorf("az ran %d times, want once (the token is cached)", n)
	}
}
