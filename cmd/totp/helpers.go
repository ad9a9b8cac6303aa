package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/hint"
)

// printHints writes each remedy attached to err as a "hint:" line.
func printHints(w io.Writer, err error) {
	for _, h := range hint.Hints(err) {
		fmt.Fprintf(w, "hint: %s\n", oneLine(h))
	}
}

// exactArgs accepts exactly the arguments named, such as "NAME" or
// "OLD", "NEW", and reports a missing or extra one by name, as a usage
// error.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < len(names):
			return usageErrorf("missing %s", strings.Join(names[len(args):], " and "))
		case len(args) > len(names):
			return usageErrorf("too many arguments: %s takes %s", cmd.CommandPath(), strings.Join(names, " "))
		}
		return nil
	}
}
