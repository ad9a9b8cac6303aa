package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault"
)

// DefaultWorkers is how many reads GetMany runs at once when its workers
// argument is zero or negative.
const DefaultWorkers = 8

// maxThrottleRetries is how many times GetMany reads one account again after
// the vault throttled the read.
const maxThrottleRetries = 3

// defaultThrottlePause is the pause after a throttling error that carries no
// Retry-After. It doubles with each retry of the same account.
const defaultThrottlePause = time.Second

// Result is the outcome of reading one account: its account and key, or the
// error that reading it returned. After an error, Account holds only the
// name that was read.
type Result struct {
	Account Account
	Key     totp.Key
	Err     error
}

// GetMany reads the accounts stored under names, at most workers at a time
// (DefaultWorkers when workers is zero or negative), and returns one Result
// for each name, in the order of names. Reads that fail leave their error in
// their Result and do not stop the others. The store's vault is called from
// several goroutines at once, which both backends allow.
//
// When the vault throttles a read (keyvault.ErrThrottled), every worker
// pauses: none starts a read until the Retry-After of that response has
// passed, and the throttled account is then read again, up to 3 times. The
// pauses of several workers merge into one that ends at the latest
// Retry-After. Without a Retry-After the pause is 1s, doubling with each
// retry. A pause that would outlast ctx's deadline is not waited, and the
// read keeps its throttling error.
//
// The Key Vault backend already does most of this for each request. azcore
// waits a 429's Retry-After before retrying that request, up to
// keyvault.Options.MaxRetries times. The backend's throttle gate holds every
// other request of the same client for that time too, so the whole pool
// pauses at the first 429. GetMany's own pause applies only once those
// retries are spent (ErrThrottled), and to backends without such a gate.
func (s *Store) GetMany(ctx context.Context, names []string, workers int) []Result {
	return s.manyReader().getMany(ctx, names, workers)
}

// manyReader runs GetMany with its clock as a parameter, for tests.
type manyReader struct {
	store *Store
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// manyReader returns the reader of GetMany and ReadMatching, on the real
// clock.
func (s *Store) manyReader() manyReader {
	return manyReader{store: s, now: time.Now, sleep: sleep}
}

func (r manyReader) getMany(ctx context.Context, names []string, workers int) []Result {
	p := newPool(r, workers)
	for _, name := range names {
		p.read(ctx, name)
	}
	p.wait()

	results := make([]Result, len(names))
	for i, name := range names {
		results[i] = p.result(name)
	}
	return results
}

// read reads one account, waiting out the pool's pause before each attempt
// and pausing the pool when the vault throttles the read.
func (r manyReader) read(ctx context.Context, g *pauseGate, name string) Result {
	for attempt := 0; ; attempt++ {
		if err := g.wait(ctx, r.sleep); err != nil {
			return Result{Account: Account{Name: name}, Err: fmt.Errorf("reading account %q from %s: %w", name, r.store.Vault, err)}
		}

		a, key, err := r.store.Get(ctx, name)
		if err == nil {
			return Result{Account: a, Key: key}
		}

		pause, throttled := throttlePause(err, r.now())
		if !throttled || attempt == maxThrottleRetries {
			return Result{Account: Account{Name: name}, Err: err}
		}
		if pause <= 0 {
			pause = defaultThrottlePause << attempt
		}
		if deadline, ok := ctx.Deadline(); ok && r.now().Add(pause).After(deadline) {
			return Result{Account: Account{Name: name}, Err: err}
		}
		g.pause(pause)
	}
}

// pool reads accounts as their names become known, at most workers at a
// time, each name once, and keeps the results by name. Its reads share one
// pause when the vault throttles, as GetMany describes. GetMany gives it
// every name at once, and ReadMatching one list page at a time.
type pool struct {
	r    manyReader
	gate *pauseGate
	// slots contains a token for each read in progress.
	slots chan struct{}
	wg    sync.WaitGroup

	mu      sync.Mutex
	results map[string]Result // by lower-case name; absent while reading
	started map[string]bool
}

func newPool(r manyReader, workers int) *pool {
	if workers <= 0 {
		workers = DefaultWorkers
	}
	return &pool{
		r:       r,
		gate:    &pauseGate{now: r.now},
		slots:   make(chan struct{}, workers),
		results: map[string]Result{},
		started: map[string]bool{},
	}
}

// read starts reading name unless it was started before. It does not wait.
func (p *pool) read(ctx context.Context, name string) {
	key := strings.ToLower(name)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started[key] {
		return
	}
	p.started[key] = true
	p.wg.Go(func() {
		var r Result
		select {
		case p.slots <- struct{}{}:
			r = p.r.read(ctx, p.gate, name)
			<-p.slots
		case <-ctx.Done():
			r = Result{Account: Account{Name: name}, Err: fmt.Errorf("reading account %q from %s: %w", name, p.r.store.Vault, ctx.Err())}
		}
		p.mu.Lock()
		p.results[key] = r
		p.mu.Unlock()
	})
}

// wait returns when every read started so far has ended.
func (p *pool) wait() { p.wg.Wait() }

// result returns the result of reading name, after wait.
func (p *pool) result(name string) Result {
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.results[strings.ToLower(name)]
	if !ok {
		return Result{Account: Account{Name: name}, Err: fmt.Errorf("account %q in %s: %w", name, p.r.store.Vault, vault.ErrNotFound)}
	}
	return r
}

// pauseGate holds every worker of one GetMany until a shared time.
type pauseGate struct {
	now func() time.Time

	mu    sync.Mutex
	until time.Time
}

// pause keeps the gate closed for at least d from now. A pause that ends
// earlier than the current one changes nothing.
func (g *pauseGate) pause(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if end := g.now().Add(d); end.After(g.until) {
		g.until = end
	}
}

// wait returns when the gate is open, or with ctx's error. It checks again
// after each sleep because another worker may have extended the pause.
func (g *pauseGate) wait(ctx context.Context, sleep func(context.Context, time.Duration) error) error {
	for {
		g.mu.Lock()
		d := g.until.Sub(g.now())
		g.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// throttlePause reports whether err is the vault throttling a request, and
// returns the wait that the response requested, or zero when it has none.
func throttlePause(err error, now time.Time) (time.Duration, bool) {
	if !errors.Is(err, keyvault.ErrThrottled) {
		return 0, false
	}
	var respErr *azcore.ResponseError
	if errors.As(err, &respErr) && respErr.RawResponse != nil {
		return keyvault.RetryAfter(respErr.RawResponse.Header, now), true
	}
	return 0, true
}
