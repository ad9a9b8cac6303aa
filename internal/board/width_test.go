package board

import "testing"

func TestCellWidth(t *testing.T) {
	tests := map[string]int{
		"":            0,
		"GitHub":      6,
		"微信":          4,
		"ｆｕｌｌ":        8,
		"e\u0301":     1, // e and a combining acute accent
		"zoë":         3,
		"a\u200bb":    2, // zero width space
		"█░ ›…":       5,
		"한국어 account": 14,
	}
	for s, want := range tests {
		if got := cellWidth(s); got != want {
			t.Errorf("cellWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		w    int
		want string
	}{
		{"alice@example.com", 20, "alice@example.com"},
		{"alice@example.com", 17, "alice@example.com"},
		{"alice@example.com", 8, "alice@e…"},
		{"微信支付", 5, "微信…"},
		{"微信支付", 4, "微…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		got := truncate(tt.s, tt.w)
		if got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.s, tt.w, got, tt.want)
		}
		if cellWidth(got) > tt.w {
			t.Errorf("truncate(%q, %d) = %q is %d cells wide", tt.s, tt.w, got, cellWidth(got))
		}
	}
}

func TestLineRender(t *testing.T) {
	l := line{{"492 039", boldStyle}, {"  ", plainStyle}, {" 5s", redStyle}}
	if got := l.render(80, false, false); got != "492 039   5s" {
		t.Errorf("plain render = %q", got)
	}
	if got := l.render(80, true, false); got != "\x1b[1m492 039\x1b[22m  \x1b[31m 5s\x1b[39m" {
		t.Errorf("colour render = %q", got)
	}
	if got := l.render(10, false, false); got != "492 039  …" {
		t.Errorf("render cut to 10 cells = %q", got)
	}
	if got := l.render(14, true, true); got != "\x1b[7m\x1b[1m492 039\x1b[22m  \x1b[31m 5s\x1b[39m  \x1b[27m" {
		t.Errorf("reverse render = %q", got)
	}
	if got := l.render(14, false, true); got != "492 039   5s" {
		t.Errorf("reverse render without colour = %q, want no control sequences", got)
	}
}
