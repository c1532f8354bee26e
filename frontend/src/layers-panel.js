// layers-panel.js is the layer panel: the thematic layers by group, each
// with a switch, its feature count and, while shown, its legend.
import {append, clear, h} from './dom.js';
import {layerTitle, t} from './i18n.js';
import {panelGroups} from './layers.js';
import {layerSymbol, renderLegend} from './legend.js';
import {styleLayerIds} from './style.js';

// createLayersPanel renders into el. visible is the set of shown layer ids,
// changed in place; catalog maps a layer name to its catalog entry.
export function createLayersPanel(el, map, defs, catalog, visible) {
  const counts = new Map();
  // defs may grow and shrink while the app runs (a layer published).
  const thematic = () => defs.filter((d) => !d.basemap && !d.overlay && catalog.has(d.id));

  const setVisible = (def, on) => {
    if (on) visible.add(def.id);
    else visible.delete(def.id);
    for (const id of styleLayerIds(def)) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    }
    render();
  };

  const row = (def) => {
    const on = visible.has(def.id);
    const layer = catalog.get(def.id);
    const n = counts.get(def.id);
    return h('li', {class: `layer${on ? ' on' : ''}`, id: `layer-${def.id}`},
      h('label', {class: 'layer-row'},
        h('input', {type: 'checkbox', checked: on, onchange: (e) => setVisible(def, e.target.checked)}),
        h('span', {class: 'layer-symbol'}, layerSymbol(def)),
        h('span', {class: 'layer-title'}, layerTitle(layer)),
        n === undefined ? null : h('span', {class: 'layer-count'}, t('panel.count', {n: n.toLocaleString()}))),
      on ? renderLegend(def) : null);
  };

  const render = () => {
    append(clear(el), [
      h('h2', {class: 'panel-title'}, t('panel.layers')),
      ...panelGroups.map((g) => {
        const members = thematic().filter((d) => d.group === g);
        if (members.length === 0) return '';
        return h('section', {class: 'layer-group'},
          h('h3', {}, t(`group.${g}`)),
          h('ul', {class: 'layer-list'}, members.map(row)));
      })]);
  };

  render();
  return {
    render,
    // setCount shows how many features a layer has.
    setCount(id, n) {
      counts.set(id, n);
      render();
    },
  };
}
