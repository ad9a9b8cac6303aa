package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/totp-cli/totp/internal/vault"
)

// ReadMatching lists the accounts that match filter, as List does, and reads
// the keys of the enabled ones, workers at a time, as GetMany does. It
// returns one Result for each listed account, in List's order; a disabled
// account's Result contains its listed Account and an error wrapping
// vault.ErrDisabled.
//
// It does not wait for the listing to end before it reads. Key Vault lists
// 25 accounts per request, one request after another, so ReadMatching reads
// the accounts of each page while the next page is on its way. When the name
// cache contains the vault's accounts, it starts reading the cached accounts
// that match filter at once, before the first page arrives. The listing
// stays the authority: a read of an account that it does not list is
// dropped, and a listed account whose early read found no account is read
// again.
func (s *Store) ReadMatching(ctx context.Context, filter string, workers int) ([]Result, error) {
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := newPool(manyReader{store: s, now: time.Now, sleep: sleep}, workers)
	for _, name := range s.cachedMatches(filter) {
		p.read(readCtx, name)
	}
	accounts, err := s.list(ctx, filter, func(page []Account) {
		for _, a := range page {
			if a.Enabled {
				p.read(readCtx, a.Name)
			}
		}
	})
	if err != nil {
		cancel()
		p.wait()
		return nil, err
	}
	p.wait()

	results := make([]Result, len(accounts))
	var again []int
	for i, a := range accounts {
		if !a.Enabled {
			results[i] = Result{Account: a, Err: fmt.Errorf("account %q in %s is %w", a.Name, s.Vault, vault.ErrDisabled)}
			continue
		}
		r := p.result(a.Name)
		switch {
		case errors.Is(r.Err, vault.ErrNotFound) || errors.Is(r.Err, errNotAccount):
			// The early read, of a cached name, came before this account
			// was created or replaced a secret that was not an account.
			again = append(again, i)
		case r.Err != nil:
			results[i] = Result{Account: a, Err: r.Err}
		default:
			results[i] = r
		}
	}
	if len(again) > 0 {
		names := make([]string, len(again))
		for j, i := range again {
			names[j] = accounts[i].Name
		}
		for j, r := range s.GetMany(ctx, names, workers) {
			if r.Err != nil {
				r.Account = accounts[again[j]]
			}
			results[again[j]] = r
		}
	}
	return results, nil
}

// cachedMatches returns the names of the cached accounts whose name or
// issuer matches filter, or nil when there is no name cache. The cache has
// no user names, so an account that matches filter only by its user name is
// read once its list page arrives.
func (s *Store) cachedMatches(filter string) []string {
	if s.Names == nil {
		return nil
	}
	var names []string
	for _, e := range s.Names.Entries() {
		a := Account{Name: e.Name, Issuer: e.Issuer}
		if a.Matches(filter) {
			names = append(names, e.Name)
		}
	}
	return names
}

// pool reads accounts as their names become known, at most workers at a
// time, each name once, and keeps the results by name. Its workers share
// one pause when the vault throttles, as GetMany's do.
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
