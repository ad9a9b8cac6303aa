package keyvault

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/hint"
)

// The messages below are AzureCLICredential errors as azidentity 1.15 builds
// them ("AzureCLICredential: " + the CLI's stderr + a troubleshooting link),
// with the stderr of Azure CLI 2.45 or as quoted in Azure CLI bug reports.
func TestClassifyCLIError(t *testing.T) {
	const link = " To troubleshoot, visit https://aka.ms/azsdk/go/identity/troubleshoot#azure-cli"
	tests := []struct {
		name    string
		msg     string
		tenant  string
		wantErr string
		hint    string
	}{
		{
			name:    "executable not found",
			msg:     "AzureCLICredential: executable not found on path",
			wantErr: "azure cli (az) not found on PATH",
			hint:    "run `az login`",
		},
		{
			name:    "windows not recognized",
			msg:     "AzureCLICredential: 'az' is not recognized as an internal or external command," + link,
			wantErr: "azure cli (az) not found on PATH",
			hint:    "install the Azure CLI",
		},
		{
			name:    "not logged in",
			msg:     "AzureCLICredential: ERROR: Please run 'az login' to setup account." + link,
			wantErr: "not logged in to the azure cli",
			hint:    "run `az login`",
		},
		{
			name:    "not logged in with tenant",
			msg:     "AzureCLICredential: ERROR: Please run 'az login' to setup account." + link,
			tenant:  "contoso.onmicrosoft.com",
			wantErr: "not logged in to the azure cli",
			hint:    "run `az login --tenant contoso.onmicrosoft.com`",
		},
		{
			name: "refresh token expired",
			msg: "AzureCLICredential: ERROR: AADSTS700082: The refresh token has expired due to inactivity. " +
				"The token was issued on 2022-08-10T22:52:01.4927938Z and was inactive for 90.00:00:00.\n" +
				"Interactive authentication is needed. Please run:\naz login --scope https://vault.azure.net/.default" + link,
			wantErr: "azure cli sign-in has expired or needs multi-factor authentication (AADSTS700082)",
			hint:    "run `az login --scope https://vault.azure.net/.default`",
		},
		{
			name:    "mfa required with tenant",
			msg:     "AzureCLICredential: ERROR: AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication." + link,
			tenant:  "72f988bf-86f1-41af-91ab-2d7cd011db47",
			wantErr: "(AADSTS50076)",
			hint:    "run `az login --tenant 72f988bf-86f1-41af-91ab-2d7cd011db47 --scope https://vault.azure.net/.default`",
		},
		{
			name: "claims challenge",
			msg: "AzureCLICredential.GetToken(): Azure CLI requires multifactor authentication or additional claims. " +
				"Run this command then retry the operation: az login --claims-challenge eyJhY2Nlc3NfdG9rZW4iOnt9fQ==",
			wantErr: "key vault requires a fresh azure cli sign-in (claims challenge)",
			hint:    "run `az login --claims-challenge eyJhY2Nlc3NfdG9rZW4iOnt9fQ==`",
		},
		{
			name:    "other failure",
			msg:     "AzureCLICredential: ERROR: The command failed with an unexpected error.\nTraceback (most recent call last):" + link,
			wantErr: "azure cli failed to get a token: The command failed with an unexpected error.",
			hint:    "run `az account get-access-token --resource https://vault.azure.net` to see the full error",
		},
		{
			name:    "empty stderr",
			msg:     "AzureCLICredential: exit status 3" + link,
			wantErr: "azure cli failed to get a token: exit status 3",
			hint:    "az account get-access-token",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cause := errors.New(tt.msg)
			err := classifyCLIError(cause, tt.tenant, "https://vault.azure.net/.default")
			if err.Error() != tt.wantErr && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has several lines: %q", err)
			}
			if !errors.Is(err, ErrCLI) {
				t.Errorf("error %q is not ErrCLI", err)
			}
			if !errors.Is(err, cause) {
				t.Errorf("error %q does not wrap the credential's error", err)
			}
			hints := hint.Hints(err)
			if len(hints) != 1 || !strings.Contains(hints[0], tt.hint) {
				t.Errorf("hints = %q, want one that contains %q", hints, tt.hint)
			}
		})
	}
}

func TestParseCLITimeout(t *testing.T) {
	got, err := ParseCLITimeout(" 90s ")
	if err != nil || got != 90*time.Second {
		t.Errorf("ParseCLITimeout(90s) = %v, %v, want 1m30s", got, err)
	}
	for _, bad := range []string{"", "0", "-5s", "ten seconds", "30"} {
		_, err := ParseCLITimeout(bad)
		if err == nil {
			t.Errorf("ParseCLITimeout(%q) succeeded, want an error", bad)
			continue
		}
		if !strings.Contains(err.Error(), "invalid TOTP_AZ_TIMEOUT") {
			t.Errorf("ParseCLITimeout(%q) error = %q, want it to name TOTP_AZ_TIMEOUT", bad, err)
		}
		if hints := hint.Hints(err); len(hints) != 1 || !strings.Contains(hints[0], "TOTP_AZ_TIMEOUT=90s") {
			t.Errorf("ParseCLITimeout(%q) hints = %q", bad, hints)
		}
	}
}

func TestOpenRejectsBadTenant(t *testing.T) {
	_, err := Open("https://myvault.vault.azure.net/", Options{TenantID: "contoso tenant"})
	if err == nil || !strings.Contains(err.Error(), `invalid tenant "contoso tenant"`) {
		t.Fatalf("Open with a bad tenant: error = %v, want invalid tenant", err)
	}
	if hints := hint.Hints(err); len(hints) != 1 || !strings.Contains(hints[0], "az account list") {
		t.Errorf("hints = %q, want the az account list command", hints)
	}
}

func TestOpenRejectsCustomHost(t *testing.T) {
	_, err := Open("https://127.0.0.1:8443/", Options{})
	if err == nil || !strings.Contains(err.Error(), "not in a known key vault domain") {
		t.Fatalf("Open of a custom host: error = %v, want it rejected", err)
	}
	if hints := hint.Hints(err); len(hints) != 1 || !strings.Contains(hints[0], "TOTP_ALLOW_CUSTOM_ENDPOINT=1") {
		t.Errorf("hints = %q, want TOTP_ALLOW_CUSTOM_ENDPOINT=1", hints)
	}
	for _, bad := range []string{"http://myvault.vault.azure.net/", "myvault", "https:///"} {
		if _, err := Open(bad, Options{}); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", bad)
		}
	}
}
