package config

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMonitoringAndAlertKeys(t *testing.T) {
	t.Setenv("COUNTERPART_ALERTS_RECIPIENTS", " it@dealer.example, ops@dealer.example ,")
	t.Setenv("COUNTERPART_SMTP_HOST", "mail.dealer.example")
	t.Setenv("COUNTERPART_MONITORING_METRICS_TOKEN", "metrics-token-0123456789abcdef")
	t.Setenv("COUNTERPART_ALERTS_OUTBOX_AGE", "0")
	cfg, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"it@dealer.example", "ops@dealer.example"}; !slices.Equal(cfg.Alerts.Recipients, want) {
		t.Errorf("recipients = %q, want %q", cfg.Alerts.Recipients, want)
	}
	a := cfg.Alerts
	if a.N8NFailureRate != 0.2 || a.N8NWindow != 15*time.Minute || a.N8NMinCalls != 10 || a.OutboxDepth != 500 ||
		a.OutboxAge != 0 || a.MinFreeDiskMB != 1024 || a.MinFreeDiskPercent != 5 {
		t.Errorf("alert settings: %+v", a)
	}
	var out bytes.Buffer
	if err := cfg.Print(&out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "metrics-token-0123456789abcdef") || !strings.Contains(out.String(), "monitoring.metrics_token: (set, redacted)") {
		t.Errorf("the metrics token is not redacted:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "alerts.recipients: it@dealer.example, ops@dealer.example") {
		t.Errorf("recipients not printed:\n%s", out.String())
	}
}

func TestBadMonitoringAndAlertValues(t *testing.T) {
	cases := []struct {
		env map[string]string
		key string
	}{
		{map[string]string{"COUNTERPART_MONITORING_METRICS_TOKEN": "short-token"}, "monitoring.metrics_token"},
		{map[string]string{"COUNTERPART_ALERTS_RECIPIENTS": "it-at-dealer", "COUNTERPART_SMTP_HOST": "mail"}, "alerts.recipients"},
		{map[string]string{"COUNTERPART_ALERTS_RECIPIENTS": "it@dealer.example"}, "smtp.host"},
		{map[string]string{"COUNTERPART_ALERTS_N8N_FAILURE_RATE": "20"}, "alerts.n8n_failure_rate"},
		{map[string]string{"COUNTERPART_ALERTS_N8N_WINDOW": "10s"}, "alerts.n8n_window"},
		{map[string]string{"COUNTERPART_ALERTS_N8N_MIN_CALLS": "0"}, "alerts.n8n_min_calls"},
		{map[string]string{"COUNTERPART_ALERTS_OUTBOX_DEPTH": "-1"}, "alerts.outbox_depth"},
		{map[string]string{"COUNTERPART_ALERTS_OUTBOX_AGE": "5s"}, "alerts.outbox_age"},
		{map[string]string{"COUNTERPART_ALERTS_MIN_FREE_DISK_MB": "-5"}, "alerts.min_free_disk_mb"},
		{map[string]string{"COUNTERPART_ALERTS_MIN_FREE_DISK_PERCENT": "100"}, "alerts.min_free_disk_percent"},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, err := Load(nil)
			if err == nil || !strings.Contains(err.Error(), c.key) {
				t.Fatalf("error does not name %s: %v", c.key, err)
			}
			if strings.Contains(err.Error(), "short-token") {
				t.Errorf("error shows the token: %v", err)
			}
		})
	}
}
