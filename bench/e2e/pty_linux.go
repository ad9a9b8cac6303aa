//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ptySupported reports whether runWatch can open a pseudo-terminal.
const ptySupported = true

// Size of the pseudo-terminal that watch draws on.
const (
	ptyColumns = 120
	ptyRows    = 40
)

// frameTimeout is how long runWatch waits for the first frame.
const frameTimeout = 30 * time.Second

// runWatch starts path with args on a new pseudo-terminal and returns the
// time until its output contains marker. It then types q and waits for the
// program to exit.
func runWatch(path string, args, env []string, marker []byte) (time.Duration, error) {
	master, slave, err := openPTY()
	if err != nil {
		return 0, err
	}
	defer master.Close()

	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	// The child gets its own session with the terminal as its controlling
	// terminal, as a shell would give it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}

	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		return 0, err
	}
	slave.Close()

	chunks := make(chan []byte)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 4096)
			n, err := master.Read(buf)
			if n > 0 {
				chunks <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()

	var output bytes.Buffer
	var elapsed time.Duration
	timeout := time.After(frameTimeout)
	for elapsed == 0 {
		select {
		case chunk, ok := <-chunks:
			if !ok {
				cmd.Wait()
				return 0, fmt.Errorf("watch ended before its first frame; its output:\n%s", output.String())
			}
			output.Write(chunk)
			if bytes.Contains(output.Bytes(), marker) {
				elapsed = time.Since(start)
			}
		case <-timeout:
			cmd.Process.Kill()
			cmd.Wait()
			return 0, fmt.Errorf("no first frame with %q within %s; the output:\n%s", marker, frameTimeout, output.String())
		}
	}

	if _, err := master.Write([]byte("q")); err != nil {
		return 0, fmt.Errorf("typing q: %w", err)
	}
	go func() {
		for range chunks {
		}
	}()
	if err := cmd.Wait(); err != nil {
		return 0, fmt.Errorf("watch did not exit cleanly after q: %w", err)
	}
	return elapsed, nil
}

// openPTY returns the master and slave sides of a new pseudo-terminal of
// ptyColumns by ptyRows.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("opening /dev/ptmx: %w", err)
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("unlocking the pseudo-terminal: %w", err)
	}
	number, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("reading the pseudo-terminal number: %w", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", number), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("opening the pseudo-terminal: %w", err)
	}
	size := &unix.Winsize{Col: ptyColumns, Row: ptyRows}
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, size); err != nil {
		master.Close()
		slave.Close()
		return nil, nil, fmt.Errorf("setting the terminal size: %w", err)
	}
	return master, slave, nil
}
