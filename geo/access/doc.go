// Package access computes spatial accessibility by the two-step floating
// catchment area method (2SFCA) and its distance-decay variants, the
// measure onemap reports as "shelter area within reach per resident".
//
// Step one gives every supply j (a shelter's effective area S_j) a
// supply-to-demand ratio over the demand inside its catchment:
//
//	R_j = S_j / Σ_{k: d_kj ≤ d0_j} w(d_kj) P_k
//
// Step two gives every demand unit i (a census unit or population cell) the
// sum of the ratios it can reach:
//
//	A_i = Σ_{j: d_ij ≤ d0_j} w(d_ij) R_j
//
// The threshold is inclusive (d ≤ d0), as in PySAL access and spopt, and
// each supply has its own catchment radius d0_j because each shelter class
// has its own service radius. The weight w is a named Decay so the API can
// echo exactly which variant produced a number: the un-normalised and the
// catchment-normalised Gaussian give different answers for the same input.
//
// With any decay, Σ_i P_i·A_i = Σ_j S_j over the supplies that have demand
// in range; the tests hold the package to it.
//
// The package is pure: a cost matrix (metres or seconds, +Inf unreachable)
// and vectors in, vectors out; no I/O and no domain types.
package access
