//go:build !linux && !darwin

package metrics

import "errors"

// DiskSpace is not implemented on this platform (the appliance runs on Linux).
func DiskSpace(path string) (free, total uint64, err error) {
	return 0, 0, errors.New("free disk space: not supported on this platform")
}
