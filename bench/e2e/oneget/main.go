// Command oneget is the floor that bench/e2e compares totp with: a minimal
// Go program that reads one secret from a Key Vault with a single GET, over
// the same TLS setup as totp and no sign-in.
//
// It reads the vault URL from TOTP_VAULT and trusts the system's roots, so
// SSL_CERT_FILE works as it does for totp. Like the Azure SDK's default
// transport, it takes proxies from the environment, requires TLS 1.2 or
// later and offers HTTP/2. It sends the bearer token from ONEGET_TOKEN
// without the challenge round trip that the SDK makes first.
//
// Usage: oneget NAME
package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "oneget:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: oneget NAME")
	}
	vaultURL := os.Getenv("TOTP_VAULT")
	if !strings.HasPrefix(vaultURL, "https://") {
		return fmt.Errorf("invalid TOTP_VAULT %q: want an https:// vault URL", vaultURL)
	}

	client := &http.Client{Transport: &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		ForceAttemptHTTP2: true,
		TLSClientConfig:   &tls.Config{MinVersion: tls.VersionTLS12},
	}}
	secretURL := strings.TrimSuffix(vaultURL, "/") + "/secrets/" + url.PathEscape(args[0]) + "?api-version=7.5"
	req, err := http.NewRequest(http.MethodGet, secretURL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("ONEGET_TOKEN"))

	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("reading the response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", args[0], resp.Status)
	}
	return nil
}
