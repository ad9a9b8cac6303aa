package local

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// beforeRename, when not nil, runs after the temporary file is written and
// synced and before it replaces the vault file. Tests set it to inject a
// failure or to hold a writer at that point.
var beforeRename func(tempPath string) error

// resolvePath returns the file that path names after following symbolic
// links, so that a write replaces the link's target and keeps the link. It
// follows a link to a file that does not exist yet too, so the first write
// creates the target. Links in the directories above the file need no
// resolving, because the rename stays within one directory.
func resolvePath(path string) (string, error) {
	const maxLinks = 40 // the limit of Linux's path resolution
	resolved := path
	for range maxLinks {
		info, err := os.Lstat(resolved)
		if errors.Is(err, fs.ErrNotExist) || err == nil && info.Mode()&fs.ModeSymlink == 0 {
			return resolved, nil
		}
		if err != nil {
			return "", fmt.Errorf("resolving local vault path %s: %w", path, err)
		}
		target, err := os.Readlink(resolved)
		if err != nil {
			return "", fmt.Errorf("resolving local vault path %s: %w", path, err)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(resolved), target)
		}
		resolved = target
	}
	return "", fmt.Errorf("resolving local vault path %s: more than %d symbolic links", path, maxLinks)
}

func tempPrefix(path string) string {
	return "." + filepath.Base(path) + ".tmp-"
}

// writeFileAtomic replaces the file at path with data, so that a crash at any
// point leaves either the old file or the new one. It writes a temporary file
// in the same directory, syncs it, renames it over path and syncs the
// directory. The new file has mode 0600, and the directory must exist.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	temp, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return fmt.Errorf("creating temporary file for local vault %s: %w", path, err)
	}
	tempPath := temp.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tempPath)
		}
	}()

	if err := writeAndSync(temp, data); err != nil {
		return fmt.Errorf("writing temporary file for local vault %s: %w", path, err)
	}
	if beforeRename != nil {
		if err := beforeRename(tempPath); err != nil {
			return fmt.Errorf("writing local vault %s: %w", path, err)
		}
	}
	if err := replaceFile(tempPath, path); err != nil {
		return fmt.Errorf("replacing local vault %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("syncing directory of local vault %s: %w", path, err)
	}
	return nil
}

// writeAndSync writes data to f, flushes it to disk and closes f. os.CreateTemp
// already created f with mode 0600; the Chmod makes that explicit for readers
// of the code and for file systems that ignore the create mode.
func writeAndSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

// removeStaleTemps deletes the temporary files that a writer of path left
// when it was killed before its rename. It must run under the write lock,
// because only a lock holder creates temporary files. Failures are ignored:
// a leftover file wastes space but never replaces the vault.
func removeStaleTemps(path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(path)
	for _, e := range entries {
		suffix, ok := strings.CutPrefix(e.Name(), prefix)
		// os.CreateTemp replaces the "*" with decimal digits only, so this
		// never matches the temporary file of a vault whose name starts
		// with this one's.
		if ok && isDigits(suffix) && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
