//go:build linux || darwin

package metrics

import (
	"fmt"
	"syscall"
)

// DiskSpace reports the bytes available to this (unprivileged) process and
// the size of the file system that holds path.
func DiskSpace(path string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, fmt.Errorf("free disk space of %s: %w", path, err)
	}
	bsize := uint64(st.Bsize) //nolint:gosec // a block size is positive
	return uint64(st.Bavail) * bsize, uint64(st.Blocks) * bsize, nil
}
