// topbar.js is the title bar: the product and district name, the plain
// "synthetic demo data" badge when the demo district is loaded, and the
// language switch.
import {append, clear, h} from './dom.js';
import {lang, setLanguage, t} from './i18n.js';

// demoMarker is how the demo district describes each of its layers.
const demoMarker = '演示数据';

// isDemo reports whether the catalog holds the generated demo district.
export function isDemo(catalog) {
  return [...catalog.values()].some((l) => (l.description ?? '').includes(demoMarker));
}

// createTopbar renders into el; district is filled in once known.
export function createTopbar(el, {demo}) {
  const state = {district: ''};
  const render = () => {
    append(clear(el), [
      h('div', {class: 'brand'},
        h('span', {class: 'brand-mark', 'aria-hidden': 'true'}, '◆'),
        h('h1', {}, t('app.title')),
        state.district ? h('span', {class: 'district'}, state.district) : null),
      demo ? h('span', {class: 'demo-badge', id: 'demo-badge', title: t('app.demo.hint')}, t('app.demo')) : null,
      h('div', {class: 'spacer'}),
      h('button', {type: 'button', class: 'lang-toggle', id: 'lang-toggle', title: t('app.lang.hint'),
        onclick: () => setLanguage(lang() === 'en' ? 'zh-CN' : 'en')}, t('app.lang'))]);
    document.title = state.district ? `${t('app.title')} · ${state.district}` : t('app.title');
  };
  render();
  return {
    render,
    setDistrict(name) {
      state.district = name;
      render();
    },
  };
}
