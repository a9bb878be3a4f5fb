import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { sampleFinding, sampleResult } from './sample.js';
import { renderSummary } from './summary.js';

describe('renderSummary', () => {
  it('covers what seed 000 asks the summary to highlight', () => {
    const text = renderSummary(sampleResult(), { color: false });
    expect(text).toContain('APIs inventoried: 1 (by type: 1 external; by sensitivity: 1 critical)');
    expect(text).toContain('Authentication gaps: 1 unauthenticated endpoint not declared public (1 on critical or high sensitivity data), 1 undetermined; 1 finding');
    expect(text).toContain('Authorization gaps: object-level check missing on 1 endpoint, function-level on 0; 1 finding');
    expect(text).toContain('Rate limiting: 1 of 4 endpoints covered (25%)');
    expect(text).toContain('Findings: 3 (1 critical, 1 high, 1 medium, 0 low, 0 info)');
    expect(text).toContain('Top priority remediations:');
    expect(text).toContain('1. [critical] Endpoint without authentication (API2:2023; 1 place, first at src/routes/payments.js:12)');
    expect(text).toContain('Report: .metapowers/security/payments-service/02-protect.md');
  });

  it('lists at most five remediations, most severe first', () => {
    const findings: Finding[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id, index) =>
      sampleFinding({ checkId: `check-${id}`, title: `Title ${id}`, severity: index === 6 ? 'critical' : 'low' }),
    );
    const text = renderSummary(sampleResult({ findings }), { color: false });
    expect(text.match(/^ {2}\d\. /gm)).toHaveLength(5);
    expect(text).toContain('1. [critical] Title g');
  });

  it('colours only when asked', () => {
    expect(renderSummary(sampleResult(), { color: false })).not.toContain('\u001b[');
    expect(renderSummary(sampleResult(), { color: true })).toContain('\u001b[');
  });

  it('uses the artifact path it is given', () => {
    expect(renderSummary(sampleResult(), { color: false, artifactPath: 'x/02-protect.md' })).toContain('Report: x/02-protect.md (all findings: x/02-protect.json)');
  });
});
