package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/documents"
	"counterpart/internal/extract"
	"counterpart/internal/search"
)

// batchSize is how many chunks are written per transaction, so a large
// document never holds the database's write lock for long.
const batchSize = 2000

// Chunk is one passage of a document with its place in it.
type Chunk struct {
	Text  string `json:"text"`
	Page  int    `json:"page"`
	Row   int    `json:"row"`
	Sheet string `json:"sheet"`
}

// builtin extracts the document's text in the binary and indexes it.
func (f *feature) builtin(ctx context.Context, app core.App, doc *core.Record) error {
	rc, err := f.Store.Open(ctx, doc.GetString("storage_key"))
	if err != nil {
		return fmt.Errorf("open %s: %w", doc.Id, err)
	}
	defer rc.Close()
	hash := sha256.New()
	r := io.TeeReader(rc, hash)

	w := newChunkWriter(app, doc)
	if err := w.reset(); err != nil {
		return err
	}
	stats, err := f.Extractor.Extract(ctx, r, int64(doc.GetInt("size")), doc.GetString("content_type"), doc.GetString("filename"),
		func(c extract.Chunk) error {
			return w.add(Chunk{Text: c.Text, Page: c.Page, Row: c.Row, Sheet: c.Sheet})
		})
	if err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	_, _ = io.Copy(hash, rc) // formats that stop early still get the whole file's hash
	doc.Set("sha256", hex.EncodeToString(hash.Sum(nil)))
	return w.finish(stats.Pages, stats.Rows)
}

// chunkWriter replaces a document's chunks in batches and finally marks it ready.
type chunkWriter struct {
	app     core.App
	doc     *core.Record
	pending []Chunk
	written int
}

func newChunkWriter(app core.App, doc *core.Record) *chunkWriter {
	return &chunkWriter{app: app, doc: doc}
}

// reset removes what an earlier, interrupted or replaced run left.
func (w *chunkWriter) reset() error {
	return w.app.RunInTransaction(func(tx core.App) error {
		if err := search.RemoveDocument(tx.DB(), w.doc.GetString("tenant"), w.doc.Id); err != nil {
			return err
		}
		_, err := tx.DB().Delete("chunks", dbx.HashExp{"document": w.doc.Id}).Execute()
		return err
	})
}

func (w *chunkWriter) add(c Chunk) error {
	w.pending = append(w.pending, c)
	if len(w.pending) >= batchSize {
		return w.flush()
	}
	return nil
}

// flush writes the pending chunks and their index entries in one transaction.
func (w *chunkWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	tenant := w.doc.GetString("tenant")
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	err := w.app.RunInTransaction(func(tx core.App) error {
		entries := make([]search.Chunk, 0, len(w.pending))
		insert := tx.DB().NewQuery("INSERT INTO {{chunks}} ([[id]], [[tenant]], [[document]], [[ordinal]], [[page]], [[row]], [[sheet]], [[text]], [[created]]) " +
			"VALUES ({:id}, {:tenant}, {:document}, {:ordinal}, {:page}, {:row}, {:sheet}, {:text}, {:created})").Prepare()
		defer insert.Close()
		for i, c := range w.pending {
			res, err := insert.Bind(dbx.Params{
				"id": core.GenerateDefaultRandomId(), "tenant": tenant, "document": w.doc.Id,
				"ordinal": w.written + i, "page": c.Page, "row": c.Row, "sheet": c.Sheet, "text": c.Text, "created": now,
			}).Execute()
			if err != nil {
				return fmt.Errorf("insert chunk: %w", err)
			}
			rowid, err := res.LastInsertId()
			if err != nil {
				return err
			}
			entries = append(entries, search.Chunk{RowID: rowid, Tenant: tenant, Text: c.Text})
		}
		return search.IndexChunks(tx.DB(), entries)
	})
	if err != nil {
		return fmt.Errorf("write chunks of %s: %w", w.doc.Id, err)
	}
	w.written += len(w.pending)
	w.pending = w.pending[:0]
	return nil
}

// finish marks the document ready with its counts.
func (w *chunkWriter) finish(pages, rows int) error {
	if err := w.flush(); err != nil {
		return err
	}
	return documents.SetState(w.app, w.doc, map[string]any{"status": documents.StatusReady, "error": "",
		"pages": pages, "rows": rows, "chunks": w.written, "processed_at": time.Now().UTC(), "sha256": w.doc.GetString("sha256")})
}

// bindIndexCleanup removes a document's index entries before its chunks go,
// whether the document or its whole tenant is deleted: the index is not a
// collection, so cascading deletes do not reach it.
func bindIndexCleanup(app core.App) {
	app.OnRecordDelete(documents.Collection).BindFunc(func(e *core.RecordEvent) error {
		if err := search.RemoveDocument(e.App.DB(), e.Record.GetString("tenant"), e.Record.Id); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordDelete("tenants").BindFunc(func(e *core.RecordEvent) error {
		if err := search.RemoveTenant(e.App.DB(), e.Record.Id); err != nil {
			return err
		}
		return e.Next()
	})
}
