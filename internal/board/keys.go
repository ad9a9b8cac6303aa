package board

import (
	"unicode/utf8"
)

// keyKind is a key the board acts on.
type keyKind int

const (
	// keyText is text typed or pasted: one or more printable characters.
	keyText keyKind = iota
	keyEnter
	keyBackspace
	keyEsc
	keyUp
	keyDown
	keyPgUp
	keyPgDown
	keyHome
	keyEnd
	keyCtrlC
	keyCtrlU
)

// key is one key press, or text that arrived in one read.
type key struct {
	kind keyKind
	text string
}

// Control characters that a terminal in raw mode sends for keys.
const (
	ctrlC     = 0x03
	ctrlH     = 0x08 // Backspace on some terminals
	ctrlN     = 0x0e // next line, as Down
	ctrlP     = 0x10 // previous line, as Up
	ctrlU     = 0x15
	escape    = 0x1b
	delete    = 0x7f // Backspace on most terminals
	carriage  = '\r'
	lineFeed  = '\n'
	csiPrefix = '['
	ss3Prefix = 'O'
)

// keyDecoder turns the bytes that a terminal in raw mode sends into keys.
// It keeps an incomplete escape sequence or UTF-8 character at the end of
// one read for the next.
type keyDecoder struct {
	pending []byte
}

// decode returns the keys in the bytes of one read, after any bytes kept
// from the last one. A read of a lone ESC byte is the Esc key: terminals
// send the bytes of an escape sequence in one write.
func (d *keyDecoder) decode(data []byte) []key {
	b := append(d.pending, data...)
	d.pending = nil
	if len(b) == 1 && b[0] == escape {
		return []key{{kind: keyEsc}}
	}

	var keys []key
	for len(b) > 0 {
		k, n, complete := decodeOne(b)
		if !complete {
			d.pending = append([]byte(nil), b...)
			break
		}
		b = b[n:]
		if k == nil {
			continue
		}
		// Consecutive text, such as a paste, is one key.
		if last := len(keys) - 1; k.kind == keyText && last >= 0 && keys[last].kind == keyText {
			keys[last].text += k.text
			continue
		}
		keys = append(keys, *k)
	}
	return keys
}

// flush returns the Esc key when the bytes kept from the last read are a
// lone ESC, which no sequence followed in time.
func (d *keyDecoder) flush() []key {
	if len(d.pending) == 1 && d.pending[0] == escape {
		d.pending = nil
		return []key{{kind: keyEsc}}
	}
	return nil
}

// decodeOne decodes the key at the start of b and returns it with the
// number of bytes it used. The key is nil for bytes that mean nothing to
// the board. complete is false when b ends inside a sequence.
func decodeOne(b []byte) (k *key, n int, complete bool) {
	switch c := b[0]; {
	case c == escape:
		return decodeEscape(b)
	case c == ctrlC:
		return &key{kind: keyCtrlC}, 1, true
	case c == carriage || c == lineFeed:
		return &key{kind: keyEnter}, 1, true
	case c == delete || c == ctrlH:
		return &key{kind: keyBackspace}, 1, true
	case c == ctrlU:
		return &key{kind: keyCtrlU}, 1, true
	case c == ctrlN:
		return &key{kind: keyDown}, 1, true
	case c == ctrlP:
		return &key{kind: keyUp}, 1, true
	case c < 0x20:
		return nil, 1, true
	}

	if !utf8.FullRune(b) {
		return nil, 0, false
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError {
		return nil, size, true
	}
	return &key{kind: keyText, text: string(r)}, size, true
}

// decodeEscape decodes a sequence that starts with ESC: a CSI sequence
// (ESC [ parameters final), an SS3 sequence (ESC O final), or ESC and
// another key, as Alt sends, which the board ignores.
func decodeEscape(b []byte) (*key, int, bool) {
	if len(b) < 2 {
		return nil, 0, false
	}
	switch b[1] {
	case csiPrefix:
		return decodeCSI(b)
	case ss3Prefix:
		if len(b) < 3 {
			return nil, 0, false
		}
		return finalKey(b[2], nil), 3, true
	}
	if b[1] < 0x20 || b[1] == delete {
		// ESC and a control character, such as a second ESC or Ctrl-C: the
		// ESC is the Esc key and the control character a key of its own.
		return &key{kind: keyEsc}, 1, true
	}
	_, size := utf8.DecodeRune(b[1:])
	return nil, 1 + size, true
}

// decodeCSI decodes ESC [ parameter bytes (0x30-0x3f), intermediate bytes
// (0x20-0x2f) and one final byte (0x40-0x7e), the form of a control
// sequence in ECMA-48.
func decodeCSI(b []byte) (*key, int, bool) {
	i := 2
	for i < len(b) && b[i] >= 0x30 && b[i] <= 0x3f {
		i++
	}
	params := b[2:i]
	for i < len(b) && b[i] >= 0x20 && b[i] <= 0x2f {
		i++
	}
	if i == len(b) {
		return nil, 0, false
	}
	if b[i] < 0x40 || b[i] > 0x7e {
		// Not a valid sequence: drop the ESC [ and read on.
		return nil, 2, true
	}
	return finalKey(b[i], params), i + 1, true
}

// finalKey maps the final byte of a CSI or SS3 sequence, and for "~" its
// first parameter, to a key. Modifiers such as Shift are ignored.
func finalKey(final byte, params []byte) *key {
	switch final {
	case 'A':
		return &key{kind: keyUp}
	case 'B':
		return &key{kind: keyDown}
	case 'H':
		return &key{kind: keyHome}
	case 'F':
		return &key{kind: keyEnd}
	case '~':
		first := params
		for i, c := range params {
			if c == ';' {
				first = params[:i]
				break
			}
		}
		switch string(first) {
		case "1", "7":
			return &key{kind: keyHome}
		case "4", "8":
			return &key{kind: keyEnd}
		case "5":
			return &key{kind: keyPgUp}
		case "6":
			return &key{kind: keyPgDown}
		}
	}
	return nil
}
