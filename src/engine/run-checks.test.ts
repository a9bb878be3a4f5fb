import { describe, expect, it } from 'vitest';
import defineCheck, { type AnyCheck } from '../checks/define-check.js';
import type { CheckContext } from './context.js';
import { maskSecrets } from './mask.js';
import { finishChecks, formatMessage, mergeRawParts, runChecks, runChecksRaw, settledSeverity } from './run-checks.js';

function context(overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    project: { root: '/x', languages: [], frameworks: [], dependencies: {} },
    config: { publicEndpoints: [], apiTypes: {}, disabledChecks: [] },
    today: '2026-06-01',
    specs: [],
    graphql: [],
    protos: [],
    sources: [],
    infra: [],
    inventory: { apis: [], endpoints: [] },
    endpointById: new Map(),
    ...overrides,
  };
}

const ENDPOINT = {
  id: 'api GET /a',
  apiId: 'api',
  method: 'GET',
  path: '/a',
  protocol: 'rest' as const,
  sources: [],
  parameters: [],
  auth: { state: 'unknown' as const, mechanisms: [] },
  deprecated: false,
  type: 'external' as const,
  tier: 'low' as const,
};

function check(id: string, run: AnyCheck['run'], extra: Partial<AnyCheck> = {}): AnyCheck {
  return defineCheck({
    id,
    title: 'A weakness',
    owasp: 'API8:2023',
    cwe: ['CWE-1'],
    severity: 'medium',
    confidence: 'high',
    section: 'input-validation',
    targets: ['inventory'],
    rationale: 'Because.',
    remediation: 'Fix it.',
    messages: { found: 'Found `{{what}}`.' },
    run,
    ...extra,
  });
}

const withEndpoint = context({ inventory: { apis: [], endpoints: [ENDPOINT] } });

describe('runChecks', () => {
  it('builds findings from the check metadata, formats messages and sorts by place', () => {
    const result = runChecks(
      [
        check('b-check', (_ctx, report) => {
          report({ messageId: 'found', data: { what: 'y' }, location: { file: 'b.js', line: 2 } });
          report({ messageId: 'found', data: { what: 'x' }, location: { file: 'a.js', line: 9 } });
        }),
      ],
      withEndpoint,
    );
    expect(result.findings.map((finding) => [finding.location.file, finding.message])).toEqual([
      ['a.js', 'Found `x`.'],
      ['b.js', 'Found `y`.'],
    ]);
    expect(result.findings[0]).toMatchObject({ checkId: 'b-check', owasp: 'API8:2023', severity: 'medium', rationale: 'Because.' });
  });

  it('turns a crashing check into a diagnostic and runs the others', () => {
    const result = runChecks(
      [
        check('crashes', () => {
          throw new Error('boom');
        }),
        check('works', (_ctx, report) => {
          report({ messageId: 'found', data: { what: 'z' }, location: { file: 'c.py', line: 1 } });
        }),
      ],
      withEndpoint,
    );
    expect(result.findings).toHaveLength(1);
    expect(result.diagnostics[0]?.message).toMatch(/crashes crashed.*boom/);
  });

  it('reports one finding per fingerprint and skips checks without targets or disabled ones', () => {
    const twice = check('twice', (_ctx, report) => {
      for (let i = 0; i < 2; i += 1) report({ messageId: 'found', data: { what: 'same' }, location: { file: 'x.ts', line: 3 } });
    });
    expect(runChecks([twice], withEndpoint).findings).toHaveLength(1);
    expect(runChecks([twice], context()).ran).toEqual([]);
    expect(runChecks([twice], { ...withEndpoint, config: { ...withEndpoint.config, disabledChecks: ['twice'] } }).ran).toEqual([]);
  });

  it('keeps identical lines in two handlers of one file as two findings', () => {
    const twoHandlers = check('same-line', (_ctx, report) => {
      for (const endpointId of ['api GET /a', 'api GET /b']) {
        report({ messageId: 'found', data: { what: 'q' }, location: { file: 'r.js', line: endpointId.endsWith('a') ? 3 : 9 }, endpointId, evidence: { snippet: 'db.user.findUnique({ where: { id } })' } });
      }
    });
    expect(runChecks([twoHandlers], withEndpoint).findings).toHaveLength(2);
  });

  it('keeps fingerprints stable when a finding moves to another line', () => {
    const at = (line: number): AnyCheck =>
      check('moves', (_ctx, report) => {
        report({ messageId: 'found', data: { what: 'v' }, location: { file: 'm.js', line }, evidence: { snippet: 'jwt.decode(t)' } });
      });
    expect(runChecks([at(3)], withEndpoint).findings[0]?.fingerprint).toBe(runChecks([at(30)], withEndpoint).findings[0]?.fingerprint);
  });

  it('folds the places of one root cause into one finding whose fingerprint does not depend on them', () => {
    const copies = (files: string[]): AnyCheck =>
      check('copied', (_ctx, report) => {
        for (const file of files) {
          report({ messageId: 'found', data: { what: 'jwt.verify(t, key)' }, location: { file, line: 4 }, evidence: { snippet: 'jwt.verify(t, key)' }, rootCause: 'verify-options', severity: file === 'c.js' ? 'high' : 'medium' });
        }
        report({ messageId: 'found', data: { what: 'other' }, location: { file: 'z.js', line: 1 } });
      });
    const three = runChecks([copies(['c.js', 'a.js', 'b.js'])], withEndpoint).findings;
    expect(three).toHaveLength(2);
    const grouped = three.find((finding) => finding.related !== undefined);
    expect(grouped).toMatchObject({ location: { file: 'a.js', line: 4 }, occurrences: 3, severity: 'high' });
    expect(grouped?.related?.map((place) => place.location.file)).toEqual(['b.js', 'c.js']);
    const one = runChecks([copies(['a.js'])], withEndpoint).findings.find((finding) => finding.location.file === 'a.js');
    expect(one?.related).toBeUndefined();
    expect(one?.fingerprint).toBe(grouped?.fingerprint);
  });

  it('keeps the code finding and lists the spec counterpart on the same endpoint as a related place', () => {
    const spec = check('spec-side', (_ctx, report) => {
      report({ messageId: 'found', data: { what: 'spec' }, location: { file: 'openapi.yaml', line: 40 }, endpointId: 'api GET /a' });
      report({ messageId: 'found', data: { what: 'spec b' }, location: { file: 'openapi.yaml', line: 60 }, endpointId: 'api GET /b' });
    });
    const code = check(
      'code-side',
      (_ctx, report) => {
        report({ messageId: 'found', data: { what: 'code' }, location: { file: 'routes.js', line: 7 }, endpointId: 'api GET /a' });
      },
      { specCounterparts: ['spec-side'] },
    );
    const findings = runChecks([spec, code], withEndpoint).findings;
    expect(findings.map((finding) => `${finding.checkId}@${finding.location.file}:${finding.location.line}`)).toEqual(['spec-side@openapi.yaml:60', 'code-side@routes.js:7']);
    expect(findings[1]?.related).toEqual([{ location: { file: 'openapi.yaml', line: 40 }, endpointId: 'api GET /a', checkId: 'spec-side', message: 'Found `spec`.' }]);
    expect(runChecks([spec], withEndpoint).findings).toHaveLength(2);
  });

  it('reports one handler served under several prefixes once, listing its endpoints', () => {
    const mounted = check('mounted', (_ctx, report) => {
      for (const endpointId of ['api POST /api/v3/hooks', 'api POST /api/v1/hooks', 'api POST /api/v2/hooks']) {
        report({ messageId: 'found', data: { what: endpointId }, location: { file: 'views.py', line: 816, column: 4 }, endpointId, evidence: { snippet: 'def hook(request):' } });
      }
      report({ messageId: 'found', data: { what: 'elsewhere' }, location: { file: 'views.py', line: 830, column: 4 }, endpointId: 'api POST /api/v1/other', evidence: { snippet: 'def hook(request):' } });
    });
    const findings = runChecks([mounted], withEndpoint).findings;
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ location: { line: 816 }, occurrences: 3 });
    expect(findings[0]?.related?.map((place) => place.endpointId).sort()).toEqual(['api POST /api/v2/hooks', 'api POST /api/v3/hooks']);
    const alone = runChecks([check('mounted', (_ctx, report) => {
      report({ messageId: 'found', data: { what: 'api POST /api/v1/hooks' }, location: { file: 'views.py', line: 816, column: 4 }, endpointId: 'api POST /api/v1/hooks', evidence: { snippet: 'def hook(request):' } });
    })], withEndpoint).findings;
    expect(findings[0]?.fingerprint).toBe(alone[0]?.fingerprint);
  });

  it('reports a finding raised identically in two copies of one spec once, at the first copy', () => {
    const copies = check('spec-copy', (_ctx, report) => {
      for (const file of ['swagger/openapi.json', 'swagger/api.spec.yaml']) {
        report({ messageId: 'found', data: { what: 'GET /hosts' }, location: { file, line: file.endsWith('json') ? 900 : 40, pointer: '/paths/~1hosts/get' } });
      }
      report({ messageId: 'found', data: { what: 'GET /hosts' }, location: { file: 'other/openapi.yaml', line: 12, pointer: '/paths/~1hosts/post' } });
    });
    const findings = runChecks([copies], withEndpoint).findings;
    expect(findings.map((finding) => `${finding.location.file}:${finding.location.line}`)).toEqual(['other/openapi.yaml:12', 'swagger/api.spec.yaml:40']);
    expect(findings[1]?.related).toEqual([{ location: { file: 'swagger/openapi.json', line: 900, pointer: '/paths/~1hosts/get' } }]);
  });

  it('runs experimental checks only when asked to', () => {
    const trial = check('trial', (_ctx, report) => {
      report({ messageId: 'found', data: { what: 'x' }, location: { file: 't.js', line: 1 } });
    }, { experimental: true });
    const off = runChecks([trial], withEndpoint);
    expect(off.findings).toEqual([]);
    expect(off.experimentalOff.map((entry) => entry.id)).toEqual(['trial']);
    expect(runChecks([trial], withEndpoint, { experimental: true }).findings).toHaveLength(1);
  });

  it('runs the experimental checks named as evidence apart, without reporting them or touching the reported findings', () => {
    const trial = check('trial', (_ctx, report) => {
      report({ messageId: 'found', data: { what: 'x' }, location: { file: 't.js', line: 1 } });
    }, { experimental: true });
    const other = check('other-trial', (_ctx, report) => {
      report({ messageId: 'found', data: { what: 'y' }, location: { file: 't.js', line: 2 } });
    }, { experimental: true });
    // Same place and message as the experimental one: the separate run never de-duplicates it away.
    const stable = check('stable', (_ctx, report) => {
      report({ messageId: 'found', data: { what: 'x' }, location: { file: 't.js', line: 1 } });
    });
    const result = runChecks([stable, trial, other], withEndpoint, { evidenceChecks: new Set(['trial']) });
    expect(result.findings.map((finding) => finding.checkId)).toEqual(['stable']);
    expect(result.ran.map((entry) => entry.id)).toEqual(['stable']);
    expect(result.silent.ran.map((entry) => entry.id)).toEqual(['trial']);
    expect(result.silent.findings.map((finding) => [finding.checkId, finding.location.line])).toEqual([['trial', 1]]);
    // With --experimental nothing is silent: every check reports.
    const all = runChecks([stable, trial, other], withEndpoint, { experimental: true, evidenceChecks: new Set(['trial']) });
    expect(all.silent).toEqual({ findings: [], ran: [] });
    expect(all.findings.map((finding) => finding.checkId).sort()).toEqual(['other-trial', 'stable', 'trial']);
    // A disabled check does not run, not even silently.
    const disabled = context({ inventory: withEndpoint.inventory, config: { publicEndpoints: [], apiTypes: {}, disabledChecks: ['trial'] } });
    expect(runChecks([trial], disabled, { evidenceChecks: new Set(['trial']) }).silent.ran).toEqual([]);
  });

  it('masks secrets in messages and evidence', () => {
    const result = runChecks(
      [
        check('leaks', (_ctx, report) => {
          report({
            messageId: 'found',
            data: { what: 'sk_live_abcdefghijklmnop' },
            location: { file: 's.js', line: 1 },
            evidence: { snippet: "const JWT_SECRET = 'hunter2hunter2'" },
          });
        }),
      ],
      withEndpoint,
    );
    const finding = result.findings[0];
    expect(finding?.message).not.toContain('abcdefghijklmnop');
    expect(finding?.evidence?.snippet).not.toContain('hunter2hunter2');
  });
});

describe('settledSeverity', () => {
  it('lets exposure raise only certain findings, and lower any', () => {
    expect(settledSeverity('medium', 'critical', 'high')).toBe('critical');
    expect(settledSeverity('medium', 'critical', 'medium')).toBe('medium');
    expect(settledSeverity('high', 'low', 'low')).toBe('low');
    expect(settledSeverity('high', undefined, 'low')).toBe('high');
  });
});

describe('formatMessage and maskSecrets', () => {
  it('leaves unknown placeholders visible rather than blank', () => {
    expect(formatMessage('`{{a}}` and {{b}}.', { a: 'x' })).toBe('`x` and {{b}}.');
  });

  it('keeps a recognisable prefix and hides the rest', () => {
    expect(maskSecrets('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc')).not.toContain('eyJzdWIiOiIxIn0');
    expect(maskSecrets('password = "correct horse battery"')).toMatch(/password = "corr\*+"/);
    expect(maskSecrets('no secrets here')).toBe('no secrets here');
  });
});

describe('mergeRawParts', () => {
  it('makes of the runs of disjoint parts of a check list the run of the whole list', () => {
    const checks = [
      check('first', (_ctx, report) => {
        report({ messageId: 'found', data: { what: 'b' }, location: { file: 'b.js', line: 2 }, rootCause: 'one' });
        report({ messageId: 'found', data: { what: 'a' }, location: { file: 'a.js', line: 9 } });
        report({ messageId: 'found', data: { what: 'c' }, location: { file: 'c.js', line: 2 }, rootCause: 'one' });
      }),
      check('crashes', () => {
        throw new Error('boom');
      }),
      check(
        'quiet',
        (_ctx, report) => {
          report({ messageId: 'found', data: { what: 'q' }, location: { file: 'q.js', line: 1 } });
        },
        { experimental: true },
      ),
      check('last', (_ctx, report) => {
        report({ messageId: 'found', data: { what: 'z' }, location: { file: 'a.js', line: 1 }, rootCause: 'two' });
      }),
      check('also-crashes', () => {
        throw new Error('bang');
      }),
    ];
    const options = { evidenceChecks: new Set(['quiet']) };
    const whole = runChecksRaw(checks, withEndpoint, options);
    const [first, crashes, quiet, last, alsoCrashes] = checks as [AnyCheck, AnyCheck, AnyCheck, AnyCheck, AnyCheck];
    // Parts in any order, of any size, some empty: the order of the list decides.
    const parts = [runChecksRaw([last, crashes], withEndpoint, options), runChecksRaw([], withEndpoint, options), runChecksRaw([alsoCrashes, quiet, first], withEndpoint, options)];
    const merged = mergeRawParts(parts, checks.map((entry) => entry.id));
    expect(merged).toEqual(whole);
    // Not a trivially equal pair: findings of three checks, two root causes, two crashes, a silent run.
    expect(whole.findings.map((finding) => finding.checkId)).toEqual(['first', 'first', 'first', 'last']);
    expect(whole.rootCauses).toEqual([[0, 'one'], [2, 'one'], [3, 'two']]);
    expect(whole.diagnostics.map((diagnostic) => diagnostic.source)).toEqual(['check:crashes', 'check:also-crashes']);
    expect(whole.silent?.findings.map((finding) => finding.checkId)).toEqual(['quiet']);
    expect(mergeRawParts([runChecksRaw([first], withEndpoint)], ['first'])).toEqual(runChecksRaw([first], withEndpoint));
  });

  it("keeps the copy of a shared file's finding reported by the project that holds the file, whatever the units' order", () => {
    // Every project's unit reads the shared schema; only the backend's code says how it is used.
    const schema = check('schema-store', (ctx, report) => {
      const used = ctx.sources.length > 0;
      report({ messageId: 'found', data: { what: used ? 'looked up in guards/token.ts' : 'declared' }, location: { file: 'packages/backend/prisma/schema.prisma', line: 4 }, key: 'ApiKey' });
    });
    const backendCtx = context({ ...withEndpoint, sources: [{ file: 'packages/backend/src/guards/token.ts' } as never] });
    const web = { ...runChecksRaw([schema], withEndpoint), roots: ['packages/web'] };
    const root = { ...runChecksRaw([schema], withEndpoint), roots: [''] };
    const backend = { ...runChecksRaw([schema], backendCtx), roots: ['packages/backend'] };
    for (const order of [[web, root, backend], [backend, web, root], [root, backend, web]]) {
      const { findings } = finishChecks(order, [schema]);
      expect(findings.map((finding) => finding.message)).toEqual(['Found `looked up in guards/token.ts`.']);
    }
    // Whole families (no roots) keep the first copy.
    const [first] = finishChecks([runChecksRaw([schema], withEndpoint), runChecksRaw([schema], backendCtx)], [schema]).findings;
    expect(first?.message).toBe('Found `declared`.');
  });
});
