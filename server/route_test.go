package server

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"onemap/gpkg"
	"onemap/layers/demo"
	"onemap/layers/network"
)

// Places of the demo district.
var (
	demoHaimen  = orb.Point{121.170, 31.900} // 海门街道
	demoSijia   = orb.Point{121.230, 32.065} // 四甲镇
	demoEnclave = orb.Point{121.200, 31.784} // 海永镇, not linked to the main body
)

// demoFixture serves the demo district from a real GeoPackage, with the
// routing service given explicitly (as cmd/onemap wires it), so a test
// can ask the service directly and compare.
func demoFixture(t *testing.T) (*fixture, *network.Service) {
	t.Helper()
	ctx := context.Background()
	store, err := gpkg.Open(ctx, filepath.Join(t.TempDir(), "demo.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := demo.Load(ctx, store, demo.Generate(1), nil); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: store, logBuf: &syncBuffer{}}
	svc := network.New(store, network.Options{})
	f.srv = New(store, Options{Network: svc, AnonymousRole: "admin", Logger: slog.New(slog.NewTextHandler(f.logBuf, nil))})
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f, svc
}

func ll(p orb.Point) string { return fmt.Sprintf("%g,%g", p[0], p[1]) }

// errorJSON is the error body.
type errorJSON struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// TestRoutingAPI runs the routing endpoints over the demo district: each
// answer equals the service's, and every bad request is a 400 (or 404)
// whose JSON says what to fix.
func TestRoutingAPI(t *testing.T) {
	f, svc := demoFixture(t)
	ctx := context.Background()

	t.Run("route", func(t *testing.T) {
		r := f.get("/api/route?from="+ll(demoHaimen)+"&to="+ll(demoSijia), http.StatusOK)
		var got struct {
			DurationS float64 `json:"duration_s"`
			DistanceM float64 `json:"distance_m"`
			Geometry  struct {
				Type        string      `json:"type"`
				Coordinates [][]float64 `json:"coordinates"`
			} `json:"geometry"`
			OriginInHazard      *bool `json:"origin_in_hazard"`
			DestinationInHazard *bool `json:"destination_in_hazard"`
		}
		r.json(t, &got)
		want, err := svc.Route(ctx, network.RouteRequest{From: demoHaimen, To: demoSijia})
		if err != nil {
			t.Fatal(err)
		}
		if got.DurationS != want.DurationS || got.DistanceM != want.DistanceM || got.Geometry.Type != "LineString" || len(got.Geometry.Coordinates) < 2 {
			t.Errorf("GET /api/route: %v s %v m %s; the service says %v s %v m", got.DurationS, got.DistanceM, got.Geometry.Type, want.DurationS, want.DistanceM)
		}
		if got.OriginInHazard == nil || got.DestinationInHazard == nil || *got.OriginInHazard || *got.DestinationInHazard {
			t.Errorf("hazard flags missing or set: %s", r.body)
		}
		c := f.get("/api/route?from="+ll(demoHaimen)+"&to="+ll(demoSijia)+"&profile=congested&avoid_type=flood,waterlogging", http.StatusOK)
		var cong struct {
			DurationS float64 `json:"duration_s"`
			Applied   struct {
				Profile string `json:"profile"`
				Zones   []struct {
					Hazard string `json:"hazard"`
				} `json:"zones"`
			} `json:"applied"`
		}
		c.json(t, &cong)
		if cong.Applied.Profile != "congested" || cong.DurationS <= got.DurationS || len(cong.Applied.Zones) == 0 {
			t.Errorf("congested, avoiding floods: %s", c.body)
		}
		for _, z := range cong.Applied.Zones {
			if z.Hazard != "flood" && z.Hazard != "waterlogging" {
				t.Errorf("avoided a %s zone", z.Hazard)
			}
		}
		// No road connects the enclave: 404 with a message.
		nf := f.get("/api/route?from="+ll(demoHaimen)+"&to="+ll(demoEnclave), http.StatusNotFound)
		var e errorJSON
		nf.json(t, &e)
		if e.Code != "not_found" || !strings.Contains(e.Description, "does not connect") {
			t.Errorf("to the enclave: %+v", e)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		from, to := "from="+ll(demoHaimen), "&to="+ll(demoSijia)
		for _, c := range []struct{ path, want string }{
			{"/api/route?" + from, "to is required"},
			{"/api/route?from=abc" + to, "from must be LON,LAT"},
			{"/api/route?from=31.9,121.17" + to, "from must be longitude,latitude"},
			{"/api/route?from=NaN,31.9" + to, "from must be LON,LAT"},
			{"/api/route?" + from + to + "&avoid=x", "avoid must list hazard zone IDs"},
			{"/api/route?" + from + to + "&avoid=999", "no hazard zone 999"},
			{"/api/route?" + from + to + "&avoid_type=lava", "unknown hazard type"},
			{"/api/route?" + from + to + "&profile=fast", "profile must be"},
			{"/api/route?" + from + to + "&avoid_types=flood", "unknown query parameter(s) avoid_types"},
			{"/api/route?from=121.70,31.95" + to, "m from the nearest drivable road"},
			{"/api/nearest?layer=fire_stations&at=" + ll(demoHaimen) + "&k=0", "k must be a whole number from 1 to 50"},
			{"/api/nearest?layer=fire_stations&at=" + ll(demoHaimen) + "&k=51", "k must be a whole number from 1 to 50"},
			{"/api/nearest?layer=hospitals&at=" + ll(demoHaimen), `no layer "hospitals"`},
			{"/api/nearest?layer=roads&at=" + ll(demoHaimen), "point layers"},
			{"/api/nearest?at=" + ll(demoHaimen), "layer is required"},
			{"/api/nearest?layer=fire_stations&at=" + ll(demoHaimen) + "&direction=up", "direction must be"},
			{"/api/nearest?layer=stockpiles&at=" + ll(demoHaimen) + "&item=帐篷&quantity=-1", "quantity must be"},
			{"/api/nearest?layer=fire_stations&at=" + ll(demoHaimen) + "&include_full=maybe", "include_full must be true or false"},
			{"/api/isochrone?at=" + ll(demoHaimen) + "&minutes=61", "at most 60"},
			{"/api/isochrone?at=" + ll(demoHaimen) + "&minutes=0", "above 0"},
			{"/api/isochrone?at=" + ll(demoHaimen) + "&minutes=a", "minutes must be"},
			{"/api/isochrone?at=121.17", "at must be LON,LAT"},
			{"/api/isochrone?minutes=4", "at is required"},
		} {
			r := f.get(c.path, http.StatusBadRequest)
			var e errorJSON
			r.json(t, &e)
			if e.Code != "invalid" || !strings.Contains(e.Description, c.want) {
				t.Errorf("%s: %+v, want a description containing %q", c.path, e, c.want)
			}
		}
	})

	t.Run("nearest", func(t *testing.T) {
		r := f.get("/api/nearest?layer=fire_stations&at="+ll(demoHaimen)+"&k=3", http.StatusOK)
		var got struct {
			Direction string `json:"direction"`
			Results   []struct {
				ID       int64   `json:"id"`
				Name     string  `json:"name"`
				EtaS     float64 `json:"eta_s"`
				DistM    float64 `json:"distance_m"`
				Geometry struct {
					Type string `json:"type"`
				} `json:"geometry"`
			} `json:"results"`
		}
		r.json(t, &got)
		want, err := svc.Nearest(ctx, network.NearestRequest{Layer: "fire_stations", At: demoHaimen, K: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got.Direction != "to" || len(got.Results) != 3 {
			t.Fatalf("nearest: %s", r.body)
		}
		for i, res := range got.Results {
			if res.ID != want.Results[i].ID || res.EtaS != want.Results[i].EtaS || res.Name == "" || res.Geometry.Type != "LineString" {
				t.Errorf("result %d: %+v, the service says %d at %v s", i, res, want.Results[i].ID, want.Results[i].EtaS)
			}
			if i > 0 && res.EtaS < got.Results[i-1].EtaS {
				t.Error("results not in ascending eta")
			}
		}
		// Shelters default to the incident → shelter direction; k defaults to 3.
		s := f.get("/api/nearest?layer=shelters&at="+ll(demoHaimen), http.StatusOK)
		s.json(t, &got)
		if got.Direction != "from" || len(got.Results) != 3 {
			t.Errorf("shelters: direction %q, %d results", got.Direction, len(got.Results))
		}
	})

	t.Run("matrix", func(t *testing.T) {
		body := `{"sources": [[121.17, 31.9], [121.23, 32.065]], "targets": [[121.23, 32.065], [121.2, 31.784]]}`
		r := f.do(http.MethodPost, "/api/matrix", body, "Content-Type", "application/json")
		if r.status != http.StatusOK {
			t.Fatalf("POST /api/matrix: %d %s", r.status, r.body)
		}
		var got struct {
			Durations [][]*float64 `json:"durations"`
		}
		r.json(t, &got)
		rt, _ := svc.Route(ctx, network.RouteRequest{From: demoHaimen, To: demoSijia})
		if len(got.Durations) != 2 || got.Durations[0][0] == nil || math.Abs(*got.Durations[0][0]-rt.DurationS) > 1e-6 ||
			got.Durations[1][0] == nil || *got.Durations[1][0] != 0 || got.Durations[0][1] != nil || got.Durations[1][1] != nil {
			t.Errorf("matrix %s; want [[%v, null], [0, null]]", r.body, rt.DurationS)
		}
		for _, c := range []struct{ body, want string }{
			{`{"sources": [[121.17]], "targets": [[121.2, 31.9]]}`, "sources[0] must be [lon, lat]"},
			{`{"sources": [], "targets": [[121.2, 31.9]]}`, "sources must list 1 to 200"},
			{`{"sources": [[121.17, 31.9]], "targets": [[121.2, 31.9]], "avoid_types": ["flood"]}`, `unknown member "avoid_types"`},
			{`{"sources": [[121.17, 31.9]], "targets": [[121.2, 31.9]], "avoid_type": ["lava"]}`, "unknown hazard type"},
			{`not json`, "not valid JSON"},
		} {
			r := f.do(http.MethodPost, "/api/matrix", c.body, "Content-Type", "application/json")
			var e errorJSON
			r.json(t, &e)
			if r.status != http.StatusBadRequest || !strings.Contains(e.Description, c.want) {
				t.Errorf("%s: %d %+v, want 400 containing %q", c.body, r.status, e, c.want)
			}
		}
	})

	t.Run("isochrone", func(t *testing.T) {
		q := url.Values{"at": {ll(demoHaimen) + ";" + ll(demoSijia)}, "minutes": {"4,8"}}
		r := f.get("/api/isochrone?"+q.Encode(), http.StatusOK)
		if !strings.HasPrefix(r.header.Get("Content-Type"), mediaGeoJSON) {
			t.Errorf("content type %q", r.header.Get("Content-Type"))
		}
		var fc struct {
			Type     string `json:"type"`
			Features []struct {
				Geometry struct {
					Type string `json:"type"`
				} `json:"geometry"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
			Bands []struct {
				Minutes         float64   `json:"minutes"`
				LengthByOrigins []float64 `json:"length_by_origins_m"`
			} `json:"bands"`
			Method string `json:"method"`
		}
		r.json(t, &fc)
		kinds := map[string]int{}
		for _, ft := range fc.Features {
			kind, _ := ft.Properties["kind"].(string)
			kinds[kind+"/"+ft.Geometry.Type]++
		}
		if fc.Type != "FeatureCollection" || kinds["area/MultiPolygon"] != 4 || kinds["roads/MultiLineString"] != 4 || kinds["origin/Point"] != 2 {
			t.Errorf("features by kind: %v", kinds)
		}
		if len(fc.Bands) != 2 || fc.Bands[0].Minutes != 4 || len(fc.Bands[0].LengthByOrigins) != 2 || fc.Method == "" {
			t.Errorf("foreign members: bands %+v, method %q", fc.Bands, fc.Method)
		}
		want, err := svc.Isochrone(ctx, network.IsochroneRequest{Origins: []orb.Point{demoHaimen, demoSijia}, Minutes: []float64{4, 8}})
		if err != nil {
			t.Fatal(err)
		}
		for _, ft := range fc.Features {
			if ft.Properties["kind"] == "area" && ft.Properties["origin"] == 0.0 && ft.Properties["minutes"] == 8.0 &&
				ft.Properties["first_due_length_m"] != want.Origins[0].Areas[1].FirstDueLengthM {
				t.Errorf("8 min area of origin 0: %v m, the service says %v", ft.Properties["first_due_length_m"], want.Origins[0].Areas[1].FirstDueLengthM)
			}
		}
	})

	t.Run("closures", func(t *testing.T) {
		plain, _ := svc.Route(ctx, network.RouteRequest{From: demoHaimen, To: demoSijia})
		road := plain.Roads[len(plain.Roads)/2]
		r := f.do(http.MethodPost, "/api/closures", fmt.Sprintf(`{"road": %d, "until": "2099-01-01T00:00:00+08:00", "reason": "事故"}`, road), "Content-Type", "application/json")
		if r.status != http.StatusCreated {
			t.Fatalf("POST /api/closures: %d %s", r.status, r.body)
		}
		var c struct {
			ID    int64 `json:"id"`
			Road  int64 `json:"road"`
			Edges int   `json:"edges"`
		}
		r.json(t, &c)
		if c.ID == 0 || c.Road != road || c.Edges == 0 || !strings.HasSuffix(r.header.Get("Location"), fmt.Sprintf("/api/closures/%d", c.ID)) {
			t.Errorf("created %s, Location %q", r.body, r.header.Get("Location"))
		}
		var list struct {
			Closures []struct {
				ID int64 `json:"id"`
			} `json:"closures"`
			Note string `json:"note"`
		}
		f.get("/api/closures", http.StatusOK).json(t, &list)
		if len(list.Closures) != 1 || list.Closures[0].ID != c.ID || !strings.Contains(list.Note, "restart") {
			t.Errorf("GET /api/closures: %+v", list)
		}
		var routed struct {
			Roads   []int64 `json:"roads"`
			Applied struct {
				Closures []int64 `json:"closures"`
			} `json:"applied"`
		}
		f.get("/api/route?from="+ll(demoHaimen)+"&to="+ll(demoSijia), http.StatusOK).json(t, &routed)
		if len(routed.Applied.Closures) != 1 || containsID(routed.Roads, road) {
			t.Errorf("with road %d closed the route is %v (applied %v)", road, routed.Roads, routed.Applied.Closures)
		}
		area := `{"area": {"type": "Polygon", "coordinates": [[[121.16, 31.89], [121.18, 31.89], [121.18, 31.91], [121.16, 31.91], [121.16, 31.89]]]}}`
		if r := f.do(http.MethodPost, "/api/closures", area, "Content-Type", "application/json"); r.status != http.StatusCreated {
			t.Errorf("area closure: %d %s", r.status, r.body)
		}
		if r := f.do(http.MethodDelete, fmt.Sprintf("/api/closures/%d", c.ID), ""); r.status != http.StatusNoContent {
			t.Errorf("DELETE: %d %s", r.status, r.body)
		}
		if r := f.do(http.MethodDelete, fmt.Sprintf("/api/closures/%d", c.ID), ""); r.status != http.StatusNotFound {
			t.Errorf("DELETE again: %d %s", r.status, r.body)
		}
		for _, c := range []struct{ body, want string }{
			{`{}`, "needs a road"},
			{`{"road": 1, "area": {"type": "Point", "coordinates": [121.1, 31.9]}}`, "not both"},
			{`{"road": 99999999}`, "not in the road graph"},
			{`{"road": 1, "until": "tomorrow"}`, "RFC 3339"},
			{`{"road": 1, "until": "2001-01-01T00:00:00Z"}`, "already past"},
			{`{"roads": 1}`, `unknown member "roads"`},
		} {
			r := f.do(http.MethodPost, "/api/closures", c.body, "Content-Type", "application/json")
			var e errorJSON
			r.json(t, &e)
			if r.status != http.StatusBadRequest || !strings.Contains(e.Description, c.want) {
				t.Errorf("%s: %d %+v, want 400 containing %q", c.body, r.status, e, c.want)
			}
		}
	})

	t.Run("network", func(t *testing.T) {
		var info network.Info
		f.get("/api/network", http.StatusOK).json(t, &info)
		n, err := svc.Network(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Edges != len(n.Edges()) || info.RoadsVersion != n.Version || info.Vertices == 0 || !(info.BytesPerEdge > 0) || info.MaxSnapM != 500 {
			t.Errorf("GET /api/network: %+v", info)
		}
	})

	t.Run("openapi", func(t *testing.T) {
		var doc struct {
			Paths map[string]map[string]struct {
				Parameters  []map[string]any `json:"parameters"`
				RequestBody map[string]any   `json:"requestBody"`
				Responses   map[string]any   `json:"responses"`
			} `json:"paths"`
		}
		f.get("/api", http.StatusOK).json(t, &doc)
		op := doc.Paths["/api/route"]["get"]
		names := map[string]bool{}
		for _, p := range op.Parameters {
			names[p["name"].(string)] = true
		}
		if !names["from"] || !names["to"] || !names["avoid"] || !names["profile"] {
			t.Errorf("/api/route parameters: %v", names)
		}
		m := doc.Paths["/api/matrix"]["post"]
		if _, ok := m.Responses["200"]; !ok || !strings.Contains(fmt.Sprint(m.RequestBody), "sources") {
			t.Errorf("/api/matrix: body %v, responses %v", m.RequestBody, m.Responses)
		}
	})
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
