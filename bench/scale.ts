/**
 * Scale benchmark of issue 13, run by `npm run bench` (bench/run.ts): for the generated polyglot tree
 * and the largest checkouts of the real-world corpus, in the same run and each in its own child
 * process (peak RSS per measurement): the parse-only floor (bench/parse-floor.ts: same files, same
 * worker count), the audit cold and the audit warm (bench/audit-one.ts), with wall time, CPU time and
 * peak RSS, and the ratios the issue's "Done when" names; then time per MB by file size (10 KB to
 * 5 MB, minified bundles included with skipping turned off). Timings are measured, never asserted.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { AUDIT_HAS_CACHE, AUDIT_HAS_JOBS } from './engine-options.js';
import { generateBucketTree, generatePolyglotTree, type Framework } from './generate-polyglot.js';
import { measure } from './measure.js';

const repo = path.resolve(import.meta.dirname, '..');

export interface ScaleOptions {
  lines: number;
  corpusDir: string | undefined;
  corpusTop: number;
  /** Also the largest checkout of each language family not among the `corpusTop` (Go, Java, PHP, Ruby, C# …). */
  corpusLanguages?: boolean;
  /** Runs "warm" even when the audit has no fact cache (then it is a second cold run); off by default. */
  warmWithoutCache?: boolean;
  jobs: number;
  /** Audits each independent project of a language family as its own unit (the default; `--no-split-projects` turns it off). */
  splitProjects?: boolean;
  only: string | undefined;
  /** Total size of each time-per-MB tree below 5 MB (the 5 MB one is one file). */
  bucketMb: number;
  /** Language families of the time-per-MB table (framework ids or words of their labels); all when undefined. */
  bucketKinds?: readonly string[];
  timeoutS: number;
  scratch: string;
  /** Called after each measurement with the report so far (e.g. to save partial JSON). */
  onProgress?: (partial: ScaleReport) => void;
}

export interface Run {
  ok: boolean;
  /** Why not ok: timed out, out of memory, exit code. */
  failure?: string;
  /** Wall time of the child process, start-up included. */
  processMs: number;
  /** Wall time inside the child, start-up excluded (what the ratios use). */
  ms: number;
  cpuMs: number;
  peakRssMb: number;
  jobs: number;
  detail: Record<string, unknown>;
}

export interface InputResult {
  input: string;
  kind: 'generated' | 'corpus';
  /** The checkout's language (corpus manifest). */
  language?: string;
  files: number;
  mb: number;
  lines?: number;
  floor: Run;
  cold: Run;
  warm: Run;
  /** Whether the warm run read a cache (false: the audit has no cache yet; warm = a second cold run). */
  warmCached: boolean;
  endpoints?: number;
}

export interface BucketResult {
  kind: string;
  bucket: string;
  files: number;
  mb: number;
  auditMs: number | undefined;
  auditPerMb: number | undefined;
  /** CPU seconds per MB of the audit (steadier than wall time on a shared machine; the flatness target uses it). */
  cpuPerMb?: number | undefined;
  parsePerMb: number | undefined;
  peakRssMb: number | undefined;
  failure?: string;
}

export interface Target {
  target: string;
  input: string;
  measured: string;
  met: boolean | undefined;
}

export interface ScaleReport {
  machine: { cores: number; node: string; loadBefore: number[]; loadAfter: number[]; started: string };
  jobs: number;
  auditJobs: string;
  inputs: InputResult[];
  buckets: BucketResult[];
  targets: Target[];
}

interface ChildJson {
  ms?: number;
  cpuMs?: number;
  maxRssMb?: number;
  jobs?: number;
  [key: string]: unknown;
}

async function child(script: string, argv: string[], timeoutS: number): Promise<Run> {
  const measured = await measure(process.execPath, ['--import', 'tsx', script, ...argv], timeoutS, repo);
  let json: ChildJson = {};
  try {
    json = JSON.parse(measured.stdout.trim().split('\n').pop() ?? '{}') as ChildJson;
  } catch {
    json = {};
  }
  const ok = !measured.timedOut && measured.exitCode === 0 && typeof json.ms === 'number';
  const oom = /heap out of memory|Allocation failed/i.test(measured.stderr);
  const failure = ok ? undefined : measured.timedOut ? `over ${timeoutS} s` : oom ? 'out of memory' : `exit ${String(measured.exitCode)}: ${measured.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 200)}`;
  return {
    ok,
    ...(failure === undefined ? {} : { failure }),
    processMs: measured.wallMs,
    ms: json.ms ?? measured.wallMs,
    cpuMs: json.cpuMs ?? Number.NaN,
    peakRssMb: Math.max(measured.peakRssMb, json.maxRssMb ?? 0),
    jobs: json.jobs ?? 1,
    detail: json,
  };
}

/** The floor runs on as many threads as the audit does: `--jobs` once the audit takes it, 1 until then. */
const floorJobs = (options: ScaleOptions): number => (AUDIT_HAS_JOBS ? options.jobs : 1);
const floorOf = (dir: string, options: ScaleOptions): Promise<Run> => child('bench/parse-floor.ts', [dir, '--jobs', String(floorJobs(options))], options.timeoutS);
const auditOf = (dir: string, options: ScaleOptions, extra: string[] = [], timeoutS = options.timeoutS): Promise<Run> =>
  child('bench/audit-one.ts', [dir, '--default-checks', '--jobs', String(options.jobs), ...(options.splitProjects === false ? ['--no-split-projects'] : []), ...extra], timeoutS);
/** A time-per-MB tree is at most 5 MB: ten minutes is far beyond linear time. */
const BUCKET_TIMEOUT_S = 600;

/** Files, bytes and lines of the source files under `dir` the floor parsed (from its JSON). */
/** A measurement left out, with the reason (shown in the table instead of a time). */
const notRun = (reason: string): Run => ({ ok: false, failure: reason, processMs: 0, ms: Number.NaN, cpuMs: Number.NaN, peakRssMb: 0, jobs: 0, detail: {} });

async function measureInput(input: string, kind: InputResult['kind'], dir: string, options: ScaleOptions, lines?: number, language?: string): Promise<InputResult> {
  const cache = path.join(options.scratch, `cache-${input.replace(/[^a-z0-9]+/gi, '-')}`);
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  console.log(`  ${input}: parse-only floor…`);
  const floor = await floorOf(dir, options);
  console.log(`  ${input}: audit cold…`);
  const cold = await auditOf(dir, options, ['--cache', cache]);
  // Without a fact cache "warm" is a second cold run: it costs as much and tells nothing new, so it is left out unless asked.
  const warmRuns = cold.ok && (AUDIT_HAS_CACHE || options.warmWithoutCache === true);
  if (warmRuns) console.log(`  ${input}: audit warm…`);
  const warm = warmRuns ? await auditOf(dir, options, ['--cache', cache]) : notRun(cold.ok ? 'not run (no fact cache yet)' : 'not run (cold failed)');
  rmSync(cache, { recursive: true, force: true });
  const bytes = typeof floor.detail.bytes === 'number' ? floor.detail.bytes : 0;
  return {
    input,
    kind,
    ...(language === undefined ? {} : { language }),
    files: typeof floor.detail.files === 'number' ? floor.detail.files : 0,
    mb: bytes / 1e6,
    ...(lines === undefined ? {} : { lines }),
    floor,
    cold,
    warm,
    warmCached: warm.detail.cached === true,
    ...(typeof cold.detail.endpoints === 'number' ? { endpoints: cold.detail.endpoints } : {}),
  };
}

interface ManifestEntry {
  id: string;
  root: string;
  lines: number;
  language: string;
}

function corpusInputs(options: ScaleOptions): ManifestEntry[] {
  if (!options.corpusDir || !existsSync(options.corpusDir)) return [];
  const data = parse(readFileSync(path.join(repo, 'bench/realworld/manifest.yaml'), 'utf8')) as { repositories?: { id?: unknown; root?: unknown; lines?: unknown; language?: unknown }[] };
  const entries: ManifestEntry[] = [];
  for (const item of data.repositories ?? []) {
    if (typeof item.id !== 'string' || typeof item.lines !== 'number') continue;
    const root = typeof item.root === 'string' ? item.root : '.';
    if (!existsSync(path.join(options.corpusDir, item.id, root))) continue;
    entries.push({ id: item.id, root, lines: item.lines, language: typeof item.language === 'string' ? item.language : '?' });
  }
  entries.sort((a, b) => b.lines - a.lines || a.id.localeCompare(b.id));
  const only = options.only;
  if (only) return entries.filter((entry) => entry.id.includes(only));
  const chosen = entries.slice(0, options.corpusTop);
  if (options.corpusLanguages === true) {
    // The largest checkout of every other language family (entries are sorted largest first).
    for (const entry of entries) if (!chosen.some((other) => other.language === entry.language)) chosen.push(entry);
  }
  return chosen;
}

const BUCKETS = [
  { label: '10 KB', bytes: 10_000 },
  { label: '100 KB', bytes: 100_000 },
  { label: '1 MB', bytes: 1_000_000 },
  { label: '5 MB', bytes: 4_900_000 },
];
/** One framework per language family (JavaScript twice: as written and minified), in table order. */
export const BUCKET_KINDS: readonly { kind: Framework | 'minified'; label: string }[] = [
  { kind: 'express', label: 'JavaScript (Express)' },
  { kind: 'fastify', label: 'TypeScript (Fastify)' },
  { kind: 'minified', label: 'minified JS (skipping off)' },
  { kind: 'fastapi', label: 'Python (FastAPI)' },
  { kind: 'gin', label: 'Go (gin)' },
  { kind: 'spring', label: 'Java (Spring)' },
  { kind: 'ktor', label: 'Kotlin (Ktor)' },
  { kind: 'laravel', label: 'PHP (Laravel)' },
  { kind: 'rails', label: 'Ruby (Rails)' },
  { kind: 'aspnetcore', label: 'C# (ASP.NET Core)' },
];

async function timePerMb(scaleOptions: ScaleOptions): Promise<BucketResult[]> {
  // One thread: what one file's analysis costs per MB, without a worker pool's start-up (a fixed cost
  // the 5 MB tree would pay and the 10 KB one not, since small audits stay on the main thread).
  const options: ScaleOptions = { ...scaleOptions, jobs: 1 };
  const results: BucketResult[] = [];
  const wanted = options.bucketKinds;
  for (const { kind, label } of BUCKET_KINDS) {
    if (wanted && !wanted.some((name) => name === kind || label.toLowerCase().includes(name.toLowerCase()))) continue;
    // What an audit of this kind costs whatever its size (start-up, grammars, project detection):
    // measured on one small file and taken off every bucket of the kind.
    const baseDir = path.join(options.scratch, `bucket-${kind}-base`);
    generateBucketTree(baseDir, { kind, fileBytes: 3_000, totalBytes: 3_000 });
    const base = await auditOf(baseDir, options, ['--file-budget-ms', '0']);
    rmSync(baseDir, { recursive: true, force: true });
    for (const bucket of BUCKETS) {
      const dir = path.join(options.scratch, `bucket-${kind}-${bucket.bytes}`);
      const tree = generateBucketTree(dir, { kind, fileBytes: bucket.bytes, totalBytes: Math.max(bucket.bytes, options.bucketMb * 1e6) });
      console.log(`  time per MB: ${kind} ${bucket.label} (${tree.files} files)…`);
      const audit = await auditOf(dir, options, ['--file-budget-ms', '0'], Math.min(options.timeoutS, BUCKET_TIMEOUT_S));
      const floor = await floorOf(dir, options);
      rmSync(dir, { recursive: true, force: true });
      const mb = (typeof floor.detail.bytes === 'number' ? floor.detail.bytes : tree.bytes) / 1e6;
      const auditMs = audit.ok ? Math.max(0, audit.ms - (base.ok ? base.ms : 0)) : undefined;
      const cpuMs = audit.ok && Number.isFinite(audit.cpuMs) ? Math.max(0, audit.cpuMs - (base.ok && Number.isFinite(base.cpuMs) ? base.cpuMs : 0)) : undefined;
      results.push({
        kind: label,
        bucket: bucket.label,
        files: typeof floor.detail.files === 'number' ? floor.detail.files : tree.files,
        mb,
        auditMs,
        auditPerMb: auditMs === undefined ? undefined : auditMs / 1000 / mb,
        cpuPerMb: cpuMs === undefined ? undefined : cpuMs / 1000 / mb,
        parsePerMb: typeof floor.detail.parseMs === 'number' ? floor.detail.parseMs / 1000 / mb : undefined,
        peakRssMb: audit.ok ? audit.peakRssMb : undefined,
        ...(audit.failure === undefined ? {} : { failure: audit.failure }),
      });
      const row = results[results.length - 1];
      if (row) console.log(`    ${row.mb.toFixed(2)} MB: ${row.auditPerMb === undefined ? (row.failure ?? 'failed') : `${row.auditPerMb.toFixed(2)} s/MB wall, ${row.cpuPerMb?.toFixed(2) ?? '—'} s/MB CPU, ${row.peakRssMb?.toFixed(0) ?? '—'} MB peak RSS`}`);
    }
  }
  return results;
}

function targetsOf(inputs: InputResult[], buckets: BucketResult[], cores: number): Target[] {
  const targets: Target[] = [];
  for (const input of inputs) {
    const { floor, cold, warm } = input;
    const failed = (run: Run): string | undefined => (run.ok ? undefined : run.failure);
    const coldFloor = cold.ms / floor.ms;
    targets.push({
      target: 'cold audit ≤ 3× parse-only floor',
      input: input.input,
      measured: failed(cold) ?? failed(floor) ?? `${coldFloor.toFixed(1)}×`,
      met: cold.ok && floor.ok ? coldFloor <= 3 : false,
    });
    targets.push({ target: 'peak RSS ≤ 1 GB', input: input.input, measured: `${cold.peakRssMb.toFixed(0)} MB${cold.ok ? '' : ' (failed run)'}`, met: cold.ok ? cold.peakRssMb <= 1024 : false });
    const cpuWall = cold.cpuMs / cold.ms;
    targets.push({
      target: `CPU/wall ≥ 1.6 (${cores} cores)`,
      input: input.input,
      measured: failed(cold) ?? cpuWall.toFixed(2),
      met: cold.ok ? (cores >= 2 ? cpuWall >= 1.6 : undefined) : false,
    });
    const warmCold = warm.ms / cold.ms;
    targets.push({
      target: 'warm audit ≤ 10% of cold',
      input: input.input,
      measured: failed(warm) ?? `${(warmCold * 100).toFixed(0)}%${input.warmCached ? '' : ' (no cache yet: second cold run)'}`,
      met: warm.ok ? warmCold <= 0.1 : false,
    });
  }
  for (const kind of new Set(buckets.map((bucket) => bucket.kind))) {
    const rows = buckets.filter((bucket) => bucket.kind === kind);
    const perMb = rows.map((row) => row.cpuPerMb ?? row.auditPerMb);
    const known = perMb.filter((value): value is number => value !== undefined && value > 0);
    const spread = known.length === rows.length && known.length > 0 ? Math.max(...known) / Math.min(...known) : undefined;
    targets.push({
      target: 'time/MB (CPU) within 2× from 10 KB to 5 MB files',
      input: kind,
      measured: spread === undefined ? `incomplete (${rows.map((row) => row.failure ?? 'ok').join(', ')})` : `${spread.toFixed(1)}× (max/min)`,
      met: spread === undefined ? false : spread <= 2,
    });
  }
  return targets;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const perSecond = (mb: number, ms: number): string => (ms > 0 ? (mb / (ms / 1000)).toFixed(2) : '—');
const cell = (run: Run, text: string): string => (run.ok ? text : (run.failure ?? 'failed'));

export function scaleMarkdown(report: ScaleReport): string {
  const out: string[] = [];
  out.push(
    `Scale (issue 13): ${report.machine.cores} cores, Node ${report.machine.node}, load average ${report.machine.loadBefore.map((load) => load.toFixed(1)).join(' ')} before, ${report.machine.loadAfter.map((load) => load.toFixed(1)).join(' ')} after; floor on ${report.jobs} thread(s), audit ${report.auditJobs}. Times exclude Node start-up; ratios use them.`,
  );
  if (report.inputs.length > 0) {
    out.push('');
    out.push('| input | language | source files | MB | parse-only floor | audit cold | audit warm | cold CPU | cold peak RSS | floor peak RSS | cold/floor | cold/floor CPU | CPU/wall | warm/cold | parse MB/s | audit MB/s (wall) | audit MB per CPU-s |');
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const input of report.inputs) {
      const { floor, cold, warm } = input;
      out.push(
        `| ${input.input}${input.lines === undefined ? '' : ` (${Math.round(input.lines / 1000)}k lines)`} | ${input.language ?? 'all'} | ${input.files} | ${input.mb.toFixed(1)} | ${cell(floor, s(floor.ms))} | ${cell(cold, s(cold.ms))} | ${cell(warm, `${s(warm.ms)}${input.warmCached ? '' : ' ²'}`)} | ${cell(cold, s(cold.cpuMs))} | ${cold.peakRssMb.toFixed(0)} MB | ${floor.peakRssMb.toFixed(0)} MB | ${cold.ok && floor.ok ? `${(cold.ms / floor.ms).toFixed(1)}×` : '—'} | ${cold.ok && floor.ok ? `${(cold.cpuMs / floor.cpuMs).toFixed(1)}×` : '—'} | ${cold.ok ? (cold.cpuMs / cold.ms).toFixed(2) : '—'} | ${cold.ok && warm.ok ? `${((warm.ms / cold.ms) * 100).toFixed(0)}%` : '—'} | ${floor.ok ? perSecond(input.mb, floor.ms) : '—'} | ${cold.ok ? perSecond(input.mb, cold.ms) : '—'} | ${cold.ok ? perSecond(input.mb, cold.cpuMs) : '—'} |`,
      );
    }
    if (report.inputs.some((input) => !input.warmCached && input.warm.ok)) out.push('', '² the audit has no fact cache yet: "warm" is a second cold run.');
  }
  if (report.buckets.length > 0) {
    out.push('', '| time per MB (one thread, skipping off, no per-file budget) | ' + BUCKETS.map((bucket) => bucket.label).join(' | ') + ' |');
    out.push('|---|' + BUCKETS.map(() => '---').join('|') + '|');
    for (const kind of new Set(report.buckets.map((bucket) => bucket.kind))) {
      const rows = report.buckets.filter((bucket) => bucket.kind === kind);
      out.push(`| ${kind}: audit | ${rows.map((row) => (row.auditPerMb === undefined ? (row.failure ?? '—') : `${row.auditPerMb.toFixed(2)} s/MB`)).join(' | ')} |`);
      out.push(`| ${kind}: audit CPU | ${rows.map((row) => (row.cpuPerMb === undefined ? '—' : `${row.cpuPerMb.toFixed(2)} s/MB`)).join(' | ')} |`);
      out.push(`| ${kind}: parse only | ${rows.map((row) => (row.parsePerMb === undefined ? '—' : `${row.parsePerMb.toFixed(3)} s/MB`)).join(' | ')} |`);
      out.push(`| ${kind}: audit peak RSS | ${rows.map((row) => (row.peakRssMb === undefined ? '—' : `${row.peakRssMb.toFixed(0)} MB`)).join(' | ')} |`);
    }
  }
  out.push('', '| Done-when target (issue 13) | input | measured | met |', '|---|---|---|---|');
  for (const target of report.targets) out.push(`| ${target.target} | ${target.input} | ${target.measured} | ${target.met === undefined ? 'n/a' : target.met ? 'met' : '**not met**'} |`);
  return out.join('\n');
}

/** Runs every scale measurement `options.only` selects; prints progress, returns the report. */
export async function runScale(options: ScaleOptions): Promise<ScaleReport> {
  const loadBefore = os.loadavg();
  const started = new Date().toISOString();
  const inputs: InputResult[] = [];
  let buckets: BucketResult[] = [];
  const cores = os.cpus().length;
  const auditJobs = AUDIT_HAS_JOBS ? `jobs=${options.jobs}` : `jobs=1 (the audit has no jobs option yet; --jobs ${options.jobs} not passed on)`;
  const report = (): ScaleReport => ({
    machine: { cores, node: process.version, loadBefore, loadAfter: os.loadavg(), started },
    jobs: floorJobs(options),
    auditJobs,
    inputs,
    buckets,
    targets: targetsOf(inputs, buckets, cores),
  });
  const progress = (): void => {
    options.onProgress?.(report());
  };
  const only = options.only;
  if (!only || 'polyglot'.includes(only)) {
    const dir = mkdtempSync(path.join(options.scratch, 'polyglot-'));
    const tree = generatePolyglotTree(dir, { lines: options.lines });
    console.log(`polyglot tree: ${tree.files} files, ${(tree.bytes / 1e6).toFixed(1)} MB, ${tree.lines} source lines, ${tree.services} services, ${tree.minified.length} minified bundles`);
    inputs.push(await measureInput(`generated polyglot tree`, 'generated', dir, options, tree.lines));
    rmSync(dir, { recursive: true, force: true });
    progress();
  }
  for (const entry of corpusInputs(options)) {
    inputs.push(await measureInput(`corpus: ${entry.id}${entry.root === '.' ? '' : `/${entry.root}`}`, 'corpus', path.join(options.corpusDir ?? '', entry.id, entry.root), options, undefined, entry.language));
    progress();
  }
  if (!only || 'time-per-mb'.includes(only)) buckets = await timePerMb(options);
  return report();
}
