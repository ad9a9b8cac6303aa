package clipboard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// waitDelay bounds the wait for a killed tool's output to close, in case a
// child of the tool still holds it.
const waitDelay = time.Second

// runTool runs the executable at path with args and input on its standard
// input, and returns its standard output when capture is set. Copy tools
// such as xclip and wl-copy leave a child running that serves the clipboard.
// That child would hold a pipe open, so Wait would not return, which is why
// standard output is a pipe only for paste tools and standard error goes to
// a temporary file. The error names the tool and quotes the first line of
// its standard error.
func runTool(ctx context.Context, path string, args []string, input string, capture bool) ([]byte, error) {
	name := filepath.Base(path)
	stderr, err := os.CreateTemp("", "totp-clipboard-*")
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", name, err)
	}
	defer os.Remove(stderr.Name())
	defer stderr.Close()

	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = strings.NewReader(input)
	cmd.Stderr = stderr
	var stdout bytes.Buffer
	if capture {
		// Paste tools leave no child behind, so a pipe is safe for them.
		cmd.Stdout = &stdout
	}
	cmd.WaitDelay = waitDelay
	setProcessGroup(cmd)

	err = cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	message := firstLine(stderr)
	var exitErr *exec.ExitError
	switch {
	case message != "":
		return nil, fmt.Errorf("%s failed: %s", name, message)
	case errors.As(err, &exitErr):
		return nil, fmt.Errorf("%s failed with exit status %d", name, exitErr.ExitCode())
	}
	return nil, fmt.Errorf("running %s: %w", name, err)
}

// firstLine returns the first non-empty line of f, shortened to 200 bytes.
func firstLine(f *os.File) string {
	if _, err := f.Seek(0, 0); err != nil {
		return ""
	}
	data := make([]byte, 4096)
	n, _ := f.Read(data)
	for _, line := range strings.Split(string(data[:n]), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(line) > 200 {
			line = line[:200] + "..."
		}
		return line
	}
	return ""
}
