// statusbar.js is the bottom line: zoom, the position under the pointer,
// and whether layers are still being read.
import {append, clear, h} from './dom.js';
import {t} from './i18n.js';

// createStatusbar renders into el and follows the map.
export function createStatusbar(el, map) {
  const state = {busy: 0, pointer: null};
  const render = () => {
    const z = map.getZoom().toFixed(1);
    const p = state.pointer;
    append(clear(el), [
      h('span', {}, `${t('status.zoom')} ${z}`),
      p ? h('span', {class: 'coords'}, `${p.lng.toFixed(5)}°E  ${p.lat.toFixed(5)}°N`) : null,
      h('span', {class: 'spacer'}),
      state.busy > 0 ? h('span', {class: 'busy', id: 'busy'}, `${t('status.loading')}…`) : null]);
  };
  // Pointer moves come faster than frames; draw once per frame.
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
  };
  map.on('zoomend', soon);
  map.on('mousemove', (e) => {
    state.pointer = e.lngLat;
    soon();
  });
  render();
  return {
    render,
    // busy counts reads in flight (+1 when one starts, -1 when it ends).
    busy(delta) {
      state.busy += delta;
      render();
    },
  };
}
