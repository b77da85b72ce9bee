package percentile

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBucketEdges(t *testing.T) {
	cases := []struct {
		ms   int64
		want int
	}{
		{-5, 0}, {0, 0}, {1, 1}, {2, 5}, {3, 7}, {4, 9}, {1000, 40}, {1 << 40, Buckets - 1},
	}
	for _, c := range cases {
		if got := Bucket(c.ms); got != c.want {
			t.Errorf("Bucket(%d) = %d, want %d", c.ms, got, c.want)
		}
		if c.ms >= 1 && c.want < Buckets-1 {
			lo, hi := Bounds(c.want)
			if float64(c.ms) < lo || float64(c.ms) >= hi {
				t.Errorf("%d ms is not inside its bucket %d [%v, %v)", c.ms, c.want, lo, hi)
			}
		}
	}
}

// exact is the nearest-rank quantile of values.
func exact(values []int64, q float64) int64 {
	s := slices.Clone(values)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, i)]
}

func TestQuantileWithinABucket(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	distributions := map[string]func() int64{
		"retrieval-only (ms)":  func() int64 { return 5 + rng.Int64N(40) },
		"llm (seconds)":        func() int64 { return int64(800 + rng.ExpFloat64()*4000) },
		"bimodal":              func() int64 { return []int64{30, 9000}[rng.IntN(2)] + rng.Int64N(10) },
		"one value":            func() int64 { return 1234 },
		"long tail to minutes": func() int64 { return int64(math.Exp(rng.Float64() * 12)) },
	}
	for name, next := range distributions {
		t.Run(name, func(t *testing.T) {
			var h Histogram
			values := make([]int64, 5000)
			for i := range values {
				values[i] = next()
				h.Add(values[i])
			}
			for _, q := range []float64{0.5, 0.95} {
				want, got := exact(values, q), h.Quantile(q)
				// one bucket is 2^(1/4) ≈ 1.19 wide; allow that plus rounding
				if float64(got) < float64(want)/1.19-1 || float64(got) > float64(want)*1.19+1 {
					t.Errorf("q%.2f = %d, exact %d", q, got, want)
				}
			}
		})
	}
}

func TestMergeEqualsAddingAll(t *testing.T) {
	var a, b, all Histogram
	for i := int64(1); i <= 1000; i++ {
		all.Add(i * 7)
		if i%2 == 0 {
			a.Add(i * 7)
		} else {
			b.Add(i * 7)
		}
	}
	a.Merge(&b)
	if a != all {
		t.Fatal("merged histograms differ from one histogram of all values")
	}
	var empty Histogram
	if empty.Quantile(0.5) != 0 || empty.Count() != 0 {
		t.Error("an empty histogram must give 0")
	}
	empty.AddBucket(-1, 5)
	empty.AddBucket(Buckets, 5)
	if empty.Count() != 0 {
		t.Error("out-of-range buckets must be ignored")
	}
}
