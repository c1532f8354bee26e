package pipeline

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"onemap/importers/osm"
	"onemap/layers"
)

// osmSource yields the roads of an OpenStreetMap file (.osm.pbf or .osm)
// as package importers/osm cuts them: one record per piece of road between
// junctions, its attributes already named as the roads layer's fields, in
// WGS84 lon/lat. The whole file is read when the source opens: ways need
// every node's position before the first road can be cut.
type osmSource struct {
	desc  Description
	roads []layers.Feature
	next  int
	sum   Summary
}

// isOSM reports whether a file name is an OSM extract's.
func isOSM(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".osm.pbf") || strings.HasSuffix(n, ".pbf") || strings.HasSuffix(n, ".osm")
}

func openOSM(fsys fs.FS, name string) (Source, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, "pipeline.OSM", "cannot open "+name)
	}
	defer f.Close()
	res, err := osm.Read(f, osm.Limits{})
	if err != nil {
		return nil, err
	}
	base := path.Base(name)
	for _, ext := range []string{".osm.pbf", ".pbf", ".osm"} {
		if strings.HasSuffix(strings.ToLower(base), ext) {
			base = base[:len(base)-len(ext)]
			break
		}
	}
	s := &osmSource{roads: res.Roads}
	s.desc = Description{Format: "osm", Name: base, Geometry: LineKind, CRS: "EPSG:4326",
		CRSReason: bilingual("OpenStreetMap 数据的坐标为 WGS84 经纬度", "OpenStreetMap coordinates are WGS84 longitude/latitude")}
	roads, _ := layers.BuiltinLayer(layers.Roads)
	for _, fl := range roads.Schema.Fields {
		s.desc.Fields = append(s.desc.Fields, Field{Name: fl.Name, Type: fl.Type, SourceType: "osm"})
	}
	rep := res.Report
	s.sum.Records = len(res.Roads)
	s.sum.Warnings = append(s.sum.Warnings, bilingual(
		fmt.Sprintf("OSM %s：%d 条机动车道路切分为 %d 段（在与其他路线共用的节点处切分），%d 条转向限制；未导入 %d 条非机动车道路（人行道、自行车道等）",
			rep.Format, rep.Ways, rep.Roads, rep.Restrictions, rep.OtherHighways),
		fmt.Sprintf("OSM %s: %d car roads cut into %d pieces at the nodes they share with other ways, %d turn restrictions; %d other highways (footways, cycleways, …) left out",
			rep.Format, rep.Ways, rep.Roads, rep.Restrictions, rep.OtherHighways)))
	if rep.MissingNodes > 0 {
		s.sum.Warnings = append(s.sum.Warnings, bilingual(
			fmt.Sprintf("文件缺少 %d 个被道路引用的节点（道路被提取范围截断），这些道路只导入文件内的部分", rep.MissingNodes),
			fmt.Sprintf("the file lacks %d nodes its roads use (roads cut by the extract's edge); only their part inside the file is imported", rep.MissingNodes)))
	}
	if rep.ShortWays > 0 {
		s.sum.Warnings = append(s.sum.Warnings, bilingual(
			fmt.Sprintf("%d 条道路不足两个节点，未导入", rep.ShortWays),
			fmt.Sprintf("%d roads have fewer than two nodes and are not imported", rep.ShortWays)))
	}
	if rep.RestrictionsSkip > 0 {
		s.sum.Warnings = append(s.sum.Warnings, bilingual(
			fmt.Sprintf("%d 条转向限制未导入：%s", rep.RestrictionsSkip, strings.Join(rep.RestrictionReason, "; ")),
			fmt.Sprintf("%d turn restrictions not imported: %s", rep.RestrictionsSkip, strings.Join(rep.RestrictionReason, "; "))))
	}
	return s, nil
}

func (s *osmSource) Describe() Description { return s.desc }

func (s *osmSource) Next() (Record, error) {
	if s.next >= len(s.roads) {
		return Record{}, io.EOF
	}
	f := s.roads[s.next]
	s.next++
	return Record{Number: s.next, Geometry: f.Geometry, Attributes: f.Properties}, nil
}

func (s *osmSource) Summary() Summary { return s.sum }

func (s *osmSource) Close() error { return nil }
