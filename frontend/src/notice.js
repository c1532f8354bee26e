// notice.js shows what went wrong in words the operator can act on. When
// the server refuses a request, its own description is shown as sent.
import {h} from './dom.js';
import {t} from './i18n.js';

// maxNotices keeps a burst of failures from covering the map.
const maxNotices = 3;

// showError puts err at the top of the screen until dismissed.
export function showError(err) {
  const box = document.getElementById('notices');
  if (!box) return;
  const status = err?.status ?? 0;
  let title, detail;
  if (err?.name === 'ApiError' && status === 0) {
    title = t('error.network');
  } else if (err?.name === 'ApiError') {
    title = t('error.server', {status});
    detail = err.description;
  } else {
    title = String(err?.message ?? err);
  }
  // The same message twice in a row is shown once.
  if (box.firstChild?.dataset.message === `${title}|${detail}`) return;
  const note = h('div', {class: 'notice', dataset: {status: String(status), message: `${title}|${detail}`}},
    h('div', {class: 'notice-text'},
      h('strong', {}, title),
      detail ? h('p', {class: 'notice-description'}, detail) : null,
      err?.requestId ? h('small', {}, `${t('error.request')}: ${err.requestId}`) : null),
    h('button', {type: 'button', class: 'notice-close', 'aria-label': t('error.dismiss'), onclick: () => note.remove()}, '×'));
  box.prepend(note);
  while (box.children.length > maxNotices) box.lastChild.remove();
  console.warn('onemap:', err);
}

// refusal is the inline form of a notice, for a panel: what the server
// said when it refused, in its own words.
export function refusal(err) {
  if (err?.name !== 'ApiError') {
    return h('div', {class: 'refusal', role: 'alert', dataset: {status: '0'}}, h('strong', {}, String(err?.message ?? err)));
  }
  return h('div', {class: 'refusal', role: 'alert', dataset: {status: String(err.status)}},
    h('strong', {}, err.status === 0 ? t('error.network') : t('error.server', {status: err.status})),
    err.description ? h('p', {class: 'refusal-description'}, err.description) : null);
}
