//go:build !unix && !windows

package clipboard

import (
	"errors"
	"io"
	"os/exec"
	"syscall"
)

func setProcessGroup(cmd *exec.Cmd) {}

func openTerminal() (io.WriteCloser, error) {
	return nil, errors.New("no controlling terminal on this system")
}

// DetachedProcess returns nil: this system has no sessions to detach from.
func DetachedProcess() *syscall.SysProcAttr { return nil }
