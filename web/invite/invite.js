'use strict';
// The invite page (/invite/TOKEN): shows who is invited where, lets them choose a
// password (POST /api/v1/invite/TOKEN/accept), logs them in and opens the inbox; an owner
// opens the setup walk of the business instead (/setup/: name, channel, FAQ, hours, team).
// Text is only ever set with textContent.
(function () {
  const token = decodeURIComponent(location.pathname.split('/').pop() || '');
  const $ = (id) => document.getElementById(id);
  let invite = null;

  async function json(response) {
    try { return await response.json(); } catch (e) { return {}; }
  }

  async function load() {
    const r = await fetch('/api/v1/invite/' + encodeURIComponent(token), { credentials: 'same-origin' });
    const body = await json(r);
    if (!r.ok) {
      $('invite-status').textContent = body.error || 'This invite cannot be used.';
      return;
    }
    invite = body;
    $('invite-status').textContent = 'You are invited to ' + body.workspace_name + ' as ' + body.role + '.';
    $('invite-email').textContent = body.email;
    $('invite-form').hidden = false;
    $('invite-password').focus();
  }

  async function submit(event) {
    event.preventDefault();
    const password = $('invite-password').value;
    if (password.length < 8) { $('invite-error').textContent = 'The password needs 8 characters or more.'; return; }
    if (password !== $('invite-confirm').value) { $('invite-error').textContent = 'The two passwords differ.'; return; }
    $('invite-submit').disabled = true;
    $('invite-error').textContent = '';
    const accept = await fetch('/api/v1/invite/' + encodeURIComponent(token) + '/accept', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ password: password }),
    });
    if (!accept.ok) {
      $('invite-error').textContent = (await json(accept)).error || 'The invite could not be accepted.';
      $('invite-submit').disabled = false;
      return;
    }
    const login = await fetch('/api/v1/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
      body: JSON.stringify({ email: invite.email, password: password, workspace: invite.workspace }),
    });
    if (!login.ok) {
      $('invite-error').textContent = 'Your password is set; log in on the inbox page.';
    }
    location.assign(login.ok && invite.role === 'owner' ? '/setup/' : '/inbox/');
  }

  $('invite-form').addEventListener('submit', submit);
  load();
})();
