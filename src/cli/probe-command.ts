import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { z } from 'zod';
import { loadGraphql } from '../collectors/spec/graphql.js';
import { loadSpec } from '../collectors/spec/openapi-loader.js';
import type { AuditResult } from '../engine/result.js';
import type { GraphqlDocument, SpecDocument } from '../engine/context.js';
import { VERSION, isoToday } from '../index.js';
import { buildInventory } from '../inventory/index.js';
import { liveAudit } from '../live/index.js';
import { writeFileAtomic } from '../metapowers/atomic.js';
import { UsageError } from '../metapowers/errors.js';
import { artifactPaths, displayPath } from '../metapowers/paths.js';
import { checkPrerequisite } from '../metapowers/prerequisite.js';
import { ensureArtifactDir } from '../metapowers/safe-dir.js';
import type { Diagnostic } from '../model/types.js';
import { SEVERITIES } from '../model/types.js';
import { renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { defaultConfig } from '../workspace/config.js';
import { failsOn } from './audit-command.js';
import type { CliIo } from './io.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, formatError } from './io.js';
import { LiveFlags, addLiveOptions, liveLine, liveOptionsFrom, liveWarnings, withInterrupt } from './live-options.js';

export const ProbeFlags = z.object({
  spec: z.string().optional(),
  skipChecks: z.boolean().default(false),
  failOn: z.enum(SEVERITIES).optional(),
  quiet: z.boolean().default(false),
  json: z.boolean().default(false),
  today: z.string().optional(),
  ...LiveFlags.shape,
});
export type ProbeFlags = z.infer<typeof ProbeFlags>;

/** The live-only artifacts, beside the audit's (which they never overwrite). */
export const PROBE_MARKDOWN = '02-protect-live.md';
export const PROBE_JSON = '02-protect-live.json';

const PROBE_EXAMPLES = `
Examples:
  $ export APISEC_AUTH_HEADER='Authorization: Bearer …'       # credentials stay out of shell history
  $ apisec probe shop https://staging.example.com --spec openapi.yaml
  $ apisec probe shop https://staging.example.com --spec openapi.yaml --auth-header-b 'Authorization: Bearer …' --active
  $ apisec probe shop http://127.0.0.1:8080 --graphql /graphql --budget 100

Safety:
  Only URL's origin (scheme, host, port) is contacted; redirects off it are recorded, never
  followed; at most --budget requests (default 300), --rate per second. Passive probes by default;
  --active creates and changes objects and forges tokens: staging only. Ctrl-C stops cleanly and
  the report marks the live part partial.

Output:
  .metapowers/security/NAME/${PROBE_MARKDOWN} and ${PROBE_JSON}, credentials masked.`;

async function inventoryFrom(specFile: string | undefined, cwd: string): Promise<{ result: ReturnType<typeof buildInventory>; root: string; diagnostics: Diagnostic[] }> {
  if (specFile === undefined) return { result: buildInventory({ specs: [], graphql: [], protos: [], config: defaultConfig() }), root: cwd, diagnostics: [] };
  const absolute = resolve(cwd, specFile);
  const text = await readFile(absolute, 'utf8').catch((cause: unknown) => {
    throw new UsageError(`The spec ${JSON.stringify(specFile)} cannot be read.`, { cause, attempted: 'read --spec', where: absolute, hint: 'Pass an OpenAPI (YAML or JSON) or GraphQL schema file.' });
  });
  const root = dirname(absolute);
  const file = relative(root, absolute);
  const diagnostics: Diagnostic[] = [];
  const specs: SpecDocument[] = [];
  const graphql: GraphqlDocument[] = [];
  const loaded = loadSpec(file, text, () => undefined);
  diagnostics.push(...loaded.diagnostics);
  if (loaded.spec) specs.push(loaded.spec);
  else {
    const gql = loadGraphql(file, text);
    diagnostics.push(...gql.diagnostics);
    if (gql.document) graphql.push(gql.document);
  }
  if (specs.length === 0 && graphql.length === 0) {
    throw new UsageError(`${JSON.stringify(specFile)} is neither an OpenAPI document nor a GraphQL schema.`, { attempted: 'read --spec', where: absolute });
  }
  return { result: buildInventory({ specs, graphql, protos: [], config: defaultConfig() }), root, diagnostics };
}

/** `apisec probe NAME URL`: live probes only, the inventory from `--spec` (or none). Returns the exit code. */
export async function runProbe(name: string, url: string, flags: ProbeFlags, argv: readonly string[], io: CliIo): Promise<number> {
  const context = { attempted: `probe ${url} for "${name}"` };
  const started = performance.now();
  try {
    const paths = artifactPaths(name, io.cwd);
    const options = liveOptionsFrom(url, flags, io.env);
    const inventory = await inventoryFrom(flags.spec, io.cwd);
    const prerequisite = await checkPrerequisite(paths, { skipChecks: flags.skipChecks, argv, cwd: io.cwd, ...(io.now === undefined ? {} : { now: io.now }) });
    for (const line of liveWarnings(url, flags.active)) io.stderr.write(`${line}\n`);
    const live = await withInterrupt((signal) => liveAudit({ ...options, signal }, inventory.result.inventory.endpoints, []));
    const result: AuditResult = {
      name,
      root: flags.spec === undefined ? '.' : displayPath(inventory.root, io.cwd),
      date: flags.today ?? isoToday(),
      tool: { name: 'apisec', version: VERSION },
      project: { root: inventory.root, languages: [], frameworks: [], dependencies: {} },
      inventory: inventory.result.inventory,
      findings: live.findings,
      diagnostics: [...inventory.diagnostics, ...inventory.result.diagnostics, ...live.diagnostics],
      checks: [],
      live: live.summary,
      stats: { filesScanned: flags.spec === undefined ? 0 : 1, specFiles: flags.spec === undefined ? 0 : 1, sourceFiles: 0, excludedFiles: 0, excludedByReason: {}, durationMs: Math.round(performance.now() - started) },
    };
    const json = renderJson(result);
    await ensureArtifactDir(paths, io.cwd, { create: true });
    await writeFileAtomic(join(paths.dir, PROBE_MARKDOWN), renderMarkdown(result, { prerequisite: prerequisite.skipped ? 'skipped' : 'met' }));
    await writeFileAtomic(join(paths.dir, PROBE_JSON), json);
    if (flags.json) io.stdout.write(json);
    else if (!flags.quiet) io.stdout.write(`${liveLine(live.summary)}\nReport: ${displayPath(join(paths.dir, PROBE_MARKDOWN), io.cwd)}\n`);
    if (!live.summary.preflight.reachable) {
      io.stderr.write(`apisec: the target ${live.summary.target} did not answer: ${live.summary.preflight.detail.join(' ')}\n`);
      return EXIT_ERROR;
    }
    const failing = result.findings.filter((finding) => failsOn(finding.severity, flags.failOn)).length;
    return failing > 0 && flags.failOn !== undefined ? EXIT_FINDINGS : EXIT_OK;
  } catch (error) {
    io.stderr.write(formatError(error, context, io.env));
    return EXIT_ERROR;
  }
}

export function registerProbeCommand(program: Command, argv: readonly string[], io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('probe')
    .description(
      'Probe a running deployment (live only): pre-flight, then bounded passive probes (and active ones with --active) against URL\'s origin and nothing else; the inventory comes from --spec. Writes .metapowers/security/NAME/02-protect-live.md and .json.',
    )
    .argument('<NAME>', 'the audit\'s name: letters, digits, ".", "_" and "-"')
    .argument('<URL>', 'the deployment to probe, e.g. https://staging.example.com')
    .option('--spec <file>', 'the OpenAPI document (or GraphQL schema) that lists the endpoints to probe')
    .option('--skip-checks', 'bypass the Phase 0 (Govern) prerequisite; the skip is logged in skip-log.md')
    .addOption(new Option('--fail-on <severity>', 'exit with code 1 when a finding is at or above this severity').choices(SEVERITIES))
    .option('--json', 'print the JSON report on stdout')
    .option('--quiet', 'print nothing but errors')
    .option('--today <YYYY-MM-DD>', 'the date written in the report');
  addLiveOptions(command, false)
    .addHelpText('after', PROBE_EXAMPLES)
    .action(async (name: string, url: string, _options: unknown, self: Command) => {
      setExit(await runProbe(name, url, ProbeFlags.parse(self.opts()), argv, io));
    });
}
