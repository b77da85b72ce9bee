package analytics

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"counterpart/hooks/documents"
	"counterpart/hooks/usage"
	"counterpart/internal/percentile"
	migrations "counterpart/pb_migrations"
)

// Summary is the analytics answer: the JSON contract the dashboard and the
// scheduled reports build on. Keep the names.
type Summary struct {
	// Tenant is nil in the all-tenants view.
	Tenant            *TenantInfo         `json:"tenant"`
	From              string              `json:"from"`
	To                string              `json:"to"`
	Totals            Totals              `json:"totals"`
	Days              []Day               `json:"days"`
	Models            []ModelUsage        `json:"models"`
	TopDocuments      []DocumentCitations `json:"topDocuments"`
	TopUsers          []UserQuestions     `json:"topUsers"`
	DocumentsByStatus map[string]int64    `json:"documentsByStatus"`
	Storage           Storage             `json:"storage"`
	MessageQuota      MessageQuota        `json:"messageQuota"`
	// Tenants is set only in the all-tenants view.
	Tenants []TenantUsage `json:"tenants,omitzero"`
}

// TenantInfo names the tenant a summary is about.
type TenantInfo struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
}

// Totals are the sums over the range. Questions = answers + failed + stopped
// (a retried answer counts again); failureRate = failed / (answers + failed);
// latency is of completed answers; feedbackRatio = up / (up + down), nil
// without feedback; activeUsers counts people with any recorded activity
// (a question, feedback, an upload, a sign-in or an export).
type Totals struct {
	Questions        int64    `json:"questions"`
	Answers          int64    `json:"answers"`
	Failed           int64    `json:"failed"`
	Stopped          int64    `json:"stopped"`
	FailureRate      float64  `json:"failureRate"`
	ActiveUsers      int64    `json:"activeUsers"`
	TokensIn         int64    `json:"tokensIn"`
	TokensOut        int64    `json:"tokensOut"`
	RetrievalOnly    int64    `json:"retrievalOnly"`
	LLM              int64    `json:"llm"`
	LatencyP50Ms     int64    `json:"latencyP50Ms"`
	LatencyP95Ms     int64    `json:"latencyP95Ms"`
	FeedbackUp       int64    `json:"feedbackUp"`
	FeedbackDown     int64    `json:"feedbackDown"`
	FeedbackRatio    *float64 `json:"feedbackRatio"`
	Uploads          int64    `json:"uploads"`
	Processed        int64    `json:"processed"`
	ProcessingFailed int64    `json:"processingFailed"`
	SignIns          int64    `json:"signIns"`
	Exports          int64    `json:"exports"`
}

// Day is one day of the range; every day is listed, zeros included.
type Day struct {
	Day          string `json:"day"`
	Questions    int64  `json:"questions"`
	Answers      int64  `json:"answers"`
	Failed       int64  `json:"failed"`
	Stopped      int64  `json:"stopped"`
	ActiveUsers  int64  `json:"activeUsers"`
	TokensIn     int64  `json:"tokensIn"`
	TokensOut    int64  `json:"tokensOut"`
	LatencyP50Ms int64  `json:"latencyP50Ms"`
	LatencyP95Ms int64  `json:"latencyP95Ms"`
}

// ModelUsage is the use of one model over the range.
type ModelUsage struct {
	Model     string `json:"model"`
	Answers   int64  `json:"answers"`
	TokensIn  int64  `json:"tokensIn"`
	TokensOut int64  `json:"tokensOut"`
}

// DocumentCitations is how often answers cited a document.
type DocumentCitations struct {
	Document  string `json:"document"`
	Title     string `json:"title"`
	Citations int64  `json:"citations"`
	// Deleted is true when the document no longer exists (its title is then empty).
	Deleted bool `json:"deleted,omitzero"`
}

// UserQuestions is how many questions a person asked.
type UserQuestions struct {
	User      string `json:"user"`
	Name      string `json:"name"`
	Questions int64  `json:"questions"`
}

// Storage is the document storage used against the quota (0 = none).
type Storage struct {
	UsedBytes  int64 `json:"usedBytes"`
	QuotaBytes int64 `json:"quotaBytes"`
}

// MessageQuota is this calendar month's questions (in the tenant's zone) against the quota (0 = none).
type MessageQuota struct {
	Used     int64  `json:"used"`
	Quota    int64  `json:"quota"`
	ResetsOn string `json:"resetsOn"`
}

// TenantUsage is one tenant's line in the all-tenants view.
type TenantUsage struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Questions        int64   `json:"questions"`
	Answers          int64   `json:"answers"`
	Failed           int64   `json:"failed"`
	ActiveUsers      int64   `json:"activeUsers"`
	FailureRate      float64 `json:"failureRate"`
	TokensIn         int64   `json:"tokensIn"`
	TokensOut        int64   `json:"tokensOut"`
	StorageUsedBytes int64   `json:"storageUsedBytes"`
}

// Summarize returns the summary of one tenant for from..to (YYYY-MM-DD,
// inclusive, in the tenant's time zone; empty means the last 30 days). A bad
// range is a *RangeError.
func Summarize(app core.App, tenantID string, from, to string) (*Summary, error) {
	tenant, err := app.FindRecordById("tenants", tenantID)
	if err != nil {
		return nil, fmt.Errorf("tenant %s: %w", tenantID, err)
	}
	loc := usage.Location(tenant.GetString("timezone"))
	r, err := parseRange(from, to, time.Now(), loc)
	if err != nil {
		return nil, err
	}
	s, err := summarize(app, scope{tenant: tenantID, r: r}, nil)
	if err != nil {
		return nil, err
	}
	s.Tenant = &TenantInfo{ID: tenant.Id, Name: tenant.GetString("name"), Timezone: loc.String()}
	used, err := documents.StorageUsed(app, tenantID)
	if err != nil {
		return nil, err
	}
	s.Storage = Storage{UsedBytes: used, QuotaBytes: int64(tenant.GetInt("storage_quota_mb")) << 20}
	s.MessageQuota, err = messageQuota(app, tenant, loc, time.Now())
	if err != nil {
		return nil, err
	}
	return s, nil
}

// SummarizeAll returns the totals of every tenant for from..to (each tenant's
// rows are keyed by its own local day; the default range ends today in UTC)
// with one line per tenant.
func SummarizeAll(app core.App, from, to string) (*Summary, error) {
	r, err := parseRange(from, to, time.Now(), time.UTC)
	if err != nil {
		return nil, err
	}
	perTenant := map[string]*tenantSums{}
	s, err := summarize(app, scope{r: r}, perTenant)
	if err != nil {
		return nil, err
	}
	if s.Tenants, err = tenantLines(app, perTenant); err != nil {
		return nil, err
	}
	var quota MessageQuota
	for _, t := range s.Tenants {
		s.Storage.UsedBytes += t.StorageUsedBytes
		tenant, err := app.FindRecordById("tenants", t.ID)
		if err != nil {
			continue
		}
		q, err := messageQuota(app, tenant, usage.Location(tenant.GetString("timezone")), time.Now())
		if err != nil {
			return nil, err
		}
		quota.Used += q.Used
	}
	// quotas are per tenant: the all-tenants view shows none
	_, next := monthOf(time.Now(), time.UTC)
	quota.ResetsOn = next.Format(time.DateOnly)
	s.MessageQuota = quota
	return s, nil
}

// scope is what a summary covers: one tenant ("" = all) and a range of days.
type scope struct {
	tenant string
	r      dateRange
}

// where filters a rollup table to the scope; its day index (tenant, day) or (day) serves it.
func (sc scope) where() (dbx.Expression, dbx.Expression) {
	days := dbx.NewExp("[[day]] BETWEEN {:from} AND {:to}", dbx.Params{"from": sc.r.From(), "to": sc.r.To()})
	if sc.tenant == "" {
		return days, dbx.NewExp("1=1")
	}
	return days, dbx.HashExp{"tenant": sc.tenant}
}

func (sc scope) query(app core.App, table string, cols ...string) *dbx.SelectQuery {
	days, tenant := sc.where()
	return app.DB().Select(cols...).From(table).Where(tenant).AndWhere(days)
}

// tenantSums are one tenant's sums in the all-tenants view.
type tenantSums struct {
	line  TenantUsage
	users map[string]struct{}
}

// tenantDailyColumns are what the summary reads of usage_tenant_daily, in the
// order summarize scans them: all in the covering index
// idx_usage_tenant_daily_summary (or _day for all tenants).
var tenantDailyColumns = []string{"tenant", "day", "model", "questions", "answers", "failed", "stopped", "tokens_in", "tokens_out",
	"retrieval_only", "llm", "feedback_up", "feedback_down", "uploads", "processed", "processing_failed", "sign_ins", "exports"}

// summarize computes a scope's summary from the second rollup level
// (usage_tenant_daily, usage_tenant_days, usage_tenant_monthly_users: about
// days × models + days + months × people rows), reading usage_daily only
// where people have to be told apart by day: the partial months at either end
// of a tenant's range, and the whole range in the all-tenants view (a day's
// active people there are distinct ids across tenants). Each table is read
// once, in index order, and folded in Go. With perTenant (the all-tenants
// view) it also folds each tenant's sums.
func summarize(app core.App, sc scope, perTenant map[string]*tenantSums) (*Summary, error) {
	s := &Summary{From: sc.r.From(), To: sc.r.To(), Days: []Day{}, Models: []ModelUsage{}, TopDocuments: []DocumentCitations{},
		TopUsers: []UserQuestions{}, DocumentsByStatus: map[string]int64{}}
	dayIndex := map[string]int{}
	for i, day := range sc.r.days() {
		dayIndex[day] = i
		s.Days = append(s.Days, Day{Day: day})
	}
	sumsOf := func(tenant string) *tenantSums {
		ts := perTenant[tenant]
		if ts == nil {
			ts = &tenantSums{users: map[string]struct{}{}}
			perTenant[tenant] = ts
		}
		return ts
	}
	models := map[string]*ModelUsage{}
	t := &s.Totals

	rows, err := sc.query(app, usage.TenantDaily, tenantDailyColumns...).Rows()
	if err != nil {
		return nil, fmt.Errorf("daily usage: %w", err)
	}
	defer rows.Close()
	var tenant, day, model string
	var c [15]int64
	for rows.Next() {
		if err := rows.Scan(&tenant, &day, &model, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9],
			&c[10], &c[11], &c[12], &c[13], &c[14]); err != nil {
			return nil, fmt.Errorf("daily usage: %w", err)
		}
		i, ok := dayIndex[day]
		if !ok {
			continue
		}
		questions, answers, failed, stopped, tokensIn, tokensOut := c[0], c[1], c[2], c[3], c[4], c[5]
		d := &s.Days[i]
		d.Questions += questions
		d.Answers += answers
		d.Failed += failed
		d.Stopped += stopped
		d.TokensIn += tokensIn
		d.TokensOut += tokensOut
		t.Questions += questions
		t.Answers += answers
		t.Failed += failed
		t.Stopped += stopped
		t.TokensIn += tokensIn
		t.TokensOut += tokensOut
		t.RetrievalOnly += c[6]
		t.LLM += c[7]
		t.FeedbackUp += c[8]
		t.FeedbackDown += c[9]
		t.Uploads += c[10]
		t.Processed += c[11]
		t.ProcessingFailed += c[12]
		t.SignIns += c[13]
		t.Exports += c[14]
		if perTenant != nil {
			ts := sumsOf(tenant)
			ts.line.Questions += questions
			ts.line.Answers += answers
			ts.line.Failed += failed
			ts.line.TokensIn += tokensIn
			ts.line.TokensOut += tokensOut
		}
		// answers and tokens are never negative: a model's sums are above zero exactly when one of its rows is
		if model != "" && answers+tokensIn+tokensOut > 0 {
			m := models[model]
			if m == nil {
				m = &ModelUsage{Model: model}
				models[model] = m
			}
			m.Answers += answers
			m.TokensIn += tokensIn
			m.TokensOut += tokensOut
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("daily usage: %w", err)
	}
	rows.Close()
	t.FailureRate = failureRate(t.Answers, t.Failed)
	if n := t.FeedbackUp + t.FeedbackDown; n > 0 {
		ratio := float64(t.FeedbackUp) / float64(n)
		t.FeedbackRatio = &ratio
	}
	for _, m := range models {
		s.Models = append(s.Models, *m)
	}
	slices.SortFunc(s.Models, func(a, b ModelUsage) int {
		return cmp.Or(cmp.Compare(b.Answers, a.Answers), cmp.Compare(a.Model, b.Model))
	})

	if err := activeDaysAndLatency(app, sc, s, dayIndex); err != nil {
		return nil, err
	}
	users := map[string]struct{}{}
	questionsBy := map[string]int64{}
	note := func(tenant, user string, questions int64) {
		users[user] = struct{}{}
		questionsBy[user] += questions
		if perTenant != nil {
			sumsOf(tenant).users[user] = struct{}{}
		}
	}
	if err := people(app, sc, s, dayIndex, note); err != nil {
		return nil, err
	}
	t.ActiveUsers = int64(len(users))

	if err := topDocuments(app, sc, s); err != nil {
		return nil, err
	}
	if err := topUsers(app, sc, s, questionsBy); err != nil {
		return nil, err
	}
	if err := documentsByStatus(app, sc.tenant, s); err != nil {
		return nil, err
	}
	return s, nil
}

// activeDaysAndLatency fills p50/p95 of each day and of the range from the
// days' latency histograms, and, for one tenant, each day's active people.
func activeDaysAndLatency(app core.App, sc scope, s *Summary, dayIndex map[string]int) error {
	rows, err := sc.query(app, usage.TenantDays, "[[day]]", "[[active_users]]", "[[latency]]").Rows()
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	defer rows.Close()
	var total percentile.Histogram
	perDay := make([]percentile.Histogram, len(s.Days))
	var day, hist string
	var active int64
	for rows.Next() {
		if err := rows.Scan(&day, &active, &hist); err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		i, ok := dayIndex[day]
		if !ok {
			continue
		}
		usage.ParseLatency(hist, &perDay[i])
		if sc.tenant != "" {
			s.Days[i].ActiveUsers = active
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	for i := range s.Days {
		total.Merge(&perDay[i])
		s.Days[i].LatencyP50Ms, s.Days[i].LatencyP95Ms = perDay[i].Quantile(0.5), perDay[i].Quantile(0.95)
	}
	s.Totals.LatencyP50Ms, s.Totals.LatencyP95Ms = total.Quantile(0.5), total.Quantile(0.95)
	return nil
}

// people calls note for every person active in the range (with the questions
// they asked in each part of it): whole months of one tenant come from
// usage_tenant_monthly_users, the rest from usage_daily. In the all-tenants
// view it also counts each day's distinct active people, which usage_daily
// alone can tell (the same id could be counted by two tenants' days).
func people(app core.App, sc scope, s *Summary, dayIndex map[string]int, note func(tenant, user string, questions int64)) error {
	parts := []dateRange{sc.r}
	if sc.tenant != "" {
		var first, last string
		first, last, parts = sc.r.wholeMonths()
		if first != "" {
			rows, err := app.DB().Select("[[tenant]]", "[[user]]", "[[questions]]").From(usage.TenantMonthlyUsers).
				Where(dbx.HashExp{"tenant": sc.tenant}).
				AndWhere(dbx.NewExp("[[month]] BETWEEN {:first} AND {:last}", dbx.Params{"first": first, "last": last})).Rows()
			if err != nil {
				return fmt.Errorf("active people by month: %w", err)
			}
			defer rows.Close()
			var tenant, user string
			var questions int64
			for rows.Next() {
				if err := rows.Scan(&tenant, &user, &questions); err != nil {
					return fmt.Errorf("active people by month: %w", err)
				}
				note(tenant, user, questions)
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("active people by month: %w", err)
			}
			rows.Close()
		}
	}
	var dayUsers []map[string]struct{}
	if sc.tenant == "" {
		dayUsers = make([]map[string]struct{}, len(s.Days))
	}
	for _, part := range parts {
		rows, err := scope{tenant: sc.tenant, r: part}.query(app, usage.Daily, "[[tenant]]", "[[day]]", "[[user]]", "[[questions]]").Rows()
		if err != nil {
			return fmt.Errorf("active people: %w", err)
		}
		var tenant, day, user string
		var questions int64
		for rows.Next() {
			if err := rows.Scan(&tenant, &day, &user, &questions); err != nil {
				rows.Close()
				return fmt.Errorf("active people: %w", err)
			}
			if user == "" {
				continue
			}
			note(tenant, user, questions)
			if dayUsers != nil {
				if i, ok := dayIndex[day]; ok {
					if dayUsers[i] == nil {
						dayUsers[i] = map[string]struct{}{}
					}
					dayUsers[i][user] = struct{}{}
				}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("active people: %w", err)
		}
	}
	if dayUsers != nil {
		for i := range s.Days {
			s.Days[i].ActiveUsers = int64(len(dayUsers[i]))
		}
	}
	return nil
}
func failureRate(answers, failed int64) float64 {
	if answers+failed == 0 {
		return 0
	}
	return float64(failed) / float64(answers+failed)
}

// topCount is how many documents and users the top lists hold.
const topCount = 10

func topDocuments(app core.App, sc scope, s *Summary) error {
	var rows []struct {
		Document  string `db:"document"`
		Citations int64  `db:"citations"`
	}
	if err := sc.query(app, usage.Citations, "[[document]]", "SUM([[citations]]) AS [[citations]]").GroupBy("document").
		OrderBy("citations DESC", "document").Limit(topCount).All(&rows); err != nil {
		return fmt.Errorf("top documents: %w", err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.Document
	}
	titles := map[string]string{}
	if len(ids) > 0 {
		docs, err := app.FindRecordsByIds(documents.Collection, ids)
		if err != nil {
			return fmt.Errorf("titles of the top documents: %w", err)
		}
		for _, d := range docs {
			if sc.tenant != "" && d.GetString("tenant") != sc.tenant {
				continue
			}
			title := d.GetString("title")
			if title == "" {
				title = d.GetString("filename")
			}
			titles[d.Id] = title
		}
	}
	for _, r := range rows {
		title, ok := titles[r.Document]
		s.TopDocuments = append(s.TopDocuments, DocumentCitations{Document: r.Document, Title: title, Citations: r.Citations, Deleted: !ok})
	}
	return nil
}

func topUsers(app core.App, sc scope, s *Summary, questionsBy map[string]int64) error {
	var top []UserQuestions
	for user, n := range questionsBy {
		if n > 0 {
			top = append(top, UserQuestions{User: user, Questions: n})
		}
	}
	slices.SortFunc(top, func(a, b UserQuestions) int {
		return cmp.Or(cmp.Compare(b.Questions, a.Questions), cmp.Compare(a.User, b.User))
	})
	top = top[:min(len(top), topCount)]
	ids := make([]string, len(top))
	for i, u := range top {
		ids[i] = u.User
	}
	names := map[string]string{}
	if len(ids) > 0 {
		people, err := app.FindRecordsByIds("users", ids)
		if err != nil {
			return fmt.Errorf("names of the top users: %w", err)
		}
		for _, u := range people {
			if sc.tenant != "" && u.GetString("tenant") != sc.tenant {
				continue
			}
			names[u.Id] = displayName(u)
		}
	}
	for _, u := range top {
		name, ok := names[u.User]
		if !ok {
			name = "(removed user)"
		}
		u.Name = name
		s.TopUsers = append(s.TopUsers, u)
	}
	return nil
}

// displayName is a user's name, else their email address.
func displayName(u *core.Record) string {
	if n := u.GetString("name"); n != "" {
		return n
	}
	return u.Email()
}

func documentsByStatus(app core.App, tenant string, s *Summary) error {
	for _, st := range migrations.DocumentStatuses {
		s.DocumentsByStatus[st] = 0
	}
	var rows []struct {
		Status string `db:"status"`
		N      int64  `db:"n"`
	}
	q := app.DB().Select("status", "COUNT(*) AS n").From(documents.Collection).GroupBy("status")
	if tenant != "" {
		q.Where(dbx.HashExp{"tenant": tenant})
	}
	if err := q.All(&rows); err != nil {
		return fmt.Errorf("documents by status: %w", err)
	}
	for _, r := range rows {
		s.DocumentsByStatus[r.Status] = r.N
	}
	return nil
}

// messageQuota counts a tenant's questions this calendar month in its zone,
// as the chat's quota check does (messages, by the quota index).
func messageQuota(app core.App, tenant *core.Record, loc *time.Location, now time.Time) (MessageQuota, error) {
	start, next := monthOf(now, loc)
	since, _ := types.ParseDateTime(start.UTC())
	n, err := app.CountRecords("messages", dbx.HashExp{"tenant": tenant.Id, "role": "user"},
		dbx.NewExp("[[created]] >= {:since}", dbx.Params{"since": since.String()}))
	if err != nil {
		return MessageQuota{}, fmt.Errorf("questions this month of %s: %w", tenant.Id, err)
	}
	return MessageQuota{Used: n, Quota: int64(tenant.GetInt("monthly_message_quota")), ResetsOn: next.Format(time.DateOnly)}, nil
}

// monthOf returns the first instant of now's month in loc and of the next month.
func monthOf(now time.Time, loc *time.Location) (start, next time.Time) {
	t := now.In(loc)
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 1, 0)
}

// tenantLines are the per-tenant lines of the all-tenants view: every
// tenant, zeros included, from the sums summarize folded.
func tenantLines(app core.App, sums map[string]*tenantSums) ([]TenantUsage, error) {
	var tenants []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := app.DB().Select("id", "name").From("tenants").OrderBy("name").All(&tenants); err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	var storage []struct {
		Tenant string `db:"tenant"`
		Used   int64  `db:"used"`
	}
	if err := app.DB().Select("tenant", "COALESCE(SUM(size), 0) AS used").From(documents.Collection).
		Where(dbx.NewExp("status != 'failed'")).GroupBy("tenant").All(&storage); err != nil {
		return nil, fmt.Errorf("storage per tenant: %w", err)
	}
	used := map[string]int64{}
	for _, st := range storage {
		used[st.Tenant] = st.Used
	}
	lines := make([]TenantUsage, len(tenants))
	for i, t := range tenants {
		if ts := sums[t.ID]; ts != nil {
			lines[i] = ts.line
			lines[i].ActiveUsers = int64(len(ts.users))
			lines[i].FailureRate = failureRate(ts.line.Answers, ts.line.Failed)
		}
		lines[i].ID, lines[i].Name, lines[i].StorageUsedBytes = t.ID, t.Name, used[t.ID]
	}
	return lines, nil
}
