// Package clipboard copies text to the user's clipboard, reads it back and
// clears it, without ever blocking its caller for long: every copy or paste
// tool runs under a timeout and is killed when it does not finish.
//
// Which clipboard is the user's depends on where totp runs, so Detect picks
// one tool in this order:
//
//   - over SSH with no display (SSH_TTY or SSH_CONNECTION set, neither
//     DISPLAY nor WAYLAND_DISPLAY), the terminal's clipboard through the
//     OSC 52 escape sequence, written to the controlling terminal when
//     standard output or standard error is a terminal (Unix only);
//   - on WSL (WSL_DISTRO_NAME set, or "microsoft" in /proc/version),
//     clip.exe, the Windows clipboard;
//   - on Wayland (WAYLAND_DISPLAY set), wl-copy;
//   - on X11 (DISPLAY set), xclip, else xsel;
//   - on macOS, pbcopy; on Windows, the Windows clipboard API.
//
// Text is compared by its SHA-256 (Hash), so that a process that clears the
// clipboard later needs only the hash, never the text.
package clipboard

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"

	"golang.org/x/term"
)

// DefaultTimeout is how long a copy or paste tool may run.
const DefaultTimeout = 3 * time.Second

// ErrUnavailable reports that no clipboard can be used, such as on a machine
// with no display or no copy tool (xclip, xsel or wl-copy on Linux), or that
// the tool failed or did not finish within the timeout.
var ErrUnavailable = errors.New("no clipboard available")

// ErrNotReadable reports that the chosen clipboard can be written but not
// read back: the terminal's (OSC 52), or a copy tool without its paste tool.
var ErrNotReadable = errors.New("the clipboard cannot be read back")

// Copier puts text on a clipboard.
type Copier interface {
	Copy(text string) error
}

// System is the user's clipboard. The zero value looks at the running
// process: its environment, its PATH, its standard streams and its
// controlling terminal.
type System struct {
	// Timeout is how long one copy or paste tool may run; zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Getenv reads an environment variable; nil means os.Getenv.
	Getenv func(string) string
	// LookPath finds an executable; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// Interactive reports whether standard output or standard error is a
	// terminal, which OSC 52 needs; nil checks os.Stdout and os.Stderr.
	Interactive func() bool
	// OpenTerminal opens the controlling terminal for writing the OSC 52
	// sequence; nil opens /dev/tty (CONOUT$ on Windows).
	OpenTerminal func() (io.WriteCloser, error)
	// ToolName, when not empty, forces the tool with that name (a Tool.Name
	// that Detect returned earlier) instead of detecting one.
	ToolName string
}

// Hash returns the SHA-256 of text, the form in which a clearing process
// receives the text it may clear.
func Hash(text string) [sha256.Size]byte {
	return sha256.Sum256([]byte(text))
}

// Detect returns the tool that Copy, Read and Clear use, or an error
// wrapping ErrUnavailable that names what to install or set.
func (s System) Detect() (Tool, error) {
	e := environment{
		goos:        runtime.GOOS,
		getenv:      s.getenv(),
		lookPath:    s.lookPath(),
		procVersion: readProcVersion,
		interactive: s.interactive(),
	}
	if s.ToolName != "" {
		return e.named(s.ToolName)
	}
	return e.detect()
}

// Copy puts text on the clipboard that Detect chooses.
func (s System) Copy(text string) error {
	tool, err := s.Detect()
	if err != nil {
		return err
	}
	return s.CopyWith(tool, text)
}

// CopyWith puts text on the clipboard through tool. It returns an error
// wrapping ErrUnavailable when the tool fails or does not finish within the
// timeout.
func (s System) CopyWith(tool Tool, text string) error {
	switch tool.Name {
	case ToolOSC52:
		return s.writeOSC52(text)
	case ToolWindows:
		return s.withTimeout(func() error { return nativeWrite(text) })
	}
	_, err := s.run("copy", tool.Path, tool.copyArgs, text, false)
	return err
}

// Read returns the text on the clipboard through tool. It returns an error
// wrapping ErrNotReadable for a tool that cannot read.
func (s System) Read(tool Tool) (string, error) {
	switch {
	case tool.Name == ToolWindows:
		var text string
		err := s.withTimeout(func() error {
			var err error
			text, err = nativeRead()
			return err
		})
		return text, err
	case tool.pastePath == "":
		return "", fmt.Errorf("%w through %s", ErrNotReadable, tool.Name)
	}
	out, err := s.run("paste", tool.pastePath, tool.pasteArgs, "", true)
	if err != nil {
		return "", err
	}
	return tool.trimPaste(string(out)), nil
}

// Clear empties the clipboard through tool.
func (s System) Clear(tool Tool) error {
	if tool.Name == ToolOSC52 {
		return fmt.Errorf("%w through %s, so it is not cleared", ErrNotReadable, tool.Name)
	}
	if tool.clearArgs != nil {
		_, err := s.run("clear", tool.Path, tool.clearArgs, "", false)
		return err
	}
	return s.CopyWith(tool, "")
}

// ClearIfUnchanged clears the clipboard through tool when it still holds the
// text whose Hash is want, and reports whether it cleared it. A clipboard
// that changed is left alone.
//
// NOTE: text copied between the read and the clear is lost. The window is
// one run of the copy tool, a few milliseconds for xclip.
func (s System) ClearIfUnchanged(tool Tool, want [sha256.Size]byte) (bool, error) {
	text, err := s.Read(tool)
	if err != nil {
		return false, err
	}
	if Hash(text) != want {
		return false, nil
	}
	if err := s.Clear(tool); err != nil {
		return false, err
	}
	return true, nil
}

func (s System) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultTimeout
}

func (s System) getenv() func(string) string {
	if s.Getenv != nil {
		return s.Getenv
	}
	return os.Getenv
}

func (s System) lookPath() func(string) (string, error) {
	if s.LookPath != nil {
		return s.LookPath
	}
	return exec.LookPath
}

func (s System) interactive() func() bool {
	if s.Interactive != nil {
		return s.Interactive
	}
	return func() bool {
		return term.IsTerminal(int(os.Stdout.Fd())) || term.IsTerminal(int(os.Stderr.Fd()))
	}
}

// withTimeout runs fn, a call of the Windows clipboard API, and gives up
// waiting for it after the timeout.
func (s System) withTimeout(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()

	timer := time.NewTimer(s.timeout())
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return nil
	case <-timer.C:
		return fmt.Errorf("%w: the windows clipboard did not respond within %s", ErrUnavailable, s.timeout())
	}
}

// run starts the tool at path with args, writes input to its standard input
// and returns its standard output when capture is set. A tool that runs
// longer than the timeout is killed with its process group.
func (s System) run(what, path string, args []string, input string, capture bool) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout())
	defer cancel()

	out, err := runTool(ctx, path, args, input, capture)
	if err == nil {
		return out, nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: the %s tool did not finish within %s", ErrUnavailable, what, s.timeout())
	}
	return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
}
