package board

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
)

// rfcSecret is the SHA1 key of the test vectors in RFC 4226, appendix D,
// and RFC 6238, appendix B.
var rfcSecret = []byte("12345678901234567890")

// Codes from those appendices. RFC 6238 lists 8 digits. The 6-digit code
// is the same truncated value modulo 10^6, so its last 6 digits.
const (
	rfc6238At59         = "94287082" // T = 59
	rfc6238At1111111109 = "07081804"
	rfc6238At1111111111 = "14050471"
	rfc4226Counter0     = "755224"
	rfc4226Counter1     = "287082"
)

// testClock is a clock that tests set by hand.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

func totpEntry(name, issuer, accountName string, digits int) Entry {
	key := totp.Key{Type: totp.TOTP, Issuer: issuer, Account: accountName, Secret: rfcSecret, Algorithm: totp.SHA1, Digits: digits, Period: 30}
	return Entry{Account: account.FromKey(name, key), Key: key}
}

func hotpEntry(name, issuer, accountName string) Entry {
	key := totp.Key{Type: totp.HOTP, Issuer: issuer, Account: accountName, Secret: rfcSecret, Algorithm: totp.SHA1, Digits: 6}
	return Entry{Account: account.FromKey(name, key), Key: key}
}

func sampleEntries() []Entry {
	return []Entry{
		totpEntry("github-alice", "GitHub", "alice@example.com", 8),
		totpEntry("gitlab-alice", "GitLab", "alice@example.com", 6),
		hotpEntry("bank-bob", "Bank", "bob"),
		totpEntry("aws-root", "AWS", "root", 6),
	}
}

// update applies events in order and returns the model.
func update(t *testing.T, m Model, events ...msg) Model {
	t.Helper()
	for _, event := range events {
		m, _ = m.update(event)
	}
	return m
}

// runCmd runs cmd, as Run would, and feeds its result back.
func runCmd(t *testing.T, m Model, cmd command) Model {
	t.Helper()
	if cmd == nil {
		t.Fatal("got no command to run")
	}
	return update(t, m, cmd())
}

func typeText(s string) key { return key{kind: keyText, text: s} }

func press(k keyKind) key { return key{kind: k} }

// screenText joins the lines of m's view.
func screenText(m Model) string {
	return strings.Join(m.view(), "\n")
}

// sgr matches the SGR control sequences that the board writes.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripSGR(s string) string { return sgr.ReplaceAllString(s, "") }

// statusText returns the status line as drawn, without styles.
func statusText(m Model) string {
	return stripSGR(m.render(m.statusLine()))
}

// row returns the line of the view that shows issuer, or fails.
func row(t *testing.T, view, issuer string) string {
	t.Helper()
	for _, line := range strings.Split(stripSGR(view), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, "› "), issuer+" ") {
			return line
		}
	}
	t.Fatalf("no row for %s in the view:\n%s", issuer, view)
	return ""
}

func newBoard(clock *testClock, entries []Entry) Model {
	return New(Options{Entries: entries, Title: "key vault https://example.vault.azure.net/", Now: clock.now})
}

func TestViewCodesAndCountdown(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	view := screenText(newBoard(clock, sampleEntries()))

	github := row(t, view, "GitHub")
	if !strings.Contains(github, "9428 7082") {
		t.Errorf("GitHub row %q lacks the RFC 6238 code 9428 7082 at T=59", github)
	}
	// 59 is the last second of the period from 30 to 60.
	if !strings.Contains(github, "█░░░░░░░░░  1s") {
		t.Errorf("GitHub row %q lacks a countdown of 1s with one cell of ten left", github)
	}
	if !strings.Contains(github, "alice@example.com") {
		t.Errorf("GitHub row %q lacks the account", github)
	}
	gitlab := row(t, view, "GitLab")
	if !strings.Contains(gitlab, codefmt.Group(rfc6238At59[2:])) {
		t.Errorf("GitLab row %q lacks the 6-digit code %s", gitlab, codefmt.Group(rfc6238At59[2:]))
	}
	if bank := row(t, view, "Bank"); !strings.Contains(bank, hotpPrompt) {
		t.Errorf("HOTP row %q lacks %q", bank, hotpPrompt)
	}
	if !strings.HasPrefix(view, "4 accounts · key vault https://example.vault.azure.net/\n") {
		t.Errorf("title line is wrong in the view:\n%s", view)
	}
}

func TestTickReadsClock(t *testing.T) {
	clock := &testClock{t: time.Unix(1111111109, 0)}
	m := newBoard(clock, sampleEntries())
	if github := row(t, screenText(m), "GitHub"); !strings.Contains(github, codefmt.Group(rfc6238At1111111109)) {
		t.Errorf("before the tick: GitHub row %q lacks %s", github, codefmt.Group(rfc6238At1111111109))
	}

	clock.t = time.Unix(1111111111, 0)
	if github := row(t, screenText(m), "GitHub"); !strings.Contains(github, codefmt.Group(rfc6238At1111111109)) {
		t.Errorf("the view changed without a tick: %q", github)
	}

	m = update(t, m, tickMsg{})
	github := row(t, screenText(m), "GitHub")
	if !strings.Contains(github, codefmt.Group(rfc6238At1111111111)) {
		t.Errorf("after the tick: GitHub row %q lacks %s", github, codefmt.Group(rfc6238At1111111111))
	}
	// 1111111111 is 1 second into its period of 30.
	if !strings.Contains(github, "██████████ 29s") {
		t.Errorf("after the tick: GitHub row %q lacks a full bar and 29s", github)
	}
}

func TestCountdownTurnsRed(t *testing.T) {
	clock := &testClock{t: time.Unix(55, 0)}
	m := New(Options{Entries: sampleEntries(), Now: clock.now, Color: true})
	if github := row(t, stripSGR(screenText(m)), "GitHub"); !strings.Contains(github, " 5s") {
		t.Fatalf("GitHub row %q lacks 5s", github)
	}
	if !strings.Contains(screenText(m), "\x1b[31m 5s\x1b[39m") {
		t.Errorf("5 seconds left are not red")
	}

	clock.t = time.Unix(54, 0)
	m = update(t, m, tickMsg{})
	if strings.Contains(screenText(m), "\x1b[31m") {
		t.Errorf("6 seconds left are red")
	}
}

func TestFilterTyping(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	m := newBoard(clock, sampleEntries())

	m = update(t, m, typeText("g"), typeText("i"), typeText("t"))
	view := screenText(m)
	if !strings.Contains(view, "Filter: git_") {
		t.Errorf("filter line missing from the view:\n%s", view)
	}
	if !strings.Contains(view, "2 of 4 accounts") {
		t.Errorf("title does not count 2 of 4 accounts:\n%s", view)
	}
	if strings.Contains(view, "AWS") || strings.Contains(view, "Bank") {
		t.Errorf("accounts that do not match git are shown:\n%s", view)
	}

	// Matching ignores case and covers the account name.
	m = update(t, m, press(keyCtrlU), typeText("BOB"))
	if got := len(m.visible); got != 1 || m.entries[m.visible[0]].Account.Name != "bank-bob" {
		t.Errorf("filter BOB shows %d accounts, want only bank-bob", got)
	}

	m = update(t, m, press(keyBackspace), press(keyBackspace), press(keyBackspace))
	if m.filter != "" || len(m.visible) != 4 {
		t.Errorf("after three backspaces the filter is %q with %d accounts, want empty with 4", m.filter, len(m.visible))
	}
	m = update(t, m, press(keyBackspace))
	if m.filter != "" {
		t.Errorf("backspace on an empty filter gave %q", m.filter)
	}

	m = update(t, m, typeText("zzz"))
	if view := screenText(m); !strings.Contains(view, `No account matches "zzz"`) {
		t.Errorf("no message for a filter without matches:\n%s", view)
	}
}

func TestFilterKeepsSelection(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	m := newBoard(clock, sampleEntries())
	m = update(t, m, press(keyDown)) // GitLab
	m = update(t, m, typeText("alice"))
	if got := m.entries[m.visible[m.selected]].Account.Name; got != "gitlab-alice" {
		t.Errorf("selected %s after filtering, want gitlab-alice still", got)
	}
	m = update(t, m, press(keyCtrlU), typeText("aws"))
	if got := m.entries[m.visible[m.selected]].Account.Name; got != "aws-root" {
		t.Errorf("selected %s when the old selection no longer matches, want the first match aws-root", got)
	}
}

func TestQuitKeys(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	tests := []struct {
		name     string
		filter   string
		key      key
		wantQuit bool
	}{
		{"ctrl-c", "", press(keyCtrlC), true},
		{"ctrl-c while filtering", "git", press(keyCtrlC), true},
		{"q", "", typeText("q"), true},
		{"q while filtering", "git", typeText("q"), false},
		{"q in pasted text", "", typeText("qq"), false},
		{"esc", "", press(keyEsc), true},
		{"esc while filtering", "git", press(keyEsc), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(Options{Entries: sampleEntries(), Now: clock.now, Filter: tt.filter})
			m = update(t, m, tt.key)
			if m.quitting != tt.wantQuit {
				t.Errorf("quit = %v, want %v", m.quitting, tt.wantQuit)
			}
			if tt.wantQuit && len(m.view()) != 0 {
				t.Errorf("view after quitting is not empty: %q", m.view())
			}
		})
	}
}

func TestEscClearsFilter(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	m := New(Options{Entries: sampleEntries(), Now: clock.now, Filter: "git"})
	m = update(t, m, press(keyEsc))
	if m.filter != "" || len(m.visible) != 4 {
		t.Errorf("after Esc the filter is %q with %d accounts, want empty with 4", m.filter, len(m.visible))
	}
}

func TestPasteIntoFilter(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	m := newBoard(clock, sampleEntries())
	m = update(t, m, typeText("Git\x1bHub\n"))
	if m.filter != "GitHub" {
		t.Errorf("pasted filter = %q, want control characters dropped: GitHub", m.filter)
	}
}

// manyEntries returns n TOTP accounts named acct-000, acct-001, ...
func manyEntries(n int) []Entry {
	var entries []Entry
	for i := range n {
		entries = append(entries, totpEntry(fmt.Sprintf("acct-%03d", i), fmt.Sprintf("Issuer%03d", i), fmt.Sprintf("user%03d", i), 6))
	}
	return entries
}

func TestScroll(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	m := newBoard(clock, manyEntries(200))
	m = update(t, m, resizeMsg{80, 24})
	rows := 24 - headerLines - footerLines

	for range 25 {
		m = update(t, m, press(keyDown))
	}
	view := screenText(m)
	if lines := strings.Split(view, "\n"); len(lines) != 24 {
		t.Errorf("view has %d lines, want the terminal's 24", len(lines))
	}
	if !strings.Contains(row(t, view, "Issuer025"), selectMarker) {
		t.Errorf("Issuer025 is not marked as selected:\n%s", view)
	}
	if strings.Contains(view, "Issuer000") {
		t.Errorf("the first account is still shown after scrolling down 25 rows:\n%s", view)
	}
	wantFirst := 25 - rows + 1
	if !strings.Contains(view, fmt.Sprintf("showing %d–%d", wantFirst+1, wantFirst+rows)) {
		t.Errorf("title does not say which rows are shown (want %d–%d):\n%s", wantFirst+1, wantFirst+rows, view)
	}

	m = update(t, m, press(keyEnd))
	if view := screenText(m); !strings.Contains(row(t, view, "Issuer199"), selectMarker) {
		t.Errorf("End did not select the last account:\n%s", view)
	}
	m = update(t, m, press(keyDown))
	if m.selected != 199 {
		t.Errorf("Down past the end moved the selection to %d", m.selected)
	}
	m = update(t, m, press(keyPgUp))
	if m.selected != 199-rows {
		t.Errorf("PgUp selected %d, want %d", m.selected, 199-rows)
	}
	m = update(t, m, press(keyHome), press(keyUp))
	if m.selected != 0 || m.offset != 0 {
		t.Errorf("Home then Up: selected %d at offset %d, want 0 and 0", m.selected, m.offset)
	}
}

func TestResize(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	m := newBoard(clock, manyEntries(50))
	m = update(t, m, press(keyEnd))

	for _, size := range []resizeMsg{{120, 40}, {40, 10}, {30, 4}} {
		m = update(t, m, size)
		view := screenText(m)
		lines := strings.Split(view, "\n")
		if len(lines) != size.height {
			t.Errorf("%dx%d: view has %d lines", size.width, size.height, len(lines))
		}
		for _, line := range lines {
			if w := cellWidth(stripSGR(line)); w > size.width {
				t.Errorf("%dx%d: line %q is %d cells wide", size.width, size.height, line, w)
			}
		}
		last := lines[len(lines)-1]
		if size.height >= minFramedHeight {
			last = lines[len(lines)-1-footerLines]
		}
		if !strings.HasPrefix(last, selectMarker) {
			t.Errorf("%dx%d: the selected last account is not on the last row:\n%s", size.width, size.height, view)
		}
	}

	m = update(t, m, resizeMsg{40, 10})
	if strings.Contains(screenText(m), "█") || strings.Contains(screenText(m), "░") {
		t.Errorf("a 40-column view keeps the countdown bar:\n%s", screenText(m))
	}
	m = update(t, m, resizeMsg{100, 10})
	if !strings.Contains(screenText(m), "█") {
		t.Errorf("a 100-column view has no countdown bar:\n%s", screenText(m))
	}
}

// recordingClipboard records what is copied and fails with err.
type recordingClipboard struct {
	copied []string
	err    error
}

func (c *recordingClipboard) Copy(text string) error {
	c.copied = append(c.copied, text)
	return c.err
}

func TestEnterCopiesCode(t *testing.T) {
	clock := &testClock{t: time.Unix(1111111100, 0)}
	clip := &recordingClipboard{}
	m := New(Options{Entries: sampleEntries(), Now: clock.now, Copy: clip.Copy})

	// The clock moved on since the last tick: Enter copies the code of now.
	clock.t = time.Unix(1111111111, 0)
	m, cmd := m.update(press(keyEnter))
	m = runCmd(t, m, cmd)

	if fmt.Sprint(clip.copied) != "["+rfc6238At1111111111+"]" {
		t.Errorf("copied %q, want the RFC 6238 code %s", clip.copied, rfc6238At1111111111)
	}
	if status := statusText(m); status != "Copied the code of GitHub (alice@example.com) to the clipboard." {
		t.Errorf("status = %q", status)
	}
	m = update(t, m, press(keyDown))
	if status := statusText(m); status != "" {
		t.Errorf("status after moving = %q, want it cleared", status)
	}
}

func TestEnterCopyFails(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	clip := &recordingClipboard{err: errors.New("no clipboard available: install xclip, xsel or wl-clipboard")}
	m := New(Options{Entries: sampleEntries(), Now: clock.now, Copy: clip.Copy})

	m, cmd := m.update(press(keyEnter))
	m = runCmd(t, m, cmd)
	if status := statusText(m); status != "Code not copied: no clipboard available: install xclip, xsel or wl-clipboard" {
		t.Errorf("status = %q", status)
	}
}

// counterStore is a fake HOTP counter store that returns the code for the
// key's counter, as account.Store.NextHOTP does.
type counterStore struct {
	counters []uint64
}

func (s *counterStore) next(a account.Account, key totp.Key) (string, error) {
	s.counters = append(s.counters, key.Counter)
	return key.CodeAt(key.Counter), nil
}

func TestHOTPGeneratesOnEnter(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	clip := &recordingClipboard{}
	store := &counterStore{}
	m := New(Options{Entries: sampleEntries(), Now: clock.now, Copy: clip.Copy, NextHOTP: store.next, Filter: "bank"})

	for range 5 {
		clock.t = clock.t.Add(time.Second)
		m = update(t, m, tickMsg{})
		_ = screenText(m)
	}
	if len(store.counters) != 0 {
		t.Fatalf("refreshing generated HOTP codes for counters %v", store.counters)
	}

	m, generate := m.update(press(keyEnter))
	if bank := row(t, screenText(m), "Bank"); !strings.Contains(bank, "generating") {
		t.Errorf("Bank row while generating = %q", bank)
	}
	if _, again := m.update(press(keyEnter)); again != nil {
		t.Errorf("a second Enter while generating started another generation")
	}
	m, copyCode := m.update(generate())
	if bank := row(t, screenText(m), "Bank"); !strings.Contains(bank, codefmt.Group(rfc4226Counter0)+"  counter 0") {
		t.Errorf("Bank row = %q, want the RFC 4226 code %s for counter 0", bank, rfc4226Counter0)
	}
	m = runCmd(t, m, copyCode)
	if fmt.Sprint(clip.copied) != "["+rfc4226Counter0+"]" {
		t.Errorf("copied %q, want the generated code %s", clip.copied, rfc4226Counter0)
	}

	m, generate = m.update(press(keyEnter))
	m = runCmd(t, m, generate)
	if bank := row(t, screenText(m), "Bank"); !strings.Contains(bank, codefmt.Group(rfc4226Counter1)+"  counter 1") {
		t.Errorf("Bank row = %q, want the RFC 4226 code %s for counter 1", bank, rfc4226Counter1)
	}
	if fmt.Sprint(store.counters) != "[0 1]" {
		t.Errorf("generated for counters %v, want [0 1]", store.counters)
	}
}

func TestHOTPGenerateFails(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	failing := func(account.Account, totp.Key) (string, error) {
		return "", errors.New(`saving the hotp counter of "bank-bob" in key vault: forbidden`)
	}
	m := New(Options{Entries: sampleEntries(), Now: clock.now, NextHOTP: failing, Filter: "bank"})

	m, cmd := m.update(press(keyEnter))
	m = runCmd(t, m, cmd)
	if status := statusText(m); !strings.HasPrefix(status, "Code not generated: saving the hotp counter") {
		t.Errorf("status = %q", status)
	}
	if bank := row(t, screenText(m), "Bank"); !strings.Contains(bank, hotpPrompt) {
		t.Errorf("Bank row after a failure = %q, want the prompt again", bank)
	}
}

func TestUnreadAccount(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	entries := sampleEntries()
	entries = append([]Entry{{
		Account: account.Account{Name: "old-vpn", Issuer: "VPN", Account: "carol"},
		Err:     fmt.Errorf("reading account %q from key vault: %w", "old-vpn", vault.ErrDisabled),
	}}, entries...)
	clip := &recordingClipboard{}
	m := New(Options{Entries: entries, Now: clock.now, Copy: clip.Copy})

	view := screenText(m)
	if vpn := row(t, view, "VPN"); !strings.Contains(vpn, "not read: disabled") {
		t.Errorf("VPN row = %q", vpn)
	}
	if status := statusText(m); status != `error: reading account "old-vpn" from key vault: disabled` {
		t.Errorf("status for the selected unread account = %q", status)
	}
	m, cmd := m.update(press(keyEnter))
	if cmd != nil || len(clip.copied) != 0 {
		t.Errorf("Enter on an unread account copied %q", clip.copied)
	}
	if status := statusText(m); !strings.HasPrefix(status, "Cannot copy: reading account") {
		t.Errorf("status after Enter = %q", status)
	}
}

func TestColorAndControlCharacters(t *testing.T) {
	clock := &testClock{t: time.Unix(59, 0)}
	entries := []Entry{totpEntry("evil", "Evil\x1b[2J\x07", "x\ny", 6)}

	plain := screenText(New(Options{Entries: entries, Now: clock.now, Filter: "e\x1b"}))
	if strings.ContainsAny(plain, "\x1b\x07") {
		t.Errorf("view without colour has control characters: %q", plain)
	}

	colored := screenText(New(Options{Entries: entries, Now: clock.now, Color: true}))
	if strings.Contains(stripSGR(colored), "\x07") || strings.Contains(colored, "\x1b[2J") {
		t.Errorf("an issuer's control characters reach the terminal: %q", colored)
	}
	if !strings.Contains(colored, "\x1b[7m") {
		t.Errorf("the selected row is not in reverse video: %q", colored)
	}
}

func TestGroupCode(t *testing.T) {
	tests := map[string]string{
		"12345":      "12345",
		"492039":     "492 039",
		"1234567":    "1234 567",
		"12345678":   "1234 5678",
		"123456789":  "123 456 789",
		"1234567890": "12345 67890",
	}
	for code, want := range tests {
		if got := codefmt.Group(code); got != want {
			t.Errorf("codefmt.Group(%q) = %q, want %q", code, got, want)
		}
	}
}

func BenchmarkView200(b *testing.B) {
	clock := &testClock{t: time.Unix(1111111109, 0)}
	m := newBoard(clock, manyEntries(200))
	m, _ = m.update(resizeMsg{120, 60})
	for b.Loop() {
		_ = m.view()
	}
}
