// sources.js decides where a layer's features come from. A layer definition
// names one of these kinds, so moving a layer to vector tiles is a one-line
// change (source: tiles() instead of whole() or byView(...)):
//
//   whole()       GeoJSON, every feature of the collection, read once;
//   byView(opts)  GeoJSON, the features in the view plus a margin, read
//                 again after the map moves out of what was read;
//   tiles()       vector tiles from the server's /tiles/{layer}/{z}/{x}/{y}.mvt
//                 (for when the server serves them).
import {apiRoot, getFeatures} from './api.js';
import {labelPoint} from './geometry.js';

const empty = () => ({type: 'FeatureCollection', features: []});

// whole reads every feature once. properties limits the attributes read.
export function whole({properties} = {}) {
  return {kind: 'whole', properties};
}

// byView reads what the view shows. queries(zoom) lists the attribute
// filters to read at that zoom (one request each, e.g. only the major road
// classes when zoomed out); margin widens the box by that fraction on each
// side so that small moves need no new read.
export function byView({queries = () => [{}], properties, margin = 0.3} = {}) {
  return {kind: 'view', queries, properties, margin};
}

// tiles reads the server's vector tiles of the layer.
export function tiles({minzoom = 0, maxzoom = 14} = {}) {
  return {kind: 'tiles', minzoom, maxzoom};
}

// sourceSpecs are the MapLibre sources of a layer definition: its own and,
// for layers with polygon labels, the label points computed from it.
export function sourceSpecs(def) {
  const specs = {};
  if (def.source.kind === 'tiles') {
    specs[def.id] = {
      type: 'vector',
      tiles: [`${new URL('tiles/', apiRoot).href}${def.id}/{z}/{x}/{y}.mvt`],
      minzoom: def.source.minzoom,
      maxzoom: def.source.maxzoom,
    };
  } else {
    specs[def.id] = {type: 'geojson', data: empty(), tolerance: 0.4};
  }
  if (def.labels && def.source.kind !== 'tiles') specs[labelSource(def)] = {type: 'geojson', data: empty()};
  return specs;
}

// sourceRef is what a style layer of def needs to name its source.
export function sourceRef(def) {
  return def.source.kind === 'tiles' ? {'source': def.id, 'source-layer': def.id} : {source: def.id};
}

// labelSource names the source of def's label points.
export function labelSource(def) {
  return `${def.id}-labels`;
}

// startLoading fills the GeoJSON source of def and keeps it filled. The
// first read starts at once; its data goes in when styleLoaded resolves.
// It returns {ready, reload}: ready resolves once the first read is in the
// map, reload reads the layer again (after someone else changed it). Reads
// that fail are handed to onError and resolve too, so one refused layer
// does not hold up the map. onBusy(+1/-1) counts reads in flight.
export function startLoading(map, def, {onError, onBusy, onData, styleLoaded}) {
  const set = async (fc) => {
    await styleLoaded;
    map.getSource(def.id).setData(fc);
    if (def.labels) map.getSource(labelSource(def)).setData(labelPoints(fc));
    onData?.(def, fc);
  };
  const read = async (query, signal) => {
    onBusy(1);
    try {
      return await getFeatures(def.id, query, {signal});
    } finally {
      onBusy(-1);
    }
  };
  const kind = def.source.kind;
  if (kind === 'whole') {
    const load = () => read({properties: def.source.properties?.join(',')}).then(set).catch(onError);
    return {ready: load(), reload: load};
  }
  if (kind === 'view') return viewLoader(map, def, read, set, onError);
  return {ready: Promise.resolve(), reload: async () => map.getSource(def.id)?.reload?.()};
}

// viewLoader reads the features of the view after each move, unless what
// was last read already covers the view at this zoom's filters.
function viewLoader(map, def, read, set, onError) {
  const src = def.source;
  const last = {bbox: null, key: '', abort: null};
  const load = async (force = false) => {
    const queries = src.queries(map.getZoom());
    const key = JSON.stringify(queries);
    const view = map.getBounds();
    if (!force && last.bbox && key === last.key && covers(last.bbox, view)) return;
    last.abort?.abort();
    const abort = new AbortController();
    last.abort = abort;
    const bbox = widen(view, src.margin);
    const properties = src.properties?.join(',');
    try {
      const parts = await Promise.all(queries.map((q) => read({...q, bbox: bbox.join(','), properties}, abort.signal)));
      if (abort.signal.aborted) return;
      Object.assign(last, {bbox, key});
      await set({type: 'FeatureCollection', features: parts.flatMap((p) => p.features)});
    } catch (err) {
      if (err.name !== 'AbortError') onError(err);
    }
  };
  let timer = 0;
  map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 120);
  });
  return {ready: load(), reload: () => load(true)};
}

// widen returns [w, s, e, n] of bounds grown by margin of its size on every
// side, kept within lon/lat.
function widen(bounds, margin) {
  const w = bounds.getWest(), e = bounds.getEast(), s = bounds.getSouth(), n = bounds.getNorth();
  const dx = (e - w) * margin, dy = (n - s) * margin;
  const r = (v) => Math.round(v * 1e5) / 1e5;
  return [r(Math.max(-180, w - dx)), r(Math.max(-90, s - dy)), r(Math.min(180, e + dx)), r(Math.min(90, n + dy))];
}

// covers reports whether bbox [w, s, e, n] holds all of bounds.
function covers(bbox, bounds) {
  return bbox[0] <= bounds.getWest() && bbox[1] <= bounds.getSouth() && bbox[2] >= bounds.getEast() && bbox[3] >= bounds.getNorth();
}

// labelPoints turns polygon features into one label point each, so that a
// town's name appears once and inside it, wherever tiles cut it.
function labelPoints(fc) {
  const features = [];
  for (const f of fc.features) {
    const p = f.geometry && labelPoint(f.geometry);
    if (p) features.push({type: 'Feature', id: f.id, properties: f.properties, geometry: {type: 'Point', coordinates: p}});
  }
  return {type: 'FeatureCollection', features};
}
