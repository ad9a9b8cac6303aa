//go:build windows

package clipboard

import (
	"io"
	"os"
	"os/exec"
	"syscall"
)

// detachedProcess is the DETACHED_PROCESS process creation flag: the new
// process has no console.
const detachedProcess = 0x00000008

func setProcessGroup(cmd *exec.Cmd) {}

func openTerminal() (io.WriteCloser, error) {
	return os.OpenFile("CONOUT$", os.O_WRONLY, 0)
}

// DetachedProcess returns the attributes that start a process without a
// console (DETACHED_PROCESS) in a new process group, so that it outlives its
// parent and gets no Ctrl-C meant for the parent's console.
func DetachedProcess() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: detachedProcess | syscall.CREATE_NEW_PROCESS_GROUP, HideWindow: true}
}
