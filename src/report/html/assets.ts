import { createHash } from 'node:crypto';

/** The report's only stylesheet, inlined and allowed by its hash. */
export const STYLE = `
:root { color-scheme: light; --fg: #1c2430; --muted: #5a6676; --line: #d8dee6; --bg: #ffffff; --panel: #f5f7fa;
  --critical: #8e1b1b; --high: #d0421b; --medium: #c98a00; --low: #2f6fb0; --info: #6b7785; --accent: #274c77; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 20px; border-bottom: 1px solid var(--line); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4 { font-size: 14px; margin: 12px 0 4px; }
h5 { font-size: 13px; margin: 8px 0 2px; }
.meta { color: var(--muted); margin: 0 0 14px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: var(--panel); padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 130px; background: var(--panel); }
.card b { display: block; font-size: 22px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.chart { flex: 1 1 420px; }
.chart svg { width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
.bar-critical { fill: var(--critical); } .bar-high { fill: var(--high); } .bar-medium { fill: var(--medium); }
.bar-low { fill: var(--low); } .bar-info { fill: var(--info); } .bar-owasp { fill: var(--accent); }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; text-transform: capitalize; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); } .sev-medium { background: var(--medium); }
.sev-low { background: var(--low); } .sev-info { background: var(--info); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin: 8px 0; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.filters input, .filters select { font: inherit; padding: 3px 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); white-space: nowrap; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \\2191"; }
th[aria-sort="descending"] button::after { content: " \\2193"; }
td.path { overflow-wrap: anywhere; }
button.open { font: inherit; cursor: pointer; }
tr.detail > td { background: #fbfcfd; padding: 10px 16px 16px; }
.drill { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 14px; }
.drill section { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--bg); }
.drill h4 { margin-top: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
.finding { border-left: 4px solid var(--line); padding: 4px 12px; margin: 10px 0; }
.finding.s-critical { border-color: var(--critical); } .finding.s-high { border-color: var(--high); }
.finding.s-medium { border-color: var(--medium); } .finding.s-low { border-color: var(--low); } .finding.s-info { border-color: var(--info); }
.group { border: 1px solid var(--line); border-radius: 6px; margin: 14px 0; }
.group > summary { cursor: pointer; padding: 8px 12px; background: var(--panel); }
.group > div { padding: 4px 14px 10px; }
.muted { color: var(--muted); }
figure { margin: 8px 0; }
ul.places { margin: 4px 0; padding-left: 20px; }
[hidden] { display: none !important; }
`;

/** The report's only script: filtering, sorting and drill-down of the inventory. No network API is used. */
export const SCRIPT = `
(function () {
  'use strict';
  var table = document.getElementById('inventory');
  if (!table) return;
  var bodies = function () { return Array.prototype.slice.call(table.tBodies); };
  var search = document.getElementById('filter-text');
  var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
  var shown = document.getElementById('shown-count');
  function applyFilters() {
    var query = search.value.trim().toLowerCase();
    var count = 0;
    bodies().forEach(function (body) {
      var ok = selects.every(function (select) {
        return select.value === '' || body.getAttribute('data-' + select.getAttribute('data-filter')) === select.value;
      });
      if (ok && query !== '') ok = (body.getAttribute('data-text') || '').indexOf(query) !== -1;
      body.hidden = !ok;
      if (ok) count += 1;
    });
    shown.textContent = String(count);
  }
  search.addEventListener('input', applyFilters);
  selects.forEach(function (select) { select.addEventListener('change', applyFilters); });

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    var button = th.querySelector('button');
    if (!button) return;
    button.addEventListener('click', function () {
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      headers.forEach(function (other) { other.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-numeric') === 'true';
      var key = function (body) {
        var cell = body.rows[0].cells[column];
        var value = cell.getAttribute('data-sort');
        if (value === null) value = cell.textContent || '';
        return numeric ? Number(value) : value.toLowerCase();
      };
      var sorted = bodies().map(function (body, index) { return { body: body, key: key(body), index: index }; });
      sorted.sort(function (a, b) {
        var order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
        return (ascending ? order : -order) || a.index - b.index;
      });
      sorted.forEach(function (item) { table.appendChild(item.body); });
    });
  });

  function setOpen(body, open) {
    var button = body.querySelector('button.open');
    var detail = body.querySelector('tr.detail');
    if (!button || !detail) return;
    detail.hidden = !open;
    button.setAttribute('aria-expanded', open ? 'true' : 'false');
    button.textContent = open ? 'Hide' : 'Details';
  }
  bodies().forEach(function (body) {
    var button = body.querySelector('button.open');
    if (button) button.addEventListener('click', function () { setOpen(body, button.getAttribute('aria-expanded') !== 'true'); });
  });
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^ep-[0-9]+$/.test(id)) return;
    var body = document.getElementById(id);
    if (!body) return;
    body.hidden = false;
    setOpen(body, true);
    body.scrollIntoView();
  }
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing may be fetched: no image, font, frame, connection or form target; only this style and
 * this script, by hash (inline attributes and injected elements stay inert).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
