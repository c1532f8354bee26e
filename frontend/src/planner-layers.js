// planner-layers.js defines the planner's map layers: the gaps of each
// indicator (the server's gap tiles), the 2SFCA accessibility surface over
// the census units' tiles, and the suggested sites.
import {local, tiles} from './sources.js';
import {labelFont, palette} from './style.js';

// gapIndicators are the indicators whose gaps the server maps.
export const gapIndicators = ['fire', 'shelter', 'warning'];

// accessSteps colour census units by shelter area within reach per
// resident (m²), the plan's target being 2.5.
export const accessSteps = [[0, '#b91c1c'], [1, '#f97316'], [2.5, '#84cc16'], [5, '#15803d']];

// plannerDefs are the planner's map layers, hidden until the workspace
// shows them (the gap tiles need the analyse permission).
export function plannerDefs() {
  const gapDefs = gapIndicators.map((ind) => ({
    id: `gaps-${ind}`,
    overlay: true,
    hidden: true,
    source: tiles({path: `gaps-${ind}`, layer: `gaps_${ind}`}),
    layers: [
      // Magenta, apart from the red-to-green accessibility ramp.
      {slot: 'service', spec: {id: `gaps-${ind}-fill`, type: 'fill', paint: {'fill-color': '#d946ef', 'fill-opacity': 0.4}}},
      {slot: 'service', spec: {id: `gaps-${ind}-line`, type: 'line', paint: {'line-color': '#f0abfc', 'line-width': 1.4}}},
    ],
  }));
  return [
    {
      id: 'access-surface',
      overlay: true,
      hidden: true,
      source: tiles({from: 'census_units'}),
      layers: [
        {slot: 'area', spec: {id: 'access-fill', type: 'fill',
          paint: {'fill-color': ['case', ['==', ['feature-state', 'access'], null], 'rgba(0,0,0,0)',
            ['step', ['feature-state', 'access'], ...accessSteps.flatMap(([v, c], i) => (i === 0 ? [c] : [v, c]))]],
          'fill-opacity': 0.6}}},
        {slot: 'outline', spec: {id: 'access-line', type: 'line', paint: {'line-color': '#0b1220', 'line-width': 0.6}}},
      ],
    },
    ...gapDefs,
    {
      id: 'suggested-sites',
      overlay: true,
      source: local(),
      layers: [
        {slot: 'marker', spec: {id: 'suggested-sites', type: 'circle',
          paint: {'circle-color': '#fde047', 'circle-radius': 11, 'circle-stroke-color': '#1f2937', 'circle-stroke-width': 2.5}}},
        {slot: 'marker', spec: {id: 'suggested-site-labels', type: 'symbol',
          layout: {'text-field': ['get', 'label'], 'text-font': labelFont, 'text-size': 13, 'text-anchor': 'left', 'text-offset': [1.3, 0],
            'text-allow-overlap': true},
          paint: {'text-color': '#fde047', 'text-halo-color': palette.halo, 'text-halo-width': 1.8}}},
      ],
    },
  ];
}

