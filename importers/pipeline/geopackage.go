package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"onemap/importers/geopackage"
	"onemap/layers"
)

// A GeoPackage dataset is named "<file>.gpkg/<table>": each feature table
// of the file is a dataset, as each shapefile of a zip is.
const gpkgSep = ".gpkg/"

// splitGPKG splits a GeoPackage dataset name into the file and the table.
func splitGPKG(name string) (file, table string, ok bool) {
	i := strings.Index(strings.ToLower(name), gpkgSep)
	if i < 0 {
		return "", "", false
	}
	return name[:i+len(".gpkg")], name[i+len(gpkgSep):], true
}

// gpkgPath returns a path on disk for the GeoPackage p of the upload:
// SQLite reads files, not streams, so a GeoPackage inside a zip is copied
// out once (through the archive's limits, which count the real bytes) into
// a temporary folder removed by Close.
func (u *Upload) gpkgPath(p string) (string, error) {
	if u.dir != "" && u.file == nil {
		return filepath.Join(u.dir, filepath.FromSlash(p)), nil
	}
	if q, ok := u.extracted[p]; ok {
		return q, nil
	}
	const op = "pipeline.GeoPackage"
	if u.tmp == "" {
		d, err := os.MkdirTemp("", "onemap-gpkg-")
		if err != nil {
			return "", layers.Wrap(err, layers.Internal, op, "cannot make a temporary folder for the GeoPackage")
		}
		u.tmp = d
	}
	src, err := u.fsys.Open(p)
	if err != nil {
		return "", invalid(op, "无法打开 %s", "cannot open %s", p)
	}
	defer src.Close()
	dst, err := os.CreateTemp(u.tmp, "*.gpkg")
	if err != nil {
		return "", layers.Wrap(err, layers.Internal, op, "cannot copy the GeoPackage out of the zip")
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var le *layers.Error
		if errors.As(err, &le) {
			return "", le // a limit of the zip, already worded
		}
		return "", layers.Wrap(err, layers.Internal, op, "cannot copy the GeoPackage out of the zip")
	}
	if u.extracted == nil {
		u.extracted = map[string]string{}
	}
	u.extracted[p] = dst.Name()
	return dst.Name(), nil
}

// gpkgDatasets lists the feature tables of the GeoPackage p as datasets.
func (u *Upload) gpkgDatasets(p string) ([]Dataset, error) {
	file, err := u.gpkgPath(p)
	if err != nil {
		return nil, err
	}
	g, err := geopackage.Open(file, p)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	tables, err := g.Tables(context.Background())
	if err != nil {
		return nil, err
	}
	if len(tables) == 0 {
		return nil, invalid("pipeline.GeoPackage", "%s 中没有要素表（gpkg_contents 中没有 data_type 为 features 的表）",
			"%s holds no feature table (no gpkg_contents row with data_type features)", p)
	}
	out := make([]Dataset, len(tables))
	for i, t := range tables {
		out[i] = Dataset{Name: p + "/" + t.Name, Format: "geopackage"}
	}
	return out, nil
}

// gpkgSource reads one feature table of a GeoPackage.
type gpkgSource struct {
	g    *geopackage.File
	rows *geopackage.Rows
	desc Description
	sum  Summary
	z, m bool
}

func (u *Upload) openGeoPackage(name string) (Source, error) {
	file, table, ok := splitGPKG(name)
	if !ok {
		return nil, layers.Errorf(layers.Internal, "pipeline.GeoPackage", "bad GeoPackage dataset name %q", name)
	}
	disk, err := u.gpkgPath(file)
	if err != nil {
		return nil, err
	}
	g, err := geopackage.Open(disk, file)
	if err != nil {
		return nil, err
	}
	s := &gpkgSource{g: g}
	if err := s.open(file, table); err != nil {
		g.Close()
		return nil, err
	}
	return s, nil
}

func (s *gpkgSource) open(file, table string) error {
	ctx := context.Background()
	tables, err := s.g.Tables(ctx)
	if err != nil {
		return err
	}
	var t *geopackage.Table
	for i := range tables {
		if tables[i].Name == table {
			t = &tables[i]
		}
	}
	if t == nil {
		return invalid("pipeline.GeoPackage", "%s 中没有要素表 %s", "%s has no feature table %s", file, table)
	}
	cols, pk, blobs, err := s.g.Columns(ctx, *t)
	if err != nil {
		return err
	}
	s.desc = Description{Format: "geopackage", Name: t.Name, Geometry: gpkgKind(t.GeometryType)}
	if srs := t.SRS; srs != nil {
		where := fmt.Sprintf("gpkg_spatial_ref_sys srs_id=%d", srs.ID)
		switch {
		case srs.EPSG() > 0:
			s.desc.CRS = fmt.Sprintf("EPSG:%d", srs.EPSG())
			s.desc.CRSReason = bilingual(fmt.Sprintf("GeoPackage 的 %s 指定 %s:%d（%s）", where, srs.Organization, srs.CoordsysID, srs.Name),
				fmt.Sprintf("the GeoPackage's %s names %s:%d (%s)", where, srs.Organization, srs.CoordsysID, srs.Name))
		case !strings.EqualFold(strings.TrimSpace(srs.Definition), "undefined") && strings.TrimSpace(srs.Definition) != "":
			s.desc.PRJ = srs.Definition // read through PROJ like a .prj
		}
	}
	for _, c := range cols {
		s.desc.Fields = append(s.desc.Fields, Field{Name: c.Name, Type: c.Type, SourceType: c.Declared})
	}
	if len(blobs) > 0 {
		s.sum.Warnings = append(s.sum.Warnings, bilingual("二进制（BLOB）列未导入："+strings.Join(blobs, ", "), "binary (BLOB) columns are not imported: "+strings.Join(blobs, ", ")))
	}
	if s.desc.Geometry == UnknownKind { // a GEOMETRY column: the first geometry decides
		rows, err := s.g.Rows(ctx, *t, nil, pk)
		if err != nil {
			return err
		}
		for s.desc.Geometry == UnknownKind {
			row, ok, err := rows.Next()
			if err != nil {
				rows.Close()
				return err
			}
			if !ok {
				break
			}
			if row.Geometry != nil && row.Geometry.Geometry != nil {
				s.desc.Geometry = kindOf(row.Geometry.Geometry)
			}
		}
		rows.Close()
	}
	rows, err := s.g.Rows(ctx, *t, cols, pk)
	if err != nil {
		return err
	}
	s.rows = rows
	return nil
}

// gpkgKind is the geometry family of a gpkg_geometry_columns type name;
// GEOMETRY (any) leaves it to the records.
func gpkgKind(typ string) GeometryKind {
	switch strings.ToUpper(typ) {
	case "POINT", "MULTIPOINT":
		return PointKind
	case "LINESTRING", "MULTILINESTRING", "CURVE", "MULTICURVE", "COMPOUNDCURVE", "CIRCULARSTRING":
		return LineKind
	case "POLYGON", "MULTIPOLYGON", "SURFACE", "MULTISURFACE", "CURVEPOLYGON":
		return PolygonKind
	}
	return UnknownKind
}

func (s *gpkgSource) Describe() Description { return s.desc }

func (s *gpkgSource) Next() (Record, error) {
	for {
		row, ok, err := s.rows.Next()
		if err != nil {
			return Record{}, err
		}
		if !ok {
			return Record{}, io.EOF
		}
		s.sum.Records = row.Number
		if row.Geometry == nil || row.Geometry.Geometry == nil {
			why := bilingual("没有几何（NULL）", "no geometry (NULL)")
			if row.Geometry != nil {
				why = bilingual("几何为空（empty）", "the geometry is empty")
			}
			s.sum.Skipped = append(s.sum.Skipped, Skip{Record: row.Number, Reason: why})
			continue
		}
		s.z = s.z || row.Geometry.Z
		s.m = s.m || row.Geometry.M
		return Record{Number: row.Number, Geometry: row.Geometry.Geometry, Attributes: row.Values}, nil
	}
}

func (s *gpkgSource) Summary() Summary {
	sum := s.sum
	if s.z || s.m {
		sum.Warnings = append(sum.Warnings, bilingual("几何带有 Z/M 值，导入时只保留平面坐标", "the geometries carry Z/M values; only x and y are imported"))
	}
	return sum
}

func (s *gpkgSource) Close() error {
	if s.rows != nil {
		s.rows.Close()
	}
	return s.g.Close()
}

// isGPKG reports whether p is named as a GeoPackage.
func isGPKG(p string) bool { return strings.EqualFold(path.Ext(p), ".gpkg") }
