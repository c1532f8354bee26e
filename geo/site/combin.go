package site

import (
	"math"
	"math/bits"
)

// binomial is C(n, k), saturating at math.MaxInt64 so a size check can
// never overflow into a small number.
func binomial(n, k int) int64 {
	if k < 0 || k > n {
		return 0
	}
	k = min(k, n-k)
	c := uint64(1)
	for i := 1; i <= k; i++ {
		// c·(n−k+i)/i = C(n−k+i, i) is exact; the product is 128-bit.
		hi, lo := bits.Mul64(c, uint64(n-k+i))
		if hi >= uint64(i) {
			return math.MaxInt64
		}
		c, _ = bits.Div64(hi, lo, uint64(i))
		if c > math.MaxInt64 {
			return math.MaxInt64
		}
	}
	return int64(c)
}

// addSat adds two counts, saturating at math.MaxInt64.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
