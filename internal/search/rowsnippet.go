package search

import (
	"strings"
	"unicode/utf8"
)

// MatchedRow begins the line of the row that matches the question in the
// snippet of a tabular passage that shows more than one row:
//
//	Teilenummer: 1K0 698 151 | Bezeichnung: Bremsbelagsatz | UPE: 852,50
//	▶ Teilenummer: 1K0 698 151 A | Bezeichnung: Bremsbelagsatz vorne | UPE: 89,50
//	Teilenummer: 1K0 698 151 B | Bezeichnung: Bremsbelagsatz hinten | UPE: 64,10
//
// It is a black right-pointing triangle and a space: plain text that
// neither Markdown nor the chat's escaping changes, at the start of a line
// or of a quoted line ("> ▶ …"). No other line of a snippet begins with
// it: a row of a document that does is shown with "▷" (see splitRows).
const MatchedRow = markerTriangle + " "

// markerTriangle is the sign of MatchedRow.
const markerTriangle = "▶"

// tableSnippetLen is the most characters of rows a tabular snippet shows,
// counting the line breaks between rows but not MatchedRow and the "…"
// lines: one wide row of a dealer price file whole, or two or three
// narrow ones.
const tableSnippetLen = 400

// passageSnippet returns the snippet of a chunk: whole rows for a chunk of
// spreadsheet rows (row > 0) or of table rows (see isTabular), see
// rowsSnippet, and for prose the stretch around the best match, see
// snippet.
func passageSnippet(text string, row int, terms, parts []string) string {
	s, _ := passageSnippetRow(text, row, terms, parts)
	return s
}

// passageSnippetRow returns passageSnippet's snippet and the spreadsheet
// row of the passage: for a chunk of spreadsheet rows (row > 0, its first
// row) the row of the matching row (see [MatchingRow]), otherwise row.
func passageSnippetRow(text string, row int, terms, parts []string) (string, int) {
	if row > 0 || isTabular(text) {
		s, offset := rowsSnippetOffset(text, terms, parts)
		return s, MatchingRow(row, offset)
	}
	return snippet(text, terms, parts), row
}

// MatchingRow returns the spreadsheet row of the row that matches in a chunk
// of spreadsheet rows whose first row is first, the matching row being
// offset lines below the chunk's first line. The extractor writes one line
// per row and, since rows are numbered as a spreadsheet shows them, an
// empty line for each blank row between two rows of a chunk, so the line
// offset is the row offset. (Chunks indexed before the empty lines were
// written skip blank rows: for them the row is the matching row's when the
// rows above it in the chunk are not blank, else a few rows above it.) A
// chunk of prose or of a format without rows (first <= 0) keeps first.
//
// It is the one place the number is computed: the passage's Row, and with
// it a source's label and the row the source view opens at, come from it.
func MatchingRow(first, offset int) int {
	if first <= 0 {
		return first
	}
	return first + max(offset, 0)
}

// tableRow is a non-empty line of a tabular chunk.
type tableRow struct {
	span         // of the line in the chunk text
	shown string // the line with white space collapsed
	n     int    // characters of shown
}

// rowsSnippet returns whole rows of a tabular chunk, one per line, never a
// row cut in the middle nor two rows run together: the matching row, then
// as many rows after and before it, in turn, as fit in tableSnippetLen
// characters. The matching row is a row with the first of parts that the
// text contains (see matchingRow for which of several), otherwise the row
// with the most different query terms (then the most matches), otherwise
// there is none and the rows are shown from the first. When more than one row is shown, the matching row begins with
// MatchedRow. A line "…" stands for rows left out before or after. A
// matching row longer than tableSnippetLen is the only row shown, cut to
// whole cells around the match ("… | UPE: 89,50 | …"), or, when the
// matching cells alone are too long, to words as a prose snippet is.
func rowsSnippet(text string, terms, parts []string) string {
	s, _ := rowsSnippetOffset(text, terms, parts)
	return s
}

// rowsSnippetOffset returns rowsSnippet's snippet and how many lines of
// text come before the matching row (0 when no row matches: the rows are
// then shown from the first).
func rowsSnippetOffset(text string, terms, parts []string) (string, int) {
	rows := splitRows(text)
	if len(rows) == 0 {
		return "", 0
	}
	focus, at := matchingRow(text, rows, terms, parts)
	offset := 0
	if focus >= 0 {
		offset = strings.Count(text[:rows[focus].start], "\n")
	}
	lo, hi := max(focus, 0), max(focus, 0)+1
	var b strings.Builder
	if first := rows[lo]; first.n > tableSnippetLen {
		cut := cutRow(text[first.start:first.end], at, tableSnippetLen)
		if rest, ok := strings.CutPrefix(cut, markerTriangle); ok {
			cut = "▷" + rest // as splitRows shows it
		}
		b.WriteString(cut)
	} else {
		used := first.n
		down, up := true, focus > 0
		for down || up {
			if down {
				if hi < len(rows) && used+1+rows[hi].n <= tableSnippetLen {
					used += 1 + rows[hi].n
					hi++
				} else {
					down = false
				}
			}
			if up {
				if lo > 0 && used+1+rows[lo-1].n <= tableSnippetLen {
					used += 1 + rows[lo-1].n
					lo--
				} else {
					up = false
				}
			}
		}
		for k := lo; k < hi; k++ {
			if k > lo {
				b.WriteByte('\n')
			}
			if k == focus && hi-lo > 1 {
				b.WriteString(MatchedRow)
			}
			b.WriteString(rows[k].shown)
		}
	}
	out := b.String()
	if lo > 0 {
		out = ellipsis + "\n" + out
	}
	if hi < len(rows) {
		out += "\n" + ellipsis
	}
	return out, offset
}

// splitRows returns the non-empty lines of text. A line that begins with
// the marker's triangle is shown with a white one ("▷"), so that no row of
// a document passes for the matching one.
func splitRows(text string) []tableRow {
	var rows []tableRow
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		if shown := collapseSpace(text[start:end]); shown != "" {
			if rest, ok := strings.CutPrefix(shown, markerTriangle); ok {
				shown = "▷" + rest
			}
			rows = append(rows, tableRow{span{start, end}, shown, utf8.RuneCountInString(shown)})
		}
		start = end + 1
	}
	return rows
}

// matchingRow returns the index of the matching row of rows (see
// rowsSnippet) and the match in it, relative to the row's start: the part
// number as written, or the stretch with the most query terms. It returns
// -1 and an empty span when no row matches. Of the rows with a part
// number, the one with the most terms comes first, then one where the
// number is written whole rather than as the start of a longer one (see
// partGoesOn), then the one with the number nearest its start.
func matchingRow(text string, rows []tableRow, terms, parts []string) (int, span) {
	for _, p := range parts {
		best, bestTerms, bestGoesOn := -1, 0, false
		var bestAt span
		for k, r := range rows {
			line := text[r.start:r.end]
			at, ok := findPart(line, p)
			if !ok {
				continue
			}
			n := countTerms(line, terms)
			goesOn := partGoesOn(line, at.end)
			if best < 0 || n > bestTerms || n == bestTerms && (bestGoesOn && !goesOn ||
				bestGoesOn == goesOn && at.start < bestAt.start) {
				best, bestTerms, bestGoesOn, bestAt = k, n, goesOn, at
			}
		}
		if best >= 0 {
			return best, bestAt
		}
	}
	if len(terms) == 0 {
		return -1, span{}
	}
	best, bestDistinct, bestMatches := -1, 0, 0
	seen := make([]bool, len(terms))
	for k, r := range rows {
		matches := matchTerms(text[r.start:r.end], terms)
		if len(matches) == 0 {
			continue
		}
		clear(seen)
		distinct := 0
		for _, m := range matches {
			if !seen[m.term] {
				seen[m.term] = true
				distinct++
			}
		}
		if distinct > bestDistinct || distinct == bestDistinct && len(matches) > bestMatches {
			best, bestDistinct, bestMatches = k, distinct, len(matches)
		}
	}
	if best < 0 {
		return -1, span{}
	}
	at, _ := bestTermsSpan(text[rows[best].start:rows[best].end], terms)
	return best, at
}

// partGoesOn reports whether the written number that ends at offset end of
// line goes on after a separator: "1K0 698 151" in "1K0 698 151 A", where
// findPart matches the base number of an indexed one.
func partGoesOn(line string, end int) bool {
	for _, r := range line[end:] {
		if !isPartSeparator(r) {
			return isWordRune(r)
		}
	}
	return false
}

// cutRow returns about n characters of the row line around focus (a span
// of line): the cells that hold the focus and as many cells after and
// before them, in turn, as fit, with "…" for the cells left out
// ("… | Bezeichnung: Bremsbelagsatz | UPE: 89,50 | …"). When the cells of
// the focus alone are longer than n, the row is cut to words around the
// focus as prose is (see cutAround).
func cutRow(line string, focus span, n int) string {
	var cells []span
	for start := 0; ; {
		k := strings.Index(line[start:], cellSeparator)
		if k < 0 {
			cells = append(cells, span{start, len(line)})
			break
		}
		cells = append(cells, span{start, start + k})
		start += k + len(cellSeparator)
	}
	shown := make([]string, len(cells))
	width := make([]int, len(cells))
	for i, c := range cells {
		shown[i] = collapseSpace(line[c.start:c.end])
		width[i] = utf8.RuneCountInString(shown[i])
	}
	// The cells of the focus: from the one it starts in to the one it ends in.
	lo := 0
	for lo+1 < len(cells) && cells[lo+1].start <= focus.start {
		lo++
	}
	hi := lo + 1
	for hi < len(cells) && cells[hi].start < focus.end {
		hi++
	}
	// Room for the " | " next to each "…".
	room := n - 2*len(cellSeparator)
	used := -len(cellSeparator)
	for i := lo; i < hi; i++ {
		used += len(cellSeparator) + width[i]
	}
	if used > room {
		return cutAroundN(line, focus, n)
	}
	for right, left := true, true; right || left; {
		if right {
			if hi < len(cells) && used+len(cellSeparator)+width[hi] <= room {
				used += len(cellSeparator) + width[hi]
				hi++
			} else {
				right = false
			}
		}
		if left {
			if lo > 0 && used+len(cellSeparator)+width[lo-1] <= room {
				used += len(cellSeparator) + width[lo-1]
				lo--
			} else {
				left = false
			}
		}
	}
	var kept []string
	if lo > 0 {
		kept = append(kept, ellipsis)
	}
	for i := lo; i < hi; i++ {
		if shown[i] != "" {
			kept = append(kept, shown[i])
		}
	}
	if hi < len(cells) {
		kept = append(kept, ellipsis)
	}
	return strings.Join(kept, cellSeparator)
}
