package doctor

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
	"github.com/totp-cli/totp/internal/vault/keyvault"
)

// KeyVault checks the Key Vault v: that it responds, that it accepts the
// Azure CLI's token, the permissions to list, read and write secrets, the
// accounts it holds and its clock against the local one.
//
// The permission checks never touch a real secret: they read and update a
// secret whose name is random (totp-doctor-probe- and 16 hex digits), so it
// does not exist. Key Vault answers 404 when the operation is allowed and
// 403 when it is not, because it checks authorization first (see
// keyvault.Vault.ProbeUpdate). The clock comes from the Date headers of the
// same responses, so the checks cost no request of their own: the sign-in
// challenge, one request a page of the listing, the read and the update.
func KeyVault(ctx context.Context, v *keyvault.Vault, env Env) []Result {
	ctx, dates := keyvault.WithDateRecorder(ctx, env.Now)

	props, listErr := v.List(ctx)
	if _, answered := dates.Offset(); !answered {
		return []Result{
			failed("vault reachable", Problem, listErr),
			skipped("permissions", "the vault did not answer"),
		}
	}
	results := []Result{ok("vault reachable", v.String()+" answered")}

	if signInFailed(listErr) {
		results = append(results,
			failed("token", Problem, listErr),
			skipped("permissions", "key vault did not accept a token"))
		return append(results, clockResult(dates, DefaultPeriod))
	}
	results = append(results, ok("token", "key vault accepted the token from the azure cli"))

	results = append(results, permission("list permission", listErr, Problem))
	probe := probeName(env.Rand)
	_, readErr := v.Get(ctx, probe)
	results = append(results, permission("read permission", readErr, Problem))
	writeErr := v.ProbeUpdate(ctx, probe)
	results = append(results, permission("write permission", writeErr, Warning,
		"without it, 'totp add', 'rm', 'rename', 'recover' and hotp codes fail; totp code and list work"))

	tolerance := DefaultPeriod
	if listErr == nil {
		var accounts Result
		accounts, tolerance = countAccounts(props)
		results = append(results, accounts)
	} else {
		results = append(results, skipped("accounts", "listing failed"))
	}
	return append(results, clockResult(dates, tolerance))
}

// signInFailed reports whether err is a failure to get a token or a token
// that the vault rejected.
func signInFailed(err error) bool {
	return errors.Is(err, keyvault.ErrCLI) || errors.Is(err, keyvault.ErrUnauthorized) || errors.Is(err, keyvault.ErrWrongTenant)
}

// permission turns the outcome of a probe into a result: no error and
// vault.ErrNotFound mean allowed; a 403 gives denied, with status.
func permission(check string, err error, denied Status, deniedHints ...string) Result {
	switch {
	case err == nil || errors.Is(err, vault.ErrNotFound):
		return ok(check, "allowed")
	case errors.Is(err, keyvault.ErrForbidden):
		return failed(check, denied, err, deniedHints...)
	}
	return failed(check, Problem, err)
}

// probeName returns a secret name that no vault holds.
func probeName(random io.Reader) string {
	var b [8]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "totp-doctor-probe"
	}
	return "totp-doctor-probe-" + hex.EncodeToString(b[:])
}

// countAccounts describes the accounts among props and returns the shortest
// TOTP period among them, or DefaultPeriod when there is none.
func countAccounts(props []vault.Properties) (Result, time.Duration) {
	var totpCount, hotpCount, others int
	shortest := time.Duration(0)
	for _, p := range props {
		a, isAccount := account.FromProperties(p)
		switch {
		case !isAccount:
			others++
		case a.Type == totp.HOTP:
			hotpCount++
		default:
			totpCount++
			period := time.Duration(a.Period) * time.Second
			if period > 0 && (shortest == 0 || period < shortest) {
				shortest = period
			}
		}
	}
	if shortest == 0 {
		shortest = DefaultPeriod
	}

	detail := fmt.Sprintf("%s (%d totp, %d hotp)", plural(totpCount+hotpCount, "account", "accounts"), totpCount, hotpCount)
	if others > 0 {
		detail += fmt.Sprintf("; %s of other kinds, which totp leaves alone", plural(others, "secret", "secrets"))
	}
	if totpCount+hotpCount == 0 {
		detail += "; add one with 'totp add URI' or 'totp add qr.png'"
	}
	return ok("accounts", detail), shortest
}

func clockResult(dates *keyvault.DateRecorder, tolerance time.Duration) Result {
	offset, found := dates.Offset()
	if !found {
		return skipped("clock", "key vault sent no Date header")
	}
	return Clock(offset, tolerance)
}
