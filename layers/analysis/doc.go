// Package analysis computes what the district plan measures the emergency
// system by, over the layers of any layers.Store: the urban per-capita
// effective shelter area (#13) and its hazard-aware variant, the fire
// stations' coverage of the built-up land (#15) with their first-due
// districts, the population reached by warning broadcasts (#17) and the
// drive time of relief from the stockpiles (#12); where each falls short
// (gaps, as ranked polygons and lists); the shelters' two-step floating
// catchment accessibility; and where to build next (LSCP, MCLP,
// p-median).
//
// It is wiring: the algorithms are geo/route (drive times through
// layers/network's graph), geo/access and geo/site. What it adds is the
// raster all coverage questions share — 50 m cells in lon/lat with
// spherical areas, census population spread over each unit's cells, every
// cell snapped to its road — and the rules: every target, speed, radius
// and area limit is read from the store's rules table, and every answer
// lists the rule values and layer versions it used.
//
// What-if edits (facilities added, removed, closed) apply in memory to one
// computation; nothing is written. Results and their intermediate values
// are cached under keys naming the layer versions, rule values and
// parameters they depend on, so a publish or a shelter's status change
// makes the next question recompute exactly what it must.
//
// See docs/indicators.md for the formulas and the choices behind them.
package analysis
