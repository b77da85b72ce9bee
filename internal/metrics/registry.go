// Package metrics is a small Prometheus text-exposition registry (counters,
// gauges, histograms with a few labels each), a rolling per-minute window of
// call outcomes for alerting, and an instrumented http.RoundTripper that
// classifies n8n calls. It is written against the standard library alone:
// the appliance needs a dozen series, not the client_golang dependency tree.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// ContentType is the media type of the text exposition format (version 0.0.4).
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// maxLabels bounds the labels of one family, so that a series key is a
// fixed-size array: looking a series up then allocates nothing.
const maxLabels = 4

type labelKey [maxLabels]string

// Registry holds metric families and writes them in the text format.
type Registry struct {
	mu       sync.Mutex
	families []family
	names    map[string]bool
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{names: map[string]bool{}} }

// family is one metric name with its series.
type family interface {
	name() string
	write(w *bufio.Writer)
}

func (r *Registry) add(f family, labels []string) {
	if len(labels) > maxLabels {
		panic(fmt.Sprintf("metrics: %s has %d labels, at most %d are supported", f.name(), len(labels), maxLabels))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names[f.name()] {
		panic("metrics: duplicate metric " + f.name())
	}
	r.names[f.name()] = true
	r.families = append(r.families, f)
}

// WriteText writes every family in the Prometheus text format, families in
// registration order and series sorted by label values, so that the output
// is stable.
func (r *Registry) WriteText(w io.Writer) error {
	r.mu.Lock()
	fams := slices.Clone(r.families)
	r.mu.Unlock()
	bw := bufio.NewWriter(w)
	for _, f := range fams {
		f.write(bw)
	}
	return bw.Flush()
}

// vec is the label bookkeeping shared by counters, gauges and histograms.
type vec[S any] struct {
	metric, help, kind string
	labels             []string
	newSeries          func() *S

	// series is copied on write: a lookup, the hot path of every observation,
	// takes no lock at all (a read lock's shared counter bounces between cores)
	series atomic.Pointer[map[labelKey]*S]
	mu     sync.Mutex // serialises writers
}

func newVec[S any](metric, help, kind string, labels []string, newSeries func() *S) *vec[S] {
	v := &vec[S]{metric: metric, help: help, kind: kind, labels: labels, newSeries: newSeries}
	v.series.Store(&map[labelKey]*S{})
	return v
}

func (v *vec[S]) name() string { return v.metric }

// with returns the series for values, creating it on first use.
func (v *vec[S]) with(values []string) *S {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values, got %d", v.metric, len(v.labels), len(values)))
	}
	var k labelKey
	copy(k[:], values)
	if s := (*v.series.Load())[k]; s != nil {
		return s
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	old := *v.series.Load()
	if s := old[k]; s != nil {
		return s
	}
	next := make(map[labelKey]*S, len(old)+1)
	for key, s := range old {
		next[key] = s
	}
	s := v.newSeries()
	next[k] = s
	v.series.Store(&next)
	return s
}

// sorted returns the series ordered by label values.
func (v *vec[S]) sorted() ([]labelKey, []*S) {
	series := *v.series.Load()
	keys := make([]labelKey, 0, len(series))
	for k := range series {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b labelKey) int {
		for i := range a {
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	out := make([]*S, len(keys))
	for i, k := range keys {
		out[i] = series[k]
	}
	return keys, out
}

func (v *vec[S]) header(w *bufio.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", v.metric, escapeHelp(v.help), v.metric, v.kind)
}

// labelText renders {a="x",b="y"} plus an optional extra pair (le for buckets).
func (v *vec[S]) labelText(k labelKey, extraName, extraValue string) string {
	if len(v.labels) == 0 && extraName == "" {
		return ""
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, l := range v.labels {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(l)
		b.WriteString(`="`)
		b.WriteString(escapeLabel(k[i]))
		b.WriteByte('"')
	}
	if extraName != "" {
		if len(v.labels) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(extraName)
		b.WriteString(`="`)
		b.WriteString(extraValue)
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// CounterVec is a counter family; each label combination is one series.
type CounterVec struct{ v *vec[atomic.Uint64] }

// NewCounterVec registers a counter family. Names should end in _total.
func (r *Registry) NewCounterVec(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{newVec(name, help, "counter", labels, func() *atomic.Uint64 { return new(atomic.Uint64) })}
	r.add(c, labels)
	return c
}

func (c *CounterVec) name() string { return c.v.metric }

// Add adds n to the series of values.
func (c *CounterVec) Add(n uint64, values ...string) { c.v.with(values).Add(n) }

// Inc adds one to the series of values.
func (c *CounterVec) Inc(values ...string) { c.v.with(values).Add(1) }

// Value returns the series' current count.
func (c *CounterVec) Value(values ...string) uint64 { return c.v.with(values).Load() }

func (c *CounterVec) write(w *bufio.Writer) {
	c.v.header(w)
	keys, series := c.v.sorted()
	for i, k := range keys {
		fmt.Fprintf(w, "%s%s %d\n", c.v.metric, c.v.labelText(k, "", ""), series[i].Load())
	}
}

// GaugeVec is a gauge family: values set from outside, e.g. at scrape time.
type GaugeVec struct{ v *vec[atomic.Uint64] }

// NewGaugeVec registers a gauge family.
func (r *Registry) NewGaugeVec(name, help string, labels ...string) *GaugeVec {
	g := &GaugeVec{newVec(name, help, "gauge", labels, func() *atomic.Uint64 { return new(atomic.Uint64) })}
	r.add(g, labels)
	return g
}

func (g *GaugeVec) name() string { return g.v.metric }

// Set sets the series of values to x.
func (g *GaugeVec) Set(x float64, values ...string) { g.v.with(values).Store(math.Float64bits(x)) }

// Value returns the series' current value.
func (g *GaugeVec) Value(values ...string) float64 {
	return math.Float64frombits(g.v.with(values).Load())
}

func (g *GaugeVec) write(w *bufio.Writer) {
	g.v.header(w)
	keys, series := g.v.sorted()
	for i, k := range keys {
		fmt.Fprintf(w, "%s%s %s\n", g.v.metric, g.v.labelText(k, "", ""), formatFloat(math.Float64frombits(series[i].Load())))
	}
}

// HistogramVec is a histogram family with fixed upper bounds.
type HistogramVec struct {
	v      *vec[histogram]
	bounds []float64
}

type histogram struct {
	counts []atomic.Uint64 // one per bound, then +Inf; not cumulative (their total is the count)
	sum    atomic.Uint64   // float64 bits
}

// DefaultLatencyBuckets are upper bounds in seconds from 5 ms to 1 minute.
var DefaultLatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// NewHistogramVec registers a histogram family with the given ascending upper bounds.
func (r *Registry) NewHistogramVec(name, help string, bounds []float64, labels ...string) *HistogramVec {
	if !slices.IsSorted(bounds) {
		panic("metrics: histogram bounds of " + name + " are not ascending")
	}
	bounds = slices.Clone(bounds)
	h := &HistogramVec{bounds: bounds}
	h.v = newVec(name, help, "histogram", labels, func() *histogram {
		return &histogram{counts: make([]atomic.Uint64, len(bounds)+1)}
	})
	r.add(h, labels)
	return h
}

func (h *HistogramVec) name() string { return h.v.metric }

// Observe records x (seconds, for latencies) in the series of values.
func (h *HistogramVec) Observe(x float64, values ...string) {
	s := h.v.with(values)
	i, _ := slices.BinarySearch(h.bounds, x) // first bound >= x: le is inclusive
	s.counts[i].Add(1)
	for {
		old := s.sum.Load()
		if s.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+x)) {
			break
		}
	}
}

// Count returns how many observations the series of values holds.
func (h *HistogramVec) Count(values ...string) uint64 {
	s := h.v.with(values)
	var n uint64
	for i := range s.counts {
		n += s.counts[i].Load()
	}
	return n
}

func (h *HistogramVec) write(w *bufio.Writer) {
	h.v.header(w)
	keys, series := h.v.sorted()
	for i, k := range keys {
		s := series[i]
		var cum uint64
		for j, b := range h.bounds {
			cum += s.counts[j].Load()
			fmt.Fprintf(w, "%s_bucket%s %d\n", h.v.metric, h.v.labelText(k, "le", formatFloat(b)), cum)
		}
		cum += s.counts[len(h.bounds)].Load()
		fmt.Fprintf(w, "%s_bucket%s %d\n", h.v.metric, h.v.labelText(k, "le", "+Inf"), cum)
		fmt.Fprintf(w, "%s_sum%s %s\n", h.v.metric, h.v.labelText(k, "", ""), formatFloat(math.Float64frombits(s.sum.Load())))
		// the count is the buckets' total, read once, so that it always equals the +Inf bucket
		fmt.Fprintf(w, "%s_count%s %d\n", h.v.metric, h.v.labelText(k, "", ""), cum)
	}
}

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

var (
	labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }
