package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/vault"
)

// getAccount reads the secret name and checks that it is a totp account, so
// that no other secret in a shared vault is ever changed.
func (s *Store) getAccount(ctx context.Context, name string) (Account, vault.Secret, error) {
	secret, err := s.Vault.Get(ctx, name)
	if err != nil {
		err = fmt.Errorf("reading account %q from %s: %w", name, s.Vault, err)
		if errors.Is(err, vault.ErrNotFound) {
			err = hint.Wrap(err, "run 'totp list' to see the names, or 'totp recover NAME' for a deleted one")
		}
		return Account{}, vault.Secret{}, err
	}
	a, ok := FromProperties(secret.Properties)
	if !ok {
		return Account{}, vault.Secret{}, fmt.Errorf("secret %q in %s is %w; totp leaves it alone", secret.Name, s.Vault, errNotAccount)
	}
	return a, secret, nil
}

// Remove soft-deletes the account name. It can be recovered until the
// returned DeletedSecret's PurgeOn.
func (s *Store) Remove(ctx context.Context, name string) (Account, vault.DeletedSecret, error) {
	a, _, err := s.getAccount(ctx, name)
	if err != nil {
		return Account{}, vault.DeletedSecret{}, err
	}
	d, err := s.Vault.Delete(ctx, a.Name)
	if err != nil {
		return Account{}, vault.DeletedSecret{}, fmt.Errorf("deleting account %q from %s: %w", a.Name, s.Vault, err)
	}
	s.forget(a.Name)
	return a, d, nil
}

// Purge removes the soft-deleted account name for good. Deletion in Key
// Vault completes in the background, so Purge waits, within ctx, for the
// deleted secret to appear first.
func (s *Store) Purge(ctx context.Context, name string) error {
	delay := 100 * time.Millisecond
	for {
		_, err := s.Vault.GetDeleted(ctx, name)
		if err == nil {
			break
		}
		if !errors.Is(err, vault.ErrNotFound) {
			return fmt.Errorf("purging account %q from %s: %w", name, s.Vault, err)
		}
		if err := sleep(ctx, delay); err != nil {
			return fmt.Errorf("purging account %q from %s: waiting for the deletion to finish: %w", name, s.Vault, err)
		}
		delay = min(2*delay, 2*time.Second)
	}
	if err := s.Vault.Purge(ctx, name); err != nil {
		return fmt.Errorf("purging account %q from %s: %w", name, s.Vault, err)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Recover restores the soft-deleted account name.
func (s *Store) Recover(ctx context.Context, name string) (Account, error) {
	d, err := s.Vault.GetDeleted(ctx, name)
	if err != nil {
		err = fmt.Errorf("recovering account %q in %s: %w", name, s.Vault, err)
		if errors.Is(err, vault.ErrNotFound) {
			err = hint.Wrap(err, "only a deleted account that has not been purged can be recovered")
		}
		return Account{}, err
	}
	p, err := s.Vault.Recover(ctx, d.Name)
	if err != nil {
		return Account{}, fmt.Errorf("recovering account %q in %s: %w", name, s.Vault, err)
	}
	a, ok := FromProperties(p)
	if !ok {
		// Recovered all the same: the secret was deleted, and restoring it
		// changes nothing but its deleted state.
		a = Account{Name: p.Name, Enabled: p.Enabled}
	}
	s.remember(a)
	return a, nil
}

// Rename stores the account oldName under newName, then soft-deletes
// oldName. The new secret is written first, so an interruption leaves two
// copies of the account and never none.
func (s *Store) Rename(ctx context.Context, oldName, newName string) (Account, vault.DeletedSecret, error) {
	if err := CheckName(newName); err != nil {
		return Account{}, vault.DeletedSecret{}, err
	}
	a, secret, err := s.getAccount(ctx, oldName)
	if err != nil {
		return Account{}, vault.DeletedSecret{}, err
	}
	if strings.EqualFold(a.Name, newName) && a.Name != newName {
		return Account{}, vault.DeletedSecret{}, fmt.Errorf("cannot rename %q to %q: names are not case-sensitive", a.Name, newName)
	}

	existing, err := s.Vault.Get(ctx, newName)
	switch {
	case err == nil:
		return Account{}, vault.DeletedSecret{}, hint.Wrap(
			fmt.Errorf("cannot rename %q to %q: %q already exists in %s", a.Name, newName, existing.Name, s.Vault),
			"choose another name, or remove the other account first with 'totp rm'")
	case !errors.Is(err, vault.ErrNotFound):
		return Account{}, vault.DeletedSecret{}, fmt.Errorf("checking whether %q exists in %s: %w", newName, s.Vault, err)
	}

	renamed := secret
	renamed.Name = newName
	if _, err := s.Vault.Set(ctx, renamed); err != nil {
		if errors.Is(err, vault.ErrDeleted) {
			return Account{}, vault.DeletedSecret{}, hint.Wrap(
				fmt.Errorf("cannot rename %q to %q: a deleted account has that name in %s", a.Name, newName, s.Vault),
				fmt.Sprintf("purge it with 'totp rm --purge %s' after recovering it, or choose another name", newName))
		}
		return Account{}, vault.DeletedSecret{}, fmt.Errorf("writing %q in %s: %w", newName, s.Vault, err)
	}
	renamedAccount := a
	renamedAccount.Name = newName
	s.remember(renamedAccount)

	d, err := s.Vault.Delete(ctx, a.Name)
	if err != nil {
		return Account{}, vault.DeletedSecret{}, hint.Wrap(
			fmt.Errorf("%q was written, but deleting %q failed, so both exist: %w", newName, a.Name, err),
			fmt.Sprintf("run 'totp rm %s' to finish the rename", a.Name))
	}
	s.forget(a.Name)
	return renamedAccount, d, nil
}
