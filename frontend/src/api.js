// api.js talks to the onemap server. The API lives one level above the app
// (the app is at /app/, the API at /), and URLs are built relative to the
// page, so a reverse proxy that serves everything under a prefix works.

// apiRoot is the base URL of the API.
export const apiRoot = new URL('../', document.baseURI);

// MaxLimit is the most features the server returns per page.
export const MaxLimit = 10000;

// ApiError is a request the server refused (status ≥ 400) or that never
// reached it (status 0). description is the server's own words for the
// person at the screen.
export class ApiError extends Error {
  constructor(status, description, requestId, path) {
    super(description || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.description = description;
    this.requestId = requestId;
    this.path = path;
  }
}

// apiURL builds the URL of an API path with query parameters; null and
// undefined parameters are left out.
export function apiURL(path, params = {}) {
  const url = new URL(path, apiRoot);
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined) url.searchParams.set(k, String(v));
  }
  return url;
}

// getJSON fetches an API path. A refusal becomes an ApiError carrying the
// server's description; an abort stays an AbortError.
export async function getJSON(path, {params = {}, signal} = {}) {
  const url = apiURL(path, params);
  let res;
  try {
    res = await fetch(url, {signal, headers: {Accept: 'application/json'}});
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, '', '', url.pathname);
  }
  if (!res.ok) throw await refusalOf(res, url);
  return res.json();
}

// refusalOf turns a response of status ≥ 400 into an ApiError with the
// server's description.
async function refusalOf(res, url) {
  let body = {};
  try {
    body = await res.json();
  } catch {
    // Not our JSON (a proxy's page); the status says enough.
  }
  return new ApiError(res.status, body.description ?? '', body.request_id ?? res.headers.get('X-Request-ID') ?? '', url.pathname);
}

// sendJSON sends body as JSON with method (POST, PUT, PATCH, DELETE) and
// returns the answer's JSON, or null for an answer without a body. The
// session cookie goes along (same origin), so the server knows who acts.
export async function sendJSON(method, path, body, {params = {}, signal} = {}) {
  const url = apiURL(path, params);
  let res;
  try {
    res = await fetch(url, {
      method, signal,
      headers: {'Accept': 'application/json', ...(body === undefined ? {} : {'Content-Type': 'application/json'})},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, '', '', url.pathname);
  }
  if (!res.ok) throw await refusalOf(res, url);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

// uploadForm posts a multipart form and reports the bytes sent as
// onProgress(sent, total); fetch cannot report an upload's progress, so
// this uses XMLHttpRequest. It resolves with the answer's JSON and rejects
// with an ApiError like the other calls.
export function uploadForm(path, form, {params = {}, onProgress} = {}) {
  const url = apiURL(path, params);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : 0));
    xhr.addEventListener('error', () => reject(new ApiError(0, '', '', url.pathname)));
    xhr.addEventListener('abort', () => reject(new ApiError(0, '', '', url.pathname)));
    xhr.addEventListener('load', () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText || '{}');
      } catch {
        // Not our JSON; the status says enough.
      }
      if (xhr.status >= 400) {
        reject(new ApiError(xhr.status, body.description ?? '', body.request_id ?? xhr.getResponseHeader('X-Request-ID') ?? '', url.pathname));
      } else {
        resolve(body);
      }
    });
    xhr.send(form);
  });
}

// getCatalog lists the layers with their schemas, titles and versions.
export async function getCatalog() {
  const doc = await getJSON('api/layers');
  return doc.layers ?? [];
}

// getCollection describes one collection, with its extent.
export function getCollection(id) {
  return getJSON(`collections/${encodeURIComponent(id)}`);
}

// getFeature reads one feature with all its attributes.
export function getFeature(collection, id, {signal} = {}) {
  return getJSON(`collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(id)}`, {signal});
}

// getFeatures reads every feature of a collection that matches query
// (bbox, attribute filters, properties), as one FeatureCollection. It reads
// the first page, then the rest in parallel, and stops at max features.
export async function getFeatures(collection, query = {}, {signal, max = 50000} = {}) {
  const path = `collections/${encodeURIComponent(collection)}/items`;
  const limit = Math.min(MaxLimit, max);
  const first = await getJSON(path, {params: {...query, limit}, signal});
  const features = first.features ?? [];
  const matched = Math.min(first.numberMatched ?? features.length, max);
  const pages = [];
  for (let offset = features.length; offset < matched && features.length > 0; offset += limit) {
    pages.push(getJSON(path, {params: {...query, limit: Math.min(limit, matched - offset), offset}, signal}));
  }
  for (const page of await Promise.all(pages)) features.push(...(page.features ?? []));
  return {type: 'FeatureCollection', features, numberMatched: first.numberMatched ?? features.length};
}
