import { allChecks } from '../../checks/index.js';
import { maskResult } from '../../engine/mask.js';
import type { AuditResult } from '../../engine/result.js';
import type { Api, Endpoint, Finding, Location, OwaspCategory, RelatedLocation, Tier } from '../../model/types.js';
import { OWASP_CATEGORIES, SECTIONS, SEVERITIES, TIER_ORDER } from '../../model/types.js';
import type { FindingGroup } from '../findings.js';
import { groupFindings, owaspLabel } from '../findings.js';
import { capitalize, compareStrings, endpointLabel, locationLabel, methodRank, plural, severityRank } from '../format.js';
import { SCOPE_REASON_LABELS, SCOPE_REASONS } from '../../workspace/scope.js';
import { sanitizeResult } from '../sanitize.js';
import type { ReportSummary } from '../stats.js';
import { API_TYPES, AUTH_STATES, summarize } from '../stats.js';
import { CONTENT_SECURITY_POLICY, SCRIPT, STYLE } from './assets.js';
import { barChart } from './charts.js';
import type { Markup } from './markup.js';
import { html, prose, trusted } from './markup.js';

interface View {
  result: AuditResult;
  summary: ReportSummary;
  apiById: ReadonlyMap<string, Api>;
  /** Endpoints in display order; the index is the drill-down's anchor (`#ep-N`). */
  endpoints: readonly Endpoint[];
  anchorById: ReadonlyMap<string, string>;
  endpointById: ReadonlyMap<string, Endpoint>;
  /** Findings touching each endpoint, as the finding's own endpoint or a related place. */
  findingsByEndpoint: ReadonlyMap<string, readonly Finding[]>;
  /** Each finding's anchor in the findings section (`#f-N`). */
  findingAnchor: ReadonlyMap<Finding, string>;
}

/** Places of a root cause listed in an endpoint's drill-down; the findings section lists them all. */
const DRILL_DOWN_PLACES = 5;

type SourceKind = 'spec' | 'code' | 'both' | 'none';

function sourceKind(endpoint: Endpoint): SourceKind {
  const kinds = new Set(endpoint.sources.map((source) => source.kind));
  if (kinds.size === 0) return 'none';
  return kinds.size > 1 ? 'both' : kinds.has('spec') ? 'spec' : 'code';
}

function apiName(view: View, apiId: string): string {
  return view.apiById.get(apiId)?.name ?? apiId;
}

function place(location: Location): Markup {
  return html`<code>${locationLabel(location)}</code>${location.pointer === undefined ? '' : html` <span class="muted">(<code>${location.pointer}</code>)</span>`}`;
}

function endpointRef(view: View, endpointId: string | undefined): Markup {
  if (endpointId === undefined) return html``;
  const endpoint = view.endpointById.get(endpointId);
  const anchor = view.anchorById.get(endpointId);
  const label = endpoint === undefined ? endpointId : endpointLabel(endpoint);
  return anchor === undefined ? html`<code>${label}</code>` : html`<a href="#${anchor}"><code>${label}</code></a>`;
}

function severityBadge(severity: string): Markup {
  return html`<span class="sev sev-${severity}">${severity}</span>`;
}

function worstSeverity(findings: readonly Finding[]): number {
  return Math.min(SEVERITIES.length, ...findings.map((finding) => severityRank(finding.severity)));
}

function header(view: View): Markup {
  const { result } = view;
  return html`<header><h1>API Security Audit: ${result.name}</h1><p class="meta">${result.date} · <code>${result.root}</code> · ${result.tool.name} ${result.tool.version} · ${plural(view.summary.checks, 'check')} ran</p></header>`;
}

function summarySection(view: View): Markup {
  const { summary } = view;
  const auth = summary.authentication;
  const cards: [string, string | number][] = [
    ['APIs', summary.apis],
    ['Endpoints', summary.endpoints],
    ['Findings', summary.findings],
    ['Protected', auth.protected],
    ['Unprotected', auth.unprotected],
    ['Auth unknown', auth.unknown],
    ['Rate-limited', `${summary.rateLimiting.percent}%`],
  ];
  const severityBars = SEVERITIES.map((severity) => ({
    label: capitalize(severity),
    value: summary.bySeverity[severity],
    className: `bar-${severity}`,
    title: `${capitalize(severity)} findings`,
  }));
  const owaspCounts = new Map<OwaspCategory, number>();
  for (const finding of view.result.findings) owaspCounts.set(finding.owasp, (owaspCounts.get(finding.owasp) ?? 0) + 1);
  const owaspBars = (Object.keys(OWASP_CATEGORIES) as OwaspCategory[]).map((category) => ({
    label: category.replace(':2023', ''),
    value: owaspCounts.get(category) ?? 0,
    className: 'bar-owasp',
    title: owaspLabel(category),
  }));
  return html`<section id="summary"><h2>Summary</h2><div class="cards">${cards.map(
    ([label, value]) => html`<div class="card" data-card="${label}"><b>${value}</b>${label}</div>`,
  )}</div><div class="charts">${barChart('Findings by severity', severityBars)}${barChart('Findings by OWASP API Security Top 10 (2023) category', owaspBars)}</div>${scopeNote(view)}${suppressionNote(view)}${liveNote(view)}${apisTable(view)}</section>`;
}

/** What was read, what was left out of scope, and which experimental checks did not run. */
function scopeNote(view: View): Markup {
  const { files } = view.summary;
  const reasons = SCOPE_REASONS.flatMap((reason) => {
    const count = files.excludedByReason[reason];
    return count === undefined ? [] : [`${SCOPE_REASON_LABELS[reason]} ${count}`];
  });
  const ran = new Set(view.result.checks.map((check) => check.id));
  const off = allChecks.filter((check) => check.experimental === true && !ran.has(check.id)).map((check) => check.id);
  return html`<p class="muted" id="scope">Read ${plural(files.scanned, 'file')} (${plural(files.spec, 'API document')}, ${plural(files.source, 'source file')})${files.excluded === 0 ? '' : `; left out of scope ${plural(files.excluded, 'file')} that never serve requests (${reasons.join(', ')})`}.${off.length === 0 ? '' : html` ${plural(off.length, 'experimental check')} did not run (<code>--experimental</code> runs them): ${off.map((id, index) => html`${index === 0 ? '' : ', '}<code>${id}</code>`)}.`}</p>`;
}

function suppressionNote(view: View): Markup {
  const report = view.result.suppressions;
  if (report === undefined) return html``;
  const { counts } = report;
  const parts = [
    counts.inline > 0 ? `${counts.inline} by apisec-ignore comments` : '',
    counts.config > 0 ? `${counts.config} by the configuration's ignore entries` : '',
    counts.baseline > 0 ? `${counts.baseline} already in the baseline${report.baselineFile === undefined ? '' : ` ${report.baselineFile}`}` : '',
  ].filter((part) => part !== '');
  if (parts.length === 0 && report.overridden === 0 && report.problems.length === 0) return html``;
  return html`<div id="suppressions"><h3>Suppressions</h3>${parts.length === 0 ? '' : html`<p>${plural(report.suppressed.length, 'finding')} left out of this report: ${parts.join(', ')}.</p>`}${report.overridden === 0 ? '' : html`<p>${plural(report.overridden, 'finding')} with a severity changed by the configuration's severityOverrides.</p>`}${report.problems.length === 0 ? '' : html`<p>Suppressions that did nothing:</p><ul>${report.problems.map((problem) => html`<li>${place(problem.location)}: ${prose(problem.message)}</li>`)}</ul>`}</div>`;
}

function liveNote(view: View): Markup {
  const live = view.result.live;
  if (live === undefined) return html``;
  const stopped = live.partial ? `; stopped early${live.stoppedBy === undefined ? '' : ` (${live.stoppedBy})`}` : '';
  return html`<div id="live"><h3>Live target</h3><p><code>${live.target}</code>, ${live.mode} probes: ${plural(live.probesRun.length, 'probe')} run, ${plural(live.requests, 'request')} of a budget of ${live.budget}, ${plural(live.findings, 'live finding')} (${live.merged} confirming static findings)${stopped}.</p>${live.productionWarning === undefined ? '' : html`<p><b>Warning.</b> ${prose(live.productionWarning)}</p>`}</div>`;
}

function apisTable(view: View): Markup {
  const apis = [...view.result.inventory.apis].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id));
  if (apis.length === 0) return html``;
  return html`<h3>APIs</h3><table class="apis"><thead><tr><th>Name</th><th>Kind</th><th>Type</th><th>Sensitivity</th><th>Audience</th><th>Versioning</th><th>Endpoints</th><th>Defined in</th></tr></thead><tbody>${apis.map(
    (api) =>
      html`<tr><td>${api.name}</td><td>${api.kind}</td><td title="${api.typeReason}">${api.type}</td><td>${api.tier}</td><td>${api.audience}</td><td>${api.versioning}${api.versions.length > 0 ? ` (${api.versions.join(', ')})` : ''}</td><td>${api.endpointIds.length}</td><td>${place(api.location)}</td></tr>`,
  )}</tbody></table>`;
}

function option(value: string, label = value): Markup {
  return html`<option value="${value}">${label}</option>`;
}

function inventorySection(view: View): Markup {
  const showApi = view.result.inventory.apis.length > 1;
  const headers: [string, boolean][] = [
    ['Method', false],
    ['Path', false],
    ...(showApi ? ([['API', false]] as [string, boolean][]) : []),
    ['Type', false],
    ['Sensitivity', true],
    ['Auth', false],
    ['Source', false],
    ['Findings', true],
  ];
  const filters = html`<div class="filters"><label>Search<input id="filter-text" type="search" placeholder="path, method, API" autocomplete="off"></label><label>Type<select data-filter="type">${option('', 'all')}${API_TYPES.map((type) => option(type))}</select></label><label>Sensitivity<select data-filter="tier">${option('', 'all')}${TIER_ORDER.map((tier) => option(tier))}</select></label><label>Auth<select data-filter="auth">${option('', 'all')}${AUTH_STATES.map((state) => option(state))}</select></label><label>Source<select data-filter="source">${option('', 'all')}${(['spec', 'code', 'both'] as const).map((kind) => option(kind))}</select></label><span class="muted"><span id="shown-count">${view.endpoints.length}</span> of ${view.endpoints.length} endpoints shown</span></div>`;
  const bodies = view.endpoints.map((endpoint, index) => endpointBody(view, endpoint, index, showApi));
  return html`<section id="inventory-section"><h2>API Inventory</h2><p>Every endpoint found in the specs and the code. Click a column to sort, filter with the controls, open an endpoint for its code, spec and live evidence with its findings.</p>${filters}<table id="inventory"><thead><tr>${headers.map(
    ([label, numeric]) => html`<th data-numeric="${numeric ? 'true' : 'false'}"><button type="button">${label}</button></th>`,
  )}<th></th></tr></thead>${bodies}</table></section>`;
}

function tierRank(tier: Tier): number {
  return TIER_ORDER.indexOf(tier);
}

function endpointBody(view: View, endpoint: Endpoint, index: number, showApi: boolean): Markup {
  const anchor = `ep-${index}`;
  const findings = view.findingsByEndpoint.get(endpoint.id) ?? [];
  const kind = sourceKind(endpoint);
  const api = apiName(view, endpoint.apiId);
  const mechanisms = endpoint.auth.mechanisms.filter((mechanism) => mechanism !== 'none' && mechanism !== 'unknown');
  const worst = findings.length === 0 ? undefined : SEVERITIES[worstSeverity(findings)];
  const text = `${endpoint.method} ${endpoint.path} ${api} ${endpoint.operationId ?? ''}`.toLowerCase();
  const columns = 8 + (showApi ? 1 : 0);
  return html`<tbody id="${anchor}" data-type="${endpoint.type}" data-tier="${endpoint.tier}" data-auth="${endpoint.auth.state}" data-source="${kind}" data-text="${text}"><tr class="row"><td data-sort="${methodRank(endpoint.method)}${endpoint.method}">${endpoint.method}</td><td class="path"><code>${endpoint.path}</code>${endpoint.deprecated ? html` <span class="muted">deprecated${endpoint.sunset === undefined ? '' : `, sunset ${endpoint.sunset}`}</span>` : ''}</td>${showApi ? html`<td>${api}</td>` : ''}<td>${endpoint.type}</td><td data-sort="${tierRank(endpoint.tier)}">${endpoint.tier}</td><td>${endpoint.auth.state}${mechanisms.length > 0 ? `: ${mechanisms.join(', ')}` : ''}</td><td>${kind}</td><td class="count" data-sort="${findings.length}">${findings.length}${worst === undefined ? '' : html` ${severityBadge(worst)}`}</td><td><button type="button" class="open" aria-expanded="false" aria-controls="${anchor}-detail">Details</button></td></tr><tr class="detail" id="${anchor}-detail" hidden><td colspan="${columns}">${drillDown(view, endpoint, findings)}</td></tr></tbody>`;
}

function definitionList(rows: readonly (readonly [string, Markup | string | undefined])[]): Markup {
  const shown = rows.filter((row): row is readonly [string, Markup | string] => row[1] !== undefined && row[1] !== '');
  return html`<dl>${shown.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

function snippets(findings: readonly Finding[]): Markup {
  const seen = new Set<string>();
  const blocks: Markup[] = [];
  for (const finding of findings) {
    const snippet = finding.evidence?.snippet;
    if (typeof snippet !== 'string' || snippet.trim() === '' || seen.has(snippet)) continue;
    seen.add(snippet);
    blocks.push(html`<figure><figcaption>${place(finding.location)} · ${finding.checkId}</figcaption><pre><code>${snippet}</code></pre></figure>`);
  }
  return html`${blocks}`;
}

function codePanel(endpoint: Endpoint, findings: readonly Finding[]): Markup {
  const sources = endpoint.sources.filter((source) => source.kind === 'code');
  if (sources.length === 0) return html`<section><h4>Code</h4><p class="muted">No route in the code serves this operation.</p></section>`;
  const codeFindings = findings.filter((finding) => finding.location.pointer === undefined);
  const { auth } = endpoint;
  return html`<section><h4>Code</h4>${definitionList([
    ['Route', html`${sources.map((source) => html`${place(source.location)} <span class="muted">${source.via}${source.generated === true ? ', served by the framework' : ''}</span><br>`)}`],
    ['Handler', endpoint.handler === undefined ? undefined : place(endpoint.handler)],
    ['Middleware', endpoint.middleware === undefined || endpoint.middleware.length === 0 ? undefined : html`${endpoint.middleware.map((location) => html`${place(location)}<br>`)}`],
    ['Authentication', html`${auth.state}${auth.mechanisms.length > 0 ? ` (${auth.mechanisms.join(', ')})` : ''}${auth.scope === undefined ? '' : `, ${auth.scope}`}`],
    ['Established at', auth.where === undefined ? undefined : place(auth.where)],
    ['Auth detail', auth.detail === undefined ? undefined : html`<code>${auth.detail}</code>`],
    ['Scopes or roles', auth.scopes === undefined || auth.scopes.length === 0 ? undefined : auth.scopes.join(', ')],
    ['Object-level authorization', endpoint.authorization?.objectLevel],
    ['Function-level authorization', endpoint.authorization?.functionLevel],
    ['Authorization detail', endpoint.authorization?.detail === undefined ? undefined : prose(endpoint.authorization.detail)],
    ['Rate limit', endpoint.rateLimit === undefined ? undefined : html`${endpoint.rateLimit.state}${endpoint.rateLimit.limit === undefined ? '' : html` <code>${endpoint.rateLimit.limit}</code>`}${endpoint.rateLimit.scope === undefined ? '' : ` (${endpoint.rateLimit.scope})`}`],
    ['Rate limit at', endpoint.rateLimit?.where === undefined ? undefined : place(endpoint.rateLimit.where)],
  ])}${snippets(codeFindings)}</section>`;
}

function specPanel(endpoint: Endpoint, findings: readonly Finding[]): Markup {
  const sources = endpoint.sources.filter((source) => source.kind === 'spec');
  if (sources.length === 0) return html`<section><h4>Spec</h4><p class="muted">No API document describes this endpoint.</p></section>`;
  const specFindings = findings.filter((finding) => finding.location.pointer !== undefined);
  return html`<section><h4>Spec</h4>${definitionList([
    ['Operation', html`${sources.map((source) => html`${place(source.location)} <span class="muted">${source.via}</span><br>`)}`],
    ['Operation id', endpoint.operationId === undefined ? undefined : html`<code>${endpoint.operationId}</code>`],
    ['Summary', endpoint.summary],
    ['Tags', endpoint.tags === undefined || endpoint.tags.length === 0 ? undefined : endpoint.tags.join(', ')],
    ['Parameters', endpoint.parameters.length === 0 ? undefined : html`${endpoint.parameters.map((parameter) => html`<code>${parameter.name}</code> <span class="muted">in ${parameter.in}${parameter.type === undefined ? '' : `, ${parameter.type}`}${parameter.required === true ? ', required' : ''}</span><br>`)}`],
    ['Version', endpoint.version],
    ['Deprecated', endpoint.deprecated ? `yes${endpoint.sunset === undefined ? '' : `, sunset ${endpoint.sunset}`}` : endpoint.sunset === undefined ? 'no' : `no, sunset ${endpoint.sunset}`],
    ['Sensitivity', html`${endpoint.tier}${endpoint.tierReason === undefined ? '' : html` (${prose(endpoint.tierReason)})`}`],
  ])}${snippets(specFindings)}</section>`;
}

const LIVE_TEXT_KEYS = ['request', 'response', 'curl'] as const;
const LIVE_SHOWN = new Set<string>(['snippet', 'liveProbe', 'liveMessage', 'url', ...LIVE_TEXT_KEYS]);

/** What a probe saw on the live target: its message, the URL, the request, the response and a curl line. */
function liveEvidence(finding: Finding): Markup {
  const evidence = finding.evidence ?? {};
  const text = (key: string): string | undefined => (typeof evidence[key] === 'string' ? evidence[key] : undefined);
  const probe = text('liveProbe');
  const message = text('liveMessage');
  const url = text('url');
  const rest = Object.entries(evidence).filter(([key]) => !LIVE_SHOWN.has(key));
  return html`<div class="live">${message === undefined ? '' : html`<p>${prose(message)}${probe === undefined ? '' : html` <span class="muted">(probe <code>${probe}</code>)</span>`}</p>`}${url === undefined ? '' : html`<p>URL <code>${url}</code></p>`}${LIVE_TEXT_KEYS.map((key) => {
    const value = text(key);
    return value === undefined ? '' : html`<h5>${capitalize(key)}</h5><pre><code>${value}</code></pre>`;
  })}${rest.length === 0 ? '' : html`<pre><code>${JSON.stringify(Object.fromEntries(rest), null, 2)}</code></pre>`}</div>`;
}

function livePanel(findings: readonly Finding[]): Markup {
  const live = findings.filter((finding) => finding.confirmedLive === true);
  if (live.length === 0) return html`<section><h4>Live evidence</h4><p class="muted">No live evidence: nothing was confirmed against a running target for this endpoint.</p></section>`;
  return html`<section><h4>Live evidence</h4>${live.map((finding) => html`<p><b>${finding.title}</b></p>${liveEvidence(finding)}`)}</section>`;
}

function drillDown(view: View, endpoint: Endpoint, findings: readonly Finding[]): Markup {
  const list =
    findings.length === 0
      ? html`<p class="muted">No finding on this endpoint.</p>`
      : html`${findings.map((finding) => findingBlock(view, finding, true))}`;
  return html`<div class="drill">${codePanel(endpoint, findings)}${specPanel(endpoint, findings)}${livePanel(findings)}</div><h4>Findings (${findings.length})</h4>${list}`;
}

function relatedItem(view: View, related: RelatedLocation): Markup {
  return html`<li>${place(related.location)}${related.endpointId === undefined ? '' : html` ${endpointRef(view, related.endpointId)}`}${related.checkId === undefined ? '' : html` <span class="muted">by</span> <code>${related.checkId}</code>`}${related.message === undefined ? '' : html`: ${prose(related.message)}`}</li>`;
}

function placesBlock(view: View, finding: Finding, compact: boolean): Markup {
  const related = finding.related ?? [];
  if (related.length === 0) return html``;
  const shown = compact ? related.slice(0, DRILL_DOWN_PLACES) : related;
  const anchor = view.findingAnchor.get(finding);
  const more = related.length - shown.length;
  const rest = more === 0 ? '' : anchor === undefined ? html`<li>and ${more} more</li>` : html`<li><a href="#${anchor}">and ${more} more</a></li>`;
  return html`<p>Same root cause at ${plural(related.length, 'other place')}:</p><ul class="places">${shown.map((item) => relatedItem(view, item))}${rest}</ul>`;
}

/** One root cause: the full form in the findings section, a compact one (a few places) in drill-downs. */
function findingBlock(view: View, finding: Finding, compact = false): Markup {
  const snippet = finding.evidence?.snippet;
  const anchor = compact ? undefined : view.findingAnchor.get(finding);
  return html`<div class="finding s-${finding.severity}"${anchor === undefined ? '' : html` id="${anchor}"`} data-fingerprint="${finding.fingerprint}"><p>${severityBadge(finding.severity)} <b>${finding.title}</b> <span class="muted">${finding.checkId} · ${finding.owasp} · ${finding.cwe.join(', ')} · confidence ${finding.confidence}${finding.confirmedLive === true ? ' · confirmed live' : ''}</span></p><p>${prose(finding.message)}</p><p>At ${place(finding.location)}${finding.endpointId === undefined ? '' : html` · ${endpointRef(view, finding.endpointId)}`}</p>${typeof snippet === 'string' && snippet.trim() !== '' ? html`<pre><code>${snippet}</code></pre>` : ''}${finding.confirmedLive === true ? html`<details class="live-evidence"><summary>Live evidence</summary>${liveEvidence(finding)}</details>` : ''}${placesBlock(view, finding, compact)}<p class="muted">Fingerprint <code>${finding.fingerprint}</code></p></div>`;
}

function groupBlock(view: View, group: FindingGroup): Markup {
  const section = group.findings[0]?.section;
  return html`<details class="group" open data-check="${group.checkId}"><summary>${severityBadge(group.severity)} <b>${group.title}</b> <span class="muted">${owaspLabel(group.owasp)}${section === undefined ? '' : ` · ${SECTIONS[section]}`} · ${plural(group.findings.length, 'root cause')}, ${plural(group.places, 'place')}</span></summary><div><p><b>Why it matters.</b> ${prose(group.rationale)}</p><p><b>How to fix.</b> ${prose(group.remediation)}</p><p class="muted">Check <code>${group.checkId}</code>${group.cwe.length > 0 ? ` · ${group.cwe.join(', ')}` : ''} · confidence ${group.confidences.join(' to ')}</p>${group.findings.map((finding) => findingBlock(view, finding))}</div></details>`;
}

function findingsSection(view: View): Markup {
  const groups = groupFindings(view.result.findings);
  const body =
    groups.length === 0
      ? html`<p>No finding: the ${plural(view.summary.checks, 'check')} that ran found no weakness.</p>`
      : html`${groups.map((group) => groupBlock(view, group))}`;
  return html`<section id="findings"><h2>Findings</h2><p>${plural(view.summary.findings, 'finding')}, one per root cause, grouped by check, most severe first; every place of a root cause is listed under it.</p>${body}</section>`;
}

function diagnosticsSection(view: View): Markup {
  const diagnostics = view.result.diagnostics.filter((diagnostic) => diagnostic.level !== 'info');
  if (diagnostics.length === 0) return html``;
  return html`<section id="diagnostics"><h2>Diagnostics</h2><ul>${diagnostics.map(
    (diagnostic) => html`<li>${diagnostic.level}: ${diagnostic.file === undefined ? '' : html`<code>${diagnostic.file}${diagnostic.line === undefined ? '' : `:${diagnostic.line}`}</code> `}${diagnostic.message}</li>`,
  )}</ul></section>`;
}

function buildView(result: AuditResult): View {
  const apiById = new Map(result.inventory.apis.map((api) => [api.id, api]));
  const name = (apiId: string): string => apiById.get(apiId)?.name ?? apiId;
  const endpoints = [...result.inventory.endpoints].sort(
    (a, b) => compareStrings(name(a.apiId), name(b.apiId)) || compareStrings(a.path, b.path) || compareStrings(a.method, b.method) || compareStrings(a.id, b.id),
  );
  const anchorById = new Map(endpoints.map((endpoint, index) => [endpoint.id, `ep-${index}`]));
  const findingsByEndpoint = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const ids = new Set([finding.endpointId, ...(finding.related ?? []).map((related) => related.endpointId)]);
    for (const id of ids) {
      if (id === undefined) continue;
      const list = findingsByEndpoint.get(id);
      if (list) list.push(finding);
      else findingsByEndpoint.set(id, [finding]);
    }
  }
  for (const list of findingsByEndpoint.values()) list.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  const endpointById = new Map(result.inventory.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const findingAnchor = new Map(result.findings.map((finding, index) => [finding, `f-${index}`]));
  return { result, summary: summarize(result), apiById, endpoints, anchorById, endpointById, findingsByEndpoint, findingAnchor };
}

/**
 * Renders `02-protect.html`: one self-contained page (inline CSS, script and SVG charts) whose
 * Content-Security-Policy forbids every fetch. Secrets are masked and control characters
 * neutralised exactly as for the Markdown; every string from the audited repository is escaped.
 */
export function renderHtml(unmasked: AuditResult): string {
  const view = buildView(sanitizeResult(maskResult(unmasked)));
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${trusted(CONTENT_SECURITY_POLICY)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API Security Audit: ${view.result.name}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
${header(view)}
<main>
${summarySection(view)}
${inventorySection(view)}
${findingsSection(view)}
${diagnosticsSection(view)}
</main>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
  return page.html;
}
