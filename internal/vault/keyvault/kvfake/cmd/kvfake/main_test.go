package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
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

func TestRunPrintsEnvironmentAndStops(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake az is a POSIX shell script")
	}
	azDir := filepath.Join(t.TempDir(), "az")
	envFile := filepath.Join(t.TempDir(), "env.sh")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-az-dir", azDir, "-env", envFile}, &stdout, &stderr) }()

	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "serving until interrupted") {
		if time.Now().After(deadline) {
			t.Fatalf("kvfake did not start; stderr: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("stdout = %q, want 4 lines", lines)
	}
	for i, prefix := range []string{"TOTP_VAULT=https://127.0.0.1:", "TOTP_ALLOW_CUSTOM_ENDPOINT=1", "SSL_CERT_FILE=", "PATH=" + azDir + string(os.PathListSeparator)} {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], prefix)
		}
	}
	if _, err := os.Stat(filepath.Join(azDir, "az")); err != nil {
		t.Errorf("fake az missing: %v", err)
	}

	// The env file, sourced by a shell, gives the same values.
	out, err := exec.Command("/bin/sh", "-c", ". "+envFile+" && printf '%s\\n' \"$TOTP_VAULT\" \"$SSL_CERT_FILE\"").Output()
	if err != nil {
		t.Fatalf("sourcing the env file: %v", err)
	}
	want := strings.TrimPrefix(lines[0], "TOTP_VAULT=") + "\n" + strings.TrimPrefix(lines[2], "SSL_CERT_FILE=") + "\n"
	if string(out) != want {
		t.Errorf("sourced values %q, want %q", out, want)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after its context was cancelled")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-az", "sleepy"},
		{"-page-size", "30"},
		{"-deny", "backup"},
		{"-round-trip", "-1ms"},
		{"extra"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}

func TestWriteEnvFileQuotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.sh")
	if err := writeEnvFile(path, []string{"A=it's", "B=x=y"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "export A='it'\\''s'\nexport B='x=y'\n"; string(got) != want {
		t.Errorf("env file = %q, want %q", got, want)
	}
}
