package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"onemap/layers"
	"onemap/layers/analysis"
	"onemap/tiles"
)

// The formats of GET /api/gaps.
const (
	gapsJSON    = "json"    // the answer: ranked lists, totals, method, meta
	gapsGeoJSON = "geojson" // a FeatureCollection with the same in foreign members
	gapsCSV     = "csv"     // one row per gap, UTF-8 with a byte-order mark for spreadsheets
)

// gaps serves GET /api/gaps?indicator=fire|shelter|warning[&format=json|geojson|csv]
// (shelter also takes the accessibility parameters of /api/access): where
// the indicator falls short — uncovered built-up areas (fire) or populated
// areas (warning) ranked by the population inside; census units below the
// per-capita target with their deficit and overloaded shelters (shelter).
func (s *Server) gaps(c echo.Context) error {
	q := c.QueryParams()
	if err := onlyParams(q, append([]string{"indicator", "format"}, accessParams()...)); err != nil {
		return err
	}
	ind, _ := param(q, "indicator")
	format, _ := param(q, "format")
	ar, err := accessQuery(q)
	if err != nil {
		return err
	}
	return s.answerGaps(c, analysis.GapsRequest{Indicator: strings.TrimSpace(ind), Access: ar}, strings.TrimSpace(format))
}

// gapsBody is the body of POST /api/gaps.
type gapsBody struct {
	Indicator string `json:"indicator"`
	Format    string `json:"format"`
	accessBody
}

// gapsWhatIf serves POST /api/gaps: the same with what-if edits.
func (s *Server) gapsWhatIf(c echo.Context) error {
	const op = "server.gapsWhatIf"
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	var in gapsBody
	if err := decodeStrictFields(body, &in); err != nil {
		return layers.Wrap(err, layers.Invalid, op, `the body must be a JSON object with "indicator", optional "format", the accessibility members and `+editsHelp+": "+bodyProblem(err))
	}
	ar := in.request()
	return s.answerGaps(c, analysis.GapsRequest{Indicator: in.Indicator, Edits: ar.Edits, Access: ar}, in.Format)
}

func (s *Server) answerGaps(c echo.Context, req analysis.GapsRequest, format string) error {
	const op = "server.gaps"
	if req.Indicator == "" {
		return layers.Errorf(layers.Invalid, op, "indicator is required: fire, shelter or warning")
	}
	switch format {
	case "", gapsJSON, gapsGeoJSON, gapsCSV:
	default:
		return layers.Errorf(layers.Invalid, op, "format must be json, geojson or csv, got %q", format)
	}
	ans, err := s.analysis.Gaps(c.Request().Context(), req)
	if err != nil {
		return err
	}
	switch format {
	case gapsGeoJSON:
		return writeJSON(c, http.StatusOK, mediaGeoJSON, gapsCollection(ans))
	case gapsCSV:
		body, err := gapsCSVBody(ans)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="gaps-%s.csv"`, ans.Indicator))
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
	}
	return writeJSON(c, http.StatusOK, mediaJSON, ans)
}

// gapsCollection lays the gaps out as GeoJSON, the answer's other members
// beside the features.
func gapsCollection(ans *analysis.GapsAnswer) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, f := range ans.Features() {
		gf := geojson.NewFeature(orb.Round(f.Geometry, 1e7))
		gf.ID = f.ID
		gf.Properties = f.Properties
		fc.Append(gf)
	}
	fc.ExtraMembers = geojson.Properties{
		"indicator":        ans.Indicator,
		"method":           ans.Method,
		"total_area_km2":   ans.TotalAreaKm2,
		"total_population": ans.TotalPopulation,
		"computed_at":      ans.ComputedAt,
		"rules":            ans.Rules,
		"rules_version":    ans.RulesVersion,
		"versions":         ans.Versions,
	}
	if ans.Decay != "" {
		fc.ExtraMembers["decay"] = ans.Decay
		fc.ExtraMembers["total_deficit_m2"] = ans.TotalDeficitM2
	}
	if ans.WhatIf != nil {
		fc.ExtraMembers["what_if"] = ans.WhatIf
	}
	if len(ans.Notes) > 0 {
		fc.ExtraMembers["notes"] = ans.Notes
	}
	return fc
}

// gapsCSVBody writes one row per gap: id, kind, rank, then every other
// property in name order (lon and lat locate each row). A byte-order mark
// leads, so that spreadsheet programs read the Chinese names as UTF-8.
func gapsCSVBody(ans *analysis.GapsAnswer) ([]byte, error) {
	fs := ans.Features()
	cols := map[string]bool{}
	for _, f := range fs {
		for k := range f.Properties {
			cols[k] = true
		}
	}
	delete(cols, "kind")
	delete(cols, "rank")
	rest := make([]string, 0, len(cols))
	for k := range cols {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	header := append([]string{"id", "kind", "rank"}, rest...)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	for _, f := range fs {
		row := make([]string, len(header))
		row[0] = strconv.FormatInt(f.ID, 10)
		for i, h := range header[1:] {
			row[i+1] = csvValue(f.Properties[h])
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// gapOverlays keeps the latest overlay of each gap indicator and its tile
// encoder, so tiles of one map view share one layout of the gaps and the
// encoder's per-version generalised copy is built once, not per tile.
type gapOverlays struct {
	mu sync.Mutex
	m  map[string]gapOverlay
}

type gapOverlay struct {
	overlay *analysis.Overlay
	encoder *tiles.Encoder
}

// encoder returns the tile encoder of the answer's overlay, reusing the last
// one while its fingerprint holds.
func (g *gapOverlays) encoder(ans *analysis.GapsAnswer) *tiles.Encoder {
	name := "gaps_" + ans.Indicator
	fp := ans.Fingerprint()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]gapOverlay{}
	}
	if o, ok := g.m[name]; ok && o.overlay.Version() == fp {
		return o.encoder
	}
	o := analysis.NewOverlay(name, "覆盖缺口 "+ans.Indicator, fp, ans.Features())
	enc := tiles.NewEncoder(o, tiles.DefaultTolerance)
	g.m[name] = gapOverlay{overlay: o, encoder: enc}
	return enc
}

// gapTile serves GET /tiles/gaps-{indicator}/{z}/{x}/{y}.mvt: the gaps of
// an indicator (as GET /api/gaps computes them, without what-if edits) as a
// vector tile with one layer named gaps_{indicator}, drawn by the same
// in-memory encoder as the stored layers. The ETag follows the versions of
// the layers the gaps were computed from; an empty tile is 204.
func (s *Server) gapTile(c echo.Context) error {
	const op = "server.gapTile"
	ind := c.Param("indicator")
	if !slices.Contains(analysis.GapIndicators(), ind) {
		return layers.Errorf(layers.NotFound, op, "there are no gap tiles for %q; use gaps-fire, gaps-shelter or gaps-warning", ind)
	}
	r, err := parseTileAddress(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ans, err := s.analysis.Gaps(ctx, analysis.GapsRequest{Indicator: ind})
	if err != nil {
		return err
	}
	enc := s.gapOverlays.encoder(ans)
	r.Layer = "gaps_" + ind
	h := c.Response().Header()
	h.Set("ETag", tiles.ETag("analysis-overlay/1", r, []tiles.LayerVersion{{Layer: r.Layer, Version: ans.Fingerprint()}}))
	h.Set("Cache-Control", "private, no-cache")
	if ifNoneMatch(c, h.Get("ETag")) {
		return c.NoContent(http.StatusNotModified)
	}
	data, info, err := enc.Tile(ctx, r)
	if err != nil {
		return err
	}
	h.Set(HeaderTileFeatures, strconv.Itoa(info.Features))
	h.Set(HeaderTileDropped, strconv.Itoa(info.Dropped))
	if len(data) == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	return c.Blob(http.StatusOK, mediaMVT, data)
}
