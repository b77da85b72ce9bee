package documents

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/blob"
	"counterpart/internal/extract"
	"counterpart/internal/pricefile"
)

// RowsRoute is the route that shows the rows of a table document around one
// row, read from the file: GET with ?row=N, optionally &context=K (rows
// before and after, at most pricefile.MaxExcerptContext) and &sheet=S.
func RowsRoute(document string) string { return "/api/documents/" + document + "/rows" }

// rowsResponse is the answer of the rows route: the document and the
// excerpt of its table.
type rowsResponse struct {
	Document    string `json:"document"`
	Title       string `json:"title"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	pricefile.Excerpt
}

// rowsRequest is the query of the rows route, read by parseRowsRequest.
type rowsRequest struct {
	row, context int
	sheet        string
}

// parseRowsRequest reads ?row=, ?context= and ?sheet=; errors name the
// parameter at fault with a sentence a person can act on.
func parseRowsRequest(q map[string][]string) (rowsRequest, validation.Errors) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	var in rowsRequest
	errs := validation.Errors{}
	row, err := strconv.Atoi(get("row"))
	switch {
	case get("row") == "":
		errs["row"] = validation.NewError("validation_required", "Say which row to show: ?row= a spreadsheet row number, 1 or more.")
	case err != nil || row < 1:
		errs["row"] = validation.NewError("validation_invalid_row", "The row must be a spreadsheet row number, 1 or more: "+strconv.Quote(get("row"))+" is not one.")
	}
	in.row = row
	if c := get("context"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			errs["context"] = validation.NewError("validation_invalid_context",
				"The context is how many rows to show before and after the row: a number from 0 to "+strconv.Itoa(pricefile.MaxExcerptContext)+".")
		}
		in.context = n
	}
	if in.sheet = get("sheet"); len(in.sheet) > 255 {
		errs["sheet"] = validation.NewError("validation_invalid_sheet", "A sheet name has at most 255 characters.")
	}
	if len(errs) > 0 {
		return in, errs
	}
	return in, nil
}

// handleRows answers with the header and the rows around ?row= of a CSV,
// text or XLSX document of the caller's tenant, decoded with the file's
// own encoding and numbered as a spreadsheet shows them: what a cited row
// of a price list opens in the app. The file is streamed and read only up
// to the rows shown.
func (f *feature) handleRows(e *core.RequestEvent) error {
	doc, err := findOwn(e)
	if err != nil {
		return err
	}
	in, verrs := parseRowsRequest(e.Request.URL.Query())
	if verrs != nil {
		return e.BadRequestError("Say which row of the table to show.", verrs)
	}
	if doc.GetString("status") == StatusPendingUpload {
		return e.Error(http.StatusConflict, "This document has not been uploaded completely yet.", nil)
	}
	if !HasFile(doc) {
		return e.Error(http.StatusGone, refusedMessage(doc), nil)
	}
	rc, err := f.Store.Open(e.Request.Context(), doc.GetString("storage_key"))
	if errors.Is(err, blob.ErrNotFound) {
		return e.Error(http.StatusConflict, "The file of this document is gone; upload it again.", nil)
	}
	if err != nil {
		e.App.Logger().Error("documents: open for rows", "document", doc.Id, "error", err)
		return e.InternalServerError("The file store could not be reached. Try again in a moment.", nil)
	}
	defer rc.Close()
	ex, err := pricefile.ReadExcerpt(e.Request.Context(), rc, int64(doc.GetInt("size")), doc.GetString("content_type"), doc.GetString("filename"),
		pricefile.ExcerptOptions{Row: in.row, Context: in.context, Sheet: in.sheet})
	switch {
	case errors.Is(err, pricefile.ErrBadRow):
		return e.BadRequestError(err.Error(), validation.Errors{"row": validation.NewError("validation_invalid_row", err.Error())})
	case errors.Is(err, pricefile.ErrNoSheet):
		return e.BadRequestError(err.Error(), validation.Errors{"sheet": validation.NewError("validation_invalid_sheet", err.Error())})
	case errors.Is(err, extract.ErrUnsupportedType):
		return e.BadRequestError("This document is not a table (CSV or XLSX): it has no rows to show. Open it at its page instead, or download it.", nil)
	case e.Request.Context().Err() != nil:
		return e.Request.Context().Err()
	case err != nil:
		e.App.Logger().Warn("documents: reading rows", "document", doc.Id, "row", in.row, "error", err)
		return e.Error(http.StatusUnprocessableEntity, "The rows of this file could not be read: it may be damaged. Download the file to look at it.", nil)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, rowsResponse{Document: doc.Id, Title: Title(doc), Filename: doc.GetString("filename"),
		ContentType: doc.GetString("content_type"), Excerpt: ex})
}
