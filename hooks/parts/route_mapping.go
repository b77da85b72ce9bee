package parts

import (
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/documents"
	"counterpart/hooks/jobs"
	"counterpart/internal/pricefile"
)

// mappingForm is the body of POST /api/documents/{id}/parts/mapping.
type mappingForm struct {
	Mapping pricefile.Mapping `json:"mapping"`
	// Sheet names the sheet whose headers the mapping is for ("" for a CSV).
	Sheet string `json:"sheet"`
}

// handleMapping saves a corrected column mapping for the document's
// supplier and imports the document again with it.
func (f *feature) handleMapping(e *core.RequestEvent) error {
	doc, err := e.App.FindRecordById(documents.Collection, e.Request.PathValue("id"))
	if err != nil || doc.GetString("tenant") != e.Auth.GetString("tenant") {
		return e.NotFoundError("This document does not exist.", nil)
	}
	if !IsPartsCategory(doc.GetString("category")) {
		return e.BadRequestError("Only documents of category price list or catalog have a column mapping: change the category first.", nil)
	}
	var form mappingForm
	if err := e.BindBody(&form); err != nil {
		return e.BadRequestError(`The body must be JSON such as {"mapping": {"columns": [{"index": 0, "header": "Teilenummer", "field": "part_number"}]}}.`, nil)
	}
	recs, err := e.App.FindRecordsByFilter(Imports, "document = {:d}", "-created", 1, 0, dbx.Params{"d": doc.Id})
	if err != nil || len(recs) == 0 {
		return e.BadRequestError("This document has not been read yet: wait until its processing is done.", nil)
	}
	last := recs[0]
	var sheets []SheetHeaders
	_ = last.UnmarshalJSONField("headers", &sheets)
	seen, ok := sheetFor(sheets, form.Sheet, form.Mapping)
	if !ok {
		return apiFieldError(e, "sheet", "Choose one of the file's sheets, or upload the file again: its headers were not read.")
	}
	if err := form.Mapping.Validate(seen); err != nil {
		return apiFieldError(e, "mapping", err.Error())
	}
	if err := SaveMapping(e.App, doc.GetString("tenant"), e.Auth.Id, seen, form.Mapping); err != nil {
		e.App.Logger().Error("parts: save mapping", "document", doc.Id, "error", err)
		return e.InternalServerError("The mapping could not be saved; try again.", nil)
	}
	job, err := f.Queue.Enqueue(e.App, doc.GetString("tenant"), JobImport, doc.Id, nil)
	if err != nil {
		if errors.Is(err, jobs.ErrTenantMismatch) {
			return e.NotFoundError("This document does not exist.", nil)
		}
		e.App.Logger().Error("parts: queue import", "document", doc.Id, "error", err)
		return e.InternalServerError("The mapping was saved, but the import could not be started; use Reprocess.", nil)
	}
	return e.JSON(http.StatusAccepted, map[string]any{"job": job.Id, "signature": pricefile.Signature(seen)})
}

// apiFieldError is a 400 with msg on field, the shape the web app shows at the field.
func apiFieldError(e *core.RequestEvent, field, msg string) error {
	return e.BadRequestError(msg, validation.Errors{field: validation.NewError("validation_invalid_"+field, msg)})
}

// sheetFor returns the headers the mapping is for: of the sheet named, else
// of the only sheet, else of the sheet whose headers the mapping's columns name.
func sheetFor(sheets []SheetHeaders, name string, m pricefile.Mapping) ([]string, bool) {
	for _, s := range sheets {
		if name != "" && s.Sheet == name {
			return s.Headers, true
		}
	}
	if name != "" {
		return nil, false
	}
	if len(sheets) == 1 {
		return sheets[0].Headers, true
	}
	for _, s := range sheets {
		fits := len(m.Columns) > 0
		for _, c := range m.Columns {
			if c.Index < 0 || c.Index >= len(s.Headers) || s.Headers[c.Index] != c.Header {
				fits = false
			}
		}
		if fits {
			return s.Headers, true
		}
	}
	return nil, false
}
