/**
 * `npm run bench`: audits every real-world spec in ../shared/corpus/specs with apisec and, in the
 * same run, Spectral + its OWASP ruleset (wall time, peak RSS, finding counts, ratios, which apisec
 * check covers each Spectral rule that fired); then the scale measurements of issue 13 (bench/scale.ts):
 * a generated polyglot code tree and the largest real-world checkouts, each with its parse-only
 * floor, audit cold and warm, CPU time, peak RSS and ratios, and time per MB by file size.
 *
 *   npm run bench -- [--peer-timeout 120] [--no-peer] [--only stripe|polyglot|time-per-mb|parse|CORPUS_ID]
 *                    [--scale quick|default|1m|5m] [--lines N] [--corpus DIR] [--corpus-top 2] [--no-corpus-languages]
 *                    [--jobs N] [--bucket-mb 0.5] [--kinds go,php,…] [--warm-without-cache] [--no-split-projects]
 *                    [--timeout 1800] [--json FILE] [--throughput-mb 1]   (--only throughput: parse and audit MB/s by language)
 *
 * `--scale` (or APISEC_BENCH_SCALE) sizes the generated polyglot tree: quick 100k lines, default 300k
 * (keeps the whole run near 15 minutes on a 2-core machine), 1m and 5m the sizes issue 13 measures;
 * `--lines N` sets any size. The corpus inputs are the `--corpus-top` largest checkouts plus the
 * largest of every other language family (`--no-corpus-languages`: only the top ones).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allChecks } from '../src/checks/index.js';
import { measure as measureIn, type Measured } from './measure.js';
import { runScale, scaleMarkdown } from './scale.js';
import { runThroughput, throughputMarkdown, type ThroughputRow } from './throughput.js';

const repo = path.resolve(import.meta.dirname, '..');
const corpus = path.resolve(repo, '../shared/corpus/specs');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const peerTimeoutS = Number(flag('--peer-timeout') ?? 120);
const withPeer = !args.includes('--no-peer');
const only = flag('--only');
const SCALES: Record<string, number> = { quick: 100_000, default: 300_000, '1m': 1_000_000, '5m': 5_000_000 };
const scaleName = flag('--scale') ?? process.env.APISEC_BENCH_SCALE ?? 'default';
const scaleLines = SCALES[scaleName.toLowerCase()];
if (scaleLines === undefined) {
  console.error(`--scale ${scaleName}: expected one of ${Object.keys(SCALES).join(', ')}`);
  process.exit(2);
}
const lines = Number(flag('--lines') ?? scaleLines);
const corpusDir = flag('--corpus') ?? process.env.CORPUS_DIR ?? (existsSync('/work/corpus') ? '/work/corpus' : undefined);
const jobs = Number(flag('--jobs') ?? os.availableParallelism());
const jsonOut = flag('--json');

// Spectral's `owasp:api1:2023-no-numeric-ids` crashes on these (a known upstream bug): it is turned off there.
const NUMERIC_IDS_CRASH = new Set(['kubernetes-swagger2.json', 'github-api.github.com.json']);

/** Children run from the repository root unless told otherwise. */
const measure = (command: string, argv: string[], timeoutS: number, cwd = repo): ReturnType<typeof measureIn> => measureIn(command, argv, timeoutS, cwd);

interface ApisecRun {
  ms: number;
  maxRssMb: number;
  endpoints: number;
  findings: number;
  occurrences: number;
  diagnostics: number;
  refDiagnostics: number;
  byCheck: Record<string, number>;
}

async function runApisec(dir: string, extra: string[] = []): Promise<{ run: ApisecRun; wallMs: number; peakRssMb: number }> {
  const measured = await measure(process.execPath, ['--import', 'tsx', 'bench/audit-one.ts', dir, ...extra], 600);
  if (measured.exitCode !== 0) throw new Error(`apisec failed on ${dir}: ${measured.stderr.slice(0, 2000)}`);
  const line = measured.stdout.trim().split('\n').pop() ?? '{}';
  const run = JSON.parse(line) as ApisecRun;
  return { run, wallMs: measured.wallMs, peakRssMb: Math.max(measured.peakRssMb, run.maxRssMb) };
}

async function runSpectral(file: string, scratch: string): Promise<{ measured: Measured; byRule: Map<string, number> | undefined }> {
  const ruleset = path.join(scratch, `ruleset-${path.basename(file)}.mjs`);
  const rulesetModule = path.join(repo, 'node_modules/@stoplight/spectral-owasp-ruleset/dist/ruleset.mjs');
  const off = NUMERIC_IDS_CRASH.has(path.basename(file)) ? `rules: { 'owasp:api1:2023-no-numeric-ids': 'off' },` : '';
  writeFileSync(ruleset, `import owasp from ${JSON.stringify(rulesetModule)};\nexport default { extends: [owasp], ${off} };\n`);
  const out = path.join(scratch, `spectral-${path.basename(file)}.json`);
  const measured = await measure(
    process.execPath,
    [path.join(repo, 'node_modules/@stoplight/spectral-cli/dist/index.js'), 'lint', '-r', ruleset, '-f', 'json', '-o', out, '--quiet', file],
    peerTimeoutS,
  );
  if (measured.timedOut || !existsSync(out)) return { measured, byRule: undefined };
  const results = JSON.parse(readFileSync(out, 'utf8')) as { code: string | number }[];
  const byRule = new Map<string, number>();
  for (const result of results) byRule.set(String(result.code), (byRule.get(String(result.code)) ?? 0) + 1);
  return { measured, byRule };
}

// Spectral core rules outside the OWASP ruleset that apisec answers with a diagnostic, not a finding.
const DIAGNOSTIC_RULES: Record<string, { label: string; found: (run: ApisecRun) => boolean }> = {
  'invalid-ref': { label: '(diagnostic: unresolvable `$ref`)', found: (run) => run.refDiagnostics > 0 },
};

const coveredBy = new Map<string, string[]>();
for (const [rule, { label }] of Object.entries(DIAGNOSTIC_RULES)) coveredBy.set(rule, [label]);
for (const check of allChecks) {
  for (const rule of check.peerRules ?? []) coveredBy.set(rule, [...(coveredBy.get(rule) ?? []), check.id]);
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'apisec-bench-'));
const rows: string[] = [];
const mapping = new Map<string, { specs: Set<string>; found: Set<string> }>();

try {
  const specs = existsSync(corpus) ? readdirSync(corpus).filter((name) => /\.(json|ya?ml)$/.test(name)).sort() : [];
  if (specs.length === 0) console.log(`No corpus at ${corpus}: only the code tree is measured.`);
  console.log(`apisec bench — ${os.cpus().length} cores, Node ${process.version}; Spectral ${withPeer ? `time limit ${peerTimeoutS} s` : 'skipped'}\n`);
  for (const name of specs) {
    if (only && !name.includes(only)) continue;
    const dir = mkdtempSync(path.join(scratch, 'spec-'));
    copyFileSync(path.join(corpus, name), path.join(dir, name));
    const ours = await runApisec(dir);
    let peerCells = ['—', '—', '—', '—'];
    if (withPeer) {
      const peer = await runSpectral(path.join(dir, name), scratch);
      const { measured, byRule } = peer;
      if (!byRule) {
        peerCells = [measured.timedOut ? `over ${peerTimeoutS} s` : `failed (${measured.exitCode})`, `${measured.peakRssMb.toFixed(0)} MB+`, '—', '—'];
      } else {
        const total = [...byRule.values()].reduce((a, b) => a + b, 0);
        peerCells = [
          fmt(measured.wallMs),
          `${measured.peakRssMb.toFixed(0)} MB`,
          String(total),
          `${(measured.wallMs / ours.wallMs).toFixed(0)}x time, ${(measured.peakRssMb / ours.peakRssMb).toFixed(1)}x RSS, ${(total / Math.max(1, ours.run.findings)).toFixed(0)}x findings`,
        ];
        for (const rule of byRule.keys()) {
          const entry = mapping.get(rule) ?? { specs: new Set<string>(), found: new Set<string>() };
          entry.specs.add(name);
          const diagnosticRule = DIAGNOSTIC_RULES[rule];
          if (diagnosticRule ? diagnosticRule.found(ours.run) : (coveredBy.get(rule) ?? []).some((id) => (ours.run.byCheck[id] ?? 0) > 0)) {
            entry.found.add(name);
          }
          mapping.set(rule, entry);
        }
      }
    }
    const row = [
      name,
      String(ours.run.endpoints),
      fmt(ours.wallMs),
      fmt(ours.run.ms),
      `${ours.peakRssMb.toFixed(0)} MB`,
      `${ours.run.findings} (${ours.run.occurrences} places)`,
      ...peerCells,
    ];
    rows.push(`| ${row.join(' | ')} |`);
    console.log(rows.at(-1));
  }

  // Scale (issue 13): polyglot tree, largest corpus checkouts, time per MB by file size.
  const scale = await runScale({
    lines,
    corpusDir,
    corpusTop: Number(flag('--corpus-top') ?? 2),
    corpusLanguages: !args.includes('--no-corpus-languages'),
    warmWithoutCache: args.includes('--warm-without-cache'),
    splitProjects: !args.includes('--no-split-projects'),
    ...(flag('--kinds') === undefined ? {} : { bucketKinds: (flag('--kinds') ?? '').split(',').filter(Boolean) }),
    jobs,
    only,
    bucketMb: Number(flag('--bucket-mb') ?? 0.5),
    timeoutS: Number(flag('--timeout') ?? 1800),
    scratch,
    onProgress: (partial) => {
      console.log(`\n${scaleMarkdown(partial)}\n`);
      if (jsonOut) writeJson(jsonOut, { specs: rows, scale: partial, partial: true });
    },
  });

  // Parse and audit throughput by language family (issue 14): one generated tree per framework, same run.
  let throughput: ThroughputRow[] = [];
  if (!only || 'throughput'.includes(only)) {
    throughput = await runThroughput({ mb: Number(flag('--throughput-mb') ?? 1), jobs, timeoutS: Number(flag('--timeout') ?? 1800), scratch });
  }

  // Parse-only throughput per language (Python, TypeScript, Go) on generated trees of the same size, same run.
  const perLanguage: string[] = [];
  if (!only || 'parse'.includes(only)) {
    const parsed = await measure(process.execPath, ['--import', 'tsx', 'bench/parse-speed.ts', '--free'], 900);
    perLanguage.push(...parsed.stdout.split('\n').filter((line) => /^(language|go|python|typescript|javascript|java|kotlin|all)\s/.test(line)));
  }

  if (rows.length > 0) {
    console.log('\n| input | endpoints | apisec wall | apisec audit | apisec peak RSS | apisec findings | Spectral wall | Spectral peak RSS | Spectral findings | Spectral / apisec |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  }

  if (scale.inputs.length > 0 || scale.buckets.length > 0) console.log(`\n${scaleMarkdown(scale)}`);
  if (throughput.length > 0) console.log(`\nThroughput by language (issue 14), generated trees of about ${flag('--throughput-mb') ?? 1} MB each:\n\n${throughputMarkdown(throughput)}`);
  if (jsonOut) {
    writeJson(jsonOut, { specs: rows, scale, throughput });
    console.log(`\nJSON: ${jsonOut}`);
  }

  if (perLanguage.length > 0) {
    console.log('\nparse only, generated trees (bench/parse-speed.ts):');
    for (const line of perLanguage) console.log(line);
  }

  if (mapping.size > 0) {
    console.log('\n| Spectral OWASP rule that fired | apisec check(s) | specs where it fired | apisec found it on |');
    console.log('|---|---|---|---|');
    let uncovered = 0;
    for (const [rule, entry] of [...mapping].sort(([a], [b]) => a.localeCompare(b))) {
      const checks = coveredBy.get(rule);
      if (!checks) uncovered += 1;
      console.log(`| ${rule} | ${checks?.join(', ') ?? '**UNCOVERED**'} | ${entry.specs.size} | ${entry.found.size} |`);
    }
    console.log(`\n${uncovered === 0 ? 'Every Spectral OWASP rule that fired maps to an apisec check.' : `${uncovered} Spectral rule(s) have no apisec check.`}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
