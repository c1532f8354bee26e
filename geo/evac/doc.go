// Package evac assigns evacuees to shelters: a capacitated transportation
// problem from origins (the people of a hazard zone, grouped by where they
// start) to shelters (each with its free places), over the pairs within a
// maximum travel time.
//
// MinCost solves it exactly as a min-cost max-flow: first the most people
// placed, then, among all assignments placing that many, the least total
// person-time. It uses successive shortest augmenting paths with Dijkstra
// on reduced costs (Johnson potentials), which is exact on integral
// supplies and capacities; it starts from each origin's few cheapest arcs
// and prices the rest with the final potentials, adding any that would
// lower the cost, so the optimum is over every arc. Greedy is the usual shortcut — the nearest pair
// first, as much as it can take — kept for comparison: it never places
// more people than MinCost, and its total time is never less for the same
// number placed (tests check both against a brute-force enumeration on
// small inputs).
//
// The package knows nothing of maps or roads: the caller measures the
// travel times and says what an origin and a shelter are.
package evac
