//go:build unix

package clipboard

import (
	"io"
	"os"
	"os/exec"
	"syscall"
)

// setProcessGroup starts cmd in a process group of its own and makes the
// context's cancellation kill that whole group, so that a copy tool that is
// a shell script takes its children along when it times out.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

func openTerminal() (io.WriteCloser, error) {
	return os.OpenFile("/dev/tty", os.O_WRONLY, 0)
}

// DetachedProcess returns the attributes that start a process in a new
// session (setsid), so that it outlives its parent and the terminal and
// gets no signal that the terminal sends to the parent's process group.
func DetachedProcess() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true}
}
