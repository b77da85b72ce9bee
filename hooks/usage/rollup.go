package usage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"counterpart/internal/percentile"
)

// BatchSize is how many events one rollup transaction takes: large enough to
// amortise the upserts, small enough to keep the write lock short.
const BatchSize = 5000

// retentionBatch is how many old events one delete statement removes.
const retentionBatch = 10_000

// rollupMu keeps one rollup at a time per process: the cron job and a test or
// command calling Rollup would otherwise only wait on SQLite's write lock.
var rollupMu sync.Mutex

// Counters are the sums usage_daily keeps per tenant × day × user × model.
type Counters struct {
	Questions        int64
	Answers          int64
	Failed           int64
	Stopped          int64
	RetrievalOnly    int64
	LLM              int64
	TokensIn         int64
	TokensOut        int64
	LatencyMs        int64
	FeedbackUp       int64
	FeedbackDown     int64
	Uploads          int64
	UploadBytes      int64
	Processed        int64
	ProcessedBytes   int64
	Pages            int64
	ProcessingFailed int64
	SignIns          int64
	Exports          int64
}

// columns lists usage_daily's counter columns in the order of values.
var columns = []string{"questions", "answers", "failed", "stopped", "retrieval_only", "llm", "tokens_in", "tokens_out",
	"latency_ms", "feedback_up", "feedback_down", "uploads", "upload_bytes", "processed", "processed_bytes", "pages",
	"processing_failed", "sign_ins", "exports"}

func (c *Counters) values() []int64 {
	return []int64{c.Questions, c.Answers, c.Failed, c.Stopped, c.RetrievalOnly, c.LLM, c.TokensIn, c.TokensOut,
		c.LatencyMs, c.FeedbackUp, c.FeedbackDown, c.Uploads, c.UploadBytes, c.Processed, c.ProcessedBytes, c.Pages,
		c.ProcessingFailed, c.SignIns, c.Exports}
}

// dailyKey identifies a usage_daily row.
type dailyKey struct{ Tenant, Day, User, Model string }

// dayKey identifies a per-tenant, per-day row (latency buckets, citations).
type dayKey struct{ Tenant, Day string }

// Batch is a set of aggregated rows ready to be added to the rollup tables.
type Batch struct {
	daily     map[dailyKey]*Counters
	latency   map[dayKey]*percentile.Histogram
	citations map[dayKey]map[string]int64
}

// NewBatch returns an empty batch.
func NewBatch() *Batch {
	return &Batch{daily: map[dailyKey]*Counters{}, latency: map[dayKey]*percentile.Histogram{}, citations: map[dayKey]map[string]int64{}}
}

// eventRow is what the rollup reads of an event.
type eventRow struct {
	ID            string         `db:"id"`
	Tenant        string         `db:"tenant"`
	Kind          string         `db:"kind"`
	User          string         `db:"user"`
	Model         string         `db:"model"`
	TokensIn      int64          `db:"tokens_in"`
	TokensOut     int64          `db:"tokens_out"`
	LatencyMs     int64          `db:"latency_ms"`
	RetrievalOnly bool           `db:"retrieval_only"`
	Bytes         int64          `db:"bytes"`
	Pages         int64          `db:"pages"`
	Documents     string         `db:"documents"`
	Feedback      string         `db:"feedback"`
	Previous      string         `db:"previous"`
	Created       types.DateTime `db:"created"`
}

// add counts one event on its tenant's local day.
func (b *Batch) add(ev eventRow, day string) {
	key := dailyKey{ev.Tenant, day, ev.User, ev.Model}
	c := b.daily[key]
	if c == nil {
		c = &Counters{}
		b.daily[key] = c
	}
	dk := dayKey{ev.Tenant, day}
	switch ev.Kind {
	case KindAnswerCompleted, KindAnswerFailed, KindAnswerStopped:
		c.Questions++
		c.TokensIn += ev.TokensIn
		c.TokensOut += ev.TokensOut
		switch ev.Kind {
		case KindAnswerCompleted:
			c.Answers++
			c.LatencyMs += ev.LatencyMs
			if ev.RetrievalOnly {
				c.RetrievalOnly++
			} else {
				c.LLM++
			}
			h := b.latency[dk]
			if h == nil {
				h = &percentile.Histogram{}
				b.latency[dk] = h
			}
			h.Add(ev.LatencyMs)
		case KindAnswerFailed:
			c.Failed++
		default:
			c.Stopped++
		}
		var docs []string
		if ev.Documents != "" && json.Unmarshal([]byte(ev.Documents), &docs) == nil && len(docs) > 0 {
			m := b.citations[dk]
			if m == nil {
				m = map[string]int64{}
				b.citations[dk] = m
			}
			for _, d := range docs {
				m[d]++
			}
		}
	case KindFeedback:
		// a changed rating moves the count from the old rating to the new one
		c.FeedbackUp += rating(ev.Feedback, "up") - rating(ev.Previous, "up")
		c.FeedbackDown += rating(ev.Feedback, "down") - rating(ev.Previous, "down")
	case KindDocumentUploaded:
		c.Uploads++
		c.UploadBytes += ev.Bytes
	case KindDocumentProcessed:
		c.Processed++
		c.ProcessedBytes += ev.Bytes
		c.Pages += ev.Pages
	case KindDocumentFailed:
		c.ProcessingFailed++
	case KindSignIn:
		c.SignIns++
	case KindExport:
		c.Exports++
	}
}

func rating(v, want string) int64 {
	if v == want {
		return 1
	}
	return 0
}

// Rollup adds every event not rolled up yet to the daily tables, in batches,
// each in one transaction with the flag that marks its events done; then it
// deletes rolled-up events older than the retention. Safe to run at any time
// and any number of times.
func Rollup(app core.App) error {
	rollupMu.Lock()
	defer rollupMu.Unlock()
	for {
		n, err := rollupBatch(app, BatchSize)
		if err != nil {
			return err
		}
		if n < BatchSize {
			break
		}
	}
	opts, _ := app.Store().Get(storeKey).(Options)
	if opts.RetentionDays > 0 {
		if _, err := DeleteOlderThan(app, time.Now().AddDate(0, 0, -opts.RetentionDays)); err != nil {
			return err
		}
	}
	return nil
}

// rollupBatch rolls up at most limit events and reports how many it took.
func rollupBatch(app core.App, limit int) (int, error) {
	var n int
	err := app.RunInTransaction(func(tx core.App) error {
		var rows []eventRow
		err := tx.DB().NewQuery("SELECT [[id]], [[tenant]], [[kind]], [[user]], [[model]], [[tokens_in]], [[tokens_out]], [[latency_ms]], " +
			"[[retrieval_only]], [[bytes]], [[pages]], [[documents]], [[feedback]], [[previous]], [[created]] FROM {{usage_events}} " +
			"WHERE [[rolled]] = FALSE ORDER BY [[created]] LIMIT {:limit}").Bind(dbx.Params{"limit": limit}).All(&rows)
		if err != nil {
			return fmt.Errorf("reading usage events: %w", err)
		}
		n = len(rows)
		if n == 0 {
			return nil
		}
		zones := map[string]*time.Location{}
		batch := NewBatch()
		for _, ev := range rows {
			loc, ok := zones[ev.Tenant]
			if !ok {
				if loc, err = TenantLocation(tx, ev.Tenant); err != nil {
					loc = time.UTC // the tenant is being deleted: its rows go with it
				}
				zones[ev.Tenant] = loc
			}
			batch.add(ev, Day(ev.Created.Time(), loc))
		}
		if err := Apply(tx, batch); err != nil {
			return err
		}
		ids := make([]any, 0, 500)
		for i := 0; i < len(rows); i += 500 {
			ids = ids[:0]
			for _, r := range rows[i:min(i+500, len(rows))] {
				ids = append(ids, r.ID)
			}
			if _, err := tx.DB().Update(Events, dbx.Params{"rolled": true}, dbx.In("id", ids...)).Execute(); err != nil {
				return fmt.Errorf("marking usage events rolled up: %w", err)
			}
		}
		return nil
	})
	return n, err
}

// Apply adds a batch to usage_daily, usage_latency and usage_citations with
// SQL upserts, then brings the second level (usage_tenant_*) up to date. Call it inside the transaction that also marks the batch's
// events rolled up. Benchmarks use it to build rolled-up data directly.
func Apply(tx core.App, b *Batch) error {
	set := make([]string, len(columns))
	for i, c := range columns {
		set[i] = fmt.Sprintf("[[%s]] = [[%s]] + excluded.[[%s]]", c, c, c)
	}
	daily := tx.DB().NewQuery("INSERT INTO {{usage_daily}} ([[tenant]], [[day]], [[user]], [[model]], [[" + strings.Join(columns, "]], [[") + "]]) " +
		"VALUES ({:tenant}, {:day}, {:user}, {:model}, {:" + strings.Join(columns, "}, {:") + "}) " +
		"ON CONFLICT ([[tenant]], [[day]], [[user]], [[model]]) DO UPDATE SET " + strings.Join(set, ", ")).Prepare()
	defer daily.Close()
	params := dbx.Params{}
	for k, c := range b.daily {
		params["tenant"], params["day"], params["user"], params["model"] = k.Tenant, k.Day, k.User, k.Model
		for i, v := range c.values() {
			params[columns[i]] = v
		}
		if _, err := daily.Bind(params).Execute(); err != nil {
			return fmt.Errorf("adding to usage_daily: %w", err)
		}
	}

	latency := tx.DB().NewQuery("INSERT INTO {{usage_latency}} ([[tenant]], [[day]], [[bucket]], [[answers]]) VALUES ({:tenant}, {:day}, {:bucket}, {:n}) " +
		"ON CONFLICT ([[tenant]], [[day]], [[bucket]]) DO UPDATE SET [[answers]] = [[answers]] + excluded.[[answers]]").Prepare()
	defer latency.Close()
	for k, h := range b.latency {
		for bucket, n := range h {
			if n == 0 {
				continue
			}
			if _, err := latency.Bind(dbx.Params{"tenant": k.Tenant, "day": k.Day, "bucket": bucket, "n": n}).Execute(); err != nil {
				return fmt.Errorf("adding to usage_latency: %w", err)
			}
		}
	}

	if err := applyTenantLevel(tx, b); err != nil {
		return err
	}

	citations := tx.DB().NewQuery("INSERT INTO {{usage_citations}} ([[tenant]], [[day]], [[document]], [[citations]]) VALUES ({:tenant}, {:day}, {:doc}, {:n}) " +
		"ON CONFLICT ([[tenant]], [[day]], [[document]]) DO UPDATE SET [[citations]] = [[citations]] + excluded.[[citations]]").Prepare()
	defer citations.Close()
	for k, docs := range b.citations {
		for doc, n := range docs {
			if _, err := citations.Bind(dbx.Params{"tenant": k.Tenant, "day": k.Day, "doc": doc, "n": n}).Execute(); err != nil {
				return fmt.Errorf("adding to usage_citations: %w", err)
			}
		}
	}
	return nil
}

// AddAnswer counts one answer in a batch: what the rollup does for an
// answer event. Benchmarks use it to build rolled-up data without raw events.
func (b *Batch) AddAnswer(tenant, day, user, model, kind string, tokensIn, tokensOut, latencyMs int64, retrievalOnly bool, cited []string) {
	docs, _ := json.Marshal(cited)
	b.add(eventRow{Tenant: tenant, Kind: kind, User: user, Model: model, TokensIn: tokensIn, TokensOut: tokensOut,
		LatencyMs: latencyMs, RetrievalOnly: retrievalOnly, Documents: string(docs)}, day)
}

// DeleteOlderThan deletes rolled-up raw events created before cutoff, in
// batches so that no single statement holds the write lock for long, and
// reports how many. Events not rolled up yet are kept whatever their age.
func DeleteOlderThan(app core.App, cutoff time.Time) (int64, error) {
	limit, _ := types.ParseDateTime(cutoff.UTC())
	var total int64
	for {
		res, err := app.NonconcurrentDB().NewQuery("DELETE FROM {{usage_events}} WHERE [[rowid]] IN (SELECT [[rowid]] FROM {{usage_events}} " +
			"WHERE [[rolled]] = TRUE AND [[created]] < {:cutoff} LIMIT {:n})").Bind(dbx.Params{"cutoff": limit.String(), "n": retentionBatch}).Execute()
		if err != nil {
			return total, fmt.Errorf("deleting usage events before %s: %w", cutoff.Format(time.DateOnly), err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n < retentionBatch {
			return total, nil
		}
	}
}

// TenantColumns are the counters usage_tenant_daily keeps per tenant × day ×
// model: the ones the analytics summary reads.
var TenantColumns = []string{"questions", "answers", "failed", "stopped", "retrieval_only", "llm", "tokens_in", "tokens_out",
	"feedback_up", "feedback_down", "uploads", "processed", "processing_failed", "sign_ins", "exports"}

// tenantValues are c's TenantColumns, in order.
func (c *Counters) tenantValues() []int64 {
	return []int64{c.Questions, c.Answers, c.Failed, c.Stopped, c.RetrievalOnly, c.LLM, c.TokensIn, c.TokensOut,
		c.FeedbackUp, c.FeedbackDown, c.Uploads, c.Processed, c.ProcessingFailed, c.SignIns, c.Exports}
}

// modelKey identifies a usage_tenant_daily row.
type modelKey struct{ Tenant, Day, Model string }

// monthKey identifies a usage_tenant_monthly_users row.
type monthKey struct{ Tenant, Month, User string }

// applyTenantLevel adds a batch to the second rollup level: the counters
// summed over people into usage_tenant_daily, each person's questions into
// their month of usage_tenant_monthly_users (a row means they were active),
// and, recomputed for every day the batch touched, the day's active people
// (from usage_daily) and latency histogram (from usage_latency) in
// usage_tenant_days. Adding and recomputing after usage_daily and
// usage_latency were updated in the same transaction keeps a rerun or a
// crash from counting twice, as for the first level.
func applyTenantLevel(tx core.App, b *Batch) error {
	perModel := map[modelKey][]int64{}
	perMonth := map[monthKey]int64{}
	touched := map[dayKey]struct{}{}
	for k, c := range b.daily {
		mk := modelKey{k.Tenant, k.Day, k.Model}
		sums := perModel[mk]
		if sums == nil {
			sums = make([]int64, len(TenantColumns))
			perModel[mk] = sums
		}
		for i, v := range c.tenantValues() {
			sums[i] += v
		}
		if k.User != "" {
			perMonth[monthKey{k.Tenant, k.Day[:min(7, len(k.Day))], k.User}] += c.Questions
		}
		touched[dayKey{k.Tenant, k.Day}] = struct{}{}
	}
	for k := range b.latency {
		touched[k] = struct{}{}
	}

	set := make([]string, len(TenantColumns))
	for i, c := range TenantColumns {
		set[i] = fmt.Sprintf("[[%s]] = [[%s]] + excluded.[[%s]]", c, c, c)
	}
	daily := tx.DB().NewQuery("INSERT INTO {{usage_tenant_daily}} ([[tenant]], [[day]], [[model]], [[" + strings.Join(TenantColumns, "]], [[") + "]]) " +
		"VALUES ({:tenant}, {:day}, {:model}, {:" + strings.Join(TenantColumns, "}, {:") + "}) " +
		"ON CONFLICT ([[tenant]], [[day]], [[model]]) DO UPDATE SET " + strings.Join(set, ", ")).Prepare()
	defer daily.Close()
	params := dbx.Params{}
	for k, sums := range perModel {
		params["tenant"], params["day"], params["model"] = k.Tenant, k.Day, k.Model
		for i, v := range sums {
			params[TenantColumns[i]] = v
		}
		if _, err := daily.Bind(params).Execute(); err != nil {
			return fmt.Errorf("adding to usage_tenant_daily: %w", err)
		}
	}

	monthly := tx.DB().NewQuery("INSERT INTO {{usage_tenant_monthly_users}} ([[tenant]], [[month]], [[user]], [[questions]]) " +
		"VALUES ({:tenant}, {:month}, {:user}, {:n}) " +
		"ON CONFLICT ([[tenant]], [[month]], [[user]]) DO UPDATE SET [[questions]] = [[questions]] + excluded.[[questions]]").Prepare()
	defer monthly.Close()
	for k, n := range perMonth {
		if _, err := monthly.Bind(dbx.Params{"tenant": k.Tenant, "month": k.Month, "user": k.User, "n": n}).Execute(); err != nil {
			return fmt.Errorf("adding to usage_tenant_monthly_users: %w", err)
		}
	}

	days := tx.DB().NewQuery("INSERT INTO {{usage_tenant_days}} ([[tenant]], [[day]], [[active_users]], [[latency]]) VALUES ({:tenant}, {:day}, " +
		"(SELECT COUNT(DISTINCT [[user]]) FROM {{usage_daily}} WHERE [[tenant]] = {:tenant} AND [[day]] = {:day} AND [[user]] != ''), " +
		"COALESCE((SELECT group_concat([[bucket]] || ':' || [[answers]], ' ') FROM {{usage_latency}} " +
		"WHERE [[tenant]] = {:tenant} AND [[day]] = {:day} AND [[answers]] != 0), '')) " +
		"ON CONFLICT ([[tenant]], [[day]]) DO UPDATE SET [[active_users]] = excluded.[[active_users]], [[latency]] = excluded.[[latency]]").Prepare()
	defer days.Close()
	for k := range touched {
		if _, err := days.Bind(dbx.Params{"tenant": k.Tenant, "day": k.Day}).Execute(); err != nil {
			return fmt.Errorf("recomputing usage_tenant_days: %w", err)
		}
	}
	return nil
}

// ParseLatency adds a usage_tenant_days latency ("bucket:answers" pairs) to h.
func ParseLatency(s string, h *percentile.Histogram) {
	for len(s) > 0 {
		var pair string
		pair, s, _ = strings.Cut(s, " ")
		b, n, ok := strings.Cut(pair, ":")
		if !ok {
			continue
		}
		bucket, err1 := strconv.Atoi(b)
		count, err2 := strconv.ParseInt(n, 10, 64)
		if err1 == nil && err2 == nil {
			h.AddBucket(bucket, count)
		}
	}
}
