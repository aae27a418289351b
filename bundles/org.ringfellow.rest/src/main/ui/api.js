// The node's REST API from the page: the operator's token, kept in this tab's session storage
// only, sent as a bearer token to this same origin. No other origin is ever called.
const KEY = 'ringfellow.api-token';
const TOKEN = /^[0-9a-f]{64}$/;

export class Unauthorized extends Error {}

export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(t) {
  const v = (t || '').trim();
  if (!TOKEN.test(v)) {
    throw new Error('a token is 64 hex digits (the file data/ringfellow/api-token), got ' + v.length + ' characters');
  }
  sessionStorage.setItem(KEY, v);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

async function call(method, path, body, type) {
  const headers = { Authorization: 'Bearer ' + token() };
  if (type) headers['Content-Type'] = type;
  const r = await fetch('/api/v1' + path, { method, headers, body, cache: 'no-store', credentials: 'omit' });
  if (r.status === 401) throw new Unauthorized('the node refused the token');
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  if (!r.ok) {
    const err = new Error(json && json.error ? json.error : r.status + ' ' + r.statusText);
    err.status = r.status;
    throw err;
  }
  return json;
}

export const get = (path) => call('GET', path);
export const deployUrl = (url) => call('POST', '/apps', JSON.stringify({ artifact: url }), 'application/json');
export const deployJar = (file) => call('POST', '/apps', file, 'application/java-archive');

// Follows a member's log as Server-Sent Events. EventSource cannot send a bearer token, so
// the stream is read with fetch and parsed here. onEvent(type, data, id); returns a stop function.
export function followLog(app, member, onEvent) {
  const ctl = new AbortController();
  const q = 'follow' + (member ? '&member=' + encodeURIComponent(member) : '');
  (async () => {
    try {
      const r = await fetch('/api/v1/apps/' + encodeURIComponent(app) + '/logs?' + q, {
        headers: { Authorization: 'Bearer ' + token(), Accept: 'text/event-stream' },
        signal: ctl.signal, cache: 'no-store', credentials: 'omit' });
      if (!r.ok) {
        const t = await r.text();
        let msg = r.status + '';
        try { msg = JSON.parse(t).error; } catch (e) { /* not JSON */ }
        onEvent('error', msg, null);
        return;
      }
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          let type = 'message', id = null;
          const data = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const v = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'event') type = v;
            else if (field === 'data') data.push(v);
            else if (field === 'id') id = v;
          }
          if (data.length) onEvent(type, data.join('\n'), id);
        }
      }
      onEvent('closed', 'the stream ended', null);
    } catch (e) {
      if (e.name !== 'AbortError') onEvent('error', String(e.message || e), null);
    }
  })();
  return () => ctl.abort();
}
