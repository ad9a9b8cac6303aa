package clipboard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The base64 forms below come from `printf 324550 | base64` (GNU coreutils).
const (
	code       = "324550"
	codeBase64 = "MzI0NTUw"
)

func TestOSC52Bytes(t *testing.T) {
	got := string(OSC52(code))
	want := "\x1b]52;c;" + codeBase64 + "\x07"
	if got != want {
		t.Errorf("OSC52(%q) = %q, want %q", code, got, want)
	}
}

func TestOSC52Multiplexers(t *testing.T) {
	plain := "\x1b]52;c;" + codeBase64 + "\x07"
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"plain terminal", nil, plain},
		{"tmux", map[string]string{"TMUX": "/tmp/tmux-1000/default,1234,0"},
			plain + "\x1bPtmux;\x1b\x1b]52;c;" + codeBase64 + "\x07\x1b\\"},
		{"screen", map[string]string{"STY": "1234.pts-0.host"},
			plain + "\x1bP\x1b]52;c;" + codeBase64 + "\x07\x1b\\"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(osc52Sequences(code, mapEnv(tt.env)))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// terminal records what is written to it, as the controlling terminal.
type terminal struct {
	bytes.Buffer
	closed bool
}

func (t *terminal) Close() error {
	t.closed = true
	return nil
}

func TestCopyOverSSHWritesOSC52(t *testing.T) {
	tty := &terminal{}
	s := System{
		Getenv:       mapEnv(map[string]string{"SSH_CONNECTION": "192.0.2.1 50000 192.0.2.2 22"}),
		LookPath:     noTools,
		Interactive:  func() bool { return true },
		OpenTerminal: func() (io.WriteCloser, error) { return tty, nil },
	}
	if err := s.Copy(code); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if got, want := tty.String(), "\x1b]52;c;"+codeBase64+"\x07"; got != want {
		t.Errorf("terminal got %q, want %q", got, want)
	}
	if !tty.closed {
		t.Error("terminal not closed")
	}
}

func TestCopyOverSSHNeedsTerminal(t *testing.T) {
	opened := false
	s := System{
		Getenv:       mapEnv(map[string]string{"SSH_TTY": "/dev/pts/3"}),
		LookPath:     noTools,
		Interactive:  func() bool { return false },
		OpenTerminal: func() (io.WriteCloser, error) { opened = true; return &terminal{}, nil },
	}
	err := s.Copy(code)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Copy error = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "neither standard output nor standard error is a terminal") {
		t.Errorf("error %q does not say why", err)
	}
	if opened {
		t.Error("terminal opened although no stream is a terminal")
	}
}

func TestOSC52CannotBeReadOrCleared(t *testing.T) {
	s := System{}
	tool := Tool{Name: ToolOSC52}
	if tool.CanRead() {
		t.Error("OSC 52 CanRead = true")
	}
	if _, err := s.Read(tool); !errors.Is(err, ErrNotReadable) {
		t.Errorf("Read error = %v, want ErrNotReadable", err)
	}
	if err := s.Clear(tool); !errors.Is(err, ErrNotReadable) {
		t.Errorf("Clear error = %v, want ErrNotReadable", err)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name        string
		goos        string
		env         map[string]string
		tools       []string
		procVersion string
		interactive bool
		want        string // tool name, or "error: " and a part of the message
	}{
		{name: "x11 xclip", goos: "linux", env: map[string]string{"DISPLAY": ":0"}, tools: []string{"xclip", "xsel"}, want: ToolXclip},
		{name: "x11 xsel", goos: "linux", env: map[string]string{"DISPLAY": ":0"}, tools: []string{"xsel"}, want: ToolXsel},
		{name: "x11 no tool", goos: "linux", env: map[string]string{"DISPLAY": ":0"}, want: "error: install xclip or xsel"},
		{name: "wayland", goos: "linux", env: map[string]string{"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, tools: []string{"wl-copy", "wl-paste", "xclip"}, want: ToolWlCopy},
		{name: "wayland without wl-copy uses xwayland", goos: "linux", env: map[string]string{"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, tools: []string{"xclip"}, want: ToolXclip},
		{name: "wayland no tool", goos: "linux", env: map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, tools: []string{"xclip"}, want: "error: install wl-clipboard"},
		{name: "no display", goos: "linux", tools: []string{"xclip"}, want: "error: no display"},
		{name: "ssh without display", goos: "linux", env: map[string]string{"SSH_CONNECTION": "x"}, tools: []string{"xclip"}, interactive: true, want: ToolOSC52},
		{name: "ssh tty without display", goos: "freebsd", env: map[string]string{"SSH_TTY": "/dev/pts/1"}, interactive: true, want: ToolOSC52},
		{name: "ssh in a pipe", goos: "linux", env: map[string]string{"SSH_CONNECTION": "x"}, want: "error: neither standard output nor standard error is a terminal"},
		{name: "ssh with forwarded x11", goos: "linux", env: map[string]string{"SSH_CONNECTION": "x", "DISPLAY": "localhost:10.0"}, tools: []string{"xclip"}, interactive: true, want: ToolXclip},
		{name: "wsl by variable", goos: "linux", env: map[string]string{"WSL_DISTRO_NAME": "Debian", "DISPLAY": ":0"}, tools: []string{"clip.exe", "xclip"}, want: ToolClipExe},
		{name: "wsl by kernel", goos: "linux", procVersion: "Linux version 5.15.153.1-microsoft-standard-WSL2", tools: []string{"clip.exe"}, want: ToolClipExe},
		{name: "wsl clip.exe off PATH", goos: "linux", env: map[string]string{"WSL_DISTRO_NAME": "Debian"}, tools: []string{wslClipPath}, want: ToolClipExe},
		{name: "wsl without clip.exe", goos: "linux", env: map[string]string{"WSL_DISTRO_NAME": "Debian", "DISPLAY": ":0"}, tools: []string{"xclip"}, want: ToolXclip},
		{name: "wsl over ssh", goos: "linux", env: map[string]string{"WSL_DISTRO_NAME": "Debian", "SSH_TTY": "/dev/pts/0"}, tools: []string{"clip.exe"}, interactive: true, want: ToolOSC52},
		{name: "macos", goos: "darwin", tools: []string{"pbcopy", "pbpaste"}, want: ToolPbcopy},
		{name: "macos over ssh", goos: "darwin", env: map[string]string{"SSH_CONNECTION": "x"}, tools: []string{"pbcopy"}, interactive: true, want: ToolOSC52},
		{name: "windows", goos: "windows", want: ToolWindows},
		{name: "windows over ssh", goos: "windows", env: map[string]string{"SSH_CONNECTION": "x"}, interactive: true, want: ToolWindows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := environment{
				goos:        tt.goos,
				getenv:      mapEnv(tt.env),
				lookPath:    fakeTools(tt.tools...),
				procVersion: func() string { return tt.procVersion },
				interactive: func() bool { return tt.interactive },
			}
			tool, err := e.detect()

			if wantErr, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("detect error = %v (tool %q), want ErrUnavailable", err, tool.Name)
				}
				if !strings.Contains(err.Error(), wantErr) {
					t.Errorf("error %q does not contain %q", err, wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("detect: %v", err)
			}
			if tool.Name != tt.want {
				t.Errorf("tool = %q, want %q", tool.Name, tt.want)
			}
		})
	}
}

func TestToolReadability(t *testing.T) {
	e := environment{
		goos:        "linux",
		getenv:      mapEnv(map[string]string{"WAYLAND_DISPLAY": "wayland-0"}),
		lookPath:    fakeTools("wl-copy"),
		procVersion: func() string { return "" },
		interactive: func() bool { return false },
	}
	tool, err := e.detect()
	if err != nil {
		t.Fatal(err)
	}
	if tool.CanRead() {
		t.Error("wl-copy without wl-paste CanRead = true")
	}

	e.lookPath = fakeTools("wl-copy", "wl-paste")
	tool, err = e.detect()
	if err != nil {
		t.Fatal(err)
	}
	if !tool.CanRead() || tool.PastePath() != "/fake/wl-paste" {
		t.Errorf("wl-copy with wl-paste: CanRead %v, PastePath %q", tool.CanRead(), tool.PastePath())
	}
}

func TestNamedTool(t *testing.T) {
	e := environment{
		goos:        "linux",
		getenv:      mapEnv(map[string]string{"DISPLAY": ":5"}),
		lookPath:    fakeTools("xclip"),
		procVersion: func() string { return "" },
		interactive: func() bool { return false },
	}
	tool, err := e.named(ToolXclip)
	if err != nil {
		t.Fatalf("named(xclip): %v", err)
	}
	if tool.Path != "/fake/xclip" || tool.Reason != "DISPLAY is :5" {
		t.Errorf("named(xclip) = %+v", tool)
	}
	if _, err := e.named(ToolXsel); !errors.Is(err, ErrUnavailable) {
		t.Errorf("named(xsel) error = %v, want ErrUnavailable", err)
	}
	if _, err := e.named(ToolWindows); !errors.Is(err, ErrUnavailable) {
		t.Errorf("named(windows) on linux error = %v, want ErrUnavailable", err)
	}
	if _, err := e.named("gpaste"); err == nil || !strings.Contains(err.Error(), `unknown clipboard tool "gpaste"`) {
		t.Errorf("named(gpaste) error = %v", err)
	}
}

// The tests below run shell scripts named xclip in place of the real one,
// with a file standing in for the clipboard.

// fakeXclip is an xclip that keeps the clipboard in $CLIPBOARD_FILE.
const fakeXclip = `#!/bin/sh
case "$1" in
-in) cat > "$CLIPBOARD_FILE" ;;
-out) cat "$CLIPBOARD_FILE" ;;
esac
`

func TestCopyReadClearWithTool(t *testing.T) {
	s, clip := fakeXclipSystem(t, fakeXclip)

	if err := s.Copy(code); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if got := readFile(t, clip); got != code {
		t.Errorf("clipboard after Copy = %q, want %q", got, code)
	}
	tool, err := s.Detect()
	if err != nil {
		t.Fatal(err)
	}
	text, err := s.Read(tool)
	if err != nil || text != code {
		t.Errorf("Read = %q, %v; want %q", text, err, code)
	}
	if err := s.Clear(tool); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if got := readFile(t, clip); got != "" {
		t.Errorf("clipboard after Clear = %q, want empty", got)
	}
}

func TestClearIfUnchanged(t *testing.T) {
	s, clip := fakeXclipSystem(t, fakeXclip)
	tool, err := s.Detect()
	if err != nil {
		t.Fatal(err)
	}

	if err := s.CopyWith(tool, code); err != nil {
		t.Fatal(err)
	}
	cleared, err := s.ClearIfUnchanged(tool, Hash(code))
	if err != nil || !cleared {
		t.Fatalf("ClearIfUnchanged on the same text = %v, %v; want true", cleared, err)
	}
	if got := readFile(t, clip); got != "" {
		t.Errorf("clipboard = %q, want empty", got)
	}

	if err := s.CopyWith(tool, code); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(clip, []byte("copied later"), 0o600); err != nil {
		t.Fatal(err)
	}
	cleared, err = s.ClearIfUnchanged(tool, Hash(code))
	if err != nil || cleared {
		t.Fatalf("ClearIfUnchanged on changed text = %v, %v; want false", cleared, err)
	}
	if got := readFile(t, clip); got != "copied later" {
		t.Errorf("clipboard = %q, want it unchanged", got)
	}
}

func TestToolErrorQuotesStderr(t *testing.T) {
	s, _ := fakeXclipSystem(t, "#!/bin/sh\necho \"Error: Can't open display: :99\" >&2\nexit 1\n")
	err := s.Copy(code)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Copy error = %v, want ErrUnavailable", err)
	}
	if got, want := err.Error(), "no clipboard available: xclip failed: Error: Can't open display: :99"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestToolExitStatusWithoutMessage(t *testing.T) {
	s, _ := fakeXclipSystem(t, "#!/bin/sh\nexit 3\n")
	err := s.Copy(code)
	if got, want := err.Error(), "no clipboard available: xclip failed with exit status 3"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestHashIsSHA256(t *testing.T) {
	// From `printf 324550 | sha256sum` (GNU coreutils).
	const want = "c47d91a0347fcb28720079abe94c6b0c966a6a5b3c8d2212e7f37e05e445ea16"
	sum := Hash(code)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Hash(%q) = %s, want %s", code, got, want)
	}
}

func fakeXclipSystem(t *testing.T, script string) (System, string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake copy tools are shell scripts")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "xclip")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	clip := filepath.Join(dir, "clipboard")
	if err := os.WriteFile(clip, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLIPBOARD_FILE", clip)
	s := System{
		Getenv: mapEnv(map[string]string{"DISPLAY": ":99"}),
		LookPath: func(name string) (string, error) {
			if name == "xclip" {
				return path, nil
			}
			return "", errors.New("not found")
		},
		Interactive: func() bool { return false },
	}
	return s, clip
}

func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func noTools(name string) (string, error) { return "", errors.New("not found") }

// fakeTools finds each of names at /fake/NAME, or at NAME itself when it is
// an absolute path.
func fakeTools(names ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, n := range names {
			switch {
			case n == name && filepath.IsAbs(n):
				return n, nil
			case n == name:
				return "/fake/" + n, nil
			}
		}
		return "", errors.New("not found")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
