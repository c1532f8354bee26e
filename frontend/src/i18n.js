// i18n.js holds the interface texts in Chinese (the default) and English,
// and the current language. Layer and field titles in Chinese come from the
// server's catalog; the English ones are here.

const zh = {
  'app.title': '应急一张图',
  'app.demo': '演示数据（合成）',
  'app.demo.hint': '本图所示为程序生成的虚构数据，并非海门区真实数据',
  'app.lang': 'EN',
  'app.lang.hint': 'Switch to English',
  'app.loading': '正在加载图层…',
  'panel.layers': '图层',
  'panel.count': '{n} 个',
  'group.hazard': '风险',
  'group.resources': '应急力量与资源',
  'group.population': '人口',
  'group.other': '其他图层',
  'legend.grade': '风险等级',
  'legend.status': '状态（颜色）',
  'legend.class': '类别（大小）',
  'legend.population': '常住人口（人）',
  'status.zoom': '缩放',
  'status.loading': '加载中',
  'popup.loading': '正在读取要素…',
  'popup.occupancy': '安置情况',
  'popup.items': '共 {n} 项',
  'popup.more': '另有 {n} 项',
  'error.network': '无法连接服务器，请检查网络或服务是否在运行。',
  'error.server': '服务器拒绝了请求（{status}）',
  'error.dismiss': '关闭',
  'error.request': '请求编号',
  'yes': '是',
  'no': '否',
};

const en = {
  'app.title': 'Emergency One Map',
  'app.demo': 'Demo data (synthetic)',
  'app.demo.hint': 'The map shows generated, invented data, not the real district',
  'app.lang': '中文',
  'app.lang.hint': '切换到中文',
  'app.loading': 'Loading layers…',
  'panel.layers': 'Layers',
  'panel.count': '{n}',
  'group.hazard': 'Hazards',
  'group.resources': 'Response forces and resources',
  'group.population': 'Population',
  'group.other': 'Other layers',
  'legend.grade': 'Risk grade',
  'legend.status': 'Status (colour)',
  'legend.class': 'Class (size)',
  'legend.population': 'Residents',
  'status.zoom': 'Zoom',
  'status.loading': 'Loading',
  'popup.loading': 'Reading the feature…',
  'popup.occupancy': 'Occupancy',
  'popup.items': '{n} items',
  'popup.more': '{n} more',
  'error.network': 'Cannot reach the server; check the network and that the service runs.',
  'error.server': 'The server refused the request ({status})',
  'error.dismiss': 'Dismiss',
  'error.request': 'Request ID',
  'yes': 'yes',
  'no': 'no',

  // Layers.
  'layer.hazard_zones': 'Hazard zones',
  'layer.shelters': 'Emergency shelters',
  'layer.fire_stations': 'Fire stations',
  'layer.stockpiles': 'Relief stockpiles',
  'layer.rescue_teams': 'Rescue teams',
  'layer.warning_points': 'Warning broadcast points',
  'layer.census_units': 'Census units',
  'layer.roads': 'Roads',
  'layer.admin_units': 'Administrative divisions',
  'layer.built_up': 'Built-up areas',

  // Fields of the built-in layers.
  'field.name': 'Name',
  'field.class': 'Class',
  'field.effective_area_m2': 'Effective shelter area',
  'field.effective_area_derived': 'Effective area estimated',
  'field.total_area_m2': 'Total area',
  'field.capacity': 'Capacity',
  'field.indoor': 'Indoor',
  'field.standardised': 'Standardised shelter',
  'field.status': 'Status',
  'field.occupancy': 'People sheltered',
  'field.owner': 'Managed by',
  'field.address': 'Address',
  'field.town': 'Town / street',
  'field.full_time': 'Full-time',
  'field.staff': 'Staff',
  'field.engines': 'Engines by type',
  'field.turnout_s': 'Turnout time',
  'field.level': 'Level',
  'field.capacity_m3': 'Storage volume',
  'field.inventory': 'Inventory',
  'field.type': 'Type',
  'field.members': 'Members',
  'field.equipment': 'Equipment',
  'field.hazard': 'Hazard',
  'field.grade': 'Risk grade (1 high – 4 low)',
  'field.source': 'Source',
  'field.valid_from': 'Valid from',
  'field.valid_to': 'Valid to',
  'field.active': 'In force',
  'field.code': 'Code',
  'field.parent': 'Town / street',
  'field.parent_code': 'Town / street code',
  'field.population': 'Residents',
  'field.urban_population': 'Urban residents',
  'field.aged_65': 'Aged 65 and over',
  'field.households': 'Households',
  'field.urban': 'Urban',
  'field.speed_kmh': 'Design speed',
  'field.oneway': 'One-way',
  'field.bridge': 'Bridge / viaduct',
  'field.source_node': 'From node',
  'field.target_node': 'To node',
  'field.audible_radius_m': 'Audible radius',
};

// Codes of enumerated attributes, shown in words. Chinese and English.
const codes = {
  'shelters.class': {
    central: ['中心避难场所', 'Central'], long_term: ['长期避难场所', 'Long-term'],
    medium_term: ['中期避难场所', 'Medium-term'], short_term: ['短期避难场所', 'Short-term'],
    emergency: ['紧急避难场所', 'Emergency'],
  },
  'shelters.status': {open: ['开放', 'Open'], full: ['已满', 'Full'], closed: ['关闭', 'Closed']},
  'hazard_zones.hazard': {
    flood: ['洪水', 'Flood'], storm_surge: ['风暴潮', 'Storm surge'], waterlogging: ['内涝', 'Waterlogging'],
    chemical: ['危险化学品', 'Chemical'], typhoon: ['台风', 'Typhoon'], geological: ['地质灾害', 'Geological'],
  },
  'hazard_zones.grade': {
    1: ['一级（高）', 'Grade 1 (high)'], 2: ['二级（较高）', 'Grade 2'],
    3: ['三级（中）', 'Grade 3'], 4: ['四级（低）', 'Grade 4 (low)'],
  },
  'fire_stations.class': {
    '一级': ['一级', 'Class 1'], '二级': ['二级', 'Class 2'], '小型': ['小型', 'Small'],
    '特勤': ['特勤', 'Special service'], '战勤保障': ['战勤保障', 'Logistics support'],
  },
  'stockpiles.level': {district: ['区级', 'District'], town: ['镇级', 'Town']},
  'admin_units.level': {district: ['区', 'District'], street: ['街道', 'Street'], town: ['镇', 'Town']},
  'roads.class': {
    motorway: ['高速公路', 'Motorway'], trunk: ['干线公路', 'Trunk'], primary: ['主干路', 'Primary'],
    secondary: ['次干路', 'Secondary'], tertiary: ['支路', 'Tertiary'], unclassified: ['乡村道路', 'Rural'],
    residential: ['居住区道路', 'Residential'], service: ['服务道路', 'Service'],
  },
};

const languages = {'zh-CN': zh, en};

// state is the current language and who wants to know when it changes.
const state = {lang: 'zh-CN', listeners: new Set()};

// initLanguage picks the language saved by the last visit, else Chinese.
export function initLanguage() {
  let saved = null;
  try {
    saved = localStorage.getItem('onemap.lang');
  } catch {
    // Storage may be disabled; Chinese it is.
  }
  if (saved && languages[saved]) state.lang = saved;
  document.documentElement.lang = state.lang;
  return state.lang;
}

// lang is the current language tag: "zh-CN" or "en".
export function lang() {
  return state.lang;
}

// setLanguage switches the language, remembers it and tells the listeners.
export function setLanguage(tag) {
  if (!languages[tag] || tag === state.lang) return;
  state.lang = tag;
  document.documentElement.lang = tag;
  try {
    localStorage.setItem('onemap.lang', tag);
  } catch {
    // Not remembered; still switched.
  }
  for (const fn of state.listeners) fn(tag);
}

// addTexts adds the texts of one part of the app (its own module keeps
// them beside its code): zhTexts in Chinese, enTexts in English.
export function addTexts(zhTexts, enTexts) {
  Object.assign(zh, zhTexts);
  Object.assign(en, enTexts);
}

// onLanguage calls fn after every switch.
export function onLanguage(fn) {
  state.listeners.add(fn);
}

// t returns the text for key in the current language, with {name}
// placeholders filled from vars. Unknown keys fall back to Chinese, then
// to the key itself, so a gap shows rather than breaks.
export function t(key, vars = {}) {
  const text = languages[state.lang][key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

// layerTitle is a layer's name: the catalog's Chinese title, or English.
export function layerTitle(layer) {
  if (state.lang === 'en') return en[`layer.${layer.name}`] ?? layer.title ?? layer.name;
  return layer.title || layer.name;
}

// fieldTitle is an attribute's label: the schema's Chinese title, or English.
export function fieldTitle(field) {
  if (state.lang === 'en') return en[`field.${field.name}`] ?? field.name.replaceAll('_', ' ');
  return field.title || field.name;
}

// codeLabel words an enumerated value of layer.field; unknown codes are
// shown as they are.
export function codeLabel(layer, field, value) {
  const entry = codes[`${layer}.${field}`]?.[value];
  if (!entry) return String(value);
  return state.lang === 'en' ? entry[1] : entry[0];
}
