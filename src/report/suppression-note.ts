import type { SuppressionReport } from '../engine/suppressions.js';
import { code, plural, prose } from './format.js';

const PROBLEMS_SHOWN = 10;

function leftOut(report: SuppressionReport): string[] {
  const { counts } = report;
  const parts: string[] = [];
  if (counts.inline > 0) parts.push(`${counts.inline} by ${code('apisec-ignore')} comments`);
  if (counts.config > 0) parts.push(`${counts.config} by the configuration's ${code('ignore')} entries`);
  return parts;
}

/** What the user's suppressions, overrides and baseline did, for 02-protect.md; empty when nothing. */
export function suppressionMarkdown(report: SuppressionReport | undefined): string {
  if (report === undefined) return '';
  const sentences: string[] = [];
  const suppressed = report.counts.inline + report.counts.config;
  if (suppressed > 0) {
    sentences.push(`Suppressed: ${plural(suppressed, 'finding')} (${leftOut(report).join(', ')}), each with its reason in ${code('02-protect.json')}.`);
  }
  if (report.baselineFile !== undefined) {
    sentences.push(`Baseline ${code(report.baselineFile)}: ${plural(report.counts.baseline, 'finding')} already in it ${report.counts.baseline === 1 ? 'is' : 'are'} not reported; only new findings are.`);
  }
  if (report.overridden > 0) sentences.push(`${plural(report.overridden, 'finding')} took the severity the configuration's ${code('severityOverrides')} set.`);
  const problems = report.problems.slice(0, PROBLEMS_SHOWN).map((problem) => `- ${code(`${problem.location.file}:${problem.location.line}`)} — ${prose(problem.message)}`);
  if (report.problems.length > PROBLEMS_SHOWN) problems.push(`- and ${report.problems.length - PROBLEMS_SHOWN} more (see 02-protect.json).`);
  if (sentences.length === 0 && problems.length === 0) return '';
  const head = sentences.join(' ');
  const list = problems.length === 0 ? '' : `${head === '' ? '' : '\n\n'}Suppressions that suppress nothing:\n\n${problems.join('\n')}`;
  return `\n\n${head}${list}`;
}

/** One line for the terminal summary; undefined when there is nothing to say. */
export function suppressionSummary(report: SuppressionReport | undefined): string | undefined {
  if (report === undefined) return undefined;
  const parts: string[] = [];
  const suppressed = report.counts.inline + report.counts.config;
  if (suppressed > 0) parts.push(`${suppressed} suppressed (${report.counts.inline} inline, ${report.counts.config} by the config)`);
  if (report.baselineFile !== undefined) parts.push(`${report.counts.baseline} already in the baseline`);
  if (report.overridden > 0) parts.push(`${report.overridden} with an overridden severity`);
  if (report.problems.length > 0) parts.push(`${plural(report.problems.length, 'suppression')} that ${report.problems.length === 1 ? 'suppresses' : 'suppress'} nothing (listed in the report)`);
  return parts.length === 0 ? undefined : parts.join('; ');
}
