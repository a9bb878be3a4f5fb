/**
 * `npm run bench:realworld -- CORPUS_DIR [--only id,id] [--json | --markdown] [--all] [--save DIR | --from DIR] [--timeout S]`
 *
 * Audits every checkout of bench/realworld/manifest.yaml (CORPUS_DIR/ID/ROOT), each in a child
 * process, and compares the result with the hand-checked truth beside the manifest
 * (repos/ID/endpoints.yaml, repos/ID/triage.yaml): route recall and precision, auth-state accuracy,
 * routes wrongly marked protected, findings by check, useful precision, untriaged findings to read
 * next, wall time and peak memory. `--save DIR` keeps each child's raw output as DIR/ID.json; `--from DIR`
 * scores such saved runs again (after editing truth or triage) without auditing.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { measure, type Measured } from '../measure.js';

const here = import.meta.dirname;
const repo = path.resolve(here, '../..');

// ---------------------------------------------------------------- input files

interface ManifestEntry {
  id: string;
  repo: string;
  commit: string;
  language: string;
  frameworks: string[];
  root: string;
  lines?: number;
}

type TruthAuth = 'public' | 'optional' | 'protected';
interface TruthEndpoint {
  method: string;
  path: string;
  auth: TruthAuth;
  where?: string;
}
interface Truth {
  complete: boolean;
  scope?: string;
  endpoints: TruthEndpoint[];
}

type Verdict = 'real' | 'duplicate' | 'noise' | 'false';
interface TriageEntry {
  fingerprint: string;
  check?: string;
  at?: string;
  verdict: Verdict;
  reason?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${path.relative(repo, file)}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    return undefined;
  }
}

function readManifest(): ManifestEntry[] {
  const file = path.join(here, 'manifest.yaml');
  if (!existsSync(file)) return [];
  const data = readYaml(file);
  const list = isRecord(data) && Array.isArray(data.repositories) ? (data.repositories as unknown[]) : [];
  const entries: ManifestEntry[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const id = str(item.id);
    if (!id) continue;
    const lines = typeof item.lines === 'number' ? item.lines : undefined;
    entries.push({
      id,
      repo: str(item.repo) ?? '',
      commit: str(item.commit) ?? '',
      language: str(item.language) ?? '',
      frameworks: Array.isArray(item.frameworks) ? item.frameworks.map((f) => String(f)) : [],
      root: str(item.root) ?? '.',
      ...(lines === undefined ? {} : { lines }),
    });
  }
  return entries;
}

const TRUTH_AUTH = new Set(['public', 'optional', 'protected']);

function readTruth(id: string): { truth?: Truth; problems: string[] } {
  const file = path.join(here, 'repos', id, 'endpoints.yaml');
  if (!existsSync(file)) return { problems: ['no endpoints.yaml'] };
  const data = readYaml(file);
  if (!isRecord(data)) return { problems: ['endpoints.yaml is not a mapping'] };
  const problems: string[] = [];
  const endpoints: TruthEndpoint[] = [];
  for (const item of Array.isArray(data.endpoints) ? (data.endpoints as unknown[]) : []) {
    const method = isRecord(item) ? str(item.method) : undefined;
    const route = isRecord(item) ? str(item.path) : undefined;
    const auth = isRecord(item) ? str(item.auth) : undefined;
    if (!isRecord(item) || !method || !route || !auth || !TRUTH_AUTH.has(auth)) {
      problems.push(`bad endpoint entry ${JSON.stringify(item)}`);
      continue;
    }
    const where = str(item.where);
    endpoints.push({ method: method.toUpperCase(), path: route, auth: auth as TruthAuth, ...(where ? { where } : {}) });
  }
  const scope = str(data.scope);
  return { truth: { complete: data.complete === true, ...(scope ? { scope } : {}), endpoints }, problems };
}

const VERDICTS = new Set(['real', 'duplicate', 'noise', 'false']);

function readTriage(id: string): { triage: TriageEntry[]; problems: string[] } {
  const file = path.join(here, 'repos', id, 'triage.yaml');
  if (!existsSync(file)) return { triage: [], problems: ['no triage.yaml'] };
  const data = readYaml(file);
  const problems: string[] = [];
  const triage: TriageEntry[] = [];
  for (const item of Array.isArray(data) ? (data as unknown[]) : []) {
    const fingerprint = isRecord(item) ? str(item.fingerprint) : undefined;
    // `verdict: false` unquoted is YAML's boolean.
    const verdict = isRecord(item) ? (item.verdict === false ? 'false' : str(item.verdict)) : undefined;
    if (!isRecord(item) || !fingerprint || !verdict || !VERDICTS.has(verdict)) {
      problems.push(`bad triage entry ${JSON.stringify(item)}`);
      continue;
    }
    const check = str(item.check);
    const at = str(item.at);
    const reason = str(item.reason);
    triage.push({
      fingerprint,
      verdict: verdict as Verdict,
      ...(check ? { check } : {}),
      ...(at ? { at } : {}),
      ...(reason ? { reason } : {}),
    });
  }
  return { triage, problems };
}

// ---------------------------------------------------------------- the child

interface ChildEndpoint {
  method: string;
  path: string;
  protocol: string;
  code: boolean;
  via: string[];
  at?: string;
  auth: 'protected' | 'public' | 'unprotected' | 'unknown';
  authDetail?: string;
  authWhere?: string;
}
interface ChildFinding {
  fingerprint: string;
  checkId: string;
  severity: string;
  confidence: string;
  at: string;
  endpointId?: string;
  message: string;
  occurrences: number;
}
interface ChildOutput {
  ms: number;
  maxRssMb: number;
  filesScanned: number;
  sourceFiles: number;
  diagnostics: { level: string; source: string; file?: string; line?: number; message: string }[];
  endpoints: ChildEndpoint[];
  findings: ChildFinding[];
}

/** `stream`: each unit frees its trees between stages (what the audit does past 24 MB of source), to check that path on real code. */
function runChild(dir: string, timeoutS: number, stream = false): Promise<Measured> {
  return measure(process.execPath, ['--import', 'tsx', path.join(here, 'audit-child.ts'), dir, ...(stream ? ['--stream'] : [])], timeoutS, repo);
}

// ---------------------------------------------------------------- comparison

/** `/users/{id}/`, `/users/<int:pk>`, `/users/:id` → `/users/{}`; trailing slash ignored. */
export function routeKey(method: string, route: string): string {
  let normal = route
    .trim()
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/<[^>]*>/g, '{}')
    .replace(/(^|\/):[A-Za-z_][\w-]*\??/g, '$1{}');
  if (normal.length > 1) normal = normal.replace(/\/+$/, '');
  if (normal === '') normal = '/';
  return `${method.toUpperCase()} ${normal}`;
}

const pathOf = (key: string): string => key.slice(key.indexOf(' ') + 1);
const methodOf = (key: string): string => key.slice(0, key.indexOf(' '));

interface WrongRoute {
  route: string;
  truth: TruthAuth;
  apisec: string;
  detail?: string;
}

interface RepoReport {
  id: string;
  frameworks: string[];
  status: 'ok' | 'missing' | 'failed' | 'timeout';
  note?: string;
  problems: string[];
  truthRoutes: number;
  complete: boolean;
  matched: number;
  matchedViaAny: number;
  missed: string[];
  apisecRoutes: number;
  extra: string[];
  authDecided: number;
  authCorrect: number;
  authWrong: WrongRoute[];
  wronglyProtected: WrongRoute[];
  undecided: string[];
  findings: number;
  findingsByCheck: Record<string, number>;
  triagedPresent: number;
  triagedReal: number;
  verdicts: Record<Verdict, number>;
  triageStale: number;
  untriagedCriticalHigh: ChildFinding[];
  wallMs: number;
  peakRssMb: number;
  diagnosticsByLevel: Record<string, number>;
  /** Error diagnostics (crashed checks or collectors, unreadable files). */
  errors: string[];
}

function emptyReport(entry: ManifestEntry, status: RepoReport['status'], note?: string): RepoReport {
  return {
    id: entry.id,
    frameworks: entry.frameworks,
    status,
    ...(note ? { note } : {}),
    problems: [],
    truthRoutes: 0,
    complete: false,
    matched: 0,
    matchedViaAny: 0,
    missed: [],
    apisecRoutes: 0,
    extra: [],
    authDecided: 0,
    authCorrect: 0,
    authWrong: [],
    wronglyProtected: [],
    undecided: [],
    findings: 0,
    findingsByCheck: {},
    triagedPresent: 0,
    triagedReal: 0,
    verdicts: { real: 0, duplicate: 0, noise: 0, false: 0 },
    triageStale: 0,
    untriagedCriticalHigh: [],
    wallMs: 0,
    peakRssMb: 0,
    diagnosticsByLevel: {},
    errors: [],
  };
}

function compare(entry: ManifestEntry, truth: Truth | undefined, triage: TriageEntry[], output: ChildOutput, report: RepoReport): void {
  // REST routes found in the code (a spec alone does not count); GraphQL operations from code or schema files.
  const rest = output.endpoints.filter(
    (endpoint) => (endpoint.code && endpoint.protocol === 'rest') || endpoint.protocol === 'graphql',
  );
  const byKey = new Map<string, ChildEndpoint[]>();
  for (const endpoint of rest) {
    const key = routeKey(endpoint.method, endpoint.path);
    byKey.set(key, [...(byKey.get(key) ?? []), endpoint]);
  }
  report.apisecRoutes = byKey.size;

  if (truth) {
    report.complete = truth.complete;
    const truthKeys = new Set<string>();
    for (const expected of truth.endpoints) {
      const key = routeKey(expected.method, expected.path);
      // Two routes that differ only by parameter type (Flask `<int:id>` / `<name>`) are one key.
      if (truthKeys.has(key)) {
        const first = truth.endpoints.find((other) => routeKey(other.method, other.path) === key);
        if (first && (first.auth === 'protected') !== (expected.auth === 'protected'))
          report.problems.push(`two truth routes on ${key} with different auth states`);
        continue;
      }
      truthKeys.add(key);
      report.truthRoutes += 1;
      let found = byKey.get(key);
      if (!found) {
        found = byKey.get(`ANY ${pathOf(key)}`);
        if (found) report.matchedViaAny += 1;
      }
      if (!found || found.length === 0) {
        report.missed.push(key);
        continue;
      }
      report.matched += 1;
      // Several code endpoints on one key (two registrations): the weakest verdict counts.
      const states = found.map((endpoint) => endpoint.auth);
      const apisec = states.includes('unknown')
        ? 'unknown'
        : states.every((state) => state === states[0])
          ? (states[0] ?? 'unknown')
          : 'unknown';
      const detail = found.find((endpoint) => endpoint.authDetail)?.authDetail;
      if (apisec === 'unknown') {
        report.undecided.push(key);
        continue;
      }
      report.authDecided += 1;
      const apisecOpen = apisec === 'public' || apisec === 'unprotected';
      const truthOpen = expected.auth !== 'protected';
      if (apisecOpen === truthOpen) {
        report.authCorrect += 1;
        continue;
      }
      const wrong: WrongRoute = { route: key, truth: expected.auth, apisec, ...(detail ? { detail } : {}) };
      report.authWrong.push(wrong);
      if (apisec === 'protected') report.wronglyProtected.push(wrong);
    }
    if (truth.complete) {
      const truthPaths = new Set([...truthKeys].map(pathOf));
      for (const key of byKey.keys()) {
        if (truthKeys.has(key)) continue;
        if (methodOf(key) === 'ANY' && truthPaths.has(pathOf(key))) continue;
        report.extra.push(key);
      }
    }
  }

  report.findings = output.findings.length;
  for (const finding of output.findings) report.findingsByCheck[finding.checkId] = (report.findingsByCheck[finding.checkId] ?? 0) + 1;
  const present = new Set(output.findings.map((finding) => finding.fingerprint));
  const triaged = new Set<string>();
  for (const item of triage) {
    triaged.add(item.fingerprint);
    if (!present.has(item.fingerprint)) {
      report.triageStale += 1;
      continue;
    }
    report.triagedPresent += 1;
    report.verdicts[item.verdict] += 1;
    if (item.verdict === 'real') report.triagedReal += 1;
  }
  report.untriagedCriticalHigh = output.findings.filter(
    (finding) => (finding.severity === 'critical' || finding.severity === 'high') && !triaged.has(finding.fingerprint),
  );
  for (const diagnostic of output.diagnostics) {
    report.diagnosticsByLevel[diagnostic.level] = (report.diagnosticsByLevel[diagnostic.level] ?? 0) + 1;
    if (diagnostic.level === 'error')
      report.errors.push(`${diagnostic.file ? `${diagnostic.file}${diagnostic.line ? `:${String(diagnostic.line)}` : ''} ` : ''}${diagnostic.message}`);
  }
  void entry;
}

// ---------------------------------------------------------------- output

const pct = (part: number, whole: number): string => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)}%`);

interface Totals {
  label: string;
  repos: number;
  truthRoutes: number;
  matched: number;
  precisionMatched: number;
  precisionRoutes: number;
  decided: number;
  correct: number;
  wronglyProtected: number;
  findings: number;
  triagedPresent: number;
  triagedReal: number;
  untriagedCriticalHigh: number;
  wallMs: number;
  maxWallMs: number;
  peakRssMb: number;
}

function total(label: string, reports: RepoReport[]): Totals {
  const done = reports.filter((report) => report.status === 'ok');
  const sum = (pick: (report: RepoReport) => number): number => done.reduce((acc, report) => acc + pick(report), 0);
  const complete = done.filter((report) => report.complete);
  return {
    label,
    repos: done.length,
    truthRoutes: sum((r) => r.truthRoutes),
    matched: sum((r) => r.matched),
    precisionMatched: complete.reduce((acc, r) => acc + (r.apisecRoutes - r.extra.length), 0),
    precisionRoutes: complete.reduce((acc, r) => acc + r.apisecRoutes, 0),
    decided: sum((r) => r.authDecided),
    correct: sum((r) => r.authCorrect),
    wronglyProtected: sum((r) => r.wronglyProtected.length),
    findings: sum((r) => r.findings),
    triagedPresent: sum((r) => r.triagedPresent),
    triagedReal: sum((r) => r.triagedReal),
    untriagedCriticalHigh: sum((r) => r.untriagedCriticalHigh.length),
    wallMs: sum((r) => r.wallMs),
    maxWallMs: Math.max(0, ...done.map((r) => r.wallMs)),
    peakRssMb: Math.max(0, ...done.map((r) => r.peakRssMb)),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '))
    .join('\n');
}

const HEADER = ['repository', 'routes', 'recall', 'precision', 'auth ok', 'decided', 'wrong prot.', 'findings', 'useful', 'untriaged c/h', 'wall s', 'peak MB'];

function repoRow(r: RepoReport): string[] {
  if (r.status !== 'ok') return [r.id, r.status, '', '', '', '', '', '', '', '', r.wallMs ? (r.wallMs / 1000).toFixed(1) : '', ''];
  return [
    r.id,
    String(r.truthRoutes),
    pct(r.matched, r.truthRoutes),
    r.complete ? pct(r.apisecRoutes - r.extra.length, r.apisecRoutes) : 'n/a',
    pct(r.authCorrect, r.authDecided),
    pct(r.authDecided, r.matched),
    String(r.wronglyProtected.length),
    String(r.findings),
    r.triagedPresent ? `${pct(r.triagedReal, r.triagedPresent)} of ${r.triagedPresent}` : '—',
    String(r.untriagedCriticalHigh.length),
    (r.wallMs / 1000).toFixed(1),
    r.peakRssMb.toFixed(0),
  ];
}

function totalRow(t: Totals): string[] {
  return [
    `${t.label} (${t.repos})`,
    String(t.truthRoutes),
    pct(t.matched, t.truthRoutes),
    pct(t.precisionMatched, t.precisionRoutes),
    pct(t.correct, t.decided),
    pct(t.decided, t.matched),
    String(t.wronglyProtected),
    String(t.findings),
    t.triagedPresent ? `${pct(t.triagedReal, t.triagedPresent)} of ${t.triagedPresent}` : '—',
    String(t.untriagedCriticalHigh),
    `${(t.wallMs / 1000).toFixed(1)} (max ${(t.maxWallMs / 1000).toFixed(1)})`,
    t.peakRssMb.toFixed(0),
  ];
}

function printMarkdown(reports: RepoReport[]): void {
  const frameworks = [...new Set(reports.flatMap((r) => r.frameworks.slice(0, 1)))].sort();
  const rows = [
    ...reports.map(repoRow),
    ...frameworks.map((framework) => totalRow(total(framework, reports.filter((r) => r.frameworks[0] === framework)))),
    totalRow(total('total', reports)),
  ];
  console.log(`| ${HEADER.join(' | ')} |`);
  console.log(`|${HEADER.map((_, index) => (index === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

function printText(reports: RepoReport[], showAll: boolean): void {
  const rows = [HEADER, ...reports.map(repoRow)];
  const frameworks = [...new Set(reports.flatMap((r) => r.frameworks.slice(0, 1)))].sort();
  const totals = frameworks.map((framework) => total(framework, reports.filter((r) => r.frameworks[0] === framework)));
  console.log(table([...rows, ['—'], ...totals.map(totalRow), totalRow(total('total', reports))]));
  const limit = showAll ? Infinity : 15;
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    console.log(`  ${title} (${items.length}):`);
    for (const item of items.slice(0, limit)) console.log(`    ${item}`);
    if (items.length > limit) console.log(`    … ${items.length - limit} more (--all)`);
  };
  for (const r of reports) {
    console.log(`\n${r.id} [${r.frameworks.join(', ')}] — ${r.status}${r.note ? `: ${r.note}` : ''}`);
    if (r.status !== 'ok') continue;
    list('problems in the truth files', r.problems);
    list('errors reported by apisec', r.errors);
    if (r.matchedViaAny) console.log(`  ${String(r.matchedViaAny)} truth routes matched only a method-less (ANY) route`);
    list('routes missed', r.missed);
    list('routes apisec found beyond the truth', r.extra);
    list('wrongly marked protected', r.wronglyProtected.map((w) => `${w.route} (truth ${w.truth}; ${w.detail ?? 'no detail'})`));
    list(
      'other wrong auth states',
      r.authWrong.filter((w) => w.apisec !== 'protected').map((w) => `${w.route} (truth ${w.truth}, apisec ${w.apisec})`),
    );
    list('undecided', r.undecided);
    const checks = Object.entries(r.findingsByCheck).sort((a, b) => b[1] - a[1]);
    if (checks.length) console.log(`  findings by check: ${checks.map(([check, count]) => `${check} ${count}`).join(', ')}`);
    if (r.triagedPresent || r.triageStale)
      console.log(
        `  triage: ${Object.entries(r.verdicts)
          .map(([verdict, count]) => `${verdict} ${count}`)
          .join(', ')}${r.triageStale ? `; ${r.triageStale} triaged fingerprints not in this run` : ''}`,
      );
    list(
      'untriaged critical/high, to triage next',
      r.untriagedCriticalHigh.map((f) => `${f.severity} ${f.checkId} ${f.at} ${f.fingerprint} — ${f.message.slice(0, 100)}`),
    );
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const valued = new Set(['--only', '--save', '--timeout', '--from']);
  const positional = args.filter((arg, index) => !arg.startsWith('--') && !valued.has(args[index - 1] ?? ''));
  const corpus = positional[0];
  if (!corpus) {
    console.error(
      'usage: npm run bench:realworld -- CORPUS_DIR [--only id,id] [--json | --markdown] [--all] [--save DIR | --from DIR] [--timeout S] [--stream]',
    );
    return 2;
  }
  const only = value('--only')?.split(',').map((id) => id.trim()).filter(Boolean);
  const save = value('--save');
  // Re-score runs kept with --save (after editing truth or triage) without auditing again.
  const from = value('--from');
  const timeoutS = Number(value('--timeout') ?? 300);
  const manifest = readManifest();
  const unknown = only?.filter((id) => !manifest.some((entry) => entry.id === id)) ?? [];
  if (unknown.length) {
    console.error(`not in the manifest: ${unknown.join(', ')}`);
    return 2;
  }
  const selected = only ? manifest.filter((entry) => only.includes(entry.id)) : manifest;
  if (save) mkdirSync(save, { recursive: true });

  const reports: RepoReport[] = [];
  for (const entry of selected) {
    if (from) {
      const file = path.join(from, `${entry.id}.json`);
      if (!existsSync(file)) {
        reports.push(emptyReport(entry, 'missing', `no saved run at ${file}`));
        continue;
      }
      const output = JSON.parse(readFileSync(file, 'utf8')) as ChildOutput;
      const report = emptyReport(entry, 'ok');
      report.wallMs = output.ms;
      report.peakRssMb = output.maxRssMb;
      const { truth, problems } = readTruth(entry.id);
      const { triage, problems: triageProblems } = readTriage(entry.id);
      report.problems.push(...problems, ...triageProblems);
      compare(entry, truth, triage, output, report);
      reports.push(report);
      continue;
    }
    const dir = path.resolve(corpus, entry.id, entry.root);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      reports.push(emptyReport(entry, 'missing', `no checkout at ${dir} (see the clone line in manifest.yaml)`));
      continue;
    }
    if (!args.includes('--json') && !args.includes('--markdown')) process.stderr.write(`auditing ${entry.id} …\n`);
    const measured = await runChild(dir, timeoutS, args.includes('--stream'));
    const report = emptyReport(entry, 'ok');
    report.wallMs = Math.round(measured.wallMs);
    report.peakRssMb = measured.peakRssMb;
    if (measured.timedOut) {
      reports.push({ ...report, status: 'timeout', note: `killed after ${timeoutS} s` });
      continue;
    }
    let output: ChildOutput;
    try {
      output = JSON.parse(measured.stdout) as ChildOutput;
    } catch {
      const tail = measured.stderr.trim().split('\n').slice(-3).join(' | ');
      reports.push({ ...report, status: 'failed', note: `exit ${String(measured.exitCode)}: ${tail}` });
      continue;
    }
    report.peakRssMb = Math.max(report.peakRssMb, output.maxRssMb);
    if (save) writeFileSync(path.join(save, `${entry.id}.json`), JSON.stringify(output, null, 1));
    const { truth, problems } = readTruth(entry.id);
    const { triage, problems: triageProblems } = readTriage(entry.id);
    report.problems.push(...problems, ...triageProblems);
    compare(entry, truth, triage, output, report);
    reports.push(report);
  }

  if (args.includes('--json')) {
    const frameworks = [...new Set(reports.flatMap((r) => r.frameworks.slice(0, 1)))].sort();
    console.log(
      JSON.stringify(
        {
          repositories: reports,
          byFramework: frameworks.map((framework) => total(framework, reports.filter((r) => r.frameworks[0] === framework))),
          total: total('total', reports),
        },
        null,
        2,
      ),
    );
  } else if (args.includes('--markdown')) printMarkdown(reports);
  else printText(reports, args.includes('--all'));
  return 0;
}

process.exitCode = await main();
