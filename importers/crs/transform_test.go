package crs

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	proj "github.com/twpayne/go-proj/v11"

	"onemap/layers"
)

// domainVectors are DOMAIN.md's PROJ 9 / GDAL 3.6 test vectors: EPSG:4326
// lon/lat and the EPSG:4549 easting/northing, printed to the millimetre.
var domainVectors = []struct {
	lonLat          orb.Point
	easting, northg float64
}{
	{orb.Point{121.17, 31.90}, 610680.222, 3531361.061},
	{orb.Point{121.0667, 31.7667}, 601052.845, 3516478.280},
	{orb.Point{121.5333, 32.15}, 644657.507, 3559515.809},
}

// TestDomainVectorsForward: EPSG:4326 → EPSG:4549 and EPSG:4528 to the
// millimetre, easting first.
func TestDomainVectorsForward(t *testing.T) {
	wgs := mustEPSG(t, 4326)
	to4549 := mustTransformer(t, wgs, mustEPSG(t, 4549))
	to4528 := mustTransformer(t, wgs, mustEPSG(t, 4528))
	for _, v := range domainVectors {
		got := transformPoint(t, to4549, v.lonLat)
		// The vectors are rounded to 1 mm, so they are exact to 0.5 mm.
		if math.Abs(got[0]-v.easting) > 0.0005 || math.Abs(got[1]-v.northg) > 0.0005 {
			t.Errorf("4326 %v → 4549 (%.4f, %.4f), want E %.3f N %.3f", v.lonLat, got[0], got[1], v.easting, v.northg)
		}
		got = transformPoint(t, to4528, v.lonLat)
		if math.Abs(got[0]-(40e6+v.easting)) > 0.0005 || math.Abs(got[1]-v.northg) > 0.0005 {
			t.Errorf("4326 %v → 4528 (%.4f, %.4f), want E %.3f N %.3f", v.lonLat, got[0], got[1], 40e6+v.easting, v.northg)
		}
	}
}

// TestDomainVectorsInverse: EPSG:4549 and EPSG:4528 → EPSG:4326 to 1e-8°
// (≈ 1 mm), longitude first.
func TestDomainVectorsInverse(t *testing.T) {
	from4549, err := ToLonLat(mustEPSG(t, 4549))
	if err != nil {
		t.Fatal(err)
	}
	from4528, err := ToLonLat(mustEPSG(t, 4528))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range domainVectors {
		if got := transformPoint(t, from4549, orb.Point{v.easting, v.northg}); !near(got, v.lonLat, 1e-8) {
			t.Errorf("4549 (%.3f, %.3f) → %.10f, want %v", v.easting, v.northg, got, v.lonLat)
		}
		if got := transformPoint(t, from4528, orb.Point{40e6 + v.easting, v.northg}); !near(got, v.lonLat, 1e-8) {
			t.Errorf("4528 (%.3f, %.3f) → %.10f, want %v", 40e6+v.easting, v.northg, got, v.lonLat)
		}
	}
	if w := from4549.Warning(); w != nil {
		t.Errorf("CGCS2000 → WGS 84 warns %q; the datums agree within centimetres", w.En)
	}
}

// TestAxisOrderNormalised shows what the normalisation protects against:
// PROJ with the EPSG axis order takes latitude first and gives northing
// first for EPSG:4549; the Transformer takes and gives x/y.
func TestAxisOrderNormalised(t *testing.T) {
	raw, err := proj.NewCRSToCRS("EPSG:4326", "EPSG:4549", nil)
	if err != nil {
		t.Fatal(err)
	}
	v := domainVectors[0]
	c, err := raw.Forward(proj.NewCoord(v.lonLat[1], v.lonLat[0], 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c[0]-v.northg) > 0.001 || math.Abs(c[1]-v.easting) > 0.001 {
		t.Fatalf("raw EPSG order gave (%.3f, %.3f); expected northing first", c[0], c[1])
	}
	got := transformPoint(t, mustTransformer(t, mustEPSG(t, 4326), mustEPSG(t, 4549)), v.lonLat)
	if math.Abs(got[0]-v.easting) > 0.001 || math.Abs(got[1]-v.northg) > 0.001 {
		t.Errorf("Transformer gave (%.3f, %.3f); want easting first", got[0], got[1])
	}
}

// TestSupportedCRSs round-trips a point at the centre of Haimen through
// every supported family and cross-checks the forward result with GDAL's
// gdaltransform, which reaches PROJ through its own code: axis order and
// operation choice are checked independently of this package.
func TestSupportedCRSs(t *testing.T) {
	codes := []int{4490, 4549, 4528, 32651, 3857, 4214, 4610}
	// Each Gauss-Krüger series at Haimen's zone and at its westmost zone, in
	// both variants; TestGaussKrugerCodes checks the numbering of the rest.
	for _, d := range []Datum{CGCS2000, Xian1980, Beijing1954} {
		for _, z := range []struct{ width, zone int }{{3, 40}, {3, 25}, {6, 21}, {6, 13}} {
			code, _ := GaussKrugerZone(d, z.width, z.zone)
			codes = append(codes, code)
			code, _ = GaussKrugerCM(d, z.width, CentralMeridian(z.width, z.zone))
			codes = append(codes, code)
		}
	}
	wgs := mustEPSG(t, 4326)
	for _, code := range codes {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			t.Parallel()
			checkSupported(t, wgs, code)
		})
	}
}

// checkSupported compares one EPSG code with gdaltransform and round-trips
// through it.
func checkSupported(t *testing.T, wgs *CRS, code int) {
	c := mustEPSG(t, code)
	// Haimen's centre when the CRS is meant for it, else the area's centre.
	a := c.Area
	p := orb.Point{121.2, 31.95}
	if p[0] < a.West || p[0] > a.East || p[1] < a.South || p[1] > a.North {
		p = orb.Point{(a.West + a.East) / 2, (a.South + a.North) / 2}
	}
	fwd := transformPoint(t, mustTransformer(t, wgs, c), p)
	ref := gdaltransform(t, "EPSG:4326", "EPSG:"+strconv.Itoa(code), []orb.Point{p})[0]
	tol := 0.001 // metres
	if c.Geographic {
		tol = 1e-8 // degrees
	}
	if math.Abs(fwd[0]-ref[0]) > tol || math.Abs(fwd[1]-ref[1]) > tol {
		t.Errorf("EPSG:%d: 4326 %v → (%.6f, %.6f); gdaltransform gives (%.6f, %.6f)", code, p, fwd[0], fwd[1], ref[0], ref[1])
	}
	if got := transformPoint(t, mustTransformer(t, c, wgs), fwd); !near(got, p, 1e-8) {
		t.Errorf("EPSG:%d: round trip of %v ends at %.10f", code, p, got)
	}
}

// TestCGCS2000IsWGS84 checks DESIGN.md's premise: PROJ's 4490 → 4326 is a
// no-op.
func TestCGCS2000IsWGS84(t *testing.T) {
	tr, err := ToLonLat(mustEPSG(t, 4490))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []orb.Point{{121.17, 31.9}, {75, 39}, {134, 48}} {
		if got := transformPoint(t, tr, p); got != p {
			t.Errorf("4490 %v → 4326 %v; want unchanged", p, got)
		}
	}
}

// TestBeijing1954Warning: Beijing 1954 onshore has no datum shift PROJ
// trusts, and the Transformer says so.
func TestBeijing1954Warning(t *testing.T) {
	c, err := FromPRJ(readText(t, "gauss_kruger_prj", "gauss_kruger.prj"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ToLonLat(c)
	if err != nil {
		t.Fatal(err)
	}
	w := tr.Warning()
	if w == nil || !strings.Contains(w.Zh, "Beijing 1954") || !strings.Contains(w.En, "Beijing 1954") {
		t.Errorf("warning %v; want a caution about the Beijing 1954 datum shift", w)
	}
}

// TestTransformEveryType transforms every orb geometry type from EPSG:4549
// and compares each vertex with the single-point result; the input is left
// unchanged and the type kept.
func TestTransformEveryType(t *testing.T) {
	tr, err := ToLonLat(mustEPSG(t, 4549))
	if err != nil {
		t.Fatal(err)
	}
	a := orb.Point{domainVectors[0].easting, domainVectors[0].northg}
	b := orb.Point{domainVectors[1].easting, domainVectors[1].northg}
	c := orb.Point{domainVectors[2].easting, domainVectors[2].northg}
	ring := orb.Ring{a, b, c, a}
	hole := orb.Ring{{605000, 3530000}, {606000, 3530000}, {606000, 3531000}, {605000, 3530000}}
	geoms := []orb.Geometry{
		a,
		orb.MultiPoint{a, b, c},
		orb.LineString{a, b, c},
		orb.MultiLineString{{a, b}, {b, c}},
		ring,
		orb.Polygon{ring, hole},
		orb.MultiPolygon{{ring, hole}, {ring}},
		orb.Collection{a, orb.LineString{b, c}, orb.Polygon{ring}},
		orb.LineString{},
	}
	for _, g := range geoms {
		before := orb.Clone(g)
		got, err := tr.Transform(g)
		if err != nil {
			t.Fatalf("%T: %v", g, err)
		}
		if got.GeoJSONType() != g.GeoJSONType() {
			t.Errorf("%T became %T", g, got)
		}
		if !orb.Equal(g, before) {
			t.Errorf("%T: Transform modified its input", g)
		}
		in, out := flatten(g, nil), flatten(got, nil)
		if len(in) != len(out) {
			t.Fatalf("%T: %d vertices became %d", g, len(in), len(out))
		}
		for i := range in {
			if want := transformPoint(t, tr, in[i]); out[i] != want {
				t.Errorf("%T vertex %d: %v, want %v", g, i, out[i], want)
			}
		}
	}
	// A Bound becomes the bound of its transformed corners.
	got, err := tr.Transform(orb.Bound{Min: b, Max: c})
	if err != nil {
		t.Fatal(err)
	}
	bb := got.(orb.Bound)
	lo, hi := transformPoint(t, tr, b), transformPoint(t, tr, c)
	if !bb.Contains(lo) || !bb.Contains(hi) || bb.Max[0] > 121.6 || bb.Min[0] < 121.0 {
		t.Errorf("bound %v does not span %v–%v", bb, lo, hi)
	}
	if g, err := tr.Transform(nil); g != nil || err != nil {
		t.Errorf("Transform(nil) = %v, %v", g, err)
	}
}

// TestTransformRefuses: NaN, Inf, swapped axes and coordinates outside the
// area of use are refused per feature, with the reason.
func TestTransformRefuses(t *testing.T) {
	from4549, err := ToLonLat(mustEPSG(t, 4549))
	if err != nil {
		t.Fatal(err)
	}
	good := orb.Point{610680.222, 3531361.061}

	t.Run("swapped axes", func(t *testing.T) {
		_, err := from4549.Transform(orb.Point{3531361, 610680})
		ce := coordError(t, err)
		if ce.Reason != OutsideArea || !ce.Swapped || ce.Count != 1 {
			t.Errorf("got %+v; want outside_area, swapped", ce)
		}
		want := "坐标 (3531361, 610680) 超出 CGCS2000 / 3-degree Gauss-Kruger CM 120E 的适用范围 — 东西坐标与南北坐标可能颠倒 (coordinates outside the CRS's area of use: easting/northing may be swapped)"
		if msg := layers.MessageOf(err); msg != want {
			t.Errorf("message\n%s\nwant\n%s", msg, want)
		}
	})
	t.Run("not a number", func(t *testing.T) {
		for _, bad := range []orb.Point{{math.NaN(), 3531361}, {610680, math.Inf(1)}, {math.Inf(-1), math.NaN()}} {
			_, err := from4549.Transform(orb.LineString{good, bad, good})
			ce := coordError(t, err)
			if ce.Reason != NotFinite || ce.Index != 1 {
				t.Errorf("%v: got %+v; want not_finite at index 1", bad, ce)
			}
			if msg := layers.MessageOf(err); !strings.Contains(msg, "不是有效数字") || !strings.Contains(msg, "not a finite number") {
				t.Errorf("message %q", msg)
			}
		}
	})
	t.Run("outside the zone", func(t *testing.T) {
		// Northing 1 000 km: 9°N, far south of the zone's 24.43°N.
		_, err := from4549.Transform(orb.Polygon{{good, {500000, 1000000}, {600000, 1000000}, good}})
		ce := coordError(t, err)
		if ce.Reason != OutsideArea || ce.Swapped || ce.Index != 1 || ce.Count != 2 {
			t.Errorf("got %+v; want outside_area at index 1, not swapped, 2 refused", ce)
		}
		if math.Abs(ce.LonLat[0]-120) > 1e-6 || math.Abs(ce.LonLat[1]-9.04) > 0.01 {
			t.Errorf("landed at %v; want about (120, 9.04)", ce.LonLat)
		}
		msg := layers.MessageOf(err)
		for _, want := range []string{"超出", "24.43°N", "请确认坐标系", "2 个坐标"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
	})
	t.Run("lat/lon swapped in a geographic CRS", func(t *testing.T) {
		tr, err := ToLonLat(mustEPSG(t, 4490))
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Transform(orb.Point{31.9, 121.17})
		if ce := coordError(t, err); !ce.Swapped {
			t.Errorf("got %+v; want swapped", ce)
		}
	})
	t.Run("wrong CRS", func(t *testing.T) {
		// A Haimen lon/lat read as GDA94 (Australia).
		gda, err := FromPRJ(readText(t, "null_shapes", "LGA_2013_AUST.prj"))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := ToLonLat(gda)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Transform(orb.MultiPoint{{149.1, -35.3}, {121.17, 31.9}})
		if ce := coordError(t, err); ce.Reason != OutsideArea || ce.Index != 1 || ce.Swapped {
			t.Errorf("got %+v; want outside_area at index 1", ce)
		}
	})
	t.Run("projection cannot invert", func(t *testing.T) {
		// Web Mercator northing beyond the pole.
		tr, err := ToLonLat(mustEPSG(t, 3857))
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Transform(orb.Point{13488582, 1e12})
		if ce := coordError(t, err); ce.Reason != TransformFailed && ce.Reason != OutsideArea {
			t.Errorf("got %+v; want transform_failed or outside_area", ce)
		}
	})
	// The good feature still goes through the same Transformer.
	if _, err := from4549.Transform(good); err != nil {
		t.Errorf("a good point after refusals: %v", err)
	}
}

// TestShapefileMatchesSource cross-checks the whole chain on the corpus: the
// EPSG:4549 shapefile that ogr2ogr made from zones.geojson, read with its
// .prj and transformed back to EPSG:4326, must give the GeoJSON's vertices
// within 1e-7°.
func TestShapefileMatchesSource(t *testing.T) {
	dir := []string{"generated_cgcs2000", "cgcs2000_gk_cm120e_gbk"}
	c, err := FromPRJ(readText(t, append(dir, "zones.prj")...))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ToLonLat(c)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection([]byte(readText(t, "generated_cgcs2000", "zones.geojson")))
	if err != nil {
		t.Fatal(err)
	}
	records := readShpPolygons(t, shapefiles(t, append(dir, "zones.shp")...))
	if len(records) != len(fc.Features) {
		t.Fatalf("%d shapefile records, %d GeoJSON features", len(records), len(fc.Features))
	}
	checked := 0
	for i, rec := range records {
		var want []orb.Point
		if g := fc.Features[i].Geometry; g != nil {
			want = flatten(g, nil)
		}
		if rec == nil || want == nil {
			if (rec == nil) != (want == nil) {
				t.Errorf("feature %d: NULL shape in one file only", i)
			}
			continue
		}
		got, err := tr.Transform(orb.MultiPoint(rec))
		if err != nil {
			t.Fatalf("feature %d: %v", i, err)
		}
		pts := got.(orb.MultiPoint)
		if len(pts) != len(want) {
			t.Errorf("feature %d: %d vertices, GeoJSON has %d", i, len(pts), len(want))
			continue
		}
		// Shapefile writers may reverse ring orientation, so match each
		// vertex with the nearest one of the source, both ways.
		for _, p := range pts {
			if d := nearest(p, want); d > 1e-7 {
				t.Errorf("feature %d: vertex %v is %.2g° from every source vertex", i, p, d)
			}
			checked++
		}
		for _, w := range want {
			if d := nearest(w, pts); d > 1e-7 {
				t.Errorf("feature %d: source vertex %v has no transformed vertex within %.2g°", i, w, d)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d vertices checked", checked)
	}
}

func nearest(p orb.Point, in []orb.Point) float64 {
	best := math.Inf(1)
	for _, q := range in {
		best = min(best, math.Max(math.Abs(p[0]-q[0]), math.Abs(p[1]-q[1])))
	}
	return best
}

// BenchmarkTransform4549 transforms 100,000 points from EPSG:4549 to
// EPSG:4326: as one geometry (PROJ's throughput) and as 10,000 ten-vertex
// polygons (the per-feature cost an import pays).
func BenchmarkTransform4549(b *testing.B) {
	tr, err := ToLonLat(mustEPSG(b, 4549))
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	pts := make(orb.MultiPoint, n)
	for i := range pts {
		pts[i] = orb.Point{600000 + float64(i%1000)*40, 3510000 + float64(i/1000)*500}
	}
	b.Run("one geometry", func(b *testing.B) {
		for b.Loop() {
			if _, err := tr.Transform(pts); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/point")
	})
	b.Run("10000 polygons", func(b *testing.B) {
		polys := make([]orb.Polygon, n/10)
		for i := range polys {
			r := make(orb.Ring, 10)
			copy(r, pts[i*10:i*10+9])
			r[9] = r[0]
			polys[i] = orb.Polygon{r}
		}
		for b.Loop() {
			for _, p := range polys {
				if _, err := tr.Transform(p); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/point")
	})
}
