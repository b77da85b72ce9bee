// Package percentile keeps latencies as a fixed log-bucket histogram, so that
// p50 and p95 of any set of days can be computed from rolled-up bucket counts
// (adding histograms is adding counts) without keeping every latency.
//
// Bucket 0 holds 0 ms; bucket b ≥ 1 holds [2^((b-1)/4), 2^(b/4)) ms, four
// buckets per doubling (each ≈ 19% wide), up to about 12 minutes; the last
// bucket holds everything longer. A quantile is interpolated inside its
// bucket, so it is off by less than one bucket's width.
package percentile

import "math"

// Buckets is the number of buckets of a Histogram.
const Buckets = 80

// perDoubling is how many buckets split each doubling of the latency.
const perDoubling = 4

// Bucket returns the bucket of a latency in milliseconds.
func Bucket(ms int64) int {
	if ms < 1 {
		return 0
	}
	b := 1 + int(math.Floor(perDoubling*math.Log2(float64(ms))))
	return min(b, Buckets-1)
}

// Bounds returns the lower and upper edge of bucket b in milliseconds.
func Bounds(b int) (lo, hi float64) {
	if b <= 0 {
		return 0, 1
	}
	return math.Exp2(float64(b-1) / perDoubling), math.Exp2(float64(b) / perDoubling)
}

// Histogram counts latencies per bucket.
type Histogram [Buckets]int64

// Add counts one latency.
func (h *Histogram) Add(ms int64) { h[Bucket(ms)]++ }

// AddBucket adds n latencies to bucket b; a bucket out of range is ignored
// (a row written by a newer layout must not crash an older reader).
func (h *Histogram) AddBucket(b int, n int64) {
	if b >= 0 && b < Buckets {
		h[b] += n
	}
}

// Merge adds the counts of o.
func (h *Histogram) Merge(o *Histogram) {
	for i := range h {
		h[i] += o[i]
	}
}

// Count is the number of latencies counted.
func (h *Histogram) Count() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Quantile returns the q-quantile (0 < q ≤ 1) in whole milliseconds, 0 for an
// empty histogram. It finds the bucket of the nearest-rank value and
// interpolates linearly inside it.
func (h *Histogram) Quantile(q float64) int64 {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := math.Ceil(q * float64(n))
	rank = max(1, min(rank, float64(n)))
	var cum int64
	for b, c := range h {
		if c == 0 {
			continue
		}
		if float64(cum+c) >= rank {
			lo, hi := Bounds(b)
			frac := (rank - float64(cum)) / float64(c)
			return int64(math.Round(lo + (hi-lo)*frac))
		}
		cum += c
	}
	return 0 // not reached: rank ≤ n
}
