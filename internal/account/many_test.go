package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// staticCredential returns the token that kvfake accepts, so the tests run
// no az.
type staticCredential struct{}

func (staticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: kvfake.DefaultToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// timedRequest is a request that kvfake logged, with the time it finished.
type timedRequest struct {
	kvfake.Request
	At time.Time
}

// kvFixture is a fake Key Vault with n accounts named acct-00, acct-01, ...,
// a store on it through the real keyvault backend, and the server's request
// log with timestamps.
type kvFixture struct {
	srv   *kvfake.Server
	store *Store
	names []string
	keys  map[string]totp.Key

	mu       sync.Mutex
	requests []timedRequest
}

func newKVFixture(t testing.TB, n int, latency time.Duration, opts keyvault.Options) *kvFixture {
	t.Helper()
	return newKVFixtureWith(t, n, kvfake.Options{Latency: latency}, opts)
}

// newKVFixtureWith is newKVFixture with the fake vault's options.
func newKVFixtureWith(t testing.TB, n int, server kvfake.Options, opts keyvault.Options) *kvFixture {
	t.Helper()
	f := &kvFixture{keys: map[string]totp.Key{}}
	server.OnRequest = func(r kvfake.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.requests = append(f.requests, timedRequest{Request: r, At: time.Now()})
	}
	srv, err := kvfake.Start(server)
	if err != nil {
		t.Fatalf("starting the fake key vault: %v", err)
	}
	t.Cleanup(srv.Close)
	f.srv = srv

	for i := range n {
		name := fmt.Sprintf("acct-%02d", i)
		key := totp.Key{
			Type: totp.TOTP, Issuer: fmt.Sprintf("Issuer%02d", i), Account: fmt.Sprintf("user%02d@example.com", i),
			Secret: []byte(fmt.Sprintf("secret-of-account-%02d", i)), Algorithm: totp.SHA1, Digits: 6, Period: 30,
		}
		s := ToSecret(name, key)
		srv.Seed(name, s.Value, s.ContentType, s.Tags)
		f.names = append(f.names, name)
		f.keys[name] = key
	}

	opts.AllowCustomEndpoint = true
	opts.Credential = staticCredential{}
	opts.Transport = srv.Client()
	if opts.RetryDelay == 0 {
		opts.RetryDelay = 10 * time.Millisecond
	}
	v, err := keyvault.Open(srv.URL, opts)
	if err != nil {
		t.Fatalf("opening the fake key vault: %v", err)
	}
	f.store = &Store{Vault: v}
	return f
}

// log returns the requests logged so far, oldest first.
func (f *kvFixture) log() []timedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]timedRequest(nil), f.requests...)
}

// resetLog clears the log of requests.
func (f *kvFixture) resetLog() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}

// secretReads returns the authorized reads of single secrets.
func (f *kvFixture) secretReads() []timedRequest {
	var out []timedRequest
	for _, r := range f.log() {
		if r.Authorized && r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/secrets/") {
			out = append(out, r)
		}
	}
	return out
}

// inFlightVault counts the Get calls running at once.
type inFlightVault struct {
	vault.Vault
	now, max atomic.Int32
}

func (v *inFlightVault) Get(ctx context.Context, name string) (vault.Secret, error) {
	n := v.now.Add(1)
	defer v.now.Add(-1)
	for {
		m := v.max.Load()
		if n <= m || v.max.CompareAndSwap(m, n) {
			break
		}
	}
	return v.Vault.Get(ctx, name)
}

func TestGetManyOrderAndRequests(t *testing.T) {
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			f := newKVFixture(t, 24, 50*time.Millisecond, keyvault.Options{})
			counter := &inFlightVault{Vault: f.store.Vault}
			store := &Store{Vault: counter}
			// The read of the first account returns last, so results in the
			// order they arrive would be out of order.
			f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets/acct-00", Delay: 300 * time.Millisecond, Times: 1})

			results := store.GetMany(context.Background(), f.names, workers)

			if len(results) != len(f.names) {
				t.Fatalf("got %d results for %d names", len(results), len(f.names))
			}
			for i, r := range results {
				if r.Err != nil {
					t.Errorf("result %d (%s): %v", i, f.names[i], r.Err)
					continue
				}
				if r.Account.Name != f.names[i] {
					t.Errorf("result %d is account %q, want %q", i, r.Account.Name, f.names[i])
				}
				if !r.Key.Equal(f.keys[f.names[i]]) {
					t.Errorf("result %d (%s) has another key than the one stored", i, f.names[i])
				}
			}

			reads := f.secretReads()
			if len(reads) != len(f.names) {
				t.Errorf("%d authorized secret reads, want one per account (%d)", len(reads), len(f.names))
			}
			if got := counter.max.Load(); got != int32(workers) {
				t.Errorf("at most %d reads ran at once, want %d", got, workers)
			}
		})
	}
}

func TestGetManyDefaultWorkers(t *testing.T) {
	f := newKVFixture(t, 20, 50*time.Millisecond, keyvault.Options{})
	counter := &inFlightVault{Vault: f.store.Vault}
	store := &Store{Vault: counter}

	for _, r := range store.GetMany(context.Background(), f.names, 0) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Account.Name, r.Err)
		}
	}
	if got := counter.max.Load(); got != DefaultWorkers {
		t.Errorf("at most %d reads ran at once, want DefaultWorkers (%d)", got, DefaultWorkers)
	}
}

func TestGetManyEmpty(t *testing.T) {
	f := newKVFixture(t, 0, 0, keyvault.Options{})
	if results := f.store.GetMany(context.Background(), nil, 8); len(results) != 0 {
		t.Errorf("got %d results for no names", len(results))
	}
	if got := len(f.log()); got != 0 {
		t.Errorf("%d requests for no names, want 0", got)
	}
}

// throttleWindow returns when the server logged the throttled read, and
// the reads it logged between from and to after that.
func throttleWindow(t *testing.T, f *kvFixture, from, to time.Duration) (time.Time, []timedRequest) {
	t.Helper()
	var throttledAt time.Time
	for _, r := range f.secretReads() {
		if r.Status == http.StatusTooManyRequests {
			throttledAt = r.At
		}
	}
	if throttledAt.IsZero() {
		t.Fatalf("no read was throttled; the log: %v", f.log())
	}
	var inWindow []timedRequest
	for _, r := range f.secretReads() {
		if d := r.At.Sub(throttledAt); d > from && d < to {
			inWindow = append(inWindow, r)
		}
	}
	return throttledAt, inWindow
}

// finishedAt returns when the server logged the successful read of name.
func finishedAt(t *testing.T, f *kvFixture, name string) time.Time {
	t.Helper()
	for _, r := range f.secretReads() {
		if strings.TrimSuffix(r.Path, "/") == "/secrets/"+name && r.Status == http.StatusOK {
			return r.At
		}
	}
	t.Fatalf("no successful read of %s; the log: %v", name, f.log())
	return time.Time{}
}

func TestGetManyThrottlePausesEveryWorker(t *testing.T) {
	tests := []struct {
		name string
		opts keyvault.Options
		// backendRetries reports that azcore retries the 429 itself, so
		// the pool must not add a pause of its own.
		backendRetries bool
	}{
		// The pool owns every retry of a 429.
		{"no backend retries", keyvault.Options{MaxRetries: -1}, false},
		// The Retry-After exceeds the backend's cap, so azcore gives up at
		// once and the pool waits instead.
		{"retry-after above the backend cap", keyvault.Options{MaxRetryDelay: 500 * time.Millisecond}, false},
		// A Retry-After under the backend's cap: azcore waits it inside
		// the one request and retries, and the backend's throttle gate
		// holds the other workers' requests for as long.
		{"backend retries", keyvault.Options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newKVFixture(t, 40, 50*time.Millisecond, tt.opts)
			f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets/acct-12", Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1})

			results := f.store.GetMany(context.Background(), f.names, 8)

			for i, r := range results {
				if r.Err != nil {
					t.Errorf("result %d (%s): %v", i, f.names[i], r.Err)
				}
			}
			if got, want := len(f.secretReads()), len(f.names)+1; got != want {
				t.Errorf("%d authorized secret reads, want %d: one per account and one retry", got, want)
			}

			// Reads already in flight at the 429 finish within the 50 ms
			// latency; none may start until the Retry-After has passed.
			throttledAt, inPause := throttleWindow(t, f, 200*time.Millisecond, 950*time.Millisecond)
			if len(inPause) > 0 {
				t.Errorf("%d reads finished during the 1s pause after the 429, want 0: %v", len(inPause), inPause)
			}
			d := finishedAt(t, f, "acct-12").Sub(throttledAt)
			if d < time.Second {
				t.Errorf("acct-12 was read again %s after the 429, before its Retry-After of 1s", d)
			}
			if tt.backendRetries && d >= 1900*time.Millisecond {
				t.Errorf("acct-12 was read again %s after the 429: the backend's and the pool's waits added up", d)
			}
		})
	}
}

func TestGetManyErrorsPerAccount(t *testing.T) {
	f := newKVFixture(t, 6, 0, keyvault.Options{})
	f.srv.SetEnabled("acct-02", false)
	f.srv.Seed("db-password", "hunter2", "text/plain", nil)
	names := []string{"acct-00", "acct-02", "missing-account", "db-password", "acct-05"}

	results := f.store.GetMany(context.Background(), names, 8)

	for i, r := range results {
		if r.Account.Name != names[i] {
			t.Errorf("result %d names %q, want %q", i, r.Account.Name, names[i])
		}
	}
	for _, i := range []int{0, 4} {
		if results[i].Err != nil {
			t.Errorf("%s: %v", names[i], results[i].Err)
		}
	}
	if err := results[1].Err; !errors.Is(err, vault.ErrDisabled) {
		t.Errorf("disabled account: got %v, want vault.ErrDisabled", err)
	}
	if err := results[2].Err; !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("missing account: got %v, want vault.ErrNotFound", err)
	}
	if err := results[3].Err; !errors.Is(err, errNotAccount) {
		t.Errorf("other secret: got %v, want errNotAccount", err)
	}
	for _, r := range results {
		if r.Err != nil && strings.Contains(r.Err.Error(), "hunter2") {
			t.Errorf("error shows a secret value: %v", r.Err)
		}
	}
}

func TestGetManyCanceled(t *testing.T) {
	f := newKVFixture(t, 40, 50*time.Millisecond, keyvault.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(120*time.Millisecond, cancel)

	results := f.store.GetMany(ctx, f.names, 8)

	failed := 0
	for _, r := range results {
		if r.Err == nil {
			continue
		}
		failed++
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: got %v, want an error wrapping context.Canceled", r.Account.Name, r.Err)
		}
	}
	if failed == 0 {
		t.Errorf("every read succeeded, though the context ended after about 2 of 5 rounds")
	}
}

// fakeClock is a clock whose sleep advances it at once.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return ctx.Err()
}

// throttlingVault throttles every read with the given Retry-After header.
type throttlingVault struct {
	vault.Vault
	retryAfter string
	reads      atomic.Int32
}

func (v *throttlingVault) Get(ctx context.Context, name string) (vault.Secret, error) {
	v.reads.Add(1)
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
	if v.retryAfter != "" {
		resp.Header.Set("Retry-After", v.retryAfter)
	}
	return vault.Secret{}, fmt.Errorf("reading secret %q: %w: %w", name, keyvault.ErrThrottled, &azcore.ResponseError{StatusCode: resp.StatusCode, RawResponse: resp})
}

func (v *throttlingVault) String() string { return "throttling vault" }

func TestGetManyThrottleGivesUp(t *testing.T) {
	tests := []struct {
		name       string
		retryAfter string
		deadline   time.Duration
		wantSleeps []time.Duration
	}{
		{"retry-after each time", "2", 0, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}},
		{"no retry-after doubles", "", 0, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"pause beyond the deadline", "10", 5 * time.Second, nil},
		{"second pause beyond the deadline", "3", 5 * time.Second, []time.Duration{3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
			v := &throttlingVault{retryAfter: tt.retryAfter}
			r := manyReader{store: &Store{Vault: v}, now: clock.now, sleep: clock.sleep}
			ctx := context.Background()
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, clock.now().Add(tt.deadline))
				defer cancel()
			}

			results := r.getMany(ctx, []string{"acct-00"}, 1)

			if err := results[0].Err; !errors.Is(err, keyvault.ErrThrottled) {
				t.Errorf("got %v, want keyvault.ErrThrottled", err)
			}
			if got, want := int(v.reads.Load()), len(tt.wantSleeps)+1; got != want {
				t.Errorf("%d reads, want %d", got, want)
			}
			if fmt.Sprint(clock.sleeps) != fmt.Sprint(tt.wantSleeps) {
				t.Errorf("paused %v, want %v", clock.sleeps, tt.wantSleeps)
			}
		})
	}
}

func TestPauseGateMergesPauses(t *testing.T) {
	clock := &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := &pauseGate{now: clock.now}
	g.pause(3 * time.Second)
	g.pause(time.Second) // ends earlier: no change
	if err := g.wait(context.Background(), clock.sleep); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(clock.sleeps) != "[3s]" {
		t.Errorf("waited %v, want one pause of 3s", clock.sleeps)
	}

	clock.sleeps = nil
	if err := g.wait(context.Background(), clock.sleep); err != nil {
		t.Fatal(err)
	}
	if len(clock.sleeps) != 0 {
		t.Errorf("waited %v after the pause ended, want no wait", clock.sleeps)
	}
}

// BenchmarkGetMany reads 100 accounts from a fake Key Vault that answers
// each request after 20 ms, with 1, 8 and 16 workers.
func BenchmarkGetMany(b *testing.B) {
	for _, workers := range []int{1, 8, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			f := newKVFixture(b, 100, 20*time.Millisecond, keyvault.Options{})
			// One read first, so the challenge round trip is not measured.
			f.store.GetMany(context.Background(), f.names[:1], 1)
			f.srv.ResetRequests()

			runs := 0
			for b.Loop() {
				for _, r := range f.store.GetMany(context.Background(), f.names, workers) {
					if r.Err != nil {
						b.Fatal(r.Err)
					}
				}
				runs++
			}
			b.ReportMetric(float64(len(f.srv.Requests()))/float64(runs), "requests/op")
		})
	}
}
