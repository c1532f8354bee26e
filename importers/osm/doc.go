// Package osm reads OpenStreetMap road data — PBF (.osm.pbf) and XML
// (.osm) — into features of the roads layer and the turn restrictions
// between them, so that a district's network can come from an OSM extract
// and route exactly as pgRouting does on the same extract imported with
// osm2pgrouting.
//
// Roads are the ways whose highway tag is a car class (motorway … service,
// their links, living_street, road: the anchors' osm2pgrouting
// configuration). A way is cut into pieces at every node it shares with
// any other way — a footpath or a building outline too — or with itself,
// as osm2pgrouting cuts it (its edge tables for the Monaco and Shanghai
// extracts come out piece for piece); each piece
// is one feature whose source_node and target_node are the OSM node IDs at
// its ends. Attributes follow the tags: class (highway mapped onto
// layers.RoadClasses), speed_kmh (the numeric maxspeed, else the class's
// car speed, so links keep their own slower speed), oneway (yes/true/1 and
// roundabouts; oneway=-1 reverses the geometry), bridge, tunnel, layer,
// name (name:zh preferred), the OSM way and the way's turn restrictions
// (type=restriction relations with a from way, a via node and a to way).
//
// The PBF reader is written here on the standard library (compress/zlib
// and a protobuf field walker): the usual Go OSM library links a cgo zlib
// when cgo is on, which this program needs for PROJ. Both readers hold
// every node's coordinates in memory (about 40 bytes a node with its use
// count) and refuse input
// beyond Limits, so a hostile or mistaken upload (a whole country) fails
// early with a message instead of exhausting memory.
package osm
