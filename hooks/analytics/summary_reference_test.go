package analytics

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/usage"
	"counterpart/internal/percentile"
)

// dailyColumns are what the reference summary reads of usage_daily.
var dailyColumns = []string{"tenant", "day", "user", "model", "questions", "answers", "failed", "stopped", "tokens_in", "tokens_out",
	"retrieval_only", "llm", "feedback_up", "feedback_down", "uploads", "processed", "processing_failed", "sign_ins", "exports"}

// summarizeFromDaily is the summary as it was computed before the second
// rollup level (from usage_daily and usage_latency alone): the reference the
// tests hold the new one to. usage_daily is read once, in index order, and
// folded in Go into the days, totals, models, top users and active users.
// With perTenant (the all-tenants view) it also folds each tenant's sums.
func summarizeFromDaily(app core.App, sc scope, perTenant map[string]*tenantSums) (*Summary, error) {
	s := &Summary{From: sc.r.From(), To: sc.r.To(), Days: []Day{}, Models: []ModelUsage{}, TopDocuments: []DocumentCitations{},
		TopUsers: []UserQuestions{}, DocumentsByStatus: map[string]int64{}}
	dayIndex := map[string]int{}
	for i, day := range sc.r.days() {
		dayIndex[day] = i
		s.Days = append(s.Days, Day{Day: day})
	}
	dayUsers := make([]map[string]struct{}, len(s.Days))
	users := map[string]struct{}{}
	questionsBy := map[string]int64{}
	models := map[string]*ModelUsage{}
	t := &s.Totals

	rows, err := sc.query(app, usage.Daily, dailyColumns...).Rows()
	if err != nil {
		return nil, fmt.Errorf("daily usage: %w", err)
	}
	defer rows.Close()
	var tenant, day, user, model string
	var c [15]int64
	for rows.Next() {
		if err := rows.Scan(&tenant, &day, &user, &model, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7], &c[8], &c[9],
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
			ts := perTenant[tenant]
			if ts == nil {
				ts = &tenantSums{users: map[string]struct{}{}}
				perTenant[tenant] = ts
			}
			ts.line.Questions += questions
			ts.line.Answers += answers
			ts.line.Failed += failed
			ts.line.TokensIn += tokensIn
			ts.line.TokensOut += tokensOut
			if user != "" {
				ts.users[user] = struct{}{}
			}
		}
		if user != "" {
			if dayUsers[i] == nil {
				dayUsers[i] = map[string]struct{}{}
			}
			dayUsers[i][user] = struct{}{}
			users[user] = struct{}{}
			questionsBy[user] += questions
		}
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
	for i := range s.Days {
		s.Days[i].ActiveUsers = int64(len(dayUsers[i]))
	}
	t.ActiveUsers = int64(len(users))
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

	if err := latencyFromDaily(app, sc, s, dayIndex); err != nil {
		return nil, err
	}
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

// latency fills p50/p95 of each day and of the range from the latency histograms.
func latencyFromDaily(app core.App, sc scope, s *Summary, dayIndex map[string]int) error {
	var buckets []struct {
		Day     string `db:"day"`
		Bucket  int    `db:"bucket"`
		Answers int64  `db:"answers"`
	}
	if err := sc.query(app, usage.Latency, "[[day]]", "[[bucket]]", "SUM([[answers]]) AS [[answers]]").GroupBy("day", "bucket").All(&buckets); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	var total percentile.Histogram
	perDay := make([]percentile.Histogram, len(s.Days))
	for _, b := range buckets {
		if i, ok := dayIndex[b.Day]; ok {
			perDay[i].AddBucket(b.Bucket, b.Answers)
			total.AddBucket(b.Bucket, b.Answers)
		}
	}
	for i := range s.Days {
		s.Days[i].LatencyP50Ms, s.Days[i].LatencyP95Ms = perDay[i].Quantile(0.5), perDay[i].Quantile(0.95)
	}
	s.Totals.LatencyP50Ms, s.Totals.LatencyP95Ms = total.Quantile(0.5), total.Quantile(0.95)
	return nil
}

// SummariesForTest returns the summary of tenant ("" = all, with the
// per-tenant lines) for from..to as summarize computes it from the second
// rollup level and as summarizeFromDaily computes it from usage_daily alone.
func SummariesForTest(app core.App, tenant, from, to string) (got, want *Summary, err error) {
	r, err := parseRange(from, to, time.Now(), time.UTC)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range []struct {
		f   func(core.App, scope, map[string]*tenantSums) (*Summary, error)
		out **Summary
	}{{summarize, &got}, {summarizeFromDaily, &want}} {
		var perTenant map[string]*tenantSums
		if tenant == "" {
			perTenant = map[string]*tenantSums{}
		}
		s, err := c.f(app, scope{tenant: tenant, r: r}, perTenant)
		if err != nil {
			return nil, nil, err
		}
		if tenant == "" {
			if s.Tenants, err = tenantLines(app, perTenant); err != nil {
				return nil, nil, err
			}
		}
		*c.out = s
	}
	return got, want, nil
}
