// format.js words attribute values for people: numbers with separators and
// units, codes as words, yes/no, and the structured values (engines by
// type, a stockpile's inventory) as short lists.
import {h} from './dom.js';
import {codeLabel, lang, t} from './i18n.js';

// englishUnits translates the schema's Chinese units.
const englishUnits = {'人': 'people', '户': 'households'};

// maxRows is how many rows of a list a popup shows before "n more".
const maxRows = 8;

// number formats a number in the current language.
function number(v) {
  return Number(v).toLocaleString(lang(), {maximumFractionDigits: 2});
}

// unit returns the field's unit in the current language.
function unit(field) {
  if (!field.unit) return '';
  return lang() === 'en' ? englishUnits[field.unit] ?? field.unit : field.unit;
}

// formatValue renders value of field (of layer) as a string or a node.
export function formatValue(layer, field, value) {
  if (value === null || value === undefined || value === '') return '—';
  switch (field.type) {
    case 'boolean':
      return value ? t('yes') : t('no');
    case 'integer':
    case 'number': {
      const coded = codeLabel(layer, field.name, value);
      if (coded !== String(value)) return coded;
      const u = unit(field);
      return u ? `${number(value)} ${u}` : number(value);
    }
    case 'json':
      return formatJSON(value);
    default:
      return codeLabel(layer, field.name, value);
  }
}

// formatJSON shows an object of counts as "key ×n" lines and an array of
// records (inventory rows) as a small table.
function formatJSON(value) {
  if (Array.isArray(value)) {
    if (value.length === 0) return '—';
    if (typeof value[0] !== 'object') return value.join('、');
    const rows = value.slice(0, maxRows).map((r) => h('tr', {},
      h('td', {}, r.item ?? r.name ?? r.category ?? ''),
      h('td', {class: 'num'}, r.quantity !== undefined ? `${number(r.quantity)}${r.unit ? ' ' + r.unit : ''}` : '')));
    return h('div', {class: 'json-list'},
      h('div', {class: 'json-count'}, t('popup.items', {n: value.length})),
      h('table', {}, h('tbody', {}, rows)),
      value.length > maxRows ? h('div', {class: 'json-more'}, t('popup.more', {n: value.length - maxRows})) : null);
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '—';
    return h('ul', {class: 'json-counts'}, entries.map(([k, v]) => h('li', {}, `${k} ×${typeof v === 'number' ? number(v) : v}`)));
  }
  return String(value);
}

// duration words a drive time in seconds: "6 分 42 秒", "6 min 42 s".
export function duration(seconds) {
  const s = Math.round(Number(seconds));
  if (!Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60), r = s % 60;
  const [min, sec] = lang() === 'en' ? ['min', 's'] : ['分', '秒'];
  if (m === 0) return `${r} ${sec}`;
  return r === 0 ? `${m} ${min}` : `${m} ${min} ${r} ${sec}`;
}

// distance words a length in metres: "820 米", "5.3 公里".
export function distance(metres) {
  const v = Number(metres);
  if (!Number.isFinite(v)) return '—';
  const [m, km] = lang() === 'en' ? ['m', 'km'] : ['米', '公里'];
  return v < 1000 ? `${Math.round(v)} ${m}` : `${(v / 1000).toFixed(v < 10000 ? 1 : 0)} ${km}`;
}

// count formats an integer with separators in the current language.
export function count(n) {
  return Number(n).toLocaleString(lang());
}
