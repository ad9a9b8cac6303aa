package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/totp"
)

// maxWindow bounds --window: a wider window accepts more codes, so a guessed
// code passes more often, and 100 steps of 30 seconds is already 50 minutes.
const maxWindow = 100

// errCodeInvalid is the class of the error for a code that does not match.
var errCodeInvalid = errors.New("code is not valid")

type verifyOptions struct {
	*globalOptions

	query  string
	code   string
	window int
	at     string
}

func newVerifyCmd(g *globalOptions) *cobra.Command {
	o := &verifyOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "verify NAME|FILTER CODE",
		Short: "Check whether a code is valid for an account",
		Long: `Check whether CODE is a valid code of one account now, as a service would.

NAME|FILTER finds the account as in 'totp code'. Spaces in CODE are ignored,
so a code copied as "492 039" works.

For a TOTP account, CODE is valid when it is the code of the current time
step or of up to --window steps before or after it (default 1: one period
either way, for a clock that is a little off).

For an HOTP account, CODE is valid when it is the code of the stored counter
or of one of the next --window counters (look-ahead, for codes generated but
never used). The stored counter then moves past the matching one, so the same
code is never accepted twice, and the next 'totp code' continues after it.

EXIT STATUS
  0  the code is valid
  1  the code is not valid, or the account cannot be read
  2  usage error, such as a CODE with letters or a negative --window`,
		Example: `  totp verify github 492039
  totp verify github '492 039' --window 2
  totp verify github 492039 --at 2030-01-01T00:00:00Z
  if totp verify github "$code"; then echo valid; fi`,
		Args:              usageArgs(cobra.ExactArgs(2)),
		ValidArgsFunction: g.completeAccounts(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.query, o.code = args[0], args[1]
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.window, "window", 1, fmt.Sprintf("time steps (TOTP) or counters ahead (HOTP) that a code may be off by, from 0 to %d", maxWindow))
	f.StringVar(&o.at, "at", "", "check against this moment instead of now: RFC 3339 time or Unix seconds (TOTP only)")
	return cmd
}

func (o *verifyOptions) run(ctx context.Context) error {
	code := strings.ToUpper(strings.Join(strings.Fields(o.code), ""))
	if !isAlphanumeric(code) {
		return usageErrorf("invalid code: it must be the digits that the authenticator shows")
	}
	if o.window < 0 || o.window > maxWindow {
		return usageErrorf("invalid --window %d: use 0 to %d", o.window, maxWindow)
	}
	var at time.Time
	if o.at != "" {
		t, err := parseTime(o.at)
		if err != nil {
			return usageError{fmt.Errorf("--at: %w", err)}
		}
		at = t
	}

	store, err := o.openStore()
	if err != nil {
		return err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()
	a, key, err := o.findCheckingClock(ctx, store, o.query, o.at == "")
	if err != nil {
		return o.explainTimeout(ctx, err)
	}

	if err := checkCodeForm(a, key, code); err != nil {
		return err
	}
	if key.Type == totp.HOTP {
		if o.at != "" {
			return usageErrorf("--at does not apply to %s, an hotp account: its codes follow a counter, not the time", a.Name)
		}
		return o.explainTimeout(ctx, o.verifyHOTP(ctx, store, a, key, code))
	}

	now := at
	if now.IsZero() {
		now = o.Now()
	}
	return o.verifyTOTP(a, key, code, now)
}

func isAlphanumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// checkCodeForm rejects a code that cannot be one of key's: letters in a
// decimal code are a usage error, and a wrong length is an invalid code.
func checkCodeForm(a account.Account, key totp.Key, code string) error {
	want := key.Digits
	if key.Steam {
		want = totp.SteamDigits
	} else if strings.Trim(code, "0123456789") != "" {
		return usageErrorf("invalid code for %s: it must be %d digits", a.Name, key.Digits)
	}
	if len(code) != want {
		return fmt.Errorf("%w for %s: it has %d characters, and the account's codes have %d", errCodeInvalid, a.Name, len(code), want)
	}
	return nil
}

// matches compares two codes in constant time.
func matches(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// verifyTOTP accepts code when it is the code of the time step of now or of
// one up to o.window steps away, and prefers the nearest step when several
// match.
func (o *verifyOptions) verifyTOTP(a account.Account, key totp.Key, code string, now time.Time) error {
	step, err := key.Step(now)
	if err != nil {
		return fmt.Errorf("account %q: %w", a.Name, err)
	}

	found, offset := false, 0
	for d := -o.window; d <= o.window; d++ {
		var s uint64
		switch {
		case d < 0 && uint64(-d) > step:
			continue
		case d < 0:
			s = step - uint64(-d)
		default:
			s = step + uint64(d)
		}
		if matches(key.CodeAt(s), code) && (!found || abs(d) < abs(offset)) {
			found, offset = true, d
		}
	}
	if !found {
		when := now.UTC().Format(time.RFC3339)
		err := fmt.Errorf("%w for %s: it is not the code of the time step of %s", errCodeInvalid, a.Name, when)
		if o.window > 0 {
			err = fmt.Errorf("%w for %s: it matches no code from %s before to %s after %s", errCodeInvalid, a.Name, steps(o.window), steps(o.window), when)
		}
		return hint.Wrap(err, "check the clock of the device that made the code, or accept codes further off with --window "+fmt.Sprint(min(o.window+1, maxWindow)))
	}

	if o.IO.ErrTTY {
		fmt.Fprintf(o.IO.Err, "valid: the code of %s\n", stepName(offset))
	}
	return nil
}

// verifyHOTP accepts code when it is the code of the stored counter or of one
// of the next o.window counters, and then stores the counter after the
// matching one.
//
// NOTE: the read and the write are not atomic, so two totp processes that
// verify or make codes of one HOTP account at once can both accept a code.
func (o *verifyOptions) verifyHOTP(ctx context.Context, store *account.Store, a account.Account, key totp.Key, code string) error {
	found, counter := false, uint64(0)
	for i := 0; i <= o.window; i++ {
		if key.Counter > math.MaxUint64-uint64(i) {
			break
		}
		if matches(key.CodeAt(key.Counter+uint64(i)), code) {
			found, counter = true, key.Counter+uint64(i)
			break
		}
	}
	if !found {
		last := uint64(math.MaxUint64)
		if key.Counter <= math.MaxUint64-uint64(o.window) {
			last = key.Counter + uint64(o.window)
		}
		err := fmt.Errorf("%w for %s: it matches none of the counters %d to %d", errCodeInvalid, a.Name, key.Counter, last)
		return hint.Wrap(err, "if the device made codes that were never used, look further ahead with --window 10")
	}
	if counter == math.MaxUint64 {
		return fmt.Errorf("account %q: the hotp counter cannot move past %d", a.Name, counter)
	}

	next := key
	next.Counter = counter + 1
	if _, err := store.Vault.Set(ctx, account.ToSecret(a.Name, next)); err != nil {
		return fmt.Errorf("the code is valid, but saving the hotp counter of %q in %s failed: %w", a.Name, store.Vault, err)
	}
	if o.IO.ErrTTY {
		fmt.Fprintf(o.IO.Err, "valid: the code of counter %d; the stored counter is now %d\n", counter, next.Counter)
	}
	return nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func steps(n int) string {
	if n == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", n)
}

func stepName(offset int) string {
	switch {
	case offset == 0:
		return "the current time step"
	case offset < 0:
		return steps(-offset) + " earlier"
	}
	return steps(offset) + " later"
}
