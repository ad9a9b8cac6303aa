package main

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/board"
	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/totp"
)

type watchOptions struct {
	*globalOptions

	filter string
	// workers is how many secrets to read at once (--workers).
	workers int
}

func newWatchCmd(g *globalOptions) *cobra.Command {
	o := &watchOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "watch [FILTER]",
		Short: "Show the live codes of all accounts on one screen",
		Long: `Show every account with its issuer, account, current code and a countdown
to the next code, refreshed each second, until you quit.

FILTER keeps the accounts whose name, issuer or account contains it, ignoring
case, as in 'totp list'. The secrets are read once, at the start, 32 at a time
(--workers changes it): as the vault's list pages arrive, or at once for the
names an earlier run saw.

Keys:
  typing          filter the list further (issuer, account or name)
  Up, Down        select an account; PgUp, PgDn, Home and End jump
  Enter           copy the selected code to the clipboard; for an HOTP
                  account, first generate the next code, which advances and
                  saves its counter
  Backspace       delete the last character of the filter
  Esc             clear the filter, or quit when it is empty
  q               quit, when the filter is empty (otherwise q is typed)
  Ctrl-C          quit

watch needs a terminal. In a script or a pipe, use 'totp code NAME --watch',
which prints each new code on its own line.`,
		Example: `  totp watch
  totp watch github`,
		Args:              usageArgs(cobra.MaximumNArgs(1)),
		ValidArgsFunction: g.completeAccounts(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.filter = args[0]
			}
			return o.run(cmd.Context())
		},
	}
	addWorkersFlag(cmd, &o.workers, watchWorkers)
	return cmd
}

func (o *watchOptions) run(ctx context.Context) error {
	in, out, err := o.terminal()
	if err != nil {
		return err
	}

	store, err := o.openStore()
	if err != nil {
		return err
	}
	entries, err := o.load(ctx, store)
	if err != nil {
		return err
	}

	model := board.New(board.Options{
		Entries:  entries,
		Title:    store.Vault.String(),
		Now:      o.Now,
		Copy:     o.Clipboard.Copy,
		NextHOTP: o.nextHOTP(ctx, store),
		Color:    o.IO.Color(),
	})
	return board.Run(ctx, in, out, model)
}

// terminal returns the terminal for the board to read keys from and draw
// on: standard input and output, which must both be terminals.
func (o *watchOptions) terminal() (in, out *os.File, err error) {
	out, outFile := o.IO.Out.(*os.File)
	missing := ""
	switch {
	case !o.IO.OutTTY || !outFile:
		missing = "standard output"
	case !o.IO.InTTY || o.IO.InFile == nil:
		missing = "standard input"
	default:
		return o.IO.InFile, out, nil
	}
	return nil, nil, hint.Wrap(fmt.Errorf("totp watch needs a terminal: %s is not a terminal", missing),
		"in a script or a pipe, use 'totp code NAME --watch', which prints each new code on its own line")
}

// watchWorkers is how many secrets watch reads at once by default. It is
// higher than the other commands' default because someone waits for the
// board: 100 accounts take 4 rounds of reads instead of 13, which overlap the
// 4 pages of the listing (see account.Store.ReadMatching). Over HTTP/2 the
// reads share one connection.
const watchWorkers = 32

// load lists the accounts that match the filter and reads their keys. A
// disabled account is listed but not read. Accounts that fail to read are
// kept, with their error, unless every read failed: then the first error is
// returned, since it most likely concerns the vault as a whole.
func (o *watchOptions) load(ctx context.Context, store *account.Store) ([]board.Entry, error) {
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()

	if o.IO.ErrTTY {
		fmt.Fprintf(o.IO.Err, "Reading accounts from %s…", store.Vault)
	}
	results, err := store.ReadMatching(ctx, o.filter, o.workers)
	if o.IO.ErrTTY {
		fmt.Fprint(o.IO.Err, "\r\x1b[K")
	}
	if err != nil {
		return nil, o.explainTimeout(ctx, err)
	}
	if len(results) == 0 {
		if o.filter != "" {
			return nil, hint.Wrap(fmt.Errorf("%w %q in %s", account.ErrNoMatch, o.filter, store.Vault),
				"run 'totp list' to see the accounts")
		}
		return nil, hint.Wrap(fmt.Errorf("no accounts in %s", store.Vault), "add one with 'totp add'")
	}

	entries := make([]board.Entry, 0, len(results))
	var firstErr error
	read, failed := 0, 0
	for _, r := range results {
		if !r.Account.Enabled {
			// Listed as disabled, so not read.
			entries = append(entries, board.Entry{Account: r.Account, Err: r.Err})
			continue
		}
		read++
		if r.Err != nil {
			failed++
			err := o.explainTimeout(ctx, r.Err)
			if firstErr == nil {
				firstErr = err
			}
			entries = append(entries, board.Entry{Account: r.Account, Err: err})
			continue
		}
		entries = append(entries, board.Entry{Account: r.Account, Key: r.Key})
	}
	if failed > 0 && failed == read {
		return nil, firstErr
	}
	return entries, nil
}

// nextHOTP returns the board's HOTP generator: it advances and saves the
// account's counter, one account at a time, within --timeout.
func (o *watchOptions) nextHOTP(ctx context.Context, store *account.Store) func(account.Account, totp.Key) (string, error) {
	var mu sync.Mutex
	return func(a account.Account, key totp.Key) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		ctx, cancel := o.withTimeout(ctx)
		defer cancel()
		code, err := store.NextHOTP(ctx, a, key)
		return code, o.explainTimeout(ctx, err)
	}
}
