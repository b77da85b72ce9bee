// Package search is the full-text index over the chunks of uploaded
// documents, and the search the assistant answers from.
//
// The index lives in two contentless FTS5 tables next to the chunks table
// (see [Schema]); their rowid is the chunk's rowid and the chunk text is not
// stored a second time: passages and snippets are read from the chunks
// table. [IndexChunks] adds chunks inside the caller's transaction,
// [RemoveChunks], [RemoveDocument] and [RemoveTenant] take them out again
// (contentless_delete=1, supported by the SQLite 3.53 that
// modernc.org/sqlite ships), and [Search] finds a tenant's passages for a
// question.
//
// # Tables
//
//	chunks_fts(text, tenant)   content='', contentless_delete=1, detail=full,
//	                           tokenize="porter unicode61 remove_diacritics 2
//	                                     categories 'L* N* M* P* S* Co Cn Cf Cs'"
//	chunks_parts_fts(parts)    content='', contentless_delete=1, detail=full,
//	                           tokenize='ascii'
//
// Every token is prefixed with the tenant's key (see tenantKey: the bytes
// of the tenant id in hexadecimal written with consonants, then "x"), and
// the key alone is the row's token in the tenant column; a chunk of table
// rows has the tag key+"-t" there as well (see Table rows). A chunk of tenant
// "k7" about an "Ölfilter" is indexed as the token "6c37xÖlfilter" (folded
// and stemmed by the tokenizer to "6c37xolfilt"). Words are split in Go
// (letters, digits and combining marks; "ß" spelt "ss", soft hyphens
// dropped) and the categories option makes every character but white space
// a token character, so the tokenizer never splits a prefixed token again;
// it only folds case, removes diacritics ("Ölfilter" finds "Olfilter") and
// stems English endings with porter ("pads" finds "pad", "leaks" finds
// "leaking"). Porter hardly ever matches German endings, and where it does
// index and query agree. It must never touch tenant keys or part numbers
// (it stems "tabcs" and "tabc" alike, and "12345AS" to "12345A"): keys are
// made of digits and consonants ending in "x", which porter leaves alone and
// which do not change how it stems the word after them, and part numbers
// are in their own table with the unstemmed ascii tokenizer.
//
// The design asked for was one table chunks_fts(text, parts, tenant) with a
// query "tenant:t<id> AND (...)". Measured over 1,000,000 chunks in 100
// tenants that costs 115 ms at the median for free text: bm25 computes the
// IDF of every query word by reading its whole doclist across all tenants
// (a word in 70% of the chunks costs 80 ms alone), however selective the
// tenant term is. With tenant-prefixed tokens every doclist holds one
// tenant's rows, so a query reads only its tenant's postings, a tenant can
// be selected without an AND, and isolation holds by construction: Search
// only ever writes tokens with the caller's key into MATCH, and no token of
// another tenant can equal them. The tenant column is still there, for
// RemoveTenant and as an always-true term (below). bm25's IDF then counts
// a word's chunks in the tenant against all rows of the table, which keeps
// the order of rare and common words of the tenant.
//
// Part numbers get their own table for exact, unstemmed lookups: the
// normalised candidates of [partno.Candidates] plus each whitespace token
// [partno.LooksLikePartNumber] accepts ("12345-ABC 01", "12345abc01" and
// "12345.ABC.01" all index as "12345ABC01"), prefixed like words, after the
// key alone (the tenant token). A lookup reads the doclist of one term, the
// tenant's chunks with that number: well under a millisecond, so no second
// index and no AND with the tenant is needed. The table keeps full detail
// although a lookup needs no positions, because with detail=column or none
// bm25 sees no term instances and scores every row 0; with it, a chunk
// about fewer part numbers ranks higher.
//
// # Queries
//
// User text never reaches MATCH: the question is split into words the same
// way as chunks, stopwords (a small English and German list), one-character
// words and words longer than 64 bytes are dropped, and each remaining word
// is prefixed with the key and quoted, so FTS5 syntax ("NEAR(", "*", ":",
// "AND", unbalanced quotes or parentheses) is inert text.
//
// Part numbers in the question are looked up first; chunks containing one
// come first, with [Passage.ExactPart] set, ordered by how many other words
// of the question they contain, then by the part match. The words a part
// number was written with ("8E0", "615", ...) are searched as text only
// if no part number was found.
//
// Free text is an OR of the words ranked with bm25, so a chunk with only
// some of the words is found and more and rarer words rank higher. Scoring
// a row costs a few microseconds (bm25 reads the row's size), so ranking
// every chunk that contains a common word would take tens of milliseconds
// in a large tenant. Search therefore counts, per word, the tenant's chunks
// containing it (stopping at 1,000), drops absent words, and lets the
// rarest words whose counts add up to at most 1,000 select the candidates;
// the commoner words only score, through
//
//	("rare1" OR "rare2") AND ("common1" OR "common2" OR tenant:"key")
//
// where the tenant token is true for every row, so the second half filters
// nothing but puts the common words into bm25. When even the rarest word is
// in 1,000 chunks or more, chunks with all the words are looked for first.
// At most the newest 1,000 candidates (by rowid) are ranked, with
// "ORDER BY rowid DESC LIMIT 1000" inside the FTS5 query and the bm25
// ORDER BY outside.
//
// # Table rows
//
// The extractor renders a spreadsheet or CSV row as one line "Header: value
// | Header: value", up to 20 rows a chunk. A chunk is tabular when at least
// half of its non-empty lines are such rows: three or more cells separated
// by " | ", or two in a line of at most 200 bytes (see isTabular; a long
// line of prose with one "|" in it is not a row). [IndexChunks] tags a
// tabular chunk with the token key+"-t" in the tenant column. No word of a
// question can be that token (words never contain "-"), and the key alone
// still marks the row for [RemoveTenant].
//
// A 20,000-row price list is a thousand chunks with "Golf" and "brake" in
// nearly every one, and bm25 ranks them above the bulletin that answers
// "brake pads for a Golf": the bulletin came after twenty price-list
// passages. A free-text search (one in which no part number was found)
// therefore keeps rows from crowding out prose: of its first n passages at
// most 2n/5, rounded up, are tabular (1 of the first 2, 2 of the first 5,
// 4 of the first 10) while prose that matches is left; within that quota a
// row that outranks the prose keeps its place, and when the prose runs out
// the rows follow, so a tenant with only price lists still gets its rows
// (see spreadTabular). Part-number searches are ordered as before: the
// chunks with the number first, whatever they are.
//
// Ranking prose and rows in two FTS5 queries doubled the cost of free text
// (each query reads the doclists of all candidates again), so there is
// still one query; it returns the best 4×limit candidates instead of limit
// (the same rows are ranked; returning more of them is most of the 3% that
// free text lost, see Performance). Whether a candidate is tabular is read
// from its chunk text, which the first limit candidates are read for
// anyway; more candidates are read, limit at a time, only while the best
// ones hold more rows than the quota (a few percent of the benchmark's
// questions). Only when all 4×limit candidates leave too little prose and
// more may match does Search ask the index for the best prose alone, the
// same expression with "NOT tenant:key-t" (6 of the benchmark's 1,800
// free-text searches): that finds a bulletin that the newest 1,000
// candidates, all rows of a price list uploaded later, left out. Chunks indexed before the tag existed
// are still told apart by their text among the 4×limit candidates; prose
// further down needs them indexed again ([IndexChunks] of their rowids and
// texts).
//
// # Snippets
//
// Snippets are cut in Go from the chunk text. For prose: about 240
// characters around the part number as written (found by normalising the
// text) or around the stretch with the most query words, on word
// boundaries, with "…" where cut.
//
// A chunk of spreadsheet rows (Passage.Row > 0) or of table rows is shown
// as whole rows, one per line, never a row cut in the middle nor two rows
// run together, so that a price is read with the part number on its line:
// the matching row, then rows after and before it in turn, up to 400
// characters, with a line "…" for rows left out. The matching row is the
// one with the part number (where several have it, the one with the most
// query words, then the one where the number is written whole and nearest
// the start of the row, its part-number column), otherwise the one with
// the most different query words. When more than one row is shown it
// begins with [MatchedRow], "▶ ":
//
//	…
//	Teilenummer: 1K0 698 151 | Bezeichnung: Bremsscheibe | UPE: 852,50
//	▶ Teilenummer: 1K0 698 151 A | Bezeichnung: Bremsbelagsatz | UPE: 89,50
//	Teilenummer: 1K0 698 151 B | Bezeichnung: Bremsbelagsatz | UPE: 64,10
//	…
//
// The triangle is plain text, left alone by Markdown and by the chat's
// escaping, and reads the same in a quoted line ("> ▶ …"); a row of a
// document that begins with it is shown with "▷" instead, so no row can
// pass for the match. A matching row longer than 400 characters is shown
// alone, cut to whole cells around the match ("… | UPE: 89,50 | Pfand:
// 25,00 | …"), and only when the matching cells alone are longer, to words.
//
// # Performance
//
// BenchmarkSearch builds 1,000,000 generated catalog, price-list and
// bulletin chunks (about 450 bytes each) in 100 tenants once, in about four
// minutes on two cores, and runs 300 questions and 300 part-number lookups
// in other spellings against random tenants, through Search with
// PocketBase's connection settings. Measured on a shared two-core machine
// (load average about 5), per query, the median of six runs:
//
//	                 wall p50   wall p95   CPU p50   CPU p95
//	free text          4.3 ms     8.8 ms    4.2 ms    7.3 ms
//	part number        0.46 ms    0.80 ms   0.46 ms   0.76 ms
//
// Keeping rows from crowding out prose (see Table rows) made free text
// about 3% slower: CPU median 4.0 to 4.2 ms in alternating runs of the
// code before and after, and 3% in mean, median and p95 when both ran
// query by query on the same index; most of it is returning 4×limit
// candidates instead of limit from the ranked query. The p95 of single
// runs varies between 5.6 and 7.9 ms either way. Part-number lookups did
// not change. The price-list passages among the first five fell from 0.44
// to 0.34 a question; the benchmark's price lists seldom crowd out prose.
//
// With a single tenant column and "tenant:t<id> AND (...)" free text took
// 115 ms at the median. Each of the following was measured on the same
// data: tenant-prefixed tokens (to about 11 ms); not filtering the chunk
// rows on tenant in SQL, which made SQLite walk the tenant index (to about
// 7.5 ms); and ranking at most 1,000 instead of 2,000 rows (CPU median 8 to
// 6 ms). detail=column for chunks_fts would be 20% faster and smaller,
// but bm25 then scores every row 0 (it counts term instances, which only
// full detail reports), so nothing would be ranked. [Optimize] merges the
// index into one segment per table (about 20 s per million chunks); it
// halves part-number lookups (CPU p50 0.3 ms) and shortens free text
// somewhat.
package search
