// The reports page (owners and admins): GET /api/v1/reports/daily as a chart drawn in SVG
// here (no library, nothing from another origin), a table, and a CSV download. Text only,
// as in the inbox.
(() => {
  'use strict';
  const t = (key, values) => (window.SwitchboardI18n ? window.SwitchboardI18n.t(key, values) : key);
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  let report = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  /** Seconds as "42 s", "3.5 min" or "1.2 h"; a dash for none. */
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return t('reports.none');
    if (seconds < 60) return `${Math.round(seconds)} s`;
    if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
    return `${(seconds / 3600).toFixed(1)} h`;
  }

  function percent(share) {
    return share === null || share === undefined ? t('reports.none') : `${Math.round(share * 100)} %`;
  }

  /** Bars of conversations started and handoffs per day, with a title and description. */
  function chart(days) {
    const width = 720, height = 240, left = 36, bottom = 28, top = 12;
    const max = Math.max(1, ...days.map((d) => Math.max(d.conversations_started, d.handoffs)));
    const slot = (width - left - 8) / Math.max(1, days.length);
    const bar = Math.max(2, Math.min(18, slot / 2 - 2));
    const y = (v) => top + (height - top - bottom) * (1 - v / max);
    const started = days.reduce((n, d) => n + d.conversations_started, 0);
    const handoffs = days.reduce((n, d) => n + d.handoffs, 0);
    const root = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc' });
    root.append(svg('title', { id: 'chart-title' }, t('reports.chart')));
    root.append(svg('desc', { id: 'chart-desc' }, t('reports.chart_summary', { days: days.length, started, handoffs })));
    root.append(svg('line', { class: 'axis', x1: left, y1: y(0), x2: width - 4, y2: y(0) }));
    root.append(svg('text', { x: left - 6, y: y(max) + 4, 'text-anchor': 'end' }, max));
    root.append(svg('text', { x: left - 6, y: y(0) + 4, 'text-anchor': 'end' }, 0));
    const every = Math.ceil(days.length / 10);
    days.forEach((d, i) => {
      const x = left + i * slot + slot / 2;
      const s = svg('rect', { class: 'bar-started', x: x - bar - 1, y: y(d.conversations_started), width: bar, height: y(0) - y(d.conversations_started), 'data-date': d.date });
      s.append(svg('title', {}, `${d.date}: ${d.conversations_started}`));
      const h = svg('rect', { class: 'bar-handoffs', x: x + 1, y: y(d.handoffs), width: bar, height: y(0) - y(d.handoffs), 'data-date': d.date });
      h.append(svg('title', {}, `${d.date}: ${d.handoffs}`));
      root.append(s, h);
      if (i % every === 0) root.append(svg('text', { x, y: height - 8, 'text-anchor': 'middle' }, d.date.slice(5)));
    });
    return root;
  }

  function rowsFor(channel) {
    if (!report) return [];
    if (!channel) return report.days;
    const c = report.channels.find((x) => x.channel === channel);
    return c ? c.days : [];
  }

  function render() {
    const days = rowsFor($('report-channel').value);
    $('report-chart').replaceChildren(chart(days));
    $('report-rows').replaceChildren(...days.map((d) => el('tr', {},
      el('th', { scope: 'row' }, d.date), el('td', {}, d.conversations_started), el('td', {}, d.messages_in),
      el('td', {}, d.messages_out), el('td', {}, percent(d.bot_only_share)), el('td', {}, d.handoffs),
      el('td', {}, duration(d.first_reply_median_seconds)), el('td', {}, duration(d.first_reply_p90_seconds)))));
    $('report-chart-card').hidden = false;
    $('report-table-card').hidden = false;
  }

  async function load(event) {
    if (event) event.preventDefault();
    const q = new URLSearchParams();
    if ($('report-from').value) q.set('from', $('report-from').value);
    if ($('report-to').value) q.set('to', $('report-to').value);
    $('report-csv').setAttribute('href', `/api/v1/reports/daily?format=csv&${q.toString()}`);
    $('report-error').textContent = '';
    let res;
    try {
      res = await fetch(`/api/v1/reports/daily?${q.toString()}`, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    } catch (e) {
      $('report-error').textContent = t('api.unreachable');
      return;
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      if (res.status === 401) $('report-error').textContent = t('reports.sign_in');
      else if (res.status === 403) $('report-error').textContent = t('reports.forbidden');
      else $('report-error').textContent = t('reports.failed', { reason: (data && data.error) || res.status });
      $('report-chart-card').hidden = true;
      $('report-table-card').hidden = true;
      return;
    }
    report = data;
    $('report-from').value = data.from;
    $('report-to').value = data.to;
    const select = $('report-channel');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, t('reports.all_channels')), ...data.channels.map((c) => el('option', { value: c.channel }, c.channel)));
    select.value = data.channels.some((c) => c.channel === chosen) ? chosen : '';
    render();
  }

  function init() {
    $('report-form').addEventListener('submit', load);
    $('report-channel').addEventListener('change', () => { if (report) render(); });
    load();
  }

  window.SwitchboardReports = Object.freeze({ chart, duration });
  const start = () => {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  };
  if (window.SwitchboardI18n) window.SwitchboardI18n.ready.then(start);
  else start();
})();
