package osm

import (
	"slices"

	"onemap/layers"
)

// Limits bound what one read may hold, so that an extract far larger than
// a district (or a hostile file) is refused with a message rather than
// exhausting memory. Zero fields take the defaults.
type Limits struct {
	MaxNodes int // nodes of any kind (about 40 bytes each); default 50,000,000
	MaxWays  int // road ways kept; default 5,000,000
	// MaxBlobBytes is the largest PBF blob, packed or unpacked; default and
	// at most the format's own 32 MiB.
	MaxBlobBytes int
}

func (l Limits) withDefaults() Limits {
	if l.MaxNodes <= 0 {
		l.MaxNodes = 50_000_000
	}
	if l.MaxWays <= 0 {
		l.MaxWays = 5_000_000
	}
	if l.MaxBlobBytes <= 0 || l.MaxBlobBytes > maxBlobBytes {
		l.MaxBlobBytes = maxBlobBytes
	}
	return l
}

// tags are the tags of a way or relation that the importer reads.
type tags struct {
	highway, maxspeed, oneway, junction string
	bridge, tunnel, layer, name, nameZh string
	// restriction relations
	typ, restriction, restrictionCar, except string
}

// set records one tag; others are ignored.
func (t *tags) set(k, v string) {
	switch k {
	case "highway":
		t.highway = v
	case "maxspeed":
		t.maxspeed = v
	case "oneway":
		t.oneway = v
	case "junction":
		t.junction = v
	case "bridge":
		t.bridge = v
	case "tunnel":
		t.tunnel = v
	case "layer":
		t.layer = v
	case "name":
		t.name = v
	case "name:zh":
		t.nameZh = v
	case "type":
		t.typ = v
	case "restriction":
		t.restriction = v
	case "restriction:motorcar":
		t.restrictionCar = v
	case "except":
		t.except = v
	}
}

// way is a road way as read.
type way struct {
	id   int64
	refs []int64
	tags tags
}

// member kinds of a relation.
const (
	memberNode = iota
	memberWay
	memberRelation
)

// member is one member of a relation.
type member struct {
	kind int
	ref  int64
	role string
}

// relation is a type=restriction relation as read.
type relation struct {
	id      int64
	members []member
	tags    tags
}

// data is everything a reader keeps from a file: the coordinates of every
// node (ways come after nodes, so which ones roads need is not known while
// nodes are read), the road ways and the restriction relations.
type data struct {
	lim     Limits
	nodeID  []int64
	lon     []float64
	lat     []float64
	sorted  bool // node IDs arrived in ascending order
	ways    []way
	rels    []relation
	skipped int // ways with a highway tag that is not a car class
	// uses counts, per node, the ways (of any kind) that use it, once per
	// occurrence: where a road is cut (see roads).
	uses map[int64]int32
}

func newData(lim Limits) *data {
	return &data{lim: lim.withDefaults(), sorted: true, uses: map[int64]int32{}}
}

// node records a node's position.
func (d *data) node(id int64, lon, lat float64) error {
	if len(d.nodeID) >= d.lim.MaxNodes {
		return layers.Errorf(layers.Invalid, "osm.read",
			"the file has more than %d nodes; cut the district out of the extract first (osmium extract -b …)", d.lim.MaxNodes)
	}
	if n := len(d.nodeID); n > 0 && d.nodeID[n-1] >= id {
		d.sorted = false
	}
	d.nodeID = append(d.nodeID, id)
	d.lon = append(d.lon, lon)
	d.lat = append(d.lat, lat)
	return nil
}

// way keeps a way when it is a car road.
func (d *data) way(id int64, refs []int64, t tags) error {
	// Every way counts, roads or not (a footpath, a building outline):
	// osm2pgrouting cuts a road wherever any other way shares a node, and
	// matching its edges is what makes routes equal pgRouting's.
	for _, r := range refs {
		d.uses[r]++
	}
	if t.highway == "" {
		return nil
	}
	if _, ok := carClass(t.highway); !ok {
		d.skipped++
		return nil
	}
	if len(d.ways) >= d.lim.MaxWays {
		return layers.Errorf(layers.Invalid, "osm.read",
			"the file has more than %d roads; cut the district out of the extract first (osmium extract -b …)", d.lim.MaxWays)
	}
	d.ways = append(d.ways, way{id: id, refs: refs, tags: t})
	return nil
}

// relation keeps a relation when it is a turn restriction.
func (d *data) relation(id int64, ms []member, t tags) {
	if t.typ == "restriction" {
		d.rels = append(d.rels, relation{id: id, members: ms, tags: t})
	}
}

// index sorts the nodes by ID when they did not come sorted (OSM files
// normally are), keeping the first of duplicates.
func (d *data) index() {
	if d.sorted {
		return
	}
	idx := make([]int32, len(d.nodeID))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		switch x, y := d.nodeID[a], d.nodeID[b]; {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	ids, lon, lat := make([]int64, 0, len(idx)), make([]float64, 0, len(idx)), make([]float64, 0, len(idx))
	for _, i := range idx {
		if n := len(ids); n > 0 && ids[n-1] == d.nodeID[i] {
			continue
		}
		ids, lon, lat = append(ids, d.nodeID[i]), append(lon, d.lon[i]), append(lat, d.lat[i])
	}
	d.nodeID, d.lon, d.lat, d.sorted = ids, lon, lat, true
}

// position finds a node's coordinates; ok is false when the file does not
// have the node (a way cut by the extract's edge).
func (d *data) position(id int64) (lon, lat float64, ok bool) {
	i, found := slices.BinarySearch(d.nodeID, id)
	if !found {
		return 0, 0, false
	}
	return d.lon[i], d.lat[i], true
}
