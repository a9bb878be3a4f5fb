import { createHash } from 'node:crypto';
import type { AnyCheck, CheckTarget, ReportDescriptor } from '../checks/define-check.js';
import type { Confidence, Diagnostic, Finding, RelatedLocation, Severity } from '../model/types.js';
import { SEVERITIES } from '../model/types.js';
import type { CheckContext } from './context.js';
import { maskDeep, maskSecrets, type KnownSecrets } from './mask.js';
import { collectKnownSecrets } from './secrets.js';

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
  /** Experimental checks left off because `experimental` was not set. */
  experimentalOff: AnyCheck[];
  /**
   * Experimental checks named by `evidenceChecks` that ran anyway with `experimental` off, and what they
   * found: evidence for the checklist only, never reported, counted, suppressed or gated on.
   */
  silent: { findings: Finding[]; ran: AnyCheck[] };
}

export interface RunChecksOptions {
  /** Runs the checks marked `experimental` too (`--experimental`); they are off by default. */
  experimental?: boolean;
  /** Experimental checks to run silently when `experimental` is off, for the checklist's evidence (see `silent`). */
  evidenceChecks?: ReadonlySet<string>;
  /** Secrets to mask, when the context's own sources do not hold them all (the spec checks run without sources). */
  secrets?: KnownSecrets;
}

/** What one context's checks found before sorting and grouping: a unit of the audit (see engine/units.ts) returns this. */
export interface RawCheckRun {
  /** In the order reported; fingerprints unique within the run. */
  findings: Finding[];
  /** Index into `findings` → the root cause the check named for it. */
  rootCauses: [number, string][];
  diagnostics: Diagnostic[];
  /** Check ids, in catalogue order. */
  ran: string[];
  experimentalOff: string[];
  /** The silent run of `evidenceChecks` (experimental off), itself raw. */
  silent?: RawCheckRun;
  /** The project folders of the unit that ran (split projects), to pick the copy of a finding several units report. */
  roots?: readonly string[];
}

/**
 * Runs every applicable check over one shared context. A check that throws becomes a
 * diagnostic and the audit goes on; duplicate fingerprints are reported once.
 */
export function runChecks(checks: readonly AnyCheck[], ctx: CheckContext, options: RunChecksOptions = {}): CheckRunResult {
  return finishChecks([runChecksRaw(checks, ctx, options)], checks);
}

/**
 * Whether `runChecksRaw` runs `check` (when the context has its targets) with these options, directly
 * or silently for the checklist's evidence: false for a disabled check, and for an experimental one
 * that is off and gives no evidence. Such a check needs no syntax tree.
 */
export function mayRun(check: AnyCheck, disabledChecks: readonly string[], options: Pick<RunChecksOptions, 'experimental' | 'evidenceChecks'>): boolean {
  if (disabledChecks.includes(check.id)) return false;
  return check.experimental !== true || options.experimental === true || options.evidenceChecks?.has(check.id) === true;
}

/** The checks' findings on one context, ungrouped (`finishChecks` sorts, merges and groups the runs of several contexts). */
export function runChecksRaw(checks: readonly AnyCheck[], ctx: CheckContext, options: RunChecksOptions = {}): RawCheckRun {
  const findings: Finding[] = [];
  const diagnostics: Diagnostic[] = [];
  const ran: string[] = [];
  const experimentalOff: AnyCheck[] = [];
  const seen = new Set<string>();
  const rootCauses: [number, string][] = [];
  const disabled = new Set(ctx.config.disabledChecks);
  const secrets = options.secrets ?? knownSecretsOf(ctx);

  for (const check of checks) {
    if (disabled.has(check.id)) continue;
    if (check.experimental === true && options.experimental !== true) {
      experimentalOff.push(check);
      continue;
    }
    if (!check.targets.some((target) => hasTarget(ctx, target))) continue;
    ran.push(check.id);
    const report = (descriptor: ReportDescriptor<string>): void => {
      const template = check.messages[descriptor.messageId];
      if (template === undefined) throw new Error(`unknown messageId ${descriptor.messageId}`);
      const message = formatMessage(template, descriptor.data);
      const fingerprint = fingerprintOf(check.id, descriptor, message);
      if (seen.has(fingerprint)) return;
      seen.add(fingerprint);
      const evidence = descriptor.evidence ? maskDeep(descriptor.evidence, secrets) : undefined;
      const confidence = descriptor.confidence ?? check.confidence;
      const finding: Finding = {
        checkId: check.id,
        title: check.title,
        message: maskSecrets(message, secrets),
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
      };
      if (descriptor.rootCause !== undefined) rootCauses.push([findings.length, descriptor.rootCause]);
      findings.push(finding);
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
  const raw: RawCheckRun = { findings, rootCauses, diagnostics, ran, experimentalOff: experimentalOff.map((check) => check.id) };
  // A separate run: silent findings never share the reported ones' de-duplication or grouping.
  const evidenceChecks = options.evidenceChecks;
  const quiet = evidenceChecks === undefined ? [] : experimentalOff.filter((check) => evidenceChecks.has(check.id));
  if (quiet.length > 0) raw.silent = runChecksRaw(quiet, ctx, { experimental: true, ...(options.secrets === undefined ? {} : { secrets: options.secrets }) });
  return raw;
}

/**
 * The raw runs of disjoint parts of one check list, made on copies of one context, as the one run
 * `runChecksRaw` makes of the whole list: each check's findings and diagnostics in `order` (the
 * list's ids), a check's own in the order it reported them. Fingerprints carry the check's id, so
 * no two parts share one.
 */
export function mergeRawParts(parts: readonly RawCheckRun[], order: readonly string[]): RawCheckRun {
  const rank = new Map(order.map((id, index) => [id, index]));
  const rankOf = (id: string): number => rank.get(id) ?? order.length;
  const entries = parts.flatMap((part) => {
    const causes = new Map(part.rootCauses);
    return part.findings.map((finding, index) => ({ finding, cause: causes.get(index) }));
  });
  // Array.prototype.sort is stable: a check's findings keep their order.
  entries.sort((a, b) => rankOf(a.finding.checkId) - rankOf(b.finding.checkId));
  const rootCauses: [number, string][] = [];
  entries.forEach((entry, index) => {
    if (entry.cause !== undefined) rootCauses.push([index, entry.cause]);
  });
  const checkOf = (diagnostic: Diagnostic): string => (diagnostic.source.startsWith('check:') ? diagnostic.source.slice('check:'.length) : '');
  const diagnostics = parts.flatMap((part) => part.diagnostics).sort((a, b) => rankOf(checkOf(a)) - rankOf(checkOf(b)));
  const inOrder = (ids: string[]): string[] => ids.sort((a, b) => rankOf(a) - rankOf(b));
  const merged: RawCheckRun = {
    findings: entries.map((entry) => entry.finding),
    rootCauses,
    diagnostics,
    ran: inOrder(parts.flatMap((part) => part.ran)),
    experimentalOff: inOrder(parts.flatMap((part) => part.experimentalOff)),
  };
  const silent = parts.flatMap((part) => (part.silent === undefined ? [] : [part.silent]));
  if (silent.length > 0) merged.silent = mergeRawParts(silent, order);
  return merged;
}

/**
 * Merges the raw runs of one or more contexts (in order; a fingerprint seen in an earlier run is
 * dropped), then sorts and groups: one root cause, one place, one spec copy, code over spec.
 */
export function finishChecks(runs: readonly RawCheckRun[], checks: readonly AnyCheck[]): CheckRunResult {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const inCatalogue = (ids: Iterable<string>): AnyCheck[] => {
    const wanted = new Set(ids);
    return checks.filter((check) => wanted.has(check.id));
  };
  const findings: Finding[] = [];
  const rootCauses = new Map<Finding, string>();
  const diagnostics: Diagnostic[] = [];
  const chosen = ownerCopies(runs);
  const seen = new Set<string>();
  const diagnosticKeys = new Set<string>();
  for (const run of runs) {
    const causes = new Map(run.rootCauses);
    run.findings.forEach((finding, index) => {
      if (seen.has(finding.fingerprint)) return;
      seen.add(finding.fingerprint);
      const owner = chosen.get(finding.fingerprint);
      const copy = owner?.finding ?? finding;
      findings.push(copy);
      const cause = owner ? owner.cause : causes.get(index);
      if (cause !== undefined) rootCauses.set(copy, cause);
    });
    for (const diagnostic of run.diagnostics) {
      // A check that crashes in two units is one diagnostic.
      const key = JSON.stringify(diagnostic);
      if (diagnosticKeys.has(key)) continue;
      diagnosticKeys.add(key);
      diagnostics.push(diagnostic);
    }
  }
  const ran = inCatalogue(runs.flatMap((run) => run.ran));
  const experimentalOff = inCatalogue(runs.flatMap((run) => run.experimentalOff)).filter((check) => byId.has(check.id));
  findings.sort(compareFindings);
  const grouped = mergeCounterparts(groupSpecCopies(groupSamePlace(groupRootCauses(findings, rootCauses), rootCauses)), ran);
  const silentRuns = runs.flatMap((run) => (run.silent === undefined ? [] : [run.silent]));
  const silent: CheckRunResult['silent'] = { findings: [], ran: [] };
  if (silentRuns.length > 0) {
    const finished = finishChecks(silentRuns, checks);
    diagnostics.push(...finished.diagnostics);
    silent.findings = finished.findings;
    silent.ran = finished.ran;
  }
  return { findings: grouped, diagnostics, ran, experimentalOff, silent };
}

/**
 * A finding several units report (a workspace file every project reads, such as a schema or a proxy
 * configuration) is described by the unit of the project that holds its file: that unit has the code
 * around it, and the copy kept must not depend on how the workspace was cut into units. Fingerprints
 * without such an owner keep their first copy.
 */
function ownerCopies(runs: readonly RawCheckRun[]): Map<string, { finding: Finding; cause: string | undefined }> {
  const chosen = new Map<string, { finding: Finding; cause: string | undefined; depth: number }>();
  if (runs.filter((run) => run.roots !== undefined).length < 2) return chosen;
  for (const run of runs) {
    const roots = run.roots;
    if (roots === undefined) continue;
    const causes = new Map(run.rootCauses);
    run.findings.forEach((finding, index) => {
      const file = finding.location.file;
      const depth = Math.max(-1, ...roots.filter((root) => root === '' || file.startsWith(`${root}/`)).map((root) => (root === '' ? 0 : root.length + 1)));
      if (depth < 0) return;
      const best = chosen.get(finding.fingerprint);
      if (!best || depth > best.depth) chosen.set(finding.fingerprint, { finding, cause: causes.get(index), depth });
    });
  }
  return chosen;
}

function relatedOf(finding: Finding, primary: Finding): RelatedLocation {
  return {
    location: finding.location,
    ...(finding.endpointId === undefined ? {} : { endpointId: finding.endpointId }),
    ...(finding.checkId === primary.checkId ? {} : { checkId: finding.checkId }),
    ...(finding.message === primary.message ? {} : { message: finding.message }),
  };
}

function places(finding: Finding): number {
  return finding.occurrences ?? 1;
}

/**
 * One root cause, one finding: the places a check reported under the same `rootCause` are folded
 * into the first (in report order), which takes the most severe severity, lists the others as
 * `related` and gets a fingerprint of the root cause itself. `findings` must be sorted.
 */
export function groupRootCauses(findings: readonly Finding[], rootCauses: ReadonlyMap<Finding, string>): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const cause = rootCauses.get(finding);
    if (cause === undefined) continue;
    const key = `${finding.checkId}\u0000${cause}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  if (groups.size === 0) return [...findings];
  const replaced = new Map<Finding, Finding | undefined>();
  for (const [key, group] of groups) {
    const [first, ...rest] = group;
    if (!first) continue;
    const severity = group.map((finding) => finding.severity).sort((a, b) => severityRank(a) - severityRank(b))[0] ?? first.severity;
    const total = group.reduce((sum, finding) => sum + places(finding), 0);
    const merged: Finding = {
      ...first,
      severity,
      ...(total > 1 ? { occurrences: total } : {}),
      ...(rest.length > 0 ? { related: [...(first.related ?? []), ...rest.map((finding) => relatedOf(finding, first))] } : {}),
      fingerprint: createHash('sha256').update(`${key}\u0000root-cause`).digest('hex').slice(0, 32),
    };
    replaced.set(first, merged);
    for (const finding of rest) replaced.set(finding, undefined);
  }
  return applyReplacements(findings, replaced);
}

/**
 * One place in the code (or the spec) reported for several endpoints — a handler mounted under
 * several prefixes, a schema shared by several operations — is one root cause: one finding whose
 * other endpoints are `related`. Its fingerprint is that of the endpoint that sorts first.
 */
export function groupSamePlace(findings: readonly Finding[], rootCauses: ReadonlyMap<Finding, string>): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.endpointId === undefined || rootCauses.has(finding) || finding.related !== undefined) continue;
    const { file, line, column, endLine, endColumn, pointer } = finding.location;
    const key = [finding.checkId, file, line, column ?? '', endLine ?? '', endColumn ?? '', pointer ?? ''].join('\u0000');
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  const replaced = new Map<Finding, Finding | undefined>();
  for (const group of groups.values()) {
    const [first, ...rest] = group;
    if (!first || rest.length === 0) continue;
    const severity = group.map((finding) => finding.severity).sort((a, b) => severityRank(a) - severityRank(b))[0] ?? first.severity;
    const anchor = [...group].sort((a, b) => ((a.endpointId ?? '') < (b.endpointId ?? '') ? -1 : 1))[0] ?? first;
    replaced.set(first, {
      ...first,
      severity,
      occurrences: group.reduce((sum, finding) => sum + places(finding), 0),
      related: rest.map((finding) => relatedOf(finding, first)),
      fingerprint: anchor.fingerprint,
    });
    for (const finding of rest) replaced.set(finding, undefined);
  }
  return applyReplacements(findings, replaced);
}

/**
 * Copies of one API description (the source YAML beside the generated JSON, a spec vendored into
 * two services) raise the same finding at the same pointer with the same message: one root cause,
 * reported at the first copy with the others as `related`; the first copy's fingerprint is kept.
 */
export function groupSpecCopies(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.location.pointer === undefined) continue;
    const key = [finding.checkId, finding.location.pointer, finding.message].join('\u0000');
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  const replaced = new Map<Finding, Finding | undefined>();
  for (const group of groups.values()) {
    const [first, ...rest] = group;
    if (!first || rest.length === 0 || new Set(group.map((finding) => finding.location.file)).size !== group.length) continue;
    replaced.set(first, { ...first, related: [...(first.related ?? []), ...rest.map((finding) => relatedOf(finding, first))] });
    for (const finding of rest) replaced.set(finding, undefined);
  }
  return applyReplacements(findings, replaced);
}

/**
 * The code outranks the spec: where a code check and one of its `specCounterparts` report the same
 * endpoint, the spec's single-place finding becomes a related place of the code finding.
 */
export function mergeCounterparts(findings: readonly Finding[], checks: readonly AnyCheck[]): Finding[] {
  const counterparts = new Map<string, Set<string>>();
  for (const check of checks) {
    for (const spec of check.specCounterparts ?? []) {
      const owners = counterparts.get(spec) ?? new Set<string>();
      owners.add(check.id);
      counterparts.set(spec, owners);
    }
  }
  if (counterparts.size === 0) return [...findings];
  const owning = new Set([...counterparts.values()].flatMap((owners) => [...owners]));
  const codeByEndpoint = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.endpointId === undefined || !owning.has(finding.checkId)) continue;
    const key = `${finding.checkId}\u0000${finding.endpointId}`;
    // Appended in place: a copy per finding was quadratic in one endpoint's findings.
    const list = codeByEndpoint.get(key);
    if (list) list.push(finding);
    else codeByEndpoint.set(key, [finding]);
  }
  const absorbed = new Map<Finding, RelatedLocation[]>();
  const dropped = new Set<Finding>();
  for (const finding of findings) {
    const owners = counterparts.get(finding.checkId);
    if (!owners || finding.endpointId === undefined || places(finding) > 1) continue;
    for (const owner of [...owners].sort()) {
      const target = codeByEndpoint.get(`${owner}\u0000${finding.endpointId}`)?.[0];
      if (!target) continue;
      const related = absorbed.get(target);
      if (related) related.push(relatedOf(finding, target));
      else absorbed.set(target, [relatedOf(finding, target)]);
      dropped.add(finding);
      break;
    }
  }
  if (dropped.size === 0) return [...findings];
  return findings
    .filter((finding) => !dropped.has(finding))
    .map((finding) => {
      const extra = absorbed.get(finding);
      return extra ? { ...finding, related: [...(finding.related ?? []), ...extra] } : finding;
    });
}

/** Keys the code provably uses as secrets; their lookup never costs the audit. */
function knownSecretsOf(ctx: CheckContext): KnownSecrets | undefined {
  try {
    return collectKnownSecrets(ctx);
  } catch {
    return undefined;
  }
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

/** `findings` in order, each replaced by its merged form or left out (`undefined`) as `replaced` says. */
function applyReplacements(findings: readonly Finding[], replaced: ReadonlyMap<Finding, Finding | undefined>): Finding[] {
  if (replaced.size === 0) return [...findings];
  const out: Finding[] = [];
  for (const finding of findings) {
    if (!replaced.has(finding)) out.push(finding);
    else {
      const merged = replaced.get(finding);
      if (merged) out.push(merged);
    }
  }
  return out;
}
