package board

import (
	"fmt"
	"testing"
)

func describeKeys(keys []key) string {
	names := map[keyKind]string{
		keyEnter: "Enter", keyBackspace: "Backspace", keyEsc: "Esc", keyUp: "Up", keyDown: "Down",
		keyPgUp: "PgUp", keyPgDown: "PgDown", keyHome: "Home", keyEnd: "End", keyCtrlC: "Ctrl-C", keyCtrlU: "Ctrl-U",
	}
	out := ""
	for _, k := range keys {
		if out != "" {
			out += " "
		}
		if k.kind == keyText {
			out += fmt.Sprintf("%q", k.text)
		} else {
			out += names[k.kind]
		}
	}
	return out
}

func TestDecodeKeys(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"letters", "git", `"git"`},
		{"utf-8", "zoë 微信", `"zoë 微信"`},
		{"enter cr", "\r", "Enter"},
		{"enter lf", "\n", "Enter"},
		{"backspace del", "\x7f", "Backspace"},
		{"backspace ctrl-h", "\x08", "Backspace"},
		{"ctrl-c", "\x03", "Ctrl-C"},
		{"ctrl-u", "\x15", "Ctrl-U"},
		{"ctrl-n and ctrl-p", "\x0e\x10", "Down Up"},
		{"lone esc", "\x1b", "Esc"},
		{"arrows csi", "\x1b[A\x1b[B", "Up Down"},
		{"arrows ss3", "\x1bOA\x1bOB", "Up Down"},
		{"arrows with modifiers", "\x1b[1;5A\x1b[1;2B", "Up Down"},
		{"home and end", "\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~\x1b[7~\x1b[8~", "Home End Home End Home End Home End"},
		{"page up and down", "\x1b[5~\x1b[6~", "PgUp PgDown"},
		{"right and left ignored", "\x1b[C\x1b[D", ""},
		{"function key ignored", "\x1b[15~", ""},
		{"alt-letter ignored", "\x1bx", ""},
		{"esc then ctrl-c", "\x1b\x03", "Esc Ctrl-C"},
		{"text around keys", "ab\x1b[Acd\r", `"ab" Up "cd" Enter`},
		{"tab and other controls ignored", "a\tb\x00c", `"abc"`},
		{"invalid utf-8 dropped", "a\xffb", `"ab"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d keyDecoder
			if got := describeKeys(d.decode([]byte(tt.input))); got != tt.want {
				t.Errorf("decode(%q) = %s, want %s", tt.input, got, tt.want)
			}
			if len(d.pending) != 0 {
				t.Errorf("decode(%q) kept %q for the next read", tt.input, d.pending)
			}
		})
	}
}

func TestDecodeAcrossReads(t *testing.T) {
	tests := []struct {
		name  string
		reads []string
		want  string
	}{
		{"csi split", []string{"\x1b[", "A"}, "Up"},
		{"csi split after esc", []string{"a\x1b", "[B"}, `"a" Down`},
		{"csi parameters split", []string{"\x1b[5", "~"}, "PgUp"},
		{"utf-8 split", []string{"\xe5\xbe", "\xae"}, `"微"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d keyDecoder
			var keys []key
			for _, r := range tt.reads {
				keys = append(keys, d.decode([]byte(r))...)
			}
			if got := describeKeys(keys); got != tt.want {
				t.Errorf("decoding %q = %s, want %s", tt.reads, got, tt.want)
			}
		})
	}
}

func TestDecodeFlushesLoneEsc(t *testing.T) {
	var d keyDecoder
	if got := describeKeys(d.decode([]byte("gitx\x1b"))); got != `"gitx"` {
		t.Fatalf("decode = %s, want the text and the ESC kept", got)
	}
	if got := describeKeys(d.flush()); got != "Esc" {
		t.Errorf("flush = %s, want Esc", got)
	}
	if got := describeKeys(d.flush()); got != "" {
		t.Errorf("second flush = %s, want nothing", got)
	}

	// Of two ESCs, the first is the Esc key and the second waits too.
	if got := describeKeys(d.decode([]byte("\x1b\x1b"))); got != "Esc" {
		t.Errorf("decode of two ESCs = %s, want Esc", got)
	}
	if got := describeKeys(d.flush()); got != "Esc" {
		t.Errorf("flush after two ESCs = %s, want Esc", got)
	}

	d.decode([]byte("\x1b[1;"))
	if got := describeKeys(d.flush()); got != "" {
		t.Errorf("flush of an unfinished sequence = %s, want nothing", got)
	}
}
