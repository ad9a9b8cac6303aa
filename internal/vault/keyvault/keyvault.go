// Package keyvault implements vault.Vault on Azure Key Vault secrets, through
// the azsecrets SDK and, by default, the Azure CLI's sign-in (`az login`).
//
// Each vault call maps to one Key Vault operation: List pages through the
// secrets' properties and never reads a value, Get reads the latest version
// with one request, Set writes a new version, Delete soft-deletes. Delete,
// Recover and Purge also wait, by polling with backoff, until the vault
// shows their effect, because Key Vault completes them asynchronously.
//
// Every error a user can meet is one lowercase line that wraps the SDK's
// error, vault.ErrNotFound, vault.ErrDeleted or vault.ErrDisabled where they
// apply, and one of this package's classes (ErrCLI, ErrForbidden, ...), with
// a remedy attached by package hint.
package keyvault

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/tokencache"
	"github.com/totp-cli/totp/internal/vault"
)

// Options configures Open. The zero value is ready to use: the Azure CLI's
// sign-in in its default tenant, a 30s CLI deadline, 3 retries and the
// system's TLS roots.
type Options struct {
	// TenantID is the tenant to request tokens for (--tenant,
	// AZURE_TENANT_ID). Empty means the tenant in Key Vault's challenge.
	TenantID string
	// CLITimeout is the deadline for one `az account get-access-token` run.
	// Zero means DefaultCLITimeout.
	CLITimeout time.Duration
	// AllowCustomEndpoint lets the vault URL's host be outside Domains
	// (TOTP_ALLOW_CUSTOM_ENDPOINT=1); challenge-resource verification is
	// then off.
	AllowCustomEndpoint bool
	// MaxRetries is the maximum number of retries of one request after a
	// 408, 429, 5xx or a failed connection. Zero means 3, and a negative
	// value means none.
	MaxRetries int
	// RetryDelay is the first wait between retries when the response has no
	// Retry-After header. Later waits grow exponentially. Zero means 800ms.
	RetryDelay time.Duration
	// MaxRetryDelay caps each wait between retries. A Retry-After longer
	// than this ends the retries at once. Zero means DefaultMaxRetryDelay.
	MaxRetryDelay time.Duration
	// Credential gets the tokens. Nil means the Azure CLI's sign-in.
	Credential azcore.TokenCredential
	// TokenCache keeps the Azure CLI's Key Vault access tokens in files, so
	// that a later run can skip `az` until the token is 5 minutes from
	// expiry. It applies only when Credential is nil. See package tokencache.
	TokenCache bool
	// TokenCacheDir is the directory of the token cache. Empty means
	// tokencache.DefaultDir.
	TokenCacheDir string
	// Transport sends the requests. Nil means azcore's default HTTP client,
	// which verifies TLS against the system's roots, so SSL_CERT_FILE works
	// on Linux.
	Transport policy.Transporter
	// Logger receives one record for each request (method, path, status,
	// duration, retry) and each Azure CLI run. Nil discards them. It never
	// receives a header, a body, a token or a secret value.
	Logger *slog.Logger
}

// DefaultMaxRetryDelay is the default cap on one wait between retries. It is
// shorter than azcore's 60s because a person is waiting at a terminal.
const DefaultMaxRetryDelay = 20 * time.Second

const (
	defaultMaxRetries   = 3
	defaultPollInterval = 500 * time.Millisecond
	maxPollInterval     = 4 * time.Second
	defaultPollTimeout  = 2 * time.Minute
)

// Vault is a Key Vault opened with Open. It implements vault.Vault and
// vault.Batcher, and is safe for concurrent use.
type Vault struct {
	client   *azsecrets.Client
	url      string
	hostname string
	port     string
	// label names the vault in messages and hints: its name, or its host
	// for a custom endpoint.
	label      string
	tenant     string
	recorder   *tenantRecorder
	maxRetries int

	// pollInterval is the first wait while Delete, Recover and Purge poll,
	// and pollTimeout the maximum time they poll when ctx allows more.
	pollInterval time.Duration
	pollTimeout  time.Duration
}

var (
	_ vault.Vault      = (*Vault)(nil)
	_ vault.Batcher    = (*Vault)(nil)
	_ vault.PageLister = (*Vault)(nil)
)

// Open builds the client for the vault at vaultURL, a URL that ResolveURL
// returned. It sends no request.
func Open(vaultURL string, opts Options) (*Vault, error) {
	u, err := url.Parse(vaultURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return nil, fmt.Errorf("invalid key vault URL %q: want https://HOST/", vaultURL)
	}
	host := strings.ToLower(u.Host)
	custom := !hasKnownDomain(host)
	if custom && !opts.AllowCustomEndpoint {
		return nil, hint.Wrap(fmt.Errorf("key vault host %q is not in a known key vault domain", host),
			"set "+AllowCustomEndpointEnv+"=1 to use another host, such as an emulator")
	}

	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cliTimeout := opts.CLITimeout
	if cliTimeout <= 0 {
		cliTimeout = DefaultCLITimeout
	}
	maxRetries := opts.MaxRetries
	switch {
	case maxRetries == 0:
		maxRetries = defaultMaxRetries
	case maxRetries < 0:
		maxRetries = 0
	}
	maxRetryDelay := opts.MaxRetryDelay
	if maxRetryDelay <= 0 {
		maxRetryDelay = DefaultMaxRetryDelay
	}

	cred := opts.Credential
	var tokens *tokenCache
	if cred == nil {
		cli, err := newCLICredential(opts.TenantID, cliTimeout, tokenCacheDir(opts, logger), logger)
		if err != nil {
			return nil, err
		}
		cred, tokens = cli, cli.cache
	}
	recorder := &tenantRecorder{cred: cred}

	v := &Vault{
		url:          "https://" + host + "/",
		hostname:     u.Hostname(),
		port:         u.Port(),
		label:        vaultLabel(host),
		tenant:       opts.TenantID,
		recorder:     recorder,
		maxRetries:   maxRetries,
		pollInterval: defaultPollInterval,
		pollTimeout:  defaultPollTimeout,
	}

	retry := policy.RetryOptions{
		// azcore reads 0 as its default of 3, so no retries is -1.
		MaxRetries:    int32(maxRetries),
		RetryDelay:    opts.RetryDelay,
		MaxRetryDelay: maxRetryDelay,
		ShouldRetry:   shouldRetry,
	}
	if maxRetries == 0 {
		retry.MaxRetries = -1
	}
	if opts.Transport == nil {
		// Go reads the system's TLS roots (on Linux, every file in
		// /etc/ssl/certs) when it first verifies a certificate, which is
		// after the server's first reply. Reading them now, while the
		// first request waits on the network, takes that time off it.
		go x509.SystemCertPool()
	}
	challenge := newChallengeGate()
	throttle := &throttleGate{now: time.Now, maxWait: maxRetryDelay}
	clientOpts := &azsecrets.ClientOptions{
		ClientOptions: azcore.ClientOptions{
			Retry:            retry,
			Transport:        opts.Transport,
			PerCallPolicies:  []policy.Policy{challenge.wait()},
			PerRetryPolicies: []policy.Policy{challenge.observe(), throttle, requestPolicy{logger: logger, vault: v}},
		},
		DisableChallengeResourceVerification: custom,
	}
	if tokens != nil {
		clientOpts.PerCallPolicies = append(clientOpts.PerCallPolicies, cacheRetryPolicy{logger: logger})
		clientOpts.PerRetryPolicies = append(clientOpts.PerRetryPolicies, cacheInvalidatePolicy{cache: tokens})
	}
	client, err := azsecrets.NewClient(v.url, recorder, clientOpts)
	if err != nil {
		return nil, fmt.Errorf("creating the key vault client for %s: %w", v.url, err)
	}
	v.client = client
	return v, nil
}

// tokenCacheDir returns the token cache's directory, or "" when the cache is
// off. When the user's cache directory is unknown, the cache is off and a
// warning is logged, because every command still works without it.
func tokenCacheDir(opts Options, logger *slog.Logger) string {
	if !opts.TokenCache {
		return ""
	}
	if opts.TokenCacheDir != "" {
		return opts.TokenCacheDir
	}
	dir, err := tokencache.DefaultDir()
	if err != nil {
		logger.Warn("token cache off", "error", err)
		return ""
	}
	return dir
}

// String names the vault, such as "key vault https://myvault.vault.azure.net/".
func (v *Vault) String() string { return "key vault " + v.url }

// sameHost reports whether u is on the vault's host and port, so that a
// nextLink from the server never sends the token elsewhere.
func (v *Vault) sameHost(u *url.URL) bool {
	port, vport := u.Port(), v.port
	if port == "" {
		port = "443"
	}
	if vport == "" {
		vport = "443"
	}
	return u.Scheme == "https" && strings.EqualFold(u.Hostname(), v.hostname) && port == vport
}

var namePattern = regexp.MustCompile(`^[0-9a-zA-Z-]{1,127}$`)

// errInvalidName is the class of the error for a secret name that Key Vault
// would reject.
var errInvalidName = errors.New("invalid secret name")

func checkName(name string) error {
	if !namePattern.MatchString(name) {
		return hint.Wrap(newKindError(fmt.Sprintf("invalid secret name %q: want 1 to 127 letters, digits and hyphens", name), errInvalidName),
			"choose a name such as github-alice")
	}
	return nil
}

// call runs fn as one vault operation and turns its error into one line
// that starts with what (such as `reading secret "github" from`).
func (v *Vault) call(ctx context.Context, what string, act action, name string, fn func(context.Context) error) error {
	if act != actionList {
		if err := checkName(name); err != nil {
			return err
		}
	}
	start := time.Now()
	opCtx, op := withOperation(ctx)
	err := fn(opCtx)
	if err == nil {
		return nil
	}
	var done *doneError
	if errors.As(err, &done) {
		return fmt.Errorf("%s key vault %s: %w", what, v.label, done.err)
	}
	return fmt.Errorf("%s key vault %s: %w", what, v.label, v.classify(ctx, op, start, act, name, err))
}

// doneError marks an error that is already in its final form, so call does
// not classify it again.
type doneError struct{ err error }

func (e *doneError) Error() string { return e.err.Error() }

func (e *doneError) Unwrap() error { return e.err }

// List returns the properties of every secret that is not deleted, page by
// page, without reading a value.
func (v *Vault) List(ctx context.Context) ([]vault.Properties, error) {
	var out []vault.Properties
	err := v.ListPages(ctx, func(page []vault.Properties) error {
		out = append(out, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListPages implements vault.PageLister: it calls page once for each list
// page that Key Vault returns, as it arrives.
func (v *Vault) ListPages(ctx context.Context, page func([]vault.Properties) error) error {
	return v.call(ctx, "listing secrets in", actionList, "", func(ctx context.Context) error {
		pager := v.client.NewListSecretPropertiesPager(nil)
		for pager.More() {
			resp, err := pager.NextPage(ctx)
			if err != nil {
				return err
			}
			props := make([]vault.Properties, 0, len(resp.Value))
			for _, sp := range resp.Value {
				if sp == nil {
					continue
				}
				p, err := properties(sp.ID, sp.ContentType, sp.Tags, sp.Attributes)
				if err != nil {
					return &doneError{err}
				}
				props = append(props, p)
			}
			if err := page(props); err != nil {
				return &doneError{err}
			}
		}
		return nil
	})
}

// Get returns the latest version of the named secret with one request.
func (v *Vault) Get(ctx context.Context, name string) (vault.Secret, error) {
	var s vault.Secret
	err := v.call(ctx, fmt.Sprintf("reading secret %q from", name), actionGet, name, func(ctx context.Context) error {
		var err error
		s, err = v.get(ctx)(name)
		return err
	})
	return s, err
}

// get returns a function that reads one secret with ctx, for Get and for
// Recover's polling.
func (v *Vault) get(ctx context.Context) func(name string) (vault.Secret, error) {
	return func(name string) (vault.Secret, error) {
		resp, err := v.client.GetSecret(ctx, name, "", nil)
		if err != nil {
			return vault.Secret{}, err
		}
		p, err := properties(resp.ID, resp.ContentType, resp.Tags, resp.Attributes)
		if err != nil {
			return vault.Secret{}, &doneError{err}
		}
		if resp.Value == nil {
			return vault.Secret{}, &doneError{fmt.Errorf("key vault returned secret %q without a value", name)}
		}
		return vault.Secret{Properties: p, Value: *resp.Value}, nil
	}
}

// Set stores s as a new version of the secret s.Name.
func (v *Vault) Set(ctx context.Context, s vault.Secret) (vault.Properties, error) {
	var p vault.Properties
	err := v.call(ctx, fmt.Sprintf("writing secret %q to", s.Name), actionSet, s.Name, func(ctx context.Context) error {
		params := azsecrets.SetSecretParameters{Value: &s.Value, Tags: tagPointers(s.Tags)}
		if s.ContentType != "" {
			params.ContentType = &s.ContentType
		}
		resp, err := v.client.SetSecret(ctx, s.Name, params, nil)
		if err != nil {
			return err
		}
		p, err = properties(resp.ID, resp.ContentType, resp.Tags, resp.Attributes)
		if err != nil {
			return &doneError{err}
		}
		return nil
	})
	return p, err
}

// SetMany stores the secrets one after another. It stops at the first error
// that is not about one secret (such as a failed sign-in or a lost
// connection) and returns it, with that error for every secret not stored.
func (v *Vault) SetMany(ctx context.Context, secrets []vault.Secret) ([]error, error) {
	errs := make([]error, len(secrets))
	for i, s := range secrets {
		_, err := v.Set(ctx, s)
		errs[i] = err
		if err != nil && !secretSpecific(err) {
			for j := i + 1; j < len(secrets); j++ {
				errs[j] = err
			}
			return errs, err
		}
	}
	return errs, nil
}

// secretSpecific reports whether err concerns only the secret it came from,
// so that writing the next one may still work.
func secretSpecific(err error) bool {
	if errors.Is(err, vault.ErrDeleted) || errors.Is(err, errInvalidName) {
		return true
	}
	var respErr *azcore.ResponseError
	return errors.As(err, &respErr) && (respErr.StatusCode == http.StatusBadRequest || respErr.StatusCode == http.StatusConflict)
}

// Delete soft-deletes the named secret and waits until the vault lists it as
// deleted, so that Recover and Purge can follow at once.
func (v *Vault) Delete(ctx context.Context, name string) (vault.DeletedSecret, error) {
	var d vault.DeletedSecret
	err := v.call(ctx, fmt.Sprintf("deleting secret %q from", name), actionDelete, name, func(ctx context.Context) error {
		resp, err := v.client.DeleteSecret(ctx, name, nil)
		if err != nil {
			return err
		}
		d = deletedSecret(name, resp.ID, resp.DeletedDate, resp.ScheduledPurgeDate, resp.Attributes)
		if !strings.Contains(d.RecoveryLevel, "Recoverable") {
			// Without soft delete the secret is gone and there is nothing
			// to wait for.
			return nil
		}
		return v.poll(ctx, func() (bool, error) {
			_, err := v.client.GetDeletedSecret(ctx, name, nil)
			if isStatus(err, http.StatusNotFound) {
				return false, nil
			}
			return err == nil, err
		})
	})
	return d, err
}

// GetDeleted returns the named soft-deleted secret.
func (v *Vault) GetDeleted(ctx context.Context, name string) (vault.DeletedSecret, error) {
	var d vault.DeletedSecret
	err := v.call(ctx, fmt.Sprintf("reading deleted secret %q from", name), actionGetDeleted, name, func(ctx context.Context) error {
		resp, err := v.client.GetDeletedSecret(ctx, name, nil)
		if err != nil {
			return err
		}
		d = deletedSecret(name, resp.ID, resp.DeletedDate, resp.ScheduledPurgeDate, resp.Attributes)
		return nil
	})
	return d, err
}

// Recover restores the named soft-deleted secret and waits until it can be
// read again, then returns the properties of its latest version.
func (v *Vault) Recover(ctx context.Context, name string) (vault.Properties, error) {
	var p vault.Properties
	err := v.call(ctx, fmt.Sprintf("recovering secret %q in", name), actionRecover, name, func(ctx context.Context) error {
		if _, err := v.client.RecoverDeletedSecret(ctx, name, nil); err != nil {
			return err
		}
		get := v.get(ctx)
		return v.poll(ctx, func() (bool, error) {
			s, err := get(name)
			if isStatus(err, http.StatusNotFound) {
				return false, nil
			}
			p = s.Properties
			return err == nil, err
		})
	})
	return p, err
}

// Purge removes the named soft-deleted secret for good and waits until the
// vault no longer lists it as deleted.
func (v *Vault) Purge(ctx context.Context, name string) error {
	return v.call(ctx, fmt.Sprintf("purging secret %q from", name), actionPurge, name, func(ctx context.Context) error {
		if _, err := v.client.PurgeDeletedSecret(ctx, name, nil); err != nil {
			return err
		}
		// NOTE: Key Vault may still reject a new secret of this name for a
		// short while after the deleted one disappears. Set then returns a
		// 409 with a hint to wait.
		return v.poll(ctx, func() (bool, error) {
			_, err := v.client.GetDeletedSecret(ctx, name, nil)
			if isStatus(err, http.StatusNotFound) {
				return true, nil
			}
			return false, err
		})
	})
}

// poll calls check until it reports done or fails, waiting between calls
// with exponential backoff, for at most v.pollTimeout or until ctx ends.
func (v *Vault) poll(ctx context.Context, check func() (bool, error)) error {
	deadline := time.Now().Add(v.pollTimeout)
	interval := v.pollInterval
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		if time.Now().Add(interval).After(deadline) {
			return &doneError{hint.Wrap(fmt.Errorf("key vault did not finish the change within %s", v.pollTimeout),
				"run `totp list` in a minute to see whether it finished")}
		}

		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
		interval = min(2*interval, maxPollInterval)
	}
}

func isStatus(err error, status int) bool {
	var respErr *azcore.ResponseError
	return errors.As(err, &respErr) && respErr.StatusCode == status
}

// properties converts the SDK's fields into vault.Properties, taking the
// name and version from the secret's id.
func properties(id *azsecrets.ID, contentType *string, tags map[string]*string, attrs *azsecrets.SecretAttributes) (vault.Properties, error) {
	if id == nil {
		return vault.Properties{}, errors.New("key vault returned a secret without an id")
	}
	name, version, err := parseSecretID(string(*id))
	if err != nil {
		return vault.Properties{}, err
	}
	p := vault.Properties{Name: name, Version: version, Tags: map[string]string{}}
	if contentType != nil {
		p.ContentType = *contentType
	}
	for k, val := range tags {
		if val != nil {
			p.Tags[k] = *val
		}
	}
	if attrs != nil {
		p.Enabled = attrs.Enabled == nil || *attrs.Enabled
		if attrs.Created != nil {
			p.Created = *attrs.Created
		}
		if attrs.Updated != nil {
			p.Updated = *attrs.Updated
		}
	}
	return p, nil
}

// parseSecretID splits a secret id such as
// https://myvault.vault.azure.net/secrets/NAME/VERSION into its name and
// version (empty when the id has none).
func parseSecretID(id string) (name, version string, err error) {
	u, err := url.Parse(id)
	if err != nil {
		return "", "", fmt.Errorf("key vault returned an invalid secret id %q: %w", id, err)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || len(parts) > 3 || (parts[0] != "secrets" && parts[0] != "deletedsecrets") || !namePattern.MatchString(parts[1]) {
		return "", "", fmt.Errorf("key vault returned an invalid secret id %q", id)
	}
	if len(parts) == 3 {
		version = parts[2]
	}
	return parts[1], version, nil
}

// deletedSecret converts the SDK's fields into vault.DeletedSecret, taking the
// name from the id when it has one, since names are compared without regard
// to case.
func deletedSecret(name string, id *azsecrets.ID, deleted, purge *time.Time, attrs *azsecrets.SecretAttributes) vault.DeletedSecret {
	if id != nil {
		if n, _, err := parseSecretID(string(*id)); err == nil {
			name = n
		}
	}
	d := vault.DeletedSecret{Name: name}
	if deleted != nil {
		d.DeletedOn = *deleted
	}
	if purge != nil {
		d.PurgeOn = *purge
	}
	if attrs != nil && attrs.RecoveryLevel != nil {
		d.RecoveryLevel = *attrs.RecoveryLevel
	}
	return d
}

func tagPointers(tags map[string]string) map[string]*string {
	if tags == nil {
		return nil
	}
	out := make(map[string]*string, len(tags))
	for k, v := range tags {
		out[k] = &v
	}
	return out
}
