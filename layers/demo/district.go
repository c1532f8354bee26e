package demo

import (
	"math/rand/v2"

	"onemap/layers"
)

// Description marks every demo layer as synthetic, so the UI can say so plainly.
const Description = "演示数据（合成）：海门区虚构数据，非真实 — synthetic demo data, not real"

// District is a generated demo district: one entry per built-in layer, in
// the order to load them (administrative frame first, facilities last).
type District struct {
	Seed   int64
	Layers []LayerData
}

// LayerData is one layer's definition (a built-in layer, described as demo
// data) and its features, with explicit IDs 1..n so a reload keeps them.
type LayerData struct {
	Layer    layers.Layer
	Features []layers.Feature
}

// Layer returns the entry of the named layer.
func (d District) Layer(name string) (LayerData, bool) {
	for _, l := range d.Layers {
		if l.Layer.Name == name {
			return l, true
		}
	}
	return LayerData{}, false
}

// loadOrder is the order of the layers in a District.
func loadOrder() []layers.Kind {
	return []layers.Kind{
		layers.AdminUnits, layers.CensusUnits, layers.BuiltUp, layers.HazardZones, layers.Roads,
		layers.FireStations, layers.Shelters, layers.Stockpiles, layers.RescueTeams, layers.WarningPoints,
	}
}

// gen holds the state of one generation run. Per-cell slices are indexed
// by grid cell; labels are -1 where nothing applies.
type gen struct {
	g    *grid
	rng  *rand.Rand
	defs []townDef

	body   []int32   // 0 main body, 1 enclave
	shore  []shore   // what lies beyond, for cells outside
	inland []float64 // km to the nearest cell outside the district
	town   []int32
	blob   []int32
	unit   []int32
	flood  []bool

	seatX, seatY []float64
	seatCell     []int
	blobs        []blobDef
	units        []unitDef
	stations     []station
	zones        []hazardZone
	net          network

	shelterList   []shelterDef
	stockpileList []stockpileDef
	teamList      []teamDef
	warningList   []warningDef
}

// Generate builds the demo district for seed. The same seed always gives
// the same district, byte for byte; it takes a fraction of a second.
func Generate(seed int64) District {
	s := &gen{
		g:    newGrid(splitmix(uint64(seed) ^ 0x6861696d656e)),
		rng:  rand.New(rand.NewPCG(uint64(seed), 0x6f6e656d6170)),
		defs: townDefs(),
	}
	s.outline()
	s.inland = s.g.distance(func(c int) bool { return s.body[c] < 0 })
	s.partitionTowns()
	s.placeStations()
	s.builtUp()
	s.census()
	s.settle()
	s.inland = s.g.distance(func(c int) bool { return s.body[c] < 0 })
	s.population()
	s.hazards()
	s.roads()
	used := map[int]bool{}
	for _, st := range s.stations {
		used[st.cell] = true
	}
	s.shelters(used)
	s.stockpiles(used)
	s.rescueTeams(used)
	s.warningPoints(used)
	return s.district(seed)
}
