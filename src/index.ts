import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AnyCheck } from './checks/define-check.js';
import { allChecks } from './checks/index.js';
import type { CollectedEndpoint } from './collectors/code/collector.js';
import { allCollectors } from './collectors/code/index.js';
import { loadGraphql } from './collectors/spec/graphql.js';
import { drainSpecDiagnostics, isOpenApiCandidate, loadSpec } from './collectors/spec/openapi-loader.js';
import { loadProto } from './collectors/spec/protobuf.js';
import { dedupeSpecCopies } from './collectors/spec/copies.js';
import type {
  AuditConfig,
  CheckContext,
  GraphqlDocument,
  InfraFile,
  ProtoDocument,
  SourceFile,
  SpecDocument,
} from './engine/context.js';
import type { AuditResult } from './engine/result.js';
import { runChecks } from './engine/run-checks.js';
import { buildInventory } from './inventory/index.js';
import type { Diagnostic, Finding } from './model/types.js';
import { FileBudget, pauseBudget } from './parsing/budget.js';
import { freeSources, parseSources, seconds } from './parsing/sources.js';
import { loadConfig } from './workspace/config.js';
import { DEFAULT_MAX_SPEC_BYTES, discoverWorkspace, type WorkspaceFile } from './workspace/discover.js';
import { detectProject } from './workspace/project.js';
import { readTextFile } from './workspace/read.js';
import { countExcluded, scopeReasonOfText, scopeRules, type ExcludedFile } from './workspace/scope.js';
import { infraKind, MAX_INFRA_BYTES } from './workspace/infra.js';
import { allEnrichers } from './enrich/index.js';
import { CHECKLIST_CHECKS, DEFAULT_ACCESS_TOKEN_SECONDS, evaluateChecklist } from './checklist/checklist.js';
import { gatherEvidence } from './checklist/evidence.js';
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
  const byPath = new Map(files.map((file) => [file.path, file]));
  const readSibling = (relative: string): string | undefined => {
    const cached = texts.get(relative);
    if (cached !== undefined) return cached;
    // Only files discovery vetted (inside DIR, not through an escaping link, under the size cap).
    const file = byPath.get(relative);
    if (!file || file.size > DEFAULT_MAX_SPEC_BYTES) return undefined;
    try {
      return readFileSync(file.absolute, 'utf8');
    } catch {
      return undefined;
    }
  };
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
  // Minified, bundled and generated code is recognised by its text, once read.
  const readSource = async (file: WorkspaceFile): Promise<string | undefined> => {
    sourcesRead += 1;
    progress({ stage: 'parse', done: sourcesRead, total: sourceCount, detail: file.path });
    const text = await readText(file);
    if (text === undefined || !scope.mayExcludeByText(file.path)) return text;
    const reason = scopeReasonOfText(text);
    if (reason === undefined) return text;
    excluded.push({ path: file.path, reason });
    return undefined;
  };
  const budget = new FileBudget(options.fileBudgetMs);
  const parsed = await parseSources(
    files.filter((file) => file.kind === 'source'),
    readSource,
    budget,
  );
  diagnostics.push(...parsed.diagnostics);
  const sources: SourceFile[] = parsed.sources;

  pauseBudget();
  progress({ stage: 'routes' });
  const code: CollectedEndpoint[] = [];
  for (const collector of allCollectors) {
    if (!collector.isEnabled(project, sources)) continue;
    try {
      const collected = collector.collect(sources, project, specs, infra);
      code.push(...collected.endpoints);
      diagnostics.push(...collected.diagnostics);
    } catch (error) {
      diagnostics.push({
        level: 'error',
        source: `collector:${collector.id}`,
        message: `The ${collector.id} route collector crashed and was skipped: ${error instanceof Error ? error.message : String(error)}.`,
      });
    }
  }

  pauseBudget();
  progress({ stage: 'inventory' });
  const built = buildInventory({ specs, graphql, protos, code, config });
  diagnostics.push(...built.diagnostics);
  const inventory = built.inventory;

  const context: CheckContext = {
    project,
    config,
    today: options.today ?? isoToday(),
    specs,
    graphql,
    protos,
    sources,
    infra,
    inventory,
    endpointById: new Map(inventory.endpoints.map((endpoint) => [endpoint.id, endpoint])),
  };

  progress({ stage: 'enrich' });
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
  progress({ stage: 'checks' });
  const checked = runChecks(options.checks ?? allChecks, context, { experimental: options.experimental === true, evidenceChecks: new Set(CHECKLIST_CHECKS) });
  // A file whose analysis ran out of time answered "nothing" to the checks: what they found there is dropped.
  const overBudget = new Set<string>();
  for (const { file, spentMs } of budget.exhausted()) {
    overBudget.add(file);
    diagnostics.push({
      level: 'warning',
      file,
      message: `analysis of this file stopped after ${seconds(spentMs)} (per-file budget ${seconds(budget.limitMs)}); its routes may be incomplete and its findings are not reported`,
      source: 'budget',
    });
  }
  if (overBudget.size > 0) {
    checked.findings = checked.findings.filter((finding) => !overBudget.has(finding.location.file));
    checked.silent.findings = checked.silent.findings.filter((finding) => !overBudget.has(finding.location.file));
  }
  diagnostics.push(...checked.diagnostics);
  // Refs that only checks followed (deep schemas) record their problems lazily.
  for (const spec of specs) diagnostics.push(...drainSpecDiagnostics(spec));
  return {
    context,
    findings: checked.findings,
    diagnostics,
    ran: checked.ran,
    silent: checked.silent,
    filesScanned: files.length,
    excluded: excluded.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    inlineSuppressions: collectInlineSuppressions(texts, sources),
    dispose: () => {
      freeSources(sources);
    },
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
      evidence: gatherEvidence(context),
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
        sourceFiles: context.sources.length,
        excludedFiles: analysis.excluded.length,
        excludedByReason: countExcluded(analysis.excluded),
        durationMs: Math.round(performance.now() - started),
      },
    };
  } finally {
    analysis.dispose();
  }
}

export type { AuditResult } from './engine/result.js';
export type { Finding, Endpoint, Api, Diagnostic, Severity } from './model/types.js';
export { allChecks } from './checks/index.js';
export { default as defineCheck } from './checks/define-check.js';
