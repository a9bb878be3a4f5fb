import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Api, Diagnostic, Endpoint } from '../model/types.js';
import type { ExcludedFile } from '../workspace/scope.js';
import type { UnitHandle } from './unit-pool.js';
import { applyEnrichments, enrichmentOf, type EarlyChecks, type EndpointEnrichment, type ExtractResult, type UnitAnalysis, type UnitCheckInput, type UnitPlan } from './units.js';

/**
 * The result cache: what each analysis unit produced (its routes, its enrichments, its findings),
 * stored by a hash of everything it read — apisec's own code, the unit's files, the specs and
 * configuration, the options, and for the later stages the endpoints handed to it. A warm re-audit
 * of an unchanged tree parses nothing. Safe to delete at any time; never inside the audit's output.
 */

/** The platform's cache folder for apisec: `$XDG_CACHE_HOME/apisec` (Linux), `~/Library/Caches/apisec` (macOS), `%LOCALAPPDATA%\apisec\Cache` (Windows). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'apisec', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'apisec');
  return join(env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache'), 'apisec');
}

let engine: string | undefined;

/**
 * apisec's own code, as a hash of its module files (path, size, modification time): a cache filled by
 * another build — a release, or a working copy edited since — never answers.
 */
export function engineFingerprint(version: string): string {
  if (engine !== undefined) return engine;
  const hash = createHash('sha256').update(version);
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const walk = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'fixtures' && entry.name !== 'node_modules') walk(path);
      } else if (/\.(js|ts|mjs|json)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        try {
          const stat = statSync(path);
          hash.update(`${path.slice(root.length)}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000`);
        } catch {
          // Gone since it was listed: the next run fingerprints without it.
        }
      }
    }
  };
  walk(root);
  engine = hash.digest('hex');
  return engine;
}

export function hashOf(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex');
}

/**
 * The unit's files by path and content hash: what its extraction read. Read synchronously: a warm audit
 * is mostly this, and one promise per file cost 2-3x the time (3,274 files of /tmp/m100: 544 ms with
 * `fs.promises.readFile`, 205 ms with `readFileSync`, same machine, back to back).
 */
export function unitFilesHash(plan: UnitPlan): Promise<string> {
  const hash = createHash('sha256');
  for (const file of plan.files) {
    let bytes: Buffer | string;
    try {
      bytes = readFileSync(file.absolute);
    } catch (error) {
      bytes = `unreadable ${error instanceof Error && 'code' in error ? String(error.code) : ''}`;
    }
    hash.update(file.path).update('\u0000').update(createHash('sha256').update(bytes).digest('hex')).update('\u0000');
  }
  return Promise.resolve(hash.digest('hex'));
}

/** Where unit results are looked up and kept: the cache folder, a shard's record, a merge's shard results. */
export interface ResultStore {
  get(key: string): unknown;
  put(key: string, value: unknown): void;
}

/**
 * Entries in memory over an optional store beneath: a shard records what its own units produce
 * (`put` fills both), a merge answers from the shards' records first.
 */
export class MemoryStore implements ResultStore {
  readonly entries: Map<string, unknown>;

  constructor(
    entries: Iterable<[string, unknown]> = [],
    private readonly below?: ResultStore,
  ) {
    this.entries = new Map(entries);
  }

  get(key: string): unknown {
    return this.entries.has(key) ? this.entries.get(key) : this.below?.get(key);
  }

  put(key: string, value: unknown): void {
    this.entries.set(key, value);
    this.below?.put(key, value);
  }
}

/** A folder of JSON entries by key; every failure (unwritable, corrupt, removed) is a miss. */
export class ResultCache implements ResultStore {
  private failed = false;

  constructor(readonly dir: string) {}

  /** The entry's value, as written by `put` (its shape is the caller's: entries are keyed by what produced them). */
  get(key: string): unknown {
    try {
      const entry = JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as { key?: string; value?: unknown };
      return entry.key === key ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  put(key: string, value: unknown): void {
    if (this.failed) return;
    const path = this.pathOf(key);
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(temp, JSON.stringify({ key, value }));
      renameSync(temp, path);
    } catch {
      // A read-only or full disk: the audit goes on without caching.
      this.failed = true;
      try {
        unlinkSync(temp);
      } catch {
        // Never written.
      }
    }
  }

  /** True when an entry could not be written (reported once by the caller). */
  get unwritable(): boolean {
    return this.failed;
  }

  private pathOf(key: string): string {
    return join(this.dir, 'units', key.slice(0, 2), `${key}.json`);
  }
}

type Extracted = ExtractResult & { excluded: ExcludedFile[] };

const workspaceHashes = new WeakMap<readonly Endpoint[], string>();

/** The workspace's endpoints, hashed once per audit rather than once per unit (66k endpoints on a 1M-line tree). */
function workspaceHash(endpoints: readonly Endpoint[]): string {
  let hash = workspaceHashes.get(endpoints);
  if (hash === undefined) {
    hash = hashOf(JSON.stringify(endpoints));
    workspaceHashes.set(endpoints, hash);
  }
  return hash;
}
type Checked = UnitAnalysis & { exhausted: { file: string; spentMs: number }[]; specDiagnostics: Diagnostic[] };

/**
 * A unit whose results come from the cache when its inputs are unchanged, and from `inner` (which
 * parses only then) when not. Entries are written once the unit's checks are done, and only when no
 * file ran out of its time budget (such a result depends on the machine's speed, not on the inputs).
 */
export class CachedUnit implements UnitHandle {
  private extracted = false;
  private enriched = false;
  private readonly pending: [string, unknown][] = [];
  private extractKey = '';
  private enrichKey = '';
  /** The endpoints handed to `enrich`, before it completed them (a later miss enriches copies of them again). */
  private unenriched = '';

  constructor(
    private readonly inner: UnitHandle,
    private readonly cache: ResultStore,
    /** Everything besides the unit's files that its extraction reads (engine, specs, configuration, options). */
    private readonly context: string,
    /** A shard leaves this unit's checks to another shard: its routes and enrichments are still needed here. */
    private readonly checksElsewhere = false,
  ) {}

  get plan(): UnitPlan {
    return this.inner.plan;
  }

  async extract(): Promise<Extracted> {
    this.extractKey = hashOf('extract', this.context, this.plan.id, await unitFilesHash(this.plan));
    const hit = this.cache.get(this.extractKey) as Extracted | undefined;
    if (hit) return hit;
    const value = await this.inner.extract();
    this.extracted = true;
    this.pending.push([this.extractKey, value]);
    return value;
  }

  /** The early checks, for an enrichment made again when the checks miss the cache. */
  private early: EarlyChecks | undefined;

  async enrich(endpoints: Endpoint[], apis: Api[], early?: EarlyChecks): Promise<Diagnostic[]> {
    // A unit another shard checks runs no checks here.
    this.early = this.checksElsewhere ? undefined : early;
    this.unenriched = JSON.stringify(endpoints);
    this.enrichKey = hashOf('enrich', this.extractKey, this.unenriched, JSON.stringify(apis));
    const hit = this.cache.get(this.enrichKey) as { enrichments: EndpointEnrichment[]; diagnostics: Diagnostic[] } | undefined;
    if (hit) {
      applyEnrichments(endpoints, hit.enrichments);
      return hit.diagnostics;
    }
    await this.parsed();
    const diagnostics = await this.inner.enrich(endpoints, apis, this.early);
    this.enriched = true;
    this.pending.push([this.enrichKey, { enrichments: endpoints.map(enrichmentOf), diagnostics }]);
    return diagnostics;
  }

  async check(input: UnitCheckInput): Promise<Checked> {
    const key = hashOf(
      'check',
      this.enrichKey,
      JSON.stringify(input.endpoints),
      workspaceHash(input.workspaceEndpoints),
      input.checks.map((check) => check.id).join(','),
      String(input.experimental),
      [...input.evidenceChecks].sort().join(','),
    );
    const hit = this.cache.get(key) as Checked | undefined;
    if (hit) return hit;
    if (this.checksElsewhere) return { checks: { findings: [], rootCauses: [], diagnostics: [], ran: [], experimentalOff: [] }, evidence: undefined, inlineSuppressions: [], secretValues: [], exhausted: [], specDiagnostics: [] };
    await this.parsed();
    let endpoints = input.endpoints;
    if (!this.enriched) {
      // The enrichments came from the cache: the unit's analysis makes them again, on copies of what it was given.
      endpoints = JSON.parse(this.unenriched) as Endpoint[];
      await this.inner.enrich(endpoints, input.apis, this.early);
      this.enriched = true;
    }
    const value = await this.inner.check({ ...input, endpoints });
    if (value.exhausted.length === 0) {
      for (const [pendingKey, pendingValue] of this.pending) this.cache.put(pendingKey, pendingValue);
      this.cache.put(key, value);
    }
    return value;
  }

  dispose(): Promise<void> {
    return this.extracted ? this.inner.dispose() : Promise.resolve();
  }

  /** The unit's trees, when a later stage missed the cache after an extraction that hit it. */
  private async parsed(): Promise<void> {
    if (this.extracted) return;
    await this.inner.extract();
    this.extracted = true;
  }
}
