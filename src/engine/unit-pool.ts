import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Api, Diagnostic, Endpoint } from '../model/types.js';
import type { ExcludedFile } from '../workspace/scope.js';
import type { TextReader } from '../workspace/read.js';
import { mergeRawParts } from './run-checks.js';
import { applyEnrichments, earlyCheckIds, spreadUnits, type EarlyChecks, type EndpointEnrichment, type ExtractResult, type Speculation, type SpeculationIds, type UnitAnalysis, type UnitCheckInput, type UnitPlan, type UnitSession, type WorkerRequest, type WorkerSetup } from './units.js';

/** A unit's results, wherever its trees live. */
export interface UnitHandle {
  readonly plan: UnitPlan;
  extract(): Promise<ExtractResult & { excluded: ExcludedFile[] }>;
  /** Completes `endpoints` in place; runs the `early` checks on the way (their findings come with `check`). */
  enrich(endpoints: Endpoint[], apis: Api[], early?: EarlyChecks): Promise<Diagnostic[]>;
  check(input: UnitCheckInput): Promise<Checked>;
  dispose(): Promise<void>;
}

/** A unit analysed on this thread. */
export class LocalUnit implements UnitHandle {
  constructor(
    private readonly session: UnitSession,
    private readonly readSource: TextReader,
    private readonly excluded: () => ExcludedFile[],
  ) {}

  get plan(): UnitPlan {
    return this.session.plan;
  }

  async extract(): Promise<ExtractResult & { excluded: ExcludedFile[] }> {
    const extracted = await this.session.extract(this.readSource);
    return { ...extracted, excluded: this.excluded() };
  }

  async enrich(endpoints: Endpoint[], apis: Api[], early?: EarlyChecks): Promise<Diagnostic[]> {
    return (await this.session.enrich(endpoints, apis, early)).diagnostics;
  }

  async check(input: UnitCheckInput): Promise<UnitAnalysis & { exhausted: { file: string; spentMs: number }[]; specDiagnostics: Diagnostic[] }> {
    // The specs are the main thread's own: their lazy diagnostics are drained there.
    return { ...(await this.session.check(input)), exhausted: this.session.exhausted(), specDiagnostics: [] };
  }

  dispose(): Promise<void> {
    this.session.dispose();
    return Promise.resolve();
  }
}

/** The default `--jobs`: the cores this process may use. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The worker script: the compiled `unit-worker.js` beside this module, or, when apisec runs from its
 * TypeScript sources (tests, `tsx`), the `.ts` file loaded through tsx's loader in the worker.
 */
function spawn(setup: WorkerSetup): Worker {
  const compiled = import.meta.url.endsWith('.js');
  if (compiled) return new Worker(new URL('./unit-worker.js', import.meta.url), { workerData: setup });
  const script = new URL('./unit-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: setup });
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** What was asked (`extract` of `js:services/api`), for the message if the worker dies on it. */
  what: string;
}

/** What a request asks, in words a failure message can quote. */
function describe(request: WorkerRequest): string {
  if (request.type === 'extract' || request.type === 'prepare') return `${request.type} of unit ${request.plan.id} (${request.plan.files.length} files)`;
  if (request.type === 'workspace') return 'the workspace endpoints';
  return `${request.type} of unit ${request.unit}`;
}

/**
 * The error a request gets when its worker thread dies (out of memory, a crash in the parser): which
 * unit it was analysing (requests run one at a time, the oldest pending is the one that was running),
 * and what to do about it.
 */
export function workerFailure(cause: Error, running: string | undefined): Error {
  const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  const where = running === undefined ? '' : ` while it ran ${running}`;
  const hint =
    code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? ': that unit needs more memory than a worker thread may use. Raise the heap limit with NODE_OPTIONS=--max-old-space-size=8192, or leave its largest generated or vendored files out with `exclude` in apisec.config.yaml'
      : '';
  return new Error(`analysis worker stopped${where} (${code ?? cause.message})${hint}`, { cause });
}

/** One worker thread, started at its first request (a warm audit whose units all come from the cache starts none). */
class UnitWorker {
  private started: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private failure: Error | undefined;

  constructor(private readonly setup: WorkerSetup) {}

  private get worker(): Worker {
    this.started ??= this.start();
    return this.started;
  }

  private start(): Worker {
    const worker = spawn(this.setup);
    worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(`analysis worker: ${message.error}`));
      else waiting.resolve(message.result);
    });
    const fail = (cause: Error): void => {
      const error = workerFailure(cause, this.pending.values().next().value?.what);
      this.failure = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`analysis worker exited with code ${code}`));
    });
    return worker;
  }

  private workspace: readonly Endpoint[] | undefined;

  /** Sends the workspace's endpoints once (one copy per worker, not one per unit). */
  async shareWorkspace(endpoints: readonly Endpoint[]): Promise<void> {
    if (this.workspace === endpoints) return;
    this.workspace = endpoints;
    await this.request({ type: 'workspace', endpoints: [...endpoints] });
  }

  request<T>(request: WorkerRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, what: describe(request) });
      this.worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    await this.started?.terminate();
  }
}

type Checked = UnitAnalysis & { exhausted: { file: string; spentMs: number }[]; specDiagnostics: Diagnostic[] };

/** Checks per request when several workers share a unit's checks: small enough to balance, large enough to cost little. */
const CHECKS_PER_REQUEST = 4;

/**
 * A unit whose trees live in a worker thread: only data crosses. With `helpers`, other workers parse
 * the same files and enrich copies of the same endpoints, then every worker takes the unit's checks a
 * few at a time until none is left; the parts are merged in the catalogue's order (`mergeRawParts`),
 * so the result is the one a single worker makes.
 */
class WorkerUnit implements UnitHandle {
  private assisting: Promise<unknown>[] = [];

  constructor(
    readonly plan: UnitPlan,
    private readonly worker: UnitWorker,
    private readonly helpers: readonly UnitWorker[] = [],
    private readonly speculate?: SpeculationIds,
  ) {}

  extract(): Promise<ExtractResult & { excluded: ExcludedFile[] }> {
    // The helpers parse while this worker parses and collects.
    this.assisting = this.helpers.map((helper) => quiet(helper.request({ type: 'prepare', plan: this.plan })));
    // Helpers enrich at the enrich stage, from what the main thread sends: no speculation then.
    const speculate = this.helpers.length === 0 ? this.speculate : undefined;
    return this.worker.request({ type: 'extract', plan: this.plan, ...(speculate === undefined ? {} : { speculate }) });
  }

  async enrich(endpoints: Endpoint[], apis: Api[], early?: EarlyChecks): Promise<Diagnostic[]> {
    // Posted before the answer completes `endpoints`: the helpers enrich copies of them as they are now.
    for (const helper of this.helpers) this.assisting.push(quiet(helper.request({ type: 'assist', unit: this.plan.id, endpoints, apis })));
    // Helpers share out the checks later: no early checks then.
    const ids = early === undefined || this.helpers.length > 0 ? undefined : earlyCheckIds(early);
    const answer = await this.worker.request<{ enrichments: EndpointEnrichment[]; diagnostics: Diagnostic[] }>({ type: 'enrich', unit: this.plan.id, endpoints, apis, ...(ids === undefined ? {} : { early: ids }) });
    applyEnrichments(endpoints, answer.enrichments);
    return answer.diagnostics;
  }

  async check(input: UnitCheckInput): Promise<Checked> {
    const workers = [this.worker, ...this.helpers];
    // The workspace's endpoints that the running checks read (none for most audits) go once to each worker.
    if (input.workspaceEndpoints.length > 0) await Promise.all(workers.map((worker) => worker.shareWorkspace(input.workspaceEndpoints)));
    for (const failed of await Promise.all(this.assisting)) if (failed instanceof Error) throw failed;
    const request = (worker: UnitWorker, checkIds: string[], part: boolean, last = false): Promise<Checked> =>
      worker.request({
        type: 'check',
        unit: this.plan.id,
        // The worker kept the endpoints it enriched.
        endpoints: [],
        apis: [],
        checkIds,
        experimental: input.experimental,
        evidenceChecks: [...input.evidenceChecks],
        part,
        last,
      });
    const ids = input.checks.map((check) => check.id);
    if (this.helpers.length === 0) return request(this.worker, ids, false, true);
    let next = 0;
    const parts: Checked[] = [];
    // The unit's own worker gives the evidence, suppressions and secrets first (with no checks), then takes checks like the others.
    const ownRequest = request(this.worker, [], false);
    await Promise.all(
      workers.map(async (worker) => {
        if (worker === this.worker) await ownRequest;
        while (next < ids.length) {
          // Fewer checks per request as the list runs out, so that no worker is left with a long tail.
          const size = Math.max(1, Math.min(CHECKS_PER_REQUEST, Math.floor((ids.length - next) / (2 * workers.length))));
          const batch = ids.slice(next, next + size);
          next += batch.length;
          parts.push(await request(worker, batch, true));
        }
      }),
    );
    const own = await ownRequest;
    const exhausted = new Map<string, number>();
    for (const { file, spentMs } of [own, ...parts].flatMap((part) => part.exhausted)) exhausted.set(file, Math.max(spentMs, exhausted.get(file) ?? 0));
    const specDiagnostics = new Map([own, ...parts].flatMap((part) => part.specDiagnostics).map((diagnostic) => [JSON.stringify(diagnostic), diagnostic]));
    return {
      ...own,
      checks: mergeRawParts([own.checks, ...parts.map((part) => part.checks)], ids),
      exhausted: [...exhausted].map(([file, spentMs]) => ({ file, spentMs })),
      specDiagnostics: [...specDiagnostics.values()],
    };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.worker, ...this.helpers].map((worker) => worker.request({ type: 'dispose', unit: this.plan.id })));
  }
}

/** A request whose failure is kept as a value, to be raised where its result is needed. */
function quiet(request: Promise<unknown>): Promise<unknown> {
  return request.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}

/**
 * `jobs` worker threads; each unit goes, largest first, to the worker with the least work so far,
 * and stays there (its trees do). The results do not depend on the assignment.
 */
export class UnitPool {
  private readonly workers: UnitWorker[];

  constructor(jobs: number, setup: WorkerSetup) {
    this.workers = Array.from({ length: jobs }, () => new UnitWorker(setup));
  }

  /**
   * `shared`: the units whose checks every worker takes part in (see `WorkerUnit`); `speculate`: what a
   * streaming unit enriches at extraction (see `Speculation`).
   */
  handles(plans: readonly UnitPlan[], shared: (plan: UnitPlan) => boolean = () => false, speculate: (plan: UnitPlan, index: number) => Speculation | undefined = () => undefined): UnitHandle[] {
    const spread = spreadUnits(plans, this.workers.length);
    return plans.map((plan, index) => {
      const worker = this.workers[spread.get(plan.id) ?? 0];
      if (!worker) throw new Error(`no worker for unit ${plan.id}`);
      const speculation = speculate(plan, index);
      const early = speculation?.early;
      const ids =
        speculation === undefined
          ? undefined
          : {
              first: speculation.first,
              lateTrees: speculation.lateTrees,
              ...(early === undefined ? {} : { early: earlyCheckIds(early) }),
            };
      return new WorkerUnit(plan, worker, shared(plan) ? this.workers.filter((other) => other !== worker) : [], ids);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}
