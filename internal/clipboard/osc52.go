package clipboard

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// OSC52 returns the escape sequence that requests a terminal to put text on
// its clipboard: ESC ] 52 ; c ; BASE64 BEL, where "c" selects the clipboard (not
// the primary selection) and BASE64 is text in standard padded base64. This
// is xterm's "Manipulate Selection Data" operating system command. Many
// terminal emulators follow it; some ignore it, or ask the user first.
func OSC52(text string) []byte {
	return []byte("\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07")
}

// osc52Sequences returns what to write to the terminal for text: the plain
// sequence and, inside tmux or GNU screen, the same sequence again wrapped
// for passthrough to the outer terminal.
//
// tmux acts on the plain sequence only with its set-clipboard option on, and
// passes the wrapped one through only with allow-passthrough on (tmux 3.3
// and later), so both are sent. A terminal that receives both sets the
// clipboard twice to the same text.
func osc52Sequences(text string, getenv func(string) string) []byte {
	plain := OSC52(text)
	switch {
	case getenv("TMUX") != "":
		// tmux's passthrough is ESC P tmux; DATA ESC \, with every ESC in DATA
		// doubled.
		inner := strings.ReplaceAll(string(plain), "\x1b", "\x1b\x1b")
		return append(plain, "\x1bPtmux;"+inner+"\x1b\\"...)
	case getenv("STY") != "":
		// GNU screen passes a DCS string through as it is. It drops strings
		// longer than 768 bytes (screen 4.2.1 and later), far more than a
		// code needs.
		return append(plain, "\x1bP"+string(plain)+"\x1b\\"...)
	}
	return plain
}

// writeOSC52 writes the OSC 52 sequences for text to the controlling
// terminal. The terminal sends no reply, so success means only that the
// bytes were written.
func (s System) writeOSC52(text string) error {
	if !s.interactive()() {
		return fmt.Errorf("%w: the terminal's clipboard (OSC 52) needs standard output or standard error to be a terminal", ErrUnavailable)
	}
	open := s.OpenTerminal
	if open == nil {
		open = openTerminal
	}
	tty, err := open()
	if err != nil {
		return fmt.Errorf("%w: opening the terminal for OSC 52: %w", ErrUnavailable, err)
	}
	_, err = tty.Write(osc52Sequences(text, s.getenv()))
	if closeErr := tty.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("%w: writing OSC 52 to the terminal: %w", ErrUnavailable, err)
	}
	return nil
}
