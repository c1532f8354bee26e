package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"onemap/layers"
)

// TestSensitiveLayerHidden: for a principal without read_sensitive the
// census layer (and the sensitive stockpiles) is missing from every listing and every address of it
// answers exactly as for a layer that does not exist; a planner sees and
// reads it, and that read is audited as an export.
func TestSensitiveLayerHidden(t *testing.T) {
	f := newAuthFixture(t, Options{})
	census := fmt.Sprintf("/collections/census_units/items/%d", f.census)
	listings := []string{"/collections", "/api/layers", "/tiles"}
	// Each address of the census layer, beside the same address of a layer
	// that does not exist.
	addresses := [][2]string{
		{"/collections/census_units", "/collections/no_such_layer"},
		{"/collections/census_units/items", "/collections/no_such_layer/items"},
		{census, fmt.Sprintf("/collections/no_such_layer/items/%d", f.census)},
		{"/api/layers/census_units", "/api/layers/no_such_layer"},
		{"/api/layers/census_units/versions", "/api/layers/no_such_layer/versions"},
		{"/tiles/census_units.json", "/tiles/no_such_layer.json"},
		{"/tiles/census_units/14/13704/6653.mvt", "/tiles/no_such_layer/14/13704/6653.mvt"},
		{"/tiles/shelters,census_units/14/13704/6653.mvt", "/tiles/shelters,no_such_layer/14/13704/6653.mvt"},
		{"/api/nearest?layer=census_units&at=121.2,31.9", "/api/nearest?layer=no_such_layer&at=121.2,31.9"},
	}
	for _, who := range []string{"anonymous", "viewer", "operator", "auditor"} {
		c := cred{}
		if who != "anonymous" {
			c = f.as(layers.Role(who))
		}
		for _, path := range listings {
			status, _, body := f.do(c, http.MethodGet, path, "", nil)
			if status != http.StatusOK || strings.Contains(string(body), "census_units") || strings.Contains(string(body), "人口普查") || strings.Contains(string(body), "stockpiles") {
				t.Errorf("%s GET %s: %d, lists the census layer: %s", who, path, status, body)
			}
			if !strings.Contains(string(body), "shelters") {
				t.Errorf("%s GET %s lacks the shelters: %s", who, path, body)
			}
		}
		for _, a := range addresses {
			hs, _, hb := f.do(c, http.MethodGet, a[0], "", nil)
			ms, _, mb := f.do(c, http.MethodGet, a[1], "", nil)
			if hs < 400 || hs != ms {
				t.Errorf("%s GET %s: %d, want the answer to %s (%d)", who, a[0], hs, a[1], ms)
				continue
			}
			// The same words, but for the name.
			var he, me errorBody
			json.Unmarshal(hb, &he)
			json.Unmarshal(mb, &me)
			if he.Code != me.Code || strings.ReplaceAll(he.Description, "census_units", "X") != strings.ReplaceAll(me.Description, "no_such_layer", "X") {
				t.Errorf("%s: the hidden layer answers %s\nbut a missing one %s", who, hb, mb)
			}
		}
		// Writing to it is as impossible as to a missing layer.
		// Not even the nearest-facility search names the sensitive point layer.
		if _, _, body := f.do(c, http.MethodGet, "/api/nearest?layer=no_such_layer&at=121.2,31.9", "", nil); strings.Contains(string(body), "stockpiles") || !strings.Contains(string(body), "shelters") {
			t.Errorf("%s: nearest of a missing layer answers %s", who, body)
		}
		if who == "operator" {
			status, _, body := f.do(c, http.MethodPatch, census, "application/merge-patch+json", []byte(`{"properties":{"population":1}}`))
			if status != http.StatusNotFound {
				t.Errorf("operator PATCH of a hidden feature: %d %s", status, body)
			}
		}
	}
	if es := f.auditEvents(layers.AuditFilter{Actor: f.users[layers.RoleViewer].Name, Action: layers.ActionAccess}); len(es) == 0 || !strings.Contains(string(es[0].Detail), "census_units") {
		t.Errorf("attempts on the hidden layer left no denial in the audit log: %+v", es)
	}

	// Those with read_sensitive see it everywhere.
	for _, role := range []layers.Role{layers.RolePlanner, layers.RoleDataSteward, layers.RoleCensusUploader, layers.RoleAdmin} {
		for _, path := range append(listings, "/collections/census_units", census, "/tiles/census_units.json", "/api/layers/census_units/versions") {
			status, _, body := f.do(f.as(role), http.MethodGet, path, "", nil)
			if status != http.StatusOK || !strings.Contains(string(body), "census_units") && !strings.Contains(string(body), "东洲社区") {
				t.Errorf("%s GET %s: %d %s", role, path, status, body)
			}
		}
	}
	if _, _, body := f.do(f.as(layers.RolePlanner), http.MethodGet, "/api/nearest?layer=no_such_layer&at=121.2,31.9", "", nil); !strings.Contains(string(body), "stockpiles") {
		t.Errorf("planner: nearest of a missing layer does not offer the stockpiles: %s", body)
	}
	status, h, _ := f.do(f.as(layers.RolePlanner), http.MethodGet, "/collections/census_units/items", "", nil)
	if status != http.StatusOK || !strings.Contains(h.Get("Cache-Control"), "private") {
		t.Errorf("planner reads the census: %d, Cache-Control %q, want 200 and private", status, h.Get("Cache-Control"))
	}
	exports := f.auditEvents(layers.AuditFilter{Action: layers.ActionExport, Actor: f.users[layers.RolePlanner].Name})
	if len(exports) == 0 || exports[0].Target != "census_units" {
		t.Errorf("the planner's read of the census is not audited as an export: %+v", exports)
	}
	// Reads of public layers are not exports.
	f.do(f.as(layers.RolePlanner), http.MethodGet, "/collections/shelters/items", "", nil)
	if es := f.auditEvents(layers.AuditFilter{Action: layers.ActionExport, Target: "shelters"}); len(es) != 0 {
		t.Errorf("a read of shelters was audited as an export: %+v", es)
	}
}
