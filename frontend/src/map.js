// map.js creates the MapLibre map of the command hall from the layer
// definitions and starts reading their data.
import * as maplibregl from 'maplibre-gl';
import {startLoading} from './sources.js';
import {composeStyle} from './style.js';

// createMap builds the map in container, framed on bounds ([w, s, e, n]).
export function createMap(container, defs, fontFaces, visible, bounds) {
  const map = new maplibregl.Map({
    container,
    style: composeStyle(defs, fontFaces, visible),
    bounds,
    // Clear of the incident panel on the right.
    fitBoundsOptions: {padding: {top: 24, bottom: 24, left: 24, right: 450}},
    maxZoom: 18,
    // The district, not the world: farther out, one tile would hold all
    // its roads and more, over the server's per-tile caps.
    minZoom: 9,
    // A flat, north-up map: rotation on a shared screen only disorients.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: false,
    // Labels appear at once: fading them in costs frames a big screen
    // without a fast GPU can ill afford.
    fadeDuration: 0,
  });
  // Failures inside MapLibre (a source or style it cannot use) would
  // otherwise only reach the console.
  map.on('error', (e) => console.error(e.error ?? e));
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  // Bottom right: the top right holds the incident panel.
  map.addControl(new maplibregl.NavigationControl({showCompass: false}), 'bottom-right');
  map.addControl(new maplibregl.ScaleControl({unit: 'metric'}), 'bottom-right');
  return map;
}

// loadData starts reading every definition's data at once, while the style
// and the worker are still loading; the data goes into the map when the
// style is in. It returns the loaders by layer id (to read a layer again)
// and ready, which resolves with the time of the first idle after all first
// reads are in the map: the first complete render.
export function loadData(map, defs, hooks) {
  // Setting the data at 'style.load' (before the first tiles are in)
  // instead was measured: the data went in 0.8 s earlier, but the first
  // tiles came about 1 s later and the idle no sooner (docs/webapp.md).
  const styleLoaded = new Promise((resolve) => {
    if (map.loaded()) resolve();
    else map.once('load', resolve);
  }).then(() => performance.mark('onemap:style'));
  const loaders = new Map(defs.map((def) => [def.id, startLoading(map, def, {...hooks, styleLoaded})]));
  // Each frame costs a full redraw (on a software GL, most of the first
  // render's time): the count is kept with the ready mark.
  let frames = 0;
  const countFrame = () => frames++;
  map.on('render', countFrame);
  const ready = Promise.all([...loaders.values()].map((l) => l.ready)).then(() => new Promise((resolve) => {
    performance.mark('onemap:data');
    // setData has queued work; idle fires when it is drawn.
    map.once('idle', () => {
      map.off('render', countFrame);
      performance.mark('onemap:ready', {detail: {frames}});
      resolve(performance.now());
    });
    map.triggerRepaint();
  }));
  return {loaders, ready};
}
