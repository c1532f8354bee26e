package pipeline

import (
	"fmt"

	"github.com/paulmach/orb"

	"onemap/importers/crs"
	"onemap/layers"
)

// chooseCRS decides the source's coordinate system: the uploader's EPSG
// code, else the .prj, else the format's own (GeoJSON). It returns nil
// without an error when nothing decides it; the caller then guesses with
// guessCRS and stops for confirmation. A .prj PROJ cannot use is not an
// error here: it becomes a warning, and the upload is treated as having
// none, so the uploader is asked rather than refused.
func chooseCRS(desc Description, o Options) (*crs.CRS, CRSReport, []string, error) {
	rep := CRSReport{GCJ02: o.GCJ02}
	var warnings []string
	var c *crs.CRS
	switch {
	case o.CRS != "":
		code, err := EPSGCode(o.CRS)
		if err != nil {
			return nil, rep, nil, err
		}
		if c, err = crs.FromEPSG(code); err != nil {
			return nil, rep, nil, err
		}
		rep.Source = "uploader"
		rep.Reason = bilingual(fmt.Sprintf("上传者指定 EPSG:%d", code), fmt.Sprintf("chosen by the uploader: EPSG:%d", code))
		if desc.PRJ != "" {
			rep.Reason += "; " + bilingual("文件自带的 .prj 未使用", "the file's .prj was not used")
		}
	case desc.PRJ != "":
		var err error
		c, err = crs.FromPRJ(desc.PRJ)
		if err != nil {
			if !layers.IsKind(err, layers.Invalid) {
				return nil, rep, nil, err
			}
			warnings = append(warnings, layers.MessageOf(err))
			c = nil
			break
		}
		rep.Source = "prj"
		rep.Reason = bilingual("按 .prj 文件："+c.String(), "from the .prj: "+c.String())
		if c.EPSG == 0 {
			rep.Reason += "; " + bilingual("PROJ 未能对应到 EPSG 代码，按文件中的定义换算", "PROJ found no EPSG code for it; the file's definition is used as written")
		}
	case desc.CRS != "":
		code, err := EPSGCode(desc.CRS)
		if err != nil {
			return nil, rep, nil, err
		}
		if c, err = crs.FromEPSG(code); err != nil {
			return nil, rep, nil, err
		}
		rep.Source, rep.Reason = "format", desc.CRSReason
	}
	if c != nil {
		rep.Name, rep.EPSG, rep.FileName = c.Name, c.EPSG, c.FileName
		if c.Area != nil {
			rep.Area = c.Area.String()
		}
	}
	return c, rep, warnings, nil
}

// maxDetectPoints bounds the coordinates collected for guessing a CRS.
const maxDetectPoints = 20000

// collectPoints appends g's vertices to pts, up to maxDetectPoints.
func collectPoints(pts []orb.Point, g orb.Geometry) []orb.Point {
	layers.EachVertex(g, func(p orb.Point) {
		if len(pts) < maxDetectPoints {
			pts = append(pts, p)
		}
	})
	return pts
}

// needsCRSMessage tells the uploader what to confirm.
func needsCRSMessage(desc Description, guesses []crs.Guess) string {
	why := bilingual("文件没有说明坐标系（没有 .prj 文件）", "the file does not say its coordinate system (no .prj)")
	if desc.Format == "csv" {
		why = bilingual("CSV 文件不含坐标系信息", "a CSV file does not say its coordinate system")
	} else if desc.Format == "geopackage" && desc.PRJ == "" {
		why = bilingual("GeoPackage 表的坐标系为“未定义”（srs_id 0 或 -1）", "the GeoPackage table's coordinate system is undefined (srs_id 0 or -1)")
	} else if desc.PRJ != "" {
		why = bilingual(".prj 文件无法使用", "the .prj cannot be used")
	}
	if len(guesses) == 0 {
		return why + "; " + bilingual("按坐标数值也无法推测，请选择坐标系（EPSG 代码）后重新处理", "nor can it be guessed from the coordinate values: choose the coordinate system (an EPSG code) and run again")
	}
	g := guesses[0]
	name := fmt.Sprintf("EPSG:%d %s", g.EPSG, g.Name)
	if g.GCJ02 {
		name += "（GCJ-02）"
	}
	return why + "; " + bilingual(fmt.Sprintf("按坐标数值推测最可能是 %s，请确认或选择其他坐标系后重新处理", name),
		fmt.Sprintf("from the coordinate values it is most likely %s: confirm it or choose another and run again", name))
}
