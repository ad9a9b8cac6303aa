package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
	"github.com/totp-cli/totp/internal/vault"
)

type rmOptions struct {
	*globalOptions

	name  string
	purge bool
	yes   bool
}

func newRmCmd(g *globalOptions) *cobra.Command {
	o := &rmOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:     "rm NAME",
		Aliases: []string{"remove", "delete"},
		Short:   "Delete an account (it can be recovered)",
		Long: `Delete the account NAME, the exact name from 'totp list'.

The deletion is soft: 'totp recover NAME' brings the account back until the
vault purges it (Key Vault keeps deleted secrets for its retention period, 7
to 90 days; the local vault keeps them 90 days). --purge removes the account
for good at once; it asks for confirmation on a terminal and needs --yes
otherwise.`,
		Example: `  totp rm github-alice
  totp recover github-alice
  totp rm github-alice --purge --yes`,
		Args:              exactArgs("NAME"),
		ValidArgsFunction: g.completeAccounts(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.purge, "purge", false, "remove the account for good; it cannot be recovered")
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func (o *rmOptions) run(ctx context.Context) error {
	if err := account.CheckName(o.name); err != nil {
		return usageError{err}
	}
	if o.purge && !o.yes {
		ok, err := o.confirm(fmt.Sprintf("Remove %s for good? It cannot be recovered. [y/N] ", o.name))
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("not removed: not confirmed")
		}
	}

	store, err := o.openStore()
	if err != nil {
		return err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()

	a, d, err := store.Remove(ctx, o.name)
	if err != nil && o.purge && (errors.Is(err, vault.ErrDeleted) || errors.Is(err, vault.ErrNotFound)) {
		// Already deleted: purge what is there.
		if deleted, derr := store.Vault.GetDeleted(ctx, o.name); derr == nil {
			if err := store.Purge(ctx, deleted.Name); err != nil {
				return o.explainTimeout(ctx, err)
			}
			fmt.Fprintf(o.IO.Err, "removed %s for good\n", deleted.Name)
			return nil
		}
	}
	if err != nil {
		return o.explainTimeout(ctx, err)
	}
	if o.purge {
		if err := store.Purge(ctx, a.Name); err != nil {
			return o.explainTimeout(ctx, fmt.Errorf("%s was deleted but not purged: %w", a.Name, err))
		}
		fmt.Fprintf(o.IO.Err, "removed %s%s for good\n", a.Name, labelSuffix(a))
		return nil
	}
	fmt.Fprintf(o.IO.Err, "deleted %s%s; %s\n", a.Name, labelSuffix(a), recoveryNote(a.Name, d))
	return nil
}

// recoveryNote returns how to get a deleted account back, and until when.
func recoveryNote(name string, d vault.DeletedSecret) string {
	if d.PurgeOn.IsZero() {
		return fmt.Sprintf("recover it with 'totp recover %s'", name)
	}
	days := int(time.Until(d.PurgeOn).Hours()/24 + 0.5)
	return fmt.Sprintf("recover it with 'totp recover %s' until %s (%d days)", name, d.PurgeOn.UTC().Format("2006-01-02"), days)
}

func labelSuffix(a account.Account) string {
	if l := a.Label(); l != "" {
		return " (" + codefmt.Clean(l) + ")"
	}
	return ""
}

// confirm prints a yes/no question on the terminal and reads the reply.
// Without a terminal it returns an error naming --yes.
func (o *rmOptions) confirm(question string) (bool, error) {
	if !o.IO.InTTY || !o.IO.ErrTTY {
		return false, usageErrorf("--purge needs --yes when not run in a terminal")
	}
	fmt.Fprint(o.IO.Err, question)
	line, err := bufio.NewReader(o.IO.In).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}
