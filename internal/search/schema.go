package search

import (
	"encoding/hex"
	"strings"
)

// Names of the two FTS5 tables.
const (
	textTable  = "chunks_fts"
	partsTable = "chunks_parts_fts"
)

// Schema returns the statements that create the full-text index, in order.
// The app runs them in a migration after the chunks table exists.
//
// Both tables are contentless (content='') with contentless_delete=1, so
// the chunk text is stored once, in the chunks table, and rows can still be
// deleted by rowid. Their rowid is the rowid of the chunk.
//
//   - chunks_fts(text, tenant) holds the words of the chunk, tokenised with
//     "porter unicode61 remove_diacritics 2" and full detail, ranked with
//     bm25 on the text column only.
//   - chunks_parts_fts(parts, tenant) holds the normalised part numbers of
//     the chunk, tokenised with plain "unicode61" (never stemmed) and
//     detail=column, which is all an exact token lookup needs.
//
// Each table has a tenant column holding one token per row (see the package
// documentation), so every query is restricted to one tenant inside FTS5.
func Schema() []string {
	return []string{
		"CREATE VIRTUAL TABLE " + textTable + " USING fts5(text, tenant, " +
			"content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')",
		// The tenant column matches every row of the tenant: weight 0, so
		// it does not shift the score.
		"INSERT INTO " + textTable + "(" + textTable + ", rank) VALUES ('rank', 'bm25(1.0, 0.0)')",
		"CREATE VIRTUAL TABLE " + partsTable + " USING fts5(parts, tenant, " +
			"content='', contentless_delete=1, detail=column, tokenize='unicode61')",
		"INSERT INTO " + partsTable + "(" + partsTable + ", rank) VALUES ('rank', 'bm25(1.0, 0.0)')",
	}
}

// DropSchema returns the statements that remove the full-text index, for
// the down migration.
func DropSchema() []string {
	return []string{
		"DROP TABLE IF EXISTS " + partsTable,
		"DROP TABLE IF EXISTS " + textTable,
	}
}

// tenantToken returns the token that marks a tenant's rows in the tenant
// column of both tables.
//
// The token must survive both tokenizers unchanged and be different for
// every tenant id. An id of lower-case ASCII letters and digits (what
// PocketBase generates) becomes "t<id>0"; any other id is hex-encoded,
// "t<hex>1", so that upper case (which the tokenizer would fold) or
// punctuation (which would split the token) cannot make two tenants share
// a token. The final digit keeps the porter stemmer away: every porter rule
// removes or rewrites a suffix made of letters, so a token ending in a
// digit is never changed ("tabcs" and "tabc" would both stem to "tabc").
func tenantToken(tenant string) string {
	if isLowerAlnum(tenant) {
		return "t" + tenant + "0"
	}
	return "t" + hex.EncodeToString([]byte(tenant)) + "1"
}

// isLowerAlnum reports whether s is non-empty and made of [a-z0-9] only.
func isLowerAlnum(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// tenantFilter returns the MATCH clause that restricts a query to tenant.
func tenantFilter(tenant string) string {
	return `tenant:"` + tenantToken(tenant) + `"`
}

// quoteTerm returns s as an FTS5 string (a phrase), which FTS5 never
// parses as an operator, column filter or prefix query.
func quoteTerm(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
