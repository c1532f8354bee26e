package gcj02

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// GeometryToWGS84 returns a copy of g, a geometry in GCJ-02 lon/lat, with every
// point moved back to WGS84 by ToWGS84. g itself is left unchanged, so a
// preview of the uncorrected data stays intact.
func GeometryToWGS84(g orb.Geometry) orb.Geometry {
	if g == nil {
		return nil
	}
	return project.Geometry(orb.Clone(g), ToWGS84)
}

// GeometryFromWGS84 returns a copy of g, a geometry in WGS84 lon/lat, in
// GCJ-02: what a Chinese web map would show for it. g itself is unchanged.
func GeometryFromWGS84(g orb.Geometry) orb.Geometry {
	if g == nil {
		return nil
	}
	return project.Geometry(orb.Clone(g), FromWGS84)
}
