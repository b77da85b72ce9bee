package reports

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"counterpart/hooks/api"
	"counterpart/hooks/appsettings"
	"counterpart/hooks/tenancy"
	"counterpart/internal/schedule"
	"counterpart/internal/textcut"
)

// errTenantGone ends a run whose tenant was deleted while it ran: nothing is
// kept and nothing is logged as an error.
var errTenantGone = errors.New("reports: the tenant was deleted during the run")

// ErrBusy is returned by Run while another report of the tenant is being made.
var ErrBusy = errors.New("a report for this tenant is being made right now; try again in a minute")

// request is one report to make.
type request struct {
	from, to     string
	trigger      string
	scheduledFor time.Time
	requestedBy  string // user id, manual runs only
}

// Run makes a report of tenant t for the days from..to (YYYY-MM-DD, already
// checked) now, stores it and queues its mail; requestedBy is the user who
// asked ("" for IT). It returns ErrBusy while another run of the tenant goes
// on. A report whose content could not be made is stored as failed and
// returned with the error.
func (s *Service) Run(t *core.Record, from, to, requestedBy string) (*core.Record, error) {
	r := s.runnerFor(t.Id)
	if !r.busy.TryLock() {
		return nil, ErrBusy
	}
	defer r.busy.Unlock()
	s.wg.Add(1)
	defer s.wg.Done()
	return s.make(r.ctx, t, request{from: from, to: to, trigger: TriggerManual, requestedBy: requestedBy})
}

// make stores a running report, builds its CSV and summary, and stores it
// as ready with the send job (in one transaction) or as failed.
func (s *Service) make(ctx context.Context, t *core.Record, req request) (*core.Record, error) {
	col, err := s.app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, err
	}
	rec := core.NewRecord(col)
	rec.Set("tenant", t.Id)
	rec.Set("period_from", req.from)
	rec.Set("period_to", req.to)
	rec.Set("trigger", req.trigger)
	rec.Set("status", StatusRunning)
	if !req.scheduledFor.IsZero() {
		rec.Set("scheduled_for", req.scheduledFor)
	}
	rec.Set("requested_by", req.requestedBy)
	rec.Set("recipients", recipientsOf(t))
	rec.Set("send_attempts", 0)
	if err := s.app.Save(rec); err != nil {
		if s.gone(t.Id) {
			return nil, errTenantGone
		}
		return nil, fmt.Errorf("store the report: %w", err)
	}

	csv, summary, html, buildErr := s.build(ctx, t, req)
	if ctx.Err() != nil || s.gone(t.Id) {
		s.discard(rec)
		return nil, errTenantGone
	}
	if buildErr != nil {
		rec.Set("status", StatusFailed)
		rec.Set("error", textcut.Clip(buildErr.Error(), 1990))
		if err := s.app.Save(rec); err != nil && s.gone(t.Id) {
			s.discard(rec)
			return nil, errTenantGone
		}
		return rec, buildErr
	}

	file, err := filesystem.NewFileFromBytes(csv, csvName(t, req))
	if err != nil {
		return nil, err
	}
	rec.Set("csv", file)
	rec.Set("summary", summary)
	rec.Set("summary_html", html)
	rec.Set("status", StatusReady)
	mail := len(recipientsOf(t)) > 0
	if mail && !appsettings.MailSetUp(s.app) {
		// kept, and says why it is not mailed; no send job to retry in vain
		rec.Set("send_error", NotMailedNoMail)
		mail = false
	}
	err = s.app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(rec); err != nil {
			return err
		}
		if !mail {
			return nil
		}
		_, err := s.currentDeps().Queue.Enqueue(tx, t.Id, JobSend, rec.Id, nil)
		return err
	})
	if s.gone(t.Id) {
		// deleted while the last save ran: its cascade may have missed this record
		s.discard(rec)
		return nil, errTenantGone
	}
	if err != nil {
		return nil, fmt.Errorf("store the report: %w", err)
	}
	s.app.Logger().Info("reports: report ready", "tenant", t.Id, "report", rec.Id, "trigger", req.trigger,
		"from", req.from, "to", req.to, "recipients", len(recipientsOf(t)))
	return rec, nil
}

// build produces the CSV, the summary (as JSON-ready data) and its HTML.
func (s *Service) build(ctx context.Context, t *core.Record, req request) (csv []byte, summary any, html string, err error) {
	deps := s.currentDeps()
	if deps.UsageCSV == nil || deps.Summary == nil {
		return nil, nil, "", errors.New("usage analytics are not available in this build")
	}
	var buf bytes.Buffer
	if err := deps.UsageCSV(s.app, &limitWriter{w: &buf, left: deps.MaxCSVBytes}, t.Id, req.from, req.to); err != nil {
		return nil, nil, "", fmt.Errorf("usage CSV: %w", err)
	}
	if ctx.Err() != nil {
		return nil, nil, "", ctx.Err()
	}
	sum, err := deps.Summary(s.app, t.Id, req.from, req.to)
	if err != nil {
		return nil, nil, "", fmt.Errorf("usage summary: %w", err)
	}
	// through JSON: the summary's own shape, whatever its Go type
	raw, err := json.Marshal(sum)
	if err != nil {
		return nil, nil, "", fmt.Errorf("usage summary: %w", err)
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, nil, "", fmt.Errorf("usage summary is not an object: %w", err)
	}
	html, err = renderSummary(t.GetString("name"), req, data, s.clock())
	if err != nil {
		return nil, nil, "", err
	}
	return buf.Bytes(), json.RawMessage(raw), html, nil
}

// gone reports whether the tenant no longer exists.
func (s *Service) gone(tenantID string) bool {
	_, err := s.app.FindRecordById(tenancy.Tenants, tenantID)
	return errors.Is(err, sql.ErrNoRows)
}

// discard removes what a run of a deleted tenant may have left: its record
// (with its file) and, should the record be gone already, the file's folder.
func (s *Service) discard(rec *core.Record) {
	if r, err := s.app.FindRecordById(Collection, rec.Id); err == nil {
		if err := s.app.Delete(r); err != nil {
			s.app.Logger().Warn("reports: removing the report of a deleted tenant failed", "report", rec.Id, "error", err.Error())
		}
		return
	}
	fsys, err := s.app.NewFilesystem()
	if err != nil {
		return
	}
	defer fsys.Close()
	if errs := fsys.DeletePrefix(rec.BaseFilesPath() + "/"); len(errs) > 0 {
		s.app.Logger().Warn("reports: removing the file of a deleted tenant's report failed", "report", rec.Id, "error", errors.Join(errs...).Error())
	}
	s.app.Logger().Info("reports: the tenant was deleted during the run; nothing kept", "tenant", rec.GetString("tenant"))
}

// recipientsOf returns the tenant's report recipients.
func recipientsOf(t *core.Record) []string {
	var list []string
	_ = json.Unmarshal([]byte(t.GetString("report_recipients")), &list)
	out := list[:0]
	for _, a := range list {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// csvName is the attachment's name, e.g. usage-smith-2026-03-01-to-2026-03-31.csv.
func csvName(t *core.Record, req request) string {
	return fmt.Sprintf("usage-%s-%s-to-%s.csv", t.GetString("slug"), req.from, req.to)
}

// limitWriter fails once more than left bytes are written.
type limitWriter struct {
	w    *bytes.Buffer
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, errors.New("the CSV is too large to mail; choose a shorter period")
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}

// runBody is the optional body of the run routes.
type runBody struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (s *Service) handleRun(e *core.RequestEvent) error {
	user, err := api.TenantUser(e, api.TenantAdmin)
	if err != nil {
		return err
	}
	t, err := e.App.FindRecordById(tenancy.Tenants, user.GetString("tenant"))
	if err != nil {
		return e.NotFoundError("Your tenant no longer exists.", nil)
	}
	return s.respondRun(e, t, user.Id)
}

func (s *Service) handleRunForTenant(e *core.RequestEvent) error {
	t, err := tenancy.FindTenant(e.App, e.Request.PathValue("tenant"))
	if err != nil {
		return e.NotFoundError("No tenant with this slug or id.", nil)
	}
	if t.GetString("status") != tenancy.StatusActive {
		return e.BadRequestError("The tenant is suspended; reactivate it before making a report.", nil)
	}
	return s.respondRun(e, t, "")
}

// respondRun checks the requested period, makes the report and answers with it.
func (s *Service) respondRun(e *core.RequestEvent, t *core.Record, requestedBy string) error {
	var body runBody
	if e.Request.ContentLength != 0 {
		if err := e.BindBody(&body); err != nil {
			return e.BadRequestError("The body must be JSON with optional \"from\" and \"to\" dates (YYYY-MM-DD).", nil)
		}
	}
	loc, err := time.LoadLocation(t.GetString("timezone"))
	if err != nil {
		loc = time.UTC
	}
	from, to, err := schedule.CheckRange(body.From, body.To, schedule.DateOf(s.clock(), loc))
	if err != nil {
		var re *schedule.RangeError
		if errors.As(err, &re) {
			return e.BadRequestError("Choose another period: "+re.Message+".",
				validation.Errors{re.Field: validation.NewError("validation_invalid_period", re.Message)})
		}
		return e.BadRequestError(err.Error(), nil)
	}
	rec, err := s.Run(t, from.String(), to.String(), requestedBy)
	switch {
	case errors.Is(err, ErrBusy):
		return e.Error(409, "A report for this tenant is being made right now; try again in a minute.", nil)
	case errors.Is(err, errTenantGone):
		return e.NotFoundError("The tenant was deleted.", nil)
	case err != nil && rec != nil:
		e.App.Logger().Error("reports: a report failed", "tenant", t.Id, "report", rec.Id, "error", err.Error())
		return e.InternalServerError("The report could not be made ("+textcut.Clip(err.Error(), 300)+"); it is listed as failed. Try again later.", nil)
	case err != nil:
		return e.InternalServerError("The report could not be stored; try again later.", nil)
	}
	return e.JSON(200, rec)
}
