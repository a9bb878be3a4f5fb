import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AnyCheck } from '../checks/define-check.js';
import { maskSecrets } from '../engine/mask.js';
import { locateMetapowers } from '../metapowers/locate.js';
import { artifactPaths, displayPath } from '../metapowers/paths.js';
import type { Finding } from '../model/types.js';
import { OWASP_CATEGORIES, SEVERITIES } from '../model/types.js';
import { FORMAT_NAMES, REPORT_FORMATS } from '../report/formats.js';
import type { JsonReport } from '../report/json.js';
import { toJsonReport } from '../report/json.js';
import { AuditFlags, runAudit } from './audit-command.js';
import type { CliIo } from './io.js';
import { EXIT_ERROR, defaultAudit, defaultChecks } from './io.js';
import { packageVersion } from './version.js';

/** How many findings `audit` returns at most by default: an agent's context is finite; the file has them all. */
const DEFAULT_FINDINGS_LIMIT = 100;

function textResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message.trim() }], isError: true };
}

function describeCheck(check: AnyCheck): Record<string, unknown> {
  return {
    id: check.id,
    title: check.title,
    owasp: check.owasp,
    owaspName: OWASP_CATEGORIES[check.owasp],
    cwe: check.cwe,
    severity: check.severity,
    confidence: check.confidence,
    section: check.section,
    experimental: check.experimental ?? false,
  };
}

/** A finding for an agent: what, where, how bad; why and how to fix come from explain_finding. */
function briefFinding(finding: Finding): Record<string, unknown> {
  return {
    fingerprint: finding.fingerprint,
    checkId: finding.checkId,
    title: finding.title,
    severity: finding.severity,
    confidence: finding.confidence,
    owasp: finding.owasp,
    message: finding.message,
    location: finding.location,
    ...(finding.endpointId === undefined ? {} : { endpointId: finding.endpointId }),
    ...(finding.evidence?.snippet === undefined ? {} : { snippet: finding.evidence.snippet }),
    ...(finding.related === undefined ? {} : { related: finding.related }),
  };
}

function bySeverity(a: Finding, b: Finding): number {
  return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
}

/**
 * The Model Context Protocol server of `apisec mcp`: the audit, the inventory and the catalogue as
 * tools a coding agent calls. `audit` runs exactly the CLI's `apisec audit` (prerequisite, skip log,
 * artifacts written under the working directory); every text returned is masked.
 */
export function createMcpServer(io: CliIo): McpServer {
  const server = new McpServer(
    { name: 'apisec', version: packageVersion() },
    {
      instructions:
        'apisec audits the security of a repository\'s APIs (OWASP API Security Top 10, 2023). Call `audit` with a NAME and the directory to audit: it writes .metapowers/security/NAME/02-protect.md and .json like `apisec audit` and returns the summary and findings. `explain_finding` gives the rationale and remediation of a finding (by fingerprint) or a check (by id).',
    },
  );
  /** The latest report of each NAME audited in this session, for explain_finding. */
  const reports = new Map<string, JsonReport>();

  server.registerTool(
    'audit',
    {
      title: 'Audit the APIs of a directory',
      description:
        'Runs `apisec audit NAME DIR`: checks the Phase 0 (Govern) prerequisite (.metapowers/security/NAME/00-govern.md; pass skipChecks to bypass it, which is logged), inventories every API, runs the checks and writes .metapowers/security/NAME/02-protect.md and 02-protect.json under the server\'s working directory. Returns the summary and the findings, most severe first (rationale and remediation through explain_finding).',
      inputSchema: {
        name: z.string().describe('The audit\'s name: letters, digits, ".", "_" and "-" (e.g. payments-service).'),
        dir: z.string().default('.').describe('The directory to audit, relative to the server\'s working directory.'),
        skipChecks: z.boolean().default(false).describe('Bypass the Phase 0 (Govern) prerequisite; the skip is logged in skip-log.md.'),
        experimental: z.boolean().default(false).describe('Also run the checks still being calibrated.'),
        includeTests: z.boolean().default(false).describe('Also audit tests and their fixtures.'),
        today: z.string().optional().describe('The date of the audit (YYYY-MM-DD), for reproducible runs and sunset comparisons.'),
        config: z.string().optional().describe('A configuration file (apisec.config.yaml) to read instead of the one in DIR.'),
        formats: z.array(z.enum(FORMAT_NAMES)).default([]).describe('Extra reports to write beside the Markdown and JSON: sarif (02-protect.sarif), html (02-protect.html).'),
        baseline: z.string().optional().describe('A previous 02-protect.json: only findings whose fingerprint is not in it are reported.'),
        limit: z.number().int().min(0).default(DEFAULT_FINDINGS_LIMIT).describe('How many findings to return at most (all are in 02-protect.json).'),
      },
    },
    async (args) => {
      let stdout = '';
      let stderr = '';
      const captured: CliIo = {
        ...io,
        stdout: { write: (chunk: string) => (stdout += chunk) },
        stderr: { write: (chunk: string) => (stderr += chunk) },
      };
      const flags = AuditFlags.parse({
        skipChecks: args.skipChecks,
        experimental: args.experimental,
        includeTests: args.includeTests,
        json: true,
        quiet: true,
        ...(args.today === undefined ? {} : { today: args.today }),
        ...(args.config === undefined ? {} : { config: args.config }),
        format: args.formats,
        ...(args.baseline === undefined ? {} : { baseline: args.baseline }),
      });
      const argv = ['mcp', 'audit', args.name, args.dir, ...(args.skipChecks ? ['--skip-checks'] : []), ...args.formats.flatMap((format) => ['--format', format])];
      const code = await runAudit(args.name, args.dir, flags, argv, captured);
      if (code === EXIT_ERROR || stdout === '') return errorResult(stderr === '' ? `The audit of ${args.dir} failed.` : stderr);
      const report = JSON.parse(stdout) as JsonReport;
      reports.set(args.name, report);
      // The audit wrote where `.metapowers/` was found (DIR up to the repository root, then the working directory).
      const location = await locateMetapowers(args.name, resolve(io.cwd, args.dir), io.cwd);
      const paths = artifactPaths(args.name, location.base);
      const findings = [...report.findings].sort(bySeverity);
      return textResult({
        name: report.name,
        date: report.date,
        artifacts: {
          markdown: displayPath(paths.protectMarkdown, io.cwd),
          json: displayPath(paths.protectJson, io.cwd),
          ...Object.fromEntries(args.formats.map((format) => [format, displayPath(join(paths.dir, REPORT_FORMATS[format]?.fileName ?? ''), io.cwd)])),
        },
        summary: report.summary,
        findings: findings.slice(0, args.limit).map(briefFinding),
        ...(findings.length > args.limit ? { findingsOmitted: findings.length - args.limit } : {}),
        ...(report.diagnostics.length === 0 ? {} : { diagnostics: report.diagnostics }),
      });
    },
  );

  server.registerTool(
    'inventory',
    {
      title: 'List the endpoints of a directory',
      description:
        'Inventories every API in DIR (OpenAPI, GraphQL, gRPC documents and the routes in code) without running checks or writing anything. Returns the APIs and each endpoint with its authentication state (protected / public / unprotected / unknown, with where it is established), type, sensitivity tier and sources.',
      inputSchema: {
        dir: z.string().default('.').describe('The directory to inventory, relative to the server\'s working directory.'),
        includeTests: z.boolean().default(false).describe('Also read tests and their fixtures.'),
      },
    },
    async (args) => {
      try {
        const result = await (io.audit ?? defaultAudit)({
          root: resolve(io.cwd, args.dir),
          name: 'inventory',
          checks: [],
          ...(args.includeTests ? { includeTests: true } : {}),
        });
        const report = toJsonReport(result);
        return textResult({
          apis: report.apis.map((api) => ({ id: api.id, name: api.name, kind: api.kind, type: api.type, tier: api.tier, location: api.location, endpoints: api.endpointIds.length })),
          endpoints: report.endpoints.map((endpoint) => ({
            id: endpoint.id,
            method: endpoint.method,
            path: endpoint.path,
            protocol: endpoint.protocol,
            apiId: endpoint.apiId,
            auth: endpoint.auth,
            type: endpoint.type,
            tier: endpoint.tier,
            deprecated: endpoint.deprecated,
            sources: endpoint.sources,
          })),
          ...(report.diagnostics.length === 0 ? {} : { diagnostics: report.diagnostics }),
        });
      } catch (error) {
        return errorResult(maskSecrets(`The inventory of ${args.dir} failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    },
  );

  server.registerTool(
    'checks',
    {
      title: 'The check catalogue',
      description: 'Lists every check apisec runs: id, title, OWASP category, CWE, severity, confidence, report section, and whether it is experimental (run only with experimental: true).',
      inputSchema: {},
    },
    async () => {
      const checks = [...(await (io.loadChecks ?? defaultChecks)())].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return textResult(checks.map(describeCheck));
    },
  );

  server.registerTool(
    'explain_finding',
    {
      title: 'Explain a finding or a check',
      description:
        'Given a check id (e.g. jwt-signature-not-verified) or a finding\'s fingerprint, returns why it matters (rationale), how to fix it (remediation), its OWASP category and CWE; for a fingerprint also the finding with all its locations. Fingerprints are looked up in this session\'s audits, then in .metapowers/security/NAME/02-protect.json when NAME is given.',
      inputSchema: {
        id: z.string().describe('A check id or a finding fingerprint.'),
        name: z.string().optional().describe('The audit NAME whose 02-protect.json holds the fingerprint, when it was not audited in this session.'),
      },
    },
    async (args) => {
      const checks = await (io.loadChecks ?? defaultChecks)();
      const byId = new Map(checks.map((check) => [check.id, check]));
      const explain = (check: AnyCheck): Record<string, unknown> => ({ ...describeCheck(check), rationale: check.rationale, remediation: check.remediation });
      const check = byId.get(args.id);
      if (check !== undefined) return textResult({ check: explain(check) });

      const candidates = [...reports.values()];
      if (args.name !== undefined) {
        try {
          const path = artifactPaths(args.name, (await locateMetapowers(args.name, io.cwd, io.cwd)).base).protectJson;
          candidates.unshift(JSON.parse(await readFile(path, 'utf8')) as JsonReport);
        } catch (error) {
          return errorResult(maskSecrets(`No report could be read for ${JSON.stringify(args.name)}: ${error instanceof Error ? error.message : String(error)}. Run the audit tool first.`));
        }
      }
      for (const report of candidates) {
        const finding = report.findings.find((item) => item.fingerprint === args.id);
        if (finding === undefined) continue;
        const own = byId.get(finding.checkId);
        return textResult({
          finding,
          check: own === undefined ? { id: finding.checkId, title: finding.title, rationale: finding.rationale, remediation: finding.remediation, owasp: finding.owasp, cwe: finding.cwe } : explain(own),
        });
      }
      return errorResult(
        `${JSON.stringify(args.id)} is neither a check id nor the fingerprint of a finding in ${candidates.length === 0 ? 'any audit of this session (run the audit tool, or pass the NAME of a previous audit)' : 'the audits read'}. The checks tool lists the check ids.`,
      );
    },
  );

  return server;
}

/** `apisec mcp`: serves the tools over stdio until the client closes stdin. Nothing else is written to stdout. */
export async function runMcpServer(io: CliIo, stdin: Readable = process.stdin, stdout: Writable = process.stdout): Promise<void> {
  // Protocol messages own stdout: any stray console output from a dependency goes to stderr.
  const toStderr = (...values: unknown[]): void => {
    io.stderr.write(`${values.map(String).join(' ')}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  const server = createMcpServer(io);
  const transport = new StdioServerTransport(stdin, stdout);
  const ended = new Promise<void>((resolveEnded) => {
    const done = (): void => {
      resolveEnded();
    };
    stdin.once('end', done);
    stdin.once('close', done);
  });
  await server.connect(transport);
  await ended;
  await server.close();
}
