// Analysts' workspace for results-service: batches, counts, images (with viewer) and review.
// Plain ES2020, no dependencies. Every server string reaches the page through textContent or
// attributes set via the DOM API (see el/svg below), never through innerHTML.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const enc = encodeURIComponent;
// The bearer token the page signs in with; kept for this browser tab only (sessionStorage), never in a cookie.
const TOKEN_KEY = 'bloodcells.token';
// With an identity provider: the PKCE verifier and state of a sign-in under way, and the ID token for signing out.
const PENDING_KEY = 'bloodcells.signin';
const ID_TOKEN_KEY = 'bloodcells.idToken';
// The platform's roles, the ones worth showing (a provider adds its own, such as offline_access).
const ROLES = ['scanner', 'analyst', 'ops', 'trainer'];
const TABS = ['batches', 'counts', 'images', 'review'];
// Used only when GET /cell-classes fails (the failure is reported in #status).
const FALLBACK_CLASSES = [
  { label: 'RBC', colour: '#d62728' }, { label: 'WBC', colour: '#1f77b4' }, { label: 'Platelets', colour: '#2ca02c' },
];

const state = {
  classes: [],
  images: new Map(),   // imageId -> item of the images list
  imagesQuery: '',     // filters of the list on screen (for "Load more")
  imagesNext: null,
  imagesLoaded: false,
  imagesStale: false,  // set by a review or a batch click: reload when the tab is shown
  countsLoaded: false,
  queue: new Map(),    // imageId -> item of the review queue
  viewer: null,        // item shown in the viewer
  review: null,        // { item, reported } of the review form
  cells: null,         // { imageId, data, runs, picked, view, drawing } of the cells card (with the viewer)
  bitmaps: new Map(),  // imageId -> Promise of the stored image, decoded once for the gallery's crops
  batchesBusy: false,
  ready: Promise.resolve(), // resolves once the cell classes (columns, inputs) are known
  classError: null,
};

// ---------------------------------------------------------------- helpers

/** Creates an element; string children become text nodes (safe for server strings). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : String(c));
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}

function swatch(colour) {
  const s = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = colour; // CSSOM ignores invalid values
  return s;
}

const fmtTime = iso => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '—');
const shortId = id => String(id ?? '').slice(0, 12);

/** datetime-local value (browser's local time) -> ISO instant in UTC, without zero milliseconds. */
function toInstant(value) {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`invalid date/time "${value}"`);
  return d.toISOString().replace('.000Z', 'Z');
}

/** Latest-request-wins guard: ticket('x') returns a function telling whether it is still the newest. */
const tickets = {};
function ticket(name) {
  const t = (tickets[name] = (tickets[name] || 0) + 1);
  return () => tickets[name] === t;
}

// ---------------------------------------------------------------- sign-in

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

/** The token's claims, for showing who is signed in (the server verifies the signature; the page only reads). */
function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch { return null; }
}

function signedInUser() {
  const c = claimsOf(storedToken());
  return c ? (c.upn || c.preferred_username || c.sub || '?') : '';
}

/** Shows who is signed in, or the sign-in form. */
function showSignIn() {
  const claims = claimsOf(storedToken());
  const expired = claims?.exp && claims.exp * 1000 < Date.now();
  $('#signin-form').hidden = !!claims && !expired;
  $('#signed-in').hidden = !claims || expired;
  if (claims && !expired) {
    const roles = (claims.groups || claims.realm_access?.roles || []).filter(r => ROLES.includes(r));
    $('#signed-in-as').textContent = `${signedInUser()} (${roles.join(', ') || 'no roles'})`;
  }
  $('#review-by').textContent = signedInUser() || '(sign in)';
  if (expired) {
    $('#signin-message').textContent = state.signIn?.provider ? 'Your sign-in expired: sign in again.'
      : 'Your sign-in expired: paste a new token.';
  }
}

function signIn(token) {
  const clean = token.trim().replace(/^Bearer\s+/i, '');
  if (!claimsOf(clean)) {
    $('#signin-message').textContent = 'That is not a token (three dot-separated parts, as the launcher prints).';
    return false;
  }
  try { sessionStorage.setItem(TOKEN_KEY, clean); } catch { /* storage disabled: this page load only */ }
  state.token = clean;
  $('#signin-message').textContent = '';
  showSignIn();
  return true;
}

function signOut() {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* storage disabled */ }
  state.token = '';
  showSignIn();
}

// ---------------------------------------------------------------- sign-in at an identity provider
// The authorization code flow with PKCE (RFC 7636, S256) for a public client: the page sends the browser to the
// provider's login page, which sends it back here with a code that only this tab's verifier turns into tokens.

/** Where the page signs in (GET /sign-in): {provider, clientId}, or nulls for a pasted token. */
async function signInSettings() {
  try {
    const res = await fetch('/sign-in', { headers: { Accept: 'application/json' } });
    return res.ok ? await res.json() : {};
  } catch { return {}; }
}

/** The provider's OpenID Connect discovery document. */
async function discovery(provider) {
  const res = await fetch(`${provider.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`the identity provider answered ${res.status}`);
  return res.json();
}

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomValue() {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The page itself, without the provider's answer in its query: the redirect URI the provider knows. */
function pageUri() {
  return `${location.origin}${location.pathname}`;
}

async function startProviderSignIn(settings) {
  const config = await discovery(settings.provider);
  const verifier = randomValue();
  const challengeState = randomValue();
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state: challengeState }));
  const url = new URL(config.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: settings.clientId, redirect_uri: pageUri(), scope: 'openid',
    state: challengeState, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(url.toString());
}

/** Back from the provider with ?code&state (or ?error): exchanges the code and this tab's verifier for tokens. */
async function finishProviderSignIn(settings) {
  const answer = new URLSearchParams(location.search);
  if (!answer.has('code') && !answer.has('error')) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', pageUri());
  if (answer.has('error')) throw new Error(answer.get('error_description') || answer.get('error'));
  if (!pending || pending.state !== answer.get('state')) {
    throw new Error('the answer does not belong to a sign-in this tab started');
  }
  const config = await discovery(settings.provider);
  const res = await fetch(config.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: answer.get('code'), redirect_uri: pageUri(),
      client_id: settings.clientId, code_verifier: pending.verifier,
    }),
  });
  if (!res.ok) throw new Error(`the identity provider refused the sign-in (${res.status})`);
  const tokens = await res.json();
  try { sessionStorage.setItem(ID_TOKEN_KEY, tokens.id_token || ''); } catch { /* storage disabled */ }
  signIn(tokens.access_token || '');
}

/** Signs out here and at the provider (RP-initiated logout), which sends the browser back to the page. */
async function providerSignOut(settings) {
  const idToken = sessionStorage.getItem(ID_TOKEN_KEY);
  sessionStorage.removeItem(ID_TOKEN_KEY);
  signOut();
  const config = await discovery(settings.provider);
  if (!config.end_session_endpoint) { location.reload(); return; }
  const url = new URL(config.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: settings.clientId, post_logout_redirect_uri: pageUri(), ...(idToken ? { id_token_hint: idToken } : {}),
  });
  location.assign(url.toString());
}

function authHeaders() {
  const token = state.token || storedToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** fetch with the signed-in user's token; 401 shows the sign-in form again. */
async function signedFetch(path, options = {}) {
  let res;
  try {
    res = await fetch(path, { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } });
  } catch (e) {
    throw new Error(`network error (${e.message})`);
  }
  if (res.status === 401) {
    $('#signin-message').textContent = 'Sign in to continue (the server did not accept the token).';
    $('#signin-form').hidden = false;
    $('#signed-in').hidden = true;
  }
  return res;
}

/** An image the server draws (an overlay), fetched with the token: an <img src> could not send it. */
async function showImage(img, path, onError, accept = 'image/png') {
  const previous = img.dataset.objectUrl;
  img.dataset.path = path;
  try {
    const res = await signedFetch(path, { headers: { Accept: accept } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const blob = await res.blob();
    if (img.dataset.path !== path) return; // a newer image was asked for meanwhile
    const url = URL.createObjectURL(blob);
    img.dataset.objectUrl = url;
    img.src = url;
  } catch (e) {
    if (img.dataset.path === path) { img.removeAttribute('src'); onError(e); }
  } finally {
    if (previous && previous !== img.dataset.objectUrl) URL.revokeObjectURL(previous);
  }
}

/** A CSV export link: downloaded with the token, saved under the name the server gives. */
async function download(link) {
  try {
    const res = await signedFetch(link.getAttribute('href'), { headers: { Accept: 'text/csv' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const name = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') || '')?.[1] || 'export.csv';
    const url = URL.createObjectURL(await res.blob());
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    setStatus(`Download: ${e.message}`);
  }
}

/** fetch JSON; errors become Error(problem detail or HTTP status). */
async function api(path, options = {}) {
  const res = await signedFetch(path, { ...options, headers: { Accept: 'application/json', ...(options.headers || {}) } });
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON */ }
    const text = problem?.detail || problem?.title;
    throw new Error(text ? `${text} (HTTP ${res.status})` : `HTTP ${res.status} ${res.statusText || ''}`.trim());
  }
  return res.status === 204 ? null : res.json();
}

function setStatus(message) {
  const s = $('#status');
  s.textContent = message;
  s.className = message ? 'error' : '';
}

/** Fills a table head: plain strings, or a class object (rendered with its swatch). */
function setHead(table, columns) {
  const row = el('tr', {}, columns.map(c => (typeof c === 'string'
    ? el('th', {}, c)
    : el('th', { class: 'num' }, swatch(c.colour), c.label))));
  table.tHead.replaceChildren(row);
}

/** Row click / Enter calls fn(row.dataset[key]). */
function onRowActivate(table, key, fn) {
  const handle = e => {
    const row = e.target.closest('tr');
    if (row && row.dataset[key] != null) fn(row.dataset[key]);
  };
  table.tBodies[0].addEventListener('click', handle);
  table.tBodies[0].addEventListener('keydown', e => { if (e.key === 'Enter') handle(e); });
}

function markSelected(table, id) {
  for (const row of table.tBodies[0].rows) row.classList.toggle('selected', row.dataset.imageId === id);
}

// ---------------------------------------------------------------- tabs

function showTab(name) {
  for (const t of TABS) {
    const on = t === name;
    $(`#${t}-section`).hidden = !on;
    $(`#tab-${t}`).classList.toggle('active', on);
    $(`#tab-${t}`).setAttribute('aria-selected', String(on));
  }
  setStatus('');
  if (name === 'batches') loadBatches();
  if (name === 'counts' && !state.countsLoaded) loadCounts();
  if (name === 'images' && (!state.imagesLoaded || state.imagesStale)) loadImages();
  if (name === 'review') loadQueue();
}

// ---------------------------------------------------------------- 1. batches

const BATCH_DAYS = 7;

async function loadBatches() {
  if (state.batchesBusy) return;
  state.batchesBusy = true;
  try {
    await state.ready;
    // Batches with uploads in the last BATCH_DAYS days: what is in flight and recent, a query that stays cheap
    // however long the history (older batches: the Images tab's batch filter, or GET /aggregates?by=batch).
    const since = new Date(Date.now() - BATCH_DAYS * 864e5).toISOString();
    const data = await api('/aggregates?by=batch&limit=100&uploadedFrom=' + encodeURIComponent(since));
    renderBatches(data.groups || []);
  } catch (e) {
    setStatus(`Batches: ${e.message}`);
  } finally {
    state.batchesBusy = false;
  }
}

/** Updates rows in place (keyed by batch id) so that the 5 s refresh keeps row elements stable. */
function renderBatches(groups) {
  const tbody = $('#batches').tBodies[0];
  const rows = new Map([...tbody.rows].map(r => [r.dataset.batch, r]));
  for (const g of groups) {
    let row = rows.get(g.key);
    if (!row) {
      row = el('tr', { tabindex: 0 },
        el('td', { class: 'mono' }, g.key),
        el('td', {}, el('div', { class: 'progress' },
          el('div', { class: 'bar' }), el('div', { class: 'failed' }), el('span', { class: 'progress-text' }))),
        state.classes.map(() => el('td', { class: 'num' })));
      row.dataset.batch = g.key;
    }
    rows.delete(g.key);
    const images = g.images || 0, done = g.done || 0, failed = g.failed || 0;
    const pct = n => (images ? (100 * n) / images : 0);
    $('.bar', row).style.width = `${pct(done)}%`;
    $('.failed', row).style.width = `${pct(failed)}%`;
    $('.progress-text', row).textContent = `${done + failed}/${images} processed, ${failed} failed`;
    row.title = `${g.pending || 0} pending`;
    state.classes.forEach((c, i) => { row.cells[2 + i].textContent = g.counts?.[c.label] ?? 0; });
    tbody.append(row); // (re)appending keeps the server's order
  }
  for (const gone of rows.values()) gone.remove();
  $('#batches-empty').hidden = groups.length > 0;
}

function openBatch(batchId) {
  const form = $('#image-filters');
  form.reset();
  form.elements.batch.value = batchId;
  state.imagesStale = true;
  showTab('images');
}

// ---------------------------------------------------------------- 2. counts

function countsQuery() {
  const p = new URLSearchParams({ by: $('#counts-by').value, counts: $('#counts-basis').value });
  const scanner = $('#counts-scanner').value.trim();
  const batch = $('#counts-batch').value.trim();
  if (scanner) p.set('scanner', scanner);
  if (batch) p.set('batch', batch);
  if (p.get('by') !== 'day') p.set('limit', '100'); // days are bounded by the date range instead
  return p;
}

async function loadCounts() {
  await state.ready;
  const p = countsQuery();
  const csv = new URLSearchParams(p);
  csv.set('format', 'csv');
  $('#counts-csv').href = `/aggregates?${csv}`;
  state.countsLoaded = true;
  const current = ticket('counts');
  try {
    const data = await api(`/aggregates?${p}`);
    if (current()) renderCounts(data);
  } catch (e) {
    if (current()) setStatus(`Counts: ${e.message}`);
  }
}

function renderCounts(data) {
  const groups = data.groups || [];
  const corrected = groups.reduce((sum, g) => sum + (g.correctedImages || 0), 0);
  $('#counts-note').textContent = data.countsBasis === 'model'
    ? 'model counts' : `counts as reviewed (${corrected} corrected images)`;
  $('#counts-more').textContent = data.next ? `· first ${groups.length} groups shown (CSV has all)` : '';
  const table = $('#counts-table');
  const by = data.by || $('#counts-by').value;
  setHead(table, [by[0].toUpperCase() + by.slice(1), 'Images', 'Done', 'Corrected images', ...state.classes]);
  table.tBodies[0].replaceChildren(...groups.map(g => {
    const row = el('tr', {},
      el('td', { class: 'mono' }, g.key),
      [g.images, g.done, g.correctedImages].map(n => el('td', { class: 'num' }, n ?? 0)),
      state.classes.map(c => el('td', { class: 'num' }, g.counts?.[c.label] ?? 0)));
    row.dataset.key = g.key;
    return row;
  }));
  drawChart(groups);
}

/** Rounds up to 5, 10, 20, 50, 100, ... so that five axis steps are whole numbers. */
function niceMax(v) {
  if (v <= 5) return 5;
  const p = 10 ** Math.floor(Math.log10(v));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

/** Grouped bar chart: one <g class="chart-group"> per key, one <rect> per class. */
function drawChart(groups) {
  const box = $('#counts-chart');
  box.replaceChildren();
  if (!groups.length) { box.append(el('p', { class: 'empty' }, 'No data for these filters.')); return; }
  const classes = state.classes;
  const barW = 14, gap = 18, groupW = classes.length * barW + gap, plotH = 220;
  const m = { top: 36, right: 16, bottom: 70, left: 56 };
  const width = Math.max(520, m.left + m.right + groups.length * groupW);
  const height = m.top + plotH + m.bottom;
  const max = niceMax(Math.max(0, ...groups.flatMap(g => classes.map(c => g.counts?.[c.label] ?? 0))));
  const y = v => m.top + plotH - (v / max) * plotH;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': 'Cell counts per group and class' });

  for (let i = 0; i <= 5; i++) {
    const v = (max * i) / 5;
    root.append(
      svg('line', { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v), class: i ? 'grid' : 'axis' }),
      svg('text', { x: m.left - 6, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, Math.round(v)));
  }
  const rotate = groups.some(g => String(g.key).length * 6.5 > groupW);
  groups.forEach((g, i) => {
    const x0 = m.left + i * groupW + gap / 2;
    const group = svg('g', { class: 'chart-group', 'data-key': g.key });
    classes.forEach((c, j) => {
      const v = g.counts?.[c.label] ?? 0;
      group.append(svg('rect', { x: x0 + j * barW, y: y(v), width: barW - 2, height: y(0) - y(v),
        fill: c.colour, 'data-class': c.label }, svg('title', {}, `${g.key} · ${c.label}: ${v}`)));
    });
    const lx = x0 + (classes.length * barW) / 2, ly = m.top + plotH + 14;
    const key = String(g.key);
    group.append(svg('text', { x: lx, y: ly, class: 'axis-label', 'text-anchor': rotate ? 'end' : 'middle',
      transform: rotate ? `rotate(-35 ${lx} ${ly})` : null }, key.length > 18 ? `${key.slice(0, 17)}…` : key));
    root.append(group);
  });
  // Legend along the top.
  const legend = svg('g', { class: 'legend' });
  let lx = m.left;
  for (const c of classes) {
    legend.append(svg('rect', { x: lx, y: 10, width: 12, height: 12, rx: 2, fill: c.colour }),
      svg('text', { x: lx + 17, y: 20, class: 'legend-label' }, c.label));
    lx += 32 + c.label.length * 7;
  }
  root.append(legend);
  box.append(root);
}

// ---------------------------------------------------------------- 3. images

/** The /images filters from the form (throws on an invalid date). */
function imageQuery() {
  const f = $('#image-filters').elements;
  const p = new URLSearchParams();
  for (const name of ['scanner', 'slide', 'batch', 'status', 'version']) {
    const v = f[name].value.trim();
    if (v) p.set(name, v);
  }
  for (const name of ['uploadedFrom', 'uploadedTo']) if (f[name].value) p.set(name, toInstant(f[name].value));
  for (const { label } of state.classes) {
    const min = f[`min-${label}`].value.trim(), max = f[`max-${label}`].value.trim();
    if (min || max) p.append('count', `${label}:${min}:${max}`);
  }
  if (f.flagged.checked) p.set('flagged', 'true');
  return p;
}

async function loadImages(more = false) {
  await state.ready;
  let p;
  if (more) {
    p = new URLSearchParams(state.imagesQuery);
    p.set('cursor', state.imagesNext);
  } else {
    try { p = imageQuery(); } catch (e) { setStatus(`Images: ${e.message}`); return; }
    state.imagesQuery = p.toString();
    state.imagesLoaded = true;
    state.imagesStale = false;
    const csv = new URLSearchParams(p);
    csv.set('format', 'csv');
    $('#images-csv').href = `/images?${csv}`;
  }
  const current = ticket('images');
  $('#images-more').disabled = true;
  try {
    const data = await api(`/images?${p}`);
    if (!current()) return;
    renderImages(data.items || [], more);
    state.imagesNext = data.next ?? null;
    $('#images-more').hidden = !state.imagesNext;
  } catch (e) {
    if (current()) setStatus(`Images: ${e.message}`);
  } finally {
    $('#images-more').disabled = false;
  }
}

function renderImages(items, append) {
  const tbody = $('#images').tBodies[0];
  if (!append) { tbody.replaceChildren(); state.images.clear(); }
  for (const item of items) {
    state.images.set(item.imageId, item);
    tbody.append(imageRow(item, false));
  }
  $('#images-empty').hidden = tbody.rows.length > 0;
  if (state.viewer) markSelected($('#images'), state.viewer.imageId);
}

/** A count cell: the reported count, and the model's where an analyst corrected it. */
function countCell(item, label) {
  const n = item.counts?.[label];
  const model = item.modelCounts?.[label];
  if (item.reviewStatus === 'CORRECTED' && model != null && model !== n) {
    return el('td', { class: 'num changed', title: 'corrected by an analyst' }, `${n ?? '—'} (model ${model})`);
  }
  return el('td', { class: 'num' }, n ?? '—');
}

/** Row of the images list (queue=false) or of the review queue (queue=true). */
function imageRow(item, queue) {
  const flags = item.flags || [];
  const row = el('tr', { tabindex: 0 },
    el('td', { class: 'mono', title: `${item.imageId}\nuploaded ${fmtTime(item.uploadedAt)}` }, shortId(item.imageId)),
    el('td', {}, item.slideId ?? ''),
    el('td', {}, item.batchId ?? ''),
    queue ? el('td', {}, fmtTime(item.uploadedAt))
      : el('td', {}, el('span', { class: `badge ${String(item.status).toLowerCase()}` }, item.status ?? '')),
    state.classes.map(c => countCell(item, c.label)),
    queue ? el('td', { class: 'flag-text' }, flags.join('; '))
      : el('td', { class: flags.length ? 'num flagged' : 'num muted', title: flags[0] ?? null }, flags.length));
  row.dataset.imageId = item.imageId;
  if (item.reviewStatus === 'CORRECTED') row.classList.add('corrected');
  if (item.reviewStatus === 'CONFIRMED') row.classList.add('confirmed');
  return row;
}

// ---------------------------------------------------------------- 4. viewer

function overlayUrl(id, classes) {
  return `/images/${enc(id)}/overlay.png${classes == null ? '' : `?classes=${classes.map(enc).join(',')}`}`;
}

function updateOverlay() {
  if (!state.viewer) return;
  const checked = $$('#viewer .class-toggle:checked').map(c => c.value);
  const id = state.viewer.imageId;
  showImage($('#overlay'), overlayUrl(id, checked),
    () => { if (state.viewer?.imageId === id) setStatus(`Overlay of ${shortId(id)} could not be loaded (no detections yet?)`); });
}

async function openViewer(id) {
  const item = state.images.get(id);
  if (!item) return;
  state.viewer = item;
  markSelected($('#images'), id);
  $('#viewer').hidden = false;
  $('#viewer-title').textContent = id;
  $('#viewer-title').title = `slide ${item.slideId} · batch ${item.batchId} · ${item.status} · review ${item.reviewStatus}`;
  $('#viewer-report').href = `/report.html?slide=${enc(item.slideId || '')}`;
  for (const cb of $$('#viewer .class-toggle')) cb.checked = true;
  updateOverlay();

  renderViewerCounts(item);
  openCells(id);
  const flags = item.flags || [];
  $('#viewer-flags').replaceChildren(...(flags.length ? flags.map(f => el('li', {}, f)) : [el('li', { class: 'muted' }, 'No flags')]));
  $('#viewer').scrollIntoView({ block: 'nearest' });

  const model = $('#viewer-model');
  model.textContent = 'Loading…';
  const current = ticket('viewer');
  try {
    const d = await api(`/images/${enc(id)}/detections`);
    if (current()) renderModel(d);
  } catch (e) {
    if (!current()) return;
    model.textContent = `Detections unavailable: ${e.message}`;
    setStatus(`Detections of ${shortId(id)}: ${e.message}`);
  }
}

function renderViewerCounts(item) {
  const counts = el('table', { class: 'data compact' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Class'), el('th', { class: 'num' }, 'Reported'), el('th', { class: 'num' }, 'Model'))),
    el('tbody', {}, state.classes.map(c => el('tr', {},
      el('td', {}, swatch(c.colour), c.label),
      el('td', { class: 'num', 'data-class': c.label }, item.counts?.[c.label] ?? '—'),
      el('td', { class: 'num' }, item.modelCounts?.[c.label] ?? '—')))));
  const review = item.reviewStatus && item.reviewStatus !== 'NONE' ? el('p', { class: 'hint' }, `Review: ${item.reviewStatus}`) : null;
  $('#viewer-counts').replaceChildren(counts, review ?? '');
}

function renderModel(d) {
  const t = d.thresholds;
  const rows = t ? [
    ['Score threshold', t.score ?? '—'],
    ['Count thresholds', Object.entries(t.count || {}).map(([k, v]) => `${k} ${v}`).join(' · ') || '—'],
    ['Post-processing', t.postProcessing ?? '—'],
  ] : [['Thresholds', 'not recorded for this run']];
  rows.push(['Detected', fmtTime(d.detectedAt)], ['Boxes', (d.cells || []).length]);
  $('#viewer-model').replaceChildren(
    el('p', { class: 'model-name' }, `${d.modelName ?? '?'} ${d.modelVersion ?? ''}`.trim()),
    el('dl', {}, rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)])));
}

function closeViewer() {
  state.viewer = null;
  state.cells = null;
  $('#viewer').hidden = true;
  $('#cells').hidden = true;
  $('#overlay').removeAttribute('src');
  delete $('#overlay').dataset.path;
  markSelected($('#images'), null);
}

// ---------------------------------------------------------------- 4b. cells, box by box, and the gallery

// The classes the gallery shows: red cells are too many to scan one by one.
const GALLERY_CLASSES = ['WBC', 'Platelets'];
const CROP_PIXELS = 96; // drawn at this size, shown at 72 CSS pixels

function classColour(label) {
  return state.classes.find(c => c.label === label)?.colour ?? '#667085';
}

function setCellsMessage(text, kind = 'error') {
  const m = $('#cells-message');
  m.textContent = text;
  m.className = text ? `message ${kind}` : 'message';
}

/** Opens the cells card for the viewer's image: the stored image with its reviewed boxes. */
async function openCells(id) {
  state.cells = { imageId: id, data: null, runs: new Map(), picked: null, view: 'boxes', drawing: false };
  $('#cells').hidden = false;
  $('#cells-title').textContent = shortId(id);
  $('#cells-boxes').replaceChildren();
  $('#cells-counts').tBodies[0]?.replaceChildren();
  $('#cells-confirmed').textContent = '';
  setCellsMessage('');
  setDrawing(false);
  showCellsView('boxes');
  pick(null);
  showImage($('#cells-image'), `/images/${enc(id)}/image`,
    e => { if (state.cells?.imageId === id) setCellsMessage(`The stored image could not be loaded: ${e.message}`); },
    'image/*');
  const current = ticket('cells');
  try {
    const data = await api(`/images/${enc(id)}/cells`);
    if (current() && state.cells?.imageId === id) renderCells(data);
  } catch (e) {
    if (current()) setCellsMessage(`Cells: ${e.message}`);
  }
}

/** The viewer's image as reviewed: its boxes over the stored image, its counts and its confirmation. */
function renderCells(data) {
  const c = state.cells;
  c.data = data;
  c.runs.set(data.imageId, data.runId);
  const svgEl = $('#cells-boxes');
  svgEl.setAttribute('viewBox', `0 0 ${data.imageWidth} ${data.imageHeight}`);
  svgEl.setAttribute('preserveAspectRatio', 'none');
  const area = b => (b.x2 - b.x1) * (b.y2 - b.y1);
  // Large boxes first, so that a small cell inside a large one stays clickable.
  const cells = [...data.cells].sort((a, b) => area(b) - area(a));
  svgEl.replaceChildren(...cells.map(cell => {
    const classes = ['cell'];
    if (!cell.counted) classes.push('uncounted');
    if (cell.state === 'DELETED') classes.push('deleted');
    if (cell.state !== 'UNCHANGED') classes.push('edited');
    if (c.picked?.imageId === data.imageId && c.picked.key === cell.key) classes.push('picked');
    const r = svg('rect', { class: classes.join(' '), x: cell.x1, y: cell.y1, width: cell.x2 - cell.x1,
      height: cell.y2 - cell.y1, stroke: classColour(cell.cellClass), 'data-cell': cell.key, 'data-class': cell.cellClass });
    r.append(svg('title', {}, describeCell(cell)));
    return r;
  }));
  $('#cells-counts').tBodies[0].replaceChildren(...state.classes.map(k => el('tr', {},
    el('td', {}, swatch(k.colour), k.label),
    el('td', { class: 'num', 'data-class': k.label }, data.counts?.[k.label] ?? 0),
    el('td', { class: 'num' }, data.modelCounts?.[k.label] ?? '—'))));
  const confirmation = data.confirmation;
  $('#cells-confirmed').textContent = confirmation
    ? `Confirmed by ${confirmation.confirmedBy} ${fmtTime(confirmation.confirmedAt)}${confirmation.current ? '' : ' (edited since)'}`
    : `${data.edits} edit${data.edits === 1 ? '' : 's'}; not confirmed yet`;
  followCounts(data);
  if (c.view !== 'boxes') loadGallery();
}

function describeCell(cell) {
  const model = cell.origin === 'DRAWN' ? 'drawn by an analyst'
    : `model: ${cell.modelClass} ${Number(cell.score).toFixed(2)}${cell.counted || cell.state !== 'UNCHANGED' ? '' : ', under its count threshold'}`;
  return `${cell.key} · ${cell.cellClass}${cell.state === 'UNCHANGED' ? '' : ` (${cell.state.toLowerCase()})`} · ${model}`;
}

/** The image's reported counts are its reviewed ones now: the list, the viewer and the review queue follow. */
function followCounts(data) {
  const item = state.images.get(data.imageId);
  if (!item) return;
  if (data.edits > 0 || data.confirmation) {
    item.counts = { ...data.counts };
    item.reviewStatus = data.reviewStatus;
  }
  const row = $(`#images tr[data-image-id="${CSS.escape(data.imageId)}"]`);
  if (row) {
    const fresh = imageRow(item, false);
    if (row.classList.contains('selected')) fresh.classList.add('selected');
    row.replaceWith(fresh);
  }
  if (state.viewer?.imageId === data.imageId) renderViewerCounts(item);
}

/** Picks a cell (of the viewer's image or of the slide's gallery) for the editor; null picks none. */
function pick(imageId, key, cell) {
  const c = state.cells;
  if (c) c.picked = imageId ? { imageId, key, cell } : null;
  for (const n of $$('#cells-boxes .picked, #gallery .picked')) n.classList.remove('picked');
  const select = $('#cell-class');
  const enabled = Boolean(imageId);
  select.disabled = !enabled;
  $('#cell-reclassify').disabled = !enabled;
  $('#cell-delete').disabled = !enabled;
  if (!enabled) {
    $('#cell-picked').textContent = 'None: click a box or a crop.';
    return;
  }
  if (imageId === c.imageId) $(`#cells-boxes [data-cell="${CSS.escape(key)}"]`)?.classList.add('picked');
  $(`#gallery [data-image-id="${CSS.escape(imageId)}"][data-cell="${CSS.escape(key)}"]`)?.classList.add('picked');
  $('#cell-picked').textContent = `${imageId === c.imageId ? '' : `image ${shortId(imageId)} · `}${describeCell(cell)}`;
  const other = state.classes.find(k => k.label !== cell.cellClass) ?? state.classes[0];
  select.value = cell.counted ? other.label : cell.cellClass;
}

function setDrawing(on) {
  if (state.cells) state.cells.drawing = on;
  $('#draw-toggle').setAttribute('aria-pressed', String(on));
  $('#cells-boxes').classList.toggle('drawing', on);
}

function showCellsView(view) {
  if (!state.cells) return;
  state.cells.view = view;
  $('#cells-show-boxes').setAttribute('aria-pressed', String(view === 'boxes'));
  $('#gallery-image').setAttribute('aria-pressed', String(view === 'image'));
  $('#gallery-slide').setAttribute('aria-pressed', String(view === 'slide'));
  $('#cells-stage').hidden = view !== 'boxes';
  $('#cells-stage-tools').hidden = view !== 'boxes';
  $('#gallery').hidden = view === 'boxes';
  if (view !== 'boxes') loadGallery();
}

/** One edit of one box; the image's cells and counts as they now stand are shown. */
async function editCell(imageId, body) {
  const c = state.cells;
  if (!c) return;
  const runId = c.runs.get(imageId);
  const buttons = [$('#cell-reclassify'), $('#cell-delete'), $('#cells-confirm')];
  buttons.forEach(b => { b.disabled = true; });
  try {
    const res = await api(`/images/${enc(imageId)}/cells/edits`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(runId == null ? body : { ...body, runId }),
    });
    const e = res.edit;
    const what = e.action === 'RECLASSIFY' ? `${e.cell} ${e.classBefore} → ${e.classAfter}`
      : e.action === 'DELETE' ? `${e.cell} ${e.classBefore} deleted` : `${e.cell} ${e.classAfter} drawn`;
    setCellsMessage(`Saved: ${what} by ${e.editedBy}`, 'ok');
    state.imagesStale = true;
    if (state.cells !== c) return;
    pick(null);
    if (imageId === c.imageId) renderCells(res.image);
    else { c.runs.set(imageId, res.image.runId); followCounts(res.image); loadGallery(); }
  } catch (err) {
    setCellsMessage(err.message);
    buttons.forEach(b => { b.disabled = false; });
  } finally {
    $('#cells-confirm').disabled = false;
  }
}

async function confirmCells() {
  const c = state.cells;
  if (!c?.data) return;
  try {
    const data = await api(`/images/${enc(c.imageId)}/cells/confirmation`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ runId: c.data.runId }),
    });
    setCellsMessage(`Boxes confirmed by ${data.confirmation?.confirmedBy ?? signedInUser()}`, 'ok');
    state.imagesStale = true;
    if (state.cells === c) renderCells(data);
  } catch (e) {
    setCellsMessage(e.message);
  }
}

/** Where a mouse event falls on the image, in its pixels (clamped to it). */
function imagePoint(e) {
  const d = state.cells.data;
  const r = $('#cells-boxes').getBoundingClientRect();
  const clamp = (v, max) => Math.min(max, Math.max(0, v));
  return { x: clamp((e.clientX - r.left) / r.width * d.imageWidth, d.imageWidth),
    y: clamp((e.clientY - r.top) / r.height * d.imageHeight, d.imageHeight) };
}

/** Draw mode: dragging over the image draws a missing cell of the chosen class. */
function startDrawing(e) {
  const c = state.cells;
  if (!c?.drawing || !c.data || e.button !== 0) return;
  e.preventDefault();
  const from = imagePoint(e);
  const sketch = svg('rect', { class: 'cell sketch', x: from.x, y: from.y, width: 0, height: 0 });
  $('#cells-boxes').append(sketch);
  let to = from;
  const move = ev => {
    to = imagePoint(ev);
    sketch.setAttribute('x', Math.min(from.x, to.x));
    sketch.setAttribute('y', Math.min(from.y, to.y));
    sketch.setAttribute('width', Math.abs(to.x - from.x));
    sketch.setAttribute('height', Math.abs(to.y - from.y));
  };
  const up = ev => {
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
    move(ev);
    sketch.remove();
    const box = { x1: Math.min(from.x, to.x), y1: Math.min(from.y, to.y), x2: Math.max(from.x, to.x), y2: Math.max(from.y, to.y) };
    if (box.x2 - box.x1 < 2 || box.y2 - box.y1 < 2) return; // a click, not a box
    for (const k of Object.keys(box)) box[k] = Math.round(box[k] * 10) / 10;
    editCell(c.imageId, { action: 'ADD', cellClass: $('#draw-class').value, box });
  };
  window.addEventListener('mousemove', move);
  window.addEventListener('mouseup', up);
}

/** The stored image decoded once per image: every crop of it is cut from the same bitmap. */
function bitmapOf(imageId) {
  if (!state.bitmaps.has(imageId)) {
    const load = (async () => {
      const res = await signedFetch(`/images/${enc(imageId)}/image`, { headers: { Accept: 'image/*' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return createImageBitmap(await res.blob());
    })();
    load.catch(() => state.bitmaps.delete(imageId));
    state.bitmaps.set(imageId, load);
  }
  return state.bitmaps.get(imageId);
}

/** The gallery: the image's or its slide's white cells and platelets as crops, grouped by class. */
async function loadGallery() {
  const c = state.cells;
  if (!c || c.view === 'boxes') return;
  const current = ticket('gallery');
  const gallery = $('#gallery');
  try {
    let images;
    if (c.view === 'image') {
      images = c.data ? [c.data] : [];
    } else {
      const slide = state.viewer?.slideId;
      if (!slide) { gallery.replaceChildren(el('p', { class: 'empty' }, 'This image has no slide.')); return; }
      images = await api(`/slides/${enc(slide)}/cells?classes=${GALLERY_CLASSES.map(enc).join(',')}`);
    }
    if (!current() || state.cells !== c) return;
    for (const image of images) c.runs.set(image.imageId, image.runId);
    const groups = GALLERY_CLASSES.map(label => ({ label, crops: images.flatMap(image => image.cells
      .filter(cell => cell.cellClass === label && cell.state !== 'DELETED')
      .map(cell => ({ image, cell }))) }));
    gallery.replaceChildren(
      el('p', { class: 'hint' }, c.view === 'image' ? 'This image · click a cell to pick it, then reclassify or delete it'
        : `Slide ${state.viewer.slideId} · ${images.length} image${images.length === 1 ? '' : 's'} · click a cell to pick it`),
      ...groups.flatMap(g => [
        el('h3', {}, swatch(classColour(g.label)), `${g.label} · ${g.crops.length}`),
        el('div', { class: 'crops', 'data-class': g.label }, g.crops.map(({ image, cell }) => crop(image, cell))),
      ]));
    if (c.picked) pick(c.picked.imageId, c.picked.key, c.picked.cell);
  } catch (e) {
    if (current()) gallery.replaceChildren(el('p', { class: 'message error' }, `Gallery: ${e.message}`));
  }
}

function crop(image, cell) {
  const canvas = el('canvas', { width: CROP_PIXELS, height: CROP_PIXELS });
  const button = el('button', { type: 'button', class: `crop${cell.state === 'UNCHANGED' ? '' : ' edited'}`,
    'data-image-id': image.imageId, 'data-cell': cell.key, title: `image ${shortId(image.imageId)} · ${describeCell(cell)}` }, canvas);
  button.addEventListener('click', () => pick(image.imageId, cell.key, cell));
  bitmapOf(image.imageId).then(bitmap => {
    // A square around the cell with a margin, so that its neighbourhood shows too.
    const side = Math.max(cell.x2 - cell.x1, cell.y2 - cell.y1) * 1.3;
    const cx = (cell.x1 + cell.x2) / 2, cy = (cell.y1 + cell.y2) / 2;
    const g = canvas.getContext('2d');
    g.fillStyle = '#f0f0f0';
    g.fillRect(0, 0, CROP_PIXELS, CROP_PIXELS);
    g.drawImage(bitmap, cx - side / 2, cy - side / 2, side, side, 0, 0, CROP_PIXELS, CROP_PIXELS);
    button.dataset.drawn = 'true';
  }).catch(e => { button.title = `${button.title} (image not loaded: ${e.message})`; });
  return button;
}

// ---------------------------------------------------------------- 5. review

async function loadQueue() {
  await state.ready;
  const current = ticket('queue');
  try {
    const data = await api('/review?limit=50');
    if (!current()) return;
    const items = data.items || [];
    state.queue = new Map(items.map(i => [i.imageId, i]));
    $('#review-queue').tBodies[0].replaceChildren(...items.map(i => imageRow(i, true)));
    $('#review-queue-empty').hidden = items.length > 0;
    $('#review-queue-note').textContent = data.next
      ? `most doubtful ${items.length} shown` : `${items.length} awaiting review`;
    if (state.review) markSelected($('#review-queue'), state.review.item.imageId);
  } catch (e) {
    if (current()) setStatus(`Review queue: ${e.message}`);
  }
}

function openReview(item) {
  state.review = { item, reported: { ...(item.counts || {}) } };
  const form = $('#review-form');
  form.hidden = false;
  $('#review-image').textContent = shortId(item.imageId);
  $('#review-image').title = `${item.imageId} · slide ${item.slideId} · batch ${item.batchId}`;
  showImage($('#review-overlay'), overlayUrl(item.imageId, null),
    () => setMessage('Overlay could not be loaded (no detections yet?)'));
  form.elements.comment.value = '';
  setMessage('');
  buildReviewCounts();
  markSelected($('#review-queue'), item.imageId);
  loadHistory(item.imageId);
}

/** One number input per class, prefilled with the reported count. */
function buildReviewCounts() {
  const { item, reported } = state.review;
  $('#review-counts').replaceChildren(el('legend', {}, 'Counts'), ...state.classes.map(c => el('label', {},
    el('span', { class: 'class-name' }, swatch(c.colour), c.label),
    el('input', { type: 'number', min: 0, step: 1, name: `count-${c.label}`, value: reported[c.label] ?? '' }),
    el('span', { class: 'hint' }, `model ${item.modelCounts?.[c.label] ?? '—'}`))));
}

function setMessage(text, kind = 'error') {
  const m = $('#review-message');
  m.textContent = text;
  m.className = text ? `message ${kind}` : 'message';
}

async function submitReview(action) {
  const r = state.review;
  if (!r) return;
  const f = $('#review-form').elements;
  const body = { action }; // the reviewer is who is signed in: the server takes it from the token
  const comment = f.comment.value.trim();
  if (comment) body.comment = comment;
  if (action === 'CORRECTED') {
    const counts = {};
    for (const { label } of state.classes) {
      const raw = f[`count-${label}`].value.trim();
      if (raw === '') continue; // an emptied field keeps the reported count
      const n = Number(raw);
      if (n !== r.reported[label]) counts[label] = n;
    }
    if (!Object.keys(counts).length) {
      setMessage('No count differs from the reported counts: change a count, or confirm them instead.');
      return;
    }
    body.counts = counts;
  }
  const buttons = [$('#review-confirm'), $('#review-save')];
  buttons.forEach(b => { b.disabled = true; });
  try {
    const id = r.item.imageId;
    const record = await api(`/images/${enc(id)}/review`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    setMessage(`Saved: ${record?.action ?? action} by ${record?.reviewer ?? signedInUser()}`, 'ok');
    Object.assign(r.reported, record?.after ?? body.counts ?? {});
    if (state.review === r) { buildReviewCounts(); f.comment.value = ''; }
    state.imagesStale = true;
    await Promise.all([loadHistory(id), loadQueue()]);
  } catch (e) {
    setMessage(e.message);
  } finally {
    buttons.forEach(b => { b.disabled = false; });
  }
}

async function loadHistory(id) {
  const list = $('#review-history');
  const current = ticket('history');
  try {
    const reviews = await api(`/images/${enc(id)}/reviews`);
    if (!current()) return;
    list.replaceChildren(...(reviews || []).map(historyItem));
    $('#review-history-empty').hidden = list.children.length > 0;
  } catch (e) {
    if (!current()) return;
    list.replaceChildren();
    $('#review-history-empty').hidden = true;
    setStatus(`Review history: ${e.message}`);
  }
}

function historyItem(rev) {
  const before = rev.before || {}, after = rev.after || {};
  const labels = [...new Set([...state.classes.map(c => c.label), ...Object.keys(after)])];
  const changes = labels.filter(l => after[l] != null && before[l] !== after[l])
    .map(l => `${l} ${before[l] ?? '—'}→${after[l]}`);
  return el('li', {},
    el('span', { class: 'when' }, fmtTime(rev.reviewedAt)), ' ',
    el('strong', {}, rev.reviewer ?? '?'), ' ',
    el('span', { class: `badge ${String(rev.action).toLowerCase()}` }, rev.action ?? ''), ' ',
    changes.length ? el('span', { class: 'changes' }, changes.join(', ')) : null,
    rev.comment ? el('q', { class: 'comment' }, rev.comment) : null);
}

// ---------------------------------------------------------------- start

/** Parts of the page that depend on the cell classes. */
function buildClassUi() {
  const classes = state.classes;
  setHead($('#batches'), ['Batch', 'Progress', ...classes]);
  setHead($('#images'), ['Image', 'Slide', 'Batch', 'Status', ...classes, 'Flags']);
  setHead($('#review-queue'), ['Image', 'Slide', 'Batch', 'Uploaded', ...classes, 'Flags']);
  $('#class-filters').replaceChildren(...classes.map(c => el('fieldset', { class: 'range' },
    el('legend', {}, swatch(c.colour), c.label),
    el('input', { type: 'number', min: 0, step: 1, name: `min-${c.label}`, placeholder: 'min', 'aria-label': `${c.label} minimum` }),
    el('span', {}, '–'),
    el('input', { type: 'number', min: 0, step: 1, name: `max-${c.label}`, placeholder: 'max', 'aria-label': `${c.label} maximum` }))));
  for (const select of [$('#draw-class'), $('#cell-class')]) {
    select.replaceChildren(...classes.map(c => el('option', { value: c.label }, c.label)));
  }
  $('#draw-class').value = classes.find(c => c.label === 'Platelets')?.label ?? classes[0]?.label;
  setHead($('#cells-counts'), ['Class', 'Reviewed', 'Model']);
  $('#viewer-toggles').replaceChildren(...classes.map(c => el('label', { class: 'toggle' },
    el('input', { type: 'checkbox', class: 'class-toggle', value: c.label, checked: true }), swatch(c.colour), c.label)));
}

async function init() {
  for (const t of TABS) $(`#tab-${t}`).addEventListener('click', () => showTab(t));
  onRowActivate($('#batches'), 'batch', openBatch);
  onRowActivate($('#images'), 'imageId', openViewer);
  onRowActivate($('#review-queue'), 'imageId', id => openReview(state.queue.get(id)));

  $('#counts-form').addEventListener('submit', e => { e.preventDefault(); setStatus(''); loadCounts(); });
  $('#image-filters').addEventListener('submit', e => { e.preventDefault(); setStatus(''); loadImages(); });
  $('#images-more').addEventListener('click', () => loadImages(true));

  $('#viewer').addEventListener('change', e => { if (e.target.matches('.class-toggle')) updateOverlay(); });
  $('#viewer-close').addEventListener('click', closeViewer);
  $('#viewer-review').addEventListener('click', () => {
    if (!state.viewer) return;
    openReview(state.viewer);
    showTab('review');
  });
  document.addEventListener('keydown', e => { if (e.key === 'Escape' && state.viewer) closeViewer(); });
  $('#cells-boxes').addEventListener('click', e => {
    const rect = e.target.closest('.cell');
    const c = state.cells;
    if (!rect || !c?.data || c.drawing) return;
    const cell = c.data.cells.find(x => x.key === rect.dataset.cell);
    if (cell && cell.state !== 'DELETED') pick(c.imageId, cell.key, cell);
  });
  $('#cells-boxes').addEventListener('mousedown', startDrawing);
  $('#draw-toggle').addEventListener('click', () => setDrawing(!state.cells?.drawing));
  $('#cells-show-boxes').addEventListener('click', () => showCellsView('boxes'));
  $('#gallery-image').addEventListener('click', () => showCellsView('image'));
  $('#gallery-slide').addEventListener('click', () => showCellsView('slide'));
  $('#cells-confirm').addEventListener('click', confirmCells);
  $('#cell-reclassify').addEventListener('click', () => {
    const p = state.cells?.picked;
    if (p) editCell(p.imageId, { action: 'RECLASSIFY', cell: p.key, cellClass: $('#cell-class').value });
  });
  $('#cell-delete').addEventListener('click', () => {
    const p = state.cells?.picked;
    if (p) editCell(p.imageId, { action: 'DELETE', cell: p.key });
  });
  for (const link of [$('#counts-csv'), $('#images-csv')]) {
    link.addEventListener('click', e => { e.preventDefault(); download(link); });
  }

  const form = $('#review-form');
  form.addEventListener('submit', e => e.preventDefault());
  $('#review-confirm').addEventListener('click', () => submitReview('CONFIRMED'));
  $('#review-save').addEventListener('click', () => submitReview('CORRECTED'));

  // Sign in before anything loads: every call carries the token. With an identity provider, at its login page;
  // without one (the local run), by pasting a token.
  const settings = await signInSettings();
  state.signIn = settings;
  $('#signin-provider').hidden = !settings.provider;
  $('#signin-paste').hidden = !!settings.provider;
  $('#sign-out').addEventListener('click', () => {
    if (settings.provider) {
      providerSignOut(settings).catch(e => { $('#signin-message').textContent = `Sign-out failed: ${e.message}`; });
    } else {
      signOut();
      location.reload();
    }
  });
  $('#sign-in-provider').addEventListener('click', () => startProviderSignIn(settings)
    .catch(e => { $('#signin-message').textContent = `Sign-in failed: ${e.message}`; }));
  state.token = storedToken();
  if (settings.provider) {
    try {
      await finishProviderSignIn(settings);
    } catch (e) {
      $('#signin-message').textContent = `Sign-in failed: ${e.message}`;
    }
  }
  showSignIn();
  if (!claimsOf(state.token) || $('#signed-in').hidden) {
    // A provider's sign-in leaves the page and comes back to a new one: only a pasted token resolves this.
    await new Promise(resolve => {
      $('#signin-form').addEventListener('submit', e => {
        e.preventDefault();
        if (signIn($('#signin-form').elements.token.value)) resolve();
      });
    });
  } else {
    $('#signin-form').addEventListener('submit', e => { e.preventDefault(); signIn($('#signin-form').elements.token.value); });
  }

  state.ready = loadClasses(); // loaders await it, so tabs work while it runs
  showTab('batches');
  await state.ready;
  if (state.classError) setStatus(`Cell classes: ${state.classError} (using defaults)`);
  // Refresh the batches every 5 s while their tab is shown (browsers throttle hidden tabs).
  setInterval(() => { if (!$('#batches-section').hidden) loadBatches(); }, 5000);
}

/** GET /cell-classes, then builds what depends on them; never rejects (falls back to defaults). */
async function loadClasses() {
  try {
    const classes = await api('/cell-classes');
    if (!Array.isArray(classes) || !classes.length) throw new Error('no cell classes returned');
    state.classes = classes;
  } catch (e) {
    state.classes = FALLBACK_CLASSES;
    state.classError = e.message;
  }
  buildClassUi();
}

init();
