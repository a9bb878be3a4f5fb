import { createColors } from 'picocolors';
import { maskResult } from '../engine/mask.js';
import { neutralizeLine, sanitizeResult } from './sanitize.js';
import type { AuditResult } from '../engine/result.js';
import type { Severity } from '../model/types.js';
import { SEVERITIES, TIER_ORDER } from '../model/types.js';
import { groupFindings } from './findings.js';
import { suppressionSummary } from './suppression-note.js';
import { countList, locationLabel, plural } from './format.js';
import { API_TYPES, summarize } from './stats.js';

export const TOP_REMEDIATIONS = 5;

export interface SummaryOptions {
  color: boolean;
  /** Where 02-protect.md was written, as shown to the user. */
  artifactPath?: string;
}

type Colors = ReturnType<typeof createColors>;

function paint(colors: Colors, severity: Severity, value: string): string {
  switch (severity) {
    case 'critical':
      return colors.bold(colors.red(value));
    case 'high':
      return colors.red(value);
    case 'medium':
      return colors.yellow(value);
    case 'low':
      return colors.cyan(value);
    case 'info':
      return colors.dim(value);
  }
}

function firstSentence(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  const match = /^.*?[.!?](?=\s+[A-Z]|$)/.exec(flat);
  const sentence = match ? match[0] : flat;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}

/** The terminal summary seed 000 asks for; plain text unless `color`. */
export function renderSummary(unmasked: AuditResult, options: SummaryOptions): string {
  const result = sanitizeResult(maskResult(unmasked));
  const colors = createColors(options.color);
  const summary = summarize(result);
  const label = (value: string): string => colors.bold(value);
  const lines: string[] = [];

  lines.push(colors.bold(`API Security Audit: ${result.name} (${result.date})`), '');

  const types = countList(API_TYPES.map((type) => [type, summary.apisByType[type]] as const));
  const tiers = countList(TIER_ORDER.map((tier) => [tier, summary.apisByTier[tier]] as const));
  lines.push(
    `${label('APIs inventoried:')} ${summary.apis}${summary.apis > 0 ? ` (by type: ${types}; by sensitivity: ${tiers})` : ''}`,
    `${label('Endpoints:')} ${summary.endpoints}${summary.deprecatedEndpoints > 0 ? `, ${summary.deprecatedEndpoints} deprecated and still active` : ''}`,
  );

  const { authentication, authorization, bySection } = summary;
  const criticalOpen = result.inventory.endpoints.filter(
    (endpoint) => endpoint.auth.state === 'unprotected' && (endpoint.tier === 'critical' || endpoint.tier === 'high'),
  ).length;
  lines.push(
    `${label('Authentication gaps:')} ${plural(authentication.unprotected, 'unauthenticated endpoint')} not declared public${criticalOpen > 0 ? ` (${criticalOpen} on critical or high sensitivity data)` : ''}, ${authentication.unknown} undetermined; ${plural(bySection.authentication, 'finding')}`,
    `${label('Authorization gaps:')} object-level check missing on ${plural(authorization.objectLevel.missing, 'endpoint')}, function-level on ${authorization.functionLevel.missing}; ${plural(bySection.authorization, 'finding')}`,
  );
  const { covered, total, percent } = summary.rateLimiting;
  lines.push(
    `${label('Rate limiting:')} ${total === 0 ? 'no endpoint to assess' : `${covered} of ${total} endpoints covered (${percent}%)`}; ${plural(bySection['rate-limiting'], 'finding')}`,
  );
  const severities = SEVERITIES.map((severity) => paint(colors, severity, `${summary.bySeverity[severity]} ${severity}`)).join(', ');
  lines.push(`${label('Findings:')} ${summary.findings} (${severities})`);
  const suppressions = suppressionSummary(result.suppressions);
  if (suppressions !== undefined) lines.push(`${label('Not reported:')} ${suppressions}`);
  if (summary.diagnostics.error + summary.diagnostics.warning > 0) {
    lines.push(`${label('Files not fully parsed:')} ${summary.diagnostics.error + summary.diagnostics.warning} (listed in the report)`);
  }

  const groups = groupFindings(result.findings).slice(0, TOP_REMEDIATIONS);
  lines.push('', label('Top priority remediations:'));
  if (groups.length === 0) {
    const left = result.suppressions?.suppressed.length ?? 0;
    lines.push(left === 0 ? '  None: no weakness was found.' : '  None: every finding was suppressed or is in the baseline (see "Not reported").');
  } else {
    groups.forEach((group, index) => {
      const first = group.findings[0];
      const where = first === undefined ? '' : `, first at ${locationLabel(first.location)}`;
      lines.push(
        `  ${index + 1}. ${paint(colors, group.severity, `[${group.severity}]`)} ${group.title} (${group.owasp}; ${plural(group.places, 'place')}${where})`,
        `     ${colors.dim(firstSentence(group.remediation))}`,
      );
    });
  }

  const artifact = options.artifactPath !== undefined ? neutralizeLine(options.artifactPath) : `.metapowers/security/${result.name}/02-protect.md`;
  lines.push('', `${label('Report:')} ${artifact} (all findings: ${artifact.replace(/\.md$/, '.json')})`);
  return `${lines.join('\n')}\n`;
}
