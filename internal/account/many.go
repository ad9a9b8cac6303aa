package account

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/totp-cli/totp/internal/totp"
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
// The Key Vault backend already does most of this for each request: azcore
// waits a 429's Retry-After before retrying that request, up to
// keyvault.Options.MaxRetries times, and the backend's throttle gate holds
// every other request of the same client for that time too, so the whole
// pool pauses at the first 429. GetMany's own pause applies only once those
// retries are spent (ErrThrottled), and to backends without such a gate.
func (s *Store) GetMany(ctx context.Context, names []string, workers int) []Result {
	r := manyReader{store: s, now: time.Now, sleep: sleep}
	return r.getMany(ctx, names, workers)
}

// manyReader runs GetMany with its clock as a parameter, for tests.
type manyReader struct {
	store *Store
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func (r manyReader) getMany(ctx context.Context, names []string, workers int) []Result {
	results := make([]Result, len(names))
	if len(names) == 0 {
		return results
	}
	if workers <= 0 {
		workers = DefaultWorkers
	}
	workers = min(workers, len(names))

	g := &pauseGate{now: r.now}
	indexes := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range indexes {
				results[i] = r.read(ctx, g, names[i])
			}
		})
	}
	for i := range names {
		indexes <- i
	}
	close(indexes)
	wg.Wait()
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
