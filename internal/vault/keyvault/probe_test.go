package keyvault

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

func TestProbeUpdateMissingSecret(t *testing.T) {
	f := newFixture(t, fixtureConfig{})

	err := f.v.ProbeUpdate(ctx, "totp-doctor-probe")
	if !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("ProbeUpdate error = %v, want vault.ErrNotFound", err)
	}
	if _, _, _, ok := f.srv.Secret("totp-doctor-probe"); ok {
		t.Error("the probe created a secret")
	}
	var patches int
	for _, r := range f.authorized() {
		if r.Method == http.MethodPatch && r.Status == http.StatusNotFound {
			patches++
		}
	}
	if patches != 1 {
		t.Errorf("%d PATCH requests answered 404, want 1: %v", patches, f.srv.Requests())
	}
}

func TestProbeUpdateExistingSecret(t *testing.T) {
	f := newFixture(t, fixtureConfig{})
	f.srv.Seed("github-alice", accountValue, "text/plain", map[string]string{"issuer": "GitHub"})

	if err := f.v.ProbeUpdate(ctx, "github-alice"); err != nil {
		t.Fatalf("ProbeUpdate: %v", err)
	}
	value, contentType, tags, _ := f.srv.Secret("github-alice")
	if value != accountValue || contentType != "text/plain" || tags["issuer"] != "GitHub" {
		t.Errorf("the probe changed the secret: %q %q %v", value, contentType, tags)
	}
}

func TestProbeUpdateDenied(t *testing.T) {
	tests := []struct {
		name  string
		auth  kvfake.Authorization
		error string
		hint  string
	}{
		{"rbac", kvfake.RBAC, "needs the Key Vault Secrets Officer role", `--role "Key Vault Secrets Officer"`},
		{"access policy", kvfake.AccessPolicy, "does not grant the secrets set permission", "--secret-permissions get list set delete recover"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, fixtureConfig{server: kvfake.Options{Authorization: tt.auth, Denied: map[string]bool{"set": true}}})

			err := f.v.ProbeUpdate(ctx, "totp-doctor-probe")
			if !errors.Is(err, ErrForbidden) {
				t.Fatalf("ProbeUpdate error = %v, want ErrForbidden", err)
			}
			checkOneLine(t, err, `updating secret "totp-doctor-probe" in key vault `+f.label+": permission denied")
			checkOneLine(t, err, tt.error)
			checkHints(t, err, tt.hint, "")
		})
	}
}

func TestDateRecorderFixedClocks(t *testing.T) {
	// The vault's clock is fixed, and the local one 10 seconds ahead of it
	// and stopped, so the round trip is zero and the estimate is exact: the
	// Date header's second plus half a second, minus the local time.
	vaultTime := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	f := newFixture(t, fixtureConfig{server: kvfake.Options{Now: func() time.Time { return vaultTime }}})

	rctx, dates := WithDateRecorder(ctx, func() time.Time { return vaultTime.Add(10 * time.Second) })
	if _, ok := dates.Offset(); ok {
		t.Error("Offset before any request reports a sample")
	}
	if _, err := f.v.List(rctx); err != nil {
		t.Fatal(err)
	}

	got, ok := dates.Offset()
	if !ok {
		t.Fatal("no Date header recorded")
	}
	want := ClockOffset{Offset: -9500 * time.Millisecond, Uncertainty: 500 * time.Millisecond}
	if got != want {
		t.Errorf("Offset = %+v, want %+v", got, want)
	}
}

func TestDateRecorderSkewedVault(t *testing.T) {
	for _, skew := range []time.Duration{90 * time.Second, -45 * time.Second, 0} {
		t.Run(skew.String(), func(t *testing.T) {
			f := newFixture(t, fixtureConfig{server: kvfake.Options{DateSkew: skew}})
			rctx, dates := WithDateRecorder(ctx, time.Now)

			_, err := f.v.Get(rctx, "missing")
			if !errors.Is(err, vault.ErrNotFound) {
				t.Fatalf("Get: %v", err)
			}
			got, ok := dates.Offset()
			if !ok {
				t.Fatal("no Date header recorded from a 404")
			}
			if diff := (got.Offset - skew).Abs(); diff > got.Uncertainty {
				t.Errorf("Offset = %s ± %s, want %s", got.Offset, got.Uncertainty, skew)
			}
		})
	}
}

func TestDateRecorderWithoutResponse(t *testing.T) {
	f := newFixture(t, fixtureConfig{opts: Options{MaxRetries: -1}})
	f.srv.Close()

	rctx, dates := WithDateRecorder(context.Background(), time.Now)
	if _, err := f.v.List(rctx); err == nil {
		t.Fatal("List on a closed server succeeded")
	}
	if o, ok := dates.Offset(); ok {
		t.Errorf("Offset = %+v after no response, want none", o)
	}
}
