package pipeline

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"onemap/geo/gcj02"
	"onemap/layers"
)

// csvUpload writes text as a CSV upload, GBK-encoded when gbk is set (as
// Excel on Chinese Windows saves it).
func csvUpload(t *testing.T, text string, gbk bool) string {
	t.Helper()
	b := []byte(text)
	if gbk {
		var err error
		if b, err = simplifiedchinese.GBK.NewEncoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.csv"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func entry(rep *Report, target string) MappingEntry {
	for _, e := range rep.Mapping {
		if e.Target == target {
			return e
		}
	}
	return MappingEntry{}
}

func number(v any) float64 {
	n, _ := v.(json.Number).Float64()
	return n
}

func TestShelterMappingFromCensusColumns(t *testing.T) {
	dir := csvUpload(t, "名称,类别,bnsrnrs,占地面积公顷,sfsn,经度,纬度\n"+
		"海门中学操场,紧急避难场所,1200,1.5,否,121.18,31.89\n"+
		"体育馆,室内,800,,是,121.20,31.90\n"+
		"东洲公园,长期固定避难场所,5000,2,否,121.30,31.95\n", true)
	rep, fs, err := runUpload(t, dir, Options{Layer: "shelters", CRS: "EPSG:4490"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != Ready || rep.Encoding.Name != "GB18030" {
		t.Fatalf("outcome %s %s, encoding %+v", rep.Outcome, rep.Message, rep.Encoding)
	}
	if e := entry(rep, "capacity"); e.Source != "bnsrnrs" || !strings.Contains(e.Reason, "避难所容纳人数") {
		t.Errorf("capacity mapping %+v", e)
	}
	if e := entry(rep, "total_area_m2"); e.Source != "占地面积公顷" || e.Factor != 10000 || e.Unit != "hm²" {
		t.Errorf("total area mapping %+v", e)
	}
	if e := entry(rep, "indoor"); e.Source != "sfsn" {
		t.Errorf("indoor mapping %+v", e)
	}
	if e := entry(rep, "effective_area_m2"); e.Source != "" || !strings.Contains(e.Reason, "derived") {
		t.Errorf("effective area mapping %+v", e)
	}
	// 室内 is no shelter class: the required field refuses the record.
	if rep.Counts.Rejected != 1 || rep.Rejected[0].Record != 2 || !strings.Contains(rep.Rejected[0].Reason, "class") {
		t.Fatalf("rejected %+v", rep.Rejected)
	}
	if len(fs) != 2 || rep.Counts.Derived != 2 {
		t.Fatalf("%d staged, counts %+v", len(fs), rep.Counts)
	}
	p := fs[0].Properties
	if p["name"] != "海门中学操场" || p["class"] != "emergency" || number(p["capacity"]) != 1200 || number(p["total_area_m2"]) != 15000 || p["indoor"] != false {
		t.Errorf("first shelter %v", p)
	}
	// Only capacity: effective area = capacity × the class's per-capita rule.
	rules := layers.RuleSet{Rules: layers.DefaultRules()}
	perCapita, _ := rules.Value("shelter.emergency.per_capita_m2")
	if number(p["effective_area_m2"]) != 1200*perCapita || p["effective_area_derived"] != true {
		t.Errorf("derived area %v (rule %g)", p, perCapita)
	}
	long, _ := rules.Value("shelter.long_term.per_capita_m2")
	if q := fs[1].Properties; q["class"] != "long_term" || number(q["effective_area_m2"]) != 5000*long {
		t.Errorf("second shelter %v", q)
	}
}

func TestBuiltinKindsFromCensusCodes(t *testing.T) {
	for _, c := range []struct {
		kind, csv string
		want      map[string]any
	}{
		{"shelters", "mc,lb,yjbncszdmj,yxbnmj,lon,lat\n中心广场,中期,20000,8000,121.2,31.9\n",
			map[string]any{"name": "中心广场", "class": "medium_term", "total_area_m2": 20000.0, "effective_area_m2": 8000.0, "effective_area_derived": false}},
		{"stockpiles", "名称,级别,yxkr,x,y\n区救灾物资仓库,区级,3500,121.2,31.9\n",
			map[string]any{"name": "区救灾物资仓库", "level": "district", "capacity_m3": 3500.0}},
		{"fire_stations", "站名,等级,xfcsl,人员,lng,lat\n海门消防站,一级普通消防站,6,45,121.2,31.9\n",
			map[string]any{"name": "海门消防站", "class": "一级", "staff": 45.0, "engines": map[string]any{"合计": 6.0}}},
		{"hazard_zones", "名称,灾种,风险等级,wkt\n沿江低洼区,洪涝,2,\"POLYGON((121.1 31.8,121.2 31.8,121.2 31.9,121.1 31.8))\"\n",
			map[string]any{"name": "沿江低洼区", "hazard": "flood", "grade": 2.0}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			rep, fs, err := runUpload(t, csvUpload(t, c.csv, false), Options{Layer: c.kind, CRS: "4490"})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Outcome != Ready || len(fs) != 1 {
				t.Fatalf("outcome %s %s, %d staged, rejected %+v, mapping %+v", rep.Outcome, rep.Message, len(fs), rep.Rejected, rep.Mapping)
			}
			for k, want := range c.want {
				got := fs[0].Properties[k]
				if n, ok := got.(json.Number); ok {
					got = number(n)
				}
				if m, ok := got.(map[string]any); ok {
					for mk, mv := range m {
						if n, ok := mv.(json.Number); ok {
							m[mk] = number(n)
						}
					}
				}
				if !equalJSON(got, want) {
					t.Errorf("%s = %v, want %v (mapping %+v)", k, got, want, entry(rep, k))
				}
			}
		})
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestRequiredFieldWithoutColumnNeedsMapping(t *testing.T) {
	dir := csvUpload(t, "场所,类别,经度,纬度\n北广场,紧急,121.2,31.9\n", false)
	rep, fs, err := runUpload(t, dir, Options{Layer: "shelters", CRS: "4490"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != NeedsMapping || len(rep.MissingRequired) != 1 || rep.MissingRequired[0] != "name" || len(fs) != 0 {
		t.Fatalf("outcome %s, missing %v, %d staged", rep.Outcome, rep.MissingRequired, len(fs))
	}
	rep, fs, err = runUpload(t, dir, Options{Layer: "shelters", CRS: "4490", Mapping: map[string]string{"name": "场所"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != Ready || len(fs) != 1 || fs[0].Properties["name"] != "北广场" || entry(rep, "name").Reason == "" {
		t.Fatalf("mapped: outcome %s, %+v", rep.Outcome, fs)
	}
	// A mapping that names a column the file lacks is the uploader's error.
	if _, _, err := runUpload(t, dir, Options{Layer: "shelters", CRS: "4490", Mapping: map[string]string{"name": "名字"}}); !layers.IsKind(err, layers.Invalid) || !strings.Contains(err.Error(), "名字") {
		t.Errorf("unknown source column: %v", err)
	}
}

func TestCSVWithoutCRSNeedsConfirmation(t *testing.T) {
	dir := csvUpload(t, "名称,经度,纬度\n甲,121.2,31.9\n乙,121.3,32.0\n", false)
	rep, _, err := runUpload(t, dir, Options{NewLayer: "points"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Outcome != NeedsCRS || len(rep.CRS.Guesses) < 2 || rep.CRS.Guesses[0].EPSG != 4490 {
		t.Fatalf("outcome %s, guesses %+v", rep.Outcome, rep.CRS.Guesses)
	}
	gcj := false
	for _, g := range rep.CRS.Guesses {
		gcj = gcj || g.GCJ02
	}
	if !gcj {
		t.Error("lon/lat in China must offer the GCJ-02 reading")
	}
}

func TestGCJ02Correction(t *testing.T) {
	dir := csvUpload(t, "名称,经度,纬度\n甲,121.2,31.9\n", false)
	_, plain, err := runUpload(t, dir, Options{NewLayer: "points", CRS: "4490"})
	if err != nil {
		t.Fatal(err)
	}
	rep, fixed, err := runUpload(t, dir, Options{NewLayer: "points", CRS: "4490", GCJ02: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.CRS.GCJ02 || len(fixed) != 1 {
		t.Fatalf("%+v", rep.CRS)
	}
	a, b := plain[0].Geometry.Bound().Min, fixed[0].Geometry.Bound().Min
	// GCJ-02 is about 480 m off at Haimen, and the corrected point is the
	// one whose GCJ-02 image is the input.
	if d := math.Hypot((a[0]-b[0])*94000, (a[1]-b[1])*111000); d < 300 || d > 900 {
		t.Errorf("correction moved the point %.0f m, from %v to %v", d, a, b)
	}
	if back := gcj02.FromWGS84(b); math.Abs(back[0]-a[0]) > 1e-8 || math.Abs(back[1]-a[1]) > 1e-8 {
		t.Errorf("GCJ-02 of the corrected point is %v, want %v", back, a)
	}
}

func TestRejectsCoordinatesOutsideTheArea(t *testing.T) {
	dir := csvUpload(t, "名称,x,y\n好,605000,3442600\n坏,3442600,605000\n空,NaN,1\n", false)
	rep, fs, err := runUpload(t, dir, Options{NewLayer: "points", CRS: "EPSG:4549"})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || rep.Counts.Rejected != 2 {
		t.Fatalf("%d staged, rejected %+v", len(fs), rep.Rejected)
	}
	if !strings.Contains(rep.Rejected[0].Reason, "swapped") || rep.Rejected[0].Record != 2 {
		t.Errorf("swapped axes: %+v", rep.Rejected[0])
	}
	if !strings.Contains(rep.Rejected[1].Reason, "finite") || rep.Rejected[1].Record != 3 {
		t.Errorf("NaN: %+v", rep.Rejected[1])
	}
}

// TestOrderAcrossBatches checks that the staged features and the lists of
// the report keep record order when the steps run on several goroutines.
func TestOrderAcrossBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("名称,容纳人数,经度,纬度\n")
	const rows = 3000
	for i := 1; i <= rows; i++ {
		capacity := fmt.Sprint(i)
		if i%7 == 0 {
			capacity = "约" + capacity // unreadable: left empty and counted
		}
		lon := "121.2"
		if i%11 == 0 {
			lon = "NaN" // refused
		}
		fmt.Fprintf(&b, "点%d,%s,%s,31.9\n", i, capacity, lon)
	}
	rep, fs, err := runUpload(t, csvUpload(t, b.String(), false), Options{NewLayer: "points", CRS: "4490", Mapping: nil})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Counts.Rejected != rows/11 || len(fs) != rows-rows/11 {
		t.Fatalf("counts %+v, %d staged", rep.Counts, len(fs))
	}
	k := 0
	for i := 1; i <= rows; i++ {
		if i%11 == 0 {
			continue
		}
		if fs[k].Properties["name"] != fmt.Sprintf("点%d", i) {
			t.Fatalf("staged feature %d is %v, want 点%d", k, fs[k].Properties["name"], i)
		}
		k++
	}
	for j, r := range rep.Rejected {
		if r.Record != 11*(j+1) {
			t.Fatalf("rejected #%d is record %d, want %d", j, r.Record, 11*(j+1))
		}
	}
}
