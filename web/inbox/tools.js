// The inbox's tools, beside inbox.js (which shares what they need as SwitchboardInboxApp):
// canned replies typed with "/" in the composer, labels (filter, chips, add and remove),
// the contact panel (name, number, labels, custom attributes, notes, conversations), the
// search box over the workspace's messages, assignment to any user of the workspace, and
// for conversations assigned to me an unread badge and desktop notifications.
//
// The same rules as inbox.js: text only (textContent and attribute values), every action
// by keyboard, the CSRF token through the shared `api`.
(() => {
  'use strict';

  const tools = {
    canned: [],           // [{id, shortcut, text}]
    labels: [],           // [{id, name, color}]
    picker: { open: false, items: [], index: 0 },
    contactId: null,      // the contact shown in the panel
    mine: new Set(),      // ids of conversations assigned to me (for notifications)
    mineUnread: 0,
  };

  function app() { return window.SwitchboardInboxApp; }

  // ---- Reference data: users, canned replies, labels (loaded at sign-in)

  async function loadReference() {
    const { api, state } = app();
    const [users, canned, labels] = await Promise.allSettled([api('GET', '/users'), api('GET', '/canned-replies'), api('GET', '/labels')]);
    if (users.status === 'fulfilled') {
      state.users.clear();
      for (const u of users.value.items) state.users.set(u.id, u);
    }
    if (canned.status === 'fulfilled') tools.canned = canned.value.items;
    if (labels.status === 'fulfilled') tools.labels = labels.value.items;
    renderLabelFilter();
    renderAssignOptions(state.thread && state.thread.conversation);
  }

  function renderLabelFilter() {
    const { el, t, $ } = app();
    const select = $('filter-label');
    const current = select.value;
    select.replaceChildren(el('option', { value: '' }, t('list.label_any')),
      ...tools.labels.map((l) => el('option', { value: l.id }, l.name)));
    select.value = tools.labels.some((l) => l.id === current) ? current : '';
  }

  // ---- Assignment to any user

  function renderAssignOptions(conversation) {
    const { el, t, $, state } = app();
    const select = $('assign-select');
    const users = Array.from(state.users.values());
    select.hidden = users.length === 0 || !conversation;
    if (select.hidden) return;
    select.replaceChildren(el('option', { value: '' }, t('thread.assign_choose')),
      ...users.map((u) => el('option', { value: u.id }, u.email)));
    select.value = conversation.assigned_to && state.users.has(conversation.assigned_to) ? conversation.assigned_to : '';
  }

  // ---- Canned replies: "/" at the start of the composer

  /** The shortcut prefix being typed ("/ord" gives "ord"), or null when not picking. */
  function cannedPrefix(text) {
    const m = /^\/([a-z0-9_-]*)$/i.exec(text);
    return m ? m[1].toLowerCase() : null;
  }

  function updatePicker() {
    const { el, t, $ } = app();
    const area = $('composer-text');
    const list = $('canned-list');
    const prefix = $('note-toggle').checked ? null : cannedPrefix(area.value);
    if (prefix === null) { closePicker(); return; }
    const items = tools.canned.filter((c) => c.shortcut.startsWith(prefix));
    tools.picker = { open: true, items, index: 0 };
    list.hidden = false;
    if (items.length === 0) {
      list.replaceChildren(el('li', { class: 'canned-none', role: 'option', 'aria-disabled': 'true', id: 'canned-none' }, t('canned.none', { prefix })));
      area.removeAttribute('aria-activedescendant');
      setText('canned-status', t('canned.none', { prefix }));
      return;
    }
    list.replaceChildren(...items.map((c, i) => el('li', {
      id: `canned-${c.id}`, class: 'canned-item', role: 'option', 'aria-selected': i === 0 ? 'true' : 'false', 'data-id': c.id,
    }, el('span', { class: 'canned-shortcut' }, `/${c.shortcut}`), ' ', el('span', { class: 'canned-text' }, c.text))));
    markActive();
    setText('canned-status', `${items.length} · ${t('canned.list')}`);
  }

  function setText(id, text) { app().setText(id, text); }

  function markActive() {
    const { $ } = app();
    const area = $('composer-text');
    const nodes = $('canned-list').querySelectorAll('.canned-item');
    nodes.forEach((n, i) => n.setAttribute('aria-selected', i === tools.picker.index ? 'true' : 'false'));
    const active = nodes[tools.picker.index];
    if (active) {
      area.setAttribute('aria-activedescendant', active.id);
      active.scrollIntoView({ block: 'nearest' });
    }
  }

  function closePicker() {
    const { $ } = app();
    tools.picker = { open: false, items: [], index: 0 };
    $('canned-list').hidden = true;
    $('canned-list').replaceChildren();
    $('composer-text').removeAttribute('aria-activedescendant');
  }

  function pick(index) {
    const { $ } = app();
    const item = tools.picker.items[index];
    if (!item) return;
    const area = $('composer-text');
    area.value = item.text;
    closePicker();
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  /** Keys while the picker is open: arrows move, Enter or Tab picks, Escape closes. Runs
   *  in the capture phase on the form, before inbox.js sends on Enter. */
  function onComposerKey(e) {
    if (!tools.picker.open || e.target.id !== 'composer-text') return;
    const n = tools.picker.items.length;
    if (e.key === 'ArrowDown' && n) { tools.picker.index = (tools.picker.index + 1) % n; markActive(); }
    else if (e.key === 'ArrowUp' && n) { tools.picker.index = (tools.picker.index + n - 1) % n; markActive(); }
    else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && n) pick(tools.picker.index);
    else if (e.key === 'Escape') closePicker();
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  // ---- Labels and the contact panel

  function renderThreadTools(answer) {
    const conversation = answer && answer.conversation;
    renderAssignOptions(conversation);
    if (!$id('contact-panel').hidden && answer.contact && answer.contact.id !== tools.contactId) loadContact(answer.contact.id);
    else if (!$id('contact-panel').hidden) renderPanelLabels(conversation);
  }

  function $id(id) { return document.getElementById(id); }

  function renderPanelLabels(conversation) {
    const { el, t, $ } = app();
    const list = $('contact-labels');
    const labels = (conversation && conversation.labels) || [];
    if (labels.length === 0) list.replaceChildren(el('li', { class: 'hint' }, t('contact.no_labels')));
    else {
      list.replaceChildren(...labels.map((l) => el('li', { class: `label label-${l.color || 'none'}` }, l.name, ' ',
        el('button', { type: 'button', class: 'label-remove', 'data-label-id': l.id, 'aria-label': t('contact.remove_label', { name: l.name }) }, '×'))));
    }
    const on = new Set(labels.map((l) => l.id));
    const free = tools.labels.filter((l) => !on.has(l.id));
    $('label-add').replaceChildren(...free.map((l) => el('option', { value: l.id }, l.name)));
    $('label-form').hidden = free.length === 0;
  }

  function toggleContact(open) {
    const { $, state } = app();
    const panel = $('contact-panel');
    const show = open === undefined ? panel.hidden : open;
    panel.hidden = !show;
    $('action-contact').setAttribute('aria-expanded', show ? 'true' : 'false');
    document.body.classList.toggle('contact-open', show);
    if (show && state.thread && state.thread.contact) {
      loadContact(state.thread.contact.id);
      $('contact-heading').setAttribute('tabindex', '-1');
      $('contact-heading').focus();
    } else if (!show) {
      tools.contactId = null;
      $('action-contact').focus();
    }
  }

  async function loadContact(id) {
    const { api, el, t, $, contactLabel, timeElement, state } = app();
    tools.contactId = id;
    setText('contact-error', '');
    setText('contact-saved', '');
    try {
      const detail = await api('GET', `/contacts/${encodeURIComponent(id)}`);
      if (tools.contactId !== id) return;
      const contact = detail.contact;
      state.contacts.set(contact.id, contact);
      setText('contact-heading', contactLabel(contact));
      const number = contact.e164 && contact.e164.startsWith('+') ? contact.e164 : '';
      setText('contact-number', [number, contact.profile_name && contact.profile_name !== contact.name ? contact.profile_name : ''].filter(Boolean).join(' · '));
      $('contact-name').value = detail.profile.name || '';
      $('contact-attributes').value = Object.entries(detail.profile.attributes).sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}: ${v}`).join('\n');
      const notes = $('contact-notes');
      if (detail.notes.length === 0) notes.replaceChildren(el('li', { class: 'hint' }, t('contact.no_notes')));
      else notes.replaceChildren(...detail.notes.map((n) => el('li', { class: 'contact-note' },
        el('p', { class: 'note-text' }, n.text), el('p', { class: 'meta' }, app().userName(n.author), ' · ', timeElement(n.created_at)))));
      $('contact-conversations').replaceChildren(...detail.conversations.map((c) => el('li', {},
        el('a', { href: '#/c/' + encodeURIComponent(c.id), 'aria-current': state.openId === c.id ? 'true' : null },
          `${c.channel} · ${t(`state.${c.state}`)}`), ' ', timeElement(c.updated_at))));
      renderPanelLabels(state.thread && state.thread.conversation);
    } catch (e) {
      if (e.status !== 401) setText('contact-error', t('contact.failed', { reason: e.message }));
    }
  }

  /** "name: value" lines as an object; throws the number of a line that is not one. */
  function parseAttributes(text) {
    const out = {};
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      const at = line.indexOf(':');
      if (at <= 0) throw i + 1;
      out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return out;
  }

  async function saveContact(event) {
    event.preventDefault();
    const { api, t, $, state } = app();
    const id = tools.contactId;
    if (!id) return;
    setText('contact-error', '');
    setText('contact-saved', '');
    let attributes;
    try { attributes = parseAttributes($('contact-attributes').value); } catch (line) {
      setText('contact-error', t('contact.bad_attribute', { line }));
      $('contact-attributes').focus();
      return;
    }
    try {
      await api('PATCH', `/contacts/${encodeURIComponent(id)}`, { name: $('contact-name').value, attributes });
      setText('contact-saved', t('contact.saved'));
      await loadContact(id);
      app().loadList();
      if (state.thread) app().reloadThread();
    } catch (e) {
      if (e.status !== 401) setText('contact-error', t('contact.not_saved', { reason: e.message }));
    }
  }

  async function addNote(event) {
    event.preventDefault();
    const { api, t, $ } = app();
    const area = $('contact-note-text');
    if (!tools.contactId || !area.value.trim()) { area.focus(); return; }
    try {
      await api('POST', `/contacts/${encodeURIComponent(tools.contactId)}/notes`, { text: area.value });
      area.value = '';
      await loadContact(tools.contactId);
      area.focus();
    } catch (e) {
      if (e.status !== 401) setText('contact-error', t('contact.not_saved', { reason: e.message }));
    }
  }

  async function labelAction(method, path, body) {
    const { api, t, state } = app();
    const id = state.openId;
    if (!id) return;
    try {
      const conversation = await api(method, `/conversations/${encodeURIComponent(id)}/labels${path}`, body);
      if (state.thread && state.openId === id) {
        state.thread.conversation = conversation;
        app().reloadThread();
        renderPanelLabels(conversation);
      }
      app().loadList();
    } catch (e) {
      if (e.status !== 401) setText('contact-error', t('contact.not_saved', { reason: e.message }));
    }
  }

  // ---- Search over the workspace's messages

  async function search(event) {
    event.preventDefault();
    const { api, el, t, $, timeElement } = app();
    const q = $('search-q').value.trim();
    if (!q) { closeSearch(); return; }
    $('search-results').hidden = false;
    setText('search-error', '');
    try {
      const answer = await api('GET', `/search?limit=50&q=${encodeURIComponent(q)}`);
      $('search-list').replaceChildren(...answer.items.map((m) => el('li', {},
        el('a', { class: 'search-hit', href: '#/c/' + encodeURIComponent(m.conversation_id), 'data-conversation-id': m.conversation_id },
          el('span', { class: 'search-text' }, m.text || `[${m.kind}]`), el('span', { class: 'meta' }, ' · ', timeElement(m.created_at))))));
      $('search-empty').hidden = answer.items.length > 0;
    } catch (e) {
      if (e.status !== 401) setText('search-error', t('search.failed', { reason: e.message }));
    }
  }

  function closeSearch() {
    const { $ } = app();
    $('search-results').hidden = true;
    $('search-list').replaceChildren();
    $('search-q').value = '';
    $('search-q').focus();
  }

  // ---- Mine: unread badge and desktop notifications

  async function refreshMine() {
    const { api, t, $, state } = app();
    if (!state.user) return;
    try {
      const page = await api('GET', '/conversations?assigned=me&limit=100');
      tools.mine = new Set(page.items.map((c) => c.id));
      tools.mineUnread = page.items.reduce((n, c) => n + (Number(c.unread) || 0), 0);
      const badge = $('my-unread');
      badge.hidden = tools.mineUnread === 0;
      badge.textContent = t('top.my_unread', { n: tools.mineUnread });
      if (navigator.setAppBadge) navigator.setAppBadge(tools.mineUnread).catch(() => {});
    } catch (e) { /* the badge waits for the next event */ }
  }

  let mineTimer = null;
  function scheduleMine() {
    if (mineTimer) return;
    mineTimer = setTimeout(() => { mineTimer = null; refreshMine(); }, 300);
  }

  /** Whether the conversation is assigned to me: by the last count, or as the page shows it
   *  now (an assignment made a moment ago). */
  function isMine(id) {
    const { state } = app();
    if (tools.mine.has(id)) return true;
    const me = state.user && state.user.id;
    const shown = state.conversations.find((c) => c.id === id) || (state.thread && state.thread.conversation);
    return Boolean(me && shown && shown.id === id && shown.assigned_to === me);
  }

  function onEvent(e) {
    const { kind, data } = e.detail || {};
    scheduleMine();
    if (kind !== 'received' || !data || !isMine(data.conversation_id)) return;
    const { state, t, contactLabel } = app();
    if (!document.hidden && state.openId === data.conversation_id) return;
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const conversation = state.conversations.find((c) => c.id === data.conversation_id);
    const name = contactLabel(conversation && state.contacts.get(conversation.contact_id));
    const note = new Notification(t('notify.title', { name }), { body: t('notify.body'), tag: data.conversation_id });
    note.onclick = () => { window.focus(); location.hash = '#/c/' + encodeURIComponent(data.conversation_id); note.close(); };
  }

  function showNotifyButton() {
    const { $ } = app();
    $('notify-enable').hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  // ---- Wiring

  function onSession(e) {
    const { $ } = app();
    const role = e.detail && e.detail.user && e.detail.user.role;
    const manager = role === 'owner' || role === 'admin';
    $('nav-reports').hidden = !manager;
    $('nav-manage').hidden = !manager;
    showNotifyButton();
    loadReference();
    refreshMine();
  }

  function init() {
    const { $, state } = app();
    document.addEventListener('sb:session', onSession);
    document.addEventListener('sb:thread', (e) => renderThreadTools(e.detail));
    document.addEventListener('sb:event', onEvent);
    document.addEventListener('sb:list', scheduleMine);
    $('composer').addEventListener('keydown', onComposerKey, true);
    $('composer-text').addEventListener('input', updatePicker);
    $('note-toggle').addEventListener('change', updatePicker);
    $('composer-text').addEventListener('blur', () => setTimeout(() => {
      if (document.activeElement !== $('composer-text')) closePicker();
    }, 150));
    $('canned-list').addEventListener('mousedown', (e) => e.preventDefault());
    $('canned-list').addEventListener('click', (e) => {
      const li = e.target.closest('.canned-item');
      if (li) pick(tools.picker.items.findIndex((c) => c.id === li.dataset.id));
    });
    $('assign-select').addEventListener('change', (e) => {
      if (e.target.value) app().action('assign', { user_id: e.target.value });
    });
    $('action-contact').addEventListener('click', () => toggleContact());
    $('contact-close').addEventListener('click', () => toggleContact(false));
    $('contact-panel').addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); toggleContact(false); }
    });
    $('contact-form').addEventListener('submit', saveContact);
    $('contact-note-form').addEventListener('submit', addNote);
    $('label-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const id = $('label-add').value;
      if (id) labelAction('POST', '', { label_id: id });
    });
    $('contact-labels').addEventListener('click', (e) => {
      const b = e.target.closest('button.label-remove');
      if (b) labelAction('DELETE', '/' + encodeURIComponent(b.dataset.labelId));
    });
    $('search-form').addEventListener('submit', search);
    $('search-close').addEventListener('click', closeSearch);
    $('notify-enable').addEventListener('click', async () => {
      try { await Notification.requestPermission(); } catch (e) { /* older browsers: callback form */ }
      showNotifyButton();
    });
    window.addEventListener('hashchange', () => { if (!state.openId && !$('contact-panel').hidden) toggleContact(false); });
  }

  // For tests: what the tools hold (the conversations assigned to me, their unread count).
  window.SwitchboardInboxTools = Object.freeze({ mine: () => Array.from(tools.mine), mineUnread: () => tools.mineUnread });

  const start = () => {
    if (!window.SwitchboardInboxApp) return;
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  };
  // inbox.js starts once the strings are there; so do the tools, listening before it signs in.
  if (window.SwitchboardI18n) window.SwitchboardI18n.ready.then(start);
  else start();
})();
