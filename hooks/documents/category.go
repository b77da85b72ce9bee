package documents

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/jobs"
	"counterpart/internal/extract"
	"counterpart/internal/pricefile"
)

// JobGuessCategory gives a ready table file without a category the category
// its columns suggest.
const JobGuessCategory = "document.guess_category"

// CategoryPriceList is the category of a price list, one of
// pb_migrations.DocumentCategories.
const CategoryPriceList = "price_list"

// priceFields are the fields of a price column.
var priceFields = []pricefile.Field{pricefile.ListPrice, pricefile.NetPrice, pricefile.OtherPrice}

// errEnoughRows stops reading a file once its header has been seen.
var errEnoughRows = errors.New("enough rows")

// bindCategoryGuess queues JobGuessCategory when a CSV or XLSX document
// without a category becomes ready, and handles it. The person's choice
// always wins: the job only fills a category that is still empty.
func (f *feature) bindCategoryGuess(app core.App) {
	f.Queue.Handle(JobGuessCategory, f.runGuessCategory, nil)
	app.OnRecordAfterUpdateSuccess(Collection).BindFunc(func(e *core.RecordEvent) error {
		r := e.Record
		if r.GetString("status") == StatusReady && r.GetString("category") == "" && isTable(r.GetString("filename")) &&
			r.Original().GetString("status") != StatusReady {
			if _, err := f.Queue.Enqueue(e.App, r.GetString("tenant"), JobGuessCategory, r.Id, nil); err != nil {
				e.App.Logger().Error("documents: queue category guess", "document", r.Id, "error", err)
			}
		}
		return e.Next()
	})
}

// isTable reports whether a file name is a CSV or an Excel workbook.
func isTable(name string) bool {
	k := extract.KindOfName(name)
	return k == extract.KindCSV || k == extract.KindXLSX
}

// runGuessCategory reads the header of the document's file and, when it is a
// price list's, sets the category — which queues the parts import.
func (f *feature) runGuessCategory(ctx context.Context, app core.App, job *jobs.Job) error {
	doc, err := app.FindRecordById(Collection, job.Subject)
	if err != nil || doc.GetString("category") != "" || doc.GetString("status") != StatusReady {
		return nil // deleted, categorised or reprocessed meanwhile
	}
	rc, err := f.Store.Open(ctx, doc.GetString("storage_key"))
	if err != nil {
		return fmt.Errorf("open %s: %w", doc.Id, err)
	}
	defer rc.Close()
	category, err := CategoryFromColumns(ctx, rc, int64(doc.GetInt("size")), doc.GetString("content_type"), doc.GetString("filename"))
	if err != nil {
		// a file the reader cannot take keeps no category: nothing to retry
		app.Logger().Info("documents: no category from the columns", "document", doc.Id, "error", err)
		return nil
	}
	if category == "" {
		return nil
	}
	return app.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(Collection, doc.Id)
		if err != nil || fresh.GetString("category") != "" {
			return nil
		}
		fresh.Set("category", category)
		if err := tx.Save(fresh); err != nil {
			return fmt.Errorf("set the category of %s: %w", doc.Id, err)
		}
		return nil
	})
}

// CategoryFromColumns reads the first rows of a CSV or XLSX file and returns
// CategoryPriceList when a sheet's header row names a part-number column and
// a price column ("Teilenummer", "UPE"; "Part No.", "List price"), else "".
// Only the rows up to the first data row of such a sheet are read.
func CategoryFromColumns(ctx context.Context, r io.Reader, size int64, contentType, name string) (string, error) {
	res, err := pricefile.Read(ctx, r, size, contentType, name, nil,
		func(pricefile.Row) error { return errEnoughRows }, nil)
	var noPart *pricefile.NoPartColumnError
	if err != nil && !errors.Is(err, errEnoughRows) && !errors.As(err, &noPart) {
		return "", err
	}
	for _, s := range res.Sheets {
		if priceSheet(s) {
			return CategoryPriceList, nil
		}
	}
	return "", nil
}

// priceSheet reports whether a sheet has a named header with a part-number
// column and a price column.
func priceSheet(s pricefile.SheetResult) bool {
	if s.Skipped || s.HeaderLine == 0 {
		return false // no header: the columns were guessed from values, too weak for a category
	}
	part, price := false, false
	for _, c := range s.Mapping.Columns {
		part = part || c.Field == pricefile.PartNumber
		price = price || slices.Contains(priceFields, c.Field)
	}
	return part && price
}
