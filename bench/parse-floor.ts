/**
 * The parse-only floor of an audit (issue 13): the files the audit of DIR would parse — same
 * configuration, same discovery and scope (paths, then minified/generated text), same nesting guard —
 * read, parsed with tree-sitter and freed at once, on `--jobs N` threads (default 1, the audit's
 * worker count today). Prints one JSON line: time, CPU time, peak RSS, files and bytes parsed.
 *
 *   npx tsx bench/parse-floor.ts DIR [--jobs N]
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { SourceLanguage } from '../src/parsing/languages.js';
import { excessiveNesting } from '../src/parsing/nesting.js';
import { parseSync, prepareLanguages } from '../src/parsing/parser.js';
import { loadConfig } from '../src/workspace/config.js';
import { discoverWorkspace, type WorkspaceFile } from '../src/workspace/discover.js';
import { readTextFile } from '../src/workspace/read.js';
import { scopeReasonOfText, scopeRules } from '../src/workspace/scope.js';

interface Job {
  file: WorkspaceFile;
  language: SourceLanguage;
  /** Whether a minified/generated text may put the file out of scope (not when `include` names it). */
  textScope: boolean;
}

interface Tally {
  files: number;
  bytes: number;
  parseMs: number;
}

async function parseAll(jobs: readonly Job[]): Promise<Tally> {
  const tally: Tally = { files: 0, bytes: 0, parseMs: 0 };
  for (const language of new Set(jobs.map((job) => job.language))) await prepareLanguages([language]);
  for (const job of jobs) {
    const read = await readTextFile(job.file);
    if (!('text' in read)) continue;
    const { text } = read;
    if (job.textScope && scopeReasonOfText(text) !== undefined) continue;
    if (excessiveNesting(text, job.language)) continue;
    const started = performance.now();
    parseSync(job.language, text)?.delete();
    tally.parseMs += performance.now() - started;
    tally.files++;
    tally.bytes += Buffer.byteLength(text);
  }
  return tally;
}

/** Workers do not inherit tsx's loader: each registers it, then runs this file. */
const WORKER_BOOT = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;

if (!isMainThread) {
  const tally = await parseAll(workerData as Job[]);
  parentPort?.postMessage(tally);
} else {
  const args = process.argv.slice(2);
  const root = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--jobs');
  if (!root) {
    console.error('usage: parse-floor.ts DIR [--jobs N]');
    process.exit(2);
  }
  const at = args.indexOf('--jobs');
  const threads = Math.max(1, at >= 0 ? Number(args[at + 1]) || 1 : 1);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const config = await loadConfig(root);
  const scope = scopeRules({
    ...(config.include === undefined ? {} : { include: config.include }),
    ...(config.exclude === undefined ? {} : { exclude: config.exclude }),
  });
  const { files } = await discoverWorkspace(root, { scope });
  const jobs: Job[] = [];
  for (const file of files) {
    if (file.kind !== 'source' || file.language === undefined) continue;
    jobs.push({ file, language: file.language, textScope: scope.mayExcludeByText(file.path) });
  }
  let total: Tally;
  if (threads === 1) {
    total = await parseAll(jobs);
  } else {
    // Largest first onto the least loaded thread: shares of about equal size.
    const shares: { bytes: number; jobs: Job[] }[] = Array.from({ length: threads }, () => ({ bytes: 0, jobs: [] }));
    for (const job of [...jobs].sort((a, b) => b.file.size - a.file.size)) {
      const share = shares.reduce((least, candidate) => (candidate.bytes < least.bytes ? candidate : least));
      share.jobs.push(job);
      share.bytes += job.file.size;
    }
    const results = await Promise.all(
      shares.map(
        (share) =>
          new Promise<Tally>((resolve, reject) => {
            const worker = new Worker(WORKER_BOOT, { eval: true, workerData: share.jobs });
            worker.once('message', (tally: Tally) => {
              resolve(tally);
            });
            worker.once('error', reject);
          }),
      ),
    );
    total = results.reduce((sum, tally) => ({ files: sum.files + tally.files, bytes: sum.bytes + tally.bytes, parseMs: sum.parseMs + tally.parseMs }), { files: 0, bytes: 0, parseMs: 0 });
  }
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      ms: Math.round(performance.now() - started),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      parseMs: Math.round(total.parseMs),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      files: total.files,
      bytes: total.bytes,
      jobs: threads,
    }),
  );
}
