package keyvault

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
)

// ClockOffset is an estimate of how far the vault's clock is ahead of the
// local clock, from the Date header of one response.
type ClockOffset struct {
	// Offset is the vault's time minus the local time: positive when the
	// local clock is behind.
	Offset time.Duration
	// Uncertainty bounds the error of Offset: half a second for the Date
	// header's whole seconds, plus half the request's round trip.
	Uncertainty time.Duration
}

// DateRecorder keeps the Date header of the vault's responses with the local
// time around each request, so that callers can compare the clocks without a
// request of their own. WithDateRecorder installs one in a context; every
// request of a vault call made with that context reports to it. It is safe
// for concurrent use.
type DateRecorder struct {
	now func() time.Time

	mu     sync.Mutex
	best   ClockOffset
	sample bool
}

type dateRecorderKey struct{}

// WithDateRecorder returns a context whose vault calls report their
// responses' Date headers to the returned recorder. now is the local clock.
func WithDateRecorder(ctx context.Context, now func() time.Time) (context.Context, *DateRecorder) {
	r := &DateRecorder{now: now}
	return context.WithValue(ctx, dateRecorderKey{}, r), r
}

// Offset returns the estimate with the smallest uncertainty among the
// responses seen, and false when no response had a valid Date header.
func (r *DateRecorder) Offset() (ClockOffset, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.best, r.sample
}

// dateSample is one request in flight, started by startDateSample.
type dateSample struct {
	recorder *DateRecorder
	sent     time.Time
}

// startDateSample notes the local time before a request whose context
// carries a DateRecorder. It returns nil otherwise, and finish accepts nil.
func startDateSample(ctx context.Context) *dateSample {
	r, _ := ctx.Value(dateRecorderKey{}).(*DateRecorder)
	if r == nil {
		return nil
	}
	return &dateSample{recorder: r, sent: r.now()}
}

// finish records the Date header of resp, which may be nil after a failed
// request.
func (s *dateSample) finish(resp *http.Response) {
	if s == nil || resp == nil {
		return
	}
	received := s.recorder.now()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return
	}

	// The server wrote the header at some moment of the whole second that
	// Date names, and somewhere between sent and received by the local
	// clock. The middle of each is the best guess.
	roundTrip := max(received.Sub(s.sent), 0)
	local := s.sent.Add(roundTrip / 2)
	estimate := ClockOffset{
		Offset:      date.Add(500 * time.Millisecond).Sub(local),
		Uncertainty: 500*time.Millisecond + roundTrip/2,
	}

	r := s.recorder
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.sample || estimate.Uncertainty < r.best.Uncertainty {
		r.best = estimate
		r.sample = true
	}
}

// ProbeUpdate sends an update of the named secret's properties that changes
// nothing (PATCH with an empty body), to learn whether the signed-in
// identity may write secrets without writing one. With a name that does not
// exist, Key Vault answers 404 when writing is allowed and 403 when it is
// not, because it checks authorization before it looks the secret up. The
// error wraps vault.ErrNotFound or ErrForbidden in those cases; nil means the
// secret exists and the update, which sets no property, was allowed.
//
// NOTE: kvfake checks authorization first, and so does the service for a
// GET of a missing secret under RBAC: it returned 403 ForbiddenByRbac on
// getSecret/action to Terraform's check for a secret it was about to create
// (https://github.com/piyushsachdeva/Terraform_AKS/issues/2). The order was
// not checked against the service for PATCH, nor under access policies.
func (v *Vault) ProbeUpdate(ctx context.Context, name string) error {
	return v.call(ctx, fmt.Sprintf("updating secret %q in", name), actionSet, name, func(ctx context.Context) error {
		_, err := v.client.UpdateSecretProperties(ctx, name, "", azsecrets.UpdateSecretPropertiesParameters{}, nil)
		return err
	})
}
