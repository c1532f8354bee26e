// session.js knows who is at the screen: the user, roles and permissions
// of GET /api/me (anonymous access reads the map as a viewer), and logs in
// and out. The session itself is an HttpOnly cookie the script never sees.
import {getJSON, sendJSON} from './api.js';
import {h} from './dom.js';
import {addTexts, t} from './i18n.js';

addTexts({
  'session.login': '登录',
  'session.logout': '退出',
  'session.name': '用户名',
  'session.password': '密码',
  'session.submit': '登录',
  'session.cancel': '取消',
  'session.title': '登录应急一张图',
  'session.hint': '浏览地图无需登录；上传、发布和修改数据需要相应角色。',
  'session.anonymous': '未登录（浏览）',
  'session.busy': '正在登录…',
  'role.viewer': '浏览',
  'role.operator': '值班调度',
  'role.census_uploader': '普查数据上传',
  'role.data_steward': '数据管理(发布)',
  'role.planner': '规划分析',
  'role.admin': '系统管理员',
  'role.auditor': '审计',
}, {
  'session.login': 'Log in',
  'session.logout': 'Log out',
  'session.name': 'User name',
  'session.password': 'Password',
  'session.submit': 'Log in',
  'session.cancel': 'Cancel',
  'session.title': 'Log in to the One Map',
  'session.hint': 'Reading the map needs no login; uploading, publishing and editing need a role that allows it.',
  'session.anonymous': 'Not logged in (viewer)',
  'session.busy': 'Logging in…',
  'role.viewer': 'Viewer',
  'role.operator': 'Duty operator',
  'role.census_uploader': 'Census uploader',
  'role.data_steward': 'Data steward (publish)',
  'role.planner': 'Planner',
  'role.admin': 'Administrator',
  'role.auditor': 'Auditor',
});

// createSession reads who the browser is and keeps it. onChange(me) is
// called after every login and logout.
export function createSession() {
  const listeners = new Set();
  let me = {authenticated: false, roles: [], permissions: []};
  const set = (next) => {
    me = next;
    for (const fn of listeners) fn(me);
  };
  return {
    // refresh reads /api/me again; a failure leaves the anonymous state.
    async refresh() {
      set(await getJSON('api/me'));
      return me;
    },
    get me() {
      return me;
    },
    // can reports whether the user holds permission perm.
    can(perm) {
      return (me.permissions ?? []).includes(perm);
    },
    async login(name, password) {
      set(await sendJSON('POST', 'api/login', {name, password}));
      return me;
    },
    async logout() {
      await sendJSON('POST', 'api/logout');
      await this.refresh();
    },
    onChange(fn) {
      listeners.add(fn);
    },
  };
}

// userLabel is "name · role, role" or the anonymous label.
export function userLabel(me) {
  if (!me.authenticated) return t('session.anonymous');
  return `${me.user?.name ?? ''} · ${(me.roles ?? []).map((r) => t(`role.${r}`)).join('、')}`;
}

// openLoginDialog shows the login form as a modal dialog. The name typed
// stays when the server refuses, and the server's reason is shown.
export function openLoginDialog(session, {name = ''} = {}) {
  const error = h('p', {class: 'dialog-error', id: 'login-error', role: 'alert'});
  const nameInput = h('input', {id: 'login-name', name: 'username', autocomplete: 'username', required: true, value: name});
  const passInput = h('input', {id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const submit = h('button', {type: 'submit', class: 'primary', id: 'login-submit'}, t('session.submit'));
  const dialog = h('dialog', {class: 'dialog', id: 'login-dialog'},
    h('form', {method: 'dialog', onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      submit.textContent = t('session.busy');
      try {
        await session.login(nameInput.value.trim(), passInput.value);
        dialog.close();
      } catch (err) {
        error.textContent = err.description || err.message;
        passInput.value = '';
        passInput.focus();
      } finally {
        submit.disabled = false;
        submit.textContent = t('session.submit');
      }
    }},
    h('h2', {}, t('session.title')),
    h('p', {class: 'dialog-hint'}, t('session.hint')),
    h('label', {}, h('span', {}, t('session.name')), nameInput),
    h('label', {}, h('span', {}, t('session.password')), passInput),
    error,
    h('div', {class: 'dialog-actions'},
      h('button', {type: 'button', onclick: () => dialog.close()}, t('session.cancel')),
      submit)));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  (name ? passInput : nameInput).focus();
  return dialog;
}
