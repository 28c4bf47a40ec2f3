// Canned replies and labels of the workspace, managed by its owners and admins (the API
// refuses agents with 403, shown here as it says). Text only, as in the inbox.
(() => {
  'use strict';
  const t = (key, values) => (window.SwitchboardI18n ? window.SwitchboardI18n.t(key, values) : key);
  const $ = (id) => document.getElementById(id);
  let csrf = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    const res = await fetch('/api/v1' + path, { method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const error = new Error((data && data.error) || `${res.status}`);
      error.status = res.status;
      throw error;
    }
    return data;
  }

  function fail(e) {
    $('manage-error').textContent = e.status === 401 ? t('reports.sign_in') : t('manage.failed', { reason: e.message });
  }

  async function refresh() {
    const [canned, labels] = await Promise.all([api('GET', '/canned-replies'), api('GET', '/labels')]);
    const none = () => el('li', {}, el('span', { class: 'hint' }, t('manage.none')));
    $('canned-items').replaceChildren(...(canned.items.length ? canned.items.map((c) => el('li', {},
      el('strong', {}, `/${c.shortcut}`), el('span', { class: 'grow' }, c.text),
      el('button', { type: 'button', class: 'secondary', 'data-kind': 'canned', 'data-id': c.id, 'aria-label': t('manage.delete', { name: `/${c.shortcut}` }) }, '×'))) : [none()]));
    $('label-items').replaceChildren(...(labels.items.length ? labels.items.map((l) => el('li', {},
      el('span', { class: `label label-${l.color || 'none'}` }, l.name), el('span', { class: 'grow' }),
      el('button', { type: 'button', class: 'secondary', 'data-kind': 'label', 'data-id': l.id, 'aria-label': t('manage.delete', { name: l.name }) }, '×'))) : [none()]));
  }

  async function run(action) {
    $('manage-error').textContent = '';
    try { await action(); await refresh(); } catch (e) { fail(e); }
  }

  async function init() {
    try {
      const me = await api('GET', '/me');
      csrf = me.csrf_token;
      await refresh();
    } catch (e) { fail(e); }
    $('canned-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run(async () => {
        await api('POST', '/canned-replies', { shortcut: $('canned-shortcut').value, text: $('canned-text').value });
        $('canned-shortcut').value = '';
        $('canned-text').value = '';
        $('canned-shortcut').focus();
      });
    });
    $('label-create-form').addEventListener('submit', (e) => {
      e.preventDefault();
      run(async () => {
        await api('POST', '/labels', { name: $('label-name').value, color: $('label-color').value || null });
        $('label-name').value = '';
        $('label-name').focus();
      });
    });
    document.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-kind]');
      if (!b) return;
      const path = b.dataset.kind === 'canned' ? '/canned-replies/' : '/labels/';
      run(() => api('DELETE', path + encodeURIComponent(b.dataset.id)));
    });
  }

  const start = () => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  };
  if (window.SwitchboardI18n) window.SwitchboardI18n.ready.then(start);
  else start();
})();
