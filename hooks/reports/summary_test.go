package reports

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The mail's summary reads as sentences a dealer principal understands: no
// field names, no record ids, sizes and quotas in words.
func TestSummaryReadsForPeople(t *testing.T) {
	var data map[string]any
	err := json.Unmarshal([]byte(`{
		"totals": {"questions": 12, "answers": 10, "failed": 2, "llm": 8, "retrievalOnly": 2, "failureRate": 0.1666, "feedbackRatio": null},
		"topDocuments": [{"document": "docid000000001x", "title": "Price list 2026", "citations": 5}],
		"topUsers": [{"user": "userid00000001x", "name": "Pat Smith", "questions": 7}],
		"documentsByStatus": {"ready": 3, "failed": 1, "pending_upload": 1},
		"storage": {"usedBytes": 5242880, "quotaBytes": 0},
		"messageQuota": {"used": 12, "quota": 500, "resetsOn": "2026-12-01"}
	}`), &data)
	if err != nil {
		t.Fatal(err)
	}
	html, err := renderSummary("Smith Motors", request{from: "2026-11-01", to: "2026-11-28"}, data, time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Answers by the AI model", "Answers from search only", "16.7 %", "Price list 2026", "Pat Smith",
		"Could not be processed", "Upload not finished", "5.0 MB", "no quota", "Questions this month", "Resets on"} {
		if !strings.Contains(html, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	for _, unwanted := range []string{"Llm", "Pending_upload", "Failed answers</th><td>1", "docid000000001x", "userid00000001x", "Used bytes", "5242880"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("summary shows %q", unwanted)
		}
	}
}
