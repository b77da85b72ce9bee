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
// the key alone is the row's token in the tenant column. A chunk of tenant
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
// # Performance
//
// BenchmarkSearch builds 1,000,000 generated catalog, price-list and
// bulletin chunks (about 450 bytes each) in 100 tenants once, in about four
// minutes on two cores, and runs 300 questions and 300 part-number lookups
// in other spellings against random tenants, through Search with
// PocketBase's connection settings. Measured on a shared two-core machine
// (load average about 6), per query:
//
//	                 wall p50   wall p95   CPU p50   CPU p95
//	free text          8.8 ms    22 ms      6.8 ms   10.9 ms
//	part number        0.57 ms    1.0 ms    0.56 ms   0.98 ms
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
//
// Snippets are cut in Go from the chunk text: about 240 characters around
// the part number as written (found by normalising the text) or around the
// stretch with the most query words, on word boundaries, with "…" where cut.
package search
