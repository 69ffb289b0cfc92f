// The georune page: search (English or a formula), ranked grid with witness boxes, detail view
// (Leaflet: L.CRS.Simple over pixel coordinates, or a basemap-free map in longitude/latitude for
// a georeferenced image), exports, and the knowledge-base Ask panel.
// Talks only to this server's /v1/ API (docs/api.md); no network beyond it.
'use strict';

const PAGE_SIZE = 12;
const $ = (id) => document.getElementById(id);
const state = { archive: '', q: '', logic: '', page: 0, answer: null };
const archives = {};  // name → GET /v1/archives entry
let map = null;

// --- API --------------------------------------------------------------------------------------
function apiKey() { return sessionStorage.getItem('georune-key') || ''; }
function headers(extra) {
  const h = Object.assign({}, extra || {});
  if (apiKey()) h['X-API-Key'] = apiKey();
  return h;
}
async function api(path, body) {
  const opts = body === undefined ? { headers: headers() }
    : { method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: JSON.stringify(body) };
  const res = await fetch(path, opts);
  if (res.status === 401 && !api.retried) {
    const key = window.prompt('This server needs an API key');
    if (key) { sessionStorage.setItem('georune-key', key); api.retried = true; try { return await api(path, body); } finally { api.retried = false; } }
  }
  const json = await res.json();
  if (!res.ok) throw Object.assign(new Error(json.error || res.statusText), json);
  return json;
}
// An image URL usable in <img>/Leaflet: direct without a key, a blob URL with one.
async function imageUrl(path) {
  if (!apiKey()) return path;
  const res = await fetch(path, { headers: headers() });
  return URL.createObjectURL(await res.blob());
}

// --- URL <-> state -----------------------------------------------------------------------------
function readUrl() {
  const p = new URLSearchParams(location.search);
  state.q = p.get('q') || '';
  state.logic = p.get('logic') || '';
  state.archive = p.get('archive') || state.archive;
  state.page = Math.max(0, parseInt(p.get('page') || '0', 10) || 0);
}
function writeUrl() {
  const p = new URLSearchParams();
  if (state.logic) p.set('logic', state.logic); else if (state.q) p.set('q', state.q);
  if (state.archive) p.set('archive', state.archive);
  if (state.page) p.set('page', String(state.page));
  history.pushState(null, '', '/?' + p.toString());
}
function queryParams(extra) {
  const p = new URLSearchParams(extra || {});
  if (state.logic) p.set('logic', state.logic); else p.set('q', state.q);
  if (state.archive) p.set('archive', state.archive);
  return p;
}

// --- search ------------------------------------------------------------------------------------
function showError(e) {
  const parts = [e.message];
  if (e.where) parts.unshift(e.where + ':');
  if (e.hint) parts.push('hint: ' + e.hint);
  $('error').textContent = parts.join(' ');
  $('error').hidden = false;
}
async function search() {
  $('error').hidden = true;
  if (!state.q && !state.logic) return;
  $('q').value = state.q || '';
  const body = { top: PAGE_SIZE, offset: state.page * PAGE_SIZE };
  if (state.logic) body.logic = state.logic; else body.text = state.q;
  if (state.archive) body.archive = state.archive;
  try {
    state.answer = await api('/v1/query', body);
  } catch (e) {
    $('grid').replaceChildren();
    $('pager').hidden = true;
    return showError(e);
  }
  renderAnswer(state.answer);
}
function renderAnswer(a) {
  $('query').hidden = false;
  $('logic').value = a.logic;
  $('echo').hidden = !a.echo;
  $('echo').textContent = a.echo ? 'reads as: ' + a.echo : '';
  const from = state.page * PAGE_SIZE;
  $('summary').textContent = `${a.results.length ? `results ${from + 1}–${from + a.results.length}` : 'no results'}` +
    ` · ${a.stats.candidates} of ${a.stats.images} images were candidates · ${a.stats.ms.toFixed(1)} ms`;
  // GeoJSON is WGS84 only (RFC 7946): pixel coordinates, marked, unless every image has a georeference.
  const info = archives[state.archive];
  const lonlat = info && info.images > 0 && info.georeferenced === info.images;
  $('export-geojson').href = '/v1/results.geojson?' + queryParams(lonlat ? { top: 1000 } : { top: 1000, pixel_coords: 1 });
  $('export-geojson').textContent = lonlat ? 'Export GeoJSON' : 'Export GeoJSON (pixels)';
  $('export-csv').href = '/v1/results.csv?' + queryParams({ top: 1000 });
  $('grid').replaceChildren(...a.results.map((r, i) => card(r, from + i + 1)));
  $('pager').hidden = false;
  $('page').textContent = `page ${state.page + 1}`;
  $('prev').disabled = state.page === 0;
  $('next').disabled = a.results.length < PAGE_SIZE;
}
function witnessParam(r) { return r.entities.map((e) => `${e.variable}:${e.id}`).join(','); }
function overlayPath(r, size) {
  return `/v1/images/${encodeURIComponent(state.archive)}/${encodeURIComponent(r.image)}/overlay.png?size=${size}` +
    `&witness=${encodeURIComponent(witnessParam(r))}`;
}
function atomList(r) {
  const ul = document.createElement('div');
  ul.className = 'atoms';
  for (const a of r.atoms) {
    const line = document.createElement('div');
    line.className = a.value >= 0.5 ? 'atom-true' : 'atom-false';
    line.textContent = `${a.value.toFixed(3)}  ${a.atom}`;
    ul.appendChild(line);
  }
  if (!r.atoms.length) ul.textContent = '(no atoms)';
  return ul;
}
function card(r, rank) {
  const div = document.createElement('article');
  div.className = 'card';
  div.tabIndex = 0;
  div.dataset.image = r.image;
  const img = document.createElement('img');
  img.alt = r.image;
  imageUrl(overlayPath(r, 320)).then((u) => { img.src = u; });
  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.innerHTML = '<span class="rank"></span><span class="id"></span><span class="score"></span>';
  meta.querySelector('.rank').textContent = '#' + rank;
  meta.querySelector('.id').textContent = r.image;
  meta.querySelector('.score').textContent = r.score.toFixed(3);
  const ents = document.createElement('div');
  ents.className = 'entities';
  ents.textContent = r.entities.map((e) => `${e.variable}=${e.class} #${e.id} (${e.confidence.toFixed(2)})`).join(' · ');
  div.append(img, meta, ents, atomList(r));
  div.addEventListener('click', () => openDetail(r));
  div.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') openDetail(r); });
  return div;
}

// --- detail ------------------------------------------------------------------------------------
// An image placed on the map by three of its corners (top-left, top-right, bottom-left, as
// [lat, lng]): an affine CSS transform of the <img>, redone at every zoom. Exact for an affine
// georeference up to the map projection's curvature across one image.
const AffineImage = L.Layer.extend({
  initialize(url, corners) { this._url = url; this._corners = corners; },
  onAdd() {
    const img = this._img = L.DomUtil.create('img', 'leaflet-image-layer overlay');
    Object.assign(img.style, { position: 'absolute', left: '0', top: '0', transformOrigin: '0 0' });
    img.onload = () => this._reset();
    img.src = this._url;
    this.getPane().appendChild(img);
  },
  onRemove() { L.DomUtil.remove(this._img); },
  getEvents() { return { zoom: this._reset, viewreset: this._reset }; },
  _reset() {
    const img = this._img, w = img.naturalWidth, h = img.naturalHeight;
    if (!w || !h) return;
    // Unrounded layer points (latLngToLayerPoint rounds to whole pixels).
    const m = this._map, z = m.getZoom(), origin = m.getPixelOrigin();
    const [tl, tr, bl] = this._corners.map((c) => m.project(c, z).subtract(origin));
    Object.assign(img.style, { width: w + 'px', height: h + 'px' });
    img.style.transform = `matrix(${(tr.x - tl.x) / w},${(tr.y - tl.y) / w},${(bl.x - tl.x) / h},${(bl.y - tl.y) / h},${tl.x},${tl.y})`;
  },
});

// "EPSG:32633" as is; a WKT by its name ("WGS 84 / UTM zone 33N").
function crsName(crs) {
  const m = /^[A-Z]+\["([^"]*)"/.exec(crs);
  return m ? m[1] : crs;
}

function entityTip(p) { return `${p.variable} = ${p.class} #${p.entity}, confidence ${p.confidence.toFixed(2)}`; }

// Pixel images: L.CRS.Simple, y down (lat = -y), no basemap.
function pixelMap(r, w, h, url) {
  map = L.map('map', { crs: L.CRS.Simple, minZoom: -6, maxZoom: 4, attributionControl: false });
  const bounds = [[-h, 0], [0, w]];
  map.fitBounds(bounds);
  L.imageOverlay(url, bounds, { className: 'overlay' }).addTo(map);
  for (const e of r.entities) {
    const c = e.corners;
    L.polygon([[-c[1], c[0]], [-c[3], c[2]], [-c[5], c[4]], [-c[7], c[6]]], { color: '#ffff00', weight: 1, fillOpacity: 0.05 })
      .bindTooltip(entityTip({ variable: e.variable, class: e.class, entity: e.id, confidence: e.confidence })).addTo(map);
  }
}

// Georeferenced images: Leaflet's default CRS (Web Mercator, longitude/latitude in), no tiles;
// the image by its corners, its footprint, and the witness entities as the GeoJSON export writes
// them (the same writer, for this result only).
async function geoMap(r, georef, url) {
  map = L.map('map', { minZoom: 0, maxZoom: 26, zoomAnimation: false, attributionControl: false });
  const ll = georef.corners.map(([lon, lat]) => [lat, lon]);  // TL, TR, BR, BL
  map.fitBounds(L.latLngBounds(ll));
  new AffineImage(url, [ll[0], ll[1], ll[3]]).addTo(map);
  L.polygon(ll, { color: '#ffffff', weight: 1, dashArray: '4 4', fill: false, interactive: false }).addTo(map);
  const params = queryParams({ top: PAGE_SIZE, offset: state.page * PAGE_SIZE, image: r.image });
  const features = await api('/v1/results.geojson?' + params);
  L.geoJSON(features, { style: { color: '#ffff00', weight: 1, fillOpacity: 0.05 } })
    .eachLayer((l) => l.bindTooltip(entityTip(l.feature.properties))).addTo(map);
}

async function openDetail(r) {
  $('detail').hidden = false;
  $('detail-title').textContent = `${r.image} · score ${r.score.toFixed(3)}`;
  $('detail-atoms').replaceChildren(...r.atoms.map((a) => {
    const d = document.createElement('div');
    d.textContent = `${a.value.toFixed(3)}  ${a.atom}`;
    return d;
  }));
  const meta = await api(`/v1/images/${encodeURIComponent(state.archive)}/${encodeURIComponent(r.image)}`);
  const w = meta.width || 1024, h = meta.height || 1024;
  if (map) map.remove();
  map = null;
  const res = await fetch(overlayPath(r, Math.min(4096, Math.max(w, h))), { headers: headers() });
  const source = res.headers.get('X-Georune-Source') || '';
  const url = URL.createObjectURL(await res.blob());
  $('detail-source').textContent = 'image: ' + source + (meta.georeference ? ` · map: WGS84 (from ${crsName(meta.georeference.crs)})` : ' · pixels');
  try {
    if (meta.georeference) await geoMap(r, meta.georeference, url); else pixelMap(r, w, h, url);
  } catch (e) { showError(e); }
}
function closeDetail() {
  $('detail').hidden = true;
  if (map) { map.remove(); map = null; }
}

// --- ask ---------------------------------------------------------------------------------------
async function ask(question) {
  $('error').hidden = true;
  let a;
  try { a = await api('/v1/ask', { question }); } catch (e) { return showError(e); }
  $('ask-result').hidden = false;
  $('answer').textContent = a.answer;
  $('answer-source').textContent = a.answer_source.record_id ? `(from ${a.answer_source.record_id}, ${a.answer_source.field})` : '';
  $('chunks').tBodies[0].replaceChildren(...a.retrieved.map((c) => {
    const tr = document.createElement('tr');
    for (const v of [c.rank, c.score.toFixed(4), `${c.name} (${c.record_id})`, c.chunk_type, c.text]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    }
    return tr;
  }));
}

// --- wiring ------------------------------------------------------------------------------------
async function init() {
  try {
    const info = await api('/v1/archives');
    for (const a of info.archives) {
      archives[a.name] = a;
      $('archive').add(new Option(`${a.name} (${a.images} images)`, a.name));
    }
    $('ask').hidden = !info.kb;
    readUrl();
    if (!state.archive && info.archives.length) state.archive = info.archives[0].name;
    $('archive').value = state.archive;
  } catch (e) { return showError(e); }
  $('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    Object.assign(state, { q: $('q').value.trim(), logic: '', page: 0, archive: $('archive').value });
    writeUrl(); search();
  });
  $('rerun').addEventListener('click', () => {
    Object.assign(state, { logic: $('logic').value.trim(), page: 0 });
    writeUrl(); search();
  });
  $('prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); writeUrl(); search(); });
  $('next').addEventListener('click', () => { state.page += 1; writeUrl(); search(); });
  $('close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeDetail(); });
  $('ask-form').addEventListener('submit', (ev) => { ev.preventDefault(); ask($('question').value.trim()); });
  window.addEventListener('popstate', () => { readUrl(); search(); });
  search();
}
init();
