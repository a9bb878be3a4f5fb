import { createHash } from 'node:crypto';
import type { AnyCheck, CheckTarget, ReportDescriptor } from '../checks/define-check.js';
import type { Confidence, Diagnostic, Finding, Severity } from '../model/types.js';
import { SEVERITIES } from '../model/types.js';
import type { CheckContext } from './context.js';
import { maskSecrets } from './mask.js';

const TEMPLATE = /\{\{\s*(\w+)\s*\}\}/g;

export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  return template.replace(TEMPLATE, (whole, key: string) => {
    const value = data?.[key];
    return value === undefined ? whole : String(value);
  });
}

function normaliseSnippet(snippet: string): string {
  return snippet.replace(/\s+/g, ' ').trim();
}

export function fingerprintOf(checkId: string, descriptor: ReportDescriptor<string>, message: string): string {
  const { location } = descriptor;
  // Lines move when code is edited above a finding; the pointer, snippet or key do not.
  const anchor =
    descriptor.key ??
    location.pointer ??
    (typeof descriptor.evidence?.snippet === 'string' ? normaliseSnippet(descriptor.evidence.snippet) : message);
  // Identical lines in two handlers of one file are two findings: the endpoint tells them apart.
  const endpoint = descriptor.endpointId ?? '';
  return createHash('sha256').update(`${checkId}\u0000${location.file}\u0000${anchor}\u0000${endpoint}`).digest('hex').slice(0, 32);
}

function hasTarget(ctx: CheckContext, target: CheckTarget): boolean {
  switch (target) {
    case 'openapi':
      return ctx.specs.length > 0;
    case 'graphql':
      return ctx.graphql.length > 0 || ctx.sources.length > 0;
    case 'proto':
      return ctx.protos.length > 0;
    case 'code':
      return ctx.sources.length > 0;
    case 'inventory':
      return ctx.inventory.endpoints.length > 0;
  }
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
    a.location.line - b.location.line ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0) ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}

export interface CheckRunResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
  ran: AnyCheck[];
}

/**
 * Runs every applicable check over one shared context. A check that throws becomes a
 * diagnostic and the audit goes on; duplicate fingerprints are reported once.
 */
export function runChecks(checks: readonly AnyCheck[], ctx: CheckContext): CheckRunResult {
  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  const ran: AnyCheck[] = [];
  const seen = new Set<string>();
  const disabled = new Set(ctx.config.disabledChecks);

  for (const check of checks) {
    if (disabled.has(check.id)) continue;
    if (!check.targets.some((target) => hasTarget(ctx, target))) continue;
    ran.push(check);
    const report = (descriptor: ReportDescriptor<string>): void => {
      const template = check.messages[descriptor.messageId];
      if (template === undefined) throw new Error(`unknown messageId ${descriptor.messageId}`);
      const message = formatMessage(template, descriptor.data);
      const fingerprint = fingerprintOf(check.id, descriptor, message);
      if (seen.has(fingerprint)) return;
      seen.add(fingerprint);
      const evidence = descriptor.evidence
        ? {
            ...descriptor.evidence,
            ...(typeof descriptor.evidence.snippet === 'string' ? { snippet: maskSecrets(descriptor.evidence.snippet) } : {}),
          }
        : undefined;
      const confidence = descriptor.confidence ?? check.confidence;
      findings.push({
        checkId: check.id,
        title: check.title,
        message: maskSecrets(message),
        owasp: check.owasp,
        cwe: check.cwe,
        severity: settledSeverity(check.severity, descriptor.severity, confidence),
        confidence,
        section: check.section,
        location: descriptor.location,
        ...(descriptor.endpointId === undefined ? {} : { endpointId: descriptor.endpointId }),
        ...(evidence === undefined ? {} : { evidence }),
        rationale: check.rationale,
        remediation: check.remediation,
        ...(descriptor.occurrences === undefined ? {} : { occurrences: descriptor.occurrences }),
        fingerprint,
      });
    };
    try {
      check.run(ctx, report);
    } catch (error) {
      diagnostics.push({
        level: 'error',
        source: `check:${check.id}`,
        message: `Check ${check.id} crashed and was skipped: ${error instanceof Error ? error.message : String(error)}.`,
      });
    }
  }
  findings.sort(compareFindings);
  return { findings, diagnostics, ran };
}

/**
 * Exposure may raise a finding above its check's severity only when the finding is certain: a
 * heuristic (a field name, a path word) escalated to critical erodes trust in every critical.
 */
export function settledSeverity(base: Severity, reported: Severity | undefined, confidence: Confidence): Severity {
  if (reported === undefined) return base;
  if (confidence !== 'high' && severityRank(reported) < severityRank(base)) return base;
  return reported;
}

export function severityRank(severity: string): number {
  const index = (SEVERITIES as readonly string[]).indexOf(severity);
  return index < 0 ? SEVERITIES.length : index;
}
