package analysis

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"onemap/layers"
	"onemap/layers/network"
)

// Options configures a Service. The zero value works.
type Options struct {
	// CellM is the raster cell size in metres for coverage, population and
	// gaps; default DefaultCellM.
	CellM float64
	// MaxRoadM is how far a place (a raster cell's centre, a census unit's
	// representative point, a stockpile) may lie from the nearest drivable
	// road and still be reached by it; default DefaultMaxRoadM.
	MaxRoadM float64
	// Now is the clock for computed_at and hazard zone validity; default
	// time.Now.
	Now func() time.Time
	// CacheEntries bounds the cache of results and intermediate values;
	// default 64.
	CacheEntries int
}

// The defaults of Options.
const (
	// DefaultCellM is 50 m: a cell is a city block's side, fine enough that
	// the raster area of the demo's built-up land is within 0.1 % of its
	// polygon area, coarse enough that the district has under a million
	// cells.
	DefaultCellM = 50.0
	// DefaultMaxRoadM is 250 m: the farthest a building in a city block is
	// from the street that serves it (hose and foot reach), and half the
	// demo lattice's road spacing, so every cell of a block with roads
	// around it is within reach.
	DefaultMaxRoadM = 250.0
)

// Service computes the plan's indicators, gaps, accessibility and site
// suggestions over the layers of a store, reading the routing graph from a
// network.Service. It is safe for concurrent use. Every answer is cached
// by the layer versions and rule values it read and its parameters, so a
// repeated question is answered from memory, and a publish or a shelter's
// status change (a new layer version) makes the next question recompute.
type Service struct {
	store layers.Store
	net   *network.Service
	opt   Options
	memo  *memo
}

// New makes a Service over store, routing with net (nil: a network.Service
// over store with its defaults).
func New(store layers.Store, net *network.Service, opt Options) *Service {
	if net == nil {
		net = network.New(store, network.Options{})
	}
	if opt.CellM <= 0 {
		opt.CellM = DefaultCellM
	}
	if opt.MaxRoadM <= 0 {
		opt.MaxRoadM = DefaultMaxRoadM
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.CacheEntries <= 0 {
		opt.CacheEntries = 64
	}
	return &Service{store: store, net: net, opt: opt, memo: newMemo(opt.CacheEntries)}
}

// Meta is what every answer carries: when it was computed, the rule values
// and the layer versions it read, and the what-if edits it applied.
type Meta struct {
	ComputedAt   time.Time        `json:"computed_at"`
	RulesVersion int64            `json:"rules_version"`
	Rules        []RuleUsed       `json:"rules"`
	Versions     map[string]int64 `json:"versions"`
	// Cached is true when the answer came from the cache (ComputedAt is
	// then when it was first computed).
	Cached bool     `json:"cached"`
	WhatIf *Edits   `json:"what_if,omitempty"`
	Notes  []string `json:"notes,omitempty"`
}

// RuleUsed is one rules-table value an answer used.
type RuleUsed struct {
	Key        string  `json:"key"`
	Title      string  `json:"title"`
	Value      float64 `json:"value"`
	Unit       string  `json:"unit"`
	Confidence string  `json:"confidence"`
}

// Layer names the analyses read: the built-in layers.
const (
	layerShelters = string(layers.Shelters)
	layerStations = string(layers.FireStations)
	layerStock    = string(layers.Stockpiles)
	layerHazards  = string(layers.HazardZones)
	layerCensus   = string(layers.CensusUnits)
	layerBuiltUp  = string(layers.BuiltUp)
	layerAdmin    = string(layers.AdminUnits)
	layerRoads    = string(layers.Roads)
	layerWarning  = string(layers.WarningPoints)
)

// state is one request's view of the store: the catalog's versions and
// the rules table, read once at the start, and the rules used so far.
type state struct {
	s        *Service
	versions map[string]int64 // every layer in the catalog
	kinds    map[string]layers.Kind
	rules    layers.RuleSet
	used     map[string]layers.Rule
	read     map[string]bool // layers the answer depends on
	now      time.Time
	notes    []string
	// closed are the roads the fire coverage keeps off (nil: all open).
	closed *closedRoads
}

// begin reads the catalog and the rules table.
func (s *Service) begin(ctx context.Context) (*state, error) {
	ls, err := s.store.Layers(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := s.store.Rules(ctx)
	if err != nil {
		return nil, err
	}
	st := &state{s: s, versions: map[string]int64{}, kinds: map[string]layers.Kind{}, rules: rs, used: map[string]layers.Rule{}, read: map[string]bool{}, now: s.opt.Now()}
	for _, l := range ls {
		st.versions[l.Name] = l.Version
		st.kinds[l.Name] = l.Kind
	}
	return st, nil
}

// rule returns a rule's value, recording it for the answer. A missing
// rule is a Conflict: the bureau's table lacks a value the analysis needs.
func (st *state) rule(key string) (float64, error) {
	for _, r := range st.rules.Rules {
		if r.Key == key {
			st.used[key] = r
			return r.Value, nil
		}
	}
	return 0, layers.Errorf(layers.Conflict, "analysis.rule", "the rules table (version %d) has no rule %q, which this analysis needs; add it under /api/rules", st.rules.Version, key)
}

// ruleOr is rule with a default for optional rules (such as the congested
// speed factor, which older tables lack).
func (st *state) ruleOr(key string, def float64) float64 {
	v, err := st.rule(key)
	if err != nil {
		return def
	}
	return v
}

// has reports whether the catalog has the layer with the expected kind.
func (st *state) has(name string, kind layers.Kind) bool {
	k, ok := st.kinds[name]
	return ok && k == kind
}

// depend records that the answer depends on a layer's version.
func (st *state) depend(names ...string) {
	for _, n := range names {
		if _, ok := st.versions[n]; ok {
			st.read[n] = true
		}
	}
}

// versionKey is the part of a cache key naming the versions of the given
// layers ("-" for an absent layer).
func (st *state) versionKey(names ...string) string {
	var b strings.Builder
	for _, n := range names {
		v, ok := st.versions[n]
		if ok {
			fmt.Fprintf(&b, "%s=%d;", n, v)
		} else {
			fmt.Fprintf(&b, "%s=-;", n)
		}
	}
	return b.String()
}

// meta builds the answer's Meta.
func (st *state) meta(edits *Edits) Meta {
	m := Meta{ComputedAt: st.now.UTC().Truncate(time.Millisecond), RulesVersion: st.rules.Version, Versions: map[string]int64{}, Notes: st.notes}
	for n := range st.read {
		m.Versions[n] = st.versions[n]
	}
	keys := make([]string, 0, len(st.used))
	for k := range st.used {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := st.used[k]
		m.Rules = append(m.Rules, RuleUsed{Key: r.Key, Title: r.Title, Value: r.Value, Unit: r.Unit, Confidence: r.Confidence})
	}
	if edits != nil && !edits.empty() {
		e := *edits
		m.WhatIf = &e
	}
	return m
}

// note adds a remark to the answer.
func (st *state) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if !slices.Contains(st.notes, msg) {
		st.notes = append(st.notes, msg)
	}
}

// features reads every feature of a layer at the version the catalog
// showed, from the cache when it has them. If a commit lands while the
// pages are read, it reads again (three tries), so the features are of
// one version, that version or a newer one.
func (st *state) features(ctx context.Context, name string) ([]layers.Feature, error) {
	v, ok := st.versions[name]
	if !ok {
		return nil, layers.Errorf(layers.NotFound, "analysis.features", "there is no layer %q", name)
	}
	st.depend(name)
	val, _, err := st.s.memo.get(ctx, fmt.Sprintf("layer|%s|%d", name, v), func() (any, error) {
		for try := 0; ; try++ {
			var fs []layers.Feature
			for off := 0; ; off += layers.MaxLimit {
				r, err := st.s.store.Query(ctx, name, layers.Query{Limit: layers.MaxLimit, Offset: off})
				if err != nil {
					return nil, err
				}
				fs = append(fs, r.Features...)
				if len(r.Features) < layers.MaxLimit {
					break
				}
			}
			after, err := st.s.store.Layer(ctx, name)
			if err != nil {
				return nil, err
			}
			if after.Version == v || try == 2 {
				return fs, nil
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return val.([]layers.Feature), nil
}

// cached returns the memoised value of key, computing it with fn.
func (st *state) cached(ctx context.Context, key string, fn func() (any, error)) (any, bool, error) {
	return st.s.memo.get(ctx, key, fn)
}

// Fingerprint is a number that changes whenever anything the answer was
// computed from changes — the layer versions, the rules version, the
// what-if edits — for ETags and tile caches of computed overlays.
func (m Meta) Fingerprint() int64 {
	h := fnv.New64a()
	names := make([]string, 0, len(m.Versions))
	for n := range m.Versions {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(h, "%s=%d;", n, m.Versions[n])
	}
	fmt.Fprintf(h, "rules=%d;", m.RulesVersion)
	if m.WhatIf != nil {
		fmt.Fprint(h, m.WhatIf.key())
	}
	return int64(h.Sum64() >> 1)
}
