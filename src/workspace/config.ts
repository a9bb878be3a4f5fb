import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { z, type ZodIssue } from 'zod';
import type { AuditConfig, IgnoreEntry } from '../engine/context.js';
import { SEVERITIES } from '../model/types.js';

/** Looked for in the audited directory, in this order; the first one found is used. */
export const CONFIG_FILE_NAMES = [
  'apisec.config.json',
  'apisec.config.yaml',
  'apisec.config.yml',
  '.apisec.yaml',
  '.apisec.yml',
] as const;

export interface ConfigIssue {
  /** Key path as written in messages, e.g. `apiTypes.payments` or `publicEndpoints[2]`. */
  keyPath: string;
  line?: number;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly line?: number;
  readonly issues: readonly ConfigIssue[];

  constructor(message: string, details: { file: string; line?: number; issues?: readonly ConfigIssue[]; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.file = details.file;
    if (details.line !== undefined) this.line = details.line;
    this.issues = details.issues ?? [];
  }
}

const API_TYPES = ['internal', 'external', 'partner'] as const;

const REASON_REQUIRED = 'a reason is required: say why the finding is accepted (reviewers read it in the report)';

/** `ignore:` entries: one finding by fingerprint, or every finding under a path glob (of one check). */
const ignoreEntrySchema = z
  .object({
    fingerprint: z.string().regex(/^[0-9a-f]{8,64}$/, 'expected a finding fingerprint (hexadecimal, from 02-protect.json)'),
    path: z.string().min(1, 'a path pattern cannot be empty'),
    check: z.string().min(1, 'a check id cannot be empty'),
    reason: z.string({ required_error: REASON_REQUIRED }).refine((reason) => reason.trim() !== '', REASON_REQUIRED),
  })
  .partial({ fingerprint: true, path: true, check: true })
  .strict()
  .superRefine((entry, ctx) => {
    if ((entry.fingerprint === undefined) === (entry.path === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give either `fingerprint` or `path` (with an optional `check`)' });
    }
  });

const configSchema = z
  .object({
    publicEndpoints: z.array(
      z
        .string()
        .regex(/^(?:[A-Za-z]+\s+)?(?:\/\S*|\*)$/, 'expected `METHOD /path` or `/path` (`*` wildcards allowed)'),
    ),
    apiTypes: z.record(z.string(), z.enum(API_TYPES)),
    disabledChecks: z.array(z.string().min(1, 'a check id cannot be empty')),
    include: z.array(z.string().min(1, 'a pattern cannot be empty')),
    exclude: z.array(z.string().min(1, 'a pattern cannot be empty')),
    ignore: z.array(ignoreEntrySchema),
    severityOverrides: z.record(z.string().min(1, 'a check id cannot be empty'), z.enum(SEVERITIES)),
    accessTokenLifetime: z.union([
      z.number().int().positive('expected a number of seconds or a duration such as `15m`'),
      z.string().regex(/^\d+\s*(s|m|min|h|d)$/, 'expected a number of seconds or a duration such as `15m`, `1h` or `900s`'),
    ]),
  })
  .partial()
  .strict();

/** `900`, `'900s'`, `'15m'`, `'1h'`, `'1d'` in seconds (the config's `accessTokenLifetime`). */
function durationSeconds(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)\s*(s|m|min|h|d)$/.exec(value);
  const amount = Number(match?.[1] ?? 0);
  const unit = match?.[2] ?? 's';
  return amount * (unit === 'd' ? 86400 : unit === 'h' ? 3600 : unit === 'm' || unit === 'min' ? 60 : 1);
}

export function defaultConfig(): AuditConfig {
  return { publicEndpoints: [], apiTypes: {}, disabledChecks: [] };
}

type PathSegment = string | number;

function formatKeyPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** The YAML node at `path`; with `key`, the node of that key inside the mapping at `path`. */
function nodeAt(doc: Document, path: readonly PathSegment[], key?: string): YamlNode | undefined {
  let node: unknown = doc.contents;
  const steps: PathSegment[] = key === undefined ? [...path] : [...path, key];
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    const wantKey = key !== undefined && index === steps.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(step));
      if (!pair) return undefined;
      node = wantKey ? pair.key : pair.value;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
    } else {
      return undefined;
    }
  }
  return isMap(node) || isSeq(node) || isScalar(node) ? node : undefined;
}

function describeIssue(issue: ZodIssue): { path: PathSegment[]; key?: string; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed =
      issue.path.length === 0
        ? ' (allowed: publicEndpoints, apiTypes, disabledChecks, include, exclude, ignore, severityOverrides, accessTokenLifetime)'
        : issue.path[0] === 'ignore'
          ? ' (allowed: fingerprint, path, check, reason)'
          : '';
    return issue.keys.map((key) => ({ path: issue.path, key, message: `unknown key${allowed}` }));
  }
  if (issue.code === 'invalid_enum_value') {
    return [{ path: issue.path, message: `expected one of ${issue.options.join(', ')}, got ${JSON.stringify(issue.received)}` }];
  }
  return [{ path: issue.path, message: issue.message.charAt(0).toLowerCase() + issue.message.slice(1) }];
}

/**
 * Validates a parsed config value. `doc` (the same text parsed by `yaml`) gives line numbers;
 * JSON is valid YAML 1.2, so both formats get them.
 */
export function validateConfig(value: unknown, file: string, doc?: Document, lineCounter?: LineCounter): AuditConfig {
  const parsed = configSchema.safeParse(value ?? {});
  const lineAt = (path: readonly PathSegment[], key?: string): number | undefined => {
    const offset = doc ? nodeAt(doc, path, key)?.range?.[0] : undefined;
    return offset !== undefined && lineCounter ? lineCounter.linePos(offset).line : undefined;
  };
  if (parsed.success) {
    return {
      publicEndpoints: parsed.data.publicEndpoints ?? [],
      apiTypes: ownRecord(value, 'apiTypes'),
      disabledChecks: parsed.data.disabledChecks ?? [],
      ...(parsed.data.disabledChecks === undefined || doc === undefined ? {} : { disabledCheckLines: parsed.data.disabledChecks.map((_, index) => lineAt(['disabledChecks', index])) }),
      ...(parsed.data.include === undefined ? {} : { include: parsed.data.include }),
      ...(parsed.data.exclude === undefined ? {} : { exclude: parsed.data.exclude }),
      ...(parsed.data.ignore === undefined ? {} : { ignore: parsed.data.ignore.map((entry, index) => ignoreEntry(entry, lineAt(['ignore', index]))) }),
      ...(parsed.data.accessTokenLifetime === undefined ? {} : { accessTokenMaxSeconds: durationSeconds(parsed.data.accessTokenLifetime) }),
      ...(parsed.data.severityOverrides === undefined
        ? {}
        : {
            severityOverrides: ownRecord(value, 'severityOverrides'),
            severityOverrideLines: Object.fromEntries(
              Object.keys(parsed.data.severityOverrides).flatMap((id) => {
                const line = lineAt(['severityOverrides'], id);
                return line === undefined ? [] : [[id, line]];
              }),
            ),
          }),
      file,
    };
  }
  const issues: ConfigIssue[] = [];
  for (const zodIssue of parsed.error.issues) {
    for (const { path, key, message } of describeIssue(zodIssue)) {
      const keyPath = formatKeyPath(key === undefined ? path : [...path, key]);
      // A missing key (`reason` left out) is reported at the entry that lacks it.
      let node = doc ? nodeAt(doc, path, key) : undefined;
      for (let depth = path.length - (key === undefined ? 1 : 0); doc && node === undefined && depth > 0; depth--) node = nodeAt(doc, path.slice(0, depth));
      const offset = node?.range?.[0];
      const line = offset !== undefined && lineCounter ? lineCounter.linePos(offset).line : undefined;
      issues.push(line === undefined ? { keyPath, message } : { keyPath, line, message });
    }
  }
  issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const first = issues[0];
  const lines = issues.map((issue) => `  ${file}${issue.line === undefined ? '' : `:${issue.line}`}: \`${issue.keyPath}\`: ${issue.message}`);
  const message = `invalid configuration in ${file}:\n${lines.join('\n')}`;
  return throwConfigError(message, file, first?.line, issues, parsed.error);
}

function ignoreEntry(entry: { fingerprint?: string | undefined; path?: string | undefined; check?: string | undefined; reason: string }, line: number | undefined): IgnoreEntry {
  return {
    ...(entry.fingerprint === undefined ? {} : { fingerprint: entry.fingerprint }),
    ...(entry.path === undefined ? {} : { path: entry.path }),
    ...(entry.check === undefined ? {} : { check: entry.check }),
    reason: entry.reason.trim(),
    ...(line === undefined ? {} : { line }),
  };
}

function throwConfigError(message: string, file: string, line: number | undefined, issues: ConfigIssue[], cause: unknown): never {
  throw new ConfigError(message, line === undefined ? { file, issues, cause } : { file, line, issues, cause });
}

/**
 * Offset of the first JSON syntax error: V8's messages on Node 20 often give no position.
 * Only called after `JSON.parse` has failed.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const space = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const literal = (word: string): void => {
    if (!text.startsWith(word, i)) fail();
    i += word.length;
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    space();
    const ch = text.charAt(i);
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          if (text[i] !== '"') fail();
          string();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    } else if (ch === '"') {
      string();
    } else if (ch === 't') {
      literal('true');
    } else if (ch === 'f') {
      literal('false');
    } else if (ch === 'n') {
      literal('null');
    } else {
      const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!number) return fail();
      i += number[0].length;
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxAt) return Math.min(error.offset, text.length);
    return undefined;
  }
}

class JsonSyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at ${offset}`);
  }
}

/**
 * `value[key]` (validated) as a prototype-free object: names are user text and are looked up
 * (`apiTypes[name]`), so `constructor` or `__proto__` must be plain keys. zod drops `__proto__`.
 */
function ownRecord<T>(value: unknown, key: string): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  const source = typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof source !== 'object' || source === null) return out;
  for (const [name, entry] of Object.entries(source)) out[name] = entry as T;
  return out;
}

const MAX_CONFIG_DEPTH = 64;

/** The first line nested deeper than any configuration needs (the parsers recurse per level). */
function tooDeepLine(text: string): number | undefined {
  let depth = 0;
  let line = 1;
  let quote = '';
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\n') {
      line++;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ' ' || c === '\t' || c === '-') {
        if (++indent > MAX_CONFIG_DEPTH * 8) return line;
        continue;
      }
      lineStart = false;
    }
    if (quote !== '') {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_CONFIG_DEPTH) return line;
    } else if (c === ']' || c === '}') depth--;
  }
  return undefined;
}

/** The line of the first YAML alias (`*name`, or the named one), for errors the parser gives no place. */
function aliasLine(text: string, name?: string): number | undefined {
  const pattern = name === undefined ? /(?:^|[\s,[{:])\*[^\s,\]}]/ : new RegExp(`(?:^|[\\s,[{:])\\*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![^\\s,\\]}])`);
  const match = pattern.exec(text);
  if (!match) return undefined;
  return text.slice(0, match.index + 1).split('\n').length;
}

/**
 * Parses config text (JSON when `file` ends in `.json`, YAML otherwise) and validates it. Whatever
 * the text holds (alias bombs, unresolved aliases, nesting deeper than the stack, odd tags), the
 * outcome is a config or a ConfigError naming the file and a line.
 */
export function parseConfig(text: string, file: string): AuditConfig {
  const deep = tooDeepLine(text);
  if (deep !== undefined) {
    return throwConfigError(`${file}:${deep}: the configuration nests deeper than ${MAX_CONFIG_DEPTH} levels.`, file, deep, [], undefined);
  }
  try {
    return parseConfigText(text, file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const unresolved = /Unresolved alias[^:]*: (.+)$/.exec(reason)?.[1];
    const line = (/alias/i.test(reason) ? aliasLine(text, unresolved) : undefined) ?? 1;
    return throwConfigError(`${file}:${line}: invalid configuration: ${reason}`, file, line, [], error);
  }
}

function parseConfigText(text: string, file: string): AuditConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  let value: unknown;
  if (file.toLowerCase().endsWith('.json')) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const offset = jsonErrorOffset(text);
      const line = offset === undefined ? undefined : lineCounter.linePos(offset).line;
      const reason = error instanceof Error ? error.message : String(error);
      return throwConfigError(`${file}${line === undefined ? '' : `:${line}`}: invalid JSON: ${reason}`, file, line, [], error);
    }
  } else {
    const yamlError = doc.errors[0];
    if (yamlError) {
      const line = lineCounter.linePos(yamlError.pos[0]).line;
      const reason = yamlError.message.split('\n')[0] ?? yamlError.message;
      return throwConfigError(`${file}:${line}: invalid YAML: ${reason}`, file, line, [], yamlError);
    }
    const key = collectionKeyLine(doc, lineCounter);
    if (key !== undefined) return throwConfigError(`${file}:${key}: invalid YAML: a key must be a plain string.`, file, key, [], undefined);
    value = doc.toJS({ maxAliasCount: 100 });
  }
  return validateConfig(value, file, doc.errors.length === 0 ? doc : undefined, lineCounter);
}

/** The line of the first mapping key that is a list, a mapping or an alias (the config's keys are names). */
function collectionKeyLine(doc: Document, lineCounter: LineCounter): number | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (pair.key !== null && !isScalar(pair.key)) {
          const offset = (pair.key as { range?: [number, number, number] | null }).range?.[0];
          return offset === undefined ? 1 : lineCounter.linePos(offset).line;
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return undefined;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

/** Reads a config file; one found in DIR must be a regular file that stays inside DIR. */
async function readIfPresent(absolute: string, root?: string): Promise<string | undefined> {
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new Error('it is not a regular file');
    if (root !== undefined) {
      const [real, realRoot] = await Promise.all([realpath(absolute), realpath(root)]);
      const rel = relative(realRoot, real);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error('it is a link to a file outside the audited directory');
    }
    if (info.size > MAX_CONFIG_BYTES) throw new Error(`it is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB`);
    return await readFile(absolute, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) return undefined;
    throw error;
  }
}

/**
 * Loads the audit configuration: `explicitPath` (resolved against the working directory) when
 * given, else the first of `CONFIG_FILE_NAMES` in `root`, else the defaults.
 */
export async function loadConfig(root: string, explicitPath?: string): Promise<AuditConfig> {
  const candidates =
    explicitPath === undefined
      ? CONFIG_FILE_NAMES.map((name) => ({ absolute: join(root, name), shown: name, required: false }))
      : [{ absolute: resolve(explicitPath), shown: explicitPath, required: true }];
  for (const { absolute, shown, required } of candidates) {
    let text: string | undefined;
    try {
      text = await readIfPresent(absolute, required ? undefined : root);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return throwConfigError(`cannot read config file ${shown}: ${reason}`, shown, undefined, [], error);
    }
    if (text === undefined) {
      if (required) return throwConfigError(`config file not found: ${shown}`, shown, undefined, [], undefined);
      continue;
    }
    const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return parseConfig(withoutBom, shown);
  }
  return defaultConfig();
}
