// A worker thread that holds analysis units (engine/units.ts): their trees live here, only data crosses.
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyCheck } from '../checks/define-check.js';
import { allChecks } from '../checks/index.js';
import { loadGraphql } from '../collectors/spec/graphql.js';
import { drainSpecDiagnostics, loadSpec } from '../collectors/spec/openapi-loader.js';
import { loadProto } from '../collectors/spec/protobuf.js';
import type { GraphqlDocument, ProtoDocument, SpecDocument } from './context.js';
import { readTextFile } from '../workspace/read.js';
import { scopeReasonOfText, scopeRules, type ExcludedFile } from '../workspace/scope.js';
import type { Diagnostic, Endpoint } from '../model/types.js';
import { HeapKeeper } from './heap.js';
import { siblingReader, UnitSession, type EarlyCheckIds, type EarlyChecks, type SharedInputs, type WorkerRequest, type WorkerSetup } from './units.js';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('unit-worker must run in a worker thread');

function sharedInputs(): SharedInputs {
  const texts = new Map(setup.texts);
  const readSibling = siblingReader(setup.files, texts, setup.maxSpecBytes);
  // The main thread's documents, loaded again from the same texts: the same objects, with their own lazy diagnostics.
  const specs: SpecDocument[] = [];
  for (const file of setup.specFiles) {
    const text = texts.get(file);
    const loaded = text === undefined ? undefined : loadSpec(file, text, readSibling).spec;
    if (loaded) specs.push(loaded);
  }
  const graphql: GraphqlDocument[] = [];
  for (const file of setup.graphqlFiles) {
    const text = texts.get(file);
    const document = text === undefined ? undefined : loadGraphql(file, text).document;
    if (document) graphql.push(document);
  }
  const protos: ProtoDocument[] = [];
  for (const file of setup.protoFiles) {
    const text = texts.get(file);
    const document = text === undefined ? undefined : loadProto(file, text).document;
    if (document) protos.push(document);
  }
  return { project: setup.project, config: setup.config, today: setup.today, infra: setup.infra, specs, graphql, protos };
}

const shared = sharedInputs();
const scope = scopeRules(setup.scope);
const sessions = new Map<string, UnitSession>();
const checksById = new Map(allChecks.map((check) => [check.id, check]));
let workspace: Endpoint[] = [];

function checksOf(ids: readonly string[]): AnyCheck[] {
  return ids.flatMap((id) => {
    const check = checksById.get(id);
    return check ? [check] : [];
  });
}

/** `EarlyChecks` from the ids that crossed. */
function earlyChecksFrom(ids: EarlyCheckIds | undefined): EarlyChecks | undefined {
  return ids === undefined ? undefined : { checks: checksOf(ids.checkIds), experimental: ids.experimental, evidenceChecks: new Set(ids.evidenceChecks) };
}

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'extract':
    case 'prepare': {
      const speculate = request.type === 'extract' ? request.speculate : undefined;
      const session = new UnitSession(
        request.plan,
        shared,
        setup.fileBudgetMs,
        setup.streaming,
        speculate === undefined
          ? undefined
          : {
              first: speculate.first,
              lateTrees: speculate.lateTrees,
              early: earlyChecksFrom(speculate.early),
            },
      );
      sessions.set(request.plan.id, session);
      const excluded: ExcludedFile[] = [];
      const diagnostics: Diagnostic[] = [];
      const extracted = await session.extract(async (file) => {
        const read = await readTextFile(file);
        if ('diagnostic' in read) {
          diagnostics.push(read.diagnostic);
          return undefined;
        }
        if (!scope.mayExcludeByText(file.path)) return read;
        const reason = scopeReasonOfText(read.text);
        if (reason === undefined) return read;
        excluded.push({ path: file.path, reason });
        return undefined;
      }, request.type === 'extract');
      // The unit's own worker reports what the files were; a helper only parses them.
      return request.type === 'extract' ? { ...extracted, diagnostics: [...diagnostics, ...extracted.diagnostics], excluded } : undefined;
    }
    case 'enrich':
    case 'assist': {
      const session = sessions.get(request.unit);
      if (!session) throw new Error(`unknown unit ${request.unit}`);
      const early = request.type === 'enrich' ? request.early : undefined;
      const enriched = await session.enrich(
        request.endpoints,
        request.apis,
        earlyChecksFrom(early),
      );
      return request.type === 'enrich' ? enriched : undefined;
    }
    case 'check': {
      const session = sessions.get(request.unit);
      if (!session) throw new Error(`unknown unit ${request.unit}`);
      const checks = checksOf(request.checkIds);
      const analysis = await session.check({ ...request, workspaceEndpoints: workspace, checks, evidenceChecks: new Set(request.evidenceChecks) });
      const specDiagnostics = shared.specs.flatMap((spec) => drainSpecDiagnostics(spec));
      const exhausted = session.exhausted();
      // A worker holds several units; the analyses of one that is done must not stay alive while the next are checked.
      if (request.last) {
        session.dispose();
        sessions.delete(request.unit);
      }
      return { ...analysis, exhausted, specDiagnostics };
    }
    case 'workspace': {
      workspace = request.endpoints;
      return undefined;
    }
    case 'dispose': {
      sessions.get(request.unit)?.dispose();
      sessions.delete(request.unit);
      return undefined;
    }
  }
}

/** Where in a result the first value that cannot cross threads sits, e.g. `routes[3].endpoint.handler.node`. */
function uncloneable(value: unknown, path = 'result', depth = 0): string {
  try {
    structuredClone(value);
    return '';
  } catch {
    if (depth > 12 || typeof value !== 'object' || value === null) return path;
    for (const [key, child] of Object.entries(value)) {
      const found = uncloneable(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
      if (found !== '') return found;
    }
    return path;
  }
}

// One request at a time: a unit's trees are alive only while its own request runs (see UnitSession's streaming).
let queue: Promise<unknown> = Promise.resolve();
const heap = new HeapKeeper();
port.on('message', (message: { id: number; request: WorkerRequest }) => {
  const done = queue.then(() => handle(message.request));
  queue = done.catch(() => undefined);
  done.then(
    (result) => {
      try {
        port.postMessage({ id: message.id, result });
        // Once the answer is sent, what the request made is garbage (its trees freed, its session perhaps disposed).
        heap.settle();
      } catch (error) {
        // Only data crosses threads: a result that cannot be copied is a bug to report, not a crash.
        port.postMessage({ id: message.id, error: `the ${message.request.type} result of a unit could not be sent to the main thread (${uncloneable(result)}): ${error instanceof Error ? error.message : String(error)}` });
      }
    },
    (error: unknown) => {
      port.postMessage({ id: message.id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) });
    },
  );
});
