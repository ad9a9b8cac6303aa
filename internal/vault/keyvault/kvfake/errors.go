package kvfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// apiError is a Key Vault error response:
// {"error":{"code":...,"message":...,"innererror":{"code":...}}}.
type apiError struct {
	status  int
	code    string
	message string
	inner   string // inner error code; empty for none
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code       string      `json:"code"`
	Message    string      `json:"message"`
	InnerError *innerError `json:"innererror,omitempty"`
}

type innerError struct {
	Code string `json:"code"`
}

func (e *apiError) body() []byte {
	detail := errorDetail{Code: e.code, Message: e.message}
	if e.inner != "" {
		detail.InnerError = &innerError{Code: e.inner}
	}
	return marshal(errorBody{Error: detail})
}

// marshal encodes v as the service does, without escaping <, > and & as
// \u003c, \u003e and \u0026. Callers pass only structs, maps and slices of
// strings, numbers and booleans, which always encode, so a failure panics.
func marshal(v any) []byte {
	var b bytes.Buffer
	encoder := json.NewEncoder(&b)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, e.body())
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// The messages below copy the service's wording where it could be checked
// against published service responses. Each message written for the fake
// carries a comment that marks it as the fake's own.

func errMissingToken() *apiError {
	return &apiError{status: http.StatusUnauthorized, code: "Unauthorized",
		message: "AKV10000: Request is missing a Bearer or PoP token."}
}

// errInvalidToken is the service's response to an expired token. The service
// uses other AKV or S2S codes for other token problems (wrong audience,
// issuer or signature), but the fake reports every rejected token this way.
func errInvalidToken() *apiError {
	return &apiError{status: http.StatusUnauthorized, code: "Unauthorized",
		message: "[TokenExpired] Error validating token: 'S2S12086'."}
}

func errSecretNotFound(name string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "SecretNotFound",
		message: fmt.Sprintf("A secret with (name/id) %s was not found in this key vault. "+
			"If you recently deleted this secret you may be able to recover it using the correct recovery command. "+
			"For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182", name)}
}

// errDeletedSecretNotFound is the response to a request for a deleted
// secret that does not exist. NOTE: the code is the service's, but the
// message is recalled, not checked against a service response.
func errDeletedSecretNotFound() *apiError {
	return &apiError{status: http.StatusNotFound, code: "SecretNotFound", message: "Deleted Secret not found"}
}

// errDeletedButRecoverable rejects a set on a soft-deleted name. NOTE: the
// status and both codes are the service's; the message is recalled, not
// checked against a service response.
func errDeletedButRecoverable(name string) *apiError {
	return &apiError{status: http.StatusConflict, code: "Conflict", inner: "ObjectIsDeletedButRecoverable",
		message: fmt.Sprintf("Secret %s is currently in a deleted but recoverable state, and its name cannot be reused; "+
			"in this state, the secret can only be recovered or purged.", name)}
}

func errSecretDisabled() *apiError {
	return &apiError{status: http.StatusForbidden, code: "Forbidden", inner: "SecretDisabled",
		message: "Operation get is not allowed on a disabled secret."}
}

func errInvalidName(name string) *apiError {
	return badParameter("The request URI contains an invalid name: " + name)
}

// badParameter is a 400 with the service's BadParameter code. Messages
// passed to it, other than the invalid-name one, are the fake's own.
func badParameter(message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "BadParameter", message: message}
}

// errUnsupported and errNoRoute are the fake's own responses.
func errUnsupported(method, path string) *apiError {
	return &apiError{status: http.StatusNotImplemented, code: "NotImplemented",
		message: fmt.Sprintf("kvfake does not implement %s %s", method, path)}
}

func errNoRoute(method, path string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NotFound",
		message: fmt.Sprintf("no Key Vault secrets operation matches %s %s", method, path)}
}

// Identity and vault details shown in 403 messages. They are made up.
const (
	callerAppID    = "0a0a0a0a-0000-4000-8000-00000000a99d"
	callerObjectID = "0b0b0b0b-0000-4000-8000-00000000b0b0"
	subscriptionID = "0c0c0c0c-0000-4000-8000-00000000c0c0"
	vaultName      = "kvfake"
	vaultLocation  = "eastus"
)

// errDenied reports that the caller lacks the permission for op, in the
// style of the vault's permission model.
func (s *Server) errDenied(op *operation, name string) *apiError {
	caller := fmt.Sprintf("appid=%s;oid=%s;iss=https://sts.windows.net/%s/", callerAppID, callerObjectID, s.opts.TenantID)
	if s.opts.Authorization == AccessPolicy {
		return &apiError{status: http.StatusForbidden, code: "Forbidden", inner: "AccessDenied",
			message: fmt.Sprintf("The user, group or application '%s' does not have secrets %s permission on key vault '%s;location=%s'. "+
				"For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
				caller, op.permission, vaultName, vaultLocation)}
	}

	resource := fmt.Sprintf("/subscriptions/%s/resourcegroups/kvfake-rg/providers/microsoft.keyvault/vaults/%s", subscriptionID, vaultName)
	if name != "" {
		resource += "/secrets/" + strings.ToLower(name)
	}
	lines := []string{
		"Caller is not authorized to perform action on resource.",
		"If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
		"Caller: " + caller,
		"Action: '" + op.action + "'",
		"Resource: '" + resource + "'",
		"Assignment: (not found)",
		"DenyAssignmentId: null",
		"DecisionReason: 'DeniedWithNoValidRBAC' ",
		fmt.Sprintf("Vault: %s;location=%s", vaultName, vaultLocation),
	}
	return &apiError{status: http.StatusForbidden, code: "Forbidden", inner: "ForbiddenByRbac",
		message: strings.Join(lines, "\r\n") + "\r\n"}
}

// faultError is the default body of an injected fault with the given status.
// A 403 uses the denial message of the operation; the other messages are the
// fake's own, and only their codes follow the service.
func (s *Server) faultError(status int, op *operation, name string) *apiError {
	switch status {
	case http.StatusForbidden:
		if op != nil {
			return s.errDenied(op, name)
		}
		return &apiError{status: status, code: "Forbidden", message: "Access denied by an injected fault."}
	case http.StatusTooManyRequests:
		return &apiError{status: status, code: "Throttled",
			message: "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"}
	case http.StatusUnauthorized:
		return errInvalidToken()
	case http.StatusNotFound:
		return errSecretNotFound(name)
	case http.StatusServiceUnavailable:
		return &apiError{status: status, code: "ServiceUnavailable", message: "The service is temporarily unavailable. Please retry later."}
	default:
		return &apiError{status: status, code: strings.ReplaceAll(http.StatusText(status), " ", ""),
			message: fmt.Sprintf("Injected fault: %d %s.", status, http.StatusText(status))}
	}
}
