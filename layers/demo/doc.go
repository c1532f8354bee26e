// Package demo generates the synthetic demo district: Haimen District's real
// frame (121°04′–121°32′E, 31°46′–32°09′N, about 1,149 km², Yangtze estuary
// to the south-west, Yellow Sea to the east) filled with invented but
// plausible emergency data, so that the map, the analyses and the indicators
// have something realistic to work on before the bureau uploads its own.
//
// Every area feature (district outline, streets and towns, villages and
// communities, built-up land, hazard zones) is a union of cells of one
// lattice of roughly 300 m squares whose shared corners are jittered. That
// makes the areas nest and tile exactly (a town is precisely the union of its
// villages), keeps every polygon valid, and still gives borders an organic
// look. Roads run between cell centres, so the network covers the land
// evenly and is connected by construction.
//
// Generation is pure and deterministic: Generate(seed) draws from one PCG
// source seeded with seed and from position hashes of seed, never from map
// iteration order, so the same seed yields byte-identical output. The data is
// labelled as synthetic in every layer's description.
package demo
