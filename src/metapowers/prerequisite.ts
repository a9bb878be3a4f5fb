import { constants } from 'node:fs';
import { access, open } from 'node:fs/promises';
import { ArtifactWriteError, PrerequisiteError } from './errors.js';
import { neutralizeLine } from '../report/sanitize.js';
import type { ArtifactPaths } from './paths.js';
import { displayPath } from './paths.js';
import { O_NOFOLLOW, O_NONBLOCK, ensureArtifactDir, fileSystemError } from './safe-dir.js';

/** Seed 000's message, verbatim, with NAME substituted. */
export function prerequisiteMessage(name: string): string {
  return `Phase 0 (Govern) has not been completed for "${name}". Run a Govern skill first (e.g., /security:security-policy ${name}), or use --skip-checks to bypass.`;
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export interface PrerequisiteOptions {
  skipChecks: boolean;
  /** The command as typed, without the program name; secrets are masked before logging. */
  argv: readonly string[];
  cwd: string;
  now?: () => Date;
  program?: string;
}

export interface PrerequisiteOutcome {
  governFound: boolean;
  skipped: boolean;
  /** Set when a skip-log entry was written. */
  skipLog?: string;
}

/**
 * Applies seed 000's prerequisite: `00-govern.md` must exist unless `--skip-checks` is given, in
 * which case the skip is logged. Throws PrerequisiteError (writing nothing) when unmet.
 */
export async function checkPrerequisite(paths: ArtifactPaths, options: PrerequisiteOptions): Promise<PrerequisiteOutcome> {
  // A link anywhere in .metapowers/security/NAME is refused before anything is read or written.
  const governFound = (await ensureArtifactDir(paths, options.cwd, { create: false })) && (await fileExists(paths.govern));
  if (!options.skipChecks) {
    if (!governFound) {
      throw new PrerequisiteError(prerequisiteMessage(paths.name), {
        attempted: 'check the Phase 0 (Govern) prerequisite',
        where: displayPath(paths.govern, options.cwd),
      });
    }
    return { governFound, skipped: false };
  }
  await appendSkipLog(paths, {
    governFound,
    argv: options.argv,
    cwd: options.cwd,
    when: (options.now ?? (() => new Date()))(),
    program: options.program ?? 'apisec',
  });
  return { governFound, skipped: true, skipLog: paths.skipLog };
}

const SECRET_OPTION = /^--?[\w-]*(auth|token|secret|password|passwd|key|cookie|credential|header)[\w-]*$/i;

/** The argv with the values of secret-bearing options (`--auth-header`, `--token` …) replaced by `***`. */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let maskNext = false;
  for (const arg of argv) {
    if (maskNext) {
      out.push('***');
      maskNext = false;
      continue;
    }
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0 && SECRET_OPTION.test(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq)}=***`);
    } else {
      out.push(arg);
      maskNext = arg.startsWith('-') && eq < 0 && SECRET_OPTION.test(arg);
    }
  }
  return out;
}

function quoteArg(arg: string): string {
  return /^[\w./:=@%+,*-]+$/.test(arg) ? arg : `'${neutralizeLine(arg).replace(/'/g, `'\\''`)}'`;
}

export interface SkipLogEntry {
  governFound: boolean;
  argv: readonly string[];
  cwd: string;
  when: Date;
  program: string;
}

export function formatSkipLogEntry(paths: ArtifactPaths, entry: SkipLogEntry): string {
  const iso = entry.when.toISOString();
  const command = [entry.program, ...maskArgv(entry.argv)].map(quoteArg).join(' ');
  const governPath = displayPath(paths.govern, entry.cwd);
  const state = entry.governFound ? 'the file was present' : 'the file was missing';
  return [
    `## ${iso.slice(0, 10)} — Phase 0 (Govern) prerequisite skipped`,
    '',
    `- Check skipped: Phase 0 (Govern) prerequisite, \`${governPath}\` (${state}).`,
    `- Command: \`${command.replace(/`/g, "'")}\``,
    `- When: ${iso}`,
    '',
  ].join('\n');
}

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | O_NOFOLLOW | O_NONBLOCK;

/**
 * Appends a dated entry to `skip-log.md`, creating it (with a heading) when needed. The log is
 * opened without following a link, and must be a regular file with a single name: a planted
 * `skip-log.md` link (or hard link, or FIFO) never makes apisec append to another file.
 */
export async function appendSkipLog(paths: ArtifactPaths, entry: SkipLogEntry): Promise<void> {
  await ensureArtifactDir(paths, entry.cwd, { create: true });
  const shown = displayPath(paths.skipLog, entry.cwd);
  const refuse = (what: string): ArtifactWriteError =>
    new ArtifactWriteError(`${shown} ${what}; apisec appends only to a regular file of its own.`, {
      attempted: 'log the skipped prerequisite',
      where: paths.skipLog,
      hint: 'Remove it and run the audit again.',
    });
  let handle;
  try {
    handle = await open(paths.skipLog, APPEND, 0o644);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw refuse('is a symbolic link');
    if (code === 'ENXIO' || code === 'EISDIR') throw refuse('is not a regular file');
    throw fileSystemError(error, paths.skipLog, 'write');
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse('is not a regular file');
    if (info.nlink > 1) throw refuse('has other names (a hard link)');
    const head = info.size > 0 ? '\n' : `# Skip log for "${paths.name}"\n\nChecks bypassed with --skip-checks, newest last.\n\n`;
    await handle.writeFile(head + formatSkipLogEntry(paths, entry), 'utf8');
  } catch (error) {
    throw error instanceof ArtifactWriteError ? error : fileSystemError(error, paths.skipLog, 'write');
  } finally {
    await handle.close();
  }
}
