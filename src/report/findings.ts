import type { Confidence, Endpoint, Finding, OwaspCategory, Severity } from '../model/types.js';
import { CONFIDENCES, OWASP_CATEGORIES } from '../model/types.js';
import { capitalize, code, compareStrings, endpointLabel, locationLabel, plural, prose, severityRank, table } from './format.js';
import { liveEvidenceBlock } from './live.js';

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

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The short id of a group (`F1`, `F2` … in remediation order) and the heading that carries it. */
export function groupHeading(group: FindingGroup, shortId: string): string {
  return `${shortId}. ${prose(group.title)}`;
}

function occurrenceRow(finding: Finding, endpoints: ReadonlyMap<string, Endpoint>): string[] {
  const endpoint = finding.endpointId === undefined ? undefined : endpoints.get(finding.endpointId);
  const target = finding.endpointId === undefined ? '' : code(endpoint ? endpointLabel(endpoint) : finding.endpointId);
  const notes: string[] = [];
  if (finding.occurrences !== undefined && finding.occurrences > 1) notes.push(`${finding.occurrences} places`);
  if (finding.confirmedLive === true) notes.push('confirmed live');
  let message = prose(finding.message);
  if (notes.length > 0) message += ` (${notes.join(', ')})`;
  const related = finding.related ?? [];
  if (related.length > 0) {
    const shown = related.slice(0, RELATED_SHOWN).map((place) => {
      const other = place.endpointId === undefined ? undefined : endpoints.get(place.endpointId);
      const label = other ? ` (${code(endpointLabel(other))})` : place.endpointId === undefined ? '' : ` (${code(place.endpointId)})`;
      return `${code(locationLabel(place.location))}${label}${place.checkId === undefined ? '' : ` by ${code(place.checkId)}`}`;
    });
    const more = related.length - shown.length;
    message += ` Same root cause at: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
  }
  const snippet = finding.evidence?.snippet;
  const evidence = typeof snippet === 'string' && snippet.trim() !== '' ? code(snippet.trim()) : '';
  return [code(locationLabel(finding.location)), target, message, evidence];
}

/**
 * One root cause: its heading (with the short id the remediation plan links to), one line of
 * metadata and why it matters, the fix, and a table of its places with their evidence as code.
 */
export function renderGroup(
  group: FindingGroup,
  endpoints: ReadonlyMap<string, Endpoint>,
  heading = '###',
  shortId?: string,
  shown = OCCURRENCES_SHOWN,
): string {
  const meta = [
    `**${capitalize(group.severity)}**`,
    owaspLabel(group.owasp),
    ...(group.cwe.length > 0 ? [group.cwe.join(', ')] : []),
    `confidence: ${group.confidences.join(' to ')}`,
    code(group.checkId),
    countLabel(group),
  ];
  const rows = group.findings.slice(0, shown).map((finding) => occurrenceRow(finding, endpoints));
  // The endpoint column only when one of the places concerns an endpoint.
  const withEndpoint = rows.some((row) => row[1] !== '');
  const headers = withEndpoint ? ['Where', 'Endpoint', 'Finding', 'Evidence'] : ['Where', 'Finding', 'Evidence'];
  const cells = withEndpoint ? rows : rows.map((row) => row.filter((_, index) => index !== 1));
  const rest = group.findings.length - shown;
  const more = rest > 0 ? `\n\nAnd ${rest} more (see 02-protect.json).` : '';
  return [
    `${heading} ${shortId === undefined ? prose(group.title) : groupHeading(group, shortId)}`,
    '',
    `${meta.join(' · ')}. **Why it matters.** ${prose(group.rationale)} **How to fix.** ${prose(group.remediation)}`,
    '',
    `${table(headers, cells)}${more}${liveEvidenceBlock(group.findings)}`,
  ].join('\n');
}

/** Renders the groups of `findings`; `shortIds` maps a check id to its group's short id (`F3`). */
export function renderFindings(
  findings: readonly Finding[],
  endpoints: ReadonlyMap<string, Endpoint>,
  heading = '###',
  shortIds?: ReadonlyMap<string, string>,
): string {
  return groupFindings(findings)
    .map((group) => renderGroup(group, endpoints, heading, shortIds?.get(group.checkId)))
    .join('\n\n');
}
