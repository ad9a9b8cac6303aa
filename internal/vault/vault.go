// Package vault defines the storage interface that every totp backend
// implements: a flat set of named secrets, each with a string value, a content
// type, tags, versions and soft delete.
//
// The model is Azure Key Vault's secrets, so the Key Vault backend maps onto it
// one to one and the local file backend behaves the same way: names are
// case-insensitive, every Set creates a new version, and Delete is a soft
// delete that Recover undoes until the deleted secret is purged.
package vault

import (
	"context"
	"errors"
	"time"
)

// Errors that backends wrap (with %w) so that callers can tell the common
// cases apart without knowing which backend they talk to.
var (
	// ErrNotFound reports that no secret, or no deleted secret, has the name.
	ErrNotFound = errors.New("not found")
	// ErrDeleted reports that the name belongs to a soft-deleted secret, so it
	// can neither be read nor written until it is recovered or purged.
	ErrDeleted = errors.New("deleted but recoverable")
	// ErrDisabled reports that the secret exists but is disabled, so its value
	// cannot be read.
	ErrDisabled = errors.New("disabled")
)

// Properties describes a secret without its value. Listing returns only
// properties, so a listing never reads a value.
type Properties struct {
	Name        string
	Version     string
	ContentType string
	// Tags holds at most 15 entries, as in Key Vault. Callers never put a
	// secret in a tag.
	Tags    map[string]string
	Enabled bool
	Created time.Time
	Updated time.Time
}

// Secret is a secret with its value.
type Secret struct {
	Properties
	Value string
}

// DeletedSecret describes a soft-deleted secret.
type DeletedSecret struct {
	Name      string
	DeletedOn time.Time
	// PurgeOn is when the vault purges the secret for good. It is zero when
	// the vault does not say.
	PurgeOn time.Time
	// RecoveryLevel is Key Vault's deletion recovery level, such as
	// "Recoverable+Purgeable"; the local vault reports "Recoverable+Purgeable".
	RecoveryLevel string
}

// Vault is a store of named secrets. Names match ^[0-9a-zA-Z-]{1,127}$ and
// are compared without regard to case. Implementations are safe for use by
// one goroutine at a time unless they say otherwise.
type Vault interface {
	// List returns the properties of every enabled or disabled secret that is
	// not deleted. It never reads a value.
	List(ctx context.Context) ([]Properties, error)

	// Get returns the latest version of the named secret: ErrNotFound when
	// there is none, ErrDisabled when it is disabled.
	Get(ctx context.Context, name string) (Secret, error)

	// Set stores s.Value, s.ContentType and s.Tags as a new version of the
	// secret s.Name, creating the secret when it does not exist. It returns
	// ErrDeleted when the name belongs to a soft-deleted secret.
	Set(ctx context.Context, s Secret) (Properties, error)

	// Delete soft-deletes the named secret with all its versions.
	Delete(ctx context.Context, name string) (DeletedSecret, error)

	// GetDeleted returns the named soft-deleted secret, or ErrNotFound.
	GetDeleted(ctx context.Context, name string) (DeletedSecret, error)

	// Recover restores the named soft-deleted secret and returns the
	// properties of its latest version.
	Recover(ctx context.Context, name string) (Properties, error)

	// Purge removes the named soft-deleted secret for good.
	Purge(ctx context.Context, name string) error

	// String names the vault for messages, such as
	// "key vault https://myvault.vault.azure.net/" or
	// "local vault /home/me/.local/share/totp/vault.age".
	String() string
}

// Batcher is implemented by vaults where one write of many secrets costs much
// less than many writes of one, such as the local vault, which re-encrypts the
// whole file on each write. SetMany stores each secret as Set would and
// returns one error for each secret (nil where it was stored); either all
// secrets that got a nil error were stored or the call returns a non-nil
// error of its own.
type Batcher interface {
	SetMany(ctx context.Context, secrets []Secret) ([]error, error)
}

// PageLister is implemented by vaults that list secrets in pages, one
// request each, such as Key Vault. ListPages returns what List returns, page
// by page: it calls page with each page's properties as the page arrives,
// in order, so a caller can start work on the first secrets while later
// pages are still on their way. An error from page stops the listing, and
// ListPages returns it.
type PageLister interface {
	ListPages(ctx context.Context, page func([]Properties) error) error
}
