// watch.js keeps the big screen current without a reload: it reads the
// layer catalog every few seconds and reports each layer whose version
// changed (an operator marked a shelter full, a census clerk's upload was
// published), each new layer and each layer gone (or no longer visible to
// the user after a logout). Every committed change raises a layer's
// version by one.
import {getCatalog} from './api.js';

// watchVersions starts watching. catalog (name → layer) is kept up to
// date in place. onError hears of an outage once, not at every poll. It
// returns sync, which reads the catalog now (after a publish, a login).
export function watchVersions(catalog, {interval = 5000, onError, onChange, onAdd, onRemove} = {}) {
  let failing = false;
  const sync = async () => {
    const fresh = await getCatalog();
    const names = new Set();
    for (const layer of fresh) {
      names.add(layer.name);
      const before = catalog.get(layer.name);
      catalog.set(layer.name, layer);
      if (!before) onAdd?.(layer);
      else if (before.version !== layer.version) onChange?.(layer);
    }
    for (const [name, layer] of [...catalog]) {
      if (names.has(name)) continue;
      catalog.delete(name);
      onRemove?.(layer);
    }
  };
  const tick = async () => {
    try {
      if (!document.hidden) await sync();
      failing = false;
    } catch (err) {
      if (!failing) onError?.(err);
      failing = true;
    }
    setTimeout(tick, interval);
  };
  setTimeout(tick, interval);
  return {sync};
}
