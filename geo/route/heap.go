package route

// heapItem is a tentative cost for a search state (or a target, see
// scratch). Stale items are skipped when popped rather than updated in
// place: a lazy heap, which beats decrease-key on road graphs.
type heapItem struct {
	key   float64
	state int32
}

// minHeap is a typed 4-ary min-heap: container/heap's interface calls
// would cost a third of the search time, and four children per node make
// the tree half as deep as a binary one, so a pop (the common case in a
// lazy Dijkstra) moves fewer items and its four comparisons share one or
// two cache lines.
type minHeap []heapItem

func (h *minHeap) push(key float64, state int32) {
	*h = append(*h, heapItem{key, state})
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if a[p].key <= key {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = heapItem{key, state}
}

func (h *minHeap) pop() heapItem {
	a := *h
	top := a[0]
	last := a[len(a)-1]
	a = a[:len(a)-1]
	*h = a
	n := len(a)
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		// The smallest of up to four children.
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if a[j].key < a[m].key {
				m = j
			}
		}
		if last.key <= a[m].key {
			break
		}
		a[i] = a[m]
		i = m
	}
	a[i] = last
	return top
}
