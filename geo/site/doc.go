// Package site suggests where to build: the location-allocation models a
// planner asks of new shelters and fire stations, over a cost matrix from
// demand units to candidate sites.
//
//   - LSCP (location set covering): the fewest new sites so that every
//     demand unit some candidate can cover is within the radius of an
//     open site. LSCPBackup also prefers, among those, the set that covers
//     the most demand twice.
//   - MCLP (maximal covering): p new sites covering the most demand weight
//     within the radius.
//   - p-median: p new sites minimising Σ weight × distance to the nearest
//     open site.
//   - p-center: p new sites minimising the largest distance from a demand
//     unit to its nearest open site.
//
// Existing facilities are Problem.Fixed: always open, counted in coverage
// and distances, and never counted in p (p is the number of new sites) or
// in LSCP's site count.
//
// Every model is solved exactly when the number of subsets to enumerate is
// at most Options.MaxSubsets: a depth-first enumeration in lexicographic
// order of candidate indices with bound pruning, so among equally good
// answers the lexicographically smallest set of indices wins (lowest index
// first). Larger problems run a documented heuristic that reports a proven
// bound on the optimum and the relative gap between its answer and that
// bound; the exact method reports gap 0. Each model's doc comment says
// which heuristic and which bound.
//
// Conventions shared by all models:
//   - Cost[i][j] is from demand i to candidate j, in metres or seconds;
//     +Inf means unreachable. The coverage threshold is inclusive
//     (covered iff cost ≤ radius), as in spopt and PySAL access.
//   - Weight nil means weight 1 for every demand unit. A unit of weight 0
//     does not affect any objective (LSCP need not cover it either), but
//     it is still reported as covered or assigned.
//   - A unit no candidate can serve at all (outside every candidate's
//     radius, or +Inf to every candidate) is left out of the objective and
//     listed, so one unreachable unit cannot make every answer infinite.
//   - p-median and p-center first minimise the weight left with no open
//     site in reach, then the distance objective; the distance objective
//     is over the units that are served.
//
// The package is pure: values in, values out; no I/O, no domain types.
package site
