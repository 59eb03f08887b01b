package awstest

import "syscall"

// sysProcAttr puts moto_server in its own process group (so Stop kills the
// Python server and anything it forked) and kills it if the test binary
// dies without running Stop (a test timeout's panic skips deferred calls).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}
