// Templates and media in the inbox, on top of inbox.js (SwitchboardInboxApp and its `hooks`):
// - media of a message: images inline (a thumbnail linking to the file), audio and video
//   with a player, documents as a download link, all from GET /api/v1/messages/{id}/media
//   (same origin, served with a sandbox CSP and nosniff);
// - Attach: an image or document for the customer (POST /conversations/{id}/attachments);
//   the server checks WhatsApp's types and size limits and says why it refuses;
// - Template: after the customer's 24-hour window has closed, WhatsApp takes only an approved
//   template; the panel lists the channel's templates and asks for their parameters, and for
//   a template with an image, video or document header its file (sent as multipart/form-data)
//   or an https link (POST /conversations/{id}/template).
// Same rules as inbox.js: text only ever as text, the CSRF token with every change.
(() => {
  'use strict';

  const inbox = window.SwitchboardInboxApp;
  if (!inbox || !inbox.hooks) return;
  const { api, el, setText } = inbox;
  // The page's strings (web/i18n/*.json).
  const tr = inbox.t;
  const openId = () => inbox.state.openId;
  // The open thread and the list again (after a send).
  const reload = () => { if (inbox.state.openId) { inbox.reloadThread(); inbox.loadList(); } };
  const $ = (id) => document.getElementById(id);
  const WINDOW_MS = 24 * 3600 * 1000;
  const ACCEPT = ['image/jpeg', 'image/png', 'application/pdf', 'text/plain', 'application/msword',
    'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation'];

  // WhatsApp's size limits by type (checked here to say so at once; the server checks again).
  const MB = 1024 * 1024;
  const LIMITS = { 'image/jpeg': 5 * MB, 'image/png': 5 * MB, 'video/mp4': 16 * MB, 'video/3gpp': 16 * MB };
  const limitOf = (type) => LIMITS[type] || 100 * MB;
  /** A sentence when the file is over WhatsApp's limit for its type, else null. */
  function tooLargeForWhatsApp(file) {
    const limit = limitOf(file.type);
    return file.size > limit ? tr('tools.over_limit', { name: file.name, type: file.type || '?', limit: `${limit / MB} MB` }) : null;
  }

  let templates = [];        // of the open conversation's channel
  let templatesFor = null;   // the conversation they were loaded for

  // ---- Media of a message

  function mediaURL(message) { return `/api/v1/messages/${encodeURIComponent(message.id)}/media`; }

  function decorate(li, message) {
    const kind = message.kind;
    if (!['image', 'sticker', 'audio', 'video', 'document'].includes(kind)) return;
    const url = mediaURL(message);
    const from = message.direction === 'inbound' ? tr('tools.media_from_customer') : tr('tools.media_sent');
    let node;
    if (kind === 'image' || kind === 'sticker') {
      const img = el('img', { class: 'msg-image', src: url, alt: message.text ? tr('tools.image_caption', { from, caption: message.text }) : tr('tools.image', { from }), loading: 'lazy' });
      img.addEventListener('error', () => img.replaceWith(el('span', { class: 'msg-media-gone' }, tr('tools.image_gone'))));
      node = el('a', { class: 'msg-media', href: url, target: '_blank', rel: 'noopener' }, img);
    } else if (kind === 'audio') {
      node = el('audio', { class: 'msg-media', controls: true, preload: 'none', src: url, 'aria-label': tr('tools.audio', { from }) });
    } else if (kind === 'video') {
      node = el('video', { class: 'msg-media msg-video', controls: true, preload: 'none', src: url, 'aria-label': tr('tools.video', { from }) });
    } else {
      node = el('a', { class: 'msg-media msg-document', href: url, download: message.text || tr('tools.document') },
        tr('tools.download', { name: message.text || tr('tools.document') }));
    }
    // The media goes above its caption; a document's name is in its link already.
    const text = li.querySelector('.msg-text');
    li.insertBefore(node, text);
    if (text && (kind === 'document' || text.classList.contains('msg-kind'))) text.remove();
  }

  // ---- Composer: attach, template

  function windowClosed(conversation) {
    if (!conversation || (conversation.channel || '').startsWith('web')) return false;
    const last = conversation.last_inbound_at ? Date.parse(conversation.last_inbound_at) : 0;
    return Date.now() - last > WINDOW_MS;
  }

  function buildComposer() {
    const row = document.querySelector('#composer .composer-row');
    if (!row || $('composer-attach')) return;
    const file = el('input', { id: 'composer-file', type: 'file', class: 'visually-hidden', tabindex: '-1',
      'aria-hidden': 'true', accept: ACCEPT.join(',') });
    const attach = el('button', { id: 'composer-attach', type: 'button', class: 'secondary', title: tr('tools.attach_title') }, tr('tools.attach'));
    const template = el('button', { id: 'composer-template', type: 'button', class: 'secondary', 'aria-expanded': 'false',
      'aria-controls': 'template-panel' }, tr('tools.template'));
    row.append(file, attach, template);
    attach.addEventListener('click', () => file.click());
    file.addEventListener('change', () => { if (file.files[0]) upload(file.files[0]); file.value = ''; });
    template.addEventListener('click', () => togglePanel());

    const panel = el('div', { id: 'template-panel', class: 'template-panel', role: 'region', 'aria-label': tr('tools.template_panel'), hidden: true },
      el('p', { id: 'template-hint', class: 'hint' }),
      el('label', { for: 'template-select' }, tr('tools.template')),
      el('select', { id: 'template-select' }),
      el('p', { id: 'template-preview', class: 'template-preview' }),
      el('div', { id: 'template-params', class: 'template-params' }),
      el('p', { id: 'template-error', class: 'error', role: 'alert' }),
      el('div', { class: 'template-actions' },
        el('button', { id: 'template-send', type: 'button' }, tr('tools.template_send')),
        el('button', { id: 'template-close', type: 'button', class: 'secondary' }, tr('tools.close'))));
    $('composer').prepend(panel);
    $('template-select').addEventListener('change', showTemplate);
    $('template-send').addEventListener('click', sendTemplate);
    $('template-close').addEventListener('click', () => togglePanel(false));
    panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.stopPropagation(); togglePanel(false); } });
  }

  async function togglePanel(open) {
    const panel = $('template-panel');
    const show = open === undefined ? panel.hidden : open;
    panel.hidden = !show;
    $('composer-template').setAttribute('aria-expanded', String(show));
    if (show) {
      await loadTemplates();
      $('template-select').focus();
    }
  }

  async function loadTemplates() {
    const id = openId();
    if (!id) return;
    setText('template-error', '');
    if (templatesFor !== id) {
      try {
        templates = (await api('GET', `/conversations/${encodeURIComponent(id)}/templates`)).items || [];
        templatesFor = id;
      } catch (e) {
        templates = [];
        setText('template-error', e.status === 409 || e.status === 404 ? tr('tools.no_templates_because', { reason: e.message }) : e.message);
      }
    }
    const select = $('template-select');
    const usable = templates.filter((t) => !t.unavailable);
    select.replaceChildren(...usable.map((t, i) => el('option', { value: String(i) }, `${t.name} (${t.language}) · ${t.category.toLowerCase()}`)));
    select.dataset.count = String(usable.length);
    if (!usable.length && !$('template-error').textContent) setText('template-error', tr('tools.no_templates'));
    showTemplate();
  }

  function selected() {
    const usable = templates.filter((t) => !t.unavailable);
    return usable[Number($('template-select').value)] || null;
  }

  function showTemplate() {
    const t = selected();
    setText('template-preview', t ? t.body : '');
    const fields = [];
    if (t) {
      for (let i = 1; i <= t.header_parameters; i++) fields.push(['header', i]);
      for (let i = 1; i <= t.body_parameters; i++) fields.push(['body', i]);
    }
    const params = fields.map(([part, i]) => {
      const id = `template-${part}-${i}`;
      return el('div', { class: 'template-param' },
        el('label', { for: id }, part === 'header' ? tr('tools.header_param', { n: i }) : `{{${i}}}`),
        el('input', { id, type: 'text', 'data-part': part, required: true, maxlength: '1024', autocomplete: 'off' }));
    });
    if (t && t.header_media) {
      // The header's picture, video or document: a file, or the https link of one.
      const kind = tr(`tools.kind_${t.header_media}`);
      params.unshift(el('div', { class: 'template-param template-media' },
        el('label', { for: 'template-header-file' }, tr('tools.header_file', { kind })),
        el('input', { id: 'template-header-file', type: 'file', accept: (t.header_media_types || []).join(','),
          'aria-describedby': 'template-header-hint' }),
        el('label', { for: 'template-header-link' }, tr('tools.header_link')),
        el('input', { id: 'template-header-link', type: 'url', inputmode: 'url', placeholder: 'https://',
          'aria-describedby': 'template-header-hint' }),
        el('p', { id: 'template-header-hint', class: 'hint' }, t.header_media_hint || '')));
    }
    $('template-params').replaceChildren(...params);
    $('template-send').disabled = !t;
  }

  async function sendTemplate() {
    const t = selected();
    const id = openId();
    if (!t || !id) return;
    const inputs = [...$('template-params').querySelectorAll('input[data-part]')];
    const empty = inputs.find((i) => !i.value.trim());
    if (empty) {
      setText('template-error', tr('tools.fill_in', { field: empty.labels[0].textContent }));
      empty.focus();
      return;
    }
    const body = { name: t.name, language: t.language,
      header: inputs.filter((i) => i.dataset.part === 'header').map((i) => i.value),
      body: inputs.filter((i) => i.dataset.part === 'body').map((i) => i.value) };
    let file = null;
    if (t.header_media) {
      const kind = tr(`tools.kind_${t.header_media}`);
      file = ($('template-header-file').files || [])[0] || null;
      const link = $('template-header-link').value.trim();
      if (!file && !link) {
        setText('template-error', tr('tools.header_needed', { kind, hint: t.header_media_hint || '' }));
        $('template-header-file').focus();
        return;
      }
      if (file) {
        const over = tooLargeForWhatsApp(file);
        if (over) { setText('template-error', over); return; }
      } else {
        body.header_media = { link };
      }
    }
    $('template-send').disabled = true;
    setText('template-error', '');
    try {
      const path = `/conversations/${encodeURIComponent(id)}/template`;
      if (file) await postForm(path, body, file); else await api('POST', path, body);
      togglePanel(false);
      setText('composer-error', '');
      $('composer-error').classList.remove('window-error');
      reload();
    } catch (e) {
      if (e.status !== 401) setText('template-error', tr('composer.not_sent', { reason: e.message }));
    } finally {
      $('template-send').disabled = false;
    }
  }

  /** The template with its header file, as multipart/form-data (parts template and header_file). */
  async function postForm(path, body, file) {
    const form = new FormData();
    form.append('template', JSON.stringify(body));
    form.append('header_file', file, file.name);
    const headers = { Accept: 'application/json' };
    if (inbox.state.csrf) headers['X-CSRF-Token'] = inbox.state.csrf;
    let res;
    try {
      res = await fetch(`/api/v1${path}`, { method: 'POST', headers, body: form, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw Object.assign(new Error(tr('tools.unreachable')), { status: 0 });
    }
    if (!res.ok) {
      let message = tr('tools.server_answered', { status: res.status });
      try { message = (await res.json()).error || message; } catch (e) { /* not JSON */ }
      throw Object.assign(new Error(message), { status: res.status });
    }
    return res.json();
  }

  async function upload(file) {
    const id = openId();
    if (!id) return;
    setText('composer-error', '');
    const over = tooLargeForWhatsApp(file);
    if (over) { setText('composer-error', tr('composer.not_sent', { reason: over })); return; }
    const caption = $('composer-text').value.trim();
    const query = new URLSearchParams({ filename: file.name });
    if (caption && !$('note-toggle').checked) query.set('caption', caption);
    const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' };
    const csrf = inbox.state.csrf;
    if (csrf) headers['X-CSRF-Token'] = csrf;
    $('composer-attach').disabled = true;
    try {
      const res = await fetch(`/api/v1/conversations/${encodeURIComponent(id)}/attachments?${query}`, {
        method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) {
        let message = tr('tools.server_answered', { status: res.status });
        try { message = (await res.json()).error || message; } catch (e) { /* not JSON */ }
        if (res.status === 413 && !message.includes('WhatsApp')) message = tr('tools.too_large', { reason: message });
        setText('composer-error', tr('composer.not_sent', { reason: message }));
        return;
      }
      if (query.has('caption')) $('composer-text').value = '';
      reload();
    } catch (e) {
      setText('composer-error', tr('tools.unreachable'));
    } finally {
      $('composer-attach').disabled = false;
    }
  }

  /** After each thread render: templates are offered when the window is closed. */
  function thread(answer) {
    buildComposer();
    const closed = windowClosed(answer.conversation);
    const button = $('composer-template');
    button.classList.toggle('template-needed', closed);
    $('composer-attach').hidden = closed;
    setText('template-hint', closed
      ? tr('tools.window_closed')
      : tr('tools.templates_any_time'));
    if (templatesFor !== answer.conversation.id) { templatesFor = null; if (!$('template-panel').hidden) loadTemplates(); }
  }

  inbox.hooks.decorate = decorate;
  inbox.hooks.thread = thread;
  inbox.hooks.outsideWindow = () => togglePanel(true);

  const css = el('link', { rel: 'stylesheet', href: '/inbox/inbox-tools.css' });
  document.head.append(css);
})();
