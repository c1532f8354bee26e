package crs

import (
	"fmt"
	"strconv"
	"strings"

	"onemap/layers"
)

// CRS is a coordinate reference system an upload is in, as PROJ understands
// it. It is a value: build it with FromPRJ or FromEPSG, then hand it to
// ToLonLat or NewTransformer.
type CRS struct {
	// Name is PROJ's name for the CRS: the EPSG name when PROJ identified
	// it ("CGCS2000 / 3-degree Gauss-Kruger CM 120E"), otherwise PROJ's
	// reading of the file's name (ESRI names mapped to EPSG spelling where
	// PROJ knows them).
	Name string
	// FileName is the name as written in the .prj ("CGCS2000_3_Degree_GK_
	// CM_120E"), kept for the report; empty for FromEPSG.
	FileName string
	// EPSG is the EPSG code PROJ identified, 0 when it could not tell.
	EPSG int
	// Confidence is PROJ's confidence in EPSG, in percent: 100 for FromEPSG
	// and for an exact match, 90 when only the name differs by an alias, 70
	// when the definition is equivalent under another name, 50 when the name
	// is the same and only the declared axis order differs (which Transformer
	// normalises anyway). Other matches are not trusted and leave EPSG at 0.
	Confidence int
	// Geographic is true for longitude/latitude in degrees, false for a
	// projected CRS in metres.
	Geographic bool
	// Datum names the geodetic CRS underneath ("China Geodetic Coordinate
	// System 2000", "Beijing 1954"); DatumEPSG is its EPSG code, 0 if unknown.
	Datum     string
	DatumEPSG int
	// Area is where the CRS is meant to be used, in lon/lat degrees; nil
	// when neither the file nor the EPSG database says and no area can be
	// derived from the projection.
	Area *Area

	// def is what PROJ builds transformations from: "EPSG:n" for an
	// identified CRS, otherwise the WKT2 PROJ made of the file.
	def string
}

// String names the CRS for reports: "CGCS2000 / 3-degree Gauss-Kruger CM
// 120E (EPSG:4549)".
func (c *CRS) String() string {
	if c.EPSG != 0 {
		return c.Name + " (EPSG:" + strconv.Itoa(c.EPSG) + ")"
	}
	return c.Name
}

// geographicDef is the lon/lat CRS on c's own datum ("EPSG:4490" under
// CGCS2000 Gauss-Krüger), or EPSG:4326 when the datum is not identified.
// PROJ builds it from c as a plain conversion, without the datum-shift
// search a transformation to WGS84 costs.
func (c *CRS) geographicDef() string {
	if c.DatumEPSG != 0 {
		return "EPSG:" + strconv.Itoa(c.DatumEPSG)
	}
	return wgs84
}

// maxPRJ bounds the .prj text PROJ is asked to parse. Real ones are under
// 1 KiB; the largest WKT2 with every USAGE stays far below 64 KiB.
const maxPRJ = 64 << 10

// trustedConfidence is the lowest identify confidence taken as the EPSG
// code: from 70 up PROJ has found an equivalent definition, below it only a
// similar name.
const trustedConfidence = 70

// axisOnlyConfidence is what PROJ gives an EPSG entry of the same name
// whose definition differs only in the declared axis order — GDAL's OGC WKT1
// with AXIS["Easting",EAST] for a northing-first EPSG CRS. Transformer
// normalises axis order, so for onemap it is the same CRS.
const axisOnlyConfidence = 50

// FromPRJ reads the text of a .prj file: ESRI WKT1 as ArcGIS writes it
// (PROJECTION["Gauss_Kruger"], GCS_China_Geodetic_Coordinate_System_2000),
// OGC WKT1 from GDAL, or WKT2. PROJ parses it tolerantly (GDAL's habits, such
// as a numeric AUTHORITY code, are accepted) and identifies it against the
// EPSG database. Anything that is not a usable horizontal CRS — an HTML page
// saved as .prj, an "Unknown Projection", a geocentric or vertical CRS — is
// an Invalid error saying what was found.
func FromPRJ(wkt string) (*CRS, error) {
	const op = "crs.FromPRJ"
	if len(wkt) > maxPRJ {
		return nil, layers.Errorf(layers.Invalid, op,
			".prj 文件过大 (%d 字节), 不是坐标系定义 (the .prj is %d bytes, too large to be a coordinate system definition)", len(wkt), len(wkt))
	}
	text := strings.TrimSpace(strings.Trim(strings.TrimPrefix(wkt, "\uFEFF"), "\x00"))
	if text == "" {
		return nil, layers.Errorf(layers.Invalid, op,
			".prj 文件为空, 请提供坐标系或在导入时指定 EPSG 代码 (the .prj is empty; supply the coordinate system or choose an EPSG code)")
	}
	if !looksLikeWKT(text) {
		if looksLikeHTML(text) {
			return nil, layers.Errorf(layers.Invalid, op,
				".prj 文件是一个网页 (HTML), 不是坐标系定义, 可能是下载时保存错了; 请重新导出 .prj 或在导入时指定 EPSG 代码 (the .prj is an HTML page, not a coordinate system: re-export it or choose an EPSG code)")
		}
		return nil, layers.Errorf(layers.Invalid, op,
			".prj 文件不是 WKT 坐标系定义 (开头为 %q); 请重新导出 .prj 或在导入时指定 EPSG 代码 (the .prj is not WKT; re-export it or choose an EPSG code)", preview(text))
	}
	d, perr, ok := describe(text, true)
	if !ok {
		return nil, &layers.Error{Kind: layers.Invalid, Op: op,
			Msg: "PROJ 无法解析 .prj 中的坐标系定义; 请重新导出 .prj 或在导入时指定 EPSG 代码 (PROJ cannot parse the .prj; re-export it or choose an EPSG code)",
			Err: fmt.Errorf("proj: %s", perr)}
	}
	c, err := fromDescription(op, d)
	if err != nil {
		return nil, err
	}
	c.FileName = wktName(text)
	return c, nil
}

// wktName is the name the file itself gives, the first quoted string:
// PROJ replaces ESRI names by their EPSG aliases on parsing, and the report
// should show what the uploader's software wrote.
func wktName(text string) string {
	_, rest, ok := strings.Cut(text, "\"")
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, "\"")
	if !ok {
		return ""
	}
	return name
}

// FromEPSG returns the CRS with the given EPSG code, e.g. 4549 for CGCS2000
// 3-degree Gauss-Krüger CM 120E.
func FromEPSG(code int) (*CRS, error) {
	const op = "crs.FromEPSG"
	d, perr, ok := describe("EPSG:"+strconv.Itoa(code), false)
	if !ok {
		return nil, &layers.Error{Kind: layers.Invalid, Op: op,
			Msg: fmt.Sprintf("EPSG:%d 不是已知的坐标系代码 (EPSG:%d is not a known coordinate system)", code, code),
			Err: fmt.Errorf("proj: %s", perr)}
	}
	// PROJ resolves the code itself; identification only confirms it.
	d.code, d.codeName, d.confidence, d.ties = code, d.name, 100, 0
	return fromDescription(op, d)
}

// fromDescription turns what PROJ said into a CRS, refusing what onemap
// cannot place on a map.
func fromDescription(op string, d description) (*CRS, error) {
	geographic := d.horizType == typeGeographic2D || d.horizType == typeGeographic3D
	if !geographic && d.horizType != typeProjected {
		return nil, layers.Errorf(layers.Invalid, op,
			"%q 不是平面或经纬度坐标系 (如地心或高程坐标系), 无法放到地图上 (%q is not a horizontal coordinate system; onemap needs longitude/latitude or a map projection)", d.name, d.name)
	}
	if d.projString == "" {
		return nil, layers.Errorf(layers.Invalid, op,
			"PROJ 不支持坐标系 %q 的投影方法; 请重新导出 .prj 或在导入时指定 EPSG 代码 (PROJ does not support the projection method of %q; re-export the .prj or choose an EPSG code)", d.name, d.name)
	}
	c := &CRS{
		Name:       d.name,
		Geographic: geographic,
		Datum:      d.baseName,
		Area:       d.area,
	}
	if d.baseConfidence >= trustedConfidence {
		c.DatumEPSG = d.baseCode
	}
	identified := d.code != 0 &&
		(d.confidence >= trustedConfidence && (d.ties == 0 || d.confidence == 100) ||
			d.confidence >= axisOnlyConfidence && strings.EqualFold(d.codeName, d.name))
	if identified {
		c.EPSG, c.Confidence, c.Name = d.code, d.confidence, d.codeName
	}
	switch {
	case identified && d.typ != typeBound:
		// The EPSG entry is equivalent and carries the database's datum
		// transformations, exactly as GDAL would use them.
		c.def = "EPSG:" + strconv.Itoa(d.code)
	case d.wkt2 != "":
		// A BoundCRS keeps the TOWGS84 shift its file states.
		c.def = d.wkt2
	default:
		return nil, layers.Errorf(layers.Invalid, op, "PROJ cannot export coordinate system %q", d.name)
	}
	if c.Area == nil && !geographic {
		c.Area = derivedArea(d.projString)
	}
	if c.Area == nil && geographic {
		c.Area = &Area{Name: "World", West: -180, South: -90, East: 180, North: 90}
	}
	return c, nil
}

// looksLikeWKT reports whether text starts like a WKT keyword and bracket,
// GEOGCS[ or PROJCRS(, so that nothing else (an HTML page, a PROJ string, a
// name PROJ would look up) reaches the parser.
func looksLikeWKT(text string) bool {
	i := 0
	for i < len(text) && (text[i] >= 'A' && text[i] <= 'Z' || text[i] >= 'a' && text[i] <= 'z' || text[i] == '_' || i > 0 && text[i] >= '0' && text[i] <= '9') {
		i++
	}
	if i == 0 {
		return false
	}
	rest := strings.TrimLeft(text[i:], " \t\r\n")
	return strings.HasPrefix(rest, "[") || strings.HasPrefix(rest, "(")
}

func looksLikeHTML(text string) bool {
	head := strings.ToLower(text[:min(len(text), 512)])
	return strings.HasPrefix(head, "<!doctype html") || strings.Contains(head, "<html") || strings.Contains(head, "<head") || strings.Contains(head, "<body")
}

// preview is the first few characters of a bad file, for the message.
func preview(text string) string {
	r := []rune(text)
	if len(r) > 24 {
		r = r[:24]
	}
	return string(r)
}
