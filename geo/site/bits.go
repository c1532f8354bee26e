package site

import "math/bits"

// bitset is a fixed-size set of small integers, the coverage sets of
// LSCP, MCLP and the packing bound.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

func (b bitset) count() int {
	c := 0
	for _, x := range b {
		c += bits.OnesCount64(x)
	}
	return c
}

// or sets b = x | y.
func (b bitset) or(x, y bitset) {
	for k := range b {
		b[k] = x[k] | y[k]
	}
}

// intersects says whether b and x share an element.
func (b bitset) intersects(x bitset) bool {
	for k := range b {
		if b[k]&x[k] != 0 {
			return true
		}
	}
	return false
}

// covers says whether b ∪ x holds every element of all.
func (b bitset) coversWith(x, all bitset) bool {
	for k := range b {
		if (b[k]|x[k])&all[k] != all[k] {
			return false
		}
	}
	return true
}

// gain is the weight of the elements of x not in b.
func (b bitset) gain(x bitset, w []float64) float64 {
	g := 0.0
	for k := range x {
		for v := x[k] &^ b[k]; v != 0; v &= v - 1 {
			g += w[k<<6+bits.TrailingZeros64(v)]
		}
	}
	return g
}

// missing counts the elements of x not in b.
func (b bitset) missing(x bitset) int {
	c := 0
	for k := range x {
		c += bits.OnesCount64(x[k] &^ b[k])
	}
	return c
}

// addTwice adds to b the elements of x already in once: after it, b holds
// the elements covered at least twice by the sets once and x came from.
func (b bitset) addTwice(once, x bitset) {
	for k := range b {
		b[k] |= once[k] & x[k]
	}
}
