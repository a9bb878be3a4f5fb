import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../metapowers/errors.js';
import { DEFAULT_BUDGET, DEFAULT_RATE, DEFAULT_TIMEOUT_MS, parseTarget } from '../live/http.js';
import type { LiveAuditOptions } from '../live/index.js';
import { parseAuthHeader, productionWarning, type AuthHeader, type LiveSummary } from '../live/runner.js';
import type { CliIo } from './io.js';

/** The live flags shared by `audit --target` and `probe`. */
export const LiveFlags = z.object({
  target: z.string().optional(),
  authHeader: z.array(z.string()).default([]),
  authHeaderB: z.array(z.string()).default([]),
  budget: z.string().optional(),
  rate: z.string().optional(),
  timeout: z.string().optional(),
  active: z.boolean().default(false),
  graphql: z.array(z.string()).default([]),
  ca: z.string().optional(),
});
export type LiveFlags = z.infer<typeof LiveFlags>;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds the live options to a command (`--target` only when `withTarget`: `probe` takes the URL as an argument). */
export function addLiveOptions(command: Command, withTarget: boolean): Command {
  if (withTarget) command.option('--target <URL>', 'also probe this running deployment (only its origin is ever contacted); live findings merge with the static ones');
  return command
    .option('--auth-header <header>', "credentials of identity A, as curl's -H: 'Authorization: Bearer …' (repeatable; or APISEC_AUTH_HEADER)", collect)
    .option('--auth-header-b <header>', 'credentials of a second identity B, for the two-identity probes (repeatable; or APISEC_AUTH_HEADER_B)', collect)
    .option('--ca <file>', 'also trust the certificate authorities in this PEM file (a staging target behind a private CA)')
    .option('--budget <n>', `most requests the live probes send, redirects included (default ${DEFAULT_BUDGET})`)
    .option('--rate <n>', `most requests per second (default ${DEFAULT_RATE})`)
    .option('--timeout <seconds>', `time one request may take (default ${DEFAULT_TIMEOUT_MS / 1000})`)
    .option('--active', 'also run the active probes, which create and change objects and forge tokens (off by default; use on staging)')
    .option('--graphql <path>', 'a path where GraphQL is served, e.g. /graphql (repeatable)', collect);
}

function positive(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(`${flag} must be a positive ${integer ? 'whole ' : ''}number, not ${JSON.stringify(value)}.`, { attempted: `read ${flag}` });
  }
  return number;
}

function headers(lines: readonly string[], flag: string): AuthHeader[] {
  return lines.map((line) => {
    const header = parseAuthHeader(line);
    if (header === undefined) {
      // Never echo the value: it is a credential.
      throw new UsageError(`A value given to ${flag} is not a header line (expected 'Name: value', e.g. 'Authorization: Bearer …').`, { attempted: `read ${flag}` });
    }
    return header;
  });
}

function fromEnv(value: string | undefined): string[] {
  return value === undefined ? [] : value.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** The runner's options from the flags and the environment (flags win); a UsageError names the flag at fault. */
export function liveOptionsFrom(target: string, flags: LiveFlags, env: CliIo['env']): LiveAuditOptions {
  parseTarget(target);
  const authA = headers(flags.authHeader.length > 0 ? flags.authHeader : fromEnv(env.APISEC_AUTH_HEADER), '--auth-header');
  const authB = headers(flags.authHeaderB.length > 0 ? flags.authHeaderB : fromEnv(env.APISEC_AUTH_HEADER_B), '--auth-header-b');
  const budget = positive(flags.budget, '--budget', true);
  const rate = positive(flags.rate, '--rate', false);
  const timeout = positive(flags.timeout, '--timeout', false);
  for (const path of flags.graphql) {
    if (!path.startsWith('/') || path.startsWith('//')) throw new UsageError(`--graphql takes a path on the target, such as /graphql, not ${JSON.stringify(path)}.`, { attempted: 'read --graphql' });
  }
  const ca = flags.ca === undefined ? undefined : readCa(flags.ca);
  return {
    target,
    authA,
    authB,
    active: flags.active,
    ...(ca === undefined ? {} : { ca }),
    ...(budget === undefined ? {} : { budget }),
    ...(rate === undefined ? {} : { ratePerSecond: rate }),
    ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
    ...(flags.graphql.length === 0 ? {} : { graphqlPaths: flags.graphql }),
  };
}

function readCa(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UsageError(`The --ca file ${JSON.stringify(file)} cannot be read.`, { cause, attempted: 'read --ca', hint: 'Pass a PEM file holding the CA certificate(s) of the target.' });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`The --ca file ${JSON.stringify(file)} holds no PEM certificate.`, { attempted: 'read --ca', hint: 'Pass a PEM file holding the CA certificate(s) of the target.' });
  }
  return text;
}

/** Runs `work` with Ctrl-C turned into an abort of the live run (the report is still written, marked partial); a second Ctrl-C exits. */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => {
    process.removeListener('SIGINT', onSignal);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

/** Warnings for stderr before the probes start. */
export function liveWarnings(target: string, active: boolean): string[] {
  const warning = productionWarning(parseTarget(target));
  const out: string[] = [];
  if (warning !== undefined) out.push(`apisec: warning: ${warning}`);
  if (active) out.push('apisec: --active: probes will create and change objects on the target and send forged tokens.');
  return out;
}

/** One line for the terminal summary. */
export function liveLine(live: LiveSummary & { merged: number }): string {
  const stopped = live.partial ? `, stopped early (${live.stoppedBy ?? 'unknown'}): partial` : '';
  return `Live (${live.mode}) ${live.target}: ${live.requests}/${live.budget} requests in ${(live.durationMs / 1000).toFixed(1)} s, ${live.findings} live findings (${live.merged} confirm static ones)${stopped}`;
}
