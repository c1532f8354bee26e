package pipeline

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"golang.org/x/text/encoding/simplifiedchinese"

	"onemap/layers"
)

// zonesKeys maps the field names a new zoning layer gets from the
// generated shapefiles to the properties of their source, zones.geojson.
var zonesKeys = map[string]string{
	"code": "编号", "name": "名称", "risk_grade": "风险等级", "area_hm2": "面积公顷", "survey_date": "调查日期",
	"remark": "备注", "risk_level": "risk_level_2023", "risk_lev_1": "risk_level_2024",
}

// fitText is what a text value of zones.geojson becomes in a DBF written
// by ogr2ogr in encoding enc with a column width of width bytes: characters
// the encoding cannot hold are dropped, and the text is cut at the width on
// a character boundary.
func fitText(s, enc string, width int) string {
	var out []byte
	for _, r := range s {
		b := []byte(string(r))
		if enc != "UTF-8" {
			gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(b)
			if err != nil {
				continue
			}
			b = gbk
		}
		if len(out)+len(b) > width {
			break
		}
		out = append(out, b...)
	}
	if enc == "UTF-8" {
		return string(out)
	}
	d, _ := simplifiedchinese.GBK.NewDecoder().Bytes(out)
	return string(d)
}

func TestZoningLayerFromGeneratedShapefiles(t *testing.T) {
	src := zonesGeoJSON(t)
	for _, v := range []struct{ dir, enc string }{
		{"cgcs2000_gk_cm120e_gbk", "GB18030"},
		{"cgcs2000_geographic_utf8", "UTF-8"},
		{"gk_cpg936", "GB18030"},
	} {
		t.Run(v.dir, func(t *testing.T) {
			rep, fs, err := runUpload(t, uploadDir(t, corpus(t, "generated_cgcs2000/"+v.dir)), Options{NewLayer: "risk_zones", Title: "风险区划"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Outcome != Ready || rep.Encoding == nil || rep.Encoding.Name != v.enc {
				t.Fatalf("outcome %s, encoding %+v", rep.Outcome, rep.Encoding)
			}
			if rep.Target.Layer.Kind != layers.Zoning || rep.Target.Layer.Schema.Geometry != layers.MultiPolygonType {
				t.Errorf("target %+v", rep.Target.Layer)
			}
			if err := rep.Target.Layer.Check(); err != nil {
				t.Errorf("the new layer cannot be created: %v", err)
			}
			widths := map[string]int{}
			for _, f := range rep.Fields {
				widths[f.Name] = f.Width
			}
			fieldWidth := map[string]int{}
			for _, m := range rep.Mapping {
				fieldWidth[m.Target] = widths[m.Source]
			}
			// Record 5 is the NULL shape: skipped and listed.
			if rep.Counts.Read != 6 || rep.Counts.Skipped != 1 || len(rep.Skipped) != 1 || rep.Skipped[0].Record != 5 || !strings.Contains(rep.Skipped[0].Reason, "NULL") {
				t.Errorf("counts %+v, skipped %+v", rep.Counts, rep.Skipped)
			}
			// Record 4 is the bowtie: repaired and listed.
			if rep.Counts.Repaired != 1 || len(rep.Repaired) != 1 || rep.Repaired[0].Record != 4 || !strings.Contains(rep.Repaired[0].Reason, "Self-intersection") {
				t.Errorf("repaired %+v", rep.Repaired)
			}
			if rep.Counts.Imported != 5 || len(fs) != 5 || rep.Counts.Rejected != 0 {
				t.Fatalf("imported %d (%d staged), rejected %+v", rep.Counts.Imported, len(fs), rep.Rejected)
			}
			for i, record := range []int{1, 2, 3, 4, 6} {
				want := src.Features[record-1]
				got := fs[i]
				if len(got.Properties) != len(zonesKeys) && record != 4 {
					t.Errorf("record %d: properties %v", record, got.Properties)
				}
				for field, key := range zonesKeys {
					checkValue(t, record, field, got.Properties[field], want.Properties[key], v.enc, fieldWidth[field])
				}
				if record == 4 {
					mp, ok := got.Geometry.(orb.MultiPolygon)
					// The bowtie's two triangles, 0.02° by 0.01° each.
					if !ok || len(mp) != 2 || math.Abs(planar.Area(mp)-2*0.5*0.02*0.01) > 1e-9 {
						t.Errorf("repaired bowtie: %v (area %g)", got.Geometry, planar.Area(got.Geometry))
					}
					continue
				}
				if !sameRings(got.Geometry, want.Geometry, 1e-7) {
					t.Errorf("record %d: geometry %v\nwant %v", record, got.Geometry, want.Geometry)
				}
			}
		})
	}
}

// checkValue compares a staged value with the zones.geojson value.
func checkValue(t *testing.T, record int, field string, got, want any, enc string, width int) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Errorf("record %d %s: %v, want none", record, field, got)
		}
		return
	}
	switch w := want.(type) {
	case float64:
		n, ok := got.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil || f != w {
			t.Errorf("record %d %s: %v, want %v", record, field, got, w)
		}
	case string:
		if field != "survey_date" {
			w = fitText(w, enc, width)
		}
		if got != w {
			t.Errorf("record %d %s: %q, want %q", record, field, got, w)
		}
		if !utf8.ValidString(fmt.Sprint(got)) || strings.ContainsRune(fmt.Sprint(got), '\uFFFD') {
			t.Errorf("record %d %s: damaged text %q", record, field, got)
		}
	default:
		t.Fatalf("unexpected type %T in zones.geojson", want)
	}
}

func TestNoPRJStopsForConfirmation(t *testing.T) {
	dir := uploadDir(t, corpus(t, "generated_cgcs2000/gk_noprj_nocpg_gbk"))
	rep, fs, err := runUpload(t, dir, Options{NewLayer: "risk_zones"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != NeedsCRS || len(fs) != 0 || rep.Counts.Imported != 0 || !rep.Counts.Partial {
		t.Fatalf("outcome %s, %d staged, counts %+v", rep.Outcome, len(fs), rep.Counts)
	}
	if len(rep.CRS.Guesses) == 0 || rep.CRS.Guesses[0].EPSG != 4549 {
		t.Fatalf("guesses %+v", rep.CRS.Guesses)
	}
	if !strings.Contains(rep.Message, "EPSG:4549") || len(rep.Preview) == 0 || rep.Preview[0].Source["名称"] != "青浦示范区一号" {
		t.Errorf("message %q, preview %+v", rep.Message, rep.Preview)
	}

	// Confirmed, it imports like the file with a .prj.
	rep, fs, err = runUpload(t, dir, Options{NewLayer: "risk_zones", CRS: "EPSG:4549"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != Ready || rep.CRS.Source != "uploader" || rep.CRS.EPSG != 4549 || len(fs) != 5 {
		t.Fatalf("confirmed: outcome %s, crs %+v, %d staged", rep.Outcome, rep.CRS, len(fs))
	}
	src := zonesGeoJSON(t)
	if !sameRings(fs[0].Geometry, src.Features[0].Geometry, 1e-7) || fs[0].Properties["name"] != "青浦示范区一号" {
		t.Errorf("first feature %v %v", fs[0].Geometry, fs[0].Properties)
	}
}

func TestEncodingOverrideChangesValues(t *testing.T) {
	dir := uploadDir(t, corpus(t, "generated_cgcs2000/gk_noprj_nocpg_gbk"))
	base := Options{NewLayer: "risk_zones", CRS: "4549"}
	rep, fs, err := runUpload(t, dir, base)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Encoding.Name != "GB18030" || fs[0].Properties["name"] != "青浦示范区一号" {
		t.Fatalf("detected: %+v, %v", rep.Encoding, fs[0].Properties["name"])
	}
	for _, enc := range []string{"UTF-8", "Big5"} {
		o := base
		o.Encoding = enc
		rep, fs, err := runUpload(t, dir, o)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rep.Encoding.Reason, "uploader") {
			t.Errorf("%s: reason %q", enc, rep.Encoding.Reason)
		}
		// The second column holds the names, whatever it is called now.
		name, _ := fs[0].Properties[rep.Target.Layer.Schema.Fields[1].Name].(string)
		if name == "青浦示范区一号" || name == "" {
			t.Errorf("%s: the override did not change the decoded value: %q", enc, name)
		}
		// The preview shows the decoded column names too.
		if rep.Fields[1].Name == "名称" {
			t.Errorf("%s: column name still decoded as GBK", enc)
		}
	}
}

func TestGeoJSONSource(t *testing.T) {
	rep, fs, err := runUpload(t, uploadDir(t, corpus(t, "generated_cgcs2000/zones.geojson")), Options{NewLayer: "risk_zones"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != "geojson" || rep.CRS.EPSG != 4326 || rep.CRS.Source != "format" || rep.Outcome != Ready {
		t.Fatalf("report %+v", rep)
	}
	src := zonesGeoJSON(t)
	if len(fs) != 5 || rep.Counts.Skipped != 1 || rep.Skipped[0].Record != 5 {
		t.Fatalf("%d staged, skipped %+v", len(fs), rep.Skipped)
	}
	names := rep.Target.Layer.Schema.FieldNames()
	if strings.Join(names, ",") != "code,name,risk_grade,area_hm2,survey_date,remark,risk_level_2023,risk_level_2024" {
		t.Errorf("fields %v", names)
	}
	want := src.Features[5].Properties
	got := fs[4].Properties
	if got["name"] != want["名称"] || got["remark"] != want["备注"] || got["survey_date"] != "2024-02-29" {
		t.Errorf("record 6: %v\nwant %v", got, want)
	}
	if !sameRings(fs[0].Geometry, src.Features[0].Geometry, 1e-9) {
		t.Errorf("geometry %v", fs[0].Geometry)
	}
}
