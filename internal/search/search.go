package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
)

// Result limits of [Search].
const (
	// DefaultLimit is the number of passages returned when limit <= 0.
	DefaultLimit = 8
	// MaxLimit is the most passages one search returns.
	MaxLimit = 50
)

// Passage is a chunk found by [Search].
type Passage struct {
	// ChunkID is the id of the chunk record.
	ChunkID string
	// Document is the id of the document the chunk belongs to.
	Document string
	// Ordinal is the position of the chunk in its document.
	Ordinal int
	// Page is the 1-based page of the chunk, 0 when the format has none.
	Page int
	// Row is the first spreadsheet row of the chunk, 0 for prose.
	Row int
	// Sheet is the worksheet of the chunk, empty for other formats.
	Sheet string
	// Snippet is about 240 characters of the chunk text around the best
	// match, cut on word boundaries with "…" where cut. It is plain text,
	// not HTML: the caller escapes it.
	Snippet string
	// Score is the relevance, higher is better: minus the bm25 rank of the
	// full-text match, plus minus the bm25 rank of the part-number match
	// for exact part hits. Passages are ordered by ExactPart, then Score.
	Score float64
	// ExactPart reports whether the chunk contains a part number of the
	// query (in any spelling). Such passages come before all others.
	ExactPart bool
}

// hit is a chunk found in the index.
type hit struct {
	rowid int64
	score float64
	exact bool
}

// Search returns up to limit passages of the tenant's chunks that match
// query, best first. limit <= 0 means [DefaultLimit]; it is capped at
// [MaxLimit]. An empty tenant is [ErrNoTenant]: the search is never run
// across tenants. A query with nothing searchable in it (empty, only
// punctuation or stopwords) returns no passages and no error.
//
// Part numbers in the query (see [partno.Candidates]) are looked up first,
// in any spelling, and chunks containing one come first with ExactPart set.
// The remaining words are searched as free text: each word is quoted and
// the words are combined with OR, ranked with bm25, so a chunk with only
// some of the words is found and chunks with more and rarer words rank
// higher. The query text never reaches FTS5 unquoted.
func Search(ctx context.Context, db dbx.Builder, tenant, query string, limit int) ([]Passage, error) {
	if tenant == "" {
		return nil, ErrNoTenant
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	q := parseQuery(query)
	if q.empty() {
		return nil, nil
	}

	var hits []hit
	if len(q.parts) > 0 {
		var err error
		hits, err = rankedRowids(ctx, db, partsTable, partsMatch(tenant, q.parts), limit)
		if err != nil {
			return nil, err
		}
		for i := range hits {
			hits[i].exact = true
		}
	}
	terms := q.terms
	if len(hits) == 0 {
		// No part number found: its pieces may still be words of the text.
		for _, p := range q.pieces {
			if len(terms) < maxTerms && !containsString(terms, p) {
				terms = append(terms, p)
			}
		}
	}
	if len(terms) > 0 {
		match := textMatch(tenant, terms)
		if len(hits) > 0 {
			// Order part hits by how well the rest of the question matches.
			if err := addTextScores(ctx, db, match, hits); err != nil {
				return nil, err
			}
		}
		if len(hits) < limit {
			more, err := rankedRowids(ctx, db, textTable, match, limit+len(hits))
			if err != nil {
				return nil, err
			}
			for _, h := range more {
				if !slices.ContainsFunc(hits, func(o hit) bool { return o.rowid == h.rowid }) {
					hits = append(hits, h)
				}
			}
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.exact != b.exact {
			if a.exact {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.score, a.score)
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	if len(hits) == 0 {
		return nil, nil
	}
	return loadPassages(ctx, db, tenant, hits, terms, q.parts)
}

// rankedRowids runs a MATCH on table and returns the best limit rows,
// best first, with score = -bm25.
func rankedRowids(ctx context.Context, db dbx.Builder, table, match string, limit int) ([]hit, error) {
	rows, err := db.NewQuery("SELECT rowid, rank FROM " + table + " WHERE " + table +
		" MATCH {:match} ORDER BY rank LIMIT {:limit}").
		WithContext(ctx).Bind(dbx.Params{"match": match, "limit": limit}).Rows()
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", table, err)
	}
	defer rows.Close()
	var hits []hit
	for rows.Next() {
		var h hit
		var rank float64
		if err := rows.Scan(&h.rowid, &rank); err != nil {
			return nil, fmt.Errorf("search %s: %w", table, err)
		}
		h.score = -rank
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %s: %w", table, err)
	}
	return hits, nil
}

// addTextScores adds the free-text score of each of hits that also matches
// the free-text expression match.
func addTextScores(ctx context.Context, db dbx.Builder, match string, hits []hit) error {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = strconv.FormatInt(h.rowid, 10)
	}
	rows, err := db.NewQuery("SELECT rowid, rank FROM " + textTable + " WHERE " + textTable +
		" MATCH {:match} AND rowid IN (" + strings.Join(ids, ",") + ")").
		WithContext(ctx).Bind(dbx.Params{"match": match}).Rows()
	if err != nil {
		return fmt.Errorf("score part hits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var rank float64
		if err := rows.Scan(&rowid, &rank); err != nil {
			return fmt.Errorf("score part hits: %w", err)
		}
		for i := range hits {
			if hits[i].rowid == rowid {
				hits[i].score -= rank
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("score part hits: %w", err)
	}
	return nil
}

// loadPassages reads the chunk rows of hits and builds the passages, in the
// order of hits. Rows of another tenant are dropped (the index is checked
// against the chunks table, not trusted).
func loadPassages(ctx context.Context, db dbx.Builder, tenant string, hits []hit, terms, parts []string) ([]Passage, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = strconv.FormatInt(h.rowid, 10)
	}
	rows, err := db.NewQuery(`SELECT rowid, id, document, CAST(ordinal AS INTEGER), CAST(page AS INTEGER), ` +
		`CAST("row" AS INTEGER), sheet, text FROM chunks WHERE rowid IN (` + strings.Join(ids, ",") +
		`) AND tenant = {:tenant}`).
		WithContext(ctx).Bind(dbx.Params{"tenant": tenant}).Rows()
	if err != nil {
		return nil, fmt.Errorf("load chunks: %w", err)
	}
	defer rows.Close()
	type chunkRow struct {
		p    Passage
		text string
	}
	byRowid := make(map[int64]*chunkRow, len(hits))
	for rows.Next() {
		var rowid int64
		c := new(chunkRow)
		if err := rows.Scan(&rowid, &c.p.ChunkID, &c.p.Document, &c.p.Ordinal, &c.p.Page, &c.p.Row, &c.p.Sheet, &c.text); err != nil {
			return nil, fmt.Errorf("load chunks: %w", err)
		}
		byRowid[rowid] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load chunks: %w", err)
	}
	out := make([]Passage, 0, len(hits))
	for _, h := range hits {
		c := byRowid[h.rowid]
		if c == nil {
			continue // stale index entry or another tenant's chunk
		}
		p := c.p
		p.Score, p.ExactPart = h.score, h.exact
		if h.exact {
			p.Snippet = snippet(c.text, terms, parts)
		} else {
			p.Snippet = snippet(c.text, terms, nil)
		}
		out = append(out, p)
	}
	return out, nil
}
