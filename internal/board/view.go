package board

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/totp-cli/totp/internal/account"
	"github.com/totp-cli/totp/internal/codefmt"
	"github.com/totp-cli/totp/internal/totp"
	"github.com/totp-cli/totp/internal/vault"
)

// Screen layout: a title line, the filter line and a blank line above the
// list, a help line and a status line below it.
const (
	headerLines = 3
	footerLines = 2
	// minFramedHeight is the smallest terminal height that shows the header
	// and footer; a shorter one shows only the list.
	minFramedHeight = headerLines + footerLines + 1
)

// Column widths, in cells.
const (
	barWidth        = 10
	maxIssuerWidth  = 24
	maxAccountWidth = 40
	// minLabelWidth is the least room for issuer and account together
	// before the countdown bar is dropped to make more.
	minLabelWidth = 24
	columnGap     = "  "
	selectMarker  = "› "
	blankMarker   = "  "
)

// hotpPrompt is shown in place of an HOTP account's code until Enter
// generates one, so that redrawing never advances the counter.
const hotpPrompt = "press Enter to generate"

// listRows returns how many accounts fit on the screen.
func (m Model) listRows() int {
	if m.height < minFramedHeight {
		return max(1, m.height)
	}
	return m.height - headerLines - footerLines
}

// view draws the board at the time of the last tick: exactly one line per
// terminal row, none wider than the terminal. It is empty once the user
// quit.
func (m Model) view() []string {
	if m.quitting {
		return nil
	}
	rows := m.listRows()
	framed := m.height >= minFramedHeight

	var lines []string
	if framed {
		lines = append(lines, m.render(m.titleLine(rows)), m.render(m.filterLine()), "")
	}
	lines = append(lines, m.listLines(m.layout(), rows)...)
	if framed {
		lines = append(lines, m.render(m.helpLine()), m.render(m.statusLine()))
	}
	return lines
}

func (m Model) render(l line) string {
	return l.render(m.width, m.color, false)
}

// layout is the width of each column of the list, in cells.
type layout struct {
	issuer, account, code, bar int
}

// layout fits the columns into the terminal's width. It measures every
// entry, not only the visible ones, so that the columns stay put while the
// filter changes.
func (m Model) layout() layout {
	var l layout
	var issuerWidth, accountWidth int
	for _, e := range m.entries {
		issuerWidth = max(issuerWidth, cellWidth(issuerText(e.Account)))
		accountWidth = max(accountWidth, cellWidth(codefmt.Clean(e.Account.Account)))
		l.code = max(l.code, len(codefmt.Group(strings.Repeat("0", e.Key.Digits))))
	}
	issuerWidth = min(issuerWidth, maxIssuerWidth)
	accountWidth = min(accountWidth, maxAccountWidth)

	// The code cell is the code, a gap, the bar, a space and "30s".
	l.bar = barWidth
	room := m.width - len(blankMarker) - 2*len(columnGap) - l.code - len(columnGap) - l.bar - len(" 30s")
	if room < minLabelWidth {
		l.bar = 0
		room += barWidth + 1
	}
	room = max(room, 2)

	// Give the account column what the issuer column leaves, then hand any
	// room the account column does not need back to the issuer.
	l.issuer = min(issuerWidth, max(room/2, room-accountWidth))
	l.account = min(accountWidth, room-l.issuer)
	l.issuer = min(issuerWidth, room-l.account)
	return l
}

// issuerText is the issuer column of an account: its issuer, or its name
// when it has none.
func issuerText(a account.Account) string {
	if a.Issuer != "" {
		return codefmt.Clean(a.Issuer)
	}
	return a.Name
}

func (m Model) titleLine(rows int) line {
	var b strings.Builder
	if m.filter == "" {
		b.WriteString(plural(len(m.entries), "account"))
	} else {
		fmt.Fprintf(&b, "%d of %s", len(m.visible), plural(len(m.entries), "account"))
	}
	if len(m.visible) > rows {
		last := min(m.offset+rows, len(m.visible))
		fmt.Fprintf(&b, " · showing %d–%d", m.offset+1, last)
	}
	if m.title != "" {
		b.WriteString(" · " + codefmt.Clean(m.title))
	}
	return line{{b.String(), boldStyle}}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (m Model) filterLine() line {
	if m.filter == "" {
		return line{{"Type to filter by issuer, account or name.", dimStyle}}
	}
	return line{{"Filter: " + codefmt.Clean(m.filter) + "_", plainStyle}}
}

func (m Model) helpLine() line {
	if m.filter == "" {
		return line{{"↑/↓ select · Enter copy · type to filter · q quit", dimStyle}}
	}
	return line{{"↑/↓ select · Enter copy · Esc clear the filter · Ctrl-C quit", dimStyle}}
}

// statusLine shows the outcome of the last action, or why the selected
// account could not be read.
func (m Model) statusLine() line {
	if m.status != "" {
		return line{{m.status, plainStyle}}
	}
	if m.selected < len(m.visible) {
		if err := m.entries[m.visible[m.selected]].Err; err != nil {
			return line{{"error: " + oneLine(err.Error()), plainStyle}}
		}
	}
	return nil
}

// listLines draws the visible accounts from the scroll offset, padded with
// empty lines to rows.
func (m Model) listLines(l layout, rows int) []string {
	lines := make([]string, 0, rows)
	if len(m.visible) == 0 {
		text := blankMarker + "No accounts."
		if m.filter != "" {
			text = fmt.Sprintf("%sNo account matches %q. Press Esc to clear the filter.", blankMarker, codefmt.Clean(m.filter))
		}
		lines = append(lines, m.render(line{{text, plainStyle}}))
	}
	for i := m.offset; i < len(m.visible) && len(lines) < rows; i++ {
		selected := i == m.selected
		lines = append(lines, m.row(l, m.entries[m.visible[i]], selected).render(m.width, m.color, selected))
	}
	for len(lines) < rows {
		lines = append(lines, "")
	}
	return lines
}

// row lays out one account: marker, issuer, account, then its code and
// countdown, its HOTP state, or why it could not be read.
func (m Model) row(l layout, e entry, selected bool) line {
	marker := blankMarker
	if selected {
		marker = selectMarker
	}
	labels := marker + pad(issuerText(e.Account), l.issuer) + columnGap + pad(codefmt.Clean(e.Account.Account), l.account) + columnGap
	return append(line{{labels, plainStyle}}, m.codeCell(l, e)...)
}

// codeCell lays out the part of a row after the labels.
func (m Model) codeCell(l layout, e entry) line {
	switch {
	case e.Err != nil:
		return line{{"not read: " + reason(e.Err), dimStyle}}
	case e.Key.Type == totp.HOTP && e.generating:
		return line{{"generating…", dimStyle}}
	case e.Key.Type == totp.HOTP && e.hotpCode == "":
		return line{{hotpPrompt, dimStyle}}
	case e.Key.Type == totp.HOTP:
		return line{{codefmt.Group(e.hotpCode), boldStyle}, {fmt.Sprintf("  counter %d", e.hotpCounter), plainStyle}}
	}

	code, err := e.Key.Code(m.now)
	if err != nil {
		return line{{"invalid key", dimStyle}}
	}
	remaining := e.Key.Remaining(m.now)
	period := time.Duration(e.Key.Period) * time.Second
	secs := int((remaining + time.Second - 1) / time.Second)
	secsStyle := plainStyle
	if secs <= 5 {
		secsStyle = redStyle
	}

	cell := line{{pad(codefmt.Group(code), l.code), boldStyle}, {columnGap, plainStyle}}
	if l.bar > 0 {
		cell = append(cell, span{codefmt.CountdownBar(remaining, period, l.bar) + " ", plainStyle})
	}
	return append(cell, span{fmt.Sprintf("%2ds", secs), secsStyle})
}

// reason names the class of a read error in a few words.
func reason(err error) string {
	switch {
	case errors.Is(err, vault.ErrDisabled):
		return "disabled"
	case errors.Is(err, vault.ErrDeleted):
		return "deleted"
	case errors.Is(err, vault.ErrNotFound):
		return "not found"
	}
	return "select it to see the error"
}
