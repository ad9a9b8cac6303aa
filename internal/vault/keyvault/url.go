package keyvault

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/totp-cli/totp/internal/hint"
)

// AllowCustomEndpointEnv is the environment variable that, set to 1, lets
// --vault name a host outside the known Key Vault domains, such as an
// emulator on loopback.
const AllowCustomEndpointEnv = "TOTP_ALLOW_CUSTOM_ENDPOINT"

// Domains lists the DNS suffixes of Key Vault in the Azure clouds, as the
// Azure CLI 2.45 lists them in `az cloud list` (suffixes.keyvaultDns): Azure,
// Azure China, Azure US Government and the retired Azure Germany cloud.
var Domains = []string{
	"vault.azure.net",
	"vault.azure.cn",
	"vault.usgovcloudapi.net",
	"vault.microsoftazure.de",
}

// ResolveURL turns a vault name ("myvault" means
// https://myvault.vault.azure.net/), a vault host or a full https URL into the
// vault URL, which always ends in "/". A host outside Domains is rejected
// unless allowCustom is true. The result custom is true for such a host, and
// the caller must then turn challenge-resource verification off.
func ResolveURL(nameOrURL string, allowCustom bool) (vaultURL string, custom bool, err error) {
	s := strings.TrimSpace(nameOrURL)
	if s == "" {
		return "", false, hint.Wrap(errors.New("missing key vault name"),
			"pass --vault NAME or set TOTP_VAULT, where NAME is the vault's name or https URL")
	}

	if isVaultName(s) {
		return "https://" + strings.ToLower(s) + "." + Domains[0] + "/", false, nil
	}

	host, err := parseVaultHost(s)
	if err != nil {
		return "", false, err
	}
	if hasKnownDomain(host) {
		return "https://" + host + "/", false, nil
	}
	if !allowCustom {
		return "", false, hint.Wrap(
			fmt.Errorf("key vault host %q is not in a known key vault domain (%s)", host, strings.Join(Domains, ", ")),
			"set "+AllowCustomEndpointEnv+"=1 to use another host, such as an emulator")
	}
	return "https://" + host + "/", true, nil
}

// LooksLikeVault reports whether s, a --vault value, names a Key Vault (a
// vault name, a host in a known Key Vault domain or an http or https URL)
// rather than a local vault such as file:PATH.
func LooksLikeVault(s string) bool {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "file:"):
		return false
	case strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "http://"):
		return true
	case isVaultName(s):
		return true
	}
	host, _, err := net.SplitHostPort(lower)
	if err != nil {
		host = lower
	}
	return hasKnownDomain(host)
}

// parseVaultHost returns the lowercase host (with its port, if any) of s, an
// https URL with no path beyond "/" or a bare host.
func parseVaultHost(s string) (string, error) {
	raw := s
	if !strings.Contains(s, "://") {
		if strings.ContainsAny(s, "/\\") || !strings.Contains(s, ".") {
			return "", invalidVaultError(s)
		}
		raw = "https://" + s
	}

	u, err := url.Parse(raw)
	if err != nil {
		return "", hint.Wrap(fmt.Errorf("invalid key vault URL %q: %w", s, err),
			"use the vault's name, or its URL such as https://myvault.vault.azure.net/")
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "", hint.Wrap(fmt.Errorf("key vault URL %q must use https", s),
			"write it as https://"+u.Host+"/")
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", hint.Wrap(fmt.Errorf("key vault URL %q has no host", s),
			"use the vault's name, or its URL such as https://myvault.vault.azure.net/")
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", hint.Wrap(fmt.Errorf("key vault URL %q must have no user, path, query or fragment", s),
			"use only the vault's address, such as https://"+u.Host+"/")
	}
	return strings.ToLower(u.Host), nil
}

func invalidVaultError(s string) error {
	return hint.Wrap(
		fmt.Errorf("invalid key vault name %q: a name has 3 to 24 letters, digits and hyphens, starts with a letter, ends with a letter or digit and has no two hyphens in a row", s),
		"use the vault's name or https URL, or file:PATH for a local vault file")
}

// isVaultName reports whether s follows Azure's rules for vault names.
func isVaultName(s string) bool {
	if len(s) < 3 || len(s) > 24 {
		return false
	}
	if !isLetter(s[0]) || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// hasKnownDomain reports whether host (with an optional port) is a vault in
// one of Domains: a valid vault name followed by the domain.
func hasKnownDomain(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	for _, d := range Domains {
		name, ok := strings.CutSuffix(host, "."+d)
		if ok && isVaultName(name) {
			return true
		}
	}
	return false
}

// vaultLabel returns the short name used in messages and hints: the vault's
// name for a host in a known domain, else the host itself.
func vaultLabel(host string) string {
	if hasKnownDomain(host) {
		name, _, _ := strings.Cut(host, ".")
		return name
	}
	return host
}
