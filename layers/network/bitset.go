package network

import (
	"math/bits"
	"slices"
)

// bitset is a set of edge indices, one bit each: closed edges, the edges
// of a zone. A nil bitset is empty.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int32) { b[i>>6] |= 1 << (i & 63) }

func (b bitset) has(i int32) bool { return b != nil && b[i>>6]&(1<<(i&63)) != 0 }

// union adds every member of o (of the same size) to b.
func (b bitset) union(o bitset) {
	for i := range o {
		b[i] |= o[i]
	}
}

func (b bitset) clone() bitset { return slices.Clone(b) }

// count is the number of members.
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls fn for every member in ascending order.
func (b bitset) each(fn func(i int32)) {
	for k, w := range b {
		for w != 0 {
			fn(int32(k*64 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}
