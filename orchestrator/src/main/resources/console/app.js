// Partitrain console: plain JS, no build step. The token lives in sessionStorage and travels only in
// the Authorization header; every value from the API is put in the page as text, never as HTML.
'use strict';

const REFRESH_MS = 2000;
const PAGE_SIZE = 100;
const STATES = ['SCHEDULED', 'DEFERRED_BY_COST', 'ADMITTED', 'SUBMITTED', 'QUEUED', 'RUNNING',
  'SUCCEEDED', 'FAILED', 'CANCELED'];

const $ = (sel) => document.querySelector(sel);
const state = { me: null, route: null, cursors: [null], selected: null, timer: null, action: null };

function token() { return sessionStorage.getItem('partitrain.token'); }

async function api(path, options = {}) {
  const headers = Object.assign({ 'Accept': 'application/json' }, options.headers || {});
  headers['Authorization'] = 'Bearer ' + token();
  const res = await fetch('/api/v1' + path, Object.assign({}, options, { headers, cache: 'no-store' }));
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error((body && body.detail) || res.statusText);
    err.status = res.status;
    throw err;
  }
  return body;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v);
    else if (k === 'text') e.textContent = v; else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function when(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
function money(v, cur) { return v == null ? '—' : Number(v).toFixed(4) + (cur ? ' ' + cur : ''); }
function has(role) { return state.me && (state.me.roles.includes(role) || state.me.roles.includes('admin')); }

// ---- routing: the view and its filters live in the URL hash ----------------------------------

function parseRoute() {
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query || '');
  const m = /^\/runs\/([^/]+)$/.exec(path || '/');
  return m ? { view: 'run', runId: decodeURIComponent(m[1]), params } : { view: 'runs', params };
}

function setFilter(name, value) {
  const r = parseRoute();
  if (value) r.params.set(name, value); else r.params.delete(name);
  state.cursors = [null];
  location.hash = '#/runs/' + encodeURIComponent(r.runId) + '?' + r.params.toString();
}

function show(id) {
  for (const s of ['login', 'runs-view', 'run-view']) $('#' + s).hidden = s !== id;
}

async function render() {
  clearTimeout(state.timer);
  if (!token()) { show('login'); return; }
  try {
    if (!state.me) {
      state.me = await api('/whoami');
      $('#whoami').textContent = (state.me.name || state.me.subject) + ' · ' + state.me.roles.join(', ');
      $('#sign-out').hidden = false;
    }
    const r = parseRoute();
    if (r.view === 'run') { show('run-view'); await renderRun(r); } else { show('runs-view'); await renderRuns(); }
  } catch (e) {
    if (e.status === 401) { signOut('Your token was refused: ' + e.message); return; }
    if (e.status === 403 && !state.me) { signOut(e.message); return; }
    $('#action-result').textContent = e.message;
  }
  state.timer = setTimeout(render, REFRESH_MS);
}

function signOut(message) {
  sessionStorage.removeItem('partitrain.token');
  state.me = null;
  $('#whoami').textContent = '';
  $('#sign-out').hidden = true;
  $('#login-error').textContent = message || '';
  show('login');
}

// ---- runs list ----------------------------------------------------------------------------

async function renderRuns() {
  const list = await api('/runs');
  const body = $('#runs tbody');
  body.replaceChildren(...list.items.map((r) => {
    const counts = shownCounts(r).map(([s, n]) => s.toLowerCase().replace(/_/g, ' ') + ' ' + n).join(' · ');
    const tr = el('tr', { 'data-run': r.runId },
      el('td', {}, el('a', { href: '#/runs/' + encodeURIComponent(r.runId), text: r.runId })),
      el('td', { text: r.planName || '' }),
      el('td', {}, el('span', { class: 'badge ' + r.outcome, text: r.outcome })),
      el('td', { text: r.total + ' — ' + counts }),
      el('td', { text: when(r.startedAt) }),
      el('td', { text: r.cost ? money(r.cost.spent, r.cost.currency) + ' of ' + money(r.cost.cap) : '' }));
    tr.addEventListener('click', () => { location.hash = '#/runs/' + encodeURIComponent(r.runId); });
    return tr;
  }));
  const schedules = await api('/schedules');
  $('#schedules tbody').replaceChildren(...schedules.items.map((s) => {
    const btn = el('button', { type: 'button', text: s.paused ? 'Resume' : 'Pause', disabled: !has('operator') });
    btn.addEventListener('click', () => openAction(s.paused ? 'resume' : 'pause', { plan: s.planName }));
    return el('tr', { 'data-plan': s.planName }, el('td', { text: s.planName }), el('td', { text: s.cron }),
      el('td', { text: s.timeZone || '' }), el('td', { text: s.paused ? 'paused' : 'active' }),
      el('td', { text: when(s.lastFired) }), el('td', {}, btn));
  }));
}

// ---- one run ------------------------------------------------------------------------------

async function renderRun(r) {
  const runId = r.runId;
  const run = await api('/runs/' + encodeURIComponent(runId));
  // An action's answer belongs to the run it was given on (issue 23, item 7: a cap change of one
  // run showed on other runs' pages).
  const result = $('#action-result');
  if (result.dataset.run !== runId) {
    result.textContent = '';
    result.className = '';
    result.dataset.run = runId;
  }
  $('#run-id').textContent = run.runId;
  const outcome = $('#run-outcome');
  outcome.textContent = run.outcome;
  outcome.className = 'badge ' + run.outcome;
  $('#run-meta').textContent = (run.planName || '') + ' · ' + run.total + ' partitions · ' + run.attempts +
    ' attempts · started ' + when(run.startedAt) + ' by ' + (run.requestedBy || '?') +
    (run.completedAt ? ' · completed ' + when(run.completedAt) : '') +
    (run.fromFinalSnapshot ? ' · read from its final snapshot: its decisions are past the runs topic\'s retention,' +
      ' so partitions show their last state without history' : '');
  $('#btn-rerun').disabled = !has('operator') || !(run.byState.FAILED > 0);
  $('#btn-cancel').disabled = !has('operator') || run.complete;
  $('#btn-raise-cap').disabled = !has('finops') || !run.cost;
  // The raise dialog starts from the run's current cap (issue 23, item 8).
  state.currentCap = run.cost && run.cost.cap != null ? String(run.cost.cap) : '';
  renderCounts(run, r.params);
  for (const [id, name] of [['#search', 'q'], ['#failure-class', 'failureClass'], ['#tag', 'tag']]) {
    if (document.activeElement !== $(id)) $(id).value = r.params.get(name) || '';
  }
  await renderPartitions(runId, r.params);
  $('#run-actions').replaceChildren(...run.actions.slice().reverse().map((a) =>
    el('li', { 'data-type': a.type }, when(a.at) + ' · ' + a.type + ' · ' + (a.requestedBy || 'orchestrator') +
      (a.reason ? ' · “' + a.reason + '”' : '') + (a.detail ? ' · ' + a.detail : ''))));
  if (has('finops') && run.cost) await renderCost(runId);
  else $('#cost-summary').textContent = run.cost ? 'FinOps views need the finops role.' : 'This run has no prices.';
  if (state.selected) await renderJob(runId, state.selected, false);
}

// Partitions per state as run show prints them: a FAILED partition whose next attempt is already
// scheduled counts as RETRY_PENDING, not as a failure (issue 23: the failed count went 2, 4, 2).
function shownCounts(run) {
  const pending = run.retryPending || 0;
  const out = [];
  for (const s of STATES) {
    const n = s === 'FAILED' ? Math.max(0, (run.byState[s] || 0) - pending) : (run.byState[s] || 0);
    if (n > 0) out.push([s, n]);
    if (s === 'FAILED' && pending > 0) out.push(['RETRY_PENDING', pending]);
  }
  return out;
}

function renderCounts(run, params) {
  const active = (params.get('state') || '').split(',').filter(Boolean);
  const chips = shownCounts(run).map(([s, n]) => {
    const label = s.toLowerCase().replace(/_/g, ' ') + ' ' + n;
    if (s === 'RETRY_PENDING') {
      // Not a state of its own: the FAILED filter lists these partitions too.
      return el('span', { class: 'chip st-RETRY_PENDING', 'data-state': s, text: label });
    }
    const b = el('button', { type: 'button', class: 'st-' + s + (active.includes(s) ? ' active' : ''),
      'data-state': s, text: label });
    b.addEventListener('click', () => setFilter('state', active.includes(s) ? '' : s));
    return b;
  });
  $('#state-counts').replaceChildren(...chips);
}

async function renderPartitions(runId, params) {
  const q = new URLSearchParams();
  for (const name of ['state', 'failureClass', 'tag', 'q']) if (params.get(name)) q.set(name, params.get(name));
  q.set('limit', PAGE_SIZE);
  const cursor = state.cursors[state.cursors.length - 1];
  if (cursor) q.set('cursor', cursor);
  const page = await api('/runs/' + encodeURIComponent(runId) + '/partitions?' + q.toString());
  $('#partitions tbody').replaceChildren(...page.items.map((p) => {
    const tr = el('tr', { 'data-partition': p.partitionId, class: p.partitionId === state.selected ? 'selected' : '' },
      el('td', { text: p.partitionId }),
      el('td', {}, el('span', { class: 'state st-' + p.state, text: p.state })),
      el('td', { text: p.attempt }),
      el('td', { text: p.failureClass || '' }),
      el('td', { text: p.reason || '' }),
      el('td', { text: Object.entries(p.tags).map(([k, v]) => k + '=' + v).join(' ') }));
    tr.addEventListener('click', () => { state.selected = p.partitionId; renderJob(runId, p.partitionId, true); });
    return tr;
  }));
  state.next = page.nextCursor;
  $('#page-next').disabled = !page.nextCursor;
  $('#page-first').disabled = state.cursors.length === 1;
  $('#page-info').textContent = 'page ' + state.cursors.length + ' · ' + page.items.length + ' shown of ' + page.total;
}

async function renderJob(runId, partitionId, scroll) {
  const base = '/runs/' + encodeURIComponent(runId) + '/jobs/' + encodeURIComponent(partitionId);
  const job = await api(base);
  $('#job-pane').hidden = false;
  $('#job-title').textContent = partitionId + ' · attempt ' + job.attempt + ' of ' + job.attempts;
  const facts = [['job', job.jobName], ['state', job.state], ['failure', job.failureClass], ['reason', job.reason],
    ['compute', job.computeTarget], ['nodes', job.nodes], ['billable s', job.billableSeconds],
    ['cost', job.cost == null ? null : money(job.cost, job.currency)],
    ['metrics', job.metrics ? Object.entries(job.metrics).map(([k, v]) => k + '=' + v).join(' ') : null]];
  $('#job-facts').replaceChildren(...facts.filter(([, v]) => v != null && v !== '')
    .flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  $('#job-history').replaceChildren(...(job.fromFinalSnapshot
    ? [el('li', { text: 'status history past the runs topic\'s retention; last state ' + job.state })]
    : job.statusHistory.map((t) =>
      el('li', {}, when(t.at) + ' ' + (t.from || '∅') + ' → ' + t.to + (t.failureClass ? ' (' + t.failureClass + ')' : '')))));
  const log = await api(base + '/log?lines=200');
  const link = $('#job-log-link');
  link.replaceChildren();
  if (log.studioUrl) link.append(el('a', { href: log.studioUrl, target: '_blank', rel: 'noopener', text: 'Open in Azure ML Studio' }));
  else if (!log.available) link.textContent = log.detail || '';
  else link.textContent = log.location;
  $('#job-log').textContent = log.available ? log.lines.join('\n') : '';
  $('#job-log').hidden = !log.available;
  if (scroll) $('#job-pane').scrollIntoView({ block: 'nearest' });
}

async function renderCost(runId) {
  const f = await api('/runs/' + encodeURIComponent(runId) + '/finops');
  $('#cost-summary').textContent = 'spent ' + money(f.spent, f.currency) + ' · reserved ' + money(f.reserved) +
    ' · cap ' + money(f.cap) + ' · deferred ' + f.deferred;
  drawChart(f.timeline);
  const rows = [];
  for (const [tag, values] of Object.entries(f.spendByTag)) {
    for (const [value, spent] of Object.entries(values)) rows.push(el('tr', {}, el('td', { text: tag }), el('td', { text: value }), el('td', { text: money(spent, f.currency) })));
  }
  $('#spend-by-tag tbody').replaceChildren(...rows);
  $('#cap-events').replaceChildren(...f.capEvents.slice().reverse().map((e) =>
    el('li', { 'data-type': e.type }, when(e.at) + ' · ' + e.type + ' · ' + e.summary +
      (e.requestedBy ? ' · by ' + e.requestedBy : '') + (e.reason ? ' · “' + e.reason + '”' : ''))));
  $('#ledger-csv').onclick = (ev) => { ev.preventDefault(); download('/runs/' + encodeURIComponent(runId) + '/finops/ledger?format=csv', runId + '-ledger.csv'); };
  $('#events-csv').onclick = (ev) => { ev.preventDefault(); download('/runs/' + encodeURIComponent(runId) + '/finops/events?format=csv', runId + '-cap-events.csv'); };
}

async function download(path, name) {
  // A plain link cannot carry the Authorization header (and the token must not go in the URL).
  const text = await api(path, { headers: { 'Accept': 'text/csv' } });
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function drawChart(points) {
  const svg = $('#cost-chart');
  const NS = 'http://www.w3.org/2000/svg';
  const W = 640, H = 220, P = 36;
  svg.replaceChildren();
  if (!points.length) return;
  const t0 = Date.parse(points[0].at), t1 = Math.max(Date.parse(points[points.length - 1].at), t0 + 1);
  const max = Math.max(...points.map((p) => Math.max(Number(p.cap || 0), Number(p.spent) + Number(p.reserved))), 0.0001) * 1.1;
  const x = (t) => P + (W - 2 * P) * (Date.parse(t) - t0) / (t1 - t0);
  const y = (v) => H - P - (H - 2 * P) * Number(v) / max;
  const step = (f) => points.map((p, i) => (i ? 'H' + x(p.at).toFixed(1) + 'V' : 'M' + x(p.at).toFixed(1) + ',') + y(f(p)).toFixed(1)).join('');
  const path = (d, cls, stroke) => { const e = document.createElementNS(NS, 'path'); e.setAttribute('d', d); e.setAttribute('class', cls); e.setAttribute('fill', 'none'); e.setAttribute('stroke', stroke); e.setAttribute('stroke-width', '2'); svg.append(e); };
  const text = (tx, ty, s) => { const e = document.createElementNS(NS, 'text'); e.setAttribute('x', tx); e.setAttribute('y', ty); e.setAttribute('font-size', '11'); e.textContent = s; svg.append(e); };
  path('M' + P + ',' + (H - P) + 'H' + (W - P), 'axis', '#999');
  path(step((p) => Number(p.spent) + Number(p.reserved)), 'reserved', '#90caf9');
  path(step((p) => p.spent), 'spent', '#1565c0');
  if (points.some((p) => p.cap != null)) path(step((p) => p.cap == null ? 0 : p.cap), 'cap', '#c62828');
  text(4, y(max / 1.1) + 4, (max / 1.1).toFixed(2));
  text(4, H - P + 4, '0');
  text(P, H - 8, new Date(t0).toLocaleTimeString());
  text(W - P - 60, H - 8, new Date(t1).toLocaleTimeString());
}

// ---- actions: each asks for a reason and shows the resulting event ---------------------------

const ACTIONS = {
  rerun: { title: 'Rerun failed partitions', amount: false, path: (c) => '/runs/' + encodeURIComponent(c.runId) + '/rerun-failed' },
  cancel: { title: 'Cancel the run', amount: false, path: (c) => '/runs/' + encodeURIComponent(c.runId) + '/cancel' },
  raise: { title: 'Raise the cost cap', amount: true, path: (c) => '/runs/' + encodeURIComponent(c.runId) + '/cap/raise' },
  pause: { title: 'Pause the schedule', amount: false, path: (c) => '/schedules/' + encodeURIComponent(c.plan) + '/pause' },
  resume: { title: 'Resume the schedule', amount: false, path: (c) => '/schedules/' + encodeURIComponent(c.plan) + '/resume' },
};

function openAction(kind, context) {
  state.action = { kind, context };
  $('#action-title').textContent = ACTIONS[kind].title;
  $('#amount-label').hidden = $('#action-amount').hidden = !ACTIONS[kind].amount;
  $('#action-amount').required = ACTIONS[kind].amount;
  $('#action-reason').value = '';
  $('#action-amount').value = kind === 'raise' ? (state.currentCap || '') : '';
  $('#action-dialog').showModal();
}

async function submitAction(ev) {
  if (ev.submitter && ev.submitter.value === 'cancel') return;
  ev.preventDefault();
  const { kind, context } = state.action;
  const body = { reason: $('#action-reason').value };
  if (ACTIONS[kind].amount) body.to = $('#action-amount').value;
  $('#action-dialog').close();
  const out = $('#action-result');
  out.dataset.run = context.runId || '';
  try {
    const answer = await api(ACTIONS[kind].path(context), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    out.className = 'ok';
    out.textContent = answer.eventType + ' by ' + answer.requestedBy + ': “' + body.reason + '”';
  } catch (e) {
    out.className = 'error';
    out.textContent = 'Refused (' + e.status + '): ' + e.message;
  }
  render();
}

// ---- wiring -------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    sessionStorage.setItem('partitrain.token', $('#token').value.trim());
    $('#token').value = '';
    $('#login-error').textContent = '';
    render();
  });
  $('#sign-out').addEventListener('click', () => signOut(''));
  $('#btn-rerun').addEventListener('click', () => openAction('rerun', { runId: parseRoute().runId }));
  $('#btn-cancel').addEventListener('click', () => openAction('cancel', { runId: parseRoute().runId }));
  $('#btn-raise-cap').addEventListener('click', () => openAction('raise', { runId: parseRoute().runId }));
  $('#action-form').addEventListener('submit', submitAction);
  $('#search').addEventListener('change', (e) => setFilter('q', e.target.value.trim()));
  $('#tag').addEventListener('change', (e) => setFilter('tag', e.target.value.trim()));
  $('#failure-class').addEventListener('change', (e) => setFilter('failureClass', e.target.value));
  $('#page-next').addEventListener('click', () => { if (state.next) { state.cursors.push(state.next); render(); } });
  $('#page-first').addEventListener('click', () => { state.cursors = [null]; render(); });
  window.addEventListener('hashchange', () => { state.selected = null; $('#job-pane').hidden = true; render(); });
  render();
});
