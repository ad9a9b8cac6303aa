package keyvault

import (
	"strings"
	"testing"

	"github.com/totp-cli/totp/internal/hint"
)

func TestResolveURLAccepted(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		custom     bool
		wantURL    string
		wantCustom bool
	}{
		{name: "vault name", in: "myvault", wantURL: "https://myvault.vault.azure.net/"},
		{name: "vault name upper case", in: "MyVault-01", wantURL: "https://myvault-01.vault.azure.net/"},
		{name: "name with spaces around", in: "  myvault\n", wantURL: "https://myvault.vault.azure.net/"},
		{name: "full url", in: "https://myvault.vault.azure.net/", wantURL: "https://myvault.vault.azure.net/"},
		{name: "url without slash", in: "https://myvault.vault.azure.net", wantURL: "https://myvault.vault.azure.net/"},
		{name: "url upper case", in: "HTTPS://MyVault.Vault.Azure.Net/", wantURL: "https://myvault.vault.azure.net/"},
		{name: "url with port", in: "https://myvault.vault.azure.net:443/", wantURL: "https://myvault.vault.azure.net:443/"},
		{name: "china", in: "https://myvault.vault.azure.cn/", wantURL: "https://myvault.vault.azure.cn/"},
		{name: "us government", in: "https://myvault.vault.usgovcloudapi.net", wantURL: "https://myvault.vault.usgovcloudapi.net/"},
		{name: "germany", in: "https://myvault.vault.microsoftazure.de/", wantURL: "https://myvault.vault.microsoftazure.de/"},
		{name: "bare host", in: "myvault.vault.azure.cn", wantURL: "https://myvault.vault.azure.cn/"},
		{name: "custom loopback allowed", in: "https://127.0.0.1:8443/", custom: true, wantURL: "https://127.0.0.1:8443/", wantCustom: true},
		{name: "custom ipv6 allowed", in: "https://[::1]:8443", custom: true, wantURL: "https://[::1]:8443/", wantCustom: true},
		{name: "known domain with custom allowed", in: "myvault", custom: true, wantURL: "https://myvault.vault.azure.net/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, custom, err := ResolveURL(tt.in, tt.custom)
			if err != nil {
				t.Fatalf("ResolveURL(%q) failed: %v", tt.in, err)
			}
			if got != tt.wantURL {
				t.Errorf("ResolveURL(%q) = %q, want %q", tt.in, got, tt.wantURL)
			}
			if custom != tt.wantCustom {
				t.Errorf("ResolveURL(%q) custom = %v, want %v", tt.in, custom, tt.wantCustom)
			}
		})
	}
}

func TestResolveURLRejected(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
		hint    string
	}{
		{name: "empty", in: "  ", wantErr: "missing key vault name", hint: "--vault"},
		{name: "too short", in: "ab", wantErr: `invalid key vault name "ab"`, hint: "file:PATH"},
		{name: "too long", in: strings.Repeat("a", 25), wantErr: "invalid key vault name", hint: "file:PATH"},
		{name: "underscore", in: "my_vault", wantErr: "invalid key vault name", hint: "file:PATH"},
		{name: "double hyphen", in: "my--vault", wantErr: "invalid key vault name", hint: "file:PATH"},
		{name: "starts with digit", in: "1vault", wantErr: "invalid key vault name", hint: "file:PATH"},
		{name: "http", in: "http://myvault.vault.azure.net/", wantErr: "must use https", hint: "https://myvault.vault.azure.net/"},
		{name: "path", in: "https://myvault.vault.azure.net/secrets/x", wantErr: "no user, path, query or fragment", hint: "https://myvault.vault.azure.net/"},
		{name: "query", in: "https://myvault.vault.azure.net/?a=b", wantErr: "no user, path, query or fragment", hint: ""},
		{name: "user", in: "https://u:p@myvault.vault.azure.net/", wantErr: "no user, path, query or fragment", hint: ""},
		{name: "no host", in: "https:///", wantErr: "has no host", hint: ""},
		{name: "custom host", in: "https://127.0.0.1:8443/", wantErr: `key vault host "127.0.0.1:8443" is not in a known key vault domain`, hint: "TOTP_ALLOW_CUSTOM_ENDPOINT=1"},
		{name: "lookalike domain", in: "https://myvault.vault.azure.net.example.org/", wantErr: "not in a known key vault domain", hint: "TOTP_ALLOW_CUSTOM_ENDPOINT=1"},
		{name: "domain alone", in: "https://vault.azure.net/", wantErr: "not in a known key vault domain", hint: "TOTP_ALLOW_CUSTOM_ENDPOINT=1"},
		{name: "bad vault label", in: "https://my_vault.vault.azure.net/", wantErr: "not in a known key vault domain", hint: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := ResolveURL(tt.in, false)
			if err == nil {
				t.Fatalf("ResolveURL(%q) = %q, want an error", tt.in, got)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ResolveURL(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("ResolveURL(%q) error has several lines: %q", tt.in, err)
			}
			hints := hint.Hints(err)
			if len(hints) == 0 {
				t.Fatalf("ResolveURL(%q) error has no hint", tt.in)
			}
			if !strings.Contains(hints[0], tt.hint) {
				t.Errorf("ResolveURL(%q) hint = %q, want it to contain %q", tt.in, hints[0], tt.hint)
			}
		})
	}
}

func TestLooksLikeVault(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"myvault", true},
		{"https://myvault.vault.azure.net/", true},
		{"http://myvault.vault.azure.net/", true},
		{"https://127.0.0.1:8443/", true},
		{"myvault.vault.azure.cn", true},
		{"myvault.vault.azure.net:443", true},
		{"file:/home/me/vault.age", false},
		{"FILE:vault.age", false},
		{"file:myvault", false},
		{"vault.age", false},
		{"./vault", false},
		{"/home/me/vault.age", false},
		{"", false},
		{"my_vault", false},
	}
	for _, tt := range tests {
		if got := LooksLikeVault(tt.in); got != tt.want {
			t.Errorf("LooksLikeVault(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
