'use strict';
// The administration page (/admin/): what a user may change, by role. Owners: people and
// invites, and the settings; admins: the settings (the workspace file); agents see no
// administration at all (and the API refuses them with 403 anyway). Uses the inbox's
// session cookie; text is only ever set with textContent.
(function () {
  const $ = (id) => document.getElementById(id);
  const rank = { agent: 0, admin: 1, owner: 2 };
  let csrf = null;

  async function api(method, path, body, contentType) {
    const headers = {};
    if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
    const r = await fetch('/api/v1' + path, { method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)) });
    let answer = null;
    const type = r.headers.get('Content-Type') || '';
    if (type.startsWith('application/json')) { try { answer = await r.json(); } catch (e) { answer = null; } }
    else { answer = await r.text(); }
    return { status: r.status, body: answer };
  }

  async function loadUsers() {
    const r = await api('GET', '/users');
    const list = $('users');
    list.replaceChildren();
    for (const u of (r.body && r.body.items) || []) {
      const li = document.createElement('li');
      li.textContent = u.email + ' (' + u.role + ')';
      li.dataset.email = u.email;
      list.appendChild(li);
    }
  }

  async function loadConfig() {
    const r = await api('GET', '/workspace/config');
    $('config-text').value = r.status === 200 ? r.body : '';
    if (r.status !== 200) $('config-result').textContent = (r.body && r.body.error) || 'The workspace file could not be read.';
  }

  async function saveConfig() {
    $('config-save').disabled = true;
    const r = await api('PUT', '/workspace/config', $('config-text').value, 'application/yaml');
    $('config-save').disabled = false;
    const out = $('config-result');
    if (r.status === 200) {
      out.className = '';
      out.textContent = 'Saved and applied: ' + r.body.summary;
    } else {
      out.className = 'error';
      out.textContent = 'Not saved, nothing changed:\n' + ((r.body && (r.body.errors || []).join('\n')) || (r.body && r.body.error) || r.status);
    }
  }

  async function invite(event) {
    event.preventDefault();
    const r = await api('POST', '/invites', { email: $('invite-email').value, role: $('invite-role').value });
    $('invite-result').textContent = r.status === 201
      ? 'Send this link to ' + r.body.invite.email + ' (valid 7 days, once): ' + location.origin + r.body.url
      : ((r.body && r.body.error) || 'The invite failed.');
  }

  async function start() {
    const me = await api('GET', '/me');
    if (me.status !== 200) {
      $('admin-status').textContent = 'Log in on the inbox first.';
      return;
    }
    csrf = me.body.csrf_token;
    const role = me.body.user.role;
    $('admin-status').textContent = me.body.user.name + ' · ' + role + ' of ' + me.body.workspace;
    document.body.dataset.role = role;
    if (rank[role] < rank.admin) {
      $('admin-denied').hidden = false;
      return;
    }
    $('config-section').hidden = false;
    $('config-save').addEventListener('click', saveConfig);
    await loadConfig();
    if (rank[role] >= rank.owner) {
      $('team-section').hidden = false;
      $('invite-form').addEventListener('submit', invite);
      await loadUsers();
    }
  }

  start();
})();
