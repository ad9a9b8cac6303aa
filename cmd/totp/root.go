package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/clipboard"
	"github.com/totp-cli/totp/internal/iostreams"
	"github.com/totp-cli/totp/internal/prompt"
	"github.com/totp-cli/totp/internal/totp"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// globalOptions holds the dependencies every command shares, then the
// values of the global flags.
type globalOptions struct {
	IO        *iostreams.IOStreams
	Getenv    func(string) string
	Now       func() time.Time
	Sleep     func(ctx context.Context, d time.Duration) error
	Clipboard clipboard.Copier

	vault   string
	timeout time.Duration
	verbose bool
	tenant  string
	// noTokenCache turns off the cache of Key Vault access tokens.
	noTokenCache bool
	// timeoutSet records that --timeout was given; localVault that the
	// vault opened is a local file. See withTimeout.
	timeoutSet bool
	localVault bool
	log        *slog.Logger
	// quiet drops notes, for shell completion.
	quiet bool
}

// usageError marks an error in the command line itself; it exits with 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// usageArgs makes an argument validator's errors usage errors.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// run runs the command line args and returns the exit status.
func run(args []string, streams *iostreams.IOStreams, getenv func(string) string) int {
	g := &globalOptions{
		IO:        streams,
		Getenv:    getenv,
		Now:       time.Now,
		Sleep:     sleepContext,
		Clipboard: clipboard.System{},
	}
	return execute(g, args)
}

// execute runs args with the dependencies in g and maps the outcome to an
// exit status, printing any error as an "error:" line and its "hint:" lines
// on stderr.
func execute(g *globalOptions, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetIn(g.IO.In)
	root.SetOut(g.IO.Out)
	root.SetErr(g.IO.Err)

	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}

	if errors.Is(err, prompt.ErrInterrupted) || (errors.Is(err, context.Canceled) && ctx.Err() != nil) {
		fmt.Fprintln(g.IO.Err, "error: interrupted")
		return exitFailure
	}
	fmt.Fprintf(g.IO.Err, "error: %s\n", oneLine(err.Error()))
	printHints(g.IO.Err, err)
	if isUsageError(err) {
		fmt.Fprintf(g.IO.Err, "Run '%s --help' for usage.\n", commandPath(root, args))
		return exitUsage
	}
	return exitFailure
}

// oneLine folds a message onto one line, so that an error never spreads
// over several, and hides any secret in it: a message may quote user input,
// such as an otpauth URI pasted where a name belongs.
func oneLine(s string) string {
	return totp.Redact(strings.Join(strings.Fields(s), " "))
}

func isUsageError(err error) bool {
	var u usageError
	if errors.As(err, &u) {
		return true
	}
	// Cobra reports these itself, without a way to wrap them.
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "required flag", "invalid argument", "flag needs an argument", "if any flags in the group"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}

// commandPath returns the path of the command that args run, such as
// "totp code", for the usage hint.
func commandPath(root *cobra.Command, args []string) string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return root.Name()
	}
	return cmd.CommandPath()
}

func newRootCmd(g *globalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "totp",
		Short: "Authenticator codes from Azure Key Vault",
		Long: `totp keeps TOTP and HOTP authenticator accounts in your Azure Key Vault,
or in a local age-encrypted vault file, and prints their codes.

Accounts come from otpauth:// URIs, Google Authenticator exports and QR code
images. Listing never reveals a secret. In a pipe, 'totp code' prints the bare
code, so scripts can use it.

Choose the vault with --vault, the TOTP_VAULT environment variable, or
'totp config set vault NAME'. With none of them, totp uses a local vault file
in your data directory.

Exit status: 0 on success, 1 on failure, 2 for a usage error.`,
		Example: `  totp add 'otpauth://totp/GitHub:alice?secret=...&issuer=GitHub'
  totp add qr.png
  totp list
  totp code github
  code=$(totp code github)
  TOTP_VAULT=myvault totp code github --copy`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Version:           versionString(),
		DisableAutoGenTag: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.verbose {
				g.log = slog.New(slog.NewTextHandler(g.IO.Err, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
			g.timeoutSet = cmd.Flags().Changed("timeout")
			if g.timeout <= 0 {
				return usageErrorf("invalid --timeout %s: must be positive", g.timeout)
			}
			if f := cmd.Flags().Lookup("workers"); f != nil && f.Changed {
				if n, err := strconv.Atoi(f.Value.String()); err != nil || n < 1 || n > 64 {
					return usageErrorf("invalid --workers %s: use 1 to 64", f.Value)
				}
			}
			return nil
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.SetVersionTemplate("{{.Version}}\n")

	flags := root.PersistentFlags()
	flags.StringVar(&g.vault, "vault", "", "Key Vault name or URL, or file:PATH for a local vault file (default: $TOTP_VAULT, then the config file, then the local vault)")
	flags.DurationVar(&g.timeout, "timeout", 30*time.Second, "how long to wait for Key Vault before giving up; for a local vault file, 5m unless given, to wait for other totp processes' writes")
	flags.BoolVar(&g.verbose, "verbose", false, "print requests and other details on stderr (never a secret)")
	flags.BoolVar(&g.noTokenCache, "no-token-cache", false, "do not reuse the Key Vault access token of an earlier run (see 'totp config' key token-cache)")
	flags.StringVar(&g.tenant, "tenant", "", "Microsoft Entra tenant ID of the Key Vault (default: $AZURE_TENANT_ID, then the config file, then the Azure CLI's)")

	root.AddCommand(
		newAddCmd(g),
		newListCmd(g),
		newCodeCmd(g),
		newWatchCmd(g),
		newRmCmd(g),
		newRecoverCmd(g),
		newRenameCmd(g),
		newExportCmd(g),
		newConfigCmd(g),
		newVersionCmd(g),
		newDoctorCmd(g),
		newVerifyCmd(g),
		newClipboardClearCmd(g),
	)
	return root
}

// addWorkersFlag adds --workers, stored in workers, to a command that reads
// many secrets. The root command checks its range.
func addWorkersFlag(cmd *cobra.Command, workers *int, defaultWorkers int) {
	cmd.Flags().IntVar(workers, "workers", defaultWorkers, "how many secrets to read at once, 1 to 64")
}
