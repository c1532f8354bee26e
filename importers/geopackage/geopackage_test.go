package geopackage

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// blob builds a GeoPackage geometry: header (flags, srs_id, envelope) and
// the WKB.
func blob(order binary.AppendByteOrder, flags byte, srs int32, env []float64, wkb []byte) []byte {
	b := []byte{'G', 'P', 0, flags, 0, 0, 0, 0}
	b = order.AppendUint32(b[:4], uint32(srs))
	for _, v := range env {
		b = order.AppendUint64(b, math.Float64bits(v))
	}
	return append(b, wkb...)
}

// wkbPointZ is an ISO WKB PointZ (type 1001), little endian.
func wkbPointZ(x, y, z float64) []byte {
	b := []byte{1}
	b = binary.LittleEndian.AppendUint32(b, 1001)
	for _, v := range []float64{x, y, z} {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func TestDecodeGeometryHeader(t *testing.T) {
	// Big-endian header (flags bit 0 clear), no envelope, a PointZ.
	g, err := DecodeGeometry(blob(binary.BigEndian, 0, 4549, nil, wkbPointZ(600000, 3440000, 5)))
	if err != nil || g.SRSID != 4549 || !g.Z || g.Geometry != (orb.Point{600000, 3440000}) {
		t.Fatalf("%+v %v", g, err)
	}
	// Envelope indicator 2 (xyz, 48 bytes) around the point.
	g, err = DecodeGeometry(blob(binary.LittleEndian, 1|2<<1, 4490, []float64{1, 1, 2, 2, 5, 5}, wkbPointZ(1, 2, 5)))
	if err != nil || g.Geometry != (orb.Point{1, 2}) {
		t.Fatalf("%+v %v", g, err)
	}
	// Empty flag with an empty (NaN) point: no geometry, no error.
	g, err = DecodeGeometry(blob(binary.LittleEndian, 1|0x10, 4490, nil, wkbPointZ(math.NaN(), math.NaN(), math.NaN())))
	if err != nil || g.Geometry != nil {
		t.Fatalf("empty: %+v %v", g, err)
	}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"no magic", []byte("XX\x00\x01\x00\x00\x00\x00"), `"GP"`},
		{"version 2", append([]byte{'G', 'P', 1, 1, 0, 0, 0, 0}, wkbPointZ(1, 2, 3)...), "version 2"},
		{"extended", blob(binary.LittleEndian, 1|0x20, 1, nil, wkbPointZ(1, 2, 3)), "extended"},
		{"indicator 7", blob(binary.LittleEndian, 1|7<<1, 1, nil, wkbPointZ(1, 2, 3)), "indicator 7"},
		{"short envelope", blob(binary.LittleEndian, 1|4<<1, 1, []float64{0, 1}, nil), "64-byte envelope"},
		{"empty flag with coordinates", blob(binary.LittleEndian, 1|0x10, 1, nil, wkbPointZ(1, 2, 3)), "empty flag"},
		{"trailing bytes", blob(binary.LittleEndian, 1, 1, nil, append(wkbPointZ(1, 2, 3), 0)), "follow the end"},
		{"circular string", blob(binary.LittleEndian, 1, 1, nil, []byte{1, 8, 0, 0, 0, 0, 0, 0, 0}), "CircularString"},
	} {
		if _, err := DecodeGeometry(c.b); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// TestZGeometriesAgainstGDAL converts the corpus's Z and M shapefiles to a
// GeoPackage with ogr2ogr and reads them back: x and y equal GDAL's own
// reading of the same file flattened to XY, and Z/M are reported.
func TestZGeometriesAgainstGDAL(t *testing.T) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		t.Skip("ogr2ogr (gdal-bin) is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	corpus := filepath.Join("..", "..", "..", "shared", "data", "shapefiles", "z_m_types")
	p := filepath.Join(t.TempDir(), "zm.gpkg")
	for i, shp := range []string{"polygonm.shp", "export_polylinez.shp", "multipointz.shp"} {
		args := []string{"-f", "GPKG", p, filepath.Join(corpus, shp)}
		if i > 0 {
			args = append([]string{"-update"}, args...)
		}
		if out, err := exec.CommandContext(ctx, ogr2ogr, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %s: %v\n%s", shp, err, out)
		}
	}
	g, err := Open(p, "zm.gpkg")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	tables, err := g.Tables(ctx)
	if err != nil || len(tables) != 3 {
		t.Fatalf("tables %+v %v", tables, err)
	}
	// The upload is opened read-only: nothing it holds can be changed.
	if _, err := g.db.ExecContext(ctx, `CREATE TABLE probe (a)`); err == nil {
		t.Error("the GeoPackage was opened writable")
	}
	for _, tb := range tables {
		out, err := exec.CommandContext(ctx, ogr2ogr, "-f", "GeoJSON", "-dim", "XY", "-lco", "COORDINATE_PRECISION=15", "/vsistdout/", p, tb.Name).Output()
		if err != nil {
			t.Fatalf("ogr2ogr %s: %v", tb.Name, err)
		}
		var fc geojson.FeatureCollection
		if err := json.Unmarshal(out, &fc); err != nil {
			t.Fatal(err)
		}
		cols, pk, _, err := g.Columns(ctx, tb)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := g.Rows(ctx, tb, cols, pk)
		if err != nil {
			t.Fatal(err)
		}
		n, zm := 0, false
		for {
			row, ok, err := rows.Next()
			if err != nil {
				t.Fatalf("%s: %v", tb.Name, err)
			}
			if !ok {
				break
			}
			if n >= len(fc.Features) {
				t.Fatalf("%s: more rows than GDAL's %d", tb.Name, len(fc.Features))
			}
			want := fc.Features[n].Geometry
			n++
			if row.Geometry == nil || want == nil {
				if (row.Geometry == nil || row.Geometry.Geometry == nil) != (want == nil) {
					t.Errorf("%s row %d: geometry %v, GDAL %v", tb.Name, n, row.Geometry, want)
				}
				continue
			}
			zm = zm || row.Geometry.Z || row.Geometry.M
			if !orb.Equal(normal(row.Geometry.Geometry), normal(want)) {
				t.Errorf("%s row %d:\n got %v\nGDAL %v", tb.Name, n, row.Geometry.Geometry, want)
			}
		}
		rows.Close()
		if n != len(fc.Features) || !zm {
			t.Errorf("%s: %d rows (GDAL %d), Z/M seen %v", tb.Name, n, len(fc.Features), zm)
		}
	}
}

// normal turns a single-part multi geometry into its part, as GeoJSON
// writers and WKB may differ on that only.
func normal(g orb.Geometry) orb.Geometry {
	switch v := g.(type) {
	case orb.MultiPolygon:
		if len(v) == 1 {
			return v[0]
		}
	case orb.MultiLineString:
		if len(v) == 1 {
			return v[0]
		}
	}
	return g
}
