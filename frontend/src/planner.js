// planner.js is the planner's workspace: the plan's indicators for the
// district and per street and town, the coverage gaps of an indicator on
// the map and in a table sorted by population (with CSV and GeoJSON
// exports), the 2SFCA shelter-accessibility surface, and suggested sites
// with a what-if of the indicators once they are built. The server computes
// everything (/api/indicators, /api/gaps, /api/access, /api/sites); this
// module asks, draws and lists.
import {getJSON, sendJSON} from './api.js';
import {t} from './i18n.js';
import {setOverlay} from './overlays.js';
import './planner-texts.js';
import {gapIndicators} from './planner-layers.js';
import {renderPlanner} from './planner-view.js';

// createPlanner renders the workspace into el.
export function createPlanner(el, map, {session}) {
  const state = {
    active: false,
    indicators: null, // {district, units}
    indicatorsError: null,
    gapIndicator: 'fire',
    gaps: {}, // indicator → {result, error}
    showAccess: false,
    access: null,
    accessError: null,
    sitesForm: {facility: 'fire_station', model: 'mclp', p: 2},
    sites: null, // {status, result, error}
    whatIf: null, // {status, result, error}
  };

  const render = () => renderPlanner(el, state, actions, {session});

  const setVisible = (ids, on) => {
    for (const id of ids) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  };

  // showLayers puts on the map what the workspace shows now, and nothing
  // when another view is active.
  const showLayers = () => {
    const can = session.can('analyse');
    for (const ind of gapIndicators) {
      setVisible([`gaps-${ind}-fill`, `gaps-${ind}-line`], state.active && can && state.gapIndicator === ind);
    }
    setVisible(['access-fill', 'access-line'], state.active && can && state.showAccess && !!state.access);
    setVisible(['suggested-sites', 'suggested-site-labels'], state.active);
  };

  const loadIndicators = async () => {
    try {
      const [district, street, town] = await Promise.all(['district', 'street', 'town'].map((unit) => getJSON('api/indicators', {params: {unit}})));
      state.indicators = {district: district.units?.[0], units: [...(street.units ?? []), ...(town.units ?? [])]};
      state.indicatorsError = null;
    } catch (err) {
      state.indicatorsError = err;
    }
    render();
  };

  const loadGaps = async (ind) => {
    if (!session.can('analyse')) return;
    state.gaps[ind] = {status: 'loading'};
    render();
    try {
      state.gaps[ind] = {status: 'ok', result: await getJSON('api/gaps', {params: {indicator: ind}})};
    } catch (err) {
      state.gaps[ind] = {status: 'error', error: err};
    }
    render();
  };

  // applyAccess writes each census unit's access into the map's feature
  // state, which the surface's colours read.
  const applyAccess = () => {
    if (!state.access || !map.getSource('census_units')) return;
    for (const u of state.access.units ?? []) {
      map.setFeatureState({source: 'census_units', sourceLayer: 'census_units', id: u.id}, {access: u.access_m2});
    }
  };

  const actions = {
    setGapIndicator(ind) {
      state.gapIndicator = ind;
      if (!state.gaps[ind]) loadGaps(ind);
      showLayers();
      render();
    },
    async toggleAccess(on) {
      state.showAccess = on;
      if (on && !state.access) {
        try {
          state.access = await getJSON('api/access');
          state.accessError = null;
          applyAccess();
        } catch (err) {
          state.accessError = err;
        }
      }
      showLayers();
      render();
    },
    setSitesForm(patch) {
      Object.assign(state.sitesForm, patch);
    },
    async runSites() {
      state.sites = {status: 'loading'};
      state.whatIf = null;
      render();
      const f = state.sitesForm;
      try {
        const body = {model: f.model, facility: f.facility};
        if (f.model !== 'lscp') body.p = Number(f.p);
        state.sites = {status: 'ok', result: await sendJSON('POST', 'api/sites', body)};
      } catch (err) {
        state.sites = {status: 'error', error: err};
      }
      const sites = state.sites.result?.sites ?? [];
      setOverlay(map, 'suggested-sites', sites.map((s, i) => ({type: 'Feature', properties: {label: t('planner.sites.site', {n: i + 1})},
        geometry: {type: 'Point', coordinates: s.point}})));
      if (sites.length) {
        const xs = sites.map((s) => s.point[0]), ys = sites.map((s) => s.point[1]);
        map.fitBounds([[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]], {padding: 160, maxZoom: 13, duration: 500});
      }
      render();
    },
    async whatIf() {
      const sites = state.sites?.result?.sites ?? [];
      const layer = state.sitesForm.facility === 'shelter' ? 'shelters' : 'fire_stations';
      state.whatIf = {status: 'loading'};
      render();
      try {
        const result = await sendJSON('POST', 'api/indicators/whatif', {unit: 'district', added: sites.map((s) => ({layer, point: s.point}))});
        state.whatIf = {status: 'ok', result};
      } catch (err) {
        state.whatIf = {status: 'error', error: err};
      }
      render();
    },
    focus(point) {
      if (point) map.flyTo({center: point, zoom: Math.max(map.getZoom(), 12.5), duration: 600});
    },
    print() {
      window.print();
    },
  };

  // Feature state is kept per loaded tile; tiles loaded later get it too.
  map.on('sourcedata', (e) => {
    if (e.sourceId === 'census_units' && e.isSourceLoaded && state.showAccess) applyAccess();
  });
  session.onChange(() => {
    state.gaps = {};
    if (!session.can('analyse')) {
      // The analyses were the last user's; they go with the login.
      Object.assign(state, {access: null, showAccess: false, sites: null, whatIf: null});
      setOverlay(map, 'suggested-sites', []);
    }
    if (state.active) loadGaps(state.gapIndicator);
    showLayers();
    render();
  });

  render();
  return {
    render,
    activate() {
      state.active = true;
      if (!state.indicators) loadIndicators();
      if (!state.gaps[state.gapIndicator]) loadGaps(state.gapIndicator);
      showLayers();
      render();
    },
    deactivate() {
      state.active = false;
      showLayers();
    },
  };
}
