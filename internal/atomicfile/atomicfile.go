// Package atomicfile writes small private files so that a reader sees the
// old content or the new, never a part: the data goes to a temporary file in
// the same directory, which is synced and renamed over the target.
//
// The local vault file has its own writer, because it also syncs the
// directory, follows a symbolic link at the path and cleans up after a
// crashed writer.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write writes data to path with mode 0600, creating its directory with mode
// 0700 when missing. The temporary file is named "." + the base name of path
// + ".tmp" and a random suffix, and is removed when anything fails.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp")
	if err != nil {
		return fmt.Errorf("creating a temporary file in %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename

	// CreateTemp creates the file with mode 0600, which the rename keeps.
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("renaming %s to %s: %w", tmp.Name(), path, err)
	}
	return nil
}
