import { type Command, Option } from 'commander';
import { lstat, readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../metapowers/atomic.js';
import { UsageError } from '../metapowers/errors.js';
import { inventoryRows } from '../inventory-file/document.js';
import { INVENTORY_FORMATS, renderInventory } from '../inventory-file/render.js';
import { checkSunset, type SunsetReport } from '../inventory-file/sunset.js';
import { neutralizeLine } from '../report/sanitize.js';
import type { CliIo } from './io.js';
import { EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, createProgress, formatError } from './io.js';

export const InventoryFlags = z.object({
  format: z.enum(INVENTORY_FORMATS).default('openapi'),
  output: z.string().optional(),
  name: z.string().optional(),
  today: z.string().optional(),
  config: z.string().optional(),
  includeTests: z.boolean().default(false),
});
export type InventoryFlags = z.infer<typeof InventoryFlags>;

export function validateDate(value: string, option: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new UsageError(`The date ${JSON.stringify(value)} given to ${option} is not a valid YYYY-MM-DD date.`, {
      attempted: `read the ${option} option`,
      hint: `Pass a calendar date such as ${option} 2025-06-30.`,
    });
  }
  return value;
}

/** `-o FILE`: written atomically, never through a symbolic link, into a folder that exists. */
async function outputPath(io: CliIo, file: string): Promise<string> {
  const target = resolve(io.cwd, file);
  const link = await lstat(target).catch(() => undefined);
  if (link?.isSymbolicLink() === true) {
    throw new UsageError(`The output file ${JSON.stringify(file)} is a symbolic link; apisec does not write through links.`, {
      attempted: 'write the inventory file',
      where: target,
      hint: 'Remove the link or pass another path to -o.',
    });
  }
  if (link !== undefined && !link.isFile()) {
    throw new UsageError(`The output path ${JSON.stringify(file)} exists and is not a regular file.`, { attempted: 'write the inventory file', where: target });
  }
  const folder = await stat(dirname(target)).catch(() => undefined);
  if (folder?.isDirectory() !== true) {
    throw new UsageError(`The folder of the output file ${JSON.stringify(file)} does not exist.`, {
      attempted: 'write the inventory file',
      where: dirname(target),
      hint: 'Create the folder first, or pass a path in an existing one.',
    });
  }
  return target;
}

/** `apisec inventory [DIR]`: seed 001's inventory file, from the code and specs of DIR. */
export async function runInventory(dir: string, flags: InventoryFlags, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, dir);
  const context = { attempted: 'inventory the APIs', where: root };
  const progress = createProgress(io.stderr, true, io.env);
  try {
    const today = flags.today === undefined ? undefined : validateDate(flags.today, '--today');
    const info = await stat(root).catch(() => undefined);
    if (info?.isDirectory() !== true) {
      throw new UsageError(`The directory to inventory ${JSON.stringify(dir)} ${info === undefined ? 'does not exist' : 'is not a directory'}.`, {
        attempted: 'read the directory to inventory',
        where: root,
        hint: 'Pass the folder that holds the code and API specs, e.g. `apisec inventory ./services/payments`.',
      });
    }
    const target = flags.output === undefined ? undefined : await outputPath(io, flags.output);
    const { analyse, isoToday } = await import('../index.js');
    const analysis = await analyse({
      root,
      ...(today === undefined ? {} : { today }),
      ...(flags.config === undefined ? {} : { configFile: resolve(io.cwd, flags.config) }),
      ...(flags.includeTests ? { includeTests: true } : {}),
      // The inventory needs the collectors and enrichers, not the checks.
      checks: [],
      ...(progress.onProgress === undefined ? {} : { onProgress: progress.onProgress }),
    });
    let output: string;
    try {
      const { inventory, specs } = analysis.context;
      const rows = inventoryRows(inventory.apis, inventory.endpoints, specs);
      output = renderInventory(rows, flags.format, { name: flags.name ?? basename(root), date: today ?? isoToday() });
    } finally {
      analysis.dispose();
    }
    progress.clear();
    if (target === undefined) io.stdout.write(output);
    else await writeFileAtomic(target, output);
    return EXIT_OK;
  } catch (error) {
    progress.clear();
    io.stderr.write(formatError(error, context, io.env));
    return EXIT_ERROR;
  }
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `apisec sunset FILE…`: seed 001's CI gate. 1 when a deprecated operation is past its sunset date. */
export async function runSunset(files: readonly string[], flags: { today?: string | undefined }, io: CliIo): Promise<number> {
  try {
    const today = flags.today === undefined ? new Date().toISOString().slice(0, 10) : validateDate(flags.today, '--today');
    let violations = 0;
    let problems = 0;
    let deprecated = 0;
    let operations = 0;
    for (const file of files) {
      const absolute = resolve(io.cwd, file);
      const text = await readFile(absolute, 'utf8').catch((cause: unknown) => {
        throw new UsageError(`Cannot read ${JSON.stringify(file)}.`, { cause, attempted: 'read the OpenAPI file', where: absolute });
      });
      const readSibling = (relative: string): string | undefined => {
        try {
          return readFileSync(resolve(dirname(absolute), relative), 'utf8');
        } catch {
          return undefined;
        }
      };
      const report: SunsetReport = checkSunset(file.replace(/\\/g, '/'), text, today, readSibling);
      operations += report.operations;
      deprecated += report.deprecated;
      for (const violation of report.violations) {
        io.stdout.write(
          `${neutralizeLine(`${violation.file}:${violation.line}`)} ${neutralizeLine(violation.pointer)} ${neutralizeLine(violation.operation)}: deprecated, x-sunset-date ${neutralizeLine(violation.sunset)} (line ${violation.sunsetLine}) is before ${today}.\n`,
        );
      }
      for (const problem of report.problems) {
        io.stderr.write(`apisec: ${neutralizeLine(`${problem.file}:${problem.line}`)}${problem.pointer === undefined ? '' : ` ${neutralizeLine(problem.pointer)}`}: ${neutralizeLine(problem.message)}\n`);
      }
      violations += report.violations.length;
      problems += report.problems.length;
    }
    if (violations > 0) {
      io.stderr.write(`apisec: ${plural(violations, 'deprecated operation')} ${violations === 1 ? 'is' : 'are'} past ${violations === 1 ? 'its' : 'their'} x-sunset-date (today ${today}): retire ${violations === 1 ? 'it' : 'them'} or move the date.\n`);
      return EXIT_FINDINGS;
    }
    if (problems > 0) {
      io.stderr.write(`apisec: the sunset gate could not decide (${plural(problems, 'problem')} above).\n`);
      return EXIT_ERROR;
    }
    io.stdout.write(`No deprecated operation is past its x-sunset-date (today ${today}; ${plural(deprecated, 'deprecated operation')} among ${plural(operations, 'operation')} in ${plural(files.length, 'file')}).\n`);
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(formatError(error, { attempted: 'check sunset dates' }, io.env));
    return EXIT_ERROR;
  }
}

const INVENTORY_EXAMPLES = `
Examples:
  $ apisec inventory ./services/payments                       # seed 001's openapi-inventory.yaml on stdout
  $ apisec inventory . -o openapi-inventory.yaml               # written atomically (never through a link)
  $ apisec inventory . --format csv > inventory.csv            # one row per operation (also json, md)

Fields per operation: x-api-status (active | deprecated), x-data-classification (critical | high |
medium | low), x-auth-required (true only where authentication provably applies; false when public
or provably unauthenticated; unknown, with x-auth-unknown-reason, when it could not be decided),
x-auth-scopes, x-deprecation-date, x-sunset-date, and the evidence (x-auth-evidence, x-apisec-sources).`;

const SUNSET_EXAMPLES = `
Examples:
  $ apisec sunset openapi-inventory.yaml                 # CI gate: exit 1 when a deprecated API is past its sunset
  $ apisec sunset openapi.json --today 2025-06-30       # any OpenAPI 2.0/3.x file, YAML or JSON

An operation is deprecated when it says \`deprecated: true\` or \`x-api-status: deprecated\` (also
retired or sunset); its date is \`x-sunset-date\` (or \`x-sunset\`) on the operation, its path item
or \`info\`. Each one past its date is printed as FILE:LINE POINTER METHOD PATH.

Exit codes:
  0  no deprecated operation is past its sunset date
  1  at least one is (each is listed)
  2  usage error, unreadable file, not an OpenAPI document, or a sunset date that is not a date`;

function lower(value: string): string {
  return value.toLowerCase();
}

/** Adds `inventory` and `sunset` to the program. */
export function registerInventoryCommands(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('inventory')
    .description("Print (or write with -o) seed 001's API inventory file for DIR: an OpenAPI document whose operations carry x-api-status, x-data-classification, x-auth-required, x-auth-scopes, x-deprecation-date and x-sunset-date.")
    .argument('[DIR]', 'the directory to inventory', '.')
    .addOption(new Option('--format <format>', 'output format').choices(INVENTORY_FORMATS).argParser(lower).default('openapi'))
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('--name <name>', 'the name in the document title (default: the folder name)')
    .option('--today <YYYY-MM-DD>', 'the date written as the inventory version')
    .option('--config <file>', 'read settings (public endpoints, API types) from this file')
    .option('--include-tests', 'also inventory tests and their fixtures')
    .addHelpText('after', INVENTORY_EXAMPLES)
    .action(async (dir: string, _options: unknown, command: Command) => {
      const parsed = InventoryFlags.safeParse(command.opts());
      if (!parsed.success) {
        io.stderr.write(`apisec: --format must be one of ${INVENTORY_FORMATS.join(', ')}.\n`);
        setExit(EXIT_ERROR);
        return;
      }
      setExit(await runInventory(dir, parsed.data, io));
    });

  program
    .command('sunset')
    .description("Seed 001's CI gate: exit 1, listing each one, when a deprecated operation of an OpenAPI file is past its x-sunset-date.")
    .argument('<FILE...>', 'OpenAPI 2.0/3.x files (YAML or JSON), e.g. openapi-inventory.yaml')
    .option('--today <YYYY-MM-DD>', 'compare with this date instead of today (UTC)')
    .addHelpText('after', SUNSET_EXAMPLES)
    .action(async (files: string[], options: { today?: string }) => {
      setExit(await runSunset(files, { today: options.today }, io));
    });
}
