package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/documents"
	"counterpart/hooks/jobs"
	"counterpart/internal/blob"
	"counterpart/internal/n8n"
)

// IngestRequest is what Counterpart posts to n8n's ingest webhook (docs/n8n.md).
type IngestRequest struct {
	Action      string         `json:"action"`
	Tenant      string         `json:"tenant"`
	Document    IngestDocument `json:"document"`
	DownloadURL string         `json:"downloadUrl"`
	Callback    IngestCallback `json:"callback"`
}

// IngestDocument describes the document n8n is to process.
type IngestDocument struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Filename    string `json:"filename"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	Category    string `json:"category"`
}

// IngestCallback tells n8n where to post the result.
type IngestCallback struct {
	URL    string `json:"url"`
	Method string `json:"method"`
}

// dispatch hands the document to n8n; n8n answers at once and calls back later.
func (f *feature) dispatch(ctx context.Context, app core.App, doc *core.Record) error {
	download, err := f.Store.PresignGet(ctx, doc.GetString("storage_key"), f.N8N.DownloadTTL, doc.GetString("filename"), blob.Attachment)
	if err != nil {
		return fmt.Errorf("presign download for n8n: %w", err)
	}
	body, err := json.Marshal(IngestRequest{
		Action: "ingest",
		Tenant: doc.GetString("tenant"),
		Document: IngestDocument{ID: doc.Id, Title: doc.GetString("title"), Filename: doc.GetString("filename"),
			ContentType: doc.GetString("content_type"), Size: int64(doc.GetInt("size")), Category: doc.GetString("category")},
		DownloadURL: download,
		Callback: IngestCallback{Method: http.MethodPost,
			URL: strings.TrimRight(f.N8N.PublicURL, "/") + "/api/n8n/callback/documents/" + doc.Id},
	})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.N8N.URL, bytes.NewReader(body))
	if err != nil {
		return jobs.Permanent(&permanentMessage{"The n8n ingest URL is not valid; IT must fix n8n.ingest_url."})
	}
	req.Header.Set("Content-Type", "application/json")
	if err := f.N8N.Signer.Authorize(req, n8n.Claims{Tenant: doc.GetString("tenant"), Extra: map[string]any{"document": doc.Id}}); err != nil {
		return fmt.Errorf("sign ingest request: %w", err)
	}
	res, err := f.N8N.Client.Do(req)
	if err != nil {
		app.Logger().Warn("n8n ingest call failed", "document", doc.Id, "error", err)
		return &permanentMessage{n8n.DescribeTransportError(f.N8N.URL, err, true)}
	}
	defer res.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(res.Body, 512))
	if res.StatusCode/100 == 2 {
		return nil
	}
	app.Logger().Warn("n8n ingest refused", "document", doc.Id, "status", res.StatusCode, "body", string(snippet))
	// even a 401/403/404 is retried: IT may fix the secret or activate the workflow meanwhile
	return &permanentMessage{n8n.DescribeStatus("ingest", res.StatusCode, true)}
}

// FailStalled marks documents that have waited for n8n's callback since before
// cutoff as failed, so that nobody waits forever on a lost callback.
func FailStalled(app core.App, cutoff time.Time) (int, error) {
	docs, err := app.FindAllRecords(documents.Collection, dbx.HashExp{"status": documents.StatusProcessing},
		dbx.NewExp("updated < {:c}", dbx.Params{"c": cutoff.UTC().Format("2006-01-02 15:04:05.000Z")}))
	if err != nil {
		return 0, err
	}
	for _, d := range docs {
		if err := markFailed(app, d, "n8n did not report back about this document; reprocess it, and check the ingest workflow's executions in n8n."); err != nil {
			return 0, err
		}
	}
	return len(docs), nil
}
