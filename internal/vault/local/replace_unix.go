//go:build unix

package local

import (
	"errors"
	"os"
	"syscall"
)

// replaceFile renames from over to. rename(2) is atomic: a reader opens
// either the old file or the new one.
func replaceFile(from, to string) error {
	return os.Rename(from, to)
}

// syncDir flushes the directory entry of a rename to disk. File systems that
// cannot sync a directory report EINVAL or ENOTSUP, which are ignored.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if closeErr := d.Close(); err == nil {
		err = closeErr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}
