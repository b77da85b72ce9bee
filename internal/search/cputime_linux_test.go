package search

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPUTime returns the CPU time used by the calling OS thread
// (CLOCK_THREAD_CPUTIME_ID). The benchmark locks its goroutine to a thread
// and reports it next to wall time, which other processes on a shared
// machine inflate.
func threadCPUTime() (time.Duration, bool) {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
