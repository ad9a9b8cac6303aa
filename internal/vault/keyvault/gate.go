package keyvault

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// The two gates below hold requests back for the whole client, so that
// callers running many requests at once (account.Store.GetMany, watch,
// export) behave as one polite client.

// challengeGate lets a new client's first request go alone. The SDK learns
// the vault's tenant and token scope from the 401 challenge returned for an
// unauthenticated request, and until it has one, every request it sends is
// unauthenticated. Without the gate, 8 parallel reads from a new client cost
// 8 challenge round trips. With it they cost one, because the other reads
// wait until the first request carries a token.
//
// Its wait method is a per-call policy, so waiting requests have not reached
// the SDK's challenge policy yet; its observe method is a per-retry policy,
// placed after the challenge policy, which sees the first request carry a
// token.
type challengeGate struct {
	started atomic.Bool
	ready   chan struct{}
	once    sync.Once
}

func newChallengeGate() *challengeGate {
	return &challengeGate{ready: make(chan struct{})}
}

// open releases the waiting requests. It is safe to call more than once.
func (g *challengeGate) open() { g.once.Do(func() { close(g.ready) }) }

// wait is the per-call policy. The first request passes and opens the gate
// when it ends, whatever its outcome, so that a failure does not hold the
// others: they then fail, or succeed, on their own.
func (g *challengeGate) wait() policy.Policy {
	return policyFunc(func(req *policy.Request) (*http.Response, error) {
		if g.started.CompareAndSwap(false, true) {
			defer g.open()
			return req.Next()
		}
		select {
		case <-g.ready:
		case <-req.Raw().Context().Done():
			return nil, req.Raw().Context().Err()
		}
		return req.Next()
	})
}

// observe is the per-retry policy: a request that carries a token means the
// challenge is known, so the other requests can go.
func (g *challengeGate) observe() policy.Policy {
	return policyFunc(func(req *policy.Request) (*http.Response, error) {
		if req.Raw().Header.Get("Authorization") != "" {
			g.open()
		}
		return req.Next()
	})
}

// throttleGate pauses every request of the client when one of them is
// throttled. azcore's retry policy already waits a 429's Retry-After before
// it retries that one request. The gate makes the client's other requests
// wait for the same time, so they are not each throttled in turn.
//
// A pause longer than maxWait, or one that would end after the request's
// deadline, is not waited: the request goes at once and gets its own answer,
// as azcore gives up at once on a Retry-After longer than its MaxRetryDelay.
type throttleGate struct {
	now     func() time.Time
	maxWait time.Duration

	mu    sync.Mutex
	until time.Time
}

func (g *throttleGate) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	for {
		g.mu.Lock()
		d := g.until.Sub(g.now())
		g.mu.Unlock()
		if d <= 0 || d > g.maxWait {
			break
		}
		if deadline, ok := ctx.Deadline(); ok && g.now().Add(d).After(deadline) {
			break
		}
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
		// Another request may have extended the pause meanwhile.
	}

	resp, err := req.Next()
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		g.pause(RetryAfter(resp.Header, g.now()))
	}
	return resp, err
}

// pause keeps the gate closed for d from now, unless it already stays closed
// longer.
func (g *throttleGate) pause(d time.Duration) {
	if d <= 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if end := g.now().Add(d); end.After(g.until) {
		g.until = end
	}
}

// RetryAfter returns the wait that a response's headers request:
// retry-after-ms or x-ms-retry-after-ms in milliseconds, else Retry-After in
// seconds or as an HTTP date (RFC 9110). It returns zero when none of them
// has a valid value, as azcore's retry policy does.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	for _, name := range []string{"retry-after-ms", "x-ms-retry-after-ms"} {
		if ms, err := strconv.Atoi(h.Get(name)); err == nil && ms > 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}

	value := h.Get("Retry-After")
	if seconds, err := strconv.Atoi(value); err == nil {
		return max(0, time.Duration(seconds)*time.Second)
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(0, at.Sub(now))
	}
	return 0
}

// policyFunc turns a function into a policy.Policy.
type policyFunc func(*policy.Request) (*http.Response, error)

func (f policyFunc) Do(req *policy.Request) (*http.Response, error) { return f(req) }
