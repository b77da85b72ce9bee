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
	// Row is the spreadsheet row of the passage, 0 for prose: for a chunk
	// of spreadsheet rows the row that matches the question, the one the
	// snippet marks with [MatchedRow] (see [MatchingRow]), else the
	// chunk's first row. Rows are numbered as a spreadsheet shows them:
	// the first line of the file or sheet is row 1.
	Row int
	// Sheet is the worksheet of the chunk, empty for other formats.
	Sheet string
	// Snippet is about 240 characters of the chunk text around the best
	// match, cut on word boundaries with "…" where cut. It is plain text,
	// not HTML: the caller escapes it.
	//
	// A tabular chunk (spreadsheet rows, see the package documentation)
	// is shown as whole rows instead, one per line, about 400 characters
	// at most, with a line "…" where rows are left out. When it shows more
	// than one row, the row that matches begins with [MatchedRow].
	Snippet string
	// Score is the relevance, higher is better; passages are ordered by
	// ExactPart, then Score. For a free-text hit it is minus the bm25 rank
	// of the match. For an exact part hit it is the number of different
	// words of the question the chunk contains (besides the part number)
	// plus s/(1+s), s being minus the bm25 rank of the part-number match,
	// so that of the chunks with the part number those that also answer the
	// rest of the question come first.
	Score float64
	// ExactPart reports whether the chunk contains a part number of the
	// query (in any spelling). Such passages come before all others.
	ExactPart bool
}

// maxScored bounds the rows one FTS5 query ranks. bm25 costs a few
// microseconds per row, so ranking every chunk that contains a common word
// would take tens of milliseconds in a large tenant. See the package
// documentation for how queries stay under it.
const maxScored = 1000

// hit is a chunk found in the index.
type hit struct {
	rowid int64
	score float64
	exact bool
	// tabular reports that the chunk is table rows (see isTabular). It is
	// only known for the hits spreadHits has read.
	tabular bool
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
// higher. The query text never reaches FTS5 unquoted. When no part number
// is found, chunks of table rows (price lists) do not crowd out prose: at
// most 2 of the first 5 passages are rows while matching prose is left
// (see "Table rows" in the package documentation).
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
	key := tenantKey(tenant)

	var hits []hit
	if len(q.parts) > 0 {
		var err error
		hits, err = rankedRowids(ctx, db, partsTable, "bm25("+partsTable+")", anyOf(key, q.parts), limit)
		if err != nil {
			return nil, err
		}
		for i := range hits {
			hits[i].exact = true
		}
	}
	terms := q.terms
	// Without a part-number hit the search is free text, where table rows
	// must not crowd out prose (see spreadTabular).
	freeText := len(hits) == 0
	if freeText {
		// No part number found: its pieces may still be words of the text.
		for _, p := range q.pieces {
			if len(terms) < maxTerms && !containsString(terms, p) {
				terms = append(terms, p)
			}
		}
	}
	var plan textPlan
	if len(terms) > 0 {
		want := limit
		if freeText {
			want = spreadDepth * limit // candidates for spreadHits
		}
		var err error
		if hits, plan, err = searchText(ctx, db, key, terms, hits, limit, want); err != nil {
			return nil, err
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
	if len(hits) == 0 {
		return nil, nil
	}
	chunks := make(map[int64]*chunkRow, min(len(hits), limit))
	var err error
	if freeText {
		hits, err = spreadHits(ctx, db, tenant, key, hits, plan, limit, chunks)
	} else {
		hits = hits[:min(len(hits), limit)]
		err = loadChunks(ctx, db, tenant, hits, chunks)
	}
	if err != nil {
		return nil, err
	}
	return passages(hits, chunks, terms, q.parts), nil
}

// textBM25 ranks chunks_fts rows on the text column only: the tenant
// column matches every row of the tenant, so it has weight 0.
const textBM25 = "bm25(" + textTable + ", 1.0, 0.0)"

// textPlan is how searchText found its hits, so that spreadHits can look
// for more prose the same way.
type textPlan struct {
	// exprs are the MATCH expressions searchText ran, in order.
	exprs []string
	// full reports that an expression found as many rows as were asked
	// for, so that more rows may match.
	full bool
}

// searchText appends the best free-text hits for terms to hits: up to
// want of them, from as many expressions as it takes to have limit hits.
//
// It first counts, for each term, the tenant's chunks containing it (up to
// maxScored). Absent terms are dropped. The rarest terms, as many as keep
// their total count within maxScored, select the candidates; the more
// common ones only add to the score, through "(rare ...) AND (common ...
// OR tenant:key)", where the tenant token is true for every row of the
// tenant. When even the rarest term is common, chunks containing all the
// terms are looked for first.
func searchText(ctx context.Context, db dbx.Builder, key string, terms []string, hits []hit, limit, want int) ([]hit, textPlan, error) {
	var plan textPlan
	counts := []int{1}
	if len(terms) > 1 {
		var err error
		if counts, err = termCounts(ctx, db, key, terms); err != nil {
			return nil, plan, err
		}
	}
	type termCount struct {
		term  string
		count int
	}
	var present []termCount
	for i, t := range terms {
		if counts[i] > 0 {
			present = append(present, termCount{t, counts[i]})
		}
	}
	if len(present) == 0 {
		return hits, plan, nil
	}
	slices.SortStableFunc(present, func(a, b termCount) int { return cmp.Compare(a.count, b.count) })
	var selecting, scoring []string
	total := 0
	for _, tc := range present {
		if len(selecting) == 0 || total+tc.count <= maxScored {
			selecting = append(selecting, tc.term)
			total += tc.count
		} else {
			scoring = append(scoring, tc.term)
		}
	}
	match := "(" + anyOf(key, selecting) + ")"
	if len(scoring) > 0 {
		match += " AND (" + anyOf(key, scoring) + " OR tenant:" + quoteTerm(key) + ")"
	}
	exprs := []string{match}
	if present[0].count >= maxScored && len(present) > 1 {
		all := make([]string, len(present))
		for i, tc := range present {
			all[i] = quoteTerm(key + tc.term)
		}
		exprs = []string{strings.Join(all, " AND "), match}
	}

	for _, expr := range exprs {
		if len(hits) >= limit {
			break
		}
		more, err := rankedRowids(ctx, db, textTable, textBM25, expr, want+len(hits))
		if err != nil {
			return nil, plan, err
		}
		plan.exprs = append(plan.exprs, expr)
		plan.full = plan.full || len(more) == want+len(hits)
		hits = appendNew(hits, more)
	}
	return hits, plan, nil
}

// appendNew appends the hits of more whose rowid is not in hits yet.
func appendNew(hits, more []hit) []hit {
	for _, h := range more {
		if !slices.ContainsFunc(hits, func(o hit) bool { return o.rowid == h.rowid }) {
			hits = append(hits, h)
		}
	}
	return hits
}

// termCounts returns for each term the number of the tenant's chunks that
// contain it, counting at most maxScored, in one statement.
func termCounts(ctx context.Context, db dbx.Builder, key string, terms []string) ([]int, error) {
	var sql strings.Builder
	params := dbx.Params{"cap": maxScored}
	sql.WriteString("SELECT ")
	for i, t := range terms {
		if i > 0 {
			sql.WriteString(", ")
		}
		name := "t" + strconv.Itoa(i)
		fmt.Fprintf(&sql, "(SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s MATCH {:%s} LIMIT {:cap}))", textTable, textTable, name)
		params[name] = quoteTerm(key + t)
	}
	counts := make([]int, len(terms))
	dest := make([]any, len(terms))
	for i := range counts {
		dest[i] = &counts[i]
	}
	rows, err := db.NewQuery(sql.String()).WithContext(ctx).Bind(params).Rows()
	if err != nil {
		return nil, fmt.Errorf("count terms: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("count terms: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count terms: %w", err)
	}
	return counts, nil
}

// rankedRowids runs a MATCH on table and returns the best limit rows by
// score (the bm25 expression), best first, with score = -bm25. At most the
// newest maxScored matching rows (by rowid) are ranked.
func rankedRowids(ctx context.Context, db dbx.Builder, table, score, match string, limit int) ([]hit, error) {
	rows, err := db.NewQuery("SELECT rowid, score FROM (SELECT rowid, " + score + " AS score FROM " + table +
		" WHERE " + table + " MATCH {:match} ORDER BY rowid DESC LIMIT {:cap}) ORDER BY score, rowid DESC LIMIT {:limit}").
		WithContext(ctx).Bind(dbx.Params{"match": match, "cap": maxScored, "limit": limit}).Rows()
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

// chunkRow is a chunk read from the chunks table.
type chunkRow struct {
	p    Passage
	text string
}

// loadChunks reads the chunk rows of hits that are not in chunks yet into
// chunks, by rowid. Rows of another tenant are left out (the index is
// checked against the chunks table, not trusted), and so are rowids
// without a chunk row (stale index entries).
func loadChunks(ctx context.Context, db dbx.Builder, tenant string, hits []hit, chunks map[int64]*chunkRow) error {
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		if _, ok := chunks[h.rowid]; !ok {
			ids = append(ids, strconv.FormatInt(h.rowid, 10))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	// The tenant is compared here, not in SQL: with "tenant = ?" in the
	// WHERE clause SQLite may walk the tenant's index instead of looking up
	// the few rowids.
	rows, err := db.NewQuery(`SELECT rowid, tenant, id, document, CAST(ordinal AS INTEGER), CAST(page AS INTEGER), ` +
		`CAST("row" AS INTEGER), sheet, text FROM chunks WHERE rowid IN (` + strings.Join(ids, ",") + `)`).
		WithContext(ctx).Rows()
	if err != nil {
		return fmt.Errorf("load chunks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rowid int64
		var rowTenant string
		c := new(chunkRow)
		if err := rows.Scan(&rowid, &rowTenant, &c.p.ChunkID, &c.p.Document, &c.p.Ordinal, &c.p.Page, &c.p.Row, &c.p.Sheet, &c.text); err != nil {
			return fmt.Errorf("load chunks: %w", err)
		}
		if rowTenant == tenant {
			chunks[rowid] = c
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load chunks: %w", err)
	}
	return nil
}

// passages builds the passages of hits, in their order, from their chunk
// rows; hits without one are left out. Exact part hits, which come first,
// are ordered by their new score (see [Passage.Score]).
func passages(hits []hit, chunks map[int64]*chunkRow, terms, parts []string) []Passage {
	out := make([]Passage, 0, len(hits))
	for _, h := range hits {
		c := chunks[h.rowid]
		if c == nil {
			continue // stale index entry or another tenant's chunk
		}
		p := c.p
		p.Score, p.ExactPart = h.score, h.exact
		if h.exact {
			p.Snippet, p.Row = passageSnippetRow(c.text, p.Row, terms, parts)
			p.Score = float64(countTerms(c.text, terms)) + h.score/(1+h.score)
		} else {
			p.Snippet, p.Row = passageSnippetRow(c.text, p.Row, terms, nil)
		}
		out = append(out, p)
	}
	exact := 0
	for exact < len(out) && out[exact].ExactPart {
		exact++
	}
	slices.SortStableFunc(out[:exact], func(a, b Passage) int { return cmp.Compare(b.Score, a.Score) })
	return out
}
