package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
)

type recoverOptions struct {
	*globalOptions

	name string
}

func newRecoverCmd(g *globalOptions) *cobra.Command {
	o := &recoverOptions{globalOptions: g}
	return &cobra.Command{
		Use:   "recover NAME",
		Short: "Bring back a deleted account",
		Long: `Bring back the account NAME that 'totp rm' deleted, with all its versions,
as long as the vault has not purged it.`,
		Example: `  totp recover github-alice`,
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			return o.run(cmd.Context())
		},
	}
}

func (o *recoverOptions) run(ctx context.Context) error {
	if err := account.CheckName(o.name); err != nil {
		return usageError{err}
	}
	store, err := o.openStore()
	if err != nil {
		return err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()

	a, err := store.Recover(ctx, o.name)
	if err != nil {
		return o.explainTimeout(ctx, err)
	}
	fmt.Fprintf(o.IO.Err, "recovered %s%s\n", a.Name, labelSuffix(a))
	return nil
}
