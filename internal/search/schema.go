package search

import "strings"

// Names of the two FTS5 tables.
const (
	textTable  = "chunks_fts"
	partsTable = "chunks_parts_fts"
)

// textTokenizer is the tokenizer of chunks_fts. Words are split in Go (see
// splitWords) and written as tenant-prefixed tokens separated by single
// spaces; the categories option makes every character except white space a
// token character, so unicode61 never splits such a token again and only
// folds case, removes diacritics and, through porter, English endings.
const textTokenizer = `porter unicode61 remove_diacritics 2 categories 'L* N* M* P* S* Co Cn Cf Cs'`

// Schema returns the statements that create the full-text index, in order.
// The app runs them in a migration after the chunks table exists. See the
// package documentation for the design.
func Schema() []string {
	return []string{
		"CREATE VIRTUAL TABLE " + textTable + " USING fts5(text, tenant, " +
			`content='', contentless_delete=1, tokenize="` + textTokenizer + `")`,
		// detail=full although a lookup needs no positions: with less
		// detail, bm25 sees no instances and scores every row 0.
		"CREATE VIRTUAL TABLE " + partsTable + " USING fts5(parts, " +
			"content='', contentless_delete=1, tokenize='ascii')",
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

// keyDigits are the characters of a tenant key: digits and consonants, so
// that the porter stemmer measures a prefixed word like the bare word.
const keyDigits = "0123456789bcdfgh"

// tenantKey returns the token prefix of a tenant: every byte of the tenant
// id as two characters of keyDigits (hexadecimal with b-h for a-f),
// followed by "x". The key of tenant "k7" is "6c37x".
//
// Every indexed token starts with the key of its tenant, and the key
// itself is the tenant token of a row. The encoding is injective and "x"
// occurs only at its end, so the tokens of two tenants never coincide,
// whatever the words: a query built from one tenant's key cannot match a
// row of another tenant. It contains no vowel and ends in a consonant, so
// case folding and diacritic removal leave it alone and the porter stemmer
// neither changes it nor stems a word differently because of it (porter
// counts vowel-consonant sequences, and a run of consonants in front of a
// word adds none).
func tenantKey(tenant string) string {
	b := make([]byte, 0, 2*len(tenant)+1)
	for i := 0; i < len(tenant); i++ {
		b = append(b, keyDigits[tenant[i]>>4], keyDigits[tenant[i]&0x0f])
	}
	return string(append(b, 'x'))
}

// quoteTerm returns s as an FTS5 string (a phrase), which FTS5 never
// parses as an operator, column filter or prefix query.
func quoteTerm(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
