// views.js switches between the app's views (the command hall, the census
// workspace) by the address's hash, so that each view can be bookmarked
// and the browser's back button works. The views share one map.

// createRouter follows location.hash ("#/census"); ids lists the views,
// the first being the default. onChange(id) is called after every switch.
export function createRouter(ids) {
  const listeners = new Set();
  const parse = () => {
    const id = location.hash.replace(/^#\/?/, '').split('/')[0];
    return ids.includes(id) ? id : ids[0];
  };
  let current = parse();
  window.addEventListener('hashchange', () => {
    const next = parse();
    if (next === current) return;
    current = next;
    for (const fn of listeners) fn(current);
  });
  return {
    current: () => current,
    go(id) {
      location.hash = `#/${id}`;
    },
    onChange(fn) {
      listeners.add(fn);
    },
  };
}
