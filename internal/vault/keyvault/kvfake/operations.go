package kvfake

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"time"
	"unicode/utf8"
)

// Limits that Key Vault documents for secrets.
const (
	// maxValueBytes is the largest secret value. The service documents
	// "25 KB"; NOTE: whether that means 25,000 or 25,600 bytes is not stated,
	// and the fake accepts up to 25,600.
	maxValueBytes = 25 * 1024
	// maxTags is the largest number of tags on one secret.
	maxTags = 15
	// maxTagNameChars and maxTagValueChars bound each tag, in characters.
	maxTagNameChars  = 512
	maxTagValueChars = 256
	// maxContentTypeChars bounds the content type, in characters.
	maxContentTypeChars = 255
	// maxBodyBytes bounds how much of a request body the fake reads; a
	// valid set request is far smaller.
	maxBodyBytes = 1 << 20
)

// attributesJSON is the service's SecretAttributes. Dates are Unix seconds.
type attributesJSON struct {
	Enabled         bool   `json:"enabled"`
	NotBefore       *int64 `json:"nbf,omitempty"`
	Expires         *int64 `json:"exp,omitempty"`
	Created         int64  `json:"created"`
	Updated         int64  `json:"updated"`
	RecoveryLevel   string `json:"recoveryLevel"`
	RecoverableDays *int   `json:"recoverableDays,omitempty"`
}

// bundleJSON is the service's SecretBundle, SecretItem, DeletedSecretBundle
// and DeletedSecretItem: the fields a response does not use stay empty and
// are omitted.
type bundleJSON struct {
	Value              *string           `json:"value,omitempty"`
	ContentType        string            `json:"contentType,omitempty"`
	ID                 string            `json:"id"`
	Attributes         attributesJSON    `json:"attributes"`
	Tags               map[string]string `json:"tags,omitempty"`
	RecoveryID         string            `json:"recoveryId,omitempty"`
	DeletedDate        *int64            `json:"deletedDate,omitempty"`
	ScheduledPurgeDate *int64            `json:"scheduledPurgeDate,omitempty"`
}

type listJSON struct {
	Value    []bundleJSON `json:"value"`
	NextLink *string      `json:"nextLink"`
}

// attributesRequest is the attributes object in set and update requests.
type attributesRequest struct {
	Enabled   *bool  `json:"enabled"`
	NotBefore *int64 `json:"nbf"`
	Expires   *int64 `json:"exp"`
}

// secretRequest is the body of set (PUT) and update (PATCH) requests.
type secretRequest struct {
	Value       *string            `json:"value"`
	ContentType *string            `json:"contentType"`
	Tags        map[string]*string `json:"tags"`
	Attributes  *attributesRequest `json:"attributes"`
}

func unixPointer(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	seconds := t.Unix()
	return &seconds
}

func timePointer(seconds *int64) *time.Time {
	if seconds == nil {
		return nil
	}
	t := time.Unix(*seconds, 0).UTC()
	return &t
}

func (s *Server) attributes(v *version) attributesJSON {
	a := attributesJSON{
		Enabled:       v.enabled,
		NotBefore:     unixPointer(v.notBefore),
		Expires:       unixPointer(v.expires),
		Created:       v.created.Unix(),
		Updated:       v.updated.Unix(),
		RecoveryLevel: s.recoveryLevel(),
	}
	if *s.opts.SoftDelete {
		days := s.opts.RetentionDays
		a.RecoverableDays = &days
	}
	return a
}

// baseURL is the vault URL as the client addressed it, without a trailing
// slash, so that ids and next links work for 127.0.0.1 and localhost alike.
func baseURL(r *http.Request) string {
	return "https://" + r.Host
}

// bundle describes version v of sec. The value is included only when
// withValue is set.
func (s *Server) bundle(r *http.Request, sec *secret, v *version, withValue bool) bundleJSON {
	b := bundleJSON{
		ContentType: v.contentType,
		ID:          baseURL(r) + "/secrets/" + sec.name + "/" + v.id,
		Attributes:  s.attributes(v),
		Tags:        maps.Clone(v.tags),
	}
	if withValue {
		value := v.value
		b.Value = &value
	}
	return b
}

func (s *Server) deletedBundle(r *http.Request, d *deleted) bundleJSON {
	b := s.bundle(r, d.secret, d.secret.latest(), false)
	b.RecoveryID = baseURL(r) + "/deletedsecrets/" + d.secret.name
	deletedDate, purgeDate := d.deletedDate.Unix(), d.scheduledPurgeDate.Unix()
	b.DeletedDate = &deletedDate
	b.ScheduledPurgeDate = &purgeDate
	return b
}

func writeBundle(w http.ResponseWriter, status int, b bundleJSON) {
	writeJSON(w, status, marshal(b))
}

// readSecretRequest decodes and checks a set or update body.
func readSecretRequest(r *http.Request, requireValue bool) (*secretRequest, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, badParameter(fmt.Sprintf("Reading the request body failed: %v.", err))
	}
	if len(body) > maxBodyBytes {
		return nil, badParameter(fmt.Sprintf("The request body is larger than %d bytes.", maxBodyBytes))
	}

	var req secretRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, badParameter(fmt.Sprintf("The request body is not a valid JSON object: %v.", err))
	}
	if requireValue && req.Value == nil {
		return nil, badParameter("The request body has no value property; a secret value is required.")
	}
	if apiErr := checkLimits(&req); apiErr != nil {
		return nil, apiErr
	}
	return &req, nil
}

// checkLimits enforces the documented size limits. NOTE: the messages are
// the fake's own, and only the status (400) and code (BadParameter) follow
// the service.
func checkLimits(req *secretRequest) *apiError {
	if req.Value != nil && len(*req.Value) > maxValueBytes {
		return badParameter(fmt.Sprintf("The secret value is %d bytes; the maximum is %d bytes.", len(*req.Value), maxValueBytes))
	}
	if req.ContentType != nil && utf8.RuneCountInString(*req.ContentType) > maxContentTypeChars {
		return badParameter(fmt.Sprintf("The content type is %d characters; the maximum is %d.", utf8.RuneCountInString(*req.ContentType), maxContentTypeChars))
	}
	if len(req.Tags) > maxTags {
		return badParameter(fmt.Sprintf("The secret has %d tags; the maximum is %d.", len(req.Tags), maxTags))
	}
	for name, value := range req.Tags {
		if utf8.RuneCountInString(name) > maxTagNameChars {
			return badParameter(fmt.Sprintf("A tag name is %d characters; the maximum is %d.", utf8.RuneCountInString(name), maxTagNameChars))
		}
		if value != nil && utf8.RuneCountInString(*value) > maxTagValueChars {
			return badParameter(fmt.Sprintf("The value of tag %q is %d characters; the maximum is %d.", name, utf8.RuneCountInString(*value), maxTagValueChars))
		}
	}
	return nil
}

func tagsFromRequest(tags map[string]*string) map[string]string {
	if tags == nil {
		return nil
	}
	out := make(map[string]string, len(tags))
	for name, value := range tags {
		if value != nil {
			out[name] = *value
		} else {
			out[name] = ""
		}
	}
	return out
}

// setSecret serves PUT /secrets/{name}: it adds a version and returns it
// with its value.
func (s *Server) setSecret(w http.ResponseWriter, r *http.Request, name, _ string) {
	req, apiErr := readSecretRequest(r, true)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	id, err := newVersionID(s.opts.Rand)
	if err != nil {
		writeError(w, &apiError{status: http.StatusInternalServerError, code: "InternalServerError", message: err.Error()})
		return
	}

	now := s.opts.Now()
	v := &version{
		id:      id,
		value:   *req.Value,
		tags:    tagsFromRequest(req.Tags),
		enabled: true,
		created: now,
		updated: now,
	}
	if req.ContentType != nil {
		v.contentType = *req.ContentType
	}
	if a := req.Attributes; a != nil {
		if a.Enabled != nil {
			v.enabled = *a.Enabled
		}
		v.notBefore, v.expires = timePointer(a.NotBefore), timePointer(a.Expires)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked(now)
	if _, ok := s.deleted[lower(name)]; ok {
		writeError(w, errDeletedButRecoverable(name))
		return
	}
	sec := s.addVersionLocked(name, v)
	writeBundle(w, http.StatusOK, s.bundle(r, sec, v, true))
}

// getSecret serves GET /secrets/{name}[/{version}].
func (s *Server) getSecret(w http.ResponseWriter, r *http.Request, name, versionID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, v, apiErr := s.lookupLocked(name, versionID)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if !v.enabled {
		writeError(w, errSecretDisabled())
		return
	}
	writeBundle(w, http.StatusOK, s.bundle(r, sec, v, true))
}

// updateSecret serves PATCH /secrets/{name}[/{version}]: it changes the
// content type, tags and attributes of one version and returns it without
// its value.
func (s *Server) updateSecret(w http.ResponseWriter, r *http.Request, name, versionID string) {
	req, apiErr := readSecretRequest(r, false)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if req.Value != nil {
		writeError(w, badParameter("The value of a secret cannot be updated; set a new version instead."))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	sec, v, apiErr := s.lookupLocked(name, versionID)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if req.ContentType != nil {
		v.contentType = *req.ContentType
	}
	if req.Tags != nil {
		v.tags = tagsFromRequest(req.Tags)
	}
	if a := req.Attributes; a != nil {
		if a.Enabled != nil {
			v.enabled = *a.Enabled
		}
		if a.NotBefore != nil {
			v.notBefore = timePointer(a.NotBefore)
		}
		if a.Expires != nil {
			v.expires = timePointer(a.Expires)
		}
	}
	v.updated = s.opts.Now()
	writeBundle(w, http.StatusOK, s.bundle(r, sec, v, false))
}

// lookupLocked finds a live secret's version; an empty versionID means the
// current one. The caller holds s.mu.
func (s *Server) lookupLocked(name, versionID string) (*secret, *version, *apiError) {
	s.purgeExpiredLocked(s.opts.Now())
	sec, ok := s.secrets[lower(name)]
	if !ok {
		return nil, nil, errSecretNotFound(name)
	}
	if versionID == "" {
		return sec, sec.latest(), nil
	}
	v := sec.find(versionID)
	if v == nil {
		return nil, nil, errSecretNotFound(name + "/" + versionID)
	}
	return sec, v, nil
}

// deleteSecret serves DELETE /secrets/{name}. With soft delete on, the
// secret moves to the deleted secrets until it is recovered, purged, or its
// scheduled purge date passes.
func (s *Server) deleteSecret(w http.ResponseWriter, r *http.Request, name string) {
	now := s.opts.Now()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked(now)
	key := lower(name)
	sec, ok := s.secrets[key]
	if !ok {
		writeError(w, errSecretNotFound(name))
		return
	}
	delete(s.secrets, key)

	if !*s.opts.SoftDelete {
		writeBundle(w, http.StatusOK, s.bundle(r, sec, sec.latest(), false))
		return
	}
	d := &deleted{
		secret:             sec,
		deletedDate:        now,
		scheduledPurgeDate: now.AddDate(0, 0, s.opts.RetentionDays),
	}
	s.deleted[key] = d
	writeBundle(w, http.StatusOK, s.deletedBundle(r, d))
}

// getDeleted serves GET /deletedsecrets/{name}.
func (s *Server) getDeleted(w http.ResponseWriter, r *http.Request, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked(s.opts.Now())
	d, ok := s.deleted[lower(name)]
	if !ok {
		writeError(w, errDeletedSecretNotFound())
		return
	}
	writeBundle(w, http.StatusOK, s.deletedBundle(r, d))
}

// recoverDeleted serves POST /deletedsecrets/{name}/recover and returns the
// current version without its value. NOTE: the service finishes a recovery
// a few seconds later; the fake finishes it at once.
func (s *Server) recoverDeleted(w http.ResponseWriter, r *http.Request, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked(s.opts.Now())
	key := lower(name)
	d, ok := s.deleted[key]
	if !ok {
		writeError(w, errDeletedSecretNotFound())
		return
	}
	delete(s.deleted, key)
	s.secrets[key] = d.secret
	writeBundle(w, http.StatusOK, s.bundle(r, d.secret, d.secret.latest(), false))
}

// purgeDeleted serves DELETE /deletedsecrets/{name} with 204 No Content.
func (s *Server) purgeDeleted(w http.ResponseWriter, _ *http.Request, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purgeExpiredLocked(s.opts.Now())
	key := lower(name)
	if _, ok := s.deleted[key]; !ok {
		writeError(w, errDeletedSecretNotFound())
		return
	}
	delete(s.deleted, key)
	w.WriteHeader(http.StatusNoContent)
}
