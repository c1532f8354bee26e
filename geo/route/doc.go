// Package route answers drive-time questions on a road graph held in memory:
// one-to-one routes, one-to-many and many-to-one costs, the k nearest of a
// set of places, the set of vertices reachable within a time budget, and
// duration matrices. Every answer equals a plain Dijkstra on the same graph
// (pgRouting's pgr_dijkstra), because the dispatcher compares it with what
// the PostGIS side says and must see the same number.
//
// The graph is built once from a list of edges (Build) and is then
// read-only, so any number of goroutines may query it at once; per-query
// scratch space comes from a pool inside the Graph. Closures (closed edges,
// hazard zones) are passed with each query as an EdgeSet, so closing a road
// never rebuilds the graph.
//
// Turn restrictions are honoured by node splitting: each vertex that is the
// via of a restriction gets one extra copy per restricted incoming
// edge-direction, whose outgoing arcs leave out the forbidden turns. The
// search itself stays a node-based Dijkstra on that slightly larger graph,
// so a graph without restrictions pays nothing for them.
//
// Route is goal-directed: Build picks up to 16 landmark vertices round the
// edge of the network and stores every vertex's drive time to and from
// each, and Route runs from both ends at once ordered by cost plus a
// landmark lower bound on what is still to come (ALT: A*, landmarks,
// triangle inequality). The bound never overestimates and never drops
// faster than the cost of an arc, so the answer is still exactly a
// Dijkstra's; closures and turn restrictions only make trips dearer, so
// the same landmarks serve every query and closing a road still rebuilds
// nothing. The other searches are Dijkstra with a typed 4-ary heap:
// one-to-many, many-to-one, nearest, reach and matrix rows run one search
// (on the reverse graph for trips toward a place) that stops at its cutoff
// or once its targets are settled. Options.NoUTurns switches to an
// edge-based search that refuses to turn back onto the edge just driven,
// which is what pgr_trsp does.
//
// Places are Locations: a vertex, or a point along an edge found by Snap.
// A point along an edge splits the edge into two partial costs in proportion
// to its geodesic length on either side, and only the directions the edge
// allows are used.
//
// The package is pure: values in, values out, no I/O and no domain types.
// Coordinates are lon/lat (WGS84); lengths are metres on the WGS84
// spheroid, costs are seconds.
package route
