package geopackage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"onemap/layers"
)

// File is an opened GeoPackage.
type File struct {
	db   *sql.DB
	name string // as the uploader named it, for messages
}

// Table is one feature table, as gpkg_contents and gpkg_geometry_columns
// describe it.
type Table struct {
	Name           string
	Identifier     string // gpkg_contents.identifier, a human title
	GeometryColumn string
	GeometryType   string // GEOMETRY, POINT, MULTIPOLYGON …
	SRSID          int32
	SRS            *SRS // nil when srs_id is 0 or -1 ("undefined")
}

// SRS is a row of gpkg_spatial_ref_sys.
type SRS struct {
	ID           int32
	Name         string
	Organization string
	CoordsysID   int32
	Definition   string // WKT, or "undefined"
}

// EPSG is the EPSG code the SRS names, or 0.
func (s SRS) EPSG() int {
	if strings.EqualFold(strings.TrimSpace(s.Organization), "EPSG") && s.CoordsysID > 0 {
		return int(s.CoordsysID)
	}
	return 0
}

// sqliteMagic starts every SQLite 3 database file.
const sqliteMagic = "SQLite format 3\x00"

// Open opens the GeoPackage at path read-only. name is how the uploader
// called it, for messages. A file that is not SQLite (whatever its
// extension says), or an SQLite file without the GeoPackage tables, is
// refused with a message saying what it is.
func Open(path, name string) (*File, error) {
	const op = "geopackage.Open"
	f, err := os.Open(path)
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot open the uploaded GeoPackage")
	}
	head := make([]byte, 100)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	if !bytes.HasPrefix(head, []byte(sqliteMagic)) {
		zh, en := whatItIs(head)
		return nil, &layers.Error{Kind: layers.Invalid, Op: op, Msg: fmt.Sprintf("%s 不是 GeoPackage：文件不是 SQLite 数据库（%s）；请上传用 GIS 软件导出的 .gpkg 文件", name, zh) +
			fmt.Sprintf(" (%s is not a GeoPackage: the file is not an SQLite database (%s); upload a .gpkg exported by a GIS tool)", name, en)}
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("immutable", "1")
	q.Add("_pragma", "query_only(1)")
	q.Add("_pragma", "trusted_schema(0)")
	db, err := sql.Open("sqlite", "file:"+u.EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, layers.Wrap(err, layers.Internal, op, "cannot open the uploaded GeoPackage")
	}
	db.SetMaxOpenConns(1)
	g := &File{db: db, name: name}
	var tables int
	err = db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name IN ('gpkg_contents','gpkg_geometry_columns','gpkg_spatial_ref_sys')`).Scan(&tables)
	if err != nil {
		db.Close()
		return nil, invalid(op, "%s 是损坏的 SQLite 文件，无法读取：%v", "%s is a damaged SQLite file and cannot be read: %v", name, err)
	}
	if tables != 3 {
		db.Close()
		return nil, invalid(op, "%s 是 SQLite 数据库但不是 GeoPackage（缺少 gpkg_contents、gpkg_geometry_columns 或 gpkg_spatial_ref_sys 表）",
			"%s is an SQLite database but not a GeoPackage (gpkg_contents, gpkg_geometry_columns or gpkg_spatial_ref_sys is missing)", name)
	}
	return g, nil
}

// whatItIs names what a file's first bytes look like, in Chinese and in
// English, for the message about a lying extension.
func whatItIs(head []byte) (zh, en string) {
	switch {
	case len(head) == 0:
		return "空文件", "an empty file"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "实为 zip 压缩包", "it is a zip archive"
	case len(head) >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x27 && head[3] == 0x0a:
		return "实为 shapefile 的 .shp 文件", "it is a shapefile .shp"
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")):
		return "实为 JSON/GeoJSON 文本", "it is JSON text"
	case bytes.HasPrefix(head, []byte("SQLite format")):
		return "SQLite 版本不受支持", "an unsupported SQLite version"
	}
	return "开头字节无法识别", "its first bytes match no known format"
}

// Close releases the database.
func (g *File) Close() error { return g.db.Close() }

// Tables lists the feature tables, by name. A table whose srs_id has no
// row in gpkg_spatial_ref_sys is refused: the file is damaged, and
// guessing its coordinates would be guessing its position.
func (g *File) Tables(ctx context.Context) ([]Table, error) {
	const op = "geopackage.Tables"
	rows, err := g.db.QueryContext(ctx, `
SELECT c.table_name, COALESCE(c.identifier, ''), gc.column_name, upper(gc.geometry_type_name), gc.srs_id,
       s.srs_id IS NOT NULL, COALESCE(s.srs_name, ''), COALESCE(s.organization, ''), COALESCE(s.organization_coordsys_id, 0), COALESCE(s.definition, '')
FROM gpkg_contents c
JOIN gpkg_geometry_columns gc ON gc.table_name = c.table_name
LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = gc.srs_id
WHERE lower(c.data_type) = 'features'
ORDER BY c.table_name`)
	if err != nil {
		return nil, invalid(op, "无法读取 %s 的 gpkg_contents/gpkg_geometry_columns：%v", "cannot read gpkg_contents/gpkg_geometry_columns of %s: %v", g.name, err)
	}
	defer rows.Close()
	var out []Table
	for rows.Next() {
		var t Table
		var found bool
		var s SRS
		if err := rows.Scan(&t.Name, &t.Identifier, &t.GeometryColumn, &t.GeometryType, &t.SRSID, &found, &s.Name, &s.Organization, &s.CoordsysID, &s.Definition); err != nil {
			return nil, invalid(op, "%s 的 GeoPackage 元数据表内容不合规范：%v", "the GeoPackage metadata tables of %s do not follow the standard: %v", g.name, err)
		}
		switch {
		case found && t.SRSID > 0:
			s.ID = t.SRSID
			t.SRS = &s
		case t.SRSID == 0 || t.SRSID == -1:
			// "undefined geographic" and "undefined Cartesian": the file
			// does not say, as a shapefile without .prj.
		default:
			return nil, invalid(op, "%s 的表 %s 引用坐标系 srs_id=%d，但 gpkg_spatial_ref_sys 中没有该坐标系；文件已损坏，请在 GIS 软件中重新导出",
				"%s: table %s refers to coordinate system srs_id=%d, which gpkg_spatial_ref_sys does not hold; the file is damaged: export it again from the GIS tool", g.name, t.Name, t.SRSID)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, invalid(op, "无法读取 %s 的 GeoPackage 元数据：%v", "cannot read the GeoPackage metadata of %s: %v", g.name, err)
	}
	return out, nil
}

// quote quotes an SQL identifier.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// errDamaged words a read error in the middle of a table.
func (g *File) errDamaged(table string, row int, err error) error {
	if errors.Is(err, errGeometry) {
		detail := strings.TrimPrefix(err.Error(), errGeometry.Error()+": ")
		return invalid("geopackage.Next", "%s 表 %s 第 %d 条要素的几何已损坏：%s", "%s, table %s, feature %d: the geometry is damaged: %s", g.name, table, row, detail)
	}
	return invalid("geopackage.Next", "%s 表 %s 第 %d 条要素处无法读取：%v", "%s, table %s, feature %d cannot be read: %v", g.name, table, row, err)
}
