// Package iostreams holds the standard streams of one command run and what
// is known about them: which are terminals, and whether colour is wanted.
//
// The output rule of the whole tool is written here once: standard output
// carries only the result of a command (a code, a table, JSON, exported
// URIs), with no colour or control sequences unless it is a terminal.
// Everything else (progress, notes, warnings, errors, prompts) goes to
// standard error.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the streams of one command run.
type IOStreams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	// InFile is In as a file, for reading a passphrase without echo; nil
	// when In is not a file.
	InFile *os.File

	InTTY  bool
	OutTTY bool
	ErrTTY bool

	// NoColor is set when the NO_COLOR environment variable is non-empty.
	NoColor bool

	// Width returns the width of the terminal on Out, or 80 when unknown.
	Width func() int
}

// System returns the process's standard streams.
func System() *IOStreams {
	return &IOStreams{
		In:      os.Stdin,
		Out:     os.Stdout,
		Err:     os.Stderr,
		InFile:  os.Stdin,
		InTTY:   term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY:  term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		NoColor: os.Getenv("NO_COLOR") != "",
		Width: func() int {
			w, _, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil || w <= 0 {
				return 80
			}
			return w
		},
	}
}

// Test returns streams backed by buffers: stdin reads from in, and stdout
// and stderr are returned for inspection. None is a terminal until the
// caller sets the TTY fields.
func Test(in string) (s *IOStreams, stdout, stderr *bytes.Buffer) {
	stdout = &bytes.Buffer{}
	stderr = &bytes.Buffer{}
	s = &IOStreams{
		In:    bytes.NewBufferString(in),
		Out:   stdout,
		Err:   stderr,
		Width: func() int { return 80 },
	}
	return s, stdout, stderr
}

// Color reports whether output to stdout may use colour.
func (s *IOStreams) Color() bool { return s.OutTTY && !s.NoColor }
