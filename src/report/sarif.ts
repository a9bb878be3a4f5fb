import { isAbsolute, relative } from 'node:path';
import type { AnyCheck } from '../checks/define-check.js';
import { allChecks } from '../checks/index.js';
import { maskResult } from '../engine/mask.js';
import type { AuditResult } from '../engine/result.js';
import type { SuppressedFinding } from '../engine/suppressions.js';
import type { Diagnostic, Finding, Location, OwaspCategory, Severity } from '../model/types.js';
import { OWASP_CATEGORIES } from '../model/types.js';
import { compareStrings } from './format.js';
import { escapeJsonControls } from './sanitize.js';

/** The final OASIS schema of SARIF 2.1.0 (errata 01), as §3.13.3 of the standard asks producers to name it. */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/** The key of apisec's fingerprint in `partialFingerprints`; the version changes if the fingerprint's recipe does. */
export const FINGERPRINT_KEY = 'apisecFingerprint/v1';

export interface SarifOptions {
  /**
   * The directory artifact URIs are relative to (`%SRCROOT%`): the working directory in CI, which
   * is the repository root GitHub code scanning resolves paths against. Defaults to the audited
   * directory; a DIR outside it keeps paths relative to DIR.
   */
  srcRoot?: string;
  /** The checks whose metadata becomes the rules; defaults to the catalogue. */
  catalogue?: readonly AnyCheck[];
}

type Level = 'error' | 'warning' | 'note';

/**
 * GitHub code scanning reads `security-severity` (a CVSS-like score in a string) from a rule:
 * over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. Informational checks have none,
 * so GitHub lists them as notes rather than security alerts.
 */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: undefined,
};

const LEVEL: Record<Severity, Level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** `problem.severity`, the property GitHub shows for rules without a security severity. */
const PROBLEM_SEVERITY: Record<Severity, 'error' | 'warning' | 'recommendation'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'recommendation',
  info: 'recommendation',
};

interface RuleMeta {
  id: string;
  title: string;
  owasp: OwaspCategory;
  cwe: readonly string[];
  severity: Severity;
  confidence: string;
  rationale: string;
  remediation: string;
  experimental: boolean;
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('');
}

/** CodeQL's spelling, which GitHub turns into CWE links: `external/cwe/cwe-079`. */
function cweTag(cwe: string): string | undefined {
  const number = /^CWE-(\d+)$/i.exec(cwe.trim())?.[1];
  return number === undefined ? undefined : `external/cwe/cwe-${number.padStart(3, '0')}`;
}

function ruleObject(meta: RuleMeta, severity: Severity): Record<string, unknown> {
  const owaspName = OWASP_CATEGORIES[meta.owasp];
  const tags = [
    'security',
    `owasp-api-top10-2023/${meta.owasp.replace(':2023', '')}`,
    ...meta.cwe.flatMap((cwe) => cweTag(cwe) ?? []),
    ...(meta.experimental ? ['experimental'] : []),
  ];
  const securitySeverity = SECURITY_SEVERITY[severity];
  const helpText = `${meta.rationale}\n\nRemediation: ${meta.remediation}\n\nOWASP API Security Top 10: ${meta.owasp} ${owaspName}. ${meta.cwe.join(', ')}`;
  const helpMarkdown = `${meta.rationale}\n\n**Remediation.** ${meta.remediation}\n\n**OWASP API Security Top 10:** ${meta.owasp} ${owaspName}. **CWE:** ${meta.cwe.join(', ')}`;
  return {
    id: meta.id,
    name: pascal(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.rationale },
    help: { text: helpText, markdown: helpMarkdown },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      tags,
      precision: meta.confidence === 'high' ? 'high' : meta.confidence === 'medium' ? 'medium' : 'low',
      'problem.severity': PROBLEM_SEVERITY[severity],
      ...(securitySeverity === undefined ? {} : { 'security-severity': securitySeverity }),
      owasp: meta.owasp,
      cwe: [...meta.cwe],
    },
  };
}

function metaOf(check: AnyCheck): RuleMeta {
  return {
    id: check.id,
    title: check.title,
    owasp: check.owasp,
    cwe: check.cwe,
    severity: check.severity,
    confidence: check.confidence,
    rationale: check.rationale,
    remediation: check.remediation,
    experimental: check.experimental === true,
  };
}

function metaOfFinding(finding: Finding): RuleMeta {
  return {
    id: finding.checkId,
    title: finding.title,
    owasp: finding.owasp,
    cwe: finding.cwe,
    severity: finding.severity,
    confidence: finding.confidence,
    rationale: finding.rationale,
    remediation: finding.remediation,
    experimental: false,
  };
}

/** A file path relative to DIR, as a URI reference relative to `%SRCROOT%`. */
function uriOf(file: string, prefix: string): string {
  const joined = prefix === '' ? file : `${prefix}/${file}`;
  return joined
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function region(location: Location): Record<string, number> {
  const out: Record<string, number> = { startLine: Math.max(1, location.line) };
  if (location.column !== undefined && location.column >= 1) out.startColumn = location.column;
  if (location.endLine !== undefined && location.endLine >= Math.max(1, location.line)) {
    out.endLine = location.endLine;
    if (location.endColumn !== undefined && location.endColumn >= 1 && !(location.endLine === location.line && location.endColumn <= (location.column ?? 0))) {
      out.endColumn = location.endColumn;
    }
  }
  return out;
}

function physical(location: Location, prefix: string, snippet?: string): Record<string, unknown> {
  const area: Record<string, unknown> = region(location);
  if (snippet !== undefined && snippet !== '') area.snippet = { text: snippet };
  return {
    artifactLocation: { uri: uriOf(location.file, prefix), uriBaseId: SRCROOT },
    region: area,
  };
}

function locationObject(location: Location, prefix: string, snippet?: string): Record<string, unknown> {
  return {
    physicalLocation: physical(location, prefix, snippet),
    // A spec finding names its node: the JSON pointer is the stable address in the document.
    ...(location.pointer === undefined ? {} : { logicalLocations: [{ fullyQualifiedName: location.pointer, kind: 'member' }] }),
  };
}

function snippetOf(finding: Finding): string | undefined {
  const snippet = finding.evidence?.snippet;
  return typeof snippet === 'string' ? snippet : undefined;
}

function resultObject(
  finding: Finding,
  ruleIndex: number,
  prefix: string,
  extra: { suppression?: SuppressedFinding; baseline: boolean },
): Record<string, unknown> {
  const related = (finding.related ?? []).map((place, index) => ({
    id: index + 1,
    ...locationObject(place.location, prefix),
    message: {
      text: [place.checkId === undefined ? undefined : `${place.checkId}:`, place.message ?? 'Same root cause.', place.endpointId === undefined ? undefined : `(${place.endpointId})`]
        .filter((part) => part !== undefined)
        .join(' '),
    },
  }));
  const suppression = extra.suppression;
  return {
    ruleId: finding.checkId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [locationObject(finding.location, prefix, snippetOf(finding))],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    ...(extra.baseline ? { baselineState: suppression?.by === 'baseline' ? 'unchanged' : 'new' } : {}),
    ...(suppression === undefined || suppression.by === 'baseline'
      ? {}
      : {
          suppressions: [
            {
              kind: suppression.by === 'inline' ? 'inSource' : 'external',
              status: 'accepted',
              justification: suppression.reason,
              ...(suppression.where === undefined ? {} : { location: locationObject(suppression.where, prefix) }),
            },
          ],
        }),
    properties: {
      severity: finding.severity,
      confidence: finding.confidence,
      owasp: finding.owasp,
      ...(finding.endpointId === undefined ? {} : { endpoint: finding.endpointId }),
      ...(finding.occurrences === undefined ? {} : { occurrences: finding.occurrences }),
      ...(finding.confirmedLive === true ? { confirmedLive: true } : {}),
    },
  };
}

function notification(diagnostic: Diagnostic, prefix: string): Record<string, unknown> {
  return {
    level: diagnostic.level === 'info' ? 'note' : diagnostic.level,
    message: { text: diagnostic.message },
    descriptor: { id: diagnostic.source },
    ...(diagnostic.file === undefined
      ? {}
      : { locations: [{ physicalLocation: physical({ file: diagnostic.file, line: diagnostic.line ?? 1 }, prefix) }] }),
  };
}

function prefixOf(root: string, srcRoot: string | undefined): string {
  if (srcRoot === undefined || !isAbsolute(root) || !isAbsolute(srcRoot)) return '';
  const rel = relative(srcRoot, root);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return '';
  return rel.split('\\').join('/');
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.source, b.source) ||
    compareStrings(a.message, b.message)
  );
}

/** The SARIF 2.1.0 log of an audit, as an object; `renderSarif` writes it. */
export function toSarif(unmasked: AuditResult, options: SarifOptions = {}): Record<string, unknown> {
  const result = maskResult(unmasked);
  const prefix = prefixOf(result.root, options.srcRoot);
  const catalogue = new Map((options.catalogue ?? allChecks).map((check) => [check.id, check]));
  // Every finding is in the log: code scanning compares analyses itself, so one missing from a pull
  // request's log would read as fixed. Suppressed ones carry their justification, baselined ones
  // `baselineState: unchanged`.
  const suppressed = result.suppressions?.suppressed ?? [];

  // One rule per check that ran, and per check a finding names (a related place's check included).
  const metas = new Map<string, RuleMeta>();
  const ruleSeverity = new Map<string, Severity>();
  for (const check of result.checks) {
    const known = catalogue.get(check.id);
    if (known) metas.set(check.id, metaOf(known));
    ruleSeverity.set(check.id, check.severity);
  }
  for (const finding of [...result.findings, ...suppressed.map((entry) => entry.finding)]) {
    if (!metas.has(finding.checkId)) {
      const known = catalogue.get(finding.checkId);
      metas.set(finding.checkId, known ? metaOf(known) : metaOfFinding(finding));
    }
  }
  const ids = [...metas.keys()].sort(compareStrings);
  const index = new Map(ids.map((id, position) => [id, position]));
  const rules = ids.flatMap((id) => {
    const meta = metas.get(id);
    return meta === undefined ? [] : [ruleObject(meta, ruleSeverity.get(id) ?? meta.severity)];
  });

  const baseline = result.suppressions?.baselineFile !== undefined;
  const entries = [
    ...result.findings.map((finding) => ({ finding, suppression: undefined as SuppressedFinding | undefined })),
    ...suppressed.map((entry) => ({ finding: entry.finding, suppression: entry })),
  ].sort(
    (a, b) =>
      compareStrings(a.finding.location.file, b.finding.location.file) ||
      a.finding.location.line - b.finding.location.line ||
      (a.finding.location.column ?? 0) - (b.finding.location.column ?? 0) ||
      compareStrings(a.finding.checkId, b.finding.checkId) ||
      compareStrings(a.finding.fingerprint, b.finding.fingerprint),
  );
  const results = entries.map(({ finding, suppression }) =>
    resultObject(finding, index.get(finding.checkId) ?? 0, prefix, { baseline, ...(suppression === undefined ? {} : { suppression }) }),
  );

  const problems = result.suppressions?.problems ?? [];
  const configurationNotes = problems.map((problem) => ({
    level: 'warning',
    message: { text: problem.message },
    descriptor: { id: `suppression-${problem.kind}` },
    locations: [{ physicalLocation: physical(problem.location, prefix) }],
  }));
  const executionNotes = [...result.diagnostics].sort(compareDiagnostics).map((diagnostic) => notification(diagnostic, prefix));

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            semanticVersion: result.tool.version,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            ...(executionNotes.length > 0 ? { toolExecutionNotifications: executionNotes } : {}),
            ...(configurationNotes.length > 0 ? { toolConfigurationNotifications: configurationNotes } : {}),
          },
        ],
        originalUriBaseIds: {
          [SRCROOT]: {
            description: {
              text:
                prefix === ''
                  ? 'The audited directory: artifact URIs are relative to it.'
                  : `The directory apisec ran from; the audited directory is ${prefix}.`,
            },
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
        properties: { name: result.name, date: result.date },
      },
    ],
  };
}

/** Renders `02-protect.sarif`: SARIF 2.1.0, two-space indented, trailing newline, deterministic. */
export function renderSarif(result: AuditResult, options: SarifOptions = {}): string {
  return `${escapeJsonControls(JSON.stringify(toSarif(result, options), null, 2))}\n`;
}
