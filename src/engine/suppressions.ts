import type { Finding, Location } from '../model/types.js';

/** How a finding left the report: an `apisec-ignore` comment, a config `ignore:` entry, or `--baseline`. */
export type SuppressionKind = 'inline' | 'config' | 'baseline';

export interface SuppressedFinding {
  by: SuppressionKind;
  /** The reason the user wrote (for a baseline: the file it came from). */
  reason: string;
  /** The comment or config entry that suppressed it. */
  where?: Location;
  finding: Finding;
}

/** A suppression that did nothing: it has no reason, names an unknown check, or matches no finding. */
export interface SuppressionProblem {
  kind: 'no-reason' | 'unknown-check' | 'unused' | 'malformed';
  location: Location;
  message: string;
}

export interface SuppressionReport {
  /** Findings left out of the report, in report order. */
  suppressed: SuppressedFinding[];
  counts: Record<SuppressionKind, number>;
  /** The `--baseline` file, as given. */
  baselineFile?: string;
  /** Findings whose severity `severityOverrides` changed. */
  overridden: number;
  problems: SuppressionProblem[];
}
