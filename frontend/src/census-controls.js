// census-controls.js holds the small controls the census workspace uses in
// more than one place: the encoding and coordinate-system choices and the
// confirmed rollback.
import {h} from './dom.js';
import {t} from './i18n.js';

// encodings are the choices of the encoding select (the server reads GBK
// and GB2312 as GB18030).
export const encodings = [['', 'census.encoding.auto'], ['GBK', 'GBK / GB18030'], ['UTF-8', 'UTF-8'], ['Big5', 'Big5'], ['1252', 'Windows-1252']];

// crsChoices fill the coordinate system's suggestions.
export const crsChoices = [
  ['EPSG:4490', 'CGCS2000'],
  ['EPSG:4549', 'CGCS2000 / 3° GK CM 120°E'],
  ['EPSG:4528', 'CGCS2000 / 3° GK zone 40'],
  ['EPSG:4326', 'WGS 84'],
  ['EPSG:3857', 'Web Mercator'],
  ['EPSG:32651', 'WGS 84 / UTM 51N'],
  ['EPSG:2437', 'Beijing 1954 / 3° GK CM 120°E'],
  ['EPSG:2385', 'Xian 1980 / 3° GK CM 120°E'],
];

// crsInput is a text input with the common systems suggested.
export function crsInput(id, value, onChange) {
  return h('span', {class: 'crs-input'},
    h('input', {id, value, list: `${id}-list`, placeholder: t('census.crs.auto'), title: t('census.crs.hint'),
      oninput: (e) => onChange(e.target.value)}),
    h('datalist', {id: `${id}-list`}, crsChoices.map(([v, label]) => h('option', {value: v}, label))));
}

// rollbackControl asks once more before a rollback.
export function rollbackControl(state, actions, layer) {
  if (state.confirmRollback === layer) {
    return h('div', {class: 'confirm', id: 'census-rollback-confirm'},
      h('span', {}, t('census.rollback.confirm', {layer})),
      h('button', {type: 'button', class: 'danger', id: 'census-rollback-yes', onclick: () => actions.rollback(layer)}, t('census.rollback')),
      h('button', {type: 'button', onclick: () => actions.askRollback(null)}, t('session.cancel')));
  }
  return h('button', {type: 'button', class: 'danger-outline', id: 'census-rollback', onclick: () => actions.askRollback(layer)}, `↶ ${t('census.rollback')}`);
}

