package pipeline

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
)

// geojsonSource streams the features of a GeoJSON FeatureCollection (or a
// single Feature) one at a time with encoding/json's token reader, so a file
// of any size costs one feature of memory. The field list needs the types
// of every value, so opening the source scans the file once before the
// records are read in a second pass.
type geojsonSource struct {
	fsys fs.FS
	name string
	desc Description
	sc   *featureScanner
	n    int
	sum  Summary
}

func openGeoJSON(fsys fs.FS, name string) (Source, error) {
	s := &geojsonSource{fsys: fsys, name: name}
	s.desc = Description{Format: "geojson", Name: strings.TrimSuffix(path.Base(name), path.Ext(name)),
		CRS: "EPSG:4326", CRSReason: bilingual("GeoJSON（RFC 7946）规定坐标为 WGS84 经纬度", "GeoJSON (RFC 7946) coordinates are WGS84 longitude/latitude")}
	if err := s.prescan(); err != nil {
		return nil, err
	}
	sc, err := newFeatureScanner(fsys, name)
	if err != nil {
		return nil, err
	}
	s.sc = sc
	return s, nil
}

// prescan reads every feature once for the field names and types, the
// geometry kind and a legacy "crs" member.
func (s *geojsonSource) prescan() error {
	sc, err := newFeatureScanner(s.fsys, s.name)
	if err != nil {
		return err
	}
	defer sc.close()
	var types typeCollector
	for {
		f, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		for _, k := range f.Keys {
			types.add(k, f.Properties[k])
		}
		if s.desc.Geometry == UnknownKind && f.Geometry != nil {
			s.desc.Geometry = kindOf(f.Geometry)
		}
	}
	if sc.crs != "" {
		code, ok := epsgFromName(sc.crs)
		if !ok {
			return invalid("pipeline.GeoJSON", "GeoJSON 的 crs 成员 %q 不是可识别的 EPSG 代码；请去掉 crs 成员并使用 WGS84 经纬度（RFC 7946），或在导入时指定坐标系",
				"the GeoJSON crs member %q names no EPSG code; drop it and use WGS84 lon/lat (RFC 7946), or choose the coordinate system", sc.crs)
		}
		s.desc.CRS = fmt.Sprintf("EPSG:%d", code)
		s.desc.CRSReason = bilingual(fmt.Sprintf("GeoJSON 文件的 crs 成员指定 %s（旧版 GeoJSON 2008 写法）", sc.crs),
			fmt.Sprintf("the GeoJSON crs member names %s (the 2008 GeoJSON form)", sc.crs))
	}
	s.desc.Fields = types.fields("json")
	return nil
}

func (s *geojsonSource) Describe() Description { return s.desc }

func (s *geojsonSource) Next() (Record, error) {
	for {
		f, err := s.sc.next()
		if err != nil {
			if err == io.EOF {
				s.sum.Records = s.n
			}
			return Record{}, err
		}
		s.n++
		if f.Geometry == nil {
			s.sum.Skipped = append(s.sum.Skipped, Skip{Record: s.n, Reason: bilingual("没有几何（geometry 为 null）", "no geometry (geometry is null)")})
			continue
		}
		attrs := make(map[string]any, len(f.Properties))
		for _, fd := range s.desc.Fields {
			if v, ok := f.Properties[fd.Name]; ok && v != nil {
				attrs[fd.Name] = conform(fd.Type, v)
			}
		}
		return Record{Number: s.n, Geometry: f.Geometry, Attributes: attrs}, nil
	}
}

func (s *geojsonSource) Summary() Summary { return s.sum }
func (s *geojsonSource) Close() error     { return s.sc.close() }

// rawFeature is one decoded GeoJSON feature.
type rawFeature struct {
	Geometry   orb.Geometry
	Properties map[string]any
	Keys       []string // the property names in file order
}

// featureScanner walks a GeoJSON document with a token reader and hands out
// the members of its "features" array one by one; a document that is a
// single Feature is handed out whole.
type featureScanner struct {
	f      fs.File
	dec    *json.Decoder
	name   string
	state  int // 0 before the top object, 1 in its members, 2 in the features array, 3 done
	crs    string
	top    map[string]json.RawMessage // members of a top-level Feature
	topTyp string
}

func newFeatureScanner(fsys fs.FS, name string) (*featureScanner, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, invalid("pipeline.GeoJSON", "无法打开 %s", "cannot open %s", name)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(f, 256<<10))
	dec.UseNumber()
	return &featureScanner{f: f, dec: dec, name: name, top: map[string]json.RawMessage{}}, nil
}

func (sc *featureScanner) close() error { return sc.f.Close() }

func (sc *featureScanner) bad(err error) error {
	var le *layers.Error
	if errors.As(err, &le) {
		return err // a limit of the zip, already worded
	}
	off := sc.dec.InputOffset()
	return invalid("pipeline.GeoJSON", "%s 不是有效的 GeoJSON（约第 %d 字节处）：%v", "%s is not valid GeoJSON (near byte %d): %v", sc.name, off, err)
}

// next returns the next feature, or io.EOF after the last.
func (sc *featureScanner) next() (rawFeature, error) {
	for {
		switch sc.state {
		case 0:
			tok, err := sc.dec.Token()
			if err != nil {
				return rawFeature{}, sc.bad(err)
			}
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return rawFeature{}, invalid("pipeline.GeoJSON", "%s 不是 GeoJSON 对象", "%s is not a GeoJSON object", sc.name)
			}
			sc.state = 1
		case 1:
			if !sc.dec.More() {
				sc.state = 3
				if sc.topTyp == "Feature" {
					return decodeFeature(sc, sc.top)
				}
				if sc.topTyp != "FeatureCollection" {
					return rawFeature{}, invalid("pipeline.GeoJSON", "%s 的 type 为 %q，应为 FeatureCollection 或 Feature", "%s has type %q; a FeatureCollection or a Feature is needed", sc.name, sc.topTyp)
				}
				continue
			}
			tok, err := sc.dec.Token()
			if err != nil {
				return rawFeature{}, sc.bad(err)
			}
			key, _ := tok.(string)
			switch key {
			case "features":
				tok, err := sc.dec.Token()
				if err != nil {
					return rawFeature{}, sc.bad(err)
				}
				if d, ok := tok.(json.Delim); !ok || d != '[' {
					return rawFeature{}, invalid("pipeline.GeoJSON", "%s 的 features 不是数组", "the features member of %s is not an array", sc.name)
				}
				sc.state = 2
			case "type":
				if err := sc.dec.Decode(&sc.topTyp); err != nil {
					return rawFeature{}, sc.bad(err)
				}
			case "crs":
				var c struct {
					Properties struct {
						Name string `json:"name"`
					} `json:"properties"`
				}
				if err := sc.dec.Decode(&c); err != nil {
					return rawFeature{}, sc.bad(err)
				}
				sc.crs = c.Properties.Name
			case "geometry", "properties", "id":
				var raw json.RawMessage
				if err := sc.dec.Decode(&raw); err != nil {
					return rawFeature{}, sc.bad(err)
				}
				sc.top[key] = raw
			default:
				var skip json.RawMessage
				if err := sc.dec.Decode(&skip); err != nil {
					return rawFeature{}, sc.bad(err)
				}
			}
		case 2:
			if !sc.dec.More() {
				if _, err := sc.dec.Token(); err != nil { // the closing ]
					return rawFeature{}, sc.bad(err)
				}
				sc.state = 1
				sc.topTyp = "FeatureCollection"
				continue
			}
			var m map[string]json.RawMessage
			if err := sc.dec.Decode(&m); err != nil {
				return rawFeature{}, sc.bad(err)
			}
			return decodeFeature(sc, m)
		default:
			return rawFeature{}, io.EOF
		}
	}
}

// decodeFeature decodes the geometry and properties of one feature object.
func decodeFeature(sc *featureScanner, m map[string]json.RawMessage) (rawFeature, error) {
	var f rawFeature
	if g := m["geometry"]; len(g) > 0 && string(g) != "null" {
		geom, err := geojson.UnmarshalGeometry(g)
		if err != nil {
			return f, sc.bad(err)
		}
		f.Geometry = geom.Geometry()
	}
	if p := m["properties"]; len(p) > 0 && string(p) != "null" {
		dec := json.NewDecoder(strings.NewReader(string(p)))
		dec.UseNumber()
		if err := dec.Decode(&f.Properties); err != nil {
			return f, sc.bad(err)
		}
		f.Keys = objectKeys(p)
	}
	return f, nil
}

// objectKeys lists the member names of a JSON object in the order written,
// which a map loses: the columns of a new layer follow the file.
func objectKeys(raw json.RawMessage) []string {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// epsgPattern takes the code out of "EPSG:4549", "urn:ogc:def:crs:EPSG::4549"
// and the like.
var epsgPattern = regexp.MustCompile(`(?i)EPSG:{1,2}(?:[0-9.]*:)?(\d+)$`)

// epsgFromName reads a legacy GeoJSON crs name; CRS84 is EPSG:4326.
func epsgFromName(name string) (int, bool) {
	if strings.HasSuffix(strings.ToUpper(name), "CRS84") {
		return 4326, true
	}
	m := epsgPattern.FindStringSubmatch(strings.TrimSpace(name))
	if m == nil {
		return 0, false
	}
	var code int
	fmt.Sscan(m[1], &code)
	return code, code > 0
}

// kindOf is the geometry family of g.
func kindOf(g orb.Geometry) GeometryKind {
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		return PointKind
	case orb.LineString, orb.MultiLineString:
		return LineKind
	case orb.Polygon, orb.MultiPolygon, orb.Bound:
		return PolygonKind
	}
	return UnknownKind
}
