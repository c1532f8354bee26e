package shapefile

import (
	"fmt"

	"onemap/layers"

	"github.com/paulmach/orb"
)

// shapeInfo is what decoding one record noticed beyond its geometry.
type shapeInfo struct {
	null        bool // a Null shape, or one with no points at all
	z, m        bool // Z values, or M values other than "no data", were dropped
	ringsClosed int  // polygon rings whose last point was missing
	orphanHoles int  // counter-clockwise rings inside no outer ring
}

// noDataM is the limit below which an M value means "no data" (spec: any
// value less than -10^38).
const noDataM = -1e38

// decodeShape turns a record's content into 2D orb geometry, exactly as
// stored (no reprojection). want is the file's shape type; a record of
// another type (other than Null) is an error. Every count read from the
// record is checked against the content's length before it sizes anything.
//
// budget is the ring-nesting work the file has left (assemblePolygons).
func decodeShape(want ShapeType, ord int, c []byte, budget *int) (orb.Geometry, shapeInfo, error) {
	var info shapeInfo
	if len(c) < 4 {
		return nil, info, corrupt(ord, "记录短于 4 字节", "shorter than 4 bytes")
	}
	t := ShapeType(int32At(c, 0))
	if t == NullShape {
		info.null = true
		return nil, info, nil
	}
	if t != want {
		return nil, info, invalid("shapefile.Next", "第 %d 条记录的几何类型是 %s，但文件声明为 %s；文件已损坏，请重新导出",
			"record %d holds a %s but the file declares %s; the file is damaged, export it again", ord, t, want)
	}
	switch t.Base() {
	case Point:
		return decodePoint(t, ord, c)
	case MultiPoint:
		return decodeMultiPoint(t, ord, c)
	case PolyLine, Polygon:
		return decodeParts(t, ord, c, budget)
	}
	return nil, info, invalid("shapefile.Next", "不支持的几何类型 %s", "unsupported shape type %s", t)
}

func corrupt(ord int, zh, en string) error {
	return &layers.Error{Kind: layers.Invalid, Op: "shapefile.Next", Msg: bilingual(
		fmt.Sprintf("第 %d 条记录已损坏（%s）；请在 GIS 软件中修复或重新导出", ord, zh),
		fmt.Sprintf("record %d is damaged (%s); repair it in a GIS tool or export it again", ord, en))}
}

func decodePoint(t ShapeType, ord int, c []byte) (orb.Geometry, shapeInfo, error) {
	var info shapeInfo
	if len(c) < 20 {
		return nil, info, corrupt(ord, "点坐标不完整", "the point's coordinates are incomplete")
	}
	p := orb.Point{float(c, 4), float(c, 12)}
	switch {
	case t == PointZ:
		info.z = len(c) >= 28
		info.m = len(c) >= 36 && float(c, 28) > noDataM
	case t == PointM:
		info.m = len(c) >= 28 && float(c, 20) > noDataM
	}
	return p, info, nil
}

func decodeMultiPoint(t ShapeType, ord int, c []byte) (orb.Geometry, shapeInfo, error) {
	var info shapeInfo
	if len(c) < 40 {
		return nil, info, corrupt(ord, "多点记录头不完整", "the multipoint header is incomplete")
	}
	n := int64(int32At(c, 36))
	if n < 0 || 40+16*n > int64(len(c)) {
		return nil, info, corrupt(ord, "点数与记录长度不符", "its point count does not fit its length")
	}
	if n == 0 {
		info.null = true
		return nil, info, nil
	}
	mp := make(orb.MultiPoint, n)
	for i := range mp {
		mp[i] = orb.Point{float(c, 40+16*i), float(c, 48+16*i)}
	}
	info.z, info.m = extraValues(t, c, 40+16*n, n)
	return mp, info, nil
}

// extraValues reports whether the Z block and a meaningful M block follow
// the points at off (n points).
func extraValues(t ShapeType, c []byte, off, n int64) (z, m bool) {
	size := int64(len(c))
	if t.HasZ() {
		if off+16+8*n > size {
			return false, false
		}
		z = true
		off += 16 + 8*n
	}
	if t.HasM() && off+16+8*n <= size {
		for i := int64(0); i < n; i++ {
			if float(c, int(off+16+8*i)) > noDataM {
				return z, true
			}
		}
	}
	return z, false
}

// decodeParts reads a PolyLine or Polygon (and their Z/M forms).
func decodeParts(t ShapeType, ord int, c []byte, budget *int) (orb.Geometry, shapeInfo, error) {
	var info shapeInfo
	if len(c) < 44 {
		return nil, info, corrupt(ord, "记录头不完整", "the record header is incomplete")
	}
	np, npts := int64(int32At(c, 36)), int64(int32At(c, 40))
	if np < 0 || npts < 0 || 44+4*np+16*npts > int64(len(c)) {
		return nil, info, corrupt(ord, "部件数或点数与记录长度不符", "its part or point count does not fit its length")
	}
	if np == 0 && npts == 0 {
		info.null = true
		return nil, info, nil
	}
	if np == 0 || npts == 0 {
		return nil, info, corrupt(ord, "有部件却没有点，或有点却没有部件", "it has parts without points or points without parts")
	}
	starts := make([]int, np+1)
	for i := range np {
		s := int64(int32At(c, int(44+4*i)))
		if (i == 0 && s != 0) || (i > 0 && s <= int64(starts[i-1])) || s >= npts {
			return nil, info, corrupt(ord, "部件起点索引错误", "a part starts at an impossible point")
		}
		starts[i] = int(s)
	}
	starts[np] = int(npts)
	pts := 44 + 4*int(np)
	all := make([]orb.Point, npts)
	for i := range all {
		all[i] = orb.Point{float(c, pts+16*i), float(c, pts+8+16*i)}
	}
	info.z, info.m = extraValues(t, c, int64(pts)+16*npts, npts)
	if t.Base() == PolyLine {
		lines := make(orb.MultiLineString, np)
		for i := range lines {
			lines[i] = orb.LineString(all[starts[i]:starts[i+1]:starts[i+1]])
		}
		if len(lines) == 1 {
			return lines[0], info, nil
		}
		return lines, info, nil
	}
	rings := make([]orb.Ring, np)
	for i := range rings {
		rings[i] = orb.Ring(all[starts[i]:starts[i+1]:starts[i+1]])
	}
	g, closed, orphans, err := assemblePolygons(rings, budget)
	if err != nil {
		return nil, info, invalid("shapefile.Next", "第 %d 条记录有 %d 个环，嵌套关系过于复杂无法判断；请在 GIS 软件中检查该要素",
			"record %d has %d rings nested too intricately to sort out; check that feature in a GIS tool", ord, len(rings))
	}
	info.ringsClosed, info.orphanHoles = closed, orphans
	return g, info, nil
}
