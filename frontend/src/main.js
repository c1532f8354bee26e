// main.js starts the command-hall app: it reads the layer catalog, builds
// the map and the panels around it, and exposes the map to end-to-end tests
// as window.onemapMap (and window.onemap.ready, the first complete render).
import * as maplibregl from 'maplibre-gl';
import {fontFaces, workerFile} from 'onemap:build';
import {getCatalog, getCollection} from './api.js';
import {basemapDefs} from './basemap.js';
import {initLanguage, onLanguage} from './i18n.js';
import {thematicDefs} from './layers.js';
import {createLayersPanel} from './layers-panel.js';
import {createMap, loadData} from './map.js';
import {showError} from './notice.js';
import {installPopup} from './popup.js';
import {createStatusbar} from './statusbar.js';
import {createTopbar, isDemo} from './topbar.js';
import {watchVersions} from './watch.js';

// fallbackBounds frames Haimen District when the server reports no extent.
const fallbackBounds = [121.0667, 31.7667, 121.5333, 32.15];

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
  initLanguage();
  // MapLibre's worker is a file of our own build, on our origin.
  maplibregl.setWorkerUrl(new URL(workerFile, document.baseURI).href);
  // Start the workers now, while the catalog is read.
  maplibregl.prewarm();

  let layers, bounds;
  try {
    [layers, bounds] = await Promise.all([getCatalog(), districtBounds()]);
  } catch (err) {
    showError(err);
    throw err;
  }
  const catalog = new Map(layers.map((l) => [l.name, l]));
  const defs = [...basemapDefs(), ...thematicDefs()].filter((d) => catalog.has(d.id));
  const visible = new Set(defs.filter((d) => d.basemap || d.visible).map((d) => d.id));

  const topbar = createTopbar(document.getElementById('topbar'), {demo: isDemo(catalog)});
  const map = createMap(document.getElementById('map'), defs, fontFaces, visible, bounds);
  window.onemapMap = map;
  const panel = createLayersPanel(document.getElementById('panel'), map, defs, catalog, visible);
  const statusbar = createStatusbar(document.getElementById('statusbar'), map);
  const {loaders, ready} = loadData(map, defs, {
    onError: showError,
    onBusy: (d) => statusbar.busy(d),
    onData: (def, fc) => {
      if (def.source.kind === 'whole' && !def.basemap) panel.setCount(def.id, fc.numberMatched ?? fc.features.length);
      if (def.id === 'admin_units') {
        const district = fc.features.find((f) => f.properties.level === 'district');
        if (district) topbar.setDistrict(district.properties.name);
      }
    },
  });
  const popup = installPopup(map, defs, catalog, {
    onError: (err, layer) => {
      showError(err);
      // The feature is gone: someone else changed the layer, so show it
      // as it is now.
      if (err.status === 404) loaders.get(layer)?.reload();
    },
  });
  window.onemap.resolve({map, ready});
  ready.then(() => watchVersions(catalog, loaders, {onError: showError}));

  onLanguage(() => {
    topbar.render();
    panel.render();
    statusbar.render();
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
