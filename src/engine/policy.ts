import ignore from 'ignore';
import type { Finding, Location, Severity } from '../model/types.js';
import { ConfigError, type ConfigIssue } from '../workspace/config.js';
import type { AuditConfig, IgnoreEntry } from './context.js';
import type { InlineSuppression } from './inline-suppressions.js';
import type { SuppressedFinding, SuppressionKind, SuppressionProblem, SuppressionReport } from './suppressions.js';

export interface Baseline {
  /** The file, as the user named it. */
  file: string;
  fingerprints: ReadonlySet<string>;
}

export interface PolicyInput {
  /** Sorted, as the engine returns them. */
  findings: readonly Finding[];
  config: AuditConfig;
  inline: readonly InlineSuppression[];
  /** Every check id the catalogue knows. */
  knownChecks: ReadonlySet<string>;
  /** The checks that ran: a suppression of a check that did not run is not "unused". */
  ranChecks: ReadonlySet<string>;
  baseline?: Baseline;
}

export interface PolicyOutput {
  findings: Finding[];
  report: SuppressionReport;
}

function closest(id: string, known: ReadonlySet<string>): string | undefined {
  const words = new Set(id.split('-'));
  let best: { id: string; score: number } | undefined;
  for (const candidate of known) {
    const shared = candidate.split('-').filter((word) => words.has(word)).length;
    if (shared > 0 && (best === undefined || shared > best.score)) best = { id: candidate, score: shared };
  }
  return best?.id;
}

function unknownCheckMessage(id: string, known: ReadonlySet<string>): string {
  const guess = closest(id, known);
  const valid = [...known].sort().join(', ');
  return `unknown check id ${JSON.stringify(id)}${guess === undefined ? '' : ` (did you mean ${guess}?)`}; valid ids: ${valid}`;
}

/**
 * Check ids named by `disabledChecks`, `ignore[].check` and `severityOverrides` must exist: a typo there would
 * silently keep (or hide) findings. Rejected like any configuration error, with file and line.
 */
export function validatePolicyConfig(config: AuditConfig, known: ReadonlySet<string>): void {
  const issues: ConfigIssue[] = [];
  (config.ignore ?? []).forEach((entry, index) => {
    if (entry.check !== undefined && !known.has(entry.check)) {
      issues.push({ keyPath: `ignore[${index}].check`, message: unknownCheckMessage(entry.check, known), ...(entry.line === undefined ? {} : { line: entry.line }) });
    }
  });
  config.disabledChecks.forEach((id, index) => {
    if (known.has(id)) return;
    const line = config.disabledCheckLines?.[index];
    issues.push({ keyPath: `disabledChecks[${index}]`, message: unknownCheckMessage(id, known), ...(line === undefined ? {} : { line }) });
  });
  for (const id of Object.keys(config.severityOverrides ?? {})) {
    if (known.has(id)) continue;
    const line = config.severityOverrideLines?.[id];
    issues.push({ keyPath: `severityOverrides.${id}`, message: unknownCheckMessage(id, known), ...(line === undefined ? {} : { line }) });
  }
  if (issues.length === 0) return;
  const file = config.file ?? 'the configuration';
  issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const lines = issues.map((issue) => `  ${file}${issue.line === undefined ? '' : `:${issue.line}`}: \`${issue.keyPath}\`: ${issue.message}`);
  const first = issues[0]?.line;
  throw new ConfigError(`invalid configuration in ${file}:\n${lines.join('\n')}`, first === undefined ? { file, issues } : { file, line: first, issues });
}

/** The places of a finding an inline suppression may sit at: its own and its related places. */
function places(finding: Finding): Location[] {
  return [finding.location, ...(finding.related ?? []).map((place) => place.location)];
}

function covers(suppression: InlineSuppression, finding: Finding): boolean {
  if (!suppression.checkIds.includes(finding.checkId)) return false;
  // The comment on the finding's line (trailing) or alone on the line before it.
  return places(finding).some((place) => place.file === suppression.file && (place.line === suppression.line || place.line === suppression.line + 1));
}

function configMatcher(entry: IgnoreEntry): (finding: Finding) => boolean {
  if (entry.fingerprint !== undefined) {
    // Like a short git hash: a prefix of 8 characters or more names the finding.
    const fingerprint = entry.fingerprint;
    return (finding) => finding.fingerprint.startsWith(fingerprint);
  }
  const matcher = ignore().add(entry.path ?? '');
  const under = (file: string): boolean => {
    try {
      return matcher.ignores(file);
    } catch {
      // `ignore` throws on paths that are not relative (`/x`, `./x`): such a place is not under the pattern.
      return false;
    }
  };
  return (finding) =>
    (entry.check === undefined || entry.check === finding.checkId) && places(finding).every((place) => under(place.file));
}

/**
 * Applies what the user decided about findings, in this order: `severityOverrides`, inline
 * `apisec-ignore` comments, the config's `ignore:` entries, then `--baseline`. A finding left out
 * is kept in the report's `suppressions` with how and why; a suppression without a reason, naming
 * an unknown check, or matching nothing is a problem the report lists.
 */
export function applyPolicy(input: PolicyInput): PolicyOutput {
  const { config, knownChecks, ranChecks } = input;
  const overrides = config.severityOverrides ?? {};
  let overridden = 0;
  const findings = input.findings.map((finding) => {
    const severity: Severity | undefined = Object.hasOwn(overrides, finding.checkId) ? overrides[finding.checkId] : undefined;
    if (severity === undefined || severity === finding.severity) return finding;
    overridden += 1;
    return { ...finding, severity };
  });

  const problems: SuppressionProblem[] = [];
  const active: InlineSuppression[] = [];
  for (const suppression of input.inline) {
    const location = { file: suppression.file, line: suppression.line };
    if (suppression.checkIds.length === 0) {
      problems.push({ kind: 'malformed', location, message: 'This apisec-ignore comment names no check: write `apisec-ignore CHECK-ID: reason`.' });
      continue;
    }
    const unknown = suppression.checkIds.filter((id) => !knownChecks.has(id));
    for (const id of unknown) {
      problems.push({ kind: 'unknown-check', location, message: `This apisec-ignore comment names an ${unknownCheckMessage(id, knownChecks)}.` });
    }
    if (suppression.reason === '') {
      problems.push({
        kind: 'no-reason',
        location,
        message: `This apisec-ignore comment gives no reason, so it suppresses nothing: write \`apisec-ignore ${suppression.checkIds.join(', ')}: why this is accepted\`.`,
      });
      continue;
    }
    active.push(suppression);
  }

  const entries = (config.ignore ?? []).map((entry) => ({ entry, matches: configMatcher(entry), used: false }));
  const usedInline = new Set<InlineSuppression>();
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const counts: Record<SuppressionKind, number> = { inline: 0, config: 0, baseline: 0 };
  for (const finding of findings) {
    const comment = active.find((suppression) => covers(suppression, finding));
    if (comment) {
      usedInline.add(comment);
      counts.inline += 1;
      suppressed.push({ by: 'inline', reason: comment.reason, where: { file: comment.file, line: comment.line }, finding });
      continue;
    }
    const configured = entries.find((candidate) => candidate.matches(finding));
    if (configured) {
      configured.used = true;
      counts.config += 1;
      const where = config.file === undefined ? undefined : { file: config.file, line: configured.entry.line ?? 1 };
      suppressed.push({ by: 'config', reason: configured.entry.reason, ...(where === undefined ? {} : { where }), finding });
      continue;
    }
    if (input.baseline?.fingerprints.has(finding.fingerprint) === true) {
      counts.baseline += 1;
      suppressed.push({ by: 'baseline', reason: `in the baseline ${input.baseline.file}`, finding });
      continue;
    }
    kept.push(finding);
  }

  for (const suppression of active) {
    if (usedInline.has(suppression)) continue;
    const ran = suppression.checkIds.filter((id) => ranChecks.has(id));
    if (ran.length === 0) continue;
    problems.push({
      kind: 'unused',
      location: { file: suppression.file, line: suppression.line },
      message: `This apisec-ignore comment matches no ${ran.join(' or ')} finding on its line or the next; remove it.`,
    });
  }
  for (const { entry, used } of entries) {
    if (used || (entry.check !== undefined && !ranChecks.has(entry.check))) continue;
    const what = entry.fingerprint !== undefined ? `fingerprint ${entry.fingerprint}` : `path ${JSON.stringify(entry.path)}${entry.check === undefined ? '' : ` (check ${entry.check})`}`;
    problems.push({
      kind: 'unused',
      location: { file: config.file ?? 'configuration', line: entry.line ?? 1 },
      message: `The ignore entry for ${what} matches no finding; remove it.`,
    });
  }
  problems.sort((a, b) => (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : a.location.line - b.location.line));

  return {
    findings: kept,
    report: {
      suppressed,
      counts,
      ...(input.baseline === undefined ? {} : { baselineFile: input.baseline.file }),
      overridden,
      problems,
    },
  };
}

/**
 * The fingerprints of a previous `02-protect.json`: its findings, and those it had itself left out
 * as in its own baseline, so a chain of baselines keeps every accepted finding.
 */
export function parseBaseline(text: string, file: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const findings = typeof value === 'object' && value !== null && 'findings' in value ? value.findings : undefined;
  if (!Array.isArray(findings)) throw new Error(`${file} has no "findings" list: pass a 02-protect.json written by apisec audit.`);
  const fingerprints = new Set<string>();
  const take = (item: unknown): void => {
    if (typeof item === 'object' && item !== null && 'fingerprint' in item && typeof item.fingerprint === 'string') fingerprints.add(item.fingerprint);
  };
  findings.forEach(take);
  const suppressions = typeof value === 'object' && value !== null && 'suppressions' in value ? value.suppressions : undefined;
  const previous = typeof suppressions === 'object' && suppressions !== null && 'findings' in suppressions ? suppressions.findings : undefined;
  if (Array.isArray(previous)) {
    for (const item of previous as unknown[]) if (typeof item === 'object' && item !== null && 'by' in item && item.by === 'baseline') take(item);
  }
  return { file, fingerprints };
}
