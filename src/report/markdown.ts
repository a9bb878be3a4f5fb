import { SCOPE_REASON_LABELS, SCOPE_REASONS } from '../workspace/scope.js';
import { allChecks } from '../checks/index.js';
import { maskResult } from '../engine/mask.js';
import { sanitizeResult } from './sanitize.js';
import { suppressionMarkdown } from './suppression-note.js';
import type { AuditResult } from '../engine/result.js';
import type { Api, AuthMechanism, Endpoint, Finding, Presence, SectionId, Tier } from '../model/types.js';
import { SECTIONS, SEVERITIES, TIER_ORDER } from '../model/types.js';
import { groupFindings, groupHeading, headingAnchor, renderFindings } from './findings.js';
import {
  capitalize,
  code,
  compareStrings,
  countList,
  endpointLabel,
  locationLabel,
  methodRank,
  percent,
  plural,
  prose,
  table,
  text,
} from './format.js';
import type { ReportSummary } from './stats.js';
import { API_TYPES, summarize } from './stats.js';
import { liveLines } from './live.js';

export const REPORT_HEADING = 'API Security Audit';
export const REMEDIATION_SECTION = 'Remediation Plan';
/** The seven `##` sections of 02-protect.md, in order (seed 000). */
export const REPORT_SECTIONS = [...Object.values(SECTIONS), REMEDIATION_SECTION] as const;

const DIAGNOSTICS_SHOWN = 20;
const DEPRECATED_SHOWN = 10;
const REMEDIATION_LOCATIONS = 3;

export interface MarkdownOptions {
  /** How seed 000's Phase 0 (Govern) prerequisite was met, when the caller checked it. */
  prerequisite?: 'met' | 'skipped';
}

interface View {
  result: AuditResult;
  options: MarkdownOptions;
  summary: ReportSummary;
  apiById: ReadonlyMap<string, Api>;
  endpointById: ReadonlyMap<string, Endpoint>;
  endpoints: Endpoint[];
  /** Check id → the short id of its finding group (`F1` … in remediation order). */
  shortIds: ReadonlyMap<string, string>;
}

function tierRank(tier: Tier): number {
  return TIER_ORDER.indexOf(tier);
}

function apiName(view: View, apiId: string): string {
  return view.apiById.get(apiId)?.name ?? apiId;
}

function compareEndpoints(view: View) {
  return (a: Endpoint, b: Endpoint): number =>
    compareStrings(apiName(view, a.apiId), apiName(view, b.apiId)) ||
    compareStrings(a.path, b.path) ||
    compareStrings(a.method, b.method) ||
    compareStrings(a.id, b.id);
}

function byRisk(view: View) {
  const base = compareEndpoints(view);
  return (a: Endpoint, b: Endpoint): number =>
    tierRank(a.tier) - tierRank(b.tier) || methodRank(a.method) - methodRank(b.method) || base(a, b);
}

/** Method, path and, when there is more than one API, the API: the first columns of endpoint tables. */
function endpointHeaders(view: View): string[] {
  return view.result.inventory.apis.length > 1 ? ['Method', 'Path', 'API'] : ['Method', 'Path'];
}

function endpointCells(view: View, endpoint: Endpoint): string[] {
  const cells = [endpoint.method, code(endpoint.path)];
  if (view.result.inventory.apis.length > 1) cells.push(code(apiName(view, endpoint.apiId)));
  return cells;
}

function mechanismsLabel(mechanisms: readonly AuthMechanism[]): string {
  return mechanisms.length === 0 ? 'none detected' : mechanisms.join(', ');
}

function sourceLabel(endpoint: Endpoint): string {
  const kinds = new Set(endpoint.sources.map((source) => source.kind));
  const places = endpoint.sources.map((source) => `${source.kind} ${code(locationLabel(source.location))}`);
  if (places.length === 0) return 'unknown';
  return kinds.size > 1 ? `both: ${places.join(', ')}` : places.join(', ');
}

function authLabel(endpoint: Endpoint): string {
  const mechanisms = endpoint.auth.mechanisms.filter((mechanism) => mechanism !== 'none' && mechanism !== 'unknown');
  return mechanisms.length > 0 ? `${endpoint.auth.state}: ${mechanisms.join(', ')}` : endpoint.auth.state;
}

function deprecatedLabel(endpoint: Endpoint): string {
  if (!endpoint.deprecated) return endpoint.sunset === undefined ? 'no' : `no (sunset ${endpoint.sunset})`;
  return endpoint.sunset === undefined ? 'yes' : `yes (sunset ${endpoint.sunset})`;
}

function findingsIn(view: View, section: SectionId): Finding[] {
  return view.result.findings.filter((finding) => finding.section === section);
}

function examined(view: View, section: SectionId): string {
  const checks = view.result.checks.filter((check) => check.section === section).map((check) => check.id).sort(compareStrings);
  const { summary } = view;
  const scope = `${plural(summary.endpoints, 'endpoint')}, ${plural(summary.files.spec, 'spec file')} and ${plural(summary.files.source, 'source file')}`;
  if (checks.length === 0) return `No check of this section applied to what was audited (${scope}).`;
  return `Examined ${scope} with ${plural(checks.length, 'check')}: ${checks.map(code).join(', ')}.`;
}

function findingsBlock(view: View, section: SectionId, level: '###' | '####', what: string): string {
  const findings = findingsIn(view, section);
  if (findings.length === 0) return `No ${what} were found. ${examined(view, section)}`;
  return renderFindings(findings, view.endpointById, level, view.shortIds);
}

function governanceLine(view: View): string[] {
  const govern = code(`.metapowers/security/${view.result.name}/00-govern.md`);
  const { prerequisite } = view.options;
  if (prerequisite === 'met') return [`- Governance (Phase 0): ${govern} is present.`];
  if (prerequisite === 'skipped') {
    return [`- Governance (Phase 0): not checked; bypassed with ${code('--skip-checks')} and logged in ${code('skip-log.md')}.`];
  }
  return [];
}

function preamble(view: View): string {
  const { result, summary } = view;
  const types = countList(API_TYPES.map((type) => [type, summary.apisByType[type]] as const));
  const severities = countList(SEVERITIES.map((severity) => [severity, summary.bySeverity[severity]] as const));
  return [
    `# ${REPORT_HEADING}`,
    '',
    `- Name: ${code(result.name)}`,
    `- Date: ${result.date}`,
    `- Directory: ${code(result.root)}`,
    `- Tool: ${result.tool.name} ${result.tool.version}`,
    ...governanceLine(view),
    ...liveLines(result),
    `- Scope: ${plural(summary.apis, 'API')} (${types}), ${plural(summary.endpoints, 'endpoint')}, ${plural(summary.files.scanned, 'file')} scanned (${plural(summary.files.spec, 'spec file')}, ${plural(summary.files.source, 'source file')}), ${plural(summary.checks, 'check')} run.`,
    `- Findings: ${summary.findings === 0 ? 'none' : `${summary.findings} (${severities})`}. Each is mapped to the OWASP API Security Top 10 (2023); all of them, with every location, are in ${code('02-protect.json')}.`,
  ].join('\n');
}

function apiTable(view: View): string {
  const apis = [...view.result.inventory.apis].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id));
  const rows = apis.map((api) => [
    code(api.name),
    api.kind,
    api.type,
    mechanismsLabel(api.authMechanisms),
    capitalize(api.tier),
    api.versions.length > 0 ? `${api.versioning} (${api.versions.join(', ')})` : api.versioning,
    String(api.endpointIds.length),
    code(locationLabel(api.location)),
  ]);
  const details = apis.map((api) => {
    const deprecated = api.deprecatedEndpointIds
      .map((id) => view.endpointById.get(id))
      .filter((endpoint): endpoint is Endpoint => endpoint !== undefined)
      .map((endpoint) => `${code(endpointLabel(endpoint))}${endpoint.sunset === undefined ? '' : ` (sunset ${endpoint.sunset})`}`);
    const parts = [
      `- ${code(api.name)}: ${text(api.purpose)}`,
      `  Audience: ${text(api.audience)}. Type: ${api.type} (${text(api.typeReason)}).`,
    ];
    if (api.servers.length > 0) parts.push(`  Servers: ${api.servers.map(code).join(', ')}.`);
    const more = deprecated.length - DEPRECATED_SHOWN;
    const listed = `${deprecated.slice(0, DEPRECATED_SHOWN).join(', ')}${more > 0 ? ` and ${more} more (marked in the endpoint table)` : ''}`;
    parts.push(`  Deprecated endpoints still active: ${deprecated.length === 0 ? 'none' : listed}.`);
    return parts.join('\n');
  });
  return [
    table(['API', 'Kind', 'Type', 'Authentication', 'Sensitivity', 'Versioning', 'Endpoints', 'Source'], rows, 'All APIs'),
    '',
    ...details,
  ].join('\n');
}

function endpointTable(view: View): string {
  const rows = view.endpoints.map((endpoint) => [
    ...endpointCells(view, endpoint),
    sourceLabel(endpoint),
    authLabel(endpoint),
    capitalize(endpoint.tier),
    deprecatedLabel(endpoint),
  ]);
  return table([...endpointHeaders(view), 'Source', 'Auth', 'Tier', 'Deprecated'], rows, `All ${view.endpoints.length} endpoints`);
}

function experimentalNote(view: View): string {
  const ran = new Set(view.result.checks.map((check) => check.id));
  const off = allChecks.filter((check) => check.experimental === true && !ran.has(check.id)).map((check) => check.id);
  if (off.length === 0) return '';
  return `\n\n${plural(off.length, 'experimental check')} did not run (under 50% useful precision on real code; ${code('--experimental')} runs them): ${off.map((id) => code(id)).join(', ')}.`;
}

function scopeNote(view: View): string {
  const { excluded, excludedByReason } = view.summary.files;
  if (excluded === 0) return '';
  const reasons = SCOPE_REASONS.flatMap((reason) => {
    const count = excludedByReason[reason];
    return count === undefined ? [] : [`${SCOPE_REASON_LABELS[reason]} ${count}`];
  });
  return (
    `\n\nLeft out of scope: ${plural(excluded, 'file')} that never serve requests (${reasons.join(', ')}); ` +
    `they are listed in neither the inventory nor the findings. ${code('--include-tests')} and the config's ${code('include')} patterns bring them back.`
  );
}

function diagnosticsList(view: View): string {
  const shown = view.result.diagnostics
    .filter((diagnostic) => diagnostic.level !== 'info')
    .sort(
      (a, b) =>
        compareStrings(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || compareStrings(a.message, b.message),
    );
  const infos = view.summary.diagnostics.info;
  const note = infos > 0 ? ` ${plural(infos, 'informational note')} ${infos === 1 ? 'is' : 'are'} in ${code('02-protect.json')}.` : '';
  if (shown.length === 0) {
    return `Every one of the ${plural(view.summary.files.scanned, 'file')} scanned was read without error.${note}`;
  }
  const lines = shown.slice(0, DIAGNOSTICS_SHOWN).map((diagnostic) => {
    const where = diagnostic.file === undefined ? '' : `${code(diagnostic.line === undefined ? diagnostic.file : `${diagnostic.file}:${diagnostic.line}`)} — `;
    return `- ${diagnostic.level}: ${where}${prose(diagnostic.message)} (${text(diagnostic.source)})`;
  });
  const rest = shown.length - DIAGNOSTICS_SHOWN;
  if (rest > 0) lines.push(`- and ${rest} more (see 02-protect.json).`);
  return [`These files could not be read or parsed completely; the rest of the audit went on without them.${note}`, '', ...lines].join('\n');
}

function inventorySection(view: View): string {
  const { summary } = view;
  const types = countList(API_TYPES.map((type) => [type, summary.apisByType[type]] as const));
  const tiers = countList(TIER_ORDER.map((tier) => [tier, summary.apisByTier[tier]] as const));
  const endpointTiers = countList(TIER_ORDER.map((tier) => [tier, summary.endpointsByTier[tier]] as const));
  const head = [
    `## ${SECTIONS.inventory}`,
    '',
    summary.apis === 0
      ? `No API was found: no OpenAPI, GraphQL or gRPC definition and no route in source code among the ${plural(summary.files.scanned, 'file')} scanned.`
      : `${plural(summary.apis, 'API')} by type: ${types}; by data sensitivity: ${tiers}. ${plural(summary.endpoints, 'endpoint')} (${endpointTiers}), ${summary.deprecatedEndpoints} deprecated and still active.`,
  ];
  const parts = [head.join('\n')];
  if (summary.apis > 0) parts.push(`### APIs\n\n${apiTable(view)}`);
  if (summary.endpoints > 0) parts.push(`### Endpoints\n\n${endpointTable(view)}`);
  parts.push(`### Findings\n\n${findingsBlock(view, 'inventory', '####', 'inventory problems (shadow, zombie or deprecated endpoints)')}`);
  parts.push(`### Diagnostics\n\n${diagnosticsList(view)}${scopeNote(view)}${experimentalNote(view)}${suppressionMarkdown(view.result.suppressions)}`);
  return parts.join('\n\n');
}

function mechanismNotes(mechanisms: readonly AuthMechanism[], unprotected: number): string {
  const notes: string[] = [];
  if (mechanisms.length === 0 || mechanisms.every((mechanism) => mechanism === 'none' || mechanism === 'unknown')) {
    notes.push('No authentication mechanism was detected.');
  }
  if (mechanisms.includes('basic')) notes.push('Basic auth sends reusable credentials with every request.');
  if (mechanisms.includes('api-key')) notes.push('API keys are long-lived secrets: confirm rotation, revocation and scoping.');
  if (unprotected > 0) notes.push(`${plural(unprotected, 'endpoint')} without authentication.`);
  return notes.join(' ');
}

/** The API a finding belongs to: through its endpoint, or the spec file that defines the API. */
function apiOf(view: View, finding: Finding): string | undefined {
  if (finding.endpointId !== undefined) {
    const endpoint = view.endpointById.get(finding.endpointId);
    if (endpoint) return endpoint.apiId;
  }
  const owners = view.result.inventory.apis.filter((api) => api.kind !== 'code' && api.location.file === finding.location.file);
  return owners.length === 1 ? owners[0]?.id : undefined;
}

function authenticationSection(view: View): string {
  const parts = [`## ${SECTIONS.authentication}`];
  const authFindings = findingsIn(view, 'authentication');
  const apis = [...view.result.inventory.apis].sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id));
  if (apis.length === 0) {
    parts.push('No API was inventoried, so no authentication mechanism could be assessed.');
  } else {
    const rows = apis.map((api) => {
      const endpoints = view.endpoints.filter((endpoint) => endpoint.apiId === api.id);
      const count = (state: string): number => endpoints.filter((endpoint) => endpoint.auth.state === state).length;
      const findings = authFindings.filter((finding) => apiOf(view, finding) === api.id).length;
      return [
        code(api.name),
        mechanismsLabel(api.authMechanisms),
        String(count('protected')),
        String(count('public')),
        String(count('unprotected')),
        String(count('unknown')),
        String(findings),
        mechanismNotes(api.authMechanisms, count('unprotected')),
      ];
    });
    const shared = authFindings.filter((finding) => apiOf(view, finding) === undefined).length;
    const sharedNote =
      shared > 0 ? `\n\n${plural(shared, 'authentication finding')} concern${shared === 1 ? 's' : ''} code shared by the APIs (middleware, configuration) rather than one API; ${shared === 1 ? 'it is' : 'they are'} listed under Findings below.` : '';
    parts.push(
      `### Mechanisms per API\n\n${table(['API', 'Mechanisms', 'Protected', 'Public', 'Unauthenticated', 'Unknown', 'Findings', 'Notes'], rows, 'All APIs')}${sharedNote}`,
    );
  }
  const rank = byRisk(view);
  const unprotected = view.endpoints.filter((endpoint) => endpoint.auth.state === 'unprotected').sort(rank);
  const unknown = view.endpoints.filter((endpoint) => endpoint.auth.state === 'unknown').sort(rank);
  const row = (endpoint: Endpoint, index: number): string[] => [
    String(index + 1),
    ...endpointCells(view, endpoint),
    capitalize(endpoint.tier),
    sourceLabel(endpoint),
  ];
  const headers = ['#', ...endpointHeaders(view), 'Tier', 'Source'];
  parts.push(
    unprotected.length === 0
      ? `### Unauthenticated endpoints not declared public\n\nNone: of ${plural(view.summary.endpoints, 'endpoint')}, no endpoint was shown to be reachable without authentication unless declared public.`
      : `### Unauthenticated endpoints not declared public\n\n${plural(unprotected.length, 'endpoint')} can be called without authentication and ${unprotected.length === 1 ? 'is' : 'are'} not declared public. Most sensitive and state-changing first; confirm each is meant to be public (and declare it in the config) or protect it.\n\n${table(headers, unprotected.map(row), `All ${unprotected.length} unauthenticated endpoints`)}`,
  );
  if (unknown.length > 0) {
    parts.push(
      `### Endpoints whose authentication could not be determined\n\n${plural(unknown.length, 'endpoint')}: no authentication or public marker could be traced to ${unknown.length === 1 ? 'it' : 'them'} statically. Review ${unknown.length === 1 ? 'it' : 'them'} by hand or probe a running deployment.\n\n${table(headers, unknown.map(row), `All ${unknown.length} endpoints with unknown authentication`)}`,
    );
  }
  parts.push(`### Findings\n\n${findingsBlock(view, 'authentication', '####', 'authentication weaknesses')}`);
  return parts.join('\n\n');
}

function presenceRank(endpoint: Endpoint): number {
  const levels: Presence[] = [endpoint.authorization?.objectLevel ?? 'unknown', endpoint.authorization?.functionLevel ?? 'unknown'];
  if (levels.includes('missing')) return 0;
  return levels.includes('unknown') ? 1 : 2;
}

/**
 * Endpoints known only from an API description carry no evidence either way: one line says how
 * many instead of a table of thousands of "unknown" rows (every one of them is in the JSON).
 */
function coverageRows(
  endpoints: readonly Endpoint[],
  known: (endpoint: Endpoint) => boolean,
  what: string,
): { listed: Endpoint[]; note: string } {
  const specOnly = (endpoint: Endpoint): boolean => !known(endpoint) && endpoint.sources.every((source) => source.kind !== 'code');
  const listed = endpoints.filter((endpoint) => !specOnly(endpoint));
  const hidden = endpoints.length - listed.length;
  const note =
    hidden === 0
      ? ''
      : `\n\n${plural(hidden, 'endpoint')} ${hidden === 1 ? 'is' : 'are'} known only from API descriptions, which do not say ${what}: ${hidden === 1 ? 'it is' : 'they are'} not listed here (all are in \`02-protect.json\`). Audit the code that serves ${hidden === 1 ? 'it' : 'them'} to decide.`;
  return { listed, note };
}

function authorizationSection(view: View): string {
  const { objectLevel, functionLevel } = view.summary.authorization;
  const total = view.summary.endpoints;
  const line = (label: string, counts: Record<Presence, number>): string =>
    `- ${label}: present on ${counts.present}, missing on ${counts.missing}, unknown on ${counts.unknown} of ${plural(total, 'endpoint')}.`;
  const parts = [`## ${SECTIONS.authorization}`];
  if (total === 0) {
    parts.push('No endpoint was inventoried, so authorization coverage could not be assessed.');
  } else {
    const rank = byRisk(view);
    const known = (endpoint: Endpoint): boolean =>
      endpoint.authorization !== undefined && (endpoint.authorization.objectLevel !== 'unknown' || endpoint.authorization.functionLevel !== 'unknown');
    const { listed, note } = coverageRows(view.endpoints, known, 'how authorization is enforced');
    const endpoints = [...listed].sort((a, b) => presenceRank(a) - presenceRank(b) || rank(a, b));
    const rows = endpoints.map((endpoint) => [
      ...endpointCells(view, endpoint),
      capitalize(endpoint.tier),
      endpoint.authorization?.objectLevel ?? 'unknown',
      endpoint.authorization?.functionLevel ?? 'unknown',
      endpoint.authorization?.detail === undefined ? '' : text(endpoint.authorization.detail),
    ]);
    parts.push(
      [
        line('Object-level (ownership or tenant check)', objectLevel),
        line('Function-level (role or permission check)', functionLevel),
      ].join('\n'),
      `### Coverage\n\nGaps first. "unknown" means no evidence either way was found statically.${note}${rows.length === 0 ? '' : `\n\n${table([...endpointHeaders(view), 'Tier', 'Object-level', 'Function-level', 'Evidence'], rows, `All ${rows.length} endpoints`)}`}`,
    );
  }
  parts.push(`### Findings\n\n${findingsBlock(view, 'authorization', '####', 'authorization weaknesses')}`);
  return parts.join('\n\n');
}

function rateLimitSection(view: View): string {
  const { covered, total } = view.summary.rateLimiting;
  const parts = [`## ${SECTIONS['rate-limiting']}`];
  if (total === 0) {
    parts.push('No endpoint was inventoried, so rate-limit coverage could not be assessed.');
  } else {
    const missing = view.endpoints.filter((endpoint) => endpoint.rateLimit?.state === 'missing').length;
    parts.push(
      `Rate limiting is set on ${covered} of ${plural(total, 'endpoint')} (${percent(covered, total)}); provably missing on ${missing}, unknown on ${total - covered - missing}.`,
    );
    const state = (endpoint: Endpoint): number => ['missing', 'unknown', 'present'].indexOf(endpoint.rateLimit?.state ?? 'unknown');
    const rank = byRisk(view);
    const { listed, note } = coverageRows(view.endpoints, (endpoint) => (endpoint.rateLimit?.state ?? 'unknown') !== 'unknown', 'whether requests are rate limited');
    const rows = [...listed]
      .sort((a, b) => state(a) - state(b) || rank(a, b))
      .map((endpoint) => [
        ...endpointCells(view, endpoint),
        capitalize(endpoint.tier),
        endpoint.rateLimit?.state ?? 'unknown',
        endpoint.rateLimit?.limit === undefined ? '' : code(endpoint.rateLimit.limit),
        endpoint.rateLimit?.where === undefined ? '' : code(locationLabel(endpoint.rateLimit.where)),
        endpoint.rateLimit?.scope === undefined ? '' : text(endpoint.rateLimit.scope),
      ]);
    parts.push(
      `### Coverage${note}${rows.length === 0 ? '' : `\n\n${table([...endpointHeaders(view), 'Tier', 'Rate limit', 'Limit', 'Where set', 'Scope or reason'], rows, `All ${rows.length} endpoints`)}`}`,
    );
  }
  parts.push(`### Findings\n\n${findingsBlock(view, 'rate-limiting', '####', 'rate-limiting or resource-consumption weaknesses')}`);
  return parts.join('\n\n');
}

function inputValidationSection(view: View): string {
  const count = (where: readonly string[]): number =>
    view.endpoints.filter((endpoint) => endpoint.parameters.some((parameter) => where.includes(parameter.in))).length;
  const intro =
    view.summary.endpoints === 0
      ? 'No endpoint was inventoried; the checks below read the specs and source code directly.'
      : `Of ${plural(view.summary.endpoints, 'endpoint')}: ${count(['body', 'form'])} with a request body, ${count(['query'])} with query parameters, ${count(['path'])} with path parameters.`;
  return [`## ${SECTIONS['input-validation']}`, intro, findingsBlock(view, 'input-validation', '###', 'input-validation, injection or error-handling weaknesses')].join('\n\n');
}

function corsSection(view: View): string {
  const servers = [...new Set(view.result.inventory.apis.flatMap((api) => api.servers))].sort(compareStrings);
  const plain = servers.filter((server) => server.startsWith('http://'));
  const intro =
    servers.length === 0
      ? 'No server URL is declared in the specs.'
      : `${plural(servers.length, 'server URL')} declared in the specs, ${plain.length} over plain HTTP${plain.length > 0 ? `: ${plain.map(code).join(', ')}` : ''}.`;
  return [`## ${SECTIONS['cors-transport']}`, intro, findingsBlock(view, 'cors-transport', '###', 'CORS or transport-security weaknesses')].join('\n\n');
}

function remediationSection(view: View): string {
  const groups = groupFindings(view.result.findings);
  const head = `## ${REMEDIATION_SECTION}`;
  if (groups.length === 0) {
    const { authentication } = view.summary;
    const unknown = authentication.unknown > 0 ? ` ${plural(authentication.unknown, 'endpoint')} with undetermined authentication still deserve a manual review.` : '';
    const left = view.result.suppressions?.suppressed.length ?? 0;
    const found = left === 0 ? 'found no weakness' : `found nothing new: ${plural(left, 'finding')} ${left === 1 ? 'was' : 'were'} suppressed or in the baseline (see Diagnostics)`;
    return `${head}\n\nNothing to fix: the ${plural(view.summary.checks, 'check')} that ran ${found}.${unknown}`;
  }
  const sectionOf = new Map(view.result.findings.map((finding) => [finding.checkId, finding.section]));
  const items = groups.map((group, index) => {
    const first = group.findings.slice(0, REMEDIATION_LOCATIONS).map((finding) => code(locationLabel(finding.location)));
    const rest = group.findings.length - first.length;
    const section = sectionOf.get(group.checkId);
    const shortId = view.shortIds.get(group.checkId) ?? `F${index + 1}`;
    const heading = groupHeading(group, shortId);
    const where = `${first.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
    return `${index + 1}. **${capitalize(group.severity)}** [${heading}](#${headingAnchor(heading)}) — ${group.owasp}; ${section === undefined ? '' : `${SECTIONS[section]}; `}${plural(group.places, 'place')}: ${where}.`;
  });
  return `${head}\n\nOne item per root cause, most severe first; each links to its finding, which says how to fix it.\n\n${items.join('\n')}${checklistBlock(view)}`;
}

const CHECKLIST_MARK = { pass: '✓', fail: '✗', unknown: 'unknown' } as const;

/** Seed 003's Quick Security Review Checklist, closing the plan: each item with what decided it. */
function checklistBlock(view: View): string {
  const items = view.result.checklist;
  if (items === undefined || items.length === 0) return '';
  const groups = groupFindings(view.result.findings);
  const links = new Map(
    groups.map((group) => {
      const heading = groupHeading(group, view.shortIds.get(group.checkId) ?? '');
      return [group.checkId, `[${view.shortIds.get(group.checkId) ?? group.checkId}](#${headingAnchor(heading)})`];
    }),
  );
  // Every line cites where it was decided: a ✗ links to its findings, or lists its evidence (inventory, experimental checks).
  const rows = items.map((item) => {
    const findings = (item.findings ?? []).flatMap((id) => {
      const link = links.get(id);
      return link === undefined ? [] : [link];
    });
    const evidence = (item.evidence ?? []).map((entry) => code(locationLabel(entry.location)));
    const decided = [findings.length > 0 ? `${findings.join(', ')}: ` : '', prose(item.reason), evidence.length > 0 && findings.length === 0 ? ` Evidence: ${evidence.join(', ')}.` : ''].join('');
    return [item.group, text(item.item), CHECKLIST_MARK[item.status], decided];
  });
  const count = (status: keyof typeof CHECKLIST_MARK): number => items.filter((item) => item.status === status).length;
  return [
    '',
    '',
    '### Quick Security Review Checklist',
    '',
    `Seed 003's checklist: ${count('pass')} ✓, ${count('fail')} ✗, ${count('unknown')} unknown. ✓ only on evidence that the practice is in place, ✗ on a finding (or evidence) that it is not, unknown otherwise: the absence of a finding is not a ✓.`,
    '',
    table(['Area', 'Item', 'Status', 'Decided by'], rows),
  ].join('\n');
}

/** Renders `02-protect.md`: the heading, a preamble and seed 000's seven sections, in order. */
export function renderMarkdown(unmasked: AuditResult, options: MarkdownOptions = {}): string {
  const result = sanitizeResult(maskResult(unmasked));
  const apiById = new Map(result.inventory.apis.map((api) => [api.id, api]));
  const endpointById = new Map(result.inventory.endpoints.map((endpoint) => [endpoint.id, endpoint]));
  const shortIds = new Map(groupFindings(result.findings).map((group, index) => [group.checkId, `F${index + 1}`]));
  const view: View = { result, options, summary: summarize(result), apiById, endpointById, endpoints: [], shortIds };
  view.endpoints = [...result.inventory.endpoints].sort(compareEndpoints(view));
  const sections = [
    preamble(view),
    inventorySection(view),
    authenticationSection(view),
    authorizationSection(view),
    rateLimitSection(view),
    inputValidationSection(view),
    corsSection(view),
    remediationSection(view),
  ];
  return `${sections.join('\n\n')}\n`;
}
