package testenv

import (
	"slices"
	"testing"
	"time"
)

// Latency runs query b.N times, timing each call, and reports the median and
// 99th-percentile latency in milliseconds ("p50-ms", "p99-ms") and the mean
// number of features a call returned: the tail matters to a map that waits
// for its slowest request, so the mean alone is not enough.
func Latency(b *testing.B, query func() int) {
	b.Helper()
	durs := make([]time.Duration, 0, b.N)
	total := 0
	for b.Loop() {
		start := time.Now()
		total += query()
		durs = append(durs, time.Since(start))
	}
	if len(durs) == 0 {
		return
	}
	slices.Sort(durs)
	pct := func(p float64) float64 {
		return float64(durs[int(p*float64(len(durs)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(total)/float64(len(durs)), "features/op")
}
