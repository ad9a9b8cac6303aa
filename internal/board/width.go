package board

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// runeWidth returns how many terminal cells r takes: 2 for East Asian wide
// and fullwidth characters (Unicode Standard Annex #11), 0 for combining
// marks and format characters, 1 for the rest.
func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// cellWidth returns how many terminal cells s takes. s holds no control
// characters.
func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// truncate cuts s to at most w cells, ending it with "…" when it was cut.
func truncate(s string, w int) string {
	if cellWidth(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := runeWidth(r)
		if used+rw > w-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	b.WriteString("…")
	return b.String()
}

// pad cuts s to w cells, or pads it with spaces to w.
func pad(s string, w int) string {
	s = truncate(s, w)
	return s + strings.Repeat(" ", max(0, w-cellWidth(s)))
}

// style is a text attribute as SGR parameters (ECMA-48):
// the ones that turn it on and the ones that turn only it off again.
type style struct {
	on, off string
}

var (
	plainStyle = style{}
	boldStyle  = style{"1", "22"}
	dimStyle   = style{"2", "22"}
	redStyle   = style{"31", "39"}
)

// span is a piece of a line in one style.
type span struct {
	text  string
	style style
}

// line is text made of spans, drawn at most a terminal's width wide.
type line []span

// render draws l in at most w cells. It cuts the span that overflows with
// "…" and drops the rest. With color, spans get their style, and reverse
// draws the whole line, padded to w, in reverse video.
func (l line) render(w int, color, reverse bool) string {
	var b strings.Builder
	used := 0
	for _, s := range l {
		if used >= w {
			break
		}
		text := truncate(s.text, w-used)
		used += cellWidth(text)
		if color && s.style.on != "" {
			b.WriteString("\x1b[" + s.style.on + "m" + text + "\x1b[" + s.style.off + "m")
		} else {
			b.WriteString(text)
		}
	}
	if color && reverse {
		return "\x1b[7m" + b.String() + strings.Repeat(" ", max(0, w-used)) + "\x1b[27m"
	}
	return b.String()
}
