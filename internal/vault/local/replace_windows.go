//go:build windows

package local

import (
	"errors"
	"time"

	"golang.org/x/sys/windows"
)

// NOTE: this file and lock_windows.go are compiled for Windows but the tests
// have run only on Linux.

// replaceRetryTime bounds the retries of a rename that fails because another
// process has the vault file open for reading, which Windows reports as a
// sharing violation or as access denied.
const replaceRetryTime = 2 * time.Second

// replaceFile renames from over to with MoveFileEx. MOVEFILE_WRITE_THROUGH
// returns only after the move is flushed to disk, so no directory sync is
// needed, unlike on Unix.
func replaceFile(from, to string) error {
	fromPtr, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	toPtr, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}

	deadline := time.Now().Add(replaceRetryTime)
	for {
		err := windows.MoveFileEx(fromPtr, toPtr, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH)
		busy := errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
		if !busy || time.Now().After(deadline) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// syncDir does nothing: replaceFile has already flushed the rename.
func syncDir(string) error { return nil }
