package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault/keyvault/kvfake"
)

// These tests run the real totp binary's watch command in a detached tmux
// session on a private socket: tmux gives it a terminal, send-keys types,
// and capture-pane reads the screen.

// rfcSecret is the SHA1 key of the test vectors in RFC 4226, appendix D,
// and RFC 6238, appendix B.
var rfcSecret = []byte("12345678901234567890")

// rfc4226Counter0 is the RFC 4226 code of rfcSecret at counter 0.
const rfc4226Counter0 = "755224"

// tmuxSession is one detached tmux session that runs totp watch, then
// prints its exit status and terminal settings and waits.
type tmuxSession struct {
	t      *testing.T
	tmux   string
	socket string
}

// startWatch runs `totp watch args...` in a new tmux server with env and a
// window of width by height cells.
func startWatch(t *testing.T, env []string, width, height int, args ...string) *tmuxSession {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed; install it (Debian: apt-get install tmux) to run the terminal tests")
	}
	totpPath, err := exec.LookPath("totp")
	if err != nil {
		t.Fatalf("the totp command of the test binary is not on PATH: %v", err)
	}

	s := &tmuxSession{t: t, tmux: tmux, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	quoted := []string{shellQuote(totpPath), "watch"}
	for _, a := range args {
		quoted = append(quoted, shellQuote(a))
	}
	script := strings.Join(quoted, " ") + `; echo "exit status $?"; stty -a; sleep 600`

	cmd := exec.Command(tmux, "-S", s.socket, "-f", os.DevNull, "new-session", "-d", "-s", "watch",
		"-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "sh", "-c", script)
	cmd.Env = env
	// The tmux server that new-session starts must not keep the test
	// waiting for its copy of the output pipe.
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("starting tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command(tmux, "-S", s.socket, "kill-server").Run()
	})
	return s
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	cmd := exec.Command(s.tmux, append([]string{"-S", s.socket}, args...)...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names, such as Up, Enter or C-c.
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	s.run(append([]string{"send-keys", "-t", "watch"}, keys...)...)
}

// text types text literally.
func (s *tmuxSession) text(text string) {
	s.t.Helper()
	s.run("send-keys", "-t", "watch", "-l", text)
}

func (s *tmuxSession) pane() string {
	s.t.Helper()
	return s.run("capture-pane", "-p", "-t", "watch")
}

// waitFor waits until the screen matches pattern and returns the screen.
func (s *tmuxSession) waitFor(pattern string) string {
	s.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := s.pane()
		if re.MatchString(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen does not match %q after 15s:\n%s", pattern, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// watchFixture is a fake Key Vault with a fake az and a fake xclip, and the
// environment that points totp at them.
type watchFixture struct {
	srv       *kvfake.Server
	env       []string
	clipboard string
}

func newWatchFixture(t *testing.T) *watchFixture {
	t.Helper()
	srv, err := kvfake.Start(kvfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := kvfake.WriteAz(bin, kvfake.AzOK, kvfake.AzOptions{}); err != nil {
		t.Fatal(err)
	}
	clipboard := filepath.Join(dir, "clipboard.txt")
	xclip := "#!/bin/sh\ncat > " + shellQuote(clipboard) + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xclip"), []byte(xclip), 0o755); err != nil {
		t.Fatal(err)
	}

	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TMUX", "TMUX_PANE", "WAYLAND_DISPLAY", "NO_COLOR", "TOTP_VAULT", "PATH", "HOME":
			continue
		}
		if strings.HasPrefix(name, "XDG_") || strings.HasPrefix(name, "AZURE_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+dir,
		"XDG_CONFIG_HOME="+filepath.Join(dir, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(dir, ".cache"),
		"XDG_DATA_HOME="+filepath.Join(dir, ".local", "share"),
		"AZURE_CONFIG_DIR="+filepath.Join(dir, ".azure"),
		"TOTP_VAULT="+srv.URL,
		"TOTP_ALLOW_CUSTOM_ENDPOINT=1",
		"SSL_CERT_FILE="+srv.CertFile,
		"DISPLAY=:99",
		"TERM=xterm-256color",
	)
	return &watchFixture{srv: srv, env: env, clipboard: clipboard}
}

func (f *watchFixture) seed(t *testing.T, name string, key totp.Key) {
	t.Helper()
	s := account.ToSecret(name, key)
	f.srv.Seed(name, s.Value, s.ContentType, s.Tags)
}

// seedBoard fills the vault with 197 filler accounts, an RFC 6238 TOTP
// account, an RFC 4226 HOTP account and a disabled account: 200 in all.
func (f *watchFixture) seedBoard(t *testing.T) {
	t.Helper()
	for i := range 197 {
		f.seed(t, fmt.Sprintf("filler-%03d", i), totp.Key{
			Type: totp.TOTP, Issuer: "Filler", Account: fmt.Sprintf("user%03d", i),
			Secret: []byte(fmt.Sprintf("filler secret %03d", i)), Algorithm: totp.SHA1, Digits: 6, Period: 30,
		})
	}
	f.seed(t, "rfc6238", rfc6238Key())
	f.seed(t, "rfc4226", totp.Key{Type: totp.HOTP, Issuer: "RFC4226", Account: "hotp@example.com", Secret: rfcSecret, Algorithm: totp.SHA1, Digits: 6})
	f.seed(t, "old-vpn", totp.Key{Type: totp.TOTP, Issuer: "VPN", Account: "carol", Secret: rfcSecret, Algorithm: totp.SHA1, Digits: 6, Period: 30})
	f.srv.SetEnabled("old-vpn", false)
}

func rfc6238Key() totp.Key {
	return totp.Key{Type: totp.TOTP, Issuer: "RFC6238", Account: "totp@example.com", Secret: rfcSecret, Algorithm: totp.SHA1, Digits: 8, Period: 30}
}

// currentCodes returns the RFC 6238 account's codes for the last second,
// grouped as the board shows them: a frame may be up to a second old.
func currentCodes(t *testing.T) []string {
	t.Helper()
	key := rfc6238Key()
	var codes []string
	for _, at := range []time.Time{time.Now().Add(-time.Second), time.Now()} {
		code, err := key.Code(at)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, code)
	}
	return codes
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// secretReads counts the authorized reads of single secrets, by name.
func secretReads(srv *kvfake.Server) map[string]int {
	reads := map[string]int{}
	for _, r := range srv.Requests() {
		name, ok := strings.CutPrefix(strings.TrimSuffix(r.Path, "/"), "/secrets/")
		if ok && r.Authorized && r.Method == "GET" {
			reads[name]++
		}
	}
	return reads
}

func readFakeClipboard(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		data, err := os.ReadFile(path)
		if err == nil && len(data) > 0 {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing was copied to the fake clipboard %s", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sttyPrinted matches the screen once stty -a has run after watch.
const sttyPrinted = `(?s)exit status \d+\n.*echoctl`

// terminalRestored matches stty -a output with canonical mode and echo on,
// as they were before the board put the terminal in raw mode.
var terminalRestored = regexp.MustCompile(`(?s)exit status 0\n.*(^|[\s;])icanon\b.*(^|[\s;])echo\b`)

func TestWatchInTmux(t *testing.T) {
	f := newWatchFixture(t)
	f.seedBoard(t)
	s := startWatch(t, f.env, 100, 30)

	// 30 lines leave 25 for the list.
	s.waitFor(`200 accounts · showing 1–25 · key vault https://127\.0\.0\.1:\d+/`)
	screen := s.waitFor(`› Filler\s+user000\s+\d{3} \d{3}\s+[█░]{10}\s+\d+s`)
	if !strings.Contains(screen, "↑/↓ select · Enter copy · type to filter · q quit") {
		t.Errorf("no help line:\n%s", screen)
	}
	reads := secretReads(f.srv)
	if reads["old-vpn"] != 0 {
		t.Errorf("the disabled account was read %d times", reads["old-vpn"])
	}
	total := 0
	for name, n := range reads {
		if n != 1 {
			t.Errorf("%s was read %d times, want once", name, n)
		}
		total += n
	}
	if total != 199 {
		t.Errorf("%d secrets read, want the 199 enabled accounts", total)
	}

	// End scrolls to the last account, the RFC 6238 one.
	// Waiting for the selected row, not only the header, because tmux can
	// show a frame that is still being drawn.
	s.keys("End")
	rfcRow := `› RFC6238\s+totp@example\.com\s+(\d{4} \d{4})\s+[█░]{10}\s+\d+s`
	screen = s.waitFor(`(?s)showing 176–200.*` + rfcRow)
	row := regexp.MustCompile(rfcRow).FindStringSubmatch(screen)
	if row == nil {
		t.Fatalf("no selected RFC6238 row with a code on the screen:\n%s", screen)
	}
	if codes := currentCodes(t); !containsAny(strings.ReplaceAll(row[1], " ", ""), codes) {
		t.Errorf("RFC6238 shows %s, want one of %v", row[1], codes)
	}

	// An HOTP account shows a prompt until Enter generates its code, which
	// is copied and its counter saved.
	s.keys("Up")
	s.waitFor(`› RFC4226\s+hotp@example\.com\s+press Enter to generate`)
	s.keys("Enter")
	s.waitFor(`› RFC4226\s+hotp@example\.com\s+755 224  counter 0`)
	s.waitFor(`Copied the code of RFC4226 \(hotp@example\.com\) to the clipboard\.`)
	if got := readFakeClipboard(t, f.clipboard); got != rfc4226Counter0 {
		t.Errorf("clipboard has %q, want the RFC 4226 code %s", got, rfc4226Counter0)
	}
	if value, _, _, _ := f.srv.Secret("rfc4226"); !strings.Contains(value, "counter=1") {
		t.Errorf("the saved HOTP counter did not advance to 1")
	}

	// The disabled account shows why it has no code.
	s.keys("Up")
	s.waitFor(`› VPN\s+carol\s+not read: disabled`)
	s.waitFor(`error: account "old-vpn" in key vault https://127\.0\.0\.1:\d+/ is disabled`)

	// Typing filters; Enter copies the TOTP code.
	os.Remove(f.clipboard)
	s.text("6238")
	s.waitFor(`1 of 200 accounts`)
	s.waitFor(`Filter: 6238`)
	s.keys("Enter")
	s.waitFor(`Copied the code of RFC6238 \(totp@example\.com\) to the clipboard\.`)
	if got, codes := readFakeClipboard(t, f.clipboard), currentCodes(t); !containsAny(got, codes) {
		t.Errorf("clipboard has %q, want one of %v", got, codes)
	}

	// Esc clears the filter and keeps the selection; a smaller window drops
	// the countdown bar and keeps the selected row on screen.
	s.keys("Escape")
	s.waitFor(`200 accounts · showing`)
	s.run("resize-window", "-t", "watch", "-x", "50", "-y", "12")
	screen = s.waitFor(`(?s)showing 194–200.*› RFC6238\s+totp@example\.com\s+\d{4} \d{4}\s+\d+s`)
	for _, line := range strings.Split(screen, "\n") {
		if n := utf8.RuneCountInString(line); n > 50 {
			t.Errorf("line %q is %d characters wide in a 50-column window", line, n)
		}
	}
	if strings.ContainsAny(screen, "█░") {
		t.Errorf("the countdown bar is still shown in 50 columns:\n%s", screen)
	}
	if !regexp.MustCompile(`› RFC6238\s+totp@example\.com\s+\d{4} \d{4}\s+\d+s`).MatchString(screen) {
		t.Errorf("the selected RFC6238 row is not on screen:\n%s", screen)
	}

	// q quits and restores the terminal. The window grows back first, so
	// that the exit status and stty's output fit on the screen.
	s.run("resize-window", "-t", "watch", "-x", "100", "-y", "30")
	s.waitFor(`showing 176–200`)
	s.keys("q")
	screen = s.waitFor(sttyPrinted)
	if !terminalRestored.MatchString(screen) {
		t.Errorf("watch did not exit with 0 and restore canonical mode and echo:\n%s", screen)
	}
}

func TestWatchCtrlCInTmux(t *testing.T) {
	f := newWatchFixture(t)
	f.seedBoard(t)
	s := startWatch(t, f.env, 80, 24, "rfc")

	// FILTER limits the accounts that are read.
	s.waitFor(`2 accounts · key vault`)
	if reads := secretReads(f.srv); len(reads) != 2 || reads["rfc6238"] != 1 || reads["rfc4226"] != 1 {
		t.Errorf("reads = %v, want rfc6238 and rfc4226 once each", reads)
	}
	// Ctrl-C quits even while a filter is typed, where q would be a letter.
	s.text("rq")
	s.waitFor(`Filter: rq`)
	s.keys("C-c")
	screen := s.waitFor(sttyPrinted)
	if !terminalRestored.MatchString(screen) {
		t.Errorf("watch did not exit with 0 and restore canonical mode and echo:\n%s", screen)
	}
}

func TestWatchErrorsInTmux(t *testing.T) {
	f := newWatchFixture(t)
	f.seedBoard(t)

	// Every read fails: watch reports the first error instead of a board of
	// failures.
	f.srv.Inject(kvfake.Fault{Method: "GET", PathPrefix: "/secrets/", Status: 403})
	s := startWatch(t, f.env, 200, 24)
	screen := s.waitFor(`exit status \d+`)
	if !regexp.MustCompile(`error: reading account "filler-000" from key vault .*permission denied`).MatchString(screen) {
		t.Errorf("no permission error:\n%s", screen)
	}
	if !strings.Contains(screen, "exit status 1") {
		t.Errorf("watch did not exit with 1:\n%s", screen)
	}
	f.srv.ClearFaults()

	s = startWatch(t, f.env, 200, 24, "no-such-account")
	screen = s.waitFor(`exit status \d+`)
	if !regexp.MustCompile(`error: no account matches "no-such-account" in key vault https://127\.0\.0\.1:\d+/\n`).MatchString(screen) {
		t.Errorf("no error for a filter without matches:\n%s", screen)
	}
	if !strings.Contains(screen, "hint: run 'totp list' to see the accounts") || !strings.Contains(screen, "exit status 1") {
		t.Errorf("no hint or exit status 1:\n%s", screen)
	}
}
