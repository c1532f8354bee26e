package shapefile

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// gdalFeature is one feature of ogr2ogr's GeoJSON: properties in column
// order and the geometry (nil for a null shape).
type gdalFeature struct {
	keys     []string
	values   []any
	geometry orb.Geometry
}

// ogrFeatures converts src (a path GDAL opens) to GeoJSON with ogr2ogr,
// coordinates untouched.
func ogrFeatures(t *testing.T, ogr2ogr, src string) []gdalFeature {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, ogr2ogr, "-f", "GeoJSON", "/vsistdout/", src).Output()
	if err != nil {
		t.Fatalf("ogr2ogr %s: %v", src, err)
	}
	var fc struct {
		Features []struct {
			Properties json.RawMessage `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(out, &fc); err != nil {
		t.Fatalf("ogr2ogr output: %v", err)
	}
	feats := make([]gdalFeature, len(fc.Features))
	for i, f := range fc.Features {
		dec := json.NewDecoder(bytes.NewReader(f.Properties))
		dec.UseNumber()
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		for dec.More() {
			k, _ := dec.Token()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			feats[i].keys = append(feats[i].keys, k.(string))
			feats[i].values = append(feats[i].values, v)
		}
		if string(f.Geometry) != "null" && len(f.Geometry) > 0 {
			g, err := geojson.UnmarshalGeometry(f.Geometry)
			if err != nil {
				t.Fatalf("feature %d geometry: %v", i, err)
			}
			feats[i].geometry = g.Geometry()
		}
	}
	return feats
}

// TestValuesAndGeometryMatchOGR2OGR compares every record of every corpus
// shapefile GDAL reads with GDAL's own reading: attribute by attribute
// (text where GDAL knew the encoding) and vertex by vertex, polygons
// matched ring by ring whatever order and orientation either side uses.
func TestValuesAndGeometryMatchOGR2OGR(t *testing.T) {
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogr2ogr is missing; install gdal-bin")
		}
		t.Skip("ogr2ogr is not installed (apt-get install gdal-bin)")
	}
	root, err := filepath.Abs(corpusDir(t))
	if err != nil {
		t.Fatal(err)
	}
	type target struct {
		name string
		fsys fs.FS
		base string
		gdal string
	}
	var targets []target
	for rel, want := range readme(t) {
		d, isDeliberate := deliberate[rel]
		if want == nil || (isDeliberate && d.errHas != "") {
			continue
		}
		full := filepath.Join(root, filepath.FromSlash(rel))
		switch strings.ToLower(filepath.Ext(rel)) {
		case ".shp":
			base := strings.TrimSuffix(filepath.Base(full), filepath.Ext(full))
			targets = append(targets, target{rel, os.DirFS(filepath.Dir(full)), base, full})
		case ".zip":
			a := openZip(t, rel)
			found, _, err := Find(a)
			if err != nil {
				t.Fatal(err)
			}
			for _, ds := range found {
				targets = append(targets, target{rel + ":" + ds.Base, a, ds.Base, "/vsizip/" + full + "/" + ds.Base + ".shp"})
			}
		}
	}
	if len(targets) < 40 {
		t.Fatalf("only %d shapefiles to compare", len(targets))
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			want := ogrFeatures(t, ogr2ogr, tg.gdal)
			r, err := Open(tg.fsys, tg.base, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			fields := r.Fields()
			seen := map[int]bool{}
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if rec.Number > len(want) {
					t.Fatalf("record %d; GDAL has %d features", rec.Number, len(want))
				}
				seen[rec.Number] = true
				w := want[rec.Number-1]
				if w.geometry == nil {
					t.Errorf("record %d has geometry; GDAL has none", rec.Number)
					continue
				}
				if msg := compareGeometry(rec.Geometry, w.geometry); msg != "" {
					t.Errorf("record %d: %s", rec.Number, msg)
				}
				if len(w.keys) != len(fields) {
					t.Fatalf("record %d: %d fields; GDAL has %d", rec.Number, len(fields), len(w.keys))
				}
				for i, f := range fields {
					if msg := compareValue(rec.Attributes[f.Name], w.values[i]); msg != "" {
						t.Errorf("record %d field %s: %s", rec.Number, f.Name, msg)
					}
				}
			}
			for i, w := range want {
				if !seen[i+1] && w.geometry != nil {
					t.Errorf("record %d was skipped; GDAL reads a %s", i+1, w.geometry.GeoJSONType())
				}
			}
		})
	}
}

// compareValue says how ours differs from GDAL's value, or "".
func compareValue(ours, gdal any) string {
	switch g := gdal.(type) {
	case nil:
		if ours != nil {
			return describe(ours, gdal)
		}
	case json.Number:
		x, err := g.Float64()
		var o float64
		switch v := ours.(type) {
		case int64:
			o = float64(v)
		case float64:
			o = v
		default:
			return describe(ours, gdal)
		}
		if err != nil || math.Abs(o-x) > 1e-9*math.Max(1, math.Abs(x)) {
			return describe(ours, gdal)
		}
	case bool:
		if ours != g {
			return describe(ours, gdal)
		}
	case string:
		if strings.ContainsRune(g, '\uFFFD') {
			return "" // GDAL passed undecoded bytes through: nothing to compare
		}
		switch v := ours.(type) {
		case bool: // GDAL 3.6 reads DBF logicals as "T"/"F"
			if v != strings.ContainsAny(g, "TtYy") {
				return describe(ours, gdal)
			}
		case string:
			if v != g && v != strings.ReplaceAll(g, "/", "-") {
				return describe(ours, gdal)
			}
		default:
			return describe(ours, gdal)
		}
	default:
		return describe(ours, gdal)
	}
	return ""
}

func describe(ours, gdal any) string {
	b, _ := json.Marshal(ours)
	c, _ := json.Marshal(gdal)
	return "ours " + string(b) + ", GDAL " + string(c)
}

// compareGeometry says how ours differs from GDAL's geometry, or "".
func compareGeometry(ours, gdal orb.Geometry) string {
	if ours.GeoJSONType() != gdal.GeoJSONType() {
		return "a " + ours.GeoJSONType() + "; GDAL reads a " + gdal.GeoJSONType()
	}
	switch o := ours.(type) {
	case orb.Point:
		if !near(o, gdal.(orb.Point)) {
			return "point differs"
		}
	case orb.MultiPoint:
		if !samePath(o, gdal.(orb.MultiPoint)) {
			return "points differ"
		}
	case orb.LineString:
		if !samePath(o, gdal.(orb.LineString)) {
			return "line differs"
		}
	case orb.MultiLineString:
		g := gdal.(orb.MultiLineString)
		if len(o) != len(g) {
			return "part count differs"
		}
		for i := range o {
			if !samePath(o[i], g[i]) {
				return "a part differs"
			}
		}
	case orb.Polygon, orb.MultiPolygon:
		if !matchPolygons(polygonsOf(ours), strayHolesOut(polygonsOf(gdal))) {
			return "polygons differ"
		}
	}
	return ""
}

func near(a, b orb.Point) bool {
	tol := 1e-9 * math.Max(1, math.Max(math.Abs(b[0]), math.Abs(b[1])))
	return math.Abs(a[0]-b[0]) <= tol && math.Abs(a[1]-b[1]) <= tol
}

func samePath[P ~[]orb.Point](a, b P) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

// strayHolesOut moves a hole that lies wholly outside its outer ring into
// a polygon of its own. GDAL's ONLY_CCW rule puts a counter-clockwise ring
// that no outer ring contains into the largest outer ring anyway (its
// orientation test also differs from the shoelace sign on self-intersecting
// rings, as in invalid_geometries/counties.shp); this reader keeps such a
// ring separate, which is the only reading that is not invalid by
// construction.
func strayHolesOut(ps []orb.Polygon) []orb.Polygon {
	var out []orb.Polygon
	for _, p := range ps {
		kept := orb.Polygon{p[0]}
		for _, h := range p[1:] {
			outside := true
			for _, pt := range h {
				if pointInRing(p[0], pt) != -1 {
					outside = false
					break
				}
			}
			if outside {
				out = append(out, orb.Polygon{h})
			} else {
				kept = append(kept, h)
			}
		}
		out = append(out, kept)
	}
	return out
}

// matchPolygons pairs each of ours with one of GDAL's polygons having the
// same outer ring and the same holes, in any order.
func matchPolygons(ours, gdal []orb.Polygon) bool {
	if len(ours) != len(gdal) {
		return false
	}
	used := make([]bool, len(gdal))
	for _, p := range ours {
		hit := false
		for j, q := range gdal {
			if !used[j] && samePolygon(p, q) {
				used[j], hit = true, true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

func samePolygon(p, q orb.Polygon) bool {
	if len(p) != len(q) || !sameRingNear(p[0], q[0]) {
		return false
	}
	used := make([]bool, len(q))
	for _, h := range p[1:] {
		hit := false
		for j := 1; j < len(q); j++ {
			if !used[j] && sameRingNear(h, q[j]) {
				used[j], hit = true, true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// sameRingNear compares rings as vertex sets with a relative tolerance
// (GDAL prints 15 significant digits).
func sameRingNear(a, b orb.Ring) bool {
	pa, pb := sortedPoints(a), sortedPoints(b)
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if !near(pa[i], pb[i]) {
			return false
		}
	}
	return true
}
