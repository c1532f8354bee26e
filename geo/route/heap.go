package route

// heapItem is a tentative cost for a search state (or a target, see
// scratch). Stale items are skipped when popped rather than updated in
// place: a lazy binary heap, which beats decrease-key on road graphs.
type heapItem struct {
	key   float64
	state int32
}

// minHeap is a typed binary min-heap; container/heap's interface calls
// would cost a third of the search time.
type minHeap []heapItem

func (h *minHeap) push(key float64, state int32) {
	*h = append(*h, heapItem{key, state})
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
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
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && a[c+1].key < a[c].key {
			c++
		}
		if last.key <= a[c].key {
			break
		}
		a[i] = a[c]
		i = c
	}
	a[i] = last
	return top
}
