// Package clipboard copies text to the system clipboard without ever
// blocking its caller for long: a copy tool that hangs (xclip waiting for an
// X server that does not answer, say) is abandoned after a timeout.
package clipboard

import (
	"errors"
	"fmt"
	"time"

	"github.com/atotto/clipboard"
)

// DefaultTimeout is how long Copy waits for the system clipboard.
const DefaultTimeout = 3 * time.Second

// ErrUnavailable reports that no clipboard can be used, such as on a machine
// with no display or no copy tool (xclip, xsel or wl-copy on Linux).
var ErrUnavailable = errors.New("no clipboard available")

// Copier puts text on a clipboard.
type Copier interface {
	Copy(text string) error
}

// System is the system clipboard.
type System struct {
	// Timeout is how long Copy waits; zero means DefaultTimeout.
	Timeout time.Duration
}

// Copy puts text on the system clipboard. It returns an error wrapping
// ErrUnavailable when no clipboard tool is usable or the tool does not finish
// within the timeout.
func (s System) Copy(text string) error {
	if clipboard.Unsupported {
		return fmt.Errorf("%w: install xclip, xsel or wl-clipboard", ErrUnavailable)
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}

	done := make(chan error, 1)
	go func() { done <- clipboard.WriteAll(text) }()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return nil
	case <-timer.C:
		// NOTE: the copy tool's process is left running; the command exits
		// soon after and takes nothing of it along but this goroutine.
		return fmt.Errorf("%w: the copy tool did not finish within %s", ErrUnavailable, timeout)
	}
}
