// legend.js draws a layer's legend: swatches that match the map's colours,
// with the codes in words of the current language.
import {h} from './dom.js';
import {codeLabel, t} from './i18n.js';

// swatch is one legend symbol: a square for areas, a dot for points.
function swatch(item) {
  const size = item.size ?? (item.shape === 'dot' ? 12 : 14);
  return h('span', {
    class: `swatch swatch-${item.shape}`,
    style: {background: item.color, width: `${size}px`, height: `${size}px`},
    'aria-hidden': 'true',
  }, item.mark ?? '');
}

// legendItems is one list of legend entries.
function legendItems(items) {
  return h('ul', {class: 'legend-items'}, items.map((item) => h('li', {},
    h('span', {class: 'legend-symbol'}, swatch(item)),
    h('span', {}, item.code ? codeLabel(...item.code) : item.text ?? ''))));
}

// renderLegend returns the legend of def, or null if it has none worth a
// list (a single symbol is shown beside the layer name instead).
export function renderLegend(def) {
  const lg = def.legend;
  if (!lg) return null;
  const sections = lg.sections ?? [lg];
  if (sections.length === 1 && sections[0].items.length === 1 && !sections[0].title) return null;
  return h('div', {class: 'legend'}, sections.map((s) => h('div', {class: 'legend-section'},
    s.title ? h('div', {class: 'legend-title'}, t(s.title)) : null,
    legendItems(s.items))));
}

// layerSymbol is the small symbol beside a layer's name.
export function layerSymbol(def) {
  const first = (def.legend?.sections?.[0] ?? def.legend)?.items?.[0];
  return first ? swatch({...first, size: undefined}) : null;
}
