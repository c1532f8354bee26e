// Package network puts the pure routing core (geo/route) to work on the
// layers of a layers.Store: it builds the road graph from the roads layer
// (and rebuilds it when that layer's version changes), turns hazard zones
// and operator road closures into closed edges for one query without a
// rebuild, and answers the dispatcher's and the planner's questions —
// a route from A to B, the K nearest facilities of a layer by drive time,
// duration matrices and service areas — in the vocabulary of the layers
// (feature IDs, names, hazard zones), ready for the HTTP API.
//
// Drive times follow DOMAIN.md: speed per road class with a numeric
// speed_kmh winning, one-way streets, snapping to a point along the
// nearest road. A place inside an avoided hazard zone may leave (or be
// reached) along the roads inside that zone to the zone's nearest exit;
// the answer says so. Fire response runs station → incident, shelters
// incident → shelter.
//
// Operator road closures are kept in the store (layers.ClosureStore, both
// onemap stores), so they survive a restart and apply on every instance
// sharing it; a store without it keeps them in memory (Closures). They
// apply to every query at once and drop out at their end time.
//
// Nearest queries without closures read one search tree per facility,
// grown on first use per facility layer version and graph (trees.go),
// instead of searching from the incident; both give the same answers.
package network
