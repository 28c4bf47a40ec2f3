// The agents' inbox: plain JavaScript against the Inbox API v1 (docs/inbox-api.md).
//
// Rules kept throughout: data is only ever put into the page with textContent or as an
// attribute value (never parsed as HTML), the CSRF token lives in memory only and goes with
// every state-changing request, and the page is driven by keyboard as well as by mouse
// (Enter sends, Escape goes back to the list).
(() => {
  'use strict';

  /** A string of the page's language (web/i18n/); the key itself without the catalogue. */
  const t = (key, values) => (window.SwitchboardI18n ? window.SwitchboardI18n.t(key, values) : key);

  const API = '/api/v1';
  // Every EventKind of SwitchboardCore (WebPagesTests checks): an EventSource hears only
  // the event names it listens to.
  const EVENT_KINDS = [
    'received', 'duplicate', 'routed', 'unrouted', 'state_changed', 'verdict', 'plugin_error',
    'plugin_event', 'queued', 'attempt', 'retry_scheduled', 'sent', 'delivered', 'read', 'failed',
    'assigned', 'note', 'workspace_synced', 'contact_erased', 'content_expired', 'channel_state', 'contact_merged', 'message',
  ];

  // Extension points filled by inbox-tools.js: decorate(li, message), thread(answer), outsideWindow().
  const hooks = {};

  const state = {
    user: null,            // {id, email, role}
    workspace: null,
    csrf: null,            // kept in memory only
    conversations: [],
    nextCursor: null,
    contacts: new Map(),   // contact id -> Contact
    openId: null,
    thread: null,          // the last GET /conversations/{id} answer, with the older pages loaded
                           // since prepended to its messages and `older_cursor` (null: none older)
    events: null,          // the EventSource
    refreshTimer: null,
    refreshThread: false,
    listSeq: 0,
    threadSeq: 0,
    drafts: new Map(),     // conversation id -> unsent composer text
    users: new Map(),      // user id -> {id, email, role}, filled by tools.js (names of assignees)
  };

  // ---- DOM helpers: text only, never HTML

  /** An element with attributes (set as values, never parsed) and children (nodes or text). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (/^on/i.test(name)) throw new Error('event handler attributes are not allowed: ' + name);
      if (name === 'class') e.className = value;
      else if (name === 'text') e.textContent = String(value);
      else e.setAttribute(name, value === true ? '' : String(value));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  const $ = (id) => document.getElementById(id);

  function setText(id, text) { $(id).textContent = text || ''; }

  function formatTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    const now = new Date();
    const sameDay = d.toDateString() === now.toDateString();
    return sameDay
      ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
      : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  }

  function timeElement(iso) {
    return el('time', { datetime: iso || null, title: iso || null }, formatTime(iso));
  }

  // ---- The API

  class ApiError extends Error {
    constructor(status, message, code) {
      super(message);
      this.status = status;
      this.code = code || null;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    let res;
    try {
      res = await fetch(API + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiError(0, t('api.unreachable'));
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!res.ok) {
      const message = (data && typeof data.error === 'string' && data.error) || t('api.status', { status: res.status });
      const err = new ApiError(res.status, message, data && data.code);
      if (res.status === 401 && path !== '/login' && state.user) sessionEnded(t('login.session_ended'));
      throw err;
    }
    return data;
  }

  // ---- Rendering (pure: data in, nodes out; exported for tests)

  const STATUS = {
    queued: { mark: '◷', label: 'status.queued' },
    sending: { mark: '◷', label: 'status.sending' },
    sent: { mark: '✓', label: 'status.sent' },
    delivered: { mark: '✓✓', label: 'status.delivered' },
    read: { mark: '✓✓', label: 'status.read' },
    failed: { mark: '✗', label: 'status.failed' },
  };

  /** The delivery ticks of an outbound message: ◷ ✓ ✓✓ (blue when read) ✗ with the error. */
  function renderStatus(message) {
    const s = STATUS[message.status] || { mark: '?', label: String(message.status || 'unknown') };
    const wrap = el('span', { class: `status status-${message.status || 'unknown'}` });
    let label = t(s.label);
    if (message.status === 'failed') {
      const why = message.error_title || t('status.not_delivered');
      label = t('status.failed_because', { reason: why });
    }
    wrap.append(el('span', { class: 'tick', 'aria-hidden': 'true', title: label }, s.mark));
    if (message.status === 'failed') {
      const code = message.error_code ? ` (${message.error_code})` : '';
      wrap.append(el('span', { class: 'status-error' }, `${label}${code}`));
    } else {
      wrap.append(el('span', { class: 'visually-hidden' }, label));
    }
    return wrap;
  }

  function authorLabel(message) {
    if (message.direction === 'inbound' && message.kind !== 'note') return t('author.customer');
    if (state.user && message.author && (message.author === state.user.id || message.author === state.user.email)) return t('author.you');
    if (message.author) return userName(message.author);
    return message.kind === 'note' ? t('author.agent') : t('author.bot');
  }

  /** One message of a thread: inbound, outbound or an internal note, its text as text. */
  function renderMessage(message) {
    const isNote = message.kind === 'note';
    const side = isNote ? 'note' : (message.direction === 'inbound' ? 'in' : 'out');
    const li = el('li', { class: `msg msg-${side}`, 'data-id': message.id, 'data-status': message.status || null });
    if (isNote) li.append(el('span', { class: 'msg-label' }, t('message.note')));
    const hasText = typeof message.text === 'string' && message.text.length > 0;
    li.append(el('p', { class: hasText ? 'msg-text' : 'msg-text msg-kind' }, hasText ? message.text : `[${message.kind || 'message'}]`));
    if (hooks.decorate) hooks.decorate(li, message);   // media (inbox-tools.js)
    const footer = el('p', { class: 'msg-meta' }, el('span', { class: 'msg-author' }, authorLabel(message)), ' · ', timeElement(message.created_at));
    if (side === 'out') footer.append(' ', renderStatus(message));
    li.append(footer);
    return li;
  }

  /** How a contact is named: the profile name, else the number; a web chat visitor
   *  (`visitor:<id>`) by a short prefix of the id, which stays private. */
  function contactLabel(contact) {
    if (!contact) return t('contact.customer');
    if (contact.name) return contact.name;
    if (contact.profile_name) return contact.profile_name;
    const id = contact.e164 || '';
    if (id.startsWith('visitor:')) return t('contact.web_visitor', { id: id.slice(8, 14) });
    return id || t('contact.customer');
  }

  function contactName(contactId) {
    return contactLabel(state.contacts.get(contactId));
  }

  function assignedLabel(conversation) {
    if (!conversation.assigned_to) return t('assigned.none');
    if (state.user && conversation.assigned_to === state.user.id) return t('assigned.you');
    return t('assigned.to', { name: userName(conversation.assigned_to) });
  }

  /** A user's e-mail when the users list has it (tools.js loads it), else the id. */
  function userName(id) {
    const user = state.users.get(id);
    return user ? user.email : id;
  }

  /** The labels of a conversation as small chips (names as text). */
  function renderLabels(labels) {
    return (labels || []).map((l) => el('li', { class: `label label-${l.color || 'none'}`, 'data-label-id': l.id }, l.name));
  }

  /** One row of the conversation list: a button naming the customer, state and unread count. */
  function renderConversationItem(conversation, contact) {
    const name = contact ? contactLabel(contact) : contactName(conversation.contact_id);
    const unread = Number(conversation.unread) || 0;
    const button = el('button', {
      type: 'button',
      class: 'conv',
      'data-id': conversation.id,
      'aria-current': state.openId === conversation.id ? 'true' : null,
    });
    const top = el('span', { class: 'conv-top' },
      el('span', { class: 'conv-name' }, name),
      el('span', { class: `badge state-${conversation.state}` }, t(`state.${conversation.state}`)));
    if (unread > 0) top.append(el('span', { class: 'unread', title: t('list.unread_title', { n: unread }) }, String(unread), el('span', { class: 'visually-hidden' }, t('list.unread'))));
    const bottom = el('span', { class: 'conv-meta' },
      el('span', {}, assignedLabel(conversation)),
      el('span', {}, ` · ${conversation.channel || ''} · `),
      timeElement(conversation.updated_at || conversation.created_at));
    button.append(top, bottom);
    if (conversation.labels && conversation.labels.length) {
      button.append(el('span', { class: 'conv-labels' }, ...conversation.labels.map((l) => el('span', { class: `label label-${l.color || 'none'}` }, l.name))));
    }
    return el('li', {}, button);
  }

  // ---- Views

  function show(view) {
    $('loading').hidden = true;
    $('login-view').hidden = view !== 'login';
    $('app-view').hidden = view !== 'app';
  }

  function showLogin(message) {
    closeEvents();
    state.user = null;
    state.csrf = null;
    state.workspace = null;
    state.conversations = [];
    state.contacts.clear();
    state.openId = null;
    state.thread = null;
    state.drafts.clear();
    $('composer-text').value = '';
    $('conversation-list').replaceChildren();
    $('messages').replaceChildren();
    show('login');
    setText('login-error', message || '');
    const email = $('login-email');
    (email.value ? $('login-password') : email).focus();
  }

  function sessionEnded(message) {
    if (!state.user) return;
    showLogin(message);
  }

  function startSession(answer) {
    state.user = answer.user;
    state.workspace = answer.workspace;
    state.csrf = answer.csrf_token;
    setText('who', `${answer.user.email} · ${answer.workspace}`);
    show('app');
    document.dispatchEvent(new CustomEvent('sb:session', { detail: answer }));
    openEvents();
    loadList();
    loadChannels();
    route();
  }

  // ---- Channel health: admins see a banner while a channel of the workspace is down

  async function loadChannels() {
    const banner = $('channel-banner');
    const role = state.user && state.user.role;
    if (role !== 'admin' && role !== 'owner') { banner.hidden = true; return; }
    let answer;
    try { answer = await api('GET', '/channels'); } catch (e) { return; }
    const down = (answer.channels || []).filter((c) => c.down);
    if (down.length === 0) { banner.hidden = true; banner.textContent = ''; return; }
    banner.textContent = down.map((c) => {
      let line = `Channel ${c.id} (${c.type}) is ${c.state.replace('_', ' ')} since ${new Date(c.since).toLocaleString()}`;
      if (c.reason) line += `: ${c.reason}`;
      return line + '. Replies wait in the outbox until it is back.';
    }).join(' ');
    // A WhatsApp Web number waiting for its phone: the QR code to scan, and the code to type.
    for (const c of down) {
      if (!c.pairing) continue;
      const box = document.createElement('span');
      box.className = 'pairing';
      const how = document.createElement('span');
      how.textContent = `Link ${c.id}: on the business phone open WhatsApp > Settings > Linked devices > Link a device and scan this code.`;
      box.appendChild(how);
      if (c.pairing.qr_image && c.pairing.qr_image.startsWith('data:image/png;base64,')) {
        const img = document.createElement('img');
        img.src = c.pairing.qr_image;
        img.alt = `QR code to link ${c.id}`;
        img.width = 264;
        img.height = 264;
        box.appendChild(img);
      }
      if (c.pairing.pairing_code) {
        const code = document.createElement('span');
        code.textContent = `Or link with phone number instead, code ${c.pairing.pairing_code}`;
        box.appendChild(code);
      }
      banner.appendChild(box);
    }
    banner.hidden = false;
  }

  // ---- Login and logout

  async function onLogin(event) {
    event.preventDefault();
    const form = event.target;
    const body = {
      email: form.email.value.trim(),
      password: form.password.value,
      workspace: form.workspace.value.trim(),
    };
    if (!body.email || !body.password || !body.workspace) {
      setText('login-error', t('login.missing'));
      return;
    }
    setText('login-error', '');
    $('login-submit').disabled = true;
    try {
      const answer = await api('POST', '/login', body);
      form.password.value = '';
      startSession(answer);
      $('filter-state').focus();
    } catch (e) {
      if (e.status === 401) setText('login-error', t('login.wrong'));
      else if (e.status === 429) setText('login-error', t('login.too_many'));
      else setText('login-error', e.message);
      form.password.focus();
    } finally {
      $('login-submit').disabled = false;
    }
  }

  async function onLogout() {
    try { await api('POST', '/logout'); } catch (e) { /* the session is gone either way */ }
    history.replaceState(null, '', location.pathname);
    showLogin(t('login.signed_out'));
  }

  // ---- Live updates

  function openEvents() {
    closeEvents();
    const es = new EventSource(API + '/events');
    state.events = es;
    const live = $('live');
    es.onopen = () => { live.dataset.state = 'on'; live.textContent = t('top.live'); };
    es.onerror = () => {
      live.dataset.state = 'off';
      live.textContent = t('top.reconnecting');
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (a 401 or a server that is gone): check the session, retry.
        setTimeout(async () => {
          if (state.events !== es || !state.user) return;
          try { await api('GET', '/me'); openEvents(); } catch (e) { /* a 401 showed the login */ }
        }, 3000);
      }
    };
    const onEvent = (e) => {
      if (e.type === 'channel_state') { loadChannels(); return; }
      let data = null;
      try { data = JSON.parse(e.data); } catch (err) { data = null; }
      scheduleRefresh(data && data.conversation_id);
      document.dispatchEvent(new CustomEvent('sb:event', { detail: { kind: e.type, data } }));
    };
    for (const kind of EVENT_KINDS) es.addEventListener(kind, onEvent);
  }

  function closeEvents() {
    if (state.events) state.events.close();
    state.events = null;
    const live = $('live');
    live.dataset.state = 'off';
    live.textContent = t('top.offline');
  }

  /** Coalesces a burst of events into one refresh of the list (and of the open thread). */
  function scheduleRefresh(conversationId) {
    if (state.openId && (!conversationId || conversationId === state.openId)) state.refreshThread = true;
    if (state.refreshTimer) return;
    state.refreshTimer = setTimeout(() => {
      state.refreshTimer = null;
      const thread = state.refreshThread;
      state.refreshThread = false;
      loadList();
      if (thread && state.openId) loadThread(state.openId, { keepFocus: true });
    }, 150);
  }

  // ---- The conversation list

  /** The list's query; a refresh asks for as many rows as are shown (up to 100), so
   *  rows loaded with "Load more" do not vanish at the next event. */
  function listQuery(cursor) {
    const q = new URLSearchParams();
    const st = $('filter-state').value;
    const assigned = $('filter-assigned').value;
    const label = $('filter-label').value;
    if (st) q.set('state', st);
    if (assigned) q.set('assigned', assigned);
    if (label) q.set('label', label);
    q.set('limit', String(cursor ? 50 : Math.min(100, Math.max(50, state.conversations.length))));
    if (cursor) q.set('cursor', cursor);
    return '?' + q.toString();
  }

  async function loadList(more) {
    const seq = ++state.listSeq;
    try {
      const page = await api('GET', '/conversations' + listQuery(more ? state.nextCursor : null));
      if (seq !== state.listSeq) return;
      state.conversations = more ? state.conversations.concat(page.items) : page.items;
      state.nextCursor = page.next_cursor || null;
      setText('list-error', '');
      renderList();
      await ensureContacts(state.conversations.map((c) => c.contact_id));
      if (seq === state.listSeq) renderList();
    } catch (e) {
      if (seq === state.listSeq && e.status !== 401) setText('list-error', t('list.failed', { reason: e.message }));
    }
  }

  let contactsLoading = null;
  /** Fills the contact cache for names in the list: pages through /contacts until found. */
  async function ensureContacts(ids) {
    const missing = () => ids.filter((id) => id && !state.contacts.has(id));
    if (missing().length === 0) return;
    if (contactsLoading) { await contactsLoading; if (missing().length === 0) return; }
    contactsLoading = (async () => {
      let cursor = null;
      for (let page = 0; page < 20; page++) {
        const q = new URLSearchParams({ limit: '100' });
        if (cursor) q.set('cursor', cursor);
        const answer = await api('GET', '/contacts?' + q.toString());
        for (const c of answer.items) state.contacts.set(c.id, c);
        cursor = answer.next_cursor;
        if (!cursor || missing().length === 0) break;
      }
    })();
    try { await contactsLoading; } catch (e) { /* names fall back to "Customer" */ } finally { contactsLoading = null; }
  }

  function renderList() {
    const list = $('conversation-list');
    const focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest('#conversation-list')
      ? document.activeElement.dataset.id : null;
    list.replaceChildren(...state.conversations.map((c) => renderConversationItem(c)));
    $('list-empty').hidden = state.conversations.length > 0;
    $('list-more').hidden = !state.nextCursor;
    if (focusedId) {
      const again = list.querySelector(`button[data-id="${CSS.escape(focusedId)}"]`);
      if (again) again.focus();
    }
    const unread = state.conversations.reduce((n, c) => n + (Number(c.unread) || 0), 0);
    document.title = unread > 0 ? t('inbox.page_title_unread', { n: unread }) : t('inbox.page_title');
    document.dispatchEvent(new CustomEvent('sb:list', { detail: state.conversations }));
  }

  // ---- The thread

  function route() {
    const m = /^#\/c\/(.+)$/.exec(location.hash);
    const id = m ? decodeURIComponent(m[1]) : null;
    if (!state.user) return;
    if (id) {
      if (id !== state.openId) openThread(id);
    } else {
      closeThread();
    }
  }

  /** Keeps the composer's text with its conversation, so a draft never goes to another. */
  function stashDraft() {
    if (!state.openId) return;
    const text = $('composer-text').value;
    if (text) state.drafts.set(state.openId, text);
    else state.drafts.delete(state.openId);
  }

  function openThread(id) {
    const changed = state.openId !== id;
    if (changed) stashDraft();
    state.openId = id;
    document.body.classList.add('thread-open');
    $('thread-placeholder').hidden = true;
    $('thread').hidden = false;
    if (changed) {
      state.thread = null;
      $('thread-older').hidden = true;
      $('messages').replaceChildren();
      setText('thread-title', contactName((state.conversations.find((c) => c.id === id) || {}).contact_id));
      setText('thread-meta', '');
      setText('thread-error', '');
      setText('composer-error', '');
      $('composer-text').value = state.drafts.get(id) || '';
    }
    markCurrent();
    loadThread(id, { focus: true });
  }

  function closeThread() {
    stashDraft();
    const was = state.openId;
    state.openId = null;
    state.thread = null;
    document.body.classList.remove('thread-open');
    $('thread').hidden = true;
    $('thread-placeholder').hidden = false;
    markCurrent();
    if (was) {
      const button = $('conversation-list').querySelector(`button[data-id="${CSS.escape(was)}"]`);
      if (button) button.focus();
    }
  }

  function markCurrent() {
    for (const b of $('conversation-list').querySelectorAll('button.conv')) {
      if (b.dataset.id === state.openId) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
  }

  // Messages per page of a thread: the newest page first, older ones on demand.
  const THREAD_PAGE = 50;

  /** Whether a page of a thread leaves older messages to load. */
  function olderCursorOf(page) {
    return page.next_cursor && page.messages.length >= THREAD_PAGE ? page.next_cursor : null;
  }

  async function loadThread(id, options) {
    const seq = ++state.threadSeq;
    try {
      const answer = await api('GET', `/conversations/${encodeURIComponent(id)}?limit=${THREAD_PAGE}`);
      if (seq !== state.threadSeq || state.openId !== id) return;
      const prev = state.thread && state.thread.conversation && state.thread.conversation.id === id ? state.thread : null;
      const first = answer.messages[0];
      const at = prev && first ? prev.messages.findIndex((m) => m.id === first.id) : -1;
      if (at > 0) {
        // Older messages loaded before, still joined to the newest page: kept.
        answer.messages = prev.messages.slice(0, at).concat(answer.messages);
        answer.older_cursor = prev.older_cursor;
      } else {
        answer.older_cursor = olderCursorOf(answer);
      }
      state.thread = answer;
      if (answer.contact) state.contacts.set(answer.contact.id, answer.contact);
      renderThread(answer);
      if (options && options.focus) focusThread();
    } catch (e) {
      if (seq !== state.threadSeq || state.openId !== id) return;
      if (e.status === 404) setText('thread-error', t('thread.not_found'));
      else if (e.status !== 401) setText('thread-error', t('thread.failed', { reason: e.message }));
    }
  }

  /** Loads the page of messages before the oldest shown, keeping the reader's place. */
  async function loadOlder() {
    const id = state.openId;
    const thread = state.thread;
    if (!id || !thread || !thread.older_cursor) return;
    const button = $('thread-older');
    button.disabled = true;
    setText('thread-error', '');
    try {
      const page = await api('GET', `/conversations/${encodeURIComponent(id)}?limit=${THREAD_PAGE}&cursor=${encodeURIComponent(thread.older_cursor)}`);
      if (state.thread !== thread || state.openId !== id) return;
      const known = new Set(thread.messages.map((m) => m.id));
      thread.messages = page.messages.filter((m) => !known.has(m.id)).concat(thread.messages);
      thread.older_cursor = olderCursorOf(page);
      const list = $('messages');
      const fromBottom = list.scrollHeight - list.scrollTop;
      renderThread(thread);
      list.scrollTop = list.scrollHeight - fromBottom;
    } catch (e) {
      if (e.status !== 401) setText('thread-error', t('thread.older_failed', { reason: e.message }));
    } finally {
      button.disabled = false;
    }
  }

  function focusThread() {
    if (window.matchMedia('(min-width: 760px)').matches) $('composer-text').focus();
    else $('thread-title').focus();
  }

  function renderThread(answer) {
    const c = answer.conversation;
    const contact = answer.contact || state.contacts.get(c.contact_id);
    const name = contactLabel(contact);
    setText('thread-title', name);
    const meta = [];
    if (contact && contact.e164 && contact.e164.startsWith('+') && contact.e164 !== name) meta.push(contact.e164);
    meta.push(t('thread.state', { state: t(`state.${c.state}`) }), assignedLabel(c), c.channel || '');
    setText('thread-meta', meta.filter(Boolean).join(' · '));

    const mine = state.user && c.assigned_to === state.user.id;
    $('action-assign-me').hidden = mine;
    $('action-unassign').hidden = !c.assigned_to;
    $('action-handback').hidden = c.state !== 'human';
    $('action-resolve').hidden = c.state === 'resolved';
    $('action-reopen').hidden = c.state !== 'resolved';
    $('action-takeover').hidden = c.state !== 'bot';
    $('thread-labels').replaceChildren(...renderLabels(c.labels));

    $('thread-older').hidden = !answer.older_cursor;
    const list = $('messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren(...answer.messages.map(renderMessage));
    if (hooks.thread) hooks.thread(answer);   // templates when the window is closed (inbox-tools.js)
    if (atBottom || !list.dataset.rendered || list.dataset.rendered !== c.id) list.scrollTop = list.scrollHeight;
    list.dataset.rendered = c.id;
    document.dispatchEvent(new CustomEvent('sb:thread', { detail: answer }));
  }

  // ---- Actions

  async function conversationAction(path, body) {
    const id = state.openId;
    if (!id) return;
    setText('thread-error', '');
    try {
      const conversation = await api('POST', `/conversations/${encodeURIComponent(id)}/${path}`, body);
      if (state.thread && state.openId === id && conversation && conversation.id === id) {
        state.thread.conversation = conversation;
        renderThread(state.thread);
      }
      loadList();
    } catch (e) {
      if (e.status === 404) setText('thread-error', t('thread.not_found'));
      else if (e.status !== 401) setText('thread-error', e.message);
    }
  }

  async function onSend(event) {
    event.preventDefault();
    const id = state.openId;
    const area = $('composer-text');
    const text = area.value;
    const asNote = $('note-toggle').checked;
    if (!id) return;
    if (!text.trim()) {
      setText('composer-error', asNote ? t('composer.write_note') : t('composer.write_reply'));
      area.focus();
      return;
    }
    setText('composer-error', '');
    $('composer-error').classList.remove('window-error');
    $('composer-send').disabled = true;
    try {
      await api('POST', `/conversations/${encodeURIComponent(id)}/${asNote ? 'notes' : 'reply'}`, { text });
      if (area.value === text && state.openId === id) area.value = '';
      state.drafts.delete(id);
      loadThread(id);
      loadList();
    } catch (e) {
      if (e.status === 409 && e.code === 'outside_window') {
        $('composer-error').classList.add('window-error');
        setText('composer-error', t('composer.window_closed', { reason: e.message }));
        if (hooks.outsideWindow) hooks.outsideWindow();
      } else if (e.status === 400) {
        setText('composer-error', t('composer.not_sent', { reason: e.message }));
      } else if (e.status === 404) {
        setText('composer-error', t('composer.not_found'));
      } else if (e.status !== 401) {
        setText('composer-error', t('composer.not_sent', { reason: e.message }));
      }
    } finally {
      $('composer-send').disabled = false;
      area.focus();
    }
  }

  function updateComposerMode() {
    const note = $('note-toggle').checked;
    $('composer').classList.toggle('composer-note', note);
    $('composer-text').placeholder = note ? t('composer.note_placeholder') : t('composer.reply_placeholder');
    $('composer-send').textContent = note ? t('composer.add_note') : t('composer.send');
  }

  // ---- Wiring

  function init() {
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', onLogout);
    $('filters').addEventListener('change', () => { state.conversations = []; loadList(); });
    $('filters').addEventListener('submit', (e) => e.preventDefault());
    $('list-more').addEventListener('click', () => loadList(true));
    $('thread-older').addEventListener('click', () => loadOlder());
    $('conversation-list').addEventListener('click', (e) => {
      const button = e.target.closest('button.conv');
      if (!button) return;
      const target = '#/c/' + encodeURIComponent(button.dataset.id);
      if (location.hash === target) openThread(button.dataset.id);
      else location.hash = target;
    });
    $('back').addEventListener('click', () => { location.hash = '#/'; });
    $('action-assign-me').addEventListener('click', () => conversationAction('assign', { user_id: state.user.id }));
    $('action-unassign').addEventListener('click', () => conversationAction('assign', { user_id: null }));
    $('action-resolve').addEventListener('click', () => conversationAction('resolve'));
    $('action-reopen').addEventListener('click', () => conversationAction('reopen'));
    $('action-handback').addEventListener('click', () => conversationAction('handback'));
    $('action-takeover').addEventListener('click', () => conversationAction('takeover'));
    $('composer').addEventListener('submit', onSend);
    $('note-toggle').addEventListener('change', updateComposerMode);
    $('composer-text').addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        $('composer').requestSubmit();
      }
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && state.openId && !$('app-view').hidden) {
        e.preventDefault();
        location.hash = '#/';
      }
    });
    window.addEventListener('hashchange', route);
    updateComposerMode();

    api('GET', '/me').then(startSession, (e) => {
      if (e.status === 401) showLogin('');
      else if (e.status === 0) showLogin(e.message);
      else showLogin(t('login.check_failed', { reason: e.message }));
    });
  }

  // What this page shares with the scripts loaded after it: tools.js (canned replies,
  // labels, the contact panel, search, assignment, notifications) and inbox-tools.js
  // (templates and media, through `hooks`).
  window.SwitchboardInboxApp = Object.freeze({
    api, state, el, t, $, setText, contactLabel, userName, renderLabels, timeElement, loadList, hooks,
    reloadThread: () => { if (state.openId) loadThread(state.openId, { keepFocus: true }); },
    action: conversationAction,
  });

  // For tests and for the curious: the rendering functions (pure, text only).
  window.SwitchboardInbox = Object.freeze({ renderMessage, renderStatus, renderConversationItem });

  // The strings first (web/i18n/i18n.js), then the page.
  const start = () => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  };
  if (window.SwitchboardI18n) window.SwitchboardI18n.ready.then(start);
  else start();
})();
