package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/clipboard"
	"github.com/totp-cli/totp/internal/config"
)

func TestReadHash(t *testing.T) {
	// printf 324550 | sha256sum
	const hexHash = "c47d91a0347fcb28720079abe94c6b0c966a6a5b3c8d2212e7f37e05e445ea16"
	got, err := readHash(strings.NewReader(hexHash + "\n"))
	if err != nil {
		t.Fatalf("readHash: %v", err)
	}
	if got != clipboard.Hash("324550") {
		t.Errorf("readHash = %x, want the hash of 324550", got)
	}

	for _, bad := range []string{"", "324550\n", hexHash[:62] + "\n", hexHash + "00\n", strings.Repeat("zz", sha256.Size) + "\n"} {
		if _, err := readHash(strings.NewReader(bad)); err == nil || !isUsageError(err) {
			t.Errorf("readHash(%q) error = %v, want a usage error", bad, err)
		}
	}
}

func TestClearAfterSetting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := clearAfterSetting(cfg); err != nil || d != defaultClearAfter {
		t.Errorf("unset: %s, %v; want %s", d, err, defaultClearAfter)
	}
	for value, want := range map[string]time.Duration{"0": 0, "45s": 45 * time.Second, "2m": 2 * time.Minute} {
		if err := cfg.Set("clear-after", value); err != nil {
			t.Fatalf("Set(%q): %v", value, err)
		}
		if d, err := clearAfterSetting(cfg); err != nil || d != want {
			t.Errorf("%q: %s, %v; want %s", value, d, err, want)
		}
	}
	for _, bad := range []string{"-1s", "soon"} {
		if err := cfg.Set("clear-after", bad); err == nil {
			t.Errorf("config accepted clear-after %q", bad)
		}
	}
}

func TestClearAfterFlagUsage(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	if status := e.run("", "code", "example", "--clear-after", "5s"); status != exitUsage {
		t.Errorf("--clear-after without --copy: exit %d, want %d", status, exitUsage)
	}
	if got := e.stderr.String(); !strings.HasPrefix(got, "error: --clear-after applies only with --copy\n") {
		t.Errorf("stderr = %q", got)
	}
	if status := e.run("", "code", "example", "--copy", "--clear-after", "-1s"); status != exitUsage {
		t.Errorf("negative --clear-after: exit %d, want %d", status, exitUsage)
	}
	if got := e.stderr.String(); !strings.HasPrefix(got, "error: invalid --clear-after -1s: use 0 or a positive duration\n") {
		t.Errorf("stderr = %q", got)
	}

	// A clipboard other than the system's is used as it is.
	if status := e.run("", "code", "example", "--copy", "--clear-after", "1s", "--at", "1700000000"); status != exitOK {
		t.Fatalf("exit %d: %s", status, e.stderr)
	}
	if e.clip.text != "324550" {
		t.Errorf("clipboard = %q", e.clip.text)
	}
}

// fileXclip is an xclip that keeps the clipboard in $CLIPBOARD_FILE.
const fileXclip = `#!/bin/sh
case "$1" in
-in) cat > "$CLIPBOARD_FILE" ;;
-out) cat "$CLIPBOARD_FILE" ;;
esac
`

// startCall records one call of clearingClipboard's start function.
type startCall struct {
	tool  string
	hash  [sha256.Size]byte
	after time.Duration
}

func newClearingClipboard(t *testing.T, after time.Duration, explicit bool) (*clearingClipboard, *bytes.Buffer, *[]startCall) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake xclip is a shell script")
	}
	dir := t.TempDir()
	xclip := filepath.Join(dir, "xclip")
	if err := os.WriteFile(xclip, []byte(fileXclip), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLIPBOARD_FILE", filepath.Join(dir, "clipboard"))

	var calls []startCall
	warn := &bytes.Buffer{}
	c := &clearingClipboard{
		system: clipboard.System{
			Getenv: func(k string) string { return map[string]string{"DISPLAY": ":9"}[k] },
			LookPath: func(name string) (string, error) {
				if name == "xclip" {
					return xclip, nil
				}
				return "", errors.New("not found")
			},
			Interactive: func() bool { return false },
		},
		after:    after,
		explicit: explicit,
		warn:     warn,
		start: func(tool clipboard.Tool, text string, after time.Duration) error {
			calls = append(calls, startCall{tool: tool.Name, hash: clipboard.Hash(text), after: after})
			return nil
		},
	}
	return c, warn, &calls
}

func TestClearingClipboardStartsClearer(t *testing.T) {
	c, warn, calls := newClearingClipboard(t, 30*time.Second, false)
	if err := c.Copy("324550"); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	data, err := os.ReadFile(os.Getenv("CLIPBOARD_FILE"))
	if err != nil || string(data) != "324550" {
		t.Errorf("clipboard = %q, %v", data, err)
	}
	want := []startCall{{tool: clipboard.ToolXclip, hash: clipboard.Hash("324550"), after: 30 * time.Second}}
	if len(*calls) != 1 || (*calls)[0] != want[0] {
		t.Errorf("start calls = %+v, want %+v", *calls, want)
	}
	if warn.Len() != 0 {
		t.Errorf("warning: %q", warn)
	}
}

func TestClearingClipboardZeroKeeps(t *testing.T) {
	c, _, calls := newClearingClipboard(t, 0, true)
	if err := c.Copy("324550"); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if len(*calls) != 0 {
		t.Errorf("start called with clear-after 0: %+v", *calls)
	}
}

func TestClearingClipboardStartFailure(t *testing.T) {
	c, warn, _ := newClearingClipboard(t, time.Second, false)
	c.start = func(clipboard.Tool, string, time.Duration) error {
		return errors.New("starting the clearing process: fork failed")
	}
	if err := c.Copy("324550"); err != nil {
		t.Fatalf("Copy: %v, want the copy to succeed", err)
	}
	if got, want := warn.String(), "warning: the clipboard will not be cleared: starting the clearing process: fork failed\n"; got != want {
		t.Errorf("warning = %q, want %q", got, want)
	}
}

// terminalBuffer is a controlling terminal that records what is written.
type terminalBuffer struct{ bytes.Buffer }

func (*terminalBuffer) Close() error { return nil }

func TestClearingClipboardOSC52(t *testing.T) {
	for _, explicit := range []bool{false, true} {
		tty := &terminalBuffer{}
		warn := &bytes.Buffer{}
		started := false
		c := &clearingClipboard{
			system: clipboard.System{
				Getenv:       func(k string) string { return map[string]string{"SSH_TTY": "/dev/pts/4"}[k] },
				LookPath:     func(string) (string, error) { return "", errors.New("not found") },
				Interactive:  func() bool { return true },
				OpenTerminal: func() (io.WriteCloser, error) { return tty, nil },
			},
			after:    30 * time.Second,
			explicit: explicit,
			warn:     warn,
			start:    func(clipboard.Tool, string, time.Duration) error { started = true; return nil },
		}
		if err := c.Copy("324550"); err != nil {
			t.Fatalf("Copy: %v", err)
		}
		// printf 324550 | base64 gives MzI0NTUw.
		if got, want := tty.String(), "\x1b]52;c;MzI0NTUw\x07"; got != want {
			t.Errorf("terminal got %q, want %q", got, want)
		}
		if started {
			t.Error("a clearer was started for OSC 52, which cannot be read back")
		}
		want := ""
		if explicit {
			want = "warning: --clear-after does not apply to the terminal's clipboard (OSC 52): totp cannot read that clipboard back to check that it still holds the code\n"
		}
		if warn.String() != want {
			t.Errorf("explicit=%v: warning %q, want %q", explicit, warn, want)
		}
	}
}

func TestClipboardClearCommandRejectsBadHash(t *testing.T) {
	e := newTestEnv(t)
	if status := e.run("not a hash\n", clearCommandName, "--after", "0s", "--tool", "xclip"); status != exitUsage {
		t.Errorf("exit %d, want %d", status, exitUsage)
	}
	if !strings.Contains(e.stderr.String(), "invalid hash on standard input") {
		t.Errorf("stderr = %q", e.stderr)
	}
}

func TestClipboardClearCommandHidden(t *testing.T) {
	e := newTestEnv(t)
	if status := e.run("", "--help"); status != exitOK {
		t.Fatalf("exit %d", status)
	}
	if strings.Contains(e.stdout.String(), clearCommandName) {
		t.Errorf("help lists the hidden command:\n%s", e.stdout)
	}
}
