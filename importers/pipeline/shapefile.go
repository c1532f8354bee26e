package pipeline

import (
	"fmt"
	"io/fs"

	"onemap/importers/shapefile"
)

// Encoding is a decided text encoding and why, for the report.
type Encoding struct {
	Name     string   `json:"name"`
	Reason   string   `json:"reason"`
	Warnings []string `json:"warnings,omitempty"`
}

// shapefileSource reads one shapefile with package shapefile's streaming
// reader.
type shapefileSource struct {
	r    *shapefile.Reader
	desc Description
}

func openShapefile(fsys fs.FS, base, encodingOverride string) (Source, error) {
	r, err := shapefile.Open(fsys, base, shapefile.Options{Encoding: encodingOverride})
	if err != nil {
		return nil, err
	}
	s := &shapefileSource{r: r}
	s.desc = Description{Format: "shapefile", Name: r.Name(), PRJ: r.PRJ(), Geometry: shapeKind(r.ShapeType())}
	for _, f := range r.Fields() {
		st := fmt.Sprintf("%c(%d)", f.Type, f.Length)
		if f.Decimals > 0 {
			st = fmt.Sprintf("%c(%d,%d)", f.Type, f.Length, f.Decimals)
		}
		s.desc.Fields = append(s.desc.Fields, Field{Name: f.Name, Original: f.Original, Type: f.Kind, SourceType: st, Width: f.Length})
	}
	if c := r.EncodingChoice(); c.Name != "" {
		s.desc.Encoding = &Encoding{Name: c.Name, Reason: c.Reason, Warnings: c.Warnings}
	}
	return s, nil
}

// shapeKind is the geometry family of a shape type.
func shapeKind(t shapefile.ShapeType) GeometryKind {
	switch t {
	case shapefile.Point, shapefile.PointZ, shapefile.PointM, shapefile.MultiPoint, shapefile.MultiPointZ, shapefile.MultiPointM:
		return PointKind
	case shapefile.PolyLine, shapefile.PolyLineZ, shapefile.PolyLineM:
		return LineKind
	case shapefile.Polygon, shapefile.PolygonZ, shapefile.PolygonM:
		return PolygonKind
	}
	return UnknownKind
}

func (s *shapefileSource) Describe() Description { return s.desc }

func (s *shapefileSource) Next() (Record, error) {
	rec, err := s.r.Next()
	if err != nil {
		return Record{}, err
	}
	return Record{Number: rec.Number, Geometry: rec.Geometry, Attributes: rec.Attributes}, nil
}

func (s *shapefileSource) Summary() Summary {
	rep := s.r.Report()
	sum := Summary{Records: rep.Records, Warnings: rep.Warnings}
	for _, n := range rep.NullShapes {
		sum.Skipped = append(sum.Skipped, Skip{Record: n, Reason: bilingual("没有几何（空图形）", "no geometry (NULL shape)")})
	}
	for _, n := range rep.Deleted {
		sum.Skipped = append(sum.Skipped, Skip{Record: n, Reason: bilingual("在 .dbf 中标记为已删除", "marked deleted in the .dbf")})
	}
	return sum
}

func (s *shapefileSource) Close() error { return s.r.Close() }
