import type { Diagnostic, Finding, OwaspCategory, SectionId, Severity } from '../model/types.js';
import type { ScopeReason } from '../workspace/scope.js';
import type { Inventory, ProjectInfo } from './context.js';
import type { SuppressionReport } from './suppressions.js';
import type { ChecklistItem } from '../checklist/checklist.js';
import type { LiveSummary } from '../live/runner.js';

export interface CheckSummary {
  id: string;
  title: string;
  owasp: OwaspCategory;
  section: SectionId;
  severity: Severity;
}

/** Everything an audit produced; reporters are pure functions of it. Serialisable. */
export interface AuditResult {
  /** The audit's NAME (seed 000's $ARGUMENTS, without flags). */
  name: string;
  /** The audited directory, as given. */
  root: string;
  /** ISO date of the audit (YYYY-MM-DD), or `--today`. */
  date: string;
  tool: { name: 'apisec'; version: string };
  project: ProjectInfo;
  inventory: Inventory;
  /** Sorted by file, line, column, check id. */
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** The checks that ran. */
  checks: CheckSummary[];
  /** What inline `apisec-ignore` comments, the config's `ignore:` and `--baseline` left out, and severity overrides. */
  suppressions?: SuppressionReport;
  /** Seed 003's Quick Security Review Checklist, every item decided from the audit. */
  checklist?: ChecklistItem[];
  /** The live part (`--target`, `apisec probe`): target, passive or active, pre-flight, requests, partial or not. */
  live?: LiveSummary & { merged: number };
  stats: {
    filesScanned: number;
    specFiles: number;
    sourceFiles: number;
    /** Files left out of scope: they never serve requests (tests, examples, vendored, generated, minified). */
    excludedFiles: number;
    excludedByReason: Partial<Record<ScopeReason, number>>;
    durationMs: number;
  };
}
