// basemap.js defines the basemap, drawn from the district's own layers (no
// remote tiles): land and town boundaries from admin_units, built-up areas,
// and roads by class. These layers are not switched in the panel.
//
// All of it comes from the server's basemap composite, /tiles/basemap/…:
// one tile request per tile for every basemap layer, with the town names
// as label points the server places once per town (its "labels" layer), so
// nothing of the basemap is read as GeoJSON before the first render.
import {tiles} from './sources.js';
import {labelFont, palette} from './style.js';

// The basemap's fills are drawn without antialiased edges: the outlines
// drawn over them hide the steps, and on a software GL each antialiased
// fill costs a second draw of every ring in every frame.

// majorRoads are the classes drawn at every zoom; the others from
// minorRoadZoom on.
const majorRoads = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary'];

// minorRoadZoom is the zoom from which every road class is drawn.
export const minorRoadZoom = 11;

// basemapTiles reads one layer of the basemap composite; the definitions
// share its one MapLibre source.
const basemapTiles = (layer) => tiles({path: 'basemap', source: 'basemap', layer});

const roadColor = ['match', ['get', 'class'],
  'motorway', '#e9b44c', 'trunk', '#d39a4a', 'primary', '#a7b3cc', 'secondary', '#7e8aa6',
  'tertiary', '#5d6983', '#3a4560'];
const roadRank = ['match', ['get', 'class'],
  'motorway', 8, 'trunk', 7, 'primary', 6, 'secondary', 5, 'tertiary', 4, 'unclassified', 3, 'residential', 2, 1];
const roadWidth = (z) => ['match', ['get', 'class'],
  'motorway', 2.4 * z, 'trunk', 2 * z, 'primary', 1.6 * z, 'secondary', 1.2 * z, 'tertiary', 0.9 * z, 0.6 * z];

// basemapDefs lists the basemap layers in drawing order.
export function basemapDefs() {
  return [
    {
      id: 'admin_units',
      basemap: true,
      source: basemapTiles('admin_units'),
      layers: [
        {slot: 'land', spec: {id: 'admin-land', type: 'fill', filter: ['==', ['get', 'level'], 'district'],
          paint: {'fill-color': palette.land, 'fill-antialias': false}}},
        {slot: 'outline', spec: {id: 'admin-towns', type: 'line', filter: ['!=', ['get', 'level'], 'district'],
          paint: {'line-color': palette.boundary, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.8, 14, 2],
            'line-dasharray': [4, 2]}}},
        {slot: 'outline', spec: {id: 'admin-district', type: 'line', filter: ['==', ['get', 'level'], 'district'],
          paint: {'line-color': palette.district, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1.6, 14, 3.5]}}},
        {slot: 'label', sourceLayer: 'labels', spec: {id: 'admin-labels', type: 'symbol',
          filter: ['in', ['get', 'kind'], ['literal', ['street', 'town']]],
          layout: {'text-field': ['get', 'name'], 'text-font': labelFont,
            'text-size': ['interpolate', ['linear'], ['zoom'], 9, 14, 13, 22], 'text-letter-spacing': 0.2},
          paint: {'text-color': palette.label, 'text-opacity': 0.9, 'text-halo-color': palette.halo, 'text-halo-width': 2}}},
      ],
    },
    {
      id: 'built_up',
      basemap: true,
      source: basemapTiles('built_up'),
      layers: [
        {slot: 'land', spec: {id: 'built-up', type: 'fill',
          paint: {'fill-color': ['case', ['==', ['get', 'urban'], true], palette.builtUpUrban, palette.builtUp],
            'fill-antialias': false}}},
      ],
    },
    {
      id: 'roads',
      basemap: true,
      source: basemapTiles('roads'),
      layers: [
        {slot: 'road', interactive: true, spec: {id: 'roads-minor', type: 'line', minzoom: minorRoadZoom,
          filter: ['!', ['in', ['get', 'class'], ['literal', majorRoads]]],
          layout: {'line-cap': 'round', 'line-join': 'round'},
          paint: {'line-color': roadColor,
            'line-width': ['interpolate', ['exponential', 1.5], ['zoom'], 11, roadWidth(1), 16, roadWidth(4)]}}},
        {slot: 'road', interactive: true, spec: {id: 'roads', type: 'line',
          filter: ['in', ['get', 'class'], ['literal', majorRoads]],
          layout: {'line-cap': 'round', 'line-join': 'round', 'line-sort-key': roadRank},
          paint: {'line-color': roadColor,
            'line-width': ['interpolate', ['exponential', 1.5], ['zoom'], 9, roadWidth(0.6), 12, roadWidth(1.2), 16, roadWidth(4)]}}},
        {slot: 'label', spec: {id: 'road-labels', type: 'symbol', minzoom: 13,
          filter: ['in', ['get', 'class'], ['literal', ['motorway', 'trunk', 'primary', 'secondary']]],
          layout: {'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': labelFont, 'text-size': 12},
          paint: {'text-color': palette.labelMuted, 'text-halo-color': palette.halo, 'text-halo-width': 1.4}}},
      ],
    },
  ];
}
