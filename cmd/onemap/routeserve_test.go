package main

import (
	"path/filepath"
	"testing"
)

// TestServeRoutes runs "onemap serve" on the embedded demo district and
// asks the routing endpoints, checking that the program wires the routing
// service with its -max-snap-m flag.
func TestServeRoutes(t *testing.T) {
	s := startServe(t, env(), "-data", filepath.Join(t.TempDir(), "onemap.gpkg"), "-max-snap-m", "250")
	var info struct {
		Edges    int     `json:"edges"`
		MaxSnapM float64 `json:"max_snap_m"`
	}
	getJSON(t, s.url+"/api/network", &info)
	if info.Edges < 20000 || info.MaxSnapM != 250 {
		t.Errorf("GET /api/network: %+v; want the demo's edges and max_snap_m 250", info)
	}
	var route struct {
		DurationS float64 `json:"duration_s"`
		Geometry  struct {
			Type string `json:"type"`
		} `json:"geometry"`
	}
	getJSON(t, s.url+"/api/route?from=121.17,31.90&to=121.23,32.065", &route)
	if !(route.DurationS > 0) || route.Geometry.Type != "LineString" {
		t.Errorf("GET /api/route: %+v", route)
	}
	var near struct {
		Results []struct {
			EtaS float64 `json:"eta_s"`
		} `json:"results"`
	}
	getJSON(t, s.url+"/api/nearest?layer=fire_stations&at=121.17,31.90&k=3", &near)
	if len(near.Results) != 3 {
		t.Errorf("GET /api/nearest: %d results", len(near.Results))
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
}
