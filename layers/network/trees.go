package network

import (
	"fmt"
	"sync"

	"onemap/geo/route"
	"onemap/layers"
)

// DefaultTreeBudgetBytes is the memory the per-facility search trees of one
// road graph may take together unless Options.TreeBudgetBytes says
// otherwise: 128 MiB. A tree is 8 bytes per vertex, 136 kB on the demo
// district's graph, so the budget holds about 990 facilities there (its
// 13 fire stations, 12 rescue teams, 347 shelters and 12 stockpiles take
// 52 MB), and none of the 400 stations of a million-edge grid (4 MB a
// tree), which search instead.
const DefaultTreeBudgetBytes = 128 << 20

// How a nearest query found its answers (NearestAnswer.Method).
const (
	MethodTrees  = "precomputed" // read from one stored search tree per facility
	MethodSearch = "search"      // one search from the incident over the graph
)

// facilityTrees is one search tree per candidate of one version of a
// facility layer, grown in one direction: out of each facility for
// facilities that drive to incidents, into each for those people drive
// to. They belong to one road graph (they live in its Network), so a
// roads publish drops them with the graph; a facility publish changes the
// layer version and replaces them.
type facilityTrees struct {
	version int64
	trees   []*route.Tree // by candidate index; nil for a candidate not on the network
	bytes   int
	ready   chan struct{} // closed once trees is filled
}

// treeCache keeps a graph's facility trees, one set per layer and
// direction: the newest version only.
type treeCache struct {
	mu   sync.Mutex
	sets map[string]*facilityTrees
}

// treeStats sums the trees a graph holds, for Info.
func (c *treeCache) stats() (trees, bytes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ft := range c.sets {
		select {
		case <-ft.ready:
			for _, t := range ft.trees {
				if t != nil {
					trees++
				}
			}
			bytes += ft.bytes
		default:
		}
	}
	return trees, bytes
}

// facilityTrees returns the trees of a facility layer's candidates for
// trips in direction dir of a nearest query (route.Inbound: facility →
// incident), growing them on first use. The caller that finds them
// missing grows them (one full search per facility, tens of
// milliseconds on the demo district); callers arriving meanwhile get nil
// and search instead, as do all callers when the trees would exceed the
// memory budget. why says, for a nil answer, why.
func (sc *scope) facilityTrees(l layers.Layer, cands []candidate, dir route.Direction) (ts []*route.Tree, why string) {
	budget := sc.s.opt.TreeBudgetBytes
	if budget < 0 {
		return nil, "per-facility trees are switched off (TreeBudgetBytes < 0)"
	}
	if budget == 0 {
		budget = DefaultTreeBudgetBytes
	}
	n, g := sc.net, sc.net.Graph
	treeDir := route.Outbound // facility → incident: grown out of the facility
	if dir == route.Outbound {
		treeDir = route.Inbound
	}
	key := fmt.Sprintf("%s|%d", l.Name, treeDir)
	c := &n.trees
	c.mu.Lock()
	ft := c.sets[key]
	if ft != nil && ft.version == l.Version {
		c.mu.Unlock()
		select {
		case <-ft.ready:
			return ft.trees, ""
		default:
			return nil, "the per-facility trees of this layer version are being built"
		}
	}
	placed := 0
	for _, cd := range cands {
		if cd.snapErr == nil {
			placed++
		}
	}
	need := placed * g.TreeBytes()
	used := 0
	for k, o := range c.sets {
		if k != key {
			used += o.bytes
		}
	}
	if used+need > budget {
		c.mu.Unlock()
		return nil, fmt.Sprintf("per-facility trees would take %d bytes beside %d in use, over the budget of %d", need, used, budget)
	}
	ft = &facilityTrees{version: l.Version, bytes: need, ready: make(chan struct{})}
	if c.sets == nil {
		c.sets = map[string]*facilityTrees{}
	}
	c.sets[key] = ft
	c.mu.Unlock()

	trees := make([]*route.Tree, len(cands))
	for i, cd := range cands {
		if cd.snapErr == nil {
			trees[i] = g.Tree(cd.loc, treeDir)
		}
	}
	ft.trees = trees
	close(ft.ready)
	return trees, ""
}

// plainTrees returns the facility trees a nearest query may read instead
// of searching, or nil and why not: trees know no closures, so a query
// with closed edges (operator closures, avoided zones) or an incident
// leaving an avoided zone searches.
func (sc *scope) plainTrees(l layers.Layer, cands []candidate, dir route.Direction, escaping bool) ([]*route.Tree, string) {
	switch {
	case sc.set != nil:
		return nil, "road closures or avoided hazard zones apply to this query; stored trees know none"
	case escaping:
		return nil, "the incident lies in an avoided hazard zone"
	}
	return sc.facilityTrees(l, cands, dir)
}
