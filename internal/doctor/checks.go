package doctor

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/totp-cli/totp/internal/clipboard"
	"github.com/totp-cli/totp/internal/config"
	"github.com/totp-cli/totp/internal/hint"
	"github.com/totp-cli/totp/internal/namecache"
	"github.com/totp-cli/totp/internal/vault/keyvault"
)

func hintsOf(err error) []string { return hint.Hints(err) }

// Config reports where the configuration file is and whether it is valid.
// cfg and loadErr are what config.Load returned for path. An empty path
// with loadErr means that config.Path failed.
func Config(path string, cfg *config.Config, loadErr error) Result {
	const check = "config"
	if path == "" && loadErr != nil {
		return failed(check, Problem, loadErr, "set HOME (XDG_CONFIG_HOME on Linux, %AppData% on Windows)")
	}
	if loadErr != nil {
		return failed(check, Problem, loadErr,
			"fix or delete the line; 'totp config --help' lists the keys and 'totp config path' prints the file's path")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return ok(check, path+" does not exist, so totp uses its defaults")
	}
	return ok(check, fmt.Sprintf("%s is valid (%s)", path, plural(len(cfg.Keys()), "setting", "settings")))
}

// Vault reports the chosen vault, named as in messages ("key vault URL" or
// "local vault PATH"), and the reason it was chosen, such as
// "from TOTP_VAULT".
func Vault(name, reason string) Result {
	return ok("vault", fmt.Sprintf("%s (%s)", name, reason))
}

// VaultError reports a vault that cannot be opened, such as an invalid
// --vault value.
func VaultError(err error) Result {
	return failed("vault", Problem, err)
}

// Clipboard reports which clipboard `totp code --copy` uses, and whether
// and when a copied code is cleared.
func Clipboard(sys clipboard.System, clearAfter time.Duration) Result {
	const check = "clipboard"
	tool, err := sys.Detect()
	if err != nil {
		return failed(check, Warning, err, "'totp code --copy' warns and prints the code without copying it")
	}

	var where string
	switch tool.Name {
	case clipboard.ToolOSC52:
		return ok(check, "the terminal's, through the OSC 52 escape sequence ("+tool.Reason+"); it works only in a terminal that supports OSC 52, and a copied code is not cleared")
	case clipboard.ToolWindows:
		where = "the windows clipboard"
	default:
		where = fmt.Sprintf("%s %s (%s)", tool.Name, tool.Path, tool.Reason)
	}

	switch {
	case clearAfter == 0:
		return ok(check, where+"; a copied code stays, because clear-after is 0")
	case !tool.CanRead():
		return Result{Check: check, Status: Warning,
			Detail: where + "; a copied code is not cleared, because totp cannot read the clipboard back",
			Hints:  []string{readToolHint(tool.Name)}}
	}
	return ok(check, fmt.Sprintf("%s; a copied code is cleared after %s", where, clearAfter))
}

func readToolHint(name string) string {
	switch name {
	case clipboard.ToolWlCopy:
		return "install wl-paste (package wl-clipboard)"
	case clipboard.ToolClipExe:
		return "make powershell.exe reachable from WSL, as it is by default"
	case clipboard.ToolPbcopy:
		return "pbpaste is part of macOS; check PATH"
	}
	return "install the paste tool that goes with " + name
}

// NameCache reports where the name cache of the vault identified by vaultID
// (the vault's String) lives and how many names it holds.
func NameCache(vaultID string) Result {
	const check = "name cache"
	cache, err := namecache.Open(vaultID)
	if err != nil {
		return failed(check, Warning, err, "set XDG_CACHE_HOME or HOME; without a cache, totp code FILTER costs one more request")
	}
	if _, err := os.Stat(cache.Path()); errors.Is(err, fs.ErrNotExist) {
		return ok(check, cache.Path()+" does not exist yet; 'totp list' writes it")
	}
	entries := cache.Entries()
	if entries == nil {
		return Result{Check: check, Status: Warning,
			Detail: cache.Path() + " cannot be read or belongs to another vault; the next 'totp list' rewrites it"}
	}
	return ok(check, fmt.Sprintf("%s (%s)", cache.Path(), plural(len(entries), "name", "names")))
}

// Clock thresholds.
const (
	// ClockWarning is the clock offset above which Clock warns.
	ClockWarning = 5 * time.Second
	// DefaultPeriod is the TOTP period used as the tolerance when the vault
	// has no TOTP account.
	DefaultPeriod = 30 * time.Second
)

// Clock compares the local clock with the vault's, from offset, the
// estimate that a keyvault.DateRecorder returned. It warns above
// ClockWarning and reports a problem above tolerance, the shortest TOTP
// period of the vault's accounts. Services commonly accept codes one time
// step early or late, so a clock off by more than one period makes codes
// that they may reject.
func Clock(offset keyvault.ClockOffset, tolerance time.Duration) Result {
	const check = "clock"
	off := offset.Offset.Abs()
	direction := "behind"
	if offset.Offset < 0 {
		direction = "ahead of"
	}
	detail := fmt.Sprintf("the local clock is %s %s key vault's (±%s, from the Date header)",
		off.Round(time.Second), direction, offset.Uncertainty.Round(100*time.Millisecond))
	if off < time.Second {
		detail = fmt.Sprintf("the local clock is within 1s of key vault's (±%s, from the Date header)",
			offset.Uncertainty.Round(100*time.Millisecond))
	}
	remedy := "turn on network time sync: on Linux 'timedatectl set-ntp true', on Windows 'w32tm /resync', on macOS 'Set time and date automatically' in Date & Time settings"

	switch {
	case off > tolerance:
		return Result{Check: check, Status: Problem,
			Detail: detail + fmt.Sprintf(", more than one %s period, so services may reject its codes", tolerance),
			Hints:  []string{remedy}}
	case off > ClockWarning:
		return Result{Check: check, Status: Warning,
			Detail: detail + fmt.Sprintf(", more than %s", ClockWarning),
			Hints:  []string{remedy}}
	}
	return ok(check, detail)
}
