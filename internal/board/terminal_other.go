//go:build !unix && !windows

package board

import (
	"os"
	"time"
)

// resizePollInterval is how often the terminal's size is checked on
// systems without a resize signal.
const resizePollInterval = 250 * time.Millisecond

// watchResize sends the size of out whenever it changes.
func watchResize(out *os.File, done <-chan struct{}) (<-chan resizeMsg, func()) {
	return pollResize(out, done, resizePollInterval)
}

// enableVirtualTerminal does nothing on these systems.
func enableVirtualTerminal(*os.File) (func(), error) {
	return func() {}, nil
}
