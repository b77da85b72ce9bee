package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"counterpart/internal/partno"
)

const (
	// rowsPerChunk is the most rows in one tabular chunk.
	rowsPerChunk = 20
	// headerScanRows is how many non-empty rows are looked at to find the
	// header row.
	headerScanRows = 10
	// maxHeaderLen is the longest cell that can be a column label.
	maxHeaderLen = 60
	// maxCellLen bounds one rendered cell; longer values are cut.
	maxCellLen = 4000
)

// table turns rows of cells into chunks. It finds the header row among the
// first rows, renders the rows before it (titles) as plain lines, and every
// later row as "Header: value | Header: value".
type table struct {
	em    *emitter
	sheet string

	pending  []pendingRow // rows held until the header is known
	nonEmpty int
	decided  bool
	header   []string

	buf      []byte // rendered lines of the current chunk
	lines    int
	firstRow int
	lastRow  int    // the row of the chunk's last line
	line     []byte // scratch for one rendered row
	prose    *chunker
}

type pendingRow struct {
	row   int
	cells []string
}

func newTable(em *emitter, sheet string) *table {
	return &table{em: em, sheet: sheet}
}

// add adds the cells of spreadsheet row number row. cells may be reused by
// the caller after add returns.
func (t *table) add(row int, cells []string) error {
	cells = trimTrailingEmpty(cells)
	if len(cells) == 0 {
		return nil
	}
	if t.decided {
		t.em.stats.Rows++
		return t.addLine(row, t.render(cells))
	}
	t.pending = append(t.pending, pendingRow{row, cloneCells(cells)})
	if t.nonEmpty++; t.nonEmpty >= headerScanRows {
		return t.decide()
	}
	return nil
}

// finish emits what is left.
func (t *table) finish() error {
	if !t.decided {
		if err := t.decide(); err != nil {
			return err
		}
	}
	return t.flush()
}

// decide picks the header among the pending rows and renders them.
func (t *table) decide() error {
	t.decided = true
	rows := make([][]string, len(t.pending))
	for i, p := range t.pending {
		rows[i] = p.cells
	}
	h := detectHeader(rows)
	if h >= 0 {
		// Titles above the header form their own chunk.
		for _, p := range t.pending[:h] {
			if err := t.addLine(p.row, joinCells(nil, p.cells)); err != nil {
				return err
			}
		}
		if h > 0 {
			if err := t.flush(); err != nil {
				return err
			}
		}
		t.header = makeHeader(t.pending[h].cells)
	}
	for _, p := range t.pending[h+1:] {
		t.em.stats.Rows++
		if err := t.addLine(p.row, t.render(p.cells)); err != nil {
			return err
		}
	}
	t.pending = nil
	return nil
}

// render renders one data row.
func (t *table) render(cells []string) []byte {
	if t.header == nil {
		t.line = joinCells(t.line[:0], cells)
		return t.line
	}
	b := t.line[:0]
	for i, v := range cells {
		v = cleanCell(v)
		if v == "" {
			continue
		}
		if len(b) > 0 {
			b = append(b, " | "...)
		}
		if i < len(t.header) {
			b = append(b, t.header[i]...)
		} else {
			b = append(b, "Column "...)
			b = appendColumnName(b, i)
		}
		b = append(b, ": "...)
		b = append(b, v...)
	}
	t.line = b
	return b
}

// addLine adds a rendered row to the current chunk.
func (t *table) addLine(row int, line []byte) error {
	if len(line) == 0 {
		return nil
	}
	if len(line) > chunkMax {
		// A very wide row is chunked as prose on its own.
		if err := t.flush(); err != nil {
			return err
		}
		if t.prose == nil {
			t.prose = newChunker(t.em)
			t.prose.sheet = t.sheet
		}
		t.prose.row = row
		if err := t.prose.write(line); err != nil {
			return err
		}
		return t.prose.flush()
	}
	// Blank rows between two rows of a chunk are empty lines, so that line
	// k of a chunk is row firstRow+k (search.MatchingRow relies on it).
	blank := max(row-t.lastRow-1, 0)
	if t.lines > 0 && (t.lines >= rowsPerChunk || len(t.buf)+blank+1+len(line) > chunkMax) {
		if err := t.flush(); err != nil {
			return err
		}
	}
	if t.lines == 0 {
		t.firstRow = row
	} else {
		t.buf = append(t.buf, '\n')
		for range blank {
			t.buf = append(t.buf, '\n')
		}
	}
	t.buf = append(t.buf, line...)
	t.lastRow = row
	t.lines++
	return nil
}

// flush emits the current chunk.
func (t *table) flush() error {
	if t.lines == 0 {
		return nil
	}
	err := t.em.chunk(Chunk{Row: t.firstRow, Sheet: t.sheet, Text: string(t.buf)})
	t.buf, t.lines = t.buf[:0], 0
	return err
}

// joinCells renders cells without a header: "v1 | v2 | v3".
func joinCells(b []byte, cells []string) []byte {
	for _, v := range cells {
		v = cleanCell(v)
		if v == "" {
			continue
		}
		if len(b) > 0 {
			b = append(b, " | "...)
		}
		b = append(b, v...)
	}
	return b
}

// cleanCell trims a cell, puts it on one line, makes it valid UTF-8 and
// bounds its length.
func cleanCell(v string) string {
	v = strings.TrimSpace(v)
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	if strings.ContainsAny(v, "\r\n\t|") {
		v = strings.Join(strings.FieldsFunc(v, func(r rune) bool {
			return r == '\r' || r == '\n' || r == '\t'
		}), " ")
		v = strings.ReplaceAll(v, "|", "/")
	}
	if len(v) > maxCellLen {
		k := maxCellLen
		for k > 0 && !utf8.RuneStart(v[k]) {
			k--
		}
		v = v[:k] + "…"
	}
	return v
}

// makeHeader returns the column labels, naming unlabelled columns.
func makeHeader(cells []string) []string {
	h := make([]string, len(cells))
	for i, v := range cells {
		v = cleanCell(v)
		if v == "" {
			v = "Column " + string(appendColumnName(nil, i))
		}
		h[i] = v
	}
	return h
}

// appendColumnName appends the spreadsheet name of column i (0 → "A").
func appendColumnName(b []byte, i int) []byte {
	var tmp [8]byte
	n := len(tmp)
	for i++; i > 0 && n > 0; i = (i - 1) / 26 {
		n--
		tmp[n] = byte('A' + (i-1)%26)
	}
	return append(b, tmp[n:]...)
}

func trimTrailingEmpty(cells []string) []string {
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

func cloneCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, v := range cells {
		out[i] = strings.Clone(v)
	}
	return out
}

// headerWords are words that often label columns of parts lists.
var headerWords = map[string]bool{
	"part": true, "parts": true, "number": true, "no": true, "nr": true, "nummer": true,
	"description": true, "desc": true, "name": true, "price": true, "prices": true,
	"qty": true, "quantity": true, "stock": true, "sku": true, "ean": true, "oem": true,
	"brand": true, "make": true, "model": true, "unit": true, "currency": true, "list": true,
	"retail": true, "net": true, "cost": true, "supplier": true, "category": true, "group": true,
	"item": true, "article": true, "code": true, "vat": true, "discount": true, "weight": true,
	"teil": true, "teilenummer": true, "artikel": true, "artikelnummer": true, "bezeichnung": true,
	"beschreibung": true, "preis": true, "menge": true, "bestand": true, "marke": true,
	"hersteller": true, "einheit": true, "rabatt": true, "gewicht": true, "ersatz": true,
	"référence": true, "reference": true, "ref": true, "désignation": true, "designation": true,
	"prix": true, "quantité": true, "marque": true, "codice": true, "descrizione": true,
	"prezzo": true, "quantità": true, "referencia": true, "descripción": true, "precio": true,
	"cantidad": true, "id": true, "type": true, "notes": true, "remarks": true, "date": true,
}

// detectHeader returns the index of the header row among the first rows of
// a table, or -1 when the table has none.
//
// The header is the first row with at least two non-empty cells (title
// rows with a single cell above it are skipped) whose non-empty cells are
// all distinct labels: text with a letter, at most 60 characters, neither a
// number nor a part number. It must also either contain a usual column word
// ("Part", "Description", "Price", "Teilenummer", "Preis", ...) or sit above
// rows that have a number or part number in one of its labelled columns.
// A first substantial row that is not a header means the table has none.
func detectHeader(rows [][]string) int {
	maxCols := 0
	for _, r := range rows {
		maxCols = max(maxCols, countNonEmpty(r))
	}
	for i, r := range rows {
		n := countNonEmpty(r)
		if n == 0 || n < 2 && maxCols >= 2 {
			continue
		}
		seen := make(map[string]bool, n)
		for _, v := range r {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			key := strings.ToLower(v)
			if !isLabel(v) || seen[key] {
				return -1
			}
			seen[key] = true
		}
		if hasHeaderWord(r) || dataBelow(r, rows[i+1:]) {
			return i
		}
		return -1
	}
	return -1
}

func countNonEmpty(cells []string) int {
	n := 0
	for _, v := range cells {
		if strings.TrimSpace(v) != "" {
			n++
		}
	}
	return n
}

// isLabel reports whether a cell reads as a column label.
func isLabel(v string) bool {
	if utf8.RuneCountInString(v) > maxHeaderLen || isNumeric(v) || partno.LooksLikePartNumber(v) {
		return false
	}
	return strings.IndexFunc(v, unicode.IsLetter) >= 0
}

// isNumeric reports whether a cell is a number, amount, percentage or date:
// digits, separators and at most a currency code or sign.
func isNumeric(v string) bool {
	v = strings.TrimSpace(v)
	for _, cur := range []string{"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK"} {
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, cur), cur))
	}
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" .,'-+/:%€$£¥\u00a0\u202f", r):
		default:
			return false
		}
	}
	return digits > 0
}

// hasHeaderWord reports whether a cell of the row contains a column word.
func hasHeaderWord(cells []string) bool {
	for _, v := range cells {
		for _, w := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool {
			return !unicode.IsLetter(r)
		}) {
			if headerWords[w] {
				return true
			}
		}
	}
	return false
}

// dataBelow reports whether the rows below a header candidate hold a number
// or part number in one of its labelled columns.
func dataBelow(header []string, below [][]string) bool {
	for _, r := range below[:min(len(below), 5)] {
		for c, v := range r {
			if c >= len(header) || strings.TrimSpace(header[c]) == "" {
				continue
			}
			if v = strings.TrimSpace(v); v != "" && (isNumeric(v) || partno.LooksLikePartNumber(v)) {
				return true
			}
		}
	}
	return false
}
