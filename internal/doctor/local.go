package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/totp-cli/totp/internal/vault/local"
)

// Local checks the local vault v: that its file exists, that only its owner
// can read it, that the passphrase decrypts it, and the accounts it holds.
// goos is runtime.GOOS, because only systems with Unix file modes get the
// mode check. passphraseSource names where the passphrase comes from, such
// as "TOTP_PASSPHRASE".
func Local(ctx context.Context, v *local.Vault, goos, passphraseSource string) []Result {
	path := v.Path()
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return []Result{{Check: "vault file", Status: Warning, Detail: path + " does not exist yet",
			Hints: []string{"'totp add' creates it and asks for a new passphrase"}}}
	case err != nil:
		return []Result{failed("vault file", Problem, err)}
	}
	results := []Result{ok("vault file", fmt.Sprintf("%s (%s)", path, plural(int(info.Size()), "byte", "bytes")))}
	results = append(results, fileMode(path, info, goos))

	props, err := v.List(ctx)
	if err != nil {
		return append(results, failed("passphrase", Problem, err), skipped("accounts", "the vault cannot be read"))
	}
	results = append(results, ok("passphrase", "the passphrase from "+passphraseSource+" decrypts the vault"))
	accounts, _ := countAccounts(props)
	return append(results, accounts)
}

// fileMode reports whether users other than the owner can read or write the
// vault file. The file is encrypted, but a copy lets anyone try passphrases
// offline.
func fileMode(path string, info fs.FileInfo, goos string) Result {
	const check = "file mode"
	if goos == "windows" {
		return skipped(check, "windows has no unix file modes; the file's access control list decides who can read it")
	}
	perm := info.Mode().Perm()
	if perm&0o077 != 0 {
		return Result{Check: check, Status: Problem,
			Detail: fmt.Sprintf("%s has mode %04o, so other users can copy it and try passphrases offline", path, perm),
			Hints:  []string{"run: chmod 600 " + shellQuote(path)}}
	}
	return ok(check, fmt.Sprintf("%04o", perm))
}

// shellQuote quotes s for a POSIX shell when it holds anything but letters,
// digits and / . _ - characters, such as the space in macOS's
// "Application Support".
func shellQuote(s string) string {
	safe := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-", r))
	}) < 0
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
