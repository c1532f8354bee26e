// watch.js keeps the big screen current without a reload: it reads the
// layer catalog every few seconds and reads again each layer whose version
// changed (an operator marked a shelter full, a census clerk published a
// layer). Every committed change raises a layer's version by one.
import {getCatalog} from './api.js';

// watchVersions starts watching. catalog (name → layer) is kept up to
// date in place; loaders (name → {reload}) read a layer again. onError
// hears of an outage once, not at every poll.
export function watchVersions(catalog, loaders, {interval = 5000, onError, onChange} = {}) {
  let failing = false;
  const tick = async () => {
    try {
      if (!document.hidden) {
        for (const layer of await getCatalog()) {
          const before = catalog.get(layer.name);
          catalog.set(layer.name, layer);
          if (before && before.version !== layer.version) {
            loaders.get(layer.name)?.reload();
            onChange?.(layer);
          }
        }
      }
      failing = false;
    } catch (err) {
      if (!failing) onError?.(err);
      failing = true;
    }
    setTimeout(tick, interval);
  };
  setTimeout(tick, interval);
}
