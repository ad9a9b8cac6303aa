package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/config"
	"github.com/totp-cli/totp/internal/doctor"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault/keyvault"
	"github.com/totp-cli/totp/internal/vault/local"
)

type doctorOptions struct {
	*globalOptions
	// LookPath finds the Azure CLI.
	LookPath func(string) (string, error)
	// RunAz runs the Azure CLI.
	RunAz doctor.Runner
	// Rand names the secrets that the permission probes ask for.
	Rand io.Reader
}

func newDoctorCmd(g *globalOptions) *cobra.Command {
	o := &doctorOptions{globalOptions: g, LookPath: exec.LookPath, RunAz: doctor.ExecRunner, Rand: rand.Reader}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the configuration, vault, sign-in, permissions, clock and clipboard",
		Long: `Check everything that totp depends on and print one line per check:

  ok      CHECK: DETAIL
  warning CHECK: DETAIL
  problem CHECK: DETAIL
          hint: WHAT TO DO
  skipped CHECK: WHY

The checks: the configuration file; which vault is used and what chose it;
for Key Vault, the Azure CLI and its sign-in, whether the vault answers and
accepts the token, the permissions to list, read and write secrets, the
accounts, and the local clock against the vault's; for a local vault, the
file, its mode and whether the passphrase opens it; the clipboard that
--copy uses; and the name cache.

The permission checks read and update a secret with a random name that does
not exist, so they change nothing. No secret is ever printed.

EXIT STATUS
  0  no problem (warnings allowed)
  1  at least one problem
  2  usage error`,
		Example: `  totp doctor
  totp doctor --vault myvault
  TOTP_VAULT=file:/tmp/test.age totp doctor`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context())
		},
	}
	return cmd
}

func (o *doctorOptions) run(ctx context.Context) error {
	// The report names the vault, so the note about the default local
	// vault is not needed.
	o.quiet = true
	report := &doctor.Report{}

	cfg := o.checkConfig(report)
	vaultID := o.checkVault(ctx, report, cfg)

	clearAfter, err := clearAfterSetting(cfg)
	if err != nil {
		clearAfter = defaultClearAfter
	}
	report.Add(doctor.Clipboard(o.systemClipboard(), clearAfter))
	if vaultID != "" {
		report.Add(doctor.NameCache(vaultID))
	}

	if err := report.Write(o.IO.Out); err != nil {
		return err
	}
	switch n := report.Problems(); n {
	case 0:
		return nil
	case 1:
		return errors.New("doctor found 1 problem; see the hints above")
	default:
		return fmt.Errorf("doctor found %d problems; see the hints above", n)
	}
}

// checkConfig reports on the configuration file and returns it, or an empty
// configuration when it cannot be read.
func (o *doctorOptions) checkConfig(report *doctor.Report) *config.Config {
	path, err := config.Path()
	if err != nil {
		report.Add(doctor.Config("", nil, err))
		return &config.Config{}
	}
	cfg, err := config.Load(path)
	report.Add(doctor.Config(path, cfg, err))
	if err != nil {
		return &config.Config{}
	}
	return cfg
}

// checkVault reports on the chosen vault and returns its name for the name
// cache, or "" when it cannot be opened.
func (o *doctorOptions) checkVault(ctx context.Context, report *doctor.Report, cfg *config.Config) string {
	value, source := o.vaultSetting(cfg)
	switch {
	case value == "":
		path, err := local.DefaultPath()
		if err != nil {
			report.Add(doctor.VaultError(err))
			return ""
		}
		return o.checkLocal(ctx, report, path, "the default: no --vault, TOTP_VAULT or config key vault is set")
	case strings.HasPrefix(value, "file:"):
		path := strings.TrimPrefix(value, "file:")
		if path == "" {
			report.Add(doctor.VaultError(fmt.Errorf("invalid vault %q from %s: file: needs a path, as in file:/path/to/vault.age", value, source)))
			return ""
		}
		return o.checkLocal(ctx, report, path, "from "+source)
	}
	return o.checkKeyVault(ctx, report, value, source, cfg)
}

// checkLocal reports on the local vault at path, chosen for reason.
func (o *doctorOptions) checkLocal(ctx context.Context, report *doctor.Report, path, reason string) string {
	v, err := o.openLocal(path)
	if err != nil {
		report.Add(doctor.VaultError(err))
		return ""
	}
	lv, ok := v.(*local.Vault)
	if !ok {
		report.Add(doctor.VaultError(fmt.Errorf("%s is not a local vault", v)))
		return ""
	}
	report.Add(doctor.Vault(lv.String(), reason))

	passphrase := "TOTP_PASSPHRASE"
	if o.Getenv("TOTP_PASSPHRASE") == "" {
		passphrase = "the prompt"
	}
	report.Add(doctor.Local(ctx, lv, runtime.GOOS, passphrase)...)
	return lv.String()
}

func (o *doctorOptions) checkKeyVault(ctx context.Context, report *doctor.Report, value, source string, cfg *config.Config) string {
	azTimeout, err := o.azTimeout(cfg)
	if err != nil {
		report.Add(doctor.VaultError(err))
		return ""
	}
	if azTimeout == 0 {
		azTimeout = keyvault.DefaultCLITimeout
	}
	env := doctor.Env{LookPath: o.LookPath, Run: o.RunAz, CLITimeout: azTimeout, Now: o.Now, Rand: o.Rand}
	tenant, _ := o.tenantSetting(cfg)

	v, err := o.openKeyVault(value, source, cfg)
	if err != nil {
		report.Add(doctor.VaultError(err))
		azResults, _ := doctor.AzCLI(ctx, env, tenant)
		report.Add(azResults...)
		return ""
	}
	kv, ok := v.(*keyvault.Vault)
	if !ok {
		report.Add(doctor.VaultError(fmt.Errorf("%s is not a key vault", v)))
		return ""
	}
	report.Add(doctor.Vault(kv.String(), "from "+source))

	azResults, _ := doctor.AzCLI(ctx, env, tenant)
	report.Add(azResults...)

	ctx, cancel := o.withTimeout(ctx)
	defer cancel()
	report.Add(doctor.KeyVault(ctx, kv, env)...)
	return kv.String()
}

// findCheckingClock finds the account for query in store. With checkClock it
// also warns on stderr when the Date headers of the vault's responses show
// the local clock off by more than the account's period, so that its codes
// may be rejected. It sends no request of its own and checks TOTP accounts
// only.
func (g *globalOptions) findCheckingClock(ctx context.Context, store *account.Store, query string, checkClock bool) (account.Account, totp.Key, error) {
	ctx, dates := keyvault.WithDateRecorder(ctx, g.Now)
	a, key, err := store.Find(ctx, query)
	if err == nil && checkClock {
		g.warnClockSkew(dates, key)
	}
	return a, key, err
}

// warnClockSkew warns on stderr when dates saw the local clock off from the
// vault's by more than key's period.
func (g *globalOptions) warnClockSkew(dates *keyvault.DateRecorder, key totp.Key) {
	if key.Type != totp.TOTP || key.Period <= 0 {
		return
	}
	offset, ok := dates.Offset()
	period := time.Duration(key.Period) * time.Second
	if !ok || offset.Offset.Abs() <= period {
		return
	}
	direction := "behind"
	if offset.Offset < 0 {
		direction = "ahead of"
	}
	fmt.Fprintf(g.IO.Err, "warning: the local clock is %s %s key vault's, more than the %s period, so the code may be rejected; run 'totp doctor'\n",
		offset.Offset.Abs().Round(time.Second), direction, period)
}
