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
