package prompt

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/totp-cli/totp/internal/hint"
)

func TestPassphraseNotTerminal(t *testing.T) {
	pipeReader, pipeWriter, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pipeReader.Close()
	defer pipeWriter.Close()
	if _, err := pipeWriter.WriteString("hunter2\n"); err != nil {
		t.Fatal(err)
	}

	regular := filepath.Join(t.TempDir(), "input")
	if err := os.WriteFile(regular, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	regularFile, err := os.Open(regular)
	if err != nil {
		t.Fatal(err)
	}
	defer regularFile.Close()

	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()

	inputs := map[string]*os.File{
		"pipe":     pipeReader,
		"file":     regularFile,
		"dev null": devNull,
		"nil":      nil,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			pass, err := Passphrase(in, &out, "local vault /tmp/v.age", true)
			if !errors.Is(err, ErrNoTerminal) {
				t.Fatalf("error = %v, want ErrNoTerminal", err)
			}
			if pass != nil {
				t.Errorf("passphrase = %q, want nil", pass)
			}
			if out.Len() != 0 {
				t.Errorf("prompt output = %q, want none", out.String())
			}
			if got, want := err.Error(), "reading passphrase for local vault /tmp/v.age: standard input is not a terminal"; got != want {
				t.Errorf("error = %q, want %q", got, want)
			}
			hints := hint.Hints(err)
			if !slices.ContainsFunc(hints, func(h string) bool { return strings.Contains(h, "TOTP_PASSPHRASE") }) {
				t.Errorf("hints = %q, want one naming TOTP_PASSPHRASE", hints)
			}
		})
	}
}
