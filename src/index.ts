import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AnyCheck } from './checks/define-check.js';
import { allChecks } from './checks/index.js';
import { loadGraphql } from './collectors/spec/graphql.js';
import { drainSpecDiagnostics, isOpenApiCandidate, loadSpec } from './collectors/spec/openapi-loader.js';
import { loadProto } from './collectors/spec/protobuf.js';
import { dedupeSpecCopies } from './collectors/spec/copies.js';
import type {
  AuditConfig,
  CheckContext,
  GraphqlDocument,
  Inventory,
  InfraFile,
  ProtoDocument,
  SpecDocument,
} from './engine/context.js';
import type { AuditResult } from './engine/result.js';
import { finishChecks, mayRun, runChecksRaw, type RawCheckRun } from './engine/run-checks.js';
import { earlyChecksOf, isGlobalCheck, planUnits, splitUnits, unitLocator, shardOwnership, siblingReader, unitWeight, UnitSession, type EarlyChecks, type SharedInputs, type Speculation, type UnitPlan, type UnitRoute } from './engine/units.js';
import { defaultJobs, LocalUnit, UnitPool, type UnitHandle } from './engine/unit-pool.js';
import { CachedUnit, engineFingerprint, hashOf, MemoryStore, ResultCache, type ResultStore } from './engine/unit-cache.js';
import { knownSecrets } from './engine/mask.js';
import { buildInventory } from './inventory/index.js';
import type { Api, Diagnostic, Endpoint, Finding } from './model/types.js';
import { FileBudget, pauseBudget } from './parsing/budget.js';
import { seconds } from './parsing/sources.js';
import { loadConfig } from './workspace/config.js';
import { DEFAULT_MAX_SPEC_BYTES, discoverWorkspace, type WorkspaceFile } from './workspace/discover.js';
import { detectProject } from './workspace/project.js';
import { readTextFile } from './workspace/read.js';
import { countExcluded, scopeReasonOfText, scopeRules, type ExcludedFile } from './workspace/scope.js';
import { infraKind, MAX_INFRA_BYTES } from './workspace/infra.js';
import { CHECKLIST_CHECKS, DEFAULT_ACCESS_TOKEN_SECONDS, evaluateChecklist } from './checklist/checklist.js';
import { gatherEvidence, mergeEvidence, type ChecklistEvidence } from './checklist/evidence.js';
import { liveAudit, type LiveAuditOptions } from './live/index.js';
import { allProbes } from './live/probes/index.js';
import { collectInlineSuppressions, type InlineSuppression } from './engine/inline-suppressions.js';
import { applyPolicy, validatePolicyConfig, type Baseline } from './engine/policy.js';

export interface ProgressEvent {
  stage: string;
  detail?: string;
  done?: number;
  total?: number;
}

export interface AuditOptions {
  /** The directory to audit. */
  root: string;
  /** The audit's NAME. */
  name: string;
  /** ISO date for sunset comparisons and the report header; defaults to today (UTC). */
  today?: string;
  /** An explicit config file; otherwise one is looked up in `root`. */
  configFile?: string;
  onProgress?: (event: ProgressEvent) => void;
  /** Restrict the catalogue (tests, `--check`). */
  checks?: readonly AnyCheck[];
  /** Run the checks marked experimental too (`--experimental`); off by default. */
  experimental?: boolean;
  /** Audit tests and their fixtures too (`--include-tests`); out of scope by default. */
  includeTests?: boolean;
  /** Time one source file may take across all stages before its analysis stops (0: no limit). */
  fileBudgetMs?: number;
  /** Probe this running deployment too (`--target`); its findings merge with the static ones. */
  live?: LiveAuditOptions;
  /** Seed 003's checklist: the longest acceptable access-token lifetime, in seconds (default 900, the seed's 15 minutes). */
  maxAccessTokenSeconds?: number;
  /**
   * Worker threads for the analysis units (`--jobs`); default: the cores available, used when there is
   * enough code to repay starting them. Results do not depend on it.
   */
  jobs?: number;
  /**
   * Free each unit's syntax trees after every stage and parse its files again for the next, so that
   * memory follows the largest unit in flight rather than the whole tree; costs the extra parses.
   * Default: when the code exceeds 24 MiB. Results do not depend on it.
   */
  streamUnits?: boolean;
  /**
   * Let every worker take part in each unit's checks: each worker parses the unit and enriches copies
   * of its endpoints, and the checks are shared out (a repository in one language is one unit).
   * Default off: on 2 cores it costs more than it saves (netbox, 6 MB of Python: 7.4-10.7 s on one
   * thread, 8.7-15.7 s on two sharing workers, CPU +55%). Results do not depend on it.
   */
  shareUnits?: boolean;
  /**
   * Split each language family into its independent projects (engine/projects.ts), each its own unit:
   * memory follows the largest project instead of the largest language, and a monorepo's services spread
   * over the workers. On by default (`false` analyses each family as one unit); the report is the same
   * either way (test/split-projects.test.ts).
   */
  splitProjects?: boolean;
  /**
   * Folder of the result cache (engine/unit-cache.ts): a unit whose files, specs, configuration and
   * options are unchanged is not analysed again. Off unless given (the CLI turns it on by default).
   */
  cache?: string | false;
  /**
   * Run one shard of a split audit (`--shard i/n`, 1-based): every unit's routes and enrichments are
   * made (the inventory needs them all), the checks only for this shard's units. See `auditShard`.
   */
  shard?: { index: number; count: number };
  /** The records of every shard (`apisec merge`): the units' results come from them. */
  shardResults?: Iterable<[string, unknown]>;
  /** Findings of a previous audit (`--baseline`): only findings whose fingerprint is not in it are reported. */
  baseline?: Baseline;
}

export class AuditError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditError';
  }
}

function readVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // Bundled without package.json beside it.
  }
  return '0.0.0';
}

export const VERSION = readVersion();

/** Below this much source code, starting worker threads costs more than it saves: unless `jobs` is given, the units run on this thread. */
const WORKER_MIN_SOURCE_BYTES = 1024 * 1024;

/** Above this much source code, each unit frees its trees between stages (and parses again): see `streamUnits`. */
const STREAM_MIN_SOURCE_BYTES = 24 * 1024 * 1024;

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const left = `${a.file ?? ''}\u0000${String(a.line ?? 0).padStart(9, '0')}\u0000${a.message}`;
  const right = `${b.file ?? ''}\u0000${String(b.line ?? 0).padStart(9, '0')}\u0000${b.message}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isoToday(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface Analysis {
  context: CheckContext;
  findings: Finding[];
  diagnostics: Diagnostic[];
  ran: AnyCheck[];
  /** Experimental checks run only for the checklist's evidence (experimental off): never reported. */
  silent: { findings: Finding[]; ran: AnyCheck[] };
  filesScanned: number;
  /** Files left out of scope (tests, examples, vendored, generated, minified…), sorted by path. */
  excluded: ExcludedFile[];
  /** The checklist's positive evidence, from every unit. */
  evidence: ChecklistEvidence;
  /** Source files parsed. */
  sourceFiles: number;
  /** With `shard`: what this shard's units produced, for `apisec merge`. */
  shardEntries?: [string, unknown][];
  /** With `shard`: the units it checked. */
  shardUnits?: string[];
  /** `apisec-ignore` comments in the files read. */
  inlineSuppressions: InlineSuppression[];
  /** Frees the syntax trees; the context's sources are unusable afterwards. */
  dispose(): void;
}

/** Runs every stage but reporting: workspace → collectors → inventory → checks. */
export async function analyse(options: Omit<AuditOptions, 'name'>): Promise<Analysis> {
  const root = path.resolve(options.root);
  const rootStat = await stat(root).catch((cause: unknown) => {
    throw new AuditError(`Cannot read the directory to audit: ${options.root}.`, { cause });
  });
  if (!rootStat.isDirectory()) throw new AuditError(`${options.root} is not a directory.`);
  const progress = options.onProgress ?? (() => undefined);
  const diagnostics: Diagnostic[] = [];

  progress({ stage: 'discover', detail: root });
  const config: AuditConfig = await loadConfig(root, options.configFile);
  // Probe ids count as check ids in the configuration (`ignore`, `disabledChecks`, `severityOverrides`).
  validatePolicyConfig(config, new Set([...(options.checks ?? allChecks).map((check) => check.id), ...allProbes.map((probe) => probe.id)]));
  const scope = scopeRules({
    includeTests: options.includeTests === true,
    ...(config.include === undefined ? {} : { include: config.include }),
    ...(config.exclude === undefined ? {} : { exclude: config.exclude }),
  });
  const discovered = await discoverWorkspace(root, { scope });
  diagnostics.push(...discovered.diagnostics);
  const files = discovered.files;
  const excluded = [...discovered.excluded];

  const texts = new Map<string, string>();
  const readText = async (file: WorkspaceFile): Promise<string | undefined> => {
    const cached = texts.get(file.path);
    if (cached !== undefined) return cached;
    const read = await readTextFile(file);
    if ('diagnostic' in read) {
      diagnostics.push(read.diagnostic);
      return undefined;
    }
    texts.set(file.path, read.text);
    return read.text;
  };

  const project = await detectProject(root, files, readText);

  progress({ stage: 'specs' });
  const specs: SpecDocument[] = [];
  const graphql: GraphqlDocument[] = [];
  const protos: ProtoDocument[] = [];
  const infra: InfraFile[] = [];
  // Only files discovery vetted (inside DIR, not through an escaping link, under the size cap).
  const readSibling = siblingReader(files, texts, DEFAULT_MAX_SPEC_BYTES);
  for (const file of files) {
    const kind = infraKind(file.path);
    if (kind !== undefined && file.size <= MAX_INFRA_BYTES) {
      const text = await readText(file);
      if (text !== undefined) infra.push({ file: file.path, kind, text });
    }
    if (file.kind === 'spec-candidate') {
      if (!isOpenApiCandidate(file.path)) continue;
      const text = await readText(file);
      if (text === undefined) continue;
      const loaded = loadSpec(file.path, text, readSibling);
      diagnostics.push(...loaded.diagnostics);
      if (loaded.spec) specs.push(loaded.spec);
      else {
        const gql = loadGraphql(file.path, text);
        diagnostics.push(...gql.diagnostics);
        if (gql.document) graphql.push(gql.document);
      }
    } else if (file.kind === 'graphql') {
      const text = await readText(file);
      if (text === undefined) continue;
      const gql = loadGraphql(file.path, text);
      diagnostics.push(...gql.diagnostics);
      if (gql.document) graphql.push(gql.document);
    } else if (file.kind === 'proto') {
      const text = await readText(file);
      if (text === undefined) continue;
      const proto = loadProto(file.path, text);
      diagnostics.push(...proto.diagnostics);
      if (proto.document) protos.push(proto.document);
    }
  }

  const copies = dedupeSpecCopies(specs);
  diagnostics.push(...copies.diagnostics);
  // apisec's own inventory file (`apisec inventory -o`) describes what was audited; it is no API of its own.
  const described = copies.specs.filter((spec) => spec.root['x-apisec-inventory'] !== true);
  for (const spec of copies.specs) {
    if (!described.includes(spec)) diagnostics.push({ level: 'info', file: spec.file, line: 1, message: 'apisec inventory file (x-apisec-inventory): not audited as an API description', source: 'openapi' });
  }
  specs.splice(0, specs.length, ...described);

  const sourceCount = files.filter((file) => file.kind === 'source').length;
  let sourcesRead = 0;
  progress({ stage: 'parse', done: 0, total: sourceCount });
  // Minified, bundled and generated code is recognised by its text, once read; `out` lists what is left out.
  const sourceReader =
    (out: ExcludedFile[]) =>
    async (file: WorkspaceFile): Promise<string | undefined> => {
      sourcesRead += 1;
      progress({ stage: 'parse', done: sourcesRead, total: sourceCount, detail: file.path });
      const text = await readText(file);
      if (text === undefined || !scope.mayExcludeByText(file.path)) return text;
      const reason = scopeReasonOfText(text);
      if (reason === undefined) return text;
      out.push({ path: file.path, reason });
      return undefined;
    };
  const shared: SharedInputs = { project, config, today: options.today ?? isoToday(), specs, graphql, protos, infra };
  const catalogue = options.checks ?? allChecks;

  // Each language family (or, with `splitProjects`, each independent project of one) is a unit, parsed,
  // collected, enriched and checked on its own (engine/units.ts): on worker threads when there are several
  // units and enough code to repay starting them. The split reads each text once, for its imports, and keeps none.
  const families = planUnits(files);
  const plans =
    options.splitProjects !== false
      ? await splitUnits(families, files, async (file) => {
          const read = await readTextFile(file);
          return 'text' in read ? read.text : undefined;
        })
      : families;
  const sourceBytes = plans.reduce((sum, plan) => sum + unitWeight(plan), 0);
  const requested = options.jobs ?? defaultJobs();
  // One worker per unit, unless the workers share the units' checks.
  const jobs = Math.min(requested, options.shareUnits === true ? Infinity : plans.length);
  // Past this much code, trees are freed after each stage and parsed again for the next: memory follows one unit, not the tree.
  const streaming = options.streamUnits ?? sourceBytes >= STREAM_MIN_SOURCE_BYTES;
  // Workers know the catalogue's checks only (a test's own check objects stay on this thread).
  const catalogued = new Set(allChecks);
  const pool =
    jobs > 1 && (options.jobs !== undefined || sourceBytes >= WORKER_MIN_SOURCE_BYTES) && catalogue.every((check) => catalogued.has(check))
      ? new UnitPool(jobs, {
          project,
          config,
          today: shared.today,
          infra,
          files,
          maxSpecBytes: DEFAULT_MAX_SPEC_BYTES,
          texts: [...texts],
          specFiles: specs.map((spec) => spec.file),
          graphqlFiles: graphql.map((document) => document.file),
          protoFiles: protos.map((document) => document.file),
          scope: { includeTests: options.includeTests === true, ...(config.include === undefined ? {} : { include: config.include }), ...(config.exclude === undefined ? {} : { exclude: config.exclude }) },
          ...(options.fileBudgetMs === undefined ? {} : { fileBudgetMs: options.fileBudgetMs }),
          streaming,
        })
      : undefined;
  if (pool) progress({ stage: 'workers', total: jobs });
  const unitChecks = catalogue.filter((check) => !isGlobalCheck(check));
  const evidenceChecks = new Set(CHECKLIST_CHECKS);
  const experimental = options.experimental === true;
  // The checks that need no other unit's enrichment run with this unit's (see EarlyChecks).
  const earlyOf = (plan: UnitPlan): EarlyChecks => ({ checks: earlyChecksOf(plan, unitChecks), experimental, evidenceChecks });
  const checkedHere = shardOwnership(plans, options.shard);
  // Streaming units enrich their own routes' endpoints while their trees are alive (see Speculation);
  // a unit another shard checks runs no checks here.
  const speculate = (plan: UnitPlan, index: number): Speculation | undefined => {
    if (!streaming || options.shareUnits === true) return undefined;
    const early = checkedHere.has(plan.id) ? earlyOf(plan) : undefined;
    const late = early === undefined ? [] : unitChecks.filter((check) => !early.checks.includes(check));
    return { first: index === 0, early, lateTrees: late.some((check) => mayRun(check, config.disabledChecks, { experimental, evidenceChecks })) };
  };
  const direct: UnitHandle[] =
    pool?.handles(plans, () => options.shareUnits === true, speculate) ??
    plans.map((plan, index) => {
      const left: ExcludedFile[] = [];
      return new LocalUnit(new UnitSession(plan, shared, options.fileBudgetMs, streaming, speculate(plan, index)), sourceReader(left), () => left.splice(0));
    });
  const disk = options.cache === undefined || options.cache === false ? undefined : new ResultCache(options.cache);
  // A shard records what its own units produce; a merge answers from the shards' records first.
  const shardRecord = options.shard === undefined ? undefined : new MemoryStore([], disk);
  const cache: ResultStore | undefined = shardRecord ?? (options.shardResults === undefined ? disk : new MemoryStore(options.shardResults, disk));
  const cacheContext =
    cache === undefined
      ? ''
      : hashOf(
          engineFingerprint(VERSION),
          JSON.stringify(project),
          JSON.stringify(config),
          // The texts of specs, infrastructure and manifests: every non-source file the audit read.
          ...[...texts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([file, text]) => [file, text]),
          JSON.stringify({ today: shared.today, experimental: options.experimental === true, includeTests: options.includeTests === true, checks: catalogue.map((check) => check.id) }),
        );
  const handles: UnitHandle[] = cache === undefined ? direct : direct.map((handle) => new CachedUnit(handle, cache, cacheContext, !checkedHere.has(handle.plan.id)));
  // Local units run one after the other (they share this thread); workers in parallel. Results keep the units' order.
  const eachUnit = async <T>(work: (handle: UnitHandle) => Promise<T>): Promise<T[]> => {
    if (pool) return Promise.all(handles.map(work));
    const out: T[] = [];
    for (const handle of handles) out.push(await work(handle));
    return out;
  };

  const routes: UnitRoute[] = [];
  let sourceFiles = 0;
  const runs: RawCheckRun[] = [];
  const evidence: ChecklistEvidence[] = [];
  const inlineSuppressions: InlineSuppression[] = [];
  const secretValues: string[] = [];
  const exhausted: { file: string; spentMs: number }[] = [];
  const specDiagnostics: Diagnostic[] = [];
  let inventory: Inventory;
  try {
    for (const extracted of await eachUnit((handle) => handle.extract())) {
      routes.push(...extracted.routes);
      diagnostics.push(...extracted.diagnostics);
      excluded.push(...extracted.excluded);
      sourceFiles += extracted.sourceCount;
    }

    pauseBudget();
    progress({ stage: 'inventory' });
    // In the collectors' order, as if one pass had read every file.
    const code = routes.map((route, index) => ({ route, index })).sort((a, b) => a.route.collector - b.route.collector || a.index - b.index).map(({ route }) => route.endpoint);
    const built = buildInventory({ specs, graphql, protos, code, config });
    diagnostics.push(...built.diagnostics);
    inventory = built.inventory;
    // The inventory holds what the routes said: the collected routes are not kept until the end.
    routes.length = 0;
    code.length = 0;

    // Each unit enriches the endpoints its code serves, then runs the checks that read code on them.
    const ownerOf = unitLocator(plans);
    const owned = new Map<string, Endpoint[]>();
    for (const endpoint of inventory.endpoints) {
      const owner = ownerOf(endpoint) ?? 'python';
      const list = owned.get(owner);
      if (list) list.push(endpoint);
      else owned.set(owner, [endpoint]);
    }
    const withEndpoints = new Set(inventory.endpoints.map((endpoint) => endpoint.apiId));
    const apisOf = (index: number, endpoints: readonly Endpoint[]): Api[] => {
      const apiIds = new Set(endpoints.map((endpoint) => endpoint.apiId));
      // An API without endpoints goes with the first unit.
      return inventory.apis.filter((api) => apiIds.has(api.id) || (index === 0 && !withEndpoints.has(api.id)));
    };
    progress({ stage: 'enrich' });
    for (const found of await eachUnit((handle) => {
      const endpoints = owned.get(handle.plan.id) ?? [];
      return handle.enrich(endpoints, apisOf(handles.indexOf(handle), endpoints), earlyOf(handle.plan));
    })) {
      diagnostics.push(...found);
    }
    progress({ stage: 'checks' });
    // Of the other units' endpoints, only those a running check reads (a front end calling a back end in another language).
    const readers = unitChecks.flatMap((check) => (check.readsWorkspace !== undefined && mayRun(check, config.disabledChecks, { experimental, evidenceChecks }) ? [check.readsWorkspace] : []));
    const workspaceEndpoints = readers.length === 0 ? [] : inventory.endpoints.filter((endpoint) => readers.some((reads) => reads(endpoint)));
    for (const analysed of await eachUnit(async (handle) => {
      const endpoints = owned.get(handle.plan.id) ?? [];
      const result = await handle.check({
        endpoints,
        apis: apisOf(handles.indexOf(handle), endpoints),
        workspaceEndpoints,
        checks: unitChecks,
        experimental: options.experimental === true,
        evidenceChecks,
      });
      // Nothing after the checks reads a syntax tree.
      await handle.dispose();
      return { ...result, roots: handle.plan.roots };
    })) {
      runs.push(analysed.roots === undefined ? analysed.checks : { ...analysed.checks, roots: analysed.roots });
      if (analysed.evidence) evidence.push(analysed.evidence);
      inlineSuppressions.push(...analysed.inlineSuppressions);
      secretValues.push(...analysed.secretValues);
      exhausted.push(...analysed.exhausted);
      specDiagnostics.push(...analysed.specDiagnostics);
    }
  } finally {
    if (pool) await pool.close();
    else await Promise.all(handles.map((handle) => handle.dispose()));
  }

  const context: CheckContext = {
    ...shared,
    sources: [],
    inventory,
    endpointById: new Map(inventory.endpoints.map((endpoint) => [endpoint.id, endpoint])),
  };
  // Spec checks read the whole inventory, once, after every unit has enriched its endpoints.
  runs.push(runChecksRaw(catalogue.filter(isGlobalCheck), context, { experimental: options.experimental === true, evidenceChecks: new Set(CHECKLIST_CHECKS), secrets: knownSecrets(secretValues) }));
  const checked = finishChecks(runs, catalogue);
  // A file whose analysis ran out of time answered "nothing" to the checks: what they found there is dropped.
  const overBudget = new Set<string>();
  const limitMs = new FileBudget(options.fileBudgetMs).limitMs;
  for (const { file, spentMs } of exhausted) {
    overBudget.add(file);
    diagnostics.push({
      level: 'warning',
      file,
      message: `analysis of this file stopped after ${seconds(spentMs)} (per-file budget ${seconds(limitMs)}); its routes may be incomplete and its findings are not reported`,
      source: 'budget',
    });
  }
  if (overBudget.size > 0) {
    checked.findings = checked.findings.filter((finding) => !overBudget.has(finding.location.file));
    checked.silent.findings = checked.silent.findings.filter((finding) => !overBudget.has(finding.location.file));
  }
  diagnostics.push(...checked.diagnostics);
  // Refs that only checks followed (deep schemas) record their problems lazily, here and in the workers' copies.
  for (const spec of specs) specDiagnostics.push(...drainSpecDiagnostics(spec));
  const seenSpecDiagnostics = new Set<string>();
  for (const diagnostic of specDiagnostics.sort(compareDiagnostics)) {
    const key = JSON.stringify(diagnostic);
    if (seenSpecDiagnostics.has(key)) continue;
    seenSpecDiagnostics.add(key);
    diagnostics.push(diagnostic);
  }
  const sourceTexts = new Set(plans.flatMap((plan) => plan.files.map((file) => file.path)));
  const otherTexts = new Map([...texts].filter(([file]) => !sourceTexts.has(file)));
  inlineSuppressions.push(...collectInlineSuppressions(otherTexts, []));
  inlineSuppressions.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return {
    context,
    findings: checked.findings,
    diagnostics,
    ran: checked.ran,
    silent: checked.silent,
    evidence: evidence.length > 0 ? mergeEvidence(evidence) : gatherEvidence(context),
    filesScanned: files.length,
    sourceFiles,
    excluded: excluded.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    inlineSuppressions,
    // The units freed their trees as soon as their checks were done.
    dispose: () => undefined,
    ...(shardRecord === undefined ? {} : { shardEntries: [...shardRecord.entries], shardUnits: plans.filter((plan) => checkedHere.has(plan.id)).map((plan) => plan.id) }),
  };
}

/** The library API: audits a directory and returns the result. No console, no process exit. */
export async function audit(options: AuditOptions): Promise<AuditResult> {
  const started = performance.now();
  const analysis = await analyse(options);
  try {
    const { context } = analysis;
    const knownChecks = new Set([...(options.checks ?? allChecks).map((check) => check.id), ...allProbes.map((probe) => probe.id)]);
    // Live findings first merge into the static ones they confirm; the suppressions then apply to both.
    const live =
      options.live === undefined
        ? undefined
        : await liveAudit(
            { ...options.live, probes: (options.live.probes ?? allProbes).filter((probe) => !context.config.disabledChecks.includes(probe.id)) },
            context.inventory.endpoints,
            analysis.findings,
          );
    const policy = applyPolicy({
      findings: live?.findings ?? analysis.findings,
      config: context.config,
      inline: analysis.inlineSuppressions,
      knownChecks,
      ranChecks: new Set([...analysis.ran.map((check) => check.id), ...(live?.summary.probesRun ?? [])]),
      ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
    });
    const overrides = context.config.severityOverrides ?? {};
    const findings = policy.findings;
    // Silent findings obey the same suppressions and baseline; what they suppress or miss is not reported.
    const silent = applyPolicy({ findings: analysis.silent.findings, config: context.config, inline: analysis.inlineSuppressions, knownChecks, ranChecks: new Set(), ...(options.baseline === undefined ? {} : { baseline: options.baseline }) });
    // A suppression only a silent finding matched is in use: it is not reported as matching nothing.
    const usedSilently = new Set(silent.report.suppressed.flatMap(({ where }) => (where === undefined ? [] : [`${where.file}:${where.line}`])));
    const suppressions = { ...policy.report, problems: policy.report.problems.filter((problem) => problem.kind !== 'unused' || !usedSilently.has(`${problem.location.file}:${problem.location.line}`)) };
    const checklist = evaluateChecklist({
      findings,
      experimentalFindings: silent.findings,
      inventory: context.inventory,
      ran: new Set([...analysis.ran, ...analysis.silent.ran].map((check) => check.id)),
      evidence: analysis.evidence,
      maxAccessTokenSeconds: options.maxAccessTokenSeconds ?? context.config.accessTokenMaxSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS,
    });
    return {
      name: options.name,
      root: options.root,
      date: context.today,
      tool: { name: 'apisec', version: VERSION },
      project: context.project,
      inventory: context.inventory,
      findings,
      diagnostics: live === undefined ? analysis.diagnostics : [...analysis.diagnostics, ...live.diagnostics],
      checks: analysis.ran.map((check) => ({
        id: check.id,
        title: check.title,
        owasp: check.owasp,
        section: check.section,
        severity: (Object.hasOwn(overrides, check.id) ? overrides[check.id] : undefined) ?? check.severity,
      })),
      suppressions,
      checklist,
      ...(live === undefined ? {} : { live: live.summary }),
      stats: {
        filesScanned: analysis.filesScanned,
        specFiles: context.specs.length + context.graphql.length + context.protos.length,
        sourceFiles: analysis.sourceFiles,
        excludedFiles: analysis.excluded.length,
        excludedByReason: countExcluded(analysis.excluded),
        durationMs: Math.round(performance.now() - started),
      },
    };
  } finally {
    analysis.dispose();
  }
}

/** One shard's record (`apisec audit --shard i/n`): `apisec merge` combines the records of all n into the audit. */
export interface ShardRecord {
  format: 'apisec-shard';
  version: string;
  name: string;
  shard: { index: number; count: number };
  /** The units this shard checked. */
  units: string[];
  entries: [string, unknown][];
}

/** Runs one shard of a split audit: no report, the record of the units it checked. */
export async function auditShard(options: AuditOptions & { shard: { index: number; count: number } }): Promise<ShardRecord> {
  const analysis = await analyse(options);
  return {
    format: 'apisec-shard',
    version: VERSION,
    name: options.name,
    shard: options.shard,
    units: analysis.shardUnits ?? [],
    entries: analysis.shardEntries ?? [],
  };
}

export type { AuditResult } from './engine/result.js';
export type { Finding, Endpoint, Api, Diagnostic, Severity } from './model/types.js';
export { allChecks } from './checks/index.js';
export { default as defineCheck } from './checks/define-check.js';
