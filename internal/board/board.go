// Package board is 'totp watch': a live list of accounts, each with its
// issuer, account, current code and a countdown to the end of its period,
// like an authenticator app's main screen.
//
// Model holds the state and draws it; Run shows a Model on a terminal in
// raw mode until the user quits. The package reads no vault itself: the
// caller passes the accounts with their keys, the clock, the clipboard and
// the HOTP counter store. Typing filters the list, Up and Down move the
// selection, Enter copies the selected code (and first generates it for an
// HOTP account), and q, Esc or Ctrl-C quit.
package board

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
	"github.com/totp-cli/totp/internal/totp"
)

// Entry is one account on the board.
type Entry struct {
	Account account.Account
	Key     totp.Key
	// Err is the error that reading the account's key returned. The row
	// shows a short reason in place of a code, and the status line the
	// whole error while the row is selected.
	Err error
}

// Options configures New.
type Options struct {
	// Entries are the accounts, in the order shown.
	Entries []Entry
	// Title names the vault in the header line.
	Title string
	// Filter is the filter the board starts with.
	Filter string
	// Now is the clock. Codes and countdowns follow it. Nil means time.Now.
	Now func() time.Time
	// Copy puts text on the clipboard. It may block, so Run calls it outside
	// the loop that reads keys and draws.
	Copy func(text string) error
	// NextHOTP returns the code for an HOTP account's current counter after
	// storing the advanced counter. Run calls it only when the user presses
	// Enter on the account, outside the loop that reads keys and draws.
	NextHOTP func(a account.Account, key totp.Key) (string, error)
	// Color allows bold, dim, reverse video and red in the output.
	Color bool
}

// Default size of the terminal until its real size is known.
const (
	defaultWidth  = 80
	defaultHeight = 24
)

// Model is the state of the board. Its methods return a changed copy and
// leave the receiver as it was. The zero value is not usable; call New.
type Model struct {
	entries []entry
	title   string
	clock   func() time.Time
	copy    func(string) error
	next    func(account.Account, totp.Key) (string, error)
	color   bool

	now    time.Time
	filter string
	// visible holds the indexes of the entries that match filter.
	visible []int
	// selected is a position in visible, and offset the position in visible
	// of the first row on screen.
	selected int
	offset   int
	width    int
	height   int
	status   string
	quitting bool
}

// entry is an Entry with the state of its HOTP code.
type entry struct {
	Entry
	// hotpCode is the last HOTP code generated on the board, for
	// hotpCounter; empty until one is generated.
	hotpCode    string
	hotpCounter uint64
	// generating is true while NextHOTP runs for the entry, so that a second
	// Enter cannot advance the counter twice.
	generating bool
}

// New returns a board with the given accounts.
func New(opts Options) Model {
	m := Model{
		title:  opts.Title,
		clock:  opts.Now,
		copy:   opts.Copy,
		next:   opts.NextHOTP,
		color:  opts.Color,
		filter: opts.Filter,
		width:  defaultWidth,
		height: defaultHeight,
	}
	if m.clock == nil {
		m.clock = time.Now
	}
	m.now = m.clock()
	for _, e := range opts.Entries {
		m.entries = append(m.entries, entry{Entry: e})
	}
	m.applyFilter()
	return m
}

// msg is an event for update: a key, a resize, a clock tick or the end of
// a command.
type msg any

// command is work that update returns to run outside the loop, such as a
// copy to the clipboard. Its result comes back to update as a msg.
type command func() msg

// tickMsg makes the board read the clock and redraw.
type tickMsg struct{}

// resizeMsg reports the terminal's size in cells.
type resizeMsg struct {
	width, height int
}

// copiedMsg reports the end of a copy to the clipboard.
type copiedMsg struct {
	label string
	err   error
}

// generatedMsg reports the end of NextHOTP for the entry at index.
type generatedMsg struct {
	index int
	code  string
	err   error
}

// nextTick returns how long to wait for the next whole second of the
// clock, when every countdown changes.
func (m Model) nextTick() time.Duration {
	return time.Second - time.Duration(m.now.Nanosecond())
}

// update handles one event and returns the new state and the command to
// run, if any.
func (m Model) update(event msg) (Model, command) {
	switch event := event.(type) {
	case tickMsg:
		m.now = m.clock()
	case resizeMsg:
		m.width, m.height = event.width, event.height
		m.scrollToSelection()
	case key:
		return m.key(event)
	case copiedMsg:
		if event.err != nil {
			m.status = "Code not copied: " + oneLine(event.err.Error())
		} else {
			m.status = "Copied the code of " + event.label + " to the clipboard."
		}
	case generatedMsg:
		return m.generated(event)
	}
	return m, nil
}

// key handles one key press, or text typed or pasted at once.
func (m Model) key(k key) (Model, command) {
	switch k.kind {
	case keyCtrlC:
		m.quitting = true
	case keyEsc:
		if m.filter == "" {
			m.quitting = true
		}
		m.setFilter("")
	case keyUp:
		m.moveSelection(-1)
	case keyDown:
		m.moveSelection(1)
	case keyPgUp:
		m.moveSelection(-m.listRows())
	case keyPgDown:
		m.moveSelection(m.listRows())
	case keyHome:
		m.moveSelection(-len(m.visible))
	case keyEnd:
		m.moveSelection(len(m.visible))
	case keyEnter:
		return m.activate()
	case keyBackspace:
		if r := []rune(m.filter); len(r) > 0 {
			m.setFilter(string(r[:len(r)-1]))
		}
	case keyCtrlU:
		m.setFilter("")
	case keyText:
		// q quits unless a filter is being typed, where it is a letter.
		if m.filter == "" && k.text == "q" {
			m.quitting = true
			break
		}
		m.setFilter(m.filter + printable(k.text))
	}
	return m, nil
}

// printable drops control characters and line breaks from typed or pasted
// text.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
}

// setFilter changes the filter and keeps the selected account selected when
// it still matches.
func (m *Model) setFilter(filter string) {
	if filter == m.filter {
		return
	}
	selected := -1
	if m.selected < len(m.visible) {
		selected = m.visible[m.selected]
	}
	m.filter = filter
	m.status = ""
	m.applyFilter()
	for i, index := range m.visible {
		if index == selected {
			m.selected = i
		}
	}
	m.scrollToSelection()
}

// applyFilter recomputes the visible entries and selects the first one.
func (m *Model) applyFilter() {
	m.visible = make([]int, 0, len(m.entries))
	for i, e := range m.entries {
		if e.Account.Matches(m.filter) {
			m.visible = append(m.visible, i)
		}
	}
	m.selected = 0
	m.offset = 0
}

func (m *Model) moveSelection(delta int) {
	if len(m.visible) == 0 {
		return
	}
	m.selected = max(0, min(len(m.visible)-1, m.selected+delta))
	m.status = ""
	m.scrollToSelection()
}

// scrollToSelection moves the list so that the selected row is on screen.
func (m *Model) scrollToSelection() {
	rows := m.listRows()
	if m.selected < m.offset {
		m.offset = m.selected
	}
	if m.selected >= m.offset+rows {
		m.offset = m.selected - rows + 1
	}
	// Keep the screen full when the terminal grows or the list shrinks.
	m.offset = max(0, min(m.offset, len(m.visible)-rows))
}

// activate copies the selected code, first generating it for an HOTP
// account.
func (m Model) activate() (Model, command) {
	if m.selected >= len(m.visible) {
		return m, nil
	}
	index := m.visible[m.selected]
	// Copy the entries before changing one, so that the receiver keeps its
	// state.
	m.entries = slices.Clone(m.entries)
	e := &m.entries[index]
	label := displayLabel(e.Account)

	switch {
	case e.Err != nil:
		m.status = "Cannot copy: " + oneLine(e.Err.Error())
		return m, nil
	case e.Key.Type == totp.HOTP:
		if e.generating || m.next == nil {
			return m, nil
		}
		e.generating = true
		m.status = "Generating the next code of " + label + "…"
		next, a, key := m.next, e.Account, e.Key
		return m, func() msg {
			code, err := next(a, key)
			return generatedMsg{index: index, code: code, err: err}
		}
	}

	m.now = m.clock()
	code, err := e.Key.Code(m.now)
	if err != nil {
		m.status = "Cannot copy: " + oneLine(err.Error())
		return m, nil
	}
	return m, m.copyCommand(code, label)
}

// generated records a new HOTP code and copies it.
func (m Model) generated(g generatedMsg) (Model, command) {
	m.entries = slices.Clone(m.entries)
	e := &m.entries[g.index]
	e.generating = false
	if g.err != nil {
		m.status = "Code not generated: " + oneLine(g.err.Error())
		return m, nil
	}
	e.hotpCode = g.code
	e.hotpCounter = e.Key.Counter
	e.Key.Counter++
	return m, m.copyCommand(g.code, displayLabel(e.Account))
}

func (m Model) copyCommand(code, label string) command {
	if m.copy == nil {
		return nil
	}
	copyText := m.copy
	return func() msg {
		return copiedMsg{label: label, err: copyText(code)}
	}
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// displayLabel names an account for the status line: "Issuer (account)",
// or its name when it has neither.
func displayLabel(a account.Account) string {
	if l := a.Label(); l != "" {
		return codefmt.Clean(l)
	}
	return a.Name
}
