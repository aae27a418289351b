// The node's dashboard: polls this node's REST API every two seconds and draws the Ring, the
// fellowships, the apps and the containers; deploys an app; follows a member's log.
import * as api from './api.js';
import { drawRing } from './ring.js';

const POLL_MS = 2000;
const LOG_MAX = 200 * 1024;
const $ = (id) => document.getElementById(id);
const state = { node: null, members: [], fellowships: [], apps: [], containers: [], chosen: null, deploying: null };
let timer = null;
let drawn = '';
let stopLog = null;

function text(tag, content, cls) {
  const e = document.createElement(tag);
  e.textContent = content;
  if (cls) e.className = cls;
  return e;
}

function badge(label, st) {
  return text('span', label, 'badge ' + (st || 'UNKNOWN'));
}

function nameOf(nodeId) {
  const m = state.members.find((x) => x.id === nodeId);
  return m ? m.name : nodeId.slice(0, 12);
}

function showLogin(message) {
  clearTimeout(timer);
  $('dash').hidden = true;
  $('login').hidden = false;
  $('token-forget').hidden = true;
  $('status').textContent = 'not connected';
  $('token-error').textContent = message || '';
}

async function section(path, fallback) {
  try {
    return { ok: true, value: await api.get(path) };
  } catch (e) {
    if (e instanceof api.Unauthorized) throw e;
    return { ok: false, value: fallback, error: e.message };
  }
}

async function refresh() {
  try {
    const [node, ring, fellowships, apps, containers] = await Promise.all([
      section('/node', null), section('/ring/members', { members: [], version: 0 }), section('/fellowships', []),
      section('/apps', []), section('/containers', [])]);
    state.node = node.value;
    state.members = ring.value.members;
    state.fellowships = fellowships.value;
    state.apps = apps.value;
    state.containers = containers.value;
    $('login').hidden = true;
    $('dash').hidden = false;
    $('token-forget').hidden = false;
    $('node-name').textContent = state.node ? state.node.name + ' ' + state.node.shortId : '';
    $('ring-version').textContent = ring.ok ? 'view ' + ring.value.version + ', ' + state.members.length + ' members'
      : '(' + ring.error + ')';
    const problems = [node, ring, fellowships, apps, containers].filter((s) => !s.ok).map((s) => s.error);
    $('status').textContent = 'updated ' + new Date().toLocaleTimeString() + (problems.length ? ' — ' + problems.join('; ') : '');
    render();
    timer = setTimeout(refresh, POLL_MS);
  } catch (e) {
    if (e instanceof api.Unauthorized) {
      api.forgetToken();
      showLogin('The node refused that token: paste the one in data/ringfellow/api-token.');
    } else {
      $('status').textContent = 'the node did not answer: ' + e.message;
      timer = setTimeout(refresh, POLL_MS * 2);
    }
  }
}

function render() {
  // the ring is redrawn only when it changed, so a member stays clickable between polls
  const key = JSON.stringify([state.members, state.fellowships, state.chosen]);
  if (key !== drawn) {
    drawn = key;
    drawRing($('ring'), state.members, state.fellowships, state.chosen, (m) => {
    state.chosen = m.id;
    $('advert').textContent = JSON.stringify({ name: m.name, id: m.id, address: m.address, state: m.state,
      incarnation: m.incarnation, advert: m.advert }, null, 2);
    render();
  });
  }
  renderFellowships();
  renderApps();
  renderContainers();
  renderLogChoices();
}

function renderFellowships() {
  const box = $('fellowships');
  box.replaceChildren();
  if (!state.fellowships.length) box.appendChild(text('p', 'No fellowship on this node.', 'muted'));
  for (const f of state.fellowships) {
    const g = document.createElement('div');
    g.className = 'group';
    g.dataset.fellowship = f.id;
    g.appendChild(text('strong', f.id + ' '));
    g.appendChild(text('span', f.members.length + '/' + f.targetSize + ' members, epoch ' + f.epoch
      + (f.isCoordinator ? ', this node coordinates' : ''), 'muted'));
    const ul = document.createElement('ul');
    for (const m of f.members) {
      ul.appendChild(text('li', nameOf(m.node) + (m.node === f.coordinator ? ' (coordinator)' : '') + ' — ' + m.channel));
    }
    g.appendChild(ul);
    box.appendChild(g);
  }
}

function renderApps() {
  const body = $('apps').tBodies[0];
  body.replaceChildren();
  if (!state.apps.length) {
    const tr = document.createElement('tr');
    const td = text('td', 'No app deployed.', 'muted');
    td.colSpan = 4;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  for (const a of state.apps) {
    const tr = document.createElement('tr');
    tr.dataset.app = a.name;
    tr.dataset.state = a.state;
    tr.appendChild(text('td', a.name));
    tr.appendChild(text('td', a.version));
    const st = document.createElement('td');
    st.appendChild(badge(a.state, a.state));
    if (a.message) st.appendChild(text('div', a.message, 'muted'));
    tr.appendChild(st);
    const mem = document.createElement('td');
    for (const m of a.members) {
      const b = badge((m.nodeName || m.node.slice(0, 8)) + ': ' + (m.state || 'UNKNOWN'), m.state);
      b.dataset.member = m.node;
      b.title = m.message || '';
      mem.appendChild(b);
    }
    tr.appendChild(mem);
    body.appendChild(tr);
  }
  if (state.deploying) {
    const secs = Math.round((Date.now() - state.deploying.since) / 1000);
    const lines = ['deploying ' + state.deploying.what + ' … ' + secs + ' s'];
    for (const a of state.apps) {
      lines.push(a.name + ': ' + a.state + (a.message ? ' — ' + a.message : '') + ' ['
        + a.members.map((m) => (m.nodeName || m.node.slice(0, 8)) + ' ' + m.state).join(', ') + ']');
    }
    $('deploy-status').textContent = lines.join('\n');
  }
}

function renderContainers() {
  const byNode = new Map();
  const add = (node, row) => {
    if (!byNode.has(node)) byNode.set(node, new Map());
    byNode.get(node).set(row.id, row);
  };
  const self = state.node ? state.node.id : '';
  for (const c of state.containers) add(self, { id: c.id, driver: c.driver, state: c.state, what: c.imageName || c.image });
  for (const a of state.apps) {
    for (const m of a.members) {
      if (m.containerId && !(byNode.get(m.node) && byNode.get(m.node).has(m.containerId))) {
        add(m.node, { id: m.containerId, driver: m.driver, state: m.state, what: 'app ' + a.name });
      }
    }
  }
  const box = $('containers');
  box.replaceChildren();
  if (!byNode.size) box.appendChild(text('p', 'No container.', 'muted'));
  for (const [node, rows] of byNode) {
    const g = document.createElement('div');
    g.className = 'group';
    g.dataset.node = node;
    g.appendChild(text('strong', nameOf(node) + (node === self ? ' (this node)' : '')));
    const t = document.createElement('table');
    for (const r of rows.values()) {
      const tr = document.createElement('tr');
      tr.appendChild(text('td', r.id));
      tr.appendChild(text('td', r.driver || ''));
      const s = document.createElement('td');
      s.appendChild(badge(r.state, r.state));
      tr.appendChild(s);
      tr.appendChild(text('td', r.what || ''));
      t.appendChild(tr);
    }
    g.appendChild(t);
    box.appendChild(g);
  }
}

function renderLogChoices() {
  const appSel = $('log-app');
  const memberSel = $('log-member');
  const app = appSel.value;
  const names = state.apps.map((a) => a.name);
  if (names.join() !== [...appSel.options].map((o) => o.value).join()) {
    appSel.replaceChildren(...names.map((n) => new Option(n, n)));
    if (names.includes(app)) appSel.value = app;
  }
  const a = state.apps.find((x) => x.name === appSel.value);
  const members = a ? a.members.map((m) => m.node) : [];
  const had = memberSel.value;
  if (members.join() !== [...memberSel.options].map((o) => o.value).join()) {
    memberSel.replaceChildren(...(a ? a.members : []).map((m) => new Option(m.nodeName || m.node.slice(0, 12), m.node)));
    if (members.includes(had)) memberSel.value = had;
  }
}

function appendLog(line) {
  const pre = $('log');
  pre.textContent = (pre.textContent + line).slice(-LOG_MAX);
  pre.scrollTop = pre.scrollHeight;
}

async function deploy(ev) {
  ev.preventDefault();
  const url = $('deploy-url').value.trim();
  const file = $('deploy-file').files[0];
  if (!url && !file) {
    $('deploy-status').textContent = 'Give an mvn: URL or choose the app jar.';
    return;
  }
  $('deploy-go').disabled = true;
  state.deploying = { what: file ? file.name : url, since: Date.now() };
  $('deploy-status').textContent = 'deploying ' + state.deploying.what + ' …';
  try {
    const app = file ? await api.deployJar(file) : await api.deployUrl(url);
    state.deploying = null;
    $('deploy-status').textContent = 'App ' + app.name + ' is ' + app.state + ' on ' + app.members.length
      + ' member(s).' + (app.message ? ' ' + app.message : '');
    $('deploy-status').dataset.result = app.state;
  } catch (e) {
    state.deploying = null;
    if (e instanceof api.Unauthorized) {
      showLogin('The node refused the token.');
      return;
    }
    $('deploy-status').textContent = 'Deploy refused: ' + e.message;
    $('deploy-status').dataset.result = 'refused';
  } finally {
    $('deploy-go').disabled = false;
  }
}

function follow(ev) {
  ev.preventDefault();
  if (stopLog) stopLog();
  const app = $('log-app').value;
  if (!app) return;
  $('log').textContent = '';
  stopLog = api.followLog(app, $('log-member').value, (type, data) => {
    if (type === 'log') appendLog(data + '\n');
    else if (type === 'end') appendLog('[end: ' + data + ']\n');
    else if (type === 'error') appendLog('[error: ' + data + ']\n');
  });
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  try {
    api.setToken($('token').value);
    $('token').value = '';
    refresh();
  } catch (e) {
    $('token-error').textContent = e.message;
  }
});
$('token-forget').addEventListener('click', () => { api.forgetToken(); if (stopLog) stopLog(); showLogin(''); });
$('deploy-form').addEventListener('submit', deploy);
$('log-form').addEventListener('submit', follow);
$('log-stop').addEventListener('click', () => { if (stopLog) stopLog(); stopLog = null; });
$('log-app').addEventListener('change', renderLogChoices);

if (api.token()) refresh(); else showLogin('');
