package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/totp-cli/totp/internal/clipboard"
)

// These tests copy codes with the real xclip to a real X server, Xvfb, and
// watch the clearing process through /proc, so they run on Linux. They skip
// only when Xvfb is not installed; .ci/run installs it.

// startXvfb starts an X server on a display number that Xvfb picks among
// the free ones (-displayfd), listening on a Unix socket only, and returns
// the display, such as ":3". The server stops when the test ends.
func startXvfb(t *testing.T) string {
	t.Helper()
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed (Debian package xvfb)")
	}
	if _, err := exec.LookPath("xclip"); err != nil {
		t.Fatal("xclip is not installed (Debian package xclip), but Xvfb is")
	}

	displayRead, displayWrite, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer displayRead.Close()
	cmd := exec.Command(xvfb, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "320x240x24")
	cmd.ExtraFiles = []*os.File{displayWrite}
	// The server must not outlive a test binary that a timeout panic ends,
	// which skips the cleanup. NOTE: Linux sends the signal when the thread
	// that started the server ends, which Go's runtime seldom does earlier.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var log bytes.Buffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	displayWrite.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})

	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(displayRead).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if _, err := strconv.Atoi(n); err != nil {
			t.Fatalf("Xvfb printed no display number (%q); its log:\n%s", n, log.String())
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not start within 30s; its log:\n%s", log.String())
	}
	return ""
}

// xclipRun runs xclip on display with input and returns its output.
func xclipRun(t *testing.T, display, input string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "xclip", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.Stdin = strings.NewReader(input)
	var out bytes.Buffer
	if len(args) > 0 && args[0] == "-out" {
		cmd.Stdout = &out
	}
	// xclip -in leaves a child that serves the selection and keeps the
	// standard streams, so standard error goes to a file, not a pipe.
	errFile, err := os.Create(filepath.Join(t.TempDir(), "xclip.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	cmd.Stderr = errFile
	if err := cmd.Run(); err != nil {
		message, _ := os.ReadFile(errFile.Name())
		t.Fatalf("xclip %s: %v: %s", strings.Join(args, " "), err, message)
	}
	return out.String()
}

func readClipboard(t *testing.T, display string) string {
	t.Helper()
	return xclipRun(t, display, "", "-out", "-selection", "clipboard")
}

// newX11Env returns an environment with a local vault that holds one
// account, and with DISPLAY set to a new Xvfb server, which it returns too.
func newX11Env(t *testing.T) (*binEnv, string) {
	t.Helper()
	display := startXvfb(t)
	e := newBinEnv(t)
	e.env["TOTP_VAULT"] = "file:" + filepath.Join(e.home, "vault.age")
	e.env["TOTP_PASSPHRASE"] = "pass"
	e.env["DISPLAY"] = display
	if _, stderr, status := e.run(t, "", "add", exampleURI); status != 0 {
		t.Fatalf("totp add: %s", stderr)
	}
	return e, display
}

// clearer describes a running `totp __clipboard-clear` process.
type clearer struct {
	pid     int
	cmdline string
	environ string
}

// findClearer waits for the clearing process whose HOME is home, and
// returns it.
func findClearer(t *testing.T, home string) clearer {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, ok := lookupClearer(home); ok {
			return c
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s process with HOME=%s", clearCommandName, home)
	return clearer{}
}

func lookupClearer(home string) (clearer, bool) {
	entries, _ := os.ReadDir("/proc")
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || !bytes.Contains(cmdline, []byte("\x00"+clearCommandName+"\x00")) {
			continue
		}
		environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
		if err != nil || !bytes.Contains(environ, []byte("\x00HOME="+home+"\x00")) && !bytes.HasPrefix(environ, []byte("HOME="+home+"\x00")) {
			continue
		}
		if state, _ := procState(pid); state == "Z" {
			continue
		}
		return clearer{pid: pid, cmdline: string(cmdline), environ: string(environ)}, true
	}
	return clearer{}, false
}

// procState returns the state letter and the session id of process pid
// from /proc/PID/stat.
func procState(pid int) (state string, session int) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", 0
	}
	// After the command name in parentheses: state ppid pgrp session ...
	_, rest, _ := strings.Cut(string(data), ") ")
	fields := strings.Fields(rest)
	if len(fields) < 4 {
		return "", 0
	}
	session, _ = strconv.Atoi(fields[3])
	return fields[0], session
}

// waitClearerGone waits until the clearing process c has ended.
func waitClearerGone(t *testing.T, c clearer, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if state, _ := procState(c.pid); state == "" || state == "Z" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	syscall.Kill(c.pid, syscall.SIGKILL)
	t.Fatalf("the clearing process %d still runs after %s", c.pid, within)
}

func TestClipboardX11ClearsCode(t *testing.T) {
	e, display := newX11Env(t)

	stdout, stderr, status := e.run(t, "", "code", "example", "--copy", "--at", "1700000000", "--clear-after", "2s")
	if status != 0 || stdout != "324550\n" || stderr != "" {
		t.Fatalf("totp code --copy: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	c := findClearer(t, e.home)
	if got := readClipboard(t, display); got != "324550" {
		t.Errorf("clipboard right after the copy = %q, want 324550", got)
	}

	waitClearerGone(t, c, 30*time.Second)
	if got := readClipboard(t, display); got != "" {
		t.Errorf("clipboard after --clear-after = %q, want it empty", got)
	}
}

func TestClipboardX11KeepsChangedClipboard(t *testing.T) {
	e, display := newX11Env(t)

	_, stderr, status := e.run(t, "", "code", "example", "--copy", "--at", "1700000000", "--clear-after", "2s")
	if status != 0 {
		t.Fatalf("totp code --copy: status %d, stderr %q", status, stderr)
	}
	c := findClearer(t, e.home)
	xclipRun(t, display, "copied later", "-in", "-selection", "clipboard")

	waitClearerGone(t, c, 30*time.Second)
	if got := readClipboard(t, display); got != "copied later" {
		t.Errorf("clipboard = %q, want the text copied after the code", got)
	}
}

func TestClipboardX11ZeroKeepsCode(t *testing.T) {
	e, display := newX11Env(t)
	if _, stderr, status := e.run(t, "", "config", "set", "clear-after", "0"); status != 0 {
		t.Fatalf("config set: %s", stderr)
	}

	if _, stderr, status := e.run(t, "", "code", "example", "--copy", "--at", "1700000000"); status != 0 {
		t.Fatalf("totp code --copy: status %d, stderr %q", status, stderr)
	}
	if c, ok := lookupClearer(e.home); ok {
		syscall.Kill(c.pid, syscall.SIGKILL)
		t.Errorf("a clearing process runs with clear-after 0: %q", c.cmdline)
	}
	if got := readClipboard(t, display); got != "324550" {
		t.Errorf("clipboard = %q, want 324550", got)
	}
}

func TestClipboardClearerIsDetached(t *testing.T) {
	e, _ := newX11Env(t)

	// The command returns although the clearer sleeps for an hour: the
	// clearer holds none of its pipes. run fails the test after 2 minutes
	// otherwise.
	stdout, _, status := e.run(t, "", "code", "example", "--copy", "--at", "1700000000", "--clear-after", "1h")
	if status != 0 || stdout != "324550\n" {
		t.Fatalf("totp code --copy: status %d, stdout %q", status, stdout)
	}
	c := findClearer(t, e.home)
	defer syscall.Kill(c.pid, syscall.SIGKILL)

	if _, session := procState(c.pid); session != c.pid {
		t.Errorf("clearer %d is in session %d, want a session of its own", c.pid, session)
	}
	for _, fd := range []int{1, 2} {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", c.pid, fd))
		if err != nil || target != os.DevNull {
			t.Errorf("clearer fd %d is %q (%v), want %s", fd, target, err, os.DevNull)
		}
	}

	hash := clipboard.Hash("324550")
	for what, text := range map[string]string{"arguments": c.cmdline, "environment": c.environ} {
		for _, secret := range []string{"324550", hex.EncodeToString(hash[:]), "JBSWY3DPEHPK3PXP"} {
			if strings.Contains(text, secret) {
				t.Errorf("clearer's %s contain %q", what, secret)
			}
		}
	}
	wantArgs := "\x00" + clearCommandName + "\x00--after\x001h0m0s\x00--tool\x00xclip\x00"
	if !strings.HasSuffix(c.cmdline, wantArgs) {
		t.Errorf("clearer's arguments = %q, want them to end with %q", c.cmdline, wantArgs)
	}
}

// openPTY returns the master and slave sides of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlocking the pseudo-terminal: %v", err)
	}
	number, err := unix.IoctlGetUint32(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("numbering the pseudo-terminal: %v", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", number), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the pseudo-terminal slave: %v", err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

func TestCopyOverSSHWritesOSC52ToTerminal(t *testing.T) {
	e := newBinEnv(t)
	e.env["TOTP_VAULT"] = "file:" + filepath.Join(e.home, "vault.age")
	e.env["TOTP_PASSPHRASE"] = "pass"
	if _, stderr, status := e.run(t, "", "add", exampleURI); status != 0 {
		t.Fatalf("totp add: %s", stderr)
	}
	e.env["SSH_CONNECTION"] = "192.0.2.1 50000 192.0.2.2 22"
	e.env["TERM"] = "xterm"

	// totp runs in a session of its own whose controlling terminal is the
	// pseudo-terminal, as in an SSH login.
	master, slave := openPTY(t)
	cmd := exec.Command(filepath.Join(totpDir(t), "totp"), "code", "example", "--copy", "--at", "1700000000")
	for k, v := range e.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()

	var output bytes.Buffer
	buf := make([]byte, 1024)
	master.SetReadDeadline(time.Now().Add(30 * time.Second))
	for !strings.Contains(output.String(), "Copied to the clipboard.") || !strings.Contains(output.String(), "324 550") {
		n, err := master.Read(buf)
		output.Write(buf[:n])
		if err != nil {
			t.Fatalf("reading the terminal: %v; got %q", err, output.String())
		}
	}
	if err := <-waitErr; err != nil {
		t.Fatalf("totp code --copy: %v; terminal: %q", err, output.String())
	}

	// printf 324550 | base64 gives MzI0NTUw.
	if want := "\x1b]52;c;MzI0NTUw\x07"; !strings.Contains(output.String(), want) {
		t.Errorf("terminal output %q lacks the OSC 52 sequence %q", output.String(), want)
	}
	if c, ok := lookupClearer(e.home); ok {
		syscall.Kill(c.pid, syscall.SIGKILL)
		t.Error("a clearing process runs for a clipboard that cannot be read back")
	}
}
