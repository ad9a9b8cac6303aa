//go:build unix

package board

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// watchResize sends the size of out after each SIGWINCH, which the kernel
// sends when the terminal's size changes.
func watchResize(out *os.File, done <-chan struct{}) (<-chan resizeMsg, func()) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGWINCH)
	sizes := make(chan resizeMsg)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-signals:
			}
			w, h, err := term.GetSize(int(out.Fd()))
			if err != nil {
				continue
			}
			select {
			case sizes <- resizeMsg{w, h}:
			case <-done:
				return
			}
		}
	}()
	return sizes, func() { signal.Stop(signals) }
}

// enableVirtualTerminal does nothing: Unix terminals interpret control
// sequences without being asked.
func enableVirtualTerminal(*os.File) (func(), error) {
	return func() {}, nil
}
