import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sarifErrors } from '../../test/sarif-schema.js';
import type { CliIo } from './io.js';
import { run } from './run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/payments-service', import.meta.url));
const OUT = '.metapowers/security/payments-service';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], cwd: string): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    cwd,
    env: {},
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

interface JsonFinding {
  checkId: string;
  fingerprint: string;
  location: { file: string; line: number };
  related?: unknown[];
}
interface SarifResult {
  ruleId: string;
  partialFingerprints: Record<string, string>;
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  relatedLocations?: unknown[];
}

describe('apisec audit --format sarif on examples/payments-service', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-sarif-'));
    await cp(EXAMPLE, join(cwd, 'services/payments'), { recursive: true });
    await cp(join(EXAMPLE, OUT, '00-govern.md'), join(cwd, OUT, '00-govern.md'));
    // The governance file lives at the root (cwd) only: a copy inside DIR would be found first.
    await rm(join(cwd, 'services/payments/.metapowers'), { recursive: true, force: true });
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('writes a valid SARIF log listing every finding of the JSON with its fingerprint', async () => {
    const result = await cli(['audit', 'payments-service', 'services/payments', '--today', '2025-06-30', '--format', 'SARIF', '--quiet'], cwd);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const log = JSON.parse(await readFile(join(cwd, OUT, '02-protect.sarif'), 'utf8')) as { runs: { results: SarifResult[] }[] };
    expect(sarifErrors(log)).toEqual([]);
    const json = JSON.parse(await readFile(join(cwd, OUT, '02-protect.json'), 'utf8')) as { findings: JsonFinding[] };
    expect(json.findings.length).toBeGreaterThan(10);
    const results = log.runs[0]?.results ?? [];
    expect(results).toHaveLength(json.findings.length);
    for (const finding of json.findings) {
      const matches = results.filter((item) => item.partialFingerprints['apisecFingerprint/v1'] === finding.fingerprint);
      expect(matches, `${finding.checkId} ${finding.fingerprint}`).toHaveLength(1);
      const match = matches[0];
      expect(match?.ruleId).toBe(finding.checkId);
      // Paths are relative to the directory apisec ran from, where GitHub code scanning resolves them.
      expect(match?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(`services/payments/${finding.location.file}`);
      expect(match?.locations[0]?.physicalLocation.region.startLine).toBe(finding.location.line);
      expect(match?.relatedLocations?.length ?? 0).toBe(finding.related?.length ?? 0);
    }
  });

  it('refuses a format this build cannot write, and writes nothing', async () => {
    const result = await cli(['audit', 'payments-service', 'services/payments', '--format', 'sarif,pdf'], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected one of sarif, html');
  });
});
