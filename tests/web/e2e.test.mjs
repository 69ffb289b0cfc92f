// End-to-end: the page in Debian's headless Chromium, driven by playwright-core.
// Environment: GEORUNE_URL (a running server), GEORUNE_ARTEFACTS (screenshots), GEORUNE_HAS_KB=1
// when the server has a knowledge base.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const url = process.env.GEORUNE_URL;
const artefacts = process.env.GEORUNE_ARTEFACTS || '.';
mkdirSync(artefacts, { recursive: true });
let browser, page;
const external = [];

before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  // The page must work without any network: record every request that leaves the server.
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) external.push(r.url()); });
});
after(async () => { await browser?.close(); });

const shot = (name) => page.screenshot({ path: `${artefacts}/${name}.png`, fullPage: true });

test('type a query, see ranked results with boxes', async () => {
  await page.goto(url + '/');
  await page.fill('#q', 'two planes');
  await page.click('#search button[type=submit]');
  await page.waitForSelector('.card');
  const logic = await page.inputValue('#logic');
  assert.match(logic, /plane/);
  const ids = await page.$$eval('.card', (cards) => cards.map((c) => c.dataset.image));
  assert.deepEqual(ids, ['P1']);
  assert.match(page.url(), /\?q=two\+planes/);
  await page.waitForFunction(() => [...document.querySelectorAll('.card img')].every((i) => i.complete && i.naturalWidth > 0));
  // Hovering shows each atom's truth value.
  await page.hover('.card');
  const atoms = await page.textContent('.card .atoms');
  assert.match(atoms, /plane\(/);
  await shot('results');
});

test('the URL carries the search; the formula is editable and re-runnable; pagination', async () => {
  await page.goto(url + '/?logic=' + encodeURIComponent('plane(a) OR ship(b)'));
  await page.waitForSelector('.card');
  assert.equal(await page.$$eval('.card', (c) => c.length), 3);
  await page.fill('#logic', 'ship(s)');
  await page.click('#rerun');
  await page.waitForFunction(() => document.querySelectorAll('.card').length === 2);
  assert.match(page.url(), /logic=ship%28s%29/);
  assert.equal(await page.isDisabled('#next'), true);
  // A bad formula shows the located error.
  await page.fill('#logic', 'ship(s) AND # plane(p)');
  await page.click('#rerun');
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /query:1:13/);
  await shot('error');
});

test('open a result: the detail view shows the overlay, with pan and zoom', async () => {
  await page.goto(url + '/?logic=' + encodeURIComponent('plane(a) AND ship(s)'));
  await page.waitForSelector('.card');
  await page.click('.card');
  await page.waitForSelector('#detail:not([hidden]) .leaflet-image-layer');
  await page.waitForFunction(() => document.querySelector('.leaflet-image-layer').naturalWidth > 0);
  assert.match(await page.textContent('#detail-source'), /schematic/);
  assert.equal(await page.$$eval('#map path.leaflet-interactive', (p) => p.length), 2);  // the witness entities
  assert.equal(await page.evaluate(() => map.options.crs === L.CRS.Simple), true);  // pixel image: pixel CRS
  await page.click('.leaflet-control-zoom-in');
  await shot('detail');
  await page.click('#close');
  assert.equal(await page.isHidden('#detail'), true);
});

test('export GeoJSON', async () => {
  await page.goto(url + '/?logic=' + encodeURIComponent('plane(a) AND plane(b)'));
  await page.waitForSelector('.card');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
  const geo = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(geo.type, 'FeatureCollection');
  assert.equal(geo.features.length, 2);
  assert.deepEqual(new Set(geo.features.map((f) => f.properties.image)), new Set(['P1']));
});

// The entity polygons on the map, as [lon, lat] rings (open), by entity id.
const mapEntities = () => page.evaluate(() => {
  const out = {};
  map.eachLayer((l) => {
    if (l.feature && l.feature.properties.entity >= 0) out[l.feature.properties.entity] = l.getLatLngs()[0].map((p) => [p.lng, p.lat]);
  });
  return out;
});

test('a georeferenced image: a basemap-free map in longitude/latitude whose features are the GeoJSON export', async () => {
  await page.goto(url + '/?archive=geo&logic=' + encodeURIComponent('plane(a) AND plane(b)'));
  await page.waitForSelector('.card');
  assert.equal(await page.textContent('#export-geojson'), 'Export GeoJSON');  // every image is georeferenced
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
  const geo = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(geo.features.length, 4);
  for (const image of ['G1', 'G2']) {
    await page.click(`.card[data-image="${image}"]`);
    await page.waitForFunction(() => {
      const img = document.querySelector('#detail:not([hidden]) .leaflet-image-layer');
      return img && img.naturalWidth > 0 && img.style.transform && document.querySelectorAll('#map path.leaflet-interactive').length === 2;
    });
    // Leaflet's default CRS (Web Mercator over longitude/latitude), and no tile layer: no basemap.
    assert.equal(await page.evaluate(() => map.options.crs === L.CRS.EPSG3857), true);
    assert.equal(await page.evaluate(() => { let t = 0; map.eachLayer((l) => { if (l instanceof L.TileLayer) t++; }); return t; }), 0);
    assert.match(await page.textContent('#detail-source'), /WGS84/);
    // The witness entities on the map are the export's features, coordinate for coordinate.
    const onMap = await mapEntities();
    const exported = geo.features.filter((f) => f.properties.image === image);
    assert.equal(exported.length, 2);
    for (const f of exported) {
      assert.equal(f.properties.coords, 'lonlat');
      assert.deepEqual(onMap[f.properties.entity], f.geometry.coordinates[0].slice(0, -1));
    }
    // The image lies on its corners: its box on screen is the hull of the projected corners.
    const fit = await page.evaluate(async (id) => {
      const corners = (await (await fetch('/v1/images/geo/' + id)).json()).georeference.corners;
      const img = document.querySelector('.leaflet-image-layer').getBoundingClientRect();
      const box = document.getElementById('map').getBoundingClientRect();
      const z = map.getZoom(), origin = map.getPixelOrigin();  // unrounded container points
      const pts = corners.map(([lon, lat]) => map.layerPointToContainerPoint(map.project([lat, lon], z).subtract(origin)));
      const xs = pts.map((p) => p.x + box.left), ys = pts.map((p) => p.y + box.top);
      return [img.left - Math.min(...xs), img.right - Math.max(...xs), img.top - Math.min(...ys), img.bottom - Math.max(...ys)];
    }, image);
    for (const d of fit) assert.ok(Math.abs(d) < 0.5, `image placement off by ${fit} px`);
    await page.click('.leaflet-control-zoom-in');
    await shot('detail-geo-' + image);
    await page.click('#close');
  }
});

test('ask the knowledge base', { skip: process.env.GEORUNE_HAS_KB !== '1' && 'no knowledge base (shared RSWK data absent)' }, async () => {
  await page.goto(url + '/');
  await page.fill('#question', 'When was Salts Mill built?');
  await page.click('#ask-form button');
  await page.waitForSelector('#ask-result:not([hidden])');
  assert.equal(await page.textContent('#answer'), '1853');
  assert.ok(await page.$$eval('#chunks tbody tr', (r) => r.length) >= 1);
  assert.match(await page.textContent('#chunks tbody'), /Salts Mill/);
  await shot('ask');
});

test('no request left the server', () => { assert.deepEqual(external, []); });
