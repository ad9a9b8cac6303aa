package local

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"

	"github.com/totp-cli/totp/internal/hint"
)

// DefaultPath returns the path of the local vault in the user's data
// directory:
//
//   - Linux and BSD: $XDG_DATA_HOME/totp/vault.age, or
//     ~/.local/share/totp/vault.age when XDG_DATA_HOME is unset or relative;
//   - macOS: ~/Library/Application Support/totp/vault.age;
//   - Windows: %LocalAppData%\totp\vault.age.
func DefaultPath() (string, error) {
	return defaultPath(runtime.GOOS, os.Getenv)
}

func defaultPath(goos string, getenv func(string) string) (string, error) {
	const remedy = "set the vault with --vault file:PATH or TOTP_VAULT"

	switch goos {
	case "windows":
		dir := getenv("LocalAppData")
		if dir == "" {
			return "", hint.Wrap(errors.New("finding the local vault: %LocalAppData% is not set"), remedy)
		}
		return filepath.Join(dir, "totp", "vault.age"), nil

	case "darwin", "ios":
		home := getenv("HOME")
		if home == "" {
			return "", hint.Wrap(errors.New("finding the local vault: $HOME is not set"), remedy)
		}
		return filepath.Join(home, "Library", "Application Support", "totp", "vault.age"), nil

	default:
		// The XDG Base Directory Specification treats a relative
		// XDG_DATA_HOME as invalid and ignores it.
		if dir := getenv("XDG_DATA_HOME"); dir != "" && filepath.IsAbs(dir) {
			return filepath.Join(dir, "totp", "vault.age"), nil
		}
		home := getenv("HOME")
		if home == "" {
			return "", hint.Wrap(errors.New("finding the local vault: neither $XDG_DATA_HOME nor $HOME is set"), remedy)
		}
		return filepath.Join(home, ".local", "share", "totp", "vault.age"), nil
	}
}
