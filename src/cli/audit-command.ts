import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { AuditResult } from '../engine/result.js';
import type { AuditOptions, ShardRecord } from '../index.js';
import { defaultCacheDir } from '../engine/unit-cache.js';
import type { Severity } from '../model/types.js';
import { SEVERITIES } from '../model/types.js';
import { writeFileAtomic } from '../metapowers/atomic.js';
import { PrerequisiteError, UsageError } from '../metapowers/errors.js';
import { artifactPaths, displayPath, SECURITY_DIR } from '../metapowers/paths.js';
import { locateMetapowers } from '../metapowers/locate.js';
import { checkPrerequisite } from '../metapowers/prerequisite.js';
import { ensureArtifactDir } from '../metapowers/safe-dir.js';
import { parseBaseline, type Baseline } from '../engine/policy.js';
import { FORMAT_NAMES, REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSummary } from '../report/summary.js';
import type { CliIo } from './io.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, createProgress, defaultAudit, formatError, useColor } from './io.js';
import { LiveFlags, liveLine, liveOptionsFrom, liveWarnings, withInterrupt } from './live-options.js';

export const AuditFlags = z.object({
  skipChecks: z.boolean().default(false),
  failOn: z.enum(SEVERITIES).optional(),
  quiet: z.boolean().default(false),
  json: z.boolean().default(false),
  today: z.string().optional(),
  config: z.string().optional(),
  color: z.boolean().default(true),
  experimental: z.boolean().default(false),
  includeTests: z.boolean().default(false),
  allowEmpty: z.boolean().default(false),
  format: z.array(z.enum(FORMAT_NAMES)).default([]),
  baseline: z.string().optional(),
  fileBudget: z.string().optional(),
  jobs: z.string().optional(),
  cache: z.boolean().default(true),
  cacheDir: z.string().optional(),
  shard: z.string().optional(),
  /** `apisec merge`: the units' results come from the shard records in the artifact folder. */
  merge: z.boolean().default(false),
  ...LiveFlags.shape,
});
export type AuditFlags = z.infer<typeof AuditFlags>;

/** `--file-budget SECONDS`: 0 turns the per-file time budget off. */
function fileBudgetMs(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`--file-budget must be a number of seconds (0 turns the budget off), not ${JSON.stringify(value)}.`, {
      attempted: 'read the --file-budget option',
      hint: 'Pass e.g. --file-budget 30 to give each source file up to 30 s of analysis.',
    });
  }
  return seconds * 1000;
}

/** `--shard i/n`: this runner's part of a split audit, 1 ≤ i ≤ n. */
function shardOf(value: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count || count > 1000) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n (e.g. 2/4), not ${JSON.stringify(value)}.`, {
      attempted: 'read the --shard option',
      hint: 'In a CI matrix of n runners, give runner i `--shard i/n`, then run `apisec merge NAME DIR` on the shard records.',
    });
  }
  return { index, count };
}

const SHARDS_DIR = 'shards';

function shardFile(dir: string, shard: { index: number; count: number }): string {
  return join(dir, SHARDS_DIR, `shard-${shard.index}-of-${shard.count}.json`);
}

/** The shard records of a split audit, all n of them, from one apisec version. */
async function readShards(dir: string, cwd: string): Promise<[string, unknown][]> {
  const folder = join(dir, SHARDS_DIR);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((entry) => /^shard-\d+-of-\d+\.json$/.test(entry)).sort();
  const where = displayPath(folder, cwd);
  if (names.length === 0) {
    throw new UsageError(`No shard records in ${where}.`, {
      attempted: 'merge the shards of a split audit',
      hint: 'Run `apisec audit NAME DIR --shard i/n` for every i from 1 to n first, and put their records (shards/shard-i-of-n.json) in this folder.',
    });
  }
  const records: ShardRecord[] = [];
  for (const entry of names) {
    let record: unknown;
    try {
      record = JSON.parse(await readFile(join(folder, entry), 'utf8'));
    } catch (error) {
      throw new UsageError(`The shard record ${displayPath(join(folder, entry), cwd)} is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`, { attempted: 'merge the shards of a split audit', hint: 'Copy the record again from the runner that wrote it.' });
    }
    if (typeof record !== 'object' || record === null || (record as { format?: unknown }).format !== 'apisec-shard' || !Array.isArray((record as { entries?: unknown }).entries)) {
      throw new UsageError(`${displayPath(join(folder, entry), cwd)} is not an apisec shard record.`, { attempted: 'merge the shards of a split audit', hint: 'Shard records are written by `apisec audit NAME DIR --shard i/n`.' });
    }
    records.push(record as ShardRecord);
  }
  const counts = new Set(records.map((record) => record.shard.count));
  const versions = new Set(records.map((record) => record.version));
  const [count] = counts;
  const missing = count === undefined ? [] : Array.from({ length: count }, (_, index) => index + 1).filter((index) => !records.some((record) => record.shard.index === index));
  if (counts.size !== 1 || versions.size !== 1 || missing.length > 0) {
    const problem = counts.size !== 1 ? `they split the audit differently (${[...counts].join(', ')} shards)` : versions.size !== 1 ? `they come from different apisec versions (${[...versions].join(', ')})` : `shard ${missing.join(', ')} of ${count} is missing`;
    throw new UsageError(`The shard records in ${where} cannot be merged: ${problem}.`, { attempted: 'merge the shards of a split audit', hint: 'Run every shard i/n of one split with the same apisec version, and merge only their records.' });
  }
  return records.flatMap((record) => record.entries);
}

/** `--jobs N`: worker threads, at least 1. */
function jobsOf(value: string): number {
  const jobs = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(jobs) || jobs < 1) {
    throw new UsageError(`--jobs must be a whole number of worker threads, 1 or more, not ${JSON.stringify(value)}.`, {
      attempted: 'read the --jobs option',
      hint: 'Pass e.g. --jobs 4, or leave it out to use every core; --jobs 1 keeps the analysis on one thread.',
    });
  }
  return jobs;
}

function validateToday(today: string): string {
  const date = new Date(`${today}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== today) {
    throw new UsageError(`The date ${JSON.stringify(today)} given to --today is not a valid YYYY-MM-DD date.`, {
      attempted: 'read the --today option',
      hint: 'Pass a calendar date such as --today 2025-06-30.',
    });
  }
  return today;
}

async function existing(path: string, kind: 'directory' | 'file', label: string, shown: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  const ok = info !== undefined && (kind === 'directory' ? info.isDirectory() : info.isFile());
  if (!ok) {
    const problem = info === undefined ? 'does not exist' : `is not a ${kind}`;
    throw new UsageError(`The ${label} ${JSON.stringify(shown)} ${problem}.`, {
      attempted: `read the ${label}`,
      where: path,
      hint:
        kind === 'directory'
          ? 'Pass the folder that holds the code and API specs to audit, e.g. `apisec audit payments-service ./services/payments`.'
          : `Check the path given to --${label === 'baseline' ? 'baseline' : 'config'}; it is resolved from the current directory.`,
    });
  }
  return path;
}

function noApiFound(result: AuditResult, dir: string): UsageError {
  const { filesScanned, sourceFiles, excludedFiles } = result.stats;
  const scanned = `${filesScanned} ${filesScanned === 1 ? 'file' : 'files'} (${sourceFiles} source)`;
  const left = excludedFiles > 0 ? `, ${excludedFiles} more left out of scope as tests, examples, vendored, generated or minified code` : '';
  return new UsageError(`No API was found in ${JSON.stringify(dir)}: no OpenAPI, GraphQL or gRPC document and no route in ${scanned}${left}. Nothing was written.`, {
    attempted: 'inventory the APIs to audit',
    hint: 'Check that DIR is the folder of the service (apisec reads Python and JavaScript/TypeScript routes and API documents). Pass --include-tests if the API lives in test code, or --allow-empty when an empty audit is expected.',
  });
}

/** The renderers `--format` asks for; a known name whose renderer is not part of this build is a usage error. */
function requestedFormats(names: readonly string[]): ReportFormat[] {
  return names.map((name) => {
    const format = (REPORT_FORMATS as Partial<Record<string, ReportFormat>>)[name];
    if (format !== undefined) return format;
    const available = Object.keys(REPORT_FORMATS).join(', ');
    throw new UsageError(`The ${name} report format is not available in this version of apisec.`, {
      attempted: `read the --format ${name} option`,
      hint: `Drop --format ${name}; the formats available are ${available} (the Markdown and JSON reports are always written).`,
    });
  });
}

async function readBaseline(path: string, shown: string): Promise<Baseline> {
  const text = await readFile(path, 'utf8');
  try {
    return parseBaseline(text, shown);
  } catch (cause) {
    throw new UsageError(`The baseline ${JSON.stringify(shown)} is not an apisec JSON report.`, {
      attempted: 'read the --baseline file',
      where: path,
      cause,
      hint: 'Pass the 02-protect.json of a previous audit (e.g. the one written on the default branch).',
    });
  }
}

export function failsOn(severity: Severity, threshold: Severity | undefined): boolean {
  return threshold !== undefined && SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);
}

/** `apisec audit NAME [DIR]`: seed 000's procedure, start to finish. Returns the exit code. */
export async function runAudit(name: string, dir: string, flags: AuditFlags, argv: readonly string[], io: CliIo): Promise<number> {
  const context = { attempted: `audit "${name}"`, where: resolve(io.cwd, dir) };
  const progress = createProgress(io.stderr, !flags.quiet, io.env);
  try {
    // Validates NAME before any path is built from it.
    artifactPaths(name, io.cwd);
    const live = flags.target === undefined ? undefined : liveOptionsFrom(flags.target, flags, io.env);
    const today = flags.today === undefined ? undefined : validateToday(flags.today);
    const budgetMs = flags.fileBudget === undefined ? undefined : fileBudgetMs(flags.fileBudget);
    const jobs = flags.jobs === undefined ? undefined : jobsOf(flags.jobs);
    const root = await existing(resolve(io.cwd, dir), 'directory', 'directory to audit', dir);
    const configFile = flags.config === undefined ? undefined : await existing(resolve(io.cwd, flags.config), 'file', 'config file', flags.config);
    const formats = requestedFormats(flags.format);
    const baseline =
      flags.baseline === undefined ? undefined : await readBaseline(await existing(resolve(io.cwd, flags.baseline), 'file', 'baseline', flags.baseline), flags.baseline);

    // `.metapowers/` is looked for from DIR up to the repository root, then in the working directory.
    const location = await locateMetapowers(name, root, io.cwd);
    const paths = artifactPaths(name, location.base);
    const prerequisite = await checkPrerequisite(paths, {
      skipChecks: flags.skipChecks,
      argv,
      cwd: location.base,
      ...(io.now === undefined ? {} : { now: io.now }),
    }).catch((error: unknown) => {
      if (!(error instanceof PrerequisiteError)) throw error;
      const looked = location.checked.map((folder) => displayPath(join(folder, SECURITY_DIR, name, '00-govern.md'), io.cwd));
      // The seed's sentence first, verbatim; then where apisec looked.
      throw new PrerequisiteError(`${error.message}\nLooked for ${looked.join(', ')}.`, { attempted: error.attempted ?? '', where: error.where ?? '' });
    });

    // The cache is apisec's, not the audit's: never among the artifacts.
    const cacheDir = flags.cache ? resolve(io.cwd, flags.cacheDir ?? defaultCacheDir(io.env)) : undefined;
    if (cacheDir !== undefined && (cacheDir === paths.base || cacheDir.startsWith(`${paths.base}${sep}`))) {
      throw new UsageError(`The cache folder ${displayPath(cacheDir, io.cwd)} is inside ${displayPath(paths.base, io.cwd)}, where the audit's artifacts go.`, {
        attempted: 'read the --cache-dir option',
        hint: 'Pass a folder outside .metapowers/, e.g. --cache-dir .cache/apisec, or leave the option out to use the platform cache folder.',
      });
    }

    const shard = flags.shard === undefined ? undefined : shardOf(flags.shard);
    if (shard !== undefined && live !== undefined) {
      throw new UsageError('--shard cannot be combined with --target: live probes run once, in `apisec merge`.', {
        attempted: 'read the --shard option',
        hint: 'Run the shards without --target, then `apisec merge NAME DIR --target URL`.',
      });
    }
    const shardResults = flags.merge ? await readShards(paths.dir, io.cwd) : undefined;
    const options: AuditOptions = {
      root,
      name,
      ...(today === undefined ? {} : { today }),
      ...(configFile === undefined ? {} : { configFile }),
      ...(flags.experimental ? { experimental: true } : {}),
      ...(flags.includeTests ? { includeTests: true } : {}),
      ...(baseline === undefined ? {} : { baseline }),
      ...(budgetMs === undefined ? {} : { fileBudgetMs: budgetMs }),
      ...(jobs === undefined ? {} : { jobs }),
      cache: cacheDir ?? false,
      ...(shardResults === undefined ? {} : { shardResults }),
      ...(progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }),
    };
    if (shard !== undefined) {
      // A shard writes its record only: the report comes from `apisec merge`.
      const { auditShard } = await import('../index.js');
      const record = await auditShard({ ...options, shard });
      progress.clear();
      await ensureArtifactDir(paths, location.base, { create: true });
      await mkdir(join(paths.dir, SHARDS_DIR), { recursive: true });
      const file = shardFile(paths.dir, shard);
      await writeFileAtomic(file, JSON.stringify(record));
      if (!flags.quiet) io.stdout.write(`Shard ${shard.index}/${shard.count}: checked ${record.units.length === 0 ? 'no unit' : record.units.join(', ')}; record written to ${displayPath(file, io.cwd)}.\nWhen every shard is done, run \`apisec merge ${name} ${dir}\` where the records are.\n`);
      return EXIT_OK;
    }

    const audit = io.audit ?? defaultAudit;
    if (live !== undefined && flags.target !== undefined) for (const line of liveWarnings(flags.target, flags.active)) io.stderr.write(`${line}\n`);
    const result = await withInterrupt((signal) => audit({ ...options, ...(live === undefined ? {} : { live: { ...live, signal } }) }));

    if (result.inventory.endpoints.length === 0 && result.inventory.apis.length === 0 && !flags.allowEmpty) {
      progress.clear();
      io.stderr.write(formatError(noApiFound(result, dir), context, io.env));
      return EXIT_ERROR;
    }

    if (result.live?.preflight.reachable === false) {
      io.stderr.write(`apisec: warning: the target ${result.live.target} did not answer (${result.live.preflight.detail.join(' ')}); the report holds the static audit only.\n`);
    }
    const markdown = renderMarkdown(result, { prerequisite: prerequisite.skipped ? 'skipped' : 'met' });
    const json = renderJson(result);
    await ensureArtifactDir(paths, location.base, { create: true });
    await writeFileAtomic(paths.protectMarkdown, markdown);
    await writeFileAtomic(paths.protectJson, json);
    for (const format of formats) await writeFileAtomic(join(paths.dir, format.fileName), format.render(result, { cwd: io.cwd }));
    progress.clear();

    if (flags.json) {
      io.stdout.write(json);
    } else if (!flags.quiet) {
      const color = useColor(io.stdout, io.env, flags.color);
      io.stdout.write(renderSummary(result, { color, artifactPath: displayPath(paths.protectMarkdown, io.cwd) }));
      if (result.live !== undefined) io.stdout.write(`${liveLine(result.live)}\n`);
    }

    const failing = result.findings.filter((finding) => failsOn(finding.severity, flags.failOn)).length;
    if (failing === 0 || flags.failOn === undefined) return EXIT_OK;
    if (!flags.quiet) {
      io.stderr.write(`apisec: ${failing} ${failing === 1 ? 'finding is' : 'findings are'} at or above ${flags.failOn} severity (--fail-on ${flags.failOn}).\n`);
    }
    return EXIT_FINDINGS;
  } catch (error) {
    progress.clear();
    io.stderr.write(formatError(error, context, io.env));
    return EXIT_ERROR;
  }
}
