import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EXAMPLE = fileURLToPath(new URL('../../examples/payments-service', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
// tsx by absolute URL: the server runs in a temporary folder, outside this package.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function text(result: unknown): string {
  const content = (result as CallToolResult).content;
  const first = content[0];
  if (first?.type !== 'text') throw new Error('expected a text result');
  return first.text;
}

interface AuditAnswer {
  name: string;
  artifacts: { markdown: string; json: string; html?: string };
  summary: { endpoints: number; findings: number };
  findings: { fingerprint: string; checkId: string; severity: string; location: { file: string; line: number }; related?: unknown[] }[];
}

describe('apisec mcp, driven by a scripted MCP client over stdio', () => {
  let cwd: string;
  let client: Client;
  let stderr = '';
  const protocolErrors: string[] = [];

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-mcp-'));
    await cp(EXAMPLE, join(cwd, 'service'), { recursive: true });
    // The copy keeps the example's own artifacts out of the way of what the server writes.
    await rm(join(cwd, 'service', '.metapowers'), { recursive: true, force: true });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', TSX, MAIN, 'mcp'],
      cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    client = new Client({ name: 'apisec-test', version: '1.0.0' });
    // A line on stdout that is not a JSON-RPC message is reported here by the client's transport.
    client.onerror = (error) => protocolErrors.push(error.message);
    await client.connect(transport);
  });

  afterAll(async () => {
    await client.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it('lists the four tools with their input schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['audit', 'checks', 'explain_finding', 'inventory']);
    const audit = tools.find((tool) => tool.name === 'audit');
    expect(audit?.inputSchema.required).toEqual(['name']);
    expect(Object.keys(audit?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['name', 'dir', 'skipChecks', 'experimental']));
  });

  it('refuses the audit without the Phase 0 prerequisite and writes nothing, like the CLI', async () => {
    const result = await client.callTool({ name: 'audit', arguments: { name: 'payments-service', dir: 'service' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Phase 0 (Govern) has not been completed for "payments-service"');
    await expect(stat(join(cwd, '.metapowers/security/payments-service/02-protect.md'))).rejects.toThrow();
  });

  it('audits the demo: summary and findings returned, artifacts and skip log written as by the CLI', async () => {
    const result = await client.callTool({
      name: 'audit',
      arguments: { name: 'payments-service', dir: 'service', skipChecks: true, today: '2025-06-30', formats: ['html'] },
    });
    expect(result.isError).not.toBe(true);
    const answer = JSON.parse(text(result)) as AuditAnswer;
    const written = JSON.parse(await readFile(join(cwd, '.metapowers/security/payments-service/02-protect.json'), 'utf8')) as {
      summary: { endpoints: number; findings: number };
      findings: { fingerprint: string }[];
    };
    expect(answer.artifacts).toEqual({
      markdown: '.metapowers/security/payments-service/02-protect.md',
      json: '.metapowers/security/payments-service/02-protect.json',
      html: '.metapowers/security/payments-service/02-protect.html',
    });
    await expect(readFile(join(cwd, answer.artifacts.html ?? ''), 'utf8')).resolves.toMatch(/^<!DOCTYPE html>/);
    expect(answer.summary.endpoints).toBeGreaterThan(0);
    expect(answer.summary).toEqual(written.summary);
    expect(answer.findings.map((finding) => finding.fingerprint).sort()).toEqual(written.findings.map((finding) => finding.fingerprint).sort());
    const markdown = await readFile(join(cwd, '.metapowers/security/payments-service/02-protect.md'), 'utf8');
    expect(markdown).toMatch(/^# API Security Audit/m);
    const skipLog = await readFile(join(cwd, '.metapowers/security/payments-service/skip-log.md'), 'utf8');
    expect(skipLog).toContain('--skip-checks');
    // Most severe first.
    const ranks = answer.findings.map((finding) => ['critical', 'high', 'medium', 'low', 'info'].indexOf(finding.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('returns the artifact paths where the audit wrote them: a .metapowers/ found in DIR', async () => {
    await mkdir(join(cwd, 'service', '.metapowers/security/ledger'), { recursive: true });
    await writeFile(join(cwd, 'service', '.metapowers/security/ledger/00-govern.md'), '# Govern\n');
    const answer = JSON.parse(text(await client.callTool({ name: 'audit', arguments: { name: 'ledger', dir: 'service', today: '2025-06-30' } }))) as AuditAnswer;
    expect(answer.artifacts.markdown).toBe('service/.metapowers/security/ledger/02-protect.md');
    await expect(readFile(join(cwd, answer.artifacts.json), 'utf8')).resolves.toContain('"name": "ledger"');
    await expect(stat(join(cwd, '.metapowers/security/ledger'))).rejects.toThrow();
  });

  it('explains a finding by fingerprint (with its places) and a check by id', async () => {
    const audit = JSON.parse(text(await client.callTool({ name: 'audit', arguments: { name: 'payments-service', dir: 'service', skipChecks: true, today: '2025-06-30' } }))) as AuditAnswer;
    const withPlaces = audit.findings.find((finding) => (finding.related?.length ?? 0) > 0) ?? audit.findings[0];
    expect(withPlaces).toBeDefined();
    const explained = JSON.parse(text(await client.callTool({ name: 'explain_finding', arguments: { id: withPlaces?.fingerprint ?? '' } }))) as {
      finding: { checkId: string; location: unknown; related?: unknown[] };
      check: { id: string; rationale: string; remediation: string; owasp: string; cwe: string[] };
    };
    expect(explained.finding.checkId).toBe(withPlaces?.checkId);
    expect(explained.finding.location).toEqual(withPlaces?.location);
    expect(explained.finding.related).toEqual(withPlaces?.related);
    expect(explained.check.id).toBe(withPlaces?.checkId);
    expect(explained.check.rationale.length).toBeGreaterThan(20);
    expect(explained.check.remediation.length).toBeGreaterThan(20);
    expect(explained.check.owasp).toMatch(/^API\d+:2023$/);

    const byCheck = JSON.parse(text(await client.callTool({ name: 'explain_finding', arguments: { id: 'sql-injection' } }))) as { check: { id: string; cwe: string[] } };
    expect(byCheck.check.id).toBe('sql-injection');
    expect(byCheck.check.cwe).toContain('CWE-89');

    const unknown = await client.callTool({ name: 'explain_finding', arguments: { id: 'no-such-thing' } });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toContain('neither a check id nor the fingerprint');
  });

  it('lists the inventory with auth states and the catalogue', async () => {
    const inventory = JSON.parse(text(await client.callTool({ name: 'inventory', arguments: { dir: 'service' } }))) as {
      endpoints: { method: string; path: string; auth: { state: string } }[];
    };
    expect(inventory.endpoints.length).toBeGreaterThan(0);
    for (const endpoint of inventory.endpoints) expect(['protected', 'public', 'unprotected', 'unknown']).toContain(endpoint.auth.state);
    expect(inventory.endpoints.some((endpoint) => endpoint.auth.state === 'protected')).toBe(true);

    const checks = JSON.parse(text(await client.callTool({ name: 'checks', arguments: {} }))) as { id: string; owasp: string; experimental: boolean }[];
    expect(checks.length).toBeGreaterThan(50);
    expect(checks.map((check) => check.id)).toContain('jwt-signature-not-verified');
    expect(checks.some((check) => check.experimental)).toBe(true);
  });

  it('writes nothing but protocol messages on stdout and no error on stderr', () => {
    expect(protocolErrors).toEqual([]);
    expect(stderr).toBe('');
  });
});
