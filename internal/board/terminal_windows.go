//go:build windows

package board

import (
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// resizePollInterval is how often the size of a Windows console is
// checked, since Windows sends no resize signal to a console program.
const resizePollInterval = 250 * time.Millisecond

// watchResize sends the size of out whenever it changes.
func watchResize(out *os.File, done <-chan struct{}) (<-chan resizeMsg, func()) {
	return pollResize(out, done, resizePollInterval)
}

// enableVirtualTerminal turns on ENABLE_VIRTUAL_TERMINAL_PROCESSING for the
// console of out, so that it interprets the control sequences the board
// writes, and returns a function that restores the console's mode.
func enableVirtualTerminal(out *os.File) (func(), error) {
	handle := windows.Handle(out.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(handle, &mode); err != nil {
		return nil, err
	}
	if err := windows.SetConsoleMode(handle, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING); err != nil {
		return nil, err
	}
	return func() { windows.SetConsoleMode(handle, mode) }, nil
}
