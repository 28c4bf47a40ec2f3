'use strict';
// The setup walk of a new business (/setup/): an owner lands here from the invite link.
// Steps: the business's name and time zone, its channels, the FAQ (with "try a
// question"), handoff hours, inviting the team. Each save is an edit of the workspace's
// file through the API (GET/PUT /api/v1/workspace/setup/..., the same write and reload as
// PUT /api/v1/workspace/config); progress (done or skipped) is kept by the server, so the
// walk resumes where it was left, on any device. Text is only ever set with textContent.
(() => {
  const t = (key, values) => (window.SwitchboardI18n ? window.SwitchboardI18n.t(key, values) : key);
  const $ = (id) => document.getElementById(id);
  const STEP_KEYS = { business: 'setup.step.business', channel: 'setup.step.channel', faq: 'setup.step.faq',
    handoff: 'setup.step.handoff', team: 'setup.step.team' };
  let csrf = null;
  let role = 'agent';
  let state = null;
  let current = null;

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
    let res;
    try {
      res = await fetch('/api/v1' + path, { method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      return { status: 0, body: { error: t('setup.offline') } };
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    return { status: res.status, body: data };
  }

  /** The error of a refused save: the file's errors (422) or the API's sentence. */
  function problem(r) {
    const b = r.body || {};
    if (Array.isArray(b.errors) && b.errors.length) return t('setup.refused', { errors: b.errors.join('\n') });
    return b.error || t('setup.failed', { status: r.status });
  }

  function steps() { return state ? state.steps : []; }

  function renderProgress() {
    const list = $('setup-steps');
    list.replaceChildren();
    steps().forEach((step, i) => {
      const status = state.progress[step];
      const label = t('setup.step_label', { n: i + 1, name: t(STEP_KEYS[step]),
        state: status === 'done' ? t('setup.state.done') : status === 'skipped' ? t('setup.state.skipped') : t('setup.state.todo') });
      const b = el('button', { type: 'button', 'data-step': step, 'data-state': status || 'todo' }, label);
      if (step === current) b.setAttribute('aria-current', 'step');
      b.addEventListener('click', () => go(step));
      list.append(el('li', {}, b));
    });
    const done = steps().filter((s) => state.progress[s]).length;
    $('setup-status').textContent = t('setup.status', { name: state.name || state.workspace, done, total: steps().length });
  }

  function firstOpen() { return steps().find((s) => !state.progress[s]) || 'done'; }

  async function go(step) {
    current = step;
    for (const s of document.querySelectorAll('.step')) s.hidden = s.id !== 'step-' + step;
    renderProgress();
    if (step === 'business') fillBusiness();
    if (step === 'channel') await loadChannels();
    if (step === 'faq') fillFAQ();
    if (step === 'handoff') $('handoff-hours').value = state.handoff.hours || '';
    if (step === 'team') fillTeam();
    const heading = $(step + '-title');
    if (heading) heading.focus();
  }

  async function refresh() {
    const r = await api('GET', '/workspace/setup');
    if (r.status !== 200) throw new Error(problem(r));
    state = r.body;
  }

  async function next() {
    await refresh();
    const i = steps().indexOf(current);
    const later = steps().slice(i + 1).find((s) => !state.progress[s]);
    await go(later || firstOpen());
  }

  async function mark(step, value) {
    const r = await api('POST', '/workspace/setup/progress', { step, state: value });
    if (r.status !== 200) { $(step + '-error').textContent = problem(r); return false; }
    return true;
  }

  // -- Business
  function fillBusiness() {
    $('business-name').value = state.name || '';
    $('business-timezone').value = state.timezone || '';
    const zones = (Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : []);
    if (!$('timezones').children.length) $('timezones').replaceChildren(...zones.map((z) => el('option', { value: z })));
  }

  async function saveBusiness(event) {
    event.preventDefault();
    $('business-error').textContent = '';
    const name = $('business-name').value.trim();
    if (!name) { $('business-error').textContent = t('setup.business.name_missing'); $('business-name').focus(); return; }
    const r = await api('PUT', '/workspace/setup/business', { name, timezone: $('business-timezone').value.trim() });
    if (r.status !== 200) { $('business-error').textContent = problem(r); return; }
    await next();
  }

  // -- Channels
  function channelHelp(c) {
    const help = { whatsapp: 'setup.channel.whatsapp', whatsapp_web: 'setup.channel.whatsapp_web',
      telegram: 'setup.channel.telegram', webchat: 'setup.channel.webchat' }[c.type];
    return help ? t(help) : t('setup.channel.other');
  }

  async function loadChannels() {
    $('channel-error').textContent = '';
    const [r, own] = await Promise.all([api('GET', '/channels'), api('GET', '/workspace/setup/channels')]);
    if (r.status !== 200) { $('channel-error').textContent = problem(r); return; }
    const mine = {};
    if (own.status === 200) {
      for (const c of own.body.channels) mine[c.id] = c;
      fillApps(own.body.apps || []);
      fillGateways(own.body.gateways || []);
    }
    const list = $('channel-list');
    list.replaceChildren();
    for (const c of r.body.channels) {
      const status = c.down ? t('setup.channel.down', { reason: c.reason || c.state }) : t('setup.channel.up', { state: c.state });
      const li = el('li', { 'data-channel': c.id, 'data-type': c.type },
        el('strong', {}, c.id + ' (' + c.type + ')'), ' · ', el('span', { class: 'channel-state' }, status),
        el('p', { class: 'hint' }, channelHelp(c)));
      const m = mine[c.id];
      if (m) li.append(el('p', { class: 'own' }, t('setup.channel.own', { token: m.access_token || m.api_key || '' })));
      if (c.type === 'webchat') {
        const url = location.origin + '/chat/' + encodeURIComponent(state.workspace);
        li.append(el('p', {}, t('setup.channel.webchat_link')), el('pre', { class: 'chat-snippet' },
          url + '\n<a href="' + url + '">' + t('setup.channel.webchat_anchor') + '</a>'));
      }
      if (c.pairing && c.pairing.qr_image) {
        li.append(el('img', { src: c.pairing.qr_image, alt: t('setup.channel.qr_alt'), width: 220, height: 220 }));
      }
      if (c.pairing && c.pairing.pairing_code) li.append(el('p', {}, t('setup.channel.pairing_code', { code: c.pairing.pairing_code })));
      list.append(li);
    }
    $('channel-none').hidden = r.body.channels.length > 0;
  }

  // -- Connecting a channel (written to the workspace's file, started at once)
  // The gateways the operator allows (whatsapp_web.workspace_gateways): offered in the
  // address field, and filled in when there is just one.
  function fillGateways(gateways) {
    $('connect-gateways').replaceChildren(...gateways.map((g) => el('option', { value: g })));
    if (gateways.length === 1 && !$('connect-base').value) $('connect-base').value = gateways[0];
  }

  function fillApps(apps) {
    const select = $('connect-app');
    if (select.options.length === apps.length && apps.every((a, i) => select.options[i].value === a.id)) return;
    select.replaceChildren(...apps.map((a) => el('option', { value: a.id }, a.id)));
    showAppHint(apps);
    select.onchange = () => showAppHint(apps);
  }

  function showAppHint(apps) {
    const app = apps.find((a) => a.id === $('connect-app').value);
    $('connect-app-hint').textContent = app ? t('setup.connect.app_hint', { url: location.origin + app.webhook_path }) : t('setup.connect.no_app');
  }

  function connectType() {
    const checked = document.querySelector('input[name="connect-type"]:checked');
    return checked ? checked.value : 'whatsapp';
  }

  function showConnectType() {
    const type = connectType();
    $('connect-cloud').hidden = type !== 'whatsapp';
    $('connect-web').hidden = type !== 'whatsapp_web';
  }

  async function connectChannel(event) {
    event.preventDefault();
    $('connect-error').textContent = '';
    $('connect-done').textContent = '';
    const type = connectType();
    const fields = {
      whatsapp: [['connect-number', 'phone_number_id', true], ['connect-token', 'access_token', true], ['connect-waba', 'waba_id', false], ['connect-app', 'app', false]],
      whatsapp_web: [['connect-base', 'base_url', true], ['connect-key', 'api_key', true], ['connect-instance', 'instance', false]],
    }[type] || [];
    const body = { type };
    for (const [id, key, required] of fields) {
      const value = ($(id).value || '').trim();
      if (required && !value) {
        const label = document.querySelector('label[for="' + id + '"]');
        $('connect-error').textContent = t('setup.connect.missing', { field: label ? label.textContent : key });
        $(id).focus();
        return;
      }
      if (value) body[key] = value;
    }
    const button = $('connect-submit');
    button.disabled = true;
    $('connect-done').textContent = t('setup.connect.working');
    const r = await api('POST', '/workspace/setup/channels', body);
    button.disabled = false;
    if (r.status !== 201) {
      $('connect-done').textContent = '';
      $('connect-error').textContent = problem(r);
      return;
    }
    $('connect-token').value = '';
    $('connect-key').value = '';
    const id = r.body.channel.id;
    $('connect-done').textContent = t({ whatsapp: 'setup.connect.done', whatsapp_web: 'setup.connect.done_web' }[type] || 'setup.connect.done_chat', { id });
    state.progress.channel = 'done';
    renderProgress();
    await loadChannels();
  }

  // -- FAQ
  function entryBox(entry, index) {
    const n = index + 1;
    const box = el('fieldset', { class: 'entry', 'data-id': entry.id || '' },
      el('legend', {}, t('setup.faq.entry', { n })));
    const q = el('textarea', { id: 'faq-q-' + n, rows: 3, class: 'faq-questions' });
    q.value = (entry.questions || []).join('\n');
    const a = el('textarea', { id: 'faq-a-' + n, rows: 3, class: 'faq-answer' });
    a.value = entry.answer || '';
    const remove = el('button', { type: 'button', class: 'faq-remove' }, t('setup.faq.remove', { n }));
    remove.addEventListener('click', () => { box.remove(); renumber(); });
    box.append(el('label', { for: q.id }, t('setup.faq.questions')), q, el('label', { for: a.id }, t('setup.faq.answer')), a, remove);
    return box;
  }

  function renumber() {
    const boxes = [...$('faq-entries').querySelectorAll('.entry')];
    const entries = boxes.map(readEntry);
    $('faq-entries').replaceChildren(...entries.map(entryBox));
  }

  function readEntry(box) {
    return { id: box.dataset.id, questions: box.querySelector('.faq-questions').value.split('\n').map((s) => s.trim()).filter(Boolean),
      answer: box.querySelector('.faq-answer').value.trim() };
  }

  function fillFAQ() {
    const entries = state.faq.entries.length ? state.faq.entries : [{ questions: [], answer: '' }];
    $('faq-entries').replaceChildren(...entries.map(entryBox));
    $('faq-from-file').hidden = !state.faq.from_file;
    $('faq-form').hidden = !!state.faq.from_file;
  }

  async function saveFAQ(event) {
    event.preventDefault();
    $('faq-error').textContent = '';
    const entries = [...$('faq-entries').querySelectorAll('.entry')].map(readEntry)
      .filter((e) => e.questions.length || e.answer);
    const r = await api('PUT', '/workspace/setup/faq', { entries });
    if (r.status !== 200) { $('faq-error').textContent = problem(r); return; }
    await next();
  }

  async function tryQuestion(event) {
    event.preventDefault();
    const text = $('try-text').value.trim();
    const out = $('try-result');
    if (!text) { out.textContent = t('setup.try.empty'); return; }
    $('try-submit').disabled = true;
    out.textContent = t('setup.try.asking');
    const r = await api('POST', '/workspace/try', { text });
    $('try-submit').disabled = false;
    if (r.status !== 200) { out.dataset.verdict = 'error'; out.textContent = problem(r); return; }
    const a = r.body;
    out.dataset.verdict = a.text === null ? 'none' : a.verdict;
    if (a.text === null) out.textContent = t('setup.try.no_answer');
    else if (a.verdict === 'reply') out.textContent = t('setup.try.reply', { text: a.text, plugin: a.plugin || '' });
    else if (a.verdict === 'handoff') out.textContent = t('setup.try.handoff', { text: a.text });
    else out.textContent = t('setup.try.fallback', { text: a.text });
  }

  // -- Handoff hours
  async function saveHandoff(event) {
    event.preventDefault();
    $('handoff-error').textContent = '';
    const r = await api('PUT', '/workspace/setup/handoff', { hours: $('handoff-hours').value.trim() });
    if (r.status !== 200) { $('handoff-error').textContent = problem(r); return; }
    await next();
  }

  // -- Team
  function fillTeam() {
    const owner = role === 'owner';
    $('team-owner-only').hidden = owner;
    $('team-form').hidden = !owner;
  }

  async function invite(event) {
    event.preventDefault();
    $('team-error').textContent = '';
    const email = $('team-email').value.trim();
    if (!email) { $('team-error').textContent = t('setup.team.email_missing'); $('team-email').focus(); return; }
    const r = await api('POST', '/invites', { email, role: $('team-role').value });
    if (r.status !== 201) { $('team-error').textContent = problem(r); return; }
    const link = location.origin + r.body.url;
    $('team-links').append(el('li', { 'data-email': email }, t('setup.team.link', { email }), ' ', el('code', { class: 'invite-link' }, link)));
    $('team-email').value = '';
    $('team-email').focus();
  }

  async function finishTeam() {
    if (await mark('team', 'done')) await next();
  }

  async function skip(event) {
    const step = event.currentTarget.dataset.step;
    if (await mark(step, 'skipped')) await next();
  }

  async function continueChannel() {
    if (await mark('channel', 'done')) await next();
  }

  async function start() {
    if (window.SwitchboardI18n) await window.SwitchboardI18n.ready;
    const me = await api('GET', '/me');
    if (me.status !== 200) {
      $('setup-status').replaceChildren(t('setup.sign_in'), ' ', el('a', { href: '/inbox/' }, t('setup.sign_in_link')));
      return;
    }
    csrf = me.body.csrf_token;
    role = me.body.user.role;
    if (role === 'agent') { $('setup-status').textContent = t('setup.agent'); return; }
    try {
      await refresh();
    } catch (e) {
      $('setup-status').textContent = e.message;
      return;
    }
    $('setup-nav').hidden = false;
    $('business-form').addEventListener('submit', saveBusiness);
    $('channel-refresh').addEventListener('click', loadChannels);
    $('channel-continue').addEventListener('click', continueChannel);
    $('connect-form').addEventListener('submit', connectChannel);
    for (const radio of document.querySelectorAll('input[name="connect-type"]')) radio.addEventListener('change', showConnectType);
    $('faq-form').addEventListener('submit', saveFAQ);
    $('faq-add').addEventListener('click', () => {
      const boxes = $('faq-entries').querySelectorAll('.entry').length;
      const box = entryBox({ questions: [], answer: '' }, boxes);
      $('faq-entries').append(box);
      box.querySelector('textarea').focus();
    });
    $('try-form').addEventListener('submit', tryQuestion);
    $('handoff-form').addEventListener('submit', saveHandoff);
    $('team-form').addEventListener('submit', invite);
    $('team-done').addEventListener('click', finishTeam);
    for (const b of document.querySelectorAll('button.skip')) b.addEventListener('click', skip);
    await go(firstOpen());
  }

  start();
})();
