// c360 workbench: one page, three screens (review queue, customer, audit). No framework, no build step.
'use strict';

const STEWARD_KEY = 'c360.steward';
const state = { auth: false, steward: null, queue: [], current: null, audit: null, items: [], item: null, customer: null };

// ---------- small helpers ----------

function $(id) { return document.getElementById(id); }

/** Creates an element; text is always set as text, never parsed as HTML (the records are personal data). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function show(text, isError) {
  const m = $('message');
  m.textContent = text;
  m.className = isError ? 'message error' : 'message';
  m.hidden = false;
}

function clearMessage() { $('message').hidden = true; }

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-C360-Steward'] = state.steward || '';
  }
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) {
    const error = new Error((data && data.error) || ('the server answered ' + response.status));
    error.status = response.status;
    throw error;
  }
  return data;
}

function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '–';
  return Number(x).toFixed(digits === undefined ? 2 : digits);
}

function pct(x) { return x === null || x === undefined ? '–' : (100 * x).toFixed(1) + ' %'; }

function signed(x) { return (x > 0 ? '+' : x < 0 ? '−' : '') + Math.abs(x).toFixed(2); }

function when(t) { return t ? String(t).replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : ''; }

function typing(event) {
  const t = event.target;
  return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

// ---------- steward identity ----------

async function identify() {
  const who = await api('GET', '/api/whoami');
  state.auth = who.auth;
  if (who.auth) {
    state.steward = who.steward;
    $('change-steward').hidden = true;
  } else {
    state.steward = localStorage.getItem(STEWARD_KEY);
  }
  $('steward-name').textContent = state.steward || '–';
  if (!state.steward) askName();
}

function askName() {
  const dialog = $('identify');
  $('identify-name').value = state.steward || '';
  if (!dialog.open) dialog.showModal();
  $('identify-name').focus();
}

$('identify-form').addEventListener('submit', (event) => {
  const name = $('identify-name').value.trim();
  if (!name) { event.preventDefault(); return; }
  state.steward = name;
  localStorage.setItem(STEWARD_KEY, name);
  $('steward-name').textContent = name;
});
$('identify').addEventListener('cancel', (event) => { if (!state.steward) event.preventDefault(); });
$('change-steward').addEventListener('click', askName);

// ---------- navigation ----------

const SCREENS = ['review', 'customer', 'audit'];

function route() {
  const name = SCREENS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'review';
  for (const s of SCREENS) {
    $('screen-' + s).hidden = s !== name;
    if (s === name) $('nav-' + s).setAttribute('aria-current', 'page'); else $('nav-' + s).removeAttribute('aria-current');
  }
  clearMessage();
  state.screen = name;
  if (name === 'review') openReview();
  if (name === 'customer') $('search-query').focus();
  if (name === 'audit') openAudit();
}

window.addEventListener('hashchange', route);

// ---------- records side by side ----------

/** Two records as columns; attributes whose values differ are marked (colour and a text label). */
function recordColumns(container, left, right) {
  container.replaceChildren();
  const names = [...new Set([...Object.keys(left.attributes || {}), ...Object.keys(right.attributes || {})])];
  for (const [side, record, other] of [['A', left, right], ['B', right, left]]) {
    const dl = el('dl');
    dl.append(el('dt', { text: 'source' }), el('dd', { text: record.source + (record.sourceSystem && record.sourceSystem !== record.source ? ' (' + record.sourceSystem + ')' : '') }));
    dl.append(el('dt', { text: 'record id' }), el('dd', { text: record.recordId }));
    for (const name of names) {
      const value = (record.attributes || {})[name];
      const otherValue = (other.attributes || {})[name];
      const differs = (value || '') !== (otherValue || '') && value && otherValue;
      dl.append(el('dt', { text: name }),
        el('dd', { class: differs ? 'differs' : null, title: differs ? 'differs from the other record' : null },
          value === null || value === undefined || value === '' ? el('span', { class: 'hint', text: '(empty)' }) : value,
          differs ? el('span', { class: 'visually-hidden', text: ' (differs)' }) : null));
    }
    container.append(el('article', { class: 'record', 'aria-label': 'Record ' + side, 'data-record-key': record.recordKey },
      el('h4', { text: 'Record ' + side + ' · ' + record.recordKey }), dl));
  }
}

// ---------- evidence as a waterfall ----------

function waterfall(evidence) {
  const steps = evidence.steps || [];
  const rows = [{ label: 'prior', level: 'chance two random records match', weight: evidence.priorWeight }]
    .concat(steps.map((s) => ({ label: s.comparison, level: s.level, weight: s.weight, m: s.m, u: s.u })));
  let running = 0;
  let low = 0;
  let high = 0;
  for (const r of rows) {
    r.from = running;
    running += r.weight || 0;
    r.to = running;
    low = Math.min(low, r.from, r.to);
    high = Math.max(high, r.from, r.to);
  }
  const span = Math.max(Math.abs(low), Math.abs(high), 1);
  const x = (w) => 50 + 50 * w / span;
  const table = el('table', { class: 'waterfall', id: 'waterfall' },
    el('caption', { class: 'visually-hidden', text: 'Match weight, step by step' }),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: 'comparison' }), el('th', { scope: 'col', text: 'level' }),
      el('th', { scope: 'col', class: 'num', text: 'm' }), el('th', { scope: 'col', class: 'num', text: 'u' }),
      el('th', { scope: 'col', class: 'num', text: 'weight' }), el('th', { scope: 'col', text: 'waterfall' }))));
  const body = el('tbody');
  for (const r of rows) {
    const bar = el('span', { class: 'bar ' + ((r.weight || 0) >= 0 ? 'plus' : 'minus') });
    bar.style.left = Math.min(x(r.from), x(r.to)) + '%';
    bar.style.width = Math.max(Math.abs(x(r.to) - x(r.from)), 0.5) + '%';
    body.append(el('tr', { class: 'step' },
      el('th', { scope: 'row', text: r.label }),
      el('td', { text: r.level || '' }),
      el('td', { class: 'num', text: r.m === undefined ? '' : fmt(r.m, 3) }),
      el('td', { class: 'num', text: r.u === undefined ? '' : fmt(r.u, 4) }),
      el('td', { class: 'num weight', text: signed(r.weight || 0) }),
      el('td', { class: 'track' }, bar)));
  }
  const total = el('span', { class: 'bar total' });
  total.style.left = Math.min(x(0), x(running)) + '%';
  total.style.width = Math.max(Math.abs(x(running) - x(0)), 0.5) + '%';
  body.append(el('tr', { class: 'total' },
    el('th', { scope: 'row', text: 'match weight' }),
    el('td', { text: 'probability ' + pct(evidence.probability) + (evidence.decision ? ' · model: ' + evidence.decision : '') }),
    el('td'), el('td'),
    el('td', { class: 'num', id: 'match-weight', text: signed(evidence.matchWeight === undefined ? running : evidence.matchWeight) }),
    el('td', { class: 'track' }, total)));
  table.append(body);
  const parts = [table];
  const rules = evidence.linkRules || [];
  const vetoes = evidence.vetoes || [];
  parts.push(el('p', {}, el('strong', { text: 'Rules hit: ' }), rules.length ? '' : 'none'));
  if (rules.length) parts.push(el('ul', { class: 'tags', id: 'rules' }, rules.map((r) => el('li', { text: r }))));
  parts.push(el('p', {}, el('strong', { text: 'Vetoes: ' }), vetoes.length ? '' : 'none'));
  if (vetoes.length) parts.push(el('ul', { class: 'tags', id: 'vetoes' }, vetoes.map((v) => el('li', { class: 'veto', text: v }))));
  return parts;
}

/** The evidence of a pair view, or why there is none. */
function evidenceOf(view) {
  const parts = [];
  if (view.stewardDecision) parts.push(el('p', { class: 'hint', text: 'A steward decision stands on this pair: ' + view.stewardDecision }));
  if (view.evidence) return parts.concat(waterfall(view.evidence));
  parts.push(el('p', { text: view.identical
    ? 'The two records have the same standardized attributes: silver treats them as one identity.'
    : 'Silver never compared these two records (blocking did not propose them).' }));
  return parts;
}

// ---------- review queue ----------

async function openReview() {
  try {
    const changes = loadChanges();
    state.queue = await api('GET', '/api/queue?limit=50');
    state.skipped = new Set();
    await nextPair();
    await changes;
  } catch (e) { show(e.message, true); }
}

function pairKey(p) { return p.recordKeyL + '|' + p.recordKeyR; }

async function nextPair() {
  const pending = state.queue.filter((p) => !state.skipped.has(pairKey(p)));
  if (!pending.length) {
    state.current = null;
    $('review-pair').hidden = true;
    $('review-status').textContent = state.queue.length
      ? 'You skipped every pair left; reload the screen to see them again.'
      : 'No pairs wait for review.';
    return;
  }
  const p = pending[0];
  $('review-status').textContent = pending.length + ' pair(s) waiting · this one: probability ' + pct(p.probability)
    + ', customers of ' + p.customerRecordsL + ' and ' + p.customerRecordsR + ' record(s)';
  const view = await api('GET', '/api/pair?l=' + encodeURIComponent(p.recordKeyL) + '&r=' + encodeURIComponent(p.recordKeyR));
  state.current = p;
  recordColumns($('review-records'), view.left, view.right);
  $('review-evidence').replaceChildren(...evidenceOf(view));
  $('review-comment').value = '';
  $('review-pair').hidden = false;
}

async function decide(decision) {
  const p = state.current;
  if (!p) return;
  if (!state.steward) { askName(); return; }
  state.current = null; // a second key press while this decision is on its way must not decide again
  try {
    await api('POST', '/api/decisions', { recordKeyL: p.recordKeyL, recordKeyR: p.recordKeyR, decision,
      comment: $('review-comment').value });
  } catch (e) {
    state.current = p;
    show(e.message, true);
    return;
  }
  state.queue = state.queue.filter((q) => pairKey(q) !== pairKey(p));
  show('Recorded: ' + (decision === 'match' ? 'match' : 'not a match') + ' for ' + p.recordKeyL + ' and ' + p.recordKeyR
    + '. The next silver run applies it (c360 run --stage silver).');
  loadChanges();
  await nextPair().catch((e) => show(e.message, true));
}

function skip() {
  if (!state.current) return;
  state.skipped.add(pairKey(state.current));
  nextPair().catch((e) => show(e.message, true));
}

$('decide-match').addEventListener('click', () => decide('match'));
$('decide-non-match').addEventListener('click', () => decide('non_match'));
$('decide-skip').addEventListener('click', skip);
$('review-form').addEventListener('submit', (e) => e.preventDefault());

async function loadChanges() {
  try {
    const changes = await api('GET', '/api/changes?limit=20');
    const body = $('changes').querySelector('tbody');
    body.replaceChildren(...changes.map((c) => el('tr', { 'data-change': c.changeId },
      el('td', { text: when(c.decidedAt) }),
      el('td', { text: c.steward }),
      el('td', { text: c.action + ': ' + [...new Set((c.pairs || []).map((p) => p.decision))].join(', ')
        + (c.comment ? ' — ' + c.comment : '') }),
      el('td', { text: (c.pairs || []).map((p) => p.recordKeyL + ' · ' + p.recordKeyR).join('; ') }),
      el('td', {}, c.standing && c.action !== 'revoke' ? el('button', { type: 'button', class: 'danger', text: 'Revoke',
        'aria-label': 'Revoke change ' + c.changeId, onclick: () => revoke(c) }) : ''))));
    if (!changes.length) body.append(el('tr', {}, el('td', { colspan: '5', class: 'hint', text: 'No changes yet.' })));
  } catch (e) { show(e.message, true); }
}

async function revoke(change) {
  const reason = prompt('Why revoke this change?');
  if (reason === null) return;
  try {
    await api('POST', '/api/changes/' + encodeURIComponent(change.changeId) + '/revoke', { reason });
    show('Revoked. The next silver run leaves those pairs to the model again (c360 run --stage silver).');
    loadChanges();
  } catch (e) { show(e.message, true); }
}

// ---------- customer ----------

$('search-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const q = $('search-query').value.trim();
  if (!q) return;
  try {
    const hits = await api('GET', '/api/search?q=' + encodeURIComponent(q));
    const list = el('ul', { class: 'results', id: 'search-hits' }, hits.map((h) => el('li', {},
      el('button', { type: 'button', class: 'secondary', 'data-customer': h.customerId, onclick: () => openCustomer(h.customerId) },
        [h.customerId, h.name, h.email, h.city].filter(Boolean).join(' · ') + ' · ' + h.records + ' record(s) from '
        + (h.sources || []).join(', ') + (h.matchedOn ? ' · found by ' + h.matchedOn : '')))));
    $('search-results').replaceChildren(hits.length ? list : el('p', { class: 'hint', text: 'No customer found.' }));
    if (hits.length === 1) openCustomer(hits[0].customerId);
  } catch (e) { show(e.message, true); }
});

async function openCustomer(id) {
  try {
    const c = await api('GET', '/api/customers/' + encodeURIComponent(id));
    state.customer = c;
    renderCustomer(c);
  } catch (e) { show(e.message, true); }
}

function renderCustomer(c) {
  const view = $('customer-view');
  const golden = el('table', { class: 'data', id: 'golden' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'field' }), el('th', { scope: 'col', text: 'value' }),
      el('th', { scope: 'col', text: 'source' }))),
    el('tbody', {}, (c.golden || []).map((f) => el('tr', {}, el('th', { scope: 'row', text: f.field }),
      el('td', { text: f.value === null ? '' : f.value }),
      el('td', { text: [f.sourceSystem, f.recordKey].filter(Boolean).join(' · ') })))));
  const records = el('table', { class: 'data', id: 'customer-records' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, el('span', { class: 'visually-hidden', text: 'select' })),
      el('th', { scope: 'col', text: 'record' }), el('th', { scope: 'col', text: 'source' }),
      el('th', { scope: 'col', text: 'attributes' }))),
    el('tbody', {}, (c.records || []).map((r, i) => el('tr', {},
      el('td', {}, el('input', { type: 'checkbox', id: 'split-' + i, value: r.recordKey, 'aria-label': 'select ' + r.recordKey })),
      el('td', {}, el('label', { for: 'split-' + i, text: r.recordKey })),
      el('td', { text: r.sourceSystem || r.source }),
      el('td', { text: Object.entries(r.attributes || {}).filter(([, v]) => v).map(([k, v]) => k + ': ' + v).join(' · ') })))));
  const links = el('table', { class: 'data', id: 'customer-links' },
    el('thead', {}, el('tr', {}, ['records', 'joined by', 'probability', 'match weight', ''].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, (c.links || []).map((l) => el('tr', {},
      el('td', { text: l.recordKeyL + ' — ' + l.recordKeyR }),
      el('td', { text: l.decision || '' }),
      el('td', { text: pct(l.probability) }),
      el('td', { text: fmt(l.matchWeight) }),
      el('td', {}, el('button', { type: 'button', class: 'secondary', text: 'Evidence',
        'aria-label': 'Evidence for ' + l.recordKeyL + ' and ' + l.recordKeyR, onclick: () => linkEvidence(l) }))))));
  const linkDetail = el('div', { id: 'link-evidence', class: 'evidence', hidden: true });
  const history = el('ul', { id: 'customer-history' }, (c.history || []).map((h) => el('li', {
    text: h.oldId + ' → ' + h.newId + ' (' + h.reason + (h.runId ? ', run ' + h.runId : '') + ')' })));
  const consent = el('table', { class: 'data', id: 'customer-consent' },
    el('thead', {}, el('tr', {}, ['purpose', 'channel', 'status', 'since', 'system'].map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, (c.consent || []).map((k) => el('tr', {}, el('td', { text: k.purpose }), el('td', { text: k.channel }),
      el('td', { text: k.status }), el('td', { text: when(k.decidedAt) }), el('td', { text: k.system || '' })))));
  const segments = el('ul', { class: 'tags', id: 'customer-segments' }, (c.segments || []).map((s) => el('li', { text: s })));

  const splitReason = el('input', { id: 'split-reason', maxlength: '500' });
  const mergeOther = el('input', { id: 'merge-other', maxlength: '100' });
  const mergeReason = el('input', { id: 'merge-reason', maxlength: '500' });
  // replaceChildren would show a left-out part (null) as the text "null".
  view.replaceChildren(...[
    el('h3', { id: 'customer-heading', text: 'Customer ' + c.customerId }),
    c.redirectedFrom ? el('p', { class: 'hint', text: c.redirectedFrom + ' now redirects here.' }) : null,
    el('h3', { text: 'Golden record' }), golden,
    el('h3', { text: 'Records (' + (c.records || []).length + ')' }), records,
    el('form', { id: 'split-form', class: 'row', onsubmit: (e) => { e.preventDefault(); split(c); } },
      el('label', { for: 'split-reason', text: 'Reason' }), splitReason,
      el('button', { type: 'submit', id: 'split-button', text: 'Split off the selected records' })),
    el('h3', { text: 'Links that joined them' }), (c.links || []).length ? links : el('p', { class: 'hint', text: 'No links: one identity.' }),
    linkDetail,
    el('h3', { text: 'Id history' }), (c.history || []).length ? history : el('p', { class: 'hint', text: 'No earlier ids.' }),
    el('h3', { text: 'Consent' }), (c.consent || []).length ? consent : el('p', { class: 'hint', text: 'No consent recorded.' }),
    el('h3', { text: 'Segments' }), (c.segments || []).length ? segments : el('p', { class: 'hint', text: 'In no segment.' }),
    el('h3', { text: 'Merge with another customer' }),
    el('form', { id: 'merge-form', class: 'row', onsubmit: (e) => { e.preventDefault(); merge(c); } },
      el('label', { for: 'merge-other', text: 'Customer id' }), mergeOther,
      el('label', { for: 'merge-reason', text: 'Reason' }), mergeReason,
      el('button', { type: 'submit', id: 'merge-button', text: 'Merge' }))].filter(Boolean));
  view.hidden = false;
}

async function linkEvidence(link) {
  try {
    const view = await api('GET', '/api/pair?l=' + encodeURIComponent(link.recordKeyL) + '&r=' + encodeURIComponent(link.recordKeyR));
    const box = $('link-evidence');
    box.replaceChildren(el('h4', { text: 'Why ' + link.recordKeyL + ' and ' + link.recordKeyR + ' were joined' }), ...evidenceOf(view));
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  } catch (e) { show(e.message, true); }
}

async function split(c) {
  const keys = [...document.querySelectorAll('#customer-records input[type=checkbox]:checked')].map((b) => b.value);
  if (!keys.length) { show('Select the records to split off.', true); return; }
  if (keys.length === (c.records || []).length) { show('Select some records, not all: the rest stay in the customer.', true); return; }
  try {
    await api('POST', '/api/customers/' + encodeURIComponent(c.customerId) + '/split',
      { recordKeys: keys, reason: $('split-reason').value });
    show('Split recorded: ' + keys.join(', ') + ' will leave ' + c.customerId
      + ' at the next silver run (c360 run --stage silver).');
  } catch (e) { show(e.message, true); }
}

async function merge(c) {
  try {
    const other = $('merge-other').value.trim();
    await api('POST', '/api/customers/' + encodeURIComponent(c.customerId) + '/merge',
      { other, reason: $('merge-reason').value });
    show('Merge recorded: ' + c.customerId + ' and ' + other + ' become one customer at the next silver run'
      + ' (c360 run --stage silver).');
  } catch (e) { show(e.message, true); }
}

// ---------- audit ----------

async function openAudit() {
  try {
    const latest = await api('GET', '/api/audits/latest');
    await showAudit(latest && latest.auditId ? latest : null);
  } catch (e) { show(e.message, true); }
}

async function showAudit(summary) {
  state.audit = summary;
  renderSummary(summary);
  if (summary && summary.status === 'open') {
    state.items = await api('GET', '/api/audits/' + encodeURIComponent(summary.auditId) + '/items');
    await nextItem();
  } else {
    $('audit-item').hidden = true;
  }
}

async function nextItem() {
  const open = state.items.filter((i) => !i.answer);
  const done = state.items.length - open.length;
  state.item = null; // no answer counts until the next pair is on the screen
  if (!open.length) {
    $('audit-item').hidden = true;
    return;
  }
  const item = open[0];
  const records = await api('GET', '/api/audits/' + encodeURIComponent(state.audit.auditId) + '/items/' + item.item);
  recordColumns($('audit-records'), records.left, records.right);
  $('audit-progress').textContent = 'Item ' + (done + 1) + ' of ' + state.items.length + ' · ' + done + ' answered';
  $('audit-progress-bar').max = state.items.length;
  $('audit-progress-bar').value = done;
  $('audit-item').dataset.item = item.item;
  state.item = item;
  $('audit-item').hidden = false;
  // Keys answer from here on, even if the button that started the audit was disabled with focus on it.
  if (!typing({ target: document.activeElement })) $('answer-match').focus();
}

async function answer(value) {
  const item = state.item;
  if (!item || $('audit-item').hidden) return;
  if (!state.steward) { askName(); return; }
  state.item = null; // a second key press while this answer is on its way must not answer again
  let summary;
  try {
    summary = await api('POST', '/api/audits/' + encodeURIComponent(state.audit.auditId) + '/items/' + item.item,
      { answer: value });
  } catch (e) {
    state.item = item;
    show(e.message, true);
    return;
  }
  item.answer = value;
  state.audit = summary;
  renderSummary(summary);
  if (summary.status === 'open') await nextItem().catch((e) => show(e.message, true));
  else {
    $('audit-item').hidden = true;
    show('Audit ' + summary.auditId + ' complete: its estimates are below and stored in ops.accuracy_audits.');
  }
}

$('answer-match').addEventListener('click', () => answer('match'));
$('answer-non-match').addEventListener('click', () => answer('non_match'));
$('answer-unsure').addEventListener('click', () => answer('unsure'));

$('audit-start-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!state.steward) { askName(); return; }
  const button = $('audit-start');
  button.disabled = true;
  show('Drawing a sample of ' + $('audit-size').value + ' pairs…');
  try {
    const summary = await api('POST', '/api/audits', { size: Number($('audit-size').value) });
    show('Audit ' + summary.auditId + ' started: ' + summary.size + ' pair(s) to judge.');
    await showAudit(summary);
  } catch (e) { show(e.message, true); } finally { button.disabled = false; }
});

$('audit-finish').addEventListener('click', async () => {
  if (!state.audit) return;
  try {
    const summary = await api('POST', '/api/audits/' + encodeURIComponent(state.audit.auditId) + '/finish', {});
    await showAudit(summary);
  } catch (e) { show(e.message, true); }
});

function estimateBox(title, e, id) {
  return el('div', { class: 'estimate', id },
    el('div', { text: title }),
    el('div', { class: 'value', text: e ? pct(e.value) : '–' }),
    el('div', { class: 'hint', text: e ? '95 % interval ' + pct(e.low) + ' – ' + pct(e.high)
      + ' · effective sample ' + fmt(e.effectiveSampleSize, 1) : 'not enough answers yet' }));
}

function renderSummary(s) {
  const box = $('audit-summary');
  if (!s) { box.replaceChildren(el('p', { class: 'hint', text: 'No audit yet.' })); return; }
  const strata = el('table', { class: 'data', id: 'audit-strata' },
    el('thead', {}, el('tr', {}, ['stratum', 'estimates', 'pairs in the lake', 'sampled', 'match', 'not a match', 'unsure']
      .map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, (s.strata || []).map((t) => el('tr', {},
      el('th', { scope: 'row', text: t.name }), el('td', { text: t.purpose }), el('td', { text: t.population }),
      el('td', { text: t.sampled }), el('td', { text: t.matches }), el('td', { text: t.nonMatches }), el('td', { text: t.unsure })))));
  box.replaceChildren(
    el('h3', { id: 'audit-heading', 'data-status': s.status,
      text: (s.status === 'complete' ? 'Audit ' : 'Audit in progress: ') + s.auditId }),
    el('p', { class: 'hint', text: 'Started by ' + s.startedBy + ' at ' + when(s.startedAt) + ' · ' + s.answered + ' of '
      + s.size + ' answered' + (s.completedAt ? ' · completed ' + when(s.completedAt) : '') }),
    el('div', { class: 'estimates', id: 'audit-estimates' },
      estimateBox('Precision', s.precision, 'estimate-precision'), estimateBox('Recall (among compared pairs)', s.recall, 'estimate-recall')),
    el('h4', { text: 'Strata' }), strata);
}

// ---------- keyboard ----------

document.addEventListener('keydown', (event) => {
  if (typing(event) || event.ctrlKey || event.metaKey || event.altKey || $('identify').open) return;
  const key = event.key.toLowerCase();
  if (state.screen === 'review' && !$('review-pair').hidden) {
    if (key === 'm') decide('match');
    else if (key === 'n') decide('non_match');
    else if (key === 's') skip();
    else return;
  } else if (state.screen === 'audit' && !$('audit-item').hidden) {
    if (key === 'm') answer('match');
    else if (key === 'n') answer('non_match');
    else if (key === 'u') answer('unsure');
    else return;
  } else return;
  event.preventDefault();
});

// ---------- start ----------

identify().then(route, (e) => { show(e.message, true); route(); });
