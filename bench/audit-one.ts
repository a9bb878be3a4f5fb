// Audits one directory in this process and prints timing, CPU time, memory and counts as JSON (used by bench/run.ts).
//   audit-one.ts DIR [--file-budget-ms N] [--jobs N] [--cache DIR] [--default-checks] [--no-split-projects]
import { audit, type AuditOptions } from '../src/index.js';
import { AUDIT_HAS_CACHE, AUDIT_HAS_JOBS } from './engine-options.js';

const args = process.argv.slice(2);
const root = args[0];
if (!root) {
  console.error('usage: audit-one.ts DIR [--file-budget-ms N] [--jobs N] [--cache DIR] [--default-checks] [--no-split-projects]');
  process.exit(2);
}
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at > 0 ? args[at + 1] : undefined;
};
const budget = flag('--file-budget-ms');
const fileBudgetMs = budget === undefined ? undefined : Number(budget);

// Worker count and fact cache reach the audit only once AuditOptions has them (bench/engine-options.ts).
const jobs = flag('--jobs');
const cache = flag('--cache');
const engine: Record<string, unknown> = {};
if (AUDIT_HAS_JOBS && jobs !== undefined) engine.jobs = Number(jobs);
if (AUDIT_HAS_CACHE && cache !== undefined) engine.cache = cache;
// Each independent project of a language family is its own unit unless --no-split-projects (AuditOptions.splitProjects).
if (args.includes('--no-split-projects')) engine.splitProjects = false;

const cpuBefore = process.cpuUsage();
const started = performance.now();
// Every check, experimental ones included (the comparison with Spectral covers the whole catalogue), unless --default-checks.
const result = await audit({
  root,
  name: 'bench',
  today: '2026-11-24',
  experimental: !args.includes('--default-checks'),
  ...(fileBudgetMs === undefined ? {} : { fileBudgetMs }),
  ...(engine as Partial<AuditOptions>),
});
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const byCheck: Record<string, number> = {};
for (const finding of result.findings) byCheck[finding.checkId] = (byCheck[finding.checkId] ?? 0) + 1;
console.log(
  JSON.stringify({
    ms: Math.round(ms),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    jobs: AUDIT_HAS_JOBS && jobs !== undefined ? Number(jobs) : 1,
    cached: AUDIT_HAS_CACHE && cache !== undefined,
    sourceFiles: result.stats.sourceFiles,
    endpoints: result.inventory.endpoints.length,
    apis: result.inventory.apis.length,
    findings: result.findings.length,
    occurrences: result.findings.reduce((sum, finding) => sum + (finding.occurrences ?? 1), 0),
    diagnostics: result.diagnostics.length,
    refDiagnostics: result.diagnostics.filter((diagnostic) => diagnostic.message.includes('$ref')).length,
    budgetDiagnostics: result.diagnostics.filter((diagnostic) => diagnostic.source === 'budget').map((diagnostic) => diagnostic.file),
    byCheck,
  }),
);
