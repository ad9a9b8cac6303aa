//go:build !(unix && !aix) && !windows

package local

import (
	"fmt"
	"os"
	"runtime"
)

// tryLock fails on systems without flock or LockFileEx, so that the local
// vault is never written without a lock.
func tryLock(*os.File) (bool, error) {
	return false, fmt.Errorf("file locking is not supported on %s", runtime.GOOS)
}

func unlock(*os.File) error { return nil }
