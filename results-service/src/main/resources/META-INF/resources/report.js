'use strict';
// The slide report page (report.html?slide=<id>): GET /slides/{id}/report shown for reading and printing, and its
// sign-off. The token is the one the workspace signed in with in this tab (sessionStorage, never a cookie).

const TOKEN_KEY = 'bloodcells.token';
const $ = sel => document.querySelector(sel);
const slide = new URLSearchParams(location.search).get('slide') || '';
let report = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

async function call(method, body) {
  const res = await fetch(`/slides/${encodeURIComponent(slide)}/report${method === 'POST' ? '/sign-off' : ''}`, {
    method,
    headers: { Accept: 'application/json', Authorization: `Bearer ${token()}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${data?.detail || data?.title || res.statusText} (HTTP ${res.status})`);
  return data;
}

const num = (v, digits = 1) => v === null || v === undefined ? '—'
  : Number(v).toLocaleString('en-GB', { maximumFractionDigits: digits });
const range = (i, digits = 1) => i ? `${num(i.low, digits)} – ${num(i.high, digits)}` : '—';

function render(r) {
  report = r;
  const c = r.report;
  $('#report-slide').textContent = r.slideId;
  $('#report-state').textContent = r.state;
  $('#report-state').className = `badge ${r.state.toLowerCase()}`;
  $('#report-version').textContent = r.version.slice(0, 12);
  $('#report-scanners').textContent = c.scanners.join(', ') || '—';
  $('#report-results tbody').replaceChildren(...c.results.map(x => {
    const tr = el('tr');
    tr.dataset.class = x.cellClass;
    [x.cellClass, num(x.total, 0), num(x.meanPerField, 2), range(x.meanInterval, 2), num(x.perMicrolitre, 0),
      range(x.perMicrolitreInterval, 0)].forEach((v, i) => tr.append(el('td', v, i ? 'num' : '')));
    return tr;
  }));
  const ratio = c.plateletsPer100Rbc;
  $('#report-platelet-ratio').textContent = ratio.value === null ? '— (no RBC counted)'
    : `${num(ratio.value, 2)} (95 % ${range(ratio.interval, 2)})`;
  $('#report-interval').textContent = `Intervals: ${c.interval}.`;
  const k = c.concentration;
  $('#report-concentration').replaceChildren(
    el('p', k.estimated ? `Estimated over ${num(k.countedAreaSquareMicrons, 0)} µm² of counted fields.`
      : `Not estimated: ${k.why}.`),
    el('p', k.formula, 'mono'),
    (() => { const ul = el('ul'); k.assumptions.forEach(a => ul.append(el('li', a))); return ul; })());
  $('#report-fields').textContent = `${c.fields.counted} field(s) counted, ${c.fields.leftOut.length} left out.`;
  $('#report-left-out').replaceChildren(...c.fields.leftOut.map(f => {
    const li = el('li', `${f.imageId.slice(0, 12)} · ${f.reason}${f.detail ? ` · ${f.detail}` : ''}`);
    li.dataset.reason = f.reason;
    return li;
  }));
  $('#report-models').replaceChildren(...c.models.map(m => el('li', `${m.name} ${m.version} · ${m.fields} field(s)`
    + (m.scoreThreshold === null ? ' · thresholds not recorded'
      : ` · score > ${m.scoreThreshold} · ${Object.entries(m.countThresholds || {}).map(([a, b]) => `${a} ${b}`).join(', ')}`))));
  const v = c.review;
  $('#report-review').textContent = `Review of counted fields: ${v.confirmed} confirmed, ${v.corrected} corrected,`
    + ` ${v.unreviewed} not reviewed (not flagged); ${v.flaggedUnreviewed} flagged field(s) left out unreviewed.`;
  $('#report-signatures').replaceChildren(...(r.signatures.length ? r.signatures.map(s => el('li',
    `Signed by ${s.signedBy} at ${new Date(s.signedAt).toISOString().replace('T', ' ').slice(0, 19)} UTC`
    + ` · version ${s.version.slice(0, 12)}${s.reason ? ` · amended: ${s.reason}` : ''}`
    + (s.acknowledgedUnreviewed ? ` · ${s.acknowledgedUnreviewed} flagged field(s) acknowledged unreviewed` : '')))
    : [el('li', 'Not signed yet', 'muted')]));
  $('#sign-form').hidden = r.state === 'SIGNED';
  $('#sign-reason-label').hidden = r.state !== 'AMENDED';
  $('#sign-ack-label').hidden = v.flaggedUnreviewed === 0;
  $('#sign-ack-count').textContent = v.flaggedUnreviewed;
  $('#sign-submit').textContent = r.state === 'AMENDED' ? 'Sign amended report' : 'Sign report';
  $('#report-body').hidden = false;
}

async function load() {
  $('#report-message').textContent = '';
  if (!token()) {
    $('#report-message').textContent = 'Not signed in: sign in on the workspace first, then open the report again.';
    return;
  }
  try {
    render(await call('GET'));
  } catch (e) {
    $('#report-message').textContent = `Report of ${slide} unavailable: ${e.message}`;
  }
}

$('#sign-form').addEventListener('submit', async event => {
  event.preventDefault();
  $('#sign-message').textContent = 'Signing…';
  $('#sign-message').className = 'message';
  try {
    render(await call('POST', { version: report.version, reason: $('#sign-reason').value,
      acknowledgeUnreviewed: $('#sign-ack').checked }));
    $('#sign-reason').value = '';
    $('#sign-message').textContent = `Signed: signature ${report.signatures.length}`;
  } catch (e) {
    $('#sign-message').textContent = `Not signed: ${e.message}`;
    $('#sign-message').className = 'message error';
  }
});
$('#print').addEventListener('click', () => window.print());
load();
