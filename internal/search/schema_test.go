package search

import (
	"fmt"
	"strings"
	"testing"
)

func TestSchemaUpDown(t *testing.T) {
	db := openTestDB(t) // runs Schema
	tables := func() []string {
		var names []string
		if err := db.NewQuery("SELECT name FROM sqlite_master WHERE name LIKE 'chunks%fts' ORDER BY name").Column(&names); err != nil {
			t.Fatal(err)
		}
		return names
	}
	if got := tables(); !sameSet(got, []string{textTable, partsTable}) {
		t.Fatalf("tables after Schema: %v", got)
	}
	for _, s := range DropSchema() {
		if _, err := db.NewQuery(s).Execute(); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if got := tables(); len(got) != 0 {
		t.Fatalf("tables after DropSchema: %v", got)
	}
	var n int
	if err := db.NewQuery("SELECT count(*) FROM sqlite_master WHERE name LIKE 'chunks_%fts%'").Row(&n); err != nil || n != 0 {
		t.Fatalf("shadow tables left: %d (%v)", n, err)
	}
	// Down then up again works (migrations can be replayed).
	for _, s := range Schema() {
		if _, err := db.NewQuery(s).Execute(); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestTenantKey(t *testing.T) {
	tests := []struct {
		tenant, want string
	}{
		{"k7", "6c37x"},
		{"abc", "616263x"},
		{"", "x"},
		{"ABC", "414243x"},
		{"a b", "612062x"},
		{"\xff", "hhx"},
	}
	for _, tt := range tests {
		if got := tenantKey(tt.tenant); got != tt.want {
			t.Errorf("tenantKey(%q) = %q, want %q", tt.tenant, got, tt.want)
		}
	}
	// No vowel, no "y", a single "x" at the end, whatever the id.
	for _, id := range []string{"aeiouy", "xxxx", "Ölfilter", "tenant:x", `"quoted"`, "r0000000000000"} {
		k := tenantKey(id)
		if strings.ContainsAny(k, "aeiouy") || strings.Index(k, "x") != len(k)-1 {
			t.Errorf("tenantKey(%q) = %q", id, k)
		}
	}
}

// TestTenantKeyThroughTokenizer checks that the tokenizers keep the tenant
// key and the key-prefixed words apart for ids that porter, case folding or
// punctuation would otherwise merge.
func TestTenantKeyThroughTokenizer(t *testing.T) {
	db := openTestDB(t)
	ids := []string{"abc", "abcs", "abce", "aby", "ABC", "Abc", "a-b", "a b", "ab", "tenant:ab", "ä", "a"}
	for i, id := range ids {
		addChunks(t, db, testChunk{id: fmt.Sprint("c", i), tenant: id, document: "d", text: "filters pads 8E0-615-301-AG"})
	}
	for i, id := range ids {
		want := []string{fmt.Sprint("c", i)}
		for _, q := range []string{"filter", "pad", "8E0615301AG"} {
			if got := searchIDs(t, db, id, q); !sameSet(got, want) {
				t.Errorf("tenant %q, query %q: got %v, want %v", id, q, got, want)
			}
		}
	}
	// The tenant token is stored unchanged.
	if _, err := db.NewQuery("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, " + textTable + ", 'col')").Execute(); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	if err := db.NewQuery("SELECT term FROM temp.vocab WHERE col = 'tenant'").Column(&tokens); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, id := range ids {
		want = append(want, tenantKey(id))
	}
	if !sameSet(tokens, want) {
		t.Errorf("tenant tokens %v, want %v", tokens, want)
	}
}
