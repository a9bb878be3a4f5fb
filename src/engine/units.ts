import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AnyCheck } from '../checks/define-check.js';
import { gatherEvidence, type ChecklistEvidence } from '../checklist/evidence.js';
import type { CollectedEndpoint } from '../collectors/code/collector.js';
import { allCollectors } from '../collectors/code/index.js';
import { allEnrichers } from '../enrich/index.js';
import { buildInventory } from '../inventory/index.js';
import type { Api, Diagnostic, Endpoint } from '../model/types.js';
import { FileBudget, pauseBudget } from '../parsing/budget.js';
import type { SourceLanguage } from '../parsing/languages.js';
import { freeSources, parseSources } from '../parsing/sources.js';
import type { WorkspaceFile } from '../workspace/discover.js';
import type { TextReader } from '../workspace/read.js';
import type { AuditConfig, CheckContext, InfraFile, ProjectInfo, SourceFile } from './context.js';
import { collectInlineSuppressions, type InlineSuppression } from './inline-suppressions.js';
import { mayRun, mergeRawParts, runChecksRaw, type RawCheckRun } from './run-checks.js';
import { splitProjects } from './projects.js';
import { collectKnownSecrets } from './secrets.js';

/**
 * An analysis unit: the source files of one language family. No analysis crosses from one family
 * to another (a Python module never imports a Go package), so each unit is parsed, collected,
 * enriched and checked on its own, with its trees alive only while it is analysed; the units meet
 * in the inventory (built from every unit's routes and the specs) and in the merged findings.
 */
export const UNIT_IDS = ['python', 'js', 'go', 'jvm', 'php', 'ruby', 'csharp'] as const;
export type UnitFamily = (typeof UNIT_IDS)[number];
/**
 * A family (`python`), or one independent project of a family (`python:services/billing`) when the
 * family's code splits into projects that share nothing (engine/projects.ts).
 */
export type UnitId = string;

export function unitOfLanguage(language: SourceLanguage): UnitFamily {
  switch (language) {
    case 'javascript':
    case 'typescript':
    case 'tsx':
      return 'js';
    case 'java':
    case 'kotlin':
      return 'jvm';
    default:
      return language;
  }
}

export interface UnitPlan {
  id: UnitId;
  /** The unit's source files, in discovery order. */
  files: WorkspaceFile[];
  /** A split project's manifest folders ('' for the repository root); absent for a whole family. */
  roots?: string[];
}

/**
 * The units of a workspace, in `UNIT_IDS` order, each with its source files. A workspace without
 * source files has one empty unit: its specs are still enriched and checked.
 */
export function planUnits(files: readonly WorkspaceFile[]): UnitPlan[] {
  const byUnit = new Map<UnitFamily, WorkspaceFile[]>();
  for (const file of files) {
    if (file.kind !== 'source' || file.language === undefined) continue;
    const id = unitOfLanguage(file.language);
    const list = byUnit.get(id);
    if (list) list.push(file);
    else byUnit.set(id, [file]);
  }
  const plans = UNIT_IDS.flatMap((id) => {
    const unitFiles = byUnit.get(id);
    return unitFiles ? [{ id, files: unitFiles }] : [];
  });
  return plans.length > 0 ? plans : [{ id: 'python', files: [] }];
}

/**
 * Splits each family's unit into its independent projects (engine/projects.ts): memory then follows the
 * largest project rather than the largest language, and the projects of a monorepo spread over the
 * workers. `readText` reads a file without keeping it. A family of one project keeps its family's id.
 */
export async function splitUnits(plans: readonly UnitPlan[], files: readonly WorkspaceFile[], readText: (file: WorkspaceFile) => Promise<string | undefined>): Promise<UnitPlan[]> {
  const out: UnitPlan[] = [];
  for (const plan of plans) {
    const groups = await splitProjects(plan.id, plan.files, files, readText);
    if (groups.length < 2) {
      out.push(plan);
      continue;
    }
    for (const group of groups) out.push({ id: `${plan.id}:${group.roots[0] === '' ? '.' : (group.roots[0] ?? '.')}`, files: group.files, roots: group.roots });
  }
  return out;
}

/**
 * Which unit analyses an endpoint: the unit of the code that serves it; an endpoint only a spec
 * describes goes to the first unit (the checks that read code find none for it anywhere).
 */
export function unitLocator(plans: readonly UnitPlan[]): (endpoint: Pick<Endpoint, 'sources'>) => UnitId | undefined {
  const byFile = new Map<string, UnitId>();
  for (const plan of plans) for (const file of plan.files) byFile.set(file.path, plan.id);
  const first = plans[0]?.id;
  return (endpoint) => {
    for (const source of endpoint.sources) {
      if (source.kind !== 'code') continue;
      const unit = byFile.get(source.location.file);
      if (unit !== undefined) return unit;
    }
    return first;
  };
}

/** Everything a unit reads besides its own sources: the same for every unit of an audit. */
export type SharedInputs = Pick<CheckContext, 'project' | 'config' | 'today' | 'specs' | 'graphql' | 'protos' | 'infra'>;

/** A collected route and the index of the collector that found it (the inventory keeps the collectors' order). */
export interface UnitRoute {
  collector: number;
  endpoint: CollectedEndpoint;
}

export interface ExtractResult {
  routes: UnitRoute[];
  diagnostics: Diagnostic[];
  sourceCount: number;
}

/** What the enrichers decided for an endpoint: the only fields they may set (src/enrich/enricher.ts). */
export interface EndpointEnrichment {
  id: string;
  authorization?: Endpoint['authorization'];
  rateLimit?: Endpoint['rateLimit'];
}

export interface UnitAnalysis {
  checks: RawCheckRun;
  /** Undefined when another shard checks the unit. */
  evidence: ChecklistEvidence | undefined;
  inlineSuppressions: InlineSuppression[];
  /** Secret values the unit's code provably uses (masked in every finding, the global ones included). */
  secretValues: string[];
}

export interface UnitCheckInput {
  /** The endpoints this unit owns (see `ownerOf`), when `enrich` did not run first (it keeps its own). */
  endpoints: Endpoint[];
  /** The APIs of those endpoints. */
  apis: Api[];
  /** The workspace's endpoints (enriched) that the running checks read (`readsWorkspace`): they relate this unit's code to routes another unit serves. */
  workspaceEndpoints: readonly Endpoint[];
  checks: readonly AnyCheck[];
  experimental: boolean;
  evidenceChecks: ReadonlySet<string>;
  /**
   * One of several calls that share the unit's checks between sessions (see `UnitPool`): only the
   * checks' raw run is returned; the evidence, suppressions and secrets come from the unit's own call.
   */
  part?: boolean;
}

/**
 * The checks a unit runs with its enrichment, while the enrichers' trees and analyses are alive: every
 * check but those that read other units' enriched endpoints (`readsWorkspace`), which must wait until
 * every unit is enriched. With streaming trees, the check stage then parses a unit again only for those
 * (and only when the unit has their languages), instead of parsing it and running its enrichers again.
 */
export interface EarlyChecks {
  checks: readonly AnyCheck[];
  experimental: boolean;
  evidenceChecks: ReadonlySet<string>;
}

/** The ids of `EarlyChecks`, as they cross to a worker. */
export interface EarlyCheckIds {
  checkIds: string[];
  experimental: boolean;
  evidenceChecks: string[];
}

/** `EarlyChecks` as they cross to a worker. */
export function earlyCheckIds(early: EarlyChecks): EarlyCheckIds {
  return { checkIds: early.checks.map((check) => check.id), experimental: early.experimental, evidenceChecks: [...early.evidenceChecks] };
}

/**
 * The checks of `checks` a unit of `plan` runs early (see `EarlyChecks`): a check that reads the
 * workspace runs early only where the unit has none of its languages (it finds nothing there, but has run).
 */
export function earlyChecksOf(plan: UnitPlan, checks: readonly AnyCheck[]): AnyCheck[] {
  const languages = new Set(plan.files.map((file) => file.language));
  return checks.filter((check) => check.readsWorkspace === undefined || (check.languages !== undefined && !check.languages.some((language) => languages.has(language))));
}

/**
 * Streaming units enrich at extraction, while the trees are alive, the endpoints their own routes make
 * (`buildInventory` on them alone), and keep the result for the `enrich` call if it brings exactly
 * those endpoints and APIs (see `enrichmentKey`): most units of a split monorepo own the same endpoints
 * in the whole inventory as in their own, and then their files are parsed once instead of twice.
 */
export interface Speculation {
  /** The unit is the audit's first: it also owns the endpoints only a spec describes, and the APIs without endpoints. */
  first: boolean;
  /** Undefined for a unit another shard checks: it is enriched here, not checked. */
  early: EarlyChecks | undefined;
  /** Whether a check that runs after enrichment (one that reads other units' endpoints) will need the unit's trees again: if not, an enrichment taken frees the texts. */
  lateTrees: boolean;
}

/** `Speculation` as it crosses to a worker. */
export interface SpeculationIds {
  first: boolean;
  early?: EarlyCheckIds;
  lateTrees: boolean;
}

const UNDEFINED_MARK = '\u0000undefined\u0000';

/**
 * What an enrichment depends on besides the unit's code: its endpoints and APIs, exactly (every field, in
 * order, `undefined` apart from absent), and the early checks it runs. A value that is not plain data
 * makes no key (`undefined`): nothing is then reused.
 */
export function enrichmentKey(endpoints: readonly Endpoint[], apis: readonly Api[], early: EarlyChecks | undefined): string | undefined {
  let text: string;
  try {
    // JSON with a mark for undefined (JSON alone drops it); a Map or a class instance throws (JSON would write `{}`).
    text = JSON.stringify([endpoints, apis], (_key, value: unknown) => {
      if (value === undefined) return UNDEFINED_MARK;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const prototype: unknown = Object.getPrototypeOf(value);
        if (prototype !== Object.prototype && prototype !== null) throw new Error('not plain data');
      }
      return value;
    });
  } catch {
    return undefined;
  }
  const checks = early === undefined ? 'none' : `${early.checks.map((check) => check.id).join(',')}|${String(early.experimental)}|${[...early.evidenceChecks].sort().join(',')}`;
  return createHash('sha256').update(text).update('\0').update(checks).digest('hex');
}

/**
 * One unit's analysis where its trees live (this thread or a worker): `extract` parses and collects
 * routes, `analyse` enriches the unit's endpoints and runs the checks, `dispose` frees the trees.
 */
export class UnitSession {
  private sources: SourceFile[] = [];
  private texts = new Map<string, string>();
  /** What `enrich` completed; its context only when the trees stay (streaming: its analyses hold syntax nodes of freed trees). */
  private enriched: { endpoints: Endpoint[]; apis: Api[]; context: CheckContext | undefined } | undefined;
  /** The files that parsed at extraction: parsed again, from their texts, when `streaming` freed the trees. */
  private parsedFiles: WorkspaceFile[] = [];
  /** Streaming: the unit's endpoints before the enrichers completed them. */
  private unenriched: Endpoint[] | undefined;
  /** What the early checks found at enrichment, and which checks they were. */
  private early: { analysis: UnitAnalysis; ids: ReadonlySet<string> } | undefined;

  /** The enrichment made at extraction (see `Speculation`), until `enrich` takes or drops it. */
  private speculated:
    | { key: string; enrichments: EndpointEnrichment[]; diagnostics: Diagnostic[]; early: { analysis: UnitAnalysis; ids: ReadonlySet<string> } | undefined; restoreBudget: () => void }
    | undefined;

  private readonly budget: FileBudget;

  /**
   * `fileBudgetMs`: the per-file budget of the unit's files (see parsing/budget.ts). `streaming`: free
   * the trees after each stage and parse again for the next (a large tree's memory is its trees).
   * `speculate`: with `streaming`, enrich at extraction what the unit's own routes make (`Speculation`).
   */
  constructor(
    readonly plan: UnitPlan,
    private readonly shared: SharedInputs,
    fileBudgetMs?: number,
    private readonly streaming = false,
    private readonly speculate?: Speculation,
  ) {
    this.budget = new FileBudget(fileBudgetMs);
  }

  /** How many times the unit's files were parsed: once at extraction, once more for each stage that found its trees freed. */
  get parses(): number {
    return this.parseCount;
  }

  private parseCount = 0;
  /** Set once an enrichment taken from extraction left nothing to parse (see `Speculation.lateTrees`). */
  private textsFreed = false;

  /** The unit's trees, parsed again from the texts read at extraction if a stage freed them. */
  private async trees(): Promise<void> {
    if (this.sources.length > 0 || this.parsedFiles.length === 0) return;
    if (this.textsFreed) throw new Error(`unit ${this.plan.id}: a stage needs its trees after its texts were freed`);
    this.parseCount += 1;
    // The same files, the same texts: the same trees. Their diagnostics were reported at extraction.
    const parsed = await parseSources(this.parsedFiles, (file) => Promise.resolve(this.texts.get(file.path)), this.budget);
    this.sources = parsed.sources;
    pauseBudget();
  }

  private release(): void {
    if (!this.streaming) return;
    freeSources(this.sources);
    this.sources = [];
  }

  /** The unit's files whose analysis ran out of time, in the order they were parsed. */
  exhausted(): { file: string; spentMs: number }[] {
    return this.budget.exhausted();
  }

  get sourceFiles(): readonly SourceFile[] {
    return this.sources;
  }

  /**
   * Parses the unit's files (`readSource` answers undefined for a file left out by its text) and collects
   * its routes; without `collect`, only parses (a session that takes part of another's checks).
   */
  async extract(readSource: TextReader, collect = true): Promise<ExtractResult> {
    const diagnostics: Diagnostic[] = [];
    this.parseCount += 1;
    const parsed = await parseSources(this.plan.files, async (file) => {
      const read = await readSource(file);
      const text = typeof read === 'string' ? read : read !== undefined && 'text' in read ? read.text : undefined;
      if (text !== undefined) this.texts.set(file.path, text);
      return read;
    }, this.budget);
    diagnostics.push(...parsed.diagnostics);
    this.sources = parsed.sources;
    pauseBudget();
    const routes: UnitRoute[] = [];
    const languages = new Set(this.sources.map((source) => source.language));
    // A split project's routes say which project they are (see CollectedEndpoint `project`).
    const root = this.plan.roots?.[0];
    const project = root === undefined ? undefined : root === '' ? '.' : root;
    allCollectors.forEach((collector, index) => {
      if (!collect) return;
      // A collector reads only its languages; one whose routes come from a spec (connexion) must not run in another family's unit.
      if (this.plan.files.length > 0 && !collector.languages.some((language) => languages.has(language))) return;
      if (!collector.isEnabled(this.shared.project, this.sources)) return;
      try {
        const collected = collector.collect(this.sources, this.shared.project, this.shared.specs, this.shared.infra);
        for (const endpoint of collected.endpoints) {
          if (project !== undefined) endpoint.project = project;
          routes.push({ collector: index, endpoint });
        }
        diagnostics.push(...collected.diagnostics);
      } catch (error) {
        diagnostics.push({
          level: 'error',
          source: `collector:${collector.id}`,
          message: `The ${collector.id} route collector crashed and was skipped: ${error instanceof Error ? error.message : String(error)}.`,
        });
      }
    });
    pauseBudget();
    const parsedPaths = new Set(this.sources.map((source) => source.file));
    this.parsedFiles = this.plan.files.filter((file) => parsedPaths.has(file.path));
    const sourceCount = this.sources.length;
    if (collect && this.streaming && this.speculate !== undefined) await this.speculateEnrichment(routes, this.speculate);
    this.release();
    return { routes, diagnostics, sourceCount };
  }

  /** Enriches, while the trees are alive, the endpoints the unit's own routes make (see `Speculation`). */
  private async speculateEnrichment(routes: readonly UnitRoute[], speculation: Speculation): Promise<void> {
    const { specs, graphql, protos, config } = this.shared;
    // The routes go to the main thread as collected: the endpoints built here share no object with them.
    const built = buildInventory({ specs, graphql, protos, code: structuredClone(routes.map((route) => route.endpoint)), config }).inventory;
    const own = new Set(this.plan.files.map((file) => file.path));
    // As `unitLocator` decides from the unit's own files: an endpoint of code elsewhere makes a key the audit's endpoints do not match.
    const endpoints = built.endpoints.filter((endpoint) => {
      const code = endpoint.sources.find((source) => source.kind === 'code');
      return code === undefined ? speculation.first : own.has(code.location.file);
    });
    const apiIds = new Set(endpoints.map((endpoint) => endpoint.apiId));
    const withEndpoints = new Set(built.endpoints.map((endpoint) => endpoint.apiId));
    const apis = built.apis.filter((api) => apiIds.has(api.id) || (speculation.first && !withEndpoints.has(api.id)));
    const key = enrichmentKey(endpoints, apis, speculation.early);
    if (key === undefined) return;
    const restoreBudget = this.budget.snapshot();
    const { enrichments, diagnostics } = await this.enrich(endpoints, apis, speculation.early);
    this.speculated = { key, enrichments, diagnostics, early: this.early, restoreBudget };
    this.early = undefined;
    this.enriched = undefined;
  }

  /**
   * Completes the unit's endpoints (in place) with what its code shows about authorization and rate
   * limiting. The enrichers work on copies, as they do in a worker: analyses cached per endpoint
   * object (holding syntax nodes) then go with the unit's session, not with the audit's inventory.
   */
  async enrich(endpoints: Endpoint[], apis: Api[], early?: EarlyChecks): Promise<{ enrichments: EndpointEnrichment[]; diagnostics: Diagnostic[] }> {
    const speculated = this.speculated;
    this.speculated = undefined;
    if (speculated !== undefined) {
      if (speculated.key === enrichmentKey(endpoints, apis, early)) {
        // The same endpoints, APIs, checks and trees: the same enrichment.
        applyEnrichments(endpoints, speculated.enrichments);
        this.early = speculated.early;
        this.enriched = { endpoints, apis, context: undefined };
        // Nothing will parse the files again: their texts need not wait for the unit's checks.
        if (this.speculate?.lateTrees === false) {
          this.texts.clear();
          this.textsFreed = true;
        }
        return { enrichments: speculated.enrichments, diagnostics: speculated.diagnostics };
      }
      // The time spent on it is not the files' own.
      speculated.restoreBudget();
    }
    await this.trees();
    // Streaming without early checks: the checks will need the enrichers' analyses again, from the endpoints as they are now.
    if (this.streaming && early === undefined) this.unenriched = structuredClone(endpoints);
    const working = structuredClone(endpoints);
    const context = this.context(working, apis);
    const diagnostics = this.runEnrichers(context);
    const enrichments = working.map(enrichmentOf);
    applyEnrichments(endpoints, enrichments);
    if (early !== undefined) {
      // No other unit's endpoints: a check that reads them runs early only where it has nothing to read.
      context.workspaceEndpoints = [];
      this.early = { analysis: this.analyse(context, { ...early, part: false }), ids: new Set(early.checks.map((check) => check.id)) };
    }
    // Streaming keeps neither the copies nor the context: what the analyses cached on them points into trees about to be freed.
    this.enriched = this.streaming ? { endpoints, apis, context: undefined } : { endpoints: working, apis, context };
    this.release();
    return { enrichments, diagnostics };
  }

  private runEnrichers(context: CheckContext): Diagnostic[] {
    const diagnostics: Diagnostic[] = [];
    for (const enricher of allEnrichers) {
      try {
        diagnostics.push(...enricher.run(context));
      } catch (error) {
        diagnostics.push({
          level: 'error',
          source: `enricher:${enricher.id}`,
          message: `The ${enricher.id} analysis crashed and was skipped: ${error instanceof Error ? error.message : String(error)}.`,
        });
      }
    }
    pauseBudget();
    return diagnostics;
  }

  /**
   * Runs the checks that read code on the unit's (enriched) endpoints, and gathers the checklist's
   * evidence (not for a `part`: one of several calls that share the checks, see `UnitCheckInput`).
   */
  async check(input: UnitCheckInput): Promise<UnitAnalysis> {
    const early = this.early;
    if (early !== undefined && input.part !== true) {
      const late = input.checks.filter((check) => !early.ids.has(check.id));
      if (late.length === 0) return early.analysis;
      // Late checks that are off (disabled, experimental) are only listed: no trees for them.
      if (late.some((check) => mayRun(check, this.shared.config.disabledChecks, input))) await this.trees();
      // The late checks read the enriched endpoints and the trees, not the enrichers' analyses: no enricher runs again.
      const kept = this.enriched;
      const context = kept?.context ?? this.context(kept?.endpoints ?? input.endpoints, kept?.apis ?? input.apis);
      context.workspaceEndpoints = input.workspaceEndpoints;
      const checks = runChecksRaw(late, context, { experimental: input.experimental, evidenceChecks: input.evidenceChecks });
      pauseBudget();
      return { ...early.analysis, checks: mergeRawParts([early.analysis.checks, checks], input.checks.map((check) => check.id)) };
    }
    await this.trees();
    const context = this.checkContext(input);
    context.workspaceEndpoints = input.workspaceEndpoints;
    return this.analyse(context, input);
  }

  /** Runs `input.checks` on `context` and, unless it is a `part`, gathers the unit's evidence, suppressions and secrets. */
  private analyse(context: CheckContext, input: Pick<UnitCheckInput, 'checks' | 'experimental' | 'evidenceChecks' | 'part'>): UnitAnalysis {
    const checks = runChecksRaw(input.checks, context, { experimental: input.experimental, evidenceChecks: input.evidenceChecks });
    pauseBudget();
    if (input.part === true) return { checks, evidence: undefined, inlineSuppressions: [], secretValues: [] };
    let secretValues: string[] = [];
    try {
      secretValues = [...collectKnownSecrets(context).values];
    } catch {
      // The checks' own masking already fell back to the generic patterns.
    }
    return {
      checks,
      evidence: gatherEvidence(context),
      inlineSuppressions: collectInlineSuppressions(this.texts, this.sources),
      secretValues,
    };
  }

  private checked: CheckContext | undefined;

  /**
   * The checks' context, made at the first call and kept for the next ones. The enrichers' context
   * when it is alive: analyses cached on it (rate-limit coverage, handler indexes) are not redone.
   * When the trees were parsed again, those analyses point into freed trees: the enrichers run again
   * on a fresh context and fresh copies of the endpoints (analyses are cached per endpoint object too,
   * and some read what the collectors set before the enrichers completed it).
   */
  private checkContext(input: UnitCheckInput): CheckContext {
    if (this.checked !== undefined) return this.checked;
    const kept = this.enriched;
    if (kept === undefined) this.checked = this.context(input.endpoints, input.apis);
    else if (kept.context === undefined) {
      this.checked = this.context(structuredClone(this.unenriched ?? kept.endpoints), kept.apis);
      this.runEnrichers(this.checked);
    } else this.checked = kept.context;
    return this.checked;
  }

  /** The context the unit's enrichers and checks see: its sources, its endpoints, every spec. */
  context(endpoints: Endpoint[], apis: Api[]): CheckContext {
    return {
      ...this.shared,
      sources: this.sources,
      inventory: { apis, endpoints },
      endpointById: new Map(endpoints.map((endpoint) => [endpoint.id, endpoint])),
    };
  }

  dispose(): void {
    freeSources(this.sources);
    this.sources = [];
    this.texts.clear();
    this.enriched = undefined;
    this.unenriched = undefined;
    this.checked = undefined;
    this.early = undefined;
    this.speculated = undefined;
  }
}

/** Checks that read only specs and the inventory as a whole run once, over every endpoint, after the units. */
export function isGlobalCheck(check: AnyCheck): boolean {
  return check.targets.every((target) => target === 'openapi' || target === 'proto');
}

/** What a worker needs to rebuild the shared inputs: plain data only. */
export interface WorkerSetup {
  project: ProjectInfo;
  config: AuditConfig;
  today: string;
  infra: InfraFile[];
  /** Every discovered file (for `$ref`s between spec files). */
  files: WorkspaceFile[];
  maxSpecBytes: number;
  /** Texts the main thread read, by path, besides sources (specs, siblings, infra). */
  texts: [string, string][];
  specFiles: string[];
  graphqlFiles: string[];
  protoFiles: string[];
  scope: { includeTests: boolean; include?: string[]; exclude?: string[] };
  fileBudgetMs?: number;
  /** Free each unit's trees between stages (see UnitSession). */
  streaming: boolean;
}

export type WorkerRequest =
  | { type: 'extract'; plan: UnitPlan; speculate?: SpeculationIds }
  /** Parse a unit another worker extracts, to take part of its checks. */
  | { type: 'prepare'; plan: UnitPlan }
  | { type: 'enrich'; unit: UnitId; endpoints: Endpoint[]; apis: Api[]; early?: EarlyCheckIds }
  /** Enrich copies of the endpoints another worker enriches (the answer is that worker's). */
  | { type: 'assist'; unit: UnitId; endpoints: Endpoint[]; apis: Api[] }
  | {
      type: 'check';
      unit: UnitId;
      endpoints: Endpoint[];
      apis: Api[];
      checkIds: string[];
      experimental: boolean;
      evidenceChecks: string[];
      part: boolean;
      /** The session's last request: the worker frees it before answering, not after the other units' checks queued behind it. */
      last: boolean;
    }
  | { type: 'dispose'; unit: UnitId }
  /** The workspace's endpoints the running checks read, enriched: sent once per worker, read by each unit's checks. */
  | { type: 'workspace'; endpoints: Endpoint[] };

export function enrichmentOf(endpoint: Endpoint): EndpointEnrichment {
  return {
    id: endpoint.id,
    ...(endpoint.authorization === undefined ? {} : { authorization: endpoint.authorization }),
    ...(endpoint.rateLimit === undefined ? {} : { rateLimit: endpoint.rateLimit }),
  };
}

/** Sets what the enrichers decided on the endpoints they were given (and removes what they did not set). */
export function applyEnrichments(endpoints: readonly Endpoint[], enrichments: readonly EndpointEnrichment[]): void {
  const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
  for (const enrichment of enrichments) {
    const endpoint = byId.get(enrichment.id);
    if (!endpoint) continue;
    if (enrichment.authorization === undefined) delete endpoint.authorization;
    else endpoint.authorization = enrichment.authorization;
    if (enrichment.rateLimit === undefined) delete endpoint.rateLimit;
    else endpoint.rateLimit = enrichment.rateLimit;
  }
}

/** Source bytes of a unit. */
export function unitWeight(plan: UnitPlan): number {
  return plan.files.reduce((sum, file) => sum + file.size, 0);
}

/**
 * Spreads units over `bins` (workers, shards): largest first, each to the bin with the least source
 * so far. Deterministic: every shard computes the same split from the same files.
 */
export function spreadUnits(plans: readonly UnitPlan[], bins: number): Map<UnitId, number> {
  const load = Array.from({ length: bins }, () => 0);
  const out = new Map<UnitId, number>();
  for (const plan of [...plans].sort((a, b) => unitWeight(b) - unitWeight(a) || (a.id < b.id ? -1 : 1))) {
    let best = 0;
    for (let index = 1; index < load.length; index++) if ((load[index] ?? 0) < (load[best] ?? 0)) best = index;
    load[best] = (load[best] ?? 0) + unitWeight(plan);
    out.set(plan.id, best);
  }
  return out;
}

/** The units a shard checks (all of them without `shard`). */
export function shardOwnership(plans: readonly UnitPlan[], shard: { index: number; count: number } | undefined): Set<UnitId> {
  if (shard === undefined) return new Set(plans.map((plan) => plan.id));
  const spread = spreadUnits(plans, shard.count);
  return new Set(plans.filter((plan) => spread.get(plan.id) === shard.index - 1).map((plan) => plan.id));
}

/**
 * What a spec's relative `$ref` may read: a text already read, or a file discovery vetted (inside DIR,
 * not through an escaping link) under the spec size cap.
 */
export function siblingReader(files: readonly WorkspaceFile[], texts: ReadonlyMap<string, string>, maxBytes: number): (relative: string) => string | undefined {
  const byPath = new Map(files.map((file) => [file.path, file]));
  return (relative) => {
    const cached = texts.get(relative);
    if (cached !== undefined) return cached;
    const file = byPath.get(relative);
    if (!file || file.size > maxBytes) return undefined;
    try {
      return readFileSync(file.absolute, 'utf8');
    } catch {
      return undefined;
    }
  };
}
