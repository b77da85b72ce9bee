package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// Row is one row of a table read by [Rows].
type Row struct {
	// Sheet is the worksheet name of an XLSX row, "" for text files.
	Sheet string
	// Line is the row number as a spreadsheet shows it, starting at 1 for
	// the first line of the file (or sheet). Blank rows count; a CSV
	// record with line breaks inside quoted cells counts as one row, and
	// Excel's "sep=" line does not count. It is the number [Chunk.Row]
	// gives the same row.
	Line int
	// Cells are the row's values in column order as written: valid UTF-8,
	// not trimmed, with empty cells as "". An XLSX row has no trailing
	// empty cells; a CSV row keeps as many cells as the line has
	// delimiters, plus one; fixed-width cells are trimmed of their
	// padding. A formula cell gives the value Excel last calculated, never
	// the formula. Cells may be reused after fn returns.
	Cells []string
	// Unterminated reports that a text file ends inside this row without
	// a line break. A file that was cut short shows as an Unterminated
	// last row with fewer cells than the rows before it; a complete file
	// may simply lack its final line break.
	Unterminated bool
}

// Rows reads the table rows of a document with the default limits; see
// [Extractor.Rows].
func Rows(ctx context.Context, r io.Reader, size int64, contentType, fileName string, fn func(Row) error) error {
	var x Extractor
	return x.Rows(ctx, r, size, contentType, fileName, fn)
}

// Rows reads the document in r as tables and calls fn for every row that
// has a non-blank cell, in order; fully blank rows are skipped (their
// numbers still count).
//
// CSV, TSV and text files use the encoding and delimiter rules of
// [Extractor.Extract]: UTF-8 with or without a byte-order mark, UTF-16
// with a byte-order mark or Windows-1252/ISO-8859-1; ",", ";", tab or "|"
// as detected from the first lines, or as named by Excel's "sep=" first
// line. Encodings are repaired cell by cell, so a file that mixes them
// (a Windows-1252 block appended to a UTF-8 export, or the reverse) keeps
// its umlauts. A plain-text file (.txt) with no consistent delimiter but
// aligned columns is read as fixed-width: columns are cut where every one
// of the first lines has a space, as pandas' read_fwf does.
//
// Every worksheet of an XLSX workbook is streamed with excelize in
// workbook order, with cells formatted as Excel shows them (short dates
// as 2006-01-02). Chart sheets and damaged sheets are skipped when
// another sheet can be read.
//
// PDF and DOCX documents are rejected with [ErrUnsupportedType]. Size and
// expansion limits are those of the Extractor; MaxTextBytes does not
// apply, since rows are not indexed. An error from fn stops the reading
// and is returned as is; other errors wrap [ErrUnsupportedType],
// [ErrUnreadable], [ErrNoText] (no row with a value), [ErrTooLarge] or
// the context's error, with a message for people.
func (x *Extractor) Rows(ctx context.Context, r io.Reader, size int64, contentType, fileName string, fn func(Row) error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	src, err := newSource(r, size, orDefault(x.MaxInputBytes, DefaultMaxInputBytes))
	if err != nil {
		return err
	}
	head, err := src.head(sniffLen)
	if err != nil {
		return newError(ErrUnreadable, err, "the file could not be read")
	}
	if len(head) == 0 {
		return newError(ErrNoText, nil, "no text found: the file is empty")
	}
	kind, err := chooseKind(contentType, fileName, head)
	if err != nil {
		return err
	}
	rr := &rowReader{ctx: ctx, fn: fn}
	switch kind {
	case KindCSV, KindTxt, KindMarkdown:
		err = rr.text(src.reader(), kind)
	case KindXLSX:
		var ra *randomAccess
		ra, err = src.randomAccess(orDefault(x.MemoryBufferBytes, DefaultMemoryBufferBytes), x.TempDir)
		if err != nil {
			return err
		}
		defer ra.Close()
		err = x.xlsxRows(ra, rr)
	default:
		err = newError(ErrUnsupportedType, nil,
			"rows can only be read from CSV, text and XLSX files, and this is a %s document: export the table as .xlsx or .csv", strings.ToUpper(kind))
	}
	if err == nil && rr.rows == 0 {
		err = newError(ErrNoText, nil, "no text found: the file has no rows with values")
	}
	return unwrapEmit(err)
}

// HeaderRow returns the index of the header row among the first rows of a
// table, or -1 when the table has none, by the rules [Extract] uses to
// label table chunks: the first row with two or more distinct text labels
// that contains a usual column word ("Part", "Price", "Teilenummer", ...)
// or sits above numbers or part numbers; single-cell title rows above it
// are skipped.
func HeaderRow(rows [][]string) int { return detectHeader(rows) }

// rowReader passes rows to the caller's function and counts them.
type rowReader struct {
	ctx  context.Context
	fn   func(Row) error
	rows int
	seen int // rows looked at, for the cancellation check
}

// emit passes one row on, skipping blank rows.
func (rr *rowReader) emit(row Row) error {
	if rr.seen++; rr.seen%ctxCheckRows == 0 {
		if err := rr.ctx.Err(); err != nil {
			return err
		}
	}
	if blankCells(row.Cells) {
		return nil
	}
	rr.rows++
	if err := rr.fn(row); err != nil {
		return errEmit{err}
	}
	return nil
}

func blankCells(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// text reads a delimited or fixed-width text file.
func (rr *rowReader) text(br *bufio.Reader, kind string) error {
	r, enc := decodeText(br)
	windows := enc == encWindows
	if windows {
		// Decode cell by cell instead (see fixCell): decodeText has only
		// peeked at br, so it still reads from the start.
		r = br
	}
	head, _ := r.Peek(streamBufferSize)
	var in io.Reader = r
	eol := byte('\n')
	if bytes.IndexByte(head, '\r') >= 0 && bytes.IndexByte(head, '\n') < 0 {
		// Old Mac line ends: CR only.
		in, eol = crReader{r}, '\r'
		head = bytes.ReplaceAll(head, []byte("\r"), []byte("\n"))
	}
	delim, agree, lines := scanDelimiter(head)
	sep, hasSep := sepDirective(head)
	if hasSep {
		delim = sep
	} else if kind != KindCSV && agree*2 <= lines {
		if cols := fixedWidthColumns(head, windows); len(cols) >= 2 {
			return rr.fixedWidth(in, cols, windows)
		}
	}
	tail := &tailReader{r: in}
	cr := csv.NewReader(&lineGuard{r: tail})
	if hasSep {
		// Excel's "sep=;" first line names the delimiter and is not a row.
		if _, err := r.ReadSlice(eol); err != nil && !errors.Is(err, io.EOF) {
			return readError(err)
		}
	}
	cr.Comma = rune(delim)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	extraLines := 0 // line breaks inside quoted fields so far
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var de *docError
			if errors.As(err, &de) {
				return err
			}
			return newError(ErrUnreadable, err, "the CSV file could not be read")
		}
		line, _ := cr.FieldPos(0)
		row := Row{Line: line - extraLines, Cells: rec}
		for i, f := range rec {
			extraLines += strings.Count(f, "\n")
			rec[i] = fixCell(f, windows)
		}
		row.Unterminated = tail.eof && cr.InputOffset() == tail.n && tail.last != '\n'
		if err := rr.emit(row); err != nil {
			return err
		}
	}
}

// tailReader remembers how much was read, whether the end was reached and
// the last byte, so the row that ends the file can be told.
type tailReader struct {
	r    io.Reader
	n    int64
	eof  bool
	last byte
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.n += int64(n)
		t.last = p[n-1]
	}
	if errors.Is(err, io.EOF) {
		t.eof = true
	}
	return n, err
}

// crReader turns CR line ends into LF.
type crReader struct{ r io.Reader }

func (c crReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// cp1252 holds the UTF-8 encoding of each Windows-1252 byte.
var cp1252 = func() (t [256]string) {
	for i := range t {
		t[i] = string(charmap.Windows1252.DecodeByte(byte(i)))
	}
	return t
}()

// fixCell returns s as valid UTF-8. Text that is valid UTF-8 is kept
// whatever the file's encoding, since Windows-1252 text is almost never
// valid UTF-8 by accident. Otherwise, in a Windows-1252 file the whole
// cell is Windows-1252; in a UTF-8 file only the invalid bytes are, so a
// stray "\xfc" in "f\xfcr" still reads "für".
func fixCell(s string, windows bool) string {
	if utf8.ValidString(s) {
		return s
	}
	n := 0 // the size of the result, so that it is allocated once
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		if !windows {
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size > 1 {
				n += size
				i += size
				continue
			}
		}
		n += len(cp1252[c])
		i++
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if !windows {
			if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size > 1 {
				b.WriteString(s[i : i+size])
				i += size
				continue
			}
		}
		b.WriteString(cp1252[c])
		i++
	}
	return b.String()
}

// fixedWidthSample is how many leading non-blank lines decide the columns
// of a fixed-width file.
const fixedWidthSample = 100

// fixedWidthColumns returns the start positions (in runes) of the columns
// of a fixed-width table in head: a column starts where, after a position
// at which every sampled line has a space (or has ended), some line has
// text and the header line (or half of the lines) too. It returns nil
// unless at least two lines have text in two or more columns.
func fixedWidthColumns(head []byte, windows bool) []int {
	if len(head) == streamBufferSize {
		if i := bytes.LastIndexByte(head, '\n'); i > 0 {
			head = head[:i]
		}
	}
	var used []bool // used[p]: some line has a non-space rune at p
	var sample [][]rune
	for len(head) > 0 && len(sample) < fixedWidthSample {
		line, rest, _ := bytes.Cut(head, []byte("\n"))
		head = rest
		runes := []rune(fixCell(strings.TrimRight(string(line), "\r"), windows))
		if strings.TrimSpace(string(runes)) == "" {
			continue
		}
		for p, r := range runes {
			if r == '\t' {
				return nil // tabs: not a fixed-width layout
			}
			for len(used) <= p {
				used = append(used, false)
			}
			if r != ' ' && r != '\u00a0' {
				used[p] = true
			}
		}
		sample = append(sample, runes)
	}
	var runs [][2]int // [start, end) of the text runs
	for p, u := range used {
		switch {
		case u && (p == 0 || !used[p-1]):
			runs = append(runs, [2]int{p, p + 1})
		case u:
			runs[len(runs)-1][1] = p + 1
		}
	}
	if len(runs) < 2 || len(sample) < 2 {
		return nil
	}
	// hits[l][i]: sampled line l has text in run i.
	hits := make([][]bool, len(sample))
	for l, runes := range sample {
		hits[l] = make([]bool, len(runs))
		for i, r := range runs {
			if r[0] < len(runes) && strings.TrimSpace(string(runes[r[0]:min(r[1], len(runes))])) != "" {
				hits[l][i] = true
			}
		}
	}
	// A column is a run the header line labels; without a header line, a
	// run with text on at least half of the lines. Other runs are words
	// of a long value in the column to their left ("Bremsbelagsatz,
	// hinten") and join it.
	header := 0
	for _, h := range hits[0] {
		if h {
			header++
		}
	}
	starts := []int{0}
	for i := 1; i < len(runs); i++ {
		keep := hits[0][i]
		if header < 2 {
			n := 0
			for l := range hits {
				if hits[l][i] {
					n++
				}
			}
			keep = n*2 >= len(sample)
		}
		if keep {
			starts = append(starts, runs[i][0])
		}
	}
	if len(starts) < 2 {
		return nil
	}
	multi := 0 // lines with text in two or more columns
	for _, runes := range sample {
		n := 0
		for i, s := range starts {
			end := len(runes)
			if i+1 < len(starts) {
				end = min(end, starts[i+1])
			}
			if s < end && strings.TrimSpace(string(runes[s:end])) != "" {
				n++
			}
		}
		if n >= 2 {
			multi++
		}
	}
	if multi < 2 {
		return nil
	}
	return starts
}

// fixedWidth reads a fixed-width text file cut at cols.
func (rr *rowReader) fixedWidth(r io.Reader, cols []int, windows bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, streamBufferSize), maxCSVLine)
	cells := make([]string, len(cols))
	for line := 1; sc.Scan(); line++ {
		runes := []rune(fixCell(strings.TrimRight(sc.Text(), "\r"), windows))
		for i, s := range cols {
			end := len(runes)
			if i+1 < len(cols) {
				end = min(end, cols[i+1])
			}
			cells[i] = ""
			if s < end {
				cells[i] = strings.TrimSpace(string(runes[s:end]))
			}
		}
		if err := rr.emit(Row{Line: line, Cells: cells}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return newError(ErrTooLarge, nil, "the text file has a line longer than %d MB: it may not be a table", maxCSVLine>>20)
		}
		return readError(err)
	}
	return nil
}

// xlsxRows reads the rows of every worksheet.
func (x *Extractor) xlsxRows(ra *randomAccess, rr *rowReader) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newError(ErrUnreadable, fmt.Errorf("excelize: %v", p), "the spreadsheet could not be read: it may be damaged")
		}
	}()
	f, limit, err := x.openXLSX(ra, excelize.Options{ShortDatePattern: "yyyy-mm-dd"})
	if err != nil {
		return err
	}
	defer f.Close()
	return eachSheet(f, rr.ctx, limit, func(sheet string) error { return sheetRows(f, sheet, rr) })
}

// sheetRows reads the rows of one worksheet.
func sheetRows(f *excelize.File, sheet string, rr *rowReader) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns()
		if err != nil {
			return err
		}
		if err := rr.emit(Row{Sheet: sheet, Line: line, Cells: cells}); err != nil {
			return err
		}
	}
	return rows.Error()
}
