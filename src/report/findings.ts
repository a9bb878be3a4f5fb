import type { Confidence, Endpoint, Finding, OwaspCategory, Severity } from '../model/types.js';
import { CONFIDENCES, OWASP_CATEGORIES } from '../model/types.js';
import { capitalize, code, compareStrings, endpointLabel, locationLabel, plural, prose, severityRank } from './format.js';

export const OCCURRENCES_SHOWN = 5;
export const RELATED_SHOWN = 8;

/** All findings of one check: one root cause, reported once with its places. */
export interface FindingGroup {
  checkId: string;
  title: string;
  /** The most severe of the group's findings. */
  severity: Severity;
  owasp: OwaspCategory;
  cwe: string[];
  confidences: Confidence[];
  rationale: string;
  remediation: string;
  /** Most severe first, then by location. */
  findings: Finding[];
  /** Places affected: the sum of each finding's `occurrences` (1 when absent). */
  places: number;
}

function compareLocation(a: Finding, b: Finding): number {
  return (
    compareStrings(a.location.file, b.location.file) ||
    a.location.line - b.location.line ||
    (a.location.column ?? 0) - (b.location.column ?? 0) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

/** Groups findings by check; groups are ordered by severity, then size, then check id. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const byCheck = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = byCheck.get(finding.checkId);
    if (list) list.push(finding);
    else byCheck.set(finding.checkId, [finding]);
  }
  const groups: FindingGroup[] = [];
  for (const [checkId, list] of byCheck) {
    list.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || compareLocation(a, b));
    const [first] = list;
    if (first === undefined) continue;
    const cwe = [...new Set(list.flatMap((finding) => finding.cwe))].sort(compareStrings);
    const confidences = CONFIDENCES.filter((level) => list.some((finding) => finding.confidence === level));
    groups.push({
      checkId,
      title: first.title,
      severity: first.severity,
      owasp: first.owasp,
      cwe,
      confidences,
      rationale: first.rationale,
      remediation: first.remediation,
      findings: list,
      places: list.reduce((sum, finding) => sum + (finding.occurrences ?? 1), 0),
    });
  }
  return groups.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      b.findings.length - a.findings.length ||
      compareStrings(a.checkId, b.checkId),
  );
}

export function owaspLabel(owasp: OwaspCategory): string {
  return `${owasp} ${OWASP_CATEGORIES[owasp]}`;
}

export function countLabel(group: FindingGroup): string {
  const findings = plural(group.findings.length, 'finding');
  return group.places === group.findings.length ? findings : `${findings} (${plural(group.places, 'place')})`;
}

function occurrence(finding: Finding, endpoints: ReadonlyMap<string, Endpoint>): string {
  const parts = [code(locationLabel(finding.location))];
  if (finding.endpointId !== undefined) {
    const endpoint = endpoints.get(finding.endpointId);
    parts.push(code(endpoint ? endpointLabel(endpoint) : finding.endpointId));
  }
  parts.push(prose(finding.message));
  let line = `- ${parts.join(' — ')}`;
  const notes: string[] = [];
  if (finding.occurrences !== undefined && finding.occurrences > 1) notes.push(`${finding.occurrences} places`);
  if (finding.confirmedLive === true) notes.push('confirmed live');
  if (notes.length > 0) line += ` (${notes.join(', ')})`;
  const snippet = finding.evidence?.snippet;
  if (typeof snippet === 'string' && snippet.trim() !== '') line += `\\\n  Evidence: ${code(snippet.trim())}`;
  const related = finding.related ?? [];
  if (related.length > 0) {
    const shown = related.slice(0, RELATED_SHOWN).map((place) => {
      const endpoint = place.endpointId === undefined ? undefined : endpoints.get(place.endpointId);
      const label = endpoint ? ` (${code(endpointLabel(endpoint))})` : place.endpointId === undefined ? '' : ` (${code(place.endpointId)})`;
      return `${code(locationLabel(place.location))}${label}${place.checkId === undefined ? '' : ` by ${code(place.checkId)}`}`;
    });
    const more = related.length - shown.length;
    line += `\\\n  Same root cause at: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
  }
  return line;
}

export function renderGroup(group: FindingGroup, endpoints: ReadonlyMap<string, Endpoint>, heading = '###', shown = OCCURRENCES_SHOWN): string {
  const meta = [
    `**${capitalize(group.severity)}**`,
    owaspLabel(group.owasp),
    ...(group.cwe.length > 0 ? [group.cwe.join(', ')] : []),
    `confidence: ${group.confidences.join(' to ')}`,
    code(group.checkId),
    countLabel(group),
  ];
  const lines = group.findings.slice(0, shown).map((finding) => occurrence(finding, endpoints));
  const rest = group.findings.length - shown;
  if (rest > 0) lines.push(`- and ${rest} more (see 02-protect.json).`);
  return [
    `${heading} ${prose(group.title)}`,
    '',
    meta.join(' · '),
    '',
    `**Why it matters.** ${prose(group.rationale)}`,
    '',
    `**How to fix.** ${prose(group.remediation)}`,
    '',
    ...lines,
  ].join('\n');
}

export function renderFindings(findings: readonly Finding[], endpoints: ReadonlyMap<string, Endpoint>, heading = '###'): string {
  return groupFindings(findings)
    .map((group) => renderGroup(group, endpoints, heading))
    .join('\n\n');
}
