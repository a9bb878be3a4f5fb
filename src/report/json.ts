import { maskResult } from '../engine/mask.js';
import { escapeJsonControls } from './sanitize.js';
import type { AuditResult, CheckSummary } from '../engine/result.js';
import type { ChecklistItem } from '../checklist/checklist.js';
import type { SuppressionKind, SuppressionProblem, SuppressionReport } from '../engine/suppressions.js';
import type { Api, Diagnostic, Endpoint, Finding, Location } from '../model/types.js';
import { compareStrings } from './format.js';
import type { ReportSummary } from './stats.js';
import { summarize } from './stats.js';

export const SCHEMA_VERSION = 1;

/** The `02-protect.json` document; see docs/report-schema.md. */
export interface JsonReport {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: AuditResult['tool'];
  name: string;
  date: string;
  root: string;
  summary: ReportSummary;
  apis: Api[];
  endpoints: Endpoint[];
  findings: Finding[];
  diagnostics: Diagnostic[];
  checks: CheckSummary[];
  /** The live part (`--target`, `apisec probe`), when a target was probed. */
  live?: NonNullable<AuditResult['live']>;
  /** Present when something was suppressed, baselined or overridden, or a suppression has a problem. */
  suppressions?: JsonSuppressions;
  /** Seed 003's Quick Security Review Checklist: each item pass (✓) / fail (✗) / unknown, with what decided it. */
  checklist?: ChecklistItem[];
}

export interface JsonSuppressions {
  inline: number;
  config: number;
  baseline: number;
  baselineFile?: string;
  /** Findings whose severity `severityOverrides` changed (they are in `findings`). */
  severityOverridden: number;
  /** Each finding left out: how, why, where the suppression is, and enough to recognise it. */
  findings: { by: SuppressionKind; reason: string; where?: Location; checkId: string; severity: string; location: Location; fingerprint: string }[];
  problems: SuppressionProblem[];
}

type Keys<T> = readonly (keyof T & string)[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of `value` with `keys` first, in that order, then any other key sorted; undefined
 * values are dropped, so the same result always serialises to the same bytes.
 */
function ordered<T extends object>(value: T, keys: Keys<T>, nested: Partial<Record<keyof T & string, (v: unknown) => unknown>> = {}): T {
  const source = value as Record<string, unknown>;
  const rest = Object.keys(source)
    .filter((key) => !(keys as readonly string[]).includes(key))
    .sort(compareStrings);
  const out: Record<string, unknown> = {};
  for (const key of [...keys, ...rest]) {
    const item = source[key];
    if (item === undefined) continue;
    // Keys can be text from the audited code (`toString`, `__proto__`): own properties only, defined not assigned.
    const transform = Object.hasOwn(nested, key) ? (nested as Record<string, ((v: unknown) => unknown) | undefined>)[key] : undefined;
    Object.defineProperty(out, key, { value: transform ? transform(item) : item, enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (!isRecord(value)) return value;
  return ordered(value, [], Object.fromEntries(Object.keys(value).map((key) => [key, sortedDeep])));
}

const LOCATION_KEYS: Keys<Location> = ['file', 'line', 'column', 'endLine', 'endColumn', 'pointer'];
const location = (value: unknown): unknown => (isRecord(value) ? ordered(value as unknown as Location, LOCATION_KEYS) : value);

function orderApi(api: Api): Api {
  return ordered(
    api,
    ['id', 'name', 'kind', 'location', 'type', 'typeReason', 'purpose', 'audience', 'tier', 'authMechanisms', 'versioning', 'versions', 'servers', 'endpointIds', 'deprecatedEndpointIds'],
    { location },
  );
}

function orderEndpoint(endpoint: Endpoint): Endpoint {
  return ordered(
    endpoint,
    ['id', 'apiId', 'method', 'path', 'protocol', 'sources', 'operationId', 'summary', 'tags', 'handler', 'parameters', 'auth', 'authorization', 'rateLimit', 'deprecated', 'sunset', 'version', 'type', 'tier', 'tierReason'],
    {
      sources: (value) =>
        Array.isArray(value) ? value.map((source: unknown) => (isRecord(source) ? ordered(source, ['kind', 'via', 'location'], { location }) : source)) : value,
      handler: location,
      parameters: (value) =>
        Array.isArray(value) ? value.map((parameter: unknown) => (isRecord(parameter) ? ordered(parameter, ['name', 'in', 'required', 'type']) : parameter)) : value,
      auth: (value) => (isRecord(value) ? ordered(value, ['state', 'mechanisms', 'scope', 'where', 'detail', 'scopes'], { where: location }) : value),
      authorization: (value) => (isRecord(value) ? ordered(value, ['objectLevel', 'functionLevel', 'detail']) : value),
      rateLimit: (value) => (isRecord(value) ? ordered(value, ['state', 'limit', 'where', 'scope'], { where: location }) : value),
    },
  );
}

function orderFinding(finding: Finding): Finding {
  return ordered(
    finding,
    ['checkId', 'title', 'severity', 'confidence', 'owasp', 'cwe', 'section', 'message', 'location', 'endpointId', 'evidence', 'occurrences', 'related', 'confirmedLive', 'rationale', 'remediation', 'fingerprint'],
    {
      location,
      related: (value) =>
        Array.isArray(value) ? value.map((item: unknown) => (isRecord(item) ? ordered(item, ['location', 'endpointId', 'checkId', 'message'], { location }) : item)) : value,
      evidence: (value) => (isRecord(value) ? ordered(value, ['snippet'], Object.fromEntries(Object.keys(value).map((key) => [key, sortedDeep]))) : value) },
  );
}

function orderDiagnostic(diagnostic: Diagnostic): Diagnostic {
  return ordered(diagnostic, ['level', 'file', 'line', 'message', 'source']);
}

function orderCheck(check: CheckSummary): CheckSummary {
  return ordered(check, ['id', 'title', 'owasp', 'severity', 'section']);
}

function suppressionsOf(report: SuppressionReport | undefined): JsonSuppressions | undefined {
  if (report === undefined) return undefined;
  const { counts, suppressed, problems, overridden } = report;
  if (suppressed.length === 0 && problems.length === 0 && overridden === 0 && report.baselineFile === undefined) return undefined;
  return {
    inline: counts.inline,
    config: counts.config,
    baseline: counts.baseline,
    ...(report.baselineFile === undefined ? {} : { baselineFile: report.baselineFile }),
    severityOverridden: overridden,
    findings: suppressed.map(({ by, reason, where, finding }) => ({
      by,
      reason,
      ...(where === undefined ? {} : { where: ordered(where, LOCATION_KEYS) }),
      checkId: finding.checkId,
      severity: finding.severity,
      location: ordered(finding.location, LOCATION_KEYS),
      fingerprint: finding.fingerprint,
    })),
    problems: problems.map((problem) => ({ kind: problem.kind, location: ordered(problem.location, LOCATION_KEYS), message: problem.message })),
  };
}

/** Builds the JSON report object: every finding, keys in a fixed order, arrays sorted. */
export function toJsonReport(unmasked: AuditResult): JsonReport {
  const result = maskResult(unmasked);
  const suppressions = suppressionsOf(result.suppressions);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: result.tool.name, version: result.tool.version },
    name: result.name,
    date: result.date,
    root: result.root,
    summary: summarize(result),
    apis: [...result.inventory.apis].sort((a, b) => compareStrings(a.id, b.id)).map(orderApi),
    endpoints: [...result.inventory.endpoints].sort((a, b) => compareStrings(a.id, b.id)).map(orderEndpoint),
    findings: result.findings.map(orderFinding),
    diagnostics: [...result.diagnostics]
      .sort(
        (a, b) =>
          compareStrings(a.file ?? '', b.file ?? '') ||
          (a.line ?? 0) - (b.line ?? 0) ||
          compareStrings(a.source, b.source) ||
          compareStrings(a.message, b.message),
      )
      .map(orderDiagnostic),
    checks: [...result.checks].sort((a, b) => compareStrings(a.id, b.id)).map(orderCheck),
    ...(suppressions === undefined ? {} : { suppressions }),
    ...(result.checklist === undefined ? {} : { checklist: result.checklist }),
    ...(result.live === undefined ? {} : { live: sortedDeep(result.live) as NonNullable<AuditResult['live']> }),
  };
}

/** Renders `02-protect.json`: two-space indented, trailing newline. */
export function renderJson(result: AuditResult): string {
  return `${escapeJsonControls(JSON.stringify(toJsonReport(result), null, 2))}\n`;
}
