//go:build !linux

package main

import (
	"errors"
	"time"
)

// ptySupported reports whether runWatch can open a pseudo-terminal.
const ptySupported = false

// runWatch is not implemented outside Linux, where the benchmark opens no
// pseudo-terminal.
func runWatch(path string, args, env []string, marker []byte) (time.Duration, error) {
	return 0, errors.New("measuring watch needs a pseudo-terminal, which this benchmark opens only on Linux")
}
