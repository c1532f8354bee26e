// incident-panel.js renders the incident panel from the workflow's state:
// the placing switch, the options, and per question the facilities found
// with arrival time, distance and what each has to offer, or the server's
// own words when it refused.
import {append, clear, h} from './dom.js';
import {codeLabel, t} from './i18n.js';
import {count, distance, duration} from './format.js';
import {refusal} from './notice.js';
import {kindColors} from './overlays.js';

// renderIncidentPanel draws state into el; actions are the workflow's.
export function renderIncidentPanel(el, state, actions) {
  append(clear(el), [
    h('div', {class: 'card-head'},
      h('h2', {}, t('incident.title')),
      h('div', {class: 'spacer'}),
      state.at ? h('button', {type: 'button', class: 'small', id: 'incident-clear', onclick: actions.clear}, t('incident.clear')) : null),
    h('button', {type: 'button', id: 'incident-toggle', class: `wide${state.placing ? ' active' : ''}`,
      'aria-pressed': state.placing ? 'true' : 'false', onclick: actions.togglePlacing},
    state.placing ? t('incident.placing') : `⊕ ${t('incident.place')}`),
    state.at ? null : h('p', {class: 'muted'}, t('incident.hint')),
    options(state, actions),
    state.at ? place(state) : null,
    state.at ? commonRefusal(state) : null,
    state.at ? section(state, 'stations', 'incident.stations', 'incident.stations.dir', (r) => [
      r.properties?.turnout_s ? h('span', {}, t('incident.turnout', {t: duration(r.properties.turnout_s)})) : null,
      h('button', {type: 'button', class: 'small area', onclick: () => (state.area?.station?.id === r.id ? actions.hideArea() : actions.showArea(r))},
        state.area?.station?.id === r.id ? t('incident.area.hide') : t('incident.area'))]) : null,
    state.area ? area(state.area) : null,
    state.at ? section(state, 'shelters', 'incident.shelters', 'incident.shelters.dir', (r) => [
      h('span', {}, codeLabel('shelters', 'class', r.properties?.class)),
      r.free_capacity !== undefined ? h('span', {class: 'free'}, t('incident.free', {n: count(r.free_capacity)})) : null]) : null,
    state.at ? section(state, 'stockpile', 'incident.stockpile', 'incident.stockpile.dir', (r) => [
      r.available !== undefined ? h('span', {class: 'free'}, t('incident.available', {n: `${count(r.available)} ${r.unit ?? ''}`.trim()})) : null],
    {item: state.item}) : null,
  ]);
}

// options are the avoid switch and the item select.
function options(state, actions) {
  return h('div', {class: 'incident-options'},
    h('label', {class: 'switch'},
      h('input', {type: 'checkbox', id: 'incident-avoid', checked: state.avoid, onchange: (e) => actions.setAvoid(e.target.checked)}),
      h('span', {}, t('incident.avoid'))),
    state.avoid ? h('p', {class: 'muted small-text', id: 'incident-avoid-types'}, state.avoidTypes.length
      ? t('incident.avoid.on', {types: state.avoidTypes.map((ty) => codeLabel('hazard_zones', 'hazard', ty)).join('、')})
      : t('incident.avoid.none')) : null,
    h('label', {class: 'field'},
      h('span', {}, t('incident.item')),
      h('select', {id: 'incident-item', onchange: (e) => actions.setItem(e.target.value)},
        state.items.map((it) => h('option', {value: it, selected: it === state.item}, it)))));
}

// place says where the incident is, as the server snapped it.
function place(state) {
  const at = Object.values(state.answers).find((a) => a?.result?.at)?.result.at;
  const zones = Object.values(state.answers).find((a) => a?.result?.applied?.zones)?.result.applied.zones;
  return h('div', {class: 'incident-place', id: 'incident-place'},
    h('span', {class: 'muted'}, t('incident.at')),
    h('span', {class: 'coords'}, `${state.at[0].toFixed(5)}°E ${state.at[1].toFixed(5)}°N`),
    at?.snap_distance_m !== undefined ? h('span', {class: 'muted'}, t('incident.snapped', {d: distance(at.snap_distance_m)})) : null,
    at?.in_hazard ? h('span', {class: 'warn'}, t('incident.in_hazard')) : null,
    state.avoid && zones?.length ? h('span', {class: 'muted'}, t('incident.avoid.zones', {n: zones.length})) : null);
}

// sameRefusal is the refusal all three questions got alike (a place off
// the road network), shown once instead of three times; null otherwise.
function sameRefusal(state) {
  const answers = ['stations', 'shelters', 'stockpile'].map((k) => state.answers[k]);
  if (!answers.every((a) => a?.status === 'error')) return null;
  const [first] = answers;
  const same = answers.every((a) => a.error.status === first.error.status && a.error.description === first.error.description);
  return same ? first.error : null;
}

// commonRefusal shows the shared refusal under the incident's place.
function commonRefusal(state) {
  const err = sameRefusal(state);
  return err ? h('div', {id: 'incident-refusal'}, refusal(err)) : null;
}

// section lists the answer to one question. extra(result) adds what the
// facility offers.
function section(state, key, title, direction, extra, vars = {}) {
  const answer = state.answers[key];
  const kind = {stations: 'station', shelters: 'shelter', stockpile: 'stockpile'}[key];
  let body;
  if (!answer || answer.status === 'loading') {
    body = h('p', {class: 'muted'}, t('incident.loading'));
  } else if (answer.status === 'error') {
    body = sameRefusal(state) ? null : refusal(answer.error);
  } else {
    const results = answer.result.results ?? [];
    body = [
      results.length === 0 ? h('p', {class: 'muted'}, t('incident.none')) : h('ol', {class: 'facilities'}, results.map((r, i) =>
        h('li', {class: `facility ${kind}`, dataset: {id: String(r.id), eta: String(r.eta_s)}},
          h('span', {class: 'rank', style: {background: kindColors[kind]}}, String(i + 1)),
          h('div', {class: 'facility-body'},
            h('div', {class: 'facility-name'}, r.name ?? `#${r.id}`),
            h('div', {class: 'facility-meta'},
              h('span', {class: 'eta'}, duration(r.eta_s)),
              h('span', {}, distance(r.distance_m)),
              r.destination_in_hazard || r.origin_in_hazard ? h('span', {class: 'warn'}, t('incident.in_hazard')) : null,
              extra(r)))))),
      excluded(answer.result.excluded),
      (answer.result.notes ?? []).map((n) => h('p', {class: 'note'}, n)),
    ];
  }
  return h('section', {class: `incident-section ${key}`, id: `incident-${key}`},
    h('h3', {}, h('span', {class: 'kind-dot', style: {background: kindColors[kind]}}), t(title, vars),
      h('small', {}, t(direction))),
    body);
}

// excluded says which facilities were left out and why.
function excluded(ex) {
  const parts = Object.entries(ex ?? {}).filter(([, n]) => n > 0).map(([why, n]) => t(`incident.excluded.${why}`, {n}));
  return parts.length ? h('p', {class: 'muted small-text'}, t('incident.excluded', {list: parts.join('、')})) : null;
}

// area summarises a station's service area.
function area(a) {
  let body;
  if (a.status === 'loading') body = h('p', {class: 'muted'}, t('incident.area.loading'));
  else if (a.status === 'error') body = refusal(a.error);
  else {
    body = h('ul', {class: 'bands'}, (a.result.bands ?? []).map((b) => {
      const km2 = (a.result.origins?.[0]?.areas ?? []).find((x) => x.minutes === b.minutes)?.area_km2;
      return h('li', {}, t('incident.area.band', {m: b.minutes, km2: km2?.toFixed(1) ?? '—', len: distance(b.reached_length_m)}));
    }));
  }
  return h('section', {class: 'incident-section area', id: 'incident-area'},
    h('h3', {}, t('incident.area.title', {name: a.station.name})), body);
}
