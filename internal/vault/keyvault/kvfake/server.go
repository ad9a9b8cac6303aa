// Package kvfake is an in-process Azure Key Vault for tests. Its HTTPS server
// on loopback speaks the Key Vault secrets REST API closely enough for the
// official azsecrets client, and its fake Azure CLI (`az`) hands out the
// token the server accepts.
//
// The server implements the bearer challenge, set, get (latest and by
// version), update, list with paging, list versions, soft delete, get and
// list deleted secrets, recover and purge, with the service's status codes,
// error codes and error bodies. Tests can deny operations (as RBAC or access
// policies would), disable secrets, add latency per response or a network
// link's round-trip time, skew the Date header, and inject faults such as
// throttling, server errors, dropped connections and delays. Every request is
// logged, so tests can count round trips.
//
// It is a test double, not an emulator. Backup and restore, certificates,
// keys and managed secrets are not implemented. Error messages follow the
// real service's wording only where that wording could be checked, and the
// comment at each message says which.
package kvfake

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultToken is the access token the server accepts and WriteAz prints.
	DefaultToken = "fake-kv-token"
	// DefaultTenantID is the tenant named in the challenge and printed by the
	// fake az. It is a made-up GUID.
	DefaultTenantID = "f4ce7e57-0000-4000-8000-00000000a2ee"
	// DefaultResource is the resource named in the challenge, as the public
	// Azure cloud's Key Vault names it.
	DefaultResource = "https://vault.azure.net"
	// MaxPageSize is the largest number of items Key Vault returns in one
	// list page, and the largest maxresults value it accepts.
	MaxPageSize = 25
	// DefaultRetentionDays is how long a soft-deleted secret stays
	// recoverable when Options.RetentionDays is zero.
	DefaultRetentionDays = 90
)

// Authorization is the permission model of the vault. It decides how a
// denied operation is reported.
type Authorization int

const (
	// RBAC reports a denied operation as Azure role-based access control
	// does: 403 with inner error ForbiddenByRbac and the data action.
	RBAC Authorization = iota
	// AccessPolicy reports a denied operation as vault access policies do:
	// 403 with inner error AccessDenied and the missing secrets permission.
	AccessPolicy
)

// Options configures a Server. The zero value is a working server.
type Options struct {
	// PageSize is the number of secrets per list page, from 1 to 25. Zero
	// means 25. A request's maxresults lowers it further.
	PageSize int
	// TenantID is the tenant in the challenge's authorization URI. Empty
	// means DefaultTenantID.
	TenantID string
	// Resource is the resource in the challenge. Empty means
	// DefaultResource.
	Resource string
	// AcceptToken reports whether a bearer token is valid. Nil accepts only
	// DefaultToken.
	AcceptToken func(token string) bool
	// Authorization decides the style of 403 bodies for Denied operations.
	// The zero value is RBAC.
	Authorization Authorization
	// Denied lists operations rejected with 403, by their access-policy
	// permission name: "get", "list", "set", "delete", "recover" and
	// "purge". Update counts as "set", and getting or listing deleted
	// secrets counts as "list", as in Key Vault access policies.
	Denied map[string]bool
	// Latency is added before every response. With Latency alone, opening a
	// connection and the TCP and TLS handshakes cost nothing, unlike on a
	// network. RoundTrip models those costs.
	Latency time.Duration
	// RoundTrip simulates a network link with this round-trip time: every
	// byte in each direction arrives half of it later, and a new
	// connection's first bytes arrive one extra round trip later, as a TCP
	// handshake would cost. Zero means no simulated link. It adds to Latency
	// when both are set. Bandwidth is not simulated.
	RoundTrip time.Duration
	// SoftDelete turns soft delete on or off. Nil means on.
	SoftDelete *bool
	// RetentionDays is how many days a deleted secret stays recoverable,
	// from 7 to 90 as in Key Vault. Zero means 90.
	RetentionDays int
	// Now is the server's clock, used for created, updated and deleted
	// dates, the scheduled purge and the Date header. Nil means time.Now.
	Now func() time.Time
	// DateSkew is added to the Date response header, to test clock checks.
	DateSkew time.Duration
	// Rand is the source of version ids and of the TLS key. Nil means
	// crypto/rand.Reader.
	Rand io.Reader
	// OnRequest, when set, is called after each request is logged, outside
	// the server's lock.
	OnRequest func(Request)
}

// Request is one entry in the server's request log.
type Request struct {
	Method string
	// Path is the URL path, unescaped.
	Path string
	// Query is the raw query string.
	Query string
	// Authorized reports whether the request carried an accepted token.
	Authorized bool
	// Status is the response status, or 0 when the connection was dropped.
	Status int
}

// Fault makes matching requests fail or slow down. Faults only match
// requests that carry an accepted token, so the unauthenticated challenge
// round trip is never faulted and Times counts real operations.
type Fault struct {
	// Method matches the HTTP method; empty matches any.
	Method string
	// PathPrefix matches the start of the URL path; empty matches any.
	PathPrefix string
	// Status is the response status. Zero with Drop false means the request
	// is only delayed and then served normally.
	Status int
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Body is the response body. Empty means a Key Vault style error body
	// for Status.
	Body string
	// Drop closes the connection without a response.
	Drop bool
	// Delay is waited before the fault takes effect.
	Delay time.Duration
	// Times is how many matching requests the fault applies to; 0 means
	// every matching request until ClearFaults.
	Times int
}

// Server is a running fake Key Vault. Its methods are safe for concurrent
// use.
type Server struct {
	// URL is the vault URL, "https://127.0.0.1:PORT/".
	URL string
	// CertFile is a PEM file with the server's self-signed certificate, for
	// use as SSL_CERT_FILE. Close removes it.
	CertFile string

	opts     Options
	certPEM  []byte
	tempDir  string
	listener net.Listener
	http     *http.Server
	closed   chan struct{}
	once     sync.Once

	mu        sync.Mutex
	secrets   map[string]*secret  // live secrets by lower-case name
	deleted   map[string]*deleted // soft-deleted secrets by lower-case name
	requests  []Request
	faults    []*activeFault
	requestID uint64
}

type activeFault struct {
	Fault
	remaining int // matches left; ignored when Times is 0
}

// Start starts a fake Key Vault on 127.0.0.1 with a random port, serving
// TLS with a new self-signed certificate for 127.0.0.1, ::1 and localhost.
// Call Close when done.
func Start(opts Options) (*Server, error) {
	opts, err := withDefaults(opts)
	if err != nil {
		return nil, err
	}

	certificate, certPEM, err := selfSignedCertificate(opts.Rand)
	if err != nil {
		return nil, fmt.Errorf("kvfake: %w", err)
	}
	tempDir, err := os.MkdirTemp("", "kvfake-")
	if err != nil {
		return nil, fmt.Errorf("kvfake: creating a directory for the certificate: %w", err)
	}
	certFile := filepath.Join(tempDir, "kvfake-cert.pem")
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		os.RemoveAll(tempDir)
		return nil, fmt.Errorf("kvfake: writing the certificate: %w", err)
	}

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(tempDir)
		return nil, fmt.Errorf("kvfake: listening on 127.0.0.1: %w", err)
	}
	if opts.RoundTrip > 0 {
		listener = newLinkListener(listener, opts.RoundTrip)
	}

	s := &Server{
		URL:      fmt.Sprintf("https://%s/", listener.Addr()),
		CertFile: certFile,
		opts:     opts,
		certPEM:  certPEM,
		tempDir:  tempDir,
		listener: listener,
		closed:   make(chan struct{}),
		secrets:  map[string]*secret{},
		deleted:  map[string]*deleted{},
	}
	s.http = &http.Server{
		Handler:           s,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{certificate}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 30 * time.Second,
		// Clients that reject the certificate or hang up make the server log
		// handshake errors; tests check the client side instead.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go s.http.ServeTLS(listener, "", "")
	return s, nil
}

func withDefaults(opts Options) (Options, error) {
	if opts.PageSize == 0 {
		opts.PageSize = MaxPageSize
	}
	if opts.PageSize < 1 || opts.PageSize > MaxPageSize {
		return opts, fmt.Errorf("kvfake: page size %d is out of range; use 1 to %d, as Key Vault returns at most %d items per page", opts.PageSize, MaxPageSize, MaxPageSize)
	}

	if opts.RoundTrip < 0 {
		return opts, fmt.Errorf("kvfake: round trip %v is negative; use 0 for no simulated link or a positive duration", opts.RoundTrip)
	}

	if opts.RetentionDays == 0 {
		opts.RetentionDays = DefaultRetentionDays
	}
	if opts.RetentionDays < 7 || opts.RetentionDays > 90 {
		return opts, fmt.Errorf("kvfake: retention of %d days is out of range; Key Vault accepts 7 to 90 days", opts.RetentionDays)
	}

	if opts.Authorization != RBAC && opts.Authorization != AccessPolicy {
		return opts, fmt.Errorf("kvfake: unknown authorization model %d; use kvfake.RBAC or kvfake.AccessPolicy", opts.Authorization)
	}
	for operation := range opts.Denied {
		if !knownPermissions[operation] {
			return opts, fmt.Errorf("kvfake: cannot deny unknown operation %q; use get, list, set, delete, recover or purge", operation)
		}
	}

	if opts.TenantID == "" {
		opts.TenantID = DefaultTenantID
	}
	if opts.Resource == "" {
		opts.Resource = DefaultResource
	}
	if opts.AcceptToken == nil {
		opts.AcceptToken = func(token string) bool { return token == DefaultToken }
	}
	if opts.SoftDelete == nil {
		on := true
		opts.SoftDelete = &on
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	return opts, nil
}

// Close stops the server, drops open connections, ends pending delays and
// removes CertFile. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closed)
		s.http.Close()
		os.RemoveAll(s.tempDir)
	})
}

// CertPool returns a new pool that contains only the server's certificate.
func (s *Server) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.certPEM)
	return pool
}

// Client returns a new HTTP client that trusts the server's certificate and
// speaks HTTP/2 when the server offers it, as the SDK's default transport
// does. Use it as azcore.ClientOptions.Transport.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}}
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Inject adds a fault. Faults are tried in the order they were injected and
// the first match applies.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &activeFault{Fault: f, remaining: f.Times})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching r and counts the match, or
// returns nil.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if len(r.URL.Path) < len(f.PathPrefix) || r.URL.Path[:len(f.PathPrefix)] != f.PathPrefix {
			continue
		}
		matched := f.Fault
		if f.Times > 0 {
			f.remaining--
			if f.remaining == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &matched
	}
	return nil
}

// wait pauses for d, returning early with false when the server closes or
// the client goes away.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-s.closed:
		return false
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) record(entry Request) {
	s.mu.Lock()
	s.requests = append(s.requests, entry)
	s.mu.Unlock()

	if s.opts.OnRequest != nil {
		s.opts.OnRequest(entry)
	}
}
