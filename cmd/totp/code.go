package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
	"github.com/totp-cli/totp/internal/totp"
)

type codeOptions struct {
	*globalOptions

	query string
	copy  bool
	watch bool
	next  bool
	json  bool
	at    string
}

func newCodeCmd(g *globalOptions) *cobra.Command {
	o := &codeOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "code NAME|FILTER",
		Short: "Print the current code of an account",
		Long: `Print the current code of one account.

NAME is a secret name from 'totp list'; it is read directly. Anything else is a
filter matched, ignoring case, against names, issuers and accounts: it must
match exactly one account, and several matches are an error that lists them.

On a terminal the code is shown with its issuer, account and the seconds it
stays valid. Otherwise only the code and a newline are printed, so that
code=$(totp code github) works. An HOTP account's counter advances with each
code.`,
		Example: `  totp code github
  totp code github --copy
  totp code github --watch
  totp code github --json --next
  totp code github --at 2030-01-01T00:00:00Z
  code=$(totp code github)`,
		Args:              exactArgs("NAME|FILTER"),
		ValidArgsFunction: g.completeAccounts(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.query = args[0]
			return o.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.copy, "copy", "c", false, "copy the code to the clipboard as well")
	f.BoolVarP(&o.watch, "watch", "w", false, "keep showing the code as it changes, until interrupted")
	f.BoolVar(&o.next, "next", false, "show the code of the next period as well")
	f.BoolVar(&o.json, "json", false, "print a JSON object with the code and the account's details")
	f.StringVar(&o.at, "at", "", "the code for this moment instead of now: RFC 3339 time or Unix seconds")
	addClearAfterFlag(cmd, g)
	return cmd
}

// parseTime reads an RFC 3339 time or a count of Unix seconds.
func parseTime(s string) (time.Time, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 {
			return time.Time{}, fmt.Errorf("invalid time %q: before 1970", s)
		}
		return time.Unix(n, 0), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid time %q: use RFC 3339, such as 2030-01-01T00:00:00Z, or Unix seconds", s)
	}
	if t.Before(time.Unix(0, 0)) {
		return time.Time{}, fmt.Errorf("invalid time %q: before 1970", s)
	}
	return t, nil
}

func (o *codeOptions) run(ctx context.Context) error {
	var at time.Time
	if o.at != "" {
		t, err := parseTime(o.at)
		if err != nil {
			return usageError{fmt.Errorf("--at: %w", err)}
		}
		at = t
	}
	if o.watch && o.at != "" {
		return usageErrorf("--watch and --at cannot be used together")
	}
	if o.watch && o.next && !o.IO.OutTTY && !o.json {
		return usageErrorf("--next with --watch needs a terminal or --json; in a pipe, --watch prints each code when it starts")
	}

	store, a, key, err := o.find(ctx)
	if err != nil {
		return err
	}

	if key.Type == totp.HOTP {
		return o.runHOTP(ctx, store, a, key)
	}
	if o.watch {
		return o.runWatch(ctx, a, key)
	}

	now := at
	if now.IsZero() {
		now = o.Now()
	}
	c, err := newCodeView(a, key, now, o.next)
	if err != nil {
		return err
	}
	o.copyCode(c.Code)
	return o.print(c)
}

// find opens the vault and finds the account, warning on stderr when the
// vault's clock differs from the local one by more than the period (not with
// --at, which asks for another moment anyway).
func (o *codeOptions) find(ctx context.Context) (*account.Store, account.Account, totp.Key, error) {
	store, err := o.openStore()
	if err != nil {
		return nil, account.Account{}, totp.Key{}, err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()
	a, key, err := o.findCheckingClock(ctx, store, o.query, o.at == "")
	return store, a, key, o.explainTimeout(ctx, err)
}

// runHOTP prints the code of an HOTP account and advances its counter in
// store, the store find opened, so the vault is not opened and unlocked
// twice.
func (o *codeOptions) runHOTP(ctx context.Context, store *account.Store, a account.Account, key totp.Key) error {
	flags := []struct {
		name string
		set  bool
	}{{"--at", o.at != ""}, {"--watch", o.watch}, {"--next", o.next}}
	for _, f := range flags {
		if f.set {
			return usageErrorf("%s does not apply to %s, an hotp account: its codes follow a counter, not the time", f.name, a.Name)
		}
	}

	ctx, cancel := o.withTimeout(ctx)
	defer cancel()
	code, err := store.NextHOTP(ctx, a, key)
	if err != nil {
		return o.explainTimeout(ctx, err)
	}

	c := codeView{Account: a, Key: key, Code: code, Counter: key.Counter}
	o.copyCode(code)
	return o.print(c)
}

// codeView is one code of an account, as printed.
type codeView struct {
	Account   account.Account
	Key       totp.Key
	Code      string
	Next      string
	Remaining time.Duration
	Counter   uint64
}

func newCodeView(a account.Account, key totp.Key, now time.Time, withNext bool) (codeView, error) {
	code, err := key.Code(now)
	if err != nil {
		return codeView{}, fmt.Errorf("account %q: %w", a.Name, err)
	}
	c := codeView{Account: a, Key: key, Code: code, Remaining: key.Remaining(now)}
	if withNext {
		step, err := key.Step(now)
		if err != nil {
			return codeView{}, fmt.Errorf("account %q: %w", a.Name, err)
		}
		c.Next = key.CodeAt(step + 1)
	}
	return c, nil
}

// codeJSON is the documented output of 'totp code --json'.
type codeJSON struct {
	Name      string  `json:"name"`
	Issuer    string  `json:"issuer"`
	Account   string  `json:"account"`
	Type      string  `json:"type"`
	Algorithm string  `json:"algorithm"`
	Digits    int     `json:"digits"`
	Period    int     `json:"period,omitempty"`
	Code      string  `json:"code"`
	Remaining int     `json:"remaining,omitempty"`
	Next      string  `json:"next,omitempty"`
	Counter   *uint64 `json:"counter,omitempty"`
}

func (c codeView) json() codeJSON {
	j := codeJSON{
		Name:      c.Account.Name,
		Issuer:    c.Key.Issuer,
		Account:   c.Key.Account,
		Type:      string(c.Key.Type),
		Algorithm: string(c.Key.Algorithm),
		Digits:    c.Key.Digits,
		Code:      c.Code,
		Next:      c.Next,
	}
	if c.Key.Type == totp.HOTP {
		counter := c.Counter
		j.Counter = &counter
	} else {
		j.Period = c.Key.Period
		j.Remaining = int((c.Remaining + time.Second - 1) / time.Second)
	}
	return j
}

// print writes c in the form stdout calls for: JSON, a bare code for a pipe,
// or a labelled line for a terminal.
func (o *codeOptions) print(c codeView) error {
	out := o.IO.Out
	switch {
	case o.json:
		data, err := json.Marshal(c.json())
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", data)
		return err
	case !o.IO.OutTTY:
		if c.Next != "" {
			_, err := fmt.Fprintf(out, "%s\n%s\n", c.Code, c.Next)
			return err
		}
		_, err := fmt.Fprintf(out, "%s\n", c.Code)
		return err
	}
	_, err := fmt.Fprintln(out, o.terminalLine(c))
	return err
}

// terminalLine renders c for a terminal: label, grouped code, seconds left
// and a countdown bar, and the next code with --next.
func (o *codeOptions) terminalLine(c codeView) string {
	color := o.IO.Color()
	var b strings.Builder
	if l := c.Account.Label(); l != "" {
		b.WriteString(codefmt.Clean(l))
		b.WriteString("  ")
	}
	b.WriteString(bold(codefmt.Group(c.Code), color))
	if c.Key.Type == totp.HOTP {
		fmt.Fprintf(&b, "  counter %d", c.Counter)
		return b.String()
	}

	secs := int((c.Remaining + time.Second - 1) / time.Second)
	left := fmt.Sprintf("%2ds", secs)
	if secs <= 5 {
		left = red(left, color)
	}
	fmt.Fprintf(&b, "  %s %s", left, codefmt.CountdownBar(c.Remaining, time.Duration(c.Key.Period)*time.Second, 10))
	if c.Next != "" {
		fmt.Fprintf(&b, "  next %s", codefmt.Group(c.Next))
	}
	return b.String()
}

func bold(s string, color bool) string {
	if !color {
		return s
	}
	return "\x1b[1m" + s + "\x1b[0m"
}

func red(s string, color bool) string {
	if !color {
		return s
	}
	return "\x1b[31m" + s + "\x1b[0m"
}

// copyCode puts code on the clipboard when --copy is set. A clipboard that
// fails is a warning: the code is printed all the same.
func (o *codeOptions) copyCode(code string) {
	if !o.copy {
		return
	}
	if err := o.Clipboard.Copy(code); err != nil {
		fmt.Fprintf(o.IO.Err, "warning: code not copied: %s\n", err)
		return
	}
	if o.IO.ErrTTY {
		fmt.Fprintln(o.IO.Err, "Copied to the clipboard.")
	}
}

// runWatch shows the code until ctx ends: redrawn in place each second on a
// terminal, one line per new code elsewhere.
func (o *codeOptions) runWatch(ctx context.Context, a account.Account, key totp.Key) error {
	tty := o.IO.OutTTY && !o.json
	if tty {
		fmt.Fprint(o.IO.Out, "\x1b[?25l")
		defer fmt.Fprint(o.IO.Out, "\r\x1b[K\x1b[?25h")
	}

	last := ""
	for {
		now := o.Now()
		c, err := newCodeView(a, key, now, o.next)
		if err != nil {
			return err
		}

		switch {
		case tty:
			fmt.Fprintf(o.IO.Out, "\r\x1b[K%s", o.terminalLine(c))
			if c.Code != last {
				o.copyCode(c.Code)
			}
		case c.Code != last:
			c.Next = ""
			if err := o.print(c); err != nil {
				return err
			}
			o.copyCode(c.Code)
		}
		last = c.Code

		// Wake at the next whole second, when the countdown changes.
		wait := time.Second - time.Duration(now.Nanosecond())
		if !tty {
			wait = c.Remaining
		}
		if err := o.Sleep(ctx, wait); err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
	}
}
