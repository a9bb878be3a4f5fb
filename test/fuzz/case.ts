/**
 * One fuzz case and how it is judged. A case is plain data (it crosses to a worker thread): the
 * files and links of a repository to audit, the NAME, and the secrets planted in it. `runCase`
 * builds it in a fresh temporary folder, runs the stage the family targets (or the whole CLI),
 * and returns every failure it sees:
 *
 * - `crash`: an exception escaped the stage or the audit ended on the internal-error message;
 * - `check-crash`: a check, collector or enricher crashed into a "skipped" diagnostic;
 * - `write-outside`: a file outside `.metapowers/security/NAME/` was created, changed or removed;
 * - `secret`: a planted secret (beyond the short prefix masking keeps) appears in an output;
 * - `control`: a raw control character appears in an output (Markdown, JSON, terminal);
 * - `stall` (judged by the pool, not here): the case ran past its time budget.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/cli/run.js';
import { loadGraphql } from '../../src/collectors/spec/graphql.js';
import { drainSpecDiagnostics, loadSpec } from '../../src/collectors/spec/openapi-loader.js';
import { loadProto } from '../../src/collectors/spec/protobuf.js';
import { maskDeep } from '../../src/engine/mask.js';
import { UsageError } from '../../src/metapowers/errors.js';
import { validateName } from '../../src/metapowers/name.js';
import { artifactPaths, isInside } from '../../src/metapowers/paths.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSummary } from '../../src/report/summary.js';
import { sampleResult } from '../../src/report/sample.js';
import { ConfigError, loadConfig } from '../../src/workspace/config.js';
import { discoverWorkspace } from '../../src/workspace/discover.js';

export const FAILURE_KINDS = ['crash', 'check-crash', 'stall', 'write-outside', 'secret', 'control'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Failure {
  kind: FailureKind;
  detail: string;
}

export interface FuzzFile {
  /** Relative to the audited directory, `/`-separated. */
  path: string;
  content: string;
}

export interface FuzzLink {
  /** Relative to the audited directory. */
  path: string;
  /** Relative to the case's root: `outside/…` is outside the working directory altogether. */
  target: string;
}

/** What runs: the whole CLI, or one stage through its own entry point. */
export type Stage = 'audit' | 'spec' | 'graphql' | 'proto' | 'discover' | 'config' | 'name' | 'render';

export interface FuzzCase {
  family: string;
  stage: Stage;
  files: FuzzFile[];
  links?: FuzzLink[];
  /** The audit NAME (the `name` stage validates it). */
  name: string;
  /** Audit the working directory itself (`.`) rather than `repo/` inside it. */
  auditCwd?: boolean;
  /** Extra CLI flags. */
  flags?: string[];
  /** Values planted in the inputs that no output may show. */
  secrets: string[];
  /** For the `render` stage: strings planted in a result's fields. */
  strings?: string[];
}

export interface CaseOutcome {
  failures: Failure[];
  /** Outputs produced, by name (for reproduction). */
  outputs?: Record<string, string>;
}

// eslint-disable-next-line no-control-regex -- raw control characters are what outputs must not hold.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const INTERNAL_ERROR = 'if it looks like a bug in apisec';
const CRASHED = /crashed and was skipped/;

/** The known-format prefix masking keeps, so only what follows must never show. */
const KEPT_PREFIX = /^(?:(?:sk|pk|rk)[_-](?:live|test)[_-]|github[_-]pat[_-]|gh[pousr][_-]|glpat-|xox[abposr]-|AKIA|ASIA|AIza|npm[_-]|eyJ)/i;
const WINDOW = 10;

/** The windows of a secret past what masking may keep (its format prefix and four characters). */
export function secretWindows(secret: string): string[] {
  // A JWT's header is public (`{"alg":…}`); its claims and signature are what must not show.
  const kept = /^eyJ[^.]*\./i.test(secret) ? secret.indexOf('.') + 1 : (KEPT_PREFIX.exec(secret)?.[0].length ?? 0) + 4;
  const windows: string[] = [];
  for (let start = 0; start + WINDOW <= secret.length; start += 1) {
    if (start + WINDOW > kept) windows.push(secret.slice(start, start + WINDOW));
  }
  return windows.length > 0 ? windows : [secret];
}

/** Markdown escapes a renderer may put inside a value (`\_`, `\|`) are undone before looking. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}

export function judgeOutputs(outputs: Record<string, string>, secrets: readonly string[]): Failure[] {
  const failures: Failure[] = [];
  for (const [name, raw] of Object.entries(outputs)) {
    const control = CONTROL.exec(raw);
    if (control) {
      const at = control.index;
      failures.push({ kind: 'control', detail: `${name}: U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(raw.slice(Math.max(0, at - 40), at + 20))}` });
    }
    // Case-insensitive: ids and anchors are lower-cased slugs of what they name.
    const text = (name.endsWith('.md') ? unescapeMarkdown(raw) : raw).toLowerCase();
    for (const secret of secrets) {
      const window = secretWindows(secret.toLowerCase()).find((part) => text.includes(part));
      if (window !== undefined) {
        const at = text.indexOf(window);
        failures.push({ kind: 'secret', detail: `${name}: ${JSON.stringify(secret)} shows in ${JSON.stringify(text.slice(Math.max(0, at - 60), at + 40))}` });
      }
    }
  }
  return failures;
}

interface Entry {
  kind: 'file' | 'dir' | 'link' | 'other';
  hash: string;
}

/** Every entry under `root` (links not followed), with a content hash for files. */
function snapshot(root: string, skip: (absolute: string) => boolean): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const absolute = path.join(dir, name);
      if (skip(absolute)) continue;
      let info;
      try {
        info = lstatSync(absolute);
      } catch {
        continue;
      }
      const rel = path.relative(root, absolute);
      if (info.isSymbolicLink()) out.set(rel, { kind: 'link', hash: readlinkSync(absolute) });
      else if (info.isDirectory()) {
        out.set(rel, { kind: 'dir', hash: '' });
        stack.push(absolute);
      } else if (info.isFile()) {
        out.set(rel, { kind: 'file', hash: createHash('sha1').update(readFileSync(absolute)).digest('hex') });
      } else out.set(rel, { kind: 'other', hash: '' });
    }
  }
  return out;
}

function compareSnapshots(before: Map<string, Entry>, after: Map<string, Entry>): string[] {
  const changes: string[] = [];
  for (const [rel, entry] of after) {
    const old = before.get(rel);
    if (!old) changes.push(`created ${rel}`);
    else if (old.kind !== entry.kind || old.hash !== entry.hash) changes.push(`changed ${rel}`);
  }
  for (const rel of before.keys()) if (!after.has(rel)) changes.push(`removed ${rel}`);
  return changes.sort();
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}

function build(root: string, fuzz: FuzzCase): { cwd: string; dir: string } {
  const cwd = path.join(root, 'work');
  const dir = fuzz.auditCwd === true ? cwd : path.join(cwd, 'repo');
  mkdirSync(dir, { recursive: true });
  mkdirSync(path.join(root, 'outside'), { recursive: true });
  writeFileSync(path.join(root, 'outside', 'bashrc'), '# a file the user owns\n');
  for (const file of fuzz.files) {
    const absolute = path.join(dir, file.path);
    if (!isInside(dir, absolute)) continue;
    mkdirSync(path.dirname(absolute), { recursive: true });
    try {
      writeFileSync(absolute, file.content);
    } catch {
      // A path that collides with a folder another file made: the case just has one file less.
    }
  }
  for (const link of fuzz.links ?? []) {
    const absolute = path.join(dir, link.path);
    if (!isInside(dir, absolute)) continue;
    mkdirSync(path.dirname(absolute), { recursive: true });
    try {
      symlinkSync(path.join(root, link.target), absolute);
    } catch {
      // Already there.
    }
  }
  return { cwd, dir };
}

async function runAuditCase(root: string, fuzz: FuzzCase): Promise<CaseOutcome> {
  const { cwd, dir } = build(root, fuzz);
  const output = path.join(cwd, '.metapowers', 'security', fuzz.name);
  // Everything but the artifact folder; a link on the way there is itself checked (it must not be followed).
  const skip = (absolute: string): boolean => absolute === output;
  const before = snapshot(root, skip);
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (chunk: string) => (stdout += chunk), isTTY: false },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: false },
    cwd,
    env: {},
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  const argv = ['audit', fuzz.name, fuzz.auditCwd === true ? '.' : 'repo', '--skip-checks', '--allow-empty', '--today', '2026-01-01', ...(fuzz.flags ?? [])];
  const failures: Failure[] = [];
  let code: number | undefined;
  try {
    code = await run(argv, io);
  } catch (error) {
    failures.push({ kind: 'crash', detail: `run() threw ${errorText(error)}` });
  }
  if (stderr.includes(INTERNAL_ERROR)) failures.push({ kind: 'crash', detail: `exit ${String(code)}: ${stderr.slice(0, 400)}` });
  const outputs: Record<string, string> = { stdout, stderr };
  for (const leaf of ['02-protect.md', '02-protect.json', 'skip-log.md']) {
    try {
      const info = lstatSync(path.join(output, leaf));
      if (info.isFile()) outputs[leaf] = readFileSync(path.join(output, leaf), 'utf8');
    } catch {
      // Not written (an error stopped the audit first).
    }
  }
  const json = outputs['02-protect.json'];
  if (json !== undefined) {
    for (const line of json.split('\n')) {
      if (CRASHED.test(line)) failures.push({ kind: 'check-crash', detail: line.trim().slice(0, 300) });
    }
  }
  // The folders on the way to the artifacts are the audit's to create (as real folders, not links).
  const ancestors = new Set<string>();
  for (let at = path.dirname(output); isInside(root, at); at = path.dirname(at)) ancestors.add(path.relative(root, at));
  const after = snapshot(root, skip);
  for (const rel of ancestors) if (!before.has(rel) && after.get(rel)?.kind === 'dir') after.delete(rel);
  const changes = compareSnapshots(before, after);
  if (changes.length > 0) failures.push({ kind: 'write-outside', detail: changes.slice(0, 5).join('; ') });
  void dir;
  failures.push(...judgeOutputs(outputs, fuzz.secrets));
  return { failures, outputs };
}

function stageFailures(fuzz: FuzzCase, root: string): Promise<Failure[]> | Failure[] {
  const file = fuzz.files[0];
  switch (fuzz.stage) {
    case 'spec': {
      if (!file) return [];
      const byPath = new Map(fuzz.files.map((entry) => [entry.path, entry.content]));
      const loaded = loadSpec(file.path, file.content, (relative) => byPath.get(relative));
      const diagnostics = [...loaded.diagnostics, ...(loaded.spec ? drainSpecDiagnostics(loaded.spec) : [])];
      return judgeOutputs({ diagnostics: JSON.stringify(maskDeep(diagnostics)) }, fuzz.secrets);
    }
    case 'graphql': {
      if (!file) return [];
      const loaded = loadGraphql(file.path, file.content);
      return judgeOutputs({ diagnostics: JSON.stringify(maskDeep(loaded.diagnostics)) }, fuzz.secrets);
    }
    case 'proto': {
      if (!file) return [];
      const loaded = loadProto(file.path, file.content);
      return judgeOutputs({ diagnostics: JSON.stringify(maskDeep(loaded.diagnostics)) }, fuzz.secrets);
    }
    case 'discover':
      return (async () => {
        const { dir } = build(root, fuzz);
        const found = await discoverWorkspace(dir);
        const outside = found.files.filter((entry) => !isInside(dir, entry.absolute));
        return outside.map((entry) => ({ kind: 'write-outside' as const, detail: `discovery left DIR: ${entry.absolute}` }));
      })();
    case 'config':
      return (async () => {
        const { dir } = build(root, fuzz);
        try {
          await loadConfig(dir);
        } catch (error) {
          if (!(error instanceof ConfigError)) return [{ kind: 'crash' as const, detail: `loadConfig threw ${errorText(error)}` }];
        }
        return [];
      })();
    case 'name': {
      let valid: string;
      try {
        valid = validateName(fuzz.name);
      } catch (error) {
        return error instanceof UsageError ? [] : [{ kind: 'crash', detail: `validateName threw ${errorText(error)}` }];
      }
      const cwd = path.join(root, 'work');
      const paths = artifactPaths(valid, cwd);
      const base = path.join(cwd, '.metapowers', 'security');
      const escaped = [paths.dir, paths.protectMarkdown, paths.protectJson, paths.skipLog, paths.govern].filter((entry) => !isInside(base, entry));
      const failures: Failure[] = escaped.map((entry) => ({ kind: 'write-outside', detail: `NAME ${JSON.stringify(valid)} maps to ${entry}` }));
      if (CONTROL.test(valid)) failures.push({ kind: 'control', detail: `NAME ${JSON.stringify(valid)} accepted with a control character` });
      return failures;
    }
    case 'render': {
      const planted = fuzz.strings ?? [];
      const pick = (index: number): string => planted[index % Math.max(1, planted.length)] ?? '';
      const result = sampleResult();
      const first = result.inventory.endpoints[0];
      const endpoints = first ? [{ ...first, path: `/x/${pick(0)}`, id: `api GET /x/${pick(0)}`, summary: pick(1), tierReason: pick(2) }] : [];
      const finding = result.findings[0];
      const findings = finding ? [{ ...finding, message: pick(3), location: { ...finding.location, file: pick(4) }, evidence: { snippet: pick(5) } }] : [];
      const api = result.inventory.apis[0];
      const apis = api ? [{ ...api, name: pick(6), servers: [pick(7)], purpose: pick(8) }] : [];
      const hostile = {
        ...result,
        inventory: { apis, endpoints },
        findings,
        diagnostics: [{ level: 'error' as const, file: pick(9), line: 1, message: pick(10), source: 'openapi' }],
      };
      return judgeOutputs(
        {
          '02-protect.md': renderMarkdown(hostile),
          '02-protect.json': renderJson(hostile),
          stdout: renderSummary(hostile, { color: false }),
        },
        fuzz.secrets,
      );
    }
    case 'audit':
      return [];
  }
}

/** Runs one case in a fresh temporary folder, removed afterwards. */
export async function runCase(fuzz: FuzzCase, tmpBase: string = os.tmpdir()): Promise<CaseOutcome> {
  const root = mkdtempSync(path.join(tmpBase, 'apisec-fuzz-'));
  try {
    if (fuzz.stage === 'audit') return await runAuditCase(root, fuzz);
    try {
      return { failures: await stageFailures(fuzz, root) };
    } catch (error) {
      return { failures: [{ kind: 'crash', detail: `${fuzz.stage} threw ${errorText(error)}` }] };
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
