// Package local implements vault.Vault with one file on the local disk,
// encrypted at rest with age to a passphrase (age's scrypt recipient). It
// behaves like the Key Vault backend: names are case-insensitive and keep the
// case they were created with, every Set adds a version, and Delete is a soft
// delete that Recover undoes for 90 days.
//
// # File format
//
// The file is a standard age file, so `age --decrypt` opens it with the same
// passphrase. The plaintext is a JSON document:
//
//	{
//	  "format": "totp-vault",
//	  "version": 1,
//	  "secrets": [
//	    {
//	      "name": "github-alice",
//	      "versions": [
//	        {"id": "<32 hex digits>", "value": "...", "contentType": "...",
//	         "tags": {"issuer": "GitHub"}, "enabled": true,
//	         "created": "<RFC 3339>", "updated": "<RFC 3339>"}
//	      ],
//	      "deleted": {"deletedOn": "<RFC 3339>", "purgeOn": "<RFC 3339>"}
//	    }
//	  ]
//	}
//
// Versions are listed oldest first, and "deleted" is present only for a
// soft-deleted secret. Each secret keeps its 10 newest versions, so a Set that
// adds an eleventh drops the oldest. An HOTP account writes a version on every
// code, so its history is short. A soft-deleted secret whose purge date has
// passed is hidden at once and dropped from the file on the next write. A
// reader rejects a document of another format or version, or with a field it
// does not know, and never rewrites such a file.
//
// # Writing and locking
//
// Every write reads the file, changes the document and writes it again while
// holding an exclusive lock on PATH.lock (flock on Unix, LockFileEx on
// Windows), so concurrent totp processes never lose each other's changes.
// When PATH is a symbolic link, the link's target is written and the lock is
// the target's PATH.lock. The new content goes to a temporary file in the same
// directory, which is synced and renamed over the vault file, so a crash
// leaves either the old file or the new one. The next write removes a
// temporary file left by a crash. New files get mode 0600 and new directories
// 0700. Reads take no lock, because the rename is atomic.
//
// A Vault decrypts the file at most once while the file is unchanged. It
// keeps the document with the SHA-256 of the file it came from, and decrypts
// again only when the file's content differs. Every write still runs scrypt
// once to encrypt, and age sets its default work factor of 18 to take about a
// second "on a modern machine" (age v1.3.2, scrypt.go).
package local

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/vault"
)

// Options configures a Vault.
type Options struct {
	// Passphrase returns the passphrase. creating is true when the file does
	// not exist yet, so the caller should prompt twice. A Vault calls it at
	// most once, and not at all when it only reads a file that does not exist.
	Passphrase func(creating bool) ([]byte, error)
	// WorkFactor is the scrypt work factor (log2 of N) for writing, from
	// MinWorkFactor to MaxWorkFactor. Zero means DefaultWorkFactor. Reading
	// accepts any work factor up to MaxWorkFactor.
	WorkFactor int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Vault is a local vault file. It is safe for concurrent use.
type Vault struct {
	path       string
	passphrase func(creating bool) ([]byte, error)
	workFactor int
	now        func() time.Time

	mu sync.Mutex
	// passphraseCalled records that passphrase was called, and pass and
	// passErr are its results.
	passphraseCalled bool
	pass             []byte
	passErr          error
	// cache is the document last read or written, or nil.
	cache *snapshot
	// decryptions counts the files decrypted, for tests of the cache.
	decryptions int
}

// snapshot is a decrypted document and the SHA-256 of the file it came from.
type snapshot struct {
	sum [sha256.Size]byte
	doc *document
}

var (
	_ vault.Vault   = (*Vault)(nil)
	_ vault.Batcher = (*Vault)(nil)
)

// Open returns the vault stored in the file at path. It checks the options
// but neither reads nor creates the file: the first operation does.
func Open(path string, opts Options) (*Vault, error) {
	if path == "" {
		return nil, errors.New("opening local vault: missing path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("opening local vault %s: %w", path, err)
	}
	if opts.Passphrase == nil {
		return nil, fmt.Errorf("opening local vault %s: missing passphrase function", abs)
	}

	workFactor := opts.WorkFactor
	if workFactor == 0 {
		workFactor = DefaultWorkFactor
	}
	if workFactor < MinWorkFactor || workFactor > MaxWorkFactor {
		return nil, fmt.Errorf("invalid scrypt work factor %d for local vault %s: use a value from %d to %d",
			opts.WorkFactor, abs, MinWorkFactor, MaxWorkFactor)
	}

	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Vault{path: abs, passphrase: opts.Passphrase, workFactor: workFactor, now: now}, nil
}

// Path returns the absolute path of the vault file.
func (v *Vault) Path() string { return v.path }

// String returns "local vault PATH".
func (v *Vault) String() string { return "local vault " + v.path }

// List returns the properties of every secret that is not deleted, sorted by
// name.
func (v *Vault) List(ctx context.Context) ([]vault.Properties, error) {
	v.mu.Lock()
	defer v.mu.Unlock()

	doc, err := v.read(ctx)
	if err != nil {
		return nil, err
	}
	var list []vault.Properties
	for _, s := range doc.Secrets {
		if s.Deleted == nil {
			list = append(list, s.properties())
		}
	}
	return list, nil
}

// Get returns the latest version of the named secret.
func (v *Vault) Get(ctx context.Context, name string) (vault.Secret, error) {
	if err := validateName(name); err != nil {
		return vault.Secret{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()

	doc, err := v.read(ctx)
	if err != nil {
		return vault.Secret{}, err
	}
	i, found := doc.find(name)
	if !found {
		return vault.Secret{}, v.errNotFound(name)
	}
	record := doc.Secrets[i]
	if record.Deleted != nil {
		return vault.Secret{}, v.errDeleted(record.Name)
	}
	latest := record.latest()
	if !latest.Enabled {
		return vault.Secret{}, fmt.Errorf("secret %q in %s is %w", record.Name, v, vault.ErrDisabled)
	}
	return vault.Secret{Properties: record.properties(), Value: latest.Value}, nil
}

// Set stores s as a new version of the secret s.Name and writes the file.
func (v *Vault) Set(ctx context.Context, s vault.Secret) (vault.Properties, error) {
	if err := validateSecret(s); err != nil {
		return vault.Properties{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()

	var props vault.Properties
	err := v.update(ctx, true, func(doc *document, now time.Time) (bool, error) {
		if i, found := doc.find(s.Name); found && doc.Secrets[i].Deleted != nil {
			return false, v.errDeleted(doc.Secrets[i].Name)
		}
		props = doc.set(s, newVersionID(), now)
		return true, nil
	})
	return props, err
}

// SetMany stores each secret as Set would, with one write of the file for
// the whole batch. A secret that Set would reject gets an error of its own
// and the others are still stored. A failure to read or write the file
// returns a nil slice and the error, and then none of the secrets is stored.
func (v *Vault) SetMany(ctx context.Context, secrets []vault.Secret) ([]error, error) {
	errs := make([]error, len(secrets))
	valid := 0
	for i, s := range secrets {
		errs[i] = validateSecret(s)
		if errs[i] == nil {
			valid++
		}
	}
	if valid == 0 {
		return errs, nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()

	err := v.update(ctx, true, func(doc *document, now time.Time) (bool, error) {
		changed := false
		for i, s := range secrets {
			if errs[i] != nil {
				continue
			}
			if j, found := doc.find(s.Name); found && doc.Secrets[j].Deleted != nil {
				errs[i] = v.errDeleted(doc.Secrets[j].Name)
				continue
			}
			doc.set(s, newVersionID(), now)
			changed = true
		}
		return changed, nil
	})
	if err != nil {
		return nil, err
	}
	return errs, nil
}

// Delete soft-deletes the named secret. It can be recovered until its purge
// date, 90 days later.
func (v *Vault) Delete(ctx context.Context, name string) (vault.DeletedSecret, error) {
	if err := validateName(name); err != nil {
		return vault.DeletedSecret{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()

	var deleted vault.DeletedSecret
	err := v.update(ctx, false, func(doc *document, now time.Time) (bool, error) {
		i, found := doc.find(name)
		if !found {
			return false, v.errNotFound(name)
		}
		record := doc.Secrets[i]
		if record.Deleted != nil {
			return false, v.errDeleted(record.Name)
		}
		record.Deleted = &deletionRecord{DeletedOn: now, PurgeOn: now.Add(deletedRetention)}
		deleted = record.deletedSecret()
		return true, nil
	})
	return deleted, err
}

// GetDeleted returns the named soft-deleted secret.
func (v *Vault) GetDeleted(ctx context.Context, name string) (vault.DeletedSecret, error) {
	if err := validateName(name); err != nil {
		return vault.DeletedSecret{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()

	doc, err := v.read(ctx)
	if err != nil {
		return vault.DeletedSecret{}, err
	}
	i, found := doc.find(name)
	if !found || doc.Secrets[i].Deleted == nil {
		return vault.DeletedSecret{}, v.errDeletedNotFound(name)
	}
	return doc.Secrets[i].deletedSecret(), nil
}

// Recover restores the named soft-deleted secret.
func (v *Vault) Recover(ctx context.Context, name string) (vault.Properties, error) {
	if err := validateName(name); err != nil {
		return vault.Properties{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()

	var props vault.Properties
	err := v.update(ctx, false, func(doc *document, _ time.Time) (bool, error) {
		i, found := doc.find(name)
		if !found || doc.Secrets[i].Deleted == nil {
			return false, v.errDeletedNotFound(name)
		}
		doc.Secrets[i].Deleted = nil
		props = doc.Secrets[i].properties()
		return true, nil
	})
	return props, err
}

// Purge removes the named soft-deleted secret and all its versions for good.
func (v *Vault) Purge(ctx context.Context, name string) error {
	if err := validateName(name); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()

	return v.update(ctx, false, func(doc *document, _ time.Time) (bool, error) {
		i, found := doc.find(name)
		if !found || doc.Secrets[i].Deleted == nil {
			return false, v.errDeletedNotFound(name)
		}
		doc.Secrets = slices.Delete(doc.Secrets, i, i+1)
		return true, nil
	})
}

// read returns the current document without taking the write lock. A file
// that does not exist reads as an empty vault, without asking for the
// passphrase.
func (v *Vault) read(ctx context.Context) (*document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc, err := v.load(v.path)
	if err != nil {
		return nil, err
	}
	doc.dropExpired(v.now())
	return doc, nil
}

// load reads the file at path and returns its document, decrypting only when
// the content differs from the cached snapshot.
func (v *Vault) load(path string) (*document, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newDocument(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading local vault %s: %w", v.path, err)
	}

	sum := sha256.Sum256(data)
	if v.cache != nil && v.cache.sum == sum {
		return v.cache.doc, nil
	}

	pass, err := v.askPassphrase(false)
	if err != nil {
		return nil, err
	}
	v.decryptions++
	plaintext, err := unseal(v.path, data, pass)
	if err != nil {
		return nil, err
	}
	doc, err := decodeDocument(v.path, plaintext)
	if err != nil {
		return nil, err
	}
	v.cache = &snapshot{sum: sum, doc: doc}
	return doc, nil
}

// update runs change on the current document under the write lock, and
// writes the document when change reports a change. change must leave the
// document as it was when it returns an error. When the file does not exist
// and create is false, change runs on an empty document, and nothing is asked
// or written.
func (v *Vault) update(ctx context.Context, create bool, change func(doc *document, now time.Time) (bool, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	target, err := resolvePath(v.path)
	if err != nil {
		return err
	}
	_, statErr := os.Stat(target)
	exists := !errors.Is(statErr, fs.ErrNotExist)
	if !exists && !create {
		_, err := change(newDocument(), v.now().UTC())
		return err
	}

	// Get the passphrase before locking, so that other totp processes do
	// not wait while the user types it.
	if _, err := v.askPassphrase(!exists); err != nil {
		return err
	}

	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("creating directory for %s: %w", v, err)
	}
	lock, err := lockFile(ctx, target+".lock")
	if err != nil {
		return err
	}
	defer lock.Unlock()
	removeStaleTemps(target)

	doc, err := v.load(target)
	if err != nil {
		return err
	}
	now := v.now().UTC()
	doc.dropExpired(now)
	changed, err := change(doc, now)
	if err != nil || !changed {
		return err
	}
	return v.write(target, doc)
}

// write encrypts doc and replaces the file at path with it. It must run
// under the write lock.
func (v *Vault) write(path string, doc *document) error {
	// doc may be the cached document, changed in memory. Until the write
	// succeeds, it matches no file.
	v.cache = nil

	plaintext, err := doc.encode()
	if err != nil {
		return fmt.Errorf("encoding local vault %s: %w", v.path, err)
	}
	pass, err := v.askPassphrase(false)
	if err != nil {
		return err
	}
	data, err := seal(plaintext, pass, v.workFactor)
	if err != nil {
		return fmt.Errorf("encrypting local vault %s: %w", v.path, err)
	}
	if err := writeFileAtomic(path, data); err != nil {
		return err
	}
	v.cache = &snapshot{sum: sha256.Sum256(data), doc: doc}
	return nil
}

// askPassphrase calls the passphrase function the first time and returns its
// result every time.
func (v *Vault) askPassphrase(creating bool) ([]byte, error) {
	if v.passphraseCalled {
		return v.pass, v.passErr
	}
	v.passphraseCalled = true

	pass, err := v.passphrase(creating)
	switch {
	case err != nil:
		v.passErr = fmt.Errorf("reading passphrase for %s: %w", v, err)
	case creating && len(pass) == 0:
		err := fmt.Errorf("empty passphrase for new %s", v)
		v.passErr = hint.Wrap(err, "choose a passphrase that is not empty, and note that totp uses TOTP_PASSPHRASE instead of asking when it is set")
	default:
		v.pass = pass
	}
	return v.pass, v.passErr
}

func (v *Vault) errNotFound(name string) error {
	return fmt.Errorf("secret %q %w in %s", name, vault.ErrNotFound, v)
}

func (v *Vault) errDeletedNotFound(name string) error {
	return fmt.Errorf("deleted secret %q %w in %s", name, vault.ErrNotFound, v)
}

func (v *Vault) errDeleted(name string) error {
	return fmt.Errorf("secret %q in %s is %w", name, v, vault.ErrDeleted)
}

// newVersionID returns 32 random hex digits, the form of Key Vault's version
// ids.
func newVersionID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // Since Go 1.24, Read never returns an error (it crashes instead).
	return hex.EncodeToString(b)
}
