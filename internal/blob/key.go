package blob

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"counterpart/internal/textcut"
)

// MaxFileNameBytes is the maximum length in bytes of a name returned by
// [SanitizeFileName].
const MaxFileNameBytes = 120

// maxExtBytes is the longest suffix (dot included) still treated as a file
// extension that truncation must keep.
const maxExtBytes = 16

// maxKeyBytes is the S3 limit on object key length.
const maxKeyBytes = 1024

// fallbackFileName replaces names that sanitise to nothing.
const fallbackFileName = "file"

// ErrInvalidKey is returned (wrapped) for malformed object keys, prefixes
// and ids.
var ErrInvalidKey = errors.New("blob: invalid key")

// DocumentKey returns the object key of a document file:
//
//	tenants/<tenantID>/documents/<documentID>/<sanitised fileName>
//
// Both ids must be PocketBase record ids ([a-z0-9]{15}).
func DocumentKey(tenantID, documentID, fileName string) (string, error) {
	prefix, err := DocumentPrefix(tenantID, documentID)
	if err != nil {
		return "", err
	}
	return prefix + SanitizeFileName(fileName), nil
}

// DocumentPrefix returns the prefix, ending with "/", under which all the
// files of one document are stored.
func DocumentPrefix(tenantID, documentID string) (string, error) {
	prefix, err := TenantPrefix(tenantID)
	if err != nil {
		return "", err
	}
	if !IsValidID(documentID) {
		return "", fmt.Errorf("%w: document id %q is not a record id", ErrInvalidKey, documentID)
	}
	return prefix + "documents/" + documentID + "/", nil
}

// TenantPrefix returns the prefix, ending with "/", under which all the
// objects of one tenant are stored.
func TenantPrefix(tenantID string) (string, error) {
	if !IsValidID(tenantID) {
		return "", fmt.Errorf("%w: tenant id %q is not a record id", ErrInvalidKey, tenantID)
	}
	return "tenants/" + tenantID + "/", nil
}

// IsValidID reports whether id has the shape of a PocketBase record id:
// exactly 15 characters from [a-z0-9].
func IsValidID(id string) bool {
	if len(id) != 15 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// unsafeNameChars are replaced with "_" by SanitizeFileName: path
// separators, characters that S3 documents as needing special handling or
// to avoid, URL delimiters, and characters invalid in Windows file names.
const unsafeNameChars = "/\\{}^%`[]\"<>~#|?*:+"

// SanitizeFileName turns a user supplied file name into a safe final key
// segment (and local file name):
//
//   - any directory part (before the last "/" or "\") is dropped;
//   - control, format (e.g. bidi overrides), private use and invalid UTF-8
//     characters are removed;
//   - characters unsafe in URLs, keys or file names are replaced with "_";
//   - runs of whitespace become one space;
//   - leading and trailing spaces and dots are trimmed, so "." and ".."
//     (and hidden-file names) cannot come out;
//   - the result is cut to [MaxFileNameBytes] without splitting a rune or
//     the extension;
//   - it is never empty ("file" is used instead).
//
// Unicode letters are kept ("Preisliste Ölfilter.pdf" is unchanged).
// Names are not Unicode-normalised.
func SanitizeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}

	var b strings.Builder
	b.Grow(len(name))
	space := false
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			// invalid byte or U+FFFD: dropped
		case unicode.IsSpace(r):
			space = true
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) || isNonChar(r):
			// dropped
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			if r < utf8.RuneSelf && strings.IndexByte(unsafeNameChars, byte(r)) >= 0 {
				r = '_'
			}
			b.WriteRune(r)
		}
	}
	name = strings.Trim(b.String(), " .")
	if name == "" {
		return fallbackFileName
	}
	if len(name) <= MaxFileNameBytes {
		return name
	}

	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= maxExtBytes && !strings.Contains(name[i:], " ") {
		stem, ext = name[:i], name[i:]
	}
	stem = textcut.Truncate(stem, MaxFileNameBytes-len(ext))
	stem = strings.TrimRight(stem, " .")
	if stem == "" {
		stem = fallbackFileName
	}
	return stem + ext
}

// isNonChar reports Unicode noncharacters (U+FDD0..U+FDEF, U+xxFFFE/F).
func isNonChar(r rune) bool {
	return (r >= 0xFDD0 && r <= 0xFDEF) || r&0xFFFE == 0xFFFE
}

// CheckKey validates an object key: not empty, at most 1024 bytes, valid
// UTF-8 without control characters or "\", relative, made of non-empty
// "/"-separated segments none of which starts with "." (this excludes
// "." and ".." and keeps the local driver's temporary files out of the
// key space).
func CheckKey(key string) error {
	if key == "" || strings.HasSuffix(key, "/") {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	return checkKeyOrPrefix(key)
}

// CheckPrefix validates a listing or deletion prefix: like [CheckKey]
// but it may (and usually should) end with "/". The empty prefix is
// refused so that a bug cannot wipe a whole store.
func CheckPrefix(prefix string) error {
	if prefix == "" {
		return fmt.Errorf("%w: empty prefix", ErrInvalidKey)
	}
	return checkKeyOrPrefix(strings.TrimSuffix(prefix, "/"))
}

func checkKeyOrPrefix(key string) error {
	if key == "" || len(key) > maxKeyBytes || !utf8.ValidString(key) || strings.ContainsRune(key, '\\') {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	for _, r := range key {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: %q contains a control character", ErrInvalidKey, key)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	return nil
}
