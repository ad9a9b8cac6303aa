package kvfake

import (
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"strings"
	"time"
)

// secret is a live secret: a name and its versions, oldest first. The last
// version is the current one.
type secret struct {
	name     string // the spelling used when the secret was first set
	versions []*version
}

type version struct {
	id          string // 32 lower-case hex digits
	value       string
	contentType string
	tags        map[string]string
	enabled     bool
	notBefore   *time.Time
	expires     *time.Time
	created     time.Time
	updated     time.Time
}

// deleted is a soft-deleted secret with its versions.
type deleted struct {
	secret             *secret
	deletedDate        time.Time
	scheduledPurgeDate time.Time
}

func (s *secret) latest() *version { return s.versions[len(s.versions)-1] }

// find returns the version with the given id, or nil.
func (s *secret) find(id string) *version {
	for _, v := range s.versions {
		if strings.EqualFold(v.id, id) {
			return v
		}
	}
	return nil
}

func newVersionID(random io.Reader) (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("generating a version id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// addVersionLocked appends v to the live secret called name, creating the
// secret when needed. The caller holds s.mu and has checked that the name is
// not soft-deleted.
func (s *Server) addVersionLocked(name string, v *version) *secret {
	key := strings.ToLower(name)
	sec, ok := s.secrets[key]
	if !ok {
		sec = &secret{name: name}
		s.secrets[key] = sec
	}
	sec.versions = append(sec.versions, v)
	return sec
}

// purgeExpiredLocked removes soft-deleted secrets whose scheduled purge date
// has passed, as the service does on its own. The caller holds s.mu.
func (s *Server) purgeExpiredLocked(now time.Time) {
	for key, d := range s.deleted {
		if !now.Before(d.scheduledPurgeDate) {
			delete(s.deleted, key)
		}
	}
}

// recoveryLevel is the deletion recovery level that the vault reports in
// secret attributes.
func (s *Server) recoveryLevel() string {
	if *s.opts.SoftDelete {
		return "Recoverable+Purgeable"
	}
	return "Purgeable"
}

// Seed stores a new version of a secret directly, as if another tool had
// written it: no request is made, nothing is logged and the value is not
// validated. A soft-deleted secret of the same name is purged first. Seed
// panics only if the random source fails.
func (s *Server) Seed(name, value, contentType string, tags map[string]string) {
	now := s.opts.Now()
	id, err := newVersionID(s.opts.Rand)
	if err != nil {
		panic("kvfake: " + err.Error())
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.deleted, strings.ToLower(name))
	s.addVersionLocked(name, &version{
		id:          id,
		value:       value,
		contentType: contentType,
		tags:        maps.Clone(tags),
		enabled:     true,
		created:     now,
		updated:     now,
	})
}

// SetEnabled enables or disables the current version of a live secret. It
// does nothing when no live secret has the name.
func (s *Server) SetEnabled(name string, enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.secrets[strings.ToLower(name)]
	if !ok {
		return
	}
	v := sec.latest()
	v.enabled = enabled
	v.updated = s.opts.Now()
}

// Secret returns the current version of a live secret, for tests to inspect
// what a client wrote. The returned tags are a copy.
func (s *Server) Secret(name string) (value, contentType string, tags map[string]string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.secrets[strings.ToLower(name)]
	if !ok {
		return "", "", nil, false
	}
	v := sec.latest()
	return v.value, v.contentType, maps.Clone(v.tags), true
}

// Versions returns how many versions a live secret has, or 0 when no live
// secret has the name.
func (s *Server) Versions(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.secrets[strings.ToLower(name)]
	if !ok {
		return 0
	}
	return len(sec.versions)
}

// IsDeleted reports whether the name belongs to a soft-deleted secret that
// has not been purged.
func (s *Server) IsDeleted(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked(s.opts.Now())
	_, ok := s.deleted[strings.ToLower(name)]
	return ok
}
