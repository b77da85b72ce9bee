package pricefile

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Signature returns the supplier key of a header row: a stable hash (32
// hexadecimal characters) of the header names reduced for matching, in
// column order, so the next file from the same supplier finds the mapping
// remembered for this one. Case, punctuation, accents, umlaut spellings and
// trailing empty headers do not change it; a renamed, added, removed or
// moved column does.
func Signature(headers []string) string {
	keys := make([]string, len(headers))
	for i, h := range headers {
		keys[i] = keyOf(h).compact
	}
	for len(keys) > 0 && keys[len(keys)-1] == "" {
		keys = keys[:len(keys)-1]
	}
	sum := sha256.Sum256([]byte("pricefile-v1\x1f" + strings.Join(keys, "\x1f")))
	return hex.EncodeToString(sum[:16])
}
