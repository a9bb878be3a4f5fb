import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, auditShard, type AuditResult, type ProgressEvent } from '../index.js';
import type { SourceLanguage } from '../parsing/languages.js';
import type { WorkspaceFile } from '../workspace/discover.js';
import { allChecks } from '../checks/index.js';
import { buildInventory } from '../inventory/index.js';
import type { Endpoint } from '../model/types.js';
import { loadConfig } from '../workspace/config.js';
import { discoverWorkspace } from '../workspace/discover.js';
import { detectProject } from '../workspace/project.js';
import { readTextFile } from '../workspace/read.js';
import { scopeRules } from '../workspace/scope.js';
import { earlyChecksOf, enrichmentKey, isGlobalCheck, planUnits, unitLocator, unitOfLanguage, UnitSession, type SharedInputs } from './units.js';

const here = new URL('.', import.meta.url).pathname;
const fixture = (path: string): string => join(here, '..', path);

/** Four services in four languages, one spec beside them: the collector fixtures, copied side by side. */
const SERVICES: [string, string][] = [
  ['services/shop', 'collectors/code/express/fixtures/shop-api'],
  ['services/notes', 'collectors/code/gin/fixtures/notes-api'],
  ['services/catalog', 'collectors/code/flask/fixtures/catalog-restx'],
  ['services/clinic', 'collectors/code/spring/fixtures/clinic-mvc'],
];

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'apisec-units-'));
  for (const [to, from] of SERVICES) cpSync(fixture(from), join(root, to), { recursive: true });
  // A description of the Go service: its operations are served by the third unit, and read by checks in every unit.
  writeFileSync(
    join(root, 'services/notes/openapi.yaml'),
    [
      'openapi: 3.0.3',
      'info: { title: Notes, version: "1.0" }',
      'components:',
      '  securitySchemes:',
      '    bearer: { type: http, scheme: bearer }',
      'security: [{ bearer: [] }]',
      'paths:',
      '  /legacy/export:',
      '    get:',
      '      parameters: [{ name: token, in: query, schema: { type: string } }]',
      '      responses: { "200": { description: the export } }',
      '  /beta/feed:',
      '    get:',
      '      security: []',
      '      responses: { "200": { description: the feed } }',
      '',
    ].join('\n'),
  );
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The report's content: everything but the timing. */
function content(result: AuditResult): unknown {
  return { ...result, stats: { ...result.stats, durationMs: 0 } };
}

describe('analysis units', () => {
  it('groups source files by language family, in a fixed order, and gives a spec-only workspace one empty unit', () => {
    const file = (path: string, language: SourceLanguage): WorkspaceFile => ({ path, absolute: `/x/${path}`, size: 1, kind: 'source', language });
    const plans = planUnits([file('b/app.kt', 'kotlin'), file('a/app.ts', 'typescript'), file('c/Main.java', 'java'), file('d/app.py', 'python'), { path: 'api.yaml', absolute: '/x/api.yaml', size: 1, kind: 'spec-candidate' }]);
    expect(plans.map((plan) => [plan.id, plan.files.map((entry) => entry.path)])).toEqual([
      ['python', ['d/app.py']],
      ['js', ['a/app.ts']],
      ['jvm', ['b/app.kt', 'c/Main.java']],
    ]);
    expect(planUnits([{ path: 'api.yaml', absolute: '/x/api.yaml', size: 1, kind: 'spec-candidate' }]).map((plan) => plan.files.length)).toEqual([0]);
    expect(unitOfLanguage('tsx')).toBe('js');
  });

  it('gives an endpoint to the unit of the code that serves it, and a spec-only one to the first unit', () => {
    const code = (file: string) => ({ kind: 'code' as const, via: 'x', location: { file, line: 1 } });
    const file = (path: string): WorkspaceFile => ({ path, absolute: `/x/${path}`, size: 1, kind: 'source' });
    const ownerOf = unitLocator([
      { id: 'python', files: [file('api/app.py')] },
      { id: 'go:svc', files: [file('svc/main.go')] },
    ]);
    expect(ownerOf({ sources: [{ kind: 'spec' as const, via: 'openapi', location: { file: 'api.yaml', line: 3 } }, code('svc/main.go')] })).toBe('go:svc');
    expect(ownerOf({ sources: [{ kind: 'spec' as const, via: 'openapi', location: { file: 'api.yaml', line: 3 } }] })).toBe('python');
  });

  it('writes the same report on one thread and on two workers', async () => {
    const events: ProgressEvent[] = [];
    const options = { root, name: 'units', today: '2026-12-07', experimental: true, fileBudgetMs: 0 };
    const one = await audit({ ...options, jobs: 1 });
    const two = await audit({ ...options, jobs: 2, onProgress: (event) => events.push(event) });
    expect(events.some((event) => event.stage === 'workers' && event.total === 2)).toBe(true);
    // Four languages' routes and findings, not an empty audit that is trivially the same.
    expect(new Set(one.inventory.endpoints.flatMap((endpoint) => endpoint.sources.flatMap((source) => (source.kind === 'code' ? [source.via] : []))))).toEqual(new Set(['express', 'gin', 'flask', 'spring']));
    expect(one.findings.length).toBeGreaterThan(0);
    // The spec's operations meet the Go routes they describe.
    expect(one.findings.some((finding) => finding.location.file === 'services/notes/openapi.yaml')).toBe(true);
    expect(one.inventory.endpoints.some((endpoint) => endpoint.path === '/legacy/export' && endpoint.sources.some((source) => source.kind === 'spec') && endpoint.sources.some((source) => source.kind === 'code'))).toBe(true);
    expect(JSON.stringify(content(two))).toBe(JSON.stringify(content(one)));
  }, 120_000);

  it('writes the same report when each unit frees its trees between stages and parses them again', async () => {
    const options = { root, name: 'units', today: '2026-12-07', experimental: true, fileBudgetMs: 0 };
    const kept = await audit({ ...options, jobs: 1, streamUnits: false });
    const streamed = await audit({ ...options, jobs: 1, streamUnits: true });
    const streamedOnWorkers = await audit({ ...options, jobs: 2, streamUnits: true });
    expect(JSON.stringify(content(streamed))).toBe(JSON.stringify(content(kept)));
    expect(JSON.stringify(content(streamedOnWorkers))).toBe(JSON.stringify(content(kept)));
    // Default checks: no check reads other units' endpoints, so a streamed unit frees its texts once enriched.
    const keptDefault = await audit({ ...options, experimental: false, jobs: 1, streamUnits: false });
    const streamedDefault = await audit({ ...options, experimental: false, jobs: 2, streamUnits: true });
    expect(keptDefault.findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(content(streamedDefault))).toBe(JSON.stringify(content(keptDefault)));
  }, 180_000);

  it('writes the same report when every worker takes part in the checks of each unit', async () => {
    const options = { root, name: 'units', today: '2026-12-07', experimental: true, fileBudgetMs: 0 };
    const one = await audit({ ...options, jobs: 1 });
    const events: ProgressEvent[] = [];
    const shared = await audit({ ...options, jobs: 3, shareUnits: true, onProgress: (event) => events.push(event) });
    expect(events.some((event) => event.stage === 'workers' && event.total === 3)).toBe(true);
    expect(JSON.stringify(content(shared))).toBe(JSON.stringify(content(one)));
    const sharedStreamed = await audit({ ...options, jobs: 2, shareUnits: true, streamUnits: true });
    expect(JSON.stringify(content(sharedStreamed))).toBe(JSON.stringify(content(one)));
  }, 180_000);

  it('shares a one-language workspace between two workers, with the report of one thread', async () => {
    const single = mkdtempSync(join(tmpdir(), 'apisec-units-single-'));
    try {
      cpSync(fixture('collectors/code/express/fixtures/shop-api'), single, { recursive: true });
      const options = { root: single, name: 'units', today: '2026-12-07', experimental: true, fileBudgetMs: 0 };
      const one = await audit({ ...options, jobs: 1 });
      const events: ProgressEvent[] = [];
      const two = await audit({ ...options, jobs: 2, shareUnits: true, onProgress: (event) => events.push(event) });
      // Without sharing, one unit never starts a second worker.
      expect(events.some((event) => event.stage === 'workers' && event.total === 2)).toBe(true);
      expect(one.findings.length).toBeGreaterThan(0);
      expect(JSON.stringify(content(two))).toBe(JSON.stringify(content(one)));
    } finally {
      rmSync(single, { recursive: true, force: true });
    }
  }, 120_000);

  it('answers a re-audit of an unchanged tree from the cache, byte for byte, and re-analyses only a changed unit', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'apisec-cache-'));
    try {
      const options = { root, name: 'units', today: '2026-12-07', experimental: true, fileBudgetMs: 0, jobs: 1 };
      const parsed = (events: ProgressEvent[]): string[] => events.flatMap((event) => (event.stage === 'parse' && event.detail !== undefined ? [event.detail] : []));
      const coldEvents: ProgressEvent[] = [];
      const cold = await audit({ ...options, cache, onProgress: (event) => coldEvents.push(event) });
      expect(parsed(coldEvents).length).toBeGreaterThan(0);
      expect(readdirSync(join(cache, 'units')).length).toBeGreaterThan(0);

      const warmEvents: ProgressEvent[] = [];
      const warm = await audit({ ...options, cache, onProgress: (event) => warmEvents.push(event) });
      expect(parsed(warmEvents)).toEqual([]);
      expect(JSON.stringify(content(warm))).toBe(JSON.stringify(content(cold)));

      // One Go file changes: only the Go unit is parsed again, and the result is a fresh audit's.
      const goFile = join(root, 'services/notes/main.go');
      appendFileSync(goFile, '\n// edited\n');
      const editedEvents: ProgressEvent[] = [];
      const edited = await audit({ ...options, cache, onProgress: (event) => editedEvents.push(event) });
      expect(new Set(parsed(editedEvents).map((file) => file.split('/').slice(0, 2).join('/')))).toEqual(new Set(['services/notes']));
      const fresh = await audit(options);
      expect(JSON.stringify(content(edited))).toBe(JSON.stringify(content(fresh)));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }, 180_000);

  it('merges the records of three shards into the report of one whole run, parsing nothing at the merge', async () => {
    const options = { root, name: 'units', today: '2026-12-07', experimental: true, fileBudgetMs: 0, jobs: 1 };
    const whole = await audit(options);
    const records = [];
    for (const index of [1, 2, 3]) records.push(await auditShard({ ...options, shard: { index, count: 3 } }));
    // Four units over three shards: each unit checked by exactly one.
    expect(records.flatMap((record) => record.units).sort()).toEqual(['go', 'js', 'jvm', 'python']);
    const events: ProgressEvent[] = [];
    const merged = await audit({ ...options, shardResults: records.flatMap((record) => record.entries), onProgress: (event) => events.push(event) });
    expect(events.filter((event) => event.stage === 'parse' && event.detail !== undefined)).toEqual([]);
    expect(JSON.stringify(content(merged))).toBe(JSON.stringify(content(whole)));
    // Streaming shards enrich every unit at extraction but check only their own.
    const streamed = [];
    for (const index of [1, 2, 3]) streamed.push(await auditShard({ ...options, streamUnits: true, shard: { index, count: 3 } }));
    const mergedStreamed = await audit({ ...options, shardResults: streamed.flatMap((record) => record.entries) });
    expect(JSON.stringify(content(mergedStreamed))).toBe(JSON.stringify(content(whole)));
  }, 180_000);

  it('splits a family into its independent projects on request: each its own unit, the same routes and decisions', async () => {
    const twin = mkdtempSync(join(tmpdir(), 'apisec-projects-'));
    try {
      // Two Flask services, each with its own requirements.txt: neither imports the other.
      cpSync(fixture('collectors/code/flask/fixtures/catalog-restx'), join(twin, 'services/catalog'), { recursive: true });
      cpSync(fixture('collectors/code/flask/fixtures/pantry-app'), join(twin, 'services/pantry'), { recursive: true });
      const options = { root: twin, name: 'projects', today: '2026-12-07', experimental: true, fileBudgetMs: 0, jobs: 1 };
      const events: ProgressEvent[] = [];
      const split = await audit({ ...options, splitProjects: true, onProgress: (event) => events.push(event) });
      const family = await audit(options);
      const decisions = (result: AuditResult): string[] => result.inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path} ${endpoint.auth.state}`).sort();
      expect(decisions(split).length).toBeGreaterThan(4);
      expect(decisions(split)).toEqual(decisions(family));
      const sharded = [];
      for (const index of [1, 2]) sharded.push(await auditShard({ ...options, splitProjects: true, shard: { index, count: 2 } }));
      // One project per shard: the family was split in two units.
      expect(sharded.map((record) => record.units.length)).toEqual([1, 1]);
      expect(sharded.flatMap((record) => record.units).sort()).toEqual(['python:services/catalog', 'python:services/pantry']);
      expect(events.some((event) => event.stage === 'parse')).toBe(true);
    } finally {
      rmSync(twin, { recursive: true, force: true });
    }
  }, 180_000);
  it('enriches a streaming unit while its trees are alive, and keeps that only for exactly the endpoints the audit brings', async () => {
    const dir = fixture('collectors/code/flask/fixtures/catalog-restx');
    const config = await loadConfig(dir);
    const { files } = await discoverWorkspace(dir, { scope: scopeRules({ includeTests: false }) });
    const project = await detectProject(dir, files, async (file) => {
      const read = await readTextFile(file);
      return 'text' in read ? read.text : undefined;
    });
    const shared: SharedInputs = { project, config, today: '2026-12-07', specs: [], graphql: [], protos: [], infra: [] };
    const [plan] = planUnits(files);
    if (!plan) throw new Error('no unit');
    const unitChecks = allChecks.filter((check) => !isGlobalCheck(check));
    const early = { checks: earlyChecksOf(plan, unitChecks), experimental: true, evidenceChecks: new Set<string>() };
    // What the audit does: extract, build the inventory from the routes, enrich, check.
    const run = async (speculate: boolean, edit: (endpoints: Endpoint[]) => void = () => undefined) => {
      const session = new UnitSession(plan, shared, 0, true, speculate ? { first: true, early, lateTrees: false } : undefined);
      const { routes } = await session.extract(readTextFile);
      const { inventory } = buildInventory({ specs: [], graphql: [], protos: [], code: routes.map((route) => route.endpoint), config });
      edit(inventory.endpoints);
      const enriched = await session.enrich(inventory.endpoints, inventory.apis, early);
      const checked = await session.check({ endpoints: [], apis: [], workspaceEndpoints: [], checks: unitChecks, experimental: true, evidenceChecks: new Set() });
      const parses = session.parses;
      session.dispose();
      return { enriched, endpoints: inventory.endpoints, findings: checked.checks.findings, parses };
    };
    const plain = await run(false);
    expect(plain.parses).toBe(2);
    // Something to keep: enrichers that decided, checks that found.
    expect(plain.enriched.enrichments.some((enrichment) => enrichment.authorization !== undefined || enrichment.rateLimit !== undefined)).toBe(true);
    expect(plain.findings.length).toBeGreaterThan(0);
    const speculated = await run(true);
    expect(speculated.parses).toBe(1);
    expect(speculated.enriched).toEqual(plain.enriched);
    expect(speculated.endpoints).toEqual(plain.endpoints);
    expect(speculated.findings).toEqual(plain.findings);
    // One endpoint the audit decided otherwise (a spec's word, another unit's route): enriched again, as without speculation.
    const protect = (endpoints: Endpoint[]): void => {
      const first = endpoints[0];
      if (first) first.auth = { state: 'protected', mechanisms: ['jwt'], scope: 'route', detail: 'a spec' };
    };
    const editedPlain = await run(false, protect);
    const editedSpeculated = await run(true, protect);
    expect(editedSpeculated.parses).toBe(2);
    expect(editedSpeculated.enriched).toEqual(editedPlain.enriched);
    expect(editedSpeculated.findings).toEqual(editedPlain.findings);
  }, 120_000);

  it('keys an enrichment by every field of its endpoints and APIs: a copy matches, an absent field is not an undefined one', () => {
    const endpoint = { id: 'a GET /x', apiId: 'a', method: 'GET', path: '/x', nested: { list: [1, 'two', null] } } as unknown as Endpoint;
    const early = { checks: [], experimental: false, evidenceChecks: new Set<string>() };
    const key = enrichmentKey([endpoint], [], early);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(enrichmentKey([structuredClone(endpoint)], [], early)).toBe(key);
    expect(enrichmentKey([{ ...endpoint, deprecated: undefined } as unknown as Endpoint], [], early)).not.toBe(key);
    expect(enrichmentKey([{ ...endpoint, nested: { list: [1, 'two'] } } as unknown as Endpoint], [], early)).not.toBe(key);
    expect(enrichmentKey([endpoint], [], { ...early, experimental: true })).not.toBe(key);
    expect(enrichmentKey([endpoint], [], undefined)).not.toBe(key);
    // Not plain data (a Map): no key, nothing reused.
    expect(enrichmentKey([{ ...endpoint, nested: new Map() } as unknown as Endpoint], [], early)).toBeUndefined();
  });
});
