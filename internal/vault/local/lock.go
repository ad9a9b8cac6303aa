package local

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/totp-cli/totp/internal/hint"
)

// Polling bounds for a lock held by another process. Polling rather than a
// blocking lock call lets the wait end as soon as the context is done.
const (
	firstLockPoll = 2 * time.Millisecond
	maxLockPoll   = 50 * time.Millisecond
)

// fileLock is an exclusive lock on a lock file, held until Unlock.
type fileLock struct {
	file *os.File
}

// lockFile takes an exclusive lock on the file at path, creating it with mode
// 0600 when needed, and waits while another process or Vault holds it. The
// operating system releases the lock when the holder exits, so a killed
// writer never leaves the vault locked. The lock file is never removed,
// because removing it would let two writers lock two different files.
func lockFile(ctx context.Context, path string) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file %s: %w", path, err)
	}

	poll := firstLockPoll
	for {
		locked, err := tryLock(f)
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if locked {
			return &fileLock{file: f}, nil
		}

		timer := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			timer.Stop()
			_ = f.Close()
			err := fmt.Errorf("waiting for lock file %s held by another totp: %w", path, ctx.Err())
			return nil, hint.Wrap(err, "another totp process is writing this vault, so try again when it ends or raise --timeout")
		case <-timer.C:
		}
		poll = min(2*poll, maxLockPoll)
	}
}

// Unlock releases the lock and closes the lock file.
func (l *fileLock) Unlock() {
	_ = unlock(l.file)
	_ = l.file.Close()
}
