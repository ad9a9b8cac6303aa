package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
)

// ErrExists reports that a different account already has the name.
var ErrExists = errors.New("already exists")

// AddRequest is one account to add.
type AddRequest struct {
	// Name is the secret name; empty means DeriveName(issuer, account).
	Name string
	Key  totp.Key
	// Source names where the key came from ("qr.png", "argument 2") for
	// messages.
	Source string
}

// AddOptions controls Add. The zero value adds new accounts and skips the
// ones already stored.
type AddOptions struct {
	// Workers is how many existing accounts Add reads at once to compare
	// them with the requests; zero means DefaultWorkers.
	Workers int
	// Force replaces an existing account with a different key (as a new
	// version of its secret) and recovers a soft-deleted one before writing.
	Force bool
	// DryRun checks everything and writes nothing.
	DryRun bool
}

// Status is the outcome of one request to Add.
type Status int

const (
	// Failed means the account was not stored, and AddResult.Err gives the reason.
	Failed Status = iota
	// Added means a new account was stored (or would be, with DryRun).
	Added
	// Replaced means an existing account got the new key (or would, with
	// DryRun).
	Replaced
	// Unchanged means the same key was already stored under the name.
	Unchanged
)

// AddResult is the outcome of one AddRequest.
type AddResult struct {
	Name    string
	Account Account
	Source  string
	Status  Status
	Err     error
	// Note is a remark on the outcome, such as the existing name that
	// differs only in case.
	Note string
}

// Add stores each request's key, never overwriting a different account
// unless opts.Force is set, and returns one result per request, in order.
// A failure of one request does not stop the others; accounts stored before
// a failure stay stored.
func (s *Store) Add(ctx context.Context, reqs []AddRequest, opts AddOptions) []AddResult {
	results := make([]AddResult, len(reqs))
	var toCheck []int // indexes of results to compare with the vault
	seen := map[string]int{}

	for i, req := range reqs {
		r := &results[i]
		r.Source = req.Source
		r.Name = req.Name
		if r.Name == "" {
			r.Name = DeriveName(req.Key.Issuer, req.Key.Account)
		}
		r.Account = FromKey(r.Name, req.Key)
		if err := CheckName(r.Name); err != nil {
			r.Err = err
			continue
		}

		if j, ok := seen[strings.ToLower(r.Name)]; ok {
			if sameKey(reqs[j].Key, req.Key) {
				r.Status = Unchanged
				r.Note = "given twice"
				continue
			}
			r.Err = hint.Wrap(fmt.Errorf("account %q: another account in this batch has the same name", r.Name),
				"add this one on its own with --name NAME")
			continue
		}
		seen[strings.ToLower(r.Name)] = i
		toCheck = append(toCheck, i)
	}

	s.checkAll(ctx, reqs, results, toCheck, opts)
	var pending []int // indexes of results to write
	for _, i := range toCheck {
		r := &results[i]
		if r.Err != nil {
			r.Status = Failed
		}
		if r.Err == nil && r.Status != Unchanged {
			pending = append(pending, i)
		}
	}

	if opts.DryRun || len(pending) == 0 {
		return results
	}
	s.write(ctx, reqs, results, pending, opts)
	return results
}

// checkAll runs checkExisting for the results at indexes, opts.Workers at a
// time, since each check is one read of the vault.
func (s *Store) checkAll(ctx context.Context, reqs []AddRequest, results []AddResult, indexes []int, opts AddOptions) {
	workers := opts.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for _, i := range indexes {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			s.checkExisting(ctx, &results[i], reqs[i].Key, opts)
		}()
	}
	wg.Wait()
}

// checkExisting sets r.Status to what writing key under r.Name would do, or
// r.Err when it must not be written.
func (s *Store) checkExisting(ctx context.Context, r *AddResult, key totp.Key, opts AddOptions) {
	r.Status = Added
	secret, err := s.Vault.Get(ctx, r.Name)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return
	case errors.Is(err, vault.ErrDeleted):
		// Key Vault returns 404 for a deleted secret and reports the
		// deletion only on a write; the local vault reports it at once. Either way, Force
		// recovers it before writing.
		if !opts.Force {
			r.Err = s.writeError(r.Name, err)
		}
		return
	case errors.Is(err, vault.ErrDisabled):
		r.Err = hint.Wrap(fmt.Errorf("account %q: a disabled secret has this name in %s", r.Name, s.Vault),
			"choose another name with --name NAME")
		return
	case err != nil:
		r.Err = fmt.Errorf("checking whether %q exists in %s: %w", r.Name, s.Vault, err)
		return
	}

	if secret.Name != r.Name {
		r.Note = fmt.Sprintf("names are not case-sensitive: stored as %q", secret.Name)
		r.Name = secret.Name
		r.Account.Name = secret.Name
	}
	if _, ok := FromProperties(secret.Properties); !ok {
		r.Err = hint.Wrap(fmt.Errorf("secret %q already exists in %s and is not a totp account", r.Name, s.Vault),
			"choose another name with --name NAME; totp never changes other secrets")
		return
	}
	old, err := KeyFromSecret(secret)
	if err == nil && sameKey(old, key) {
		r.Status = Unchanged
		return
	}
	if !opts.Force {
		r.Err = hint.Wrap(fmt.Errorf("account %q %w in %s with a different key", r.Name, ErrExists, s.Vault),
			"use --force to replace it (the old key stays as an earlier version), or --name to add it under another name")
		return
	}
	r.Status = Replaced
}

// write stores the pending requests, in one batch where the vault supports it.
func (s *Store) write(ctx context.Context, reqs []AddRequest, results []AddResult, pending []int, opts AddOptions) {
	secrets := make([]vault.Secret, len(pending))
	for k, i := range pending {
		secrets[k] = ToSecret(results[i].Name, reqs[i].Key)
	}

	errs := make([]error, len(pending))
	if b, ok := s.Vault.(vault.Batcher); ok && len(pending) > 1 {
		var err error
		errs, err = b.SetMany(ctx, secrets)
		if err != nil {
			for k := range errs {
				errs[k] = err
			}
		}
	} else {
		for k := range pending {
			_, errs[k] = s.Vault.Set(ctx, secrets[k])
		}
	}

	for k, i := range pending {
		err := errs[k]
		if errors.Is(err, vault.ErrDeleted) && opts.Force {
			err = s.recoverAndSet(ctx, secrets[k])
		}
		if err != nil {
			results[i].Status = Failed
			results[i].Err = s.writeError(results[i].Name, err)
			continue
		}
		s.remember(results[i].Account)
	}
}

func (s *Store) recoverAndSet(ctx context.Context, secret vault.Secret) error {
	if _, err := s.Vault.Recover(ctx, secret.Name); err != nil {
		return fmt.Errorf("recovering: %w", err)
	}
	_, err := s.Vault.Set(ctx, secret)
	return err
}

func (s *Store) writeError(name string, err error) error {
	if errors.Is(err, vault.ErrDeleted) {
		return hint.Wrap(fmt.Errorf("account %q is deleted in %s but can be recovered", name, s.Vault),
			fmt.Sprintf("run 'totp recover %s' to get it back, or add again with --force to recover it and store the new key", name))
	}
	return fmt.Errorf("storing account %q in %s: %w", name, s.Vault, err)
}

// sameKey reports whether a and b give the same codes and labels. An HOTP
// counter is not compared, since it moves with use.
func sameKey(a, b totp.Key) bool {
	a.Counter, b.Counter = 0, 0
	return a.Equal(b)
}
