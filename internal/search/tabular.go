package search

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
)

// Table rows and prose. A price list of 20,000 rows is a thousand chunks
// that all contain "Golf" and "brake", and would crowd the bulletin that
// answers "brake pads for a Golf" out of a free-text search. Chunks of
// table rows are therefore tagged in the index (see IndexChunks), and a
// free-text search lets them take only a share of the first places (see
// spreadHits and spreadTabular).

// cellSeparator separates the cells of a table row as the extractor
// renders it: "Teilenummer: 1K0 698 151 A | Bezeichnung: … | UPE: 89,50".
// The extractor writes "|" inside a cell as "/", so the separator never
// occurs inside a cell.
const cellSeparator = " | "

// isTabular reports whether text is table rows, one per line, as the
// extractor renders spreadsheets, CSV files and document tables: at least
// half of its non-empty lines, and at least one, are rows (see isRow).
func isTabular(text string) bool {
	if !strings.Contains(text, cellSeparator) {
		return false
	}
	rows, lines := 0, 0
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		lines++
		if isRow(line) {
			rows++
		}
	}
	return 2*rows >= lines
}

// maxPairRow is the longest line with two cells that is taken for a table
// row; a longer one is prose with a "|" in it.
const maxPairRow = 200

// isRow reports whether line is a table row: three or more cells separated
// by " | ", or two in a line of at most maxPairRow bytes ("Teilenummer:
// 1K0 698 151 A | UPE: 89,50").
func isRow(line string) bool {
	switch strings.Count(line, cellSeparator) {
	case 0:
		return false
	case 1:
		return len(line) <= maxPairRow
	}
	return true
}

// tabularTag returns the token that tags a tabular chunk of the tenant with
// key in the tenant column of chunks_fts, next to the key itself: the key
// followed by "-t". Words never contain "-" (see forEachWord), so no word of
// a question, prefixed with the key, can be this token, and the "x" that
// ends every key keeps it apart from other tenants' keys and tags.
func tabularTag(key string) string { return key + "-t" }

// tabularQuota returns how many of the first n results of a free-text
// search may be tabular while prose is left: 2 of the first 5, 4 of the
// first 10, and so on (2n/5 rounded up; the best result may be a row).
func tabularQuota(n int) int { return (2*n + 4) / 5 }

// spreadDepth is how many candidates a free-text search ranks per passage
// asked for: spreadHits looks that deep for prose when the best hits are
// rows.
const spreadDepth = 4

// spreadHits returns the first limit of hits (free-text hits, best first)
// in the order spreadTabular gives them, reading their chunk rows into
// chunks. Whether a hit is tabular is read from its chunk text, so the
// first limit hits are read first, as their passages need; only while
// they hold more rows than the quota allows are more candidates read,
// limit at a time, and only when all hold too little prose and more may
// match is the index asked for the best prose alone: plan's expressions
// without the chunks tagged tabular, which finds prose that the newest
// maxScored candidates, all rows, left out.
func spreadHits(ctx context.Context, db dbx.Builder, tenant, key string, hits []hit, plan textPlan, limit int, chunks map[int64]*chunkRow) ([]hit, error) {
	flag := func(hits []hit) error {
		if err := loadChunks(ctx, db, tenant, hits, chunks); err != nil {
			return err
		}
		for i := range hits {
			if c := chunks[hits[i].rowid]; c != nil {
				hits[i].tabular = isTabular(c.text)
			}
		}
		return nil
	}
	var out []hit
	for read := 0; read < len(hits); {
		next := min(read+limit, len(hits))
		if err := flag(hits[read:next]); err != nil {
			return nil, err
		}
		read = next
		var short bool
		if out, short = spreadTabular(hits[:read], limit); !short {
			return out, nil
		}
	}
	if !plan.full {
		return out, nil
	}
	tag := quoteTerm(tabularTag(key))
	var prose []hit
	for _, expr := range plan.exprs {
		if len(prose) >= limit {
			break
		}
		more, err := rankedRowids(ctx, db, textTable, textBM25, "("+expr+") NOT tenant:"+tag, limit+len(prose))
		if err != nil {
			return nil, err
		}
		prose = appendNew(prose, more)
	}
	n := len(hits)
	hits = appendNew(hits, prose)
	if err := flag(hits[n:]); err != nil {
		return nil, err
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(b.score, a.score) })
	out, _ = spreadTabular(hits, limit)
	return out, nil
}

// spreadTabular returns the first limit of hits, sorted best first, in an
// order where no first n of them hold more than tabularQuota(n) tabular
// hits while a prose hit is left: a row that outranks the prose keeps its
// place as long as the quota allows, otherwise the best prose comes first.
// The order within prose and within rows is kept. short reports that a row
// had to be taken beyond the quota, or that fewer than limit hits were
// left, because the prose ran out: more prose might have taken its place.
func spreadTabular(hits []hit, limit int) (out []hit, short bool) {
	var prose, rows []hit
	for _, h := range hits {
		if h.tabular {
			rows = append(rows, h)
		} else {
			prose = append(prose, h)
		}
	}
	out = make([]hit, 0, min(limit, len(hits)))
	i, j := 0, 0
	for len(out) < limit && len(out) < len(hits) {
		rowAllowed := j < len(rows) && j+1 <= tabularQuota(len(out)+1)
		switch {
		case i < len(prose) && (!rowAllowed || prose[i].score >= rows[j].score):
			out = append(out, prose[i])
			i++
		default: // a row: allowed, or the prose ran out
			short = short || !rowAllowed
			out = append(out, rows[j])
			j++
		}
	}
	return out, short || len(out) < limit
}
