package account

import (
	"context"
	"errors"
	"fmt"

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
	p := newPool(s.manyReader(), workers)
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
