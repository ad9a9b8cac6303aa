package local

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/vault"
)

// The plaintext of a vault file is a JSON document with these format and
// version fields. A change that an older totp could not read in full, such as
// a new field, needs a new version, because readers reject unknown fields
// rather than drop them on the next write.
const (
	documentFormat  = "totp-vault"
	documentVersion = 1
)

const (
	// maxVersions is the number of versions kept for each secret. Older
	// versions are dropped when a Set adds one more.
	maxVersions = 10

	// deletedRetention is how long a soft-deleted secret can be recovered.
	deletedRetention = 90 * 24 * time.Hour

	// recoveryLevel is Key Vault's name for "recoverable until purged, and
	// purgeable at any time".
	recoveryLevel = "Recoverable+Purgeable"
)

// Key Vault's documented limits, enforced here too so that an account that
// fits the local vault also fits a Key Vault.
const (
	maxValueBytes       = 25 * 1024
	maxContentTypeChars = 255
	maxTags             = 15
)

var namePattern = regexp.MustCompile(`^[0-9a-zA-Z-]{1,127}$`)

// document is the decrypted content of a vault file.
type document struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Secrets is sorted by lower-case name, and no two names are equal
	// without regard to case.
	Secrets []*secretRecord `json:"secrets"`
}

// secretRecord is a secret with its versions, oldest first.
type secretRecord struct {
	Name     string          `json:"name"`
	Versions []versionRecord `json:"versions"`
	Deleted  *deletionRecord `json:"deleted,omitempty"`
}

// versionRecord is one version of a secret.
type versionRecord struct {
	ID          string            `json:"id"`
	Value       string            `json:"value"`
	ContentType string            `json:"contentType,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Enabled     bool              `json:"enabled"`
	Created     time.Time         `json:"created"`
	Updated     time.Time         `json:"updated"`
}

// deletionRecord is the soft-delete state of a secret.
type deletionRecord struct {
	DeletedOn time.Time `json:"deletedOn"`
	PurgeOn   time.Time `json:"purgeOn"`
}

func newDocument() *document {
	return &document{Format: documentFormat, Version: documentVersion}
}

// decodeDocument parses and checks the plaintext of the vault file at path.
// Its errors name the path and quote from the plaintext only names (of
// formats, fields and secrets) and at most one character of anything else.
func decodeDocument(path string, plaintext []byte) (*document, error) {
	var header struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(plaintext, &header); err != nil {
		return nil, fmt.Errorf("local vault %s does not contain a totp vault document: %w", path, err)
	}
	if header.Format != documentFormat {
		return nil, fmt.Errorf("local vault %s has format %q, expected %q", path, truncate(header.Format, 40), documentFormat)
	}
	if header.Version != documentVersion {
		err := fmt.Errorf("local vault %s has format version %d, but this totp reads only version %d", path, header.Version, documentVersion)
		return nil, hint.Wrap(err, "upgrade totp to a release that reads this vault file")
	}

	decoder := json.NewDecoder(bytes.NewReader(plaintext))
	decoder.DisallowUnknownFields()
	doc := new(document)
	if err := decoder.Decode(doc); err != nil {
		return nil, fmt.Errorf("local vault %s contains an invalid totp vault document: %w", path, err)
	}
	if err := doc.check(); err != nil {
		return nil, fmt.Errorf("local vault %s contains an invalid totp vault document: %w", path, err)
	}
	return doc, nil
}

// check validates what the methods of document rely on, and sorts the
// secrets by name.
func (d *document) check() error {
	seen := make(map[string]bool, len(d.Secrets))
	for i, s := range d.Secrets {
		if s == nil {
			return fmt.Errorf("secret %d is null", i)
		}
		if !namePattern.MatchString(s.Name) {
			return fmt.Errorf("secret %d has the invalid name %q", i, truncate(s.Name, 130))
		}
		key := strings.ToLower(s.Name)
		if seen[key] {
			return fmt.Errorf("secret name %q appears twice", s.Name)
		}
		seen[key] = true
		if len(s.Versions) == 0 {
			return fmt.Errorf("secret %q has no versions", s.Name)
		}
		for _, v := range s.Versions {
			if v.ID == "" {
				return fmt.Errorf("secret %q has a version without an id", s.Name)
			}
		}
	}

	slices.SortFunc(d.Secrets, func(a, b *secretRecord) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return nil
}

func (d *document) encode() ([]byte, error) {
	return json.MarshalIndent(d, "", "  ")
}

// find returns the index of the secret with the name compared without regard
// to case, and whether it exists.
func (d *document) find(name string) (int, bool) {
	key := strings.ToLower(name)
	return slices.BinarySearchFunc(d.Secrets, key, func(s *secretRecord, key string) int {
		return strings.Compare(strings.ToLower(s.Name), key)
	})
}

// dropExpired removes the soft-deleted secrets whose purge date has passed,
// and reports whether it removed any.
func (d *document) dropExpired(now time.Time) bool {
	before := len(d.Secrets)
	d.Secrets = slices.DeleteFunc(d.Secrets, func(s *secretRecord) bool {
		return s.Deleted != nil && !now.Before(s.Deleted.PurgeOn)
	})
	dropped := len(d.Secrets) != before
	return dropped
}

// set adds a version to the named secret, creating the secret when there is
// none, and drops the versions beyond maxVersions.
func (d *document) set(s vault.Secret, id string, now time.Time) vault.Properties {
	version := versionRecord{
		ID:          id,
		Value:       s.Value,
		ContentType: s.ContentType,
		Tags:        cloneTags(s.Tags),
		Enabled:     true,
		Created:     now,
		Updated:     now,
	}

	i, found := d.find(s.Name)
	if !found {
		d.Secrets = slices.Insert(d.Secrets, i, &secretRecord{Name: s.Name})
	}
	record := d.Secrets[i]
	record.Versions = append(record.Versions, version)
	if extra := len(record.Versions) - maxVersions; extra > 0 {
		record.Versions = slices.Delete(record.Versions, 0, extra)
	}
	return record.properties()
}

func (s *secretRecord) latest() versionRecord {
	return s.Versions[len(s.Versions)-1]
}

func (s *secretRecord) properties() vault.Properties {
	v := s.latest()
	return vault.Properties{
		Name:        s.Name,
		Version:     v.ID,
		ContentType: v.ContentType,
		Tags:        cloneTags(v.Tags),
		Enabled:     v.Enabled,
		Created:     v.Created,
		Updated:     v.Updated,
	}
}

func (s *secretRecord) deletedSecret() vault.DeletedSecret {
	return vault.DeletedSecret{
		Name:          s.Name,
		DeletedOn:     s.Deleted.DeletedOn,
		PurgeOn:       s.Deleted.PurgeOn,
		RecoveryLevel: recoveryLevel,
	}
}

func cloneTags(tags map[string]string) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	return maps.Clone(tags)
}

// validateSecret checks what Key Vault would reject in a Set: the name, the
// size of the value and content type, and the number of tags.
func validateSecret(s vault.Secret) error {
	if err := validateName(s.Name); err != nil {
		return err
	}
	if len(s.Value) > maxValueBytes {
		return fmt.Errorf("value of secret %q is %d bytes, more than the maximum of %d", s.Name, len(s.Value), maxValueBytes)
	}
	if n := len([]rune(s.ContentType)); n > maxContentTypeChars {
		return fmt.Errorf("content type of secret %q is %d characters, more than the maximum of %d", s.Name, n, maxContentTypeChars)
	}
	if len(s.Tags) > maxTags {
		return fmt.Errorf("secret %q has %d tags, more than the maximum of %d", s.Name, len(s.Tags), maxTags)
	}
	return nil
}

func validateName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("invalid secret name %q: use 1 to 127 letters, digits and dashes", truncate(name, 130))
	}
	return nil
}

// truncate shortens s to its first n bytes and "...", so that a long value
// read from a file does not flood a one-line message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
