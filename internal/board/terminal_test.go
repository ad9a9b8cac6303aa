package board

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// loopFixture runs loop with pipes in place of the terminal.
type loopFixture struct {
	t     *testing.T
	keys  *io.PipeWriter
	done  chan error
	mu    sync.Mutex
	drawn bytes.Buffer
}

func startLoop(t *testing.T, ctx context.Context, m Model) *loopFixture {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	f := &loopFixture{t: t, keys: inW, done: make(chan error, 1)}
	go func() {
		f.done <- loop(ctx, inR, outW, &screen{out: outW}, m)
		outW.Close()
	}()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := outR.Read(buf)
			f.mu.Lock()
			f.drawn.Write(buf[:n])
			f.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { inW.Close(); outR.Close() })
	return f
}

func (f *loopFixture) typeBytes(s string) {
	f.t.Helper()
	if _, err := f.keys.Write([]byte(s)); err != nil {
		f.t.Fatal(err)
	}
}

// waitFor waits until the output drawn so far contains text.
func (f *loopFixture) waitFor(text string) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		found := strings.Contains(f.drawn.String(), text)
		f.mu.Unlock()
		if found {
			return
		}
		if time.Now().After(deadline) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.t.Fatalf("%q was not drawn within 5s; the output:\n%q", text, f.drawn.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (f *loopFixture) wait() error {
	f.t.Helper()
	select {
	case err := <-f.done:
		return err
	case <-time.After(5 * time.Second):
		f.t.Fatal("the loop did not end within 5s")
		return nil
	}
}

// channelClipboard sends each copied text to a channel.
type channelClipboard chan string

func (c channelClipboard) Copy(text string) error {
	c <- text
	return nil
}

func TestLoopKeysCopyAndQuit(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	clip := make(channelClipboard, 1)
	f := startLoop(t, context.Background(), New(Options{Entries: sampleEntries(), Now: clock.now, Copy: clip.Copy}))

	f.waitFor("4 accounts")
	f.typeBytes("gitl")
	f.waitFor("Filter: gitl_")
	f.typeBytes("\r")
	if got := <-clip; got != rfc6238At59[2:] {
		t.Errorf("copied %q, want GitLab's code %s", got, rfc6238At59[2:])
	}
	f.waitFor("Copied the code of GitLab (alice@example.com) to the clipboard.")

	// An ESC at the end of a read becomes the Esc key after a short wait,
	// and clears the filter, so that q quits.
	f.typeBytes("x\x1b")
	time.Sleep(4 * escTimeout)
	f.typeBytes("q")
	if err := f.wait(); err != nil {
		t.Errorf("loop returned %v after q, want nil", err)
	}
}

func TestLoopEndsWithContext(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	ctx, cancel := context.WithCancel(context.Background())
	f := startLoop(t, ctx, New(Options{Entries: sampleEntries(), Now: clock.now}))
	f.waitFor("4 accounts")
	cancel()
	if err := f.wait(); !errors.Is(err, context.Canceled) {
		t.Errorf("loop returned %v, want context.Canceled", err)
	}
}

func TestLoopEndsWhenInputFails(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	f := startLoop(t, context.Background(), New(Options{Entries: sampleEntries(), Now: clock.now}))
	f.waitFor("4 accounts")
	f.keys.CloseWithError(errors.New("input/output error"))
	if err := f.wait(); err == nil || err.Error() != "reading the terminal: input/output error" {
		t.Errorf("loop returned %v, want the read error", err)
	}
}

func TestScreenSkipsSameFrame(t *testing.T) {
	var out bytes.Buffer
	s := &screen{out: &out}
	lines := []string{"first", "second"}

	if err := s.draw(lines); err != nil {
		t.Fatal(err)
	}
	want := clearScreen + cursorHome + "first" + clearToEOL + "\r\nsecond" + clearToEOL + clearBelow
	if out.String() != want {
		t.Errorf("first frame = %q, want %q", out.String(), want)
	}

	out.Reset()
	if err := s.draw(lines); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("the same frame was drawn again: %q", out.String())
	}

	s.invalidate()
	if err := s.draw(lines); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), clearScreen) {
		t.Errorf("after invalidate the frame does not clear the screen: %q", out.String())
	}
}
