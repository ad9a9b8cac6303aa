package clipboard

import (
	"fmt"
	"os"
	"strings"
)

// Names of the tools that Detect chooses from.
const (
	ToolOSC52   = "osc52"
	ToolClipExe = "clip.exe"
	ToolWlCopy  = "wl-copy"
	ToolXclip   = "xclip"
	ToolXsel    = "xsel"
	ToolPbcopy  = "pbcopy"
	ToolWindows = "windows"
)

// Tool is one way to reach the clipboard.
type Tool struct {
	// Name is one of the Tool* constants.
	Name string
	// Path is the copy tool's executable; empty for OSC 52 and the Windows
	// clipboard API.
	Path string
	// Reason is why Detect chose the tool, such as "DISPLAY is :0".
	Reason string

	copyArgs []string
	// pastePath is the executable that reads the clipboard back; empty when
	// there is none.
	pastePath string
	pasteArgs []string
	// clearArgs, when not nil, clear the clipboard with the copy tool;
	// otherwise clearing copies an empty text.
	clearArgs []string
	// trimCRLF removes the line end that the paste tool adds.
	trimCRLF bool
}

// CanRead reports whether Read and ClearIfUnchanged work with the tool.
func (t Tool) CanRead() bool {
	return t.Name == ToolWindows || t.pastePath != ""
}

// PastePath returns the executable that reads the clipboard back, or "" when
// there is none or the tool is the Windows clipboard API.
func (t Tool) PastePath() string { return t.pastePath }

func (t Tool) trimPaste(s string) string {
	if t.trimCRLF {
		s = strings.TrimSuffix(s, "\r\n")
	}
	return s
}

// environment is the process state that Detect reads: the system, the
// environment variables, PATH, the kernel version and the standard streams.
type environment struct {
	goos        string
	getenv      func(string) string
	lookPath    func(string) (string, error)
	procVersion func() string
	interactive func() bool
}

// readProcVersion returns the content of /proc/version, or "" where there is
// none.
func readProcVersion() string {
	data, err := os.ReadFile("/proc/version")
	if err != nil {
		return ""
	}
	return string(data)
}

// Windows executables that WSL runs, with their usual paths for when the
// Windows directories are not on PATH (interop's appendWindowsPath off).
const (
	wslClipPath       = "/mnt/c/Windows/System32/clip.exe"
	wslPowerShellPath = "/mnt/c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe"
)

func (e environment) detect() (Tool, error) {
	if e.goos == "windows" {
		return e.windows(), nil
	}

	display, wayland := e.getenv("DISPLAY"), e.getenv("WAYLAND_DISPLAY")
	if e.overSSH() && display == "" && wayland == "" {
		if !e.interactive() {
			return Tool{}, fmt.Errorf("%w: over ssh without a display, totp copies through the terminal (OSC 52), but neither standard output nor standard error is a terminal", ErrUnavailable)
		}
		return e.osc52(), nil
	}

	if e.goos == "darwin" {
		if t, ok := e.pbcopy(); ok {
			return t, nil
		}
		return Tool{}, fmt.Errorf("%w: pbcopy not found on PATH", ErrUnavailable)
	}

	if e.wsl() {
		if t, ok := e.clipExe(); ok {
			return t, nil
		}
	}
	if wayland != "" {
		if t, ok := e.wlCopy(); ok {
			return t, nil
		}
	}
	if display != "" {
		if t, ok := e.xclip(); ok {
			return t, nil
		}
		if t, ok := e.xsel(); ok {
			return t, nil
		}
	}

	switch {
	case wayland != "" && display != "":
		return Tool{}, fmt.Errorf("%w: install wl-clipboard, xclip or xsel", ErrUnavailable)
	case wayland != "":
		return Tool{}, fmt.Errorf("%w: install wl-clipboard", ErrUnavailable)
	case display != "":
		return Tool{}, fmt.Errorf("%w: install xclip or xsel", ErrUnavailable)
	}
	return Tool{}, fmt.Errorf("%w: no display (DISPLAY and WAYLAND_DISPLAY are not set)", ErrUnavailable)
}

// named returns the tool called name, as Detect returned it before.
func (e environment) named(name string) (Tool, error) {
	var t Tool
	ok := false
	switch name {
	case ToolOSC52:
		t, ok = e.osc52(), true
	case ToolClipExe:
		t, ok = e.clipExe()
	case ToolWlCopy:
		t, ok = e.wlCopy()
	case ToolXclip:
		t, ok = e.xclip()
	case ToolXsel:
		t, ok = e.xsel()
	case ToolPbcopy:
		t, ok = e.pbcopy()
	case ToolWindows:
		if e.goos == "windows" {
			t, ok = e.windows(), true
		}
	default:
		return Tool{}, fmt.Errorf("unknown clipboard tool %q", name)
	}
	if !ok {
		return Tool{}, fmt.Errorf("%w: %s not found", ErrUnavailable, name)
	}
	return t, nil
}

func (e environment) overSSH() bool {
	return e.getenv("SSH_TTY") != "" || e.getenv("SSH_CONNECTION") != ""
}

// wsl reports whether this is Linux on the Windows Subsystem for Linux, where
// WSL_DISTRO_NAME is set in the default environment and the kernel's version
// string names Microsoft.
func (e environment) wsl() bool {
	if e.goos != "linux" {
		return false
	}
	return e.getenv("WSL_DISTRO_NAME") != "" || strings.Contains(strings.ToLower(e.procVersion()), "microsoft")
}

// find returns the path of the first of names that lookPath finds.
func (e environment) find(names ...string) (string, bool) {
	for _, n := range names {
		if p, err := e.lookPath(n); err == nil {
			return p, true
		}
	}
	return "", false
}

func (e environment) osc52() Tool {
	return Tool{Name: ToolOSC52, Reason: "ssh session without a display"}
}

func (e environment) windows() Tool {
	return Tool{Name: ToolWindows, Reason: "windows"}
}

func (e environment) clipExe() (Tool, bool) {
	path, ok := e.find("clip.exe", wslClipPath)
	if !ok {
		return Tool{}, false
	}
	t := Tool{Name: ToolClipExe, Path: path, Reason: "windows subsystem for linux"}
	if ps, ok := e.find("powershell.exe", wslPowerShellPath); ok {
		t.pastePath = ps
		t.pasteArgs = []string{"-NoProfile", "-NonInteractive", "-Command", "Get-Clipboard"}
		t.trimCRLF = true
	}
	// NOTE: clearing pipes an empty text into clip.exe; that this empties
	// the Windows clipboard was not checked on a Windows machine.
	return t, true
}

func (e environment) wlCopy() (Tool, bool) {
	path, ok := e.find("wl-copy")
	if !ok {
		return Tool{}, false
	}
	t := Tool{Name: ToolWlCopy, Path: path, Reason: "WAYLAND_DISPLAY is " + e.getenv("WAYLAND_DISPLAY"), clearArgs: []string{"--clear"}}
	if paste, ok := e.find("wl-paste"); ok {
		t.pastePath = paste
		t.pasteArgs = []string{"--no-newline"}
	}
	return t, true
}

func (e environment) xclip() (Tool, bool) {
	path, ok := e.find("xclip")
	if !ok {
		return Tool{}, false
	}
	return Tool{
		Name:      ToolXclip,
		Path:      path,
		Reason:    "DISPLAY is " + e.getenv("DISPLAY"),
		copyArgs:  []string{"-in", "-selection", "clipboard"},
		pastePath: path,
		pasteArgs: []string{"-out", "-selection", "clipboard"},
	}, true
}

func (e environment) xsel() (Tool, bool) {
	path, ok := e.find("xsel")
	if !ok {
		return Tool{}, false
	}
	return Tool{
		Name:      ToolXsel,
		Path:      path,
		Reason:    "DISPLAY is " + e.getenv("DISPLAY"),
		copyArgs:  []string{"--input", "--clipboard"},
		pastePath: path,
		pasteArgs: []string{"--output", "--clipboard"},
		clearArgs: []string{"--clear", "--clipboard"},
	}, true
}

func (e environment) pbcopy() (Tool, bool) {
	path, ok := e.find("pbcopy")
	if !ok {
		return Tool{}, false
	}
	t := Tool{Name: ToolPbcopy, Path: path, Reason: "macos"}
	if paste, ok := e.find("pbpaste"); ok {
		t.pastePath = paste
	}
	return t, true
}
