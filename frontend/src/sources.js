// sources.js decides where a layer's features come from. A layer definition
// names one of these kinds, so moving a layer to vector tiles is a one-line
// change (source: tiles() instead of whole() or byView(...)):
//
//   whole()       GeoJSON, every feature of the collection, read once;
//   byView(opts)  GeoJSON, the features in the view plus a margin, read
//                 again after the map moves out of what was read;
//   tiles(opts)   vector tiles from the server's /tiles/{layer}/{z}/{x}/{y}.mvt
//                 (or a composite such as /tiles/basemap/…, shared by
//                 several definitions as one MapLibre source);
//   local()       GeoJSON the app itself computes and sets (the incident,
//                 its routes, an upload's extent): nothing is read.
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

// tiles reads the server's vector tiles of the layer (MapLibre draws
// vector tiles at 512 pixels; it accepts no other size). path is the
// tileset's name in the URL and layer the MVT layer inside, both the
// definition's id unless given (the gap tiles are /tiles/gaps-fire/… with
// layer gaps_fire). from draws from another definition's tiles instead of
// reading any (the accessibility surface over the census units' tiles).
// source names the MapLibre source when several definitions share one
// tileset (the basemap's layers: one request per tile, not one per layer).
export function tiles({minzoom = 0, maxzoom = 14, path, layer, from, source} = {}) {
  return {kind: 'tiles', minzoom, maxzoom, path, layer, from, source};
}

// sourceId is the MapLibre source of def's own features.
export function sourceId(def) {
  return def.source.from ?? def.source.source ?? def.id;
}

// local is a GeoJSON source the app fills itself with setData.
export function local() {
  return {kind: 'local'};
}

// sourceSpecs are the MapLibre sources of a layer definition: its own and,
// for layers with polygon labels, the label points computed from it.
export function sourceSpecs(def) {
  const specs = {};
  if (def.source.kind === 'tiles') {
    if (def.source.from) return specs;
    specs[sourceId(def)] = {
      type: 'vector',
      tiles: [`${new URL('tiles/', apiRoot).href}${def.source.path ?? def.id}/{z}/{x}/{y}.mvt`],
      minzoom: def.source.minzoom,
      maxzoom: def.source.maxzoom,
    };
  } else {
    specs[def.id] = {type: 'geojson', data: empty(), tolerance: 0.4};
  }
  if (def.labels) specs[labelSource(def)] = {type: 'geojson', data: empty()};
  return specs;
}

// sourceRef is what a style layer of def needs to name its source.
export function sourceRef(def) {
  const src = def.source;
  if (src.kind !== 'tiles') return {source: def.id};
  return {'source': sourceId(def), 'source-layer': src.from ?? src.layer ?? def.id};
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
  if (kind === 'tiles' && def.source.from) return {ready: Promise.resolve(), reload: async () => {}};
  if (kind === 'tiles') {
    if (def.labels) styleLoaded.then(() => followTileLabels(map, def));
    // The tiles' ETags follow the layer's version, so the browser's cache
    // revalidates them and gets the new content.
    return {ready: Promise.resolve(), reload: async () => {
      await styleLoaded;
      if (map.getSource(sourceId(def))) map.refreshTiles(sourceId(def));
    }};
  }
  return {ready: Promise.resolve(), reload: async () => {}};
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

// followTileLabels keeps one label point per polygon of a vector-tile
// layer. A tile holds only the part of a polygon inside it, and MapLibre
// would label every part; instead, after each render the parts of the
// tiles loaded are gathered by feature ID and labelled once, inside the
// largest part. The label source is only set when the labels changed.
function followTileLabels(map, def) {
  let last = '';
  const update = () => {
    if (!map.getSource(sourceId(def)) || !map.getSource(labelSource(def))) return;
    const layerIds = def.layers.map((l) => l.spec.id).filter((id) => map.getLayer(id));
    if (layerIds.every((id) => map.getLayoutProperty(id, 'visibility') === 'none')) return;
    const parts = new Map();
    for (const f of map.querySourceFeatures(sourceId(def), {sourceLayer: def.source.layer ?? def.id})) {
      if (f.id === undefined) continue;
      const g = f.geometry;
      const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      // A plain copy: the worker cannot take the tile's own property object.
      const p = parts.get(f.id) ?? {properties: {...f.properties}, polygons: []};
      p.polygons.push(...polygons);
      parts.set(f.id, p);
    }
    const features = [];
    for (const [id, p] of parts) {
      const at = labelPoint({type: 'MultiPolygon', coordinates: p.polygons});
      if (at) features.push({type: 'Feature', id, properties: p.properties, geometry: {type: 'Point', coordinates: at}});
    }
    features.sort((a, b) => a.id - b.id);
    // Points moved by less than about a metre are the same label.
    const key = features.map((f) => `${f.id}:${f.geometry.coordinates.map((v) => v.toFixed(5))}`).join(';');
    if (key === last) return;
    last = key;
    map.getSource(labelSource(def)).setData({type: 'FeatureCollection', features});
  };
  map.on('idle', update);
  update();
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
