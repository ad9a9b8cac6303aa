package codefmt

import (
	"testing"
	"time"
)

func TestGroup(t *testing.T) {
	tests := map[string]string{
		"12345":      "12345",
		"123456":     "123 456",
		"1234567":    "1234 567",
		"12345678":   "1234 5678",
		"123456789":  "123 456 789",
		"1234567890": "12345 67890",
		"2BC4F":      "2BC4F",
		"":           "",
	}
	for in, want := range tests {
		if got := Group(in); got != want {
			t.Errorf("Group(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountdownBar(t *testing.T) {
	tests := []struct {
		remaining, period time.Duration
		want              string
	}{
		{10 * time.Second, 30 * time.Second, "████░░░░░░"},
		{30 * time.Second, 30 * time.Second, "██████████"},
		{1 * time.Second, 30 * time.Second, "█░░░░░░░░░"},
		{0, 30 * time.Second, "░░░░░░░░░░"},
		{5 * time.Second, 0, "          "},
	}
	for _, tt := range tests {
		if got := CountdownBar(tt.remaining, tt.period, 10); got != tt.want {
			t.Errorf("CountdownBar(%s, %s) = %q, want %q", tt.remaining, tt.period, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := map[string]string{
		"GitHub":            "GitHub",
		"a\tb\nc":           "a b c",
		"evil\x1b[2Jscreen": "evil [2Jscreen",
		"c1\u009bx":         "c1 x",
		"日本 🔑":              "日本 🔑",
	}
	for in, want := range tests {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}
