//go:build !linux

package aws

import "time"

// threadCPU falls back to wall time where a thread's CPU time is not at
// hand.
func threadCPU(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
