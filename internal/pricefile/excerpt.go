package pricefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"counterpart/internal/extract"
)

// Bounds of an [Excerpt].
const (
	// DefaultExcerptContext is how many rows before and after the row asked
	// for an excerpt shows when the caller does not say.
	DefaultExcerptContext = 10
	// MaxExcerptContext is the most rows before and after it shows.
	MaxExcerptContext = 50
	// maxExcerptCells is the most cells of a row an excerpt shows.
	maxExcerptCells = 60
	// maxExcerptCellRunes is the most characters of a cell it shows.
	maxExcerptCellRunes = 500
	// maxExcerptTitles is the most title rows above the header it shows.
	maxExcerptTitles = 5
)

// ExcerptRow is one row of an [Excerpt].
type ExcerptRow struct {
	// Row is the row's number as a spreadsheet shows it (see Excerpt.Row).
	Row int `json:"row"`
	// Cells are its values as written, decoded, without trailing empty
	// cells; a cell may hold line breaks.
	Cells []string `json:"cells"`
}

// Excerpt is the stretch of a table around one row, read from the file
// itself, as a cited row is shown to a person: the header, the title rows
// above it, and the rows around the row asked for.
type Excerpt struct {
	// Sheet is the worksheet read, "" for CSV and text files.
	Sheet string `json:"sheet"`
	// Row is the row asked for. Rows are numbered as Excel and LibreOffice
	// show them: the first line of the file (or sheet) is row 1, title
	// rows and the header row count, blank rows count, a record with line
	// breaks inside quotes is one row, Excel's "sep=;" line is not a row.
	// These are the numbers the search cites (search.Passage.Row).
	Row int `json:"row"`
	// Found reports that Row is a row with values below the header: one
	// of Rows. It is false for a blank row, a title row or the header row.
	Found bool `json:"found"`
	// HeaderRow is the header's row number, 0 when the sheet has none.
	HeaderRow int `json:"header_row"`
	// Header are the column names of the header row ("Column C" for an
	// unnamed column); without a header row they are "Column A", ….
	Header []string `json:"header"`
	// Titles are the rows above the header (at most 5).
	Titles []ExcerptRow `json:"titles"`
	// Rows are the rows with values below the header from Row-context to
	// Row+context, in order.
	Rows []ExcerptRow `json:"rows"`
	// MoreBefore and MoreAfter report rows with values below the header
	// before and after Rows.
	MoreBefore bool `json:"more_before"`
	MoreAfter  bool `json:"more_after"`
	// Columns is the number of columns: the widest of the header and Rows.
	Columns int `json:"columns"`
	// Truncated reports that cells or columns were cut to bound the answer.
	Truncated bool `json:"truncated"`
}

// ExcerptOptions say which rows an [Excerpt] shows.
type ExcerptOptions struct {
	// Row is the row to show, 1 or more.
	Row int
	// Context is how many rows before and after it to show: 0 means
	// DefaultExcerptContext; at most MaxExcerptContext.
	Context int
	// Sheet is the worksheet of an XLSX workbook; "" means the first sheet
	// with values. CSV and text files have none and ignore it.
	Sheet string
}

// Errors of [Reader.ReadExcerpt], besides extract's (a document that is no
// table wraps extract.ErrUnsupportedType); they carry a message for people.
var (
	// ErrBadRow reports a row number below 1 or past the end of the sheet.
	ErrBadRow = errors.New("no such row")
	// ErrNoSheet reports a sheet the workbook does not have.
	ErrNoSheet = errors.New("no such sheet")
)

// excerptError is an error with a message for people wrapping ErrBadRow or ErrNoSheet.
type excerptError struct {
	kind error
	msg  string
}

func (e *excerptError) Error() string { return e.msg }
func (e *excerptError) Unwrap() error { return e.kind }

// errStop ends the reading once the excerpt is complete.
var errStop = errors.New("excerpt complete")

// ReadExcerpt reads the excerpt of opt with the default limits; see [Reader.ReadExcerpt].
func ReadExcerpt(ctx context.Context, r io.Reader, size int64, contentType, fileName string, opt ExcerptOptions) (Excerpt, error) {
	var rd Reader
	return rd.ReadExcerpt(ctx, r, size, contentType, fileName, opt)
}

// ReadExcerpt reads the rows around opt.Row of a CSV, text or XLSX file, decoded
// and split the way [Read] reads price files (extract.Rows: Windows-1252,
// UTF-8 with or without a byte-order mark, UTF-16; ",", ";", tab or "|";
// quoted cells with line breaks), with the header found as [Read] finds it,
// below any title rows. It streams: it stops reading once the rows after
// the window are seen, and holds only the first 30 rows and the window, so
// a large file is never held whole; an XLSX workbook is spooled to a
// temporary file as extract does.
//
// A row number below 1 or past the end of the sheet is [ErrBadRow], a
// sheet the workbook lacks [ErrNoSheet]; a PDF or DOCX wraps
// extract.ErrUnsupportedType. Output is bounded: at most 2×50+1 rows of at
// most 60 cells of 500 characters (Truncated says when something was cut).
func (rd *Reader) ReadExcerpt(ctx context.Context, r io.Reader, size int64, contentType, fileName string, opt ExcerptOptions) (Excerpt, error) {
	if opt.Row < 1 {
		return Excerpt{}, &excerptError{ErrBadRow, fmt.Sprintf("Row %d does not exist: rows are numbered from 1.", opt.Row)}
	}
	k := opt.Context
	if k <= 0 {
		k = DefaultExcerptContext
	}
	k = min(k, MaxExcerptContext)
	st := &excerptState{opt: opt, lo: max(opt.Row-k, 1), hi: opt.Row + k}
	st.out.Row = opt.Row
	err := rd.Limits.Rows(ctx, r, size, contentType, fileName, st.row)
	if err != nil && !errors.Is(err, errStop) {
		return Excerpt{}, err
	}
	if !st.chosen {
		if st.sheets {
			return Excerpt{}, &excerptError{ErrNoSheet, fmt.Sprintf("The workbook has no sheet named %q, or it is empty.", opt.Sheet)}
		}
		return Excerpt{}, &excerptError{ErrBadRow, "The file has no rows with values."}
	}
	if !st.out.MoreAfter && opt.Row > st.last {
		// the whole sheet was read: last is its last row
		where := "file"
		if st.out.Sheet != "" {
			where = "sheet " + st.out.Sheet
		}
		return Excerpt{}, &excerptError{ErrBadRow, fmt.Sprintf("Row %d is past the end of the %s: its last row is %d.", opt.Row, where, st.last)}
	}
	st.decide()
	return st.out, nil
}

// excerptState follows the reading of an excerpt.
type excerptState struct {
	opt    ExcerptOptions
	lo, hi int // the window of row numbers
	out    Excerpt

	sheets  bool // the file has named sheets
	chosen  bool // the sheet to read has begun
	pending []ExcerptRow
	window  []ExcerptRow
	decided bool
	before  int // the last row with values before the window
	last    int // the last row with values of the sheet so far
}

// row takes one row from extract.Rows.
func (st *excerptState) row(r extract.Row) error {
	if r.Sheet != "" {
		st.sheets = true
	}
	if !st.chosen {
		if st.opt.Sheet != "" && r.Sheet != "" && r.Sheet != st.opt.Sheet {
			return nil // a sheet before the one asked for
		}
		st.chosen, st.out.Sheet = true, r.Sheet
	} else if r.Sheet != st.out.Sheet {
		return errStop // the sheet after it: the sheet has ended
	}
	st.last = r.Line
	if len(st.pending) < headerScanRows {
		st.pending = append(st.pending, st.bounded(r))
	}
	switch {
	case r.Line < st.lo:
		st.before = r.Line
	case r.Line <= st.hi:
		st.window = append(st.window, st.bounded(r))
	default:
		// A row after the window: the window is complete once the rows
		// that decide the header are in too.
		st.out.MoreAfter = true
		if len(st.pending) >= headerScanRows {
			return errStop
		}
	}
	return nil
}

// bounded copies a row's cells, cut to the excerpt's bounds.
func (st *excerptState) bounded(r extract.Row) ExcerptRow {
	cells := trimTrailing(r.Cells)
	if len(cells) > maxExcerptCells {
		cells, st.out.Truncated = cells[:maxExcerptCells], true
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		if utf8.RuneCountInString(c) > maxExcerptCellRunes {
			c, st.out.Truncated = string([]rune(c)[:maxExcerptCellRunes])+"…", true
		}
		out[i] = c
	}
	return ExcerptRow{Row: r.Line, Cells: out}
}

// decide finds the header among the first rows, as Read does, and keeps
// the rows of the window below it.
func (st *excerptState) decide() {
	cells := make([][]string, len(st.pending))
	for i, p := range st.pending {
		cells[i] = p.Cells
	}
	o := &st.out
	if h := findHeader(cells); h >= 0 {
		o.HeaderRow = st.pending[h].Row
		o.Header = headerNames(cells[h])
		o.Titles = slices.Clone(st.pending[:min(h, maxExcerptTitles)])
	}
	o.Titles = nonNil(o.Titles)
	o.Rows = []ExcerptRow{}
	for _, w := range st.window {
		if w.Row > o.HeaderRow {
			o.Rows = append(o.Rows, w)
			o.Found = o.Found || w.Row == o.Row
		}
	}
	o.MoreBefore = st.before > o.HeaderRow
	o.Columns = len(o.Header)
	for _, r := range o.Rows {
		o.Columns = max(o.Columns, len(r.Cells))
	}
	if o.HeaderRow == 0 {
		o.Header = make([]string, o.Columns)
		for i := range o.Header {
			o.Header[i] = "Column " + columnName(i)
		}
	}
}

func nonNil(rows []ExcerptRow) []ExcerptRow {
	if rows == nil {
		return []ExcerptRow{}
	}
	return rows
}
