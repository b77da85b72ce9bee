// Package version holds the build's version and commit, stamped by `make dist`
// with -ldflags "-X counterpart/internal/version.Version=… -X …Commit=…".
package version

// Version is the release, e.g. v0.1.0; "dev" for a plain go build.
var Version = "dev"

// Commit is the git commit the binary was built from.
var Commit = "unknown"

// String is what `counterpart --version` prints.
func String() string { return Version + " (commit " + Commit + ")" }
