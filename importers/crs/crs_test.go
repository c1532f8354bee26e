package crs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	proj "github.com/twpayne/go-proj/v11"

	"onemap/layers"
)

// TestFromPRJCorpus reads the real .prj files of the shared corpus: ArcGIS's
// ESRI WKT for CGCS2000 and Beijing 1954 Gauss-Krüger, a GDA94 file with a
// numeric AUTHORITY code (which GDAL writes and strict WKT forbids), and a
// plain WGS 84.
func TestFromPRJCorpus(t *testing.T) {
	cases := []struct {
		file       []string
		epsg       int
		name       string
		fileName   string
		geographic bool
		datum      int
		inside     orb.Point // a lon/lat in the area of use
	}{
		{[]string{"generated_cgcs2000", "cgcs2000_gk_cm120e_gbk", "zones.prj"}, 4549, "CGCS2000 / 3-degree Gauss-Kruger CM 120E", "CGCS2000_3_Degree_GK_CM_120E", false, 4490, orb.Point{120.5, 32}},
		{[]string{"generated_cgcs2000", "gk_cpg936", "zones.prj"}, 4549, "CGCS2000 / 3-degree Gauss-Kruger CM 120E", "CGCS2000_3_Degree_GK_CM_120E", false, 4490, orb.Point{120.5, 32}},
		{[]string{"generated_cgcs2000", "cgcs2000_geographic_utf8", "zones.prj"}, 4490, "China Geodetic Coordinate System 2000", "GCS_China_Geodetic_Coordinate_System_2000", true, 4490, orb.Point{121.2, 31.9}},
		{[]string{"gauss_kruger_prj", "gauss_kruger.prj"}, 2435, "Beijing 1954 / 3-degree Gauss-Kruger CM 114E", "Beijing_1954_3_Degree_GK_CM_114E", false, 4214, orb.Point{114, 30}},
		{[]string{"null_shapes", "LGA_2013_AUST.prj"}, 4283, "GDA94", "GCS_GDA_1994", true, 4283, orb.Point{149.1, -35.3}},
		{[]string{"chinese_encodings", "mapshaper_ldid", "chinese.prj"}, 4326, "WGS 84", "GCS_WGS_1984", true, 4326, orb.Point{0, 0}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.file, "/"), func(t *testing.T) {
			got, err := FromPRJ(readText(t, c.file...))
			if err != nil {
				t.Fatalf("FromPRJ: %v", err)
			}
			if got.EPSG != c.epsg || got.Name != c.name || got.FileName != c.fileName {
				t.Errorf("got EPSG:%d %q (file %q), want EPSG:%d %q (file %q)", got.EPSG, got.Name, got.FileName, c.epsg, c.name, c.fileName)
			}
			if got.Confidence < trustedConfidence {
				t.Errorf("confidence %d below %d", got.Confidence, trustedConfidence)
			}
			if got.Geographic != c.geographic || got.DatumEPSG != c.datum {
				t.Errorf("geographic %v datum EPSG:%d, want %v EPSG:%d", got.Geographic, got.DatumEPSG, c.geographic, c.datum)
			}
			if got.Area == nil || got.Area.Derived || !got.Area.Contains(c.inside) {
				t.Errorf("area of use %v does not contain %v", got.Area, c.inside)
			}
			if _, err := ToLonLat(got); err != nil {
				t.Errorf("ToLonLat: %v", err)
			}
		})
	}
}

// TestFromPRJAreaOfUse checks the area against the EPSG database values of
// EPSG:4549 (118.5–121.5°E, 24.43–53.33°N).
func TestFromPRJAreaOfUse(t *testing.T) {
	c, err := FromPRJ(readText(t, "generated_cgcs2000", "cgcs2000_gk_cm120e_gbk", "zones.prj"))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Area
	if a.West != 118.5 || a.East != 121.5 || a.South != 24.43 || a.North != 53.33 || !strings.Contains(a.Name, "China") {
		t.Errorf("area %v, want China 118.5–121.5°E 24.43–53.33°N", a)
	}
	// Haimen's eastern edge is 121.53°E: past the zone edge, within the margin.
	if !a.Contains(orb.Point{121.5333, 32.15}) {
		t.Error("Haimen's eastern edge is refused")
	}
	for _, p := range []orb.Point{{115, 32}, {121.17, 5}, {33, 3.5}} {
		if a.Contains(p) {
			t.Errorf("area contains %v, far outside the zone", p)
		}
	}
}

// TestFromPRJOGC reads OGC WKT1 as GDAL writes it (gdalsrsinfo -o wkt1),
// with its northing-first AXIS lines, and WKT2.
func TestFromPRJOGC(t *testing.T) {
	const ogc = `PROJCS["CGCS2000 / 3-degree Gauss-Kruger CM 120E",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Northing",NORTH],AXIS["Easting",EAST],AUTHORITY["EPSG","4549"]]`
	const wkt2 = `GEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],USAGE[SCOPE["Horizontal component of 3D system."],AREA["China - onshore and offshore."],BBOX[16.7,73.62,53.56,134.77]],ID["EPSG",4490]]`
	for _, c := range []struct {
		wkt  string
		epsg int
	}{{ogc, 4549}, {wkt2, 4490}, {"\uFEFF  " + ogc + "\r\n", 4549}} {
		got, err := FromPRJ(c.wkt)
		if err != nil {
			t.Fatalf("FromPRJ: %v", err)
		}
		if got.EPSG != c.epsg || got.Confidence != 100 {
			t.Errorf("got EPSG:%d at %d%%, want EPSG:%d at 100%%", got.EPSG, got.Confidence, c.epsg)
		}
	}
	// The file's axis order does not change how x/y are read: easting first.
	c, _ := FromPRJ(ogc)
	tr := mustTransformer(t, c, mustEPSG(t, 4326))
	ll := transformPoint(t, tr, orb.Point{610680.222, 3531361.061})
	if !near(ll, orb.Point{121.17, 31.90}, 1e-8) {
		t.Errorf("OGC WKT 4549 (610680.222, 3531361.061) → %v, want (121.17, 31.90)", ll)
	}
}

// TestFromPRJUnidentified covers a Gauss-Krüger on a local central meridian
// (121°E, not an EPSG zone): PROJ cannot name an EPSG code, so the CRS keeps
// the file's name, transforms from its own definition and gets an area
// derived from its central meridian.
func TestFromPRJUnidentified(t *testing.T) {
	const local = `PROJCS["Nantong_Local_GK_CM_121E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",121.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
	c, err := FromPRJ(local)
	if err != nil {
		t.Fatal(err)
	}
	if c.EPSG != 0 || c.Name != "Nantong_Local_GK_CM_121E" || c.DatumEPSG != 4490 {
		t.Errorf("got %s datum EPSG:%d; want the file's name, no EPSG, datum 4490", c, c.DatumEPSG)
	}
	if c.Area == nil || !c.Area.Derived || c.Area.West != 118 || c.Area.East != 124 {
		t.Fatalf("area %v, want derived 118–124°E", c.Area)
	}
	// 121°E lies on the central meridian: easting 500 000 exactly.
	tr := mustTransformer(t, mustEPSG(t, 4326), c)
	en := transformPoint(t, tr, orb.Point{121, 31.9})
	if d := en[0] - 500000; d > 1e-6 || d < -1e-6 {
		t.Errorf("easting on the central meridian %.6f, want 500000", en[0])
	}
	back := mustTransformer(t, c, mustEPSG(t, 4326))
	if _, err := back.Transform(orb.Point{en[1], en[0]}); coordError(t, err).Reason != OutsideArea {
		t.Errorf("swapped coordinate not refused as outside the derived area: %v", err)
	}
}

// TestFromPRJRefuses lists what is not a usable CRS, each with its message.
func TestFromPRJRefuses(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"html page", readText(t, "cpg_variants", "shpjs", "htmlprj.prj"), "HTML"},
		{"unknown projection", readText(t, "gauss_kruger_prj", "three_points.prj"), "不支持"},
		{"empty", " \r\n\x00", "为空"},
		{"proj string", "+proj=longlat +datum=WGS84", "不是 WKT"},
		{"epsg code", "EPSG:4326", "不是 WKT"},
		{"a name PROJ would look up", "WGS 84", "不是 WKT"},
		{"broken wkt", `PROJCS["x",GEOGCS[`, "无法解析"},
		{"geocentric", `GEOCCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["metre",1]]`, "不是平面或经纬度坐标系"},
		{"too large", "GEOGCS[" + strings.Repeat(" ", maxPRJ), "过大"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := FromPRJ(c.text)
			if err == nil {
				t.Fatalf("FromPRJ accepted it as %s", got)
			}
			if !layers.IsKind(err, layers.Invalid) {
				t.Errorf("kind %s, want invalid", layers.KindOf(err))
			}
			if msg := layers.MessageOf(err); !strings.Contains(msg, c.want) || !strings.Contains(msg, "(") {
				t.Errorf("message %q, want it to mention %q and carry an English part", msg, c.want)
			}
		})
	}
}

// TestFromEPSG covers the CRSs DESIGN.md §3 names as supported.
func TestFromEPSG(t *testing.T) {
	cases := []struct {
		code       int
		name       string
		geographic bool
		datum      int
	}{
		{4490, "China Geodetic Coordinate System 2000", true, 4490},
		{4326, "WGS 84", true, 4326},
		{4549, "CGCS2000 / 3-degree Gauss-Kruger CM 120E", false, 4490},
		{4528, "CGCS2000 / 3-degree Gauss-Kruger zone 40", false, 4490},
		{4214, "Beijing 1954", true, 4214},
		{4610, "Xian 1980", true, 4610},
		{2437, "Beijing 1954 / 3-degree Gauss-Kruger CM 120E", false, 4214},
		{2385, "Xian 1980 / 3-degree Gauss-Kruger CM 120E", false, 4610},
		{32651, "WGS 84 / UTM zone 51N", false, 4326},
		{3857, "WGS 84 / Pseudo-Mercator", false, 4326},
	}
	for _, c := range cases {
		got := mustEPSG(t, c.code)
		if got.EPSG != c.code || got.Name != c.name || got.Geographic != c.geographic || got.DatumEPSG != c.datum || got.Confidence != 100 {
			t.Errorf("FromEPSG(%d) = %q EPSG:%d geographic %v datum %d; want %q geographic %v datum %d",
				c.code, got.Name, got.EPSG, got.Geographic, got.DatumEPSG, c.name, c.geographic, c.datum)
		}
		if got.Area == nil || got.Area.Derived {
			t.Errorf("FromEPSG(%d) has no EPSG area of use", c.code)
		}
		if s := got.String(); s != fmt.Sprintf("%s (EPSG:%d)", c.name, c.code) {
			t.Errorf("String() = %q", s)
		}
	}
	for _, bad := range []int{0, -1, 999999, 5773 /* a vertical CRS */, 4978 /* geocentric */} {
		if c, err := FromEPSG(bad); err == nil || !layers.IsKind(err, layers.Invalid) {
			t.Errorf("FromEPSG(%d) = %v, %v; want an invalid error", bad, c, err)
		}
	}
}

// TestGaussKrugerCodes checks the EPSG numbering GaussKrugerZone and
// GaussKrugerCM compute against the names PROJ's database gives, for every
// zone of every datum and width.
func TestGaussKrugerCodes(t *testing.T) {
	n := 0
	for _, d := range []Datum{CGCS2000, Xian1980, Beijing1954} {
		for _, width := range []int{3, 6} {
			prefix := string(d) + " / Gauss-Kruger "
			first, last := 13, 23
			if width == 3 {
				prefix = string(d) + " / 3-degree Gauss-Kruger "
				first, last = 25, 45
			}
			for zone := first; zone <= last; zone++ {
				code, ok := GaussKrugerZone(d, width, zone)
				if !ok {
					t.Fatalf("no %s %d° zone %d", d, width, zone)
				}
				if got, want := mustEPSG(t, code).Name, fmt.Sprintf("%szone %d", prefix, zone); got != want {
					t.Errorf("GaussKrugerZone(%s, %d, %d) = EPSG:%d %q, want %q", d, width, zone, code, got, want)
				}
				cm := CentralMeridian(width, zone)
				code, ok = GaussKrugerCM(d, width, cm)
				if !ok {
					t.Fatalf("no %s %d° CM %d", d, width, cm)
				}
				if got, want := mustEPSG(t, code).Name, fmt.Sprintf("%sCM %dE", prefix, cm); got != want {
					t.Errorf("GaussKrugerCM(%s, %d, %d) = EPSG:%d %q, want %q", d, width, cm, code, got, want)
				}
				n += 2
			}
		}
	}
	if n != 2*3*(21+11) {
		t.Errorf("checked %d codes, want %d", n, 2*3*(21+11))
	}
	for _, c := range []struct {
		width, zone, cm int
	}{{3, 24, 72}, {3, 46, 138}, {6, 12, 69}, {6, 24, 141}} {
		if _, ok := GaussKrugerZone(CGCS2000, c.width, c.zone); ok {
			t.Errorf("GaussKrugerZone(%d, %d) exists; China has no such zone", c.width, c.zone)
		}
		if _, ok := GaussKrugerCM(CGCS2000, c.width, c.cm); ok {
			t.Errorf("GaussKrugerCM(%d, %d) exists; China has no such zone", c.width, c.cm)
		}
	}
	if _, ok := GaussKrugerCM(CGCS2000, 6, 120); ok {
		t.Error("GaussKrugerCM(6, 120) exists; 6° zones are centred on 117 and 123")
	}
}

func near(a, b orb.Point, tol float64) bool {
	return a[0]-b[0] <= tol && b[0]-a[0] <= tol && a[1]-b[1] <= tol && b[1]-a[1] <= tol
}

// TestFromPRJArcGIS reads .prj texts as ArcGIS writes them for the other
// CRSs census uploads come in: zone-prefixed CGCS2000 and Xian 1980, 6°
// Beijing 1954, UTM and Web Mercator (auxiliary sphere).
func TestFromPRJArcGIS(t *testing.T) {
	const (
		gcsCGCS2000 = `GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
		gcsXian     = `GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
		gcsBeijing  = `GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
		gcsWGS84    = `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
		gk          = `PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",%s],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",%s],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`
	)
	cases := []struct {
		wkt  string
		epsg int
	}{
		{`PROJCS["CGCS2000_3_Degree_GK_Zone_40",` + gcsCGCS2000 + `,` + fmt.Sprintf(gk, "40500000.0", "120.0"), 4528},
		{`PROJCS["Xian_1980_3_Degree_GK_Zone_40",` + gcsXian + `,` + fmt.Sprintf(gk, "40500000.0", "120.0"), 2364},
		{`PROJCS["Xian_1980_3_Degree_GK_CM_120E",` + gcsXian + `,` + fmt.Sprintf(gk, "500000.0", "120.0"), 2385},
		{`PROJCS["Beijing_1954_GK_Zone_21",` + gcsBeijing + `,` + fmt.Sprintf(gk, "21500000.0", "123.0"), 21421},
		{`PROJCS["WGS_1984_UTM_Zone_51N",` + gcsWGS84 + `,PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`, 32651},
		{`PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",` + gcsWGS84 + `,PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]`, 3857},
	}
	for _, c := range cases {
		got, err := FromPRJ(c.wkt)
		if err != nil {
			t.Errorf("%s: %v", wktName(c.wkt), err)
			continue
		}
		if got.EPSG != c.epsg {
			t.Errorf("%s: identified as EPSG:%d (%s), want EPSG:%d", wktName(c.wkt), got.EPSG, got.Name, c.epsg)
		}
		// The EPSG code, which the Transformer uses, gives the coordinates
		// the file's own definition gives.
		p := orb.Point{121.17, 31.9}
		a := transformPoint(t, mustTransformer(t, mustEPSG(t, 4326), got), p)
		raw, err := normalized(proj.NewContext(), wgs84, c.wkt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := raw.Forward(proj.NewCoord(p[0], p[1], 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !near(a, orb.Point{b[0], b[1]}, 0.001) {
			t.Errorf("%s: %v → %v as EPSG:%d, %v from the file's definition", wktName(c.wkt), p, a, c.epsg, b)
		}
	}
}

// TestFromPRJTOWGS84 keeps a datum shift the file states: OGC WKT1 with
// TOWGS84 (a PROJ BoundCRS) is identified by its horizontal CRS but
// transforms with the file's parameters, as GDAL does.
func TestFromPRJTOWGS84(t *testing.T) {
	const wkt = `PROJCS["Beijing 1954 / 3-degree Gauss-Kruger CM 120E",GEOGCS["Beijing 1954",DATUM["Beijing_1954",SPHEROID["Krassowsky 1940",6378245,298.3],TOWGS84[15.8,-154.4,-82.3,0,0,0,0]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",120],PARAMETER["scale_factor",1],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]]`
	c, err := FromPRJ(wkt)
	if err != nil {
		t.Fatal(err)
	}
	if c.EPSG != 2437 {
		t.Errorf("identified as EPSG:%d, want 2437", c.EPSG)
	}
	p := orb.Point{121.17, 31.9}
	got := transformPoint(t, mustTransformer(t, mustEPSG(t, 4326), c), p)
	want := gdaltransform(t, "EPSG:4326", wkt, []orb.Point{p})[0]
	if !near(got, want, 0.001) {
		t.Errorf("4326 %v → %v; gdaltransform with the file's TOWGS84 gives %v", p, got, want)
	}
	// Without the shift the result would be tens of metres away.
	plain := transformPoint(t, mustTransformer(t, mustEPSG(t, 4326), mustEPSG(t, 2437)), p)
	if near(got, plain, 10) {
		t.Errorf("the TOWGS84 shift was not applied: %v vs EPSG:2437 %v", got, plain)
	}
}
