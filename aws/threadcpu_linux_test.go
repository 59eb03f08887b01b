package aws

import (
	"runtime"
	"syscall"
	"time"
)

// threadCPU runs f on one OS thread and returns the CPU time that thread
// spent, user and system: what f cost, whatever else the machine ran.
func threadCPU(f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const rusageThread = 1 // RUSAGE_THREAD
	var before, after syscall.Rusage
	_ = syscall.Getrusage(rusageThread, &before)
	f()
	_ = syscall.Getrusage(rusageThread, &after)
	used := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return used(after) - used(before)
}
