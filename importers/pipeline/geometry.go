package pipeline

import (
	"fmt"

	"github.com/paulmach/orb"

	"onemap/layers"
)

// shaper fits geometries to a layer's geometry type: single to multi for
// multi layers, one-part multis to singles for single layers, degenerate
// parts dropped, polygons validated and repaired with GEOS.
type shaper struct {
	want layers.GeometryType
	geos *geosChecker // nil for point and line layers
}

// shape returns g fitted to the layer. repair is "" when g was kept as it
// came, otherwise what was done; err refuses the feature with the reason.
func (s *shaper) shape(g orb.Geometry) (out orb.Geometry, repair string, err error) {
	const op = "pipeline.shape"
	wrongKind := func() error {
		return invalid(op, "几何类型为 %s，而该图层存放 %s", "the geometry is a %s but the layer holds %s", g.GeoJSONType(), s.want)
	}
	switch s.want {
	case layers.PointType:
		switch v := g.(type) {
		case orb.Point:
			return v, "", nil
		case orb.MultiPoint:
			if len(v) == 1 {
				return v[0], "", nil
			}
			return nil, "", invalid(op, "多点要素含 %d 个点，而该图层每个要素只存一个点；请拆分为单点后再导入", "a multipoint with %d points, but the layer holds one point per feature; split it into single points", len(v))
		}
		return nil, "", wrongKind()
	case layers.LineStringType, layers.MultiLineStringType:
		var lines orb.MultiLineString
		switch v := g.(type) {
		case orb.LineString:
			lines = orb.MultiLineString{v}
		case orb.MultiLineString:
			lines = v
		default:
			return nil, "", wrongKind()
		}
		kept := lines[:0:0]
		for _, l := range lines {
			if distinctPoints(l) >= 2 {
				kept = append(kept, l)
			}
		}
		if len(kept) == 0 {
			return nil, "", invalid(op, "线没有两个不同的点", "the line has fewer than two distinct points")
		}
		if len(kept) < len(lines) {
			repair = bilingual(fmt.Sprintf("去掉 %d 段退化为一个点的线", len(lines)-len(kept)), fmt.Sprintf("%d parts that were a single point were removed", len(lines)-len(kept)))
		}
		if s.want == layers.MultiLineStringType {
			return kept, repair, nil
		}
		if len(kept) > 1 {
			return nil, "", invalid(op, "多段线含 %d 段，而该图层每个要素只存一条线；请在 GIS 软件中拆分后再导入", "a multi-part line with %d parts, but the layer holds one line per feature; split it in a GIS tool first", len(kept))
		}
		return kept[0], repair, nil
	case layers.MultiPolygonType:
		var mp orb.MultiPolygon
		switch v := g.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{v}
		case orb.MultiPolygon:
			mp = v
		case orb.Bound:
			mp = orb.MultiPolygon{v.ToPolygon()}
		default:
			return nil, "", wrongKind()
		}
		return s.polygons(mp)
	}
	return nil, "", layers.Errorf(layers.Internal, op, "unknown layer geometry %q", s.want)
}

// polygons drops rings too short to be rings, then validates with GEOS and
// repairs with MakeValid.
func (s *shaper) polygons(mp orb.MultiPolygon) (orb.Geometry, string, error) {
	const op = "pipeline.shape"
	var notes []string
	kept, dropped := mp[:0:0], 0
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) < 4 {
			dropped += len(p)
			continue
		}
		q := orb.Polygon{p[0]}
		for _, h := range p[1:] {
			if len(h) >= 4 {
				q = append(q, h)
			} else {
				dropped++
			}
		}
		kept = append(kept, q)
	}
	if dropped > 0 {
		notes = append(notes, bilingual(fmt.Sprintf("去掉 %d 个少于 4 个点的环", dropped), fmt.Sprintf("%d rings with fewer than 4 points were removed", dropped)))
	}
	if len(kept) == 0 {
		return nil, "", invalid(op, "多边形没有至少 4 个点的外环", "the polygon has no outer ring of at least 4 points")
	}
	valid, reason, fixed, err := s.geos.checkPolygons(kept)
	if err != nil {
		return nil, "", invalid(op, "GEOS 无法读取该多边形：%v", "GEOS cannot read the polygon: %v", err)
	}
	if !valid {
		if len(fixed) == 0 {
			return nil, "", invalid(op, "多边形无效（%s），修复后没有剩下面积", "the polygon is invalid (%s) and nothing with area is left after repair", reason)
		}
		orient(fixed)
		kept = fixed
		notes = append(notes, bilingual(fmt.Sprintf("几何无效（%s），已用 MakeValid 修复为 %d 个多边形", reason, len(fixed)),
			fmt.Sprintf("invalid geometry (%s), repaired with MakeValid into %d polygon(s)", reason, len(fixed))))
	}
	repair := ""
	for i, n := range notes {
		if i > 0 {
			repair += "; "
		}
		repair += n
	}
	return kept, repair, nil
}

// orient gives repaired polygons the RFC 7946 winding: outer rings
// counter-clockwise, holes clockwise.
func orient(mp orb.MultiPolygon) {
	for _, p := range mp {
		for i, r := range p {
			if (i == 0) != (r.Orientation() == orb.CCW) {
				r.Reverse()
			}
		}
	}
}

// distinctPoints counts distinct points of a line, up to 2.
func distinctPoints(l orb.LineString) int {
	if len(l) == 0 {
		return 0
	}
	for _, p := range l[1:] {
		if p != l[0] {
			return 2
		}
	}
	return 1
}
