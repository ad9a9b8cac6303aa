package main

import (
	"fmt"
	"io"

	"github.com/totp-cli/totp/internal/hint"
)

// printHints writes each remedy attached to err as a "hint:" line.
func printHints(w io.Writer, err error) {
	for _, h := range hint.Hints(err) {
		fmt.Fprintf(w, "hint: %s\n", h)
	}
}
