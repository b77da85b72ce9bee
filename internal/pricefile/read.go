package pricefile

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"counterpart/internal/extract"
)

// headerScanRows is how many leading non-blank rows of a sheet are looked
// at to find the header row below any title rows.
const headerScanRows = 30

// windowRows is how many data rows of a sheet are read before the first
// is passed on: they teach the sheet's decimal separator and the file's
// usual currency.
const windowRows = 1000

// SheetResult describes how one sheet was read.
type SheetResult struct {
	// Name is the worksheet name, "" for CSV.
	Name string `json:"name"`
	// Headers are the column names of the header row, trimmed; an
	// unnamed column is "Column C". Without a header row they are all
	// "Column A", "Column B", ….
	Headers []string `json:"headers"`
	// Mapping is the mapping used (or, when Skipped, guessed).
	Mapping Mapping `json:"mapping"`
	// Signature is Signature(Headers), the supplier key.
	Signature string `json:"signature"`
	// HeaderLine is the header's row number, 0 when the sheet has no
	// header row (the mapping was guessed from the values).
	HeaderLine int `json:"header_line"`
	// Remembered reports that the mapping came from the caller's memory.
	Remembered bool `json:"remembered"`
	// Currency is the currency of prices that neither their cell, row,
	// header nor the mapping names: the file's majority, else "EUR".
	Currency string `json:"currency"`
	// Rows and Bad count the typed rows and the row errors.
	Rows int `json:"rows"`
	Bad  int `json:"bad"`
	// Ignored counts rows without a part number that hold a single value,
	// such as section headings ("Bremsen"), and repeated header rows.
	Ignored int `json:"ignored"`
	// Skipped reports a sheet without a part-number column: its rows were
	// not read.
	Skipped bool `json:"skipped"`
	// Warnings are sentences about the sheet for the import report.
	Warnings []string `json:"warnings"`
}

// Result describes a whole read.
type Result struct {
	// Rows and Bad count the rows passed to fn and to bad.
	Rows int `json:"rows"`
	Bad  int `json:"bad"`
	// Sheets are the sheets with rows, in file order.
	Sheets []SheetResult `json:"sheets"`
}

// NoPartColumnError reports a file none of whose sheets has a column
// mapped to the part number.
type NoPartColumnError struct {
	// Headers are the column names seen, of every sheet, in order and
	// without duplicates.
	Headers []string
}

func (e *NoPartColumnError) Error() string {
	seen := e.Headers
	more := 0
	if len(seen) > 30 {
		seen, more = seen[:30], len(seen)-30
	}
	q := make([]string, len(seen))
	for i, h := range seen {
		q[i] = fmt.Sprintf("%q", h)
	}
	list := strings.Join(q, ", ")
	if more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	if list == "" {
		list = "none"
	}
	return "No part-number column found. Columns seen: " + list + ". Choose the part-number column in the mapping."
}

// Reader reads price files with configurable limits. The zero value uses
// the defaults of extract.
type Reader struct {
	// Limits bounds the file's size and expansion; see extract.Extractor.
	Limits extract.Extractor
}

// Read reads a price file with the default limits; see [Reader.Read].
func Read(ctx context.Context, r io.Reader, size int64, contentType, fileName string,
	remembered func(signature string, headers []string) (Mapping, bool), fn func(Row) error, bad func(RowError)) (Result, error) {
	var rd Reader
	return rd.Read(ctx, r, size, contentType, fileName, remembered, fn, bad)
}

// Read reads the price file in r (CSV, text or XLSX, as extract.Rows
// reads them) and calls fn for every data row as a typed Row, in order.
//
// For each sheet it finds the header row among the first 30 non-blank
// rows (title rows above it are skipped): the row that names the most
// columns Guess knows, or, failing two, the row extract's rule picks; a
// sheet without one has its columns named "Column A", … and mapped by
// their values (a column of part numbers, one of text, numbers as other
// prices). The mapping is remembered(signature, headers) when that returns
// ok and the mapping is valid for these headers, else Guess(headers);
// remembered may be nil.
//
// A row that cannot be read — no or an impossible part number, a
// negative, absurd or unreadable value, a formula where a number belongs,
// a row cut off where the file ends — goes to bad (which may be nil) with
// its sheet, line and every reason, and reading goes on. Rows without a
// part number holding a single value (section headings) and repeated
// header rows are skipped and counted as Ignored.
//
// Values: decimals with "," or "." ("1.234,56", "1,234.56"; a lone
// separator before three digits follows the sheet's other numbers, else
// thousands); a price's currency is its cell's, else the row's currency
// column, else its header's ("UPE EUR"), else Mapping.Currency, else the
// file's majority among the first 1,000 data rows of each sheet, else
// "EUR". A price of 0 is no price. See Row for the rest.
//
// A sheet without a part-number column is skipped with a warning; when no
// sheet has one, Read returns a *NoPartColumnError after reading the
// file. An error from fn stops the reading and is returned as is; errors
// of extract.Rows (unsupported, unreadable, too large, empty) are
// returned with its message. The Result describes what was read before
// any error.
func (rd *Reader) Read(ctx context.Context, r io.Reader, size int64, contentType, fileName string,
	remembered func(signature string, headers []string) (Mapping, bool), fn func(Row) error, bad func(RowError)) (Result, error) {
	st := &readState{remembered: remembered, fn: fn, bad: bad, currencies: map[string]int{}}
	err := rd.Limits.Rows(ctx, r, size, contentType, fileName, st.row)
	if err == nil && st.cur != nil {
		err = st.finish()
	}
	if err != nil {
		return st.result, err
	}
	for _, s := range st.result.Sheets {
		if !s.Skipped {
			return st.result, nil
		}
	}
	e := &NoPartColumnError{}
	for _, s := range st.result.Sheets {
		for _, h := range s.Headers {
			if !slices.Contains(e.Headers, h) {
				e.Headers = append(e.Headers, h)
			}
		}
	}
	return st.result, e
}

// pendingRow is a row held while the header or the window is decided.
type pendingRow struct {
	line         int
	cells        []string
	unterminated bool
}

// readState follows the reading of a file.
type readState struct {
	remembered func(string, []string) (Mapping, bool)
	fn         func(Row) error
	bad        func(RowError)
	result     Result
	currencies map[string]int // currencies rows named, file-wide
	cur        *sheetState
}

// sheetState follows the reading of one sheet.
type sheetState struct {
	name       string
	res        int // index into result.Sheets
	pending    []pendingRow
	decided    bool
	parser     *parser // nil when the sheet is skipped
	headerPart string  // the part-number column's header, to skip repeats
	width      int     // cells of the header row, to tell a cut-off row
	window     []pendingRow
	windowDone bool
	fallback   string
	seen       []bool // per column: a mapped column had a value
	dataRows   int
}

func (st *readState) sheet() *SheetResult { return &st.result.Sheets[st.cur.res] }

// row takes one row from extract.Rows.
func (st *readState) row(r extract.Row) error {
	if st.cur == nil || r.Sheet != st.cur.name {
		if st.cur != nil {
			if err := st.finish(); err != nil {
				return err
			}
		}
		st.cur = &sheetState{name: r.Sheet, res: len(st.result.Sheets)}
		st.result.Sheets = append(st.result.Sheets, SheetResult{Name: r.Sheet})
	}
	s := st.cur
	if !s.decided {
		s.pending = append(s.pending, pendingRow{r.Line, slices.Clone(r.Cells), r.Unterminated})
		if len(s.pending) >= headerScanRows {
			return st.decide()
		}
		return nil
	}
	return st.data(pendingRow{r.Line, r.Cells, r.Unterminated})
}

// decide finds the header and the mapping of the current sheet and reads
// the rows held so far.
func (st *readState) decide() error {
	s := st.cur
	s.decided = true
	res := st.sheet()
	rows := make([][]string, len(s.pending))
	for i, p := range s.pending {
		rows[i] = p.cells
	}
	h := findHeader(rows)
	var headers []string
	if h >= 0 {
		headers = headerNames(rows[h])
		res.HeaderLine = s.pending[h].line
		s.width = len(rows[h])
	} else {
		for _, r := range rows {
			s.width = max(s.width, len(r))
			headers = make([]string, max(len(headers), len(trimTrailing(r))))
		}
		for i := range headers {
			headers[i] = "Column " + columnName(i)
		}
	}
	res.Headers = headers
	res.Signature = Signature(headers)
	var m Mapping
	ok := false
	if st.remembered != nil {
		if m, ok = st.remembered(res.Signature, headers); ok {
			if err := m.Validate(headers); err != nil {
				ok = false
				res.Warnings = append(res.Warnings, "The remembered mapping does not fit this file ("+err.Error()+") and was not used: check the guessed mapping.")
			}
		}
	}
	switch {
	case ok:
		res.Remembered = true
	case h >= 0:
		m = Guess(headers)
	default:
		m = guessByValues(headers, rows)
		res.Warnings = append(res.Warnings, "The sheet has no header row: the columns were mapped by their values. Check the mapping.")
	}
	res.Mapping = m
	if !m.has(PartNumber) {
		res.Skipped = true
		res.Warnings = append(res.Warnings, "No part-number column found: the sheet was not read. Choose the part-number column in the mapping.")
		s.pending = nil
		return nil
	}
	p := newPlan(m, headers)
	s.parser = &parser{plan: p, explicit: st.currencies}
	if h >= 0 {
		s.headerPart = headers[p.part]
	}
	s.seen = make([]bool, len(headers))
	pending := s.pending[h+1:]
	s.pending = nil
	for _, pr := range pending {
		if err := st.data(pr); err != nil {
			return err
		}
	}
	return nil
}

// data takes one data row of the current sheet.
func (st *readState) data(pr pendingRow) error {
	s := st.cur
	if s.parser == nil {
		return nil
	}
	if s.headerPart != "" && strings.EqualFold(trimSpace(cellAt(pr.cells, s.parser.plan.part)), s.headerPart) {
		st.sheet().Ignored++ // the header again, as long exports repeat it
		return nil
	}
	if !s.windowDone {
		s.window = append(s.window, pendingRow{pr.line, slices.Clone(pr.cells), pr.unterminated})
		if len(s.window) >= windowRows {
			return st.flushWindow()
		}
		return nil
	}
	return st.emit(pr)
}

// flushWindow learns the sheet's decimal separator and the fallback
// currency from the rows held, then passes them on.
func (st *readState) flushWindow() error {
	s := st.cur
	s.windowDone = true
	if s.parser == nil {
		return nil
	}
	cols := s.parser.plan.numericColumns()
	for _, w := range s.window {
		for _, i := range cols {
			_, _, _, proved, _, _ := parseMoney(cellAt(w.cells, i), 0)
			s.parser.votes.add(proved)
		}
	}
	type parsed struct {
		row Row
		msg string
		ign bool
	}
	out := make([]parsed, len(s.window))
	for i, w := range s.window {
		out[i].row, out[i].msg, out[i].ign = st.parse(w)
	}
	s.fallback = majority(st.currencies)
	st.sheet().Currency = s.fallback
	window := s.window
	s.window = nil
	for i, p := range out {
		if err := st.deliver(window[i].line, p.row, p.msg, p.ign); err != nil {
			return err
		}
	}
	return nil
}

// emit parses and passes on one row after the window.
func (st *readState) emit(pr pendingRow) error {
	row, msg, ign := st.parse(pr)
	return st.deliver(pr.line, row, msg, ign)
}

// parse reads one row, telling rows to ignore and rows cut off.
func (st *readState) parse(pr pendingRow) (row Row, msg string, ignore bool) {
	s := st.cur
	p := s.parser.plan
	nonEmpty := 0
	for i, c := range pr.cells {
		if trimSpace(c) != "" {
			nonEmpty++
			if i < len(s.seen) {
				s.seen[i] = true
			}
		}
	}
	if nonEmpty == 1 {
		if _, digit := normalizedLen(cellAt(pr.cells, p.part)); !digit {
			return Row{}, "", true // a section heading
		}
	}
	s.dataRows++
	row, msg = s.parser.parse(s.name, pr.line, pr.cells)
	if pr.unterminated {
		last := pr.cells[len(pr.cells)-1]
		switch {
		case len(pr.cells) < s.width:
			msg = joinMsg(fmt.Sprintf("the row ends after %d of %d columns where the file ends: the file seems to be cut off, upload it complete", len(pr.cells), s.width), msg)
		case strings.Contains(last, "\n"):
			msg = joinMsg("a quote opened in the last column is never closed before the file ends: the file seems to be cut off, upload it complete", msg)
		}
	}
	return row, msg, false
}

func joinMsg(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// deliver passes a parsed row to fn or bad.
func (st *readState) deliver(line int, row Row, msg string, ignore bool) error {
	res := st.sheet()
	switch {
	case ignore:
		res.Ignored++
	case msg != "":
		res.Bad++
		st.result.Bad++
		if st.bad != nil {
			st.bad(RowError{Sheet: st.cur.name, Line: line, Message: msg, PartNumber: row.PartNumber})
		}
	default:
		settle(&row, st.cur.fallback)
		res.Rows++
		st.result.Rows++
		if err := st.fn(row); err != nil {
			return err
		}
	}
	return nil
}

// finish ends the current sheet.
func (st *readState) finish() error {
	s := st.cur
	if !s.decided {
		if err := st.decide(); err != nil {
			return err
		}
	}
	if !s.windowDone {
		if err := st.flushWindow(); err != nil {
			return err
		}
	}
	res := st.sheet()
	if s.parser != nil && s.dataRows > 0 {
		for _, c := range res.Mapping.Columns {
			if c.Field != Ignore && c.Index < len(s.seen) && !s.seen[c.Index] {
				res.Warnings = append(res.Warnings, fmt.Sprintf(
					"Column %s, mapped to %s, is empty in every row: if it holds formulas, open the file in Excel and save it so the values are stored.",
					headerLabel(res.Headers, c.Index), c.Field.Label()))
			}
		}
	}
	if res.Currency == "" && !res.Skipped {
		res.Currency = majority(st.currencies)
	}
	return nil
}

// majority returns the currency most rows named, "EUR" when none did (and
// on a tie with EUR).
func majority(counts map[string]int) string {
	best, n := "EUR", counts["EUR"]
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best
}

// headerNames returns the trimmed names of a header row, naming unnamed
// columns "Column C".
func headerNames(cells []string) []string {
	cells = trimTrailing(cells)
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cleanText(c)
		if out[i] == "" {
			out[i] = "Column " + columnName(i)
		}
	}
	return out
}

func trimTrailing(cells []string) []string {
	for len(cells) > 0 && trimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}
