package clipboard

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests watch the fake tool's processes through /proc, so they run on
// Linux only.

func TestHangingToolIsKilled(t *testing.T) {
	// The script starts sleep as its child and records its pid, so the test
	// can check that the timeout killed the whole process group.
	pidFile := filepath.Join(t.TempDir(), "sleep.pid")
	s, _ := fakeXclipSystem(t, "#!/bin/sh\nsleep 60 &\necho $! > '"+pidFile+"'\nwait\n")
	s.Timeout = 200 * time.Millisecond

	err := s.Copy(code)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Copy error = %v, want ErrUnavailable", err)
	}
	if got, want := err.Error(), "no clipboard available: the copy tool did not finish within 200ms"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	waitGone(t, readPid(t, pidFile))
}

func TestCopyReturnsWhileToolChildServes(t *testing.T) {
	// Like xclip, the script leaves a child running that keeps the
	// inherited standard streams open. Copy must not wait for it.
	pidFile := filepath.Join(t.TempDir(), "server.pid")
	s, clip := fakeXclipSystem(t, "#!/bin/sh\ncat > \"$CLIPBOARD_FILE\"\nsleep 60 &\necho $! > '"+pidFile+"'\n")
	s.Timeout = 20 * time.Second

	done := make(chan error, 1)
	go func() { done <- s.Copy(code) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Copy: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Copy waited for the tool's child")
	}
	if got := readFile(t, clip); got != code {
		t.Errorf("clipboard = %q, want %q", got, code)
	}

	pid := readPid(t, pidFile)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Errorf("killing the tool's child %d: %v", pid, err)
	}
}

// readPid waits for a script to write a process id to path.
func readPid(t *testing.T, path string) int {
	t.Helper()
	for range 250 {
		data, err := os.ReadFile(path)
		if err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
				return pid
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no process id in %s", path)
	return 0
}

// running reports whether process pid exists and is not a zombie, which
// counts as gone because a container's first process may never reap it.
func running(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	_, rest, ok := strings.Cut(string(data), ") ")
	return ok && !strings.HasPrefix(rest, "Z")
}

// waitGone waits until process pid no longer runs.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	for range 250 {
		if !running(pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	t.Errorf("process %d still runs after the tool timed out", pid)
}
