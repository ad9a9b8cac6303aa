package kvfake

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// operation is one Key Vault secrets operation with the permission that
// guards it.
type operation struct {
	// permission is the access-policy permission the operation needs, which
	// is also its key in Options.Denied.
	permission string
	// action is the RBAC data action the operation needs.
	action string
	run    func(s *Server, w http.ResponseWriter, r *http.Request, name, version string)
}

// RBAC data actions. NOTE: the getSecret and readMetadata actions appear in
// published service responses; the others follow the same naming and were
// not checked against the service.
var (
	opGet    = &operation{"get", "Microsoft.KeyVault/vaults/secrets/getSecret/action", (*Server).getSecret}
	opSet    = &operation{"set", "Microsoft.KeyVault/vaults/secrets/setSecret/action", (*Server).setSecret}
	opUpdate = &operation{"set", "Microsoft.KeyVault/vaults/secrets/update/action", (*Server).updateSecret}
	opList   = &operation{"list", "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
		func(s *Server, w http.ResponseWriter, r *http.Request, _, _ string) { s.listSecrets(w, r) }}
	opListVersions = &operation{"list", "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
		func(s *Server, w http.ResponseWriter, r *http.Request, name, _ string) { s.listVersions(w, r, name) }}
	opDelete = &operation{"delete", "Microsoft.KeyVault/vaults/secrets/delete",
		func(s *Server, w http.ResponseWriter, r *http.Request, name, _ string) { s.deleteSecret(w, r, name) }}
	opListDeleted = &operation{"list", "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
		func(s *Server, w http.ResponseWriter, r *http.Request, _, _ string) { s.listDeleted(w, r) }}
	opGetDeleted = &operation{"list", "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
		func(s *Server, w http.ResponseWriter, r *http.Request, name, _ string) { s.getDeleted(w, r, name) }}
	opRecover = &operation{"recover", "Microsoft.KeyVault/vaults/secrets/recover/action",
		func(s *Server, w http.ResponseWriter, r *http.Request, name, _ string) { s.recoverDeleted(w, r, name) }}
	opPurge = &operation{"purge", "Microsoft.KeyVault/vaults/secrets/purge/action",
		func(s *Server, w http.ResponseWriter, r *http.Request, name, _ string) { s.purgeDeleted(w, r, name) }}
)

var knownPermissions = map[string]bool{"get": true, "list": true, "set": true, "delete": true, "recover": true, "purge": true}

// validName is Key Vault's rule for object names.
var validName = regexp.MustCompile(`^[0-9a-zA-Z-]{1,127}$`)

// route is a parsed request path.
type route struct {
	op      *operation // nil when no operation matches
	name    string
	version string
	err     *apiError // set when op is nil
}

// ServeHTTP serves the Key Vault secrets API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	recorder := &statusRecorder{ResponseWriter: w}
	entry := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	// The deferred call also runs when a dropped connection panics with
	// http.ErrAbortHandler, so the log shows status 0 for it.
	defer func() {
		entry.Status = recorder.status
		s.record(entry)
	}()

	if !s.wait(r, s.opts.Latency) {
		panic(http.ErrAbortHandler)
	}
	s.setCommonHeaders(recorder)

	if apiErr := s.authenticate(r); apiErr != nil {
		recorder.Header().Set("WWW-Authenticate", s.challenge())
		writeError(recorder, apiErr)
		return
	}
	entry.Authorized = true

	rt := parseRoute(r)
	if fault := s.takeFault(r); fault != nil {
		if s.serveFault(recorder, r, fault, rt) {
			return
		}
	}
	s.serveRoute(recorder, r, rt)
}

func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request, rt route) {
	if rt.op == nil {
		writeError(w, rt.err)
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		// NOTE: the wording is the fake's own; the status and code are
		// what the service returns for a malformed request.
		writeError(w, badParameter("The api-version query parameter is missing. Add api-version to the request URI."))
		return
	}
	if rt.name != "" && !validName.MatchString(rt.name) {
		writeError(w, errInvalidName(rt.name))
		return
	}
	if s.opts.Denied[rt.op.permission] {
		writeError(w, s.errDenied(rt.op, rt.name))
		return
	}
	rt.op.run(s, w, r, rt.name, rt.version)
}

// serveFault applies an injected fault. It returns false when the fault only
// delays the request and the request should then be served normally.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, fault *Fault, rt route) bool {
	if !s.wait(r, fault.Delay) {
		panic(http.ErrAbortHandler)
	}
	if fault.Drop {
		panic(http.ErrAbortHandler)
	}
	if fault.Status == 0 {
		return false
	}

	if fault.RetryAfter != "" {
		w.Header().Set("Retry-After", fault.RetryAfter)
	}
	if fault.Status == http.StatusUnauthorized {
		// The service sends the challenge with every 401, so a client
		// fetches a new token and tries once more.
		w.Header().Set("WWW-Authenticate", s.challenge())
	}
	if fault.Body != "" {
		writeJSON(w, fault.Status, []byte(fault.Body))
		return true
	}
	apiErr := s.faultError(fault.Status, rt.op, rt.name)
	apiErr.status = fault.Status
	writeError(w, apiErr)
	return true
}

func (s *Server) setCommonHeaders(w http.ResponseWriter) {
	s.mu.Lock()
	s.requestID++
	id := s.requestID
	s.mu.Unlock()

	h := w.Header()
	h.Set("Date", s.opts.Now().Add(s.opts.DateSkew).UTC().Format(http.TimeFormat))
	h.Set("Cache-Control", "no-cache")
	h.Set("x-ms-request-id", fmt.Sprintf("00000000-0000-4000-8000-%012x", id))
	h.Set("x-ms-keyvault-region", vaultLocation)
}

// challenge returns the WWW-Authenticate value, in the service's format, that
// names the tenant and resource a client needs a token for.
func (s *Server) challenge() string {
	return fmt.Sprintf(`Bearer authorization="https://login.microsoftonline.com/%s", resource="%s"`, s.opts.TenantID, s.opts.Resource)
}

// authenticate returns nil when r carries an accepted bearer token.
func (s *Server) authenticate(r *http.Request) *apiError {
	header := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(header, " ")
	if header == "" || !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return errMissingToken()
	}
	if !s.opts.AcceptToken(strings.TrimSpace(token)) {
		return errInvalidToken()
	}
	return nil
}

// parseRoute maps a method and path to an operation.
func parseRoute(r *http.Request) route {
	segments, err := pathSegments(r.URL)
	if err != nil {
		return route{err: badParameter(fmt.Sprintf("The request URI %q is not a valid path: %v.", r.URL.EscapedPath(), err))}
	}

	method := r.Method
	switch {
	case len(segments) == 1 && segments[0] == "secrets" && method == http.MethodGet:
		return route{op: opList}
	case len(segments) == 1 && segments[0] == "deletedsecrets" && method == http.MethodGet:
		return route{op: opListDeleted}
	case len(segments) == 2 && segments[0] == "secrets" && segments[1] == "restore" && method == http.MethodPost:
		return route{err: errUnsupported(method, r.URL.Path)}
	case len(segments) >= 2 && segments[0] == "secrets":
		return secretRoute(method, segments[1], segments[2:], r.URL.Path)
	case len(segments) >= 2 && segments[0] == "deletedsecrets":
		return deletedRoute(method, segments[1], segments[2:], r.URL.Path)
	}
	return route{err: errNoRoute(method, r.URL.Path)}
}

// secretRoute routes /secrets/{name}[/{rest}].
func secretRoute(method, name string, rest []string, path string) route {
	switch {
	case len(rest) == 0 && method == http.MethodPut:
		return route{op: opSet, name: name}
	case len(rest) == 0 && method == http.MethodGet:
		return route{op: opGet, name: name}
	case len(rest) == 0 && method == http.MethodPatch:
		return route{op: opUpdate, name: name}
	case len(rest) == 0 && method == http.MethodDelete:
		return route{op: opDelete, name: name}
	case len(rest) == 1 && rest[0] == "versions" && method == http.MethodGet:
		return route{op: opListVersions, name: name}
	case len(rest) == 1 && rest[0] == "backup" && method == http.MethodPost:
		return route{err: errUnsupported(method, path)}
	case len(rest) == 1 && method == http.MethodGet:
		return route{op: opGet, name: name, version: rest[0]}
	case len(rest) == 1 && method == http.MethodPatch:
		return route{op: opUpdate, name: name, version: rest[0]}
	}
	return route{err: errNoRoute(method, path)}
}

// deletedRoute routes /deletedsecrets/{name}[/recover].
func deletedRoute(method, name string, rest []string, path string) route {
	switch {
	case len(rest) == 0 && method == http.MethodGet:
		return route{op: opGetDeleted, name: name}
	case len(rest) == 0 && method == http.MethodDelete:
		return route{op: opPurge, name: name}
	case len(rest) == 1 && rest[0] == "recover" && method == http.MethodPost:
		return route{op: opRecover, name: name}
	}
	return route{err: errNoRoute(method, path)}
}

// pathSegments splits the escaped path into unescaped segments, ignoring
// one trailing slash, because the SDK requests "/secrets/NAME/" for the
// current version.
func pathSegments(u *url.URL) ([]string, error) {
	escaped := strings.TrimPrefix(u.EscapedPath(), "/")
	escaped = strings.TrimSuffix(escaped, "/")
	if escaped == "" {
		return nil, nil
	}
	parts := strings.Split(escaped, "/")
	for i, part := range parts {
		unescaped, err := url.PathUnescape(part)
		if err != nil {
			return nil, err
		}
		parts[i] = unescaped
	}
	return parts, nil
}

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}
