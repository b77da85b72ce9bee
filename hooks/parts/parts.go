// Package parts turns the tenant's price files and catalogs into structured
// parts data and answers part-number questions from it (issue 12).
//
// A document of category price_list or catalog that becomes ready (through
// the built-in processor or n8n's ingest, whichever made its passages) is
// imported by a job: its rows are read with internal/pricefile, the columns
// mapped from their headers (or by the mapping a tenant admin corrected for
// that supplier), and written as parts, supersession links and price
// history. A re-import is a delta: new parts are added, changed prices keep
// the old price in the history, parts of the same supplier missing from the
// new file are marked discontinued, and every run leaves an import report.
//
// Lookup finds the part numbers in a question, matches them the way counter
// staff say them (internal/partno), follows supersession chains to the part to
// order (internal/supersession) and answers with the row each fact comes from.
package parts

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/api"
	"counterpart/hooks/documents"
	"counterpart/hooks/jobs"
	"counterpart/internal/blob"
)

// Collections of the feature.
const (
	Parts         = "parts"
	Supersessions = "part_supersessions"
	Prices        = "part_prices"
	Imports       = "part_imports"
	Mappings      = "part_mappings"
)

// Part statuses, as the lookup reports them.
const (
	StatusCurrent      = "current"
	StatusSuperseded   = "superseded"
	StatusDiscontinued = "discontinued"
)

// Import statuses (pb_migrations.PartImportStatuses).
const (
	ImportRunning      = "running"
	ImportDone         = "done"
	ImportNeedsMapping = "needs_mapping"
	ImportFailed       = "failed"
)

// JobImport imports a price file or catalog into the parts tables.
const JobImport = "parts.import"

// Categories are the document categories whose rows are imported as parts.
var Categories = []string{documents.CategoryPriceList, "catalog"}

// IsPartsCategory reports whether documents of category are imported as parts.
func IsPartsCategory(category string) bool { return slices.Contains(Categories, category) }

// Deps are what the feature needs from the app.
type Deps struct {
	Store blob.Store
	Queue *jobs.Queue
}

type feature struct{ Deps }

// Register binds the import job, the hooks that queue it and clean up after
// deleted documents and tenants, and the routes.
func Register(app core.App, deps Deps) {
	f := &feature{deps}
	f.Queue.Handle(JobImport, f.runImport, f.giveUp)
	bindQueueing(app, f.Queue)
	bindCleanup(app)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		api.Bind(se, f.Routes()...)
		return se.Next()
	})
}

// Routes lists the feature's custom routes.
func (f *feature) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: "/api/parts/lookup", Access: api.Member,
			Summary: "looks up the part numbers of a query in the tenant's price files", Handler: handleLookup},
		{Method: "POST", Path: "/api/documents/{id}/parts/mapping", Access: api.Manager,
			Summary: "corrects a price file's column mapping, remembers it for the supplier and re-imports", Handler: f.handleMapping},
	}
}

// bindQueueing queues an import when a price file or catalog becomes ready,
// or when a ready document's category becomes one of those.
func bindQueueing(app core.App, q *jobs.Queue) {
	app.OnRecordAfterUpdateSuccess(documents.Collection).BindFunc(func(e *core.RecordEvent) error {
		r := e.Record
		if r.GetString("status") == documents.StatusReady && IsPartsCategory(r.GetString("category")) {
			old := r.Original()
			if old.GetString("status") != documents.StatusReady || old.GetString("category") != r.GetString("category") {
				if _, err := q.Enqueue(e.App, r.GetString("tenant"), JobImport, r.Id, nil); err != nil {
					e.App.Logger().Error("parts: queue import", "document", r.Id, "error", err)
				}
			}
		}
		return e.Next()
	})
}

// bindCleanup removes a document's or a tenant's parts data with one
// statement per table before PocketBase's record-by-record cascade would
// load hundreds of thousands of rows.
func bindCleanup(app core.App) {
	app.OnRecordDelete(documents.Collection).BindFunc(func(e *core.RecordEvent) error {
		if err := removeDocument(e.App, e.Record.Id); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordDelete("tenants").BindFunc(func(e *core.RecordEvent) error {
		for _, table := range []string{Prices, Supersessions, Parts, Imports, Mappings} {
			if _, err := e.App.DB().Delete(table, dbx.HashExp{"tenant": e.Record.Id}).Execute(); err != nil {
				return fmt.Errorf("delete %s of tenant %s: %w", table, e.Record.Id, err)
			}
		}
		return e.Next()
	})
}

// removeDocument deletes the parts, links, history and reports of a document.
func removeDocument(app core.App, document string) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("DELETE FROM {{" + Prices + "}} WHERE [[part]] IN (SELECT [[id]] FROM {{" + Parts + "}} WHERE [[document]] = {:d})").
			Bind(dbx.Params{"d": document}).Execute(); err != nil {
			return fmt.Errorf("delete price history of %s: %w", document, err)
		}
		for _, table := range []string{Parts, Supersessions, Imports} {
			if _, err := tx.DB().Delete(table, dbx.HashExp{"document": document}).Execute(); err != nil {
				return fmt.Errorf("delete %s of %s: %w", table, document, err)
			}
		}
		return nil
	})
}

// runImport imports one document, when it is still a ready price file or catalog.
func (f *feature) runImport(ctx context.Context, app core.App, job *jobs.Job) error {
	doc, err := app.FindRecordById(documents.Collection, job.Subject)
	if err != nil {
		return nil // deleted meanwhile
	}
	if doc.GetString("status") != documents.StatusReady || !IsPartsCategory(doc.GetString("category")) {
		return nil
	}
	_, err = Import(ctx, app, f.Store, doc)
	var pe *permanentError
	if errors.As(err, &pe) {
		return jobs.Permanent(err)
	}
	return err
}

// giveUp marks the running import of a document failed when its job fails for good.
func (f *feature) giveUp(app core.App, job *jobs.Job, cause error) error {
	rec, err := app.FindFirstRecordByFilter(Imports, "document = {:d} && status = {:s}", dbx.Params{"d": job.Subject, "s": ImportRunning})
	if err != nil {
		return nil
	}
	rec.Set("status", ImportFailed)
	rec.Set("message", failureMessage(cause))
	return app.Save(rec)
}
