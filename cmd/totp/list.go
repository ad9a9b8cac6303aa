package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
)

type listOptions struct {
	*globalOptions

	filter string
	json   bool
}

func newListCmd(g *globalOptions) *cobra.Command {
	o := &listOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:     "list [FILTER]",
		Aliases: []string{"ls"},
		Short:   "List accounts, never showing a secret",
		Long: `List the accounts in the vault: name, issuer, account, type, digits and period.

FILTER keeps the accounts whose name, issuer or account contains it, ignoring
case. Listing reads only the secrets' tags, never a secret.

On a terminal the list is a table with a header. Otherwise each account is a
line of tab-separated fields without a header, for scripts; --json prints one
JSON array.`,
		Example: `  totp list
  totp list github
  totp list --json | jq -r '.[].name'`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.filter = args[0]
			}
			return o.run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print a JSON array of objects with name, issuer, account, type, digits, period and algorithm")
	return cmd
}

// listJSON is the documented output of 'totp list --json', one element per
// account.
type listJSON struct {
	Name      string `json:"name"`
	Issuer    string `json:"issuer"`
	Account   string `json:"account"`
	Type      string `json:"type"`
	Digits    int    `json:"digits"`
	Period    int    `json:"period"`
	Algorithm string `json:"algorithm"`
	Enabled   bool   `json:"enabled"`
}

func (o *listOptions) run(ctx context.Context) error {
	store, err := o.openStore()
	if err != nil {
		return err
	}
	ctx, cancel := o.withTimeout(ctx)
	defer cancel()
	accounts, err := store.List(ctx, o.filter)
	if err != nil {
		return o.explainTimeout(ctx, err)
	}

	if o.json {
		out := make([]listJSON, 0, len(accounts))
		for _, a := range accounts {
			out = append(out, listJSON{
				Name: a.Name, Issuer: a.Issuer, Account: a.Account, Type: string(a.Type),
				Digits: a.Digits, Period: a.Period, Algorithm: string(a.Algorithm), Enabled: a.Enabled,
			})
		}
		data, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.IO.Out, "%s\n", data)
		return err
	}

	if len(accounts) == 0 {
		if o.IO.ErrTTY || o.IO.OutTTY {
			if o.filter != "" {
				fmt.Fprintf(o.IO.Err, "No account matches %q in %s.\n", o.filter, store.Vault)
			} else {
				fmt.Fprintf(o.IO.Err, "No accounts in %s yet; add one with 'totp add'.\n", store.Vault)
			}
		}
		return nil
	}

	if !o.IO.OutTTY {
		for _, a := range accounts {
			fmt.Fprintf(o.IO.Out, "%s\t%s\t%s\t%s\t%d\t%s\n",
				a.Name, codefmt.Clean(a.Issuer), codefmt.Clean(a.Account), a.Type, a.Digits, periodField(a))
		}
		return nil
	}

	w := tabwriter.NewWriter(o.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tISSUER\tACCOUNT\tTYPE\tDIGITS\tPERIOD")
	for _, a := range accounts {
		name := a.Name
		if !a.Enabled {
			name += " (disabled)"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\n",
			name, codefmt.Clean(a.Issuer), codefmt.Clean(a.Account), a.Type, a.Digits, periodField(a))
	}
	return w.Flush()
}

// periodField is the PERIOD column: seconds for TOTP, "-" for HOTP.
func periodField(a account.Account) string {
	if a.Period == 0 {
		return "-"
	}
	return strconv.Itoa(a.Period)
}
