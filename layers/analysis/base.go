package analysis

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"onemap/layers"
)

// censusUnit is a village or community with its population.
type censusUnit struct {
	ID                 int64
	Code, Name         string
	Parent, ParentCode string
	Pop, Urban         float64
	RasterArea         float64 // m², the sum of its cells
	Density            float64 // people per m² of its cells
	Rep                orb.Point
	Group              int // index of its street or town in base.groups; −1 unknown
	Geom               orb.MultiPolygon
}

// builtUp is one built-up area.
type builtUp struct {
	ID         int64
	Name, Town string
	Urban      bool
	Geom       orb.MultiPolygon
	RasterArea float64
}

// group is a unit the indicators are reported for: the district, a street
// or a town.
type group struct {
	Level string `json:"level"`
	Code  string `json:"code,omitempty"`
	Name  string `json:"name"`
	geom  orb.MultiPolygon
}

// base is the raster every coverage indicator works on: for each cell, the
// census unit and the built-up area its centre lies in; the census
// population spread evenly over each unit's cells (so the cells of a unit
// add up to its population exactly); and the reporting groups.
type base struct {
	g          *grid
	unit       []int32 // census unit index per cell; −1 outside every unit
	blob       []int32 // built-up area index per cell; −1 outside
	units      []censusUnit
	blobs      []builtUp
	groups     []group // [0] is the district
	builtCells []int32 // cells in built-up land, ascending
	landCells  []int32 // cells in some census unit, ascending
	extra      map[int32]float64
	key        string
}

// pop is the population of cell i.
func (b *base) pop(i int) float64 {
	p := b.extra[int32(i)]
	if u := b.unit[i]; u >= 0 {
		p += b.units[u].Density * b.g.area(i)
	}
	return p
}

// groupOf is the street or town of cell i (an index of b.groups), or −1.
func (b *base) groupOf(i int) int {
	if u := b.unit[i]; u >= 0 {
		return b.units[u].Group
	}
	return -1
}

// base returns the raster of the current census units, built-up areas and
// administrative units, from the cache when they have not changed.
func (st *state) base(ctx context.Context) (*base, error) {
	names := []string{layerCensus, layerBuiltUp, layerAdmin}
	st.depend(names...)
	key := fmt.Sprintf("base|%s|%g", st.versionKey(names...), st.s.opt.CellM)
	v, _, err := st.cached(ctx, key, func() (any, error) { return st.makeBase(ctx, key) })
	if err != nil {
		return nil, err
	}
	b := v.(*base)
	if len(b.units) == 0 {
		st.note("没有人口普查单元图层(census_units)：人口加权指标无法计算 — no census units: population-weighted values are unavailable")
	}
	return b, nil
}

func multi(g orb.Geometry) (orb.MultiPolygon, bool) {
	switch v := g.(type) {
	case orb.MultiPolygon:
		return v, true
	case orb.Polygon:
		return orb.MultiPolygon{v}, true
	}
	return nil, false
}

func (st *state) makeBase(ctx context.Context, key string) (*base, error) {
	const op = "analysis.base"
	b := &base{key: key, extra: map[int32]float64{}}
	var bound orb.Bound
	first := true
	grow := func(g orb.Geometry) {
		if first {
			bound, first = g.Bound(), false
		} else {
			bound = bound.Union(g.Bound())
		}
	}
	if st.has(layerCensus, layers.CensusUnits) {
		fs, err := st.features(ctx, layerCensus)
		if err != nil {
			return nil, layerError(err, op, layerCensus)
		}
		for _, f := range fs {
			mp, ok := multi(f.Geometry)
			if !ok {
				continue
			}
			p := f.Properties
			u := censusUnit{ID: f.ID, Code: text(p, "code"), Name: text(p, "name"), Parent: text(p, "parent"), ParentCode: text(p, "parent_code"), Geom: mp, Group: -1}
			u.Pop, _ = number(p["population"])
			u.Urban, _ = number(p["urban_population"])
			b.units = append(b.units, u)
			grow(mp)
		}
	}
	if st.has(layerBuiltUp, layers.BuiltUp) {
		fs, err := st.features(ctx, layerBuiltUp)
		if err != nil {
			return nil, layerError(err, op, layerBuiltUp)
		}
		for _, f := range fs {
			mp, ok := multi(f.Geometry)
			if !ok {
				continue
			}
			b.blobs = append(b.blobs, builtUp{ID: f.ID, Name: text(f.Properties, "name"), Town: text(f.Properties, "town"), Urban: flag(f.Properties, "urban", false), Geom: mp})
			grow(mp)
		}
	}
	if first {
		return nil, layers.Errorf(layers.NotFound, op, "there are no census units and no built-up areas to compute coverage over; load the census_units and built_up layers")
	}
	g, err := newGrid(bound, st.s.opt.CellM)
	if err != nil {
		return nil, err
	}
	b.g = g
	b.unit = make([]int32, g.n())
	b.blob = make([]int32, g.n())
	for i := range b.unit {
		b.unit[i], b.blob[i] = -1, -1
	}
	for k, u := range b.units {
		g.fill(u.Geom, func(i int) { b.unit[i] = int32(k) })
	}
	for k, bu := range b.blobs {
		g.fill(bu.Geom, func(i int) { b.blob[i] = int32(k) })
	}
	for i := range b.unit {
		if u := b.unit[i]; u >= 0 {
			b.units[u].RasterArea += g.area(i)
			b.landCells = append(b.landCells, int32(i))
		}
		if k := b.blob[i]; k >= 0 {
			b.blobs[k].RasterArea += g.area(i)
			b.builtCells = append(b.builtCells, int32(i))
		}
	}
	for k := range b.units {
		u := &b.units[k]
		u.Rep = representative(g, b.unit, int32(k), u.Geom)
		if u.RasterArea > 0 {
			u.Density = u.Pop / u.RasterArea
		} else if c := g.cellAt(u.Rep); c >= 0 {
			// A unit smaller than a cell: its people go to the cell
			// holding its representative point.
			b.extra[int32(c)] += u.Pop
		}
	}
	if err := st.groups(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// representative is a point of the unit for routing to it: its area
// centroid when that lies inside it, else the centre of its cell nearest
// the centroid.
func representative(g *grid, unit []int32, k int32, mp orb.MultiPolygon) orb.Point {
	c, _ := planar.CentroidArea(mp)
	if planar.MultiPolygonContains(mp, c) {
		return c
	}
	b := mp.Bound()
	best, bestD := orb.Point{}, -1.0
	c0, r0 := g.cellAt(b.Min), g.cellAt(b.Max)
	if c0 < 0 || r0 < 0 {
		return c
	}
	for r := c0 / g.nx; r <= r0/g.nx; r++ {
		for x := c0 % g.nx; x <= r0%g.nx; x++ {
			i := r*g.nx + x
			if unit[i] != k {
				continue
			}
			p := g.centre(i)
			if d := haversine(p, c); bestD < 0 || d < bestD {
				best, bestD = p, d
			}
		}
	}
	if bestD < 0 {
		return c
	}
	return best
}

// groups fills the reporting groups from the administrative units (the
// district, then streets and towns by code) and ties each census unit to
// its street or town: by parent_code, else by parent name, else by the
// administrative polygon holding its representative point.
func (st *state) groups(ctx context.Context, b *base) error {
	b.groups = []group{{Level: "district", Name: "全区"}}
	if st.has(layerAdmin, layers.AdminUnits) {
		fs, err := st.features(ctx, layerAdmin)
		if err != nil {
			return layerError(err, "analysis.groups", layerAdmin)
		}
		var subs []group
		for _, f := range fs {
			mp, _ := multi(f.Geometry)
			gr := group{Level: text(f.Properties, "level"), Code: text(f.Properties, "code"), Name: text(f.Properties, "name"), geom: mp}
			switch gr.Level {
			case "district":
				b.groups[0] = gr
			case "street", "town":
				subs = append(subs, gr)
			}
		}
		slices.SortStableFunc(subs, func(x, y group) int { return cmp.Compare(x.Code, y.Code) })
		b.groups = append(b.groups, subs...)
	}
	if len(b.groups) == 1 {
		// No administrative units: the census units' parents stand in.
		seen := map[string]bool{}
		for _, u := range b.units {
			if u.Parent != "" && !seen[u.Parent] {
				seen[u.Parent] = true
				b.groups = append(b.groups, group{Level: "town", Code: u.ParentCode, Name: u.Parent})
			}
		}
		slices.SortStableFunc(b.groups[1:], func(x, y group) int { return cmp.Compare(x.Code+x.Name, y.Code+y.Name) })
	}
	for k := range b.units {
		u := &b.units[k]
		for gi := 1; gi < len(b.groups); gi++ {
			gr := b.groups[gi]
			if (u.ParentCode != "" && u.ParentCode == gr.Code) || (u.ParentCode == "" && u.Parent != "" && u.Parent == gr.Name) {
				u.Group = gi
				break
			}
		}
		if u.Group >= 0 {
			continue
		}
		for gi := 1; gi < len(b.groups); gi++ {
			if gm := b.groups[gi].geom; gm != nil && planar.MultiPolygonContains(gm, u.Rep) {
				u.Group = gi
				break
			}
		}
	}
	return nil
}

// groupAt is the street or town whose polygon holds p (−1 when none or
// without administrative polygons).
func (b *base) groupAt(p orb.Point) int {
	for gi := 1; gi < len(b.groups); gi++ {
		if gm := b.groups[gi].geom; gm != nil && gm.Bound().Contains(p) && planar.MultiPolygonContains(gm, p) {
			return gi
		}
	}
	if c := b.g.cellAt(p); c >= 0 {
		return b.groupOf(c)
	}
	return -1
}
