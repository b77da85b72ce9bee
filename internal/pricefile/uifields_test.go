package pricefile

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestMappingScreenOffersEveryField keeps the web app's list of mapping
// fields (ui/src/lib/parts.ts) equal to Fields, so that a field Guess
// chooses is never shown as unknown and saved back as ignore.
func TestMappingScreenOffersEveryField(t *testing.T) {
	src, err := os.ReadFile("../../ui/src/lib/parts.ts")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(src), "export const FIELDS")
	end := strings.Index(string(src)[start:], "];")
	if start < 0 || end < 0 {
		t.Fatal("no FIELDS list in ui/src/lib/parts.ts")
	}
	var ui []string
	for _, m := range regexp.MustCompile(`value: '([a-z_]+)'`).FindAllStringSubmatch(string(src)[start:start+end], -1) {
		ui = append(ui, m[1])
	}
	var want []string
	for _, f := range Fields() {
		want = append(want, string(f.Field))
	}
	slices.Sort(ui)
	slices.Sort(want)
	if !slices.Equal(ui, want) {
		t.Errorf("the mapping screen offers %v, the importer knows %v", ui, want)
	}
}
