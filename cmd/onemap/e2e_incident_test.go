package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chromedp/chromedp"
)

// etaText is how the incident panel words a drive time in Chinese.
var etaText = regexp.MustCompile(`^(\d+ 分( \d+ 秒)?|\d+ 秒)$`)

// roadPixelJS finds the page position of a drawn major road's vertex
// nearest the middle of the map, where an incident is placed.
const roadPixelJS = `(() => {
	const m = window.onemapMap, c = m.getCanvas(), r = c.getBoundingClientRect();
	const cx = c.clientWidth * 0.4, cy = c.clientHeight / 2;
	let best = null, bestD = Infinity;
	for (const f of m.queryRenderedFeatures({layers: ['roads']})) {
		const g = f.geometry;
		const lines = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
		for (const line of lines) for (const p of line) {
			const q = m.project(p);
			const dd = Math.hypot(q.x - cx, q.y - cy);
			if (dd < bestD) [best, bestD] = [{x: r.left + q.x, y: r.top + q.y}, dd];
		}
	}
	return best;
})()`

// facilitiesJS lists a panel section's facilities: id, ETA in seconds and
// the ETA as shown.
const facilitiesJS = `((section) => [...document.querySelectorAll('#incident-' + section + ' li.facility')].map((li) => ({
	id: Number(li.dataset.id), eta: Number(li.dataset.eta), text: li.querySelector('.eta')?.textContent ?? ''})))`

// panelFacility is one facility listed in the incident panel.
type panelFacility struct {
	ID   int64
	ETA  float64
	Text string
}

// incident places an incident on the map and checks what the command hall
// shows: three fire stations with routes drawn and ETAs listed in the order
// the server gave, shelters and a stockpile, the avoid-hazards switch, a
// station's service area, and the server's refusal of a place off the road
// network in its own words.
func (d *drive) incident() {
	t := d.t
	t.Helper()
	// On a major road near the middle of the view (zoomed in on a town).
	at := evaluate[*struct{ X, Y float64 }](t, d.ctx, roadPixelJS)
	if at == nil {
		t.Fatal("no major road drawn to place an incident on")
	}
	d.do("placing mode", chromedp.Click(chromedp.ID("incident-toggle")))
	if p := evaluate[string](t, d.ctx, `document.getElementById('incident-toggle').getAttribute('aria-pressed')`); p != "true" {
		t.Fatalf("the incident switch is not on after a click (aria-pressed %q)", p)
	}
	d.do("placing the incident", chromedp.MouseClickXY(at.X, at.Y))
	ready := `document.querySelectorAll('#incident-stations li.facility').length === 3 &&
		document.querySelectorAll('#incident-shelters li.facility').length > 0 &&
		document.querySelectorAll('#incident-stockpile li.facility').length === 1`
	d.waitJS("the incident panel lists 3 stations, shelters and a stockpile", ready, "#incident")
	if n := evaluate[int](t, d.ctx, `document.querySelectorAll('.feature-popup').length`); n != 0 {
		t.Errorf("placing the incident also opened %d feature popup(s)", n)
	}
	d.idle()

	// Three station routes drawn (a line may be cut into pieces by tiles).
	drawn := evaluate[map[string][]int](t, d.ctx, `(() => {
		const out = {};
		for (const f of window.onemapMap.queryRenderedFeatures({layers: ['incident-routes']})) {
			const k = f.properties.kind;
			out[k] = [...new Set([...(out[k] ?? []), f.properties.rank])].sort();
		}
		return out;
	})()`)
	if !slices.Equal(drawn["station"], []int{1, 2, 3}) || len(drawn["shelter"]) == 0 || len(drawn["stockpile"]) != 1 {
		t.Errorf("routes drawn by kind and rank: %v; want stations 1–3, shelters and one stockpile", drawn)
	}

	// The panel lists the server's answer, quickest first, with ETAs in
	// words: the same stations for the same request.
	stations := evaluate[[]panelFacility](t, d.ctx, facilitiesJS+`('stations')`)
	d.sameAsServer("fire_stations", "", stations)
	for i, s := range stations {
		if !etaText.MatchString(s.Text) {
			t.Errorf("station %d ETA shown as %q", s.ID, s.Text)
		}
		if i > 0 && s.ETA < stations[i-1].ETA {
			t.Errorf("stations not quickest first: %+v", stations)
		}
	}
	if shelters := d.text("#incident-shelters"); !strings.Contains(shelters, "可再容纳") {
		t.Errorf("the shelters list no free capacity:\n%s", shelters)
	}
	if stock := d.text("#incident-stockpile"); !strings.Contains(stock, "库存") {
		t.Errorf("the stockpile shows no stock:\n%s", stock)
	}
	d.shoot("7-incident.png")

	// Avoiding the active hazard zones asks again with their types.
	d.do("avoid switch", chromedp.Click(chromedp.ID("incident-avoid")))
	d.waitJS("answers avoiding hazard zones", `document.getElementById('incident-avoid-types') !== null && `+ready, "#incident")
	if types := d.text("#incident-avoid-types"); !strings.Contains(types, "洪水") {
		t.Errorf("avoided types %q do not name the floods", types)
	}
	d.sameAsServer("fire_stations", "avoid_type=", evaluate[[]panelFacility](t, d.ctx, facilitiesJS+`('stations')`))

	// Another item: the stockpile is asked for it.
	item := evaluate[string](t, d.ctx, `[...document.querySelectorAll('#incident-item option')].map((o) => o.value).find((v) => v.includes('冲锋舟')) ?? ''`)
	if item == "" {
		t.Fatal("the item select does not offer the warehouse's boats (冲锋舟)")
	}
	d.setInput("#incident-item", item)
	d.waitJS("the stockpile asked for the chosen item", fmt.Sprintf(`document.querySelector('#incident-stockpile h3')?.textContent.includes(%q) && `, item)+ready, "#incident-stockpile")
	d.sameAsServer("stockpiles", "item=", evaluate[[]panelFacility](t, d.ctx, facilitiesJS+`('stockpile')`))

	// The first station's 4- and 8-minute service area.
	d.do("service area", chromedp.Click(chromedp.CSS(`#incident-stations li.facility:first-child button.area`)))
	d.waitJS("the service area's bands", `document.querySelectorAll('#incident-area .bands li').length === 2`, "#incident-area")
	d.idle()
	if n := evaluate[int](t, d.ctx, `window.onemapMap.queryRenderedFeatures({layers: ['service-area-fill']}).length`); n == 0 {
		t.Error("the service area is listed but not drawn")
	}
	d.shoot("8-service-area.png")

	// A place far from any road: the panel shows the server's refusal.
	d.do("clearing", chromedp.Click(chromedp.ID("incident-clear")))
	d.do("out to sea", chromedp.Evaluate[chromedp.Void](`void window.onemapMap.jumpTo({center: [121.95, 31.95], zoom: 10})`))
	center := evaluate[struct{ X, Y float64 }](t, d.ctx, `(() => {
		const r = window.onemapMap.getCanvas().getBoundingClientRect();
		return {x: r.left + r.width * 0.3, y: r.top + r.height / 2};
	})()`)
	d.do("placing off the road network", chromedp.Click(chromedp.ID("incident-toggle")), chromedp.MouseClickXY(center.X, center.Y))
	d.waitJS("the refusal in the panel", `document.querySelector('#incident-refusal .refusal[data-status="400"]') !== null`, "#incident")
	if n := evaluate[int](t, d.ctx, `document.querySelectorAll('#incident .refusal').length`); n != 1 {
		t.Errorf("the same refusal of all three questions is shown %d times, want once", n)
	}
	if text := d.text("#incident-refusal .refusal"); !strings.Contains(text, "服务器拒绝了请求") || !strings.Contains(text, "nearest drivable road") {
		t.Errorf("the refusal does not show the server's description:\n%s", text)
	}
	d.shoot("9-incident-refused.png")
	d.do("clearing", chromedp.Click(chromedp.ID("incident-clear")))
	d.idle()
	if n := evaluate[int](t, d.ctx, `window.onemapMap.queryRenderedFeatures({layers: ['incident-routes', 'incident-point']}).length`); n != 0 {
		t.Errorf("%d incident features still drawn after clearing", n)
	}
}

// sameAsServer replays the page's latest /api/nearest request for layer
// (whose URL contains part) and checks that the panel lists the same
// facilities in the same order with the same ETAs.
func (d *drive) sameAsServer(layer, part string, shown []panelFacility) {
	t := d.t
	t.Helper()
	var last string
	for _, u := range d.requested("/api/nearest?") {
		if strings.Contains(u, "layer="+layer) && strings.Contains(u, part) {
			last = u
		}
	}
	if last == "" {
		t.Fatalf("the page asked no /api/nearest for %s with %q", layer, part)
	}
	var answer struct {
		Results []struct {
			ID  int64   `json:"id"`
			ETA float64 `json:"eta_s"`
		} `json:"results"`
	}
	d.getJSON(last, &answer)
	if len(answer.Results) == 0 || len(answer.Results) != len(shown) {
		t.Fatalf("%s: the server answers %d, the panel lists %d (%s)", layer, len(answer.Results), len(shown), last)
	}
	for i, r := range answer.Results {
		if r.ID != shown[i].ID || strconv.FormatFloat(r.ETA, 'f', 3, 64) != strconv.FormatFloat(shown[i].ETA, 'f', 3, 64) {
			got, _ := json.Marshal(shown)
			t.Errorf("%s: the panel lists %s, the server answers %+v for %s", layer, got, answer.Results, last)
			return
		}
	}
}
