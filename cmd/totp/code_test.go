package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/iostreams"
)

// testEnv is a command environment on a local vault file in a temporary
// directory, with a fixed clock.
type testEnv struct {
	t      *testing.T
	env    map[string]string
	now    time.Time
	stdout *bytes.Buffer
	stderr *bytes.Buffer
	io     *iostreams.IOStreams
	clip   *fakeClipboard
}

type fakeClipboard struct {
	text string
	err  error
}

func (c *fakeClipboard) Copy(text string) error {
	if c.err != nil {
		return c.err
	}
	c.text = text
	return nil
}

func newTestEnv(t *testing.T) *testEnv {
	dir := t.TempDir()
	return &testEnv{
		t: t,
		env: map[string]string{
			"TOTP_VAULT":              "file:" + filepath.Join(dir, "vault.age"),
			"TOTP_PASSPHRASE":         "pass",
			"TOTP_SCRYPT_WORK_FACTOR": "10",
		},
		now:  time.Unix(1700000000, 0),
		clip: &fakeClipboard{},
	}
}

// run runs a command line and returns its exit status.
func (e *testEnv) run(stdin string, args ...string) int {
	e.io, e.stdout, e.stderr = iostreams.Test(stdin)
	return e.runWith(args...)
}

func (e *testEnv) runWith(args ...string) int {
	t := e.t
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	g := &globalOptions{
		IO:        e.io,
		Getenv:    func(k string) string { return e.env[k] },
		Now:       func() time.Time { return e.now },
		Sleep:     func(ctx context.Context, d time.Duration) error { e.now = e.now.Add(d); return ctx.Err() },
		Clipboard: e.clip,
	}
	return execute(g, args)
}

func (e *testEnv) mustRun(args ...string) {
	e.t.Helper()
	if code := e.run("", args...); code != 0 {
		e.t.Fatalf("totp %s: exit %d\nstderr:\n%s", strings.Join(args, " "), code, e.stderr)
	}
}

const exampleURI = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

func TestCodeTerminal(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	e.io, e.stdout, e.stderr = iostreams.Test("")
	e.io.OutTTY = true
	e.io.NoColor = true
	if code := e.runWith("code", "example", "--next"); code != 0 {
		t.Fatalf("exit %d: %s", code, e.stderr)
	}
	// At 1700000000, 10 of the period's 30 seconds are left.
	want := "Example (alice@example.com)  324 550  10s ████░░░░░░  next 367 665\n"
	if got := e.stdout.String(); got != want {
		t.Errorf("terminal output:\n got %q\nwant %q", got, want)
	}
	if e.stderr.Len() != 0 {
		t.Errorf("stderr not empty: %q", e.stderr)
	}
}

func TestCodeTerminalColor(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	e.io, e.stdout, e.stderr = iostreams.Test("")
	e.io.OutTTY = true
	e.now = time.Unix(1700000008, 0) // 2 seconds left
	e.runWith("code", "example")
	if !strings.Contains(e.stdout.String(), "\x1b[31m 2s\x1b[0m") {
		t.Errorf("no red countdown in %q", e.stdout)
	}

	e.io, e.stdout, e.stderr = iostreams.Test("")
	e.io.OutTTY = true
	e.io.NoColor = true
	e.runWith("code", "example")
	if strings.Contains(e.stdout.String(), "\x1b") {
		t.Errorf("NO_COLOR output has escape sequences: %q", e.stdout)
	}
}

func TestCodeCopy(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	e.mustRun("code", "example", "--copy")
	if e.clip.text != "324550" {
		t.Errorf("clipboard holds %q, want 324550", e.clip.text)
	}
	if e.stdout.String() != "324550\n" {
		t.Errorf("stdout %q, want the code", e.stdout)
	}

	e.clip.err = errors.New("no clipboard available: xclip: cannot open display")
	if code := e.run("", "code", "example", "-c"); code != 0 {
		t.Fatalf("exit %d with a broken clipboard, want 0", code)
	}
	if e.stdout.String() != "324550\n" {
		t.Errorf("stdout %q, want the code despite the clipboard", e.stdout)
	}
	if !strings.HasPrefix(e.stderr.String(), "warning: code not copied: no clipboard available") {
		t.Errorf("stderr %q, want a warning", e.stderr)
	}
}

func TestCodeWatchPipe(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	// The fake sleep moves the clock; stop after three codes.
	e.io, e.stdout, e.stderr = iostreams.Test("")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := &globalOptions{
		IO:     e.io,
		Getenv: func(k string) string { return e.env[k] },
		Now:    func() time.Time { return e.now },
		Sleep: func(_ context.Context, d time.Duration) error {
			e.now = e.now.Add(d)
			if strings.Count(e.stdout.String(), "\n") >= 3 {
				cancel()
				return context.Canceled
			}
			return nil
		},
		Clipboard: e.clip,
	}
	root := newRootCmd(g)
	root.SetArgs([]string{"code", "example", "--watch"})
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatal(err)
	}
	// oathtool --totp -b JBSWY3DPEHPK3PXP -N @1700000000 -w 2
	want := "324550\n367665\n870960\n"
	if got := e.stdout.String(); got != want {
		t.Errorf("watch output %q, want %q", got, want)
	}
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{"1700000000", "2023-11-14T22:13:20Z", "2023-11-14T23:13:20+01:00"} {
		got, err := parseTime(s)
		if err != nil || got.Unix() != 1700000000 {
			t.Errorf("parseTime(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"-1", "yesterday", "2023-11-14", ""} {
		if _, err := parseTime(s); err == nil {
			t.Errorf("parseTime(%q) succeeded", s)
		}
	}
}

func TestListTerminal(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI, "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&counter=3&digits=8")

	e.io, e.stdout, e.stderr = iostreams.Test("")
	e.io.OutTTY = true
	e.runWith("list")
	want := "" +
		"NAME                       ISSUER   ACCOUNT            TYPE  DIGITS  PERIOD\n" +
		"bank-bob                   Bank     bob                hotp  8       -\n" +
		"example-alice-example-com  Example  alice@example.com  totp  6       30\n"
	if got := e.stdout.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestUsageExitStatus(t *testing.T) {
	e := newTestEnv(t)
	for _, args := range [][]string{
		{"code"},
		{"list", "a", "b"},
		{"nope"},
		{"code", "x", "--at", "soon"},
		{"--timeout", "0s", "list"},
		{"add", "--name", "x"},
		{"rm", "bad name!"},
	} {
		if code := e.run("", args...); code != exitUsage {
			t.Errorf("totp %s: exit %d, want %d; stderr %q", strings.Join(args, " "), code, exitUsage, e.stderr)
		}
		if !strings.HasPrefix(e.stderr.String(), "error: ") {
			t.Errorf("totp %s: stderr %q does not start with error:", strings.Join(args, " "), e.stderr)
		}
	}
}

// An interrupted --watch on a terminal shows the cursor again and exits 0.
func TestCodeWatchTerminalRestoresCursor(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("add", exampleURI)

	e.io, e.stdout, e.stderr = iostreams.Test("")
	e.io.OutTTY = true
	e.io.NoColor = true
	g := &globalOptions{
		IO:        e.io,
		Getenv:    func(k string) string { return e.env[k] },
		Now:       func() time.Time { return e.now },
		Sleep:     func(context.Context, time.Duration) error { return context.Canceled },
		Clipboard: e.clip,
	}
	root := newRootCmd(g)
	root.SetArgs([]string{"code", "example", "--watch"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("watch interrupted: %v, want no error", err)
	}

	out := e.stdout.String()
	if !strings.HasPrefix(out, "\x1b[?25l") {
		t.Errorf("output %q does not hide the cursor first", out)
	}
	if !strings.HasSuffix(out, "\x1b[?25h") {
		t.Errorf("output %q does not show the cursor again at the end", out)
	}
	if !strings.Contains(out, "324 550") {
		t.Errorf("output %q lacks the code", out)
	}
}
