package account

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/namecache"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
)

// ErrNoMatch reports that no account matches a name or filter.
var ErrNoMatch = errors.New("no account matches")

// AmbiguousError reports that a filter matches several accounts, so none was
// picked.
type AmbiguousError struct {
	Filter  string
	Matches []Account
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q matches %d accounts:", e.Filter, len(e.Matches))
	for i, m := range e.Matches {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s", m.Name)
		if l := m.Label(); l != "" {
			fmt.Fprintf(&b, " [%s]", l)
		}
	}
	return b.String()
}

// Store reads and writes accounts in a vault.
type Store struct {
	Vault vault.Vault
	// Names, when not nil, caches the vault's account names so that Find
	// can skip reading a filter as an exact name. Listing refreshes it and
	// writes keep it current; errors writing it are ignored, since it is
	// only a hint.
	Names *namecache.Cache
}

// List returns the accounts whose name, issuer or account contains filter,
// ignoring case, sorted by name. An empty filter matches every account. It
// reads only secret properties, never a value.
func (s *Store) List(ctx context.Context, filter string) ([]Account, error) {
	return s.list(ctx, filter, nil)
}

// list is List that also calls onPage, when not nil, with the matching
// accounts of each list page as it arrives, before the listing ends. A vault
// that is not a vault.PageLister has a single page.
func (s *Store) list(ctx context.Context, filter string, onPage func([]Account)) ([]Account, error) {
	var accounts []Account
	var entries []namecache.Entry
	add := func(props []vault.Properties) error {
		var page []Account
		for _, p := range props {
			a, ok := FromProperties(p)
			if !ok {
				continue
			}
			entries = append(entries, namecache.Entry{Name: a.Name, Issuer: a.Issuer})
			if a.Matches(filter) {
				page = append(page, a)
			}
		}
		accounts = append(accounts, page...)
		if onPage != nil && len(page) > 0 {
			onPage(page)
		}
		return nil
	}

	var err error
	if pl, ok := s.Vault.(vault.PageLister); ok {
		err = pl.ListPages(ctx, add)
	} else {
		var props []vault.Properties
		if props, err = s.Vault.List(ctx); err == nil {
			err = add(props)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("listing accounts in %s: %w", s.Vault, err)
	}

	if s.Names != nil {
		_ = s.Names.Replace(entries)
	}
	sort.Slice(accounts, func(i, j int) bool {
		return strings.ToLower(accounts[i].Name) < strings.ToLower(accounts[j].Name)
	})
	return accounts, nil
}

// Matches reports whether the account's name, issuer or account contains
// filter, ignoring case.
func (a Account) Matches(filter string) bool {
	if filter == "" {
		return true
	}
	f := strings.ToLower(filter)
	for _, field := range []string{a.Name, a.Issuer, a.Account} {
		if strings.Contains(strings.ToLower(field), f) {
			return true
		}
	}
	return false
}

// Find returns the account that query names or matches, with its key.
//
// A query that is a valid secret name is first read directly, with no
// listing, unless the name cache lists the vault's names and query is not
// among them. Otherwise, or when no totp account has that name, the query
// filters the list: an account named exactly query wins, one match is read,
// several are an *AmbiguousError and none is ErrNoMatch.
func (s *Store) Find(ctx context.Context, query string) (Account, totp.Key, error) {
	direct := ValidName(query)
	if direct && s.Names != nil {
		if known, ok := s.Names.Known(query); ok && !known {
			direct = false
		}
	}
	if direct {
		a, key, err := s.Get(ctx, query)
		switch {
		case err == nil:
			return a, key, nil
		case !errors.Is(err, vault.ErrNotFound) && !errors.Is(err, errNotAccount):
			return Account{}, totp.Key{}, err
		}
	}

	matches, err := s.List(ctx, query)
	if err != nil {
		return Account{}, totp.Key{}, err
	}
	for _, m := range matches {
		if !direct && strings.EqualFold(m.Name, query) {
			return s.Get(ctx, m.Name)
		}
	}
	switch len(matches) {
	case 0:
		return Account{}, totp.Key{}, hint.Wrap(
			fmt.Errorf("%w %q in %s", ErrNoMatch, query, s.Vault),
			"run 'totp list' to see the accounts")
	case 1:
		return s.Get(ctx, matches[0].Name)
	}
	return Account{}, totp.Key{}, hint.Wrap(
		&AmbiguousError{Filter: query, Matches: matches},
		"give the exact NAME from the first column of 'totp list'")
}

var errNotAccount = errors.New("not a totp account")

// Get reads the account stored under exactly name.
func (s *Store) Get(ctx context.Context, name string) (Account, totp.Key, error) {
	secret, err := s.Vault.Get(ctx, name)
	if err != nil {
		err = fmt.Errorf("reading account %q from %s: %w", name, s.Vault, err)
		if errors.Is(err, vault.ErrDeleted) {
			err = hint.Wrap(err, fmt.Sprintf("run 'totp recover %s' to get it back", name))
		}
		return Account{}, totp.Key{}, err
	}
	a, ok := FromProperties(secret.Properties)
	if !ok {
		return Account{}, totp.Key{}, fmt.Errorf("secret %q in %s is %w", secret.Name, s.Vault, errNotAccount)
	}
	key, err := KeyFromSecret(secret)
	if err != nil {
		return Account{}, totp.Key{}, err
	}
	return a, key, nil
}

// NextHOTP returns the code for an HOTP account's current counter after
// storing the key with the counter advanced, so that the next call gives the
// next code. The counter is saved before the code is returned: a code is
// never handed out twice, though one can be lost when the caller fails
// after the save.
func (s *Store) NextHOTP(ctx context.Context, a Account, key totp.Key) (string, error) {
	if key.Type != totp.HOTP {
		return "", fmt.Errorf("account %q is not an hotp account", a.Name)
	}
	code := key.CodeAt(key.Counter)

	next := key
	next.Counter++
	secret := ToSecret(a.Name, next)
	if a.Format == AzureSample {
		return "", fmt.Errorf("account %q: hotp is not supported in the azure functions sample format", a.Name)
	}
	if _, err := s.Vault.Set(ctx, secret); err != nil {
		return "", fmt.Errorf("saving the hotp counter of %q in %s: %w", a.Name, s.Vault, err)
	}
	return code, nil
}

// remember records name in the name cache, if there is one.
func (s *Store) remember(a Account) {
	if s.Names != nil {
		_ = s.Names.Put(namecache.Entry{Name: a.Name, Issuer: a.Issuer})
	}
}

// forget drops name from the name cache, if there is one.
func (s *Store) forget(name string) {
	if s.Names != nil {
		_ = s.Names.Remove(name)
	}
}
