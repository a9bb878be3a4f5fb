import type { AuditResult } from '../engine/result.js';
import type { Finding } from '../model/types.js';
import { code, plural } from './format.js';

/** Findings of one group whose live evidence is printed in full. */
const LIVE_EVIDENCE_SHOWN = 3;

function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

/** The report preamble's lines about the live part (nothing when no target was probed). */
export function liveLines(result: AuditResult): string[] {
  const live = result.live;
  if (live === undefined) return [];
  const { preflight } = live;
  const state = live.partial ? ` **Partial**: stopped early (${live.stoppedBy ?? 'unknown'}); probes that did not finish found nothing yet, which proves nothing.` : '';
  const tokens = [preflight.tokenA === 'not-given' ? 'no credentials given' : `identity A's credentials ${preflight.tokenA}`, ...(preflight.tokenB === 'not-given' ? [] : [`identity B's ${preflight.tokenB}`])].join(', ');
  const reach = preflight.reachable ? `answered (GET / → ${preflight.status ?? '?'}), ${tokens}` : `did not answer: ${preflight.detail.join(' ')}`;
  const skipped = live.probesSkipped.length === 0 ? '' : ` Not run: ${live.probesSkipped.map((item) => `${code(item.id)} (${item.reason})`).join(', ')}.`;
  return [
    `- Live probes (${live.mode}${live.mode === 'passive' ? '; active probes run only with `--active`' : ': active probes created and changed objects'}): ${code(live.target)} ${reach}. ${plural(live.requests, 'request')} of a budget of ${live.budget} in ${(live.durationMs / 1000).toFixed(1)} s; ${plural(live.probesRun.length, 'probe')} run; ${plural(live.findings, 'live finding')}, ${live.merged} of them confirming a static finding (marked "confirmed live").${state}${skipped}`,
    ...(live.offOriginRedirects.length === 0 ? [] : [`- Redirects off the target, recorded and not followed: ${live.offOriginRedirects.map((location) => code(location)).join(', ')}.`]),
    ...(live.productionWarning === undefined ? [] : [`- Warning: ${live.productionWarning}`]),
  ];
}

/** The request, the response excerpt and the curl line of the first live-confirmed findings of a group. */
export function liveEvidenceBlock(findings: readonly Finding[]): string {
  const confirmed = findings.filter((finding) => finding.confirmedLive === true && typeof finding.evidence?.request === 'string');
  if (confirmed.length === 0) return '';
  const blocks = confirmed.slice(0, LIVE_EVIDENCE_SHOWN).map((finding) => {
    const evidence = finding.evidence ?? {};
    const request = String(evidence.request);
    const response = typeof evidence.response === 'string' ? evidence.response : '';
    const curl = typeof evidence.curl === 'string' ? `\n\nReproduce: ${code(evidence.curl)}` : '';
    const label = typeof evidence.liveMessage === 'string' ? evidence.liveMessage : finding.message;
    return `**Live evidence** — ${label}\n\n${fenced(request, 'http')}\n\n${fenced(response, 'http')}${curl}`;
  });
  const rest = confirmed.length - blocks.length;
  return `\n\n${blocks.join('\n\n')}${rest > 0 ? `\n\nLive evidence of ${rest} more in 02-protect.json.` : ''}`;
}
