import type { AnyCheck } from '../checks/define-check.js';
import { maskSecrets } from '../engine/mask.js';
import type { AuditResult } from '../engine/result.js';
import type { AuditOptions } from '../index.js';
import { ApisecError, PrerequisiteError } from '../metapowers/errors.js';
import { neutralizeControls, neutralizeLine } from '../report/sanitize.js';
import { ConfigError } from '../workspace/config.js';

export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export type AuditFn = (options: AuditOptions) => Promise<AuditResult>;

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  audit?: AuditFn;
  loadChecks?: () => Promise<readonly AnyCheck[]>;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export async function defaultAudit(options: AuditOptions): Promise<AuditResult> {
  const { audit } = await import('../index.js');
  return audit(options);
}

export async function defaultChecks(): Promise<readonly AnyCheck[]> {
  const { allChecks } = await import('../checks/index.js');
  return allChecks;
}

/** Colour on a TTY unless `--no-color` or NO_COLOR; FORCE_COLOR forces it. */
export function useColor(stream: CliStream, env: CliIo['env'], flag: boolean): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export interface ProgressEvent {
  stage: string;
  detail?: string;
  done?: number;
  total?: number;
}

export interface Progress {
  onProgress?: (event: ProgressEvent) => void;
  clear(): void;
}

/** CI runners set `CI` (GitHub, GitLab, CircleCI, Travis, Buildkite …): their logs are no terminal. */
export function isCi(env: CliIo['env']): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Writes at most this often, so a fast stage does not flood a slow terminal. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * A single, rewritten status line on stderr, with counts and a rate (`parse 120/800, 340/s`), only
 * on a terminal: nothing at all when stderr is not a TTY or under CI.
 */
export function createProgress(stream: CliStream, enabled: boolean, env: CliIo['env'] = {}, now: () => number = () => performance.now()): Progress {
  if (!enabled || stream.isTTY !== true || isCi(env)) return { clear: () => undefined };
  let shown = false;
  let stage: string | undefined;
  let stageStarted = 0;
  let lastWrite = -Infinity;
  const width = Math.max(20, (stream.columns ?? 80) - 1);
  return {
    onProgress(event) {
      const time = now();
      if (event.stage !== stage) {
        stage = event.stage;
        stageStarted = time;
      } else if (time - lastWrite < PROGRESS_INTERVAL_MS && event.done !== event.total) {
        return;
      }
      lastWrite = time;
      let count = '';
      if (event.done !== undefined && event.total !== undefined) {
        const elapsed = (time - stageStarted) / 1000;
        const rate = elapsed > 0 && event.done > 0 ? `, ${Math.round(event.done / elapsed)}/s` : '';
        count = ` ${event.done}/${event.total}${rate}`;
      }
      const detail = event.detail === undefined ? '' : `: ${event.detail}`;
      const line = neutralizeLine(`apisec ${event.stage}${count}${detail}`);
      stream.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 3)}...` : line}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

function causeText(error: Error): string | undefined {
  const { cause } = error;
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'string') return cause;
  return undefined;
}

function isFileSystemError(error: unknown): error is Error & { code: string; path: string; syscall?: string } {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code) && 'path' in error && typeof error.path === 'string';
}

/** Renders an error as: what failed, what was attempted and where, what to do next. */
export function formatError(error: unknown, context: { attempted: string; where?: string }, env: CliIo['env']): string {
  if (error instanceof PrerequisiteError) return `${error.message}\n`;
  const lines: string[] = [];
  if (error instanceof ApisecError) {
    lines.push(`apisec: ${error.message}`);
    const attempted = error.attempted ?? context.attempted;
    const where = error.where ?? context.where;
    lines.push(`  While trying to ${attempted}${where === undefined ? '' : ` (${where})`}.`);
    const cause = causeText(error);
    if (cause !== undefined) lines.push(`  Cause: ${cause}`);
    if (error.hint !== undefined) lines.push(`  Next: ${error.hint}`);
  } else if (error instanceof ConfigError) {
    lines.push(`apisec: ${error.message}`);
    lines.push(`  While trying to read the configuration (${error.line === undefined ? error.file : `${error.file}:${error.line}`}).`);
    // Issues the message already lists (with their lines) are not repeated: each problem is printed once.
    for (const issue of error.issues) if (!error.message.includes(issue.message)) lines.push(`  - ${issue.keyPath}: ${issue.message}`);
    lines.push('  Next: fix the configuration file (or pass another with --config) and run the audit again.');
  } else if (isFileSystemError(error)) {
    // A file or folder apisec could not read or write (permissions, read-only or full disk): not a bug.
    lines.push(`apisec: could not ${error.syscall ?? 'access'} ${error.path}: ${error.code}.`);
    lines.push(`  While trying to ${context.attempted}${context.where === undefined ? '' : ` (${context.where})`}.`);
    lines.push('  Next: check that this path exists and is readable (and the working directory writable), then run again.');
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`apisec: ${message}`);
    lines.push(`  While trying to ${context.attempted}${context.where === undefined ? '' : ` (${context.where})`}.`);
    if (error instanceof Error) {
      const cause = causeText(error);
      if (cause !== undefined) lines.push(`  Cause: ${cause}`);
    }
    if (env.APISEC_DEBUG !== undefined && error instanceof Error && error.stack !== undefined) {
      lines.push(error.stack);
    } else {
      lines.push('  Next: fix the cause above and run again; if it looks like a bug in apisec, rerun with APISEC_DEBUG=1 and report the stack trace.');
    }
  }
  // Messages quote file names, keys and arguments from the audited repository.
  return `${neutralizeControls(maskSecrets(lines.join('\n')))}\n`;
}
