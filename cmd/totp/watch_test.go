package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totp-cli/totp/internal/iostreams"
)

func TestWatchNeedsTerminalInput(t *testing.T) {
	e := newTestEnv(t)
	// With no vault chosen, opening one would print a note about the local
	// vault; the terminal check comes first, so nothing is opened.
	delete(e.env, "TOTP_VAULT")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	e.io, e.stdout, e.stderr = iostreams.Test("")
	// Standard output passes for a terminal: a file, flagged as one.
	out, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	e.io.Out = out
	e.io.OutTTY = true

	if code := e.runWith("watch"); code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	want := "error: totp watch needs a terminal: standard input is not a terminal\n" +
		"hint: in a script or a pipe, use 'totp code NAME --watch', which prints each new code on its own line\n"
	if got := e.stderr.String(); got != want {
		t.Errorf("stderr:\n got %q\nwant %q", got, want)
	}
	if info, err := out.Stat(); err != nil || info.Size() != 0 {
		t.Errorf("stdout is not empty: %v", err)
	}
	if strings.Contains(e.stderr.String(), "note:") {
		t.Errorf("a vault was opened before the terminal check")
	}
}
