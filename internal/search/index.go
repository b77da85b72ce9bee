package search

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"

	"counterpart/internal/partno"
)

// ErrNoTenant is returned when a tenant id is required but empty. The
// index is never read or written across tenants.
var ErrNoTenant = errors.New("search: tenant is required")

// deleteBatch is how many rowids one DELETE statement removes.
const deleteBatch = 500

// Chunk is a chunk to add to the full-text index.
type Chunk struct {
	// RowID is the rowid of the chunk's row in the chunks table.
	RowID int64
	// Tenant is the id of the tenant that owns the chunk.
	Tenant string
	// Text is the chunk text, as stored in the chunks table.
	Text string
}

// IndexChunks adds chunks to the full-text index: their words to
// chunks_fts and their part numbers to chunks_parts_fts. A chunk of table
// rows is tagged in the tenant column, so that a free-text search can tell
// it from prose (see "Table rows" in the package documentation). The part
// numbers are the candidates [partno.Candidates] finds plus every
// whitespace token that [partno.LooksLikePartNumber] accepts, normalised,
// so "12345-ABC 01", "12345abc01" and "12345.ABC.01" all index as
// "12345ABC01". Indexing a rowid again replaces its earlier entry.
//
// The statements are prepared once per call, so callers should pass
// batches of a few hundred chunks, inside the transaction that inserts the
// chunk rows. A chunk without a tenant is an error.
func IndexChunks(db dbx.Builder, chunks []Chunk) (err error) {
	if len(chunks) == 0 {
		return nil
	}
	for i := range chunks {
		if chunks[i].Tenant == "" {
			return fmt.Errorf("index chunk %d: %w", chunks[i].RowID, ErrNoTenant)
		}
	}
	// INSERT OR REPLACE: a plain INSERT of an existing rowid into a
	// contentless table would silently keep the old tokens as well.
	textQ := db.NewQuery("INSERT OR REPLACE INTO " + textTable +
		"(rowid, text, tenant) VALUES ({:rowid}, {:text}, {:tenant})").Prepare()
	defer closeQuery(textQ, &err)
	partsQ := db.NewQuery("INSERT OR REPLACE INTO " + partsTable +
		"(rowid, parts) VALUES ({:rowid}, {:parts})").Prepare()
	defer closeQuery(partsQ, &err)
	// A chunk without part numbers has no row in chunks_parts_fts; one left
	// by an earlier chunk with the same rowid must go.
	unpartQ := db.NewQuery("DELETE FROM " + partsTable + " WHERE rowid = {:rowid}").Prepare()
	defer closeQuery(unpartQ, &err)

	var (
		textParams  = dbx.Params{}
		partsParams = dbx.Params{}
		rowParams   = dbx.Params{}
		buf         []byte
	)
	for i := range chunks {
		c := &chunks[i]
		key := tenantKey(c.Tenant)
		buf = appendTextTokens(buf[:0], key, c.Text)
		tenantTokens := key
		if isTabular(c.Text) {
			tenantTokens = key + " " + tabularTag(key)
		}
		textParams["rowid"], textParams["text"], textParams["tenant"] = c.RowID, string(buf), tenantTokens
		if _, err := textQ.Bind(textParams).Execute(); err != nil {
			return fmt.Errorf("index chunk %d: %w", c.RowID, err)
		}
		parts := partNumbers(c.Text)
		if len(parts) == 0 {
			rowParams["rowid"] = c.RowID
			if _, err := unpartQ.Bind(rowParams).Execute(); err != nil {
				return fmt.Errorf("index chunk %d: %w", c.RowID, err)
			}
			continue
		}
		buf = append(buf[:0], key...) // the tenant token, for RemoveTenant
		for _, p := range parts {
			buf = append(buf, ' ')
			buf = append(buf, key...)
			buf = append(buf, p...)
		}
		partsParams["rowid"], partsParams["parts"] = c.RowID, string(buf)
		if _, err := partsQ.Bind(partsParams).Execute(); err != nil {
			return fmt.Errorf("index part numbers of chunk %d: %w", c.RowID, err)
		}
	}
	return nil
}

// appendTextTokens appends the tokens of text to buf, separated by spaces:
// each word of two or more characters (see splitWords) with the tenant key
// in front.
func appendTextTokens(buf []byte, key, text string) []byte {
	forEachWord(indexText(text), func(w string) {
		if shortWord(w) {
			return
		}
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, key...)
		buf = append(buf, w...)
	})
	return buf
}

// closeQuery closes a prepared query and reports its error unless an
// earlier one is already being returned.
func closeQuery(q *dbx.Query, err *error) {
	if cerr := q.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

// partNumbers returns the normalised part numbers indexed for a chunk
// text: the candidates [partno.Candidates] finds, followed by every
// whitespace-separated token that [partno.LooksLikePartNumber] accepts,
// normalised with [partno.Normalize], without duplicates.
func partNumbers(text string) []string {
	parts := partno.Candidates(text)
	for _, tok := range strings.Fields(text) {
		if !partno.LooksLikePartNumber(tok) {
			continue
		}
		if n := partno.Normalize(tok); !containsString(parts, n) {
			parts = append(parts, n)
		}
	}
	return parts
}

// containsString reports whether list contains s.
func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// RemoveChunks removes the chunks with the given rowids from the index.
// Rowids that are not indexed are ignored. The caller deletes the chunk
// rows.
func RemoveChunks(db dbx.Builder, rowids []int64) error {
	for len(rowids) > 0 {
		n := min(len(rowids), deleteBatch)
		var list strings.Builder
		for i, id := range rowids[:n] {
			if i > 0 {
				list.WriteByte(',')
			}
			list.WriteString(strconv.FormatInt(id, 10))
		}
		for _, table := range []string{textTable, partsTable} {
			if _, err := db.NewQuery("DELETE FROM " + table + " WHERE rowid IN (" + list.String() + ")").Execute(); err != nil {
				return fmt.Errorf("remove chunks from %s: %w", table, err)
			}
		}
		rowids = rowids[n:]
	}
	return nil
}

// RemoveDocument removes the chunks of one document from the index, looking
// their rowids up in the chunks table; call it before deleting the chunk
// rows.
func RemoveDocument(db dbx.Builder, tenant, documentID string) error {
	if tenant == "" {
		return ErrNoTenant
	}
	if documentID == "" {
		return errors.New("search: document id is required")
	}
	params := dbx.Params{"tenant": tenant, "document": documentID}
	for _, table := range []string{textTable, partsTable} {
		_, err := db.NewQuery("DELETE FROM " + table + " WHERE rowid IN " +
			"(SELECT rowid FROM chunks WHERE tenant = {:tenant} AND document = {:document})").
			Bind(params).Execute()
		if err != nil {
			return fmt.Errorf("remove document %s from %s: %w", documentID, table, err)
		}
	}
	return nil
}

// RemoveTenant removes every indexed chunk of a tenant. It finds them by
// the tenant token in the index itself, so entries whose chunk rows are
// already gone are removed too.
func RemoveTenant(db dbx.Builder, tenant string) error {
	if tenant == "" {
		return ErrNoTenant
	}
	key := quoteTerm(tenantKey(tenant))
	for _, del := range []struct{ table, match string }{
		{textTable, "tenant:" + key},
		{partsTable, key},
	} {
		_, err := db.NewQuery("DELETE FROM " + del.table + " WHERE rowid IN " +
			"(SELECT rowid FROM " + del.table + " WHERE " + del.table + " MATCH {:m})").
			Bind(dbx.Params{"m": del.match}).Execute()
		if err != nil {
			return fmt.Errorf("remove tenant %s from %s: %w", tenant, del.table, err)
		}
	}
	return nil
}

// Optimize merges each index table into a single segment, which makes
// lookups faster (see the package documentation). It rewrites the whole
// index: about 20 seconds per million chunks, holding the write lock, so it
// is for a maintenance window or after a bulk import, not for every upload.
// Between optimisations FTS5 merges segments incrementally on its own.
func Optimize(db dbx.Builder) error {
	for _, table := range []string{textTable, partsTable} {
		if _, err := db.NewQuery("INSERT INTO " + table + "(" + table + ") VALUES ('optimize')").Execute(); err != nil {
			return fmt.Errorf("optimize %s: %w", table, err)
		}
	}
	return nil
}

// indexText returns the text whose words are indexed, and which the query
// is read from: "ß" is spelt "ss" ("Straße" and "Strasse" are one word,
// which remove_diacritics does not do), and soft hyphens and zero-width
// characters, which PDFs leave inside words, are dropped.
func indexText(s string) string {
	if !strings.ContainsAny(s, "ßẞ\u00ad\u200b\u200c\u200d\u2060\ufeff") {
		return s
	}
	return textReplacer.Replace(s)
}

var textReplacer = strings.NewReplacer("ß", "ss", "ẞ", "SS",
	"\u00ad", "", "\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "")
