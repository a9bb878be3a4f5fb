import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { renderJson, SCHEMA_VERSION, toJsonReport } from './json.js';
import { sampleFinding, sampleResult } from './sample.js';

describe('renderJson', () => {
  it('has a stable top-level schema, keys in a fixed order', () => {
    const report = JSON.parse(renderJson(sampleResult())) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['schemaVersion', 'tool', 'name', 'date', 'root', 'summary', 'apis', 'endpoints', 'findings', 'diagnostics', 'checks']);
    expect(report.schemaVersion).toBe(SCHEMA_VERSION);
    expect(report.tool).toEqual({ name: 'apisec', version: '0.1.0' });
  });

  it('summarises the counts', () => {
    const { summary } = toJsonReport(sampleResult());
    expect(Object.keys(summary)).toEqual([
      'apis',
      'endpoints',
      'deprecatedEndpoints',
      'apisByType',
      'apisByTier',
      'endpointsByTier',
      'findings',
      'bySeverity',
      'bySection',
      'authentication',
      'authorization',
      'rateLimiting',
      'diagnostics',
      'files',
      'checks',
    ]);
    expect(summary.bySeverity).toEqual({ critical: 1, high: 1, medium: 1, low: 0, info: 0 });
    expect(summary.authentication).toEqual({ protected: 1, public: 1, unprotected: 1, unknown: 1 });
    expect(summary.rateLimiting).toEqual({ covered: 1, total: 4, percent: 25 });
    expect(summary.apisByType).toEqual({ external: 1, partner: 0, internal: 0 });
  });

  it('orders keys inside findings whatever order they were built in, and keeps every finding', () => {
    const findings: Finding[] = Array.from({ length: 40 }, (_, index) =>
      sampleFinding({ checkId: 'unauthenticated-endpoint', location: { line: index + 1, file: 'a.js', column: 2 } }),
    );
    const scrambled = findings.map((finding) => Object.fromEntries(Object.entries(finding).reverse()) as unknown as Finding);
    const report = toJsonReport(sampleResult({ findings: scrambled }));
    expect(report.findings).toHaveLength(40);
    expect(Object.keys(report.findings[0] ?? {})).toEqual([
      'checkId',
      'title',
      'severity',
      'confidence',
      'owasp',
      'cwe',
      'section',
      'message',
      'location',
      'rationale',
      'remediation',
      'fingerprint',
    ]);
    expect(Object.keys(report.findings[0]?.location ?? {})).toEqual(['file', 'line', 'column']);
    expect(renderJson(sampleResult({ findings: scrambled }))).toBe(renderJson(sampleResult({ findings })));
  });

  it('leaves out the run duration so identical audits give identical bytes', () => {
    const a = renderJson(sampleResult());
    const b = renderJson(sampleResult({ stats: { filesScanned: 12, specFiles: 1, sourceFiles: 10, excludedFiles: 3, excludedByReason: { test: 2, minified: 1 }, durationMs: 99 } }));
    expect(a).toBe(b);
    expect(a.endsWith('}\n')).toBe(true);
  });
});
