// main.js starts the app: it reads the layer catalog and who is logged in,
// builds the map and the panels around it — the command hall (layers,
// incidents) and the census workspace (imports) share the one map — and
// exposes the map to end-to-end tests as window.onemapMap (and
// window.onemap.ready, the first complete render).
import * as maplibregl from 'maplibre-gl';
import {fontFaces, workerFile} from 'onemap:build';
import {getCatalog, getCollection, getFeatures} from './api.js';
import {basemapDefs} from './basemap.js';
import {createCensus} from './census.js';
import {initLanguage, onLanguage} from './i18n.js';
import {createIncident} from './incident.js';
import {catalogDef, thematicDefs} from './layers.js';
import {createLayersPanel} from './layers-panel.js';
import {createMap, loadData} from './map.js';
import {showError} from './notice.js';
import {overlayDefs} from './overlays.js';
import {createPlanner} from './planner.js';
import {plannerDefs} from './planner-layers.js';
import {installPopup} from './popup.js';
import {createSession, openLoginDialog} from './session.js';
import {startLoading} from './sources.js';
import {createStatusbar} from './statusbar.js';
import {addDefinition, removeDefinition} from './style.js';
import {createTopbar, isDemo} from './topbar.js';
import {createRouter} from './views.js';
import {watchVersions} from './watch.js';

// fallbackBounds frames Haimen District when the server reports no extent.
const fallbackBounds = [121.0667, 31.7667, 121.5333, 32.15];

// views are the app's tabs; the first is the default.
const views = [{id: 'hall', title: 'view.hall'}, {id: 'census', title: 'view.census'}, {id: 'planner', title: 'view.planner'}];

// districtBounds is the extent of the administrative units, the frame of
// the map at start.
async function districtBounds() {
  try {
    const c = await getCollection('admin_units');
    const b = c.extent?.spatial?.bbox?.[0];
    return b?.length === 4 ? b : fallbackBounds;
  } catch (err) {
    showError(err);
    return fallbackBounds;
  }
}

async function main() {
  // The marks (onemap:…) let a test or a person at the console see where
  // the first render's time goes: performance.getEntriesByType('mark').
  performance.mark('onemap:main');
  initLanguage();
  // MapLibre's worker is a file of our own build, on our origin.
  maplibregl.setWorkerUrl(new URL(workerFile, document.baseURI).href);
  // Start the workers now, while the catalog is read.
  maplibregl.prewarm();

  const session = createSession();
  let layers, bounds;
  try {
    [layers, bounds] = await Promise.all([getCatalog(), districtBounds(), session.refresh().catch(showError)]);
  } catch (err) {
    showError(err);
    // Anonymous access is off on this server: log in, then start again.
    if (err.status === 401) {
      session.onChange((me) => me.authenticated && location.reload());
      openLoginDialog(session);
    }
    throw err;
  }
  performance.mark('onemap:catalog');
  const catalog = new Map(layers.map((l) => [l.name, l]));
  const builtIn = [...basemapDefs(), ...thematicDefs()];
  const known = new Set(builtIn.map((d) => d.id));
  // Layers the app was not built with (published by the census staff) are
  // drawn from their geometry type.
  let others = 0;
  const extra = layers.filter((l) => !known.has(l.name)).map((l) => catalogDef(l, others++));
  // The accessibility surface is drawn over the census units' tiles.
  const planning = plannerDefs().filter((d) => !d.source.from || catalog.has(d.source.from));
  const defs = [...builtIn.filter((d) => catalog.has(d.id)), ...extra, ...overlayDefs(), ...planning];
  const visible = new Set(defs.filter((d) => d.basemap || d.visible || (d.overlay && !d.hidden)).map((d) => d.id));

  const app = document.getElementById('app');
  const router = createRouter(views.map((v) => v.id));
  const topbar = createTopbar(document.getElementById('topbar'), {demo: isDemo(catalog), views, router, session});
  const map = createMap(document.getElementById('map'), defs, fontFaces, visible, bounds);
  window.onemapMap = map;
  const panel = createLayersPanel(document.getElementById('panel'), map, defs, catalog, visible);
  const statusbar = createStatusbar(document.getElementById('statusbar'), map);
  // data keeps the last read of each GeoJSON layer: the incident panel
  // takes the active hazard types and the warehouse's items from it.
  const data = new Map();
  let incident = null;
  const hooks = {
    onError: showError,
    onBusy: (d) => statusbar.busy(d),
    onData: (def, fc) => {
      data.set(def.id, fc);
      if (def.source.kind === 'whole' && !def.basemap) panel.setCount(def.id, fc.numberMatched ?? fc.features.length);
      if (['stockpiles', 'hazard_zones'].includes(def.id)) incident?.render();
    },
  };
  incident = createIncident(map, document.getElementById('incident'), {data});
  const {loaders, ready} = loadData(map, defs, hooks);
  const popup = installPopup(map, defs, catalog, {
    ignores: (e) => incident.ignores(e),
    onError: (err, layer) => {
      showError(err);
      // The feature is gone: someone else changed the layer, so show it
      // as it is now.
      if (err.status === 404) loaders.get(layer)?.reload();
    },
  });

  // The catalog, followed: changed layers are read again, new ones drawn,
  // vanished ones taken off the map.
  const addLayer = (layer) => {
    if (defs.some((d) => d.id === layer.name)) return;
    const def = known.has(layer.name) ? builtIn.find((d) => d.id === layer.name) : catalogDef(layer, others++);
    defs.push(def);
    if (def.basemap || def.visible) visible.add(def.id);
    addDefinition(map, def, visible.has(def.id));
    loaders.set(def.id, startLoading(map, def, {...hooks, styleLoaded: Promise.resolve()}));
    panel.render();
  };
  const removeLayer = (layer) => {
    const i = defs.findIndex((d) => d.id === layer.name);
    if (i < 0) return;
    removeDefinition(map, defs[i]);
    defs.splice(i, 1);
    loaders.delete(layer.name);
    visible.delete(layer.name);
    panel.render();
  };
  let watcher = null;
  const census = createCensus(document.getElementById('census'), map, {
    session, catalog,
    // After a publish or rollback, read the catalog now rather than at the
    // next poll, and show where the data is.
    onPublished: async (layer, bbox) => {
      await watcher?.sync().catch(showError);
      if (bbox) map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], {padding: 80, maxZoom: 15, duration: 500});
    },
  });

  const planner = createPlanner(document.getElementById('planner'), map, {session});

  const showView = (id) => {
    for (const v of views) app.classList.toggle(`view-${v.id}`, v.id === id);
    if (id === 'census') census.activate();
    else census.deactivate();
    if (id === 'planner') planner.activate();
    else planner.deactivate();
    topbar.render();
    map.resize();
  };
  router.onChange(showView);
  showView(router.current());

  window.onemap.resolve({map, ready});
  ready.then(() => {
    // The district's name for the top bar: nothing on the map waits for it.
    if (catalog.has('admin_units')) {
      getFeatures('admin_units', {level: 'district', properties: 'name'}, {max: 1}).then((fc) => {
        const name = fc.features[0]?.properties?.name;
        if (name) topbar.setDistrict(name);
      }, showError);
    }
    watcher = watchVersions(catalog, {
      onError: showError,
      onChange: (layer) => {
        loaders.get(layer.name)?.reload();
        incident.refresh(layer.name);
        panel.render();
      },
      onAdd: addLayer,
      onRemove: removeLayer,
    });
  });
  session.onChange(() => {
    topbar.render();
    // A login may show sensitive layers; a logout hides them again.
    watcher?.sync().catch(showError);
  });

  onLanguage(() => {
    topbar.render();
    panel.render();
    statusbar.render();
    incident.render();
    census.render();
    planner.render();
    popup.close();
  });
}

// window.onemap.ready resolves with the time of the first complete render
// (ms since navigation start); started resolves once the map exists.
window.onemap = {};
window.onemap.started = new Promise((resolve, reject) => {
  window.onemap.resolve = resolve;
  main().catch(reject);
});
window.onemap.ready = window.onemap.started.then((s) => s.ready);
