package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
	"github.com/totp-cli/totp/internal/input"
	"github.com/totp-cli/totp/internal/totp"
)

type addOptions struct {
	*globalOptions

	args []string
	// workers is how many secrets to read at once (--workers).
	workers int
	name    string
	force   bool
	dryRun  bool

	issuer    string
	account   string
	secret    string
	digits    int
	period    int
	algorithm string
	otpType   string
	counter   uint64
	steam     bool
}

func newAddCmd(g *globalOptions) *cobra.Command {
	o := &addOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "add [URI|FILE|-]...",
		Short: "Add accounts from URIs, QR code images or manual entry",
		Long: `Add accounts to the vault.

Each argument is an otpauth:// URI, a Google Authenticator export
(otpauth-migration://), the path of a QR code image (PNG, JPEG, GIF, BMP,
TIFF or WebP; every code in the image is read), the path of a text file with
one URI a line, or - for standard input (URIs one a line, or image bytes).

Without arguments, --secret with --issuer and --account adds one account by
hand; --secret - reads the secret from standard input, which keeps it out of
your shell history.

Each account is stored under a name derived from its issuer and account
(github-alice-example-com), or --name. An account that is already there with
the same key is skipped; one with a different key is an error unless --force
is given.`,
		Example: `  totp add 'otpauth://totp/GitHub:alice@example.com?secret=...&issuer=GitHub'
  totp add qr.png screenshot.jpg
  pbpaste | totp add -
  totp add --issuer GitHub --account alice --secret -
  totp add --issuer Example --account bob --secret JBSWY3DPEHPK3PXP --digits 8 --period 60 --algorithm SHA256
  totp add --dry-run accounts.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			return o.run(cmd.Context(), cmd)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.name, "name", "", "store the account under this name (one account only)")
	f.BoolVar(&o.force, "force", false, "replace an existing account that has a different key, and recover a deleted one")
	f.BoolVar(&o.dryRun, "dry-run", false, "show what would be added without writing anything")
	f.StringVar(&o.issuer, "issuer", "", "manual entry: the service, such as GitHub")
	f.StringVar(&o.account, "account", "", "manual entry: the user name or email at the service")
	f.StringVar(&o.secret, "secret", "", "manual entry: the base32 secret, or - to read it from standard input")
	f.IntVar(&o.digits, "digits", 6, "manual entry: code length, 6 to 10")
	f.IntVar(&o.period, "period", 30, "manual entry: seconds each TOTP code is valid")
	f.StringVar(&o.algorithm, "algorithm", "SHA1", "manual entry: SHA1, SHA256 or SHA512")
	f.StringVar(&o.otpType, "type", "totp", "manual entry: totp or hotp")
	f.Uint64Var(&o.counter, "counter", 0, "manual entry: the counter of the next HOTP code")
	f.BoolVar(&o.steam, "steam", false, "manual entry: a Steam Guard account (5-character codes)")
	addWorkersFlag(cmd, &o.workers, account.DefaultWorkers)
	return cmd
}

func (o *addOptions) run(ctx context.Context, cmd *cobra.Command) error {
	if o.name != "" {
		if err := account.CheckName(o.name); err != nil {
			return usageError{fmt.Errorf("--name: %w", err)}
		}
	}
	r := &input.Reader{
		Stdin:    o.IO.In,
		Progress: func(msg string) { fmt.Fprintf(o.IO.Err, "note: %s\n", msg) },
	}
	items, err := o.items(cmd, r)
	if err != nil {
		return err
	}
	missing := r.Missing()
	for _, m := range missing {
		fmt.Fprintf(o.IO.Err, "warning: %s\n", m)
	}

	if len(items) == 1 && items[0].Err != nil {
		return items[0].Err
	}

	var reqs []account.AddRequest
	failed := 0
	for _, it := range items {
		if it.Err != nil {
			fmt.Fprintf(o.IO.Err, "error: %s\n", oneLine(it.Err.Error()))
			failed++
			continue
		}
		if it.Note != "" {
			fmt.Fprintf(o.IO.Err, "note: %s: %s\n", it.Source, it.Note)
		}
		name := o.name
		if name == "" {
			name = it.Name
		}
		reqs = append(reqs, account.AddRequest{Name: name, Key: it.Key, Source: it.Source})
	}
	if o.name != "" && len(reqs)+failed > 1 {
		return usageErrorf("--name applies to one account, but the input contains %d", len(reqs)+failed)
	}

	if len(reqs) > 0 {
		f, err := o.store(ctx, reqs)
		if err != nil {
			return err
		}
		failed += f
	}

	if failed > 0 {
		return fmt.Errorf("%d of %d accounts not added", failed, len(items))
	}
	if len(missing) > 0 {
		n := 0
		for _, m := range missing {
			n += len(m.Missing)
		}
		return fmt.Errorf("the Google Authenticator export is incomplete: %d of its batches were not given", n)
	}
	return nil
}

// store adds reqs to the vault, prints a line per account and a summary, and
// returns how many failed.
func (o *addOptions) store(ctx context.Context, reqs []account.AddRequest) (int, error) {
	store, err := o.openStore()
	if err != nil {
		return 0, err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()
	results := store.Add(ctx, reqs, account.AddOptions{Force: o.force, DryRun: o.dryRun, Workers: o.workers})
	if len(results) == 1 && results[0].Status == account.Failed {
		return 0, o.explainTimeout(ctx, results[0].Err)
	}

	var added, replaced, skipped, failed int
	for _, r := range results {
		label := ""
		if l := r.Account.Label(); l != "" {
			label = " (" + codefmt.Clean(l) + ")"
		}
		note := ""
		if r.Note != "" {
			note = "; " + r.Note
		}
		would := ""
		if o.dryRun {
			would = "would be "
		}
		switch r.Status {
		case account.Added:
			added++
			fmt.Fprintf(o.IO.Err, "%sadded %s%s%s\n", would, r.Name, label, note)
		case account.Replaced:
			replaced++
			fmt.Fprintf(o.IO.Err, "%sreplaced %s%s%s\n", would, r.Name, label, note)
		case account.Unchanged:
			skipped++
			fmt.Fprintf(o.IO.Err, "skipped %s%s: already there with the same key%s\n", r.Name, label, note)
		default:
			failed++
			err := o.explainTimeout(ctx, r.Err)
			fmt.Fprintf(o.IO.Err, "error: %s\n", oneLine(err.Error()))
			printHints(o.IO.Err, err)
		}
	}
	if len(results) > 1 {
		fmt.Fprintf(o.IO.Err, "%s%d added, %d replaced, %d skipped, %d failed\n",
			map[bool]string{true: "dry run: ", false: ""}[o.dryRun], added, replaced, skipped, failed)
	}
	return failed, nil
}

// items reads the accounts that the arguments or the manual entry flags give.
func (o *addOptions) items(cmd *cobra.Command, r *input.Reader) ([]input.Item, error) {
	manual := false
	for _, name := range []string{"issuer", "account", "secret", "digits", "period", "algorithm", "type", "counter", "steam"} {
		if cmd.Flags().Changed(name) {
			manual = true
		}
	}

	switch {
	case manual && len(o.args) > 0:
		return nil, usageErrorf("give either arguments or the manual entry flags (--secret, --issuer, ...), not both")
	case manual:
		key, err := o.manualKey()
		if err != nil {
			return nil, err
		}
		return []input.Item{{Source: "manual entry", Key: key}}, nil
	case len(o.args) == 0:
		return nil, usageErrorf("nothing to add: give an otpauth URI, an image file, - for standard input, or --secret with --issuer and --account")
	}

	stdinUsed := false
	var items []input.Item
	for _, arg := range o.args {
		if arg == "-" {
			if stdinUsed {
				return nil, usageErrorf("- may be given only once")
			}
			stdinUsed = true
		}
		items = append(items, r.Read(arg)...)
	}
	return items, nil
}

// manualKey builds a key from the manual entry flags.
func (o *addOptions) manualKey() (totp.Key, error) {
	secretText := o.secret
	if secretText == "-" {
		line, err := bufio.NewReader(io.LimitReader(o.IO.In, 64<<10)).ReadString('\n')
		if err != nil && err != io.EOF {
			return totp.Key{}, fmt.Errorf("reading the secret from standard input: %w", err)
		}
		secretText = strings.TrimSpace(line)
	}
	if secretText == "" {
		return totp.Key{}, usageErrorf("manual entry needs --secret (or --secret - to read it from standard input)")
	}
	if o.issuer == "" && o.account == "" {
		return totp.Key{}, usageErrorf("manual entry needs --issuer or --account, or both")
	}

	secret, err := totp.DecodeSecret(secretText)
	if err != nil {
		return totp.Key{}, usageError{fmt.Errorf("--secret: %w", err)}
	}
	alg, err := totp.ParseAlgorithm(o.algorithm)
	if err != nil {
		return totp.Key{}, usageError{fmt.Errorf("--algorithm: %w", err)}
	}

	key := totp.Key{
		Type:      totp.Type(strings.ToLower(o.otpType)),
		Issuer:    o.issuer,
		Account:   o.account,
		Secret:    secret,
		Algorithm: alg,
		Digits:    o.digits,
		Period:    o.period,
		Counter:   o.counter,
		Steam:     o.steam,
	}
	switch key.Type {
	case totp.TOTP:
		key.Counter = 0
	case totp.HOTP:
		key.Period = 0
	default:
		return totp.Key{}, usageErrorf("invalid --type %q: use totp or hotp", o.otpType)
	}
	if o.steam {
		key.Digits = 5
	}
	if err := key.Validate(); err != nil {
		return totp.Key{}, usageError{err}
	}
	return key, nil
}
