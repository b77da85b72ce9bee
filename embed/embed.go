// Package embed holds the built web app (ui/ → `npm run build` → embed/dist),
// compiled into the binary so that `go build` needs no Node. The files are
// committed; CI rebuilds them and fails when they differ from ui/'s sources.
package embed

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built app: index.html at the root, content-hashed files under assets/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the directory is embedded at compile time
	}
	return sub
}
