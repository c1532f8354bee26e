// overlays.js defines what the app draws on top of the district's layers
// from its own answers: the incident, the routes to it and the facilities
// found, service areas, and the features and extent of an upload waiting
// to be published. Each is a GeoJSON source the app fills with setData; they are
// not switched in the layer panel.
import {local} from './sources.js';
import {labelFont, palette} from './style.js';

// kindColors tell the three kinds of answer to an incident apart.
export const kindColors = {station: '#ff5a5f', shelter: '#22c55e', stockpile: '#c084fc'};

// stagedColor marks an upload's staged (unpublished) data.
export const stagedColor = '#f5b83d';

// bandColors shade service areas by drive time (minutes).
export const bandColors = {4: '#38bdf8', 8: '#1d6fa5'};

const byKind = (fallback) => ['match', ['get', 'kind'], ...Object.entries(kindColors).flat(), fallback];

// overlayDefs lists the overlays in drawing order.
export function overlayDefs() {
  return [
    {
      id: 'service-areas',
      overlay: true,
      source: local(),
      layers: [
        {slot: 'service', spec: {id: 'service-area-fill', type: 'fill',
          paint: {'fill-color': ['match', ['get', 'minutes'], 4, bandColors[4], bandColors[8]],
            'fill-opacity': ['match', ['get', 'minutes'], 4, 0.32, 0.18]}}},
        {slot: 'service', spec: {id: 'service-area-line', type: 'line',
          paint: {'line-color': ['match', ['get', 'minutes'], 4, bandColors[4], '#5fb4ea'], 'line-width': 1.4,
            'line-dasharray': [3, 2]}}},
      ],
    },
    {
      // The staged features of an upload, drawn over the published layers
      // (the service slot is above areas, roads and outlines) in the
      // census workspace's orange, hatched by a dashed outline, so that
      // the clerk and the steward see what a publish would put on the map.
      id: 'staged-features',
      overlay: true,
      source: local(),
      layers: [
        {slot: 'service', spec: {id: 'staged-features-fill', type: 'fill', filter: ['==', ['geometry-type'], 'Polygon'],
          paint: {'fill-color': stagedColor, 'fill-opacity': 0.3}}},
        {slot: 'service', spec: {id: 'staged-features-line', type: 'line', filter: ['!=', ['geometry-type'], 'Point'],
          layout: {'line-join': 'round'},
          paint: {'line-color': stagedColor, 'line-width': 2.2, 'line-dasharray': [2, 1.5]}}},
        {slot: 'service', spec: {id: 'staged-features-point', type: 'circle', filter: ['==', ['geometry-type'], 'Point'],
          paint: {'circle-color': stagedColor, 'circle-radius': 6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5}}},
        {slot: 'label', spec: {id: 'staged-features-labels', type: 'symbol', minzoom: 11,
          layout: {'text-field': ['coalesce', ['get', 'name'], ''], 'text-font': labelFont, 'text-size': 12, 'text-optional': true},
          paint: {'text-color': stagedColor, 'text-halo-color': palette.halo, 'text-halo-width': 1.4}}},
      ],
    },
    {
      id: 'staged-extent',
      overlay: true,
      source: local(),
      layers: [
        {slot: 'service', spec: {id: 'staged-fill', type: 'fill', filter: ['==', ['geometry-type'], 'Polygon'],
          paint: {'fill-color': stagedColor, 'fill-opacity': 0.08}}},
        {slot: 'service', spec: {id: 'staged-line', type: 'line', filter: ['==', ['geometry-type'], 'Polygon'],
          paint: {'line-color': stagedColor, 'line-width': 2, 'line-dasharray': [4, 3]}}},
        {slot: 'label', spec: {id: 'staged-label', type: 'symbol', filter: ['==', ['geometry-type'], 'Point'],
          layout: {'text-field': ['get', 'label'], 'text-font': labelFont, 'text-size': 14,
            'text-anchor': 'bottom', 'text-offset': [0, -0.4], 'text-allow-overlap': true},
          paint: {'text-color': stagedColor, 'text-halo-color': palette.halo, 'text-halo-width': 1.6}}},
      ],
    },
    {
      id: 'incident-routes',
      overlay: true,
      source: local(),
      layers: [
        {slot: 'route', spec: {id: 'incident-route-casing', type: 'line',
          layout: {'line-cap': 'round', 'line-join': 'round', 'line-sort-key': ['-', 10, ['get', 'rank']]},
          paint: {'line-color': palette.halo, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 5, 15, 11], 'line-opacity': 0.85}}},
        {slot: 'route', spec: {id: 'incident-routes', type: 'line',
          layout: {'line-cap': 'round', 'line-join': 'round', 'line-sort-key': ['-', 10, ['get', 'rank']]},
          paint: {'line-color': byKind('#ffffff'), 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 2.6, 15, 6],
            'line-opacity': ['match', ['get', 'rank'], 1, 1, 0.8]}}},
      ],
    },
    {
      id: 'incident-places',
      overlay: true,
      source: local(),
      layers: [
        {slot: 'marker', spec: {id: 'incident-places', type: 'circle',
          paint: {'circle-color': byKind('#ffffff'), 'circle-radius': 10, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2}}},
        {slot: 'marker', spec: {id: 'incident-place-ranks', type: 'symbol',
          layout: {'text-field': ['to-string', ['get', 'rank']], 'text-font': labelFont, 'text-size': 12,
            'text-allow-overlap': true, 'text-ignore-placement': true},
          paint: {'text-color': '#ffffff', 'text-halo-color': 'rgba(0,0,0,0.35)', 'text-halo-width': 0.6}}},
        {slot: 'marker', spec: {id: 'incident-place-labels', type: 'symbol',
          layout: {'text-field': ['get', 'label'], 'text-font': labelFont, 'text-size': 13,
            'text-anchor': 'left', 'text-offset': [1.2, 0], 'text-optional': true},
          paint: {'text-color': byKind('#ffffff'), 'text-halo-color': palette.halo, 'text-halo-width': 1.8}}},
      ],
    },
    {
      id: 'incident',
      overlay: true,
      source: local(),
      layers: [
        {slot: 'marker', spec: {id: 'incident-halo', type: 'circle',
          paint: {'circle-color': '#ff2d2d', 'circle-radius': 24, 'circle-opacity': 0.22,
            'circle-stroke-color': '#ff5a5f', 'circle-stroke-width': 1.5, 'circle-stroke-opacity': 0.8}}},
        {slot: 'marker', spec: {id: 'incident-point', type: 'circle',
          paint: {'circle-color': '#ff2d2d', 'circle-radius': 9, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2.5}}},
        {slot: 'marker', spec: {id: 'incident-label', type: 'symbol',
          layout: {'text-field': ['get', 'label'], 'text-font': labelFont, 'text-size': 14, 'text-anchor': 'top',
            'text-offset': [0, 1.8], 'text-allow-overlap': true},
          paint: {'text-color': '#ffd6d6', 'text-halo-color': palette.halo, 'text-halo-width': 2}}},
      ],
    },
  ];
}

// setOverlay replaces an overlay's features (a FeatureCollection, or a
// list of features) once the style is loaded.
export function setOverlay(map, id, features) {
  const fc = Array.isArray(features) ? {type: 'FeatureCollection', features} : features;
  const put = () => map.getSource(id)?.setData(fc);
  // The sources exist once the style is in (isStyleLoaded would also wait
  // for every tile).
  if (map.getSource(id)) put();
  else map.once('load', put);
}
