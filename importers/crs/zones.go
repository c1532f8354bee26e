package crs

// Datum names a Chinese geodetic datum that Gauss-Krüger grids are built on.
type Datum string

// The datums of Chinese survey data: CGCS2000 is mandatory since 2018,
// Beijing 1954 and Xian 1980 linger in older archives.
const (
	CGCS2000    Datum = "CGCS2000"
	Beijing1954 Datum = "Beijing 1954"
	Xian1980    Datum = "Xian 1980"
)

// gkFamily is one EPSG series of Gauss-Krüger CRSs. EPSG numbers each
// series consecutively, west to east: first the zone-prefixed variants
// (false easting zone×1 000 000 + 500 000), then the central-meridian
// variants (false easting 500 000), both covering CM 75°E–135°E.
type gkFamily struct {
	datum     Datum
	width     int // zone width in degrees: 3 or 6
	firstZone int // zone number of CM 75°E: 25 for 3°, 13 for 6°
	zoneEPSG  int // EPSG code of the first zone-prefixed CRS
	cmEPSG    int // EPSG code of the CM 75°E CRS
}

// gkFamilies lists the series in order of preference for current data.
func gkFamilies() []gkFamily {
	return []gkFamily{
		{CGCS2000, 3, 25, 4513, 4534},
		{CGCS2000, 6, 13, 4491, 4502},
		{Xian1980, 3, 25, 2349, 2370},
		{Xian1980, 6, 13, 2327, 2338},
		{Beijing1954, 3, 25, 2401, 2422},
		{Beijing1954, 6, 13, 21413, 21453},
	}
}

// Zone bounds: China's Gauss-Krüger zones run from CM 75°E to CM 135°E.
const (
	firstCM = 75
	lastCM  = 135
)

// zones is how many zones a family has between firstCM and lastCM.
func (f gkFamily) zones() int { return (lastCM-firstCM)/f.width + 1 }

// GaussKrugerZone returns the EPSG code of the zone-prefixed Gauss-Krüger CRS
// of the given datum, zone width (3 or 6) and zone number — 3° zones 25–45,
// 6° zones 13–23 — and whether there is one.
func GaussKrugerZone(d Datum, width, zone int) (int, bool) {
	for _, f := range gkFamilies() {
		if f.datum == d && f.width == width && zone >= f.firstZone && zone < f.firstZone+f.zones() {
			return f.zoneEPSG + zone - f.firstZone, true
		}
	}
	return 0, false
}

// GaussKrugerCM returns the EPSG code of the Gauss-Krüger CRS of the given
// datum and zone width whose central meridian is cm (°E) and whose false
// easting is 500 000 without zone prefix, and whether there is one.
func GaussKrugerCM(d Datum, width, cm int) (int, bool) {
	for _, f := range gkFamilies() {
		if f.datum != d || f.width != width {
			continue
		}
		if cm < firstCM || cm > lastCM || (cm-firstCM)%width != 0 {
			return 0, false
		}
		return f.cmEPSG + (cm-firstCM)/width, true
	}
	return 0, false
}

// CentralMeridian is the central meridian (°E) of a Gauss-Krüger zone: 3×zone
// for 3° zones, 6×zone − 3 for 6° zones.
func CentralMeridian(width, zone int) int {
	if width == 3 {
		return 3 * zone
	}
	return 6*zone - 3
}
