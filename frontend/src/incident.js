// incident.js is the command hall's incident workflow: an operator places
// an incident on the map and sees who gets there first — the 3 nearest
// fire stations with their routes and arrival times, the nearest open
// shelters with room left, the nearest stockpile holding the item needed —
// optionally avoiding the active hazard zones, and a station's 4- and
// 8-minute service area on demand. The answers come from the server's
// routing (/api/nearest, /api/isochrone); this module asks, draws and lists.
import {getJSON} from './api.js';
import {duration} from './format.js';
import {t} from './i18n.js';
import './incident-texts.js';
import {renderIncidentPanel} from './incident-panel.js';
import {setOverlay} from './overlays.js';

// searches are the three questions asked for every incident.
const searches = [
  {key: 'stations', layer: 'fire_stations', kind: 'station', k: 3},
  {key: 'shelters', layer: 'shelters', kind: 'shelter', k: 3},
  {key: 'stockpile', layer: 'stockpiles', kind: 'stockpile', k: 1},
];

// serviceMinutes are the bands of a station's service area.
const serviceMinutes = [4, 8];

// activeHazardTypes lists the hazard types of the zones in force today
// (active not false, today within valid_from..valid_to), which the server's
// avoid_type closes.
export function activeHazardTypes(zones, today = new Date().toISOString().slice(0, 10)) {
  const types = new Set();
  for (const f of zones?.features ?? []) {
    const p = f.properties ?? {};
    if (p.active === false || !p.hazard) continue;
    if (p.valid_from && p.valid_from > today) continue;
    if (p.valid_to && p.valid_to < today) continue;
    types.add(p.hazard);
  }
  return [...types].sort();
}

// inventoryItems lists the item categories of the district warehouse (the
// stockpiles of level "district"), the choices of the item select.
export function inventoryItems(stockpiles) {
  const items = [];
  for (const f of stockpiles?.features ?? []) {
    if (f.properties?.level !== 'district') continue;
    for (const row of f.properties.inventory ?? []) {
      const name = row.category || row.item;
      if (name && !items.includes(name)) items.push(name);
    }
  }
  return items;
}

// createIncident wires the workflow to the map and renders its panel into
// el. data maps a layer name to its last FeatureCollection (hazard zones
// and stockpiles are read from there).
export function createIncident(map, el, {data}) {
  const state = {
    placing: false,
    at: null,
    avoid: false,
    item: '',
    answers: {},
    area: null, // {station, status, result, error}
  };
  let seq = 0;
  let placingClick = null;

  const render = () => {
    state.items = inventoryItems(data.get('stockpiles'));
    if (!state.item && state.items.length) state.item = state.items[0];
    state.avoidTypes = activeHazardTypes(data.get('hazard_zones'));
    renderIncidentPanel(el, state, actions);
    map.getCanvas().style.cursor = state.placing ? 'crosshair' : '';
  };

  const avoidParams = () => (state.avoid && state.avoidTypes.length ? {avoid_type: state.avoidTypes.join(',')} : {});

  // ask runs the searches named by keys (all by default) for the current
  // incident and, with fit, frames the answers; answers to an older
  // incident or option are dropped.
  const ask = async (keys = searches.map((s) => s.key), {fit = true} = {}) => {
    if (!state.at) return;
    const mine = ++seq;
    const at = state.at.map((v) => v.toFixed(6)).join(',');
    for (const key of keys) state.answers[key] = {status: 'loading'};
    render();
    await Promise.all(searches.filter((s) => keys.includes(s.key)).map(async (s) => {
      const params = {layer: s.layer, at, k: s.k, ...avoidParams()};
      if (s.key === 'stockpile') Object.assign(params, {item: state.item || null, quantity: state.item ? 1 : null});
      let answer;
      try {
        answer = {status: 'ok', result: await getJSON('api/nearest', {params})};
      } catch (err) {
        answer = {status: 'error', error: err};
      }
      if (mine !== seq) return;
      state.answers[s.key] = answer;
      draw();
      render();
    }));
    if (mine === seq && fit) frame();
  };

  // draw puts the incident, the routes and the facilities on the map.
  const draw = () => {
    const point = state.at ? [{type: 'Feature', properties: {label: t('incident.label')}, geometry: {type: 'Point', coordinates: state.at}}] : [];
    setOverlay(map, 'incident', point);
    const routes = [], places = [];
    for (const s of searches) {
      const results = state.answers[s.key]?.result?.results ?? [];
      results.forEach((r, i) => {
        const props = {kind: s.kind, rank: i + 1, id: r.id, name: r.name, eta_s: r.eta_s};
        if (r.geometry) routes.push({type: 'Feature', id: routes.length + 1, properties: props, geometry: r.geometry});
        const p = r.place?.point;
        if (p) places.push({type: 'Feature', properties: {...props, label: duration(r.eta_s)}, geometry: {type: 'Point', coordinates: p}});
      });
    }
    setOverlay(map, 'incident-routes', routes);
    setOverlay(map, 'incident-places', places);
  };

  // frame fits the map to the incident and every route, clear of the panel.
  const frame = () => {
    if (!state.at) return;
    let [w, s, e, n] = [state.at[0], state.at[1], state.at[0], state.at[1]];
    let routes = 0;
    for (const key of Object.keys(state.answers)) {
      for (const r of state.answers[key]?.result?.results ?? []) {
        for (const [x, y] of r.geometry?.coordinates ?? []) {
          w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
          routes++;
        }
      }
    }
    // Nothing found (or the server refused): the view stays as it is.
    if (routes === 0) return;
    const panel = el.getBoundingClientRect().width || 0;
    map.fitBounds([[w, s], [e, n]], {padding: {top: 60, bottom: 60, left: 60, right: panel + 60}, maxZoom: 14, duration: 600});
  };

  const showArea = async (station) => {
    const mine = {station, status: 'loading'};
    state.area = mine;
    render();
    try {
      const at = station.place.point.map((v) => v.toFixed(6)).join(',');
      mine.result = await getJSON('api/isochrone', {params: {at, minutes: serviceMinutes.join(','), ...avoidParams()}});
      mine.status = 'ok';
    } catch (err) {
      mine.status = 'error';
      mine.error = err;
    }
    if (state.area !== mine) return;
    setOverlay(map, 'service-areas', (mine.result?.features ?? []).filter((f) => f.properties?.kind === 'area'));
    render();
  };

  const hideArea = () => {
    state.area = null;
    setOverlay(map, 'service-areas', []);
    render();
  };

  const actions = {
    togglePlacing() {
      state.placing = !state.placing;
      render();
    },
    clear() {
      seq++;
      Object.assign(state, {at: null, answers: {}, placing: false});
      draw();
      hideArea();
    },
    setAvoid(on) {
      state.avoid = on;
      ask();
      if (state.area) showArea(state.area.station);
    },
    setItem(item) {
      state.item = item;
      ask(['stockpile']);
    },
    showArea,
    hideArea,
  };

  map.on('click', (e) => {
    if (!state.placing) return;
    placingClick = e.originalEvent;
    state.placing = false;
    state.at = [e.lngLat.lng, e.lngLat.lat];
    state.answers = {};
    hideArea();
    draw();
    ask();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.placing) actions.togglePlacing();
  });

  render();
  return {
    render() {
      draw();
      render();
    },
    // ignores reports whether a map event belongs to the incident (placing
    // mode, or the click that placed it), so popups leave it alone.
    ignores(e) {
      return state.placing || (e?.originalEvent && e.originalEvent === placingClick);
    },
    // refresh asks again after a layer the answers depend on changed.
    refresh(layer) {
      if (!state.at) return;
      if (['fire_stations', 'shelters', 'stockpiles', 'roads', 'hazard_zones'].includes(layer)) ask(undefined, {fit: false});
    },
  };
}
