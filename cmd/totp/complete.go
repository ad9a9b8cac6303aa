package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/namecache"
)

// completeAccounts completes account names from the name cache, which
// listing and writes keep current. It makes no request and needs no
// passphrase, so completion stays instant even for a vault in the cloud.
func (g *globalOptions) completeAccounts(maxArgs int) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= maxArgs {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		g.quiet = true
		v, err := g.openVault()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cache, err := namecache.Open(v.String())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}

		var out []cobra.Completion
		prefix := strings.ToLower(toComplete)
		for _, e := range cache.Entries() {
			if strings.HasPrefix(strings.ToLower(e.Name), prefix) {
				out = append(out, cobra.CompletionWithDesc(e.Name, e.Issuer))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
