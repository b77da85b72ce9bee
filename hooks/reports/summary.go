package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"

	"counterpart/hooks/documents"
)

// totalsOrder and labels name the summary's totals in the order people read
// them; totals the analytics add later follow, by name.
var totalsOrder = []string{"questions", "answers", "failed", "stopped", "failureRate", "activeUsers", "llm", "retrievalOnly",
	"tokensIn", "tokensOut", "latencyP50Ms", "latencyP95Ms", "feedbackUp", "feedbackDown", "feedbackRatio",
	"uploads", "processed", "processingFailed", "signIns"}

var labels = map[string]string{
	"questions": "Questions", "answers": "Answers", "failed": "Failed answers", "failureRate": "Failure rate",
	"activeUsers": "Active users", "tokensIn": "Tokens in", "tokensOut": "Tokens out",
	"latencyP50Ms": "Answer time, median", "latencyP95Ms": "Answer time, 95th percentile",
	"feedbackRatio": "Positive feedback", "uploads": "Documents uploaded",
	"stopped": "Answers stopped", "llm": "Answers by the AI model", "retrievalOnly": "Answers from search only",
	"feedbackUp": "Thumbs up", "feedbackDown": "Thumbs down", "processed": "Documents processed",
	"processingFailed": "Documents that could not be processed", "signIns": "Sign-ins",
	"topDocuments": "Most cited documents", "topUsers": "Most active users",
	"storage": "Storage", "messageQuota": "Monthly question quota", "models": "AI models",
	"documentsByStatus": "Documents by status",
	"title":             "Document", "citations": "Citations", "model": "Model",
	"used": "Questions this month", "quota": "Quota", "resetsOn": "Resets on",
	"usedBytes": "Used", "quotaBytes": "Quota",
}

// sectionLabels name the keys of one section where the global label would
// mislead (a document's "failed" status is no failed answer).
var sectionLabels = map[string]map[string]string{
	"documentsByStatus": {"pending_upload": "Upload not finished", "uploaded": "Waiting to be processed",
		"processing": "Being processed", "ready": "Ready", "failed": "Could not be processed"},
}

// idColumns hold record ids, which mean nothing to a reader of the mail.
var idColumns = map[string]bool{"id": true, "document": true, "user": true}

// preferredColumns come first in a table, in this order.
var preferredColumns = []string{"title", "name", "email", "filename", "citations", "questions", "answers", "count"}

// skipped are parts of the summary the mail leaves out: the totals come
// first on their own, the tenant is in the title, the days are in the CSV.
var skipped = map[string]bool{"totals": true, "tenant": true, "days": true, "tenants": true, "from": true, "to": true}

// maxTableRows bounds each table of the mail.
const maxTableRows = 10

type pair struct{ Label, Value string }

type table struct {
	Title   string
	Columns []string
	Rows    [][]string
}

type section struct {
	Title string
	Pairs []pair
}

type summaryView struct {
	Tenant, From, To, Generated string
	Totals                      []pair
	Tables                      []table
	Sections                    []section
}

// summaryTemplate is the mail body. html/template escapes every value, so
// a tenant, user or document name can carry no markup into the mail.
var summaryTemplate = template.Must(template.New("summary").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>Usage report: {{.Tenant}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;max-width:720px">
<h1 style="font-size:20px">Usage report: {{.Tenant}}</h1>
<p>{{.From}} to {{.To}} (inclusive). The daily figures are attached as a CSV file.</p>
{{if .Totals}}<table style="border-collapse:collapse" cellpadding="4">
{{range .Totals}}<tr><th align="left" style="border-bottom:1px solid #d9e2ec">{{.Label}}</th><td align="right" style="border-bottom:1px solid #d9e2ec">{{.Value}}</td></tr>
{{end}}</table>{{end}}
{{range .Tables}}<h2 style="font-size:16px">{{.Title}}</h2>
<table style="border-collapse:collapse" cellpadding="4"><tr>{{range .Columns}}<th align="left" style="border-bottom:1px solid #9fb3c8">{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td style="border-bottom:1px solid #d9e2ec">{{.}}</td>{{end}}</tr>
{{end}}</table>
{{end}}{{range .Sections}}<h2 style="font-size:16px">{{.Title}}</h2>
<table style="border-collapse:collapse" cellpadding="4">{{range .Pairs}}<tr><th align="left">{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}</table>
{{end}}<p style="color:#627d98;font-size:12px">Made by Counterpart on {{.Generated}}.</p>
</body></html>
`))

// renderSummary renders the summary data (the JSON form of the analytics
// summary) as the mail's HTML body.
func renderSummary(tenant string, req request, data map[string]any, now time.Time) (string, error) {
	v := summaryView{Tenant: tenant, From: req.from, To: req.to, Generated: now.UTC().Format("2006-01-02 15:04 UTC")}
	if totals, ok := data["totals"].(map[string]any); ok {
		v.Totals = pairs(totals, totalsOrder)
	}
	for _, key := range sortedKeys(data) {
		if skipped[key] {
			continue
		}
		switch val := data[key].(type) {
		case []any:
			if t := makeTable(label(key), val); len(t.Rows) > 0 {
				v.Tables = append(v.Tables, t)
			}
		case map[string]any:
			sec := section{Title: label(key), Pairs: pairs(val, nil)}
			if names, ok := sectionLabels[key]; ok {
				for i, k := range sortedKeys(val) {
					if l, ok := names[k]; ok {
						sec.Pairs[i].Label = l
					}
				}
			}
			v.Sections = append(v.Sections, sec)
		}
	}
	var buf bytes.Buffer
	if err := summaryTemplate.Execute(&buf, v); err != nil {
		return "", fmt.Errorf("summary HTML: %w", err)
	}
	return buf.String(), nil
}

// pairs lists m's values, the keys in order first.
func pairs(m map[string]any, order []string) []pair {
	var out []pair
	for _, k := range order {
		if val, ok := m[k]; ok {
			out = append(out, pair{label(k), format(k, val)})
		}
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(order, k) {
			out = append(out, pair{label(k), format(k, m[k])})
		}
	}
	return out
}

// makeTable lays a list of objects out as a table of at most maxTableRows rows.
func makeTable(title string, items []any) table {
	t := table{Title: title}
	var rows []map[string]any
	seen := map[string]bool{}
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			rows = append(rows, m)
			for k := range m {
				seen[k] = true
			}
		}
	}
	var keys []string
	for _, k := range preferredColumns {
		if seen[k] {
			keys = append(keys, k)
			delete(seen, k)
		}
	}
	for _, k := range sortedKeys(seen) {
		if !idColumns[k] {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		t.Columns = append(t.Columns, label(k))
	}
	for i, m := range rows {
		if i == maxTableRows {
			break
		}
		row := make([]string, len(keys))
		for j, k := range keys {
			row[j] = format(k, m[k])
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// label is a key's heading: a known label, else the camelCase key in words.
func label(key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	var b strings.Builder
	for i, r := range key {
		if r >= 'A' && r <= 'Z' && i > 0 {
			b.WriteByte(' ')
			r += 'a' - 'A'
		} else if i == 0 && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// format writes a value for people: rates as percentages, times in ms,
// whole numbers without decimals.
func format(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case float64:
		lower := strings.ToLower(key)
		switch {
		case strings.HasSuffix(lower, "bytes"):
			if x == 0 && strings.HasPrefix(lower, "quota") {
				return "no quota"
			}
			return documents.HumanBytes(int64(x))
		case lower == "quota" && x == 0:
			return "no quota"
		case strings.HasSuffix(lower, "rate") || strings.HasSuffix(lower, "ratio"):
			return fmt.Sprintf("%.1f %%", x*100)
		case strings.HasSuffix(lower, "ms"):
			return fmt.Sprintf("%.0f ms", x)
		case x == math.Trunc(x) && math.Abs(x) < 1e15:
			return fmt.Sprintf("%d", int64(x))
		default:
			return fmt.Sprintf("%.2f", x)
		}
	case string:
		return x
	case bool:
		if x {
			return "yes"
		}
		return "no"
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
