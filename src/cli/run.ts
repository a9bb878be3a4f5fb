import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SEVERITIES, type Severity } from '../model/types.js';
import { FORMAT_NAMES, isFormatName, type FormatName } from '../report/formats.js';
import { AuditFlags, runAudit } from './audit-command.js';
import { runChecksCommand } from './checks-command.js';
import { addLiveOptions } from './live-options.js';
import { DEFAULT_FILE_BUDGET_MS } from '../parsing/budget.js';
import { registerProbeCommand } from './probe-command.js';
import { registerInventoryCommands } from './inventory-command.js';
import { neutralizeControls } from '../report/sanitize.js';
import type { CliIo } from './io.js';
import { EXIT_ERROR, EXIT_OK, formatError } from './io.js';
import { packageVersion } from './version.js';

const EXIT_CODES = `
Exit codes:
  0  the command finished; no finding at or above --fail-on (or --fail-on not given)
  1  at least one finding at or above --fail-on
  2  usage, prerequisite, configuration or file-system error, or no API found in DIR
     (--allow-empty accepts an empty audit)`;

const PROGRAM_EXAMPLES = `
Examples:
  $ apisec audit payments-service ./services/payments   # static audit of code + specs
  $ apisec audit payments-service . --skip-checks       # bypass the governance prerequisite
  $ apisec audit payments-service . --fail-on high      # CI gate: exit 1 on high or critical
  $ apisec checks                                       # the catalogue, with OWASP mapping
  $ apisec mcp                                          # MCP server (stdio) for coding agents

Run "apisec audit --help" for the prerequisite and the files written.`;

const MERGE_EXAMPLES = `
Examples (a GitHub Actions matrix of 4 runners):
  strategy: { matrix: { shard: [1, 2, 3, 4] } }
  $ apisec audit payments . --shard \${{ matrix.shard }}/4     # each runner: its part, a record in shards/
  # upload .metapowers/security/payments/shards/ as an artifact; in a job that needs them all, download it, then:
  $ apisec merge payments . --fail-on high                     # the report, as one whole run would write it
`;

const AUDIT_EXAMPLES = `
Examples:
  $ apisec audit payments-service ./services/payments   # static audit of code + specs
  $ apisec audit payments-service . --skip-checks       # bypass the governance prerequisite
  $ apisec audit payments-service . --fail-on high      # CI gate: exit 1 on high or critical
  $ apisec audit payments-service . --json > audit.json # the JSON report on stdout
  $ apisec audit payments-service . --format sarif      # also write 02-protect.sarif (GitHub code scanning)
  $ apisec audit payments-service . --format html       # also write 02-protect.html (offline, self-contained)
  $ apisec audit payments-service . --target https://staging.example.com   # + live probes (passive; --active for more)
  $ apisec audit payments-service . --baseline main.json --fail-on high
                                            # gate only on findings not in main.json (a previous 02-protect.json)

Prerequisite:
  .metapowers/security/NAME/00-govern.md must exist (Phase 0, Govern). Without it the audit
  stops with exit code 2 unless --skip-checks is given; each skip is logged in
  .metapowers/security/NAME/skip-log.md.

Output:
  .metapowers/security/NAME/02-protect.md    the audit (heading "API Security Audit", seven sections)
  .metapowers/security/NAME/02-protect.json  every finding, stable schema (docs/report-schema.md)
  .metapowers/security/NAME/02-protect.html  with --format html: one self-contained page (charts,
                                             filterable inventory, drill-downs) that loads nothing
  .metapowers/security/NAME/02-protect.sarif with --format sarif: SARIF 2.1.0, paths relative to
                                             the working directory (the repository root in CI)
  All are written atomically: an interrupted run keeps the previous files.

Suppressions:
  A comment "apisec-ignore CHECK-ID: reason" (# in Python and YAML, // or /* */ in JS/TS) on a
  finding's line or the line before leaves it out; the reason is mandatory. The config's
  \`ignore:\` entries (fingerprint or path glob, optional check, reason) do the same, and
  \`severityOverrides:\` (check id: severity) changes a check's severity. --baseline FILE reports
  only findings whose fingerprint is not in FILE. The report counts what was left out and lists
  suppressions without a reason or that match nothing.

Scope:
  Code that never serves requests is left out and counted in the report: tests and their
  fixtures, examples, documentation snippets, storybook stories, scripts and developer
  tooling, vendored, generated and minified or bundled files. --include-tests brings tests back; in the config file,
  \`include:\` patterns (gitignore syntax) bring any of them back and \`exclude:\` leaves more out.`;

const CHECKS_EXAMPLES = `
Examples:
  $ apisec checks          # the catalogue, with OWASP mapping
  $ apisec checks --json   # the same, machine-readable`;

/** `--format sarif --format html` or `--format sarif,html`, case-insensitive, each name once. */
function collectFormats(value: string, previous: FormatName[] = []): FormatName[] {
  const out = [...previous];
  for (const raw of value.split(',')) {
    const name = raw.trim().toLowerCase();
    if (!isFormatName(name)) throw new InvalidArgumentError(`expected one of ${FORMAT_NAMES.join(', ')} (repeat the option or separate names with commas).`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

const MCP_HELP = `
Register it with an MCP client (apisec installed globally or linked, see the README), e.g.:
  { "mcpServers": { "apisec": { "command": "apisec", "args": ["mcp"] } } }
The server's working directory is where audit writes .metapowers/security/NAME/.`;

/** `--fail-on HIGH` is `--fail-on high`. */
function parseSeverity(value: string): Severity {
  const severity = value.trim().toLowerCase();
  const known = SEVERITIES.find((name) => name === severity);
  if (known === undefined) throw new InvalidArgumentError(`Allowed choices are ${SEVERITIES.join(', ')} (in any case).`);
  return known;
}

/** The options `audit` and `merge` share: what is checked and how the report is written. */
function withAuditOptions(command: Command): Command {
  return command
    .option('--skip-checks', 'bypass the Phase 0 (Govern) prerequisite; the skip is logged in skip-log.md')
    .addOption(new Option('--fail-on <severity>', 'exit with code 1 when a finding is at or above this severity (any case)').choices(SEVERITIES).argParser(parseSeverity))
    .option('--json', 'print the JSON report on stdout instead of the summary')
    .option('--quiet', 'print nothing but errors (the JSON of --json is still printed)')
    .option('--today <YYYY-MM-DD>', 'the date of the audit, for reproducible runs and sunset comparisons')
    .option('--config <file>', 'read settings (public endpoints, API types, disabled checks, ignore entries, severity overrides) from this file')
    .option('--no-color', 'never colour the summary (NO_COLOR is honoured too)')
    .option('--include-tests', 'also audit tests and their fixtures (left out by default, like examples, vendored, generated and minified code)')
    .option('--allow-empty', 'exit 0 even when no API is found (by default that is exit 2: a wrong DIR must not pass a CI gate)')
    .option('--experimental', 'also run the checks marked experimental (still being calibrated; "apisec checks" lists them)')
    .option('--format <format>', `also write this format beside the Markdown and JSON (${FORMAT_NAMES.join(', ')}; repeatable): sarif writes 02-protect.sarif, html 02-protect.html`, collectFormats)
    .option('--file-budget <seconds>', `most time one source file may take to analyse before it is skipped with a diagnostic (default ${DEFAULT_FILE_BUDGET_MS / 1000}; 0 turns the budget off)`)
    .option('--baseline <file>', 'a previous 02-protect.json: report (and --fail-on) only findings whose fingerprint is not in it')
    .option('--jobs <n>', 'worker threads for the analysis (default: the cores available); each language of the code is analysed on its own, and the report is the same for any N')
    .option('--cache-dir <dir>', 'where to keep the result cache (default: the platform cache folder, e.g. ~/.cache/apisec); safe to delete')
    .option('--no-cache', 'analyse every file again instead of reusing the results of unchanged code from the cache');
}

function buildProgram(argv: readonly string[], io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('apisec')
    .description(
      'Audit the security of a system\'s APIs: inventory every API, assess authentication, authorization, rate limiting, input validation, CORS and transport against the OWASP API Security Top 10 (2023), and write an actionable report.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(neutralizeControls(text)),
      writeErr: (text) => io.stderr.write(neutralizeControls(text)),
      getOutHelpWidth: () => io.stdout.columns ?? 80,
      getErrHelpWidth: () => io.stderr.columns ?? 80,
    })
    .showHelpAfterError('(run "apisec --help" for usage)')
    .addHelpText('after', `${PROGRAM_EXAMPLES}\n${EXIT_CODES}`);

  withAuditOptions(addLiveOptions(program.command('audit'), true))
    .description(
      'Audit the APIs in DIR under the name NAME (seed 000): check the Phase 0 prerequisite, inventory APIs, run every check, write .metapowers/security/NAME/02-protect.md and .json, and print a summary.',
    )
    .argument('<NAME>', 'the audit\'s name: letters, digits, ".", "_" and "-" (e.g. payments-service)')
    .argument('[DIR]', 'the directory to audit', '.')
    .option('--shard <i/n>', 'run part i of n of the audit (a CI matrix runner): write shards/shard-i-of-n.json instead of the report; `apisec merge` combines them')
    .addHelpText('after', `${AUDIT_EXAMPLES}\n${EXIT_CODES}`)
    .action(async (name: string, dir: string, _options: unknown, command: Command) => {
      setExit(await runAudit(name, dir, AuditFlags.parse(command.opts()), argv, io));
    });

  withAuditOptions(addLiveOptions(program.command('merge'), true))
    .description(
      'Combine the shard records of a split audit (`apisec audit NAME DIR --shard i/n` on n runners) into the audit: the same 02-protect.md and .json as one whole run. Run it on a checkout of the same DIR, with the records in .metapowers/security/NAME/shards/.',
    )
    .argument('<NAME>', 'the audit\'s name, as given to the shards')
    .argument('[DIR]', 'the directory the shards audited', '.')
    .addHelpText('after', `${MERGE_EXAMPLES}\n${EXIT_CODES}`)
    .action(async (name: string, dir: string, _options: unknown, command: Command) => {
      setExit(await runAudit(name, dir, AuditFlags.parse({ ...command.opts(), merge: true }), argv, io));
    });

  program
    .command('checks')
    .description('List the check catalogue: id, OWASP category, severity, report section and title.')
    .option('--json', 'print the catalogue as JSON')
    .addHelpText('after', `${CHECKS_EXAMPLES}\n${EXIT_CODES}`)
    .action(async (_options: unknown, command: Command) => {
      const opts: unknown = command.opts();
      const json = typeof opts === 'object' && opts !== null && 'json' in opts && opts.json === true;
      setExit(await runChecksCommand({ json }, io));
    });

  registerInventoryCommands(program, io, setExit);
  registerProbeCommand(program, argv, io, setExit);

  program
    .command('mcp')
    .description(
      'Serve apisec to coding agents over the Model Context Protocol (stdio): tools audit (writes the artifacts like "apisec audit"), inventory, checks and explain_finding. Stdout carries only protocol messages.',
    )
    .addHelpText('after', MCP_HELP)
    .action(async () => {
      const { runMcpServer } = await import('./mcp-server.js');
      await runMcpServer(io);
    });
  return program;
}

/** The whole CLI as a function: parses `argv` (without node and the script), returns the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(argv, io, (value) => {
    code = value;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    io.stderr.write(formatError(error, { attempted: `run "apisec ${argv.join(' ')}"` }, io.env));
    return EXIT_ERROR;
  }
}
