package documents

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/blob"
)

// DownloadRoute is the route that mints a download link for a document
// after the rule check; answers and part cards link to it.
func DownloadRoute(document string) string { return "/api/documents/" + document + "/download" }

// Title is what a document is called where it is cited: its title, else its file name.
func Title(doc *core.Record) string {
	return TitleOf(doc.GetString("title"), doc.GetString("filename"))
}

// TitleOf is Title for a title and file name read without a record.
func TitleOf(title, filename string) string {
	if title != "" {
		return title
	}
	return filename
}

// handleDownload answers with a presigned URL minted for this request, after
// the caller was found to be of the document's tenant. ?inline=1 asks for a
// view in the browser (PDFs at a page), which the store grants only to types
// safe to show.
func (f *feature) handleDownload(e *core.RequestEvent) error {
	doc, err := findOwn(e)
	if err != nil {
		return err
	}
	if doc.GetString("status") == StatusPendingUpload {
		return e.Error(http.StatusConflict, "This document has not been uploaded completely yet.", nil)
	}
	if !HasFile(doc) {
		return e.Error(http.StatusGone, refusedMessage(doc), nil)
	}
	disp := blob.Attachment
	if e.Request.URL.Query().Get("inline") == "1" {
		disp = blob.Inline
	}
	url, err := f.Store.PresignGet(e.Request.Context(), doc.GetString("storage_key"), f.DownloadTTL, doc.GetString("filename"), disp)
	if err != nil {
		e.App.Logger().Error("presign download", "document", doc.Id, "error", err)
		return e.InternalServerError("The file store could not be reached. Try again in a moment.", nil)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, map[string]any{"url": url, "expires": time.Now().Add(f.DownloadTTL).UTC()})
}

// handleReprocess queues a document for processing again.
func (f *feature) handleReprocess(e *core.RequestEvent) error {
	doc, err := findOwn(e)
	if err != nil {
		return err
	}
	if !canEdit(e.Auth, doc) {
		return e.ForbiddenError("Only a tenant admin, a manager or the person who uploaded it can reprocess a document.", nil)
	}
	switch doc.GetString("status") {
	case StatusReady, StatusFailed:
	case StatusPendingUpload:
		return e.Error(http.StatusConflict, "This document has not been uploaded completely yet.", nil)
	default:
		return e.Error(http.StatusConflict, "This document is being processed already.", nil)
	}
	if !HasFile(doc) {
		return e.Error(http.StatusConflict, refusedMessage(doc), nil)
	}
	if doc.GetString("status") == StatusFailed && doc.GetString("sha256") == "" && doc.GetInt("chunks") == 0 {
		// a failed upload check deleted the object: there is nothing to process
		if _, err := f.Store.Stat(e.Request.Context(), doc.GetString("storage_key")); err != nil {
			return e.Error(http.StatusConflict, "The file of this document is gone; upload it again.", nil)
		}
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := SetState(tx, doc, map[string]any{"status": StatusUploaded, "error": ""}); err != nil {
			return err
		}
		_, err := f.Queue.Enqueue(tx, doc.GetString("tenant"), JobIngest, doc.Id, map[string]any{"reprocess": true})
		return err
	})
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, doc.PublicExport())
}
