package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/config"
	"github.com/totp-cli/totp/internal/vault/keyvault"
)

// completeKeys completes the first argument with the configuration keys.
func completeKeys(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, s := range config.Settings {
		if strings.HasPrefix(s.Key, toComplete) {
			out = append(out, cobra.CompletionWithDesc(s.Key, s.Usage))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

func newConfigCmd(g *globalOptions) *cobra.Command {
	var keys []string
	for _, s := range config.Settings {
		keys = append(keys, fmt.Sprintf("  %-11s %s", s.Key, s.Usage))
	}
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Show and change settings",
		Long: `Show and change the settings in the configuration file.

Keys:
` + strings.Join(keys, "\n") + `

--vault and TOTP_VAULT take precedence over the vault key; --tenant and
AZURE_TENANT_ID over tenant; TOTP_AZ_TIMEOUT over az-timeout.`,
		Example: `  totp config set vault myvault
  totp config get vault
  totp config list
  totp config unset vault
  totp config path`,
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:               "get KEY",
			ValidArgsFunction: completeKeys,
			Short:             "Print the value of a setting",
			Args:              usageArgs(cobra.ExactArgs(1)),
			RunE: func(cmd *cobra.Command, args []string) error {
				if _, ok := config.Lookup(args[0]); !ok {
					return usageErrorf("unknown configuration key %q; see 'totp config --help'", args[0])
				}
				cfg, err := g.loadConfig()
				if err != nil {
					return err
				}
				v, ok := cfg.Get(args[0])
				if !ok {
					return fmt.Errorf("%s is not set in %s", args[0], cfg.Path())
				}
				_, err = fmt.Fprintln(g.IO.Out, v)
				return err
			},
		},
		&cobra.Command{
			Use:               "set KEY VALUE",
			ValidArgsFunction: completeKeys,
			Short:             "Change a setting",
			Args:              usageArgs(cobra.ExactArgs(2)),
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := g.loadConfig()
				if err != nil {
					return err
				}
				if err := checkSetting(args[0], args[1]); err != nil {
					return usageError{err}
				}
				if err := cfg.Set(args[0], args[1]); err != nil {
					return usageError{err}
				}
				return cfg.Save()
			},
		},
		&cobra.Command{
			Use:               "unset KEY",
			ValidArgsFunction: completeKeys,
			Short:             "Remove a setting",
			Args:              usageArgs(cobra.ExactArgs(1)),
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := g.loadConfig()
				if err != nil {
					return err
				}
				if err := cfg.Unset(args[0]); err != nil {
					return usageError{err}
				}
				return cfg.Save()
			},
		},
		&cobra.Command{
			Use:   "list",
			Short: "Print every setting that is set",
			Args:  usageArgs(cobra.NoArgs),
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := g.loadConfig()
				if err != nil {
					return err
				}
				for _, k := range cfg.Keys() {
					v, _ := cfg.Get(k)
					fmt.Fprintf(g.IO.Out, "%s=%s\n", k, v)
				}
				return nil
			},
		},
		&cobra.Command{
			Use:   "path",
			Short: "Print the path of the configuration file",
			Args:  usageArgs(cobra.NoArgs),
			RunE: func(cmd *cobra.Command, args []string) error {
				path, err := config.Path()
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(g.IO.Out, path)
				return err
			},
		},
	)
	return cmd
}

// checkSetting checks the values that the config package cannot check by
// itself, because checking them needs the vault backends: a vault name or
// URL, and a tenant.
func checkSetting(key, value string) error {
	switch key {
	case "vault":
		if strings.HasPrefix(value, "file:") {
			if value == "file:" {
				return fmt.Errorf("invalid vault %q: file: needs a path, as in file:/path/to/vault.age", value)
			}
			return nil
		}
		// A custom endpoint is checked when it is used, since
		// TOTP_ALLOW_CUSTOM_ENDPOINT may be set only then.
		if _, _, err := keyvault.ResolveURL(value, true); err != nil {
			return err
		}
	case "tenant":
		return keyvault.CheckTenant(value)
	}
	return nil
}
