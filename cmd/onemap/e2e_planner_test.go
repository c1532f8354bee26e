package main

import (
	"strings"

	"github.com/chromedp/chromedp"
)

// planner is the account that analyses and exports.
var planner = e2eUser{"规划员", "planner password", "planner"}

// planner drives the planner's workspace: the district's indicators as the
// server computes them and the per-street/town table; as a planner, the
// coverage gaps table sorted by population, drawn from the gap tiles and
// exported as CSV and GeoJSON; the 2SFCA surface; suggested sites and the
// what-if of the indicators with them built.
func (d *drive) planner() {
	t := d.t
	t.Helper()
	d.do("planner tab", chromedp.Click(chromedp.ID("tab-planner")))
	d.waitJS("the district's indicators", `document.querySelectorAll('#planner-gauges .gauge').length > 0 &&
		document.querySelectorAll('#planner-units tbody tr').length > 0`, "#planner")

	var district struct {
		Units []struct {
			Indicators []struct {
				Key  string `json:"key"`
				Pass bool   `json:"pass"`
			} `json:"indicators"`
		} `json:"units"`
	}
	d.getJSON(d.url+"/api/indicators?unit=district", &district)
	shown := evaluate[map[string]bool](t, d.ctx, `Object.fromEntries([...document.querySelectorAll('#planner-gauges .gauge')].map(
		(g) => [g.dataset.key, g.classList.contains('pass')]))`)
	if len(district.Units) != 1 || len(shown) != len(district.Units[0].Indicators) {
		t.Errorf("gauges %v for the server's district indicators %+v", shown, district.Units)
	}
	for _, ind := range district.Units[0].Indicators {
		if pass, ok := shown[ind.Key]; !ok || pass != ind.Pass {
			t.Errorf("indicator %s: shown %v (present %v), the server says pass=%v", ind.Key, pass, ok, ind.Pass)
		}
	}
	if n := evaluate[int](t, d.ctx, `document.querySelectorAll('#planner-units tbody tr').length`); n != 12 {
		t.Errorf("the per-unit table has %d rows, want the 3 streets and 9 towns", n)
	}
	if n := evaluate[int](t, d.ctx, `document.querySelectorAll('#planner-gaps').length`); n != 0 {
		t.Error("the gaps are offered to a role without the analyse permission")
	}

	// As a planner: the gaps, sorted by population, on the map and exported.
	d.do("logging out", chromedp.Click(chromedp.ID("logout")))
	d.waitJS("logged out", `document.getElementById('login') !== null`, "#topbar")
	d.login("login", planner)
	d.do("the district", chromedp.Evaluate[chromedp.Void](`void window.onemapMap.jumpTo({center: [121.2, 31.93], zoom: 11})`))
	d.waitJS("the fire gaps table", `document.querySelectorAll('#planner-gap-table tbody tr').length > 0`, "#planner")
	pops := evaluate[[]float64](t, d.ctx, `[...document.querySelectorAll('#planner-gap-table tbody tr')].map((tr) => Number(tr.dataset.population))`)
	for i := 1; i < len(pops); i++ {
		if pops[i] > pops[i-1] {
			t.Errorf("the gaps are not sorted by population: %v", pops)
			break
		}
	}
	d.waitJS("the gaps drawn from their tiles", `window.onemapMap.queryRenderedFeatures({layers: ['gaps-fire-fill']}).length > 0`, "#planner-gaps")
	exports := evaluate[map[string]string](t, d.ctx, `Promise.all(['csv', 'geojson'].map(async (f) => {
		const res = await fetch(document.getElementById('planner-export-' + f).href);
		return [f, res.status + ' ' + res.headers.get('Content-Type') + '\n' + await res.text()];
	})).then(Object.fromEntries)`)
	csvLines := strings.Split(strings.TrimSpace(exports["csv"]), "\n")
	if !strings.HasPrefix(exports["csv"], "200 text/csv") || len(csvLines) < 3 {
		t.Errorf("the CSV export: %.300s", exports["csv"])
	}
	if !strings.HasPrefix(exports["geojson"], "200 application/geo+json") || !strings.Contains(exports["geojson"], `"FeatureCollection"`) {
		t.Errorf("the GeoJSON export: %.300s", exports["geojson"])
	}

	// The 2SFCA surface: every drawn census unit carries its access value.
	d.do("the accessibility surface", chromedp.Click(chromedp.ID("planner-access-toggle")))
	d.waitJS("the surface drawn", `(() => {
		const fs = window.onemapMap.queryRenderedFeatures({layers: ['access-fill']});
		return fs.length > 0 && fs.every((f) => typeof f.state.access === 'number');
	})()`, "#planner-access")
	d.idle()
	d.do("the panel's top", chromedp.Evaluate[chromedp.Void](`void (document.getElementById('planner').scrollTop = 0)`))
	d.shoot("15-planner.png")

	// Two suggested fire stations, and the indicators with them built.
	d.do("suggesting sites", chromedp.Click(chromedp.ID("planner-sites-run")))
	d.waitJS("two suggested sites", `document.querySelectorAll('#planner-site-list li').length === 2`, "#planner-sites")
	d.do("what if", chromedp.Click(chromedp.ID("planner-whatif")))
	d.waitJS("the what-if table", `document.querySelectorAll('#planner-whatif-table tbody tr').length > 0`, "#planner-sites")
	before := d.text(`#planner-whatif-table tr[data-key="fire_coverage"] td:nth-child(2)`)
	after := d.text(`#planner-whatif-table tr[data-key="fire_coverage"] td:nth-child(3)`)
	if before == "" || before == after {
		t.Errorf("the fire coverage with two new stations: %q → %q; want a change", before, after)
	}
	d.idle()
	if n := evaluate[int](t, d.ctx, `window.onemapMap.queryRenderedFeatures({layers: ['suggested-sites']}).length`); n != 2 {
		t.Errorf("%d suggested sites drawn, want 2", n)
	}
	d.do("the sites in view", chromedp.Evaluate[chromedp.Void](`void document.getElementById('planner-sites').scrollIntoView()`))
	d.shoot("16-planner-sites.png")
}
