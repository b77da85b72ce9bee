package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxXMLMemory is how much of one worksheet excelize keeps in memory
// before it unzips it to a temporary file.
const xlsxXMLMemory = 16 << 20

// extractXLSX reads every worksheet with excelize's streaming row iterator
// and chunks each as a table; chunks carry the sheet name.
func (x *Extractor) extractXLSX(ra *randomAccess, em *emitter) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = newError(ErrUnreadable, fmt.Errorf("excelize: %v", p), "the spreadsheet could not be read: it may be damaged")
		}
	}()
	f, limit, err := x.openXLSX(ra, excelize.Options{})
	if err != nil {
		return err
	}
	defer f.Close()

	if err := eachSheet(f, em.ctx, limit, func(sheet string) error { return x.extractSheet(f, sheet, em) }); err != nil {
		return err
	}
	if em.stats.Chunks == 0 {
		return newError(ErrNoText, nil, "no text found: the spreadsheet has no values")
	}
	return nil
}

// openXLSX opens a workbook with the Extractor's limits; opts may set
// reading options such as ShortDatePattern. It returns the unzip limit
// that applies, for messages.
func (x *Extractor) openXLSX(ra *randomAccess, opts excelize.Options) (*excelize.File, int64, error) {
	limit := x.unzipLimit(ra.size)
	opts.UnzipSizeLimit = limit
	opts.UnzipXMLSizeLimit = min(limit, xlsxXMLMemory)
	opts.TmpDir = x.TempDir
	var f *excelize.File
	var err error
	switch {
	case ra.path != "":
		f, err = excelize.OpenFile(ra.path, opts)
	case ra.data != nil:
		f, err = excelize.OpenReader(bytes.NewReader(ra.data), opts)
	default:
		f, err = excelize.OpenReader(io.NewSectionReader(ra, 0, ra.size), opts)
	}
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, limit, xlsxError(err, limit)
	}
	return f, limit, nil
}

// extractSheet chunks one worksheet.
func (x *Extractor) extractSheet(f *excelize.File, sheet string, em *emitter) error {
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	t := newTable(em, sheet)
	for row := 1; rows.Next(); row++ {
		cells, err := rows.Columns()
		if err != nil {
			return err
		}
		if err := t.add(row, cells); err != nil {
			return err
		}
		if row%ctxCheckRows == 0 {
			if err := em.ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := rows.Error(); err != nil {
		return err
	}
	return t.finish()
}

// eachSheet calls read for every worksheet. A sheet that cannot be read (a
// chart sheet, a damaged one) is passed over, unless no sheet can be read; a
// document error, an error of the caller's and cancellation stop at once.
func eachSheet(f *excelize.File, ctx context.Context, limit int64, read func(sheet string) error) error {
	ok := 0
	var lastErr error
	for _, sheet := range f.GetSheetList() {
		if err := read(sheet); err != nil {
			var de *docError
			var ee errEmit
			if errors.As(err, &de) || errors.As(err, &ee) || ctx.Err() != nil {
				return err
			}
			lastErr = err
			continue
		}
		ok++
	}
	if ok == 0 && lastErr != nil {
		return xlsxError(lastErr, limit)
	}
	return nil
}

// xlsxError turns an excelize error into a message for people.
func xlsxError(err error, limit int64) error {
	switch {
	case strings.Contains(err.Error(), "unzip size exceeds"):
		return newError(ErrTooLarge, err, "the spreadsheet expands to more than %d MB when unpacked: it may be a zip bomb", limit>>20)
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, excelize.ErrWorkbookPassword):
		return newError(ErrUnreadable, err, "the spreadsheet could not be read: it may be password-protected or not an .xlsx file")
	}
	return newError(ErrUnreadable, err, "the spreadsheet could not be read: it may be damaged")
}
