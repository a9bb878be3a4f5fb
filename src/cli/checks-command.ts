import type { AnyCheck } from '../checks/define-check.js';
import { OWASP_CATEGORIES } from '../model/types.js';
import type { CliIo } from './io.js';
import { EXIT_ERROR, EXIT_OK, defaultChecks, formatError } from './io.js';

function catalogueJson(checks: readonly AnyCheck[]): string {
  const rows = checks.map((check) => ({
    id: check.id,
    title: check.title,
    owasp: check.owasp,
    owaspName: OWASP_CATEGORIES[check.owasp],
    severity: check.severity,
    confidence: check.confidence,
    section: check.section,
    cwe: check.cwe,
    targets: check.targets,
    experimental: check.experimental ?? false,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function catalogueText(checks: readonly AnyCheck[]): string {
  if (checks.length === 0) return 'No check is registered yet.\n';
  const headers = ['ID', 'OWASP', 'SEVERITY', 'SECTION', 'TITLE'];
  const rows = checks.map((check) => [check.id, check.owasp, check.severity, check.section, `${check.title}${check.experimental === true ? ' (experimental: off unless --experimental)' : ''}`]);
  const widths = headers.map((header, index) => Math.max(header.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((value, index) => (index === row.length - 1 ? value : value.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  const experimental = checks.filter((check) => check.experimental === true).length;
  const note = experimental === 0 ? '' : `, ${experimental} of them experimental (run only with --experimental)`;
  return `${[line(headers), ...rows.map(line)].join('\n')}\n\n${checks.length} ${checks.length === 1 ? 'check' : 'checks'}${note}.\n`;
}

/** `apisec checks`: the catalogue, sorted by id. */
export async function runChecksCommand(flags: { json: boolean }, io: CliIo): Promise<number> {
  try {
    const checks = [...(await (io.loadChecks ?? defaultChecks)())].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    io.stdout.write(flags.json ? catalogueJson(checks) : catalogueText(checks));
    return EXIT_OK;
  } catch (error) {
    io.stderr.write(formatError(error, { attempted: 'load the check catalogue' }, io.env));
    return EXIT_ERROR;
  }
}
