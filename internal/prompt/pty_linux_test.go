//go:build linux

package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// These tests run Passphrase on a real pseudo-terminal from /dev/ptmx: the
// test writes the user's keystrokes to the master side and Passphrase reads
// the slave side, so the kernel's line discipline does the echo and turns
// Ctrl-C into SIGINT.

// childEnv makes the test binary run Passphrase on its standard input and
// print the outcome, for the Ctrl-C test. See TestMain.
const childEnv = "PROMPT_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		pass, err := Passphrase(os.Stdin, os.Stdout, "child vault", false)
		fmt.Printf("result: pass=%q err=%v\nend of result\n", pass, err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// openPTY returns the master and slave sides of a new pseudo-terminal. The
// master stays in non-blocking mode, so reads from it honour deadlines.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { master.Close() })

	conn, err := master.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var number uint32
	var ioctlErr error
	err = conn.Control(func(fd uintptr) {
		if ioctlErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioctlErr != nil {
			return
		}
		number, ioctlErr = unix.IoctlGetUint32(int(fd), unix.TIOCGPTN)
	})
	if err != nil || ioctlErr != nil {
		t.Fatalf("unlocking pseudo-terminal: %v %v", err, ioctlErr)
	}

	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", number), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening pseudo-terminal slave: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

func echoOn(t *testing.T, slave *os.File) bool {
	t.Helper()
	termios, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatalf("reading terminal state: %v", err)
	}
	return termios.Lflag&unix.ECHO != 0
}

// waitEcho waits until the slave's echo flag is on, or off.
func waitEcho(t *testing.T, slave *os.File, on bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for echoOn(t, slave) != on {
		if time.Now().After(deadline) {
			t.Fatalf("terminal echo did not turn %v within 5s", map[bool]string{true: "on", false: "off"}[on])
		}
		time.Sleep(time.Millisecond)
	}
}

// readAvailable returns what the master side receives within wait.
func readAvailable(t *testing.T, master *os.File, wait time.Duration) string {
	t.Helper()
	if err := master.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatalf("setting read deadline on pseudo-terminal: %v", err)
	}
	var got bytes.Buffer
	buf := make([]byte, 256)
	for {
		n, err := master.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("reading pseudo-terminal: %v", err)
			}
			return got.String()
		}
	}
}

// readUntil reads the master side until its output contains want.
func readUntil(t *testing.T, master *os.File, want string) string {
	t.Helper()
	var got strings.Builder
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(got.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("terminal output %q does not contain %q after 10s", got.String(), want)
		}
		got.WriteString(readAvailable(t, master, 50*time.Millisecond))
	}
	return got.String()
}

// syncBuffer is a bytes.Buffer that one goroutine writes while another reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type passphraseResult struct {
	pass []byte
	err  error
}

func startPassphrase(slave *os.File, out *syncBuffer, confirm bool) <-chan passphraseResult {
	results := make(chan passphraseResult, 1)
	go func() {
		pass, err := Passphrase(slave, out, "test vault", confirm)
		results <- passphraseResult{pass, err}
	}()
	return results
}

func receive(t *testing.T, results <-chan passphraseResult) passphraseResult {
	t.Helper()
	select {
	case r := <-results:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("Passphrase did not return within 10s")
		return passphraseResult{}
	}
}

// TestPseudoTerminalEchoes checks the premise of the tests below: a fresh
// pseudo-terminal echoes what is typed, so the absence of echo means
// something turned it off.
func TestPseudoTerminalEchoes(t *testing.T) {
	master, slave := openPTY(t)
	if !echoOn(t, slave) {
		t.Fatal("new pseudo-terminal has echo off")
	}
	if _, err := master.WriteString("visible\n"); err != nil {
		t.Fatal(err)
	}
	readUntil(t, master, "visible")
}

func TestPassphraseTerminal(t *testing.T) {
	master, slave := openPTY(t)
	out := new(syncBuffer)

	results := startPassphrase(slave, out, false)
	waitEcho(t, slave, false)
	if _, err := master.WriteString("hunter2\n"); err != nil {
		t.Fatal(err)
	}
	r := receive(t, results)

	if r.err != nil {
		t.Fatalf("Passphrase: %v", r.err)
	}
	if got := string(r.pass); got != "hunter2" {
		t.Errorf("passphrase = %q, want %q", got, "hunter2")
	}
	if got, want := out.String(), "Enter passphrase for test vault: \n"; got != want {
		t.Errorf("prompt output = %q, want %q", got, want)
	}
	if echoed := readAvailable(t, master, 200*time.Millisecond); strings.Contains(echoed, "hunter2") {
		t.Errorf("terminal echoed the passphrase: %q", echoed)
	}
	if !echoOn(t, slave) {
		t.Error("terminal echo is still off after Passphrase returned")
	}
}

func TestPassphraseTerminalConfirm(t *testing.T) {
	cases := []struct {
		name    string
		typed   string
		want    string
		wantErr error
	}{
		{name: "same twice", typed: "correct horse\ncorrect horse\n", want: "correct horse"},
		{name: "different", typed: "correct horse\ncorrect house\n", wantErr: ErrMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openPTY(t)
			out := new(syncBuffer)

			results := startPassphrase(slave, out, true)
			waitEcho(t, slave, false)
			if _, err := master.WriteString(tc.typed); err != nil {
				t.Fatal(err)
			}
			r := receive(t, results)

			wantOutput := "Enter passphrase for test vault: \nConfirm passphrase for test vault: \n"
			if got := out.String(); got != wantOutput {
				t.Errorf("prompt output = %q, want %q", got, wantOutput)
			}
			switch {
			case tc.wantErr != nil:
				if !errors.Is(r.err, tc.wantErr) {
					t.Errorf("error = %v, want %v", r.err, tc.wantErr)
				}
				if got, want := r.err.Error(), "reading passphrase for test vault: passphrases do not match"; got != want {
					t.Errorf("error = %q, want %q", got, want)
				}
			default:
				if r.err != nil {
					t.Fatalf("Passphrase: %v", r.err)
				}
				if string(r.pass) != tc.want {
					t.Errorf("passphrase = %q, want %q", r.pass, tc.want)
				}
			}
			if r.err != nil && r.pass != nil {
				t.Errorf("passphrase = %q with an error, want nil", r.pass)
			}
			if echoed := readAvailable(t, master, 100*time.Millisecond); strings.Contains(echoed, "correct") {
				t.Errorf("terminal echoed the passphrase: %q", echoed)
			}
			if !echoOn(t, slave) {
				t.Error("terminal echo is still off after Passphrase returned")
			}
		})
	}
}

// TestPassphraseCtrlC runs Passphrase in a child process whose controlling
// terminal is the pseudo-terminal, and types Ctrl-C, which the line
// discipline turns into SIGINT for the child.
func TestPassphraseCtrlC(t *testing.T) {
	master, slave := openPTY(t)

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"=1")
	child.Stdin = slave
	child.Stdout = slave
	child.Stderr = slave
	child.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := child.Start(); err != nil {
		t.Fatalf("starting child: %v", err)
	}
	defer child.Process.Kill()

	readUntil(t, master, "Enter passphrase for child vault: ")
	waitEcho(t, slave, false)
	if _, err := master.WriteString("half typed\x03"); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()
	var output string
	select {
	case err := <-exited:
		// A child ended by the signal never prints a result; read what
		// it did print before reporting.
		output = readAvailable(t, master, 100*time.Millisecond)
		if !strings.Contains(output, "end of result") {
			t.Fatalf("child ended (%v) without a result after Ctrl-C; output %q, echo on = %v", err, output, echoOn(t, slave))
		}
	case <-time.After(100 * time.Millisecond):
		output = readUntil(t, master, "end of result")
		if err := <-exited; err != nil {
			t.Fatalf("child: %v (output %q)", err, output)
		}
	}
	if want := `result: pass="" err=reading passphrase for child vault: interrupted`; !strings.Contains(output, want) {
		t.Errorf("child output = %q, want it to contain %q", output, want)
	}
	if strings.Contains(output, "half typed") {
		t.Errorf("terminal echoed the passphrase: %q", output)
	}
	if !echoOn(t, slave) {
		t.Error("terminal echo is still off after Ctrl-C")
	}
}
