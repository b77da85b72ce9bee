package blob

import (
	"net/http"
	"time"
)

// SetNow replaces the clock of a local store (tests only).
func (l *Local) SetNow(now func() time.Time) { l.now = now }

// PresignUnchecked mints a local URL without validating the key, to test
// that the handler checks keys itself (tests only).
func (l *Local) PresignUnchecked(key string, ttl time.Duration) string {
	return l.presign(http.MethodPut, key, ttl, "", "")
}
