package keyvault

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/vault"
)

// Error classes that callers can test for with errors.Is, besides ErrCLI,
// ErrWrongTenant and vault.ErrNotFound, vault.ErrDeleted and
// vault.ErrDisabled.
var (
	// ErrUnauthorized reports a 401: Key Vault rejected the token.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden reports a 403: the signed-in identity lacks a role or an
	// access policy permission, or the vault's firewall blocks the client.
	ErrForbidden = errors.New("forbidden")
	// ErrThrottled reports a 429 that persisted through the retries.
	ErrThrottled = errors.New("throttled")
	// ErrUnavailable reports a server error (5xx) or a failed connection
	// that persisted through the retries.
	ErrUnavailable = errors.New("unavailable")
	// ErrHostNotFound reports a vault host that does not resolve.
	ErrHostNotFound = errors.New("host not found")
	// ErrCertificate reports a TLS certificate that did not verify.
	ErrCertificate = errors.New("certificate verification failed")
)

// action is one kind of vault call. It decides which permission or role a
// 403 names.
type action struct {
	// permission is the access policy's secret permission.
	permission string
	// write is true when the RBAC role must be Key Vault Secrets Officer
	// rather than Key Vault Secrets User.
	write bool
}

var (
	actionList       = action{permission: "list"}
	actionGet        = action{permission: "get"}
	actionSet        = action{permission: "set", write: true}
	actionDelete     = action{permission: "delete", write: true}
	actionGetDeleted = action{permission: "get", write: true}
	actionRecover    = action{permission: "recover", write: true}
	actionPurge      = action{permission: "purge", write: true}
)

const (
	roleReader = "Key Vault Secrets User"
	roleWriter = "Key Vault Secrets Officer"
)

// serviceError is the body of a Key Vault error response.
type serviceError struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError *struct {
			Code string `json:"code"`
		} `json:"innererror"`
	} `json:"error"`
}

// classify turns an error from the azsecrets client into one line with a
// remedy. ctx is the call's context, op its request record, start the time
// the call began and name the secret's name ("" for a listing).
func (v *Vault) classify(ctx context.Context, op *operation, start time.Time, act action, name string, err error) error {
	if errors.Is(err, ErrCLI) || errors.Is(err, ErrWrongTenant) {
		return err
	}

	if errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		return newKindError("interrupted", context.Canceled, err)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		elapsed := time.Since(start).Round(100 * time.Millisecond)
		return hint.Wrap(newKindError(fmt.Sprintf("timed out after %s", elapsed), context.DeadlineExceeded, err),
			"use --timeout with a longer duration, such as --timeout 2m")
	}

	var respErr *azcore.ResponseError
	if errors.As(err, &respErr) {
		return v.classifyResponse(respErr, op, act, name)
	}

	if isDNSNotFound(err) {
		return hint.Wrap(newKindError(fmt.Sprintf("key vault %s not found: %s does not resolve", v.label, v.hostname), ErrHostNotFound, err),
			"check the vault name; `az keyvault list --query \"[].name\" -o tsv` lists the vaults you can use")
	}
	if isCertificateError(err) {
		return hint.Wrap(newKindError(fmt.Sprintf("certificate verification failed for %s: %s", v.hostname, certificateReason(err)), ErrCertificate, err),
			"behind a TLS-inspecting proxy, set SSL_CERT_FILE to a PEM file that contains the proxy's CA certificate")
	}

	if resource, ok := challengeMismatch(err); ok {
		return hint.Wrap(newKindError(fmt.Sprintf("%s sent an authentication challenge for resource %s, which is not its domain", v.hostname, resource), ErrUnauthorized, err),
			"check that --vault names a key vault URL; for an emulator set "+AllowCustomEndpointEnv+"=1")
	}

	if _, detail, ok := strings.Cut(err.Error(), "unmarshalling type "); ok {
		// azcore's runtime.UnmarshalAsJSON failed on the response body.
		_, detail, _ = strings.Cut(detail, ": ")
		return newKindError("key vault returned a response that is not valid JSON: "+oneLine(detail), err)
	}

	var urlErr *url.Error
	var opErr *net.OpError
	if errors.As(err, &urlErr) || errors.As(err, &opErr) {
		return hint.Wrap(newKindError(fmt.Sprintf("connection to %s failed%s: %s", v.hostname, afterRetries(op.retryCount()), rootCause(err)), ErrUnavailable, err),
			"check your network connection and try again")
	}
	return err
}

func (v *Vault) classifyResponse(respErr *azcore.ResponseError, op *operation, act action, name string) error {
	body := parseServiceError(respErr.RawResponse)
	code := respErr.ErrorCode
	if code == "" {
		code = body.Error.Code
	}
	inner := ""
	if body.Error.InnerError != nil {
		inner = body.Error.InnerError.Code
	}
	message := body.Error.Message
	status := fmt.Sprintf("%d %s", respErr.StatusCode, http.StatusText(respErr.StatusCode))

	switch respErr.StatusCode {
	case http.StatusUnauthorized:
		return v.unauthorized(respErr, message)
	case http.StatusForbidden:
		return v.forbidden(respErr, act, name, inner, message)
	case http.StatusNotFound:
		return newKindError(vault.ErrNotFound.Error(), vault.ErrNotFound, respErr)
	case http.StatusConflict:
		if inner == "ObjectIsDeletedButRecoverable" || strings.Contains(strings.ToLower(message), "deleted but recoverable") {
			return hint.Wrap(newKindError(vault.ErrDeleted.Error(), vault.ErrDeleted, respErr),
				"run `totp recover "+name+"` to restore it, or use --force to replace it")
		}
		return hint.Wrap(newKindError(fmt.Sprintf("key vault returned %s: %s", status, oneLine(message)), respErr),
			"wait a few seconds and try again: key vault may still be deleting, recovering or purging the secret")
	case http.StatusTooManyRequests:
		msg := "key vault is throttling requests (429)" + afterRetries(op.retryCount())
		if ra := op.lastRetryAfter(); ra != "" && op.retryCount() < v.maxRetries {
			msg += " and asked to wait " + ra + " seconds"
		}
		return hint.Wrap(newKindError(msg, ErrThrottled, respErr), "wait a minute and try again")
	}

	if respErr.StatusCode >= 500 {
		return hint.Wrap(newKindError(fmt.Sprintf("key vault returned %s%s", status, afterRetries(op.retryCount())), ErrUnavailable, respErr),
			"try again in a few minutes")
	}

	detail := status
	if code != "" {
		detail += " " + code
	}
	if message != "" {
		return fmt.Errorf("key vault rejected the request (%s): %s: %w", detail, oneLine(message), respErr)
	}
	return fmt.Errorf("key vault rejected the request (%s): %w", detail, respErr)
}

func (v *Vault) unauthorized(respErr *azcore.ResponseError, message string) error {
	if strings.Contains(message, "AKV10032") || strings.Contains(strings.ToLower(message), "invalid issuer") {
		tenant := v.tenant
		if tenant == "" {
			tenant = v.recorder.challengeTenant()
		}
		if tenant == "" {
			tenant = "TENANT"
		}
		return hint.Wrap(newKindError("key vault rejected the token: it is from another tenant than the vault's (AKV10032)", ErrWrongTenant, ErrUnauthorized, respErr),
			"use --tenant "+tenant+", or run `az login --tenant "+tenant+"`")
	}
	return hint.Wrap(newKindError("key vault rejected the token from the azure cli (401 Unauthorized)", ErrUnauthorized, respErr),
		"run `"+loginCommand(v.tenant, "")+"`")
}

var (
	permissionPattern = regexp.MustCompile(`does not have secrets (\w+) permission`)
	rbacActionPattern = regexp.MustCompile(`Action: '([^']+)'`)
)

func (v *Vault) forbidden(respErr *azcore.ResponseError, act action, name, inner, message string) error {
	lower := strings.ToLower(message)
	switch {
	case inner == "SecretDisabled" || strings.Contains(lower, "disabled secret"):
		return hint.Wrap(newKindError(vault.ErrDisabled.Error(), vault.ErrDisabled, respErr),
			"enable it with `az keyvault secret set-attributes --vault-name "+v.label+" --name "+name+" --enabled true`")

	case inner == "ForbiddenByRbac":
		role := roleReader
		if act.write {
			role = roleWriter
		}
		if m := rbacActionPattern.FindStringSubmatch(message); m != nil {
			if strings.HasSuffix(m[1], "/getSecret/action") || strings.HasSuffix(m[1], "/readMetadata/action") {
				role = roleReader
			} else {
				role = roleWriter
			}
		}
		err := newKindError(fmt.Sprintf("permission denied: the signed-in identity needs the %s role on key vault %s (ForbiddenByRbac)", role, v.label), ErrForbidden, respErr)
		err = hint.Wrap(err, "new role assignments can take a few minutes to apply")
		return hint.Wrap(err, `grant it with: az role assignment create --role "`+role+`" --assignee "$(az ad signed-in-user show --query id -o tsv)" --scope "$(az keyvault show --name `+v.label+` --query id -o tsv)"`)

	case inner == "ForbiddenByFirewall" || strings.Contains(lower, "client address is not authorized"):
		return hint.Wrap(newKindError(fmt.Sprintf("permission denied: the firewall of key vault %s blocks this network (ForbiddenByFirewall)", v.label), ErrForbidden, respErr),
			"allow your public IP address with `az keyvault network-rule add --name "+v.label+" --ip-address ADDRESS`, or use a network the vault allows")

	case inner == "AccessDenied" || inner == "ForbiddenByPolicy" || strings.Contains(lower, "does not have secrets"):
		permission := act.permission
		if m := permissionPattern.FindStringSubmatch(message); m != nil {
			permission = strings.ToLower(m[1])
		}
		err := newKindError(fmt.Sprintf("permission denied: the access policy of key vault %s does not grant the secrets %s permission", v.label, permission), ErrForbidden, respErr)
		err = hint.Wrap(err, "set-policy replaces the identity's secret permissions with the ones listed")
		return hint.Wrap(err, `grant it with: az keyvault set-policy --name `+v.label+` --upn "$(az ad signed-in-user show --query userPrincipalName -o tsv)" --secret-permissions `+policyPermissions(permission, act))
	}

	return hint.Wrap(newKindError(fmt.Sprintf("permission denied by key vault %s (403 %s): %s", v.label, strings.TrimSpace(respErr.ErrorCode+" "+inner), oneLine(message)), ErrForbidden, respErr),
		"ask the vault's owner to grant you the "+roleWriter+" role or an access policy with secret permissions")
}

// policyPermissions lists the access policy permissions to grant: the
// missing one plus those that totp needs for the same kind of work.
func policyPermissions(missing string, act action) string {
	perms := []string{"get", "list"}
	if act.write {
		perms = append(perms, "set", "delete", "recover")
	}
	for _, p := range perms {
		if p == missing {
			return strings.Join(perms, " ")
		}
	}
	return strings.Join(append(perms, missing), " ")
}

func parseServiceError(resp *http.Response) serviceError {
	var body serviceError
	if resp == nil {
		return body
	}
	data, err := runtime.Payload(resp)
	if err != nil || len(data) == 0 {
		return body
	}
	_ = json.Unmarshal(data, &body) // a body that is not JSON leaves the fields empty
	return body
}

func afterRetries(n int) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " after 1 retry"
	}
	return fmt.Sprintf(" after %d retries", n)
}

// oneLine returns the first line of a service message, shortened.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if s == "" {
		return "no message"
	}
	return truncate(s, 200)
}

func isDNSNotFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && (dnsErr.IsNotFound || strings.Contains(dnsErr.Err, "no such host"))
}

func isCertificateError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verification *tls.CertificateVerificationError
	return errors.As(err, &unknownAuthority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &verification)
}

// certificateReason returns the x509 part of a TLS error, such as
// "x509: certificate signed by unknown authority".
func certificateReason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "x509: "); i >= 0 {
		return msg[i:]
	}
	return rootCause(err)
}

// rootCause returns the innermost error's message, which for a failed
// connection drops the request URL that net/http puts in front.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

var challengeResourcePattern = regexp.MustCompile(`challenge resource "([^"]*)" doesn't match the requested domain`)

// challengeMismatch reports whether err is the SDK's rejection of a challenge
// whose resource is not the vault's domain, and returns that resource.
func challengeMismatch(err error) (string, bool) {
	m := challengeResourcePattern.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	return m[1], true
}
