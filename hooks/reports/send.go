package reports

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"counterpart/hooks/appsettings"
	"counterpart/hooks/jobs"
	"counterpart/hooks/tenancy"
	"counterpart/internal/textcut"
)

// NotMailedNoMail is the send_error of a report that is kept but not mailed
// because this server has no mail set up (ui/src/lib/reports.ts says so in
// words); such a report is not retried.
const NotMailedNoMail = "not mailed: mail is not set up"

// send is the JobSend handler: it mails a ready report with its CSV attached
// through the app's mailer (the SMTP settings from counterpart.yaml) and
// records the outcome on the report. A failure is stored as send_error and
// returned, so the queue retries with backoff; without mail set up it records
// NotMailedNoMail and ends. It is idempotent: a report already sent is not
// sent again.
func (s *Service) send(_ context.Context, app core.App, job *jobs.Job) error {
	rec, err := app.FindRecordById(Collection, job.Subject)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // deleted, with its tenant
	}
	if err != nil {
		return err
	}
	if rec.GetString("tenant") != job.Tenant {
		return jobs.Permanent(fmt.Errorf("report %s does not belong to the job's tenant", rec.Id))
	}
	if !rec.GetDateTime("sent_at").IsZero() || rec.GetString("status") != StatusReady {
		return nil
	}
	var to []mail.Address
	var list []string
	_ = json.Unmarshal([]byte(rec.GetString("recipients")), &list)
	for _, a := range list {
		to = append(to, mail.Address{Address: a})
	}
	if len(to) == 0 {
		return nil
	}
	t, err := app.FindRecordById(tenancy.Tenants, job.Tenant)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if !appsettings.MailSetUp(app) {
		// mail was switched off after the report was queued: say so, and do not retry
		rec.Set("send_error", NotMailedNoMail)
		if err := app.Save(rec); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("record that report %s is not mailed: %w", rec.Id, err)
		}
		app.Logger().Info("reports: report kept, not mailed: mail is not set up", "tenant", job.Tenant, "report", rec.Id)
		return nil
	}
	csv, err := readCSV(app, rec)
	if err != nil {
		return fmt.Errorf("read the report's CSV: %w", err)
	}
	meta := app.Settings().Meta
	req := request{from: rec.GetString("period_from"), to: rec.GetString("period_to")}
	msg := &mailer.Message{
		From:        mail.Address{Name: meta.SenderName, Address: meta.SenderAddress},
		To:          to,
		Subject:     fmt.Sprintf("Usage report for %s, %s to %s", t.GetString("name"), req.from, req.to),
		HTML:        rec.GetString("summary_html"),
		Attachments: map[string]io.Reader{csvName(t, req): bytes.NewReader(csv)},
	}
	sendErr := app.NewMailClient().Send(msg)
	rec.Set("send_attempts", job.Attempt)
	if sendErr != nil {
		rec.Set("send_error", textcut.Clip(fmt.Sprintf("attempt %d of %d: %v", job.Attempt, job.MaxAttempts, sendErr), 1990))
		if err := app.Save(rec); err != nil && !errors.Is(err, sql.ErrNoRows) {
			app.Logger().Warn("reports: recording the send failure failed", "report", rec.Id, "error", err.Error())
		}
		return fmt.Errorf("mail report %s: %w", rec.Id, sendErr)
	}
	rec.Set("sent_at", s.clock())
	rec.Set("send_error", "")
	if err := app.Save(rec); err != nil {
		// the mail went out; a retry would send it twice, so only log
		app.Logger().Warn("reports: the report was mailed but recording it failed", "report", rec.Id, "error", err.Error())
	}
	app.Logger().Info("reports: report mailed", "tenant", job.Tenant, "report", rec.Id, "recipients", len(to), "attempt", job.Attempt)
	return nil
}

// giveUpSend records on the report that its mail was given up.
func (s *Service) giveUpSend(tx core.App, job *jobs.Job, cause error) error {
	rec, err := tx.FindRecordById(Collection, job.Subject)
	if err != nil {
		return nil
	}
	rec.Set("send_attempts", min(job.Attempt, job.MaxAttempts))
	rec.Set("send_error", textcut.Clip(fmt.Sprintf("gave up after %d attempts: %v", min(job.Attempt, job.MaxAttempts), cause), 1990))
	return tx.Save(rec)
}

// readCSV reads the report's stored CSV file.
func readCSV(app core.App, rec *core.Record) ([]byte, error) {
	name := rec.GetString("csv")
	if name == "" {
		return nil, errors.New("the report has no CSV")
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	r, err := fsys.GetReader(rec.BaseFilesPath() + "/" + name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
