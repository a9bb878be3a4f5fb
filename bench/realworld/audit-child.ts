// Audits one directory in this process and prints what bench/realworld/run.ts compares, as JSON.
import { audit } from '../../src/index.js';

const root = process.argv[2];
if (!root) {
  console.error('usage: audit-child.ts DIR [--stream]');
  process.exit(2);
}
const started = performance.now();
// --stream: trees freed between stages and units enriched at extraction, as past 24 MB of source (engine/units.ts).
const result = await audit({ root, name: 'realworld', today: '2026-11-24', ...(process.argv.includes('--stream') ? { streamUnits: true } : {}) });
const ms = performance.now() - started;
console.log(
  JSON.stringify({
    ms: Math.round(ms),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    filesScanned: result.stats.filesScanned,
    sourceFiles: result.stats.sourceFiles,
    diagnostics: result.diagnostics.map((diagnostic) => ({
      level: diagnostic.level,
      source: diagnostic.source,
      file: diagnostic.file,
      line: diagnostic.line,
      message: diagnostic.message,
    })),
    endpoints: result.inventory.endpoints.map((endpoint) => ({
      method: endpoint.method,
      path: endpoint.path,
      protocol: endpoint.protocol,
      code: endpoint.sources.some((source) => source.kind === 'code'),
      via: [...new Set(endpoint.sources.map((source) => source.via))],
      at: endpoint.sources[0] ? `${endpoint.sources[0].location.file}:${endpoint.sources[0].location.line}` : undefined,
      auth: endpoint.auth.state,
      authDetail: endpoint.auth.detail,
      authWhere: endpoint.auth.where ? `${endpoint.auth.where.file}:${endpoint.auth.where.line}` : undefined,
    })),
    findings: result.findings.map((finding) => ({
      fingerprint: finding.fingerprint,
      checkId: finding.checkId,
      severity: finding.severity,
      confidence: finding.confidence,
      at: `${finding.location.file}:${finding.location.line}`,
      endpointId: finding.endpointId,
      message: finding.message,
      occurrences: finding.occurrences ?? 1,
    })),
  }),
);
