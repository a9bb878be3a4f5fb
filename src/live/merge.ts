import type { Confidence, Finding, Severity } from '../model/types.js';
import type { Probe } from './probe.js';

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];

function higher<T>(order: readonly T[], a: T, b: T): T {
  return order.indexOf(a) <= order.indexOf(b) ? a : b;
}

function concerns(finding: Finding, endpointId: string): boolean {
  return finding.endpointId === endpointId || (finding.related ?? []).some((place) => place.endpointId === endpointId);
}

/** Keys a live finding's evidence adds to the static finding it confirms. */
const LIVE_KEYS = ['url', 'request', 'response', 'curl', 'more'] as const;

/**
 * Merges live findings into the static findings they confirm: a live finding whose probe
 * `confirms` the static check, on the same endpoint (an origin-wide live finding: wherever the
 * static one is), joins it — `confirmedLive`, the request/response/curl in its evidence, the
 * higher of the two severities, high confidence — and is not listed on its own. The others stand
 * alone. Returns new arrays; the inputs are not changed.
 */
export function mergeLiveFindings(staticFindings: readonly Finding[], liveFindings: readonly Finding[], probes: readonly Probe[]): { findings: Finding[]; merged: number } {
  const confirms = new Map(probes.map((probe) => [probe.id, new Set(probe.confirms ?? [])]));
  const out = staticFindings.map((finding) => ({ ...finding }));
  const alone: Finding[] = [];
  let merged = 0;
  for (const live of liveFindings) {
    const checks = confirms.get(live.checkId);
    const target =
      checks === undefined || checks.size === 0
        ? undefined
        : out.find((finding) => checks.has(finding.checkId) && (live.endpointId === undefined || finding.endpointId === undefined || concerns(finding, live.endpointId)));
    if (target === undefined) {
      alone.push(live);
      continue;
    }
    merged += 1;
    if (target.confirmedLive === true) {
      const count = typeof target.evidence?.liveConfirmations === 'number' ? target.evidence.liveConfirmations : 1;
      target.evidence = { ...target.evidence, liveConfirmations: count + 1 };
      target.severity = higher(SEVERITIES, target.severity, live.severity);
      continue;
    }
    const liveEvidence: Record<string, unknown> = { liveProbe: live.checkId, liveMessage: live.message };
    for (const key of LIVE_KEYS) if (live.evidence?.[key] !== undefined) liveEvidence[key] = live.evidence[key];
    target.evidence = { ...target.evidence, ...liveEvidence };
    target.confirmedLive = true;
    target.confidence = higher(CONFIDENCES, target.confidence, 'high');
    target.severity = higher(SEVERITIES, target.severity, live.severity);
  }
  return { findings: [...out, ...alone], merged };
}
