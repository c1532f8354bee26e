package crs

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	proj "github.com/twpayne/go-proj/v11"
)

// Text is a message in Chinese, for the uploader, and in English.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Guess is one candidate CRS for coordinates that came without a .prj. The
// pipeline shows the guesses and asks the uploader to confirm one; it never
// imports on a guess alone.
type Guess struct {
	EPSG int    `json:"epsg"`
	Name string `json:"name"`
	// GCJ02 marks the web-map reading of lon/lat data: the values are GCJ-02
	// and must be corrected (package geo/gcj02) before they are EPSG.
	GCJ02 bool `json:"gcj02,omitempty"`
	// Swapped means the guess fits only with the two columns exchanged.
	Swapped bool `json:"swapped,omitempty"`
	// Confidence is a rough prior in [0, 1] for ordering and for the UI's
	// emphasis, not a probability: magnitudes cannot tell every CRS apart.
	Confidence float64 `json:"confidence"`
	Reason     Text    `json:"reason"`
	// Centre is where the samples' centre lands in lon/lat under this guess.
	Centre orb.Point `json:"centre"`
}

// HaimenFrame is Haimen District's frame, 121°04′–121°32′E, 31°46′–32°09′N:
// the home district that Detect favours when magnitudes are ambiguous.
func HaimenFrame() orb.Bound {
	return orb.Bound{Min: orb.Point{121.0 + 4.0/60, 31.0 + 46.0/60}, Max: orb.Point{121.0 + 32.0/60, 32.0 + 9.0/60}}
}

// maxGuesses caps the list the uploader is shown; the UI still lets them
// type any EPSG code.
const maxGuesses = 12

// homeMargin is how far (degrees, ≈ 20 km) outside the home frame data may
// reach and still count as the district's own.
const homeMargin = 0.2

// chinaFrame is a rectangle around China's territory and waters, including
// the South China Sea islands; coarse, for plausibility only.
func chinaFrame() orb.Bound {
	return orb.Bound{Min: orb.Point{73, 3}, Max: orb.Point{136, 54}}
}

// Detect guesses the CRS of samples, coordinates of an upload without a
// .prj, from their magnitudes, favouring Haimen where they are ambiguous.
// See DetectNear.
func Detect(samples []orb.Point) []Guess {
	return DetectNear(samples, HaimenFrame())
}

// DetectNear guesses the CRS of samples from their magnitudes, best first:
//
//   - lon/lat inside China → CGCS2000 (EPSG:4490), and, always beside it, the
//     GCJ-02 web-map reading, which magnitudes cannot tell apart;
//   - an 8-digit easting whose first two digits are a zone number, 25–45
//     (3°) or 13–23 (6°) → that CGCS2000 Gauss-Krüger zone, with the Xian
//     1980 and Beijing 1954 zones of the same number as weak alternatives;
//   - a 6-digit easting, 500 000 ± 400 000, with a northing → a Gauss-Krüger
//     zone whose central meridian magnitudes cannot tell: every CGCS2000 3°
//     and 6° central meridian and UTM zone over China that puts the data
//     inside its area of use, those that put it in home first, the rest by
//     distance from home;
//   - Web Mercator metres that land in China → EPSG:3857.
//
// Every candidate is checked by transforming the samples' bounding box with
// PROJ: a guess that puts them outside its own area of use is dropped. The
// same rules are tried with the columns swapped, at half the confidence;
// those guesses are kept when nothing fits unswapped, or when only swapped
// readings put the data at home.
// Non-finite samples are ignored; no usable sample gives no guess.
func DetectNear(samples []orb.Point, home orb.Bound) []Guess {
	var b orb.Bound
	n := 0
	for _, p := range samples {
		if !finite(p) {
			continue
		}
		if n == 0 {
			b = orb.Bound{Min: p, Max: p}
		} else {
			b = b.Extend(p)
		}
		n++
	}
	if n == 0 {
		return nil
	}
	d := detector{home: home}
	guesses := d.guess(b)
	homeFound := false
	for _, g := range guesses {
		homeFound = homeFound || d.home.Pad(homeMargin).Contains(g.Centre)
	}
	swapped := orb.Bound{Min: orb.Point{b.Min[1], b.Min[0]}, Max: orb.Point{b.Max[1], b.Max[0]}}
	for _, g := range d.guess(swapped) {
		// Swapped readings are offered only when they explain the data
		// better: nothing else fits, or only they land at home.
		if len(guesses) > 0 && (homeFound || !d.home.Pad(homeMargin).Contains(g.Centre)) {
			continue
		}
		g.Confidence /= 2
		g.Swapped = true
		g.Reason = Text{
			Zh: "两列坐标似乎颠倒 (互换后): " + g.Reason.Zh,
			En: "the two columns look swapped (after exchanging them): " + g.Reason.En,
		}
		guesses = append(guesses, g)
	}
	centre := home.Center()
	slices.SortStableFunc(guesses, func(a, b Guess) int {
		if c := cmp.Compare(b.Confidence, a.Confidence); c != 0 {
			return c
		}
		return cmp.Compare(distance(a.Centre, centre), distance(b.Centre, centre))
	})
	if len(guesses) > maxGuesses {
		guesses = guesses[:maxGuesses]
	}
	return guesses
}

// detector holds what one DetectNear call shares between candidates.
type detector struct {
	home orb.Bound
}

// candidate is a CRS to try and the prior and reason magnitudes give it.
type candidate struct {
	epsg       int
	confidence float64
	reason     Text
	// homeBonus is added when the data land in the home frame.
	homeBonus float64
	// decay lowers the confidence with the distance from home when the data
	// do not land there.
	decay bool
	gcj02 bool
}

// guess applies the magnitude rules to b and keeps the candidates PROJ
// confirms.
func (d detector) guess(b orb.Bound) []Guess {
	var out []Guess
	home := d.home.Pad(homeMargin)
	for _, c := range d.candidates(b) {
		crs, err := FromEPSG(c.epsg)
		if err != nil {
			continue
		}
		pts, ok := lonLatCorners(crs, b)
		if !ok {
			continue
		}
		inArea, atHome := true, true
		for _, p := range pts {
			inArea = inArea && (crs.Area == nil || crs.Area.Contains(p))
			atHome = atHome && home.Contains(p)
		}
		if !inArea {
			continue
		}
		centre := pts[len(pts)-1]
		g := Guess{EPSG: c.epsg, Name: crs.Name, GCJ02: c.gcj02, Confidence: c.confidence, Reason: c.reason, Centre: centre}
		at := Text{
			Zh: fmt.Sprintf("换算后中心位于 %.4f°E, %.4f°N", centre[0], centre[1]),
			En: fmt.Sprintf("its centre lands at %.4f°E, %.4f°N", centre[0], centre[1]),
		}
		switch {
		case atHome:
			g.Confidence = min(1, g.Confidence+c.homeBonus)
			at.Zh += ", 在本区范围内"
			at.En += ", inside the home district"
		case c.decay:
			// Magnitudes say nothing about where such data are, so the
			// farther from home, the less likely.
			g.Confidence *= max(0, 1-distance(centre, d.home.Center())/decayDegrees)
			if g.Confidence < 0.01 {
				continue
			}
		}
		g.Reason = Text{Zh: g.Reason.Zh + "; " + at.Zh, En: g.Reason.En + "; " + at.En}
		out = append(out, g)
	}
	return out
}

// decayDegrees is the distance from home at which a candidate whose location
// magnitudes cannot tell (a Gauss-Krüger easting without zone prefix) is no
// longer worth listing: about five 3° zones.
const decayDegrees = 15.0

// lonLatCorners returns b's corners and centre (last) in lon/lat under crs:
// on crs's own geographic CRS, which is cheap for PROJ to build and within
// a hundred metres of WGS84 — plenty for plausibility. ok is false when PROJ
// cannot place them.
func lonLatCorners(crs *CRS, b orb.Bound) ([]orb.Point, bool) {
	pts := []orb.Point{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Center()}
	if !crs.Geographic {
		pj, err := normalized(proj.NewContext(), crs.def, crs.geographicDef())
		if err != nil || transformInPlace(pj, pts) != nil {
			return nil, false
		}
	}
	for _, p := range pts {
		if !finite(p) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			return nil, false
		}
	}
	return pts, true
}

// candidates lists the CRSs b's magnitudes allow.
func (d detector) candidates(b orb.Bound) []candidate {
	x0, x1, y0, y1 := b.Min[0], b.Max[0], b.Min[1], b.Max[1]
	var out []candidate
	switch {
	case x0 >= -180 && x1 <= 180 && y0 >= -90 && y1 <= 90:
		return geographicCandidates(b)
	case x0 >= 13e6 && x1 < 46e6 && y0 >= 0 && y1 <= 10e6 && math.Floor(x0/1e6) == math.Floor(x1/1e6):
		out = append(out, zoneCandidates(int(x0/1e6))...)
	case x0 >= 100e3 && x1 <= 900e3 && y0 >= 0 && y1 <= 10e6:
		out = append(out, meridianCandidates(b)...)
	}
	const merc = 20037508.342789244
	if math.Abs(x0) <= merc && math.Abs(x1) <= merc && math.Abs(y0) <= merc && math.Abs(y1) <= merc {
		if ll, ok := mercatorToLonLat(b.Center()); ok && chinaFrame().Contains(ll) {
			out = append(out, candidate{epsg: 3857, confidence: 0.4, homeBonus: 0.4,
				reason: Text{
					Zh: "数值在 Web 墨卡托 (EPSG:3857, 网络地图的平面坐标) 范围内, 换算后在中国境内",
					En: "the values are Web Mercator metres (EPSG:3857, the web-map plane) that land in China",
				}})
		}
	}
	return out
}

// geographicCandidates reads lon/lat magnitudes.
func geographicCandidates(b orb.Bound) []candidate {
	rng := fmt.Sprintf("%.4f–%.4f, %.4f–%.4f", b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	if !chinaFrame().Contains(b.Min) || !chinaFrame().Contains(b.Max) {
		return []candidate{{epsg: 4326, confidence: 0.6, reason: Text{
			Zh: "坐标是经纬度 (" + rng + "), 不在中国境内, 按 WGS 84 (EPSG:4326) 处理",
			En: "the values are longitude/latitude (" + rng + ") outside China: WGS 84 (EPSG:4326)",
		}}}
	}
	return []candidate{
		{epsg: 4490, confidence: 0.6, homeBonus: 0.1, reason: Text{
			Zh: "坐标是中国境内的经纬度 (" + rng + "), 按 CGCS2000 地理坐标 (EPSG:4490) 处理; WGS 84 与其相差仅厘米级",
			En: "the values are longitude/latitude in China (" + rng + "): CGCS2000 geographic (EPSG:4490); WGS 84 differs by centimetres only",
		}},
		{epsg: 4490, gcj02: true, confidence: 0.3, homeBonus: 0.1, reason: Text{
			Zh: "也可能是高德、腾讯等网络地图的 GCJ-02 坐标 (在海门约偏移 480 米), 仅凭数值无法区分; 如果数据是在网络地图上采集或描绘的, 请选择此项进行 GCJ-02 纠正",
			En: "they may also be GCJ-02 web-map coordinates (Amap, Tencent; about 480 m off at Haimen), which magnitudes cannot tell apart: choose this if the data were collected or traced on a web map, to apply the GCJ-02 correction",
		}},
	}
}

// zoneCandidates reads an 8-digit, zone-prefixed easting.
func zoneCandidates(zone int) []candidate {
	width := 0
	switch {
	case zone >= 25 && zone <= 45:
		width = 3
	case zone >= 13 && zone <= 23:
		width = 6
	default:
		return nil
	}
	cm := CentralMeridian(width, zone)
	var out []candidate
	for _, f := range []struct {
		datum Datum
		conf  float64
		zh    string
		en    string
	}{
		{CGCS2000, 0.8, "", ""},
		{Xian1980, 0.1, "; 数值与西安 1980 同带号坐标无法区分 (2018 年后的数据应为 CGCS2000)", "; Xian 1980 coordinates of the same zone look the same (data after 2018 should be CGCS2000)"},
		{Beijing1954, 0.1, "; 数值与北京 1954 同带号坐标无法区分 (2018 年后的数据应为 CGCS2000)", "; Beijing 1954 coordinates of the same zone look the same (data after 2018 should be CGCS2000)"},
	} {
		code, ok := GaussKrugerZone(f.datum, width, zone)
		if !ok {
			continue
		}
		out = append(out, candidate{epsg: code, confidence: f.conf, homeBonus: 0.1, reason: Text{
			Zh: fmt.Sprintf("东坐标为 8 位数, 前两位 %d 是 %d 度带带号 (中央经线 %d°E), 按 %s %d 度带第 %d 带 (EPSG:%d) 处理%s", zone, width, cm, f.datum, width, zone, code, f.zh),
			En: fmt.Sprintf("the easting has 8 digits and starts with %d, a %d-degree zone number (CM %d°E): %s %d-degree Gauss-Kruger zone %d (EPSG:%d)%s", zone, width, cm, f.datum, width, zone, code, f.en),
		}})
	}
	return out
}

// meridianCandidates reads a 6-digit easting without zone prefix: the
// central meridian is not in the numbers, so every zone over China is a
// candidate, and PROJ's area check and the home frame sort them.
func meridianCandidates(b orb.Bound) []candidate {
	var out []candidate
	why := Text{
		Zh: "东坐标为 6 位数, 是不带带号的高斯-克吕格或 UTM 坐标, 仅凭数值无法确定中央经线",
		En: "the easting has 6 digits: Gauss-Kruger or UTM without a zone prefix, whose central meridian the numbers do not tell",
	}
	for cm := firstCM; cm <= lastCM; cm += 3 {
		code, _ := GaussKrugerCM(CGCS2000, 3, cm)
		out = append(out, candidate{epsg: code, confidence: 0.15, homeBonus: 0.45, decay: true, reason: Text{
			Zh: fmt.Sprintf("%s; 按 CGCS2000 3 度带中央经线 %d°E (EPSG:%d)", why.Zh, cm, code),
			En: fmt.Sprintf("%s; CGCS2000 3-degree Gauss-Kruger CM %d°E (EPSG:%d)", why.En, cm, code),
		}})
	}
	for cm := firstCM; cm <= lastCM; cm += 6 {
		code, _ := GaussKrugerCM(CGCS2000, 6, cm)
		out = append(out, candidate{epsg: code, confidence: 0.1, homeBonus: 0.3, decay: true, reason: Text{
			Zh: fmt.Sprintf("%s; 按 CGCS2000 6 度带中央经线 %d°E (EPSG:%d)", why.Zh, cm, code),
			En: fmt.Sprintf("%s; CGCS2000 6-degree Gauss-Kruger CM %d°E (EPSG:%d)", why.En, cm, code),
		}})
	}
	if b.Min[1] >= 0 {
		for zone := 43; zone <= 53; zone++ {
			code := 32600 + zone
			out = append(out, candidate{epsg: code, confidence: 0.1, homeBonus: 0.3, decay: true, reason: Text{
				Zh: fmt.Sprintf("%s; 按 WGS 84 UTM %dN 带 (EPSG:%d)", why.Zh, zone, code),
				En: fmt.Sprintf("%s; WGS 84 / UTM zone %dN (EPSG:%d)", why.En, zone, code),
			}})
		}
	}
	return out
}

// mercatorToLonLat inverts the spherical Web Mercator for the plausibility
// test only; PROJ does the real work.
func mercatorToLonLat(p orb.Point) (orb.Point, bool) {
	const r = 6378137.0
	lon := p[0] / r * 180 / math.Pi
	lat := (2*math.Atan(math.Exp(p[1]/r)) - math.Pi/2) * 180 / math.Pi
	return orb.Point{lon, lat}, finite(orb.Point{lon, lat})
}

// distance is a planar distance in degrees, for ordering only.
func distance(a, b orb.Point) float64 {
	return math.Hypot(a[0]-b[0], a[1]-b[1])
}
