// Audits one directory in this process and prints timing, memory and counts as JSON (used by bench/run.ts).
import { audit } from '../src/index.js';

const root = process.argv[2];
if (!root) {
  console.error('usage: audit-one.ts DIR [--file-budget-ms N]');
  process.exit(2);
}
const budgetAt = process.argv.indexOf('--file-budget-ms');
const fileBudgetMs = budgetAt > 0 ? Number(process.argv[budgetAt + 1]) : undefined;
const started = performance.now();
// Every check, experimental ones included: the comparison with Spectral covers the whole catalogue.
const result = await audit({ root, name: 'bench', today: '2026-11-24', experimental: true, ...(fileBudgetMs === undefined ? {} : { fileBudgetMs }) });
const ms = performance.now() - started;
const byCheck: Record<string, number> = {};
for (const finding of result.findings) byCheck[finding.checkId] = (byCheck[finding.checkId] ?? 0) + 1;
console.log(
  JSON.stringify({
    ms: Math.round(ms),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
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
