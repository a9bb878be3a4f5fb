import { compareFindings } from '../engine/run-checks.js';
import type { Diagnostic, Endpoint, Finding } from '../model/types.js';
import { mergeLiveFindings } from './merge.js';
import type { Probe } from './probe.js';
import { allProbes } from './probes/index.js';
import { runLive, type LiveOptions, type LiveSummary } from './runner.js';

/** What `audit({ live })` and `apisec audit --target` pass: the runner's options less what the audit supplies. */
export type LiveAuditOptions = Omit<LiveOptions, 'inventory' | 'staticFindings' | 'endpoints'>;

export interface LiveAuditResult {
  /** The static findings with the live ones merged in, then the live-only ones; sorted. */
  findings: Finding[];
  diagnostics: Diagnostic[];
  summary: LiveSummary & { merged: number };
}

/** Probes the target with the audit's inventory, then merges the live findings into the static ones they confirm. */
export async function liveAudit(options: LiveAuditOptions, inventory: readonly Endpoint[], staticFindings: readonly Finding[]): Promise<LiveAuditResult> {
  const probes: readonly Probe[] = options.probes ?? allProbes;
  const live = await runLive({ ...options, probes, inventory, staticFindings });
  const { findings, merged } = mergeLiveFindings(staticFindings, live.findings, probes);
  return { findings: findings.sort(compareFindings), diagnostics: live.diagnostics, summary: { ...live.summary, merged } };
}

export type { LiveSummary, LiveOptions, AuthHeader } from './runner.js';
export { parseAuthHeader, runLive } from './runner.js';
