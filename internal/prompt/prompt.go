// Package prompt reads a passphrase from a terminal without echoing it.
package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/totp-cli/totp/internal/hint"
)

var (
	// ErrNoTerminal is returned when stdin is not a terminal.
	ErrNoTerminal = errors.New("standard input is not a terminal")
	// ErrMismatch is returned when the confirmation differs from the first
	// passphrase.
	ErrMismatch = errors.New("passphrases do not match")
	// ErrInterrupted is returned when an interrupt or termination signal
	// (Ctrl-C) arrives while the user types.
	ErrInterrupted = errors.New("interrupted")
)

// Passphrase prompts on out with "Enter passphrase for LABEL: " and reads a
// line from the terminal in without echo. With confirm it prompts a second
// time and returns ErrMismatch when the two lines differ. When in is not a terminal it
// returns an error that wraps ErrNoTerminal, with a hint to set
// TOTP_PASSPHRASE.
//
// While it waits for input, an interrupt (Ctrl-C) or SIGTERM restores the
// terminal's echo and makes it return ErrInterrupted, in place of the signal's
// default action of ending the process with echo still off. The goroutine that
// reads the terminal then stays blocked until a line or end of file arrives,
// so the caller should exit soon after.
//
// NOTE: the tests run the terminal paths, Ctrl-C included, on a Linux
// pseudo-terminal only. The Windows console path is compiled but untested.
func Passphrase(in *os.File, out io.Writer, label string, confirm bool) ([]byte, error) {
	if in == nil || !term.IsTerminal(int(in.Fd())) {
		err := fmt.Errorf("reading passphrase for %s: %w", label, ErrNoTerminal)
		return nil, hint.Wrap(err, "set TOTP_PASSPHRASE to give the passphrase without a terminal")
	}
	fd := int(in.Fd())

	pass, err := readHidden(fd, out, "Enter passphrase for "+label+": ")
	if err != nil {
		return nil, fmt.Errorf("reading passphrase for %s: %w", label, err)
	}
	if !confirm {
		return pass, nil
	}

	again, err := readHidden(fd, out, "Confirm passphrase for "+label+": ")
	if err != nil {
		clear(pass)
		return nil, fmt.Errorf("reading passphrase confirmation for %s: %w", label, err)
	}
	match := bytes.Equal(pass, again)
	clear(again)
	if !match {
		clear(pass)
		return nil, hint.Wrap(fmt.Errorf("reading passphrase for %s: %w", label, ErrMismatch), "type the same passphrase twice")
	}
	return pass, nil
}

// readHidden writes prompt to out and reads one line from the terminal fd
// with echo off.
func readHidden(fd int, out io.Writer, prompt string) ([]byte, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	type result struct {
		line []byte
		err  error
	}
	done := make(chan result, 1)

	fmt.Fprint(out, prompt)
	go func() {
		line, err := term.ReadPassword(fd)
		done <- result{line, err}
	}()

	// The user's Enter is not echoed either, so end the prompt's line here.
	select {
	case r := <-done:
		fmt.Fprintln(out)
		return r.line, r.err
	case <-signals:
		_ = term.Restore(fd, state)
		fmt.Fprintln(out)
		return nil, ErrInterrupted
	}
}
