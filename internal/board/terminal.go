package board

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// escTimeout is how long a lone ESC waits for the rest of an escape
// sequence before it counts as the Esc key.
const escTimeout = 50 * time.Millisecond

// Control sequences of xterm and its successors, which Windows Terminal
// and the Windows console with virtual terminal processing also follow.
const (
	enterAltScreen = "\x1b[?1049h"
	leaveAltScreen = "\x1b[?1049l"
	hideCursor     = "\x1b[?25l"
	showCursor     = "\x1b[?25h"
	clearScreen    = "\x1b[2J"
	cursorHome     = "\x1b[H"
	clearToEOL     = "\x1b[K"
	clearBelow     = "\x1b[J"
)

// Run shows m on a terminal until the user quits or ctx ends: it reads keys
// from in, draws on out, and redraws at each whole second of m's clock and
// after each key. It puts in into raw mode and out on the alternate screen,
// and restores both before it returns, on error too. It returns nil when
// the user quits and ctx's error when ctx ends first.
//
// NOTE: the goroutine that reads in stays blocked in its last read after
// Run returns, because a read from a terminal cannot be interrupted
// portably. It takes the next key typed, so call Run once, just before the
// program exits.
func Run(ctx context.Context, in, out *os.File, m Model) (err error) {
	state, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return fmt.Errorf("switching the terminal to raw mode: %w", err)
	}
	defer term.Restore(int(in.Fd()), state)

	restoreOutput, err := enableVirtualTerminal(out)
	if err != nil {
		return fmt.Errorf("enabling control sequences on the terminal: %w", err)
	}
	defer restoreOutput()

	s := &screen{out: out}
	if err := s.write(enterAltScreen + hideCursor + clearScreen); err != nil {
		return err
	}
	defer func() {
		if leaveErr := s.write(showCursor + leaveAltScreen); err == nil {
			err = leaveErr
		}
	}()

	return loop(ctx, in, out, s, m)
}

// loop runs the board: it turns keys, resizes, ticks and the results of
// commands into updates and draws each new state.
func loop(ctx context.Context, in io.Reader, out *os.File, s *screen, m Model) error {
	done := make(chan struct{})
	defer close(done)

	if width, height, err := term.GetSize(int(out.Fd())); err == nil {
		m, _ = m.update(resizeMsg{width, height})
	}
	input := readInput(in, done)
	resizes, stopResizes := watchResize(out, done)
	defer stopResizes()
	results := make(chan msg)

	tick := time.NewTimer(m.nextTick())
	defer tick.Stop()
	var escTimer <-chan time.Time
	var decoder keyDecoder

	for !m.quitting {
		if err := s.draw(m.view()); err != nil {
			return err
		}

		var events []msg
		ticked := false
		select {
		case <-ctx.Done():
			return ctx.Err()
		case chunk := <-input:
			if chunk.err != nil {
				return fmt.Errorf("reading the terminal: %w", chunk.err)
			}
			for _, k := range decoder.decode(chunk.data) {
				events = append(events, k)
			}
			escTimer = nil
			if len(decoder.pending) > 0 {
				escTimer = time.After(escTimeout)
			}
		case <-escTimer:
			escTimer = nil
			for _, k := range decoder.flush() {
				events = append(events, k)
			}
		case size := <-resizes:
			s.invalidate()
			events = append(events, size)
		case <-tick.C:
			events = append(events, tickMsg{})
			ticked = true
		case result := <-results:
			events = append(events, result)
		}

		for _, event := range events {
			var cmd command
			m, cmd = m.update(event)
			if cmd != nil {
				go runCommand(cmd, results, done)
			}
		}
		if ticked {
			tick.Reset(m.nextTick())
		}
	}
	return nil
}

// runCommand runs cmd and sends its result to results, unless the loop
// has ended.
func runCommand(cmd command, results chan<- msg, done <-chan struct{}) {
	result := cmd()
	select {
	case results <- result:
	case <-done:
	}
}

// inputChunk is the outcome of one read from the terminal.
type inputChunk struct {
	data []byte
	err  error
}

// readInput reads in until an error, sending each read's bytes.
func readInput(in io.Reader, done <-chan struct{}) <-chan inputChunk {
	chunks := make(chan inputChunk)
	go func() {
		for {
			buf := make([]byte, 1024)
			n, err := in.Read(buf)
			if n > 0 {
				select {
				case chunks <- inputChunk{data: buf[:n]}:
				case <-done:
					return
				}
			}
			if err != nil {
				select {
				case chunks <- inputChunk{err: err}:
				case <-done:
				}
				return
			}
		}
	}()
	return chunks
}

// pollResize sends the size of out whenever it changes, checking every
// interval, for systems without a resize signal.
func pollResize(out *os.File, done <-chan struct{}, interval time.Duration) (<-chan resizeMsg, func()) {
	sizes := make(chan resizeMsg)
	ticker := time.NewTicker(interval)
	go func() {
		width, height, _ := term.GetSize(int(out.Fd()))
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
			w, h, err := term.GetSize(int(out.Fd()))
			if err != nil || (w == width && h == height) {
				continue
			}
			width, height = w, h
			select {
			case sizes <- resizeMsg{w, h}:
			case <-done:
				return
			}
		}
	}()
	return sizes, ticker.Stop
}

// screen draws frames on the terminal, skipping a frame that is the same
// as the last one.
type screen struct {
	out  io.Writer
	last string
}

func (s *screen) write(seq string) error {
	if _, err := io.WriteString(s.out, seq); err != nil {
		return fmt.Errorf("writing to the terminal: %w", err)
	}
	return nil
}

// invalidate makes the next draw clear the screen and draw everything,
// after a resize may have moved or wrapped what was there.
func (s *screen) invalidate() {
	s.last = ""
}

// draw writes lines over the screen from its top-left corner. In raw mode
// a line feed does not return the carriage, so lines end with CR LF.
func (s *screen) draw(lines []string) error {
	var b strings.Builder
	b.WriteString(cursorHome)
	for i, l := range lines {
		b.WriteString(l)
		b.WriteString(clearToEOL)
		if i < len(lines)-1 {
			b.WriteString("\r\n")
		}
	}
	b.WriteString(clearBelow)

	frame := b.String()
	if frame == s.last {
		return nil
	}
	if s.last == "" {
		frame = clearScreen + frame
	}
	s.last = b.String()
	return s.write(frame)
}
