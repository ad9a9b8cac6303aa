package keyvault

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

func TestParallelReadsShareOneChallenge(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	for i := range 16 {
		f.srv.Seed(fmt.Sprintf("acct-%d", i), accountValue, "", nil)
	}

	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range 16 {
		wg.Go(func() {
			_, errs[i] = f.v.Get(ctx, fmt.Sprintf("acct-%d", i))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Get acct-%d: %v", i, err)
		}
	}

	challenges := 0
	for _, r := range f.srv.Requests() {
		if !r.Authorized {
			challenges++
		}
	}
	if challenges != 1 {
		t.Errorf("16 parallel reads from a new client sent %d unauthenticated requests, want 1", challenges)
	}
	if n := len(f.authorized()); n != 16 {
		t.Errorf("sent %d authorized requests, want 16", n)
	}
	if n := f.azRuns(t); n != 1 {
		t.Errorf("az ran %d times, want 1", n)
	}
}

func TestChallengeGateFailureReleasesOthers(t *testing.T) {
	f := newFixture(t, fixtureConfig{az: kvfake.AzNotLoggedIn})
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() {
			_, errs[i] = f.v.Get(ctx, "github-alice")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Errorf("Get %d succeeded without a sign-in", i)
		}
	}
}

func TestThrottlePausesTheWholeClient(t *testing.T) {
	var mu sync.Mutex
	sent := map[string]time.Time{}
	f := newFixture(t, fixtureConfig{server: kvfake.Options{OnRequest: func(r kvfake.Request) {
		if !r.Authorized {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		key := fmt.Sprintf("%s %d", strings.TrimSuffix(r.Path, "/"), r.Status)
		if _, ok := sent[key]; !ok {
			sent[key] = time.Now()
		}
	}}})
	f.srv.Seed("first", accountValue, "", nil)
	f.srv.Seed("second", accountValue, "", nil)
	if _, err := f.v.Get(ctx, "first"); err != nil {
		t.Fatalf("warm-up Get: %v", err)
	}

	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets/first", Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1})
	throttled := make(chan struct{})
	go func() {
		defer close(throttled)
		if _, err := f.v.Get(ctx, "first"); err != nil {
			t.Errorf("Get first through one 429: %v", err)
		}
	}()
	// Start the second read once the first has been throttled.
	for {
		mu.Lock()
		_, ok := sent["/secrets/first 429"]
		mu.Unlock()
		if ok {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := f.v.Get(ctx, "second"); err != nil {
		t.Fatalf("Get second: %v", err)
	}
	<-throttled

	mu.Lock()
	defer mu.Unlock()
	gap := sent["/secrets/second 200"].Sub(sent["/secrets/first 429"])
	// The server responds after it records, so the lower bound holds however
	// slow the machine is.
	if gap < 900*time.Millisecond {
		t.Errorf("the second read reached the vault %s after the first was throttled with Retry-After: 1, want it held about 1s", gap)
	}
}

func TestThrottleLongPauseNotWaited(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("second", accountValue, "", nil)
	f.srv.Inject(kvfake.Fault{Method: http.MethodGet, PathPrefix: "/secrets/first", Status: http.StatusTooManyRequests, RetryAfter: "3600", Times: 1})
	if _, err := f.v.Get(ctx, "first"); err == nil {
		t.Fatal("Get first succeeded through a 429")
	}

	// An hour is beyond the 20s cap: azcore gave up on the first read at
	// once, and the second must not wait either.
	done := make(chan error, 1)
	go func() {
		_, err := f.v.Get(ctx, "second")
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Get second: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Get second still waits 30s after a Retry-After of an hour, want it sent at once")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{"zero", http.Header{"Retry-After": {"0"}}, 0},
		{"negative", http.Header{"Retry-After": {"-5"}}, 0},
		{"http date", http.Header{"Retry-After": {"Tue, 01 Jan 2030 00:00:07 GMT"}}, 7 * time.Second},
		{"http date in the past", http.Header{"Retry-After": {"Mon, 31 Dec 2029 23:59:00 GMT"}}, 0},
		{"garbage", http.Header{"Retry-After": {"soon"}}, 0},
		{"none", http.Header{}, 0},
		{"milliseconds", http.Header{"Retry-After-Ms": {"1500"}, "Retry-After": {"9"}}, 1500 * time.Millisecond},
		{"x-ms milliseconds", http.Header{"X-Ms-Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RetryAfter(tt.header, now); got != tt.want {
				t.Errorf("RetryAfter(%v) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}
