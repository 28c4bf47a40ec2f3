// The strings of the inbox and the web chat: one catalogue per language, web/i18n/LANG.json
// (a flat object, one "key": "text" per line; {name} marks a value filled in). Adding a
// string is one line in each catalogue (WebPagesTests checks that every catalogue has the
// same keys, and that every key the pages use is in them).
//
// The language: the page's `data-language` when the server set one (a workspace's web
// chat setting), else the first of the browser's languages that has a catalogue, else
// English. Elements name their string with data-i18n (text), data-i18n-placeholder,
// data-i18n-aria-label and data-i18n-title; scripts call SwitchboardI18n.t(key, values)
// after `await SwitchboardI18n.ready`.
(() => {
  'use strict';
  const LANGUAGES = ['en', 'es'];
  const root = document.documentElement;

  function pick() {
    const fixed = root.dataset.language;
    if (fixed && LANGUAGES.includes(fixed)) return fixed;
    for (const tag of navigator.languages || [navigator.language || 'en']) {
      const base = String(tag).toLowerCase().split('-')[0];
      if (LANGUAGES.includes(base)) return base;
    }
    return 'en';
  }

  let strings = {};
  const lang = pick();

  /** The string `key` with each {name} replaced by values[name]; the key itself if unknown. */
  function t(key, values) {
    const text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    if (!values) return text;
    return text.replace(/\{(\w+)\}/g, (m, name) => (Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : m));
  }

  /** Puts the catalogue's strings into the elements under `scope` that name one. */
  function apply(scope) {
    const base = scope || document;
    for (const e of base.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    for (const e of base.querySelectorAll('[data-i18n-placeholder]')) e.setAttribute('placeholder', t(e.dataset.i18nPlaceholder));
    for (const e of base.querySelectorAll('[data-i18n-aria-label]')) e.setAttribute('aria-label', t(e.dataset.i18nAriaLabel));
    for (const e of base.querySelectorAll('[data-i18n-title]')) e.setAttribute('title', t(e.dataset.i18nTitle));
  }

  const ready = fetch(`/i18n/${lang}.json`, { credentials: 'same-origin' })
    .then((res) => (res.ok ? res.json() : {}))
    .catch(() => ({}))
    .then((catalogue) => {
      strings = catalogue || {};
      root.lang = lang;
      const whenParsed = () => apply(document);
      if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', whenParsed, { once: true });
      else whenParsed();
      return lang;
    });

  window.SwitchboardI18n = Object.freeze({ ready, t, apply, lang, languages: LANGUAGES });
})();
