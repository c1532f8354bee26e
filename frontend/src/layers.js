// layers.js defines the thematic layers of the command hall: how each is
// drawn, its legend, its group in the panel and whether it shows at start.
// Each names its source kind (sources.js) in one line.
import {tiles, whole} from './sources.js';
import {glyphMark, pointLabel} from './style.js';

// gradeColors colour hazard zones by risk grade (1 high … 4 low).
export const gradeColors = {1: '#ff4d4f', 2: '#ff9f1a', 3: '#f5d90a', 4: '#3d9df3'};

// shelterStatusColors colour shelters by status.
export const shelterStatusColors = {open: '#22c55e', full: '#f59e0b', closed: '#6b7280'};

// shelterClassRadius sizes shelters by class, largest first.
export const shelterClassRadius = {central: 9, long_term: 7.5, medium_term: 6.5, short_term: 5.5, emergency: 4.5};

// populationSteps are the census choropleth classes (residents per unit).
export const populationSteps = [[0, '#13294a'], [2000, '#1b3d6b'], [4000, '#23558f'], [7000, '#2c6fb5'], [12000, '#3a8ad8']];

const matchGet = (prop, table, fallback) => ['match', ['get', prop], ...Object.entries(table).flatMap(([k, v]) => [isNaN(k) ? k : Number(k), v]), fallback];
const byZoom = (z0, v0, z1, v1) => ['interpolate', ['linear'], ['zoom'], z0, v0, z1, v1];

// thematicDefs lists the thematic layers in drawing order.
export function thematicDefs() {
  return [
    {
      id: 'census_units',
      group: 'population',
      visible: false,
      // Vector tiles: a village's polygon is only read where it is shown.
      source: tiles(),
      labels: true,
      layers: [
        {slot: 'area', interactive: true, spec: {id: 'census-fill', type: 'fill',
          paint: {'fill-color': ['step', ['get', 'population'], ...populationSteps.flatMap(([v, c], i) => (i === 0 ? [c] : [v, c]))],
            'fill-opacity': 0.55}}},
        {slot: 'outline', spec: {id: 'census-line', type: 'line', paint: {'line-color': '#4f6690', 'line-width': 0.7}}},
        {slot: 'label', source: 'census_units-labels', spec: pointLabel('census-labels', 12, 0, 'center')},
      ],
      legend: {title: 'legend.population', items: populationSteps.map(([v, c], i) => ({
        color: c, shape: 'square',
        text: i + 1 < populationSteps.length ? `${v.toLocaleString()}–${populationSteps[i + 1][0].toLocaleString()}` : `≥ ${v.toLocaleString()}`,
      }))},
    },
    {
      id: 'hazard_zones',
      group: 'hazard',
      visible: true,
      source: whole(),
      layers: [
        {slot: 'area', interactive: true, spec: {id: 'hazard-fill', type: 'fill',
          // hazard-line draws the edge: no antialiased fill edge under it.
          paint: {'fill-color': matchGet('grade', gradeColors, '#888888'), 'fill-opacity': 0.24, 'fill-antialias': false}}},
        {slot: 'outline', spec: {id: 'hazard-line', type: 'line',
          paint: {'line-color': matchGet('grade', gradeColors, '#888888'), 'line-width': 1.4, 'line-opacity': 0.9}}},
      ],
      legend: {title: 'legend.grade', items: Object.entries(gradeColors).map(([g, c]) => ({color: c, shape: 'square', code: ['hazard_zones', 'grade', g]}))},
    },
    {
      id: 'warning_points',
      group: 'resources',
      visible: true,
      source: whole(),
      layers: [
        {slot: 'point', interactive: true, spec: {id: 'warning-points', type: 'circle',
          paint: {'circle-color': '#facc15', 'circle-radius': byZoom(9, 2.2, 15, 5), 'circle-opacity': 0.85,
            'circle-stroke-color': '#07101f', 'circle-stroke-width': 0.6}}},
      ],
      legend: {items: [{color: '#facc15', shape: 'dot'}]},
    },
    {
      id: 'shelters',
      group: 'resources',
      visible: true,
      source: whole(),
      layers: [
        {slot: 'point', interactive: true, spec: {id: 'shelters', type: 'circle',
          paint: {
            'circle-color': matchGet('status', shelterStatusColors, shelterStatusColors.open),
            'circle-radius': ['interpolate', ['linear'], ['zoom'],
              9, ['*', 0.75, matchGet('class', shelterClassRadius, 5)],
              15, ['*', 1.7, matchGet('class', shelterClassRadius, 5)]],
            'circle-stroke-color': '#e8fff1', 'circle-stroke-width': ['case', ['==', ['get', 'standardised'], true], 1.6, 0.6],
            'circle-opacity': 0.92}}},
        {slot: 'label', spec: pointLabel('shelter-labels', 12.5)},
      ],
      legend: {sections: [
        {title: 'legend.status', items: Object.entries(shelterStatusColors).map(([s, c]) => ({color: c, shape: 'dot', code: ['shelters', 'status', s]}))},
        {title: 'legend.class', items: Object.entries(shelterClassRadius).map(([k, r]) => ({color: '#9ca3af', shape: 'dot', size: r * 1.6, code: ['shelters', 'class', k]}))},
      ]},
    },
    {
      id: 'stockpiles',
      group: 'resources',
      visible: true,
      source: whole(),
      layers: [
        {slot: 'point', interactive: true, spec: {id: 'stockpiles', type: 'circle',
          paint: {'circle-color': '#a855f7',
            'circle-radius': byZoom(9, ['match', ['get', 'level'], 'district', 9, 7], 15, ['match', ['get', 'level'], 'district', 14, 11]),
            'circle-stroke-color': '#f3e8ff', 'circle-stroke-width': 1.2}}},
        {slot: 'point', spec: glyphMark('stockpile-marks', '储')},
        {slot: 'label', spec: pointLabel('stockpile-labels', 11.5, 1.3)},
      ],
      legend: {items: [{color: '#a855f7', shape: 'dot', mark: '储'}]},
    },
    {
      id: 'rescue_teams',
      group: 'resources',
      visible: true,
      source: whole(),
      layers: [
        {slot: 'point', interactive: true, spec: {id: 'rescue-teams', type: 'circle',
          paint: {'circle-color': '#0ea5e9', 'circle-radius': byZoom(9, 7, 15, 11),
            'circle-stroke-color': '#e0f2fe', 'circle-stroke-width': 1.2}}},
        {slot: 'point', spec: glyphMark('rescue-team-marks', '救')},
        {slot: 'label', spec: pointLabel('rescue-team-labels', 11.5, 1.3)},
      ],
      legend: {items: [{color: '#0ea5e9', shape: 'dot', mark: '救'}]},
    },
    {
      id: 'fire_stations',
      group: 'resources',
      visible: true,
      source: whole(),
      layers: [
        {slot: 'point', interactive: true, spec: {id: 'fire-stations', type: 'circle',
          paint: {'circle-color': '#ef4444', 'circle-radius': byZoom(9, 7.5, 15, 12),
            'circle-stroke-color': '#fee2e2', 'circle-stroke-width': 1.4}}},
        {slot: 'point', spec: glyphMark('fire-station-marks', '消')},
        {slot: 'label', spec: pointLabel('fire-station-labels', 11, 1.3)},
      ],
      legend: {items: [{color: '#ef4444', shape: 'dot', mark: '消'}]},
    },
  ];
}

// panelGroups is the order of the groups in the layer panel.
export const panelGroups = ['hazard', 'resources', 'population', 'other'];

// otherColors are the colours of layers the app has no definition for (a
// zoning layer a census clerk published), one per layer in turn.
const otherColors = ['#e879f9', '#2dd4bf', '#fb923c', '#a3e635', '#f472b6', '#60a5fa'];

// catalogDef draws a catalog layer the app was not built with, from its
// geometry type: areas filled, lines and points in one colour, coloured by
// risk grade when the layer has one. It reads the layer as vector tiles, so
// it works at any size. n picks the colour.
export function catalogDef(layer, n = 0) {
  const color = otherColors[n % otherColors.length];
  const fields = layer.schema?.fields ?? [];
  const grade = fields.find((f) => ['grade', 'risk_grade'].includes(f.name) && ['integer', 'number'].includes(f.type));
  const fill = grade ? matchGet(grade.name, gradeColors, color) : color;
  const named = fields.some((f) => f.name === 'name');
  const geometry = layer.schema?.geometry ?? '';
  const id = (suffix) => `${layer.name}-${suffix}`;
  const layers = [];
  if (/Polygon/.test(geometry)) {
    layers.push(
      {slot: 'area', interactive: true, spec: {id: id('fill'), type: 'fill', paint: {'fill-color': fill, 'fill-opacity': 0.35}}},
      {slot: 'outline', spec: {id: id('line'), type: 'line', paint: {'line-color': fill, 'line-width': 1.6}}});
  } else if (/LineString/.test(geometry)) {
    layers.push({slot: 'road', interactive: true, spec: {id: id('line'), type: 'line', paint: {'line-color': fill, 'line-width': 2.2}}});
  } else {
    layers.push({slot: 'point', interactive: true, spec: {id: id('point'), type: 'circle',
      paint: {'circle-color': fill, 'circle-radius': byZoom(9, 4, 15, 8), 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1}}});
  }
  const areaLabels = named && /Polygon/.test(geometry);
  if (named) layers.push({slot: 'label', source: areaLabels ? `${layer.name}-labels` : undefined, spec: pointLabel(id('labels'), 11, areaLabels ? 0 : 1.1, areaLabels ? 'center' : 'top')});
  return {
    id: layer.name,
    group: 'other',
    visible: true,
    source: tiles(),
    labels: areaLabels,
    layers,
    legend: grade
      ? {title: 'legend.grade', items: Object.entries(gradeColors).map(([g, c]) => ({color: c, shape: 'square', text: g}))}
      : {items: [{color, shape: /Polygon/.test(geometry) ? 'square' : 'dot'}]},
  };
}
