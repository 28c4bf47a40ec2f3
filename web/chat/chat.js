// The web chat page a business links from its site: /chat/{workspace}.
//
// A visitor id is generated once per workspace (crypto.getRandomValues) and kept in
// localStorage; it is the visitor's only identity, so it is long and random. Messages go
// out with POST /chat/{workspace}/messages {"visitor","text","id"} (202; `id` is ours, so a
// retried POST is stored once); the conversation arrives on
// EventSource('/chat/{workspace}/events?visitor=ID') as `event: message` with
// {"id","direction","text","created_at"}: the history first, then each new message (the
// visitor's own too), dropped when its id is already shown. Text is only ever shown with
// textContent.
(() => {
  'use strict';

  /** A string of the page's language (web/i18n/); the key itself without the catalogue. */
  const t = (key, values) => (window.SwitchboardI18n ? window.SwitchboardI18n.t(key, values) : key);

  const HISTORY_LIMIT = 200;
  const VISITOR_PATTERN = /^[0-9a-f]{32}$/;

  const state = {
    workspace: null,
    visitor: null,
    messages: [],     // {id, direction, text, created_at, local?, pending?}
    events: null,
    localSeq: 0,
  };

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (/^on/i.test(name)) throw new Error('event handler attributes are not allowed: ' + name);
      if (name === 'class') e.className = value;
      else e.setAttribute(name, value === true ? '' : String(value));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  /** The workspace id from the page's address: /chat/{workspace}. */
  function workspaceFromPath(pathname) {
    const parts = pathname.split('/').filter(Boolean);
    const i = parts.lastIndexOf('chat');
    const raw = i >= 0 && i + 1 < parts.length ? parts[i + 1] : null;
    if (!raw) return null;
    let id;
    try { id = decodeURIComponent(raw); } catch (e) { return null; }
    return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
  }

  // ---- Storage (localStorage may be unavailable: private mode, blocked cookies)

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); return true; } catch (e) { return false; }
  }

  function newVisitorId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  /** This browser's visitor id for the workspace: made once, then read back. */
  function visitorId(workspace) {
    const key = `switchboard.chat.${workspace}.visitor`;
    const known = storageGet(key);
    if (known && VISITOR_PATTERN.test(known)) return known;
    const id = newVisitorId();
    storageSet(key, id);
    return id;
  }

  function historyKey() { return `switchboard.chat.${state.workspace}.history.${state.visitor}`; }

  function loadHistory() {
    const text = storageGet(historyKey());
    if (!text) return [];
    try {
      const list = JSON.parse(text);
      return Array.isArray(list)
        ? list.filter((m) => m && typeof m.text === 'string' && typeof m.id === 'string' && !m.pending)
        : [];
    } catch (e) {
      return [];
    }
  }

  function saveHistory() {
    const keep = state.messages.filter((m) => !m.pending).slice(-HISTORY_LIMIT)
      .map(({ id, direction, text, created_at }) => ({ id, direction, text, created_at }));
    storageSet(historyKey(), JSON.stringify(keep));
  }

  // ---- Rendering (pure; exported for tests)

  function formatTime(iso) {
    const d = new Date(iso);
    if (!iso || Number.isNaN(d.getTime())) return '';
    return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  }

  /** A picture or document the business sent (kept by the host, served to this visitor only). */
  function mediaOf(message) {
    if (message.direction !== 'outbound' || !message.id || (message.kind !== 'image' && message.kind !== 'document')) return null;
    const url = `/chat/${encodeURIComponent(state.workspace)}/media/${encodeURIComponent(message.id)}?visitor=${encodeURIComponent(state.visitor)}`;
    if (message.kind === 'image') {
      return el('a', { class: 'msg-media', href: url, target: '_blank', rel: 'noopener' },
        el('img', { class: 'msg-image', src: url, alt: message.text ? `Picture: ${message.text}` : 'Picture', loading: 'lazy' }));
    }
    return el('a', { class: 'msg-media msg-document', href: url, download: message.text || 'document' }, `Download ${message.text || 'document'}`);
  }

  /** One message: the visitor's own (inbound, from the business's side) or the business's. */
  function renderMessage(message) {
    const mine = message.direction === 'inbound';
    const li = el('li', { class: `msg ${mine ? 'msg-visitor' : 'msg-business'}`, 'data-id': message.id || null });
    li.append(el('span', { class: 'visually-hidden' }, mine ? t('chat.you') : t('chat.reply')));
    const media = mediaOf(message);
    if (media) li.append(media);
    if (!(media && message.kind === 'document')) li.append(el('p', { class: 'msg-text' }, String(message.text ?? '')));
    let meta = formatTime(message.created_at);
    if (message.pending) meta = t('chat.sending');
    if (message.failed) meta = t('chat.not_sent');
    li.append(el('p', { class: 'msg-meta' }, meta));
    return li;
  }

  function render() {
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren(...state.messages.map(renderMessage));
    $('chat-empty').hidden = state.messages.length > 0;
    if (atBottom || state.messages.length <= 1) list.scrollTop = list.scrollHeight;
    const last = list.lastElementChild;
    if (last && typeof last.scrollIntoView === 'function' && atBottom) last.scrollIntoView({ block: 'end' });
  }

  /** Adds a message from the server, once: by id, or by matching a pending one of ours. */
  function receive(message) {
    if (!message || typeof message.text !== 'string') return;
    const id = message.id == null ? null : String(message.id);
    if (id && state.messages.some((m) => m.id === id)) return;
    if (message.direction === 'inbound') {
      const mine = state.messages.find((m) => m.local && !m.failed && m.text === message.text);
      if (mine) {
        mine.id = id || mine.id;
        mine.local = false;
        mine.pending = false;
        mine.created_at = message.created_at || mine.created_at;
        saveHistory();
        render();
        return;
      }
    }
    state.messages.push({ id: id || `server:${state.messages.length}`, direction: message.direction, text: message.text, created_at: message.created_at });
    saveHistory();
    render();
  }

  // ---- Sending

  /** Posts once; null when the network failed. */
  async function post(body) {
    try {
      return await fetch(`/chat/${encodeURIComponent(state.workspace)}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      return null;
    }
  }

  /** Sends a message, retried once on a network error or a 5xx with the same client id
   *  (the server stores it once); false, with the reason shown, when it was not sent. */
  async function send(text) {
    const local = {
      id: `local:${++state.localSeq}`, local: true, pending: true,
      direction: 'inbound', text, created_at: new Date().toISOString(),
    };
    state.messages.push(local);
    render();
    const body = { visitor: state.visitor, text, id: newVisitorId() };
    let res = await post(body);
    if (!res || res.status >= 500) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      res = await post(body);
    }
    if (res && res.ok) {
      local.pending = false;
      try {
        const answer = await res.json();
        if (answer && answer.id != null && !state.messages.some((m) => m.id === String(answer.id))) {
          local.id = String(answer.id);
          local.local = false;
          if (answer.created_at) local.created_at = answer.created_at;
        }
      } catch (e) { /* 202 with no body */ }
      saveHistory();
      render();
      return true;
    }
    let why = t('chat.send_failed');
    if (res) {
      try {
        const answer = await res.json();
        if (answer && typeof answer.error === 'string') why = t('chat.not_sent_because', { reason: answer.error });
      } catch (e) { /* keep the general sentence */ }
      if (res.status === 429) why = t('chat.too_fast');
    }
    const i = state.messages.indexOf(local);
    if (i >= 0) state.messages.splice(i, 1);
    render();
    $('chat-error').textContent = why;
    return false;
  }

  async function onSubmit(event) {
    event.preventDefault();
    const area = $('chat-text');
    const text = area.value.trim();
    if (!text) { area.focus(); return; }
    $('chat-error').textContent = '';
    area.value = '';
    $('chat-send').disabled = true;
    const ok = await send(text);
    $('chat-send').disabled = false;
    if (!ok && !area.value) area.value = text;
    area.focus();
  }

  // ---- Replies

  function connect() {
    if (state.events) state.events.close();
    const url = `/chat/${encodeURIComponent(state.workspace)}/events?visitor=${encodeURIComponent(state.visitor)}`;
    const es = new EventSource(url);
    state.events = es;
    const status = $('chat-status');
    es.onopen = () => { status.textContent = t('chat.online'); status.dataset.state = 'on'; };
    es.onerror = () => {
      status.textContent = t('chat.reconnecting');
      status.dataset.state = 'off';
      if (es.readyState === EventSource.CLOSED) setTimeout(() => { if (state.events === es) connect(); }, 5000);
    };
    es.addEventListener('message', (e) => {
      let data = null;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      receive(data);
    });
  }

  function init() {
    state.workspace = workspaceFromPath(location.pathname);
    const status = $('chat-status');
    if (!state.workspace) {
      status.textContent = t('chat.bad_address');
      $('chat-send').disabled = true;
      $('chat-text').disabled = true;
      return;
    }
    state.visitor = visitorId(state.workspace);
    state.messages = loadHistory();
    render();
    $('composer').addEventListener('submit', onSubmit);
    $('chat-text').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        $('composer').requestSubmit();
      }
    });
    connect();
    $('chat-text').focus();
  }

  window.SwitchboardChat = Object.freeze({
    renderMessage,
    workspaceFromPath,
    visitorId: () => state.visitor,
  });

  // The strings first (web/i18n/i18n.js), then the page.
  const start = () => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  };
  if (window.SwitchboardI18n) window.SwitchboardI18n.ready.then(start);
  else start();
})();
