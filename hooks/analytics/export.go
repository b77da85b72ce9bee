package analytics

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/usage"
	"counterpart/internal/csvsafe"
)

// flushEvery is how many rows are buffered before they go to the client:
// memory stays flat whatever the range, and a browser sees progress.
const flushEvery = 1000

// csvOut writes CSV rows, flushing every flushEvery rows to w and, when w
// is an HTTP response, to the network.
type csvOut struct {
	w     *csv.Writer
	flush func() error
	rows  int64
}

// newCSVOut writes CSV in format f to w; the byte order mark, when f has
// one, is written at once.
func newCSVOut(w io.Writer, f CSVFormat) (*csvOut, error) {
	if f.BOM {
		if _, err := io.WriteString(w, utf8BOM); err != nil {
			return nil, err
		}
	}
	out := &csvOut{w: csv.NewWriter(w)}
	if f.Comma != 0 {
		out.w.Comma = f.Comma
	}
	if rw, ok := w.(http.ResponseWriter); ok {
		rc := http.NewResponseController(rw)
		out.flush = rc.Flush
	}
	return out, nil
}

// row writes one record; cells are written as given: text goes through csvsafe.Cell at the call site.
func (o *csvOut) row(cells ...string) error {
	if err := o.w.Write(cells); err != nil {
		return err
	}
	o.rows++
	if o.rows%flushEvery == 0 {
		return o.sync()
	}
	return nil
}

func (o *csvOut) sync() error {
	o.w.Flush()
	if err := o.w.Error(); err != nil {
		return err
	}
	if o.flush != nil {
		_ = o.flush() // a writer that cannot flush still gets everything at the end
	}
	return nil
}

func num(n int64) string { return strconv.FormatInt(n, 10) }

// UsageHeader is the header row of usage.csv.
var UsageHeader = []string{"day", "user", "user_name", "model", "questions", "answers", "failed", "stopped", "retrieval_only", "llm",
	"tokens_in", "tokens_out", "avg_latency_ms", "feedback_up", "feedback_down", "uploads", "upload_bytes", "processed",
	"pages", "processing_failed", "sign_ins", "exports"}

// WriteUsageCSV writes a tenant's daily usage from..to (YYYY-MM-DD in the
// tenant's time zone, inclusive; empty means the last 30 days) to w: one row
// per day × user × model, as usage.csv serves it, streamed from SQL, in the
// standard format. A bad range is a *RangeError and nothing is written.
func WriteUsageCSV(app core.App, w io.Writer, tenantID string, from, to string) error {
	r, err := tenantRange(app, tenantID, from, to)
	if err != nil {
		return err
	}
	_, err = writeUsage(app, w, tenantID, r, CSVStandard)
	return err
}

// tenantRange parses a range in the tenant's time zone.
func tenantRange(app core.App, tenantID, from, to string) (dateRange, error) {
	loc, err := usage.TenantLocation(app, tenantID)
	if err != nil {
		return dateRange{}, err
	}
	return parseRange(from, to, time.Now(), loc)
}

// writeUsage streams usage.csv in format f and returns the number of data rows.
func writeUsage(app core.App, w io.Writer, tenantID string, r dateRange, f CSVFormat) (int64, error) {
	out, err := newCSVOut(w, f)
	if err != nil {
		return 0, err
	}
	if err := out.row(UsageHeader...); err != nil {
		return 0, err
	}
	// the unique index (tenant, day, user, model) serves both the filter and the order: no sort, no buffer
	rows, err := app.DB().NewQuery("SELECT d.[[day]], d.[[user]], COALESCE(u.[[name]], ''), d.[[model]], d.[[questions]], d.[[answers]], " +
		"d.[[failed]], d.[[stopped]], d.[[retrieval_only]], d.[[llm]], d.[[tokens_in]], d.[[tokens_out]], d.[[latency_ms]], " +
		"d.[[feedback_up]], d.[[feedback_down]], d.[[uploads]], d.[[upload_bytes]], d.[[processed]], d.[[pages]], " +
		"d.[[processing_failed]], d.[[sign_ins]], d.[[exports]] " +
		"FROM {{usage_daily}} d LEFT JOIN {{users}} u ON u.[[id]] = d.[[user]] " +
		"WHERE d.[[tenant]] = {:tenant} AND d.[[day]] BETWEEN {:from} AND {:to} ORDER BY d.[[tenant]], d.[[day]], d.[[user]], d.[[model]]").
		Bind(dbx.Params{"tenant": tenantID, "from": r.From(), "to": r.To()}).Rows()
	if err != nil {
		return 0, fmt.Errorf("usage export of %s: %w", tenantID, err)
	}
	defer rows.Close()
	var day, user, name, model string
	var n [18]int64
	for rows.Next() {
		if err := rows.Scan(&day, &user, &name, &model, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8],
			&n[9], &n[10], &n[11], &n[12], &n[13], &n[14], &n[15], &n[16], &n[17]); err != nil {
			return out.rows - 1, fmt.Errorf("usage export of %s: %w", tenantID, err)
		}
		avg := int64(0)
		if n[1] > 0 {
			avg = n[8] / n[1]
		}
		if err := out.row(day, user, csvsafe.Cell(name), csvsafe.Cell(model), num(n[0]), num(n[1]), num(n[2]), num(n[3]), num(n[4]),
			num(n[5]), num(n[6]), num(n[7]), num(avg), num(n[9]), num(n[10]), num(n[11]), num(n[12]), num(n[13]), num(n[14]),
			num(n[15]), num(n[16]), num(n[17])); err != nil {
			return out.rows - 1, err
		}
	}
	if err := rows.Err(); err != nil {
		return out.rows - 1, fmt.Errorf("usage export of %s: %w", tenantID, err)
	}
	return out.rows - 1, out.sync()
}

var unsafeFileChars = regexp.MustCompile(`[^a-z0-9-]+`)

// attachment starts a CSV download named
// counterpart-<what>-<tenant>-<from>-to-<to><format's suffix>.csv.
func attachment(e *core.RequestEvent, what, slug string, r dateRange, f CSVFormat) {
	name := fmt.Sprintf("counterpart-%s-%s-%s-to-%s%s.csv", what, unsafeFileChars.ReplaceAllString(slug, "-"), r.From(), r.To(), f.Suffix)
	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	e.Response.WriteHeader(http.StatusOK)
}

// recordExport writes the export's usage event; a failure is logged, the export is already sent.
func recordExport(app core.App, tenantID, userID, what string, rows int64) {
	if err := usage.Record(app, usage.Event{Tenant: tenantID, Kind: usage.KindExport, User: userID, Subject: what, Rows: rows}); err != nil {
		app.Logger().Error("analytics: recording an export", "tenant", tenantID, "error", err)
	}
}
