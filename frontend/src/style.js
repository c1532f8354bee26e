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
export const slots = ['land', 'area', 'road', 'outline', 'point', 'label'];

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
        if (l.slot !== slot) continue;
        // Label points computed from GeoJSON; vector tiles carry their own.
        const own = l.source && def.source.kind !== 'tiles';
        layers.push({
          ...(own ? {source: l.source} : sourceRef(def)),
          ...l.spec,
          metadata: {'onemap:layer': def.id},
          layout: {...(l.spec.layout ?? {}), visibility: visible.has(def.id) ? 'visible' : 'none'},
        });
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
