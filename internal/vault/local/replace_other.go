//go:build !unix && !windows

package local

import "os"

// replaceFile renames from over to.
func replaceFile(from, to string) error {
	return os.Rename(from, to)
}

// syncDir does nothing on systems without a directory sync.
func syncDir(string) error { return nil }
