// popup.js opens a feature's attributes when it is clicked: the feature is
// read from the server (so structured attributes and the latest values
// show), and each attribute is labelled with its title from the layer's
// schema.
import * as maplibregl from 'maplibre-gl';
import {getFeature} from './api.js';
import {h} from './dom.js';
import {fieldTitle, layerTitle, t} from './i18n.js';
import {formatValue} from './format.js';

// hitRadius is how many pixels around the pointer count as a hit, so that
// small symbols can be clicked on a touch screen.
const hitRadius = 5;

// installPopup makes the interactive layers of defs clickable. catalog maps
// a layer name to its catalog entry (schema and title). A feature that
// cannot be read is reported as onError(err, layerName). Events for which
// ignores(e) is true belong to someone else (placing an incident).
export function installPopup(map, defs, catalog, {onError, ignores = () => false}) {
  // defs may change while the app runs, so the clickable layers are looked
  // up at each event.
  const interactive = () => defs.flatMap((d) => d.layers.filter((l) => l.interactive).map((l) => l.spec.id));
  const popup = new maplibregl.Popup({maxWidth: '380px', className: 'feature-popup', focusAfterOpen: false});
  let current = null;

  const hits = (point) => {
    const layers = interactive().filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
    if (layers.length === 0) return [];
    const box = [[point.x - hitRadius, point.y - hitRadius], [point.x + hitRadius, point.y + hitRadius]];
    return map.queryRenderedFeatures(box, {layers});
  };

  map.on('mousemove', (e) => {
    if (ignores(e)) return;
    map.getCanvas().style.cursor = hits(e.point).length ? 'pointer' : '';
  });

  map.on('click', async (e) => {
    if (ignores(e)) return;
    const [f] = hits(e.point);
    if (!f) return;
    const layerName = f.layer.metadata?.['onemap:layer'] ?? f.source;
    const layer = catalog.get(layerName);
    if (!layer || f.id === undefined) return;
    const at = f.geometry.type === 'Point' ? f.geometry.coordinates : e.lngLat;
    const request = {layer: layerName, id: f.id, abort: new AbortController()};
    current?.abort.abort();
    current = request;
    popup.setLngLat(at).setDOMContent(h('div', {class: 'popup-loading'}, t('popup.loading'))).addTo(map);
    try {
      const feature = await getFeature(layerName, f.id, {signal: request.abort.signal});
      if (current !== request) return;
      popup.setDOMContent(renderFeature(layer, feature));
    } catch (err) {
      if (err.name === 'AbortError') return;
      if (current === request) popup.remove();
      onError(err, layerName);
    }
  });

  return {close: () => popup.remove()};
}

// renderFeature is the popup body: the layer, the feature's name, and a
// table of its attributes in schema order.
export function renderFeature(layer, feature) {
  const props = feature.properties ?? {};
  const rows = [];
  for (const field of layer.schema?.fields ?? []) {
    if (field.name === 'name') continue;
    const v = props[field.name];
    if (v === null || v === undefined) continue;
    rows.push(h('tr', {dataset: {field: field.name}},
      h('th', {scope: 'row'}, fieldTitle(field)),
      h('td', {}, formatValue(layer.name, field, v))));
  }
  return h('div', {class: 'popup-body', dataset: {layer: layer.name, id: String(feature.id)}},
    h('div', {class: 'popup-layer'}, layerTitle(layer)),
    h('h3', {class: 'popup-title'}, props.name ?? `#${feature.id}`),
    occupancyBar(props),
    h('table', {class: 'popup-table'}, h('tbody', {}, rows)));
}

// occupancyBar shows how full a shelter is, when it has a capacity.
function occupancyBar(props) {
  const cap = Number(props.capacity);
  if (!(cap > 0) || props.occupancy === undefined || props.occupancy === null) return null;
  const used = Math.max(0, Number(props.occupancy));
  const share = Math.min(1, used / cap);
  const level = share >= 1 ? 'full' : share >= 0.8 ? 'high' : 'ok';
  return h('div', {class: 'occupancy', title: t('popup.occupancy')},
    h('div', {class: 'occupancy-label'},
      h('span', {}, t('popup.occupancy')),
      h('span', {}, `${used.toLocaleString()} / ${cap.toLocaleString()} (${Math.round(share * 100)}%)`)),
    h('div', {class: 'occupancy-track'},
      h('div', {class: `occupancy-fill occupancy-${level}`, style: {width: `${(share * 100).toFixed(1)}%`}})));
}
