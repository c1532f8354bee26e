// style.js assembles the MapLibre style: the dark command-hall palette, the
// label font, and the layers of every definition stacked by slot. The style
// names no remote resource: it has no sprite and no glyphs URL, and its
// labels are drawn from the CJK font the app itself serves (font-faces).
import {sourceRef, sourceSpecs} from './sources.js';

// labelFont is the text-font of every label; font-faces maps it to the
// Noto Sans SC files of the build.
export const labelFont = ['Noto Sans SC'];

// palette is the colour scheme of a dark control-room screen.
export const palette = {
  water: '#07101f', // everything outside the district: the estuary and the sea
  land: '#111b2e',
  builtUp: '#1a2640',
  builtUpUrban: '#22304f',
  boundary: '#4a5f88',
  district: '#8aa2d4',
  label: '#dbe4f3',
  labelMuted: '#9fb0cc',
  halo: '#07101f',
};

// slots are the drawing order from the bottom: every style layer of a
// definition names one, and inside a slot the definitions' order holds.
// service (service areas, an upload's extent), route and marker (the
// incident, the facilities found) are the app's own overlays.
export const slots = ['land', 'area', 'road', 'outline', 'service', 'route', 'point', 'label', 'marker'];

// composeStyle builds the whole style for defs (visible is a set of the
// definitions shown at start). fontFaces lists the font files of the build
// with the Unicode ranges each covers.
export function composeStyle(defs, fontFaces, visible) {
  const sources = {};
  for (const def of defs) Object.assign(sources, sourceSpecs(def));
  const layers = [{id: 'background', type: 'background', paint: {'background-color': palette.water}}];
  for (const slot of slots) {
    for (const def of defs) {
      for (const l of def.layers) {
        if (l.slot === slot) layers.push(styleLayer(def, l, visible.has(def.id)));
      }
    }
  }
  return {
    'version': 8,
    'name': 'onemap command hall',
    'font-faces': {
      [labelFont[0]]: fontFaces.map((f) => ({url: new URL(f.file, document.baseURI).href, 'unicode-range': f.ranges})),
    },
    sources,
    layers,
  };
}

// styleLayer is the MapLibre layer of l, one of def's layers.
function styleLayer(def, l, shown) {
  // Label points computed by the app (sources.js) have a source of their
  // own; a layer of a shared tileset may read another of its MVT layers
  // (the basemap's labels).
  return {
    ...(l.source ? {source: l.source} : sourceRef(def)),
    ...(l.sourceLayer ? {'source-layer': l.sourceLayer} : {}),
    ...l.spec,
    metadata: {'onemap:layer': def.id, 'onemap:slot': l.slot, ...(def.overlay ? {'onemap:overlay': true} : {})},
    layout: {...(l.spec.layout ?? {}), visibility: shown ? 'visible' : 'none'},
  };
}

// addDefinition puts def into a map whose style is loaded: its sources,
// and each of its layers at the top of its slot, so that a layer published
// while the app runs is drawn where it would have been at start.
export function addDefinition(map, def, shown) {
  for (const [id, spec] of Object.entries(sourceSpecs(def))) {
    if (!map.getSource(id)) map.addSource(id, spec);
  }
  for (const l of def.layers) {
    if (map.getLayer(l.spec.id)) continue;
    const rank = slots.indexOf(l.slot);
    const above = map.getStyle().layers.find((sl) => slots.indexOf(sl.metadata?.['onemap:slot']) > rank);
    map.addLayer(styleLayer(def, l, shown), above?.id);
  }
}

// removeDefinition takes def's layers out of the map, and its sources
// unless another definition's layers still read them (a shared tileset).
export function removeDefinition(map, def) {
  for (const l of def.layers) {
    if (map.getLayer(l.spec.id)) map.removeLayer(l.spec.id);
  }
  const used = new Set(map.getStyle().layers.map((l) => l.source));
  for (const id of Object.keys(sourceSpecs(def))) {
    if (map.getSource(id) && !used.has(id)) map.removeSource(id);
  }
}

// styleLayerIds lists the MapLibre layer ids of a definition.
export function styleLayerIds(def) {
  return def.layers.map((l) => l.spec.id);
}

// pointLabel is the name label of a point (under it, by default) from
// minzoom on.
export function pointLabel(id, minzoom, offset = 1.1, anchor = 'top') {
  return {
    id,
    type: 'symbol',
    minzoom,
    layout: {
      'text-field': ['get', 'name'],
      'text-font': labelFont,
      'text-size': ['interpolate', ['linear'], ['zoom'], minzoom, 11, 16, 14],
      'text-anchor': anchor,
      'text-offset': [0, offset],
      'text-optional': true,
      'text-max-width': 9,
    },
    paint: {'text-color': palette.label, 'text-halo-color': palette.halo, 'text-halo-width': 1.4},
  };
}

// glyphMark is a one-character mark (消, 储, 救) drawn on a point symbol.
export function glyphMark(id, text, size = 10) {
  return {
    id,
    type: 'symbol',
    layout: {
      'text-field': text,
      'text-font': labelFont,
      'text-size': ['interpolate', ['linear'], ['zoom'], 9, size - 2, 14, size + 3],
      'text-allow-overlap': true,
      'text-ignore-placement': true,
    },
    paint: {'text-color': '#ffffff'},
  };
}
