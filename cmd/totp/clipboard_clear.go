package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/totp-cli/totp/internal/clipboard"
	"github.com/totp-cli/totp/internal/config"
)

// defaultClearAfter is how long a copied code stays on the clipboard when
// neither --clear-after nor the config key clear-after sets it.
const defaultClearAfter = 30 * time.Second

// clearCommandName is the hidden command that the detached clearing process
// runs.
const clearCommandName = "__clipboard-clear"

// clearToolTimeout bounds each paste and copy tool run of the clearing
// process. It is longer than clipboard.DefaultTimeout because no user waits
// for that process, and powershell.exe, which reads the clipboard on WSL,
// can take seconds to start.
const clearToolTimeout = 10 * time.Second

// clearAfterSetting returns the config key clear-after, or defaultClearAfter
// when it is not set.
func clearAfterSetting(cfg *config.Config) (time.Duration, error) {
	s, ok := cfg.Get("clear-after")
	if !ok {
		return defaultClearAfter, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid config key clear-after %q: use a duration such as 30s, or 0 to keep codes on the clipboard", s)
	}
	return d, nil
}

// addClearAfterFlag adds --clear-after to cmd, which has --copy, and makes
// cmd copy through a clipboard that clears itself: after the delay, a
// detached process clears the clipboard if it still holds the code.
func addClearAfterFlag(cmd *cobra.Command, g *globalOptions) {
	var after time.Duration
	cmd.Flags().DurationVar(&after, "clear-after", defaultClearAfter,
		"with --copy, clear the clipboard after this long if it still holds the code; 0 keeps it; the config key clear-after changes the default")

	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		copying, _ := cmd.Flags().GetBool("copy")
		explicit := cmd.Flags().Changed("clear-after")
		switch {
		case explicit && !copying:
			return usageErrorf("--clear-after applies only with --copy")
		case !copying:
			return nil
		case after < 0:
			return usageErrorf("invalid --clear-after %s: use 0 or a positive duration", after)
		}

		if !explicit {
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			if after, err = clearAfterSetting(cfg); err != nil {
				return err
			}
		}

		// Only the system clipboard is wrapped: a test's clipboard has no
		// process to clear.
		if _, ok := g.Clipboard.(clipboard.System); !ok {
			return nil
		}
		g.Clipboard = &clearingClipboard{
			system:   g.systemClipboard(),
			after:    after,
			explicit: explicit,
			warn:     g.IO.Err,
			start:    startClearer,
		}
		return nil
	}
}

// systemClipboard returns the system clipboard as seen from g's environment
// and streams.
func (g *globalOptions) systemClipboard() clipboard.System {
	return clipboard.System{
		Getenv:      g.Getenv,
		Interactive: func() bool { return g.IO.OutTTY || g.IO.ErrTTY },
	}
}

// clearingClipboard copies to the system clipboard and then starts a
// process that clears it after a delay.
type clearingClipboard struct {
	system clipboard.System
	// after is the delay; zero keeps the code on the clipboard.
	after time.Duration
	// explicit is set when --clear-after was given, so that a clipboard
	// that cannot be cleared deserves a warning.
	explicit bool
	warn     io.Writer
	start    func(tool clipboard.Tool, text string, after time.Duration) error
}

// Copy puts text on the clipboard. A failure to arrange the clearing is a
// warning on stderr, since the code was copied.
func (c *clearingClipboard) Copy(text string) error {
	tool, err := c.system.Detect()
	if err != nil {
		return err
	}
	if err := c.system.CopyWith(tool, text); err != nil {
		return err
	}
	if c.after == 0 {
		return nil
	}

	if !tool.CanRead() {
		if c.explicit {
			fmt.Fprintf(c.warn, "warning: --clear-after does not apply to %s: totp cannot read that clipboard back to check that it still holds the code\n", toolDescription(tool))
		}
		return nil
	}
	if err := c.start(tool, text, c.after); err != nil {
		fmt.Fprintf(c.warn, "warning: the clipboard will not be cleared: %s\n", err)
	}
	return nil
}

func toolDescription(tool clipboard.Tool) string {
	if tool.Name == clipboard.ToolOSC52 {
		return "the terminal's clipboard (OSC 52)"
	}
	return tool.Name
}

// startClearer starts `totp __clipboard-clear` as a detached process: in a
// session of its own on Unix, without a console on Windows, with its
// standard output and error discarded, so that it outlives this process and
// holds no pipe of the caller's open, and code=$(totp code -c x) returns at
// once. It gets the SHA-256 of text on standard input, never the text, and
// nothing secret in its arguments or environment.
func startClearer(tool clipboard.Tool, text string, after time.Duration) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding the totp executable: %w", err)
	}
	cmd := &exec.Cmd{
		Path: exe,
		// os.Args[0] keeps the name the user ran, which a program that
		// dispatches on its name (a test binary, a busybox-style link)
		// needs.
		Args:        []string{os.Args[0], clearCommandName, "--after", after.String(), "--tool", tool.Name},
		Dir:         os.TempDir(),
		SysProcAttr: clipboard.DetachedProcess(),
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("starting the clearing process: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the clearing process: %w", err)
	}

	hash := clipboard.Hash(text)
	_, err = fmt.Fprintf(stdin, "%x\n", hash)
	if closeErr := stdin.Close(); err == nil {
		err = closeErr
	}
	// Reap the process if it ends while this one still runs, as with
	// --watch, which copies each new code.
	go cmd.Wait()
	if err != nil {
		return fmt.Errorf("passing the code's hash to the clearing process: %w", err)
	}
	return nil
}

// newClipboardClearCmd returns the hidden command that startClearer runs:
// it reads the hex SHA-256 of the copied text from standard input, waits,
// and clears the clipboard if the text on it has that hash. Its output goes
// nowhere, so it reports only through its exit status.
func newClipboardClearCmd(g *globalOptions) *cobra.Command {
	var (
		after    time.Duration
		toolName string
	)
	cmd := &cobra.Command{
		Use:    clearCommandName + " --after DURATION --tool NAME < HASH",
		Short:  "Clear the clipboard later if it still holds a copied code (used by --copy)",
		Hidden: true,
		Args:   usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			want, err := readHash(g.IO.In)
			if err != nil {
				return err
			}
			if after < 0 {
				return usageErrorf("invalid --after %s: use a positive duration", after)
			}
			if err := g.Sleep(cmd.Context(), after); err != nil {
				return err
			}

			sys := g.systemClipboard()
			sys.ToolName = toolName
			sys.Timeout = clearToolTimeout
			tool, err := sys.Detect()
			if err != nil {
				return err
			}
			_, err = sys.ClearIfUnchanged(tool, want)
			return err
		},
	}
	cmd.Flags().DurationVar(&after, "after", defaultClearAfter, "how long to wait before clearing")
	cmd.Flags().StringVar(&toolName, "tool", "", "the clipboard tool that copied the text, as clipboard.Detect named it")
	return cmd
}

// readHash reads one line of 64 hex digits, a SHA-256.
func readHash(r io.Reader) ([sha256.Size]byte, error) {
	var hash [sha256.Size]byte
	line, err := bufio.NewReader(io.LimitReader(r, 2*sha256.Size+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return hash, fmt.Errorf("reading the hash from standard input: %w", err)
	}
	decoded, err := hex.DecodeString(strings.TrimSpace(line))
	if err != nil || len(decoded) != sha256.Size {
		return hash, usageErrorf("invalid hash on standard input: want the 64 hex digits of a SHA-256")
	}
	copy(hash[:], decoded)
	return hash, nil
}
