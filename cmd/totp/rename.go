package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
)

type renameOptions struct {
	*globalOptions

	oldName string
	newName string
}

func newRenameCmd(g *globalOptions) *cobra.Command {
	o := &renameOptions{globalOptions: g}
	return &cobra.Command{
		Use:     "rename OLD NEW",
		Aliases: []string{"mv"},
		Short:   "Give an account another name",
		Long: `Store the account OLD under the name NEW, then delete OLD.

NEW is written before OLD is deleted, so an interruption leaves both, never
neither. OLD is deleted softly and can be recovered with 'totp recover OLD'.`,
		Example:           `  totp rename github-alice-example-com github`,
		Args:              exactArgs("OLD", "NEW"),
		ValidArgsFunction: g.completeAccounts(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.oldName, o.newName = args[0], args[1]
			return o.run(cmd.Context())
		},
	}
}

func (o *renameOptions) run(ctx context.Context) error {
	for _, name := range []string{o.oldName, o.newName} {
		if err := account.CheckName(name); err != nil {
			return usageError{err}
		}
	}
	store, err := o.openStore()
	if err != nil {
		return err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()

	a, d, err := store.Rename(ctx, o.oldName, o.newName)
	if err != nil {
		return o.explainTimeout(ctx, err)
	}
	fmt.Fprintf(o.IO.Err, "renamed %s to %s%s; the old name is deleted: %s\n", o.oldName, a.Name, labelSuffix(a), recoveryNote(o.oldName, d))
	return nil
}
