// topbar.js is the title bar: the product and district name, the plain
// "synthetic demo data" badge when the demo district is loaded, the tabs of
// the views, who is logged in, and the language switch.
import {append, clear, h} from './dom.js';
import {lang, setLanguage, t} from './i18n.js';
import {showError} from './notice.js';
import {openLoginDialog, userLabel} from './session.js';

// demoMarker is how the demo district describes each of its layers.
const demoMarker = '演示数据';

// isDemo reports whether the catalog holds the generated demo district.
export function isDemo(catalog) {
  return [...catalog.values()].some((l) => (l.description ?? '').includes(demoMarker));
}

// createTopbar renders into el; district is filled in once known. views
// lists {id, title} (title an i18n key); router switches between them.
export function createTopbar(el, {demo, views, router, session}) {
  const state = {district: ''};
  const render = () => {
    const me = session.me;
    append(clear(el), [
      h('div', {class: 'brand'},
        h('span', {class: 'brand-mark', 'aria-hidden': 'true'}, '◆'),
        h('h1', {}, t('app.title')),
        state.district ? h('span', {class: 'district'}, state.district) : null),
      demo ? h('span', {class: 'demo-badge', id: 'demo-badge', title: t('app.demo.hint')}, t('app.demo')) : null,
      h('nav', {class: 'tabs', 'aria-label': t('app.views')}, views.map((v) => h('a', {
        href: `#/${v.id}`, id: `tab-${v.id}`, class: `tab${router.current() === v.id ? ' active' : ''}`,
        'aria-current': router.current() === v.id ? 'page' : null,
      }, t(v.title)))),
      h('div', {class: 'spacer'}),
      h('span', {class: `user${me.authenticated ? ' in' : ''}`, id: 'user'}, userLabel(me)),
      me.authenticated
        ? h('button', {type: 'button', class: 'bar-button', id: 'logout', onclick: () => session.logout().catch(showError)}, t('session.logout'))
        : h('button', {type: 'button', class: 'bar-button', id: 'login', onclick: () => openLoginDialog(session)}, t('session.login')),
      h('button', {type: 'button', class: 'bar-button lang-toggle', id: 'lang-toggle', title: t('app.lang.hint'),
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
