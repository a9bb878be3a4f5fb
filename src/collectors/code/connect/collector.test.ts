import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyse } from '../../../index.js';
import { servicesOfDescriptor } from './descriptor.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'apisec-connect-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(scratch, 'p-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

async function routesOf(root: string): Promise<{ routes: string[]; diagnostics: string[] }> {
  const analysis = await analyse({ root, today: '2026-06-01', checks: [] });
  try {
    const routes = analysis.context.inventory.endpoints
      .filter((endpoint) => endpoint.sources.some((source) => source.kind === 'code' && source.via === 'connect'))
      .map((endpoint) => `${endpoint.method} ${endpoint.path}`)
      .sort();
    const diagnostics = analysis.diagnostics.filter((d) => d.source === 'collector:connect').map((d) => `${d.file ?? ''}:${d.line ?? 0} ${d.message}`)
      .sort();
    return { routes, diagnostics };
  } finally {
    analysis.dispose();
  }
}

describe('ConnectRPC collector', () => {
  it('reads the services of a sibling workspace package when only the app of a monorepo is audited', async () => {
    const { routes, diagnostics } = await routesOf(path.join(FIXTURES, 'status-monorepo/apps/api'));
    expect(diagnostics).toEqual([]);
    expect(routes).toEqual([
      'GET /rpc/acme.health.v1.HealthService/Check',
      'GET /rpc/acme.incident.v1.IncidentService/GetIncident',
      'GET /rpc/acme.incident.v1.IncidentService/ListIncidents',
      'POST /rpc/acme.health.v1.HealthService/Check',
      'POST /rpc/acme.incident.v1.IncidentService/CreateIncident',
      'POST /rpc/acme.incident.v1.IncidentService/GetIncident',
      'POST /rpc/acme.incident.v1.IncidentService/ListIncidents',
      'POST /rpc/acme.incident.v1.IncidentService/ResolveIncident',
    ]);
  });

  it('says where a router is created that nothing serves, and where a service cannot be read', async () => {
    const root = project({
      'package.json': JSON.stringify({ dependencies: { '@connectrpc/connect': '^2.0.0' } }),
      'src/router.ts': [
        'import { createConnectRouter } from "@connectrpc/connect";',
        'import { BillingService } from "@vendor/billing-proto";',
        '',
        'const router = createConnectRouter();',
        'router.service(BillingService, {});',
        'export default router;',
        '',
      ].join('\n'),
      'src/server.ts': [
        'import { connectNodeAdapter } from "@connectrpc/connect-node";',
        'import { createServer } from "node:http";',
        'import { LedgerService } from "./gen/ledger_pb";',
        '',
        'createServer(connectNodeAdapter({ routes: (router) => router.service(LedgerService, {}) })).listen(8080);',
        '',
      ].join('\n'),
    });
    const { routes, diagnostics } = await routesOf(root);
    expect(routes).toEqual([]);
    expect(diagnostics).toEqual([
      'src/router.ts:4 ConnectRPC: a router is created here but where it is served could not be resolved; its services are not inventoried.',
      'src/server.ts:5 ConnectRPC: the service `LedgerService` registered here could not be read (its generated code was not found); its methods are not inventoried.',
    ]);
  });

  it('decodes only well-formed descriptors', () => {
    // package "a.v1", service "S" with method "M" (unary, idempotency_level NO_SIDE_EFFECTS)
    const descriptor = Buffer.from([0x12, 0x04, ...Buffer.from('a.v1'), 0x32, 0x0d, 0x0a, 0x01, 0x53, 0x12, 0x08, 0x0a, 0x01, 0x4d, 0x22, 0x03, 0x90, 0x02, 0x01]).toString('base64');
    expect(servicesOfDescriptor(descriptor)).toEqual([{ typeName: 'a.v1.S', methods: [{ name: 'M', unary: true, noSideEffects: true }] }]);
    expect(servicesOfDescriptor(Buffer.from([0x32, 0x7f, 0x0a]).toString('base64'))).toBeUndefined();
    expect(servicesOfDescriptor('not base64!')).toBeUndefined();
  });
});
